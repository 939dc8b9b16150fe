"""The innovation-platform record types declared once (``kechuang.registry.record_types``):
their list, detail page, form, filters, Excel template, export and import and API all come
from these declarations. What a record does besides being entered is named here as a base or
an overridden method: an R&D institution's lifecycle steps (``domain.rd``, their pages in
``views_rd.py``), the certification applications' workflow (``domain.certification``, its pages
in ``views_applications.py``).

What the area adds to a declaration (``PlatformRecordType``):

- every platform list shares the platforms' import and export permissions (``excel``: a record
  type without an Excel import or export, such as a project's stages, says so);
- the values of a record are checked together by ``domain.records.problems`` (form, API and
  import), before the model's own validation;
- ``children_history = False``: a page keeps its own history, not its children's (an
  institute's records run to hundreds);
- ``api = False``: no API (an application moves by its workflow's steps only).
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from functools import cached_property
from typing import ClassVar

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.choices import code_list_choices
from kechuang.core.domain.imports import Column, RowError
from kechuang.core.enums import CodeList
from kechuang.core.interfaces import record_serializers
from kechuang.core.interfaces.display import Shown
from kechuang.core.interfaces.filters import DATE_INPUT, YesNoFilter, year_filter
from kechuang.core.record_views import (
    RecordDetailView,
    RecordEditView,
    RecordExportView,
    RecordListView,
    Section,
    labelled,
    perm,
    url_name,
)
from kechuang.registry.interfaces.filters import town
from kechuang.registry.models import Organisation, Person, Zone
from kechuang.registry.record_types import (
    Cell,
    DeclaredDetail,
    DeclaredImporter,
    DeclaredViewSet,
    RecordType,
    TextCell,
    register,
)

from . import models
from . import views_applications as applications
from . import views_rd as rd_steps
from .domain import certification, rd
from .domain.records import problems
from .enums import ApplicationState
from .interfaces.application_forms import WAITING_FOR_ME, rd_levels
from .interfaces.forms import RecordForm
from .interfaces.rd_forms import check_year
from .rules import EXPORT_INSTITUTES, EXPORT_PLATFORMS, IMPORT_INSTITUTES, IMPORT_PLATFORMS

# The area's bases ------------------------------------------------------------------------------


class PlatformImporter(DeclaredImporter):
    """A platform record's import: the model's validation and the area's rules
    (``domain.records.problems``)."""

    def problems(self, fields):
        found = super().problems(fields)
        for name, message in problems(self.model, fields).items():
            found.setdefault(name, message)
        return found


class PlatformSerializer(record_serializers.RecordSerializer):
    """The area's rules (``domain.records.problems``, whose messages name the field), then the
    model's validation (its constraints would refuse the same values as a whole)."""

    class Meta(record_serializers.RecordSerializer.Meta):
        pass

    def validate(self, attrs):
        model = self.Meta.model
        values = {}
        if self.instance is not None:
            values = {f.attname: getattr(self.instance, f.attname) for f in model._meta.fields}
        found = problems(model, values | attrs)
        if found:
            raise serializers.ValidationError(found)
        return super().validate(attrs)


class OwnHistory:
    """A page whose history is its record's own (and its base's), not that of the records
    entered on it (an institute's records run to hundreds; each has its own page)."""

    def history_children(self):
        return super(DeclaredDetail, self).history_children()


class PlatformRecordType(RecordType):
    form = RecordForm
    importer = PlatformImporter
    serializer = PlatformSerializer
    excel: ClassVar[bool] = True  # imported and exported with the platforms' permissions
    children_history: ClassVar[bool] = True  # the page shows its children's history too
    api: ClassVar[bool] = True  # has an API of its own (api_urls.py)

    @cached_property
    def Detail(self):
        detail = RecordType.Detail.func(self)
        if self.children_history:
            return detail
        return self.build("Detail", (OwnHistory, detail), {})

    def permission(self, action: str) -> str:
        if action == "import":
            return IMPORT_PLATFORMS
        if action == "export":
            return EXPORT_PLATFORMS
        return super().permission(action)

    def has_permission(self, action: str) -> bool:
        if action in ("import", "export"):
            return self.excel
        return super().has_permission(action)


SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class SlugCell(TextCell):
    """A code: letters, digits, hyphens and underscores (or empty, when the import gives it)."""

    def read(self, row, importer):
        code = row.text(self.name, max_length=self.field.max_length)
        if code and not SLUG.fullmatch(code):
            raise RowError(
                row.header(self.name),
                _("A code has only letters, digits, hyphens and underscores."),
            )
        return {self.name: code}

    def example(self):
        return ""


class LinesCell(TextCell):
    """One item per line (a council's members): the cell's lines, without blank ones."""

    def read(self, row, importer):
        return {self.name: lines(row.text(self.name, max_length=20000))}

    def write(self, record):
        return {self.name: lines(getattr(record, self.name))}


def lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


# R&D institutions and their lifecycle ------------------------------------------------------------


