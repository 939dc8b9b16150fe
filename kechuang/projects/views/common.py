"""What the pages of plan projects share: the permission names they check (besides those of
``reference.py``), the messages of a step and Excel downloads."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils import timezone

from kechuang.core.domain.errors import DomainError

from ..reference import EXPORT

VIEW_CALL = "projects.view_call"
ADD_CALL = "projects.add_call"
CHANGE_CALL = "projects.change_call"
VIEW = "projects.view_application"
ADD = "projects.add_application"
CHANGE = "projects.change_application"
REQUEST_EXTENSION = "projects.add_extensionrequest"
VIEW_MEETING = "projects.view_acceptancemeeting"


def export_url(user, name: str) -> str:
    """The Excel export of a list (``name``), for a user who may export plan projects."""
    return reverse(name) if user.has_perm(EXPORT) else ""


def take_step(request, step, said) -> None:
    """Take a step (a domain function): its refusal, or what ``said()`` says once it is taken,
    as a message on the next page."""
    try:
        step()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, said())


def xlsx(content, filename: str):
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


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")
