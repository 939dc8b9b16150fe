"""What the services area shows on the home page: to a commissioner's login, this year's own
activity log in figures; to staff, the overdue follow-ups of field visits within their data
scope, each with its due date, owner, host and a link (a count card when there are none)."""

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .domain.visits import VIEW, overdue_follow_ups
from .models import Activity, Commissioner

SHOWN = 10  # follow-ups listed on the home page; the rest are in the list


def home_panels(user) -> list[dict]:
    return [*commissioner_panels(user), *follow_up_panels(user)]


def commissioner_panels(user) -> list[dict]:
    """This year's activities of the commissioners the login acts for (none if it acts for
    none): how many, their trainees and the materials handed out."""
    if not (
        user.has_perm("services.add_activity") and Commissioner.objects.acting_for(user).exists()
    ):
        return []
    year = timezone.localdate().year
    figures = (
        Activity.objects.acting_for(user)
        .filter(held_on__year=year)
        .aggregate(count=Count("pk"), trainees=Sum("trainees"), materials=Sum("materials"))
    )
    url = reverse("services:my-activities")
    titles = {
        "count": _("My activities in %(year)d"),
        "trainees": _("Trainees in %(year)d"),
        "materials": _("Materials handed out in %(year)d"),
    }
    return [
        {"title": title % {"year": year}, "value": figures[key] or 0, "url": url}
        for key, title in titles.items()
    ]


def follow_up_panels(user) -> list[dict]:
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
