"""Excel imports of the platform records.

Each row creates a record, or updates the record with the same natural key (an R&D
institution's host, level and year; a tenancy's incubator, enterprise and entry date …), so an
exported file re-imports unchanged. Like every import: checked first, then all rows or none.
The records a row attaches to (host, institute, incubator, signing event, agricultural
platform) are looked up within the importer's data scope, so nobody imports into what they
cannot see; so are the organisations that own a record (an R&D institution's or an agricultural
platform's host). Organisations a record only names (a tenant, a partner, a company) are looked
up among all, as the forms do.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from collections import defaultdict
from functools import cached_property

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
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
    AgriPlatformKind,
    IncubationStatus,
    IncubatorKind,
    InstituteRecordKind,
    PlatformLevel,
    ProjectLevel,
    RDEnd,
    ReportPeriod,
    TalentRole,
    TenancyEnd,
)
from ..models import (
    AcademicianCooperation,
    AgriPlatform,
    IncubationProject,
    Incubator,
    IncubatorTalent,
    Institute,
    InstituteRecord,
    InstituteReport,
    InstituteTalent,
    MajorProject,
    RDInstitution,
    SignedProject,
    SigningEvent,
    Tenancy,
    ZoneEvaluation,
)
from ..rules import IMPORT_PLATFORMS
from .columns import (
    ACADEMICIAN_COOPERATION_COLUMNS,
    AGRI_PLATFORM_COLUMNS,
    INCUBATION_PROJECT_COLUMNS,
    INCUBATOR_COLUMNS,
    INCUBATOR_TALENT_COLUMNS,
    INSTITUTE_RECORD_COLUMNS,
    INSTITUTE_REPORT_COLUMNS,
    INSTITUTE_TALENT_COLUMNS,
    LIST_SEPARATORS,
    MAJOR_PROJECT_COLUMNS,
    NO,
    RD_INSTITUTION_COLUMNS,
    SIGNED_PROJECT_COLUMNS,
    TENANCY_COLUMNS,
    YES,
    ZONE_EVALUATION_COLUMNS,
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


SEPARATORS = re.compile(f"[{LIST_SEPARATORS}]+")


def split_list(text: str) -> list[str]:
    """The items of a cell that lists several (separated by 、 or , …)."""
    return [part.strip() for part in SEPARATORS.split(text) if part.strip()]


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

    def organisations(self, field: str, index: OrganisationIndex) -> list[int]:
        """The organisations a cell lists (each by code or exact name), as sorted ids."""
        found = set()
        for part in split_list(self.text(field, max_length=20000)):
            try:
                found.add(index.find(part))
            except NotFound as error:
                raise RowError(self.header(field), str(error)) from None
        return sorted(found)


class RecordImporter(Importer):
    """Rows of one model matched to its records by ``natural_key`` (attribute names).

    A subclass reads a row into the record's attributes (``read``) and loads the lookup
    tables reading needs (``prepare``). ``preview`` names the columns the preview shows.
    """

    model: type[models.Model]
    natural_key: tuple[str, ...] = ()
    many_to_many: tuple[str, ...] = ()  # fields read as sorted lists of ids
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

    def problems(self, fields: dict) -> dict[str, str]:
        """What is wrong with a row's values taken together, by field name (another area's
        importer names its own checks here)."""
        return problems(self.model, fields)

    def column_of(self, name: str) -> str:
        """The header of the column a field (or attribute) is read from."""
        base = name.removesuffix("_id")
        for key in (name, base, f"{base}_name"):
            if key in self.headers:
                return self.headers[key]
        return name

    def check_limits(self, fields: dict) -> None:
        """The limits of the model's fields (lengths, digits, ranges, slugs), so that a value
        the database would refuse is a row error instead of a failed import."""
        for name, value in fields.items():
            if value is None or value == "":
                continue
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.concrete or field.many_to_many:
                continue
            try:
                field.run_validators(value)
            except ValidationError as error:
                raise RowError(self.column_of(name), error.messages[0]) from None

    def parse_row(self, values, raw):
        code_field, name_field = self.preview
        fields = self.read(Row(self, values, raw))
        self.check_limits(fields)
        for name, message in self.problems(fields).items():  # the first one
            raise RowError(self.column_of(name), message)
        return {
            "fields": fields,
            "code": values.get(code_field, ""),
            "name": values.get(name_field) or str(fields.get(name_field) or ""),
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

    def existing(self, rows: list[dict], *, lock: bool = False) -> dict[tuple, models.Model]:
        """The records the rows name by their natural key (locked for the commit if ``lock``)."""
        first = self.natural_key[0]
        wanted = {row[first] for row in rows}
        records = self.model._default_manager.filter(**{f"{first}__in": wanted})
        if lock:
            records = records.select_for_update(of=("self",))
        records = records.prefetch_related(*self.many_to_many)
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
        tracked = issubclass(self.model, TrackedModel)
        for row in unique:
            record = existing.get(self.key_of(row.values["fields"]))
            row.values["action"] = "create" if record is None else "update"
            if tracked:
                self.note_version(result, row, getattr(record, "version", None), key_headers)
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
        existing = self.existing(values, lock=True)
        tracked = issubclass(self.model, TrackedModel)
        creates, updates, changed = [], [], set()
        links = []  # (record, many-to-many field, the ids it is to hold)
        for row, fields in zip(rows, values, strict=True):
            record = existing.get(self.key_of(fields))
            if tracked:
                self.refuse_if_stale(row.values, getattr(record, "version", None))
            fields = dict(fields)
            wanted = {name: fields.pop(name) for name in self.many_to_many if name in fields}
            if record is None:
                record = self.model(**fields)
                if tracked:
                    record.created_by = self.user
                creates.append((record, wanted))
                links += [(record, name, ids) for name, ids in wanted.items() if ids]
                continue
            for name, value in fields.items():
                setattr(record, name, value)
            diff = record.audit_changes(created=False)
            changed |= diff.keys()
            for name, ids in wanted.items():
                current = sorted(item.pk for item in getattr(record, name).all())
                if current != ids:
                    diff[name] = [current, ids]
                    links.append((record, name, ids))
            if not diff:
                outcome.unchanged += 1
                continue
            if tracked:
                record.version += 1
                record.updated_at = timezone.now()
                changed |= {"version", "updated_at"}
            updates.append((record, diff))
        self.model._default_manager.bulk_create([r for r, _wanted in creates])
        if updates and changed:
            self.model._default_manager.bulk_update([r for r, _diff in updates], sorted(changed))
        self.write_links(links)
        outcome.events += [
            chain.pending(
                AuditAction.CREATE,
                r,
                changes={
                    **r.audit_changes(created=True),
                    **{k: [None, v] for k, v in w.items() if v},
                },
            )
            for r, w in creates
        ]
        outcome.events += [chain.pending(AuditAction.UPDATE, r, changes=d) for r, d in updates]
        outcome.created += len(creates)
        outcome.updated += len(updates)
        return outcome

    def write_links(self, links: list[tuple[models.Model, str, list[int]]]) -> None:
        """Replace the many-to-many links of these records with the ids given."""
        for name in self.many_to_many:
            field = self.model._meta.get_field(name)
            through = field.remote_field.through
            source, target = field.m2m_column_name(), field.m2m_reverse_name()
            mine = [(record.pk, ids) for record, field_name, ids in links if field_name == name]
            if not mine:
                continue
            through.objects.filter(**{f"{source}__in": [pk for pk, _ids in mine]}).delete()
            through.objects.bulk_create(
                through(**{source: pk, target: item}) for pk, ids in mine for item in ids
            )


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


def slug_code(row) -> str:
    """The row's ``code`` cell: letters, digits, hyphens and underscores (or empty)."""
    code = row.text("code", max_length=40)
    if code and not SLUG.fullmatch(code):
        raise RowError(
            row.header("code"), _("A code has only letters, digits, hyphens and underscores.")
        )
    return code


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
        code = slug_code(row)
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
UNKNOWN_INCUBATOR = gettext_lazy("No incubator “%(value)s” within your data scope.")


