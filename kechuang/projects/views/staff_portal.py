"""The bureau's portal of plan projects: a queue of applications per state waiting for the user,
with the batch actions they may take on them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..domain import portal, workflow
from ..interfaces.forms import BatchForm
from ..models import Application
from ..reference import EXPORT
from .common import VIEW

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
