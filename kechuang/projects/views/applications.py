"""Pages of applications — the project through its life: the list with its export, the project's
page with the steps the user may take, the timeline, the extension requests and (for staff) the
review scores, and the applicant's form.

Every state change goes through ``domain/workflow.py``; experts never reach these pages (they
hold no view permission on applications — their own reading page is in ``reviews.py``)."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.audit.presentation import present
from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.domain.errors import DomainError
from kechuang.core.interfaces.excel import in_chunks, write_workbook
from kechuang.core.views import ScopedDetailView, ScopedListView, is_htmx, scoped_object_or_404

from ..domain import scoring, workflow
from ..enums import ExtensionState, State
from ..interfaces.filters import WAITING_FOR_ME, ApplicationFilter
from ..interfaces.forms import (
    ApplicationForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    TransitionForm,
)
from ..models import Application, Call
from ..reference import APPROVE, EXPORT, MANAGE, REVIEW
from .common import ADD, CHANGE, REQUEST_EXTENSION, VIEW, VIEW_CALL


def may_see_scores(user, application) -> bool:
    """Review scores name the experts: for those who run the review or decide on approval."""
    return user.has_perm(REVIEW, application) or user.has_perm(APPROVE, application)


# Applications: the list and its export ---------------------------------------------------------


class ApplicationListView(ScopedListView):
    model = Application
    permission = VIEW
    filterset_class = ApplicationFilter
    template_name = "projects/application_list.html"
    table_template_name = "projects/application_list_table.html"
    sort_fields = {
        "number": ("number",),
        "name": ("name",),
        "undertaker": ("undertaker__name",),
        "call": ("call__year", "call__batch", "call__name"),
        "state": ("state",),
        "requested_funding": ("requested_funding",),
        "approved_funding": ("approved_funding",),
        "updated_at": ("updated_at",),
    }
    default_sort = "-updated_at"

    def get_queryset(self):
        return super().get_queryset().select_related("call", "undertaker__town")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            list_url=reverse("projects:application-list"),
            export_url=reverse("projects:application-export") if user.has_perm(EXPORT) else "",
            export_query=query.urlencode(),
            waiting_for_me=WAITING_FOR_ME if workflow.queue_states(user) else "",
        )
        return context


EXPORT_COLUMNS = [
    ("number", gettext_lazy("Number")),
    ("name", gettext_lazy("Project name")),
    ("call", gettext_lazy("Call")),
    ("year", gettext_lazy("Year")),
    ("category", gettext_lazy("Category")),
    ("field", gettext_lazy("Field")),
    ("undertaker", gettext_lazy("Undertaking organisation")),
    ("uscc", gettext_lazy("Unified social credit code")),
    ("town", gettext_lazy("Town")),
    ("cooperators", gettext_lazy("Cooperating organisations")),
    ("leader", gettext_lazy("Project leader")),
    ("starts_on", gettext_lazy("Starts on")),
    ("ends_on", gettext_lazy("Ends on")),
    ("requested", gettext_lazy("Funding requested (10k yuan)")),
    ("self", gettext_lazy("Self-raised funding (10k yuan)")),
    ("approved", gettext_lazy("Funding approved (10k yuan)")),
    ("state", gettext_lazy("State")),
    ("submitted_at", gettext_lazy("Submitted at")),
    ("approved_on", gettext_lazy("Approved on")),
    ("contract", gettext_lazy("Task contract number")),
    ("conclusion", gettext_lazy("Acceptance conclusion")),
    ("concluded_on", gettext_lazy("Acceptance concluded on")),
]


def export_row(application: Application) -> list:
    call, undertaker = application.call, application.undertaker
    values = {
        "number": application.number or "",
        "name": application.name,
        "call": call.name,
        "year": call.year,
        "category": call.get_category_display(),
        "field": call.get_field_display(),
        "undertaker": undertaker.name,
        "uscc": undertaker.uscc or "",
        "town": undertaker.town.name if undertaker.town_id else "",
        "cooperators": "、".join(o.name for o in application.cooperators.all()),
        "leader": application.leader_name,
        "starts_on": application.starts_on,
        "ends_on": application.current_end,
        "requested": application.requested_funding,
        "self": application.self_funding,
        "approved": application.approved_funding,
        "state": application.get_state_display(),
        "submitted_at": timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")
        if application.submitted_at
        else "",
        "approved_on": application.approved_on,
        "contract": application.contract_number,
        "conclusion": application.get_conclusion_display() if application.conclusion else "",
        "concluded_on": application.concluded_on,
    }
    return [values[key] for key, _label in EXPORT_COLUMNS]


class ApplicationExportView(LoginRequiredMixin, View):
    """Exactly the filtered list (within the user's scope), as an Excel workbook."""

    def get(self, request):
        if not request.user.has_perm(EXPORT):
            raise PermissionDenied
        view = ApplicationListView()
        view.setup(request)
        view.check_permission()
        queryset = view.filtered_queryset()
        loader = Application.objects.select_related("call", "undertaker__town").prefetch_related(
            "cooperators"
        )
        spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
        count = write_workbook(
            spool,
            "科技计划项目",
            [str(label) for _key, label in EXPORT_COLUMNS],
            (export_row(a) for a in in_chunks(queryset, loader)),
        )
        chain.record(
            AuditAction.EXPORT,
            changes={"filters": request.GET.dict(), "rows": count},
            comment=_("Plan projects export"),
        )
        spool.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(spool, as_attachment=True, filename=f"科技计划项目-{stamp}.xlsx")


# Applications: the project's page --------------------------------------------------------------

WHAT_NEXT = {
    State.DRAFT: gettext_lazy(
        "The applicant completes the application and submits it before the call closes."
    ),
    State.SUBMITTED: gettext_lazy(
        "The bureau checks that the application is complete (formal check)."
    ),
    State.RETURNED: gettext_lazy(
        "The applicant corrects the application as the comment asks and submits it again before "
        "the call closes."
    ),
    State.CHECK_REJECTED: gettext_lazy(
        "The application was rejected at the formal check; the timeline gives the reason."
    ),
    State.CHECKED: gettext_lazy(
        "The town (or the unit in charge) decides whether to recommend it."
    ),
    State.NOT_RECOMMENDED: gettext_lazy(
        "The application was not recommended; the timeline gives the reason."
    ),
    State.RECOMMENDED: gettext_lazy("The bureau sends the application to expert review."),
    State.IN_REVIEW: gettext_lazy(
        "Experts review and score the application; then the bureau decides on its approval."
    ),
    State.NOT_APPROVED: gettext_lazy(
        "The application was not approved; the timeline gives the reason."
    ),
    State.APPROVED: gettext_lazy(
        "The bureau publishes the approval for public comment (publicity)."
    ),
    State.PUBLICITY: gettext_lazy(
        "The approval is in publicity; once it is over, the task contract is signed."
    ),
    State.IN_PROGRESS: gettext_lazy(
        "The project is under way: the bureau holds its mid-term check, and the undertaker applies "
        "for acceptance when it is done."
    ),
    State.RECTIFYING: gettext_lazy(
        "The undertaker rectifies what the mid-term check found; the bureau then checks again."
    ),
    State.MIDTERM_PASSED: gettext_lazy(
        "The project passed its mid-term check; the undertaker applies for acceptance when it is "
        "done."
    ),
    State.ACCEPTANCE_APPLIED: gettext_lazy(
        "The bureau (or the agency it delegates to) holds the acceptance."
    ),
    State.ACCEPTED: gettext_lazy("The project passed its acceptance; the bureau closes it."),
    State.RECONSIDER: gettext_lazy(
        "The acceptance is to be reconsidered: the undertaker completes what is missing and "
        "applies for acceptance again."
    ),
    State.ACCEPTANCE_FAILED: gettext_lazy(
        "The project failed its acceptance; the bureau closes it."
    ),
    State.CLOSED: gettext_lazy("The project is closed."),
    State.TERMINATED: gettext_lazy("The project was terminated; the timeline gives the reason."),
}

# The main road of a project, for the progress bar of its page.
ROAD = (
    State.DRAFT,
    State.SUBMITTED,
    State.CHECKED,
    State.RECOMMENDED,
    State.IN_REVIEW,
    State.APPROVED,
    State.PUBLICITY,
    State.IN_PROGRESS,
    State.ACCEPTANCE_APPLIED,
    State.ACCEPTED,
    State.CLOSED,
)
# Where the states off the road sit on it.
ROAD_PLACE = {
    State.RETURNED: State.SUBMITTED,
    State.CHECK_REJECTED: State.SUBMITTED,
    State.NOT_RECOMMENDED: State.CHECKED,
    State.NOT_APPROVED: State.IN_REVIEW,
    State.RECTIFYING: State.IN_PROGRESS,
    State.MIDTERM_PASSED: State.IN_PROGRESS,
    State.RECONSIDER: State.ACCEPTANCE_APPLIED,
    State.ACCEPTANCE_FAILED: State.ACCEPTANCE_APPLIED,
}


def road(state: str) -> list[dict]:
    labels = dict(State.choices)
    place = ROAD_PLACE.get(state, state)
    reached = ROAD.index(place) if place in ROAD else -1
    return [
        {"value": s, "label": labels[s], "done": i < reached, "current": i == reached}
        for i, s in enumerate(ROAD)
    ]


def timeline(application: Application) -> list[dict]:
    """Every audit event of the application, oldest first: who, when, the step and the move
    from one state to another, the comment, and the fields changed."""
    events = list(AuditEvent.objects.for_object(application).order_by("id"))
    labels = dict(State.choices)
    entries = []
    for event, changes in present(events):
        state = event.changes.get("state")
        step = event.changes.get("transition")
        step_id = step[1] if isinstance(step, list) and len(step) == 2 else None
        is_step = event.action == AuditAction.TRANSITION
        entries.append(
            {
                "event": event,
                "step": str(workflow.BY_ID[step_id].label) if step_id in workflow.BY_ID else "",
                "from": labels.get(state[0], state[0]) if is_step and state else "",
                "to": labels.get(state[1], state[1]) if is_step and state else "",
                "comment": event.comment,
                "changes": []
                if is_step
                else [c for c in changes if c.label not in ("version", "updated_at")],
                "is_step": is_step,
            }
        )
    return entries


def answers_of(application: Application) -> list[tuple[str, str, bool]]:
    """(question, answer, required) for the call's questions, then any stored answer to a
    question the call no longer asks (under its code)."""
    answers = dict(application.answers or {})
    rows = [
        (q.label, answers.pop(q.code, ""), q.required) for q in application.call.form_fields.all()
    ]
    rows += [(code, value, False) for code, value in answers.items()]
    return rows


class ApplicationDetailView(ScopedDetailView):
    model = Application
    permission = VIEW
    template_name = "projects/application_detail.html"

    def get_base_queryset(self):
        return Application.objects.select_related(
            "call__programme", "undertaker__town", "tech_field", "leader", "created_by"
        )

    def get_context_data(self, bound_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        application, user = self.object, self.request.user
        steps = []
        for step in workflow.available(application, user):
            if bound_form is not None and bound_form.step.id == step.id:
                form = bound_form
            else:
                form = TransitionForm(step, application=application)
            steps.append({"step": step, "form": form, "url": transition_url(application, step)})
        extension_list = list(application.extensions.select_related("decided_by", "created_by"))
        can_decide = user.has_perm(MANAGE, application)
        for request in extension_list:
            request.decide_form = (
                ExtensionDecisionForm(prefix=f"ext{request.pk}")
                if can_decide and request.state == ExtensionState.REQUESTED
                else None
            )
        context.update(
            steps=steps,
            editable=application.state in workflow.EDITABLE_STATES
            and user.has_perm(CHANGE, application),
            road=road(application.state),
            what_next=what_next(application),
            final=application.state in workflow.FINAL_STATES,
            timeline=timeline(application),
            answers=answers_of(application),
            cooperators=list(application.cooperators.order_by("name")),
            extensions=extension_list,
            extension_form=ExtensionRequestForm()
            if may_request_extension(user, application)
            else None,
            scores=scoring.application_scores(application)
            if may_see_scores(user, application)
            else None,
        )
        return context


def what_next(application: Application) -> str:
    text = str(WHAT_NEXT[application.state])
    if application.state == State.PUBLICITY and application.publicity_until:
        text += " " + _("The publicity ends on %(date)s.") % {
            "date": application.publicity_until.isoformat()
        }
    if application.state in workflow.EDITABLE_STATES:
        text += " " + _("The call closes at %(at)s.") % {
            "at": local_time(application.call.closes_at)
        }
    return text


def local_time(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def transition_url(application, step) -> str:
    return reverse("projects:application-transition", args=[application.pk, step.id])


def may_request_extension(user, application) -> bool:
    return (
        application.state in workflow.RUNNING_STATES
        and user.has_perm(REQUEST_EXTENSION)
        and user.has_perm(CHANGE, application)
        and not application.extensions.filter(
            state__in=(ExtensionState.REQUESTED, ExtensionState.APPROVED)
        ).exists()
    )


class ApplicationTransitionView(ApplicationDetailView):
    """POST: one step through ``workflow.perform``. A plain form comes back to the project's
    page with the outcome; an HTMX form gets its own form back with the error in place, or is
    sent to the page on success."""

    http_method_names = ["post"]

    def post(self, request, pk, transition_id):
        self.object = self.get_object()
        step = workflow.BY_ID.get(transition_id)
        if step is None:
            raise Http404
        if not request.user.has_perm(step.permission, self.object):
            raise PermissionDenied
        form = TransitionForm(step, request.POST, application=self.object)
        if not form.is_valid():
            return self.refused(form)
        try:
            workflow.perform(self.object, step.id, request.user, **form.perform_kwargs())
        except DomainError as error:
            form.add_error(None, str(error))
            return self.refused(form)
        messages.success(
            request,
            _("Done: %(action)s. The project is now “%(state)s”.")
            % {"action": step.label, "state": self.object.get_state_display()},
        )
        url = self.object.get_absolute_url()
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)

    def refused(self, form):
        if is_htmx(self.request):
            item = {"step": form.step, "form": form, "url": transition_url(self.object, form.step)}
            return render(self.request, "projects/_transition_form.html", {"item": item})
        # The page shows the project as it is now (another person may just have moved it); if
        # the step is no longer offered there, its error comes as a message instead.
        self.object.refresh_from_db()
        offered = {t.id for t in workflow.available(self.object, self.request.user)}
        if form.step.id not in offered:
            for error in form.non_field_errors():
                messages.error(self.request, error)
        context = self.get_context_data(object=self.object, bound_form=form)
        return render(self.request, self.template_name, context, status=400)


# Applications: the applicant's form ------------------------------------------------------------


def not_editable_message(application: Application) -> str:
    """What ``workflow.save_application`` says of an application no longer editable."""
    return str(
        workflow.NotEditableError(
            _(
                "Only a draft or an application returned for changes can be edited; this one is "
                "now “%(state)s”."
            )
            % {"state": workflow.state_label(application.state)}
        )
    )


@login_required
def application_create(request, call_pk):
    """A new draft for an open call."""
    if not request.user.has_perm(ADD):
        raise PermissionDenied
    if not request.user.has_perm(VIEW_CALL):
        raise PermissionDenied
    call = get_object_or_404(Call, pk=call_pk)
    now = timezone.now()
    refusal = ""
    if not call.is_open(now):
        refusal = (
            _("The call “%(call)s” opens at %(at)s; applications can be made from then on.")
            if now < call.opens_at
            else _("The call “%(call)s” closed at %(at)s; it takes no more applications.")
        ) % {
            "call": call.name,
            "at": local_time(call.opens_at if now < call.opens_at else call.closes_at),
        }
    elif not call.criteria.exists():
        refusal = _(
            "The call “%(call)s” has no review criteria yet; applications can be made once the "
            "bureau has set them."
        ) % {"call": call.name}
    if refusal:
        messages.error(request, refusal)
        return redirect(call.get_absolute_url())
    return application_form(request, Application(call=call), call)


@login_required
def application_edit(request, pk):
    application = scoped_object_or_404(request, Application, pk, CHANGE)
    if application.state not in workflow.EDITABLE_STATES:
        messages.error(request, not_editable_message(application))
        return redirect(application.get_absolute_url())
    return application_form(request, application, application.call)


def application_form(request, application: Application, call: Call):
    form = ApplicationForm(request.POST or None, instance=application, user=request.user, call=call)
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        instance.call = call
        instance.answers = form.answers()
        try:
            workflow.save_application(
                instance,
                request.user,
                expected_version=form.cleaned_data.get("version"),
                cooperators=form.cleaned_data["cooperators_text"],
            )
        except (ConcurrentEditError, DomainError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Saved. The application stays a draft until you submit it on its page."),
            )
            return redirect(instance.get_absolute_url())
    context = {"form": form, "object": application if application.pk else None, "call": call}
    return render(request, "projects/application_form.html", context)
