"""Pages of the expert pool, the assignment of experts to applications, the review results,
the expert portal and the acceptance (验收) meetings.

Staff pages check a role permission and the record within the user's data scope, as every
area does. The expert portal is different: an expert sees exactly the assignments
``conflicts.expert_assignments`` gives them — never one where they are conflicted — and any
other assignment, and the application behind it, does not exist for them (404).
"""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.accounts.scope import restrict
from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.concurrency import ConcurrentEditError, save_versioned
from kechuang.core.domain.errors import DomainError
from kechuang.core.views import ScopedDetailView, ScopedListView, scoped_object_or_404

from .domain import assign, meetings, reviews, scoring
from .domain.conflicts import conflict_pairs, conflict_reasons, expert_assignments
from .enums import Conclusion, PanelRole, ReviewState
from .enums import State as S
from .interfaces import exporters, sheets
from .interfaces.review_forms import (
    AssignmentFilter,
    ConclusionForm,
    ConflictForm,
    ExpertFilter,
    ExpertForm,
    MeetingFilter,
    MeetingForm,
    PanelForm,
    ReviewForm,
    ScheduleForm,
    SessionForm,
)
from .models import (
    AcceptanceMeeting,
    Application,
    Assignment,
    Call,
    Expert,
    MeetingSession,
    PanelMember,
    Review,
    ReviewPhase,
    Score,
    SessionProject,
)
from .reference import APPROVE, ASSIGN, EXPORT, EXPORT_EXPERTS, IMPORT_EXPERTS, MANAGE, REVIEW
from .rules import is_expert

VIEW_EXPERT = "projects.view_expert"
ADD_EXPERT = "projects.add_expert"
CHANGE_EXPERT = "projects.change_expert"
VIEW_CALL = "projects.view_call"
VIEW_MEETING = "projects.view_acceptancemeeting"

CANDIDATES_SHOWN = 50  # per group (eligible / not) on an application's candidates page


def _xlsx(content, filename: str):
    """A workbook (bytes, or a file positioned at its start) as a download."""
    if isinstance(content, bytes):
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
        return response
    return FileResponse(content, as_attachment=True, filename=filename)


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


# The expert pool ---------------------------------------------------------------------------------


class ExpertList(ScopedListView):
    model = Expert
    permission = VIEW_EXPERT
    filterset_class = ExpertFilter
    template_name = "projects/expert_list.html"
    table_template_name = "projects/expert_list_table.html"
    sort_fields = {
        "name": ("name",),
        "organisation": ("organisation__name",),
        "available": ("available",),
        "capacity": ("capacity",),
    }
    default_sort = "name"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation", "title")
            .prefetch_related("fields")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            list_url=reverse("projects:expert-list"),
            create_url=reverse("projects:expert-create") if user.has_perm(ADD_EXPERT) else "",
            export_url=reverse("projects:expert-export") if user.has_perm(EXPORT_EXPERTS) else "",
            import_key="projects.expert" if user.has_perm(IMPORT_EXPERTS) else "",
        )
        return context


@login_required
def expert_export(request):
    """Exactly the filtered list of the pool, as Excel."""
    if not request.user.has_perm(EXPORT_EXPERTS):
        raise PermissionDenied
    view = ExpertList()
    view.setup(request)
    view.check_permission()
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
    # The import template's columns: an export re-imports unchanged.
    count = exporters.EXPERTS.write(spool, view.filtered_queryset())
    chain.record(
        AuditAction.EXPORT,
        changes={"filters": request.GET.dict(), "rows": count},
        comment=_("Expert pool export"),
    )
    spool.seek(0)
    return _xlsx(spool, f"{exporters.EXPERTS.sheet}-{_stamp()}.xlsx")


