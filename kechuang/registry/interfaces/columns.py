"""The organisation columns of the Excel template, the export and the import (one definition)."""

from kechuang.core.domain.imports import YES, Column
from kechuang.core.models import CodeItem


def organisation_columns(header: str, header_en: str, field: str) -> list[Column]:
    """An organisation a record names, as two columns: its credit code and its name. The import
    (``record_import.Row.organisation``) takes the code when there is one, else the exact name;
    the export writes both (``exporters.organisation_cells``)."""
    return [
        Column(f"{header}统一社会信用代码", f"{field}_uscc", f"{header_en} USCC"),
        Column(f"{header}名称", f"{field}_name", f"{header_en} name"),
    ]


def code_list_names(code_list: str):
    """The template's drop-down of a code-list column: the names of the list's items (the
    import also takes an item's code or English name)."""
    return lambda: list(CodeItem.objects.of(code_list).values_list("name", flat=True))


ORGANISATION_COLUMNS = [
    Column("统一社会信用代码", "uscc", "USCC", required=True),
    Column("名称", "name", "Name", required=True),
    Column("主体类型", "kind", "Kind"),
    Column("曾用名", "former_names", "Former names"),
    Column("法定代表人", "legal_representative", "Legal representative"),
    Column("成立日期", "founded_on", "Founding date"),
    Column("镇街道", "town", "Town"),
    Column("地址", "address", "Address"),
    Column("行业代码", "industry", "Industry code"),
    Column("产业链", "chains", "Industry chains"),
    Column("所属园区", "zones", "Zones"),
    Column("年度", "year", "Year"),
    Column("营业收入(万元)", "revenue", "Revenue (10k yuan)"),
    Column("工业总产值(万元)", "output_value", "Output value (10k yuan)"),
    Column("研发投入(万元)", "rd_spending", "R&D spending (10k yuan)"),
    Column("从业人员", "employees", "Employees"),
    Column("科技人员", "st_staff", "S&T staff"),
    Column("规上企业", "above_scale", "Above designated size"),
]

YEAR_FIELDS = ("revenue", "output_value", "rd_spending", "employees", "st_staff", "above_scale")
LIST_SEPARATORS = "、,，;；"
ABOVE_SCALE_YES = YES | {"规上"}  # the above-scale column may say 规上 for yes
