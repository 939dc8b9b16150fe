"""Indicator pages: every indicator for a date, the records behind a value (with an Excel
export of them), and the dashboard. Only bureau and town staff (and superusers) see them."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.interfaces.excel import write_workbook
from kechuang.core.views import PermissionRequiredMixin

from . import charts, engine, params
from .engine import Measure
from .rules import VIEW_INDICATORS
from .templatetags.indicator_format import format_value

AREAS = {
    "industry": gettext_lazy("Industry and enterprises"),
    "rd": gettext_lazy("Enterprise R&D institutions"),
    "institutes": gettext_lazy("New-type R&D institutes"),
    "incubators": gettext_lazy("Incubators"),
    "zones": gettext_lazy("High-tech zones"),
    "agriculture": gettext_lazy("Agricultural innovation"),
    "signings": gettext_lazy("Investment signings"),
    "projects": gettext_lazy("Plan projects"),
    "seismic": gettext_lazy("Earthquake prevention"),
    "services": gettext_lazy("Services"),
}


def quick_dates() -> list[dt.date]:
    """Year ends to jump to: around the latest reported year, none after today."""
    year = params.latest_reported_on().year
    ends = [dt.date(y, 12, 31) for y in (year - 1, year, year + 1)]
    return [day for day in ends if day <= params.today()]


RECORDS_PER_PAGE = 100


def area_label(area: str) -> str:
    return str(AREAS.get(area, area))


class IndicatorPage(PermissionRequiredMixin, TemplateView):
    """Reads ``as_of`` (and ``first_year``); a bad value shows its error and answers 400."""

    permission = VIEW_INDICATORS

    def get(self, request, *args, **kwargs):
        self.error = ""
        try:
            self.as_of = params.as_of_from(request.GET.get("as_of"), params.latest_reported_on)
        except params.BadParameter as error:
            self.error, self.as_of = str(error), params.today()
        try:
            self.first_year = params.first_year_from(request.GET.get("first_year"), self.as_of)
        except params.BadParameter as error:
            self.error, self.first_year = str(error), None
        response = super().get(request, *args, **kwargs)
        if self.error:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            as_of=self.as_of,
            first_year=self.first_year,
            today=params.today(),
            quick_dates=quick_dates(),
            error=self.error,
        )
        return context


class IndicatorListView(IndicatorPage):
    template_name = "indicators/indicator_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        areas: dict[str, list] = {}
        for indicator in engine.all_indicators():
            result = params.evaluate(
                indicator, self.as_of, first_year=self.first_year, viewer=self.request.user
            )
            areas.setdefault(indicator.area, []).append(result)
        context["areas"] = [(area_label(area), results) for area, results in areas.items()]
        context["as_of_labels"] = engine.AsOf.LABELS
        return context


class DrillView(IndicatorPage):
    """The records behind an indicator's value, or behind one breakdown key."""

    template_name = "indicators/drill.html"

    def drilled(self):
        try:
            indicator = params.indicator(self.kwargs["indicator_id"])
        except params.UnknownIndicator as error:
            raise Http404(str(error)) from None
        key = self.request.GET.get("key") or None
        try:
            result = params.evaluate(
                indicator,
                self.as_of,
                drill=True,
                first_year=self.first_year,
                viewer=self.request.user,
                drill_key=key,
            )
        except KeyError:
            raise Http404(f"未知分项 (unknown breakdown key): {key}") from None
        records = result.records if key is None else result.breakdown_records[key]
        self.drilled_cache = (result, key, records)
        return result, key, records

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result, key, records = self.drilled()
        indicator = result.indicator
        value = result.value if key is None else result.breakdown[key]
        page = Paginator(records, RECORDS_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        breakdown = [
            {
                "key": k,
                "label": result.labels.get(k, k),
                "text": format_value(v, indicator),
                "count": len(result.breakdown_records[k])
                if k in result.breakdown_records
                else None,
                "url": params.result_drill_url(result, k),
                "current": k == key,
            }
            for k, v in result.breakdown.items()
        ]
        context.update(
            result=result,
            indicator=indicator,
            area=area_label(indicator.area),
            key=key,
            key_label=result.labels.get(key, key) if key else "",
            value_text=format_value(value, indicator),
            count=len(records),
            page_obj=page,
            querystring=query.urlencode(),
            breakdown=breakdown,
            note=self.note(indicator, value, records),
            withheld=result.withheld.get(key, 0),
            is_sum=indicator.measure == Measure.SUM,
            is_attribute=indicator.measure == Measure.ATTRIBUTE,
            total_url=params.result_drill_url(result),
            export_url=f"{reverse('indicators:export', args=[indicator.id])}?{query.urlencode()}",
            api_url=f"{reverse('indicator-detail', args=[indicator.id])}?"
            f"as_of={self.as_of.isoformat()}&drill=1",
        )
        return context

    def note(self, indicator, value, records) -> dict:
        """How the records make up the value, and whether they do."""
        result, key, _records = self.drilled_cache
        withheld = result.withheld.get(key, 0)
        if withheld:
            return {
                "ok": True,
                "text": _(
                    "%(hidden)s of the records behind this value lie outside your data scope: "
                    "the value counts them, the list shows the %(count)s within it."
                )
                % {"hidden": withheld, "count": len(records)},
            }
        count = len(records)
        if indicator.measure == Measure.SUM:
            total = sum((Decimal(str(r.get("amount") or 0)) for r in records), Decimal(0))
            shown = format_value(total, indicator)
            return {
                "ok": total == Decimal(str(value or 0)),
                "text": _("The amounts of these %(count)s records add up to the value: %(total)s.")
                % {"count": count, "total": shown},
                "mismatch": _(
                    "The amounts, each rounded to the published unit, add up to %(total)s; "
                    "the value is computed from the exact amounts."
                )
                % {"total": shown},
            }
        if indicator.measure == Measure.SHARE:
            numerator, denominator = result.fractions.get(key, (0, 0))
            return {
                "ok": count == numerator,
                "text": _("These %(count)s records out of %(total)s make the share %(value)s.")
                % {"count": count, "total": denominator, "value": value},
                "mismatch": _(
                    "The number of records (%(count)s) differs from the share's numerator "
                    "(%(numerator)s)."
                )
                % {"count": count, "numerator": numerator},
            }
        if indicator.measure == Measure.ATTRIBUTE:
            return {
                "ok": True,
                "text": _(
                    "An attribute of each record: the breakdown shows each one's value; "
                    "%(count)s records."
                )
                % {"count": count},
            }
        return {
            "ok": count == value,
            "text": _("The value counts these records: %(count)s records, value %(value)s.")
            % {"count": count, "value": value},
            "mismatch": _("The number of records (%(count)s) differs from the value (%(value)s).")
            % {"count": count, "value": value},
        }


class DrillExportView(DrillView):
    """The drilled records as an Excel workbook."""

    def get(self, request, *args, **kwargs):
        try:
            self.as_of = params.as_of_from(request.GET.get("as_of"), params.latest_reported_on)
            self.first_year = params.first_year_from(request.GET.get("first_year"), self.as_of)
        except params.BadParameter as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        result, key, records = self.drilled()
        indicator = result.indicator
        headers = [_("No."), _("Name")]
        if indicator.measure == Measure.SUM:
            headers.append(_("Amount (%(unit)s)") % {"unit": indicator.display_unit})
        headers.append(_("Link"))

        def rows():
            for number, record in enumerate(records, start=1):
                row = [number, record["name"]]
                if indicator.measure == Measure.SUM:
                    row.append(record.get("amount"))
                url = record.get("url")
                row.append(request.build_absolute_uri(url) if url else "")
                yield row

        spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
        count = write_workbook(
            spool, indicator.id, headers, rows(), widths={1: 40, len(headers) - 1: 50}
        )
        chain.record(
            AuditAction.EXPORT,
            changes={
                "indicator": indicator.id,
                "as_of": self.as_of.isoformat(),
                "key": key or "",
                "rows": count,
            },
            comment=_("Indicator records export"),
        )
        spool.seek(0)
        suffix = f"-{key}" if key else ""
        filename = f"{indicator.name}-{self.as_of.isoformat()}{suffix}.xlsx"
        return FileResponse(spool, as_attachment=True, filename=filename)


class DashboardView(IndicatorPage):
    template_name = "indicators/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(charts.dashboard(self.as_of, self.request.user))
        return context
