"""Assigning experts to applications, per review phase of a call: the phase's page, one
application's candidates, manual assignment and removal, and the automatic assignment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.accounts.scope import restrict
from kechuang.core.domain.errors import DomainError

from ..domain import assign
from ..interfaces.review_forms import AssignmentFilter
from ..models import Application, Assignment, Call, Expert, ReviewPhase
from ..reference import ASSIGN
from .common import take_step

CANDIDATES_SHOWN = 50  # per group (eligible / not) on an application's candidates page


def with_review_state(assignment: Assignment) -> Assignment:
    review = getattr(assignment, "review", None)
    if assignment.declared_conflict:
        assignment.review_state = "conflict"
        assignment.review_state_label = _("Conflict declared")
    elif review is None:
        assignment.review_state = "none"
        assignment.review_state_label = _("Not started")
    else:
        assignment.review_state = review.state
        assignment.review_state_label = review.get_state_display()
    return assignment


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _assignable_phase(request, pk) -> ReviewPhase:
    if not request.user.has_perm(ASSIGN):
        raise PermissionDenied
    phase = get_object_or_404(ReviewPhase.objects.select_related("call"), pk=pk)
    if not restrict(Call.objects.filter(pk=phase.call_id), request.user).exists():
        raise Http404
    return phase


def _assignable_applications(request, phase: ReviewPhase):
    return restrict(
        Application.objects.filter(call_id=phase.call_id, state__in=assign.ASSIGNABLE_STATES),
        request.user,
    )


@login_required
def assignment_page(request, pk):
    phase = _assignable_phase(request, pk)
    # The report of an automatic assignment just made (kept in the session by assignment_auto,
    # so that reloading this page shows it again without assigning again).
    report = request.session.pop(_report_key(phase), None)
    return render(
        request, "projects/assignment.html", _assignment_context(request, phase, report=report)
    )


def _report_key(phase: ReviewPhase) -> str:
    return f"projects.auto_assign.{phase.pk}"


def _assignment_context(request, phase: ReviewPhase, report=None) -> dict:
    call = phase.call
    needed = call.reviewers_per_application
    filters = AssignmentFilter(request.GET or None)
    applications = (
        _assignable_applications(request, phase)
        .select_related("undertaker", "tech_field")
        .annotate(
            staffed=Count(
                "assignments",
                filter=Q(assignments__phase=phase, assignments__declared_conflict=False),
            )
        )
        .order_by("number", "pk")
    )
    if filters.is_valid():
        text = (filters.cleaned_data.get("q") or "").strip()
        if text:
            applications = applications.filter(
                Q(name__ilike_contains=text)
                | Q(number__ilike_contains=text)
                | Q(undertaker__name__ilike_contains=text)
            )
        if filters.cleaned_data.get("understaffed"):
            applications = applications.filter(staffed__lt=needed)
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    by_app: dict[int, list] = {}
    for a in (
        Assignment.objects.filter(phase=phase, application__in=on_page)
        .select_related("expert__organisation", "review")
        .order_by("declared_conflict", "id")
    ):
        by_app.setdefault(a.application_id, []).append(with_review_state(a))
    for application in on_page:
        application.assigned = by_app.get(application.pk, [])
        application.short = max(needed - application.staffed, 0)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "phase": phase,
        "call": call,
        "needed": needed,
        "filters": filters,
        "page_obj": page,
        "applications": on_page,
        "querystring": query.urlencode(),
        "total": _assignable_applications(request, phase).count(),
        "assignments_made": Assignment.objects.filter(phase=phase, declared_conflict=False)
        .filter(application__in=_assignable_applications(request, phase))
        .count(),
        "auto_available": True,
        "report": report,
        "phases": list(call.phases.all()),
    }


@login_required
def assignment_candidates(request, pk, application_pk):
    """The pool for one application: who may be assigned (best match first, with their
    remaining capacity) and who may not, and why."""
    phase = _assignable_phase(request, pk)
    application = get_object_or_404(
        _assignable_applications(request, phase).select_related("undertaker", "tech_field"),
        pk=application_pk,
    )
    text = (request.GET.get("q") or "").strip()
    found = assign.candidates(phase, application)
    if text:
        found = [c for c in found if text in c.expert.name or text in c.expert.organisation.name]
    eligible = [c for c in found if c.eligible]
    assigned = [c for c in found if c.assigned]
    conflicted = [c for c in found if c.conflicts and not c.assigned]
    other = [c for c in found if not c.eligible and not c.assigned and not c.conflicts]
    for c in other:
        c.why = _not_eligible(c)
    assignments = list(
        Assignment.objects.filter(phase=phase, application=application)
        .select_related("expert__organisation", "review")
        .order_by("declared_conflict", "id")
    )
    return render(
        request,
        "projects/assignment_candidates.html",
        {
            "phase": phase,
            "call": phase.call,
            "application": application,
            "needed": phase.call.reviewers_per_application,
            "staffed": sum(1 for a in assignments if not a.declared_conflict),
            "assignments": [with_review_state(a) for a in assignments],
            "eligible": eligible[:CANDIDATES_SHOWN],
            "eligible_count": len(eligible),
            "conflicted": conflicted,
            "other": other[:CANDIDATES_SHOWN],
            "other_count": len(other),
            "assigned_count": len(assigned),
            "q": text,
        },
    )


def _not_eligible(candidate) -> str:
    if not candidate.expert.available:
        return _("Not available.")
    if candidate.remaining <= 0:
        return _("Reviews %(capacity)s applications of this call already, the most they take.") % {
            "capacity": candidate.expert.capacity
        }
    return ""


@login_required
@require_POST
def assignment_add(request, pk, application_pk):
    phase = _assignable_phase(request, pk)
    application = get_object_or_404(_assignable_applications(request, phase), pk=application_pk)
    expert = Expert.objects.filter(pk=_int(request.POST.get("expert"))).first()
    back = reverse("projects:assignment-candidates", args=[phase.pk, application.pk])
    if expert is None:
        messages.error(request, _("Choose an expert of the pool."))
        return redirect(back)
    take_step(
        request,
        lambda: assign.assign_manually(phase, application, expert, request.user),
        lambda: (
            _("%(expert)s assigned to “%(project)s”.")
            % {"expert": expert.name, "project": application.name}
        ),
    )
    return _back(request, back)


@login_required
@require_POST
def assignment_remove(request, pk):
    if not request.user.has_perm(ASSIGN):
        raise PermissionDenied
    assignment = get_object_or_404(
        Assignment.objects.select_related("expert", "application", "phase"),
        pk=pk,
        application__in=restrict(Application.objects.all(), request.user),
    )
    take_step(
        request,
        lambda: assign.unassign(assignment, request.user),
        lambda: (
            _("%(expert)s no longer reviews “%(project)s”.")
            % {"expert": assignment.expert.name, "project": assignment.application.name}
        ),
    )
    return _back(request, reverse("projects:assignment", args=[assignment.phase_id]))


@login_required
@require_POST
def assignment_auto(request, pk):
    """Assign experts to every application of the phase's call that is short of them, then show
    what was done and why some could not be fully staffed."""
    phase = _assignable_phase(request, pk)
    try:
        report = assign.auto_assign(
            phase, request.user, applications=list(_assignable_applications(request, phase))
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("projects:assignment", phase.pk)
    request.session[_report_key(phase)] = {
        "created": [a.pk for a in report.created],
        "total_match": str(report.total_match),
        "shortfalls": [
            {
                "application": {"pk": s.application.pk, "name": s.application.name},
                "assigned": s.assigned,
                "needed": s.needed,
                "message": s.message,
            }
            for s in report.shortfalls
        ],
    }
    return redirect("projects:assignment", phase.pk)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
