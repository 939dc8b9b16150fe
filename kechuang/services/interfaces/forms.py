"""Forms of the services pages. Organisations are typed as their credit code or exact name (the
registry's record field); code-list selects offer the active items (and the item a record already
has); dates are date pickers; records that carry a version carry it in the form, so a stale edit
is refused. Workflow steps (policy versions, follow-ups, rectifications) have forms of their
own whose values go to the domain functions, never straight onto the record."""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kechuang.accounts.enums import RoleCode, UserKind
from kechuang.accounts.models import User
from kechuang.core.interfaces.forms import StyledFormMixin
from kechuang.registry.interfaces import record_forms
from kechuang.registry.interfaces.record_forms import record_formfield
from kechuang.registry.models import Organisation, Person

from .. import models
from ..domain.institutions import checklist
from ..domain.policies import DRAFT_FIELDS
from ..enums import CheckResult, CommissionerKind, OpinionPosition, PolicyDomain


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def commissioner_logins():
    """Logins that may stand for a commissioner: active users holding the commissioner role."""
    return (
        User.objects.filter(is_active=True, roles__code=RoleCode.COMMISSIONER)
        .distinct()
        .order_by("username")
    )


def staff_logins():
    """Logins that may own a follow-up: active bureau or town staff."""
    return User.objects.filter(is_active=True, kind=UserKind.STAFF).order_by("username")


class RecordForm(record_forms.RecordForm):
    """A services record's form: the registry's record form, with every organisation field
    scoped (the organisations the user sees, or the one the record already names) and the
    active code-list items offered (and the item a record already has). ``town_fields`` offer
    the towns the user reaches (and must be given by a user who does not reach them all). The
    model's own ``clean()`` rules come back as the form's errors (a ModelForm validates the
    instance)."""

    owner_fields = record_forms.ALL_ORGANISATIONS
    active_code_items = True

    class Meta:
        formfield_callback = record_formfield


class ChildForm(record_forms.ChildMixin, RecordForm):
    """A record entered on its parent's page; ``parent`` names the foreign key to the parent
    (the view sets it; it is not in the form but takes part in the unique checks)."""


# Tech commissioners ----------------------------------------------------------------------------


# The forms' behaviour; their fields are their record type's (``record_types.py``).


class CommissionerFormBase(RecordForm):
    """A commissioner: the registry people the user sees, the logins with the commissioner
    role."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        person.queryset = Person.objects.visible_to(self.user).order_by("name", "pk")
        person.help_text = _("Only for an individual commissioner.")
        self.fields["organisation"].help_text = _(
            "Only for a legal-entity commissioner: its unified social credit code or exact name."
        )
        login = self.fields["user"]
        login.queryset = commissioner_logins()
        login.help_text = _("The login (role: tech commissioner) that logs the activities.")


class CommissionerMemberFormBase(RecordForm):
    """A team's member: the registry people the user sees, the logins with the commissioner
    role; only a team has members."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(self.user).order_by("name")
        login = self.fields["user"]
        login.queryset = commissioner_logins()
        login.help_text = _("A member with a login logs the team's activities.")

    def clean(self):
        cleaned = super().clean()
        commissioner = self.instance.commissioner if self.instance.commissioner_id else None
        if commissioner is not None and commissioner.kind != CommissionerKind.TEAM:
            self.add_error(None, _("Only a commissioner team has members."))
        return cleaned


