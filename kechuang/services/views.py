"""Pages of the services area: tech commissioners (members, assignments, activity logs with
photos), training institutions (contacts, visits, the admission checklist), field visits
(issues, follow-ups) and policies (versions and their consultation). Each kind of record
declares its columns, facts and sections on the shared shapes of
:mod:`kechuang.core.record_views`; writes that are steps of a process go through the area's
domain functions (``views_steps``, ``views_policies``, ``views_mine``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.core import record_views
from kechuang.core.domain.errors import DomainError
from kechuang.core.interfaces.display import Shown
from kechuang.core.record_views import RecordDetailView, RecordEditView, perm

from . import models
from .domain import policies
from .enums import VersionState
from .interfaces import exporters, filters, forms
from .interfaces.shown import Labelled
from .reference import EXPORTS, IMPORTS

# Shapes ----------------------------------------------------------------------------------------


class RecordListView(record_views.RecordListView):
    """A services list: its export (the IO helper's ``EXPORTS``), import and their
    permissions follow from the model's name."""

    def visible(self, model):
        """Records of another kind within the user's scope (what the list's figures count)."""
        return model.objects.visible_to(self.request.user)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.model._meta.model_name
        cls.export = exporters.EXPORTS.get(name)
        cls.export_permission = f"services.export_{name}" if name in EXPORTS else ""
        if name in IMPORTS:
            cls.importer = f"services.{name}"
            cls.import_permission = f"services.import_{name}"


def as_validation_error(error: DomainError, form) -> ValidationError:
    """A refusal of the domain as the form's error (on its field when the form has it)."""
    if error.field and error.field in form.fields:
        return ValidationError({error.field: error.message})
    return ValidationError(error.message)


class DetailView(RecordDetailView):
    """A services record's page (the shared one, with sections of records kept elsewhere)."""

    def may(self, action: str, model=None, obj=None) -> bool:
        return self.request.user.has_perm(perm(action, model or self.model), obj)

    def linked(self, title, records, columns, *, model=None, add_url="", list_url="", key=""):
        section = self.related_records(title, records, columns, model=model)
        section.add_url, section.list_url = add_url, list_url
        section.key = key or (model or records.model)._meta.model_name
        return section


def action(key: str, label, url: str) -> dict:
    return {"key": key, "label": label, "url": url}


def count_of(queryset):
    """The number of rows of a correlated subquery (0 when none), without a join that would
    multiply the list's rows."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# Policies --------------------------------------------------------------------------------------


class PolicyList(RecordListView):
    model = models.Policy
    filterset_class = filters.PolicyFilter
    columns = [
        Shown("title", sort="title", link=True),
        Shown("domain", sort="domain"),
        Shown("issuer", sort="issuer"),
        Shown("version_count", label=gettext_lazy("Versions"), numeric=True),
        Shown("in_force", label=gettext_lazy("Version in force"), sort="in_force"),
        Labelled("open_state", label=gettext_lazy("Being revised"), labels=VersionState),
    ]
    default_sort = "title"

    def annotate(self, queryset):
        today = timezone.localdate()
        versions = self.visible(models.PolicyVersion).filter(policy=OuterRef("pk"))
        in_force = versions.in_force(today).order_by("-number").values("number")[:1]
        open_state = versions.filter(
            state__in=[VersionState.DRAFT, VersionState.CONSULTATION]
        ).values("state")[:1]
        return queryset.annotate(
            version_count=count_of(versions),
            in_force=Subquery(in_force),
            open_state=Subquery(open_state),
        )


class PolicyEdit(RecordEditView):
    """A new policy is created with its first draft (``policies.create_policy``); an edit
    changes the policy's own facts."""

    form_class = forms.PolicyForm

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


VERSION_COLUMNS = [
    Shown("number", link=True),
    Shown("title"),
    Shown("state"),
    Shown("effective_from"),
    Shown("effective_to"),
    Shown("adopted_on"),
    Shown("document_number"),
]


def may_start_version(user, policy) -> bool:
    return user.has_perm(policies.ADD) and user.has_perm(policies.CHANGE_POLICY, policy)


class PolicyDetail(DetailView):
    model = models.Policy
    facts = [
        Shown("domain"),
        Shown("issuer"),
        Shown("note"),
        Shown("in_force_today", label=gettext_lazy("Version in force today")),
        Shown("open_version_shown", label=gettext_lazy("Being revised")),
    ]

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


class PolicyVersionDetail(DetailView):
    model = models.PolicyVersion
    parent = "policy"
    template_name = "services/policyversion_detail.html"
    related = ("policy",)
    facts = [
        Shown("policy"),
        Shown("number"),
        Shown("state"),
        Shown("summary"),
        Shown("effective_from"),
        Shown("effective_to"),
        Shown("adopted_on"),
        Shown("document_number"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        opinions = list(
            self.visible(models.ConsultationOpinion)
            .filter(policy_version=record)
            .select_related("organisation")
        )
        replies = record.state == VersionState.CONSULTATION and self.may("change", obj=record)
        for opinion in opinions:
            opinion.reply_url = (
                reverse("services:consultationopinion-reply", args=[opinion.pk])
                if replies and opinion.outstanding
                else ""
            )
        context["opinions"] = opinions
        context["outstanding"] = [o.body for o in opinions if o.outstanding]
        return context

    def edit_url(self):
        record = self.object
        if record.state == VersionState.DRAFT and self.may("change", obj=record):
            return reverse("services:policyversion-edit", args=[record.pk])
        return ""

    def actions(self):
        record = self.object
        return [
            action(
                step.id, step.label, reverse(f"services:policyversion-{step.id}", args=[record.pk])
            )
            for step in policies.available(record, self.request.user)
        ]

    def post_actions(self):
        record = self.object
        if record.state != VersionState.ADOPTED or record.policy.open_version is not None:
            return []
        if not may_start_version(self.request.user, record.policy):
            return []
        url = reverse("services:policy-new-version", args=[record.policy_id])
        return [action("new_version", _("Start a new version"), url)]

    def history_children(self):
        return list(self.object.opinions.all())


class ConsultationOpinionDetail(DetailView):
    model = models.ConsultationOpinion
    parent = "policy_version"
    related = ("policy_version__policy", "organisation")
    facts = [
        Shown("policy_version"),
        Shown("body"),
        Shown("organisation"),
        Shown("requested_on"),
        Shown("replied_on"),
        Shown("position"),
        Shown("opinion"),
    ]

    def edit_url(self):
        return ""

    def actions(self):
        record = self.object
        if (
            record.outstanding
            and record.policy_version.state == VersionState.CONSULTATION
            and self.may("change", models.PolicyVersion, record.policy_version)
        ):
            url = reverse("services:consultationopinion-reply", args=[record.pk])
            return [action("reply", _("Record the reply"), url)]
        return []
