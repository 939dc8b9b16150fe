"""Pages of the R&D institution certification workflow: the list (with a queue per state), an
application with its timeline and the steps the user may take, and the applicant's draft form.
Their addresses, the list's filters and its Excel export are the declaration's
(``record_types.CertificationApplicationType``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.views import ScopedDetailView, ScopedListView, scoped_object_or_404

from .domain import certification as workflow
from .enums import ApplicationState
from .interfaces.application_forms import WAITING_FOR_ME, ApplicationForm, TransitionForm
from .models import CertificationApplication

VIEW = "platforms.view_certificationapplication"
ADD = "platforms.add_certificationapplication"
CHANGE = "platforms.change_certificationapplication"

# The main road of an application, for the progress bar of its page.
ROAD = (
    ApplicationState.DRAFT,
    ApplicationState.APPLIED,
    ApplicationState.RECOMMENDED,
    ApplicationState.REVIEWED,
    ApplicationState.PUBLICITY,
    ApplicationState.CERTIFIED,
)


class ApplicationListView(ScopedListView):
    """The list with a queue per state (the filters and the export are the declaration's)."""

    model = CertificationApplication
    permission = VIEW
    export = None
    export_permission = ""
    template_name = "platforms/application_list.html"
    table_template_name = "platforms/application_list_table.html"
    sort_fields = {
        "year": ("year",),
        "name": ("name",),
        "applicant": ("applicant__name",),
        "state": ("state",),
        "updated_at": ("updated_at",),
    }
    default_sort = "-updated_at"

    def get_queryset(self):
        return super().get_queryset().select_related("applicant__town", "level")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            self.scoped_queryset()
            .order_by()
            .values("state")
            .annotate(n=Count("id"))
            .values_list("state", "n")
        )
        todo_states = workflow.queue_states(self.request.user)
        query = self.request.GET.copy()
        for key in ("state", "page"):
            query.pop(key, None)
        base = query.urlencode()
        current = self.request.GET.get("state", "")
        queues = [("", _("All"), sum(counts.values()))]
        if todo_states:
            queues.append(
                (WAITING_FOR_ME, _("Waiting for me"), sum(counts.get(s, 0) for s in todo_states))
            )
        queues += [
            (value, label, counts.get(value, 0)) for value, label in ApplicationState.choices
        ]
        context.update(
            queues=[
                {
                    "value": value,
                    "label": label,
                    "count": count,
                    "active": value == current,
                    "query": "&".join(p for p in (base, f"state={value}" if value else "") if p),
                }
                for value, label, count in queues
            ],
            can_add=self.request.user.has_perm(ADD),
            export_url=reverse("platforms:application-export")
            if self.export and self.request.user.has_perm(self.export_permission)
            else "",
        )
        return context


class ApplicationDetailView(ScopedDetailView):
    model = CertificationApplication
    permission = VIEW
    template_name = "platforms/application_detail.html"

    def get_base_queryset(self):
        return CertificationApplication.objects.select_related(
            "applicant__town", "level", "institution__level", "created_by"
        )

    def history_children(self):
        return [self.object.institution] if self.object.institution_id else []

    def get_context_data(self, bound_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.object
        user = self.request.user
        steps = []
        for step in workflow.available(application, user):
            if bound_form is not None and bound_form.step.id == step.id:
                form = bound_form
            else:
                form = TransitionForm(step)
            steps.append(
                {
                    "step": step,
                    "form": form,
                    "url": reverse(
                        "platforms:application-transition", args=[application.pk, step.id]
                    ),
                }
            )
        context.update(
            steps=steps,
            editable=application.state == ApplicationState.DRAFT
            and user.has_perm(CHANGE, application),
            road=_road(application.state),
            institution_url=_institution_url(application),
        )
        return context


class ApplicationTransitionView(ApplicationDetailView):
    """POST: perform one transition; the page comes back with the outcome."""

    http_method_names = ["post"]

    def post(self, request, pk, transition_id):
        self.object = self.get_object()
        step = workflow.BY_ID.get(transition_id)
        if step is None:
            raise Http404
        if not request.user.has_perm(step.permission, self.object):
            raise PermissionDenied
        form = TransitionForm(step, request.POST)
        if not form.is_valid():
            context = self.get_context_data(object=self.object, bound_form=form)
            return render(request, self.template_name, context, status=400)
        try:
            workflow.perform(self.object, step.id, request.user, **form.perform_kwargs())
        except workflow.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Done: %(action)s. The application is now “%(state)s”.")
                % {"action": step.label, "state": self.object.get_state_display()},
            )
        return redirect(self.object.get_absolute_url())


def _road(state: str) -> list[dict]:
    """The main steps with the present one marked (a rejected application stops where it was
    rejected, which its timeline shows)."""
    labels = dict(ApplicationState.choices)
    reached = ROAD.index(state) if state in ROAD else -1
    return [
        {"value": s, "label": labels[s], "done": i < reached, "current": i == reached}
        for i, s in enumerate(ROAD)
    ]


def _institution_url(application) -> str:
    if not application.institution_id:
        return ""
    try:
        return application.institution.get_absolute_url()
    except NoReverseMatch:
        return ""


@login_required
def application_edit(request, pk=None):
    """The applicant's draft: a new one, or the edits of one still in draft."""
    if pk:
        application = scoped_object_or_404(request, CertificationApplication, pk, CHANGE)
        if application.state != ApplicationState.DRAFT:
            messages.error(
                request,
                _("Only a draft can be edited; this application is now “%(state)s”.")
                % {"state": application.get_state_display()},
            )
            return redirect(application.get_absolute_url())
    else:
        if not request.user.has_perm(ADD):
            raise PermissionDenied
        application = CertificationApplication()
    form = ApplicationForm(request.POST or None, instance=application, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.save_draft(form.save(commit=False), request.user, form.cleaned_data["version"])
        except (ConcurrentEditError, workflow.TransitionError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(application.get_absolute_url())
    context = {"form": form, "object": application if pk else None}
    return render(request, "platforms/application_form.html", context)