class ActivityFormBase(RecordForm):
    """An activity of a commissioner the user may write for: bureau staff choose among the
    commissioners in their scope, a commissioner's login among those it acts for; the
    assignment must be one of the chosen commissioner's. Saved through the domain
    (``log_activity`` / ``update_activity``)."""

    def __init__(self, *args, commissioners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if commissioners is None:
            commissioners = writable_commissioners(self.user)
        self.commissioners = commissioners
        if "commissioner" in self.fields:
            self.fields["commissioner"].queryset = commissioners.order_by("name", "pk")
        assignment = self.fields["assignment"]
        assignment.queryset = (
            models.ServiceAssignment.objects.visible_to(self.user)
            .filter(commissioner__in=commissioners.values("pk"))
            .select_related("commissioner", "town")
            .order_by("commissioner__name", "-started_on", "pk")
        )
        assignment.help_text = _("The assignment the activity belongs to, if any.")
        self.fields["town"].required = False
        self.fields["town"].help_text = _("Left empty, the assignment's town.")

    def chosen_commissioner(self, cleaned):
        return cleaned.get("commissioner")

    def clean(self):
        cleaned = super().clean()
        commissioner = self.chosen_commissioner(cleaned)
        assignment = cleaned.get("assignment")
        if assignment and commissioner and assignment.commissioner_id != commissioner.pk:
            self.add_error("assignment", _("The assignment belongs to another commissioner."))
        if not cleaned.get("town") and not assignment and "town" not in self.errors:
            self.add_error("town", _("Give the town, or the assignment it belongs to."))
        return cleaned


class MyActivityMixin:
    """An activity logged by a commissioner's own login: the commissioner is theirs (chosen
    only when the login acts for several, e.g. its own and a team's). Before the activity's
    form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if len(self.commissioners) == 1:
            del self.fields["commissioner"]
            self.fixed = self.commissioners[0]
        else:
            self.fixed = None

    def chosen_commissioner(self, cleaned):
        return self.fixed or cleaned.get("commissioner")

    def _post_clean(self):
        if self.fixed is not None:
            self.instance.commissioner = self.fixed
        super()._post_clean()


def writable_commissioners(user):
    """The commissioners ``user`` may log activities for: those within scope for whoever may
    change commissioners (bureau staff), else those the login acts for."""
    if user is not None and user.has_perm("services.change_commissioner"):
        return models.Commissioner.objects.visible_to(user)
    return models.Commissioner.objects.acting_for(user)


# Training institutions -------------------------------------------------------------------------


class CloseRectificationForm(StyledFormMixin, forms.Form):
    rectified_on = forms.DateField(label=_("Rectified on"), widget=date_input())
    note = forms.CharField(
        label=_("Closure note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rectified_on"].initial = timezone.localdate()


class ChecklistForm(StyledFormMixin, forms.Form):
    """The whole admission checklist of an institution at once: a result and a note per active
    criterion. A criterion left without a result stays unchecked; a result once given can be
    changed but not removed."""

    checked_on = forms.DateField(label=_("Checked on"), widget=date_input())

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution = institution
        self.rows = checklist(institution)
        self.fields["checked_on"].initial = timezone.localdate()
        for row in self.rows:
            code = row.criterion.code
            choices = list(CheckResult.choices)
            if row.check is None:
                choices = [("", _("Not checked yet")), *choices]
            self.fields[f"result_{code}"] = forms.ChoiceField(
                label=str(row.criterion),
                choices=choices,
                required=row.check is not None,
                initial=row.result or "",
            )
            self.fields[f"note_{code}"] = forms.CharField(
                label=_("Note"),
                required=False,
                initial=row.check.note if row.check else "",
                widget=forms.TextInput,
            )
            # The version of the check the user saw (0: none yet): a check recorded or changed
            # by someone else in between refuses the whole checklist.
            self.fields[f"version_{code}"] = forms.IntegerField(
                initial=row.check.version if row.check else 0,
                min_value=0,
                widget=forms.HiddenInput,
            )

    def lines(self):
        """(row, result field, note field, version field) for the template."""
        return [
            (
                row,
                self[f"result_{row.criterion.code}"],
                self[f"note_{row.criterion.code}"],
                self[f"version_{row.criterion.code}"],
            )
            for row in self.rows
        ]

    def changes(self) -> list[tuple]:
        """(criterion, result, note, the version seen) of the rows whose result or note
        changed."""
        found = []
        for row in self.rows:
            code = row.criterion.code
            result = self.cleaned_data.get(f"result_{code}") or ""
            note = (self.cleaned_data.get(f"note_{code}") or "").strip()
            if not result:
                continue
            if row.check is None or row.check.result != result or row.check.note != note:
                found.append((row.criterion, result, note, self.cleaned_data[f"version_{code}"]))
        return found

    def clean_checked_on(self):
        day = self.cleaned_data["checked_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class CloseFollowUpForm(StyledFormMixin, forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=date_input())
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()


# Policies --------------------------------------------------------------------------------------


class PolicyFormBase(RecordForm):
    """A policy's facts; a new policy also gives its first draft's summary and text (created
    through ``domain.policies.create_policy``)."""

    summary = forms.CharField(
        label=_("Summary of the first draft"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    text = forms.CharField(
        label=_("Text of the first draft"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].initial = PolicyDomain.OTHER
        if self.instance.pk:
            del self.fields["summary"]
            del self.fields["text"]


class DraftForm(StyledFormMixin, forms.Form):
    """A draft version's text (saved through ``domain.policies.save_draft``)."""

    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, record, **kwargs):
        initial = {name: getattr(record, name) for name in DRAFT_FIELDS}
        initial["version"] = record.version
        super().__init__(*args, initial=initial, **kwargs)


class ConsultationForm(StyledFormMixin, forms.Form):
    """The bodies a draft goes to for their opinions, one per line: a registry organisation's
    credit code or exact name links it; any other name is kept as written."""

    bodies = forms.CharField(
        label=_("Bodies consulted"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One per line. A registry organisation may be named by its unified social credit "
            "code or exact name; other bodies by their name."
        ),
    )
    requested_on = forms.DateField(label=_("Requested on"), widget=date_input())
    comment = forms.CharField(label=_("Comment"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_on"].initial = timezone.localdate()

    def clean_bodies(self):
        lines = [line.strip() for line in self.cleaned_data["bodies"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Name at least one body to consult."))
        found = {}
        for org in Organisation.objects.filter(Q(uscc__in=lines) | Q(name__in=lines)):
            for key in (org.uscc, org.name):
                if key:
                    found.setdefault(key, []).append(org)
        bodies = []
        for line in lines:
            matches = {org.pk: org for org in found.get(line, [])}
            bodies.append(next(iter(matches.values())) if len(matches) == 1 else line)
        return bodies


class OpinionForm(StyledFormMixin, forms.Form):
    position = forms.ChoiceField(label=_("Position"), choices=OpinionPosition.choices)
    text = forms.CharField(
        label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    replied_on = forms.DateField(label=_("Replied on"), widget=date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replied_on"].initial = timezone.localdate()


class AdoptForm(StyledFormMixin, forms.Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=date_input())
    adopted_on = forms.DateField(label=_("Adopted on"), widget=date_input())
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=100)
    comment = forms.CharField(label=_("Comment"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["adopted_on"].initial = today
        self.fields["effective_from"].initial = today + dt.timedelta(days=1)


class WithdrawForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("Withdrawn on"), widget=date_input())
    comment = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
