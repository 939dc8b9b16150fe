from django.db.models import Prefetch

from kechuang.core.interfaces.excel import in_chunks, write_workbook

from ..models import EnterpriseYear, Organisation
from .columns import ORGANISATION_COLUMNS


def organisation_cells(field: str, org) -> dict:
    """The cells of an organisation's two columns (``columns.organisation_columns``): its credit
    code ("" for an organisation without one) and its name; none for no organisation."""
    if org is None:
        return {}
    return {f"{field}_uscc": org.uscc or "", f"{field}_name": org.name}


def organisation_rows(queryset, year: int):
    """Rows of the export in the import template's columns, with the figures of ``year``."""
    loader = Organisation.objects.select_related("town", "industry").prefetch_related(
        "chains",
        "zones",
        Prefetch("years", queryset=EnterpriseYear.objects.filter(year=year), to_attr="export_year"),
    )
    for org in in_chunks(queryset, loader):
        figure = org.export_year[0] if org.export_year else None
        yield [
            org.uscc or "",
            org.name,
            org.get_kind_display(),
            "、".join(org.former_name_list),
            org.legal_representative,
            org.founded_on,
            org.town.name if org.town else "",
            org.address,
            org.industry.code if org.industry else "",
            "、".join(c.name for c in org.chains.all()),
            "、".join(z.name for z in org.zones.all()),
            year if figure else "",
            figure.revenue if figure else None,
            figure.output_value if figure else None,
            figure.rd_spending if figure else None,
            figure.employees if figure else None,
            figure.st_staff if figure else None,
            ("是" if figure.above_scale else "否") if figure else "",
        ]


def write_organisations(stream, queryset, year: int) -> int:
    headers = [c.header for c in ORGANISATION_COLUMNS]
    return write_workbook(stream, "主体", headers, organisation_rows(queryset, year))
