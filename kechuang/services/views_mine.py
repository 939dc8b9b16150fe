"""“My activities”: a tech commissioner logs its own activities through its login (a team
member's login acts for the team). The page lists the activities of the commissioners the login
acts for and offers the form to log one: the commissioner is theirs, the assignment one of
theirs, and the write goes through ``log_activity``, which checks it again."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from .domain.commissioners import ADD, log_activity
from .interfaces.forms import MyActivityMixin
from .models import Activity, Commissioner
from .record_types import ActivityType

MyActivityForm = type("MyActivityForm", (MyActivityMixin, ActivityType.instance.Form), {})

PAGE_SIZE = 25


class MyActivities(LoginRequiredMixin, View):
    template_name = "services/my_activities.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(ADD):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.show(self.form())

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            commissioner = form.chosen_commissioner(data)
            try:
                activity = log_activity(
                    request.user,
                    commissioner,
                    held_on=data["held_on"],
                    kind=data["kind"],
                    town=data.get("town"),
                    assignment=data.get("assignment"),
                    place=data.get("place") or "",
                    trainees=data.get("trainees") or 0,
                    materials=data.get("materials") or 0,
                    summary=data.get("summary") or "",
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The activity of %(date)s was logged.")
                    % {"date": activity.held_on.isoformat()},
                )
                return redirect(reverse("services:my-activities"))
        return self.show(form, status=400)

    def commissioners(self):
        return Commissioner.objects.acting_for(self.request.user).order_by("name", "pk")

    def form(self, data=None):
        commissioners = self.commissioners()
        if not commissioners:
            return None
        return MyActivityForm(
            data, instance=Activity(), user=self.request.user, commissioners=commissioners
        )

    def show(self, form, status=200):
        user = self.request.user
        activities = (
            Activity.objects.acting_for(user)
            .visible_to(user)
            .select_related("commissioner", "kind", "town")
            .order_by("-held_on", "-pk")
        )
        totals = activities.aggregate(
            count=Count("pk"), trainees=Sum("trainees"), materials=Sum("materials")
        )
        page = Paginator(activities, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context = {
            "form": form,
            "commissioners": list(form.commissioners) if form else [],
            "page_obj": page,
            "activities": page.object_list,
            "totals": totals,
        }
        return render(self.request, self.template_name, context, status=status)
