"""Who may read and attach a project's files (core attachments, ``register_access``).

Read: whoever may see the project, and the experts assigned to review it (never a conflicted
one: conflicts.py). Attach or delete: the applicant while the application may be edited or the
project runs (progress and acceptance materials), and bureau staff who manage projects.
"""

from __future__ import annotations

from ..enums import State
from ..reference import MANAGE
from .conflicts import applications_for_expert
from .workflow import EDITABLE_STATES, RUNNING_STATES

APPLICANT_STATES = frozenset({*EDITABLE_STATES, *RUNNING_STATES, State.RECONSIDER})


def can_view(user, application) -> bool:
    if user.has_perm("projects.view_application", application):
        return True
    return (
        hasattr(user, "expert") and applications_for_expert(user).filter(pk=application.pk).exists()
    )


def can_change(user, application) -> bool:
    if user.has_perm(MANAGE, application):
        return True
    return application.state in APPLICANT_STATES and user.has_perm(
        "projects.change_application", application
    )
