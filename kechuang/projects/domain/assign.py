"""Assigning experts to applications for a review phase: manually, one expert at a time, or
automatically for a whole call (the optimisation itself is the pure module ``assignment.py``).

Rules both ways keep:

* never a conflicted expert (conflicts.py) — the expert would not even see the application;
* never more applications of one call for an expert than the expert's capacity;
* never more experts on an application than the call's ``reviewers_per_application``;
* only available experts, and only applications in expert review (or recommended to it).

Field match: an expert whose technical fields include the application's field matches fully
(2); one with a field of the same area partly (1); otherwise not at all (0), and is not a
candidate for automatic assignment (staff may still assign such an expert by hand).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from kechuang.core.domain.notify import notify
from kechuang.core.models import CodeItem

from ..enums import ReviewState
from ..enums import State as S
from ..models import Application, Assignment, Expert, Review, ReviewPhase
from ..reference import ASSIGN
from .assignment import (
    TOO_FEW_ELIGIBLE,
    ShortfallReason,
    SparseScores,
    assign_experts,
)
from .conflicts import conflict_pairs, conflict_reasons, reasons_by_expert
from .workflow import TransitionError, state_label

FULL_MATCH = Decimal(2)
PARTIAL_MATCH = Decimal(1)
ASSIGNABLE_STATES = (S.RECOMMENDED, S.IN_REVIEW)


class AssignmentError(TransitionError):
    pass


def field_match(expert_field_ids: set[int], field_id: int | None, parents: dict[int, int | None]):
    """The match of an expert's fields with an application's field (see the module docstring)."""
    if field_id is None or not expert_field_ids:
        return Decimal(0)
    if field_id in expert_field_ids:
        return FULL_MATCH
    area = parents.get(field_id)
    if area is not None and any(parents.get(f) == area for f in expert_field_ids):
        return PARTIAL_MATCH
    return Decimal(0)


def _parents() -> dict[int, int | None]:
    from kechuang.core.enums import CodeList

    return dict(
        CodeItem.objects.filter(code_list=CodeList.TECH_FIELD).values_list("pk", "parent_id")
    )


def _expert_fields(expert_ids) -> dict[int, set[int]]:
    fields: dict[int, set[int]] = {}
    for expert_id, item_id in Expert.fields.through.objects.filter(
        expert_id__in=expert_ids
    ).values_list("expert_id", "codeitem_id"):
        fields.setdefault(expert_id, set()).add(item_id)
    return fields


def load_per_call(call_id: int, expert_ids=None) -> dict[int, int]:
    """How many applications of the call each expert is assigned to (conflict-ended ones do not
    count)."""
    rows = Assignment.objects.filter(phase__call_id=call_id, declared_conflict=False)
    if expert_ids is not None:
        rows = rows.filter(expert_id__in=list(expert_ids))
    return dict(
        rows.values("expert_id")
        .annotate(n=Count("application_id", distinct=True))
        .values_list("expert_id", "n")
    )


@dataclass
class Candidate:
    expert: Expert
    match: Decimal
    remaining: int
    conflicts: list[str] = field(default_factory=list)
    assigned: bool = False

    @property
    def eligible(self) -> bool:
        return (
            not self.conflicts
            and self.remaining > 0
            and self.expert.available
            and not self.assigned
        )


def candidates(phase: ReviewPhase, application: Application) -> list[Candidate]:
    """Every expert of the pool for ``application``, best match first, with what would stop
    them being assigned."""
    experts = list(Expert.objects.select_related("organisation"))
    ids = [e.pk for e in experts]
    fields = _expert_fields(ids)
    parents = _parents()
    load = load_per_call(phase.call_id)
    assigned = set(
        Assignment.objects.filter(phase=phase, application=application).values_list(
            "expert_id", flat=True
        )
    )
    conflicted = {e for _a, e in conflict_pairs([application.pk], ids)}
    reasons_of = reasons_by_expert(application, [e for e in experts if e.pk in conflicted])
    found = []
    for expert in experts:
        reasons = reasons_of.get(expert.pk, [])
        found.append(
            Candidate(
                expert,
                field_match(fields.get(expert.pk, set()), application.tech_field_id, parents),
                max(expert.capacity - load.get(expert.pk, 0), 0),
                reasons,
                expert.pk in assigned,
            )
        )
    found.sort(key=lambda c: (not c.eligible, -c.match, c.expert.name))
    return found


def _check_assignable(application: Application, phase: ReviewPhase):
    if application.call_id != phase.call_id:
        raise AssignmentError(_("The application belongs to another call."))
    if application.state not in ASSIGNABLE_STATES:
        raise AssignmentError(
            _("Experts are assigned to applications in expert review; this one is “%(state)s”.")
            % {"state": state_label(application.state)}
        )


def assign_manually(
    phase: ReviewPhase, application: Application, expert: Expert, user
) -> Assignment:
    if not user.has_perm(ASSIGN):
        raise PermissionDenied
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        _check_assignable(application, phase)
        reasons = conflict_reasons(expert, application)
        if reasons:
            raise AssignmentError(
                _("%(name)s cannot review this application: %(reasons)s")
                % {"name": expert.name, "reasons": " ".join(reasons)}
            )
        if not expert.available:
            raise AssignmentError(_("%(name)s is not available.") % {"name": expert.name})
        if Assignment.objects.filter(phase=phase, application=application, expert=expert).exists():
            raise AssignmentError(
                _("%(name)s is assigned to this application already.") % {"name": expert.name}
            )
        if Assignment.objects.filter(
            phase=phase, application=application, expert=expert, declared_conflict=True
        ).exists():
            raise AssignmentError(_("%(name)s declared a conflict.") % {"name": expert.name})
        load = load_per_call(phase.call_id, [expert.pk]).get(expert.pk, 0)
        already_on_call = Assignment.objects.filter(
            phase__call_id=phase.call_id, application=application, expert=expert
        ).exists()
        if not already_on_call and load >= expert.capacity:
            raise AssignmentError(
                _(
                    "%(name)s reviews %(load)s applications of this call already, the most they "
                    "take (%(capacity)s)."
                )
                % {"name": expert.name, "load": load, "capacity": expert.capacity}
            )
        staffed = Assignment.objects.filter(
            phase=phase, application=application, declared_conflict=False
        ).count()
        if staffed >= phase.call.reviewers_per_application:
            raise AssignmentError(
                _("This application has its %(k)s experts already.")
                % {"k": phase.call.reviewers_per_application}
            )
        parents = _parents()
        match = field_match(
            _expert_fields([expert.pk]).get(expert.pk, set()), application.tech_field_id, parents
        )
        assignment = Assignment.objects.create(
            phase=phase,
            application=application,
            expert=expert,
            match=match,
            automatic=False,
            created_by=user,
        )
        _tell_experts([assignment])
    return assignment


def unassign(assignment: Assignment, user) -> None:
    if not user.has_perm(ASSIGN):
        raise PermissionDenied
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if Review.objects.filter(assignment=locked, state=ReviewState.SUBMITTED).exists():
            raise AssignmentError(
                _("%(name)s has submitted the review; it cannot be unassigned.")
                % {"name": locked.expert.name}
            )
        locked.delete()


def _tell_experts(assignments) -> None:
    by_user: dict = {}
    for a in assignments:
        if a.expert.user_id:
            by_user.setdefault(a.expert.user, []).append(a)
    for user, items in by_user.items():
        notify(
            [user],
            _("New review assignments: %(n)s") % {"n": len(items)},
            "\n".join(a.application.name for a in items),
            "",
        )


# Automatic assignment --------------------------------------------------------------------------


@dataclass
class Shortfall:
    """An application the automatic assignment could not fully staff, and why (in numbers)."""

    application: Application
    reason: ShortfallReason

    @property
    def needed(self) -> int:
        return self.reason.need

    @property
    def assigned(self) -> int:
        return self.reason.assigned

    @property
    def message(self) -> str:
        r = self.reason
        numbers = {
            "need": r.need,
            "assigned": r.assigned,
            "candidates": r.candidates,
            "conflicted": r.conflicted,
            "full": r.no_capacity,
            "eligible": r.eligible,
            "busy": r.busy,
        }
        if r.code == TOO_FEW_ELIGIBLE:
            return (
                _(
                    "Needs %(need)s more experts, got %(assigned)s: only %(eligible)s experts can "
                    "review it — %(candidates)s match its field, of whom %(conflicted)s are "
                    "conflicted and %(full)s have no places left in this call. Invite experts of "
                    "this field or raise their capacity."
                )
                % numbers
            )
        return (
            _(
                "Needs %(need)s more experts, got %(assigned)s: %(eligible)s experts could review "
                "it, but %(busy)s of them have used their places on other applications of this "
                "call. Raise their capacity or invite more experts of this field."
            )
            % numbers
        )


@dataclass
class AutoReport:
    created: list[Assignment] = field(default_factory=list)
    total_match: Decimal = Decimal(0)
    shortfalls: list[Shortfall] = field(default_factory=list)
    applications: int = 0
    certificate: object | None = None


def auto_assign(phase: ReviewPhase, user, applications=None) -> AutoReport:
    """Assign experts to every application of the phase's call in expert review (or the given
    ones) that has fewer than the call's number of reviewers: the most review places filled,
    then the best total field match, never a conflict or a capacity exceeded (the optimisation
    is ``assignment.assign_experts``; its result is checked again here before anything is
    written). Existing assignments stay; the new ones are written in one transaction."""
    if not user.has_perm(ASSIGN):
        raise PermissionDenied
    call = phase.call
    k = call.reviewers_per_application
    with transaction.atomic():
        queryset = Application.objects.filter(call=call, state__in=ASSIGNABLE_STATES)
        if applications is not None:
            queryset = queryset.filter(pk__in=[a.pk for a in applications])
        apps = list(queryset.select_for_update().order_by("pk"))
        experts = list(Expert.objects.available().select_for_update().order_by("pk"))
        report = AutoReport(applications=len(apps))
        if not apps:
            return report
        staffed: dict[int, int] = {}
        taken: set[tuple[int, int]] = set()
        declared: set[tuple[int, int]] = set()
        for app_id, expert_id, conflicted in Assignment.objects.filter(
            phase=phase, application__in=apps
        ).values_list("application_id", "expert_id", "declared_conflict"):
            taken.add((app_id, expert_id))
            if conflicted:
                declared.add((app_id, expert_id))
            else:
                staffed[app_id] = staffed.get(app_id, 0) + 1
        need = [max(k - staffed.get(a.pk, 0), 0) for a in apps]
        load = load_per_call(call.pk)
        capacity = [max(e.capacity - load.get(e.pk, 0), 0) for e in experts]
        fields = _expert_fields([e.pk for e in experts])
        parents = _parents()
        conflicted_pairs = conflict_pairs([a.pk for a in apps], [e.pk for e in experts])
        rows, cols, values, conflicts = [], [], [], []
        by_field: dict[int, set[int]] = {}
        by_area: dict[int, set[int]] = {}
        for j, expert in enumerate(experts):
            for item in fields.get(expert.pk, ()):
                by_field.setdefault(item, set()).add(j)
                if parents.get(item) is not None:
                    by_area.setdefault(parents[item], set()).add(j)
        for i, app in enumerate(apps):
            full = by_field.get(app.tech_field_id, set())
            area = parents.get(app.tech_field_id)
            partial = by_area.get(area, set()) - full if area is not None else set()
            for group, match in ((full, FULL_MATCH), (partial, PARTIAL_MATCH)):
                for j in sorted(group):
                    pair = (app.pk, experts[j].pk)
                    if pair in taken and pair not in declared:
                        continue  # on the application already
                    rows.append(i)
                    cols.append(j)
                    values.append(float(match))
                    if pair in conflicted_pairs or pair in declared:
                        conflicts.append((i, j))
        scores = SparseScores(
            n_applications=len(apps),
            n_experts=len(experts),
            application=np.array(rows, dtype=np.int64),
            expert=np.array(cols, dtype=np.int64),
            score=np.array(values, dtype=np.float64),
        )
        result = assign_experts(scores, need=need, capacity=capacity, conflicts=conflicts)
        _verify(result, need, capacity, set(conflicts))
        for i, chosen in enumerate(result.experts):
            for j, score in zip(chosen, result.scores[i], strict=True):
                report.created.append(
                    Assignment.objects.create(
                        phase=phase,
                        application=apps[i],
                        expert=experts[j],
                        match=Decimal(str(score)),
                        automatic=True,
                        created_by=user,
                    )
                )
        report.total_match = sum((a.match for a in report.created), Decimal(0))
        report.certificate = result.certificate
        for i, reason in sorted(result.reasons.items()):
            if need[i] > 0:
                report.shortfalls.append(Shortfall(apps[i], reason))
        _tell_experts(report.created)
    return report


def _verify(result, need, capacity, conflicts) -> None:
    """The solver's answer obeys every rule, or nothing is written."""
    used = [0] * len(capacity)
    for i, chosen in enumerate(result.experts):
        if len(chosen) > need[i] or len(set(chosen)) != len(chosen):
            raise AssertionError(f"application {i}: more experts than needed")
        for j in chosen:
            if (i, j) in conflicts:
                raise AssertionError(f"conflicted pair ({i}, {j}) assigned")
            used[j] += 1
    if any(u > c for u, c in zip(used, capacity, strict=True)):
        raise AssertionError("an expert's capacity exceeded")
