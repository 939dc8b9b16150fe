from django.contrib.auth.decorators import user_passes_test
from django.core.paginator import Paginator
from django.shortcuts import render

from .models import AuditEvent


@user_passes_test(lambda u: u.is_active and u.is_superuser)
def event_list(request):
    """The whole operation log, for administrators."""
    events = AuditEvent.objects.order_by("-id")
    action = request.GET.get("action")
    if action:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"page_obj": page, "action": action})
