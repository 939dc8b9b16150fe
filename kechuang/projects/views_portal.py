"""The portals of plan projects: the bureau's (queues per state with batch actions) and the
applicant's (their applications, what they must do next, deadlines, the calls open to them).
The experts' portal lives with the reviews (``urls_review.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .domain import portal, workflow
from .enums import ExtensionState
from .enums import State as S
from .interfaces.forms import BatchForm
from .models import Application, Call, Criterion, ExtensionRequest
from .reference import EXPORT
from .views import ADD, VIEW, WHAT_NEXT, local_time

QUEUE_ROWS = 50  # projects listed per queue; the rest are in the full list


def batch_steps(user, state: str) -> list[workflow.Transition]:
    """The steps the bureau may take on many projects of ``state`` at once: not the applicant's
    (submit, apply for acceptance), not termination (one project at a time, with its reason),
    not those that need a figure per project (approved funding, contract number)."""
    return [
        t
        for t in workflow.TRANSITIONS
        if state in t.from_states
        and t.permission != workflow.APPLY
        and t.id != "terminate"
        and not t.needs
        and user.has_perm(t.permission)
    ]


def is_bureau_user(user) -> bool:
    return not user.organisation_id and user.has_perm(VIEW)


@login_required
def staff_portal(request):
    user = request.user
    if not is_bureau_user(user):
        raise PermissionDenied
    list_url = reverse("projects:application-list")
    export_url = reverse("projects:application-export") if user.has_perm(EXPORT) else ""
    queues = []
    for queue in portal.queues(user):
        state = queue["state"]
        projects = list(
            Application.objects.visible_to(user)
            .filter(state=state)
            .select_related("call", "undertaker__town")
            .order_by("submitted_at", "pk")[:QUEUE_ROWS]
        )
        queues.append(
            {
                **queue,
                "projects": projects,
                "more": queue["count"] > len(projects),
                "steps": batch_steps(user, state),
                "list_url": f"{list_url}?state={state}",
                "export_url": f"{export_url}?state={state}" if export_url else "",
            }
        )
    context = {
        "queues": queues,
        "waiting": sum(q["count"] for q in queues),
        "list_url": list_url,
        "export_url": export_url,
        "todo_url": f"{list_url}?state=todo",
    }
    return render(request, "projects/staff_portal.html", context)


@login_required
@require_POST
def staff_batch(request):
    """A batch action: ``workflow.perform_many`` on the chosen projects; each project is done
    (and audited) or refused on its own, and the portal then says which."""
    user = request.user
    if not is_bureau_user(user):
        raise PermissionDenied
    form = BatchForm(request.POST)
    back = reverse("projects:staff-portal")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    step = workflow.BY_ID.get(form.cleaned_data["transition"])
    if step is None or step.id == "terminate" or step.needs or step.permission == workflow.APPLY:
        messages.error(request, _("This step cannot be taken on several projects at once."))
        return redirect(back)
    if not user.has_perm(step.permission):
        raise PermissionDenied
    comment = (form.cleaned_data.get("comment") or "").strip()
    if step.needs_comment and not comment:
        messages.error(
            request, _("Give the reason: “%(action)s” needs a comment.") % {"action": step.label}
        )
        return redirect(back)
    ids = form.cleaned_data["ids"]
    result = workflow.perform_many(ids, step.id, user, comment=comment)
    names = dict(
        Application.objects.visible_to(user)
        .filter(pk__in=[*result["done"], *result["failed"]])
        .values_list("pk", "name")
    )
    if result["done"]:
        messages.success(
            request,
            _("%(action)s: done for %(count)d projects: %(names)s.")
            % {
                "action": step.label,
                "count": len(result["done"]),
                "names": "、".join(names.get(pk, f"#{pk}") for pk in result["done"]),
            },
        )
    for pk, message in result["failed"].items():
        messages.error(
            request,
            _("%(project)s: not done. %(message)s")
            % {"project": names.get(pk, f"#{pk}"), "message": message},
        )
    return redirect(back)


# The applicant's portal ------------------------------------------------------------------------


def applicant_todo(application: Application, now) -> str:
    """What the applicant must do next with the application ("" when it is the bureau's turn)."""
    state, call = application.state, application.call
    if state in workflow.EDITABLE_STATES:
        if now >= call.closes_at:
            return _("The call closed at %(at)s; this application can no longer be submitted.") % {
                "at": local_time(call.closes_at)
            }
        if state == S.DRAFT:
            todo = _("Complete the application and submit it before %(at)s.")
        else:
            todo = _(
                "Correct the application as the bureau asks and submit it again before %(at)s."
            )
        todo %= {"at": local_time(call.closes_at)}
        answers = application.answers or {}
        missing = [
            q.label
            for q in call.form_fields.all()
            if q.required and not str(answers.get(q.code, "")).strip()
        ]
        if missing:
            todo += " " + _("Still to answer: %(questions)s.") % {"questions": "、".join(missing)}
        return todo
    if state in (S.IN_PROGRESS, S.MIDTERM_PASSED):
        return _("Apply for acceptance once the project is done (it ends on %(date)s).") % {
            "date": application.current_end.isoformat()
        }
    if state == S.RECTIFYING:
        return _("Rectify what the mid-term check found; the bureau will then check again.")
    if state == S.RECONSIDER:
        return _("Complete what the acceptance found missing and apply for acceptance again.")
    return ""


def deadlines(application: Application) -> list[tuple[str, str]]:
    state = application.state
    rows = []
    if state in workflow.EDITABLE_STATES:
        rows.append((_("Call closes"), local_time(application.call.closes_at)))
    if state == S.PUBLICITY and application.publicity_until:
        rows.append((_("Publicity ends"), application.publicity_until.isoformat()))
    if state in (*workflow.RUNNING_STATES, S.ACCEPTANCE_APPLIED, S.RECONSIDER):
        rows.append((_("Project ends"), application.current_end.isoformat()))
    return rows


@login_required
def applicant_portal(request):
    user = request.user
    if not (user.organisation_id and user.has_perm(VIEW)):
        raise PermissionDenied
    now = timezone.now()
    applications = (
        Application.objects.visible_to(user)
        .select_related("call")
        .prefetch_related("call__form_fields")
        .annotate(
            extension_waiting=Exists(
                ExtensionRequest.objects.filter(
                    application=OuterRef("pk"), state=ExtensionState.REQUESTED
                )
            )
        )
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    rows = []
    for application in page:
        todo = applicant_todo(application, now)
        rows.append(
            {
                "application": application,
                "todo": todo,
                "status": "" if todo else str(WHAT_NEXT[application.state]),
                "deadlines": deadlines(application),
                "editable": application.state in workflow.EDITABLE_STATES
                and now < application.call.closes_at,
            }
        )
    open_calls = []
    if user.has_perm(ADD):
        open_calls = list(
            Call.objects.open_at(now)
            .filter(Exists(Criterion.objects.filter(call=OuterRef("pk"))))
            .order_by("closes_at")
        )
    context = {
        "rows": rows,
        "page_obj": page,
        "open_calls": open_calls,
        "organisation": user.organisation,
        "todo_count": sum(1 for r in rows if r["todo"]),
    }
    return render(request, "projects/applicant_portal.html", context)
