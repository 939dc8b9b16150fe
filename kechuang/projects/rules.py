"""Who may do what with plan projects: a role permission and the record within data scope for
bureau, town and organisation users; for experts, their own assignments (never where conflicted,
see domain/conflicts.py)."""

import rules

from kechuang.accounts.rules import role_perm, scoped

from .reference import (
    APPROVE,
    ASSIGN,
    CHECK,
    EXPORT,
    EXPORT_EXPERTS,
    IMPORT,
    IMPORT_EXPERTS,
    MANAGE,
    PUBLISHED,
    RECOMMEND,
    RECORDS,
    REVIEW,
    TERMINATE,
)

for model in RECORDS:
    for action in ("view", "add", "change", "delete"):
        perm = f"projects.{action}_{model}"
        unscoped = action == "add" or (action == "view" and model in PUBLISHED)
        rules.add_perm(perm, role_perm(perm) if unscoped else scoped(perm))

for perm in (CHECK, RECOMMEND, REVIEW, APPROVE, MANAGE, TERMINATE):
    rules.add_perm(perm, scoped(perm))
for perm in (ASSIGN, EXPORT, IMPORT, EXPORT_EXPERTS, IMPORT_EXPERTS):
    rules.add_perm(perm, role_perm(perm))


@rules.predicate
def is_expert(user) -> bool:
    return bool(user.is_authenticated and user.is_active and hasattr(user, "expert"))


@rules.predicate
def own_open_assignment(user, assignment) -> bool:
    """The assignment is the user's own and not ended by a conflict (a model-level check: the
    user is an expert)."""
    if assignment is None:
        return is_expert(user)
    from .domain.conflicts import assignment_visible

    return assignment_visible(user, assignment)


REVIEW_OWN = "projects.review_own_assignment"
rules.add_perm(REVIEW_OWN, is_expert & own_open_assignment)
