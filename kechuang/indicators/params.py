"""The query parameters the indicator pages and the API share: ``as_of``, ``id``, ``drill``,
``first_year``, ``key``. A bad value raises :class:`BadParameter` with a message in Chinese and
English (as the ``kechuang indicators`` command words them)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from . import engine
from .engine import AsOf, Indicator, Result

TRUE = {"1", "true", "yes", "on"}


class BadParameter(ValueError):
    """A query parameter the user must correct (HTTP 400)."""


class UnknownIndicator(LookupError):
    """An indicator id that is not defined (HTTP 404 for a path, 400 for a parameter)."""


def today() -> dt.date:
    return timezone.localdate()


def latest_reported_on() -> dt.date:
    """The date the pages show when none is asked for: the end of the latest period the
    records report on (each area's AppConfig may say, through ``latest_reported_on()``),
    never after today; today when no area says."""
    dates = []
    for config in apps.get_app_configs():
        provider = getattr(config, "latest_reported_on", None)
        if provider is not None and (date := provider()) is not None:
            dates.append(date)
    return min(max(dates), today()) if dates else today()


def as_of_from(text: str | None, default=today) -> dt.date:
    """``YYYY-MM-DD``; ``default()`` (today in the site's time zone) when empty."""
    if text is None or not text.strip():
        return default()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadParameter(
            f"as_of 须为日期 YYYY-MM-DD (as_of must be a date YYYY-MM-DD): {text}"
        ) from None


def first_year_from(text: str | None, as_of: dt.date) -> int | None:
    """The first year of a year-range indicator; its span ending with ``as_of`` when empty."""
    if text is None or not text.strip():
        return None
    try:
        year = int(text.strip())
    except ValueError:
        year = None
    if year is None or not 1900 <= year <= as_of.year:
        raise BadParameter(
            f"first_year 须为不晚于 as_of 所在年份的年份 YYYY "
            f"(first_year must be a year YYYY not after the year of as_of): {text}"
        )
    return year


def flag(text: str | None) -> bool:
    return (text or "").strip().lower() in TRUE


def indicator(indicator_id: str) -> Indicator:
    try:
        return engine.get(indicator_id)
    except KeyError:
        raise UnknownIndicator(f"未知指标 (unknown indicator): {indicator_id}") from None


def indicators_from(values: list[str]) -> list[Indicator]:
    """Indicators named by ``id`` parameters (repeated and/or comma-separated), in the order
    given; all of them, in definition order, when none is named."""
    ids = list(dict.fromkeys(i.strip() for value in values for i in value.split(",") if i.strip()))
    if not ids:
        return engine.all_indicators()
    known = {i.id for i in engine.all_indicators()}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise UnknownIndicator(f"未知指标 (unknown indicators): {', '.join(unknown)}")
    return [engine.get(i) for i in ids]


def evaluate(
    indicator: Indicator,
    as_of: dt.date,
    drill: bool = False,
    first_year: int | None = None,
    viewer=None,
    drill_key=engine.EVERY_KEY,
) -> Result:
    """:meth:`Indicator.evaluate`; ``first_year`` only for year-range indicators; drilled
    records limited to the ``viewer``'s data scope."""
    if indicator.as_of != AsOf.YEAR_RANGE:
        first_year = None
    return indicator.evaluate(
        as_of, drill=drill, first_year=first_year, viewer=viewer, drill_key=drill_key
    )


def drill_url(
    indicator_id: str, as_of: dt.date, key: str | None = None, first_year: int | None = None
) -> str:
    """The drill-down page of a value, or of one breakdown key."""
    query = {"as_of": as_of.isoformat()}
    if key:
        query["key"] = key
    if first_year is not None:
        query["first_year"] = first_year
    return f"{reverse('indicators:drill', args=[indicator_id])}?{urlencode(query)}"


def result_drill_url(result: Result, key: str | None = None) -> str:
    first_year = result.period.first_year if result.indicator.as_of == AsOf.YEAR_RANGE else None
    return drill_url(result.indicator.id, result.period.as_of, key, first_year)
