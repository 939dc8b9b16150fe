"""Predicates shared by every area's ``rules.py``.

A permission on a record is a role permission (what the user may do to such records at all)
combined with the record's data scope (whether this record is within the user's reach).
"""

import rules

from .scope import restrict


def role_perm(perm: str):
    """True when one of the user's roles grants the model permission ``perm``."""

    @rules.predicate(name=f"role_perm[{perm}]")
    def check(user) -> bool:
        if not user.is_authenticated or not user.is_active:
            return False
        return user.is_superuser or perm in user.role_permissions

    return check


@rules.predicate
def in_scope(user, obj) -> bool:
    """The record lies within the user's data scope (always true for a model-level check)."""
    if obj is None:
        return True
    model = type(obj)
    return restrict(model._default_manager.filter(pk=obj.pk), user).exists()


def scoped(perm: str):
    """The usual rule for a model permission: granted by a role and the record in scope."""
    return role_perm(perm) & in_scope
