"""Extension requests of a running project: the undertaker asks for a later end date on the
project's page, the bureau approves or refuses it there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core.views import scoped_object_or_404

from ..domain import extensions
from ..interfaces.forms import ExtensionDecisionForm, ExtensionRequestForm
from ..models import Application, ExtensionRequest
from .common import VIEW, take_step


@login_required
@require_POST
def extension_request(request, pk):
    application = scoped_object_or_404(request, Application, pk, VIEW)
    form = ExtensionRequestForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(application.get_absolute_url() + "#extensions")
    until, reason = form.cleaned_data["until"], form.cleaned_data["reason"]
    take_step(
        request,
        lambda: extensions.request_extension(application, request.user, until, reason),
        lambda: _("The extension has been requested."),
    )
    return redirect(application.get_absolute_url() + "#extensions")


@login_required
@require_POST
def extension_decide(request, pk):
    extension = get_object_or_404(
        ExtensionRequest.objects.visible_to(request.user).select_related("application"), pk=pk
    )
    application = extension.application
    if not request.user.has_perm(VIEW, application):
        raise Http404
    form = ExtensionDecisionForm(request.POST, prefix=f"ext{extension.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve or refuse the extension."))
        return redirect(application.get_absolute_url() + "#extensions")
    approve = form.cleaned_data["decision"] == "approve"
    comment = form.cleaned_data["comment"]
    take_step(
        request,
        lambda: extensions.decide_extension(extension, request.user, approve, comment),
        lambda: (
            _("The extension has been approved.")
            if approve
            else _("The extension has been refused.")
        ),
    )
    return redirect(application.get_absolute_url() + "#extensions")
