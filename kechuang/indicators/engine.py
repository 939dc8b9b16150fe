"""The indicator engine: every figure the bureau publishes, defined once in code and computed
from records at query time.

An :class:`Indicator` names its records (a queryset for a period), what it measures of them
(a count, a sum, a per-record attribute, or a share: the records meeting a condition among
them), and its breakdowns: ``parts`` (named conditions)
and ``dimensions`` (a field whose values become keys, e.g. an institute's code). With both, keys
combine as ``"<dimension value>.<part key>"``. Nothing is stored: :meth:`Indicator.evaluate`
runs one aggregate query for the value and the parts, one grouped query per dimension, and,
when asked to drill, lists the records behind each number (their count equals a count
indicator's value; their amounts add up to a sum indicator's; a share's drill lists the
records meeting its condition and the result tells how many records there were in all).

Areas define their indicators in ``<app>/indicators.py`` and :func:`register` them; the
app registry imports those modules at start-up (:func:`autodiscover`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scope import restrict, scope_filter


class AsOf:
    """What an indicator's as-of date means."""

    DATE = "date"  # the state of the records on that day
    YEAR = "year"  # what happened in that date's calendar year
    YEAR_RANGE = "year_range"  # what happened in the ``span`` years ending with that year

    LABELS = {DATE: _("at a date"), YEAR: _("in a year"), YEAR_RANGE: _("in a range of years")}


@dataclass(frozen=True)
class Period:
    """The as-of date an indicator is asked for, and the years it covers."""

    as_of: dt.date
    first_year: int
    last_year: int

    @classmethod
    def for_indicator(cls, indicator: Indicator, as_of: dt.date, first_year: int | None = None):
        last = as_of.year
        if indicator.as_of == AsOf.YEAR_RANGE:
            first = first_year if first_year is not None else last - indicator.span + 1
        else:
            first = last
        if first > last:
            raise ValueError("first_year > as_of year")
        return cls(as_of=as_of, first_year=first, last_year=last)

    @property
    def year(self) -> int:
        return self.last_year

    @property
    def start(self) -> dt.date:
        return dt.date(self.first_year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.last_year, 12, 31)


@dataclass(frozen=True)
class Part:
    """A breakdown key: a named condition on the indicator's records."""

    key: str
    label: Any
    where: Q


@dataclass(frozen=True)
class Dimension:
    """A breakdown by the values of a field (e.g. ``institute__code``), labelled by another."""

    field: str
    label_field: str | None = None
    order_field: str | None = None  # e.g. a code list item's ``sort``; the field by default
    # Its keys name records (an institute, an incubator), not categories (a chain, a level):
    # a viewer with a limited data scope sees only the keys of records within it.
    names_records: bool = False


@dataclass
class Result:
    indicator: Indicator
    period: Period
    value: Any
    breakdown: dict[str, Any]
    labels: dict[str, str]
    records: list[dict] | None = None
    breakdown_records: dict[str, list[dict]] | None = None
    # Drilled for a viewer with a limited data scope: records behind the value (None) and
    # behind each key that lie outside the viewer's scope, counted but not listed.
    withheld: dict[str | None, int] = field(default_factory=dict)
    hidden_keys: int = 0  # breakdown keys naming records outside the viewer's scope, left out
    # A share: (records meeting the condition, all records) behind the value (None) and each
    # key; the value is their quotient (None when there are no records).
    fractions: dict[str | None, tuple[int, int]] = field(default_factory=dict)

    def as_json(self) -> dict:
        data = {
            "id": self.indicator.id,
            "name": self.indicator.display_name,
            "unit": self.indicator.display_unit,
            "as_of": self.period.as_of.isoformat(),
            "value": to_json(self.value),
            "breakdown": {k: to_json(v) for k, v in self.breakdown.items()},
        }
        if self.indicator.as_of == AsOf.YEAR_RANGE:
            data["years"] = [self.period.first_year, self.period.last_year]
        if self.indicator.self_reported:
            data["self_reported"] = True
        if self.fractions:
            data["numerator"], data["denominator"] = self.fractions[None]
            data["breakdown_fractions"] = {
                k: list(v) for k, v in self.fractions.items() if k is not None
            }
        if self.hidden_keys:
            data["breakdown_keys_withheld"] = self.hidden_keys
        if self.records is not None:
            data["records"] = self.records
            data["breakdown_records"] = self.breakdown_records
            if self.withheld:
                data["records_withheld"] = self.withheld.get(None, 0)
                data["breakdown_records_withheld"] = {
                    k: n for k, n in self.withheld.items() if k is not None
                }
        return data


