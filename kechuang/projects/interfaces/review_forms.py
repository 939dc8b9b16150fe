"""Forms and filters of the expert pool, the expert's review form and conflict declaration, and
the acceptance meetings.

Organisations are named by their unified social credit code (统一社会信用代码): a code that is
malformed says what is wrong with it, one that no registered organisation has is refused — an
expert or an agency is never attached to an organisation typed by name.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.enums import CodeList
from kechuang.core.interfaces.filters import YearFilter
from kechuang.core.interfaces.forms import StyledFormMixin
from kechuang.core.models import CodeItem
from kechuang.registry.domain.uscc import normalise_uscc, validate_uscc
from kechuang.registry.models import Organisation

from ..enums import Conclusion, PanelRole
from ..enums import State as S
from ..models import AcceptanceMeeting, Application, Expert, MeetingSession
from . import api_filters

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


# Organisations by credit code -------------------------------------------------------------------


def _shown(organisation: Organisation) -> str:
    return organisation.uscc or organisation.name


class CreditCodeField(forms.CharField):
    """One organisation of ``queryset``, typed as its unified social credit code.

    ``keep`` holds the organisations the record refers to already: an organisation registered
    without a code shows by its name, and that name keeps it."""

    default_error_messages = {
        "unknown": _(
            "No registered organisation has the unified social credit code “%(code)s”. Check "
            "the code, or register the organisation first."
        ),
    }

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("help_text", _("The organisation's unified social credit code."))
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Organisation.objects.all()
        self.keep: dict[str, Organisation] = {}

    def prepare_value(self, value):
        if isinstance(value, int):
            value = Organisation.objects.filter(pk=value).first()
        if isinstance(value, Organisation):
            return _shown(value)
        return value or ""

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        if text in self.keep:
            return self.keep[text]
        return find_by_code(self.queryset, text, self.error_messages["unknown"])

    def has_changed(self, initial, data):
        return self.prepare_value(initial) != (data or "").strip()


def find_by_code(queryset, text: str, unknown_message) -> Organisation:
    code = normalise_uscc(text)
    validate_uscc(code)  # says what is wrong with a malformed code
    organisation = queryset.filter(uscc=code).first()
    if organisation is None:
        raise forms.ValidationError(unknown_message, code="unknown", params={"code": code})
    return organisation


class CreditCodesField(forms.Field):
    """Organisations typed one per line by unified social credit code; every line that names
    none is reported."""

    widget = forms.Textarea(attrs={"rows": 3})
    default_error_messages = CreditCodeField.default_error_messages

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("help_text", _("One unified social credit code per line."))
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Organisation.objects.all()
        self.keep: dict[str, Organisation] = {}

    def prepare_value(self, value):
        if not value:
            return ""
        if isinstance(value, str):
            return value
        return "\n".join(_shown(org) for org in value)

    def clean(self, value):
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if not lines and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        found, problems = [], []
        for number, line in enumerate(lines, start=1):
            if line in self.keep:
                found.append(self.keep[line])
                continue
            try:
                found.append(find_by_code(self.queryset, line, self.error_messages["unknown"]))
            except forms.ValidationError as error:
                problems.extend(
                    _("Line %(line)s: %(error)s") % {"line": number, "error": message}
                    for message in error.messages
                )
        if problems:
            raise forms.ValidationError(problems)
        return list({org.pk: org for org in found}.values())

    def has_changed(self, initial, data):
        return self.prepare_value(initial) != (data or "").strip()


# The expert pool ------------------------------------------------------------------------------


def tech_field_items():
    """The technical fields experts and applications are matched on (the leaves of the code
    list), and the same as select options grouped by their broad area."""
    items = list(
        CodeItem.objects.of(CodeList.TECH_FIELD)
        .filter(parent__isnull=False)
        .select_related("parent")
        .order_by("parent__sort", "parent__code", "sort", "code")
    )
    groups: dict = {}
    for item in items:
        groups.setdefault(str(item.parent), []).append((item.pk, str(item)))
    return items, list(groups.items())


# Reviews -------------------------------------------------------------------------------------


class ReviewForm(StyledFormMixin, forms.Form):
    """A value per criterion of the call and the opinion. The ranges are the domain's to judge
    (``reviews.save_review``); the inputs only hint at them."""

    opinion = forms.CharField(
        label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, criteria, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        values = {}
        if review is not None:
            values = {s.criterion_id: s.value for s in review.scores.all()}
            self.fields["opinion"].initial = review.opinion
        # A form opened before any review was saved names version 0: a save made meanwhile
        # from another window is then a concurrent edit, not silently overwritten.
        self.fields["version"].initial = review.version if review is not None else 0
        fields = {}
        for criterion in self.criteria:
            fields[self.key(criterion)] = forms.DecimalField(
                label=criterion.name,
                required=False,
                max_digits=8,
                decimal_places=2,
                initial=values.get(criterion.pk),
                help_text=_("Weight %(weight)s; from 0 to %(max)s.")
                % {"weight": _number(criterion.weight), "max": _number(criterion.max_value)},
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": _number(criterion.max_value), "step": "0.01"}
                ),
            )
        for field in fields.values():
            field.widget.attrs["class"] = "form-control"
        self.fields = {**fields, **self.fields}

    @staticmethod
    def key(criterion) -> str:
        return f"criterion_{criterion.pk}"

    def values(self) -> dict:
        return {c.pk: self.cleaned_data.get(self.key(c)) for c in self.criteria}

    def rows(self):
        """(criterion, bound field) pairs, for the template."""
        return [(c, self[self.key(c)]) for c in self.criteria]


def _number(value) -> str:
    """A Decimal without trailing zeros (0.600 → 0.6, 100.00 → 100)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class ConflictForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("What is the conflict of interest?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "e.g. a former employer, a shareholding, a relative. Once declared, the assignment "
            "ends and the bureau assigns another expert."
        ),
    )


