"""Attachment pages shared by every area: download, upload and delete.

Access follows the record the file is attached to (``core.domain.attachments.can_view`` /
``can_change``): whoever may not see that record is told the file does not exist.
"""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .domain import attachments
from .interfaces.display import record_url
from .models import Attachment


def _back(request, owner=None):
    """Where to go after an upload or a delete: the page that asked (if it is ours), else the
    record's page, else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    url = record_url(owner) if owner is not None else None
    return redirect(url or "core:home")


def _visible(request, pk):
    """The attachment, its owner and whether the user may change the owner, when they may see
    it; 404 otherwise (the file's existence is not revealed)."""
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    owner = attachments.owner_of(attachment)
    may_view, may_change = attachments.permissions(request.user, owner)
    if not may_view:
        raise Http404
    return attachment, owner, may_change


@login_required
@require_GET
def download(request, pk):
    attachment, _owner, _may_change = _visible(request, pk)
    return attachments.open_for_download(attachment)


@login_required
@require_POST
def delete(request, pk):
    attachment, owner, may_change = _visible(request, pk)
    if not may_change:
        raise PermissionDenied
    attachments.delete(attachment, request.user)
    messages.success(request, _("“%(name)s” deleted.") % {"name": attachment.original_name})
    return _back(request, owner)


@login_required
@require_POST
def upload(request, app_label, model, object_id):
    try:
        model_class = apps.get_model(app_label, model)
    except (LookupError, ValueError):
        raise Http404 from None
    owner = model_class._default_manager.filter(pk=object_id).first()
    may_view, may_change = attachments.permissions(request.user, owner)
    if not may_view:
        raise Http404
    if not may_change:
        raise PermissionDenied
    files = request.FILES.getlist("file")
    if not files:
        messages.error(request, _("Choose a file to attach."))
    purpose = request.POST.get("purpose", "").strip()
    for uploaded in files:  # each file is checked and stored on its own
        try:
            attachment = attachments.store(owner, uploaded, request.user, purpose=purpose)
        except attachments.AttachmentError as problem:
            messages.error(request, problem.message)
        else:
            messages.success(
                request, _("“%(name)s” attached.") % {"name": attachment.original_name}
            )
    return _back(request, owner)
