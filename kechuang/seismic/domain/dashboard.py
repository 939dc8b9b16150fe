"""The figures of the earthquake-prevention dashboard, each from one query over the records the
viewer may see (their data scope), nothing stored. What counts is what the area's published
indicators count (their record sets in ``seismic/indicators.py`` are reused): for a viewer who
sees every record the dashboard shows the published figures.

* inspections of a year by project kind and finding, and those the rules flag as below the
  requirement (computed in SQL by ``Inspection.objects.flagged()``);
* the emergency shelters open by a year and their capacity by town (⌊area ÷ 1.5 m²⌋ each,
  computed in SQL by ``with_capacity()``);
* outreach participants by year and kind, over the years up to the chosen one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from kechuang.indicators.engine import Period

from .. import indicators as published
from ..enums import Finding, OutreachKind, ProjectKind
from ..models import Inspection, OutreachEvent

OUTREACH_YEARS = 5  # outreach participants are shown for this many years up to the chosen one


def period(year: int, span: int = 1) -> Period:
    """The ``span`` years ending with ``year``, as the indicators take them."""
    return Period(as_of=dt.date(year, 12, 31), first_year=year - span + 1, last_year=year)


def years(user) -> list[int]:
    """The years with inspections or outreach events the user sees, newest first (this year
    when there are none)."""
    found = set(
        Inspection.objects.visible_to(user)
        .annotate(y=ExtractYear("inspected_on"))
        .values_list("y", flat=True)
        .distinct()
    )
    found |= set(
        OutreachEvent.objects.visible_to(user)
        .annotate(y=ExtractYear("held_on"))
        .values_list("y", flat=True)
        .distinct()
    )
    return sorted(found or {timezone.localdate().year}, reverse=True)


def default_year(user) -> int:
    """The latest year the user has inspections in, else the latest with any figures."""
    latest = (
        Inspection.objects.visible_to(user)
        .order_by("-inspected_on")
        .values_list("inspected_on", flat=True)
        .first()
    )
    return latest.year if latest else years(user)[0]


@dataclass
class InspectionFigures:
    """Inspections of one year: ``counts[kind][finding]``, ``totals[kind]`` and
    ``flagged[kind]`` (below the requirement by the rules), kinds and findings in their
    declared order, only those with inspections."""

    year: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    flagged: dict[str, int] = field(default_factory=dict)

    @property
    def kinds(self) -> list[str]:
        return [k for k in ProjectKind.values if k in self.totals]

    @property
    def findings(self) -> list[str]:
        seen = {f for counts in self.counts.values() for f in counts}
        return [f for f in Finding.values if f in seen]

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def total_flagged(self) -> int:
        return sum(self.flagged.values())


def inspections(user, year: int) -> InspectionFigures:
    """Inspections of ``year`` by project kind and finding, with the flagged ones per kind (one
    query: the flag is a conditional count over the rules' SQL annotation)."""
    rows = (
        published.inspections_in(period(year))
        .visible_to(user)
        .with_requirement()
        .values("project__kind", "finding")
        .annotate(n=Count("pk"), below=Count("pk", filter=Q(below_requirement=True)))
        .order_by()
    )
    figures = InspectionFigures(year)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        kind = row["project__kind"]
        counts[kind][row["finding"]] = row["n"]
        figures.totals[kind] = figures.totals.get(kind, 0) + row["n"]
        figures.flagged[kind] = figures.flagged.get(kind, 0) + row["below"]
    figures.counts = dict(counts)
    return figures


def flagged_inspections(user, year: int) -> list[Inspection]:
    """The inspections of ``year`` whose design is below the required fortification, with
    their project and town (one query)."""
    return list(
        published.flagged_in(period(year))
        .visible_to(user)
        .select_related("project__town")
        .order_by("-inspected_on", "-id")
    )


@dataclass
class TownShelters:
    code: str  # the town's division code
    town: str
    shelters: int
    area: object  # Decimal m²
    capacity: int


def shelters_by_town(user, year: int) -> list[TownShelters]:
    """Shelters open by the end of ``year`` (opened that year or before, or the year not
    known), their effective area and capacity summed by town (one query)."""
    rows = (
        published.shelters_open(period(year))
        .visible_to(user)
        .values("town__code", "town__name")
        .annotate(n=Count("pk"), area=Sum("effective_area"), people=Sum("capacity"))
        .order_by("town__code")
    )
    return [
        TownShelters(
            row["town__code"], row["town__name"], row["n"], row["area"], row["people"] or 0
        )
        for row in rows
    ]


@dataclass
class OutreachFigures:
    """Participants ``by_kind[kind][year]`` over ``years`` (oldest first) and ``totals[year]``."""

    years: list[int]
    by_kind: dict[str, dict[int, int]]
    totals: dict[int, int]

    @property
    def kinds(self) -> list[str]:
        return [k for k in OutreachKind.values if k in self.by_kind]


def outreach(user, last_year: int, span: int = OUTREACH_YEARS) -> OutreachFigures:
    """Outreach participants by year and kind for the ``span`` years up to ``last_year`` (one
    query)."""
    first = last_year - span + 1
    rows = (
        published.outreach_in(period(last_year, span))
        .visible_to(user)
        .annotate(y=ExtractYear("held_on"))
        .values("y", "kind")
        .annotate(people=Sum("participants"))
        .order_by()
    )
    by_kind: dict[str, dict[int, int]] = defaultdict(dict)
    totals = dict.fromkeys(range(first, last_year + 1), 0)
    for row in rows:
        by_kind[row["kind"]][row["y"]] = row["people"] or 0
        totals[row["y"]] += row["people"] or 0
    return OutreachFigures(list(range(first, last_year + 1)), dict(by_kind), totals)
