"""Excel imports of the platform records.

Each row creates a record, or updates the record with the same natural key (an R&D
institution's host, level and year; a tenancy's incubator, enterprise and entry date …), so an
exported file re-imports unchanged. Like every import: checked first, then all rows or none.
The records a row attaches to (host, institute, incubator, signing event) are looked up within
the importer's data scope, so nobody imports into what they cannot see.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from collections import defaultdict
from functools import cached_property

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.accounts.scope import restrict
from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.imports import (
    CommitResult,
    Importer,
    RowError,
    parse_date,
    parse_decimal,
    parse_integer,
    register,
)
from kechuang.core.enums import CodeList
from kechuang.core.interfaces.excel import cell_text
from kechuang.core.models import CodeItem, TrackedModel
from kechuang.registry.models import Organisation, Person, Town, Zone

from ..domain.lookups import NotFound, OrganisationIndex
from ..domain.records import problems
from ..enums import (
    IncubatorKind,
    InstituteRecordKind,
    PlatformLevel,
    ProjectLevel,
    RDEnd,
    TalentRole,
    TenancyEnd,
)
from ..models import (
    Incubator,
    Institute,
    InstituteRecord,
    InstituteTalent,
    RDInstitution,
    SignedProject,
    SigningEvent,
    Tenancy,
)
from ..rules import IMPORT_PLATFORMS
from .columns import (
    INCUBATOR_COLUMNS,
    INSTITUTE_RECORD_COLUMNS,
    INSTITUTE_TALENT_COLUMNS,
    NO,
    RD_INSTITUTION_COLUMNS,
    SIGNED_PROJECT_COLUMNS,
    TENANCY_COLUMNS,
    YES,
)


def choice_values(choices) -> dict[str, str]:
    """A choice's value by itself and by its label in each of the site's languages."""
    found = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in choices.choices:
                found[value] = found[str(label)] = value
    return found


def code_items(code_list: str, **filters) -> dict[str, int]:
    """Code-list item ids by code, Chinese name and English name."""
    found = {}
    for pk, code, name, name_en in (
        CodeItem.objects.of(code_list)
        .filter(**filters)
        .values_list("pk", "code", "name", "name_en")
    ):
        for text in (code, name, name_en):
            if text:
                found[text] = pk
    return found


def by_code_and_name(queryset, name_field="name") -> dict[str, int]:
    found = {}
    for pk, code, name in queryset.values_list("pk", "code", name_field):
        found[name] = found[code] = pk
    return found


class Row:
    """One row's cells, read as the record wants them; a bad cell raises RowError naming its
    column."""

    def __init__(self, importer: RecordImporter, values: dict[str, str], raw: dict[str, object]):
        self.importer, self.values, self.raw = importer, values, raw

    def header(self, field: str) -> str:
        return self.importer.headers[field]

    def text(self, field: str, *, required=False, max_length=200) -> str:
        value = self.values.get(field, "")
        if required and not value:
            raise RowError(self.header(field), _("The cell is empty."))
        if len(value) > max_length:
            raise RowError(
                self.header(field),
                _("Longer than %(limit)d characters.") % {"limit": max_length},
            )
        return value

    def date(self, field: str, *, required=False) -> dt.date | None:
        text = self.text(field, required=required)
        return parse_date(self.raw.get(field), text, self.header(field))

    def decimal(self, field: str, *, required=False) -> decimal.Decimal | None:
        return parse_decimal(self.text(field, required=required), self.header(field))

    def integer(self, field: str, *, required=False) -> int | None:
        return parse_integer(self.text(field, required=required), self.header(field))

    def year(self, field: str, *, required=False) -> int | None:
        value = self.integer(field, required=required)
        if value is not None and not 1949 <= value <= 2100:
            raise RowError(
                self.header(field),
                _("%(value)s is not a plausible year.") % {"value": self.values[field]},
            )
        return value

    def flag(self, field: str) -> bool:
        text = self.text(field).lower()
        if text not in YES and text not in NO:
            raise RowError(
                self.header(field), _("Write 是 or 否, not “%(value)s”.") % {"value": text}
            )
        return text in YES

    def pick(self, field: str, table: dict, *, required=False, unknown=None):
        """The value ``table`` gives for the cell's text (None for an empty optional cell)."""
        text = self.text(field, required=required)
        if not text:
            return None
        if text not in table:
            message = unknown or _("Unknown value “%(value)s”.")
            raise RowError(self.header(field), message % {"value": text})
        return table[text]

    def organisation(self, field: str, index: OrganisationIndex, *, required=False) -> int | None:
        """The organisation of a code column and a name column (the code wins)."""
        code, name = f"{field}_uscc", f"{field}_name"
        column = code if self.values.get(code) else name
        text = self.text(column)
        if not text:
            if required:
                raise RowError(
                    self.header(name), _("Give the unified social credit code or the name.")
                )
            return None
        try:
            return index.find(text)
        except NotFound as error:
            raise RowError(self.header(column), str(error)) from None


