"""What each kind of user has to do with plan projects, for the home page and the portals."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..enums import ReviewState
from ..enums import State as S
from ..models import Application
from . import workflow
from .conflicts import expert_assignments


def count_by_state(applications) -> dict[str, int]:
    """How many of ``applications`` are in each state (the states they are in)."""
    return dict(applications.values_list("state").annotate(n=Count("pk")).order_by())


def queues(user) -> list[dict]:
    """The staff or town officer's queues: per state in which they may act, how many projects
    of their scope wait there."""
    states = workflow.queue_states(user)
    if not states:
        return []
    counts = count_by_state(Application.objects.visible_to(user).filter(state__in=states))
    return [{"state": s, "label": S(s).label, "count": counts.get(s, 0)} for s in states]


def open_reviews(user):
    """An expert's assignments whose review is not yet submitted."""
    return expert_assignments(user).exclude(review__state=ReviewState.SUBMITTED)


def home_panels(user) -> list[dict]:
    panels = []
    if hasattr(user, "expert"):
        panels.append(
            {
                "title": _("Reviews to do"),
                "value": open_reviews(user).count(),
                "url": reverse("projects:expert-portal"),
            }
        )
    if user.organisation_id and user.has_perm("projects.view_application"):
        panels.append(
            {
                "title": _("My applications needing action"),
                "value": Application.objects.visible_to(user)
                .filter(state__in=workflow.EDITABLE_STATES)
                .count(),
                "url": reverse("projects:applicant-portal"),
            }
        )
    elif user.has_perm("projects.view_application"):
        waiting = sum(q["count"] for q in queues(user))
        panels.append(
            {
                "title": _("Plan projects waiting for me"),
                "value": waiting,
                "url": reverse("projects:staff-portal"),
            }
        )
    return panels
