"""The applicant's portal: their applications, what they must do next, the deadlines, and the
calls open to them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..domain import workflow
from ..enums import ExtensionState
from ..enums import State as S
from ..models import Application, Call, Criterion, ExtensionRequest
from .applications import WHAT_NEXT, local_time
from .common import ADD, VIEW


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
