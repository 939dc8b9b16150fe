"""One declaration per record type, in the style of Django's ``ModelAdmin``.

A record type names its model, its fields with their Excel headers (in the order the form, the
detail page and the workbook show them), its list columns, filters, search fields and the
natural key an import matches rows by. Everything a user meets for it comes from that one
declaration: the list page (filters, sort, paging, Excel export of exactly the filtered list and
import), the detail page with its history, the create/edit form, the API viewset with its
serializer and filters (the same filters as the page), the Excel template, export and import,
the addresses and the menu entry::

    @register
    class TrainingType(RecordType):
        model = Training
        prefix = "trainings"
        fields = {"held_on": "培训日期", "title": "培训名称", "town": "镇街道", …}
        columns = ("held_on", "title", "kind", "town", "attendees", "organiser")
        filters = ("town", "kind", "held_on")
        search = ("title", "organiser", "note")
        natural_key = ("held_on", "title")

What is derived from the model and never declared again:

- each Excel column reads its cell with the one strict parser of its field's type
  (``cell_for``): text within the field's length, a choice by its value or its label in any of
  the site's languages, 是/否, a whole number, a year within 1949–2100, an amount, a date within
  1900–2100, a town within the importer's reach, a zone, one or several code-list items, one or
  several organisations by 统一社会信用代码 or exact name, any other record by the field(s) that
  name it within the importer's data scope; an empty cell of a field with a default takes the
  default; the export writes what the import reads back;
- a column sorts when it is a real field (a reference by what names it; a town or zone by its
  code, a code-list item in its list's order);
- a filter is a choice list for a choice field, a town, zone or code-list item by its code,
  是/否 for a flag, ``?year=`` and a from/to range for a date, ``?year=`` for a year;
- the references a user can set are those within the user's data scope (forms, API, imports);
- permissions and data scope are the model's, as everywhere.

A record type with real behaviour overrides the declaration's methods or names its own bases
(``list_view``, ``detail_view``, ``form``, ``importer``, ``viewset``, ``serializer``); it does
not re-declare its fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import django_filters
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import translation
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views import View
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated

from kechuang.accounts.scope import referable
from kechuang.core.api import ModelRulesPermission, ScopedModelViewSet, ScopedRelationsMixin
from kechuang.core.domain import imports
from kechuang.core.domain.imports import Column, RowError
from kechuang.core.interfaces import record_serializers
from kechuang.core.interfaces.display import EMPTY, Shown, field_at
from kechuang.core.interfaces.excel import Export, yes_no
from kechuang.core.interfaces.filters import DATE_INPUT, SearchFilterSet, YearFilter, YesNoFilter
from kechuang.core.interfaces.serializers import SlugRelatedField
from kechuang.core.models import CodeItem, TrackedModel, date_order_errors
from kechuang.core.record_views import (
    ChildEditView,
    RecordDetailView,
    RecordEditView,
    RecordExportView,
    RecordListView,
    perm,
)
from kechuang.core.views import scoped_object_or_404

from .api import VersionedMixin
from .domain.lookups import OrganisationIndex
from .domain.towns import reaches_every_town, towns_within_scope
from .interfaces.columns import organisation_columns
from .interfaces.exporters import organisation_cells
from .interfaces.filters import town as town_filter
from .interfaces.filters import zone as zone_filter
from .interfaces.record_forms import ChildMixin, RecordForm, record_formfield
from .interfaces.record_import import (
    RecordImporter,
    Row,
    by_code_and_name,
    choice_values,
    code_items,
    split_list,
)
from .models import Organisation, Town, Zone

FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
FIRST_YEAR, LAST_YEAR = 1949, 2100
TEXT_LIMIT = 2000  # a text area's cell (notes)
LIST_SEPARATOR = "、"  # between the items of a cell that lists several
YEAR = "year"  # the parameter of a record's year filter


# Cells: how one field is read from and written to Excel ----------------------------------------


class Cell:
    """One field's Excel column(s): the header(s), the one parser of its type (``read``, which
    raises RowError naming the column), and what the export writes (``write``). ``options``
    are the values a drop-down in the template offers."""

    def __init__(self, record_type: RecordType, field: models.Field, header: str):
        self.record_type, self.field, self.header = record_type, field, header
        self.name = field.name

    @property
    def required(self) -> bool:
        field = self.field
        if self.name in self.record_type.optional:
            return False
        return not (field.blank or field.null or field.has_default())

    @cached_property
    def header_en(self) -> str:
        declared = self.record_type.headers_en.get(self.name)
        if declared:
            return declared
        with translation.override("en"):
            return capfirst(str(self.field.verbose_name))

    def columns(self) -> list[Column]:
        return [
            Column(
                self.header,
                self.name,
                self.header_en,
                required=self.required,
                options=self.options,
            )
        ]

    def options(self) -> list[str]:
        return []

    def prepare(self, importer: DeclaredImporter, cells) -> None:
        """Load what reading the file's cells needs, once per file."""

    def read(self, row: Row, importer: DeclaredImporter) -> dict:
        raise NotImplementedError

    def write(self, record) -> dict:
        return {self.name: getattr(record, self.name)}

    def example(self):
        """What the guide sheet's example row shows: the first of the drop-down's options."""
        options = self.options()
        return options[0] if options else ""