@register
class InstituteTalentImporter(RecordImporter):
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


@register
class IncubationProjectImporter(RecordImporter):
    """Projects the institutes incubate, one per institute and name (a later row moves the
    project on: signed, landed …)."""

    key = "platforms.incubationproject"
    label = gettext_lazy("Incubation project import")
    list_url_name = "platforms:incubationproject-list"
    columns = INCUBATION_PROJECT_COLUMNS
    model = IncubationProject
    natural_key = ("institute_id", "name")
    preview = ("institute", "name")

    def prepare(self, cells):
        self.institutes = institutes_of(self.user)
        self.companies = self.organisations(cells, "company")
        self.statuses = choice_values(IncubationStatus)

    def read(self, row):
        institute, _organisation = row.pick(
            "institute", self.institutes, required=True, unknown=str(UNKNOWN_INSTITUTE)
        )
        return {
            "institute_id": institute,
            "name": row.text("name", required=True),
            "status": row.pick("status", self.statuses, required=True),
            "company_id": row.organisation("company", self.companies),
            "field": row.text("field", max_length=100),
            "started_on": row.date("started_on", required=True),
            "signed_on": row.date("signed_on"),
            "landed_on": row.date("landed_on"),
        }


@register
class IncubatorTalentImporter(RecordImporter):
    """Talents the incubators brought in, one per incubator and name."""

    key = "platforms.incubatortalent"
    label = gettext_lazy("Incubator talent import")
    list_url_name = "platforms:incubatortalent-list"
    columns = INCUBATOR_TALENT_COLUMNS
    model = IncubatorTalent
    natural_key = ("incubator_id", "name")
    preview = ("incubator", "name")

    def prepare(self, cells):
        self.incubators = by_code_and_name(Incubator.objects.visible_to(self.user))
        self.enterprises = self.organisations(cells, "enterprise")
        self.levels = code_items(CodeList.TALENT_LEVEL)

    def read(self, row):
        return {
            "incubator_id": row.pick(
                "incubator", self.incubators, required=True, unknown=str(UNKNOWN_INCUBATOR)
            ),
            "name": row.text("name", required=True, max_length=50),
            "talent_level_id": row.pick(
                "talent_level",
                self.levels,
                unknown=_("Unknown talent level “%(value)s”."),
            ),
            "enterprise_id": row.organisation("enterprise", self.enterprises),
            "introduced_on": row.date("introduced_on", required=True),
        }


