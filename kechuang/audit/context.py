"""Who is acting and from where, for the audit events written while a request is served."""

import ipaddress
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    username: str = ""
    ip: str | None = None


_current: ContextVar = ContextVar("kechuang_audit_actor", default=None)


def current_actor() -> Actor:
    """The actor of the innermost ``acting_as`` block or request being served."""
    value = _current.get()
    if value is None:
        return Actor()
    if isinstance(value, Actor):
        return value
    # A request: read its user late, because API token authentication happens in the view.
    user = getattr(value, "user", None)
    if user is None or not user.is_authenticated:
        return Actor(ip=client_ip(value))
    return Actor(user_id=user.pk, username=user.get_username(), ip=client_ip(value))


@contextmanager
def acting_as(user=None, ip: str | None = None, username: str | None = None):
    """Attribute audit events in this block to ``user`` (a command, a task, a test)."""
    actor = Actor(
        user_id=getattr(user, "pk", None),
        username=username if username is not None else getattr(user, "username", "") or "",
        ip=ip,
    )
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


@contextmanager
def serving(request):
    token = _current.set(request)
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request) -> str | None:
    """The client's address, as far as the deployment can vouch for it.

    With ``KECHUANG_TRUSTED_PROXIES = 0`` (the default) that is the socket's peer
    (``REMOTE_ADDR``): an X-Forwarded-For header is the client's own text and is ignored. Behind
    N trusted proxies, each appends the address it received the request from, so the client's
    address is the N-th entry from the right; anything left of it may be forged. A header with
    fewer entries, or an entry that is no IP address, falls back to the peer.
    """
    peer = request.META.get("REMOTE_ADDR")
    proxies = settings.KECHUANG_TRUSTED_PROXIES
    if proxies <= 0:
        return peer
    forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [item for item in forwarded if item]
    if len(forwarded) < proxies:
        return peer
    candidate = forwarded[-proxies]
    try:
        return ipaddress.ip_address(candidate).compressed
    except ValueError:
        return peer
