"""What the dashboard shows: headline numbers and charts, each a plain ECharts option (no
functions; ``static/kechuang/dashboard.js`` adds the tooltip and the click) built from indicator
results. Every data item carries ``url``, the drill-down page of its value, and ``text``, the
value written with its unit; every chart also comes as a table with the same links.

Indicators missing from the registry are skipped, so the dashboard never breaks on a renamed id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import engine
from .engine import Indicator, Result
from .params import evaluate, result_drill_url
from .templatetags.indicator_format import format_value, period_text, result_value

HEADLINES = (
    "industry.enterprises",
    "industry.high_tech",
    "industry.output",
    "rd.hosts_in_force",
    "institutes.talents",
    "incubators.tenants",
    "incubators.incubation_area",
    "signings.investment",
)
RD_HOSTS = "rd.hosts_in_force"
RD_CERTIFIED = "rd.certified"
RD_YEARS = 5
TENANTS = "incubators.tenants"
OUTPUT = "industry.output"


def institute_kpis() -> list[tuple[str, str | None, str]]:
    """(indicator, part of each institute's key or None, short label) of the KPI chart."""
    return [
        ("institutes.talents", None, _("Professionals introduced")),
        ("institutes.incubation_projects", "introduced", _("Incubation projects introduced")),
        ("institutes.services", None, _("Services to enterprises")),
        ("institutes.contracts", None, _("Cooperation contracts")),
        ("institutes.joint_labs", None, _("Joint laboratories")),
        ("institutes.graduate_students", None, _("Graduate students")),
        ("institutes.research_teams", None, _("Research teams")),
        ("institutes.approved_projects", None, _("Approved projects")),
    ]


@dataclass
class Cell:
    text: str
    url: str | None = None


@dataclass
class Row:
    label: str
    cells: list[Cell]


@dataclass
class Chart:
    id: str
    title: str
    subtitle: str
    option: dict
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    height: int = 320
    empty: bool = False

    @property
    def option_id(self) -> str:
        return f"{self.id}-option"


def find(indicator_id: str) -> Indicator | None:
    try:
        return engine.get(indicator_id)
    except KeyError:
        return None


def item(result: Result, key: str | None, name: str | None = None) -> dict:
    """An ECharts data item for the value of ``key`` (the indicator's value when None)."""
    value = result.value if key is None else result.breakdown.get(key, 0)
    data = {
        "value": float(value or 0),
        "text": format_value(value or 0, result.indicator),
        "url": result_drill_url(result, key) if key is None or key in result.breakdown else None,
    }
    if name is not None:
        data["name"] = name
    return data


def cell(data: dict) -> Cell:
    return Cell(data["text"], data["url"])


def dimension_keys(result: Result, dimension: engine.Dimension) -> list[str]:
    """The breakdown keys that are values of ``dimension``, in the breakdown's order."""
    found = (
        result.indicator.records(result.period)
        .order_by()
        .values_list(dimension.field, flat=True)
        .distinct()
    )
    values = {str(v) for v in found if v is not None}
    return [key for key in result.breakdown if key in values]


def headlines(as_of: dt.date, viewer=None) -> list[dict]:
    cards = []
    for indicator_id in HEADLINES:
        indicator = find(indicator_id)
        if indicator is None:
            continue
        result = evaluate(indicator, as_of, viewer=viewer)
        cards.append(
            {
                "id": indicator.id,
                "label": indicator.display_name,
                "text": result_value(result),
                "period": period_text(result),
                "url": result_drill_url(result),
            }
        )
    return cards


def category_axis(labels: list[str]) -> dict:
    return {"type": "category", "data": labels, "axisLabel": {"interval": 0, "hideOverlap": True}}


def value_axis(unit: str) -> dict:
    return {"type": "value", "name": unit, "minInterval": 1}


# The charts -----------------------------------------------------------------------------------


def rd_levels(as_of: dt.date, viewer=None) -> Chart | None:
    """R&D institutions in force, each host once at its highest level: tiers inside, levels
    outside."""
    indicator = find(RD_HOSTS)
    if indicator is None:
        return None
    result = evaluate(indicator, as_of, viewer=viewer)
    tiers, levels = [], []
    for part in indicator.parts_for(result.period):
        is_tier = getattr(part.label, "parent_id", True) is None
        (tiers if is_tier else levels).append(item(result, part.key, str(part.label)))
    rows = [Row(d["name"], [cell(d)]) for d in tiers + levels]
    option = {
        "legend": {"type": "scroll", "bottom": 0},
        "series": [
            {
                "type": "pie",
                "name": indicator.display_name,
                "radius": [0, "34%"],
                "center": ["50%", "45%"],
                "label": {"position": "inner", "formatter": "{c}"},
                "data": [d for d in tiers if d["value"]],
            },
            {
                "type": "pie",
                "name": indicator.display_name,
                "radius": ["44%", "64%"],
                "center": ["50%", "45%"],
                "label": {"formatter": "{b}: {c}"},
                "data": [d for d in levels if d["value"]],
            },
        ],
    }
    return Chart(
        "chart-rd-levels",
        _("R&D institutions by level"),
        f"{indicator.display_name} · {period_text(result)} · {result_value(result)}",
        option,
        columns=[indicator.display_unit or _("Value")],
        rows=rows,
        height=380,
        empty=not result.value,
    )


def rd_years(as_of: dt.date, viewer=None) -> Chart | None:
    """R&D institutions newly certified in each of the last years, stacked by level."""
    indicator = find(RD_CERTIFIED)
    if indicator is None:
        return None
    years = list(range(as_of.year - RD_YEARS + 1, as_of.year + 1))
    results = [
        evaluate(indicator, as_of if y == as_of.year else dt.date(y, 12, 31), viewer=viewer)
        for y in years
    ]
    levels = [
        p
        for p in indicator.parts_for(results[-1].period)
        if getattr(p.label, "parent_id", None) is not None
    ] or indicator.parts_for(results[-1].period)
    series, rows = [], []
    for part in levels:
        data = [
            item(result, part.key, str(year)) for year, result in zip(years, results, strict=True)
        ]
        rows.append(Row(str(part.label), [cell(d) for d in data]))
        if any(d["value"] for d in data):
            series.append({"type": "bar", "stack": "total", "name": str(part.label), "data": data})
    totals = [item(result, None, str(year)) for year, result in zip(years, results, strict=True)]
    rows.append(Row(_("All levels"), [cell(d) for d in totals]))
    option = {
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 40, "right": 20, "top": 30, "bottom": 60},
        "xAxis": category_axis([str(y) for y in years]),
        "yAxis": value_axis(indicator.display_unit),
        "series": series,
    }
    return Chart(
        "chart-rd-years",
        _("R&D institutions newly certified, by year and level"),
        f"{indicator.display_name} · {years[0]}–{years[-1]}",
        option,
        columns=[str(y) for y in years],
        rows=rows,
        height=360,
        empty=not any(r.value for r in results),
    )