class TextCell(Cell):
    def read(self, row, importer):
        limit = self.field.max_length or TEXT_LIMIT
        return {self.name: row.text(self.name, required=self.required, max_length=limit)}

    def example(self):
        return str(self.field.verbose_name)


class ChoiceCell(Cell):
    """A choice by its value or its label in any language of the site; written as its label."""

    def prepare(self, importer, cells):
        self.table = choice_values(self.field)
        self.table.update({str(value): value for value, _label in self.field.choices})

    def options(self):
        return [str(label) for _value, label in self.field.choices]

    def read(self, row, importer):
        value = row.pick(self.name, self.table, required=self.required)
        if value is None and not (self.field.null or self.field.has_default()):
            value = ""  # an optional choice left empty
        return {self.name: value}

    def write(self, record):
        return {self.name: getattr(record, f"get_{self.name}_display")()}

    def example(self):
        return self.options()[0]


class YesNoCell(Cell):
    def options(self):
        return ["是", "否"]

    def read(self, row, importer):
        """是/否 (or their equivalents); an empty cell is the field's default (else 否)."""
        if not row.text(self.name):
            field = self.field
            return {self.name: field.get_default() if field.has_default() else False}
        return {self.name: row.flag(self.name)}

    def write(self, record):
        return {self.name: yes_no(getattr(record, self.name))}

    def example(self):
        return "是"


class IntegerCell(Cell):
    def read(self, row, importer):
        return {self.name: row.integer(self.name, required=self.required)}

    def example(self):
        return 1


class YearCell(Cell):
    def read(self, row, importer):
        value = row.integer(self.name, required=self.required)
        if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
            raise RowError(
                row.header(self.name),
                _("%(value)s is not a plausible year.") % {"value": row.values[self.name]},
            )
        return {self.name: value}

    def example(self):
        return dt.date.today().year


class DecimalCell(Cell):
    def read(self, row, importer):
        return {self.name: row.decimal(self.name, required=self.required)}

    def example(self):
        return 1


class DateCell(Cell):
    def read(self, row, importer):
        value = row.date(self.name, required=self.required)
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise RowError(
                row.header(self.name),
                _("%(value)s is not a plausible date.") % {"value": value.isoformat()},
            )
        return {self.name: value}

    def example(self):
        return dt.date.today()


class TownCell(Cell):
    """A town by its name or code, within the importer's reach; required unless the importer
    reaches every town (a record without a town is city-wide)."""

    def prepare(self, importer, cells):
        self.towns = {}
        for pk, code, name in Town.objects.values_list("pk", "code", "name"):
            self.towns[code] = self.towns[name] = pk
        self.reachable = set(towns_within_scope(importer.user).values_list("pk", flat=True))
        self.every_town = reaches_every_town(importer.user)

    def options(self):
        return list(Town.objects.order_by("code").values_list("name", flat=True))

    def read(self, row, importer):
        text = row.text(self.name, required=self.required or not self.every_town)
        if not text:
            return {self.field.attname: None}
        pk = self.towns.get(text)
        if pk is None:
            raise RowError(row.header(self.name), UNKNOWN_TOWN % {"value": text})
        if pk not in self.reachable:
            raise RowError(row.header(self.name), TOWN_OUT_OF_SCOPE % {"value": text})
        return {self.field.attname: pk}

    def write(self, record):
        town = getattr(record, self.name)
        return {self.name: town.name if town else ""}

    def example(self):
        return next(iter(self.options()), "")


UNKNOWN_TOWN = gettext_lazy("Unknown town “%(value)s”.")
TOWN_OUT_OF_SCOPE = gettext_lazy(
    "The town “%(value)s” is outside your data scope: you cannot add its records."
)


class CodeItemCell(Cell):
    """A code-list item among those the field offers (its ``limit_choices_to``: an R&D
    institution's level, not its tier) by its code or its name in either language; written as
    its name."""

    unknown = gettext_lazy("Unknown code-list item “%(value)s”.")

    @property
    def code_list(self) -> str:
        return self.field.remote_field.limit_choices_to["code_list"]

    @property
    def limit(self) -> dict:
        """What the field offers of its code list."""
        limit = dict(self.field.remote_field.limit_choices_to)
        del limit["code_list"]
        return limit

    def prepare(self, importer, cells):
        self.items = code_items(self.code_list, **self.limit)

    def options(self):
        items = CodeItem.objects.of(self.code_list).filter(**self.limit)
        return list(items.values_list("name", flat=True))

    def read(self, row, importer):
        pk = row.pick(self.name, self.items, required=self.required, unknown=str(self.unknown))
        return {self.field.attname: pk}

    def write(self, record):
        item = getattr(record, self.name)
        return {self.name: item.name if item else ""}


