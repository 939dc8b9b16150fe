"""Login throttling, decided from the audit log's own login events."""

import datetime as dt

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent


def _recent_failures(since, **lookup) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, at__gte=since, **lookup
    ).count()


def is_locked_out(username: str, ip: str | None) -> bool:
    """Too many failures for this username (since its last success) or from this IP."""
    since = timezone.now() - dt.timedelta(seconds=settings.KECHUANG_LOGIN_WINDOW_SECONDS)
    last_success = AuditEvent.objects.filter(
        action=AuditAction.LOGIN, object_repr=username, at__gte=since
    ).aggregate(last=Max("at"))["last"]
    user_since = max(since, last_success) if last_success else since
    if _recent_failures(user_since, object_repr=username) >= settings.KECHUANG_LOGIN_MAX_FAILURES:
        return True
    if ip is None:
        return False
    return _recent_failures(since, ip=ip) >= settings.KECHUANG_LOGIN_MAX_FAILURES_PER_IP
