"""Excel imports of the earthquake-prevention records (registered as ``seismic.<model name>``).

Each row creates a record, or updates the record with the same natural key (a project's town
and name; an inspection's project and date; a shelter's town and name …), so an exported file
re-imports unchanged and a second import updates instead of duplicating. Like every import:
checked first, then all rows or none (``core.domain.imports``).

Every row runs through its model's own validation (``clean_fields`` and ``clean``: a hospital
building without its grade, a declared class below the rules, a shelter area of zero, a
rectification closed before the inspection …), so a value the pages would refuse is a row error
naming its row and column, never a half-written file.

A row's town must be within the importer's reach (``towns.towns_within_scope``); the
construction project an inspection belongs to is named by its name and town and must be within
the importer's data scope; so must the organisations that own a record.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.core.domain.imports import RowError, parse_yes_no, register
from kechuang.core.interfaces.excel import cell_text
from kechuang.registry.domain.towns import reaches_every_town, towns_within_scope
from kechuang.registry.domain.uscc import normalise_uscc
from kechuang.registry.interfaces.record_import import (
    RecordImporter,
    Row,
    choice_values,
)
from kechuang.registry.models import Organisation, Town

from .. import models
from ..domain import fortification as fx
from ..domain import shelters
from ..enums import (
    BuildingUse,
    Finding,
    FortificationClass,
    HospitalGrade,
    MeasuresIntensity,
    ProjectKind,
)
from . import columns as c

UNKNOWN_TOWN = gettext_lazy("Unknown town “%(value)s”.")
TOWN_OUT_OF_SCOPE = gettext_lazy(
    "The town “%(value)s” is outside your data scope: you cannot add its records."
)


def import_permission(model) -> str:
    return f"seismic.import_{model._meta.model_name}"


# Reading the cells the rules module knows (kinds, uses, grades, classes) ---------------------


def coded(row: Row, field: str, rules_enum, choices=None, *, required=False) -> str | None:
    """The stable code a cell names: the rules module's code, Chinese or English name or a
    short form (甲, 乙类, 二级医院 …), or a choice's label in a language of the site."""
    text = row.text(field, required=required)
    if not text:
        return None
    try:
        return rules_enum.coerce(text).code
    except fx.UnknownChoiceError:
        pass
    if choices is not None:
        found = choice_values(choices).get(text)
        if found is not None:
            return found
    allowed = "、".join(member.label_zh for member in rules_enum)
    raise RowError(
        row.header(field),
        _("Unknown value “%(value)s”; use one of: %(allowed)s.")
        % {"value": text, "allowed": allowed},
    )


INTENSITY = re.compile(r"^\s*(\d+)\s*度?\s*$")


def measures_intensity(row: Row, field: str) -> int:
    """An intensity of 6 to 9 degrees (``7`` or ``7度``)."""
    text = row.text(field, required=True)
    match = INTENSITY.match(text)
    value = int(match.group(1)) if match else None
    if value not in MeasuresIntensity.values:
        raise RowError(
            row.header(field),
            _("“%(value)s” is not an intensity: write a whole number from %(low)d to %(high)d.")
            % {"value": text, "low": fx.MIN_INTENSITY, "high": fx.MAX_INTENSITY},
        )
    return value


def tri_state(row: Row, field: str) -> bool | None:
    """是 / 否, or None for an empty cell (the importer then decides)."""
    return parse_yes_no(row.text(field), row.header(field))


def flag(row: Row, field: str) -> bool:
    return bool(tri_state(row, field))


def positive_area(row: Row, field: str) -> Decimal:
    """A shelter's effective area: square metres greater than zero (GB 21734-2008)."""
    text = row.text(field, required=True).replace(",", "")
    try:
        area = shelters.effective_area(text)
    except shelters.InvalidAreaError as error:
        raise RowError(row.header(field), str(error)) from None
    try:
        return area.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise RowError(
            row.header(field), _("%(value)s is out of range.") % {"value": text}
        ) from None


