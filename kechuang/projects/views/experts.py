"""Pages of the expert pool: the list with its export, an expert's page (their assignments and
load per call) and the form."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kechuang.accounts.scope import restrict
from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.concurrency import ConcurrentEditError, save_versioned
from kechuang.core.views import ScopedDetailView, ScopedListView, scoped_object_or_404

from ..interfaces import exporters
from ..interfaces.review_forms import ExpertFilter, ExpertForm
from ..models import Application, Assignment, Expert
from ..reference import ASSIGN, EXPORT_EXPERTS, IMPORT_EXPERTS
from .assignments import with_review_state
from .common import ADD_EXPERT, CHANGE_EXPERT, VIEW_EXPERT, stamp, xlsx


class ExpertList(ScopedListView):
    model = Expert
    permission = VIEW_EXPERT
    filterset_class = ExpertFilter
    template_name = "projects/expert_list.html"
    table_template_name = "projects/expert_list_table.html"
    sort_fields = {
        "name": ("name",),
        "organisation": ("organisation__name",),
        "available": ("available",),
        "capacity": ("capacity",),
    }
    default_sort = "name"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation", "title")
            .prefetch_related("fields")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            list_url=reverse("projects:expert-list"),
            create_url=reverse("projects:expert-create") if user.has_perm(ADD_EXPERT) else "",
            export_url=reverse("projects:expert-export") if user.has_perm(EXPORT_EXPERTS) else "",
            import_key="projects.expert" if user.has_perm(IMPORT_EXPERTS) else "",
        )
        return context


@login_required
def expert_export(request):
    """Exactly the filtered list of the pool, as Excel."""
    if not request.user.has_perm(EXPORT_EXPERTS):
        raise PermissionDenied
    view = ExpertList()
    view.setup(request)
    view.check_permission()
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
    # The import template's columns: an export re-imports unchanged.
    count = exporters.EXPERTS.write(spool, view.filtered_queryset())
    chain.record(
        AuditAction.EXPORT,
        changes={"filters": request.GET.dict(), "rows": count},
        comment=_("Expert pool export"),
    )
    spool.seek(0)
    return xlsx(spool, f"{exporters.EXPERTS.sheet}-{stamp()}.xlsx")


class ExpertDetail(ScopedDetailView):
    model = Expert
    permission = VIEW_EXPERT
    template_name = "projects/expert_detail.html"

    def get_base_queryset(self):
        return Expert.objects.select_related("organisation", "title", "user").prefetch_related(
            "fields__parent", "declared_organisations"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        expert, user = self.object, self.request.user
        applications = restrict(Application.objects.all(), user)
        assignments = list(
            Assignment.objects.filter(expert=expert, application__in=applications)
            .select_related("application__undertaker", "phase__call", "review")
            .order_by("-phase__call__year", "-phase__call_id", "phase__sort", "id")[:200]
        )
        loads = (
            Assignment.objects.filter(expert=expert, declared_conflict=False)
            .values("phase__call_id", "phase__call__name", "phase__call__year")
            .annotate(n=Count("application_id", distinct=True))
            .order_by("-phase__call__year", "-phase__call_id")
        )
        context.update(
            assignments=[with_review_state(a) for a in assignments],
            loads=[
                {
                    "call": row["phase__call__name"],
                    "year": row["phase__call__year"],
                    "count": row["n"],
                    "remaining": max(expert.capacity - row["n"], 0),
                }
                for row in loads
            ],
            edit_url=reverse("projects:expert-edit", args=[expert.pk])
            if user.has_perm(CHANGE_EXPERT, expert)
            else "",
            can_assign=user.has_perm(ASSIGN),
        )
        return context


@login_required
def expert_edit(request, pk=None):
    if pk:
        expert = scoped_object_or_404(request, Expert, pk, CHANGE_EXPERT)
    else:
        if not request.user.has_perm(ADD_EXPERT):
            raise PermissionDenied
        expert = Expert()
    form = ExpertForm(request.POST or None, instance=expert, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_expert(form, request.user)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(saved.get_absolute_url())
    return render(
        request,
        "projects/expert_form.html",
        {
            "form": form,
            "object": expert if pk else None,
            "cancel_url": expert.get_absolute_url() if pk else reverse("projects:expert-list"),
        },
    )


def _save_expert(form: ExpertForm, user) -> Expert:
    data = form.cleaned_data
    with transaction.atomic():
        expert = form.save(commit=False)
        expert.user = data.get("login")
        if expert.pk:
            save_versioned(expert, data.get("version") or 0)
        else:
            expert.created_by = user
            expert.save()
        expert.fields.set(data["fields"])
        expert.declared_organisations.set(data.get("declared_organisations") or [])
    return expert