class CertificationForm(RecordForm):
    """A new certification (saved through ``domain.rd.certify``, which records its "certified"
    event) or the correction of one. Its level, end and successor change only through the
    lifecycle steps on its page (upgrade, merge, revoke), so the form does not offer its end,
    nor its level once certified."""

    LIFECYCLE = ("ended_on", "end_reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.LIFECYCLE:
            self.fields.pop(name, None)
        if self.instance.pk:
            del self.fields["level"]
        else:
            self.fields["level"].queryset = rd_levels()

    def clean(self):
        cleaned = super().clean()
        check_year(self, "certified_year", "certified_on")
        on, ended = cleaned.get("certified_on"), self.instance.ended_on
        if on and ended and on > ended:
            self.add_error(
                "certified_on",
                _("The certification ended on %(date)s; it cannot start after that.")
                % {"date": ended.isoformat()},
            )
        return cleaned


class CertificationEdit(RecordEditView):
    """A new certification is certified through the lifecycle (``rd.certify``: the record, its
    "certified" event and the audited step); an edit corrects the record's facts."""

    def save(self, form):
        if form.instance.pk:
            return super().save(form)
        data = form.cleaned_data
        return rd.certify(
            host=data["host"],
            name=data["name"],
            level=data["level"],
            year=data["certified_year"],
            on=data["certified_on"],
            batch=data["batch"],
            document_number=data["document_number"],
            actor=self.request.user,
        )


IN_FORCE_TODAY = gettext_lazy("In force today")


class CertificationDetail(RecordDetailView):
    """A certification's page: whether it is in force today, its lifecycle steps, its events
    (from those steps only: none is added or edited by hand) and the host's other
    certifications."""

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        record.in_force_today = record.in_force_on(self.today)
        return record

    def actions(self):
        record, user = self.object, self.request.user
        if record.ended_on is not None or not user.has_perm(perm("change", record), record):
            return []
        return [
            {"key": key, "label": label, "url": reverse(url_name(record, key), args=[record.pk])}
            for key, label in rd_steps.LABELS.items()
        ]

    def children(self, records, columns, **kwargs):
        model = kwargs.get("model")
        if model is not models.RDInstitutionEvent:
            return super().children(records, columns, **kwargs)
        return Section(
            title=capfirst(model._meta.verbose_name_plural),
            columns=labelled(model, columns),
            records=list(records),
            list_url=self.list_of(model, f"?institution={self.object.pk}"),
            key=model._meta.model_name,
        )

    def sections(self):
        record = self.object
        others = list(
            self.visible(models.RDInstitution)
            .filter(host=record.host_id)
            .exclude(pk=record.pk)
            .select_related("level")
            .order_by("certified_on", "pk")
        )
        for other in others:
            other.in_force_today = other.in_force_on(self.today)
        columns = [
            Shown("name", link=True),
            Shown("level"),
            Shown("certified_on"),
            Shown("ended_on"),
            Shown("end_reason"),
            Shown("in_force_today", label=IN_FORCE_TODAY),
        ]
        title = _("Other certifications of the host")
        mine = self.related_records(title, others, columns, model=models.RDInstitution)
        return [*super().sections(), mine]


class CertificationSerializer(PlatformSerializer):
    """A certification's level, end and successor change only through its lifecycle steps
    (``domain.rd``, on its page): the end and successor are read-only, the level is given only
    when the record is created."""

    class Meta(PlatformSerializer.Meta):
        read_only_fields = [
            *PlatformSerializer.Meta.read_only_fields,
            "ended_on",
            "end_reason",
            "successor",
        ]

    def validate(self, attrs):
        level = attrs.get("level")
        if self.instance is not None and level is not None and level.pk != self.instance.level_id:
            raise serializers.ValidationError(
                {"level": _("The level changes only by an upgrade, on the institution's page.")}
            )
        return super().validate(attrs)


class CertificationViewSet(DeclaredViewSet):
    """A new certification goes through its lifecycle (``domain.rd.certify``), so it starts
    with its "certified" event like one entered on the pages; the year is the date's."""

    def perform_create(self, serializer):
        self.check_relations(serializer)
        data = serializer.validated_data
        self.check_year(data["certified_year"], data["certified_on"])
        try:
            serializer.instance = rd.certify(
                data["host"],
                data["name"],
                data["level"],
                data["certified_year"],
                data["certified_on"],
                batch=data.get("batch", ""),
                document_number=data.get("document_number", ""),
                actor=self.request.user,
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"detail": error.messages}) from None

    def perform_update(self, serializer):
        instance, data = serializer.instance, serializer.validated_data
        self.check_year(
            data.get("certified_year", instance.certified_year),
            data.get("certified_on", instance.certified_on),
        )
        super().perform_update(serializer)

    @staticmethod
    def check_year(year, on):
        if year != on.year:
            message = _(
                "The certification year must be the year of the certification date (%(year)s)."
            )
            raise exceptions.ValidationError({"certified_year": message % {"year": on.year}})


