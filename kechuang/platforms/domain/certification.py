"""The workflow of an R&D institution certification application.

    draft ──apply──▶ applied ──recommend──▶ recommended ──review──▶ reviewed
                        │                        │                     │
                        │                        │            publicise│
                        ▼                        ▼                     ▼
                     rejected ◀──────────────────┴──────────────── publicity ──certify──▶ certified

The enterprise (its own organisation user) or bureau staff submit a draft; the town officer of
the enterprise's town recommends it; bureau staff review it and put it in publicity for a number
of working days; once the publicity is over staff certify it, which creates the
:class:`RDInstitution` (through :func:`rd.certify`). Whoever may act at a step may instead reject
the application there, giving the reason.

The transitions are data (:data:`TRANSITIONS`): stable ids, the states they leave from, the state
they lead to, the permission they need on the application (a role permission and the application
within the user's data scope, see ``rules.py``), a label people read, and whether a comment is
required. :func:`perform` is the only way to change an application's state.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.audit import chain
from kechuang.audit.context import acting_as, current_actor
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.audit.tracking import field_values
from kechuang.core.domain.concurrency import save_versioned

from ..enums import ApplicationState as S
from ..models import CertificationApplication
from ..rules import DECIDE, RECOMMEND, REVIEW
from . import rd

CHANGE = "platforms.change_certificationapplication"
PUBLICITY_DAYS = 5


@dataclass(frozen=True)
class Transition:
    id: str
    from_states: tuple[str, ...]
    to_state: str
    permission: str
    label: Promise
    needs_comment: bool = False

    @property
    def rejects(self) -> bool:
        return self.to_state == S.REJECTED


TRANSITIONS: tuple[Transition, ...] = (
    Transition("apply", (S.DRAFT,), S.APPLIED, CHANGE, gettext_lazy("Submit the application")),
    Transition("recommend", (S.APPLIED,), S.RECOMMENDED, RECOMMEND, gettext_lazy("Recommend")),
    Transition("town_reject", (S.APPLIED,), S.REJECTED, RECOMMEND, gettext_lazy("Reject"), True),
    Transition("review", (S.RECOMMENDED,), S.REVIEWED, REVIEW, gettext_lazy("Pass the review")),
    Transition(
        "bureau_reject",
        (S.RECOMMENDED, S.REVIEWED),
        S.REJECTED,
        REVIEW,
        gettext_lazy("Reject"),
        True,
    ),
    Transition(
        "publicise", (S.REVIEWED,), S.PUBLICITY, REVIEW, gettext_lazy("Start the publicity")
    ),
    Transition("certify", (S.PUBLICITY,), S.CERTIFIED, DECIDE, gettext_lazy("Certify")),
    Transition("final_reject", (S.PUBLICITY,), S.REJECTED, DECIDE, gettext_lazy("Reject"), True),
)
BY_ID = {t.id: t for t in TRANSITIONS}
FINAL_STATES = frozenset({S.CERTIFIED, S.REJECTED})


class TransitionError(Exception):
    """A transition refused for a reason the user can act on; ``message`` says which."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


class WrongStateError(TransitionError):
    """The application is not (or no longer) in a state the transition leaves from."""


class CommentRequiredError(TransitionError):
    pass


class PublicityNotOverError(TransitionError):
    pass


class WrongDateError(TransitionError):
    """The date given for a step is in the future, or before the application's last step."""


class NotEditableError(TransitionError):
    pass


def _state_label(state: str) -> str:
    return str(S(state).label)


def _wrong_state(transition: Transition, state: str) -> WrongStateError:
    allowed = "”“".join(_state_label(s) for s in transition.from_states)
    return WrongStateError(
        _(
            "This application is now “%(state)s”; “%(action)s” is possible only when it is "
            "“%(allowed)s”. Someone may have acted on it before you: reload the page to see its "
            "current state."
        )
        % {"state": _state_label(state), "action": transition.label, "allowed": allowed}
    )


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The last day of a period of ``days`` working days (Monday to Friday) starting on
    ``start``, which counts if it is a working day (a Monday start and 5 days end on Friday)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    day = start
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    left = days - 1
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def transition(transition_id: str) -> Transition:
    try:
        return BY_ID[transition_id]
    except KeyError:
        raise ValueError(f"unknown transition {transition_id!r}") from None


def available(application: CertificationApplication, user) -> list[Transition]:
    """The transitions ``user`` may perform on ``application`` in its present state."""
    return [
        t
        for t in TRANSITIONS
        if application.state in t.from_states and user.has_perm(t.permission, application)
    ]


def queue_states(user) -> list[str]:
    """States in which ``user`` may act on applications (of their scope): their to-do queue.

    Drafts are the applicant's: bureau staff may submit one on an enterprise's behalf, but
    drafts are not what they have to do."""
    states = []
    for t in TRANSITIONS:
        if t.from_states == (S.DRAFT,) and not getattr(user, "organisation_id", None):
            continue
        if user.has_perm(t.permission):
            states.extend(s for s in t.from_states if s not in states)
    return [s for s in S.values if s in states]