class RecordImporter(Importer):
    """Rows of one model matched to its records by ``natural_key`` (attribute names).

    A subclass reads a row into the record's attributes (``read``) and loads the lookup
    tables reading needs (``prepare``). ``preview`` names the columns the preview shows.
    """

    model: type[models.Model]
    natural_key: tuple[str, ...] = ()
    permission = IMPORT_PLATFORMS
    preview: tuple[str, str] = ("", "name")

    @cached_property
    def headers(self) -> dict[str, str]:
        return {c.field: c.header for c in self.columns}

    def header_map(self, header_row):
        self.positions = super().header_map(header_row)
        return self.positions

    def texts(self, cells, *fields: str) -> set[str]:
        """Every text of these columns in the file (to load what they name at once)."""
        found = set()
        for field in fields:
            index = self.positions.get(field)
            if index is not None:
                found.update(cell_text(row[index]) for row in cells if index < len(row))
        found.discard("")
        return found

    def organisations(self, cells, field: str, queryset=None) -> OrganisationIndex:
        if queryset is None:
            queryset = Organisation.objects.all()
        return OrganisationIndex(queryset, self.texts(cells, f"{field}_uscc", f"{field}_name"))

    def read(self, row: Row) -> dict:
        raise NotImplementedError

    def parse_row(self, values, raw):
        code_field, name_field = self.preview
        fields = self.read(Row(self, values, raw))
        for name, message in problems(self.model, fields).items():  # the first one
            raise RowError(self.headers.get(name, name), message)
        return {
            "fields": fields,
            "code": values.get(code_field, ""),
            "name": values.get(name_field, ""),
        }

    def preview_of(self, row):
        values = row.values
        return {
            "row": row.number,
            "uscc": values["code"],
            "name": values["name"],
            "action": values.get("action"),
        }

    def decode(self, values):
        """Dates and amounts back from the JSON the checked rows were kept in."""
        fields = dict(values["fields"])
        for name, value in fields.items():
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if value is None:
                continue
            if isinstance(field, models.DateField):
                fields[name] = dt.date.fromisoformat(value)
            elif isinstance(field, models.DecimalField):
                fields[name] = decimal.Decimal(value)
        return {**values, "fields": fields}

    # -- matching rows to records ---------------------------------------------------------
    def key_of(self, fields: dict) -> tuple:
        return tuple(fields[name] for name in self.natural_key)

    def existing(self, rows: list[dict]) -> dict[tuple, models.Model]:
        first = self.natural_key[0]
        wanted = {row[first] for row in rows}
        records = self.model._default_manager.filter(**{f"{first}__in": wanted})
        return {self.key_of(vars(record)): record for record in records}

    @cached_property
    def key_headers(self) -> str:
        """The columns of the natural key, for messages."""
        names = [name.removesuffix("_id") for name in self.natural_key]
        return "、".join(self.headers.get(n) or self.headers.get(f"{n}_name", n) for n in names)

    def check_file(self, result):
        seen: dict[tuple, int] = {}
        unique = []
        key_headers = self.key_headers
        for row in result.rows:
            key = self.key_of(row.values["fields"])
            if key in seen:
                result.add_error(
                    row.number,
                    key_headers,
                    _("Duplicate of row %(row)d (the same %(key)s).")
                    % {"row": seen[key], "key": key_headers},
                )
            else:
                seen[key] = row.number
                unique.append(row)
        result.rows = unique
        existing = self.existing([row.values["fields"] for row in unique])
        ids = [record.pk for record in existing.values()]
        visible = set(
            restrict(self.model._default_manager.filter(pk__in=ids), self.user).values_list(
                "pk", flat=True
            )
        )
        for row in unique:
            record = existing.get(self.key_of(row.values["fields"]))
            row.values["action"] = "create" if record is None else "update"
            if record is not None and record.pk not in visible:
                result.add_error(
                    row.number,
                    key_headers,
                    _("This record exists but is outside your data scope; it cannot be updated."),
                )

    # -- writing ----------------------------------------------------------------------------
    def before_commit(self, rows: list[dict], outcome: CommitResult) -> None:
        """Create what the rows refer to but does not exist yet."""

    def commit(self, rows):
        outcome = CommitResult()
        values = [row.values["fields"] for row in rows]
        self.before_commit(values, outcome)
        existing = self.existing(values)
        tracked = issubclass(self.model, TrackedModel)
        creates, updates, changed = [], [], set()
        for fields in values:
            record = existing.get(self.key_of(fields))
            if record is None:
                record = self.model(**fields)
                if tracked:
                    record.created_by = self.user
                creates.append(record)
                continue
            for name, value in fields.items():
                setattr(record, name, value)
            diff = record.audit_changes(created=False)
            if not diff:
                outcome.unchanged += 1
                continue
            if tracked:
                record.version += 1
                record.updated_at = timezone.now()
                changed |= {"version", "updated_at"}
            updates.append((record, diff))
            changed |= diff.keys()
        self.model._default_manager.bulk_create(creates)
        if updates:
            self.model._default_manager.bulk_update([r for r, _diff in updates], sorted(changed))
        outcome.events += [
            chain.pending(AuditAction.CREATE, r, changes=r.audit_changes(created=True))
            for r in creates
        ]
        outcome.events += [chain.pending(AuditAction.UPDATE, r, changes=d) for r, d in updates]
        outcome.created += len(creates)
        outcome.updated += len(updates)
        return outcome