def institutes(as_of: dt.date, viewer=None) -> Chart | None:
    """The new-type R&D institutes' figures side by side: one group of bars per figure."""
    kpis = []
    for indicator_id, part, label in institute_kpis():
        indicator = find(indicator_id)
        if indicator is not None and indicator.dimensions:
            kpis.append((evaluate(indicator, as_of, viewer=viewer), part, label))
    if not kpis:
        return None
    names: dict[str, str] = {}  # institute code → name, in order of appearance
    for result, _part, _label in kpis:
        for code in dimension_keys(result, result.indicator.dimensions[0]):
            names.setdefault(code, result.labels.get(code, code))
    series, rows = [], []
    for code, name in names.items():
        data = []
        for result, part, label in kpis:
            key = f"{code}.{part}" if part else code
            data.append(item(result, key, label))
        series.append({"type": "bar", "name": name, "data": data})
        rows.append(Row(name, [cell(d) for d in data]))
    option = {
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 70},
        "xAxis": {
            **category_axis([label for _r, _p, label in kpis]),
            "axisLabel": {"interval": 0, "rotate": 20},
        },
        "yAxis": value_axis(""),
        "series": series,
    }
    return Chart(
        "chart-institutes",
        _("New-type R&D institutes side by side"),
        period_text(kpis[0][0]),
        option,
        columns=[label for _r, _p, label in kpis],
        rows=rows,
        height=380,
        empty=not names,
    )


def incubators(as_of: dt.date, viewer=None) -> Chart | None:
    """Enterprises incubated in each incubator on the date."""
    indicator = find(TENANTS)
    if indicator is None or not indicator.dimensions:
        return None
    result = evaluate(indicator, as_of, viewer=viewer)
    dimension = next(
        (d for d in indicator.dimensions if d.field.endswith("incubator__code")),
        indicator.dimensions[-1],
    )
    data = [
        item(result, key, result.labels.get(key, key)) for key in dimension_keys(result, dimension)
    ]
    option = {
        "grid": {"left": 10, "right": 40, "top": 20, "bottom": 30, "containLabel": True},
        "xAxis": value_axis(""),  # the unit is in the subtitle; at the end it would be cut
        "yAxis": {**category_axis([d["name"] for d in data]), "inverse": True},
        "series": [
            {
                "type": "bar",
                "name": indicator.display_name,
                "data": data,
                "label": {"show": True, "position": "right"},
            }
        ],
    }
    return Chart(
        "chart-incubators",
        _("Incubator occupancy"),
        f"{indicator.display_name} · {period_text(result)} · {result_value(result)}",
        option,
        columns=[indicator.display_unit or _("Value")],
        rows=[Row(d["name"], [cell(d)]) for d in data],
        height=max(240, 60 + 32 * len(data)),
        empty=not data,
    )


def chains(as_of: dt.date, viewer=None) -> Chart | None:
    """Industrial output of the year by industry chain (an enterprise counts in each of its
    chains, so the chains add up to more than the total)."""
    indicator = find(OUTPUT)
    if indicator is None or not indicator.dimensions:
        return None
    result = evaluate(indicator, as_of, viewer=viewer)
    keys = dimension_keys(result, indicator.dimensions[0])
    data = [item(result, key, result.labels.get(key, key)) for key in keys]
    option = {
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 60},
        "xAxis": {
            **category_axis([d["name"] for d in data]),
            "axisLabel": {"interval": 0, "rotate": 20},
        },
        "yAxis": value_axis(indicator.display_unit),
        "series": [{"type": "bar", "name": indicator.display_name, "data": data}],
    }
    return Chart(
        "chart-chains",
        _("Industrial output by industry chain"),
        f"{indicator.display_name} · {period_text(result)} · {result_value(result)}",
        option,
        columns=[indicator.display_unit or _("Value")],
        rows=[Row(d["name"], [cell(d)]) for d in data],
        height=340,
        empty=not data,
    )


def dashboard(as_of: dt.date, viewer=None) -> dict:
    """The dashboard's figures on ``as_of``; breakdown keys that name records outside the
    ``viewer``'s data scope are left out (see ``Indicator.evaluate``)."""
    charts = [c(as_of, viewer) for c in (rd_levels, rd_years, institutes, incubators, chains)]
    return {
        "headlines": headlines(as_of, viewer),
        "charts": [c for c in charts if c is not None],
    }
