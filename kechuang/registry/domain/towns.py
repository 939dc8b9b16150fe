"""Which towns a user may file records under.

Most area records belong to a town and are seen through the town's office (a town officer
reaches their own town's records). A record a form, an import or an API call puts in a town
must stay within the writer's reach, so a town officer cannot file a record under another town
(it would leave their sight and enter another officer's). The rule is the data scope itself,
asked of the towns: a town is within reach when its office is among the departments the user's
roles reach (every town for a role that sees all).
"""

from __future__ import annotations

from django.db.models import QuerySet

from kechuang.accounts.scope import ScopePaths, scope_filter

from ..models import Town

# The data scope of a town itself: its responsible office.
TOWN_REACH = ScopePaths(department="office")


def towns_within_scope(user) -> QuerySet[Town]:
    """The towns whose records ``user`` reaches through the data scope of their roles."""
    condition = scope_filter(Town, user, TOWN_REACH)
    towns = Town.objects.all()
    return towns if condition is None else towns.filter(condition)


def reaches_every_town(user) -> bool:
    """Whether ``user``'s roles reach every town (only then may a record have no town: a
    town-less record is city-wide, outside a town officer's sight once saved)."""
    return scope_filter(Town, user, TOWN_REACH) is None
