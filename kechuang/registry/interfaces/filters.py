import re

import django_filters
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.domain.choices import cached_rows, code_list_choices, localised
from kechuang.core.enums import CodeList
from kechuang.core.interfaces.filters import YearFilter, YesNoFilter

from ..domain.uscc import normalise_uscc
from ..enums import OrganisationKind
from ..models import EnterpriseYear, Organisation, Town, Zone

# Six or more code characters with at least two digits: a credit code, not a name.
USCC_CODE = re.compile(r"(?=(?:.*\d){2})[0-9A-Z]{6,18}")
INSTITUTIONS = "institution"


def default_figures_year() -> int:
    """The latest year any figures are recorded for (last calendar year if none are)."""
    latest = EnterpriseYear.objects.aggregate(latest=Max("year"))["latest"]
    return latest or timezone.localdate().year - 1


def town_choices():
    rows = cached_rows("towns", lambda: Town.objects.values_list("code", "name", "name_en"))
    return localised(rows)


def zone_choices():
    rows = cached_rows("zones", lambda: Zone.objects.values_list("code", "name", "name_en"))
    return localised(rows)


def town(path: str):
    """A filter by town, named by its stable code (``?town=330482101``); ``path`` leads from
    the record to its town (``host__town``)."""
    return django_filters.ChoiceFilter(
        label=_("Town"), choices=town_choices, field_name=f"{path}__code"
    )


def zone(path: str):
    """A filter by zone, named by its stable code (``?zone=pinghu_etdz``); ``path`` leads from
    the record to its zone."""
    return django_filters.ChoiceFilter(
        label=_("Zone"), choices=zone_choices, field_name=f"{path}__code"
    )


class OrganisationFilter(django_filters.FilterSet):
    """Filters of the organisation list and API. Towns, zones and code-list items are named by
    their stable codes (``?town=330482101&chain=new_materials``)."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[*OrganisationKind.choices, (INSTITUTIONS, _("All except enterprises"))],
        method="of_kind",
    )
    town = django_filters.ChoiceFilter(label=_("Town"), choices=town_choices, method="in_town")
    zone = django_filters.ChoiceFilter(label=_("Zone"), choices=zone_choices, method="in_zone")
    chain = django_filters.ChoiceFilter(
        label=_("Industry chain"),
        choices=code_list_choices(CodeList.INDUSTRY_CHAIN),
        method="in_chain",
    )
    section = django_filters.ChoiceFilter(
        label=_("Industry section"),
        choices=code_list_choices(CodeList.INDUSTRY_CLASS, top_level=True),
        field_name="industry__parent__code",
    )
    above_scale = YesNoFilter(label=_("Above designated size"), method="filter_above_scale")
    year = YearFilter(label=_("Figures year"), method="noop")
    qualification = django_filters.ChoiceFilter(
        label=_("Holds qualification"),
        choices=code_list_choices(CodeList.QUALIFICATION_KIND),
        method="holding",
    )
    qualification_on = django_filters.DateFilter(label=_("Held on date"), method="noop")
    is_demo = YesNoFilter(label=_("Demo data"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "town", "zone", "chain", "section", "above_scale", "qualification"]

    def of_kind(self, queryset, name, value):
        if value == INSTITUTIONS:
            return queryset.exclude(kind=OrganisationKind.ENTERPRISE)
        return queryset.filter(kind=value)

    def noop(self, queryset, name, value):
        return queryset  # read by the filters that use it

    def figures_year(self) -> int:
        value = self.form.cleaned_data.get("year")
        return int(value) if value else default_figures_year()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        code = normalise_uscc(value)
        if USCC_CODE.fullmatch(code):  # looks like a credit code (or its beginning)
            return queryset.filter(uscc__startswith=code)
        return queryset.filter(
            Q(name__ilike_contains=value) | Q(former_names__ilike_contains=value)
        )

    def in_town(self, queryset, name, value):
        # By id, not through a join on the town's code: the planner then counts the town's
        # organisations from the town_id index alone.
        town_id = Town.objects.filter(code=value).values_list("pk", flat=True).first()
        return queryset.filter(town_id=town_id)

    def in_zone(self, queryset, name, value):
        through = Organisation.zones.through
        return queryset.filter(
            Exists(through.objects.filter(organisation_id=OuterRef("pk"), zone__code=value))
        )

    def in_chain(self, queryset, name, value):
        return queryset.in_chain(value)

    def filter_above_scale(self, queryset, name, value):
        flagged = Exists(
            EnterpriseYear.objects.filter(
                organisation_id=OuterRef("pk"), year=self.figures_year(), above_scale=True
            )
        )
        return queryset.filter(flagged if value else ~flagged)

    def holding(self, queryset, name, value):
        on = self.form.cleaned_data.get("qualification_on") or timezone.localdate()
        return queryset.holding(value, on)
