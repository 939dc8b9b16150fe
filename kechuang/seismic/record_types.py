"""The earthquake-prevention record types declared once (``kechuang.registry.record_types``):
their list, detail page, form, filters, Excel template, export and import, API and menu entry
all come from these declarations. Cells the rules module reads its own way (a basic peak
ground acceleration, a fortification class, a shelter's area) are the area's cells."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.core.domain.choices import code_list_choices
from kechuang.core.domain.imports import RowError
from kechuang.core.enums import CodeList
from kechuang.core.interfaces.display import Shown
from kechuang.core.interfaces.filters import YearFilter
from kechuang.registry.record_types import Cell, DeclaredImporter, RecordType, register

from . import models
from .api import AssessmentViewSet, SeismicViewSet
from .domain import fortification as fx
from .domain.assessments import consecutive_excellent
from .enums import FortificationClass
from .interfaces.exporters import class_name
from .interfaces.filters import DATE_INPUT
from .interfaces.forms import RecordForm, YearFromDateMixin
from .interfaces.importers import coded, positive_area
from .interfaces.serializers import SeismicSerializer, SeismicShelterSerializer
from .views import DetailView

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
        code = coded(row, self.name, fx.FortificationClass, FortificationClass)
        return {self.name: code or ""}

    def write(self, record):
        return {self.name: class_name(getattr(record, self.name))}


class AreaCell(Cell):
    """A shelter's effective area: square metres greater than zero (GB 21734-2008)."""

    def read(self, row, importer):
        return {self.name: positive_area(row, self.name)}

    def example(self):
        return 3000


class SeismicRecordType(RecordType):
    """A record of the area: its page shows its files, its form and API keep a town officer's
    records in their town."""

    detail_view = DetailView
    form = RecordForm
    viewset = SeismicViewSet
    serializer = SeismicSerializer


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


class DemonstrationSiteImporter(DeclaredImporter):
    """The year of the designation may be left empty when its date is given."""

    def read(self, row):
        values = super().read(row)
        if values["designated_year"] is None:
            if values["designated_on"] is None:
                raise RowError(
                    row.header("designated_year"),
                    _("Give the year of the designation, or its date."),
                )
            values["designated_year"] = values["designated_on"].year
        return values


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