class SeismicImporter(RecordImporter):
    """A record importer of this area: the area's import permission per record kind, the
    model's own validation for every row, and towns within the importer's reach."""

    town_field = "town"  # the column naming the record's town ("" when it has none)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        model = getattr(cls, "model", None)
        if model is not None:
            name = model._meta.model_name
            cls.key = f"seismic.{name}"
            cls.permission = import_permission(model)
            cls.list_url_name = f"seismic:{name}-list"

    # -- lookups --------------------------------------------------------------------------------
    @cached_property
    def towns(self) -> dict[str, int]:
        """Every town's id by its code and by its name."""
        found = {}
        for pk, code, name in Town.objects.values_list("pk", "code", "name"):
            found[code] = found[name] = pk
        return found

    @cached_property
    def reachable_towns(self) -> set[int]:
        return set(towns_within_scope(self.user).values_list("pk", flat=True))

    @cached_property
    def every_town(self) -> bool:
        return reaches_every_town(self.user)

    def town(self, row: Row, field: str = "town", *, required=True) -> int | None:
        """The town a row names, within the importer's reach; required unless the importer
        reaches every town (a record without a town is city-wide)."""
        text = row.text(field, required=required or not self.every_town)
        if not text:
            return None
        pk = self.towns.get(text)
        if pk is None:
            raise RowError(row.header(field), UNKNOWN_TOWN % {"value": text})
        if pk not in self.reachable_towns:
            raise RowError(row.header(field), TOWN_OUT_OF_SCOPE % {"value": text})
        return pk

    def visible_organisations(self, cells, field: str):
        """The importer's organisations a code/name column pair may name."""
        return self.organisations(cells, field, Organisation.objects.visible_to(self.user))

    # -- the model's own validation -------------------------------------------------------------
    @cached_property
    def relation_fields(self) -> list[str]:
        return [f.name for f in self.model._meta.get_fields() if f.is_relation]

    def problems(self, fields: dict) -> dict[str, str]:
        """What the model's validation says about the row's values (the first message of each
        field); relations are checked by the lookups, not again here."""
        values = {name: value for name, value in fields.items() if name not in self.many_to_many}
        record = self.model(**values)
        try:
            record.clean_fields(exclude=self.relation_fields)
            record.clean()
        except ValidationError as error:
            return {name: messages[0] for name, messages in error.message_dict.items()}
        return {}

    def column_of(self, name: str) -> str:
        if name == NON_FIELD_ERRORS:
            return self.key_headers
        return super().column_of(name)


# Zonation ------------------------------------------------------------------------------------


# Construction projects and inspections -------------------------------------------------------


class OwnerIndex:
    """The organisations within the importer's scope a project's owner columns may name."""

    def __init__(self, queryset, codes, names):
        codes = {normalise_uscc(code) for code in codes if code}
        self.by_code, self.by_name, self.names = {}, defaultdict(list), {}
        rows = queryset.filter(Q(uscc__in=codes) | Q(name__in=set(names))).values_list(
            "pk", "uscc", "name"
        )
        for pk, uscc, name in rows.distinct():
            if uscc:
                self.by_code[uscc] = pk
            self.by_name[name].append(pk)
            self.names[pk] = name


@register
class ConstructionProjectImporter(SeismicImporter):
    """Construction projects by town and name. The owner is an organisation of the registry
    (by credit code, or by its exact name) or, when it is not registered, its name as written."""

    label = gettext_lazy("Construction project import")
    columns = c.CONSTRUCTION_PROJECT_COLUMNS
    model = models.ConstructionProject
    natural_key = ("town_id", "name")
    preview = ("town", "name")

    def prepare(self, cells):
        self.owners = OwnerIndex(
            Organisation.objects.visible_to(self.user),
            self.texts(cells, "owner_uscc"),
            self.texts(cells, "owner_name"),
        )

    def read(self, row):
        started_on = row.date("started_on")
        start_year = row.year("start_year")
        if start_year is None:
            if started_on is None:
                raise RowError(
                    row.header("start_year"),
                    _("Give the year construction started, or the start date."),
                )
            start_year = started_on.year
        owner, owner_name = self.owner(row)
        return {
            "town_id": self.town(row),
            "name": row.text("name", required=True),
            "owner_id": owner,
            "owner_name": owner_name,
            "address": row.text("address", max_length=255),
            "kind": coded(row, "kind", fx.ProjectKind, ProjectKind, required=True),
            "building_use": coded(row, "building_use", fx.BuildingUse, BuildingUse)
            or fx.BuildingUse.OTHER.code,
            "hospital_grade": coded(row, "hospital_grade", fx.HospitalGrade, HospitalGrade) or "",
            "declared_class": coded(
                row, "declared_class", fx.FortificationClass, FortificationClass
            )
            or "",
            "started_on": started_on,
            "start_year": start_year,
            "floors": row.integer("floors"),
            "height_m": row.decimal("height_m"),
            "note": row.text("note", max_length=2000),
        }

    def owner(self, row) -> tuple[int | None, str]:
        """(the owning organisation's id, the owner's name as written when it is none or
        differs from the organisation's name)."""
        code, name = row.text("owner_uscc"), row.text("owner_name")
        if code:
            pk = self.owners.by_code.get(normalise_uscc(code))
            if pk is None:
                raise RowError(
                    row.header("owner_uscc"),
                    _("No organisation within your data scope has the credit code “%(value)s”.")
                    % {"value": code},
                )
            return pk, "" if name in ("", self.owners.names[pk]) else name
        named = self.owners.by_name.get(name, [])
        if len(named) > 1:
            raise RowError(
                row.header("owner_name"),
                _(
                    "Several organisations are named “%(value)s”: give the unified social "
                    "credit code instead."
                )
                % {"value": name},
            )
        if named:
            return named[0], ""
        return None, name


