import django_filters
from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.utils import extend_schema_field

from .display import field_at

# The browser's date picker, for the date filters of every list.
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter whose empty choice reads “All”, not “Unknown”."""

    def __init__(self, *args, **kwargs):
        choices = [("", _("All")), ("true", _("yes")), ("false", _("no"))]
        kwargs.setdefault("widget", forms.Select(choices=choices))
        super().__init__(*args, **kwargs)


# The database's bigint (every id, and SQLite's largest integer): beyond it a filter is a form
# error (400 in the API), not a crash.
LARGEST_ID = 2**63 - 1
FIRST_YEAR, LAST_YEAR = 1900, 2100


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": LARGEST_ID})
class IdFilter(django_filters.NumberFilter):
    """A record by its id (``?organisation=3``): a whole number within the ids the database
    holds, else a form error rather than an overflow in the query."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", LARGEST_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
class YearFilter(django_filters.NumberFilter):
    """A calendar year (out of 1900..2100 it is a form error, not a crash). On a date field it
    matches the date's year, on a number field (``year``, ``year_completed``) the number."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        on_a_date = (
            self.method is None
            and self.lookup_expr == "exact"
            and value not in EMPTY_VALUES
            and isinstance(self.model_field(qs.model), models.DateField)  # DateTimeField too
        )
        if on_a_date:
            return self.get_method(qs)(**{f"{self.field_name}__year": value})
        return super().filter(qs, value)

    def model_field(self, model):
        """The model field the filter reads (``None`` for an annotation)."""
        return field_at(model, self.field_name)


def parent(label=None, field_name=None):
    """A filter by the id of the parent record (``?incubator=3``, hidden on list pages): how a
    record's page links to the list of its children."""
    extra = {"field_name": field_name} if field_name else {}
    return IdFilter(label=label, widget=forms.HiddenInput, **extra)


def year_filter(label=None, field_name=None):
    """A filter by a calendar year (out of 1900..2100 it is a form error, not a crash)."""
    extra = {"field_name": field_name} if field_name else {}
    return YearFilter(label=label or _("Year"), **extra)


def search(queryset, fields, value):
    """The records with ``value`` (stripped; nothing filters nothing) in any of ``fields``."""
    value = (value or "").strip()
    if not value:
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__ilike_contains": value})
    return queryset.filter(condition)


class SearchFilterSet(django_filters.FilterSet):
    """``q`` finds records with the text in any of ``search_fields``."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        return search(queryset, self.search_fields, value)
