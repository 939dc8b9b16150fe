from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.enums import CodeList
from kechuang.core.interfaces.forms import StyledFormMixin
from kechuang.core.models import CodeItem

from ..domain.uscc import normalise_uscc
from ..models import EnterpriseYear, Organisation, Qualification


class VersionedForm(StyledFormMixin, forms.ModelForm):
    """Carries the version the editor started from, to detect concurrent edits."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class OrganisationForm(VersionedForm):
    class Meta:
        model = Organisation
        fields = [
            "kind",
            "uscc",
            "name",
            "former_names",
            "legal_representative",
            "founded_on",
            "town",
            "address",
            "industry",
            "chains",
            "zones",
        ]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}),
            "former_names": forms.Textarea(attrs={"rows": 2}),
            "chains": forms.CheckboxSelectMultiple,
            "zones": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = (
            CodeItem.objects.of(CodeList.INDUSTRY_CLASS)
            .filter(parent__isnull=False)
            .select_related("parent")
        )
        self.fields["industry"].label_from_instance = lambda item: f"{item.code} {item}"
        self.fields["chains"].queryset = CodeItem.objects.of(CodeList.INDUSTRY_CHAIN)

    def clean_uscc(self):
        value = normalise_uscc(self.cleaned_data.get("uscc") or "")
        return value or None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "enterprise" and not cleaned.get("uscc"):
            self.add_error("uscc", _("An enterprise needs its unified social credit code."))
        return cleaned


class EnterpriseYearForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = EnterpriseYear
        fields = [
            "year",
            "revenue",
            "output_value",
            "rd_spending",
            "employees",
            "st_staff",
            "above_scale",
        ]

    def clean_year(self):
        year = self.cleaned_data["year"]
        clash = EnterpriseYear.objects.filter(organisation=self.instance.organisation, year=year)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("Figures for %(year)s are already recorded."), params={"year": year}
            )
        return year


class QualificationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ["kind", "number", "year", "valid_from", "valid_until", "revoked_on"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            "revoked_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = CodeItem.objects.of(CodeList.QUALIFICATION_KIND)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity comes before its start."))
        revoked = cleaned.get("revoked_on")
        if start and revoked and revoked < start:
            self.add_error("revoked_on", _("A qualification cannot be revoked before it starts."))
        return cleaned