class CodeItemsCell(CodeItemCell):
    """Several code-list items in one cell, separated by 、 or , (each by code or name);
    written as their names joined by 、. No drop-down: a cell lists several."""

    def options(self):
        return []

    def read(self, row, importer):
        found = set()
        for part in split_list(row.text(self.name, max_length=TEXT_LIMIT)):
            if part not in self.items:
                raise RowError(row.header(self.name), self.unknown % {"value": part})
            found.add(self.items[part])
        return {self.name: sorted(found)}

    def write(self, record):
        items = getattr(record, self.name).all()
        return {self.name: LIST_SEPARATOR.join(item.name for item in items)}


class OrganisationCell(Cell):
    """An organisation as two columns, its credit code and its name (the code wins), among
    those the importer sees."""

    def columns(self):
        return organisation_columns(self.header, self.header_en, self.name)

    def prepare(self, importer, cells):
        queryset = referable(Organisation.objects.all(), importer.user, ())
        self.index = importer.organisations(cells, self.name, queryset)

    def read(self, row, importer):
        pk = row.organisation(self.name, self.index, required=self.required)
        return {self.field.attname: pk}

    def write(self, record):
        return organisation_cells(self.name, getattr(record, self.name))

    def example(self):
        return pgettext("example", "Zhejiang Example Technology Co., Ltd.")


class ZoneCell(Cell):
    """A zone by its code or name; written as its name."""

    def prepare(self, importer, cells):
        self.zones = by_code_and_name(Zone.objects.all())

    def read(self, row, importer):
        unknown = _("Unknown zone “%(value)s”.")
        pk = row.pick(self.name, self.zones, required=self.required, unknown=unknown)
        return {self.field.attname: pk}

    def write(self, record):
        zone = getattr(record, self.name)
        return {self.name: zone.name if zone else ""}


class OrganisationsCell(Cell):
    """Several organisations in one cell, each by its credit code or exact name, separated by
    、 or , (among all organisations, as the forms offer them: naming a partner is no reach into
    its records); written by credit code (or the name of one without)."""

    def prepare(self, importer, cells):
        named = {part for text in importer.texts(cells, self.name) for part in split_list(text)}
        self.index = OrganisationIndex(Organisation.objects.all(), named)

    def read(self, row, importer):
        return {self.name: row.organisations(self.name, self.index)}

    def write(self, record):
        organisations = getattr(record, self.name).all()
        return {self.name: LIST_SEPARATOR.join(sorted(o.uscc or o.name for o in organisations))}


class ReferenceCell(Cell):
    """Another record by its exact name, among those within the importer's data scope.
    ``RecordType.references`` names the field(s) that name it, the one the export writes first
    (``{"institute": ("organisation__name", "code")}``: its name, or its code)."""

    @property
    def by(self) -> tuple[str, ...]:
        naming = self.record_type.references.get(self.name, "name")
        return (naming,) if isinstance(naming, str) else tuple(naming)

    def prepare(self, importer, cells):
        texts = importer.texts(cells, self.name)
        model = self.field.related_model
        visible = referable(model._default_manager.all(), importer.user, ())
        self.found: list[dict[str, list[int]]] = []
        for naming in self.by:
            found: dict[str, list[int]] = {}
            rows = visible.filter(**{f"{naming}__in": texts}).values_list("pk", naming)
            for pk, text in rows.distinct():
                found.setdefault(str(text), []).append(pk)
            self.found.append(found)

    def read(self, row, importer):
        text = row.text(self.name, required=self.required)
        if not text:
            return {self.field.attname: None}
        meta = self.field.related_model._meta
        for found in self.found:
            pks = found.get(text, [])
            if len(pks) == 1:
                return {self.field.attname: pks[0]}
            if pks:
                raise RowError(
                    row.header(self.name),
                    _("Several %(records)s are named “%(value)s”; rename one of them first.")
                    % {"records": meta.verbose_name_plural, "value": text},
                )
        raise RowError(
            row.header(self.name),
            _("No %(record)s named “%(value)s” within your data scope.")
            % {"record": meta.verbose_name, "value": text},
        )

    def write(self, record):
        value = getattr(record, self.name)
        for name in self.by[0].split("__"):
            if value is None:
                break
            value = getattr(value, name)
        return {self.name: value if value is not None else ""}


