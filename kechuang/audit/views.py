from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from .models import AuditEvent


@login_required
def event_list(request):
    """The whole operation log, for administrators; anyone else signed in is told so (403),
    not sent to the login page (which would send them straight back)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    events = AuditEvent.objects.order_by("-id")
    action = request.GET.get("action")
    if action:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"page_obj": page, "action": action})