class RDInstitutionType(PlatformRecordType):
    """One certification of an enterprise R&D institution at one kind and level."""

    model = models.RDInstitution
    menu_label = gettext_lazy("R&D institutions")
    prefix = "rd-institutions"
    api_basename = "rd-institution"
    sheet = "研发机构"
    form = CertificationForm
    edit_view = CertificationEdit
    detail_view = CertificationDetail
    serializer = CertificationSerializer
    viewset = CertificationViewSet
    fields = {
        "host": "依托单位",
        "name": "研发机构名称",
        "level": "级别",
        "certified_year": "认定年度",
        "certified_on": "认定日期",
        "batch": "批次",
        "document_number": "文号",
        "ended_on": "终止日期",
        "end_reason": "终止原因",
    }
    headers_en = {"host": "Host"}
    select_related = ("host__town", "level__parent", "successor")
    columns = (
        "name",
        "host",
        Shown("host__town", label=gettext_lazy("Town")),
        "level",
        "certified_year",
        "certified_on",
        "ended_on",
    )
    facts = (
        "host",
        Shown("host__uscc"),
        Shown("level__parent", label=gettext_lazy("Tier")),
        "level",
        "certified_year",
        "certified_on",
        "batch",
        "document_number",
        Shown("in_force_today", label=IN_FORCE_TODAY),
        "ended_on",
        "end_reason",
        Shown("successor"),
    )
    filters = ("level", "host")
    more_filters = {
        "tier": django_filters.ChoiceFilter(
            label=gettext_lazy("Tier"),
            choices=code_list_choices(CodeList.RD_LEVEL, top_level=True),
            field_name="level__parent__code",
        ),
        "certified_year": year_filter(gettext_lazy("Certification year")),
        "in_force_on": django_filters.DateFilter(
            label=gettext_lazy("In force on"),
            method=lambda queryset, _name, value: queryset.in_force(value),
            widget=DATE_INPUT,
        ),
        "town": town("host__town"),
    }
    search = ("name", "host__name", "host__uscc", "document_number")
    natural_key = ("host", "level", "certified_year")
    preview = ("host_uscc", "name")


class EventViewSet(DeclaredViewSet):
    """Read-only: an R&D institution's events come from its lifecycle steps (``domain.rd``)."""

    http_method_names = ["get", "head", "options"]


class RDInstitutionEventType(PlatformRecordType):
    """What happened to a certification, shown on its page; written by its lifecycle steps
    only (no form: a list, a page and a read-only API)."""

    model = models.RDInstitutionEvent
    menu_label = None  # the certification's page shows them
    prefix = "rd-institution-events"
    api_basename = "rd-institution-event"
    excel = False
    viewset = EventViewSet
    parent = "institution"
    segment = "events"
    fields = {
        "institution": "研发机构",
        "happened_on": "日期",
        "kind": "事件",
        "old_name": "原名称",
        "new_name": "新名称",
        "document_number": "文号",
        "note": "备注",
    }
    link = "happened_on"
    facts = (
        "institution",
        "happened_on",
        "kind",
        "old_name",
        "new_name",
        "document_number",
        "note",
    )
    columns = (
        "happened_on",
        "institution",
        "kind",
        "old_name",
        "new_name",
        "document_number",
        "note",
    )
    filters = ("institution", "kind")
    search = ("institution__name", "old_name", "new_name", "document_number")

    def urls(self):
        """Its list and pages; no form."""
        return [p for p in super().urls() if not p.name.endswith(("-create", "-edit"))]


# Certification applications ----------------------------------------------------------------------


class StateFilter(django_filters.ChoiceFilter):
    """A state, or the states whose next step is the user's (``todo``: waiting for me)."""

    def filter(self, queryset, value):
        if value == WAITING_FOR_ME:
            return queryset.filter(state__in=certification.queue_states(self.parent.request.user))
        return super().filter(queryset, value)


class CertificationApplicationType(PlatformRecordType):
    """Enterprises' applications to have an R&D institution certified: their pages are the
    workflow's (``views_applications.py``: the queues, the timeline and the steps, the draft
    form); the declaration gives the list its filters and its Excel export (no import: an
    application moves only by its steps)."""

    model = models.CertificationApplication
    menu_label = gettext_lazy("Certification applications")
    prefix = "applications"
    api = False  # its state moves by its workflow's steps only
    list_view = applications.ApplicationListView
    sheet = "研发机构认定申请"
    fields = {
        "applicant": "申请单位",
        "name": "拟认定名称",
        "level": "申报级别",
        "year": "年度",
        "state": "状态",
        "publicity_until": "公示截止日期",
        "institution": "认定的研发机构",
        "summary": "简介",
    }
    headers_en = {"name": "Proposed name", "level": "Kind and level applied for"}
    select_related = ("applicant__town",)
    columns = ("name", "applicant", "level", "year", "state", "updated_at")
    default_sort = "-updated_at"
    filters = ("year", "level")
    more_filters = {
        "state": StateFilter(
            label=gettext_lazy("State"),
            choices=[(WAITING_FOR_ME, gettext_lazy("Waiting for me")), *ApplicationState.choices],
        )
    }
    search = ("name", "applicant__name")

    list_url_name = "platforms:application-list"

    def has_permission(self, action):
        if action == "import":
            return False
        return super().has_permission(action)

    def urls(self):
        """The workflow's pages under their names (``platforms:application-list`` …), the list
        with its export."""
        export = RecordExportView.as_view(list_view=self.List)
        return [
            path("applications/", self.List.as_view(), name="application-list"),
            path("applications/export.xlsx", export, name="application-export"),
            path("applications/new/", applications.application_edit, name="application-create"),
            path(
                "applications/<int:pk>/",
                applications.ApplicationDetailView.as_view(),
                name="application-detail",
            ),
            path(
                "applications/<int:pk>/edit/",
                applications.application_edit,
                name="application-edit",
            ),
            path(
                "applications/<int:pk>/transitions/<slug:transition_id>/",
                applications.ApplicationTransitionView.as_view(),
                name="application-transition",
            ),
        ]


