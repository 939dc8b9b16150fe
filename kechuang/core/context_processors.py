from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .models import Notification


def navigation(request):
    return {"KECHUANG_MODE": settings.MODE}


def inbox(request):
    """``inbox_unread``: the signed-in user's unread notifications, counted (one COUNT query)
    only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "inbox_unread": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
        )
    }