@register
class RDInstitutionImporter(RecordImporter):
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


@register
class IncubatorImporter(RecordImporter):
    """Incubators by code; a row without a code is matched by name (a new one gets a code)."""

    key = "platforms.incubator"
    label = gettext_lazy("Incubator import")
    list_url_name = "platforms:incubator-list"
    columns = INCUBATOR_COLUMNS
    model = Incubator
    natural_key = ("code",)
    preview = ("code", "name")

    def prepare(self, cells):
        self.operators = self.organisations(cells, "operator")
        self.kinds = choice_values(IncubatorKind)
        self.levels = choice_values(PlatformLevel)
        self.towns = by_code_and_name(Town.objects.all())
        self.zones = by_code_and_name(Zone.objects.all())

    def read(self, row):
        code = row.text("code", max_length=40)
        if code and not SLUG.fullmatch(code):
            raise RowError(
                row.header("code"),
                _("A code has only letters, digits, hyphens and underscores."),
            )
        return {
            "code": code,
            "name": row.text("name", required=True),
            "kind": row.pick("kind", self.kinds, required=True),
            "level": row.pick("level", self.levels) or PlatformLevel.NONE,
            "operator_id": row.organisation("operator", self.operators),
            "town_id": row.pick("town", self.towns, unknown=_("Unknown town “%(value)s”.")),
            "zone_id": row.pick("zone", self.zones, unknown=_("Unknown zone “%(value)s”.")),
            "off_site_city": row.text("off_site_city", max_length=50),
            "address": row.text("address", max_length=255),
            "floors": row.integer("floors"),
            "building_area_m2": row.decimal("building_area_m2"),
            "incubation_area_m2": row.decimal("incubation_area_m2"),
            "investment": row.decimal("investment"),
            "opened_on": row.date("opened_on"),
        }

    def check_file(self, result):
        """Give each row its code: the one written, the code of the incubator of that name, or
        a new one; a name may not belong to another code's incubator."""
        names = {row.values["fields"]["name"] for row in result.rows}
        known = dict(Incubator.objects.filter(name__in=names).values_list("name", "code"))
        kept = []
        for row in result.rows:
            fields = row.values["fields"]
            owner = known.get(fields["name"])
            if not fields["code"]:
                fields["code"] = owner or f"incubator-{uuid.uuid4().hex[:12]}"
            known.setdefault(fields["name"], fields["code"])  # later rows of the same name
            if owner and owner != fields["code"]:
                result.add_error(
                    row.number,
                    self.headers["name"],
                    _("Another incubator (code %(code)s) already has this name.") % {"code": owner},
                )
                continue
            kept.append(row)
        result.rows = kept
        super().check_file(result)


