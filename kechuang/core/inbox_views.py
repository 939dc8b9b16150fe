"""The in-app inbox: one's own notifications (``core.domain.notify`` writes them)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification
from .views import is_htmx

PAGE_SIZE = 25


def _own(request):
    return Notification.objects.filter(recipient_id=request.user.pk)


@login_required
def inbox(request):
    """Newest first; ``?unread=1`` shows only the unread ones."""
    unread_only = request.GET.get("unread") == "1"
    notifications = _own(request).order_by("-created_at", "-id")
    if unread_only:
        notifications = notifications.unread()
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_obj": page,
        "object_list": page.object_list,
        "total": page.paginator.count,
        "querystring": query.urlencode(),
        "unread_only": unread_only,
    }
    template = "core/_inbox_list.html" if is_htmx(request) else "core/inbox.html"
    return render(request, template, context)


def is_local_url(request, url: str) -> bool:
    """A link into this site (relative, or naming this host), never elsewhere or ``javascript:``."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
def open_notification(request, pk):
    """Mark the notification read and follow its link when that stays on this site; else
    show it."""
    notification = get_object_or_404(_own(request), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        _own(request).filter(pk=pk, read_at__isnull=True).update(read_at=notification.read_at)
    if is_local_url(request, notification.url):
        return redirect(notification.url)
    return render(request, "core/notification.html", {"notification": notification})


@login_required
@require_POST
def read_all(request):
    _own(request).unread().update(read_at=timezone.now())
    return redirect("core:inbox")
