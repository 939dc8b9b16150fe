"""Filters of the services lists (and API). Towns and code-list items are named by their stable
codes (``?town=330482101&kind=technical_training``), a parent record by its id
(``?commissioner=3``): that is how a record's page links to the list of its children. Filters
over to-many relations go through subqueries, so a record never shows twice."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.domain.choices import code_list_choices
from kechuang.core.enums import CodeList
from kechuang.core.interfaces.filters import (
    SearchFilterSet,
    YearFilter,
    YesNoFilter,
    parent,
    year_filter,
)
from kechuang.registry.interfaces.filters import town, town_choices

from .. import models
from ..enums import (
    CommissionerKind,
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


# Tech commissioners ----------------------------------------------------------------------------


class CommissionerFilter(SearchFilterSet):
    search_fields = ("name", "expertise", "employer_name", "employer__name", "dispatched_by")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CommissionerKind.choices)
    field = code_choice(_("Expertise field"), CodeList.TECH_FIELD, "field")
    town = django_filters.ChoiceFilter(label=_("Town"), choices=town_choices, method="serving_in")
    active_in = year_method(_("Active in year"), "active")
    appointed_year = year_filter(_("Year of appointment"), field_name="year")

    class Meta:
        model = models.Commissioner
        fields = ["q", "kind", "field", "town", "active_in", "appointed_year"]

    def serving_in(self, queryset, name, value):
        assignments = models.ServiceAssignment.objects.filter(
            commissioner=OuterRef("pk"), town__code=value
        )
        return queryset.filter(Exists(assignments))

    def active(self, queryset, name, value):
        return queryset.active_in(int(value))


class ServiceAssignmentFilter(SearchFilterSet):
    search_fields = ("commissioner__name", "village", "enterprise__name", "tasks")
    commissioner = parent()
    town = town("town")
    year = year_method(_("Serving in year"), "serving_in")
    current = YesNoFilter(label=_("Ongoing"), method="ongoing")

    class Meta:
        model = models.ServiceAssignment
        fields = ["q", "commissioner", "town", "year", "current"]

    def serving_in(self, queryset, name, value):
        return queryset.in_year(int(value))

    def ongoing(self, queryset, name, value):
        today = timezone.localdate()
        current = queryset.overlapping(today, today)
        return current if value else queryset.exclude(pk__in=current.values("pk"))


class ActivityFilter(SearchFilterSet):
    search_fields = ("commissioner__name", "place", "summary")
    commissioner = parent()
    assignment = parent()
    kind = code_choice(_("Kind"), CodeList.SERVICE_ACTIVITY_KIND, "kind")
    town = town("town")
    year = year_filter(field_name="held_on__year")
    held_from = date_filter(_("From"), "held_on", "gte")
    held_to = date_filter(_("To"), "held_on", "lte")

    class Meta:
        model = models.Activity
        fields = [
            "q",
            "commissioner",
            "assignment",
            "kind",
            "town",
            "year",
            "held_from",
            "held_to",
        ]


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