# Zones, agriculture ----------------------------------------------------------------------------


class ZoneEvaluationImporter(PlatformImporter):
    """A zone elsewhere is named by its name only; a zone of ours may give its name."""

    def prepare(self, cells):
        super().prepare(cells)
        self.zone_names = dict(Zone.objects.values_list("pk", "name"))

    def read(self, row):
        values = super().read(row)
        if not values["zone_name"]:
            values["zone_name"] = self.zone_names.get(values["zone_id"], "")
        if not values["zone_name"]:
            raise RowError(row.header("zone_name"), _("Give the zone's name, or one of our zones."))
        return values


class ZoneEvaluationType(PlatformRecordType):
    model = models.ZoneEvaluation
    menu_label = gettext_lazy("High-tech zone evaluations")
    prefix = "zone-evaluations"
    api_basename = "zone-evaluation"
    sheet = "高新区评价"
    importer = ZoneEvaluationImporter
    optional = ("zone_name",)  # the name of the zone of ours when left empty
    fields = {
        "year": "年度",
        "zone_name": "高新区名称",
        "zone": "本市园区",
        "grade": "等次",
        "score": "得分",
        "award": "所获表彰",
        "document_number": "文号",
    }
    link = "zone_name"
    columns = ("year", "zone_name", "zone", "grade", "score", "award", "document_number")
    facts = ("year", "zone_name", "zone", "grade", "score", "award", "document_number")
    filters = ("year",)
    more_filters = {
        "ours": YesNoFilter(
            label=gettext_lazy("Our zones"), field_name="zone", lookup_expr="isnull", exclude=True
        )
    }
    search = ("zone_name", "award")
    natural_key = ("year", "zone_name")
    preview = ("year", "zone_name")


class AgriPlatformDetail(RecordDetailView):
    """A platform's page: its partners, and its academicians (added from here)."""

    def sections(self):
        platform = self.object
        academicians = self.visible(models.AcademicianCooperation).filter(platform=platform)
        section = self.related_records(
            capfirst(models.AcademicianCooperation._meta.verbose_name_plural),
            academicians.select_related("institution"),
            [
                Shown("academician", link=True),
                Shown("academy"),
                Shown("institution"),
                Shown("signed_on"),
                Shown("topic"),
            ],
        )
        query = f"?platform={platform.pk}"
        if self.request.user.has_perm(perm("add", models.AcademicianCooperation)):
            section.add_url = reverse(url_name(models.AcademicianCooperation, "create")) + query
        section.list_url = self.list_of(models.AcademicianCooperation, query)
        partners = self.related_records(
            _("Partners"), platform.partners.all(), [Shown("name", link=True), Shown("uscc")]
        )
        return [partners, section, *super().sections()]


class AgriPlatformType(PlatformRecordType):
    model = models.AgriPlatform
    menu_label = gettext_lazy("Agricultural platforms")
    prefix = "agri-platforms"
    api_basename = "agri-platform"
    sheet = "农业创新平台"
    detail_view = AgriPlatformDetail
    fields = {
        "name": "平台名称",
        "kind": "类型",
        "host": "依托单位",
        "partners": "合作单位",
        "established_on": "建成日期",
        "focus": "研究方向",
    }
    columns = ("name", "kind", "host", "established_on", "focus")
    facts = ("kind", "host", "established_on", "focus")  # the partners are a section
    filters = ("kind",)
    search = ("name", "host__name", "focus")
    natural_key = ("name",)
    preview = ("host_uscc", "name")


class AcademicianCooperationType(PlatformRecordType):
    model = models.AcademicianCooperation
    menu_label = gettext_lazy("Academician cooperations")
    prefix = "academician-cooperations"
    api_basename = "academician-cooperation"
    sheet = "院士合作"
    fields = {
        "academician": "院士姓名",
        "academy": "所属院",
        "institution": "院士所在单位",
        "platform": "合作平台",
        "signed_on": "签约日期",
        "topic": "合作方向",
    }
    headers_en = {"institution": "Institution"}
    columns = ("academician", "academy", "institution", "platform", "signed_on", "topic")
    facts = ("academician", "academy", "institution", "platform", "signed_on", "topic")
    filters = ("platform",)
    search = ("academician", "academy", "topic")
    natural_key = ("academician", "signed_on")
    preview = ("platform", "academician")


# Signings, major projects ----------------------------------------------------------------------


class SigningEventDetail(RecordDetailView):
    """A signing's page: its projects with their total investment."""

    def children(self, records, columns, **kwargs):
        if kwargs.get("model") is models.SignedProject:  # its records, already read
            total = sum(project.investment or 0 for project in records)
            note = _("Total investment: %(total)s (10k yuan).") % {"total": f"{total:,.2f}"}
            kwargs.setdefault("note", note)
        return super().children(records, columns, **kwargs)


