"""The earthquake-prevention dashboard (``seismic:dashboard``): a year's inspections by project
kind and finding with those flagged below the requirement, the shelters' capacity by town and
outreach participants by year — Tabler cards and ECharts charts drawn by
``static/kechuang/dashboard.js`` from plain options, each chart also a table; every bar links to
the records behind it. The figures come from :mod:`.domain.dashboard` (queries over the records
the viewer may see)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from kechuang.core.views import PermissionRequiredMixin
from kechuang.indicators.charts import Cell, Chart, Row, category_axis, value_axis

from .domain import dashboard
from .enums import Finding, OutreachKind, ProjectKind

VIEW_DASHBOARD = "seismic.view_inspection"


def list_url(name: str, **query) -> str:
    return f"{reverse(f'seismic:{name}-list')}?{urlencode(query)}"


def number(value) -> str:
    return f"{value:,}"


def datum(value, url: str, name: str | None = None) -> dict:
    data = {"value": value, "text": number(value), "url": url}
    if name is not None:
        data["name"] = name
    return data


def inspections_chart(figures: dashboard.InspectionFigures) -> Chart:
    """Inspections by project kind (bars), stacked by finding, with the flagged ones beside."""
    year = figures.year
    kinds, findings = figures.kinds, figures.findings
    labels = [str(ProjectKind(k).label) for k in kinds]
    series, rows = [], []
    for finding in findings:
        data = [
            datum(
                figures.counts[k].get(finding, 0),
                list_url("inspection", year=year, kind=k, finding=finding),
                label,
            )
            for k, label in zip(kinds, labels, strict=True)
        ]
        series.append(
            {"type": "bar", "stack": "findings", "name": str(Finding(finding).label), "data": data}
        )
    flagged = [
        datum(
            figures.flagged.get(k, 0),
            list_url("inspection", year=year, kind=k, below_requirement="true"),
            label,
        )
        for k, label in zip(kinds, labels, strict=True)
    ]
    series.append(
        {
            "type": "bar",
            "name": _("Below the requirement (by the rules)"),
            "data": flagged,
            "itemStyle": {"color": "#d63939"},
        }
    )
    for k, label in zip(kinds, labels, strict=True):
        cells = [
            Cell(
                number(figures.counts[k].get(f, 0)),
                list_url("inspection", year=year, kind=k, finding=f),
            )
            for f in findings
        ]
        cells.append(Cell(number(figures.totals[k]), list_url("inspection", year=year, kind=k)))
        cells.append(
            Cell(
                number(figures.flagged.get(k, 0)),
                list_url("inspection", year=year, kind=k, below_requirement="true"),
            )
        )
        rows.append(Row(label, cells))
    if kinds:
        rows.append(
            Row(
                _("All kinds"),
                [
                    Cell(
                        number(sum(figures.counts[k].get(f, 0) for k in kinds)),
                        list_url("inspection", year=year, finding=f),
                    )
                    for f in findings
                ]
                + [
                    Cell(number(figures.total), list_url("inspection", year=year)),
                    Cell(
                        number(figures.total_flagged),
                        list_url("inspection", year=year, below_requirement="true"),
                    ),
                ],
            )
        )
    option = {
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 40, "right": 20, "top": 30, "bottom": 60},
        "xAxis": category_axis(labels),
        "yAxis": value_axis(_("inspections")),
        "series": series,
    }
    return Chart(
        "chart-inspections",
        _("Seismic-safety inspections by project kind and finding"),
        _("%(year)d · %(count)s inspections, %(flagged)s below the requirement")
        % {"year": year, "count": number(figures.total), "flagged": number(figures.total_flagged)},
        option,
        columns=[str(Finding(f).label) for f in findings]
        + [_("All findings"), _("Below the requirement")],
        rows=rows,
        height=360,
        empty=not kinds,
    )


def shelters_chart(towns: list[dashboard.TownShelters], year: int) -> Chart:
    data = [
        datum(t.capacity, list_url("shelter", town=t.code, opened_by=year), t.town) for t in towns
    ]
    option = {
        "grid": {"left": 10, "right": 60, "top": 20, "bottom": 30, "containLabel": True},
        "xAxis": value_axis(""),
        "yAxis": {**category_axis([t.town for t in towns]), "inverse": True},
        "series": [
            {
                "type": "bar",
                "name": _("Capacity (people)"),
                "data": data,
                "label": {"show": True, "position": "right"},
            }
        ],
    }
    rows = [
        Row(
            t.town,
            [
                Cell(number(t.shelters), list_url("shelter", town=t.code, opened_by=year)),
                Cell(f"{t.area:,.2f}"),
                Cell(number(t.capacity)),
            ],
        )
        for t in towns
    ]
    total = sum(t.capacity for t in towns)
    return Chart(
        "chart-shelters",
        _("Emergency shelters' capacity by town"),
        _("Open by the end of %(year)d · %(people)s people (effective area ÷ 1.5 m² each)")
        % {"year": year, "people": number(total)},
        option,
        columns=[_("Shelters"), _("Effective area (m²)"), _("Capacity (people)")],
        rows=rows,
        height=max(240, 60 + 32 * len(towns)),
        empty=not towns,
    )


def outreach_chart(figures: dashboard.OutreachFigures) -> Chart:
    labels = [str(y) for y in figures.years]
    series, rows = [], []
    for kind in figures.kinds:
        label = str(OutreachKind(kind).label)
        data = [
            datum(
                figures.by_kind[kind].get(y, 0),
                list_url("outreachevent", year=y, kind=kind),
                str(y),
            )
            for y in figures.years
        ]
        series.append({"type": "bar", "stack": "kinds", "name": label, "data": data})
        rows.append(Row(label, [Cell(d["text"], d["url"]) for d in data]))
    rows.append(
        Row(
            _("All kinds"),
            [
                Cell(number(figures.totals[y]), list_url("outreachevent", year=y))
                for y in figures.years
            ],
        )
    )
    option = {
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 50, "right": 20, "top": 30, "bottom": 60},
        "xAxis": category_axis(labels),
        "yAxis": value_axis(_("participants")),
        "series": series,
    }
    return Chart(
        "chart-outreach",
        _("Outreach participants by year"),
        f"{figures.years[0]}–{figures.years[-1]}",
        option,
        columns=labels,
        rows=rows,
        height=340,
        empty=not any(figures.totals.values()),
    )


class Dashboard(PermissionRequiredMixin, TemplateView):
    template_name = "seismic/dashboard.html"
    permission = VIEW_DASHBOARD

    def year(self) -> int:
        """The year asked for (``?year=``), else the latest with inspections."""
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            return dashboard.default_year(self.request.user)
        return year if 1900 <= year <= 2100 else dashboard.default_year(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        choices = dashboard.years(user)
        year = self.year()
        if year not in choices:
            choices = sorted({*choices, year}, reverse=True)
        inspections = dashboard.inspections(user, year)
        flagged = dashboard.flagged_inspections(user, year)
        towns = dashboard.shelters_by_town(user, year)
        outreach = dashboard.outreach(user, year)
        context.update(
            year=year,
            years=choices,
            flagged=flagged,
            flagged_url=list_url("inspection", year=year, below_requirement="true"),
            headlines=[
                {
                    "key": "inspections",
                    "label": _("Inspections in %(year)d") % {"year": year},
                    "text": number(inspections.total),
                    "url": list_url("inspection", year=year),
                },
                {
                    "key": "flagged",
                    "label": _("Below the requirement"),
                    "text": number(len(flagged)),
                    "url": list_url("inspection", year=year, below_requirement="true"),
                },
                {
                    "key": "capacity",
                    "label": _("Shelter capacity (people)"),
                    "text": number(sum(t.capacity for t in towns)),
                    "url": list_url("shelter", opened_by=year),
                },
                {
                    "key": "participants",
                    "label": _("Outreach participants in %(year)d") % {"year": year},
                    "text": number(outreach.totals[year]),
                    "url": list_url("outreachevent", year=year),
                },
            ],
            charts=[
                inspections_chart(inspections),
                shelters_chart(towns, year),
                outreach_chart(outreach),
            ],
        )
        return context