def cell_for(record_type: RecordType, field: models.Field, header: str) -> Cell:
    """The one cell type of a model field."""
    if field.many_to_many:
        if field.related_model is CodeItem:
            return CodeItemsCell(record_type, field, header)
        if field.related_model is Organisation:
            return OrganisationsCell(record_type, field, header)
        raise ImproperlyConfigured(f"{field}: no cell lists several {field.related_model}")
    if field.is_relation:
        target = field.related_model
        if target is Town:
            return TownCell(record_type, field, header)
        if target is Zone:
            return ZoneCell(record_type, field, header)
        if target is Organisation:
            return OrganisationCell(record_type, field, header)
        if target is CodeItem:
            return CodeItemCell(record_type, field, header)
        return ReferenceCell(record_type, field, header)
    if field.choices:
        return ChoiceCell(record_type, field, header)
    if isinstance(field, models.BooleanField):
        return YesNoCell(record_type, field, header)
    if isinstance(field, models.DateField):
        return DateCell(record_type, field, header)
    if isinstance(field, models.DecimalField):
        return DecimalCell(record_type, field, header)
    if isinstance(field, models.IntegerField):
        is_year = "year" in field.name.split("_")  # year, start_year, year_completed
        return (YearCell if is_year else IntegerCell)(record_type, field, header)
    return TextCell(record_type, field, header)


# The import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Many(Shown):
    """The items of a many-to-many field (prefetched), joined."""

    def value_of(self, obj):
        return LIST_SEPARATOR.join(str(i) for i in getattr(obj, self.path).all()) or EMPTY


class DeclaredImporter(RecordImporter):
    """The import of a declared record type: its cells read each row; the model's own
    validation (``clean_fields`` and ``clean``) checks the row's values together, so the import
    refuses what the form and the API refuse, with the same messages."""

    record_type: ClassVar[RecordType]

    def prepare(self, cells):
        for cell in self.record_type.excel_cells:
            cell.prepare(self, cells)

    def read(self, row):
        """The row's values; an empty cell of a field with a default takes the default (an
        empty 参与人数 is 0, an empty 资金来源 the usual source)."""
        values = {}
        for cell in self.record_type.excel_cells:
            for name, value in cell.read(row, self).items():
                field = cell.field
                if value in (None, "") and not field.null and field.has_default():
                    value = field.get_default()
                values[name] = value
        return values

    @cached_property
    def relation_fields(self) -> list[str]:
        return [f.name for f in self.model._meta.get_fields() if f.is_relation]

    def problems(self, fields):
        """What the model's validation says of the row (the first message of each field); a
        column the import fills when left empty (``optional``) is not refused as empty."""
        record = self.model(**{k: v for k, v in fields.items() if k not in self.many_to_many})
        try:
            record.clean_fields(exclude=self.relation_fields)
            record.clean()
        except ValidationError as error:
            found = {name: messages[0] for name, messages in error.message_dict.items()}
        else:
            found = {}
        found.update(date_order_errors(record, exclude=found))
        for name in self.record_type.optional:
            if fields.get(name) in (None, ""):
                found.pop(name, None)
        return found

    def example(self):
        return self.record_type.example()

    def column_of(self, name):
        if name == "__all__":
            return self.key_headers
        return super().column_of(name)


# The pages -------------------------------------------------------------------------------------


class DeclaredList:
    """A declared record type's list: its records as the declaration reads them."""

    record_type: RecordType

    def get_base_queryset(self):
        return self.record_type.queryset()


class DeclaredDetail:
    """A declared record type's page: its facts, then a section for each declared record type
    entered on it (with their history in the record's)."""

    record_type: RecordType

    @cached_property
    def declared_children(self) -> list[tuple[RecordType, list]]:
        """Each declared record type entered on this page with its records here, read once
        (with what their columns show) for the sections and the history."""
        found = []
        for child in self.record_type.child_types():
            records = self.visible(child.model).filter(**{child.parent: self.object})
            found.append((child, list(self.read_as_shown(records))))
        return found

    @staticmethod
    def read_as_shown(records):
        """A declared kind's records with its references and many-to-many items."""
        declared = RECORD_TYPES.get(getattr(records, "model", None))
        if declared is None or not isinstance(records, models.QuerySet):
            return records
        return records.select_related(*declared.related).prefetch_related(*declared.many)

    def children(self, records, columns, **kwargs):
        """Every section of records entered on this page, declared or written by hand, reads
        them with what their columns show."""
        return super().children(self.read_as_shown(records), columns, **kwargs)

    def sections(self):
        sections = [
            self.children(records, child.child_columns, model=child.model)
            for child, records in self.declared_children
        ]
        return [*sections, *super().sections()]

    def history_children(self):
        found = list(super().history_children())
        for _child, records in self.declared_children:
            found += records
        return found


class ChildEditRedirect(LoginRequiredMixin, View):
    """``<model>-edit`` with the record alone (what its page links to): the record's form
    under its parent's address (``parent`` names the foreign key to the parent)."""

    model = None
    parent = ""

    def get(self, request, pk):
        model = self.model
        record = scoped_object_or_404(request, model, pk, perm("change", model))
        parent_pk = getattr(record, f"{self.parent}_id")
        name = f"{model._meta.app_label}:{model._meta.model_name}-edit"
        return redirect(reverse(name, args=[parent_pk, record.pk]))


