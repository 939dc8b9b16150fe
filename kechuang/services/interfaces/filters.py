"""Filters of the services lists (and API). Towns and code-list items are named by their stable
codes (``?town=330482101&kind=technical_training``), a parent record by its id
(``?commissioner=3``): that is how a record's page links to the list of its children. Filters
over to-many relations go through subqueries, so a record never shows twice."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from kechuang.core.domain.choices import code_list_choices
from kechuang.core.interfaces.filters import (
    SearchFilterSet,
    YearFilter,
    YesNoFilter,
)

from .. import models
from ..enums import (
    PolicyDomain,
    VersionState,
)


def code_choice(label, code_list: str, field_name: str):
    return django_filters.ChoiceFilter(
        label=label, choices=code_list_choices(code_list), field_name=f"{field_name}__code"
    )


def year_method(label, method: str):
    """A calendar year (out of 1900..2100 a form error) applied by ``method``."""
    return YearFilter(label=label, method=method)


def date_filter(label, field_name: str, lookup_expr: str):
    return django_filters.DateFilter(
        label=label,
        field_name=field_name,
        lookup_expr=lookup_expr,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


# Policies --------------------------------------------------------------------------------------


class PolicyFilter(SearchFilterSet):
    search_fields = ("title", "issuer", "note")
    domain = django_filters.ChoiceFilter(label=_("Domain"), choices=PolicyDomain.choices)
    in_force_on = django_filters.DateFilter(
        label=_("In force on"), method="in_force", widget=forms.DateInput(attrs={"type": "date"})
    )
    open_version = YesNoFilter(label=_("Being revised"), method="being_revised")

    class Meta:
        model = models.Policy
        fields = ["q", "domain", "in_force_on", "open_version"]

    def in_force(self, queryset, name, value):
        versions = models.PolicyVersion.objects.in_force(value).filter(policy=OuterRef("pk"))
        return queryset.filter(Exists(versions))

    def being_revised(self, queryset, name, value):
        open_ones = models.PolicyVersion.objects.filter(
            policy=OuterRef("pk"), state__in=[VersionState.DRAFT, VersionState.CONSULTATION]
        )
        return queryset.filter(Exists(open_ones)) if value else queryset.exclude(Exists(open_ones))
