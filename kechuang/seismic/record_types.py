"""The earthquake-prevention record types declared once (``kechuang.registry.record_types``):
their list, detail page, form, filters, Excel template, export and import, API and menu entry
all come from these declarations. Cells the rules module reads its own way (a basic peak
ground acceleration, a fortification class, a project kind, a building use, a hospital grade,
a measures intensity, a shelter's area) are the area's cells.

Construction projects and their inspections carry what the rules compute, never stored: the
required class and measures and the "below the requirement" flag in SQL (``with_requirement()``,
for a project judged on the latest inspection the reader sees: ``with_latest_design()``), the
rules applied step by step on their pages (``views.requirement_of``), the rules' verdict for an
inspection whose finding is left to them (form, import and API alike)."""

import re
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from functools import cached_property

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kechuang.core.domain.choices import code_list_choices
from kechuang.core.domain.imports import Column, RowError
from kechuang.core.enums import CodeList
from kechuang.core.interfaces.display import Shown
from kechuang.core.interfaces.excel import cell_text, yes_no
from kechuang.core.interfaces.filters import DATE_INPUT, YearFilter, YesNoFilter
from kechuang.registry.domain.uscc import normalise_uscc
from kechuang.registry.interfaces.filters import town as town_filter
from kechuang.registry.interfaces.record_import import Row, choice_values
from kechuang.registry.models import Organisation, Town
from kechuang.registry.record_types import (
    UNKNOWN_TOWN,
    Cell,
    DeclaredImporter,
    RecordType,
    TextCell,
    register,
)

from . import models
from .api import AssessmentViewSet, ConstructionProjectViewSet, InspectionViewSet, SeismicViewSet
from .domain import fortification as fx
from .domain import requirement, shelters
from .domain.assessments import consecutive_excellent
from .enums import Finding, FortificationClass, MeasuresIntensity, ProjectKind
from .interfaces.forms import InspectionForm, ProjectForm, RecordForm, YearFromDateMixin
from .interfaces.serializers import (
    SeismicInspectionSerializer,
    SeismicProjectSerializer,
    SeismicSerializer,
    SeismicShelterSerializer,
)
from .models import LATEST_DESIGN, LATEST_INSPECTION
from .views import (
    FLAG,
    REQUIRED_CLASS,
    REQUIRED_MEASURES,
    DetailView,
    InspectionDetailView,
    InspectionListView,
    ProjectDetailView,
    ProjectListView,
)

# Reading the cells the rules module knows (kinds, uses, grades, classes, intensities) ----------


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


def class_name(code: str | None) -> str:
    """甲类, 乙类, 丙类 or 丁类 ("" for none)."""
    return f"{fx.FortificationClass(code).short_zh}类" if code else ""


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


# Cells of the rules module -------------------------------------------------------------------


class PgaCell(Cell):
    """A basic peak ground acceleration of GB 18306-2015 (0.05, 0.05g …); written as 0.05g."""

    def options(self):
        return [fx.format_pga(value) for value in fx.BASIC_PGA_VALUES]

    def read(self, row, importer):
        text = row.text(self.name, required=self.required)
        if not text:
            return {self.name: None}
        try:
            return {self.name: fx.parse_pga(text)}
        except fx.UnknownPGAError:
            allowed = "、".join(self.options())
            raise RowError(
                row.header(self.name),
                _(
                    "“%(value)s” is not a basic peak ground acceleration of GB 18306-2015 "
                    "(%(allowed)s)."
                )
                % {"value": text, "allowed": allowed},
            ) from None

    def write(self, record):
        value = getattr(record, self.name)
        return {self.name: fx.format_pga(value) if value is not None else ""}

    def example(self):
        return self.options()[0]


class ClassCell(Cell):
    """A fortification class: 甲, 乙类, the code or the name; written as 乙类."""

    def options(self):
        return [class_name(member.code) for member in fx.FortificationClass]

    def read(self, row, importer):
        code = coded(
            row, self.name, fx.FortificationClass, FortificationClass, required=self.required
        )
        return {self.name: code or ""}

    def write(self, record):
        return {self.name: class_name(getattr(record, self.name))}


