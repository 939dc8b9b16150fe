"""Filters of the plan-project API (and of its Excel exports, which export exactly the filtered
list). Towns, code-list items and choices are named by their stable codes
(``?state=submitted&state=checked&call_code=2020-industry-key-1&town=330482101``); a parent
record by its id (``?call=3``)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.domain.choices import code_list_choices
from kechuang.core.enums import CodeList
from kechuang.core.interfaces.filters import (
    SearchFilterSet,
    YesNoFilter,
    parent,
    year_filter,
)
from kechuang.registry.interfaces.filters import town_choices, zone_choices

from .. import models
from ..enums import Category, Conclusion, Field, PanelRole, ReviewState, State


class CallFilter(SearchFilterSet):
    search_fields = ("name", "code")
    year = year_filter()
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    field = django_filters.ChoiceFilter(label=_("Field"), choices=Field.choices)
    programme = django_filters.ChoiceFilter(
        label=_("Special programme"),
        choices=code_list_choices(CodeList.PROJECT_PROGRAMME),
        field_name="programme__code",
    )
    open_on = django_filters.IsoDateTimeFilter(label=_("Open at"), method="open_at")

    class Meta:
        model = models.Call
        fields = ["q", "year", "category", "field", "programme", "open_on"]

    def open_at(self, queryset, name, value):
        return queryset.open_at(value)


class CallPartFilter(django_filters.FilterSet):
    """Criteria, form fields and review phases of one call."""

    call = parent()


def call_part_filter(model):
    meta = type("Meta", (), {"model": model, "fields": ["call"]})
    return type(f"{model.__name__}Filter", (CallPartFilter,), {"Meta": meta})


CriterionFilter = call_part_filter(models.Criterion)
FormFieldFilter = call_part_filter(models.FormField)
ReviewPhaseFilter = call_part_filter(models.ReviewPhase)


class ApplicationFilter(SearchFilterSet):
    search_fields = ("name", "number", "undertaker__name", "undertaker__uscc", "leader_name")
    call = parent(_("Call"))
    call_code = django_filters.CharFilter(label=_("Call code"), field_name="call__code")
    year = year_filter(_("Year of the call"), field_name="call__year")
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, field_name="call__category"
    )
    field = django_filters.ChoiceFilter(
        label=_("Field"), choices=Field.choices, field_name="call__field"
    )
    programme = django_filters.ChoiceFilter(
        label=_("Special programme"),
        choices=code_list_choices(CodeList.PROJECT_PROGRAMME),
        field_name="call__programme__code",
    )
    state = django_filters.MultipleChoiceFilter(label=_("State"), choices=State.choices)
    tech_field = django_filters.ChoiceFilter(
        label=_("Technical field"),
        choices=code_list_choices(CodeList.TECH_FIELD, top_level=False),
        field_name="tech_field__code",
    )
    undertaker = parent(_("Undertaking organisation"))
    town = django_filters.ChoiceFilter(
        label=_("Town"), choices=town_choices, field_name="undertaker__town__code"
    )
    zone = django_filters.ChoiceFilter(
        label=_("Zone"), choices=zone_choices, field_name="undertaker__zones__code", distinct=True
    )
    approved_year = year_filter(_("Year of approval"), field_name="approved_on__year")
    accepted_year = year_filter(_("Year of acceptance"), field_name="concluded_on__year")
    conclusion = django_filters.ChoiceFilter(
        label=_("Acceptance conclusion"), choices=Conclusion.choices
    )

    class Meta:
        model = models.Application
        fields = [
            "q",
            "call",
            "call_code",
            "year",
            "category",
            "field",
            "programme",
            "state",
            "tech_field",
            "undertaker",
            "town",
            "zone",
            "approved_year",
            "accepted_year",
            "conclusion",
        ]


class AssignmentFilter(django_filters.FilterSet):
    call = parent(_("Call"), field_name="phase__call")
    phase = parent(_("Review phase"))
    submitted = YesNoFilter(
        label=_("Review submitted"), method="review_submitted", field_name="review"
    )

    class Meta:
        model = models.Assignment
        fields = ["call", "phase", "submitted"]

    def review_submitted(self, queryset, name, value):
        condition = Q(review__state=ReviewState.SUBMITTED)
        return queryset.filter(condition) if value else queryset.exclude(condition)


class MeetingFilter(SearchFilterSet):
    search_fields = ("name", "code", "place")
    year = year_filter()
    agency = parent(_("Delegated to"))
    delegated = YesNoFilter(
        label=_("Delegated"), field_name="agency", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = models.AcceptanceMeeting
        fields = ["q", "year", "agency", "delegated"]


class SessionFilter(django_filters.FilterSet):
    meeting = parent()

    class Meta:
        model = models.MeetingSession
        fields = ["meeting"]


class SessionProjectFilter(django_filters.FilterSet):
    session = parent()
    meeting = parent(field_name="session__meeting")
    application = parent()

    class Meta:
        model = models.SessionProject
        fields = ["session", "meeting", "application"]


class PanelMemberFilter(django_filters.FilterSet):
    meeting = parent()
    expert = parent()
    role = django_filters.ChoiceFilter(label=_("Role"), choices=PanelRole.choices)

    class Meta:
        model = models.PanelMember
        fields = ["meeting", "expert", "role"]
