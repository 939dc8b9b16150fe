"""The lifecycle steps of an R&D institution's certification, from its page: upgrade, rename,
merge, revoke. Each is a form whose step is ``domain.rd``'s (atomic, audited, refusing a record
that has ended); whoever may change the record (within their scope: 404 outside it, 403 without
the permission) may take them."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kechuang.core.views import scoped_object_or_404

from .domain import rd
from .interfaces import rd_forms
from .models import RDInstitution

CHANGE = "platforms.change_rdinstitution"


@dataclass(frozen=True)
class Step:
    form_class: type
    label: Promise
    title: Promise
    explanation: Promise


STEPS = {
    "upgrade": Step(
        rd_forms.UpgradeForm,
        gettext_lazy("Upgrade"),
        gettext_lazy("Upgrade the certification"),
        gettext_lazy(
            "The certification ends on the date as upgraded, and a new certification at the "
            "higher level starts on it."
        ),
    ),
    "rename": Step(
        rd_forms.RenameForm,
        gettext_lazy("Rename"),
        gettext_lazy("Rename the institution"),
        gettext_lazy("The certification stays in force under its new name from the date."),
    ),
    "merge": Step(
        rd_forms.MergeForm,
        gettext_lazy("Merge"),
        gettext_lazy("Merge into another certification"),
        gettext_lazy(
            "The certification ends on the date, merged into the other one, which stays in force."
        ),
    ),
    "revoke": Step(
        rd_forms.RevokeForm,
        gettext_lazy("Revoke"),
        gettext_lazy("Revoke the certification"),
        gettext_lazy("The certification is no longer in force from the date."),
    ),
}
LABELS = {key: step.label for key, step in STEPS.items()}


def perform(key: str, record: RDInstitution, data: dict, user) -> tuple[RDInstitution, str]:
    """Take the step; returns the record to show next and the message saying what was done."""
    on = data["on"]
    if key == "upgrade":
        new = rd.upgrade(
            record,
            data["level"],
            data["year"],
            on,
            data["document_number"],
            user,
            name=data["name"],
            batch=data["batch"],
        )
        done = _("Upgraded: “%(name)s” is certified as %(level)s from %(date)s.")
        return new, done % {"name": new.name, "level": new.level, "date": on.isoformat()}
    if key == "rename":
        rd.rename(record, data["name"], on, user)
        done = _("Renamed to “%(name)s” from %(date)s.")
        return record, done % {"name": record.name, "date": on.isoformat()}
    if key == "merge":
        rd.merge(record, data["into"], on, user)
        done = _("“%(name)s” was merged into “%(into)s” on %(date)s.")
        return record, done % {
            "name": record.name,
            "into": data["into"].name,
            "date": on.isoformat(),
        }
    rd.revoke(record, on, data["reason"], user)
    done = _("The certification of “%(name)s” was revoked on %(date)s.")
    return record, done % {"name": record.name, "date": on.isoformat()}


class RDStepView(LoginRequiredMixin, View):
    """GET: the step's form; POST: take it (a refusal of the domain comes back as the form's
    error), then the record's page (the new record's, after an upgrade)."""

    key = ""
    template_name = "platforms/rd_step.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.record = scoped_object_or_404(request, RDInstitution, kwargs["pk"], CHANGE)
        try:
            rd.ensure_in_force(self.record)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.record.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    @property
    def step(self) -> Step:
        return STEPS[self.key]

    def form(self, data=None):
        extra = {"search": self.request.GET.get("q", "")} if self.key == "merge" else {}
        return self.step.form_class(data, record=self.record, user=self.request.user, **extra)

    def get(self, request, pk):
        return self.show(self.form())

    def post(self, request, pk):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                shown, done = perform(self.key, self.record, form.cleaned_data, request.user)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, done)
                return redirect(shown.get_absolute_url())
        return self.show(form, status=400)

    def show(self, form, status=200):
        context = {
            "form": form,
            "object": self.record,
            "step": self.step,
            "key": self.key,
            "search": self.request.GET.get("q", ""),
        }
        return render(self.request, self.template_name, context, status=status)
