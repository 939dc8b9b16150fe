"""Notifications: a message in each recipient's in-app inbox, written in the same transaction
as the change it reports, and an e-mail copy (Django's mail backend) once that transaction has
committed — a rolled-back change notifies nobody."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from ..models import Notification

log = logging.getLogger(__name__)


def notify(recipients: Iterable, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Write ``title``/``body`` to the inbox of every distinct active recipient (users) and
    e-mail those with an address after commit. Returns the notifications written."""
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not users:
        return []
    title = str(title)[:200]
    rows = Notification.objects.bulk_create(
        [Notification(recipient=u, title=title, body=str(body), url=url) for u in users.values()]
    )
    mails = [
        (title, f"{body}\n\n{url}".strip(), settings.DEFAULT_FROM_EMAIL, [u.email])
        for u in users.values()
        if u.email
    ]
    if mails:
        transaction.on_commit(lambda: _send(mails))
    return rows


def _send(mails) -> None:
    try:
        send_mass_mail(mails, fail_silently=False)
    except Exception:  # the inbox has the message; a mail server being down must not undo it
        log.exception("could not send %d notification e-mails", len(mails))
