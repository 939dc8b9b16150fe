"""The life of a plan project, as data.

    draft ─submit─▶ submitted ─check_pass─▶ checked ─recommend─▶ recommended ─start_review─▶
      ▲                │  │                   │                                   in_review
      └──(edit)─ returned  └▶ check_rejected  └▶ not_recommended                  │      │
                                                                          approve │      │ reject
    closed ◀─close─ accepted ◀─accept─ acceptance_applied ◀─ … ◀─ in_progress ◀─  approved ─▶ …
                                            │ ▲                     ▲   │          not_approved
                               reconsider ◀─┘ └─reapply              │   └─ mid-term: pass / rectify / fail
    publicity (N working days) after approval; the task contract (任务书) starts the project.
    Any project not finished may be terminated by staff with the reason.

:data:`TRANSITIONS` lists every step (a ``core.domain.workflow.Workflow``, :data:`WORKFLOW`): a
stable id, the states it leaves from, the state it leads to, the permission it needs on the
application (``rules.py``: a role permission and the record within the user's data scope), the
label people read, whether a comment is required, and the guard of the steps with rules of their
own (the call's deadline, the approved funding, the publicity …). :func:`perform` (the core's) is
the only way to change a project's state: it checks the permission and — under a row lock, so
that of two people acting at once one wins and the other is told — the state, writes the step's
fields, one TRANSITION audit event with the comment, and the notifications, in one transaction.
Batch actions (:func:`perform_many`) take the step on each project in its own transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.accounts.scope import restrict
from kechuang.core.domain import workflow
from kechuang.core.domain.concurrency import save_versioned
from kechuang.core.domain.notify import notify
from kechuang.core.domain.workflow import Move, TransitionError, WrongDateError
from kechuang.core.domain.workflow import WrongStateError as WrongStateError
from kechuang.core.domain.workflow import add_working_days as add_working_days

from ..enums import Conclusion, MidtermResult
from ..enums import State as S
from ..models import Application
from ..reference import APPROVE, CHECK, MANAGE, RECOMMEND, REVIEW, TERMINATE

APPLY = "projects.change_application"
PUBLICITY_DAYS = 5


class Transition(workflow.Transition):
    @property
    def negative(self) -> bool:
        return self.to_state in NEGATIVE_STATES


NEGATIVE_STATES = frozenset(
    {
        S.RETURNED,
        S.CHECK_REJECTED,
        S.NOT_RECOMMENDED,
        S.NOT_APPROVED,
        S.RECONSIDER,
        S.ACCEPTANCE_FAILED,
        S.TERMINATED,
        S.RECTIFYING,
    }
)
FINAL_STATES = frozenset(
    {S.CHECK_REJECTED, S.NOT_RECOMMENDED, S.NOT_APPROVED, S.CLOSED, S.TERMINATED}
)
# Where an application may still be edited by its applicant.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# A running project: may ask for an extension.
RUNNING_STATES = (S.IN_PROGRESS, S.RECTIFYING, S.MIDTERM_PASSED)
TERMINABLE_STATES = tuple(s for s in S.values if s not in FINAL_STATES and s != S.DRAFT)


class ClosedCallError(TransitionError):
    """The call does not take applications now."""


class MissingInputError(TransitionError):
    """A comment or a field the step needs is missing or wrong."""


class NotEditableError(TransitionError):
    pass


# The guards: each step's own rules and the fields it writes besides the state -------------------


def _submit(move: Move) -> None:
    """In the call's time (judged by the request's arrival), with the required answers."""
    call, now = move.record.call, move.now
    if now < call.opens_at:
        raise ClosedCallError(
            _("The call “%(call)s” opens on %(at)s; applications cannot be submitted before.")
            % {"call": call.name, "at": _at(call.opens_at)}
        )
    if now >= call.closes_at:
        raise ClosedCallError(
            _("The call “%(call)s” closed on %(at)s; applications can no longer be submitted.")
            % {"call": call.name, "at": _at(call.closes_at)}
        )
    missing = [
        f.label
        for f in call.form_fields.filter(required=True)
        if not str((move.record.answers or {}).get(f.code, "")).strip()
    ]
    if missing:
        raise MissingInputError(
            _("Answer the call's required questions first: %(fields)s.")
            % {"fields": "、".join(missing)}
        )
    move.values["submitted_at"] = now


def _approve(move: Move) -> None:
    approved_funding = move.params["approved_funding"]
    if approved_funding is None or str(approved_funding).strip() == "":
        raise MissingInputError(_("Give the approved funding (10k yuan)."))
    amount = _decimal(approved_funding, _("The approved funding"))
    if amount > move.record.requested_funding:
        raise MissingInputError(
            _(
                "The approved funding (%(approved)s) cannot exceed the funding requested "
                "(%(requested)s)."
            )
            % {"approved": amount, "requested": move.record.requested_funding}
        )
    move.values["approved_funding"] = amount
    move.values["approved_on"] = move.on


def _publicise(move: Move) -> None:
    approved_on = move.record.approved_on
    if approved_on and move.on < approved_on:
        raise WrongDateError(
            _("The publicity cannot start before the approval (%(date)s).")
            % {"date": approved_on.isoformat()}
        )
    move.values["publicity_until"] = add_working_days(move.on, move.params["publicity_days"])


def _sign_contract(move: Move) -> None:
    contract_number = (move.params["contract_number"] or "").strip()
    if not contract_number:
        raise MissingInputError(_("Give the task contract's number."))
    publicity_until = move.record.publicity_until
    if publicity_until and move.on <= publicity_until:
        raise WrongDateError(
            _("The publicity runs until %(date)s; the task contract can be signed once it is over.")
            % {"date": publicity_until.isoformat()}
        )
    move.values["contract_number"] = contract_number
    move.values["contract_signed_on"] = move.on


MIDTERM_RESULT = {
    "midterm_pass": MidtermResult.PASS,
    "midterm_rectify": MidtermResult.RECTIFY,
    "midterm_fail": MidtermResult.FAIL,
}


def _midterm(move: Move) -> None:
    move.values["midterm_result"] = MIDTERM_RESULT[move.transition.id]
    move.values["midterm_on"] = move.on
    if move.transition.id == "midterm_fail":
        move.values["terminated_on"] = move.on


ACCEPTANCE_CONCLUSION = {
    "accept": Conclusion.PASS,
    "accept_reconsider": Conclusion.RECONSIDER,
    "accept_fail": Conclusion.FAIL,
}


def _accept(move: Move) -> None:
    move.values["conclusion"] = ACCEPTANCE_CONCLUSION[move.transition.id]
    move.values["concluded_on"] = move.on


def _close(move: Move) -> None:
    move.values["closed_on"] = move.on


def _terminate(move: Move) -> None:
    move.values["terminated_on"] = move.on


T = Transition
TRANSITIONS: tuple[Transition, ...] = (
    T("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, APPLY, gettext_lazy("Submit"), guard=_submit),
    T("check_pass", (S.SUBMITTED,), S.CHECKED, CHECK, gettext_lazy("Pass the formal check")),
    T(
        "check_return",
        (S.SUBMITTED,),
        S.RETURNED,
        CHECK,
        gettext_lazy("Return for changes"),
        needs_comment=True,
    ),
    T(
        "check_reject",
        (S.SUBMITTED,),
        S.CHECK_REJECTED,
        CHECK,
        gettext_lazy("Reject at the formal check"),
        needs_comment=True,
    ),
    T("recommend", (S.CHECKED,), S.RECOMMENDED, RECOMMEND, gettext_lazy("Recommend")),
    T(
        "not_recommend",
        (S.CHECKED,),
        S.NOT_RECOMMENDED,
        RECOMMEND,
        gettext_lazy("Do not recommend"),
        needs_comment=True,
    ),
    T(
        "start_review",
        (S.RECOMMENDED,),
        S.IN_REVIEW,
        REVIEW,
        gettext_lazy("Send to expert review"),
    ),
    T(
        "approve",
        (S.IN_REVIEW,),
        S.APPROVED,
        APPROVE,
        gettext_lazy("Approve (立项)"),
        needs=("approved_funding",),
        guard=_approve,
    ),
    T(
        "not_approve",
        (S.IN_REVIEW,),
        S.NOT_APPROVED,
        APPROVE,
        gettext_lazy("Do not approve"),
        needs_comment=True,
    ),
    T(
        "publicise",
        (S.APPROVED,),
        S.PUBLICITY,
        APPROVE,
        gettext_lazy("Start the publicity"),
        guard=_publicise,
    ),
    T(
        "sign_contract",
        (S.PUBLICITY,),
        S.IN_PROGRESS,
        MANAGE,
        gettext_lazy("Task contract signed"),
        needs=("contract_number",),
        guard=_sign_contract,
    ),
    T(
        "midterm_pass",
        (S.IN_PROGRESS, S.RECTIFYING),
        S.MIDTERM_PASSED,
        MANAGE,
        gettext_lazy("Mid-term check: qualified"),
        guard=_midterm,
    ),
    T(
        "midterm_rectify",
        (S.IN_PROGRESS,),
        S.RECTIFYING,
        MANAGE,
        gettext_lazy("Mid-term check: rectification required"),
        needs_comment=True,
        guard=_midterm,
    ),
    T(
        "midterm_fail",
        (S.IN_PROGRESS, S.RECTIFYING),
        S.TERMINATED,
        MANAGE,
        gettext_lazy("Mid-term check: unqualified (terminate)"),
        needs_comment=True,
        guard=_midterm,
    ),
    T(
        "apply_acceptance",
        (S.IN_PROGRESS, S.MIDTERM_PASSED, S.RECONSIDER),
        S.ACCEPTANCE_APPLIED,
        APPLY,
        gettext_lazy("Apply for acceptance"),
    ),
    T(
        "accept",
        (S.ACCEPTANCE_APPLIED,),
        S.ACCEPTED,
        MANAGE,
        gettext_lazy("Acceptance: passed"),
        guard=_accept,
    ),
    T(
        "accept_reconsider",
        (S.ACCEPTANCE_APPLIED,),
        S.RECONSIDER,
        MANAGE,
        gettext_lazy("Acceptance: to be reconsidered"),
        needs_comment=True,
        guard=_accept,
    ),
    T(
        "accept_fail",
        (S.ACCEPTANCE_APPLIED,),
        S.ACCEPTANCE_FAILED,
        MANAGE,
        gettext_lazy("Acceptance: failed"),
        needs_comment=True,
        guard=_accept,
    ),
    T(
        "close",
        (S.ACCEPTED, S.ACCEPTANCE_FAILED),
        S.CLOSED,
        MANAGE,
        gettext_lazy("Close"),
        guard=_close,
    ),
    T(
        "terminate",
        TERMINABLE_STATES,
        S.TERMINATED,
        TERMINATE,
        gettext_lazy("Terminate"),
        needs_comment=True,
        guard=_terminate,
    ),
)
del T
CONCLUSION_STEP = {
    Conclusion.PASS: "accept",
    Conclusion.RECONSIDER: "accept_reconsider",
    Conclusion.FAIL: "accept_fail",
}


def _notify(application: Application, step: Transition, actor, comment: str) -> None:
    """The applicant's users hear of every step; whoever acts next hears that it is their turn.
    (``application`` is as before the step; the step's new state is ``step.to_state``.)"""
    User = get_user_model()
    url = application.get_absolute_url()
    applicants = list(
        User.objects.filter(
            Q(organisation_id=application.undertaker_id) | Q(pk=application.created_by_id),
            is_active=True,
        ).exclude(pk=actor.pk)
    )
    title = _("%(project)s: %(action)s") % {"project": application.name, "action": step.label}
    body = _("The project is now “%(state)s”.") % {"state": state_label(step.to_state)}
    if comment:
        body += "\n" + comment
    notify(applicants, title, body, url)
    next_steps = [
        t
        for t in TRANSITIONS
        if step.to_state in t.from_states and t.permission != APPLY and t.id != "terminate"
    ]
    if not next_steps:
        return
    permissions = {t.permission for t in next_steps}
    app_label = "projects"
    codenames = [p.split(".", 1)[1] for p in permissions]
    candidates = (
        User.objects.filter(
            is_active=True,
            organisation__isnull=True,
            roles__permissions__content_type__app_label=app_label,
            roles__permissions__codename__in=codenames,
        )
        .exclude(pk=actor.pk)
        .distinct()
    )
    actors = [
        u
        for u in candidates
        if not u.is_superuser
        and restrict(Application.objects.filter(pk=application.pk), u).exists()
    ]
    notify(
        actors,
        _("To do: %(project)s") % {"project": application.name},
        _("The project is now “%(state)s” and waits for you.")
        % {"state": state_label(step.to_state)},
        url,
    )


def _number(move: Move) -> None:
    """A submitted application's number. The notifications' queries have run by now: the call's
    number lock and the audit chain's lock are then held for as few statements as possible."""
    if move.transition.id == "submit" and not move.record.number:
        move.values["number"] = _next_number(move.record)


WORKFLOW = workflow.Workflow(
    model=Application,
    states=S,
    transitions=TRANSITIONS,
    wrong_state_message=gettext_lazy(
        "This project is now “%(state)s”; “%(action)s” is possible only when it is "
        "“%(allowed)s”. Someone may have acted on it before you: reload the page to see its "
        "current state."
    ),
    # Only the application's row is locked (of=self), not the call joined to it.
    select_related=("call",),
    # (looked up when called, so that a test may slow it down)
    notify=lambda move: _notify(move.record, move.transition, move.user, move.comment),
    before_write=_number,
    record_transition_id=True,
    comment_error=MissingInputError,
)
BY_ID = WORKFLOW.by_id


def transition(transition_id: str) -> Transition:
    return WORKFLOW.transition(transition_id)


def state_label(state: str) -> str:
    return str(S(state).label)


def available(application: Application, user) -> list[Transition]:
    """The steps ``user`` may take on ``application`` in its present state."""
    return WORKFLOW.available(application, user)


def queue_states(user) -> list[str]:
    """States in which ``user`` may act on projects within their scope: their to-do queues.
    Drafts and returned applications are the applicant's to do, not the bureau's."""
    states: list[str] = []
    for t in TRANSITIONS:
        if t.permission == APPLY and not getattr(user, "organisation_id", None):
            continue
        if t.id == "terminate":
            continue
        if user.has_perm(t.permission):
            states.extend(s for s in t.from_states if s not in states)
    return [s for s in S.values if s in states]


def _decimal(value, label) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise MissingInputError(
            _("%(field)s must be a number (10k yuan).") % {"field": label}
        ) from None
    if amount < 0 or not amount.is_finite():
        raise MissingInputError(_("%(field)s cannot be negative.") % {"field": label})
    return amount.quantize(Decimal("0.01"))


def perform(
    application: Application,
    transition_id: str,
    user,
    *,
    comment: str = "",
    on: dt.date | None = None,
    approved_funding=None,
    contract_number: str = "",
    publicity_days: int = PUBLICITY_DAYS,
    now: dt.datetime | None = None,
) -> Application:
    """Take the step ``transition_id`` on ``application`` on behalf of ``user``
    (``core.domain.workflow.perform`` with this workflow).

    Raises ``PermissionDenied`` when the user may not take it on this project, and
    :class:`TransitionError` (with a message for the user) when the state — read under a row
    lock — or the input does not allow it. ``on`` is the date of the step: today for pages and
    the API; programs (the demo data, tests) may give an earlier date, never a later one.
    ``now`` is the moment the step was asked for — the request's arrival
    (``core.middleware.received_at``), so that a submission made before the call closes counts
    as in time even when the server reaches it later; tests give it to stand for the present.
    """
    return workflow.perform(
        WORKFLOW,
        application,
        transition_id,
        user,
        comment=comment,
        on=on,
        now=now,
        approved_funding=approved_funding,
        contract_number=contract_number,
        publicity_days=publicity_days,
    )


def _next_number(application: Application) -> str:
    """``<year>-<call>-<nnnnn>``: the next number within the call. The call's row is locked
    while the number is taken, so simultaneous submissions to one call queue for it here and
    never get the same number."""
    call = type(application.call).objects.select_for_update().get(pk=application.call_id)
    prefix = f"{call.year}-{call.pk}-"
    taken = (
        Application.objects.filter(call_id=call.pk, number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(taken.rsplit("-", 1)[1]) + 1 if taken else 1
    return f"{prefix}{sequence:05d}"


def perform_many(ids, transition_id: str, user, *, comment: str = "") -> dict:
    """A batch action: the step on each project of ``ids``, each in its own transaction with its
    own audit event. Returns ``{"done": [ids], "failed": {id: message}}``; one project's refusal
    does not stop the others."""
    done, failed = [], {}
    for application in restrict(Application.objects.filter(pk__in=list(ids)), user):
        try:
            perform(application, transition_id, user, comment=comment)
        except PermissionDenied:
            failed[application.pk] = _("You may not do this with this project.")
        except TransitionError as error:
            failed[application.pk] = str(error)
        else:
            done.append(application.pk)
    missing = set(map(int, ids)) - set(done) - set(failed)
    for pk in sorted(missing):
        failed[pk] = _("No such project within your reach.")
    return {"done": done, "failed": failed}


def save_application(
    application: Application, user, expected_version: int | None = None, cooperators=None
) -> Application:
    """Create a draft or save an applicant's edits: only a draft or a returned application may
    be edited; an edit must name the version it started from (``ConcurrentEditError``)."""
    with transaction.atomic():
        if application.pk is None:
            application.state = S.DRAFT
            if getattr(user, "is_authenticated", False):
                application.created_by = user
            application.save()
        else:
            state = (
                Application.objects.select_for_update()
                .filter(pk=application.pk)
                .values_list("state", flat=True)
                .get()
            )
            if state not in EDITABLE_STATES:
                raise NotEditableError(
                    _(
                        "Only a draft or an application returned for changes can be edited; this "
                        "one is now “%(state)s”."
                    )
                    % {"state": state_label(state)}
                )
            application.state = state
            save_versioned(application, expected_version or 0)
        if cooperators is not None:
            application.cooperators.set(cooperators)
    return application


def _at(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")
