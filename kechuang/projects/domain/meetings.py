"""Acceptance (验收) meetings: projects scheduled into a meeting's sessions, the expert panel,
and each project's conclusion, which moves the project along the workflow (accept /
accept_reconsider / accept_fail) dated on the meeting's day."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import Conclusion, PanelRole
from ..enums import State as S
from ..models import AcceptanceMeeting, Expert, MeetingSession, PanelMember, SessionProject
from ..reference import MANAGE
from . import workflow
from .conflicts import conflict_pairs
from .workflow import TransitionError, WrongStateError, state_label


class MeetingError(TransitionError):
    pass


def _require(user, obj=None):
    if not user.has_perm(MANAGE, obj):
        raise PermissionDenied


def with_counts(meetings):
    """Meetings with the number of their sessions, scheduled projects and panel members."""
    return meetings.annotate(
        session_count=Count("sessions", distinct=True),
        project_count=Count("sessions__projects", distinct=True),
        panel_count=Count("panel", distinct=True),
    )


def meeting_applications(meeting: AcceptanceMeeting):
    from ..models import Application

    return Application.objects.filter(acceptance_slots__session__meeting=meeting).distinct()


def schedule(session: MeetingSession, application, user, sort: int | None = None):
    """Put ``application`` (which has applied for acceptance) into ``session``."""
    _require(user, application)
    with transaction.atomic():
        if application.state != S.ACCEPTANCE_APPLIED:
            raise WrongStateError(
                _(
                    "Only a project that has applied for acceptance can be scheduled; this one is "
                    "“%(state)s”."
                )
                % {"state": state_label(application.state)}
            )
        if SessionProject.objects.filter(
            session__meeting=session.meeting, application=application
        ).exists():
            raise MeetingError(_("This project is on this meeting's agenda already."))
        panel = list(session.meeting.panel.values_list("expert_id", flat=True))
        clashes = conflict_pairs([application.pk], panel)
        if clashes:
            names = Expert.objects.filter(pk__in=[e for _a, e in clashes]).values_list(
                "name", flat=True
            )
            raise MeetingError(
                _(
                    "Panel members %(names)s are conflicted with this project; change the panel "
                    "first."
                )
                % {"names": "、".join(names)}
            )
        if sort is None:
            sort = session.projects.count() + 1
        return SessionProject.objects.create(session=session, application=application, sort=sort)


def add_panel_member(meeting: AcceptanceMeeting, expert: Expert, user, role=PanelRole.MEMBER):
    _require(user)
    with transaction.atomic():
        if PanelMember.objects.filter(meeting=meeting, expert=expert).exists():
            raise MeetingError(_("%(name)s is on the panel already.") % {"name": expert.name})
        clashes = conflict_pairs(
            meeting_applications(meeting).values_list("pk", flat=True), [expert.pk]
        )
        if clashes:
            raise MeetingError(
                _(
                    "%(name)s is conflicted with a project of this meeting and cannot sit on its "
                    "panel."
                )
                % {"name": expert.name}
            )
        if role == PanelRole.CHAIR and meeting.panel.filter(role=PanelRole.CHAIR).exists():
            raise MeetingError(_("The panel has a chair already."))
        return PanelMember.objects.create(meeting=meeting, expert=expert, role=role)


def conclude(slot: SessionProject, conclusion: str, opinion: str, user) -> SessionProject:
    """Record the panel's conclusion on a project and take the matching workflow step, dated on
    the meeting's day, in one transaction."""
    if conclusion not in Conclusion.values:
        raise MeetingError(_("Choose a conclusion."))
    meeting = slot.session.meeting
    if meeting.held_on > timezone.localdate():
        raise MeetingError(
            _("The meeting is on %(date)s; conclusions are recorded once it has taken place.")
            % {"date": meeting.held_on.isoformat()}
        )
    with transaction.atomic():
        locked = SessionProject.objects.select_for_update().get(pk=slot.pk)
        if locked.conclusion:
            raise MeetingError(
                _("This project's conclusion has been recorded already (%(conclusion)s).")
                % {"conclusion": locked.get_conclusion_display()}
            )
        workflow.perform(
            locked.application,
            workflow.CONCLUSION_STEP[conclusion],
            user,
            comment=(opinion or "").strip(),
            on=meeting.held_on,
        )
        locked.conclusion = conclusion
        locked.opinion = (opinion or "").strip()
        locked.save()
    slot.refresh_from_db()
    return slot


def unschedule(slot: SessionProject, user) -> None:
    """Take a project off the agenda — not once its conclusion is recorded."""
    with transaction.atomic():
        locked = (
            SessionProject.objects.select_for_update(of=("self",))
            .select_related("application")
            .get(pk=slot.pk)
        )
        _require(user, locked.application)
        if locked.conclusion:
            raise MeetingError(
                _("The conclusion on “%(project)s” is recorded; it stays on the agenda.")
                % {"project": locked.application.name}
            )
        locked.delete()


def remove_panel_member(member: PanelMember, user) -> None:
    """Take an expert off the panel — not once the panel has recorded a conclusion at the
    meeting (its members then stay as they were)."""
    _require(user)
    with transaction.atomic():
        locked = PanelMember.objects.select_for_update(of=("self",)).get(pk=member.pk)
        if (
            SessionProject.objects.filter(session__meeting_id=locked.meeting_id)
            .exclude(conclusion="")
            .exists()
        ):
            raise MeetingError(
                _(
                    "The panel has recorded conclusions at this meeting; its members stay as "
                    "they were."
                )
            )
        locked.delete()
