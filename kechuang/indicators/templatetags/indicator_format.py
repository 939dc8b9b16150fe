"""Template filters for published figures: Chinese units for amounts and areas (万元/亿元,
平方米/万平方米, see ``kechuang/indicators/formatting.py``), counts with their unit, and the
links to a value's drill-down page.

    {% load indicator_format %}
    {{ result|result_value }}                      191.79亿元 · 1,234家 · 14.97万平方米
    {{ amount|indicator_value:result.indicator }}  a breakdown value or a record's amount
    {{ 12345|wan_yuan_cn }}  1.23亿元      {{ 149700|area_m2_cn }}  14.97万平方米
    {% drill_url result key %}
"""

from decimal import Decimal

from django import template
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from ..engine import AsOf, Indicator, Measure, Result
from ..formatting import WAN, area_from_m2, plain_number, with_unit, yuan_from_wan
from ..params import result_drill_url

register = template.Library()

# Published unit → how to write a value of it the way a Chinese report does.
CHINESE = {
    "亿元": lambda v: yuan_from_wan(v * WAN),
    "万元": yuan_from_wan,
    "万平方米": lambda v: area_from_m2(v * WAN),
    "平方米": area_from_m2,
}


def english() -> bool:
    return (get_language() or "").startswith("en")


def format_value(value, indicator: Indicator) -> str:
    """A value in the indicator's published unit, written for the reader's language."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)  # attribute values: dates, awards
    if english():
        unit = indicator.unit_en
        return f"{plain_number(value)} {unit}" if unit else plain_number(value)
    convert = CHINESE.get(indicator.unit)
    if convert is not None:
        return convert(Decimal(str(value)))
    return with_unit(value, indicator.unit)


def format_count(count: int) -> str:
    text = ngettext("%(count)s record", "%(count)s records", count)
    return text % {"count": plain_number(count)}


@register.filter
def record_count(count: int) -> str:
    """``3 records`` (``3 条记录``)."""
    return format_count(count)


@register.filter
def indicator_value(value, indicator: Indicator) -> str:
    """A breakdown value or a record's amount, in the indicator's unit."""
    return format_value(value, indicator)


@register.filter
def result_value(result: Result) -> str:
    """An indicator's value; an attribute indicator's value is the number of its records."""
    if result.indicator.measure == Measure.ATTRIBUTE:
        return format_count(result.value)
    return format_value(result.value, result.indicator)


@register.filter
def breakdown_value(result: Result, key: str) -> str:
    return format_value(result.breakdown.get(key), result.indicator)


@register.filter
def wan_yuan_cn(amount_wan) -> str:
    """An amount kept in 万元: 万元 below 1亿, else 亿元."""
    return yuan_from_wan(amount_wan)


@register.filter
def area_m2_cn(area_m2) -> str:
    """An area in m²: 万平方米 from 10,000 m² up."""
    return area_from_m2(area_m2)


@register.filter(name="plain_number")
def plain_number_filter(value) -> str:
    return plain_number(value)


@register.filter
def period_text(result: Result) -> str:
    """What the value covers: a date, a year, or a range of years."""
    period, kind = result.period, result.indicator.as_of
    if kind == AsOf.YEAR:
        return _("in %(year)s") % {"year": period.year}
    if kind == AsOf.YEAR_RANGE:
        return _("in %(first)s–%(last)s") % {"first": period.first_year, "last": period.last_year}
    return _("on %(date)s") % {"date": period.as_of.isoformat()}


@register.simple_tag
def drill_url(result: Result, key: str | None = None) -> str:
    return result_drill_url(result, key or None)
