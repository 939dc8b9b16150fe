"""The base of the areas' record forms (platforms, earthquake prevention, services).

A record form knows its user and keeps what the record is filed under within the user's data
scope, as the list, the import and the API do:

- a record that carries a version carries it in a hidden field, so an edit made on a stale copy
  is refused (``save_versioned``);
- ``town_fields`` offer the towns the user reaches, and must be given by a user who does not
  reach them all (a town officer's record of no town would be city-wide, out of their sight);
- ``owner_fields`` offer the organisations the user sees, and the one the record already names
  (keeping it is no new reach); ``ALL_ORGANISATIONS`` names every organisation field;
- with ``active_code_items``, code-list selects offer the active items, and the item the record
  already has (even if retired).

How a model field becomes a form field is the area's ``Meta.formfield_callback``;
``record_formfield`` is the usual one (organisations typed as their credit code or exact name
with ``OrganisationField``/``OrganisationsField``, date pickers, text areas).
"""

from __future__ import annotations

from django import forms
from django.db.models import DateField, Q, TextField
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scope import referable
from kechuang.core.interfaces.forms import StyledFormMixin, current_ids
from kechuang.core.models import CodeItem, TrackedModel

from ..domain.lookups import NotFound, OrganisationIndex
from ..domain.towns import reaches_every_town, towns_within_scope
from ..models import Organisation

ALL_ORGANISATIONS = "__all__"
ORGANISATION_HELP = _("Unified social credit code, or the exact name.")


class OrganisationField(forms.ModelChoiceField):
    """An organisation typed as its credit code or exact name."""

    widget = forms.TextInput

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, **kwargs)
        self.help_text = self.help_text or ORGANISATION_HELP

    def prepare_value(self, value):
        if isinstance(value, int):  # the initial value of a model form: the id
            value = self.queryset.model._default_manager.filter(pk=value).first()
        if isinstance(value, Organisation):
            return value.uscc or value.name
        return value or ""

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            pk = OrganisationIndex(self.queryset, [str(value)]).find(str(value))
        except NotFound as error:
            raise forms.ValidationError(str(error), code="invalid_choice") from None
        return self.queryset.get(pk=pk)


class OrganisationsField(forms.ModelMultipleChoiceField):
    """Organisations typed one per line, each as its credit code or exact name."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, **kwargs)
        self.help_text = _("One per line: unified social credit code, or the exact name.")

    def prepare_value(self, value):
        if not value:
            return ""
        if isinstance(value, str):
            return value
        items = [v for v in value if isinstance(v, Organisation)]
        ids = [v for v in value if not isinstance(v, Organisation)]
        items += list(self.queryset.model._default_manager.filter(pk__in=ids))
        return "\n".join(org.uscc or org.name for org in items)

    def clean(self, value):
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if not lines:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return self.queryset.none()
        index = OrganisationIndex(self.queryset, lines)
        ids, problems = [], []
        for line in lines:
            try:
                ids.append(index.find(line))
            except NotFound as error:
                problems.append(str(error))
        if problems:
            raise forms.ValidationError(problems)
        return self.queryset.filter(pk__in=ids)

    def has_changed(self, initial, data):
        return self.prepare_value(initial) != (data or "").strip()


def record_formfield(field, **kwargs):
    """Form fields of the model fields, as the areas' record forms want them (a
    ``Meta.formfield_callback``): date pickers, organisations typed as their credit code or exact
    name, text areas for long text."""
    if isinstance(field, DateField):
        kwargs["widget"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    elif field.related_model is Organisation:
        form_class = OrganisationsField if field.many_to_many else OrganisationField
        kwargs["form_class"] = form_class
    elif isinstance(field, TextField):
        kwargs["widget"] = forms.Textarea(attrs={"rows": 3})
    return field.formfield(**kwargs)


class RecordForm(StyledFormMixin, forms.ModelForm):
    """A record's form, scoped to its ``user`` (see the module's description)."""

    town_fields: tuple[str, ...] = ()
    owner_fields: tuple[str, ...] | str = ()
    active_code_items = False
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not isinstance(self.instance, TrackedModel):
            del self.fields["version"]  # the edit a save starts from: only versioned records
        elif self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self._limit_towns()
        self._limit_owners()
        if self.active_code_items:
            self._limit_code_items()

    def _limit_towns(self):
        names = [name for name in self.town_fields if name in self.fields]
        if not names:
            return
        required = not reaches_every_town(self.user)
        for name in names:
            field = self.fields[name]
            field.queryset = towns_within_scope(self.user).order_by("code")
            field.required |= required

    def _limit_owners(self):
        if self.owner_fields == ALL_ORGANISATIONS:
            names = [name for name in self.fields if self._choices_of(name, Organisation)]
        else:
            names = [name for name in self.owner_fields if name in self.fields]
        for name in names:
            # Offered as the form is shown; the same limit holds when it is validated
            # (``StyledFormMixin``) for every reference, owners or not.
            self.fields[name].queryset = referable(
                Organisation.objects.all(), self.user, self.current_ids(name)
            )

    def _limit_code_items(self):
        for name in self.fields:
            if self._choices_of(name, CodeItem):
                field = self.fields[name]
                kept = Q(active=True) | Q(pk__in=self.current_ids(name))
                field.queryset = field.queryset.filter(kept).order_by("sort", "code")

    def _choices_of(self, name, model) -> bool:
        field = self.fields[name]
        return isinstance(field, forms.ModelChoiceField) and field.queryset.model is model

    def current_ids(self, name) -> list[int]:
        """The ids the record's field ``name`` holds now (none for a new record)."""
        return current_ids(self, name)


class ChildMixin:
    """For a record entered on its parent's page: ``parent`` names the foreign key to the
    parent. The view sets it on the instance (it is not in the form), and it still takes part
    in the unique checks. Put before the area's ``RecordForm``."""

    parent = ""

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.discard(self.parent)
        return exclude
