"""The plan-project record types declared once (``kechuang.registry.record_types``): the expert
pool (专家库). Its list, form, filters, Excel template, export and import, API and addresses
come from the declaration; what is the pool's own is kept by its bases:

- an expert's organisation and declared related organisations are named by their unified
  social credit code (the form, the API) — an expert is never attached to an organisation
  typed by name on a page — and may be any registered organisation in the import and the API;
- the expert's login (an expert's account, linked to one expert only), so that they see their
  assignments;
- the technical fields are the leaves of the code list (the page's filter also takes a broad
  area, for its fields); the declared related organisations are avoided in assignments
  (``domain/conflicts.py``), and an import leaves them as they are when its file has no such
  column;
- the list is titled the expert pool, as the menu names it; the expert's page shows their load
  per call and their assignments.
"""

from __future__ import annotations

from functools import cached_property

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers

from kechuang.accounts.enums import UserKind
from kechuang.accounts.scope import restrict
from kechuang.core.api import ScopedModelViewSet
from kechuang.core.domain.choices import code_list_choices
from kechuang.core.domain.imports import RowError
from kechuang.core.enums import CodeList
from kechuang.core.interfaces.record_serializers import RecordSerializer
from kechuang.core.models import CodeItem
from kechuang.core.record_views import RecordDetailView, RecordListView
from kechuang.registry.api import VersionedMixin
from kechuang.registry.domain.uscc import normalise_uscc
from kechuang.registry.interfaces.record_forms import RecordForm
from kechuang.registry.interfaces.serializers import CodeField
from kechuang.registry.record_types import (
    LIST_SEPARATOR,
    CodeItemsCell,
    DeclaredImporter,
    OrganisationCell,
    RecordType,
    register,
)

from . import models
from .api import (
    WORKBOOK,
    ActionRulesPermission,
    ProjectMixin,
    export_action,
    filtered_workbook,
)
from .interfaces.review_forms import CreditCodeField, CreditCodesField, tech_field_items
from .interfaces.review_forms import _shown as shown
from .interfaces.serializers import TECH_FIELDS, by_uscc
from .reference import ASSIGN
from .views.assignments import with_review_state

# Cells -----------------------------------------------------------------------------------------


class TechFieldsCell(CodeItemsCell):
    """An expert's technical fields: leaves of the code list (not the broad areas) by code or
    name, separated by 、 or a comma; written as their names in order."""

    limit = {"parent__isnull": False}
    unknown = gettext_lazy("Unknown technical field “%(value)s”.")

    def write(self, record):
        names = sorted(item.name for item in getattr(record, self.name).all())
        return {self.name: LIST_SEPARATOR.join(names)}


class NamedOrganisationCell(OrganisationCell):
    """An organisation the record only names: any registered one (an expert's employer)."""

    def prepare(self, importer, cells):
        self.index = importer.organisations(cells, self.name)


# The expert pool -------------------------------------------------------------------------------


class ExpertImporter(DeclaredImporter):
    """The declared related organisations are replaced only when the file has their column;
    the expert's own organisation is never among them."""

    def read(self, row):
        values = super().read(row)
        if "declared_organisations" not in self.positions:
            del values["declared_organisations"]
        elif values["organisation_id"] in values["declared_organisations"]:
            raise RowError(
                row.header("declared_organisations"),
                _("The expert's own organisation need not be declared: it is always avoided."),
            )
        return values


