"""Forms of the certification application pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scope import restrict
from kechuang.core.enums import CodeList
from kechuang.core.interfaces.forms import StyledFormMixin
from kechuang.core.models import CodeItem
from kechuang.registry.domain.uscc import normalise_uscc
from kechuang.registry.enums import OrganisationKind
from kechuang.registry.models import Organisation

from ..domain.certification import PUBLICITY_DAYS, Transition
from ..enums import ApplicationState
from ..models import CertificationApplication

WAITING_FOR_ME = "todo"


def rd_levels():
    return (
        CodeItem.objects.of(CodeList.RD_LEVEL).filter(parent__isnull=False).order_by("sort", "code")
    )


class ApplicationForm(StyledFormMixin, forms.ModelForm):
    """An applicant's draft. An organisation user applies for their own enterprise; bureau staff
    name the enterprise by its unified social credit code."""

    applicant_code = forms.CharField(
        label=_("Applicant's unified social credit code"),
        max_length=40,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CertificationApplication
        fields = ["name", "level", "year", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["level"].queryset = rd_levels()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        elif self.initial.get("year") is None:
            self.initial["year"] = timezone.localdate().year
        if user.organisation_id:
            del self.fields["applicant_code"]
        else:
            self.fields["applicant_code"].required = True
            self.order_fields(["applicant_code"])
            if self.instance.applicant_id:
                self.fields["applicant_code"].initial = self.instance.applicant.uscc

    def clean_applicant_code(self):
        code = normalise_uscc(self.cleaned_data.get("applicant_code") or "")
        candidates = restrict(Organisation.objects.filter(uscc=code), self.user)
        applicant = candidates.first() if code else None
        if applicant is None:
            raise forms.ValidationError(
                _("No enterprise with this unified social credit code is within your reach.")
            )
        return applicant

    def clean(self):
        cleaned = super().clean()
        if self.user.organisation_id:
            applicant = self.user.organisation
        else:
            applicant = cleaned.get("applicant_code")
        if applicant is not None:
            if applicant.kind != OrganisationKind.ENTERPRISE:
                raise forms.ValidationError(
                    _("Only an enterprise can apply to have an R&D institution certified.")
                )
            self.instance.applicant = applicant
        return cleaned


class TransitionForm(StyledFormMixin, forms.Form):
    """What a person gives when they perform a transition: a comment (required to reject), the
    length of a publicity, the document of a certification. There is no date to type: a step
    happens on the day it is performed (the server's date), so a publicity cannot be backdated
    or a certification postdated."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)
    publicity_days = forms.IntegerField(
        label=_("Publicity (working days)"),
        min_value=1,
        max_value=30,
        initial=PUBLICITY_DAYS,
        help_text=_("The publicity starts today."),
    )
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    batch = forms.CharField(label=_("Batch"), max_length=50, required=False)

    def __init__(self, step: Transition, *args, **kwargs):
        kwargs.setdefault("prefix", step.id)
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["comment"].widget.attrs["rows"] = 2
        if step.needs_comment:
            self.fields["comment"].required = True
            self.fields["comment"].label = _("Reason")
        if step.to_state != ApplicationState.PUBLICITY:
            del self.fields["publicity_days"]
        if step.to_state != ApplicationState.CERTIFIED:
            del self.fields["document_number"]
            del self.fields["batch"]

    def perform_kwargs(self) -> dict:
        data = self.cleaned_data
        return {key: value for key, value in data.items() if value not in (None, "")}
