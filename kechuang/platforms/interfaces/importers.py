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

import re
import uuid
from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.imports import RowError, register
from kechuang.core.enums import CodeList
from kechuang.registry.interfaces.record_import import (
    RecordImporter,
    choice_values,
    code_items,
)
from kechuang.registry.models import Organisation, Person

from ..domain.records import problems
from ..enums import (
    DatePrecision,
    RDEnd,
    TalentRole,
)
from ..models import (
    Institute,
    InstituteTalent,
    RDInstitution,
)
from ..rules import IMPORT_INSTITUTES, IMPORT_PLATFORMS
from .columns import (
    INSTITUTE_COLUMNS,
    INSTITUTE_TALENT_COLUMNS,
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


SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def slug_code(row) -> str:
    """The row's ``code`` cell: letters, digits, hyphens and underscores (or empty)."""
    code = row.text("code", max_length=40)
    if code and not SLUG.fullmatch(code):
        raise RowError(
            row.header("code"), _("A code has only letters, digits, hyphens and underscores.")
        )
    return code


def one_per_line(row, field: str) -> str:
    """A one-per-line field: the cell's lines, without blank ones."""
    text = row.text(field, max_length=20000)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@register
class InstituteImporter(PlatformImporter):
    """New-type R&D institutes, one per organisation (the institute is an organisation of the
    registry, within the importer's data scope; the partner is any organisation). A row without
    a code keeps the institute's code, or a new institute gets one."""

    key = "platforms.institute"
    label = gettext_lazy("New-type R&D institute import")
    permission = IMPORT_INSTITUTES
    list_url_name = "platforms:institute-list"
    columns = INSTITUTE_COLUMNS
    model = Institute
    natural_key = ("organisation_id",)
    preview = ("code", "organisation_name")

    def prepare(self, cells):
        self.owners = self.organisations(
            cells, "organisation", Organisation.objects.visible_to(self.user)
        )
        self.partners = self.organisations(cells, "partner")
        self.precisions = choice_values(DatePrecision)
        self.chains = code_items(CodeList.INDUSTRY_CHAIN)

    def read(self, row):
        return {
            "organisation_id": row.organisation("organisation", self.owners, required=True),
            "code": slug_code(row),
            "partner_id": row.organisation("partner", self.partners, required=True),
            "signed_on": row.date("signed_on"),
            "signed_precision": row.pick("signed_precision", self.precisions) or DatePrecision.DAY,
            "unveiled_on": row.date("unveiled_on"),
            "unveiled_precision": row.pick("unveiled_precision", self.precisions)
            or DatePrecision.DAY,
            "focus_chain_id": row.pick(
                "focus_chain", self.chains, unknown=_("Unknown industry chain “%(value)s”.")
            ),
            "focus": row.text("focus"),
            "area_m2": row.decimal("area_m2"),
            "council_chair": row.text("council_chair", max_length=100),
            "council": one_per_line(row, "council"),
        }

    def check_file(self, result):
        """Give each row its code: the one written, the institute's own, or a new one; a code
        may not be another institute's (nor another row's)."""
        organisations = {row.values["fields"]["organisation_id"] for row in result.rows}
        codes = {row.values["fields"]["code"] for row in result.rows} - {""}
        known = Institute.objects.filter(Q(organisation__in=organisations) | Q(code__in=codes))
        code_of, owner_of = {}, {}
        for code, organisation in known.values_list("code", "organisation_id"):
            code_of[organisation], owner_of[code] = code, organisation
        names = dict(Organisation.objects.filter(pk__in=organisations).values_list("pk", "name"))
        kept = []
        for row in result.rows:
            fields = row.values["fields"]
            organisation = fields["organisation_id"]
            if not fields["code"]:
                fields["code"] = code_of.get(organisation) or f"institute-{uuid.uuid4().hex[:12]}"
            owner = owner_of.setdefault(fields["code"], organisation)  # later rows of the code
            row.values["code"], row.values["name"] = fields["code"], names.get(organisation, "")
            if owner != organisation:
                result.add_error(
                    row.number,
                    self.headers["code"],
                    _("Another institute already has the code %(code)s.")
                    % {"code": fields["code"]},
                )
                continue
            kept.append(row)
        result.rows = kept
        super().check_file(result)


def institutes_of(user) -> dict[str, tuple[int, int]]:
    """(institute id, its organisation's id) by institute code and by organisation name."""
    found = {}
    rows = Institute.objects.visible_to(user).values_list(
        "pk", "code", "organisation_id", "organisation__name"
    )
    for pk, code, organisation_id, name in rows:
        found[code] = found[name] = (pk, organisation_id)
    return found


UNKNOWN_INSTITUTE = gettext_lazy("No institute “%(value)s” within your data scope.")
UNKNOWN_INCUBATOR = gettext_lazy("No incubator “%(value)s” within your data scope.")


@register
class InstituteTalentImporter(PlatformImporter):
    """Talents of institutes. A person is found by name among the institute's people and the
    people already holding a role at the institute (say, a partner university's professor);
    someone not recorded yet is added to the institute's people by the import."""

    key = "platforms.institutetalent"
    label = gettext_lazy("Institute talent import")
    list_url_name = "platforms:institutetalent-list"
    columns = INSTITUTE_TALENT_COLUMNS
    model = InstituteTalent
    natural_key = ("institute_id", "person_id", "role")
    preview = ("institute", "person")

    def prepare(self, cells):
        self.institutes = institutes_of(self.user)
        self.roles = choice_values(TalentRole)
        self.people = defaultdict(list)
        names = self.texts(cells, "person")
        organisations = {organisation for _pk, organisation in self.institutes.values()}
        found = set(
            Person.objects.filter(organisation__in=organisations, name__in=names).values_list(
                "pk", "organisation_id", "name"
            )
        )
        found |= set(
            InstituteTalent.objects.filter(
                institute__organisation__in=organisations, person__name__in=names
            ).values_list("person_id", "institute__organisation_id", "person__name")
        )
        for pk, organisation, name in sorted(found):
            self.people[organisation, name].append(pk)

    def read(self, row):
        institute, organisation = row.pick(
            "institute", self.institutes, required=True, unknown=str(UNKNOWN_INSTITUTE)
        )
        name = row.text("person", required=True, max_length=50)
        people = self.people.get((organisation, name), [])
        if len(people) > 1:
            raise RowError(
                row.header("person"),
                _(
                    "Several people of the institute are named “%(value)s”; enter this one on "
                    "the institute's page."
                )
                % {"value": name},
            )
        values = {
            "institute_id": institute,
            "person_id": people[0] if people else None,
            "role": row.pick("role", self.roles, required=True),
            "joined_on": row.date("joined_on", required=True),
            "left_on": row.date("left_on"),
        }
        if not people:  # added by the import, at the institute
            values["new_person"] = [organisation, name]
        return values

    def key_of(self, fields):
        person = fields["person_id"] or tuple(fields.get("new_person") or ())
        return (fields["institute_id"], person, fields["role"])

    def before_commit(self, rows, outcome):
        wanted = {tuple(row["new_person"]) for row in rows if "new_person" in row}
        people = [
            Person(name=name, organisation_id=organisation, created_by=self.user)
            for organisation, name in sorted(wanted)
        ]
        Person.objects.bulk_create(people)
        created = {(p.organisation_id, p.name): p.pk for p in people}
        for row in rows:
            if "new_person" in row:
                row["person_id"] = created[tuple(row.pop("new_person"))]
        outcome.events += [
            chain.pending(AuditAction.CREATE, p, changes=p.audit_changes(created=True))
            for p in people
        ]
