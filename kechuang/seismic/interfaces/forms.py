"""Forms of the earthquake-prevention records. Each record is checked by its model's ``clean()``
(a shelter's area must be above zero, a hospital's medical building needs the hospital grade, a
declared class may not be below the rules …), so the form, the import and the API refuse the
same values with the same messages. Records that carry a version carry it in the form: an edit
made on a stale copy is refused.

A town officer enters records of their own town only: the town choices are the towns their
data scope reaches (a record of another town would vanish from their sight once saved).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.interfaces.forms import StyledFormMixin
from kechuang.registry.interfaces import record_forms
from kechuang.registry.interfaces.record_forms import record_formfield

from ..domain import fortification as fx
from ..enums import Finding


class RecordForm(record_forms.RecordForm):
    """An earthquake-prevention record's form: the registry's record form (version, user,
    ``town_fields`` limited to the towns the user reaches and required unless they reach every
    town, ``owner_fields`` to the organisations the user sees)."""

    class Meta:
        formfield_callback = record_formfield


class ChildForm(record_forms.ChildMixin, RecordForm):
    """A record entered on its parent's page; ``parent`` names the foreign key the view sets."""


class YearFromDateMixin:
    """``year_field`` may be left empty when ``date_field`` is given: it is that date's year."""

    year_field = ""
    date_field = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.year_field].required = False
        self.fields[self.year_field].help_text = _("Left empty: the year of the date.")

    def clean(self):
        cleaned = super().clean()
        on, year = cleaned.get(self.date_field), cleaned.get(self.year_field)
        if year is None and self.year_field not in self.errors:
            if on is not None:
                cleaned[self.year_field] = on.year
            elif self.date_field not in self.errors:
                self.add_error(self.year_field, _("Give the date or the year."))
        return cleaned


class ProjectForm(YearFromDateMixin, RecordForm):
    """A construction project (declared in ``record_types``): the year construction started
    may be left to the start date; the owner is an organisation of the registry or, when it is
    not registered, its name as written."""

    year_field = "start_year"
    date_field = "started_on"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].required = False

    def clean(self):
        cleaned = super().clean()
        missing = not cleaned.get("owner") and not cleaned.get("owner_name", "").strip()
        if missing and "owner" not in self.errors:
            self.add_error("owner_name", _("Name the owner: from the registry or as written."))
        return cleaned


class InspectionForm(RecordForm):
    """An inspection (declared in ``record_types``), entered on its project's page. A new one
    may leave the finding to the rules (below the requirement when the design is below the
    required fortification, then with a rectification required); its rectification is closed
    later, on its page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["rectified_on"]
            del self.fields["closure_note"]
            finding = self.fields["finding"]
            finding.required = False
            finding.choices = [("", _("Decided by the rules")), *Finding.choices]
            self.initial["finding"] = ""  # not the model's default: the rules decide
            finding.help_text = _(
                "Left to the rules: below the requirement when the designed class is below the "
                "required class or the designed measures intensity is below the required one (a "
                "rectification is then required)."
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk or cleaned.get("finding") or "finding" in self.errors:
            return cleaned
        designed = cleaned.get("designed_measures_intensity")
        if designed is None:
            return cleaned
        try:
            evaluation = self.instance.project.evaluation(designed, cleaned.get("designed_class"))
        except fx.FortificationError as error:
            self.add_error("finding", str(error))
            return cleaned
        if evaluation.below_requirement:
            cleaned["finding"] = Finding.BELOW_REQUIREMENT
            cleaned["rectification_required"] = True
        else:
            cleaned["finding"] = Finding.COMPLIANT
        return cleaned


class CloseRectificationForm(StyledFormMixin, forms.Form):
    rectified_on = forms.DateField(
        label=_("Rectified on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    closure_note = forms.CharField(
        label=_("Closure note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