class ExpertFormBase(RecordForm):
    """Organisations by credit code; the technical fields grouped by their broad area; the
    expert's login."""

    organisation = CreditCodeField(label=gettext_lazy("Organisation"))
    declared_organisations = CreditCodesField(
        label=gettext_lazy("Declared related organisations"),
        required=False,
        help_text=gettext_lazy(
            "One unified social credit code per line: organisations the expert has a relation "
            "with (former employer, shareholding, family). They never review these "
            "organisations' applications."
        ),
    )
    login = forms.CharField(
        label=gettext_lazy("Login (user name)"),
        required=False,
        max_length=150,
        help_text=gettext_lazy(
            "The expert's account, so that they see their assignments. Optional."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        expert = self.instance
        items, groups = tech_field_items()
        field = self.fields["fields"]
        field.queryset = CodeItem.objects.filter(pk__in=[i.pk for i in items])
        field.widget.choices = groups
        field.widget.attrs["size"] = min(12, len(items) + len(groups))
        field.help_text = _(
            "Hold Ctrl (⌘ on a Mac) to choose several. Experts are matched with applications "
            "on these fields."
        )
        if expert.pk:
            if expert.organisation_id:
                self.fields["organisation"].keep = {shown(expert.organisation): expert.organisation}
            declared = list(expert.declared_organisations.all())
            self.fields["declared_organisations"].keep = {shown(o): o for o in declared}
            self.initial["declared_organisations"] = declared
            if expert.user_id:
                self.initial["login"] = expert.user.get_username()

    def clean_login(self):
        username = (self.cleaned_data.get("login") or "").strip()
        if not username:
            return None
        account = get_user_model().objects.filter(username=username).first()
        if account is None:
            raise forms.ValidationError(
                _("No account has the user name “%(name)s”."), params={"name": username}
            )
        if account.kind != UserKind.EXPERT:
            raise forms.ValidationError(
                _("“%(name)s” is not an expert's account."), params={"name": username}
            )
        other = models.Expert.objects.filter(user=account).exclude(pk=self.instance.pk).first()
        if other is not None:
            raise forms.ValidationError(
                _("The account “%(name)s” belongs to the expert %(expert)s already."),
                params={"name": username, "expert": other.name},
            )
        return account

    def save(self, commit=True):
        self.instance.user = self.cleaned_data.get("login")
        return super().save(commit)


class ExpertListBase(RecordListView):
    """The pool's list, titled as its menu entry names it."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = capfirst(self.record_type.menu_label)
        return context


class ExpertDetailBase(RecordDetailView):
    """An expert's page: their facts, their load per call and their assignments (within the
    applications the user sees)."""

    template_name = "projects/expert_detail.html"

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("fields__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        expert, user = self.object, self.request.user
        applications = restrict(models.Application.objects.all(), user)
        assignments = (
            models.Assignment.objects.filter(expert=expert, application__in=applications)
            .select_related("application__undertaker", "phase__call", "review")
            .order_by("-phase__call__year", "-phase__call_id", "phase__sort", "id")[:200]
        )
        loads = (
            models.Assignment.objects.filter(expert=expert, declared_conflict=False)
            .values("phase__call_id", "phase__call__name", "phase__call__year")
            .annotate(n=Count("application_id", distinct=True))
            .order_by("-phase__call__year", "-phase__call_id")
        )
        context.update(
            assignments=[with_review_state(a) for a in assignments],
            loads=[
                {
                    "call": row["phase__call__name"],
                    "year": row["phase__call__year"],
                    "count": row["n"],
                    "remaining": max(expert.capacity - row["n"], 0),
                }
                for row in loads
            ],
            can_assign=user.has_perm(ASSIGN),
        )
        return context


class ExpertSerializerBase(RecordSerializer):
    """Organisations by credit code (any registered one), the technical fields by their code,
    and only an expert's login linked."""

    organisation = by_uscc()
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    declared_organisations = by_uscc(many=True, required=False)

    class Meta(RecordSerializer.Meta):
        read_only_fields = ["created_by", "is_demo", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        fields["fields"] = CodeField(
            CodeList.TECH_FIELD, queryset=TECH_FIELDS, many=True, required=False
        )
        return fields

    def validate_user(self, user):
        if user is not None and user.kind != UserKind.EXPERT:
            raise serializers.ValidationError(_("Only an expert's login can be linked."))
        return user


@extend_schema_view(
    export=extend_schema(
        summary="The filtered expert pool as an Excel workbook (the import template's columns)",
        responses={200: WORKBOOK},
    )
)
class ExpertViewSetBase(ProjectMixin, VersionedMixin, ScopedModelViewSet):
    """The pool's API: the organisations it names may be any (``unscoped_references``); the
    export of exactly the filtered list needs the export permission."""

    permission_classes = [permissions.IsAuthenticated, ActionRulesPermission]
    unscoped_references = ("organisation", "declared_organisations")
    ordering_fields = ["name", "capacity", "created_at"]
    action_verbs = {"export": "export"}

    @export_action
    def export(self, request):
        return filtered_workbook(self, ExpertType.instance.export, _("Expert pool export"))


def in_field(queryset, name, value):
    """Experts of a technical field, or of any field of a broad area."""
    items = CodeItem.objects.of(CodeList.TECH_FIELD).filter(Q(code=value) | Q(parent__code=value))
    through = models.Expert.fields.through.objects.filter(codeitem__in=items)
    return queryset.filter(pk__in=through.values("expert_id"))


def of_organisation(queryset, name, value):
    """Experts of an organisation given by its credit code or a part of its name (the page), or
    by its id (the API: a number shorter than a credit code)."""
    value = value.strip()
    if not value:
        return queryset
    if value.isdigit() and len(value) < 18:
        return queryset.filter(organisation_id=int(value))
    uscc = normalise_uscc(value)
    return queryset.filter(Q(organisation__uscc=uscc) | Q(organisation__name__ilike_contains=value))


@register
class ExpertType(RecordType):
    model = models.Expert
    prefix = "experts"
    sheet = "专家库"
    menu_label = gettext_lazy("Expert pool")
    fields = {
        "name": "姓名",
        "organisation": "工作单位",
        "title": "职称",
        "fields": "专业领域",
        "phone": "手机",
        "email": "电子邮箱",
        "capacity": "每批次评审上限",
        "available": "是否可用",
        "declared_organisations": "申明回避单位",
    }
    cells = {
        "organisation": NamedOrganisationCell,
        "fields": TechFieldsCell,
    }
    optional = ("fields",)
    link = "name"
    columns = ("name", "organisation", "title", "fields", "available", "capacity")
    facts = ("name",)  # the page shows the expert its own way (``ExpertDetailBase``)
    filters = ("title", "available")
    more_filters = {
        "organisation": django_filters.CharFilter(
            label=gettext_lazy("Organisation (credit code or name)"), method=of_organisation
        ),
        "field": django_filters.ChoiceFilter(
            label=gettext_lazy("Technical field"),
            choices=code_list_choices(CodeList.TECH_FIELD),
            method=in_field,
        ),
        # The API's earlier name of ``field``.
        "tech_field": django_filters.CharFilter(method=in_field, widget=forms.HiddenInput),
    }
    search = ("name", "phone", "email", "organisation__name", "organisation__uscc")
    natural_key = ("organisation", "name")
    preview = ("organisation_uscc", "name")
    select_related = ("user",)
    list_view = ExpertListBase
    detail_view = ExpertDetailBase
    form = ExpertFormBase
    importer = ExpertImporter
    serializer = ExpertSerializerBase
    viewset = ExpertViewSetBase

    @cached_property
    def ViewSet(self):
        viewset = super().ViewSet
        viewset.scoped_relations = ()  # the organisations it names may be any
        return viewset
