"""Workflows: the states of a record and the steps between them, as data.

An area declares the steps of one model as :class:`Transition` rows — a stable id (what URLs, the
API and the audit trail name), the states the step leaves from, the state it leads to, the
permission it needs on the record (a role permission and the record within the user's data
scope, see each area's ``rules.py``), the label people read, whether a comment is required, the
inputs the step needs, and an optional ``guard`` that checks the step's own rules and adds the
fields it writes — and gathers them in a :class:`Workflow` with the model, its state field and
what the area's messages say.

:func:`perform` is then the only way to change a record's state. It checks the permission, the
comment and the date of the step, then — in one transaction, under a lock on the record's row,
so that of two people acting at once one wins and the other is told — the state, runs the guard,
writes the notifications, the step's fields and exactly one TRANSITION audit event (the fields
that changed, and the comment or else the step's label), and reads the record back.

Refusals are :class:`~kechuang.core.domain.errors.DomainError`\\ s with a message for the user;
an area may name its own subclasses for them (``Workflow.wrong_state_error`` …).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from kechuang.audit import chain
from kechuang.audit.context import acting_as, current_actor
from kechuang.audit.enums import AuditAction
from kechuang.audit.tracking import field_values

from .errors import DomainError


class TransitionError(DomainError):
    """A step refused for a reason the user can act on."""


class WrongStateError(TransitionError):
    """The record is not (or no longer) in a state the step leaves from."""


class CommentRequiredError(TransitionError):
    """The step needs a comment (the reason) and none was given."""


class WrongDateError(TransitionError):
    """The date given for a step is in the future (or otherwise wrong for it)."""


@dataclass(frozen=True)
class Transition:
    """One step of a workflow."""

    id: str
    from_states: tuple[str, ...]
    to_state: str
    permission: str
    label: Promise
    needs_comment: bool = False
    # Inputs of the step (approved funding, a contract number …) the caller must give.
    needs: tuple[str, ...] = ()
    # Checks the step's own rules on the locked record and adds the fields it writes to
    # ``move.values``; raises a DomainError to refuse. Called with the :class:`Move`.
    guard: Callable[[Move], None] | None = field(default=None, compare=False, repr=False)


@dataclass
class Move:
    """A step under way, as the guard and the hooks see it."""

    workflow: Workflow
    transition: Transition
    record: models.Model  # the locked row, as it is before the step
    user: Any
    comment: str
    on: dt.date  # the date of the step
    now: dt.datetime  # when the step was asked for
    params: dict  # the step's own inputs, as given to perform()
    values: dict  # the fields the step writes (the state first)


@dataclass(frozen=True)
class Workflow:
    """The steps of one model and what its refusals say.

    ``wrong_state_message`` (lazy, with ``%(state)s``, ``%(action)s`` and ``%(allowed)s``) names
    the record the way the area's users call it. The hooks: ``lock_first`` locks rows to be held
    before the record's (a parent whose lock covers all its children); ``notify`` writes the
    step's notifications (with ``core.domain.notify.notify``: the inbox in the step's
    transaction, the e-mails once it commits) after the guard passed; ``before_write`` completes the values right before they are written (for a
    lock better held briefly). ``check_date`` replaces the check that a step's date is not in
    the future. ``record_transition_id`` adds ``{"transition": [None, id]}`` to the audit
    event's changes."""

    model: type[models.Model]
    states: type[models.TextChoices]
    transitions: tuple[Transition, ...]
    wrong_state_message: Promise
    state_field: str = "state"
    select_related: tuple[str, ...] = ()
    lock_first: Callable[[models.Model], Any] | None = None
    notify: Callable[[Move], None] | None = None
    before_write: Callable[[Move], None] | None = None
    check_date: Callable[[Transition, dt.date, dt.date], Any] | None = None
    record_transition_id: bool = False
    wrong_state_error: type[DomainError] = WrongStateError
    comment_error: type[DomainError] = CommentRequiredError
    comment_field: str | None = None
    date_error: type[DomainError] = WrongDateError
    by_id: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        by_id = {t.id: t for t in self.transitions}
        if len(by_id) != len(self.transitions):
            raise ValueError(f"{self.model.__name__}: transition ids repeat")
        states = set(self.states.values)
        for t in self.transitions:
            unknown = (set(t.from_states) | {t.to_state}) - states
            if unknown:
                raise ValueError(f"{t.id}: unknown states {sorted(unknown)}")
        object.__setattr__(self, "by_id", by_id)

    def transition(self, transition_id: str) -> Transition:
        try:
            return self.by_id[transition_id]
        except KeyError:
            raise ValueError(f"unknown transition {transition_id!r}") from None

    def available(self, record, user) -> list[Transition]:
        """The steps ``user`` may take on ``record`` in its present state."""
        state = getattr(record, self.state_field)
        return [
            t
            for t in self.transitions
            if state in t.from_states and user.has_perm(t.permission, record)
        ]

    def state_label(self, state: str) -> str:
        return str(self.states(state).label)

    def wrong_state(self, step: Transition, state: str) -> DomainError:
        """The refusal of ``step`` on a record now in ``state``."""
        allowed = "”“".join(self.state_label(s) for s in step.from_states)
        return self.wrong_state_error(
            self.wrong_state_message
            % {"state": self.state_label(state), "action": step.label, "allowed": allowed}
        )


