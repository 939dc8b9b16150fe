"""When a request arrived: what a deadline is judged by.

An applicant who presses "submit" before a call closes has submitted in time, even if the server
is busy and reaches the request a few seconds later. ``request.received_at`` is the moment the
request entered Django — or, behind a trusted reverse proxy that stamps requests
(``X-Request-Start: t=<seconds since the epoch>``, nginx: ``proxy_set_header X-Request-Start
"t=${msec}";``) and with ``KECHUANG_TRUST_REQUEST_START`` on, the moment the proxy received it,
so that time spent queueing for an application server does not count against the applicant
either. A stamp from the future, or older than ``MAX_QUEUE``, is ignored.

``ContentSecurityPolicyMiddleware`` (below) sends the site's Content-Security-Policy.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

MAX_QUEUE = dt.timedelta(minutes=5)


def proxy_stamp(value: str | None, now: dt.datetime) -> dt.datetime | None:
    """The time in an ``X-Request-Start`` header (seconds, milli- or microseconds since the
    epoch, with or without ``t=``), if it is plausible."""
    if not value:
        return None
    text = value.strip().removeprefix("t=")
    try:
        number = float(text)
    except ValueError:
        return None
    for divisor in (1, 1_000, 1_000_000):  # seconds, then milliseconds, then microseconds
        seconds = number / divisor
        if seconds < 10_000_000_000:
            break
    try:
        stamp = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    if stamp > now or now - stamp > MAX_QUEUE:
        return None
    return stamp


class RequestArrivalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = timezone.now()
        stamp = None
        if getattr(settings, "KECHUANG_TRUST_REQUEST_START", False):
            stamp = proxy_stamp(request.headers.get("X-Request-Start"), now)
        request.received_at = stamp or now
        return self.get_response(request)


def received_at(request) -> dt.datetime:
    """The request's arrival (see the module docstring); now, for a request that did not pass
    through the middleware."""
    return getattr(request, "received_at", None) or timezone.now()


DEBUG_PAGES = {404, 500}


def policy_header(policy: dict[str, list[str]]) -> str:
    """A Content-Security-Policy header value from ``{directive: [source, …]}``; a directive
    with no sources is written bare (e.g. ``upgrade-insecure-requests``)."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Sends ``settings.KECHUANG_CONTENT_SECURITY_POLICY`` as the Content-Security-Policy of
    every response (pages, API, admin, API docs), in every mode, so that the browser tests run
    under the policy production serves. A view that sets its own header keeps it; with DEBUG on,
    Django's technical 404 and 500 pages go without.

    The policy admits scripts and styles only from files the site serves: no inline script,
    no inline style (attributes included), no eval. Templates load their JavaScript from
    ``static/`` and mark elements with classes; JavaScript may still set ``element.style``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "KECHUANG_CONTENT_SECURITY_POLICY", None)
        if settings.DEBUG and response.status_code in DEBUG_PAGES:
            return response  # Django's own 404 and 500 pages for developers: inline style, script
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy_header(policy)
        return response