@register
class InstituteReportImporter(RecordImporter):
    """The institutes' KPI reports, one per institute, year and period (the full year when
    the period is empty)."""

    key = "platforms.institutereport"
    label = gettext_lazy("Institute KPI report import")
    list_url_name = "platforms:institutereport-list"
    columns = INSTITUTE_REPORT_COLUMNS
    model = InstituteReport
    natural_key = ("institute_id", "year", "period")
    preview = ("institute", "year")

    def prepare(self, cells):
        self.institutes = institutes_of(self.user)
        self.periods = choice_values(ReportPeriod)

    def read(self, row):
        institute, _organisation = row.pick(
            "institute", self.institutes, required=True, unknown=str(UNKNOWN_INSTITUTE)
        )
        return {
            "institute_id": institute,
            "year": row.year("year", required=True),
            "period": row.pick("period", self.periods) or ReportPeriod.YEAR,
            "revenue": row.decimal("revenue"),
            "tech_income": row.decimal("tech_income"),
            "rd_spending": row.decimal("rd_spending"),
            "patents_filed": row.integer("patents_filed"),
            "patents_granted": row.integer("patents_granted"),
            "enterprises_served": row.integer("enterprises_served"),
            "submitted_on": row.date("submitted_on", required=True),
            "note": row.text("note", max_length=2000),
        }


@register
class ZoneEvaluationImporter(RecordImporter):
    """Results of the provincial evaluation of high-tech zones, one per year and zone name. A
    zone of ours is named by its code or name; a zone elsewhere only by its name."""

    key = "platforms.zoneevaluation"
    label = gettext_lazy("Zone evaluation import")
    list_url_name = "platforms:zoneevaluation-list"
    columns = ZONE_EVALUATION_COLUMNS
    model = ZoneEvaluation
    natural_key = ("year", "zone_name")
    preview = ("year", "zone_name")

    def prepare(self, cells):
        self.zones = by_code_and_name(Zone.objects.all())
        self.zone_names = dict(Zone.objects.values_list("pk", "name"))

    def read(self, row):
        zone = row.pick("zone", self.zones, unknown=_("Unknown zone “%(value)s”."))
        zone_name = row.text("zone_name") or self.zone_names.get(zone, "")
        if not zone_name:
            raise RowError(row.header("zone_name"), _("Give the zone's name, or one of our zones."))
        return {
            "year": row.year("year", required=True),
            "zone_name": zone_name,
            "zone_id": zone,
            "grade": row.text("grade", max_length=50),
            "score": row.decimal("score"),
            "award": row.text("award", max_length=100),
            "document_number": row.text("document_number", max_length=100),
        }


