"""Data scope: the one place that decides which records a user may see.

Every list, detail page, API endpoint and export gets its queryset through
:func:`restrict` (usually as ``Model.objects.visible_to(user)``). A model says how its records
relate to departments, organisations and creators with a :class:`ScopePaths` declared as
``scope_paths`` on the model class; the user's roles say which of those relations count.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from .enums import DataScope


@dataclass(frozen=True)
class ScopePaths:
    """Lookups from a model to the things data scope is decided by (None: not related)."""

    department: str | None = None  # to a Department primary key
    organisation: str | None = None  # to an Organisation primary key
    creator: str | None = None  # to the user who created the record


def _department_ids(user, role) -> set[int] | None:
    """Departments a role reaches for this user; None means every record."""
    match role.data_scope:
        case DataScope.ALL:
            return None
        case DataScope.CUSTOM:
            return {d.pk for d in role.custom_departments.all()}
        case DataScope.DEPARTMENT:
            return {user.department_id} if user.department_id else set()
        case DataScope.DEPARTMENT_AND_BELOW:
            return user.department.descendant_ids() if user.department_id else set()
    return set()


def scope_filter(model, user) -> Q | None:
    """The Q that limits ``model`` to what ``user`` may see; None means no limit."""
    paths: ScopePaths = getattr(model, "scope_paths", ScopePaths())
    nothing = Q(pk__in=[])
    if user is None or not user.is_authenticated or not user.is_active:
        return nothing
    if user.is_superuser:
        return None
    if user.organisation_id:
        # Organisation users see their own organisation's records and nothing else.
        if paths.organisation is None:
            return nothing
        return Q(**{paths.organisation: user.organisation_id})

    condition = nothing
    departments: set[int] = set()
    for role in user.role_list:
        if role.data_scope == DataScope.SELF:
            if paths.creator is not None:
                condition |= Q(**{paths.creator: user.pk})
            continue
        reached = _department_ids(user, role)
        if reached is None:
            return None
        departments |= reached
    if departments and paths.department is not None:
        condition |= Q(**{f"{paths.department}__in": sorted(departments)})
    return condition


def restrict(queryset: models.QuerySet, user) -> models.QuerySet:
    condition = scope_filter(queryset.model, user)
    return queryset if condition is None else queryset.filter(condition)


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict(self, user)
