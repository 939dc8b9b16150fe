"""Pages of calls (申报指南): the list, the call's page and the staff's form with its criteria, form
fields and review phases. Calls are the bureau's public announcements: whoever may view calls
sees every call (they have no data scope), and whoever may change calls changes any."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.domain.records import save_from_form
from kechuang.core.views import ScopedDetailView, ScopedListView

from ..domain.portal import count_by_state
from ..enums import State
from ..interfaces import exporters
from ..interfaces.filters import CallFilter
from ..interfaces.forms import CallEditor
from ..models import Application, Call
from ..reference import EXPORT
from .common import ADD, ADD_CALL, CHANGE_CALL, VIEW, VIEW_CALL, export_url


class CallListView(ScopedListView):
    model = Call
    permission = VIEW_CALL
    filterset_class = CallFilter
    template_name = "projects/call_list.html"
    table_template_name = "projects/call_list_table.html"
    sort_fields = {
        "year": ("year", "batch"),
        "name": ("name",),
        "opens_at": ("opens_at",),
        "closes_at": ("closes_at",),
    }
    default_sort = "-year"
    export = exporters.CALLS
    export_permission = EXPORT

    def scoped_queryset(self):
        return Call.objects.all()

    def get_queryset(self):
        queryset = super().get_queryset().select_related("programme")
        if self.show_counts:
            queryset = queryset.annotate(
                submitted=Count("applications", filter=~Q(applications__state=State.DRAFT))
            )
        return queryset

    @property
    def show_counts(self) -> bool:
        user = self.request.user
        return not user.organisation_id and user.has_perm(CHANGE_CALL)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        for call in context["object_list"]:
            call.open_now = call.is_open(now)
        context.update(
            now=now,
            show_counts=self.show_counts,
            can_add=self.request.user.has_perm(ADD_CALL),
            list_url=reverse("projects:call-list"),
            export_url=export_url(self.request.user, "projects:call-export"),
        )
        return context


class CallDetailView(ScopedDetailView):
    model = Call
    permission = VIEW_CALL
    template_name = "projects/call_detail.html"

    def scoped_queryset(self):
        return Call.objects.select_related("programme")

    def check_permission(self, obj=None):
        if not self.request.user.has_perm(VIEW_CALL):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call, user = self.object, self.request.user
        now = timezone.now()
        criteria = list(call.criteria.all())
        can_change = user.has_perm(CHANGE_CALL)
        counts = []
        if user.has_perm(VIEW) and not user.organisation_id:
            by_state = count_by_state(Application.objects.visible_to(user).filter(call=call))
            counts = [
                {"state": value, "label": label, "count": by_state[value]}
                for value, label in State.choices
                if by_state.get(value)
            ]
        mine = []
        if user.organisation_id and user.has_perm(VIEW):
            mine = list(Application.objects.visible_to(user).filter(call=call))
        call.open_now = call.is_open(now)
        context.update(
            now=now,
            open_now=call.open_now,
            not_yet_open=now < call.opens_at,
            criteria=criteria,
            total_weight=sum((c.weight for c in criteria), 0),
            form_fields=list(call.form_fields.all()),
            phases=list(call.phases.all()),
            counts=counts,
            counts_total=sum(c["count"] for c in counts),
            mine=mine,
            can_apply=user.has_perm(ADD) and call.is_open(now) and bool(criteria),
            can_change=can_change,
            history=context["history"] if can_change else [],
        )
        return context


class CallEditView(LoginRequiredMixin, View):
    """A call with its criteria, form fields and review phases, saved together (the call names
    the version it started from)."""

    template_name = "projects/call_form.html"

    def get(self, request, pk=None):
        if pk:
            if not request.user.has_perm(CHANGE_CALL):
                raise PermissionDenied
            call = get_object_or_404(Call, pk=pk)
        else:
            if not request.user.has_perm(ADD_CALL):
                raise PermissionDenied
            call = Call()
        editor = CallEditor(request.POST or None, instance=call)
        if request.method == "POST" and editor.is_valid():
            try:
                saved = save_call(editor, request.user)
            except ConcurrentEditError as error:
                editor.errors.append(str(error))
            else:
                messages.success(request, _("Saved."))
                return redirect(saved.get_absolute_url())
        context = {"editor": editor, "form": editor.form, "object": call if pk else None}
        return render(request, self.template_name, context, status=200)

    post = get


def save_call(editor: CallEditor, user) -> Call:
    """The call and its three lists in one transaction; a stale version writes nothing."""
    with transaction.atomic():
        call = save_from_form(editor.form, user)
        for formset in editor.formsets:
            formset.instance = call
            formset.save()
    return call