class AreaCell(Cell):
    """A shelter's effective area: square metres greater than zero (GB 21734-2008)."""

    def read(self, row, importer):
        return {self.name: positive_area(row, self.name)}

    def example(self):
        return 3000


class RulesCell(Cell):
    """A name the rules module knows (学校, 教学楼, 二级 …): its code, its Chinese or English
    name, a short form or the choice's label; written as the rules module's Chinese name."""

    rules: type  # the rules module's enum

    def options(self):
        return [member.label_zh for member in self.rules]

    def read(self, row, importer):
        code = coded(row, self.name, self.rules, self.field, required=self.required)
        return {self.name: code or ""}

    def write(self, record):
        code = getattr(record, self.name)
        return {self.name: self.rules(code).label_zh if code else ""}

    def example(self):
        return self.options()[0]


class ProjectKindCell(RulesCell):
    rules = fx.ProjectKind


class BuildingUseCell(RulesCell):
    rules = fx.BuildingUse


class HospitalGradeCell(RulesCell):
    rules = fx.HospitalGrade


class IntensityCell(Cell):
    """A measures intensity of 6 to 9 degrees (``7`` or ``7度``)."""

    def read(self, row, importer):
        return {self.name: measures_intensity(row, self.name)}

    def example(self):
        return fx.MIN_INTENSITY + 1


class LongTextCell(TextCell):
    """An inspection's findings or closure note: up to 5000 characters."""

    def read(self, row, importer):
        return {self.name: row.text(self.name, required=self.required, max_length=5000)}


class OwnerCell(Cell):
    """A project's owner: an organisation within the importer's scope by its credit code (this
    column) or its exact name (the owner's name column, ``owner_name``), or — when it is not
    registered — its name as written. Writes the credit code; ``OwnerNameCell`` the name."""

    def columns(self):
        return [Column(self.header, f"{self.name}_uscc", f"{self.header_en} USCC")]

    def prepare(self, importer, cells):
        codes = {normalise_uscc(code) for code in importer.texts(cells, "owner_uscc")}
        names = importer.texts(cells, "owner_name")
        self.by_code, self.by_name, self.names = {}, defaultdict(list), {}
        rows = (
            Organisation.objects.visible_to(importer.user)
            .filter(Q(uscc__in=codes) | Q(name__in=names))
            .values_list("pk", "uscc", "name")
        )
        for pk, uscc, name in rows.distinct():
            if uscc:
                self.by_code[uscc] = pk
            self.by_name[name].append(pk)
            self.names[pk] = name

    def read(self, row, importer):
        """The owning organisation's id, and the owner's name as written when it is none or
        differs from the organisation's name."""
        code, name = row.text("owner_uscc"), row.text("owner_name")
        if code:
            pk = self.by_code.get(normalise_uscc(code))
            if pk is None:
                raise RowError(
                    row.header("owner_uscc"),
                    _("No organisation within your data scope has the credit code “%(value)s”.")
                    % {"value": code},
                )
            return {"owner_id": pk, "owner_name": "" if name in ("", self.names[pk]) else name}
        named = self.by_name.get(name, [])
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
            return {"owner_id": named[0], "owner_name": ""}
        return {"owner_id": None, "owner_name": name}

    def write(self, record):
        return {"owner_uscc": record.owner.uscc or "" if record.owner else ""}


class OwnerNameCell(Cell):
    """The owner's name column: the organisation's name, or the owner as written. Read with
    the credit code by ``OwnerCell``."""

    def read(self, row, importer):
        return {}

    def write(self, record):
        return {self.name: record.owner_name or (record.owner.name if record.owner else "")}