def acting(user):
    """Attribute the audit events to ``user`` unless a request (or caller) already does."""
    return acting_as(user) if current_actor().user_id is None else nullcontext()


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


def perform(
    workflow: Workflow,
    record: models.Model,
    transition_id: str,
    user,
    *,
    comment: str = "",
    on: dt.date | None = None,
    now: dt.datetime | None = None,
    **params,
):
    """Take the step ``transition_id`` on ``record`` on behalf of ``user``; returns ``record``,
    read back.

    Raises ``PermissionDenied`` when the user may not take it on this record, and a
    :class:`DomainError` (the workflow's classes, or the guard's) when the comment, the date,
    the state — read under a row lock — or the step's own rules do not allow it. ``on`` is the
    date of the step (today by default; never later); ``now`` the moment the step was asked for
    (a request's arrival, ``core.middleware.received_at``; the present by default). ``params``
    are the step's own inputs, for its guard.
    """
    step = workflow.transition(transition_id)
    if not user.has_perm(step.permission, record):
        raise PermissionDenied
    comment = (comment or "").strip()
    if step.needs_comment and not comment:
        raise workflow.comment_error(
            _("Give the reason: “%(action)s” needs a comment.") % {"action": step.label},
            workflow.comment_field,
        )
    if now is None:
        now, today = timezone.now(), timezone.localdate()
    else:
        today = timezone.localdate(now)
    on = on or today
    if workflow.check_date is not None:
        workflow.check_date(step, on, today)
    elif on > today:
        raise workflow.date_error(
            _("The date of a step cannot be in the future (%(date)s is after today, %(today)s).")
            % {"date": on.isoformat(), "today": today.isoformat()}
        )
    with acting(user), transaction.atomic():
        if workflow.lock_first is not None:
            workflow.lock_first(record)
        locked = lock(workflow, record)
        state = getattr(locked, workflow.state_field)
        if state not in step.from_states:
            raise workflow.wrong_state(step, state)
        move = Move(
            workflow=workflow,
            transition=step,
            record=locked,
            user=user,
            comment=comment,
            on=on,
            now=now,
            params=params,
            values={},
        )
        if step.guard is not None:
            step.guard(move)
        if workflow.notify is not None:
            workflow.notify(move)
        if workflow.before_write is not None:
            workflow.before_write(move)
        write(workflow, locked, step, comment=comment, values=move.values)
    reload(record)
    return record


def lock(workflow: Workflow, record: models.Model) -> models.Model:
    """The record read anew under a lock on its row (only its own row, not the rows joined)."""
    return (
        workflow.model.objects.select_for_update(of=("self",))
        .select_related(*workflow.select_related)
        .get(pk=record.pk)
    )


def write(
    workflow: Workflow,
    locked: models.Model,
    step: Transition,
    *,
    comment: str = "",
    values: dict | None = None,
) -> None:
    """Write ``step`` on a row the caller has locked (inside its transaction): its state and
    ``values`` with the next version number, and one TRANSITION audit event. The step is not
    checked beyond the state: :func:`perform` checks the rest; an area writes a step this way
    only as the consequence of another (a version superseded by the adoption of the next)."""
    state = getattr(locked, workflow.state_field)
    if state not in step.from_states:
        raise workflow.wrong_state(step, state)
    values = {workflow.state_field: step.to_state, **(values or {})}
    changes = {
        name: [_plain(getattr(locked, name)), _plain(value)]
        for name, value in values.items()
        if getattr(locked, name) != value
    }
    if workflow.record_transition_id:
        changes = {"transition": [None, step.id], **changes}
    stamps = {}
    if _has_field(workflow.model, "version"):
        stamps["version"] = F("version") + 1
    if _has_field(workflow.model, "updated_at"):
        stamps["updated_at"] = timezone.now()
    # One audit event for the step (the TRANSITION below), not an UPDATE besides it.
    workflow.model.objects.filter(pk=locked.pk).update(**values, **stamps)
    chain.record(
        AuditAction.TRANSITION, locked, changes=changes, comment=comment or str(step.label)
    )


def reload(instance: models.Model) -> None:
    """Read the record back after a write made with ``update()`` (and forget the old audit
    snapshot, so a later save compares with what is stored now)."""
    instance.refresh_from_db()
    instance._audit_snapshot = field_values(instance)
    instance.__dict__.pop("_audit_loaded", None)


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _plain(value):
    """A value as the audit event's changes hold it."""
    if isinstance(value, dt.date):  # and datetimes
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value
