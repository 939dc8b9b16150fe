from decimal import Decimal

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag
def sort_querystring(querystring: str, key: str, current_sort: str) -> str:
    """The list's query string with ``sort`` toggled for column ``key``."""
    query = QueryDict(querystring, mutable=True)
    query["sort"] = f"-{key}" if current_sort == key else key
    query.pop("page", None)
    return query.urlencode()


@register.filter
def wan_yuan(value) -> str:
    """An amount in 万元, shown with thousands separators and two decimals."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"