class SigningEventType(PlatformRecordType):
    model = models.SigningEvent
    menu_label = gettext_lazy("Investment signings")
    prefix = "signing-events"
    api_basename = "signing-event"
    excel = False  # its projects are imported and exported
    detail_view = SigningEventDetail
    fields = {
        "name": "活动名称",
        "held_on": "活动日期",
        "city": "城市",
        "place": "地点",
        "incubator": "孵化器",
    }
    columns = (
        "name",
        "held_on",
        "city",
        "incubator",
        Shown("project_count", label=gettext_lazy("Projects"), numeric=True),
        Shown("investment", label=gettext_lazy("Investment (10k yuan)"), numeric=True),
    )
    filters = ("held_on",)
    search = ("name", "city", "place")

    def queryset(self):
        return (
            super()
            .queryset()
            .annotate(project_count=Count("projects"), investment=Sum("projects__investment"))
        )


class EventCell(Cell):
    """A signing event by its name, and its date when several events share the name (within
    the importer's data scope); written as both."""

    def columns(self):
        return [
            Column(self.header, self.name, self.header_en, required=True),
            Column("活动日期", "held_on", "Event date"),
        ]

    def prepare(self, importer, cells):
        self.events = defaultdict(list)
        visible = models.SigningEvent.objects.visible_to(importer.user)
        for pk, name, held_on in visible.values_list("pk", "name", "held_on"):
            self.events[name].append((pk, held_on))

    def read(self, row, importer):
        name = row.text(self.name, required=True)
        held_on = row.date("held_on")
        events = [
            pk for pk, date in self.events.get(name, []) if held_on is None or date == held_on
        ]
        if not events:
            raise RowError(
                row.header(self.name),
                _("No signing event “%(value)s” within your data scope.") % {"value": name},
            )
        if len(events) > 1:
            raise RowError(
                row.header("held_on"),
                _("Several signing events are named “%(value)s”: give the event date.")
                % {"value": name},
            )
        return {self.field.attname: events[0]}

    def write(self, record):
        event = getattr(record, self.name)
        return {self.name: event.name, "held_on": event.held_on}


class SignedProjectType(PlatformRecordType):
    model = models.SignedProject
    menu_label = None  # entered on the signing event's page
    prefix = "signed-projects"
    api_basename = "signed-project"
    sheet = "签约项目"
    parent = "event"
    segment = "projects"
    fields = {
        "event": "签约活动",
        "name": "项目名称",
        "field": "领域",
        "origin": "来源地",
        "investment": "投资额(万元)",
        "investor": "投资方",
    }
    cells = {"event": EventCell}
    headers_en = {"name": "Project"}
    columns = (
        "name",
        Shown("event", sort="event__held_on"),
        "field",
        "origin",
        "investment",
        "investor",
    )
    default_sort = "-event"  # the latest signings first
    filters = ("event", "field", "origin")
    more_filters = {"year": year_filter(field_name="event__held_on__year")}
    search = ("name", "investor", "event__name")
    natural_key = ("event", "name")
    preview = ("event", "name")


class MajorProjectImporter(PlatformImporter):
    """Major industrial projects by code; a row without a code is matched by name (a new
    project gets a code)."""

    def check_file(self, result):
        """Give each row without a code the code of the one project of that name, or a new
        code; a name several projects share needs the code."""
        names = {r.values["fields"]["name"] for r in result.rows if not r.values["fields"]["code"]}
        known = defaultdict(list)
        for code, name in self.model.objects.filter(name__in=names).values_list("code", "name"):
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


class MajorProjectType(PlatformRecordType):
    model = models.MajorProject
    menu_label = gettext_lazy("Major industrial projects")
    prefix = "major-projects"
    api_basename = "major-project"
    sheet = "重大产业项目"
    importer = MajorProjectImporter
    optional = ("code",)  # the code of the project of that name, or a new one
    fields = {
        "code": "项目编码",
        "name": "项目名称",
        "chain": "产业链",
        "town": "镇街道",
        "landed_on": "落户日期",
        "investment": "总投资(万元)",
        "capacity": "设计年产能",
        "capacity_unit": "产能单位",
        "output_at_capacity": "达产年产值(万元)",
    }
    link = "name"
    columns = (
        "name",
        "code",
        "chain",
        "town",
        "landed_on",
        "investment",
        "output_at_capacity",
    )
    filters = ("town", "chain")
    search = ("name", "code")
    natural_key = ("code",)
    preview = ("code", "name")


class MajorProjectStageType(PlatformRecordType):
    model = models.MajorProjectStage
    menu_label = None  # entered on the project's page
    prefix = "major-project-stages"
    api_basename = "major-project-stage"
    excel = False
    parent = "project"
    segment = "stages"
    fields = {
        "project": "项目名称",
        "name": "阶段",
        "planned_on": "计划日期",
        "done_on": "完成日期",
    }
    columns = ("name", "project", "planned_on", "done_on")
    filters = ("project",)
    search = ("name", "project__name")


# New-type R&D institutes and what is entered on their pages ------------------------------------


class InstituteImporter(PlatformImporter):
    """One institute per organisation (the institute is an organisation of the registry); a
    row without a code keeps the institute's code, or a new institute gets one."""

    def check_file(self, result):
        """Give each row its code: the one written, the institute's own, or a new one; a code
        may not be another institute's (nor another row's)."""
        organisations = {row.values["fields"]["organisation_id"] for row in result.rows}
        codes = {row.values["fields"]["code"] for row in result.rows} - {""}
        known = self.model.objects.filter(Q(organisation__in=organisations) | Q(code__in=codes))
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


