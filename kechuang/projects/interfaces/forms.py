"""Forms of the plan-project pages: a call with its criteria, form fields and review phases; an
application; the small forms of a workflow step, an extension and a batch action."""

from __future__ import annotations

from django import forms
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scope import restrict
from kechuang.core.enums import CodeList
from kechuang.core.interfaces.forms import StyledFormMixin, style_form
from kechuang.core.models import CodeItem
from kechuang.registry.domain.uscc import normalise_uscc
from kechuang.registry.models import Organisation

from .. import models
from ..domain.workflow import Transition

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Organisations named by people -----------------------------------------------------------------


def find_organisation(text: str, queryset=None) -> Organisation:
    """The organisation of a unified social credit code or of an exact name (``queryset``
    limits where it is looked for). Raises ``ValidationError`` saying what was not found."""
    text = (text or "").strip()
    queryset = Organisation.objects.all() if queryset is None else queryset
    code = normalise_uscc(text)
    if code and len(code) == 18:
        found = queryset.filter(uscc=code).first()
        if found is not None:
            return found
    matches = list(queryset.filter(name=text)[:2])
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise forms.ValidationError(
            _("Several organisations are named “%(name)s”; give its unified social credit code."),
            params={"name": text},
        )
    raise forms.ValidationError(
        _(
            "No organisation has the unified social credit code or the exact name “%(text)s”. "
            "Check it, or ask the bureau to register the organisation first."
        ),
        params={"text": text},
    )


# Calls -----------------------------------------------------------------------------------------