def to_json(value):
    if isinstance(value, Decimal):  # whole numbers published without decimals stay whole
        exact = value.as_tuple().exponent >= 0 and value == value.to_integral_value()
        return int(value) if exact else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


EVERY_KEY = object()  # drill behind the value and every breakdown key


class Measure:
    COUNT = "count"
    SUM = "sum"
    ATTRIBUTE = "attribute"
    SHARE = "share"  # records meeting ``numerator`` ÷ all records, ``decimals`` places


@dataclass
class Indicator:
    """One published figure. See the module docstring."""

    id: str
    name: str  # Chinese
    name_en: str
    unit: str  # Chinese, as the figure is published (家, 名, 亿元, 平方米 …)
    unit_en: str
    definition: str
    area: str
    records: Callable[[Period], QuerySet]
    as_of: str = AsOf.DATE
    span: int = 1  # years of a YEAR_RANGE indicator
    measure: str = Measure.COUNT
    amount: str | None = None  # the summed field (SUM)
    scale: Decimal = Decimal(1)  # stored units per published unit (万元 → 亿元: 10000)
    decimals: int = 2
    numerator: Q | None = None  # SHARE: the condition on the records the share counts
    parts: Callable[[Period], list[Part]] | list[Part] = field(default_factory=list)
    dimensions: list[Dimension] = field(default_factory=list)
    name_field: str = "name"  # what a drilled record shows
    url_name: str | None = None  # the detail page of a drilled record
    url_field: str = "pk"
    attribute_format: Callable[[dict], Any] | None = None  # ATTRIBUTE: the value from a row
    attribute_fields: tuple[str, ...] = ()
    self_reported: bool = False

    def __post_init__(self):
        if self.measure == Measure.SHARE and self.numerator is None:
            raise ValueError(f"Indicator {self.id}: a share needs its numerator condition")

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name

    @property
    def display_unit(self) -> str:
        return self.unit_en if (get_language() or "").startswith("en") else self.unit

    def period(self, as_of: dt.date, first_year: int | None = None) -> Period:
        return Period.for_indicator(self, as_of, first_year)

    def parts_for(self, period: Period) -> list[Part]:
        return self.parts(period) if callable(self.parts) else list(self.parts)

    # -- computing ---------------------------------------------------------------------------
    def _aggregate(self, where: Q | None = None):
        if self.measure == Measure.SUM:
            return Sum(self.amount, filter=where)
        if self.measure == Measure.SHARE:
            return Count("pk", filter=self.numerator if where is None else where & self.numerator)
        return Count("pk", filter=where)

    def _aggregates(self, name: str, where: Q | None = None) -> dict:
        """The aggregate(s) of one number: a share's numerator also needs its denominator."""
        aggregates = {name: self._aggregate(where)}
        if self.measure == Measure.SHARE:
            aggregates[f"{name}_of"] = Count("pk", filter=where)
        return aggregates

    def _number(self, row: dict, name: str, result: Result, key: str | None):
        """The published number from an aggregate row (a share also notes its fraction)."""
        if self.measure != Measure.SHARE:
            return self._scaled(row[name])
        numerator, denominator = row[name] or 0, row[f"{name}_of"] or 0
        result.fractions[key] = (numerator, denominator)
        if not denominator:
            return None
        share = Decimal(numerator) / Decimal(denominator)
        return share.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)

    def _scaled(self, raw):
        if self.measure != Measure.SUM:
            return raw or 0
        value = Decimal(raw or 0) / self.scale
        return value.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)

    def evaluate(
        self,
        as_of: dt.date,
        drill: bool = False,
        first_year: int | None = None,
        viewer=None,
        drill_key=EVERY_KEY,
    ):
        """The value and breakdown on ``as_of``; with ``drill``, the records behind them —
        behind the value and every key, or only behind ``drill_key`` (None: the value).

        Values always count every record. Given a ``viewer`` with a limited data scope, the
        breakdown leaves out keys that name records outside it, and the drilled lists hold only
        the records within it; the others are counted in ``withheld``.
        """
        period = self.period(as_of, first_year)
        queryset = self.records(period).order_by()
        parts = self.parts_for(period)
        aggregates = self._aggregates("value")
        for index, part in enumerate(parts):
            aggregates.update(self._aggregates(f"part{index}", part.where))
        totals = queryset.aggregate(**aggregates)
        result = Result(self, period, None, {}, {})
        breakdown, labels = result.breakdown, result.labels
        for index, part in enumerate(parts):
            breakdown[part.key] = self._number(totals, f"part{index}", result, part.key)
            labels[part.key] = str(part.label)
        for dimension in self.dimensions:
            self._dimension(queryset, dimension, parts, result)
        result.value = self._number(totals, "value", result, None)
        if viewer is not None:
            self._hide_records_keys(queryset, viewer, result)
        if drill:
            if drill_key is EVERY_KEY:
                self._drill(queryset, parts, result)
            else:
                self._drill_one(queryset, parts, result, drill_key)
            if viewer is not None:
                self._withhold(queryset, viewer, result)
        return result

    def _dimension(self, queryset, dimension, parts, result: Result):
        breakdown, labels = result.breakdown, result.labels
        fields = [dimension.field] + ([dimension.label_field] if dimension.label_field else [])
        order = dimension.order_field or dimension.field
        if order not in fields:
            fields.append(order)
        extra = self._aggregates("dim_value")
        for index, part in enumerate(parts):
            extra.update(self._aggregates(f"part{index}", part.where))
        if self.measure == Measure.ATTRIBUTE:
            columns = [*fields, *self.attribute_fields]
            for row in queryset.values(*columns).order_by(order):
                key = row[dimension.field]
                if key is None:
                    continue
                breakdown[str(key)] = self.attribute_format(row)
                labels[str(key)] = str(row.get(dimension.label_field) or key)
            return
        rows = queryset.values(*fields).annotate(**extra)
        for row in rows.order_by(order):
            key = row[dimension.field]
            if key is None:
                continue
            key = str(key)
            label = str(row.get(dimension.label_field) or key)
            breakdown[key] = self._number(row, "dim_value", result, key)
            labels[key] = label
            for index, part in enumerate(parts):
                facet = f"{key}.{part.key}"
                breakdown[facet] = self._number(row, f"part{index}", result, facet)
                labels[facet] = f"{label} · {part.label}"

    # -- drilling ----------------------------------------------------------------------------
    def _record_rows(self, queryset) -> list[dict]:
        fields = ["pk", self.name_field]
        if self.url_field != "pk":
            fields.append(self.url_field)
        if self.measure == Measure.SUM:
            fields.append(self.amount)
        rows = []
        for row in queryset.values(*fields).order_by(self.name_field, "pk"):
            record = {"pk": row["pk"], "name": str(row[self.name_field])}
            if self.url_name:
                record["url"] = self._url(row[self.url_field])
            if self.measure == Measure.SUM:
                # Unrounded, so that the amounts add up to the (rounded) value exactly.
                record["amount"] = to_json(Decimal(row[self.amount] or 0) / self.scale)
            rows.append(record)
        return rows

    def _url(self, key) -> str | None:
        try:
            return reverse(self.url_name, args=[key])
        except NoReverseMatch:
            return None

    def _drill(self, queryset, parts, result: Result) -> None:
        """The records behind the value and behind each breakdown key, in name order (of a
        share: those meeting its condition)."""
        if self.measure == Measure.SHARE:
            queryset = queryset.filter(self.numerator)
        records = self._record_rows(queryset)
        position = {r["pk"]: i for i, r in enumerate(records)}
        by_key: dict[str, set] = defaultdict(set)
        for part in parts:
            by_key[part.key] = set(queryset.filter(part.where).values_list("pk", flat=True))
        for dimension in self.dimensions:
            for pk, value in queryset.values_list("pk", dimension.field):
                if value is None:
                    continue
                by_key[str(value)].add(pk)
                for part in parts:
                    if pk in by_key[part.key]:
                        by_key[f"{value}.{part.key}"].add(pk)
        result.records = records
        result.breakdown_records = {
            key: [records[position[pk]] for pk in sorted(by_key.get(key, ()), key=position.get)]
            for key in result.breakdown
        }

    def _drill_one(self, queryset, parts, result: Result, key: str | None) -> None:
        """The records behind the value (``key`` None) or behind one breakdown key only."""
        counted = queryset.filter(self.numerator) if self.measure == Measure.SHARE else queryset
        if key is None:
            result.records = self._record_rows(counted)
            result.breakdown_records = {}
            return
        if key not in result.breakdown:
            raise KeyError(key)
        by_part = {part.key: part.where for part in parts}
        head, _, tail = key.partition(".")
        if key in by_part:
            chosen = queryset.filter(by_part[key])
        else:
            dimension = next(
                d for d in self.dimensions if queryset.filter(**{d.field: head}).exists()
            )
            chosen = queryset.filter(**{dimension.field: head})
            if tail:
                chosen = chosen.filter(by_part[tail])
        if counted is not queryset:
            chosen = chosen.filter(self.numerator)
        result.records = None
        result.breakdown_records = {key: self._record_rows(chosen.distinct())}

    def _hide_records_keys(self, queryset, viewer, result: Result) -> None:
        """Drop the breakdown keys (and their facets) that name records out of scope."""
        naming = [
            d for d in self.dimensions if d.names_records or self.measure == Measure.ATTRIBUTE
        ]
        if not naming or scope_filter(queryset.model, viewer) is None:
            return
        visible = restrict(queryset, viewer)
        hidden = set()
        for dimension in naming:
            keys = {str(k) for k in visible.values_list(dimension.field, flat=True).distinct()}
            rows = queryset.values_list(dimension.field, flat=True).distinct()
            hidden |= {str(k) for k in rows if k is not None and str(k) not in keys}
        for key in list(result.breakdown):
            if key in hidden or key.split(".", 1)[0] in hidden:
                del result.breakdown[key]
                result.labels.pop(key, None)
        if hidden:
            result.hidden_keys = len(hidden)

    @staticmethod
    def _withhold(queryset, viewer, result: Result) -> None:
        if scope_filter(queryset.model, viewer) is None:
            return
        visible = set(restrict(queryset, viewer).values_list("pk", flat=True))

        def keep(records, key):
            kept = [r for r in records if r["pk"] in visible]
            if len(kept) < len(records):
                result.withheld[key] = len(records) - len(kept)
            return kept

        if result.records is not None:
            result.records = keep(result.records, None)
        result.breakdown_records = {
            key: keep(records, key) for key, records in result.breakdown_records.items()
        }


