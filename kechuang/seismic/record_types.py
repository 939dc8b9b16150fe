"""The earthquake-prevention record types declared once (``kechuang.registry.record_types``):
their list, detail page, form, filters, Excel template, export and import, API and menu entry
all come from these declarations."""

from kechuang.registry.record_types import RecordType, register

from . import models
from .api import SeismicViewSet
from .interfaces.forms import RecordForm
from .interfaces.serializers import SeismicSerializer
from .views import DetailView


class SeismicRecordType(RecordType):
    """A record of the area: its page shows its files, its form and API keep a town officer's
    records in their town."""

    detail_view = DetailView
    form = RecordForm
    viewset = SeismicViewSet
    serializer = SeismicSerializer


@register
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


@register
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


@register
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


@register
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


@register
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


# The area's declared record types, in the order of its menu.
DECLARED = (SafetyEvaluationType, TrainingType, HouseDesignType, OutreachEventType, BudgetLineType)
