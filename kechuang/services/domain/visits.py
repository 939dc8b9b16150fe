"""Field visits (走访调研/三服务): follow-ups of the issues hosts raise, their closure, and the
overdue ones the staff home page lists."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction

from ..models import FollowUp
from .common import acting, not_in_future, reload, require
from .errors import ServicesError

VIEW = "services.view_followup"
CHANGE = "services.change_followup"


def overdue_follow_ups(user, today: dt.date | None = None):
    """The follow-ups within ``user``'s data scope that are not closed and past their due date
    (oldest due first); none for a user who may not see follow-ups."""
    if not user.has_perm(VIEW):
        return FollowUp.objects.none()
    today = today or timezone.localdate()
    return (
        FollowUp.objects.visible_to(user)
        .overdue(today)
        .select_related("owner", "issue__visit__town", "issue__visit__host_organisation")
        .order_by("due_on", "id")
    )


def close_follow_up(
    follow_up: FollowUp, user, *, result: str, on: dt.date | None = None
) -> FollowUp:
    """Close a follow-up with its result, on ``on`` (today by default, never later).

    Under a row lock, so of two people closing at once one wins and the other is told; one
    TRANSITION audit event with the result, all in one transaction.
    """
    require(user, CHANGE, follow_up)
    result = (result or "").strip()
    if not result:
        raise ServicesError(_("Say what came of the follow-up: closing it needs its result."))
    on = not_in_future(on or timezone.localdate(), "closed_on")
    with acting(user), transaction.atomic():
        locked = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("issue__visit")
            .get(pk=follow_up.pk)
        )
        if locked.closed_on is not None:
            raise ServicesError(
                _("This follow-up was already closed on %(date)s.")
                % {"date": locked.closed_on.isoformat()}
            )
        visited_on = locked.issue.visit.visited_on
        if on < visited_on:
            raise ServicesError(
                _("A follow-up cannot be closed before the visit (%(date)s).")
                % {"date": visited_on.isoformat()},
                "closed_on",
            )
        FollowUp.objects.filter(pk=locked.pk).update(
            closed_on=on, result=result, version=F("version") + 1, updated_at=timezone.now()
        )
        chain.record(
            AuditAction.TRANSITION,
            locked,
            changes={
                "closed_on": [None, on.isoformat()],
                "result": [locked.result, result],
            },
            comment=result,
        )
    reload(follow_up)
    return follow_up