class InstituteDetail(RecordDetailView):
    """An institute's page: its talents, incubation projects, records (by kind) and reports."""

    def children(self, records, columns, **kwargs):
        if kwargs.get("model") is models.InstituteRecord:  # a run of rows under each kind
            columns = [column for column in columns if column.path != "kind"]
            kwargs.setdefault("group", Shown("kind"))
        return super().children(records, columns, **kwargs)


class InstituteType(PlatformRecordType):
    """New-type R&D institutes, with their own import and export permissions."""

    model = models.Institute
    menu_label = gettext_lazy("New-type R&D institutes")
    prefix = "institutes"
    api_basename = "institute"
    sheet = "新型研发机构"
    importer = InstituteImporter
    detail_view = InstituteDetail
    children_history = False  # its own history, as before: its records run to hundreds
    cells = {"code": SlugCell, "council": LinesCell}
    optional = ("code",)  # the institute's own code, or a new one
    fields = {
        "organisation": "研究院",
        "code": "编码",
        "partner": "合作高校院所",
        "signed_on": "签约时间",
        "signed_precision": "签约时间精度",
        "unveiled_on": "揭牌时间",
        "unveiled_precision": "揭牌时间精度",
        "focus_chain": "聚焦产业链",
        "focus": "研究方向",
        "area_m2": "场地面积(平方米)",
        "council_chair": "理事长",
        "council": "理事会成员",
    }
    headers_en = {
        "organisation": "Institute",
        "partner": "Partner",
        "signed_precision": "Signing date precision",
        "unveiled_precision": "Unveiling date precision",
    }
    link = "organisation"
    select_related = ("organisation__town",)
    columns = (
        Shown(
            "organisation", label=gettext_lazy("Institute"), link=True, sort="organisation__name"
        ),
        "partner",
        Shown("organisation__town", label=gettext_lazy("Town")),
        "focus_chain",
        "signed_on",
        "unveiled_on",
    )
    facts = (
        "code",
        "organisation",
        Shown("organisation__town", label=gettext_lazy("Town")),
        "partner",
        "signed_on",
        "signed_precision",
        "unveiled_on",
        "unveiled_precision",
        "focus_chain",
        "focus",
        "area_m2",
        "council_chair",
        "council",
    )
    filters = ("focus_chain",)
    more_filters = {"town": town("organisation__town")}
    search = ("organisation__name", "partner__name", "focus")
    natural_key = ("organisation",)
    preview = ("code", "organisation_name")

    def permission(self, action):
        if action == "import":
            return IMPORT_INSTITUTES
        if action == "export":
            return EXPORT_INSTITUTES
        return super().permission(action)


class InstituteChildType(PlatformRecordType):
    """A record entered on an institute's page; the institute is named by its organisation's
    name or its code."""

    parent = "institute"
    select_related = ("institute__organisation",)
    references = {"institute": ("organisation__name", "code")}
    menu_label = None  # the institute's page leads to it


class PersonCell(Cell):
    """A person by name, among the institute's people and those already holding a role at it
    (the importer finds them: the institute is another cell); written as the name."""

    def read(self, row, importer):
        return {"person_name": row.text(self.name, required=True, max_length=50)}

    def write(self, record):
        return {self.name: record.person.name}

    def example(self):
        return "张三"


class InstituteTalentImporter(PlatformImporter):
    """Talents of institutes. Someone not recorded yet at the institute is added to its people
    by the import."""

    def prepare(self, cells):
        super().prepare(cells)
        visible = models.Institute.objects.visible_to(self.user)
        self.organisation_of = dict(visible.values_list("pk", "organisation_id"))
        organisations = set(self.organisation_of.values())
        names = self.texts(cells, "person")
        found = set(
            Person.objects.filter(organisation__in=organisations, name__in=names).values_list(
                "pk", "organisation_id", "name"
            )
        )
        found |= set(
            models.InstituteTalent.objects.filter(
                institute__organisation__in=organisations, person__name__in=names
            ).values_list("person_id", "institute__organisation_id", "person__name")
        )
        self.people = defaultdict(list)
        for pk, organisation, name in sorted(found):
            self.people[organisation, name].append(pk)

    def read(self, row):
        values = super().read(row)
        name = values.pop("person_name")
        organisation = self.organisation_of[values["institute_id"]]
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
        values["person_id"] = people[0] if people else None
        if not people:  # added by the import, at the institute
            values["new_person"] = [organisation, name]
        return values

    def problems(self, fields):
        return super().problems({k: v for k, v in fields.items() if k != "new_person"})

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


