import re

import django_filters
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.enums import CodeList
from kechuang.core.interfaces.filters import YesNoFilter
from kechuang.core.models import CodeItem

from ..domain.uscc import normalise_uscc
from ..enums import OrganisationKind
from ..models import EnterpriseYear, Organisation, Person, Town, Zone

# Six or more code characters with at least two digits: a credit code, not a name.
USCC_CODE = re.compile(r"(?=(?:.*\d){2})[0-9A-Z]{6,18}")
INSTITUTIONS = "institution"


def default_figures_year() -> int:
    """The latest year any figures are recorded for (last calendar year if none are)."""
    latest = EnterpriseYear.objects.aggregate(latest=Max("year"))["latest"]
    return latest or timezone.localdate().year - 1


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[*OrganisationKind.choices, (INSTITUTIONS, _("All except enterprises"))],
        method="of_kind",
    )
    town = django_filters.ModelChoiceFilter(label=_("Town"), queryset=Town.objects.all())
    zone = django_filters.ModelChoiceFilter(
        label=_("Zone"), queryset=Zone.objects.all(), method="in_zone"
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Industry chain"),
        queryset=CodeItem.objects.of(CodeList.INDUSTRY_CHAIN),
        method="in_chain",
    )
    section = django_filters.ModelChoiceFilter(
        label=_("Industry section"),
        queryset=CodeItem.objects.of(CodeList.INDUSTRY_CLASS).filter(parent__isnull=True),
        field_name="industry__parent",
    )
    above_scale = YesNoFilter(label=_("Above designated size"), method="filter_above_scale")
    year = django_filters.NumberFilter(label=_("Figures year"), method="noop")
    qualification = django_filters.ModelChoiceFilter(
        label=_("Holds qualification"),
        queryset=CodeItem.objects.of(CodeList.QUALIFICATION_KIND),
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

    def in_zone(self, queryset, name, value):
        through = Organisation.zones.through
        return queryset.filter(
            Exists(through.objects.filter(organisation_id=OuterRef("pk"), zone_id=value.pk))
        )

    def in_chain(self, queryset, name, value):
        return queryset.in_chain(value.code)

    def filter_above_scale(self, queryset, name, value):
        flagged = Exists(
            EnterpriseYear.objects.filter(
                organisation_id=OuterRef("pk"), year=self.figures_year(), above_scale=True
            )
        )
        return queryset.filter(flagged if value else ~flagged)

    def holding(self, queryset, name, value):
        on = self.form.cleaned_data.get("qualification_on") or timezone.localdate()
        return queryset.holding(value.code, on)


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.none(), method="at_organisation"
    )
    title = django_filters.ModelChoiceFilter(
        label=_("Title"), queryset=CodeItem.objects.of(CodeList.TITLE)
    )
    talent_level = django_filters.ModelChoiceFilter(
        label=_("Talent level"), queryset=CodeItem.objects.of(CodeList.TALENT_LEVEL)
    )

    class Meta:
        model = Person
        fields = ["q", "title", "talent_level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["organisation"].queryset = Organisation.objects.visible_to(user)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__ilike_contains=value) | Q(organisation__name__ilike_contains=value)
        )

    def at_organisation(self, queryset, name, value):
        return queryset.filter(organisation=value)