# Assignment --------------------------------------------------------------------------------------


class AssignmentFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    understaffed = forms.BooleanField(label=_("Not fully staffed only"), required=False)


# Acceptance meetings ------------------------------------------------------------------------------


class MeetingFilter(api_filters.MeetingFilter):
    """The meetings list: the API's search (and the agency's name), by year."""

    search_fields = ("name", "code", "place", "agency__name")
    year = YearFilter(label=_("Year"))
    agency = delegated = None

    class Meta:
        model = AcceptanceMeeting
        fields = ["q", "year"]


class MeetingForm(StyledFormMixin, forms.ModelForm):
    agency = CreditCodeField(
        label=_("Delegated to"),
        required=False,
        help_text=_(
            "The credit code of the agency the acceptance is delegated to (e.g. 浙江省科技评估和"
            "成果转化中心); empty when the bureau holds the meeting itself."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AcceptanceMeeting
        fields = ["code", "name", "year", "batch", "held_on", "place", "agency", "note"]
        widgets = {"held_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            self.fields["agency"].queryset = Organisation.objects.visible_to(user)
        meeting = self.instance
        if meeting.pk:
            self.fields["version"].initial = meeting.version
            if meeting.agency_id:
                self.fields["agency"].keep = {_shown(meeting.agency): meeting.agency}


class SessionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = MeetingSession
        fields = ["name", "starts_at", "ends_at", "sort"]
        widgets = {"starts_at": TIME, "ends_at": TIME}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A session ends after it starts."))
        return cleaned


class ScheduleForm(StyledFormMixin, forms.Form):
    """A project for a session. The list offers the projects of the user's reach that have
    applied for acceptance and are not on the agenda yet; whether one may be scheduled is the
    domain's to say (``meetings.schedule``), with its reason."""

    session = forms.ModelChoiceField(label=_("Session"), queryset=MeetingSession.objects.none())
    application = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Application.objects.none(),
        help_text=_("Projects of your reach that have applied for acceptance."),
    )

    def __init__(self, meeting, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["session"].queryset = meeting.sessions.all()
        self.fields["session"].label_from_instance = lambda s: s.name
        visible = Application.objects.visible_to(user)
        self.fields["application"].queryset = visible
        offered = (
            visible.filter(state=S.ACCEPTANCE_APPLIED)
            .exclude(acceptance_slots__session__meeting=meeting)
            .select_related("undertaker")
            .order_by("undertaker__name", "name")
        )
        self.fields["application"].widget.choices = [
            ("", "---------"),
            *((a.pk, f"{a.name} · {a.undertaker.name}") for a in offered),
        ]


class PanelForm(StyledFormMixin, forms.Form):
    expert = forms.ModelChoiceField(
        label=_("Expert"), queryset=Expert.objects.all(), widget=forms.HiddenInput
    )
    role = forms.ChoiceField(label=_("Role"), choices=PanelRole.choices, initial=PanelRole.MEMBER)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class ConclusionForm(StyledFormMixin, forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=[("", "—"), *Conclusion.choices])
    opinion = forms.CharField(
        label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