class TalentForm(RecordForm):
    """A talent's person among the people the user sees, named with their organisation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.visible_to(self.user).select_related("organisation")
        self.fields["person"].queryset = people.order_by("name", "pk")
        self.fields["person"].label_from_instance = lambda person: (
            f"{person.name}（{person.organisation}）" if person.organisation else person.name
        )
        self.fields["person"].help_text = _("Someone not listed yet is added under People first.")


class InstituteTalentType(InstituteChildType):
    """The people of an institute: introduced professionals, engaged experts, staff."""

    model = models.InstituteTalent
    prefix = "institute-talents"
    api_basename = "institute-talent"
    segment = "talents"
    sheet = "研究院人才"
    importer = InstituteTalentImporter
    form = TalentForm
    cells = {"person": PersonCell}
    select_related = ("institute__organisation", "person__organisation")
    fields = {
        "institute": "研究院",
        "person": "姓名",
        "role": "人才类别",
        "joined_on": "加入日期",
        "left_on": "离开日期",
    }
    headers_en = {"person": "Name"}
    link = "person"
    facts = ("institute", "person", "role", "joined_on", "left_on")
    columns = (
        Shown("person", sort="person__name", link=True),
        "institute",
        "role",
        "joined_on",
        "left_on",
    )
    default_sort = "-joined_on"
    filters = ("institute", "role")
    search = ("person__name",)
    natural_key = ("institute", "person", "role")
    preview = ("institute", "person")


class InstituteReportType(InstituteChildType):
    """Self-reported KPI reports of the institutes (figures the institutes state)."""

    model = models.InstituteReport
    menu_label = gettext_lazy("Institute KPI reports")
    prefix = "institute-reports"
    api_basename = "institute-report"
    segment = "reports"
    sheet = "研究院绩效报告"
    fields = {
        "institute": "研究院",
        "year": "年度",
        "period": "报告期",
        "revenue": "营业收入(万元)",
        "tech_income": "技术性收入(万元)",
        "rd_spending": "研发投入(万元)",
        "patents_filed": "专利申请数",
        "patents_granted": "授权专利数",
        "enterprises_served": "服务企业数",
        "submitted_on": "报送日期",
        "note": "备注",
    }
    link = "year"
    columns = (
        "institute",
        "year",
        "period",
        "revenue",
        "tech_income",
        "rd_spending",
        "patents_filed",
        "patents_granted",
        "enterprises_served",
        "submitted_on",
    )
    filters = ("institute", "year", "period")
    search = ("institute__organisation__name", "note")
    natural_key = ("institute", "year", "period")
    preview = ("institute", "year")


class IncubationProjectType(InstituteChildType):
    """Projects the institutes incubate (a later row of an import moves one on)."""

    model = models.IncubationProject
    prefix = "incubation-projects"
    api_basename = "incubation-project"
    segment = "incubation-projects"
    sheet = "孵化项目"
    fields = {
        "institute": "研究院",
        "name": "项目名称",
        "status": "状态",
        "company": "落户企业",
        "field": "研究领域",
        "started_on": "首次接洽日期",
        "signed_on": "签约日期",
        "landed_on": "落户日期",
    }
    headers_en = {"name": "Project", "company": "Company", "started_on": "First contact"}
    columns = ("name", "institute", "status", "company", "started_on", "signed_on", "landed_on")
    filters = ("institute", "status")
    search = ("name", "company__name", "field")
    natural_key = ("institute", "name")
    preview = ("institute", "name")


class InstituteRecordType(InstituteChildType):
    """What an institute did: events, projects, cooperations (grouped by kind on its page)."""

    model = models.InstituteRecord
    prefix = "institute-records"
    api_basename = "institute-record"
    segment = "records"
    sheet = "研究院记录"
    fields = {
        "institute": "研究院",
        "kind": "类别",
        "name": "名称",
        "partner": "合作单位",
        "occurred_on": "日期",
        "ended_on": "结束日期",
        "level": "级别",
        "joint_application": "联合申报",
        "amount": "金额(万元)",
        "note": "备注",
    }
    headers_en = {"partner": "Partner", "occurred_on": "Date"}
    columns = ("name", "institute", "kind", "partner", "occurred_on", "level", "amount")
    filters = ("institute", "kind", "occurred_on")
    search = ("name", "partner__name")
    natural_key = ("institute", "kind", "name", "occurred_on")
    preview = ("institute", "name")


# Incubators, their tenants and talents -----------------------------------------------------------


class IncubatorImporter(PlatformImporter):
    """Incubators by code; a row without a code is matched by name (a new one gets a code)."""

    def check_file(self, result):
        """Give each row its code: the one written, the code of the incubator of that name, or
        a new one; a name may not belong to another code's incubator."""
        names = {row.values["fields"]["name"] for row in result.rows}
        known = dict(self.model.objects.filter(name__in=names).values_list("name", "code"))
        kept = []
        for row in result.rows:
            fields = row.values["fields"]
            owner = known.get(fields["name"])
            if not fields["code"]:
                fields["code"] = owner or f"incubator-{uuid.uuid4().hex[:12]}"
                row.values["code"] = fields["code"]
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


INCUBATED_TODAY = gettext_lazy("Incubated today")


