"""The services record types declared once (``kechuang.registry.record_types``): their list,
detail page, form, filters, Excel template, export and import, API and menu entry all come from
these declarations. Policies, their versions and consultation opinions move through their
workflow (``domain/policies.py``) and stay hand-wired (``views.py``, ``api.py``).

What the area adds to a declaration (``ServicesRecordType``): the services' record form (every
organisation field scoped, the active code-list items offered), the services' record page, and
an API whose actions (closing a rectification or a follow-up) name the permission they need.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action as api_action
from rest_framework.response import Response

from kechuang.core.interfaces import record_serializers
from kechuang.core.interfaces.display import Shown
from kechuang.core.interfaces.filters import YesNoFilter
from kechuang.core.record_views import RecordListView, perm
from kechuang.core.views import scoped_object_or_404
from kechuang.registry.domain.uscc import normalise_uscc
from kechuang.registry.interfaces.filters import town as town_filter
from kechuang.registry.record_types import (
    DeclaredImporter,
    DeclaredViewSet,
    RecordType,
    TextCell,
    register,
)

from . import models
from .api import ServicesMixin, domain_call
from .domain import institutions
from .domain.institutions import checklist, status_of
from .enums import AdmissionStatus
from .interfaces import serializers as s
from .interfaces.forms import RecordForm
from .interfaces.shown import Labelled
from .views import DetailView, action
from .views_export import may_export_contacts

# The area's bases ------------------------------------------------------------------------------


class ServicesViewSet(ServicesMixin, DeclaredViewSet):
    """A declared services record's API: an action names the permission it needs
    (``action_verbs``; the domain step then checks its own)."""


class ServicesDetail(DetailView):
    """A services record's page. ``own_sections`` names the child kinds (by model name) this
    page shows its own way instead of as a section (their history still shows here)."""

    own_sections: tuple[str, ...] = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = [s for s in context["sections"] if s.key not in self.own_sections]
        return context


class ServicesRecordType(RecordType):
    form = RecordForm
    detail_view = ServicesDetail
    viewset = ServicesViewSet


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
        if action == "import":
            return ""  # entered on the institution's page
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


# The area's declared record types, in the order of its menu.
DECLARED = (
    TrainingInstitutionType,
    InstitutionContactType,
    InstitutionVisitType,
    InstitutionCheckType,
)