@register
class TenancyImporter(RecordImporter):
    key = "platforms.tenancy"
    label = gettext_lazy("Tenancy import")
    list_url_name = "platforms:tenancy-list"
    columns = TENANCY_COLUMNS
    model = Tenancy
    natural_key = ("incubator_id", "enterprise_id", "entered_on")
    preview = ("enterprise_uscc", "enterprise_name")

    def prepare(self, cells):
        self.incubators = by_code_and_name(Incubator.objects.visible_to(self.user))
        self.enterprises = self.organisations(cells, "enterprise")
        self.reasons = choice_values(TenancyEnd)

    def read(self, row):
        return {
            "incubator_id": row.pick(
                "incubator",
                self.incubators,
                required=True,
                unknown=_("No incubator “%(value)s” within your data scope."),
            ),
            "enterprise_id": row.organisation("enterprise", self.enterprises, required=True),
            "entered_on": row.date("entered_on", required=True),
            "exited_on": row.date("exited_on"),
            "exit_reason": row.pick("exit_reason", self.reasons) or "",
        }


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


@register
class InstituteTalentImporter(RecordImporter):
    """Talents of institutes. A person is found by name among the institute's people; someone
    not recorded yet is added to the institute's people by the import."""

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
        for pk, organisation, name in Person.objects.filter(
            organisation__in=organisations, name__in=names
        ).values_list("pk", "organisation_id", "name"):
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


@register
class InstituteRecordImporter(RecordImporter):
    key = "platforms.instituterecord"
    label = gettext_lazy("Institute record import")
    list_url_name = "platforms:instituterecord-list"
    columns = INSTITUTE_RECORD_COLUMNS
    model = InstituteRecord
    natural_key = ("institute_id", "kind", "name", "occurred_on")
    preview = ("institute", "name")

    def prepare(self, cells):
        self.institutes = institutes_of(self.user)
        self.partners = self.organisations(cells, "partner")
        self.kinds = choice_values(InstituteRecordKind)
        self.levels = choice_values(ProjectLevel)

    def read(self, row):
        institute, _organisation = row.pick(
            "institute", self.institutes, required=True, unknown=str(UNKNOWN_INSTITUTE)
        )
        return {
            "institute_id": institute,
            "kind": row.pick("kind", self.kinds, required=True),
            "name": row.text("name", required=True),
            "partner_id": row.organisation("partner", self.partners),
            "occurred_on": row.date("occurred_on", required=True),
            "ended_on": row.date("ended_on"),
            "level": row.pick("level", self.levels) or "",
            "joint_application": row.flag("joint_application"),
            "amount": row.decimal("amount"),
            "note": row.text("note", max_length=2000),
        }


@register
class SignedProjectImporter(RecordImporter):
    """Projects of signing events; an event is named by its name (and its date, when several
    events share the name)."""

    key = "platforms.signedproject"
    label = gettext_lazy("Signed project import")
    list_url_name = "platforms:signedproject-list"
    columns = SIGNED_PROJECT_COLUMNS
    model = SignedProject
    natural_key = ("event_id", "name")
    preview = ("event", "name")

    def prepare(self, cells):
        self.events = defaultdict(list)
        for pk, name, held_on in SigningEvent.objects.visible_to(self.user).values_list(
            "pk", "name", "held_on"
        ):
            self.events[name].append((pk, held_on))
        self.fields = code_items(CodeList.SIGNING_FIELD)
        self.origins = code_items(CodeList.SIGNING_ORIGIN)

    def read(self, row):
        return {
            "event_id": self.event(row),
            "name": row.text("name", required=True),
            "field_id": row.pick("field", self.fields, required=True),
            "origin_id": row.pick("origin", self.origins, required=True),
            "investment": row.decimal("investment", required=True),
            "investor": row.text("investor"),
        }

    def event(self, row) -> int:
        name = row.text("event", required=True)
        held_on = row.date("held_on")
        events = [
            pk for pk, date in self.events.get(name, []) if held_on is None or date == held_on
        ]
        if not events:
            raise RowError(
                row.header("event"),
                _("No signing event “%(value)s” within your data scope.") % {"value": name},
            )
        if len(events) > 1:
            raise RowError(
                row.header("held_on"),
                _("Several signing events are named “%(value)s”: give the event date.")
                % {"value": name},
            )
        return events[0]