class ExpertDetail(ScopedDetailView):
    model = Expert
    permission = VIEW_EXPERT
    template_name = "projects/expert_detail.html"

    def get_base_queryset(self):
        return Expert.objects.select_related("organisation", "title", "user").prefetch_related(
            "fields__parent", "declared_organisations"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        expert, user = self.object, self.request.user
        applications = restrict(Application.objects.all(), user)
        assignments = list(
            Assignment.objects.filter(expert=expert, application__in=applications)
            .select_related("application__undertaker", "phase__call", "review")
            .order_by("-phase__call__year", "-phase__call_id", "phase__sort", "id")[:200]
        )
        loads = (
            Assignment.objects.filter(expert=expert, declared_conflict=False)
            .values("phase__call_id", "phase__call__name", "phase__call__year")
            .annotate(n=Count("application_id", distinct=True))
            .order_by("-phase__call__year", "-phase__call_id")
        )
        context.update(
            assignments=[_with_review_state(a) for a in assignments],
            loads=[
                {
                    "call": row["phase__call__name"],
                    "year": row["phase__call__year"],
                    "count": row["n"],
                    "remaining": max(expert.capacity - row["n"], 0),
                }
                for row in loads
            ],
            edit_url=reverse("projects:expert-edit", args=[expert.pk])
            if user.has_perm(CHANGE_EXPERT, expert)
            else "",
            can_assign=user.has_perm(ASSIGN),
        )
        return context


def _with_review_state(assignment: Assignment) -> Assignment:
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


@login_required
def expert_edit(request, pk=None):
    if pk:
        expert = scoped_object_or_404(request, Expert, pk, CHANGE_EXPERT)
    else:
        if not request.user.has_perm(ADD_EXPERT):
            raise PermissionDenied
        expert = Expert()
    form = ExpertForm(request.POST or None, instance=expert, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_expert(form, request.user)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(saved.get_absolute_url())
    return render(
        request,
        "projects/expert_form.html",
        {
            "form": form,
            "object": expert if pk else None,
            "cancel_url": expert.get_absolute_url() if pk else reverse("projects:expert-list"),
        },
    )


def _save_expert(form: ExpertForm, user) -> Expert:
    data = form.cleaned_data
    with transaction.atomic():
        expert = form.save(commit=False)
        expert.user = data.get("login")
        if expert.pk:
            save_versioned(expert, data.get("version") or 0)
        else:
            expert.created_by = user
            expert.save()
        expert.fields.set(data["fields"])
        expert.declared_organisations.set(data.get("declared_organisations") or [])
    return expert


# Assigning experts ----------------------------------------------------------------------------


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
        by_app.setdefault(a.application_id, []).append(_with_review_state(a))
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
            "assignments": [_with_review_state(a) for a in assignments],
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
    try:
        assign.assign_manually(phase, application, expert, request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(expert)s assigned to “%(project)s”.")
            % {"expert": expert.name, "project": application.name},
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
    try:
        assign.unassign(assignment, request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(expert)s no longer reviews “%(project)s”.")
            % {"expert": assignment.expert.name, "project": assignment.application.name},
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


# Review results ---------------------------------------------------------------------------------


def _results_call(request, pk) -> Call:
    user = request.user
    if not (user.has_perm(REVIEW) or user.has_perm(APPROVE) or user.has_perm(ASSIGN)):
        raise PermissionDenied
    call = get_object_or_404(restrict(Call.objects.all(), user), pk=pk)
    if not user.has_perm(VIEW_CALL, call):
        raise PermissionDenied
    return call


def _results(request, call: Call):
    applications = restrict(call.applications.exclude(state=S.DRAFT), request.user)
    return scoring.call_results(call, applications)


@login_required
def call_results(request, pk):
    call = _results_call(request, pk)
    results = _results(request, call)
    rank = 0
    for result in results:
        if result.aggregate is not None:
            rank += 1
            result.rank = rank
        else:
            result.rank = None
    user = request.user
    return render(
        request,
        "projects/review_results.html",
        {
            "call": call,
            "results": results,
            "phases": list(call.phases.all()),
            "criteria": list(call.criteria.all()),
            "can_assign": user.has_perm(ASSIGN),
            "can_export": user.has_perm(EXPORT),
            "complete": sum(1 for r in results if r.complete),
        },
    )


@login_required
def call_results_export(request, pk):
    call = _results_call(request, pk)
    if not request.user.has_perm(EXPORT):
        raise PermissionDenied
    results = _results(request, call)
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    count = exporters.write_results(spool, results)
    chain.record(
        AuditAction.EXPORT,
        call,
        changes={"rows": count},
        comment=_("Review results export"),
    )
    spool.seek(0)
    return _xlsx(spool, f"review-results-{call.code}-{_stamp()}.xlsx")


# The expert portal ----------------------------------------------------------------------------


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
    return [_with_review_state(a) for a in assignments]


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
    return _xlsx(spool, f"{exporters.ASSIGNMENTS.sheet}-{_stamp()}.xlsx")


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


# Acceptance meetings ------------------------------------------------------------------------------


class MeetingList(ScopedListView):
    model = AcceptanceMeeting
    permission = VIEW_MEETING
    filterset_class = MeetingFilter
    template_name = "projects/meeting_list.html"
    table_template_name = "projects/meeting_list_table.html"
    sort_fields = {"held_on": ("held_on",), "name": ("name",), "year": ("year", "batch")}
    default_sort = "-held_on"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("agency")
            .annotate(
                session_count=Count("sessions", distinct=True),
                project_count=Count("sessions__projects", distinct=True),
                panel_count=Count("panel", distinct=True),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            list_url=reverse("projects:meeting-list"),
            create_url=reverse("projects:meeting-create")
            if self.request.user.has_perm(MANAGE)
            else "",
        )
        return context


def _meeting(request, pk, perm=VIEW_MEETING) -> AcceptanceMeeting:
    meeting = get_object_or_404(
        restrict(AcceptanceMeeting.objects.select_related("agency"), request.user), pk=pk
    )
    if not request.user.has_perm(VIEW_MEETING, meeting):
        raise PermissionDenied
    if perm != VIEW_MEETING and not request.user.has_perm(perm):
        raise PermissionDenied
    return meeting


class MeetingDetail(ScopedDetailView):
    model = AcceptanceMeeting
    permission = VIEW_MEETING
    template_name = "projects/meeting_detail.html"

    def get_base_queryset(self):
        return AcceptanceMeeting.objects.select_related("agency")

    def history_children(self):
        meeting = self.object
        return [
            *meeting.sessions.all(),
            *SessionProject.objects.filter(session__meeting=meeting),
            *meeting.panel.all(),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(meeting_context(self.request, self.object))
        return context


def meeting_context(request, meeting) -> dict:
    user = request.user
    can_manage = user.has_perm(MANAGE)
    sessions = list(meeting.sessions.all())
    slots = list(
        SessionProject.objects.filter(session__meeting=meeting)
        .select_related("application__undertaker", "application__call")
        .order_by("sort", "id")
    )
    in_scope = set(
        restrict(
            Application.objects.filter(pk__in=[s.application_id for s in slots]), user
        ).values_list("pk", flat=True)
    )
    concluded_any = any(s.conclusion for s in slots)
    for session in sessions:
        session.slots = [s for s in slots if s.session_id == session.pk]
        for slot in session.slots:
            slot.can_conclude = (
                can_manage
                and not slot.conclusion
                and slot.application_id in in_scope
                and slot.application.state == S.ACCEPTANCE_APPLIED
            )
            slot.form = ConclusionForm(prefix=f"slot{slot.pk}") if slot.can_conclude else None
    panel = list(meeting.panel.select_related("expert__organisation", "expert__title"))
    found = []
    expert_q = (request.GET.get("expert_q") or "").strip()
    if can_manage and expert_q:
        experts = list(
            Expert.objects.filter(
                Q(name__ilike_contains=expert_q) | Q(organisation__name__ilike_contains=expert_q)
            )
            .exclude(pk__in=[m.expert_id for m in panel])
            .select_related("organisation")
            .order_by("name")[:20]
        )
        clashes = conflict_pairs([s.application_id for s in slots], [e.pk for e in experts])
        by_app = {s.application_id: s.application for s in slots}
        for expert in experts:
            conflicted = [by_app[a] for a, e in clashes if e == expert.pk]
            found.append(
                {
                    "expert": expert,
                    "conflicts": [
                        (application, conflict_reasons(expert, application))
                        for application in conflicted
                    ],
                }
            )
    today = timezone.localdate()
    return {
        "meeting": meeting,
        "sessions": sessions,
        "slot_count": len(slots),
        "panel": panel,
        "has_chair": any(m.role == PanelRole.CHAIR for m in panel),
        "can_manage": can_manage,
        "schedule_form": ScheduleForm(meeting, user=user) if can_manage and sessions else None,
        "expert_q": expert_q,
        "found_experts": found,
        "panel_roles": PanelRole.choices,
        "concluded_any": concluded_any,
        "held": meeting.held_on <= today,
        "conclusions": Conclusion.choices,
    }


@login_required
def meeting_edit(request, pk=None):
    if pk:
        meeting = _meeting(request, pk, MANAGE)
    else:
        if not request.user.has_perm(MANAGE):
            raise PermissionDenied
        meeting = AcceptanceMeeting()
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = form.save(commit=False)
                if saved.pk:
                    save_versioned(saved, form.cleaned_data.get("version") or 0)
                else:
                    saved.created_by = request.user
                    saved.save()
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(saved.get_absolute_url())
    return render(
        request,
        "projects/meeting_form.html",
        {
            "form": form,
            "object": meeting if pk else None,
            "title": _("Edit the meeting") if pk else _("New acceptance meeting"),
            "cancel_url": meeting.get_absolute_url() if pk else reverse("projects:meeting-list"),
        },
    )


@login_required
def session_edit(request, pk, session_pk=None):
    meeting = _meeting(request, pk, MANAGE)
    if session_pk:
        session = get_object_or_404(MeetingSession, pk=session_pk, meeting=meeting)
    else:
        session = MeetingSession(meeting=meeting, sort=meeting.sessions.count() + 1)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Saved."))
        return redirect(meeting.get_absolute_url())
    return render(
        request,
        "projects/meeting_form.html",
        {
            "form": form,
            "object": session if session_pk else None,
            "title": _("Edit the session") if session_pk else _("New session"),
            "meeting": meeting,
            "cancel_url": meeting.get_absolute_url(),
        },
    )


@login_required
@require_POST
def session_delete(request, pk, session_pk):
    meeting = _meeting(request, pk, MANAGE)
    with transaction.atomic():
        session = get_object_or_404(
            MeetingSession.objects.select_for_update(), pk=session_pk, meeting=meeting
        )
        if session.projects.exists():
            messages.error(
                request,
                _("The session “%(session)s” has projects on its agenda; move them first.")
                % {"session": session.name},
            )
        else:
            session.delete()
            messages.success(
                request, _("Session “%(session)s” removed.") % {"session": session.name}
            )
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_schedule(request, pk):
    meeting = _meeting(request, pk, MANAGE)
    form = ScheduleForm(meeting, request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(meeting.get_absolute_url())
    application, session = form.cleaned_data["application"], form.cleaned_data["session"]
    try:
        meetings.schedule(session, application, request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(project)s” is on the agenda of %(session)s.")
            % {"project": application.name, "session": session.name},
        )
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_unschedule(request, pk, slot_pk):
    meeting = _meeting(request, pk, MANAGE)
    slot = get_object_or_404(
        SessionProject.objects.select_related("application"), pk=slot_pk, session__meeting=meeting
    )
    try:
        meetings.unschedule(slot, request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("“%(project)s” taken off the agenda.") % {"project": slot.application.name}
        )
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_panel_add(request, pk):
    meeting = _meeting(request, pk, MANAGE)
    form = PanelForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose an expert of the pool and the role."))
        return redirect(meeting.get_absolute_url())
    expert = form.cleaned_data["expert"]
    try:
        meetings.add_panel_member(meeting, expert, request.user, role=form.cleaned_data["role"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s joined the panel.") % {"name": expert.name})
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_panel_remove(request, pk, member_pk):
    meeting = _meeting(request, pk, MANAGE)
    member = get_object_or_404(
        PanelMember.objects.select_related("expert"), pk=member_pk, meeting=meeting
    )
    try:
        meetings.remove_panel_member(member, request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s left the panel.") % {"name": member.expert.name})
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_conclude(request, pk, slot_pk):
    meeting = _meeting(request, pk, MANAGE)
    slot = get_object_or_404(
        SessionProject.objects.select_related("application", "session__meeting"),
        pk=slot_pk,
        session__meeting=meeting,
    )
    if not restrict(Application.objects.filter(pk=slot.application_id), request.user).exists():
        raise Http404
    form = ConclusionForm(request.POST, prefix=f"slot{slot.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a conclusion."))
        return redirect(meeting.get_absolute_url())
    try:
        meetings.conclude(
            slot, form.cleaned_data["conclusion"], form.cleaned_data["opinion"], request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(project)s”: %(conclusion)s, recorded on %(date)s.")
            % {
                "project": slot.application.name,
                "conclusion": slot.get_conclusion_display(),
                "date": meeting.held_on.isoformat(),
            },
        )
    return redirect(meeting.get_absolute_url())


@login_required
def meeting_sign_in(request, pk):
    meeting = _meeting(request, pk)
    content = sheets.sign_in_sheet(meeting)
    chain.record(AuditAction.EXPORT, meeting, comment=_("Sign-in sheet"))
    return _xlsx(content, f"{meeting.code}-sign-in-{_date_stamp(meeting.held_on)}.xlsx")


@login_required
def meeting_score_sheet(request, pk):
    meeting = _meeting(request, pk)
    content = sheets.score_sheet(meeting)
    chain.record(AuditAction.EXPORT, meeting, comment=_("Score sheet"))
    return _xlsx(content, f"{meeting.code}-score-sheet-{_date_stamp(meeting.held_on)}.xlsx")


def _date_stamp(day: dt.date) -> str:
    return day.strftime("%Y%m%d")