def perform(
    application: CertificationApplication,
    transition_id: str,
    user,
    *,
    comment: str = "",
    on: dt.date | None = None,
    publicity_days: int = PUBLICITY_DAYS,
    document_number: str = "",
    batch: str = "",
) -> CertificationApplication:
    """Move ``application`` along the transition ``transition_id`` on behalf of ``user``.

    Raises ``PermissionDenied`` when the user may not perform it on this application,
    :class:`TransitionError` (with a message for the user) when the application's state — read
    under a row lock, so of two people acting at once one wins and the other is told — or the
    input does not allow it. Everything happens in one transaction with one audit event of the
    transition (from and to state, and the comment). ``on`` is the date of the step: today, which
    is what the pages and the API use; programs (demo data, tests) may give an earlier date, never
    a later one, and a publicity cannot start before the application's last step. A
    certification needs its date after the end of the publicity. ``publicity_days`` is the length
    of the publicity in working days; ``document_number`` and ``batch`` go to the certified
    institution.
    """
    step = transition(transition_id)
    if not user.has_perm(step.permission, application):
        raise PermissionDenied
    comment = (comment or "").strip()
    if step.needs_comment and not comment:
        raise CommentRequiredError(
            _("Give the reason: “%(action)s” needs a comment.") % {"action": step.label}
        )
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise WrongDateError(
            _("The date of a step cannot be in the future (%(date)s is after today, %(today)s).")
            % {"date": on.isoformat(), "today": today.isoformat()}
        )
    acting = acting_as(user) if current_actor().user_id is None else nullcontext()
    with acting, transaction.atomic():
        locked = CertificationApplication.objects.select_for_update().get(pk=application.pk)
        before = locked.state
        if before not in step.from_states:
            raise _wrong_state(step, before)
        changes = {"state": [before, step.to_state]}
        values = {"state": step.to_state}
        if step.to_state == S.PUBLICITY:
            last = _last_step_on(locked)
            if last is not None and on < last:
                raise WrongDateError(
                    _(
                        "The publicity cannot start on %(date)s, before the application's last "
                        "step (%(last)s)."
                    )
                    % {"date": on.isoformat(), "last": last.isoformat()}
                )
            until = add_working_days(on, publicity_days)
            changes["publicity_until"] = [_iso(locked.publicity_until), until.isoformat()]
            values["publicity_until"] = until
        if step.to_state == S.CERTIFIED:
            if locked.publicity_until is None:
                raise PublicityNotOverError(
                    _("The application has no publicity period; it cannot be certified.")
                )
            if on <= locked.publicity_until:
                raise PublicityNotOverError(
                    _(
                        "The publicity runs until %(date)s; the application can be certified "
                        "once it is over."
                    )
                    % {"date": locked.publicity_until.isoformat()}
                )
            institution = rd.certify(
                host=locked.applicant,
                name=locked.name,
                level=locked.level,
                year=locked.year,
                on=on,
                batch=batch,
                document_number=document_number,
                actor=user,
                note=_("Certification application no. %(pk)s") % {"pk": locked.pk},
            )
            changes["institution"] = [None, institution.pk]
            values["institution"] = institution
        # One audit event for the step (the TRANSITION below), not an UPDATE besides it.
        CertificationApplication.objects.filter(pk=locked.pk).update(
            **values, version=F("version") + 1, updated_at=timezone.now()
        )
        chain.record(
            AuditAction.TRANSITION,
            locked,
            changes=changes,
            comment=comment or str(step.label),
        )
    _reload(application)
    return application


def save_draft(application: CertificationApplication, user, expected_version: int | None):
    """Create a draft, or save the edits of one: only a draft may be edited, and an edit must
    name the version it started from (``ConcurrentEditError`` otherwise)."""
    with transaction.atomic():
        if application.pk is None:
            application.state = S.DRAFT
            if getattr(user, "is_authenticated", False):
                application.created_by = user
            application.save()
            return application
        state = (
            CertificationApplication.objects.select_for_update()
            .filter(pk=application.pk)
            .values_list("state", flat=True)
            .get()
        )
        if state != S.DRAFT:
            raise NotEditableError(
                _("Only a draft can be edited; this application is now “%(state)s”.")
                % {"state": _state_label(state)}
            )
        application.state = S.DRAFT
        save_versioned(application, expected_version or 0)
    return application


def _last_step_on(application: CertificationApplication) -> dt.date | None:
    """The date of the application's last transition (from its audit trail), if any."""
    at = (
        AuditEvent.objects.for_object(application)
        .filter(action=AuditAction.TRANSITION)
        .order_by("-id")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localtime(at).date() if at else None


def _reload(application: CertificationApplication) -> None:
    application.refresh_from_db()
    application._audit_snapshot = field_values(application)
    application.__dict__.pop("_audit_loaded", None)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
