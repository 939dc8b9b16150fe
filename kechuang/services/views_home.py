"""What the services area shows on the home page: the overdue follow-ups of field visits within
the user's data scope, each with its due date, owner, host and a link (a count card when there
are none)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .domain.visits import VIEW, overdue_follow_ups

SHOWN = 10  # follow-ups listed on the home page; the rest are in the list


def home_panels(user) -> list[dict]:
    if not user.has_perm(VIEW):
        return []
    today = timezone.localdate()
    overdue = overdue_follow_ups(user, today)
    items = list(overdue[: SHOWN + 1])
    count = len(items) if len(items) <= SHOWN else overdue.count()
    panel = {
        "title": _("Overdue follow-ups"),
        "value": count,
        "url": f"{reverse('services:followup-list')}?state=overdue",
    }
    if items:
        panel.update(
            template="services/_home_overdue.html",
            items=items[:SHOWN],
            more=max(0, count - SHOWN),
        )
    return [panel]
