"""Excel imports of the platform records.

Each row creates a record, or updates the record with the same natural key (an R&D
institution's host, level and year; a tenancy's incubator, enterprise and entry date …), so an
exported file re-imports unchanged. Like every import: checked first, then all rows or none.
The records a row attaches to (host, institute, incubator, signing event, agricultural
platform) are looked up within the importer's data scope, so nobody imports into what they
cannot see; so are the organisations that own a record (an R&D institution's or an agricultural
platform's host). Organisations a record only names (a tenant, a partner, a company) are looked
up among all, as the forms do.

The generic machinery (reading cells, matching rows to records, writing in bulk with audit
events) is the registry's ``RecordImporter`` (``registry/interfaces/record_import.py``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.core.domain.imports import register
from kechuang.core.enums import CodeList
from kechuang.registry.interfaces.record_import import (
    RecordImporter,
    choice_values,
    code_items,
)
from kechuang.registry.models import Organisation

from ..domain.records import problems
from ..enums import (
    RDEnd,
)
from ..models import (
    RDInstitution,
)
from ..rules import IMPORT_PLATFORMS
from .columns import (
    RD_INSTITUTION_COLUMNS,
)


class PlatformImporter(RecordImporter):
    """A platform record's import: the platforms' import permission, and the rules a record's
    values must meet together (``domain.records.problems``)."""

    permission = IMPORT_PLATFORMS

    def problems(self, fields: dict) -> dict[str, str]:
        return problems(self.model, fields)


@register
class RDInstitutionImporter(PlatformImporter):
    key = "platforms.rdinstitution"
    label = gettext_lazy("R&D institution import")
    list_url_name = "platforms:rdinstitution-list"
    columns = RD_INSTITUTION_COLUMNS
    model = RDInstitution
    natural_key = ("host_id", "level_id", "certified_year")
    preview = ("host_uscc", "name")

    def prepare(self, cells):
        self.hosts = self.organisations(cells, "host", Organisation.objects.visible_to(self.user))
        self.levels = code_items(CodeList.RD_LEVEL, parent__isnull=False)
        self.end_reasons = choice_values(RDEnd)

    def read(self, row):
        return {
            "host_id": row.organisation("host", self.hosts, required=True),
            "name": row.text("name", required=True),
            "level_id": row.pick(
                "level", self.levels, required=True, unknown=_("Unknown level “%(value)s”.")
            ),
            "certified_year": row.year("certified_year", required=True),
            "certified_on": row.date("certified_on", required=True),
            "batch": row.text("batch", max_length=50),
            "document_number": row.text("document_number", max_length=100),
            "ended_on": row.date("ended_on"),
            "end_reason": row.pick("end_reason", self.end_reasons) or "",
        }