# The API ---------------------------------------------------------------------------------------


class DeclaredViewSet(ScopedRelationsMixin, VersionedMixin, ScopedModelViewSet):
    """A declared record type's API: scoped reads, references within the caller's scope,
    versioned edits (409 on a stale version), the delete-in-use 409."""

    permission_classes = [IsAuthenticated, ModelRulesPermission]


# The declaration -------------------------------------------------------------------------------


class RecordType:
    """The declaration of one record type (see the module's description). Class attributes
    declare; the pages, API, Excel and addresses are built from them once, on first use."""

    model: ClassVar[type[models.Model]]
    fields: ClassVar[dict[str, str]] = {}  # field name → Excel header, in the form's order
    columns: ClassVar[tuple] = ()  # list columns: field names (or Shown for a computed one)
    filters: ClassVar[tuple[str, ...]] = ()  # fields filtered by the filter of their type
    more_filters: ClassVar[dict] = {}  # filters of their own (``in_force_on`` …), by parameter
    search: ClassVar[tuple[str, ...]] = ()
    natural_key: ClassVar[tuple[str, ...]] = ()  # what an import matches rows by
    references: ClassVar[dict[str, str | tuple[str, ...]]] = {}  # field → its naming field(s)
    prefix: ClassVar[str] = ""  # the address segment: /<app>/<prefix>/
    api_prefix: ClassVar[str] = ""  # /api/v1/<app>/<api_prefix>/ (default: ``prefix``)
    sheet: ClassVar[str] = ""  # the workbook's sheet (default: the Chinese plural name)
    link: ClassVar[str] = ""  # the column linking to the record (default: the first text one)
    menu_label: ClassVar[str | None] = ""  # the menu's words (default: plural); None: none
    headers_en: ClassVar[dict[str, str]] = {}  # English headers the verbose names do not give
    preview: ClassVar[tuple[str, str]] = ()  # the (code, name) columns an import's preview shows
    api_basename: ClassVar[str] = ""  # the API's route names (default: <app>-<model>)
    facts: ClassVar[tuple] = ()  # the detail page's facts (default: every field but the link)
    optional: ClassVar[tuple[str, ...]] = ()  # columns an import fills when left empty
    cells: ClassVar[dict[str, type[Cell]]] = {}  # a field read and written its own way
    detail_options: ClassVar[dict] = {}  # attributes of the detail page (``attachments``)
    # A record entered on its parent's page: the foreign key to the parent, and the address
    # segment of its form under the parent's (``/stations/<id>/upgrades/new/``).
    parent: ClassVar[str] = ""
    segment: ClassVar[str] = ""
    parent_prefix: ClassVar[str] = ""  # the parent's address, when the parent is not declared
    select_related: ClassVar[tuple[str, ...]] = ()  # more read with each record (names' parts)

    # Bases a record type with behaviour (or an area) may replace.
    list_view: ClassVar[type] = RecordListView
    detail_view: ClassVar[type] = RecordDetailView
    edit_view: ClassVar[type] = RecordEditView
    form: ClassVar[type] = RecordForm
    importer: ClassVar[type] = DeclaredImporter
    viewset: ClassVar[type] = DeclaredViewSet
    serializer: ClassVar[type] = record_serializers.RecordSerializer

    # -- names ----------------------------------------------------------------------------------
    @property
    def meta(self):
        return self.model._meta

    @property
    def app(self) -> str:
        return self.meta.app_label

    @property
    def key(self) -> str:
        """The import's key and the permissions' suffix: ``<app>.<model>``."""
        return f"{self.app}.{self.meta.model_name}"

    def permission(self, action: str) -> str:
        return f"{self.app}.{action}_{self.meta.model_name}"

    def has_permission(self, action: str) -> bool:
        codename = f"{action}_{self.meta.model_name}"
        return any(code == codename for code, _name in self.meta.permissions)

    def build(self, kind: str, bases: tuple, attrs: dict) -> type:
        """A class of the record type (``TrainingForm``, ``TrainingList`` …), made in the module
        that declares the record type, as if written there."""
        name = f"{self.model.__name__}{kind}"
        module = type(self).__module__
        return type(name, bases, {"__module__": module, "__qualname__": name, **attrs})

    # -- fields ---------------------------------------------------------------------------------
    def model_field(self, name: str) -> models.Field:
        return self.meta.get_field(name)

    @cached_property
    def excel_cells(self) -> list[Cell]:
        cells = []
        for name, header in self.fields.items():
            field = self.model_field(name)
            cell = self.cells.get(name)
            cells.append(cell(self, field, header) if cell else cell_for(self, field, header))
        return cells

    @cached_property
    def many(self) -> tuple[str, ...]:
        """The many-to-many fields (read with their records, imported as lists of ids)."""
        return tuple(name for name in self.fields if self.model_field(name).many_to_many)

    def queryset(self):
        """The records with what the pages, the export and the API read of each; a record
        type with computed columns annotates here."""
        manager = self.model._default_manager
        return manager.select_related(*self.related).prefetch_related(*self.many)

    @cached_property
    def excel_columns(self) -> list[Column]:
        return [column for cell in self.excel_cells for column in cell.columns()]

    @cached_property
    def related(self) -> tuple[str, ...]:
        """The references the pages, export and API read with each record (and what their
        names are read from: ``select_related``)."""
        names = tuple(name for name in self.fields if self.model_field(name).many_to_one)
        return (*names, *self.select_related)

    @cached_property
    def link_field(self) -> str:
        if self.link:
            return self.link
        for name in self.columns:
            field = self.model_field(name) if isinstance(name, str) else None
            if isinstance(field, models.CharField) and not field.choices:
                return name
        return ""

    # -- what the pages show --------------------------------------------------------------------
    def sort_of(self, name: str) -> str:
        """The order a column sorts by: the field; a reference by what names it (a town or a
        zone by its code); else none."""
        field = self.model_field(name)
        if not field.is_relation:
            return name
        if field.related_model in (Town, Zone):
            return f"{name}__code"  # the division code's order: the city's usual order
        if field.related_model is CodeItem:
            return f"{name}__sort"  # the code list's own order
        naming = self.references.get(name, "name")
        shown = naming if isinstance(naming, str) else naming[0]
        for candidate in (shown, "code"):
            if field_at(field.related_model, candidate) is not None:
                return f"{name}__{candidate}"
        return ""

    def shown(self, name, *, column: bool) -> Shown:
        if isinstance(name, Shown):
            return name
        field = self.model_field(name)
        if field.many_to_many:
            return Many(name)
        numeric = isinstance(field, models.DecimalField | models.IntegerField) and not (
            field.choices or field.is_relation
        )
        if not column:
            return Shown(name, numeric=numeric)
        return Shown(name, sort=self.sort_of(name), link=name == self.link_field, numeric=numeric)

    @cached_property
    def default_sort(self) -> str:
        """The list's first order: the model's, as the column that sorts that way."""
        first = self.meta.ordering[0] if self.meta.ordering else ""
        descending, expression = first.startswith("-"), first.lstrip("-")
        for column in self.list_columns:
            if column.sort and expression in (column.sort, column.key):
                return f"-{column.key}" if descending else column.key
        return ""

    @cached_property
    def list_columns(self) -> list[Shown]:
        return [self.shown(name, column=True) for name in self.columns]

    @cached_property
    def detail_facts(self) -> list[Shown]:
        names = self.facts or [n for n in self.fields if n not in (self.link_field, self.parent)]
        if self.parent and not self.facts:
            names = [self.parent, *names]
        return [self.shown(name, column=False) for name in names]

    # -- filters --------------------------------------------------------------------------------
    def filter_of(self, name: str) -> dict:
        field = self.model_field(name)
        label = capfirst(field.verbose_name)
        if field.is_relation and field.related_model is Town:
            return {name: town_filter(name)}
        if field.is_relation and field.related_model is Zone:
            return {name: zone_filter(name)}
        if field.is_relation and field.related_model is CodeItem:
            return {
                name: django_filters.ModelChoiceFilter(
                    label=label,
                    field_name=name,
                    to_field_name="code",
                    queryset=CodeItem.objects.filter(**field.remote_field.limit_choices_to),
                )
            }
        if field.choices:
            return {name: django_filters.ChoiceFilter(label=label, choices=field.choices)}
        if isinstance(field, models.BooleanField):
            return {name: YesNoFilter(label=label)}
        if isinstance(field, models.DateField):
            # "year" when the record has no field of that name; the range by the date itself.
            stem = name.removesuffix("_on")  # held_on: ?held_from=…&held_to=…
            return {
                YEAR: YearFilter(field_name=name),
                f"{stem}_from": django_filters.DateFilter(
                    label=pgettext("filter", "%(field)s from") % {"field": label},
                    field_name=name,
                    lookup_expr="gte",
                    widget=DATE_INPUT,
                ),
                f"{stem}_to": django_filters.DateFilter(
                    label=pgettext("filter", "%(field)s until") % {"field": label},
                    field_name=name,
                    lookup_expr="lte",
                    widget=DATE_INPUT,
                ),
            }
        if isinstance(field, models.IntegerField) and isinstance(self.cell(name), YearCell):
            return {YEAR: YearFilter(label=label, field_name=name)}
        if field.is_relation:
            from kechuang.core.interfaces.filters import parent

            return {name: parent(label, name)}
        raise ImproperlyConfigured(f"{self.model.__name__}.{name}: no filter for this field")

    def _has_field(self, name: str) -> bool:
        return any(f.name == name for f in self.meta.get_fields())

    def cell(self, name: str) -> Cell | None:
        return next((cell for cell in self.excel_cells if cell.name == name), None)

    @cached_property
    def Filter(self) -> type[SearchFilterSet]:
        declared = {}
        for name in self.filters:
            for parameter, found in self.filter_of(name).items():
                if parameter == YEAR:
                    # ?year= filters the record's one year (a year field, or a date's year);
                    # a second one goes by its field's name.
                    free = YEAR not in declared and (name == "year" or not self._has_field("year"))
                    parameter = YEAR if free else name
                declared[parameter] = found
        declared.update(self.more_filters)
        meta = type("Meta", (), {"model": self.model, "fields": ["q", *declared]})
        attrs = {"Meta": meta, "search_fields": self.search, **declared}
        return self.build("Filter", (SearchFilterSet,), attrs)

    # -- the pages ------------------------------------------------------------------------------
    @cached_property
    def List(self) -> type[RecordListView]:
        exports, imports = self.has_permission("export"), self.has_permission("import")
        attrs = {
            "record_type": self,
            "model": self.model,
            "filterset_class": self.Filter,
            "related": self.related,
            "creatable": not self.parent,
            "columns": self.list_columns,
            "default_sort": self.default_sort,
            "export": self.export,
            "importer": self.key if imports else "",
            "export_permission": self.permission("export") if exports else "",
            "import_permission": self.permission("import") if imports else "",
        }
        return self.build("List", (DeclaredList, self.list_view), attrs)

    @cached_property
    def Detail(self) -> type[RecordDetailView]:
        attrs = {
            "record_type": self,
            "model": self.model,
            "related": self.related,
            "facts": self.detail_facts,
            "parent": self.parent,
            **self.detail_options,
        }
        bases = (DeclaredDetail, self.detail_view)
        return self.build("Detail", bases, attrs)

    def child_types(self) -> list[RecordType]:
        """The declared record types entered on this one's page."""
        return [
            t
            for t in RECORD_TYPES.values()
            if t.parent and t.model_field(t.parent).related_model is self.model
        ]

    @cached_property
    def child_columns(self) -> list[Shown]:
        """The columns of this record in its parent's section (the parent left out)."""
        columns = [c for c in self.list_columns if c.path != self.parent]
        first = columns[0]
        if not any(c.link for c in columns):
            columns[0] = Shown(first.path, first.label, link=True, numeric=first.numeric)
        return columns

    @cached_property
    def Form(self) -> type[RecordForm]:
        names = [name for name in self.fields if name != self.parent]
        model_fields = [self.model_field(n) for n in names]
        base_meta = getattr(self.form, "Meta", object)
        meta = type(
            "Meta",
            (base_meta,),
            {"model": self.model, "fields": names, "formfield_callback": record_formfield},
        )
        attrs = {
            "Meta": meta,
            "town_fields": tuple(f.name for f in model_fields if f.related_model is Town),
            "owner_fields": tuple(f.name for f in model_fields if f.related_model is Organisation),
        }
        if self.parent:
            attrs["parent"] = self.parent
            return self.build("Form", (ChildMixin, self.form), attrs)
        return self.build("Form", (self.form,), attrs)

    def urls(self) -> list:
        """The pages' addresses: ``<app>:<model>-list`` (``-export``, ``-detail``, ``-create``,
        ``-edit``); a record entered on its parent's page has its form under the parent's
        address, and ``-edit`` with the record alone leads there."""
        name, prefix = self.meta.model_name, self.prefix
        patterns = [
            path(f"{prefix}/", self.List.as_view(), name=f"{name}-list"),
            path(f"{prefix}/<int:pk>/", self.Detail.as_view(), name=f"{name}-detail"),
        ]
        if self.export:
            export = RecordExportView.as_view(list_view=self.List)
            patterns.append(path(f"{prefix}/export.xlsx", export, name=f"{name}-export"))
        if self.parent:
            parent_model = self.model_field(self.parent).related_model
            parent_prefix = self.parent_prefix or of(parent_model).prefix
            base = f"{parent_prefix}/<int:parent_pk>/{self.segment}"
            edit = ChildEditView.as_view(form_class=self.Form)
            alone = ChildEditRedirect.as_view(model=self.model, parent=self.parent)
            return [
                *patterns,
                path(f"{base}/new/", edit, name=f"{name}-create"),
                path(f"{base}/<int:pk>/", edit, name=f"{name}-edit"),
                path(f"{prefix}/<int:pk>/edit/", alone, name=f"{name}-edit"),
            ]
        edit = self.edit_view.as_view(form_class=self.Form)
        return [
            *patterns,
            path(f"{prefix}/new/", edit, name=f"{name}-create"),
            path(f"{prefix}/<int:pk>/edit/", edit, name=f"{name}-edit"),
        ]

    @property
    def list_url_name(self) -> str:
        """The list's address name (a record type whose pages are a workflow's names its own)."""
        return f"{self.app}:{self.meta.model_name}-list"

    def menu_entry(self, user) -> dict | None:
        """The entry of the area's menu, for a user who may see the list."""
        if self.menu_label is None or not user.has_perm(self.permission("view")):
            return None
        return {
            "url": reverse(self.list_url_name),
            "label": capfirst(self.menu_label or self.meta.verbose_name_plural),
            "key": self.meta.model_name,
        }

    # -- Excel ----------------------------------------------------------------------------------
    @cached_property
    def export(self) -> Export | None:
        if not self.has_permission("export"):
            return None
        with translation.override("zh-hans"):
            sheet = self.sheet or str(self.meta.verbose_name_plural)
        return Export(
            sheet=sheet,
            columns=self.excel_columns,
            loader=self.queryset,
            row=self.row,
        )

    def row(self, record) -> dict:
        values = {}
        for cell in self.excel_cells:
            values.update(cell.write(record))
        return values

    def example(self) -> dict:
        """A row of example values for the import template's instructions."""
        values = {}
        for cell in self.excel_cells:
            columns = cell.columns()
            values[columns[-1].field] = cell.example()
        return values

    @cached_property
    def Importer(self) -> type[DeclaredImporter]:
        natural_key = tuple(self.model_field(n).attname for n in self.natural_key)
        first_text = next((n for n in self.natural_key if not self.model_field(n).is_relation), "")
        attrs = {
            "record_type": self,
            "key": self.key,
            "label": format_lazy(
                pgettext_lazy("import", "{records} import"), records=self.meta.verbose_name_plural
            ),
            "columns": self.excel_columns,
            "model": self.model,
            "natural_key": natural_key,
            "many_to_many": self.many,
            "preview": self.preview or ("", first_text or self.link_field),
            "permission": self.permission("import"),
            "list_url_name": self.list_url_name,
        }
        return self.build("Importer", (self.importer,), attrs)

    # -- the API --------------------------------------------------------------------------------
    @cached_property
    def Serializer(self) -> type[serializers.ModelSerializer]:
        declared = {}
        for name in self.fields:
            field = self.model_field(name)
            if field.related_model is Town:
                declared[name] = SlugRelatedField(
                    slug_field="code",
                    queryset=Town.objects.all(),
                    required=not (field.null or field.blank),
                    allow_null=field.null,
                )
            elif field.related_model is Zone:
                declared[name] = SlugRelatedField(
                    slug_field="code",
                    queryset=Zone.objects.all(),
                    required=not (field.null or field.blank),
                    allow_null=field.null,
                )
            elif field.related_model is CodeItem:
                many = {"many": True} if field.many_to_many else {"allow_null": field.null}
                declared[name] = SlugRelatedField(
                    slug_field="code",
                    queryset=CodeItem.objects.filter(**field.remote_field.limit_choices_to),
                    required=not (field.null or field.blank),
                    **many,
                )
        if not issubclass(self.model, TrackedModel):
            declared["version"] = None  # kept without a version: nothing to start an edit from
        meta = type("Meta", (self.serializer.Meta,), {"model": self.model})
        return self.build("Serializer", (self.serializer,), {"Meta": meta, **declared})

    @cached_property
    def ViewSet(self) -> type:
        scoped = tuple(
            name
            for name in self.fields
            if (self.model_field(name).many_to_one or self.model_field(name).one_to_one)
            and hasattr(self.model_field(name).related_model, "scope_paths")
        )
        attrs = {
            "queryset": self.queryset(),
            "serializer_class": self.Serializer,
            "filterset_class": self.Filter,
            "scoped_relations": scoped,
        }
        return self.build("ViewSet", (self.viewset,), attrs)

    def route(self) -> tuple:
        """``router.register(*record_type.route())``: the API's address, viewset and name."""
        prefix = self.api_prefix or self.prefix
        basename = self.api_basename or f"{self.app}-{self.meta.model_name}"
        return prefix, self.ViewSet, basename


# The register ----------------------------------------------------------------------------------

RECORD_TYPES: dict[type[models.Model], RecordType] = {}


def register(declaration: type[RecordType]) -> type[RecordType]:
    """Declare a record type: its importer (if the model has an import permission) is
    registered with the imports at once; its pages and API are built when the addresses are."""
    record_type = declaration()
    RECORD_TYPES[declaration.model] = record_type
    if record_type.has_permission("import"):
        imports.register(record_type.Importer)
    declaration.instance = record_type
    return declaration


def of(model) -> RecordType:
    return RECORD_TYPES[model]


def menu(app: str, user) -> list[dict]:
    """The menu entries of an area's declared record types the user may see, in declaration
    order."""
    entries = (t.menu_entry(user) for t in RECORD_TYPES.values() if t.app == app)
    return [entry for entry in entries if entry]
