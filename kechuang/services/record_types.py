"""The services record types declared once (``kechuang.registry.record_types``): their list,
detail page, form, filters, Excel template, export and import, API and menu entry all come from
these declarations. A policy's versions and their consultation opinions move only through the
revision workflow (``domain/policies.py``) and stay hand-wired (``views.py``, ``views_steps.py``,
``api.py``); a policy itself is declared, created with its first draft through the workflow.

What the area adds to a declaration (``ServicesRecordType``): the services' record form (every
organisation field scoped, the active code-list items offered), the services' record page, and
an API whose actions (closing a rectification or a follow-up) name the permission they need.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

import django_filters
from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum, TextField
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action as api_action
from rest_framework.response import Response

from kechuang.accounts.models import User
from kechuang.core.domain.choices import code_list_choices
from kechuang.core.domain.errors import DomainError
from kechuang.core.domain.imports import Column, RowError
from kechuang.core.enums import CodeList
from kechuang.core.interfaces import record_serializers
from kechuang.core.interfaces.display import Shown
from kechuang.core.interfaces.filters import (
    DATE_INPUT,
    IdFilter,
    YearFilter,
    YesNoFilter,
    year_filter,
)
from kechuang.core.interfaces.serializers import SlugRelatedField
from kechuang.core.record_views import RecordEditView, RecordListView, perm
from kechuang.core.views import scoped_object_or_404
from kechuang.registry.domain.uscc import normalise_uscc
from kechuang.registry.interfaces.columns import organisation_columns
from kechuang.registry.interfaces.exporters import organisation_cells
from kechuang.registry.interfaces.filters import town as town_filter
from kechuang.registry.interfaces.filters import town_choices
from kechuang.registry.interfaces.record_import import by_code_and_name, code_items
from kechuang.registry.models import Organisation, Town
from kechuang.registry.record_types import (
    UNKNOWN_TOWN,
    Cell,
    ChoiceCell,
    DeclaredImporter,
    DeclaredViewSet,
    RecordType,
    TextCell,
    register,
)

from . import models
from .api import ServicesMixin, domain_call, expected_version
from .domain import commissioners as commissioner_domain
from .domain import institutions, policies, visits
from .domain.institutions import checklist, status_of
from .enums import OPEN_VERSION_STATES, AdmissionStatus, CommissionerKind, VersionState
from .interfaces import exporters
from .interfaces import serializers as s
from .interfaces.forms import (
    ActivityFormBase,
    CommissionerFormBase,
    CommissionerMemberFormBase,
    PolicyFormBase,
    RecordForm,
    staff_logins,
    writable_commissioners,
)
from .interfaces.shown import Computed, Labelled
from .views import (
    VERSION_COLUMNS,
    DetailView,
    action,
    as_validation_error,
    count_of,
    may_start_version,
)
from .views_export import may_export_contacts

# The area's bases ------------------------------------------------------------------------------


class ServicesViewSet(ServicesMixin, DeclaredViewSet):
    """A declared services record's API: an action names the permission it needs
    (``action_verbs``; the domain step then checks its own)."""


class ServicesDetail(DetailView):
    """A services record's page. ``own_sections`` names the child kinds (by model name) this
    page shows its own way, or not at all, instead of as a section (their history still shows
    here); ``attachments`` (``detail_options``), the title of the record's files (an activity's
    photos) when it has them."""

    template_name = "services/record_detail.html"
    own_sections: tuple[str, ...] = ()
    attachments = ""

    def hidden_sections(self) -> tuple[str, ...]:
        return self.own_sections

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hidden = self.hidden_sections()
        context["sections"] = [s for s in context["sections"] if s.key not in hidden]
        context["attachments"] = self.attachments
        return context


class NoColumn(Cell):
    """A field without a column of its own: read and written by another field's cell (a
    visit's host name, by its host), or entered on the page only (a commissioner's login)."""

    def columns(self):
        return []

    def read(self, row, importer):
        return {}

    def write(self, record):
        return {}


class RequiredChoiceCell(ChoiceCell):
    """A choice the template asks for, although the field has a default."""

    required = True


class LongTextCell(TextCell):
    """A text area's cell (a summary, tasks, a note): up to 5000 characters, as the services'
    imports have always read them."""

    def read(self, row, importer):
        return {self.name: row.text(self.name, required=self.required, max_length=LONG_TEXT)}


LONG_TEXT = 5000


class ServicesRecordType(RecordType):
    form = RecordForm
    detail_view = ServicesDetail
    viewset = ServicesViewSet

    def permission(self, action: str) -> str:
        if action == "import" and not self.has_permission("import"):
            return ""  # no import offered
        return super().permission(action)

    @cached_property
    def excel_cells(self) -> list[Cell]:
        return [
            LongTextCell(self, cell.field, cell.header)
            if type(cell) is TextCell and isinstance(cell.field, TextField)
            else cell
            for cell in super().excel_cells
        ]

    def example(self) -> dict:
        """A row of example values (a field read by another's cell has no column of its own)."""
        values = {}
        for cell in self.excel_cells:
            columns = cell.columns()
            if columns:
                values[columns[-1].field] = cell.example()
        return values


# Tech commissioners ----------------------------------------------------------------------------


def commissioners_by_name(user) -> dict[str, list[int]]:
    """Commissioner ids by name, of the commissioners ``user`` may write records for: those
    they act for (their own login, or a team member's), and — for whoever may change
    commissioners (bureau staff) — every commissioner within their data scope."""
    found = set(models.Commissioner.objects.acting_for(user).values_list("pk", "name"))
    if user.has_perm("services.change_commissioner"):
        found |= set(models.Commissioner.objects.visible_to(user).values_list("pk", "name"))
    by_name = defaultdict(list)
    for pk, name in sorted(found):
        by_name[name].append(pk)
    return by_name


class CommissionerCell(Cell):
    """A commissioner by its name, among those the importer may write records for (a
    commissioner's login: its own)."""

    def prepare(self, importer, cells):
        self.commissioners = commissioners_by_name(importer.user)

    def read(self, row, importer):
        name = row.text(self.name, required=True)
        found = self.commissioners.get(name, [])
        if not found:
            raise RowError(
                row.header(self.name),
                _("No tech commissioner “%(value)s” whose records you may enter.")
                % {"value": name},
            )
        if len(found) > 1:
            raise RowError(
                row.header(self.name),
                _("Several tech commissioners are named “%(value)s”; enter this one on its page.")
                % {"value": name},
            )
        return {self.field.attname: found[0]}

    def write(self, record):
        return {self.name: record.commissioner.name}

    def example(self):
        return "张三"


class EmployerCell(Cell):
    """A commissioner's employer: a registry organisation when the credit code (or the exact,
    unique name) finds one among those the importer sees, else just the name (a university
    elsewhere, ``employer_name``). A registry employer leaves the name kept for another as it
    is."""

    def columns(self):
        return organisation_columns(self.header, "Employer", "employer")

    def prepare(self, importer, cells):
        visible = Organisation.objects.visible_to(importer.user)
        self.index = importer.organisations(cells, "employer", visible)

    def read(self, row, importer):
        if row.values.get("employer_uscc"):
            return {"employer_id": row.organisation("employer", self.index)}
        name = row.text("employer_name")
        named = self.index.by_name.get(name, []) if name else []
        if len(named) == 1:
            return {"employer_id": named[0]}
        return {"employer_id": None, "employer_name": name}

    def write(self, record):
        # (with a registry employer, the name kept for one outside the registry is not
        # exported: the import leaves it as it is)
        return organisation_cells("employer", record.employer) or {
            "employer_name": record.employer_name
        }


class CommissionerImporter(DeclaredImporter):
    """Tech commissioners by name; logins and registry people are linked on the pages."""

    def check_file(self, result):
        """A commissioner linked to a registry person stays an individual (the person is
        unlinked on its page first)."""
        names = [row.values["fields"]["name"] for row in result.rows]
        with_person = set(
            self.model.objects.filter(name__in=names, person__isnull=False).values_list(
                "name", flat=True
            )
        )
        kept = []
        for row in result.rows:
            fields = row.values["fields"]
            if fields["name"] in with_person and fields["kind"] != CommissionerKind.INDIVIDUAL:
                result.add_error(
                    row.number,
                    self.headers["kind"],
                    _("Only an individual commissioner is one person."),
                )
                continue
            kept.append(row)
        result.rows = kept
        super().check_file(result)


class CommissionerList(RecordListView):
    """With each commissioner's assignments and activities, counted within the user's scope."""

    def annotate(self, queryset):
        user = self.request.user
        assignments = models.ServiceAssignment.objects.visible_to(user)
        activities = models.Activity.objects.visible_to(user)
        return (
            super()
            .annotate(queryset)
            .annotate(
                assignment_count=count_of(assignments.filter(commissioner=OuterRef("pk"))),
                activity_count=count_of(activities.filter(commissioner=OuterRef("pk"))),
            )
        )


COMMISSIONER = Shown("commissioner", sort="commissioner__name")
ACTIVITY_COLUMNS = [
    Shown("held_on", sort="held_on", link=True),
    Shown("kind", sort="kind__sort"),
    Shown("town", sort="town__code"),
    Shown("place"),
    Shown("trainees", numeric=True, sort="trainees"),
    Shown("materials", numeric=True, sort="materials"),
]


def activities_section(view, activities, commissioner, *, query: str, list_query: str):
    """A commissioner's (or an assignment's) activities, with the form to log one for whoever
    acts for the commissioner."""
    user = view.request.user
    writes = user.has_perm(commissioner_domain.ADD) and commissioner_domain.may_act_for(
        user, commissioner
    )
    return view.linked(
        capfirst(models.Activity._meta.verbose_name_plural),
        activities.select_related("kind", "town"),
        ACTIVITY_COLUMNS,
        add_url=f"{reverse('services:activity-create')}{query}" if writes else "",
        list_url=view.list_of(models.Activity, list_query),
    )


class CommissionerDetail(ServicesDetail):
    """A commissioner's page: its activity totals, its team's members (a team only), its
    assignments and its activities."""

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        totals = self.visible(models.Activity).filter(commissioner=record)
        totals = totals.aggregate(
            n=Count("pk"), trainees=Sum("trainees"), materials=Sum("materials")
        )
        record.activity_total = totals["n"]
        record.trainee_total = totals["trainees"] or 0
        record.material_total = totals["materials"] or 0
        return record

    def hidden_sections(self):
        return () if self.object.kind == CommissionerKind.TEAM else ("commissionermember",)

    def sections(self):
        record = self.object
        activities = self.visible(models.Activity).filter(commissioner=record)
        query = f"?commissioner={record.pk}"
        section = activities_section(self, activities, record, query=query, list_query=query)
        return [*super().sections(), section]


def serving_in(queryset, name, value: str):
    """Commissioners with an assignment in the town (by its code)."""
    assignments = models.ServiceAssignment.objects.filter(
        commissioner=OuterRef("pk"), town__code=value
    )
    return queryset.filter(Exists(assignments))


def active_in(queryset, name, value):
    return queryset.active_in(int(value))


@register
class CommissionerType(ServicesRecordType):
    model = models.Commissioner
    prefix = "commissioners"
    api_basename = "services-commissioner"
    sheet = "科技特派员"
    list_view = CommissionerList
    detail_view = CommissionerDetail
    form = CommissionerFormBase
    importer = CommissionerImporter
    fields = {
        "name": "名称",
        "kind": "类型",
        "person": "人才库人员",
        "organisation": "法人单位",
        "employer": "工作单位",
        "employer_name": "工作单位名称",
        "field": "专业领域",
        "expertise": "专长",
        "phone": "联系电话",
        "user": "登录账号",
        "appointed_on": "选派日期",
        "year": "选派年度",
        "dispatched_by": "派出单位",
        "note": "备注",
    }
    # The login and the registry person are linked on the page; the employer's name is read
    # with the employer.
    cells = {
        "kind": RequiredChoiceCell,
        "person": NoColumn,
        "employer": EmployerCell,
        "employer_name": NoColumn,
        "user": NoColumn,
    }
    select_related = ("user",)
    columns = (
        "name",
        "kind",
        "field",
        "expertise",
        Computed(
            "employer_shown",
            label=gettext_lazy("Employer"),
            compute=lambda c: c.employer if c.employer_id else c.employer_name or "",
        ),
        "year",
        Shown("assignment_count", label=gettext_lazy("Assignments"), numeric=True),
        Shown("activity_count", label=gettext_lazy("Activities"), numeric=True),
    )
    facts = (
        *(name for name in fields if name != "name"),
        Shown("activity_total", label=gettext_lazy("Activities")),
        Shown("trainee_total", label=gettext_lazy("Trainees")),
        Shown("material_total", label=gettext_lazy("Materials handed out")),
    )
    filters = ("kind", "field")
    more_filters = {
        "town": django_filters.ChoiceFilter(
            label=gettext_lazy("Town"), choices=town_choices, method=serving_in
        ),
        "active_in": YearFilter(label=gettext_lazy("Active in year"), method=active_in),
        "appointed_year": year_filter(gettext_lazy("Year of appointment"), field_name="year"),
    }
    search = ("name", "expertise", "employer_name", "employer__name", "dispatched_by")
    natural_key = ("name",)
    preview = ("", "name")


@register
class CommissionerMemberType(ServicesRecordType):
    model = models.CommissionerMember
    prefix = "commissioner-members"
    api_basename = "services-commissioner-member"
    parent = "commissioner"
    segment = "members"
    menu_label = None  # entered on the team's page
    form = CommissionerMemberFormBase
    fields = {
        "commissioner": "科技特派员",
        "name": "姓名",
        "person": "人才库人员",
        "role": "团队角色",
        "phone": "联系电话",
        "user": "登录账号",
    }
    columns = ("name", "commissioner", "role", "person", "phone", "user")
    filters = ("commissioner", "role")
    search = ("name", "phone", "commissioner__name")


class ServiceAssignmentDetail(ServicesDetail):
    """An assignment's page: the activities logged in it."""

    def sections(self):
        record = self.object
        activities = self.visible(models.Activity).filter(assignment=record)
        query = f"?commissioner={record.commissioner_id}&assignment={record.pk}"
        section = activities_section(
            self,
            activities,
            record.commissioner,
            query=query,
            list_query=f"?assignment={record.pk}",
        )
        return [*super().sections(), section]


def serving_in_year(queryset, name, value):
    return queryset.in_year(int(value))


def ongoing(queryset, name, value):
    today = timezone.localdate()
    current = queryset.overlapping(today, today)
    return current if value else queryset.exclude(pk__in=current.values("pk"))


@register
class ServiceAssignmentType(ServicesRecordType):
    model = models.ServiceAssignment
    prefix = "assignments"
    api_basename = "services-assignment"
    parent = "commissioner"
    segment = "assignments"
    sheet = "科技特派员派驻"
    menu_label = ""  # its own list in the menu
    detail_view = ServiceAssignmentDetail
    fields = {
        "commissioner": "科技特派员",
        "town": "服务镇街道",
        "village": "服务村(社区)",
        "enterprise": "服务企业",
        "started_on": "开始日期",
        "ended_on": "结束日期",
        "tasks": "任务目标",
    }
    cells = {"commissioner": CommissionerCell}
    headers_en = {"enterprise": "Enterprise"}
    link = "town"
    columns = (COMMISSIONER, "town", "village", "enterprise", "started_on", "ended_on")
    filters = ("commissioner", "town")
    more_filters = {
        "year": YearFilter(label=gettext_lazy("Serving in year"), method=serving_in_year),
        "current": YesNoFilter(label=gettext_lazy("Ongoing"), method=ongoing),
    }
    search = ("commissioner__name", "village", "enterprise__name", "tasks")
    natural_key = ("commissioner", "town", "village", "enterprise", "started_on")
    preview = ("commissioner", "village")


class AssignmentCell(Cell):
    """The assignment an activity belongs to, named by the day it started and its village (the
    activity's importer reads it with the activity's commissioner and town)."""

    def columns(self):
        return [
            Column("派驻开始日期", "assignment", "Assignment started on"),
            Column("派驻村(社区)", "assignment_village", "Assignment village"),
        ]

    def write(self, record):
        assignment = record.assignment
        return {
            "assignment": assignment.started_on if assignment else None,
            "assignment_village": assignment.village if assignment else "",
        }


class ActivityImporter(DeclaredImporter):
    """Activity logs, one per commissioner, date, kind, town and place. The assignment is
    named by the day it started and its village; the town, when empty, is the assignment's."""

    def prepare(self, cells):
        super().prepare(cells)
        self.commissioner_cell = next(
            c for c in self.record_type.excel_cells if c.name == "commissioner"
        )
        self.towns = by_code_and_name(Town.objects.all())
        self.kinds = code_items(CodeList.SERVICE_ACTIVITY_KIND)
        self.assignments = defaultdict(list)
        ids = {pk for pks in self.commissioner_cell.commissioners.values() for pk in pks}
        for assignment in models.ServiceAssignment.objects.filter(commissioner__in=ids).only(
            "pk", "commissioner_id", "town_id", "village", "started_on", "ended_on"
        ):
            self.assignments[assignment.commissioner_id].append(assignment)
        self.today = timezone.localdate()

    def read(self, row):
        commissioner = self.commissioner_cell.read(row, self)["commissioner_id"]
        held_on = row.date("held_on", required=True)
        if held_on > self.today:
            raise RowError(
                row.header("held_on"),
                _("The date cannot be in the future (%(date)s is after today, %(today)s).")
                % {"date": held_on.isoformat(), "today": self.today.isoformat()},
            )
        town = row.pick("town", self.towns, unknown=str(UNKNOWN_TOWN))
        assignment = self.assignment(row, commissioner, town)
        if town is None:
            if assignment is None:
                raise RowError(
                    row.header("town"), _("Give the town, or the assignment the activity is in.")
                )
            town = assignment.town_id
        if assignment is not None and not assignment.covers(held_on):
            raise RowError(
                row.header("held_on"), _("The date lies outside the assignment's period.")
            )
        return {
            "commissioner_id": commissioner,
            "held_on": held_on,
            "kind_id": row.pick(
                "kind",
                self.kinds,
                required=True,
                unknown=_("Unknown activity kind “%(value)s”."),
            ),
            "town_id": town,
            "place": row.text("place"),
            "assignment_id": assignment.pk if assignment else None,
            "trainees": row.integer("trainees") or 0,
            "materials": row.integer("materials") or 0,
            "summary": row.text("summary", max_length=LONG_TEXT),
        }

    def assignment(self, row, commissioner: int, town: int | None):
        """The commissioner's assignment that started on the day given, in the village given
        (needed when several started that day), in the activity's town (when still several)."""
        started_on = row.date("assignment")
        village = row.text("assignment_village", max_length=100)
        if started_on is None:
            if village:
                raise RowError(row.header("assignment"), _("Give the day the assignment started."))
            return None
        found = [a for a in self.assignments[commissioner] if a.started_on == started_on]
        if village or len(found) > 1:
            found = [a for a in found if a.village == village]
        if len(found) > 1 and town is not None:
            found = [a for a in found if a.town_id == town] or found
        if not found:
            raise RowError(
                row.header("assignment"),
                _("The commissioner has no assignment that started on %(date)s %(village)s.")
                % {"date": started_on.isoformat(), "village": village},
            )
        if len(found) > 1:
            raise RowError(
                row.header("assignment"),
                _(
                    "The commissioner has several such assignments that started on %(date)s; "
                    "enter this activity on its page."
                )
                % {"date": started_on.isoformat()},
            )
        return found[0]


class ActivityList(RecordListView):
    """No create button for whoever may log no commissioner's activity."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["create_url"] and not writable_commissioners(self.request.user).exists():
            context["create_url"] = ""
        return context


class ActivityEdit(RecordEditView):
    """A bureau user logs an activity on a commissioner's behalf, or a commissioner's login on
    its own; through the domain (``log_activity``, ``update_activity``), which checks that the
    user acts for the commissioner."""

    def save(self, form):
        data, user = form.cleaned_data, self.request.user
        values = {
            name: data.get(name) for name in commissioner_domain.EDITABLE if name in form.fields
        }
        values["place"] = values.get("place") or ""
        values["summary"] = values.get("summary") or ""
        commissioner = data.get("commissioner") or form.instance.commissioner
        if form.instance.pk is None:
            return commissioner_domain.log_activity(user, commissioner, **values)
        # The stored record, not the form's instance (which already holds the new values).
        stored = models.Activity.objects.get(pk=form.instance.pk)
        if commissioner.pk != stored.commissioner_id:
            values["commissioner"] = commissioner
        return commissioner_domain.update_activity(stored, user, data.get("version") or 0, **values)


class ActivityViewSet(ServicesViewSet):
    """Logged and edited through the domain, which checks that the caller acts for the
    commissioner (its login or a team member's) or may change the commissioner (staff)."""

    def perform_create(self, serializer):
        self.check_relations(serializer)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        commissioner = data.pop("commissioner")
        serializer.instance = domain_call(
            commissioner_domain.log_activity, self.request.user, commissioner, **data
        )

    def perform_update(self, serializer):
        self.check_relations(serializer)
        data = dict(serializer.validated_data)
        expected = expected_version(data)
        changes = {
            name: value
            for name, value in data.items()
            if name in commissioner_domain.EDITABLE or name == "commissioner"
        }
        domain_call(
            commissioner_domain.update_activity,
            serializer.instance,
            self.request.user,
            expected,
            **changes,
        )


@register
class ActivityType(ServicesRecordType):
    """A commissioner's service log (photos are the entry's attachments)."""

    model = models.Activity
    prefix = "activities"
    api_basename = "services-activity"
    sheet = "科技特派员服务活动"
    list_view = ActivityList
    edit_view = ActivityEdit
    form = ActivityFormBase
    importer = ActivityImporter
    viewset = ActivityViewSet
    detail_options = {"attachments": gettext_lazy("Photos")}
    optional = ("town",)  # the assignment's town when left empty
    fields = {
        "commissioner": "科技特派员",
        "held_on": "日期",
        "kind": "活动类型",
        "town": "镇街道",
        "place": "地点",
        "assignment": "派驻",
        "trainees": "培训人数",
        "materials": "发放资料(份)",
        "summary": "活动内容",
    }
    cells = {"commissioner": CommissionerCell, "assignment": AssignmentCell}
    select_related = ("assignment__town",)
    link = "held_on"
    columns = (ACTIVITY_COLUMNS[0], COMMISSIONER, *ACTIVITY_COLUMNS[1:])
    facts = (
        "commissioner",
        "assignment",
        "held_on",
        "kind",
        "place",
        "town",
        "trainees",
        "materials",
        "summary",
    )
    filters = ("commissioner", "assignment", "kind", "town", "held_on")
    search = ("commissioner__name", "place", "summary")
    natural_key = ("commissioner", "held_on", "kind", "town", "place")
    preview = ("commissioner", "held_on")

    @cached_property
    def Serializer(self):
        """The town may be left out: it is the assignment's then."""
        town = SlugRelatedField(slug_field="code", queryset=Town.objects.all(), required=False)
        return self.build("Serializer", (super().Serializer,), {"town": town})


# Training institutions -------------------------------------------------------------------------


class UsccCell(TextCell):
    """A unified social credit code, normalised (upper case, no spaces); none when empty."""

    def read(self, row, importer):
        return {self.name: normalise_uscc(row.text(self.name, max_length=40)) or None}

    def write(self, record):
        return {self.name: getattr(record, self.name) or ""}

    def example(self):
        return ""


class TrainingInstitutionImporter(DeclaredImporter):
    """Training institutions by name; a unified social credit code belongs to one of them."""

    def check_file(self, result):
        """A code may appear once in the file and must not belong to another institution."""
        model = self.model
        codes = {r.values["fields"]["uscc"] for r in result.rows} - {None}
        holders = dict(model.objects.filter(uscc__in=codes).values_list("uscc", "name"))
        # Only an institution the importer may see is named.
        named = set(
            model.objects.visible_to(self.user)
            .filter(uscc__in=codes)
            .values_list("uscc", flat=True)
        )
        seen, kept = {}, []
        for row in result.rows:
            fields = row.values["fields"]
            code = fields["uscc"]
            if code and code in seen:
                result.add_error(
                    row.number,
                    self.headers["uscc"],
                    _("Duplicate of row %(row)d (the same %(key)s).")
                    % {"row": seen[code], "key": self.headers["uscc"]},
                )
                continue
            if code and holders.get(code, fields["name"]) != fields["name"]:
                message = (
                    _("The training institution “%(name)s” already has this code.")
                    % {"name": holders[code]}
                    if code in named
                    else _("Another training institution already has this code.")
                )
                result.add_error(row.number, self.headers["uscc"], message)
                continue
            if code:
                seen[code] = row.number
            kept.append(row)
        result.rows = kept
        super().check_file(result)


class TrainingInstitutionSerializer(record_serializers.RecordSerializer):
    admission_status = serializers.SerializerMethodField(
        help_text="Computed from the admission checks: admitted, not_admitted or pending."
    )

    class Meta(record_serializers.RecordSerializer.Meta):
        pass

    def get_admission_status(self, institution) -> str:
        status = getattr(institution, "admission_status", None)
        return str(status if status is not None else institutions.admission_status(institution))

    def validate_uscc(self, value):
        return normalise_uscc(value or "") or None


class TrainingInstitutionList(RecordListView):
    """With the institutions' contact list in Excel (the same filters)."""

    template_name = "services/institution_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if may_export_contacts(self.request.user):
            context["contacts_url"] = reverse("services:traininginstitution-contacts")
        return context


class TrainingInstitutionDetail(ServicesDetail):
    """An institution's page: its admission checklist (the checks' own section), its contacts
    and visits."""

    template_name = "services/institution_detail.html"
    own_sections = ("institutioncheck",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        rows = checklist(record)
        context["checklist"] = rows
        context["admission"] = status_of(row.result for row in rows)
        if self.may("change", obj=record) and (
            self.may("add", models.InstitutionCheck) or self.may("change", models.InstitutionCheck)
        ):
            context["checklist_url"] = reverse(
                "services:traininginstitution-checklist", args=[record.pk]
            )
        return context


def admitted(queryset, name, value):
    if "admission_status" not in queryset.query.annotations:
        queryset = queryset.with_admission()
    return queryset.filter(admission_status=value)


@register
class TrainingInstitutionType(ServicesRecordType):
    model = models.TrainingInstitution
    prefix = "training-institutions"
    api_basename = "services-training-institution"
    sheet = "科技类校外培训机构"
    list_view = TrainingInstitutionList
    detail_view = TrainingInstitutionDetail
    importer = TrainingInstitutionImporter
    serializer = TrainingInstitutionSerializer
    fields = {
        "name": "机构名称",
        "uscc": "统一社会信用代码",
        "operator": "举办者",
        "address": "地址",
        "town": "镇街道",
        "courses": "培训课程",
        "status": "经营状态",
        "note": "备注",
    }
    cells = {"uscc": UsccCell}
    headers_en = {"uscc": "USCC"}
    columns = (
        "name",
        "operator",
        "town",
        "status",
        Labelled(
            "admission_status",
            label=gettext_lazy("Admission"),
            sort="admission_status",
            labels=AdmissionStatus,
        ),
        "address",
    )
    filters = ("town", "status")
    more_filters = {
        "admission": django_filters.ChoiceFilter(
            label=gettext_lazy("Admission"), choices=AdmissionStatus.choices, method=admitted
        )
    }
    search = ("name", "operator", "uscc", "address", "courses")
    natural_key = ("name",)
    preview = ("uscc", "name")

    def queryset(self):
        return super().queryset().with_admission()


class InstitutionChildType(ServicesRecordType):
    """A record entered on a training institution's page (named by the institution's name)."""

    parent = "institution"
    menu_label = None  # the institution's page leads to it


@register
class InstitutionContactType(InstitutionChildType):
    model = models.InstitutionContact
    prefix = "institution-contacts"
    api_basename = "services-institution-contact"
    segment = "contacts"
    fields = {
        "institution": "机构名称",
        "name": "联系人",
        "role": "职务",
        "phone": "联系电话",
        "email": "电子邮箱",
    }
    columns = ("name", "institution", "role", "phone", "email")
    filters = ("institution",)
    search = ("name", "role", "phone", "email", "institution__name")


class InstitutionVisitForm(RecordForm):
    """A visit and the rectification it requires; closing the rectification is a step of its
    own on the visit's page."""

    closed_by_step = ("rectified_on", "closure_note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.closed_by_step:
            self.fields.pop(name, None)


class InstitutionVisitSerializer(record_serializers.RecordSerializer):
    class Meta(record_serializers.RecordSerializer.Meta):
        read_only_fields = [
            *record_serializers.RecordSerializer.Meta.read_only_fields,
            *InstitutionVisitForm.closed_by_step,
        ]


class InstitutionVisitViewSet(ServicesViewSet):
    """A visit's rectification closes through ``close-rectification``
    (``domain.institutions.close_rectification``)."""

    action_verbs = {"close_rectification": "view"}

    @extend_schema(request=s.CloseVisitRectificationSerializer)
    @api_action(detail=True, methods=["post"], url_path="close-rectification")
    def close_rectification(self, request, pk=None):
        visit = self.get_object()
        given = s.CloseVisitRectificationSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        domain_call(
            institutions.close_rectification,
            visit,
            request.user,
            on=given.validated_data.get("on"),
            note=given.validated_data["note"],
        )
        return Response(self.get_serializer(visit).data)


class InstitutionVisitDetail(ServicesDetail):
    def actions(self):
        record = self.object
        if (
            record.rectification_required
            and record.rectified_on is None
            and self.may("change", obj=record)
        ):
            url = reverse("services:institutionvisit-close", args=[record.pk])
            return [action("close", _("Close the rectification"), url)]
        return []


def rectification_open(queryset, name, value):
    open_ones = queryset.open_rectifications()
    return open_ones if value else queryset.exclude(pk__in=open_ones.values("pk"))


INSTITUTION_TOWN = Shown("institution__town", label=gettext_lazy("Town"))


@register
class InstitutionVisitType(InstitutionChildType):
    """On-site visits to the institutions; their list exports with the institutions' export
    permission (whoever may export the institutions may export their visits)."""

    model = models.InstitutionVisit
    prefix = "institution-visits"
    api_basename = "services-institution-visit"
    segment = "visits"
    sheet = "科技类校外培训机构检查"
    menu_label = ""  # its own list in the menu
    form = InstitutionVisitForm
    serializer = InstitutionVisitSerializer
    viewset = InstitutionVisitViewSet
    detail_view = InstitutionVisitDetail
    select_related = ("institution__town",)
    fields = {
        "institution": "机构名称",
        "visited_on": "走访日期",
        "visitors": "走访人员",
        "findings": "检查发现",
        "rectification_required": "需整改",
        "rectification_due": "整改期限",
        "rectified_on": "整改日期",
        "closure_note": "办结说明",
    }
    link = "visited_on"
    columns = (
        "visited_on",
        "institution",
        INSTITUTION_TOWN,
        "visitors",
        "rectification_required",
        "rectification_due",
        "rectified_on",
    )
    filters = ("institution", "visited_on")
    more_filters = {
        "town": town_filter("institution__town"),
        "open_rectification": YesNoFilter(
            label=gettext_lazy("Rectification open"), method=rectification_open
        ),
    }
    search = ("institution__name", "visitors", "findings")

    def permission(self, action: str) -> str:
        if action == "export":
            return "services.export_traininginstitution"
        return super().permission(action)

    def has_permission(self, action: str) -> bool:
        if action == "export":
            return True
        return super().has_permission(action)

    @property
    def child_columns(self) -> list[Shown]:
        """On the institution's page: without the institution's town."""
        return [c for c in super().child_columns if c is not INSTITUTION_TOWN]


class InstitutionCheckViewSet(ServicesViewSet):
    """A check records who made it."""

    def perform_create(self, serializer):
        serializer.validated_data["checked_by"] = self.request.user
        super().perform_create(serializer)

    def perform_update(self, serializer):
        serializer.validated_data["checked_by"] = self.request.user
        super().perform_update(serializer)


class InstitutionCheckSerializer(record_serializers.RecordSerializer):
    class Meta(record_serializers.RecordSerializer.Meta):
        read_only_fields = [
            *record_serializers.RecordSerializer.Meta.read_only_fields,
            "checked_by",
        ]


class InstitutionCheckDetail(ServicesDetail):
    def edit_url(self):
        institution = self.object.institution
        if self.may("change", obj=self.object) and self.may(
            "change", models.TrainingInstitution, institution
        ):
            return reverse("services:traininginstitution-checklist", args=[institution.pk])
        return ""


class ToChecklist(LoginRequiredMixin, View):
    """A check is recorded with the institution's whole checklist
    (``traininginstitution-checklist``)."""

    def get(self, request, parent_pk=None, pk=None):
        if parent_pk is None:
            check = scoped_object_or_404(
                request, models.InstitutionCheck, pk, perm("change", models.InstitutionCheck)
            )
            parent_pk = check.institution_id
        return redirect(reverse("services:traininginstitution-checklist", args=[parent_pk]))


@register
class InstitutionCheckType(InstitutionChildType):
    model = models.InstitutionCheck
    prefix = "institution-checks"
    api_basename = "services-institution-check"
    segment = "checks"
    viewset = InstitutionCheckViewSet
    serializer = InstitutionCheckSerializer
    detail_view = InstitutionCheckDetail
    select_related = ("checked_by",)
    fields = {
        "institution": "机构名称",
        "criterion": "核查项",
        "result": "结果",
        "note": "备注",
        "checked_on": "核查日期",
    }
    link = "criterion"
    columns = ("criterion", "institution", "result", "checked_on", Shown("checked_by"))
    facts = ("institution", "criterion", "result", "note", "checked_on", "checked_by")
    filters = ("institution", "criterion", "result")
    search = ("note", "institution__name")

    def urls(self) -> list:
        """The checks are recorded on the checklist page: their forms lead there."""
        to_checklist = ToChecklist.as_view()
        return [
            path(p.pattern._route, to_checklist, name=p.name)
            if p.name.endswith(("-create", "-edit"))
            else p
            for p in super().urls()
        ]


# Field visits ----------------------------------------------------------------------------------


class HostCell(Cell):
    """A visit's host: a registry organisation when the credit code (or the exact, unique name)
    finds one among those the importer sees; otherwise the name as written (a park, an
    incubator …). A name that differs from the organisation's is kept beside it. Two columns,
    the code and the name (``host_name``, whose own cell is this one)."""

    def columns(self):
        return organisation_columns(self.header, "Host", "host")

    def prepare(self, importer, cells):
        visible = Organisation.objects.visible_to(importer.user)
        self.index = importer.organisations(cells, "host", visible)
        self.names = {pk: name for name, pks in self.index.by_name.items() for pk in pks}

    def read(self, row, importer):
        name = row.text("host_name")
        if row.values.get("host_uscc"):
            organisation = row.organisation("host", self.index)
            kept = "" if name == self.names.get(organisation) else name
            return {"host_organisation_id": organisation, "host_name": kept}
        if not name:
            raise RowError(row.header("host_name"), _("Name the host, or give its credit code."))
        named = self.index.by_name.get(name, [])
        if len(named) == 1:
            return {"host_organisation_id": named[0], "host_name": ""}
        return {"host_organisation_id": None, "host_name": name}

    def write(self, record):
        host = record.host_organisation
        return {
            "host_uscc": host.uscc if host else "",
            "host_name": record.host_name or (host.name if host else ""),
        }

    def example(self):
        return "平湖经济技术开发区科创园"


class FieldVisitList(RecordListView):
    """With each visit's issues and open follow-ups, counted within the user's scope."""

    def annotate(self, queryset):
        user = self.request.user
        issues = models.VisitIssue.objects.visible_to(user).filter(visit=OuterRef("pk"))
        open_ones = (
            models.FollowUp.objects.visible_to(user).open().filter(issue__visit=OuterRef("pk"))
        )
        return (
            super()
            .annotate(queryset)
            .annotate(issue_count=count_of(issues), open_count=count_of(open_ones))
        )


def overdue(record) -> bool:
    return record.is_overdue(timezone.localdate())


FOLLOW_UP_OVERDUE = Computed("overdue", label=gettext_lazy("Overdue"), compute=overdue)
FOLLOW_UP_COLUMNS = [
    Shown("action", link=True),
    Shown("owner"),
    Shown("owner_body"),
    Shown("due_on"),
    Shown("closed_on"),
    FOLLOW_UP_OVERDUE,
]


class FieldVisitDetail(ServicesDetail):
    """A visit's page: the issues raised (with their follow-ups' count) and every follow-up of
    the visit."""

    def visible(self, model):
        found = super().visible(model)
        if model is models.VisitIssue:
            return found.annotate(follow_up_count=Count("follow_ups"))
        return found

    def sections(self):
        record = self.object
        follow_ups = self.visible(models.FollowUp).filter(issue__visit=record)
        return [
            *super().sections(),
            self.linked(
                capfirst(models.FollowUp._meta.verbose_name_plural),
                follow_ups.select_related("issue", "owner"),
                [Shown("issue"), *FOLLOW_UP_COLUMNS],
                list_url=self.list_of(models.FollowUp, f"?visit={record.pk}"),
            ),
        ]


def with_open_follow_ups(queryset, name, value):
    open_ones = models.FollowUp.objects.open().filter(issue__visit=OuterRef("pk"))
    return queryset.filter(Exists(open_ones)) if value else queryset.exclude(Exists(open_ones))


@register
class FieldVisitType(ServicesRecordType):
    model = models.FieldVisit
    prefix = "field-visits"
    api_basename = "services-field-visit"
    sheet = "走访调研"
    list_view = FieldVisitList
    detail_view = FieldVisitDetail
    fields = {
        "visited_on": "走访日期",
        "leader_name": "带队领导",
        "leader_kind": "领导类型",
        "leader_body": "领导所在单位",
        "host_kind": "走访对象类型",
        "host_organisation": "走访对象",
        "host_name": "走访对象名称",
        "town": "镇街道",
        "purpose": "走访目的",
        "summary": "走访情况",
    }
    cells = {"host_organisation": HostCell, "host_name": NoColumn}
    link = "visited_on"
    columns = (
        "visited_on",
        "leader_name",
        "leader_kind",
        Computed(
            "host_shown",
            label=gettext_lazy("Host"),
            compute=lambda visit: visit.host_organisation or visit.host_name,
        ),
        "host_kind",
        "town",
        Shown("issue_count", label=gettext_lazy("Issues raised"), numeric=True),
        Shown("open_count", label=gettext_lazy("Follow-ups open"), numeric=True),
    )
    facts = tuple(fields)
    filters = ("leader_kind", "host_kind", "town", "visited_on")
    more_filters = {
        "open_follow_ups": YesNoFilter(
            label=gettext_lazy("Follow-ups open"), method=with_open_follow_ups
        )
    }
    search = (
        "leader_name",
        "leader_body",
        "host_name",
        "host_organisation__name",
        "purpose",
        "summary",
    )
    natural_key = ("visited_on", "host_organisation", "host_name")
    preview = ("host_uscc", "host_name")


@register
class VisitIssueType(ServicesRecordType):
    model = models.VisitIssue
    prefix = "visit-issues"
    api_basename = "services-visit-issue"
    parent = "visit"
    segment = "issues"
    menu_label = None  # entered on the visit's page
    fields = {"visit": "走访", "description": "反映问题", "category": "问题类别"}
    link = "description"
    columns = (
        "description",
        "visit",
        "category",
        Shown("follow_up_count", label=gettext_lazy("Follow-ups"), numeric=True),
    )
    filters = ("visit", "category")
    search = ("description", "visit__host_name", "visit__host_organisation__name")

    def queryset(self):
        return super().queryset().annotate(follow_up_count=Count("follow_ups"))


class FollowUpForm(RecordForm):
    """A follow-up's action, owner and due date; it is closed by the step on its page. The
    owner is a staff login (or the one it already has), or a body."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        current = self.instance.owner_id
        owner.queryset = User.objects.filter(
            Q(pk__in=staff_logins().values("pk")) | Q(pk=current or 0)
        ).order_by("username")

    def clean(self):
        cleaned = super().clean()
        named = cleaned.get("owner") or (cleaned.get("owner_body") or "").strip()
        if not named and "owner" not in self.errors:
            self.add_error("owner", _("Name the owner: a staff member or a body."))
        return cleaned


class FollowUpSerializer(record_serializers.RecordSerializer):
    overdue = serializers.SerializerMethodField(help_text="Not closed and past its due date.")

    class Meta(record_serializers.RecordSerializer.Meta):
        read_only_fields = [
            *record_serializers.RecordSerializer.Meta.read_only_fields,
            "closed_on",
            "result",
        ]

    def get_overdue(self, follow_up) -> bool:
        today = self.context.get("today")
        return today is not None and follow_up.is_overdue(today)


class FollowUpViewSet(ServicesViewSet):
    """Closed through ``close`` (``domain.visits.close_follow_up``); ``overdue`` lists the
    caller's follow-ups past their due date."""

    action_verbs = {"close": "view", "overdue": "view"}

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(request=s.CloseFollowUpSerializer)
    @api_action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        follow_up = self.get_object()
        given = s.CloseFollowUpSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        domain_call(
            visits.close_follow_up,
            follow_up,
            request.user,
            result=given.validated_data["result"],
            on=given.validated_data.get("on"),
        )
        return Response(self.get_serializer(follow_up).data)

    @api_action(detail=False, methods=["get"], filter_backends=[])
    def overdue(self, request):
        records = visits.overdue_follow_ups(request.user, timezone.localdate())
        page = self.paginate_queryset(records)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class FollowUpDetail(ServicesDetail):
    def edit_url(self):
        return super().edit_url() if self.object.closed_on is None else ""

    def actions(self):
        record = self.object
        if record.closed_on is None and self.may("change", obj=record):
            url = reverse("services:followup-close", args=[record.pk])
            return [action("close", _("Close the follow-up"), url)]
        return []


OPEN, OVERDUE, CLOSED = "open", "overdue", "closed"


def in_state(queryset, name, value):
    if value == OVERDUE:
        return queryset.overdue(timezone.localdate())
    if value == CLOSED:
        return queryset.filter(closed_on__isnull=False)
    return queryset.open()


class MineFilter(YesNoFilter):
    """The follow-ups the user owns (``?mine=true``), or those of others."""

    def filter(self, queryset, value):
        if value is None:
            return queryset
        request = getattr(self.parent, "request", None)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none() if value else queryset
        return queryset.filter(owner=user) if value else queryset.exclude(owner=user)


@register
class FollowUpType(ServicesRecordType):
    model = models.FollowUp
    prefix = "follow-ups"
    api_basename = "services-follow-up"
    parent = "issue"
    segment = "follow-ups"
    menu_label = ""  # its own list (the open ones first: ``?state=open``)
    form = FollowUpForm
    serializer = FollowUpSerializer
    viewset = FollowUpViewSet
    detail_view = FollowUpDetail

    select_related = ("issue__visit__host_organisation", "issue__visit__town")
    fields = {
        "issue": "反映问题",
        "action": "跟进措施",
        "owner": "责任人",
        "owner_body": "责任单位",
        "due_on": "办结时限",
    }
    link = "action"
    columns = (
        "due_on",
        "action",
        Shown("owner", sort="owner__username"),
        "owner_body",
        Shown("issue__visit", label=gettext_lazy("Field visit"), sort="issue__visit__visited_on"),
        "closed_on",
        FOLLOW_UP_OVERDUE,
    )
    facts = (
        Shown("issue__visit", label=gettext_lazy("Field visit")),
        "issue",
        "action",
        "owner",
        "owner_body",
        "due_on",
        "closed_on",
        "result",
        FOLLOW_UP_OVERDUE,
    )
    filters = ("issue",)
    more_filters = {
        "visit": IdFilter(field_name="issue__visit", widget=forms.HiddenInput),
        "state": django_filters.ChoiceFilter(
            label=gettext_lazy("State"),
            choices=[
                (OPEN, gettext_lazy("Open")),
                (OVERDUE, gettext_lazy("Overdue")),
                (CLOSED, gettext_lazy("Closed")),
            ],
            method=in_state,
        ),
        "town": town_filter("issue__visit__town"),
        "category": django_filters.ChoiceFilter(
            label=gettext_lazy("Category"),
            choices=code_list_choices(CodeList.VISIT_ISSUE_CATEGORY),
            field_name="issue__category__code",
        ),
        "mine": MineFilter(label=gettext_lazy("Mine")),
        "due_before": django_filters.DateFilter(
            label=gettext_lazy("Due before"),
            field_name="due_on",
            lookup_expr="lt",
            widget=DATE_INPUT,
        ),
    }
    search = ("action", "owner_body", "result", "issue__description")

    @cached_property
    def export(self):
        """The follow-ups' report (with the visit, the issue and whether each is overdue)."""
        return exporters.FOLLOW_UPS

    def menu_entry(self, user):
        entry = super().menu_entry(user)
        if entry:
            entry["url"] += f"?state={OPEN}"
        return entry

    @cached_property
    def ViewSet(self):
        """The API, whose ``overdue`` answers a page of follow-ups (documented as the list is)."""
        viewset = super().ViewSet
        extend_schema(responses=self.Serializer(many=True))(viewset.overdue)
        return viewset


# Policies --------------------------------------------------------------------------------------


class PolicyList(RecordListView):
    """With each policy's versions (within the user's scope): how many, the one in force
    today, the state of the one being revised."""

    def annotate(self, queryset):
        today = timezone.localdate()
        versions = models.PolicyVersion.objects.visible_to(self.request.user)
        versions = versions.filter(policy=OuterRef("pk"))
        in_force = versions.in_force(today).order_by("-number").values("number")[:1]
        open_state = versions.filter(state__in=OPEN_VERSION_STATES).values("state")[:1]
        return (
            super()
            .annotate(queryset)
            .annotate(
                version_count=count_of(versions),
                in_force=Subquery(in_force),
                open_state=Subquery(open_state),
            )
        )


class PolicyEdit(RecordEditView):
    """A new policy is created with its first draft (``policies.create_policy``); an edit
    changes the policy's own facts."""

    def save(self, form):
        if form.instance.pk:
            return super().save(form)
        data = form.cleaned_data
        try:
            return policies.create_policy(
                self.request.user,
                title=data["title"],
                domain=data["domain"],
                issuer=data.get("issuer") or "",
                note=data.get("note") or "",
                summary=data.get("summary") or "",
                text=data.get("text") or "",
            )
        except DomainError as error:
            raise as_validation_error(error, form) from None


class PolicyDetail(ServicesDetail):
    """A policy's page: its versions, the one in force today and the one being revised."""

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        self.versions = list(
            self.visible(models.PolicyVersion).filter(policy=record).order_by("-number")
        )
        today = timezone.localdate()
        in_force = self.visible(models.PolicyVersion).in_force(today).filter(policy=record)
        in_force = in_force.first()
        record.in_force_today = in_force
        record.open_version_shown = next((v for v in self.versions if v.is_open), None)
        return record

    def sections(self):
        section = self.related_records(
            capfirst(models.PolicyVersion._meta.verbose_name_plural),
            self.versions,
            VERSION_COLUMNS,
            model=models.PolicyVersion,
        )
        section.key = "policyversion"
        return [section]

    def post_actions(self):
        record = self.object
        if record.open_version_shown is None and may_start_version(self.request.user, record):
            url = reverse("services:policy-new-version", args=[record.pk])
            return [action("new_version", _("Start a new version"), url)]
        return []

    def history_children(self):
        return list(self.object.versions.all())


def in_force(queryset, name, value):
    versions = models.PolicyVersion.objects.in_force(value).filter(policy=OuterRef("pk"))
    return queryset.filter(Exists(versions))


def being_revised(queryset, name, value):
    open_ones = models.PolicyVersion.objects.filter(
        policy=OuterRef("pk"), state__in=OPEN_VERSION_STATES
    )
    return queryset.filter(Exists(open_ones)) if value else queryset.exclude(Exists(open_ones))


class PolicyViewSet(ServicesViewSet):
    """Policies with their versions; a new one through ``create_policy`` (with its first
    draft); a next version through ``new-version``. Not edited or deleted here."""

    http_method_names = ["get", "post", "head", "options"]
    action_verbs = {"new_version": "view"}

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = domain_call(
            policies.create_policy,
            self.request.user,
            title=data.get("title", ""),
            domain=data.get("domain"),
            issuer=data.get("issuer", ""),
            note=data.get("note", ""),
            summary=data.get("summary", ""),
            text=data.get("text", ""),
        )

    @extend_schema(request=None, responses={201: s.PolicyVersionSerializer})
    @api_action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        policy = self.get_object()
        draft = domain_call(policies.new_version, policy, request.user)
        data = s.PolicyVersionSerializer(draft, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


@register
class PolicyType(ServicesRecordType):
    """Policies; their versions move through the revision workflow (``domain/policies.py``,
    hand-wired in ``views.py``, ``views_steps.py`` and ``api.py``)."""

    model = models.Policy
    prefix = "policies"
    api_basename = "services-policy"
    list_view = PolicyList
    detail_view = PolicyDetail
    edit_view = PolicyEdit
    form = PolicyFormBase
    serializer = s.PolicySerializer
    viewset = PolicyViewSet
    fields = {"title": "政策名称", "domain": "领域", "issuer": "发布单位", "note": "备注"}
    columns = (
        "title",
        "domain",
        "issuer",
        Shown("version_count", label=gettext_lazy("Versions"), numeric=True),
        Shown("in_force", label=gettext_lazy("Version in force"), sort="in_force"),
        Labelled("open_state", label=gettext_lazy("Being revised"), labels=VersionState),
    )
    facts = (
        "domain",
        "issuer",
        "note",
        Shown("in_force_today", label=gettext_lazy("Version in force today")),
        Shown("open_version_shown", label=gettext_lazy("Being revised")),
    )
    filters = ("domain",)
    more_filters = {
        "in_force_on": django_filters.DateFilter(
            label=gettext_lazy("In force on"), method=in_force, widget=DATE_INPUT
        ),
        "open_version": YesNoFilter(label=gettext_lazy("Being revised"), method=being_revised),
    }
    search = ("title", "issuer", "note")

    def queryset(self):
        return super().queryset().prefetch_related("versions")

    @cached_property
    def export(self):
        """The policies' report (the version in force, the one being revised and the bodies
        yet to reply)."""
        return exporters.POLICIES


# The area's declared record types, in the order of its menu.
DECLARED = (
    CommissionerType,
    CommissionerMemberType,
    ServiceAssignmentType,
    ActivityType,
    TrainingInstitutionType,
    InstitutionContactType,
    InstitutionVisitType,
    InstitutionCheckType,
    FieldVisitType,
    VisitIssueType,
    FollowUpType,
    PolicyType,
)