class CallForm(StyledFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = models.Call
        fields = [
            "code",
            "year",
            "batch",
            "name",
            "category",
            "field",
            "programme",
            "opens_at",
            "closes_at",
            "guide",
            "reviewers_per_application",
            "aggregation",
        ]
        widgets = {
            "opens_at": datetime_input(),
            "closes_at": datetime_input(),
            "guide": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = CodeItem.objects.of(CodeList.PROJECT_PROGRAMME)
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            self.initial.setdefault("year", timezone.localdate().year)

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The call must close after it opens."))
        return cleaned


class CodedChildForm(StyledFormMixin, forms.ModelForm):
    """A criterion, form field or phase of a call: a blank code is filled in on saving."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "code" in self.fields:
            self.fields["code"].required = False
            self.fields["code"].help_text = _("Left blank, one is given.")

    def clean_code(self):
        # None (not ""): blank codes of several new rows are not duplicates of each other.
        return self.cleaned_data.get("code") or None


class ChildFormSet(BaseInlineFormSet):
    """Rows of a call's page; blank codes get the next free ``<prefix><n>``."""

    code_prefix = "x"

    def save(self, commit=True):
        taken = set(self.instance_codes())
        for form in self.forms:
            if form in self.deleted_forms or (not form.has_changed() and not form.instance.pk):
                continue
            instance = form.instance
            if "code" in form.fields and not instance.code:
                number = 1
                while f"{self.code_prefix}{number}" in taken:
                    number += 1
                instance.code = f"{self.code_prefix}{number}"
                taken.add(instance.code)
        return super().save(commit=commit)

    def instance_codes(self):
        model = self.model
        if "code" not in {f.name for f in model._meta.fields}:
            return []
        codes = list(model.objects.filter(call=self.instance).values_list("code", flat=True))
        codes += [
            form.cleaned_data.get("code")
            for form in self.forms
            if getattr(form, "cleaned_data", None) and form.cleaned_data.get("code")
        ]
        return codes

    def kept_forms(self):
        """The rows that remain after saving: filled in and not marked for deletion."""
        return [
            form
            for form in self.forms
            if form not in self.deleted_forms
            and (form.instance.pk or form.has_changed())
            and getattr(form, "cleaned_data", None)
        ]


class CriterionFormSetBase(ChildFormSet):
    code_prefix = "c"


class FormFieldFormSetBase(ChildFormSet):
    code_prefix = "q"


class PhaseFormSetBase(ChildFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and models.Assignment.objects.filter(phase=form.instance).exists():
                raise forms.ValidationError(
                    _("The review phase “%(phase)s” has expert assignments; it cannot be removed."),
                    params={"phase": form.instance.name},
                )


CriterionFormSet = inlineformset_factory(
    models.Call,
    models.Criterion,
    form=CodedChildForm,
    formset=CriterionFormSetBase,
    fields=["code", "name", "description", "weight", "max_value", "sort"],
    widgets={"description": forms.TextInput()},
    extra=2,
    can_delete=True,
)
FormFieldFormSet = inlineformset_factory(
    models.Call,
    models.FormField,
    form=CodedChildForm,
    formset=FormFieldFormSetBase,
    fields=["code", "label", "help_text", "required", "sort"],
    extra=2,
    can_delete=True,
)
PhaseFormSet = inlineformset_factory(
    models.Call,
    models.ReviewPhase,
    form=CodedChildForm,
    formset=PhaseFormSetBase,
    fields=["name", "show_others_reviews", "closes_at", "sort"],
    widgets={"closes_at": datetime_input()},
    extra=1,
    can_delete=True,
)


class CallEditor:
    """A call's form with its three lists (criteria, form fields, review phases), validated
    together: weights are not negative; a call that is open (or opens now) has at least one
    criterion; criteria that experts have started scoring with stay as they are."""

    def __init__(self, data=None, *, instance: models.Call):
        self.instance = instance
        self.form = CallForm(data, instance=instance)
        self.criteria = CriterionFormSet(data, instance=instance, prefix="criteria")
        self.form_fields = FormFieldFormSet(data, instance=instance, prefix="fields")
        self.phases = PhaseFormSet(data, instance=instance, prefix="phases")
        for formset in self.formsets:
            for form in formset.forms:
                if "closes_at" in form.fields:
                    form.fields["closes_at"].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
            style_form(formset.empty_form)
        self.errors: list[str] = []

    @property
    def formsets(self):
        return (self.criteria, self.form_fields, self.phases)

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        valid = all([formset.is_valid() for formset in self.formsets]) and valid
        if not valid:
            return False
        call = self.instance
        if call.pk and self.criteria.has_changed() and scored(call):
            self.errors.append(
                str(
                    _(
                        "Experts have started scoring this call's applications; its criteria "
                        "and their weights can no longer be changed."
                    )
                )
            )
        opens_at = self.form.cleaned_data["opens_at"]
        if not self.criteria.kept_forms() and opens_at <= timezone.now():
            self.errors.append(
                str(
                    _(
                        "A call needs at least one review criterion before it opens: add a "
                        "criterion, or set the opening time later."
                    )
                )
            )
        return not self.errors


def scored(call) -> bool:
    return models.Score.objects.filter(criterion__call=call).exists()


# Applications ----------------------------------------------------------------------------------

ANSWER_PREFIX = "answer__"


class ApplicationForm(StyledFormMixin, forms.ModelForm):
    """An applicant's application. An organisation user applies for their own organisation;
    bureau staff name the undertaker by its unified social credit code or exact name. The
    call's questions become fields (``answer__<code>``); they are required for submission, not
    for saving a draft."""

    undertaker_ref = forms.CharField(
        label=_("Undertaking organisation"),
        max_length=200,
        help_text=_("Its unified social credit code or its exact registered name."),
    )
    cooperators_text = forms.CharField(
        label=_("Cooperating organisations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the unified social credit code or the exact registered name."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = models.Application
        fields = [
            "name",
            "leader_name",
            "leader_phone",
            "tech_field",
            "starts_on",
            "ends_on",
            "requested_funding",
            "self_funding",
            "content",
        ]
        widgets = {
            "starts_on": date_input(),
            "ends_on": date_input(),
            "content": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user, call: models.Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.call = user, call
        self.fields["tech_field"].queryset = CodeItem.objects.of(CodeList.TECH_FIELD).filter(
            parent__isnull=False
        )
        application = self.instance
        if application.pk:
            self.fields["version"].initial = application.version
            self.fields["cooperators_text"].initial = "\n".join(
                org.uscc or org.name for org in application.cooperators.order_by("name")
            )
        if user.organisation_id:
            del self.fields["undertaker_ref"]
        else:
            if application.undertaker_id:
                undertaker = application.undertaker
                self.fields["undertaker_ref"].initial = undertaker.uscc or undertaker.name
            self.order_fields(["undertaker_ref"])
        answers = application.answers or {}
        self.questions = list(call.form_fields.all())
        for question in self.questions:
            help_text = question.help_text
            if question.required:
                help_text = f"{help_text} {_('(required to submit)')}".strip()
            self.fields[ANSWER_PREFIX + question.code] = forms.CharField(
                label=question.label,
                required=False,
                help_text=help_text,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=answers.get(question.code, ""),
            )
        style_form(self)

    @property
    def answer_fields(self):
        return [self[ANSWER_PREFIX + q.code] for q in self.questions]

    @property
    def main_fields(self):
        return [f for f in self.visible_fields() if not f.name.startswith(ANSWER_PREFIX)]

    def clean_undertaker_ref(self):
        scope = restrict(Organisation.objects.all(), self.user)
        return find_organisation(self.cleaned_data.get("undertaker_ref", ""), scope)

    def clean_cooperators_text(self):
        lines = [
            line.strip()
            for line in (self.cleaned_data.get("cooperators_text") or "").splitlines()
            if line.strip()
        ]
        found, errors = [], []
        for line in lines:
            try:
                organisation = find_organisation(line)
            except forms.ValidationError as error:
                errors.extend(error.messages)
            else:
                if organisation not in found:
                    found.append(organisation)
        if errors:
            raise forms.ValidationError(errors)
        return found

    def clean(self):
        cleaned = super().clean()
        if self.user.organisation_id:
            undertaker = self.user.organisation
        else:
            undertaker = cleaned.get("undertaker_ref")
        if undertaker is not None:
            self.instance.undertaker = undertaker
            if undertaker in (cleaned.get("cooperators_text") or []):
                self.add_error(
                    "cooperators_text",
                    _("The undertaking organisation cannot also be a cooperating organisation."),
                )
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The project cannot end before it starts."))
        return cleaned

    def answers(self) -> dict:
        """The stored answers with this form's ones (answers to questions the call no longer
        asks are kept)."""
        answers = dict(self.instance.answers or {})
        for question in self.questions:
            value = (self.cleaned_data.get(ANSWER_PREFIX + question.code) or "").strip()
            if value:
                answers[question.code] = value
            else:
                answers.pop(question.code, None)
        return answers


# Workflow steps --------------------------------------------------------------------------------


class TransitionForm(StyledFormMixin, forms.Form):
    """What a person gives with a step: a comment (required where the step needs a reason), the
    approved funding of an approval, the number of a task contract. A step happens on the day
    it is performed."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)
    approved_funding = forms.DecimalField(
        label=_("Funding approved (10k yuan)"), min_value=0, max_digits=12, decimal_places=2
    )
    contract_number = forms.CharField(label=_("Task contract number"), max_length=50)

    def __init__(self, step: Transition, *args, application=None, **kwargs):
        kwargs.setdefault("prefix", step.id)
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["comment"].widget.attrs["rows"] = 2
        if step.needs_comment:
            self.fields["comment"].required = True
            self.fields["comment"].label = _("Reason")
        if "approved_funding" not in step.needs:
            del self.fields["approved_funding"]
        elif application is not None:
            self.fields["approved_funding"].help_text = _(
                "At most the funding requested: %(amount)s."
            ) % {"amount": application.requested_funding}
        if "contract_number" not in step.needs:
            del self.fields["contract_number"]

    def perform_kwargs(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class BatchForm(forms.Form):
    """A batch action of the staff portal: a step on the chosen projects of one state."""

    transition = forms.CharField()
    state = forms.CharField(required=False)
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=())
    comment = forms.CharField(required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ids are checked by the workflow against the user's scope, one by one.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()
        self.fields["ids"].error_messages["required"] = _("Choose at least one project.")


# Extensions ------------------------------------------------------------------------------------


class ExtensionRequestForm(StyledFormMixin, forms.Form):
    until = forms.DateField(label=_("Extend until"), widget=date_input())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to refuse."),
    )
