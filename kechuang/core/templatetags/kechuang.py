from decimal import Decimal

from django import template
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse

from kechuang.core.domain import attachments

register = template.Library()


@register.simple_tag
def sort_querystring(querystring: str, key: str, current_sort: str) -> str:
    """The list's query string with ``sort`` toggled for column ``key``."""
    query = QueryDict(querystring, mutable=True)
    query["sort"] = f"-{key}" if current_sort == key else key
    query.pop("page", None)
    return query.urlencode()


@register.filter
def wan_yuan(value) -> str:
    """An amount in 万元, shown with thousands separators and two decimals."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"


@register.simple_tag
def attachments_for(owner, user, purpose: str = "") -> dict:
    """What ``includes/attachments.html`` shows of ``owner``'s attachments to ``user`` (only
    those of ``purpose`` when one is given): ``{"owner", "items", "can_view", "can_change",
    "upload_url", "limit_mb"}``; no items when the user may not see the owner."""
    visible, changeable = attachments.permissions(user, owner)
    meta = owner._meta if owner is not None else None
    items = attachments.attachments_of(owner) if visible else []
    if visible and purpose:
        items = items.filter(purpose=purpose)
    return {
        "owner": owner,
        "items": list(items),
        "can_view": visible,
        "can_change": changeable,
        "limit_mb": settings.KECHUANG_ATTACHMENT_MAX_BYTES // (1024 * 1024),
        "upload_url": reverse(
            "core:attachment-upload", args=[meta.app_label, meta.model_name, owner.pk]
        )
        if changeable
        else "",
    }
