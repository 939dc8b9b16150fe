"""Excel exports of the platform lists, in their import template's columns (an export
re-imports unchanged). Each row is a {column field: value} mapping; the columns order it."""

from kechuang.core.interfaces.excel import Export
from kechuang.registry.interfaces.exporters import organisation_cells

from .. import models
from .columns import (
    INSTITUTE_COLUMNS,
    INSTITUTE_TALENT_COLUMNS,
    RD_INSTITUTION_COLUMNS,
)


def institute_name(institute) -> str:
    return institute.organisation.name


def name_of(item) -> str:
    """The name of a code-list item, town or zone ("" for none)."""
    return item.name if item is not None else ""


RD_INSTITUTIONS = Export(
    sheet="研发机构",
    columns=RD_INSTITUTION_COLUMNS,
    loader=lambda: models.RDInstitution.objects.select_related("host", "level"),
    row=lambda r: {
        **organisation_cells("host", r.host),
        "name": r.name,
        "level": r.level.name,
        "certified_year": r.certified_year,
        "certified_on": r.certified_on,
        "batch": r.batch,
        "document_number": r.document_number,
        "ended_on": r.ended_on,
        "end_reason": r.get_end_reason_display(),
    },
)


def lines(text: str) -> str:
    """A one-per-line field in one cell, a line each (as the import reads it back)."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


INSTITUTES = Export(
    sheet="新型研发机构",
    columns=INSTITUTE_COLUMNS,
    loader=lambda: models.Institute.objects.select_related(
        "organisation", "partner", "focus_chain"
    ),
    row=lambda i: {
        **organisation_cells("organisation", i.organisation),
        "code": i.code,
        **organisation_cells("partner", i.partner),
        "signed_on": i.signed_on,
        "signed_precision": i.get_signed_precision_display(),
        "unveiled_on": i.unveiled_on,
        "unveiled_precision": i.get_unveiled_precision_display(),
        "focus_chain": name_of(i.focus_chain),
        "focus": i.focus,
        "area_m2": i.area_m2,
        "council_chair": i.council_chair,
        "council": lines(i.council),
    },
)

INSTITUTE_TALENTS = Export(
    sheet="研究院人才",
    columns=INSTITUTE_TALENT_COLUMNS,
    loader=lambda: models.InstituteTalent.objects.select_related(
        "institute__organisation", "person"
    ),
    row=lambda t: {
        "institute": institute_name(t.institute),
        "person": t.person.name,
        "role": t.get_role_display(),
        "joined_on": t.joined_on,
        "left_on": t.left_on,
    },
)
