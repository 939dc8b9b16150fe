"""Filters of the earthquake-prevention lists. Towns and code-list items are named by their stable
codes (``?town=330482101&kind=school&below_requirement=true``), a parent record by its id
(``?project=3``), which is how a record's page links to the list of its children.

"Below the requirement" is computed by the rules in SQL (``with_requirement()``), never stored:
the filter asks the same annotation the list shows.
"""

import django_filters
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from kechuang.core.interfaces.filters import (
    DATE_INPUT,
    SearchFilterSet,
    YesNoFilter,
    parent,
    year_filter,
)
from kechuang.registry.interfaces.filters import town

from .. import models
from ..domain import requirement
from ..enums import (
    BuildingUse,
    Finding,
    FortificationClass,
    ProjectKind,
)


def date_from(field_name: str, label=None):
    return django_filters.DateFilter(
        label=label or _("From"), field_name=field_name, lookup_expr="gte", widget=DATE_INPUT
    )


def date_to(field_name: str, label=None):
    return django_filters.DateFilter(
        label=label or _("To"), field_name=field_name, lookup_expr="lte", widget=DATE_INPUT
    )


def choice(label, choices, field_name=None):
    extra = {"field_name": field_name} if field_name else {}
    return django_filters.ChoiceFilter(label=label, choices=choices, **extra)


LATEST_DESIGN = "latest_designed_intensity"
LATEST_CLASS = "latest_designed_class"
LATEST_INSPECTION = "latest_inspected_on"


def with_latest_design(queryset, inspections=None):
    """Construction projects with the rules' requirement (``with_requirement()``), their latest
    inspection's date, designed class and designed measures intensity, and
    ``below_requirement``: that design's class below the required class or its measures below
    the required ones (NULL when never inspected or the requirement is unknown) — what
    ``ConstructionProject.evaluation()`` decides for one project, for a whole list.
    ``inspections``: those the reader may see (default: all)."""
    if inspections is None:
        inspections = models.Inspection.objects.all()
    latest = inspections.filter(project=OuterRef("pk")).order_by("-inspected_on", "-id")
    return queryset.annotate(
        **{
            LATEST_DESIGN: Subquery(latest.values("designed_measures_intensity")[:1]),
            LATEST_CLASS: Subquery(latest.values("designed_class")[:1]),
            LATEST_INSPECTION: Subquery(latest.values("inspected_on")[:1]),
        }
    ).with_requirement(designed=LATEST_DESIGN, designed_class=LATEST_CLASS)


class BelowRequirementFilter(YesNoFilter):
    """Records whose design is below the required fortification (computed by the rules); "no"
    keeps those that meet it, records whose requirement is unknown are in neither."""

    def __init__(self, *args, annotate=None, **kwargs):
        kwargs.setdefault("label", _("Below the requirement"))
        super().__init__(*args, **kwargs)
        self.annotate = annotate

    def filter(self, qs, value):
        if value is None:
            return qs
        if requirement.BELOW not in qs.query.annotations:
            qs = self.annotate(qs)
        return qs.filter(**{requirement.BELOW: value})


class ConstructionProjectFilter(SearchFilterSet):
    search_fields = ("name", "owner_name", "owner__name", "address")
    town = town("town")
    kind = choice(_("Kind"), ProjectKind.choices)
    building_use = choice(_("Building use"), BuildingUse.choices)
    start_year = year_filter(_("Year construction started"))
    below_requirement = BelowRequirementFilter(annotate=with_latest_design)
    inspected = YesNoFilter(label=_("Inspected"), method="filter_inspected")

    class Meta:
        model = models.ConstructionProject
        fields = [
            "q",
            "town",
            "kind",
            "building_use",
            "start_year",
            "below_requirement",
            "inspected",
        ]

    def filter_inspected(self, queryset, name, value):
        inspected = Q(pk__in=models.Inspection.objects.values("project"))
        return queryset.filter(inspected if value else ~inspected)


class InspectionFilter(SearchFilterSet):
    search_fields = ("project__name", "project__owner_name", "inspectors", "findings")
    project = parent()
    town = town("project__town")
    kind = choice(_("Project kind"), ProjectKind.choices, "project__kind")
    year = year_filter(field_name="inspected_on__year")
    inspected_from = date_from("inspected_on", _("Inspected from"))
    inspected_to = date_to("inspected_on", _("Inspected until"))
    finding = choice(_("Finding"), Finding.choices)
    designed_class = choice(_("Designed class"), FortificationClass.choices)
    below_requirement = BelowRequirementFilter(annotate=lambda qs: qs.with_requirement())
    open_rectification = YesNoFilter(label=_("Rectification open"), method="filter_open")

    class Meta:
        model = models.Inspection
        fields = [
            "q",
            "project",
            "town",
            "kind",
            "year",
            "inspected_from",
            "inspected_to",
            "finding",
            "designed_class",
            "below_requirement",
            "open_rectification",
        ]

    def filter_open(self, queryset, name, value):
        open_ = Q(rectification_required=True, rectified_on__isnull=True)
        return queryset.filter(open_ if value else ~open_)
