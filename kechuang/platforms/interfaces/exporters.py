"""Excel exports of the platform lists, in their import template's columns (an export
re-imports unchanged). Each row is a {column field: value} mapping; the columns order it."""

from kechuang.core.interfaces.excel import Export
from kechuang.registry.interfaces.exporters import organisation_cells

from .. import models
from .columns import (
    RD_INSTITUTION_COLUMNS,
)

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