@register
class AgriPlatformImporter(RecordImporter):
    """Agricultural platforms by name, with their partners (each by credit code or exact
    name, separated by 、 or ,). The host must be within the importer's data scope."""

    key = "platforms.agriplatform"
    label = gettext_lazy("Agricultural platform import")
    list_url_name = "platforms:agriplatform-list"
    columns = AGRI_PLATFORM_COLUMNS
    model = AgriPlatform
    natural_key = ("name",)
    many_to_many = ("partners",)
    preview = ("host_uscc", "name")

    def prepare(self, cells):
        self.hosts = self.organisations(cells, "host", Organisation.objects.visible_to(self.user))
        self.kinds = choice_values(AgriPlatformKind)
        named = {part for text in self.texts(cells, "partners") for part in split_list(text)}
        self.partners = OrganisationIndex(Organisation.objects.all(), named)

    def read(self, row):
        return {
            "name": row.text("name", required=True),
            "kind": row.pick("kind", self.kinds, required=True),
            "host_id": row.organisation("host", self.hosts),
            "partners": row.organisations("partners", self.partners),
            "established_on": row.date("established_on", required=True),
            "focus": row.text("focus"),
        }


@register
class AcademicianCooperationImporter(RecordImporter):
    """Cooperations with academicians, one per academician and signing date; the platform is
    named by its name and must be within the importer's data scope."""

    key = "platforms.academiciancooperation"
    label = gettext_lazy("Academician cooperation import")
    list_url_name = "platforms:academiciancooperation-list"
    columns = ACADEMICIAN_COOPERATION_COLUMNS
    model = AcademicianCooperation
    natural_key = ("academician", "signed_on")
    preview = ("platform", "academician")

    def prepare(self, cells):
        self.institutions = self.organisations(cells, "institution")
        self.platforms = dict(AgriPlatform.objects.visible_to(self.user).values_list("name", "pk"))

    def read(self, row):
        return {
            "academician": row.text("academician", required=True, max_length=50),
            "academy": row.text("academy", max_length=100),
            "institution_id": row.organisation("institution", self.institutions),
            "platform_id": row.pick(
                "platform",
                self.platforms,
                unknown=_("No agricultural platform “%(value)s” within your data scope."),
            ),
            "signed_on": row.date("signed_on", required=True),
            "topic": row.text("topic"),
        }


@register
class MajorProjectImporter(RecordImporter):
    """Major industrial projects by code; a row without a code is matched by name (a new
    project gets a code)."""

    key = "platforms.majorproject"
    label = gettext_lazy("Major project import")
    list_url_name = "platforms:majorproject-list"
    columns = MAJOR_PROJECT_COLUMNS
    model = MajorProject
    natural_key = ("code",)
    preview = ("code", "name")

    def prepare(self, cells):
        self.chains = code_items(CodeList.INDUSTRY_CHAIN)
        self.towns = by_code_and_name(Town.objects.all())

    def read(self, row):
        code = slug_code(row)
        return {
            "code": code,
            "name": row.text("name", required=True),
            "chain_id": row.pick(
                "chain", self.chains, unknown=_("Unknown industry chain “%(value)s”.")
            ),
            "town_id": row.pick("town", self.towns, unknown=_("Unknown town “%(value)s”.")),
            "landed_on": row.date("landed_on"),
            "investment": row.decimal("investment"),
            "capacity": row.decimal("capacity"),
            "capacity_unit": row.text("capacity_unit", max_length=20),
            "output_at_capacity": row.decimal("output_at_capacity"),
        }

    def check_file(self, result):
        """Give each row without a code the code of the one project of that name, or a new
        code; a name several projects share needs the code."""
        names = {r.values["fields"]["name"] for r in result.rows if not r.values["fields"]["code"]}
        known = defaultdict(list)
        for code, name in MajorProject.objects.filter(name__in=names).values_list("code", "name"):
            known[name].append(code)
        kept = []
        for row in result.rows:
            fields = row.values["fields"]
            if not fields["code"]:
                codes = known.get(fields["name"], [])
                if len(codes) > 1:
                    result.add_error(
                        row.number,
                        self.headers["code"],
                        _("Several major projects are named “%(value)s”: give the code.")
                        % {"value": fields["name"]},
                    )
                    continue
                fields["code"] = codes[0] if codes else f"major-{uuid.uuid4().hex[:12]}"
                known[fields["name"]] = [fields["code"]]  # later rows of the same name
                row.values["code"] = fields["code"]
            kept.append(row)
        result.rows = kept
        super().check_file(result)
