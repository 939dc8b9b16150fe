"""Who may see the indicators: the bureau's (and towns') staff and superusers.

The figures are the city's totals, computed over every record; organisation users and
experts, whose data scope is their own records, do not see them.
"""

import rules

from kechuang.accounts.enums import UserKind

VIEW_INDICATORS = "indicators.view"


@rules.predicate
def is_staff_kind(user) -> bool:
    return user.is_authenticated and user.is_active and user.kind == UserKind.STAFF


@rules.predicate
def is_active_superuser(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


can_view_indicators = is_active_superuser | is_staff_kind

rules.add_perm(VIEW_INDICATORS, can_view_indicators)
