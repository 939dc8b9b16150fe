"""Extensions of a running project's period: requested by the undertaker (or staff), decided
by staff. A project is extended at most once, by at most one year past its planned end."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.notify import notify

from ..enums import ExtensionState
from ..models import Application, ExtensionRequest
from ..reference import MANAGE
from .workflow import RUNNING_STATES, TransitionError, WrongStateError, state_label

REQUEST = "projects.add_extensionrequest"


class ExtensionError(TransitionError):
    pass


def latest_end(application: Application) -> dt.date:
    """The latest end an extension may give: one year after the planned end."""
    end = application.ends_on
    try:
        return end.replace(year=end.year + 1)
    except ValueError:  # 29 February
        return end.replace(year=end.year + 1, day=28)


def request_extension(application: Application, user, until: dt.date, reason: str):
    if not (user.has_perm(REQUEST) and user.has_perm("projects.change_application", application)):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ExtensionError(_("Give the reason for the extension."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state not in RUNNING_STATES:
            raise WrongStateError(
                _("Only a project in progress can be extended; this one is “%(state)s”.")
                % {"state": state_label(locked.state)}
            )
        _check_extension(locked)
        if until <= locked.current_end:
            raise ExtensionError(
                _("The new end (%(until)s) must be after the present end (%(end)s).")
                % {"until": until.isoformat(), "end": locked.current_end.isoformat()}
            )
        if until > latest_end(locked):
            raise ExtensionError(
                _("A project can be extended by at most one year: until %(latest)s at the latest.")
                % {"latest": latest_end(locked).isoformat()}
            )
        if locked.extensions.filter(state=ExtensionState.REQUESTED).exists():
            raise ExtensionError(_("An extension request of this project is waiting already."))
        request = ExtensionRequest.objects.create(
            application=locked, requested_until=until, reason=reason, created_by=user
        )
    return request


def _check_extension(application: Application) -> None:
    if application.extensions.filter(state=ExtensionState.APPROVED).exists():
        raise ExtensionError(_("This project has been extended once already; it cannot be again."))


def decide_extension(request: ExtensionRequest, user, approve: bool, comment: str = ""):
    if not user.has_perm(MANAGE, request.application):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ExtensionError(_("Give the reason for refusing the extension."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=request.application_id)
        locked = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state != ExtensionState.REQUESTED:
            raise WrongStateError(
                _("This request has been decided already (%(state)s).")
                % {"state": locked.get_state_display()}
            )
        if approve:
            if application.state not in RUNNING_STATES:
                raise WrongStateError(
                    _("Only a project in progress can be extended; this one is “%(state)s”.")
                    % {"state": state_label(application.state)}
                )
            _check_extension(application)
            if locked.requested_until > latest_end(application):
                raise ExtensionError(
                    _(
                        "A project can be extended by at most one year: until %(latest)s at the "
                        "latest."
                    )
                    % {"latest": latest_end(application).isoformat()}
                )
        locked.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.decision_comment = comment
        locked.save()
        if approve:
            before = application.extended_until
            application.extended_until = locked.requested_until
            Application.objects.filter(pk=application.pk).update(
                extended_until=locked.requested_until, version=F("version") + 1
            )
            chain.record(
                AuditAction.UPDATE,
                application,
                changes={
                    "extended_until": [
                        before.isoformat() if before else None,
                        locked.requested_until.isoformat(),
                    ]
                },
                comment=comment or _("Extension approved"),
            )
        notify(
            [locked.created_by],
            _("Extension %(decision)s: %(project)s")
            % {
                "decision": _("approved") if approve else _("refused"),
                "project": application.name,
            },
            comment,
            application.get_absolute_url(),
        )
    request.refresh_from_db()
    return request