class IncubatorList(RecordListView):
    """The incubators with the count of enterprises incubated today (counted as the list is
    read: the day is the request's, which a queryset made once for the API would not know)."""

    def annotate(self, queryset):
        current = (
            models.Tenancy.objects.current_on(timezone.localdate())
            .filter(incubator=OuterRef("pk"))
            .values("incubator")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return queryset.annotate(current_tenants=Coalesce(Subquery(current), 0))


class IncubatorDetail(RecordDetailView):
    """An incubator's page: its tenants with who is incubated today, its talents, and the
    signings held at it."""

    def children(self, records, columns, **kwargs):
        if kwargs.get("model") is models.Tenancy:  # its records, already read
            current = set(
                models.Tenancy.objects.current_on(self.today)
                .filter(incubator=self.object)
                .values_list("pk", flat=True)
            )
            for tenancy in records:
                tenancy.current = tenancy.pk in current
            columns = [*columns, Shown("current", label=INCUBATED_TODAY)]
            note = _("%(count)d enterprises incubated today.") % {"count": len(current)}
            kwargs.setdefault("note", note)
        return super().children(records, columns, **kwargs)

    def sections(self):
        events = self.visible(models.SigningEvent).filter(incubator=self.object)
        signings = self.related_records(
            capfirst(models.SigningEvent._meta.verbose_name_plural),
            events,
            [Shown("name", link=True), Shown("held_on"), Shown("city")],
        )
        return [*super().sections(), signings]


class IncubatorType(PlatformRecordType):
    model = models.Incubator
    menu_label = gettext_lazy("Incubators")
    prefix = "incubators"
    api_basename = "incubator"
    sheet = "孵化器"
    importer = IncubatorImporter
    list_view = IncubatorList
    detail_view = IncubatorDetail
    cells = {"code": SlugCell}
    optional = ("code",)  # the code of the incubator of that name, or a new one
    fields = {
        "name": "孵化器名称",
        "code": "编码",
        "kind": "类型",
        "level": "级别",
        "operator": "运营单位",
        "town": "镇街道",
        "zone": "所属园区",
        "off_site_city": "域外城市",
        "address": "地址",
        "floors": "楼层数",
        "building_area_m2": "建筑面积(平方米)",
        "incubation_area_m2": "孵化面积(平方米)",
        "investment": "投资额(万元)",
        "opened_on": "启用日期",
    }
    columns = (
        "name",
        "kind",
        "level",
        "operator",
        "town",
        "off_site_city",
        "incubation_area_m2",
        Shown("current_tenants", label=INCUBATED_TODAY, numeric=True),
        "opened_on",
    )
    filters = ("kind", "level", "town", "zone")
    more_filters = {
        "off_site": YesNoFilter(
            label=gettext_lazy("Off-site"), field_name="town", lookup_expr="isnull"
        )
    }
    search = ("name", "operator__name", "off_site_city")
    natural_key = ("code",)
    preview = ("code", "name")


class TenancyType(PlatformRecordType):
    """Enterprises incubated in an incubator, entered on its page."""

    model = models.Tenancy
    menu_label = gettext_lazy("Incubated enterprises")
    prefix = "tenancies"
    api_basename = "tenancy"
    parent = "incubator"
    segment = "tenancies"
    sheet = "在孵企业"
    references = {"incubator": ("name", "code")}
    fields = {
        "incubator": "孵化器名称",
        "enterprise": "在孵企业",
        "entered_on": "入驻日期",
        "exited_on": "退出日期",
        "exit_reason": "退出原因",
    }
    link = "enterprise"
    columns = (
        "enterprise",
        Shown("enterprise__uscc"),
        "incubator",
        "entered_on",
        "exited_on",
        "exit_reason",
    )
    facts = ("incubator", "enterprise", "entered_on", "exited_on", "exit_reason")
    default_sort = "-entered_on"
    filters = ("incubator",)
    more_filters = {
        "current_on": django_filters.DateFilter(
            label=gettext_lazy("Incubated on"),
            method=lambda queryset, _name, value: queryset.current_on(value),
            widget=DATE_INPUT,
        ),
        "exited": YesNoFilter(
            label=gettext_lazy("Exited"), field_name="exited_on", lookup_expr="isnull", exclude=True
        ),
    }
    search = ("enterprise__name", "enterprise__uscc", "incubator__name")
    natural_key = ("incubator", "enterprise", "entered_on")
    preview = ("enterprise_uscc", "enterprise_name")


class IncubatorTalentType(PlatformRecordType):
    model = models.IncubatorTalent
    menu_label = None  # entered on the incubator's page
    prefix = "incubator-talents"
    api_basename = "incubator-talent"
    parent = "incubator"
    segment = "talents"
    sheet = "孵化载体引进人才"
    references = {"incubator": ("name", "code")}
    fields = {
        "incubator": "孵化器名称",
        "name": "姓名",
        "talent_level": "人才层次",
        "enterprise": "所在企业",
        "introduced_on": "引进日期",
    }
    columns = ("name", "incubator", "talent_level", "enterprise", "introduced_on")
    filters = ("incubator",)
    search = ("name", "enterprise__name")
    natural_key = ("incubator", "name")
    preview = ("incubator", "name")


# The area's declared record types, registered in the order of its menu.
DECLARED = (  # registered in the order of the menu
    RDInstitutionType,
    RDInstitutionEventType,
    CertificationApplicationType,
    InstituteType,
    InstituteTalentType,
    IncubationProjectType,
    InstituteRecordType,
    InstituteReportType,
    IncubatorType,
    TenancyType,
    IncubatorTalentType,
    ZoneEvaluationType,
    AgriPlatformType,
    AcademicianCooperationType,
    SigningEventType,
    SignedProjectType,
    MajorProjectType,
    MajorProjectStageType,
)
for declared in DECLARED:
    register(declared)
