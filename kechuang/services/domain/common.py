"""Small helpers the services' domain modules share."""

import datetime as dt
from contextlib import nullcontext

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.audit.context import acting_as, current_actor
from kechuang.audit.tracking import field_values
from kechuang.core.models import CodeItem

from .errors import ServicesError


def acting(user):
    """Attribute the audit events to ``user`` unless a request (or caller) already does."""
    return acting_as(user) if current_actor().user_id is None else nullcontext()


def require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def not_in_future(day: dt.date, field: str) -> dt.date:
    today = timezone.localdate()
    if day > today:
        raise ServicesError(
            _("The date cannot be in the future (%(date)s is after today, %(today)s).")
            % {"date": day.isoformat(), "today": today.isoformat()},
            field,
        )
    return day


def code_item(code_list: str, value, field: str) -> CodeItem:
    """An active item of ``code_list`` given as an item or by its code."""
    if isinstance(value, CodeItem):
        item = value if value.code_list == code_list else None
    else:
        item = CodeItem.objects.filter(code_list=code_list, code=value).first()
    if item is None or not item.active:
        raise ServicesError(_("“%(value)s” is not an item of this list.") % {"value": value}, field)
    return item


def reload(instance) -> None:
    """Read the record back after a write made with ``update()`` (and forget the old audit
    snapshot, so a later save compares with what is stored now)."""
    instance.refresh_from_db()
    instance._audit_snapshot = field_values(instance)
    instance.__dict__.pop("_audit_loaded", None)
