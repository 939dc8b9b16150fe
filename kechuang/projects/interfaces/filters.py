"""Filters of the plan-project pages: the calls and the projects lists (and the projects export,
which exports exactly the filtered list). Towns and code-list items are named by their stable
codes, a call by its id (``?call=3``), which is how a call's page links to its projects."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.interfaces.filters import YesNoFilter, search, year_filter
from kechuang.registry.interfaces.filters import town_choices

from .. import models
from ..domain.workflow import queue_states
from ..enums import Category, Field, State
from . import api_filters

WAITING_FOR_ME = "todo"


class CallFilter(api_filters.CallFilter):
    """The calls list: the API's filters, the guide searched too, and whether a call is open
    now instead of at a given moment."""

    search_fields = ("name", "code", "guide")
    open_on = None
    open_now = YesNoFilter(label=_("Open now"), method="open_now_filter")

    class Meta:
        model = models.Call
        fields = ["q", "year", "category", "field", "programme", "open_now"]

    def open_now_filter(self, queryset, name, value):
        if value is None:
            return queryset
        now = timezone.now()
        open_ = Q(opens_at__lte=now, closes_at__gt=now)
        return queryset.filter(open_) if value else queryset.exclude(open_)


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    call = django_filters.ModelChoiceFilter(
        label=_("Call"), queryset=models.Call.objects.order_by("-year", "-batch", "-id")
    )
    year = year_filter(_("Year of the call"), field_name="call__year")
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[(WAITING_FOR_ME, _("Waiting for me")), *State.choices],
        method="in_state",
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, field_name="call__category"
    )
    field = django_filters.ChoiceFilter(
        label=_("Field"), choices=Field.choices, field_name="call__field"
    )
    town = django_filters.ChoiceFilter(
        label=_("Town"), choices=town_choices, field_name="undertaker__town__code"
    )
    undertaker = django_filters.CharFilter(
        label=_("Undertaking organisation"), method="undertaker_filter"
    )

    class Meta:
        model = models.Application
        fields = ["q", "call", "year", "state", "category", "field", "town", "undertaker"]

    def search(self, queryset, name, value):
        return search(queryset, ("name", "number", "leader_name", "content"), value)

    def undertaker_filter(self, queryset, name, value):
        return search(queryset, ("undertaker__name", "undertaker__uscc"), value)

    def in_state(self, queryset, name, value):
        if value == WAITING_FOR_ME:
            return queryset.filter(state__in=queue_states(self.request.user))
        return queryset.filter(state=value)
