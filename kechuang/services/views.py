"""The services' record page base, and the pages of a policy's versions and their consultation
opinions (moved by the revision workflow, ``domain/policies.py``: their steps are
``views_steps``). Every other record's pages come from its declaration (``record_types.py``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F, Func, IntegerField, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from kechuang.core.domain.errors import DomainError
from kechuang.core.interfaces.display import Shown
from kechuang.core.record_views import RecordDetailView, perm

from . import models
from .domain import policies
from .enums import VersionState

# Shapes ----------------------------------------------------------------------------------------


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
