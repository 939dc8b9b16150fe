"""Data scope: the one place that decides which records a user may see.

Every list, detail page, API endpoint and export gets its queryset through
:func:`restrict` (usually as ``Model.objects.visible_to(user)``). A model says how its records
relate to departments, organisations and creators with a :class:`ScopePaths` declared as
``scope_paths`` on the model class; the user's roles say which of those relations count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP

from .enums import DataScope

# One lookup, or several of which any one counts (e.g. a commissioner's own login and its team
# members' logins).
Path = str | tuple[str, ...] | None
PARENTS = object()  # ``ScopePaths.through``: the record's creator is its parent's


@dataclass(frozen=True)
class ScopePaths:
    """Lookups from a model to the things data scope is decided by (None: not related).

    Each may be a tuple of lookups: the record is reached through any of them. A lookup may go
    through a to-many relation (``members__user``); it is then matched in a subquery, so a
    record reached through several related rows still appears once.
    """

    department: Path = None  # to a Department primary key
    organisation: Path = None  # to an Organisation primary key
    creator: Path = None  # to the user who created (or otherwise owns) the record
    # The records are public documents (city-wide plans, yearly results …): data scope does not
    # limit them, whoever a role lets view (or change) the model reaches every one.
    public: bool = False

    def through(self, field: str, creator: Path | object = PARENTS) -> ScopePaths:
        """The paths of a record reached through ``field``, a reference to a record with these
        paths: whoever reaches the parent reaches the record (an inspection is its project's,
        a contact its institution's). ``creator``: the record's own creator lookup(s) instead
        of the parent's creator."""

        def prefixed(path: Path) -> Path:
            if path is None:
                return None
            if isinstance(path, str):
                return field if path == "pk" else f"{field}{LOOKUP_SEP}{path}"
            return tuple(prefixed(one) for one in path)

        return replace(
            self,
            department=prefixed(self.department),
            organisation=prefixed(self.organisation),
            creator=prefixed(self.creator) if creator is PARENTS else creator,
        )


def _lookups(path: Path) -> tuple[str, ...]:
    if path is None:
        return ()
    return (path,) if isinstance(path, str) else tuple(path)


def _through_many(model, lookup: str) -> bool:
    """Whether the lookup crosses a to-many relation (and a join would repeat records)."""
    opts = model._meta
    for name in lookup.split(LOOKUP_SEP):
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:
            return False  # "pk" or a lookup such as "in": nothing further to cross
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        opts = field.related_model._meta
    return False


def _reached(model, path: Path, value, suffix: str = "") -> Q:
    """Records whose ``path`` (any of its lookups) leads to ``value``."""
    condition = None
    for lookup in _lookups(path):
        match = Q(**{f"{lookup}{suffix}": value})
        if _through_many(model, lookup):
            match = Q(pk__in=model._base_manager.filter(match).values("pk"))
        condition = match if condition is None else condition | match
    return Q(pk__in=[]) if condition is None else condition


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


def scope_filter(model, user, paths: ScopePaths | None = None) -> Q | None:
    """The Q that limits ``model`` to what ``user`` may see (or, with ``paths``, reach through
    them); None means no limit."""
    if paths is None:
        paths = getattr(model, "scope_paths", ScopePaths())
    nothing = Q(pk__in=[])
    if user is None or not user.is_authenticated or not user.is_active:
        return nothing
    if user.is_superuser or paths.public:
        return None
    if user.organisation_id:
        # Organisation users see their own organisation's records and nothing else.
        if paths.organisation is None:
            return nothing
        return _reached(model, paths.organisation, user.organisation_id)

    condition = nothing
    departments: set[int] = set()
    for role in user.role_list:
        if role.data_scope == DataScope.SELF:
            if paths.creator is not None:
                condition |= _reached(model, paths.creator, user.pk)
            continue
        reached = _department_ids(user, role)
        if reached is None:
            return None
        departments |= reached
    if departments and paths.department is not None:
        condition |= _reached(model, paths.department, sorted(departments), "__in")
    return condition


def restrict(queryset: models.QuerySet, user) -> models.QuerySet:
    condition = scope_filter(queryset.model, user)
    return queryset if condition is None else queryset.filter(condition)


def reference_paths(model) -> ScopePaths | None:
    """How records of ``model`` may be referred to by a write: through its ``scope_paths``;
    None for records anyone may name (code lists, towns, zones …: reference data, whose choice
    the written record's own scope decides)."""
    return getattr(model, "scope_paths", None)


def reference_filter(model, user) -> Q | None:
    """The Q of the records of ``model`` that a write by ``user`` may refer to (None: any).

    A record created or changed by a form, an import or an API call may name only records the
    user reaches, so that an id typed into a request cannot attach — and so show — a record
    from outside the user's scope, nor file the record under someone else's organisation.
    Forms and serializers limit their choices with it (``referable``).
    """
    paths = reference_paths(model)
    if paths is None:
        return None
    return scope_filter(model, user, paths)


def referable(queryset: models.QuerySet, user, keep=()) -> models.QuerySet:
    """``queryset`` limited to what ``user`` may refer to, and the records of ``keep`` (the ids
    the record already refers to: keeping a reference is no new reach)."""
    condition = reference_filter(queryset.model, user)
    if condition is None:
        return queryset
    keep = [pk for pk in keep if pk is not None]
    if keep:
        condition |= Q(pk__in=keep)
    return queryset.filter(condition)


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict(self, user)
