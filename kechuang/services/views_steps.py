"""Steps taken on a record's page, each through the area's domain functions (atomic,
audited): closing a follow-up or a rectification, recording an institution's admission
checklist in one go, and the policy revision steps (new version, draft edit, consultation,
opinions, adoption, withdrawal). A refusal of the domain comes back on the step's form, in the
user's language; outside the user's scope a record is 404, without the permission 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.domain.errors import DomainError
from kechuang.core.interfaces.display import record_url
from kechuang.core.views import scoped_object_or_404

from . import models
from .domain import policies
from .domain.institutions import close_rectification, record_check
from .domain.visits import close_follow_up
from .enums import VersionState
from .interfaces import forms


class StepView(LoginRequiredMixin, View):
    """GET: the step's form; POST: take the step, then back to the record's page (or where
    ``perform`` leads). ``refusal()`` says why the step is not possible now (shown on the
    record's page instead of the form)."""

    model = None
    permission = ""
    form_class = None
    key = ""
    title: Promise | str = ""
    explanation: Promise | str = ""
    button: Promise | str = ""
    template_name = "services/step.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.record = scoped_object_or_404(request, self.model, kwargs["pk"], self.permission)
        self.check_step()
        refusal = self.refusal()
        if refusal:
            messages.error(request, refusal)
            return redirect(record_url(self.record))
        return super().dispatch(request, *args, **kwargs)

    def check_step(self) -> None:
        """Raise PermissionDenied when the user may see the record but not take the step."""

    def refusal(self) -> str:
        return ""

    def form(self, data=None):
        return self.form_class(data)

    def get(self, request, pk):
        return self.show(self.form())

    def post(self, request, pk):
        form = self.bound_form = self.form(request.POST)
        if form.is_valid():
            try:
                shown, done = self.perform(form.cleaned_data)
            except DomainError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            except ConcurrentEditError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, done)
                return redirect(record_url(shown))
        return self.show(form, status=400)

    def perform(self, data) -> tuple[object, str]:
        raise NotImplementedError

    def show(self, form, status=200):
        context = {
            "form": form,
            "object": self.record,
            "key": self.key,
            "title": self.title,
            "explanation": self.explanation,
            "button": self.button or self.title,
            "back_url": record_url(self.record),
        }
        return render(self.request, self.template_name, context, status=status)


# Follow-ups and rectifications -----------------------------------------------------------------


class CloseFollowUp(StepView):
    model = models.FollowUp
    permission = "services.change_followup"
    form_class = forms.CloseFollowUpForm
    key = "close"
    title = gettext_lazy("Close the follow-up")
    explanation = gettext_lazy(
        "Record what came of the action; a closed follow-up is no longer due."
    )

    def refusal(self):
        if self.record.closed_on is not None:
            return _("This follow-up was already closed on %(date)s.") % {
                "date": self.record.closed_on.isoformat()
            }
        return ""

    def perform(self, data):
        record = close_follow_up(
            self.record, self.request.user, result=data["result"], on=data["closed_on"]
        )
        return record, _("The follow-up was closed.")


class CloseRectification(StepView):
    model = models.InstitutionVisit
    permission = "services.change_institutionvisit"
    form_class = forms.CloseRectificationForm
    key = "close"
    title = gettext_lazy("Close the rectification")

    def refusal(self):
        if not self.record.rectification_required:
            return _("This visit required no rectification.")
        if self.record.rectified_on is not None:
            return _("The rectification was already closed on %(date)s.") % {
                "date": self.record.rectified_on.isoformat()
            }
        return ""

    def perform(self, data):
        record = close_rectification(
            self.record, self.request.user, on=data["rectified_on"], note=data["note"]
        )
        return record, _("The rectification was closed.")


class Checklist(StepView):
    """The institution's result on every active criterion, recorded at once: the changed rows
    are written through ``record_check`` in one transaction (all or none; none when someone
    recorded a criterion since the form was opened)."""

    model = models.TrainingInstitution
    permission = "services.change_traininginstitution"
    form_class = forms.ChecklistForm
    template_name = "services/checklist.html"

    def form(self, data=None):
        return forms.ChecklistForm(data, institution=self.record)

    def perform(self, data):
        user = self.request.user
        changes = self.bound_form.changes()
        with transaction.atomic():
            for criterion, result, note, seen in changes:
                record_check(
                    self.record,
                    criterion,
                    result,
                    user,
                    note=note,
                    checked_on=data["checked_on"],
                    expected_version=seen,
                )
        done = _("%(count)d results of the admission checklist recorded.") % {"count": len(changes)}
        return self.record, done

    def show(self, form, status=200):
        context = {"form": form, "object": self.record}
        return render(self.request, self.template_name, context, status=status)


