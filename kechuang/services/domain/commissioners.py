"""Tech commissioners' activity logs: a commissioner logs its own activities through its login
(a team member's login acts for the team); bureau staff may log on any commissioner's behalf."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kechuang.core.domain.concurrency import save_versioned
from kechuang.core.enums import CodeList

from ..models import Activity, Commissioner
from .common import acting, code_item, not_in_future, require
from .errors import ServicesError

ADD = "services.add_activity"
CHANGE = "services.change_activity"
EDITABLE = ("assignment", "held_on", "kind", "place", "town", "trainees", "materials", "summary")


def may_act_for(user, commissioner: Commissioner) -> bool:
    """Whether ``user`` may write ``commissioner``'s activities: its own login or a team
    member's, or someone who may change the commissioner's record (bureau staff)."""
    return commissioner.acts_for(user) or user.has_perm(
        "services.change_commissioner", commissioner
    )


def _refuse_unless_acting(user, commissioner: Commissioner) -> None:
    if not may_act_for(user, commissioner):
        raise PermissionDenied(
            _("You do not act for the commissioner “%(name)s”.") % {"name": commissioner}
        )


def _prepare(activity: Activity) -> None:
    """Fill what follows from the assignment, then check the whole record."""
    if activity.held_on:
        try:
            not_in_future(activity.held_on, "held_on")
        except ServicesError as error:
            raise ValidationError({"held_on": error.message}) from None
    if activity.assignment_id and not activity.town_id:
        activity.town_id = activity.assignment.town_id
    activity.full_clean()


def log_activity(
    user,
    commissioner: Commissioner,
    *,
    held_on,
    kind,
    town=None,
    assignment=None,
    place: str = "",
    trainees: int = 0,
    materials: int = 0,
    summary: str = "",
) -> Activity:
    """Record one activity of ``commissioner`` on behalf of ``user``.

    ``kind`` is an item of the activity kind list or its code; ``town`` defaults to the
    assignment's. Raises ``PermissionDenied`` when the user may not log activities or does not
    act for the commissioner, ``ValidationError`` (by field) for bad input: an assignment of
    another commissioner, a date outside the assignment or in the future, negative counts.
    """
    require(user, ADD)
    _refuse_unless_acting(user, commissioner)
    try:
        kind = code_item(CodeList.SERVICE_ACTIVITY_KIND, kind, "kind")
    except ServicesError as error:
        raise ValidationError({"kind": error.message}) from None
    activity = Activity(
        commissioner=commissioner,
        assignment=assignment,
        held_on=held_on,
        kind=kind,
        town=town,
        place=place,
        trainees=trainees,
        materials=materials,
        summary=summary,
        created_by=user if user.is_authenticated else None,
    )
    _prepare(activity)
    with acting(user), transaction.atomic():
        activity.save()
    return activity


def update_activity(activity: Activity, user, expected_version: int, **changes) -> Activity:
    """Change an activity's fields (of :data:`EDITABLE`; ``commissioner`` too, to one the user
    acts for). The edit names the version it started from (``ConcurrentEditError`` when someone
    saved in between)."""
    require(user, CHANGE, activity)
    unknown = set(changes) - {*EDITABLE, "commissioner"}
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "commissioner" in changes and changes["commissioner"].pk != activity.commissioner_id:
        _refuse_unless_acting(user, changes["commissioner"])
    if "kind" in changes:
        try:
            changes["kind"] = code_item(CodeList.SERVICE_ACTIVITY_KIND, changes["kind"], "kind")
        except ServicesError as error:
            raise ValidationError({"kind": error.message}) from None
    for name, value in changes.items():
        setattr(activity, name, value)
    _prepare(activity)
    with acting(user), transaction.atomic():
        save_versioned(activity, expected_version)
    return activity
