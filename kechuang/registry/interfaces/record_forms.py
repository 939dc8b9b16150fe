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

How a model field becomes a form field (the organisation field typed as a credit code, date
pickers …) is the area's ``Meta.formfield_callback``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

from kechuang.core.interfaces.forms import StyledFormMixin
from kechuang.core.models import CodeItem, TrackedModel

from ..domain.towns import reaches_every_town, towns_within_scope
from ..models import Organisation

ALL_ORGANISATIONS = "__all__"


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
            visible = Organisation.objects.visible_to(self.user).values("pk")
            self.fields[name].queryset = Organisation.objects.filter(
                Q(pk__in=visible) | Q(pk__in=self.current_ids(name))
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
        try:
            model_field = self.instance._meta.get_field(name)
        except FieldDoesNotExist:  # a field of the form only
            return []
        if model_field.many_to_many:
            if not self.instance.pk:
                return []
            return list(getattr(self.instance, name).values_list("pk", flat=True))
        value = getattr(self.instance, model_field.attname, None)
        return [] if value is None else [value]


class ChildMixin:
    """For a record entered on its parent's page: ``parent`` names the foreign key to the
    parent. The view sets it on the instance (it is not in the form), and it still takes part
    in the unique checks. Put before the area's ``RecordForm``."""

    parent = ""

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.discard(self.parent)
        return exclude