# Policies --------------------------------------------------------------------------------------


class NewVersion(LoginRequiredMixin, View):
    """POST: start the policy's next version as a draft (``policies.new_version``)."""

    def post(self, request, pk):
        policy = scoped_object_or_404(request, models.Policy, pk, policies.CHANGE_POLICY)
        try:
            draft = policies.new_version(policy, request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(policy.get_absolute_url())
        messages.success(
            request, _("Version %(number)s was started as a draft.") % {"number": draft.number}
        )
        return redirect(draft.get_absolute_url())


class VersionStep(StepView):
    model = models.PolicyVersion
    permission = "services.view_policyversion"
    step_id = ""

    @property
    def step(self):
        return policies.BY_ID[self.step_id]

    @property
    def key(self):
        return self.step_id

    @property
    def title(self):
        return self.step.label

    def check_step(self):
        if not self.request.user.has_perm(self.step.permission, self.record):
            raise PermissionDenied

    def refusal(self):
        if self.record.state not in self.step.from_states:
            return _("This version is now “%(state)s”; “%(action)s” is not possible.") % {
                "state": self.record.get_state_display(),
                "action": self.step.label,
            }
        return ""


class StartConsultation(VersionStep):
    step_id = "start_consultation"
    form_class = forms.ConsultationForm
    explanation = gettext_lazy(
        "The draft goes to the bodies named for their opinions; it can be adopted once each has "
        "replied."
    )

    def perform(self, data):
        version = policies.start_consultation(
            self.record,
            data["bodies"],
            self.request.user,
            on=data["requested_on"],
            comment=data["comment"],
        )
        return version, _("The consultation was started.")


class Adopt(VersionStep):
    step_id = "adopt"
    form_class = forms.AdoptForm
    explanation = gettext_lazy(
        "The version takes effect on the date given; the version in force until then ends the "
        "day before."
    )

    def perform(self, data):
        version = policies.adopt(
            self.record,
            self.request.user,
            data["effective_from"],
            on=data["adopted_on"],
            document_number=data["document_number"],
            comment=data["comment"],
        )
        done = _("Version %(number)s was adopted, in effect from %(date)s.")
        return version, done % {
            "number": version.number,
            "date": version.effective_from.isoformat(),
        }


class Withdraw(VersionStep):
    step_id = "withdraw"
    form_class = forms.WithdrawForm

    def perform(self, data):
        version = policies.withdraw(
            self.record, self.request.user, comment=data["comment"], on=data["on"]
        )
        return version, _("Version %(number)s was withdrawn.") % {"number": version.number}


class EditDraft(StepView):
    """A draft's text (``policies.save_draft``, refused once the draft left the draft state or
    when someone saved it in between)."""

    model = models.PolicyVersion
    permission = policies.CHANGE
    key = "edit"
    title = gettext_lazy("Edit the draft")
    button = gettext_lazy("Save")

    def refusal(self):
        if self.record.state != VersionState.DRAFT:
            return _("Only a draft can be edited; this version is now “%(state)s”.") % {
                "state": self.record.get_state_display()
            }
        return ""

    def form(self, data=None):
        return forms.DraftForm(data, record=self.record)

    def perform(self, data):
        fields = {name: data.get(name) or "" for name in policies.DRAFT_FIELDS}
        version = policies.save_draft(self.record, self.request.user, data["version"], **fields)
        return version, _("Saved.")


class RecordOpinion(StepView):
    model = models.ConsultationOpinion
    permission = "services.view_consultationopinion"
    form_class = forms.OpinionForm
    key = "reply"
    title = gettext_lazy("Record the reply")

    def check_step(self):
        if not self.request.user.has_perm(policies.CHANGE, self.record.policy_version):
            raise PermissionDenied

    def refusal(self):
        if self.record.replied_on is not None:
            return _("%(body)s already replied on %(date)s.") % {
                "body": self.record.body,
                "date": self.record.replied_on.isoformat(),
            }
        if self.record.policy_version.state != VersionState.CONSULTATION:
            return _("Opinions are recorded while the version is in consultation.")
        return ""

    def perform(self, data):
        opinion = policies.record_opinion(
            self.record,
            self.request.user,
            position=data["position"],
            text=data["text"],
            replied_on=data["replied_on"],
        )
        return opinion.policy_version, _("The reply of %(body)s was recorded.") % {
            "body": opinion.body
        }
