"""Filters of the platform lists and API. Towns, zones and code-list items are named by their
stable codes (``?level=provincial_rd_centre&in_force_on=2023-12-31``); a parent record by its id
(``?incubator=3``), which is how a record's page links to the list of its children."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.domain.choices import code_list_choices
from kechuang.core.enums import CodeList
from kechuang.core.interfaces.filters import SearchFilterSet, parent, year_filter
from kechuang.registry.interfaces.filters import town

from .. import models
from ..enums import (
    RDEventKind,
)


class RDInstitutionFilter(SearchFilterSet):
    search_fields = ("name", "host__name", "host__uscc", "document_number")
    level = django_filters.ChoiceFilter(
        label=_("Kind and level"),
        choices=code_list_choices(CodeList.RD_LEVEL, top_level=False),
        field_name="level__code",
    )
    tier = django_filters.ChoiceFilter(
        label=_("Tier"),
        choices=code_list_choices(CodeList.RD_LEVEL, top_level=True),
        field_name="level__parent__code",
    )
    certified_year = year_filter(_("Certification year"))
    in_force_on = django_filters.DateFilter(
        label=_("In force on"),
        method="in_force",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    town = town("host__town")
    host = parent()

    class Meta:
        model = models.RDInstitution
        fields = ["q", "level", "tier", "certified_year", "in_force_on", "town", "host"]

    def in_force(self, queryset, name, value):
        return queryset.in_force(value)


class RDInstitutionEventFilter(django_filters.FilterSet):
    institution = parent()
    kind = django_filters.ChoiceFilter(label=_("Event"), choices=RDEventKind.choices)

    class Meta:
        model = models.RDInstitutionEvent
        fields = ["institution", "kind"]