class ProjectCell(Cell):
    """The construction project an inspection is of, by its name and its town (two columns),
    among the projects within the importer's data scope; what the rules need to judge a design
    is read with it (``InspectionImporter.verdict``)."""

    def columns(self):
        return [
            Column(self.header, self.name, self.header_en, required=True),
            Column("镇街道", "town", "Town", required=True, options=self.town_options),
        ]

    @staticmethod
    def town_options():
        return list(Town.objects.order_by("code").values_list("name", flat=True))

    def prepare(self, importer, cells):
        self.towns = {}
        for pk, code, name in Town.objects.values_list("pk", "code", "name"):
            self.towns[code] = self.towns[name] = pk
        self.projects, self.by_pk = defaultdict(list), {}
        visible = models.ConstructionProject.objects.visible_to(importer.user).filter(
            name__in=importer.texts(cells, self.name)
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
            self.by_pk[project["pk"]] = project

    def read(self, row, importer):
        town_text = row.text("town", required=True)
        town = self.towns.get(town_text)
        if town is None:
            raise RowError(row.header("town"), UNKNOWN_TOWN % {"value": town_text})
        name = row.text(self.name, required=True)
        found = self.projects.get((town, name), [])
        if not found:
            raise RowError(
                row.header(self.name),
                _("No construction project “%(name)s” in %(town)s within your data scope.")
                % {"name": name, "town": town_text},
            )
        if len(found) > 1:
            raise RowError(
                row.header(self.name),
                _(
                    "Several construction projects in %(town)s are named “%(name)s”; record "
                    "this inspection on the project's page."
                )
                % {"name": name, "town": town_text},
            )
        return {"project_id": found[0]["pk"]}

    def write(self, record):
        return {self.name: record.project.name, "town": record.project.town.name}


class YearFromDateImporter(DeclaredImporter):
    """``year_field`` may be left empty when ``date_field`` is given: it is that date's year
    (``missing`` says what to give when both are empty)."""

    year_field = date_field = ""
    missing = ""

    def read(self, row):
        values = super().read(row)
        if values[self.year_field] is None:
            if values[self.date_field] is None:
                raise RowError(row.header(self.year_field), str(self.missing))
            values[self.year_field] = values[self.date_field].year
        return values


class SeismicRecordType(RecordType):
    """A record of the area: its page shows its files, its form and API keep a town officer's
    records in their town."""

    detail_view = DetailView
    form = RecordForm
    viewset = SeismicViewSet
    serializer = SeismicSerializer


# Construction projects and their inspections ---------------------------------------------------


class BelowRequirementFilter(YesNoFilter):
    """Records whose design is below the required fortification (computed by the rules); "no"
    keeps those that meet it, records whose requirement is unknown are in neither."""

    def __init__(self, *args, annotate=None, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Below the requirement"))
        super().__init__(*args, **kwargs)
        self.annotate = annotate

    def filter(self, qs, value):
        if value is None:
            return qs
        if requirement.BELOW not in qs.query.annotations:
            qs = self.annotate(qs)
        return qs.filter(**{requirement.BELOW: value})


def inspected(queryset, name, value):
    found = Q(pk__in=models.Inspection.objects.values("project"))
    return queryset.filter(found if value else ~found)


def rectification_open(queryset, name, value):
    found = Q(rectification_required=True, rectified_on__isnull=True)
    return queryset.filter(found if value else ~found)


class ConstructionProjectImporter(YearFromDateImporter):
    year_field, date_field = "start_year", "started_on"
    missing = gettext_lazy("Give the year construction started, or the start date.")


OWNER = Shown("owner_display", label=pgettext_lazy("construction", "Owner"))


class ConstructionProjectType(SeismicRecordType):
    """A construction project: what the rules require of it at its town, judged on the latest
    inspection the reader sees (its list, page and API). The owner is an organisation of the
    registry or its name as written; the year construction started may be left to the date."""

    model = models.ConstructionProject
    prefix = "construction-projects"
    api_basename = "seismic-construction-project"
    sheet = "建设工程"
    list_view = ProjectListView
    detail_view = ProjectDetailView
    form = ProjectForm
    importer = ConstructionProjectImporter
    viewset = ConstructionProjectViewSet
    serializer = SeismicProjectSerializer
    fields = {
        "name": "项目名称",
        "town": "镇街道",
        "owner": "建设单位统一社会信用代码",
        "owner_name": "建设单位名称",
        "address": "地址",
        "kind": "项目类型",
        "building_use": "建筑用途",
        "hospital_grade": "医院等级",
        "declared_class": "申报设防类别",
        "started_on": "开工日期",
        "start_year": "开工年度",
        "floors": "层数",
        "height_m": "高度(米)",
        "note": "备注",
    }
    cells = {
        "owner": OwnerCell,
        "owner_name": OwnerNameCell,
        "kind": ProjectKindCell,
        "building_use": BuildingUseCell,
        "hospital_grade": HospitalGradeCell,
        "declared_class": ClassCell,
    }
    optional = ("start_year",)  # the year of the start date when left empty
    select_related = ("town__zonation",)  # the rules read the town's PGA
    columns = (
        "name",
        OWNER,
        "town",
        "kind",
        "building_use",
        "start_year",
        REQUIRED_CLASS,
        REQUIRED_MEASURES,
        Shown(
            LATEST_DESIGN,
            label=gettext_lazy("Designed measures intensity (latest inspection)"),
            numeric=True,
        ),
        Shown(LATEST_INSPECTION, label=gettext_lazy("Last inspected"), sort=LATEST_INSPECTION),
        FLAG,
    )
    facts = (
        OWNER,
        "town",
        "address",
        "kind",
        "building_use",
        "hospital_grade",
        "declared_class",
        "started_on",
        "start_year",
        "floors",
        "height_m",
        "note",
    )
    filters = ("town", "kind", "building_use", "start_year", "owner")
    more_filters = {
        "below_requirement": BelowRequirementFilter(annotate=lambda qs: qs.with_latest_design()),
        "inspected": YesNoFilter(label=gettext_lazy("Inspected"), method=inspected),
        # The API's name before the declaration (clients that still send it keep their filter).
        "start_year": YearFilter(field_name="start_year", widget=forms.HiddenInput),
    }
    search = ("name", "owner_name", "owner__name", "address")
    natural_key = ("town", "name")
    preview = ("town", "name")


# Computed by the rules, written by the inspections' export after the template's columns for
# people to read; an import of the exported file ignores them (they are never stored).
INSPECTION_COMPUTED_COLUMNS = [
    Column("应设防类别(计算)", "required_class", "Required class (computed)"),
    Column("场地设防烈度(计算)", "site_intensity", "Site intensity (computed)"),
    Column(
        "应采取抗震措施烈度(计算)",
        "required_measures_intensity",
        "Required measures intensity (computed)",
    ),
    Column("低于设防要求(计算)", "below_requirement", "Below the requirement (computed)"),
]


class InspectionImporter(DeclaredImporter):
    """Seismic-safety inspections, one per project and date. An empty finding is the rules'
    verdict (below the requirement or compliant); an empty "rectification required" follows
    the finding. The columns the export computes are ignored (they are never stored), so the
    exported file re-imports."""

    def header_map(self, header_row):
        computed = set()
        for column in INSPECTION_COMPUTED_COLUMNS:
            computed |= {column.header, column.header_en.lower()}
        kept = []
        for cell in header_row:
            text = cell_text(cell).rstrip("*").strip()
            kept.append("" if text in computed or text.lower() in computed else cell)
        return super().header_map(kept)

    def read(self, row):
        values = super().read(row)
        if not row.text("finding"):
            values["finding"] = self.verdict(row, values)
        if not row.text("rectification_required"):
            values["rectification_required"] = values["finding"] == Finding.BELOW_REQUIREMENT
        return values

    def verdict(self, row, values) -> str:
        """The finding the rules give the row's design, its class and measures intensity."""
        project = self.record_type.cell("project").by_pk[values["project_id"]]
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
                values["designed_measures_intensity"],
                hospital_grade=project["hospital_grade"] or None,
                declared=project["declared_class"] or None,
                designed_class=values["designed_class"] or None,
            )
        except fx.FortificationError as error:
            raise RowError(row.header("finding"), str(error)) from None
        return Finding.BELOW_REQUIREMENT if evaluation.below_requirement else Finding.COMPLIANT


PROJECT_TOWN = Shown("project__town", label=gettext_lazy("Town"))
PROJECT_KIND = Shown("project__kind", label=gettext_lazy("Project kind"))


class InspectionType(SeismicRecordType):
    """A seismic-safety inspection, recorded on its project's page: the requirement and the
    flag computed in SQL on its list, page, export and API; its rectification closed on its page
    (``seismic:inspection-close``) or through the API's ``close-rectification``."""

    model = models.Inspection
    prefix = "inspections"
    parent = "project"
    segment = "inspections"
    sheet = "地震安全检查"
    list_view = InspectionListView
    detail_view = InspectionDetailView
    form = InspectionForm
    importer = InspectionImporter
    viewset = InspectionViewSet
    serializer = SeismicInspectionSerializer
    detail_options = {"attachments": True}
    fields = {
        "project": "项目名称",
        "inspected_on": "检查日期",
        "inspectors": "检查人员",
        "designed_class": "设计设防类别",
        "designed_measures_intensity": "设计抗震措施烈度",
        "finding": "检查结论",
        "findings": "检查情况",
        "rectification_required": "需整改",
        "rectification_due": "整改期限",
        "rectified_on": "整改完成日期",
        "closure_note": "整改情况说明",
    }
    cells = {
        "project": ProjectCell,
        "designed_class": ClassCell,
        "designed_measures_intensity": IntensityCell,
        "findings": LongTextCell,
        "closure_note": LongTextCell,
    }
    select_related = ("project__town",)
    link = "inspected_on"
    columns = (
        "inspected_on",
        "project",
        PROJECT_TOWN,
        PROJECT_KIND,
        "inspectors",
        "designed_class",
        "designed_measures_intensity",
        REQUIRED_MEASURES,
        "finding",
        FLAG,
        "rectification_required",
        "rectified_on",
    )
    facts = (
        "project",
        PROJECT_TOWN,
        PROJECT_KIND,
        Shown("project__building_use", label=gettext_lazy("Building use")),
        "inspected_on",
        "inspectors",
        "designed_class",
        "designed_measures_intensity",
        REQUIRED_CLASS,
        REQUIRED_MEASURES,
        FLAG,
        "finding",
        "findings",
        "rectification_required",
        "rectification_due",
        "rectified_on",
        "closure_note",
    )
    filters = ("project", "finding", "designed_class", "rectification_required", "inspected_on")
    more_filters = {
        "town": town_filter("project__town"),
        "kind": django_filters.ChoiceFilter(
            label=gettext_lazy("Project kind"),
            choices=ProjectKind.choices,
            field_name="project__kind",
        ),
        "below_requirement": BelowRequirementFilter(annotate=lambda qs: qs.with_requirement()),
        "open_rectification": YesNoFilter(
            label=gettext_lazy("Rectification open"), method=rectification_open
        ),
        # The API's name before the declaration (clients that still send it keep their filter).
        "rectification_open": YesNoFilter(method=rectification_open, widget=forms.HiddenInput),
    }
    search = ("project__name", "project__owner_name", "inspectors", "findings")
    natural_key = ("project", "inspected_on")
    preview = ("inspected_on", "project")

    def queryset(self):
        """With the requirement and the flag (the list works them out for its rows only)."""
        return super().queryset().with_requirement()

    @property
    def child_columns(self) -> list[Shown]:
        """On the project's page: without the project's town and kind."""
        return [c for c in super().child_columns if c not in (PROJECT_TOWN, PROJECT_KIND)]

    @cached_property
    def export(self):
        """The template's columns, then what the rules compute for each inspection."""
        export = super().export
        return export and replace(
            export, columns=[*export.columns, *INSPECTION_COMPUTED_COLUMNS], row=self.export_row
        )

    def export_row(self, inspection) -> dict:
        return {
            **self.row(inspection),
            "required_class": class_name(getattr(inspection, requirement.REQUIRED_CLASS)),
            "site_intensity": getattr(inspection, requirement.SITE_INTENSITY),
            "required_measures_intensity": getattr(inspection, requirement.REQUIRED_MEASURES),
            "below_requirement": yes_no(getattr(inspection, requirement.BELOW)),
        }


class SafetyEvaluationType(SeismicRecordType):
    model = models.SafetyEvaluation
    prefix = "safety-evaluations"
    fields = {
        "project": "项目名称",
        "report_number": "报告编号",
        "evaluator": "评价单位",
        "reported_on": "报告日期",
        "pga": "基本地震动峰值加速度",
        "conclusion": "评审结论",
        "reviewed_on": "评审日期",
        "note": "备注",
    }
    columns = ("reported_on", "report_number", "project", "evaluator", "pga", "conclusion")
    filters = ("conclusion", "pga", "reported_on", "project")
    search = ("report_number", "evaluator", "project__name", "note")
    natural_key = ("report_number",)
    link = "report_number"


class TrainingType(SeismicRecordType):
    model = models.Training
    prefix = "trainings"
    fields = {
        "held_on": "培训日期",
        "title": "培训名称",
        "town": "镇街道",
        "kind": "类型",
        "attendees": "参训人数",
        "organiser": "主办单位",
        "note": "备注",
    }
    columns = ("held_on", "title", "kind", "town", "attendees", "organiser")
    filters = ("town", "kind", "held_on")
    search = ("title", "organiser", "note")
    natural_key = ("held_on", "title")
    sheet = "培训"


class HouseDesignType(SeismicRecordType):
    model = models.HouseDesign
    prefix = "house-designs"
    sheet = "农房户型图"
    fields = {
        "year": "年度",
        "title": "户型图名称",
        "designer": "设计单位",
        "selected": "入选",
        "note": "备注",
    }
    columns = ("year", "title", "designer", "selected")
    filters = ("year", "selected")
    search = ("title", "designer", "note")
    natural_key = ("year", "title")


class OutreachEventType(SeismicRecordType):
    model = models.OutreachEvent
    prefix = "outreach-events"
    sheet = "宣传活动"
    fields = {
        "held_on": "活动日期",
        "title": "活动名称",
        "kind": "类型",
        "town": "镇街道",
        "participants": "参与人数",
        "organiser": "主办单位",
        "note": "备注",
    }
    columns = ("held_on", "title", "kind", "town", "participants", "organiser")
    filters = ("town", "kind", "held_on")
    search = ("title", "organiser", "note")
    natural_key = ("held_on", "title")


class BudgetLineType(SeismicRecordType):
    model = models.BudgetLine
    prefix = "budget-lines"
    sheet = "经费预算"
    fields = {
        "year": "年度",
        "item": "项目",
        "amount": "金额(万元)",
        "source": "资金来源",
        "note": "备注",
    }
    columns = ("year", "item", "amount", "source")
    filters = ("year", "source")
    search = ("item", "note")
    natural_key = ("year", "item")


class TownZonationType(SeismicRecordType):
    model = models.TownZonation
    prefix = "zonation"
    api_prefix = "town-zonations"
    sheet = "地震动参数区划"
    fields = {
        "town": "镇街道",
        "pga": "基本地震动峰值加速度",
        "characteristic_period": "特征周期(秒)",
        "source": "依据文件",
        "effective_from": "施行日期",
        "note": "备注",
    }
    cells = {"pga": PgaCell}
    link = "town"
    columns = (
        "town",
        "pga",
        Shown("site_intensity", label=gettext_lazy("Fortification intensity"), numeric=True),
        "characteristic_period",
        "source",
        "effective_from",
    )
    facts = (
        "town",
        "pga",
        Shown("site_intensity", label=gettext_lazy("Fortification intensity")),
        "characteristic_period",
        "source",
        "effective_from",
        "note",
    )
    filters = ("town", "pga")
    search = ("town__name", "source", "note")
    natural_key = ("town",)


class RaisedFortificationType(SeismicRecordType):
    model = models.RaisedFortification
    prefix = "raised-fortification"
    api_prefix = "raised-fortifications"
    sheet = "提高一档设防"
    fields = {
        "name": "场所或建筑名称",
        "kind": "类型",
        "town": "镇街道",
        "organisation": "所属单位",
        "year_completed": "完成年度",
        "basic_class": "基本设防类别",
        "raised_to": "提高后的设防要求",
        "note": "备注",
    }
    cells = {"basic_class": ClassCell}
    columns = (
        "name",
        "kind",
        "town",
        "organisation",
        "year_completed",
        "basic_class",
        "raised_to",
    )
    filters = ("town", "kind", "year_completed")
    search = ("name", "organisation__name", "raised_to", "note")
    natural_key = ("town", "kind", "name")


def in_force(queryset, name, value):
    return queryset.in_force(value)


IN_FORCE_ON = django_filters.DateFilter(
    label=gettext_lazy("In force on"), method=in_force, widget=DATE_INPUT
)


class DemonstrationSiteForm(YearFromDateMixin, RecordForm):
    year_field = "designated_year"
    date_field = "designated_on"


class DemonstrationSiteImporter(YearFromDateImporter):
    year_field, date_field = "designated_year", "designated_on"
    missing = gettext_lazy("Give the year of the designation, or its date.")


class DemonstrationSiteDetail(DetailView):
    """A site's page says whether its designation is in force today."""

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        record.in_force_today = record.in_force_on(self.today)
        return record


class DemonstrationSiteType(SeismicRecordType):
    model = models.DemonstrationSite
    prefix = "demonstration-sites"
    sheet = "示范创建"
    form = DemonstrationSiteForm
    importer = DemonstrationSiteImporter
    optional = ("designated_year",)  # the year of the date when left empty
    detail_view = DemonstrationSiteDetail
    fields = {
        "name": "名称",
        "level": "级别",
        "kind": "类型",
        "town": "镇街道",
        "organisation": "所属单位",
        "designated_on": "命名日期",
        "designated_year": "命名年度",
        "revoked_on": "撤销日期",
        "note": "备注",
    }
    columns = (
        "name",
        "level",
        "kind",
        "town",
        "organisation",
        "designated_year",
        "designated_on",
        "revoked_on",
    )
    facts = (
        "level",
        "kind",
        "town",
        "organisation",
        "designated_on",
        "designated_year",
        "revoked_on",
        Shown("in_force_today", label=gettext_lazy("In force today")),
        "note",
    )
    filters = ("town", "level", "kind", "designated_year")
    more_filters = {"in_force_on": IN_FORCE_ON}
    search = ("name", "organisation__name", "note")
    natural_key = ("name", "level")


def opened_by(queryset, name, value):
    """Shelters open by the end of the year: opened then or before, or the year unknown (what
    the shelter indicators and the dashboard count)."""
    return queryset.filter(Q(opened_year__isnull=True) | Q(opened_year__lte=value))


SHELTER_CAPACITY = Shown(
    "capacity", label=gettext_lazy("Capacity (people)"), numeric=True, sort="capacity"
)


class ShelterType(SeismicRecordType):
    model = models.Shelter
    prefix = "shelters"
    sheet = "应急避难场所"
    fields = {
        "name": "场所名称",
        "town": "镇街道",
        "address": "地址",
        "shelter_class": "类别",
        "effective_area": "有效避难面积(平方米)",
        "facilities": "配套设施",
        "opened_year": "启用年度",
        "note": "备注",
    }
    cells = {"effective_area": AreaCell}
    serializer = SeismicShelterSerializer
    columns = (
        "name",
        "town",
        "shelter_class",
        "effective_area",
        SHELTER_CAPACITY,
        "facilities",
        "opened_year",
    )
    facts = (
        "town",
        "address",
        "shelter_class",
        "effective_area",
        SHELTER_CAPACITY,
        "facilities",
        "opened_year",
        "note",
    )
    filters = ("town", "shelter_class", "opened_year")
    more_filters = {
        "facility": django_filters.ChoiceFilter(
            label=gettext_lazy("Facility"),
            choices=code_list_choices(CodeList.SHELTER_FACILITY),
            field_name="facilities__code",
            distinct=True,
        ),
        "opened_by": YearFilter(label=gettext_lazy("Open by the end of"), method=opened_by),
    }
    search = ("name", "address", "note")
    natural_key = ("town", "name")

    def queryset(self):
        return super().queryset().with_capacity()


class MonitoringStationType(SeismicRecordType):
    model = models.MonitoringStation
    prefix = "stations"
    api_prefix = "monitoring-stations"
    sheet = "监测台站"
    fields = {
        "name": "台站名称",
        "kind": "类型",
        "town": "镇街道",
        "address": "地址",
        "status": "状态",
        "established_on": "建成日期",
        "note": "备注",
    }
    columns = ("name", "kind", "town", "status", "established_on")
    filters = ("town", "kind", "status")
    search = ("name", "address", "note")
    natural_key = ("name",)


class StationUpgradeType(SeismicRecordType):
    model = models.StationUpgrade
    prefix = "station-upgrades"
    parent = "station"
    segment = "upgrades"
    sheet = "台站升级改造"
    natural_key = ("station", "upgraded_on")
    fields = {
        "station": "台站名称",
        "upgraded_on": "改造日期",
        "description": "改造内容",
        "funding": "经费(万元)",
    }
    link = "upgraded_on"
    columns = ("upgraded_on", "station", "description", "funding")
    facts = ("station", "upgraded_on", "description", "funding")
    filters = ("station", "upgraded_on")
    search = ("description", "station__name")


class PlanDocumentType(SeismicRecordType):
    model = models.PlanDocument
    prefix = "plans-and-documents"
    api_prefix = "plan-documents"
    sheet = "规划与文件"
    fields = {
        "title": "标题",
        "kind": "类型",
        "document_number": "文号",
        "issuer": "发布机关",
        "issued_on": "发布日期",
        "effective_from": "施行日期",
        "effective_to": "废止日期",
        "status": "状态",
        "note": "备注",
    }
    detail_options = {"attachments": True}
    columns = (
        "title",
        "kind",
        "document_number",
        "issuer",
        "issued_on",
        "effective_from",
        "effective_to",
        "status",
    )
    filters = ("kind", "status", "issued_on")
    more_filters = {"in_force_on": IN_FORCE_ON}
    search = ("title", "document_number", "issuer", "note")
    natural_key = ("title", "issued_on")


class AssessmentDetail(DetailView):
    """A year's result with the run of excellent years up to it."""

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        record.consecutive_excellent = consecutive_excellent(record.year)
        return record


class AssessmentType(SeismicRecordType):
    model = models.Assessment
    prefix = "assessments"
    sheet = "年度考核"
    detail_view = AssessmentDetail
    viewset = AssessmentViewSet
    fields = {"year": "年度", "result": "考核结果", "assessor": "考核单位", "note": "备注"}
    link = "year"
    columns = ("year", "result", "assessor")
    facts = (
        "year",
        "result",
        Shown(
            "consecutive_excellent",
            label=gettext_lazy("Consecutive years rated excellent up to this year"),
        ),
        "assessor",
        "note",
    )
    filters = ("result",)
    more_filters = {
        "year": YearFilter(field_name="year"),
        "year_from": YearFilter(
            label=gettext_lazy("From year"), field_name="year", lookup_expr="gte"
        ),
        "year_to": YearFilter(
            label=gettext_lazy("Until year"), field_name="year", lookup_expr="lte"
        ),
    }
    search = ("assessor", "note")
    natural_key = ("year",)


# The area's declared record types, registered in the order of its menu.
DECLARED = (
    ConstructionProjectType,
    InspectionType,
    SafetyEvaluationType,
    TownZonationType,
    RaisedFortificationType,
    DemonstrationSiteType,
    ShelterType,
    MonitoringStationType,
    StationUpgradeType,
    TrainingType,
    HouseDesignType,
    OutreachEventType,
    BudgetLineType,
    PlanDocumentType,
    AssessmentType,
)
for declared in DECLARED:
    register(declared)
