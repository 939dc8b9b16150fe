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

The transitions are data (:data:`TRANSITIONS`, a ``core.domain.workflow.Workflow``): stable ids,
the states they leave from, the state they lead to, the permission they need on the application
(a role permission and the application within the user's data scope, see ``rules.py``), a label
people read, whether a comment is required, and the guards of the publicity and the
certification. :func:`perform` (the core's) is the only way to change an application's state.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.domain import workflow
from kechuang.core.domain.concurrency import save_versioned
from kechuang.core.domain.workflow import CommentRequiredError as CommentRequiredError
from kechuang.core.domain.workflow import Move, TransitionError, WrongDateError, add_working_days
from kechuang.core.domain.workflow import WrongStateError as WrongStateError

from ..enums import ApplicationState as S
from ..models import CertificationApplication
from ..rules import DECIDE, RECOMMEND, REVIEW
from . import rd

CHANGE = "platforms.change_certificationapplication"
PUBLICITY_DAYS = 5


class Transition(workflow.Transition):
    @property
    def rejects(self) -> bool:
        return self.to_state == S.REJECTED


class PublicityNotOverError(TransitionError):
    pass


class NotEditableError(TransitionError):
    pass


def _publicise(move: Move) -> None:
    """The publicity starts on the step's date, not before the application's last step, and
    lasts ``publicity_days`` working days."""
    last = _last_step_on(move.record)
    if last is not None and move.on < last:
        raise WrongDateError(
            _(
                "The publicity cannot start on %(date)s, before the application's last "
                "step (%(last)s)."
            )
            % {"date": move.on.isoformat(), "last": last.isoformat()}
        )
    move.values["publicity_until"] = add_working_days(move.on, move.params["publicity_days"])


def _certify(move: Move) -> None:
    """Once the publicity is over: the certified institution (``rd.certify``)."""
    locked = move.record
    if locked.publicity_until is None:
        raise PublicityNotOverError(
            _("The application has no publicity period; it cannot be certified.")
        )
    if move.on <= locked.publicity_until:
        raise PublicityNotOverError(
            _(
                "The publicity runs until %(date)s; the application can be certified "
                "once it is over."
            )
            % {"date": locked.publicity_until.isoformat()}
        )
    move.values["institution"] = rd.certify(
        host=locked.applicant,
        name=locked.name,
        level=locked.level,
        year=locked.year,
        on=move.on,
        batch=move.params["batch"],
        document_number=move.params["document_number"],
        actor=move.user,
        note=_("Certification application no. %(pk)s") % {"pk": locked.pk},
    )


T = Transition
TRANSITIONS: tuple[Transition, ...] = (
    T("apply", (S.DRAFT,), S.APPLIED, CHANGE, gettext_lazy("Submit the application")),
    T("recommend", (S.APPLIED,), S.RECOMMENDED, RECOMMEND, gettext_lazy("Recommend")),
    T("town_reject", (S.APPLIED,), S.REJECTED, RECOMMEND, gettext_lazy("Reject"), True),
    T("review", (S.RECOMMENDED,), S.REVIEWED, REVIEW, gettext_lazy("Pass the review")),
    T(
        "bureau_reject",
        (S.RECOMMENDED, S.REVIEWED),
        S.REJECTED,
        REVIEW,
        gettext_lazy("Reject"),
        True,
    ),
    T(
        "publicise",
        (S.REVIEWED,),
        S.PUBLICITY,
        REVIEW,
        gettext_lazy("Start the publicity"),
        guard=_publicise,
    ),
    T("certify", (S.PUBLICITY,), S.CERTIFIED, DECIDE, gettext_lazy("Certify"), guard=_certify),
    T("final_reject", (S.PUBLICITY,), S.REJECTED, DECIDE, gettext_lazy("Reject"), True),
)
del T
WORKFLOW = workflow.Workflow(
    model=CertificationApplication,
    states=S,
    transitions=TRANSITIONS,
    wrong_state_message=gettext_lazy(
        "This application is now “%(state)s”; “%(action)s” is possible only when it is "
        "“%(allowed)s”. Someone may have acted on it before you: reload the page to see its "
        "current state."
    ),
)
BY_ID = WORKFLOW.by_id
FINAL_STATES = frozenset({S.CERTIFIED, S.REJECTED})


def _state_label(state: str) -> str:
    return WORKFLOW.state_label(state)


def transition(transition_id: str) -> Transition:
    return WORKFLOW.transition(transition_id)


def available(application: CertificationApplication, user) -> list[Transition]:
    """The transitions ``user`` may perform on ``application`` in its present state."""
    return WORKFLOW.available(application, user)


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
    """Move ``application`` along the transition ``transition_id`` on behalf of ``user``
    (``core.domain.workflow.perform``).

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
    return workflow.perform(
        WORKFLOW,
        application,
        transition_id,
        user,
        comment=comment,
        on=on,
        publicity_days=publicity_days,
        document_number=document_number,
        batch=batch,
    )


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