@register
class InspectionImporter(SeismicImporter):
    """Seismic-safety inspections, one per project and date. The project is named by its name
    and town and must be within the importer's data scope; the designed class by 甲/乙/丙/丁
    (or its code). An empty finding is the rules' verdict (below the requirement or
    compliant); an empty "rectification required" follows the finding.

    The export adds the required class and intensities and the flag computed by the rules; an
    import ignores those columns (they are never stored), so the exported file re-imports."""

    label = gettext_lazy("Seismic-safety inspection import")
    columns = c.INSPECTION_COLUMNS
    model = models.Inspection
    natural_key = ("project_id", "inspected_on")
    preview = ("inspected_on", "project")

    def header_map(self, header_row):
        computed = set()
        for column in c.INSPECTION_COMPUTED_COLUMNS:
            computed |= {column.header, column.header_en.lower()}
        kept = [
            ""
            if cell_text(cell).rstrip("*").strip() in computed
            or cell_text(cell).rstrip("*").strip().lower() in computed
            else cell
            for cell in header_row
        ]
        return super().header_map(kept)

    def prepare(self, cells):
        self.projects = defaultdict(list)
        visible = models.ConstructionProject.objects.visible_to(self.user).filter(
            name__in=self.texts(cells, "project")
        )
        for project in visible.values(
            "pk",
            "name",
            "town_id",
            "kind",
            "building_use",
            "hospital_grade",
            "declared_class",
            "town__zonation__pga",
        ):
            self.projects[project["town_id"], project["name"]].append(project)
        self.findings = choice_values(Finding)

    def read(self, row):
        project = self.project(row)
        designed = measures_intensity(row, "designed_measures_intensity")
        designed_class = coded(
            row, "designed_class", fx.FortificationClass, FortificationClass, required=True
        )
        finding = row.pick("finding", self.findings)
        if finding is None:
            finding = self.verdict(row, project, designed, designed_class)
        required = tri_state(row, "rectification_required")
        if required is None:
            required = finding == Finding.BELOW_REQUIREMENT
        return {
            "project_id": project["pk"],
            "inspected_on": row.date("inspected_on", required=True),
            "inspectors": row.text("inspectors", required=True),
            "designed_class": designed_class,
            "designed_measures_intensity": designed,
            "finding": finding,
            "findings": row.text("findings", max_length=5000),
            "rectification_required": required,
            "rectification_due": row.date("rectification_due"),
            "rectified_on": row.date("rectified_on"),
            "closure_note": row.text("closure_note", max_length=5000),
        }

    def project(self, row) -> dict:
        town_text = row.text("town", required=True)
        town = self.towns.get(town_text)
        if town is None:
            raise RowError(row.header("town"), UNKNOWN_TOWN % {"value": town_text})
        name = row.text("project", required=True)
        found = self.projects.get((town, name), [])
        if not found:
            raise RowError(
                row.header("project"),
                _("No construction project “%(name)s” in %(town)s within your data scope.")
                % {"name": name, "town": town_text},
            )
        if len(found) > 1:
            raise RowError(
                row.header("project"),
                _(
                    "Several construction projects in %(town)s are named “%(name)s”; record "
                    "this inspection on the project's page."
                )
                % {"name": name, "town": town_text},
            )
        return found[0]

    def verdict(self, row, project, designed: int, designed_class: str) -> str:
        """The finding the rules give a design, its class and measures intensity (for a row
        that leaves the finding empty)."""
        if project["town__zonation__pga"] is None:
            raise RowError(
                row.header("finding"),
                _(
                    "The project's town has no seismic zonation setting, so the rules cannot "
                    "judge the design: give the finding."
                ),
            )
        try:
            evaluation = fx.evaluate(
                project["kind"],
                project["building_use"],
                project["town__zonation__pga"],
                designed,
                hospital_grade=project["hospital_grade"] or None,
                declared=project["declared_class"] or None,
                designed_class=designed_class or None,
            )
        except fx.FortificationError as error:
            raise RowError(row.header("finding"), str(error)) from None
        return Finding.BELOW_REQUIREMENT if evaluation.below_requirement else Finding.COMPLIANT


# Registries ----------------------------------------------------------------------------------