_registry: dict[str, Indicator] = {}


def of_area(area: str, **defaults) -> Callable[..., Indicator]:
    """An area's way of declaring its indicators, the area (and what its indicators share, such
    as the page a drilled record opens) said once: ``indicator(id, name, name_en, unit,
    unit_en, definition, records, **options)``."""

    def indicator(id, name, name_en, unit, unit_en, definition, records, **options):
        return Indicator(
            id, name, name_en, unit, unit_en, definition, area, records, **{**defaults, **options}
        )

    return indicator


def register(*indicators: Indicator) -> None:
    for indicator in indicators:
        if indicator.id in _registry and _registry[indicator.id] is not indicator:
            raise ValueError(f"Indicator {indicator.id} is defined twice")
        _registry[indicator.id] = indicator


def all_indicators() -> list[Indicator]:
    return list(_registry.values())


def get(indicator_id: str) -> Indicator:
    try:
        return _registry[indicator_id]
    except KeyError:
        raise KeyError(indicator_id) from None


def evaluate(ids=None, as_of: dt.date | None = None, drill: bool = False) -> list[Result]:
    """The named indicators (all when ``ids`` is empty), in definition order."""
    as_of = as_of or dt.date.today()
    chosen = [get(i) for i in ids] if ids else all_indicators()
    return [indicator.evaluate(as_of, drill=drill) for indicator in chosen]


def autodiscover() -> None:
    """Import ``<app>/indicators.py`` of every installed app (they register themselves)."""
    for config in apps.get_app_configs():
        if config.name == __package__:
            continue
        try:
            import_module(f"{config.name}.indicators")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.indicators":
                raise
