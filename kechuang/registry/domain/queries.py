"""Reusable registry queries: the facts figures are built from."""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from ..models import EnterpriseYear, Organisation


def enterprises_in_chain(chain_code: str):
    return Organisation.objects.enterprises().in_chain(chain_code)


def above_scale(organisations, year: int):
    """Of these organisations, those flagged above designated size (规上) in ``year``."""
    flagged = EnterpriseYear.objects.filter(year=year, above_scale=True).values("organisation_id")
    return organisations.filter(pk__in=flagged)


def output_value_sum(organisations, year: int) -> Decimal:
    """Sum of the organisations' industrial output value in ``year`` (万元)."""
    total = EnterpriseYear.objects.filter(
        year=year, organisation__in=organisations.values("pk")
    ).aggregate(total=Sum("output_value"))["total"]
    return total or Decimal("0")


def holders(organisations, kind_code: str, on: dt.date):
    return organisations.holding(kind_code, on)
