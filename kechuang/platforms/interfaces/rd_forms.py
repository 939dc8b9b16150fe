"""Forms of the lifecycle steps of an R&D institution's certification (upgrade, rename, merge,
revoke), offered on its page. They take what the step needs; the step itself, with its checks
against the stored record, is ``domain.rd``'s."""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kechuang.core.interfaces.forms import StyledFormMixin
from kechuang.registry.models import YEAR_VALIDATORS

from ..models import RDInstitution
from .application_forms import rd_levels

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def field_label(name: str):
    return capfirst(RDInstitution._meta.get_field(name).verbose_name)


def check_year(form: forms.Form, year_field: str, date_field: str) -> None:
    """The certification year is the year of the certification date."""
    year, on = form.cleaned_data.get(year_field), form.cleaned_data.get(date_field)
    if year and on and year != on.year:
        form.add_error(
            year_field,
            _("The certification year must be the year of the certification date (%(year)s).")
            % {"year": on.year},
        )


class LifecycleForm(StyledFormMixin, forms.Form):
    """A step on ``record`` by ``user``, on a date (not in the future: a step records what
    happened)."""

    on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)

    def __init__(self, *args, record: RDInstitution, user, **kwargs):
        self.record, self.user = record, user
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()

    def clean_on(self) -> dt.date:
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return on


class UpgradeForm(LifecycleForm):
    level = forms.ModelChoiceField(label=_("New kind and level"), queryset=rd_levels())
    year = forms.IntegerField(label=field_label("certified_year"), validators=YEAR_VALIDATORS)
    document_number = forms.CharField(
        label=field_label("document_number"), max_length=100, required=False
    )
    batch = forms.CharField(label=field_label("batch"), max_length=50, required=False)
    name = forms.CharField(
        label=_("New name"),
        max_length=200,
        required=False,
        help_text=_("Leave it empty to keep the present name."),
    )
    field_order = ["level", "year", "on", "document_number", "batch", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the levels that rank above the present one (a lower sort).
        self.fields["level"].queryset = rd_levels().filter(sort__lt=self.record.level.sort)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["on"].label = field_label("certified_on")

    def clean(self):
        cleaned = super().clean()
        check_year(self, "year", "on")
        return cleaned


class RenameForm(LifecycleForm):
    name = forms.CharField(label=_("New name"), max_length=200)
    field_order = ["name", "on"]


class InstitutionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.host.name}，{obj.level}）"


class MergeForm(LifecycleForm):
    into = InstitutionChoiceField(
        label=_("Merge into"),
        queryset=RDInstitution.objects.none(),
        help_text=_("A certification in force within your reach."),
    )
    field_order = ["into", "on"]

    def __init__(self, *args, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        targets = (
            RDInstitution.objects.visible_to(self.user)
            .filter(ended_on__isnull=True)
            .exclude(pk=self.record.pk)
            .select_related("host", "level")
            .order_by("host__name", "name", "pk")
        )
        search = (search or "").strip()
        if search and not self.is_bound:  # narrows what is offered, not what is accepted
            targets = targets.filter(
                Q(name__icontains=search)
                | Q(host__name__icontains=search)
                | Q(host__uscc__iexact=search)
            )
        self.fields["into"].queryset = targets


class RevokeForm(LifecycleForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["on", "reason"]
