from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.enums import CodeList
from kechuang.core.interfaces.forms import StyledFormMixin
from kechuang.core.models import CodeItem

from ..domain.uscc import normalise_uscc
from ..models import Organisation


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
