"""The record import every area's Excel imports build on: rows of one model matched to its
records by a natural key, so an exported file re-imports unchanged and a second import updates
instead of duplicating (``core.domain.imports``: checked first, then all rows or none).

``Row`` reads a row's cells as the record wants them (text, dates, amounts, years, 是/否 flags,
choices, organisations by credit code or exact name), a bad cell raising a ``RowError`` that
names its column. ``RecordImporter`` checks the model's field limits, the rows' values taken
together (``problems``, the area's own rules) and the data scope of the records a file updates,
and writes creates and updates in bulk with their audit events. An area's importer sets its
``permission`` and, where it has any, its ``problems``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from functools import cached_property

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

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
    parse_yes_no,
)
from kechuang.core.interfaces.excel import cell_text
from kechuang.core.models import CodeItem, TrackedModel

from ..domain.lookups import NotFound, OrganisationIndex
from ..models import Organisation

LIST_SEPARATORS = "、,，;；\n"


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
        return bool(parse_yes_no(self.text(field), self.header(field)))

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

    A subclass sets the ``permission`` to import, reads a row into the record's attributes
    (``read``), loads the lookup tables reading needs (``prepare``) and may check a row's values
    together (``problems``). ``preview`` names the columns the preview shows.
    """

    model: type[models.Model]
    natural_key: tuple[str, ...] = ()
    many_to_many: tuple[str, ...] = ()  # fields read as sorted lists of ids
    permission = ""  # the area's import permission: each area's importer sets it
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
        """What is wrong with a row's values taken together, by field name (an area's importer
        names its own checks here; none by default)."""
        return {}

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
