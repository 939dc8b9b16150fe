"""The expert portal: the expert's review assignments, the reading page of an application with the
review form (scores per criterion and an opinion), and the declaration of a conflict of interest.

An expert sees exactly the assignments ``conflicts.expert_assignments`` gives them — never one
where they are conflicted — and any other assignment, and the application behind it, does not
exist for them (404)."""

from __future__ import annotations

import itertools
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.domain.errors import DomainError

from ..domain import reviews, scoring
from ..domain.conflicts import expert_assignments
from ..enums import ReviewState
from ..enums import State as S
from ..interfaces import exporters
from ..interfaces.review_forms import ConflictForm, ReviewForm
from ..models import Application, Assignment, Review, Score
from ..rules import is_expert
from .assignments import with_review_state
from .common import stamp, xlsx


def _require_expert(request):
    if not is_expert(request.user):
        raise PermissionDenied


def _own_scores(assignment_ids) -> dict:
    """The expert's own score (Σ value × weight) per assignment, drafts included."""
    rows = (
        Score.objects.filter(review__assignment_id__in=list(assignment_ids))
        .values("review__assignment_id")
        .annotate(total=Sum(F("value") * F("criterion__weight")))
        .order_by()
    )
    return {row["review__assignment_id"]: scoring.weighted([(row["total"], 1)]) for row in rows}


def _portal_assignments(user):
    assignments = list(
        expert_assignments(user)
        .select_related("application__undertaker", "review")
        .order_by("-phase__call__year", "-phase__call_id", "phase__sort", "phase_id", "id")
    )
    return [with_review_state(a) for a in assignments]


@login_required
def expert_portal(request):
    _require_expert(request)
    assignments = _portal_assignments(request.user)
    scores = _own_scores(a.pk for a in assignments)
    now = timezone.now()
    groups = []
    for phase, items in itertools.groupby(assignments, key=lambda a: a.phase):
        items = list(items)
        for a in items:
            a.my_score = scores.get(a.pk)
        groups.append(
            {
                "phase": phase,
                "call": phase.call,
                "items": items,
                "overdue": bool(phase.closes_at and phase.closes_at < now),
                "open": sum(1 for a in items if a.review_state != ReviewState.SUBMITTED),
            }
        )
    return render(
        request,
        "projects/expert_portal.html",
        {
            "expert": request.user.expert,
            "groups": groups,
            "open_count": sum(g["open"] for g in groups),
            "count": len(assignments),
        },
    )


@login_required
def expert_portal_export(request):
    """The expert's own assignments — exactly those the portal lists."""
    _require_expert(request)
    visible = expert_assignments(request.user).order_by(
        "-phase__call__year", "-phase__call_id", "phase__sort", "phase_id", "id"
    )
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    count = exporters.ASSIGNMENTS.write(spool, visible)
    chain.record(
        AuditAction.EXPORT, changes={"rows": count}, comment=_("Review assignments export")
    )
    spool.seek(0)
    return xlsx(spool, f"{exporters.ASSIGNMENTS.sheet}-{stamp()}.xlsx")


def _own_assignment(request, pk) -> Assignment:
    """The expert's assignment, if they may see it (else 404: for a conflicted or unassigned
    expert it does not exist)."""
    _require_expert(request)
    return get_object_or_404(expert_assignments(request.user), pk=pk)


@login_required
def expert_assignment(request, pk):
    assignment = _own_assignment(request, pk)
    return _render_assignment(request, assignment)


def _render_assignment(request, assignment, review_form=None, conflict_form=None, status=200):
    user = request.user
    application = (
        Application.objects.select_related("undertaker", "call", "tech_field", "leader")
        .prefetch_related("cooperators")
        .get(pk=assignment.application_id)
    )
    phase, call = assignment.phase, application.call
    review = Review.objects.filter(assignment=assignment).prefetch_related("scores").first()
    criteria = list(call.criteria.all())
    if review_form is None:
        review_form = ReviewForm(criteria, review=review)
    closed = _closed_reason(assignment, application, review)
    others = []
    for other in reviews.others_reviews(assignment, user):
        values = {s.criterion_id: s.value for s in other.scores.all()}
        others.append(
            {
                "review": other,
                "expert": other.assignment.expert.name,
                "values": [values.get(c.pk) for c in criteria],
                "score": scoring.weighted(
                    (s.value, s.criterion.weight) for s in other.scores.all()
                ),
            }
        )
    answers = [
        (f.label, (application.answers or {}).get(f.code, "")) for f in call.form_fields.all()
    ]
    my_score = None
    if review is not None:
        weights = {c.pk: c.weight for c in criteria}
        my_score = scoring.weighted(
            (s.value, weights.get(s.criterion_id, 0)) for s in review.scores.all()
        )
    return render(
        request,
        "projects/expert_assignment.html",
        {
            "assignment": assignment,
            "application": application,
            "phase": phase,
            "call": call,
            "review": review,
            "criteria": criteria,
            "form": review_form,
            "closed": closed,
            "conflict_form": conflict_form or ConflictForm(),
            "others": others,
            "show_others": phase.show_others_reviews,
            "answers": answers,
            "my_score": my_score,
            "aggregation": call.get_aggregation_display(),
        },
        status=status,
    )


def _closed_reason(assignment, application, review) -> str:
    """Why the review form is closed ("" when it is open)."""
    phase = assignment.phase
    if review is not None and review.state == ReviewState.SUBMITTED:
        return _("You submitted this review on %(at)s; it can no longer be changed.") % {
            "at": timezone.localtime(review.submitted_at).strftime("%Y-%m-%d %H:%M")
            if review.submitted_at
            else "—"
        }
    if phase.closes_at and timezone.now() > phase.closes_at:
        return _("Reviews of “%(phase)s” were due by %(at)s; the form is closed.") % {
            "phase": phase.name,
            "at": timezone.localtime(phase.closes_at).strftime("%Y-%m-%d %H:%M"),
        }
    if application.state != S.IN_REVIEW:
        return _("The application is no longer in expert review.")
    return ""


@login_required
@require_POST
def expert_review_save(request, pk):
    assignment = _own_assignment(request, pk)
    criteria = list(assignment.phase.call.criteria.all())
    review = reviews.review_of(assignment)
    form = ReviewForm(criteria, request.POST, review=review)
    submit = "submit" in request.POST
    if form.is_valid():
        try:
            reviews.save_review(
                assignment,
                request.user,
                form.values(),
                form.cleaned_data.get("opinion") or "",
                submit=submit,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except (DomainError, ConcurrentEditError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Review submitted. Thank you.") if submit else _("Draft saved.")
            )
            return redirect("projects:expert-assignment", assignment.pk)
    return _render_assignment(request, assignment, review_form=form, status=400)


@login_required
@require_POST
def expert_declare_conflict(request, pk):
    assignment = _own_assignment(request, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            reviews.declare_conflict(assignment, request.user, form.cleaned_data["note"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "You declared a conflict of interest with “%(project)s”; the assignment has "
                    "ended and the bureau has been told."
                )
                % {"project": assignment.application.name},
            )
            return redirect("projects:expert-portal")
    return _render_assignment(request, assignment, conflict_form=form, status=400)
