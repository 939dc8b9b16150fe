"""Views every area builds on: scoped list (filters, search, sort, pagination, export) and
scoped detail, plus the home page."""

from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView

from kechuang.accounts.scope import restrict
from kechuang.audit.models import AuditEvent
from kechuang.audit.presentation import present

from .interfaces.forms import style_form


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


class PermissionRequiredMixin(LoginRequiredMixin):
    """Checks a model permission (role × scope through the app's rules)."""

    permission: str = ""

    def check_permission(self, obj: Model | None = None) -> None:
        if self.permission and not self.request.user.has_perm(self.permission, obj):
            raise PermissionDenied

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.check_permission()
        return super().dispatch(request, *args, **kwargs)


class ScopedQuerysetMixin:
    """Every query of the view starts from the user's data scope."""

    def scoped_queryset(self) -> QuerySet:
        return restrict(self.get_base_queryset(), self.request.user)

    def get_base_queryset(self) -> QuerySet:
        return self.model._default_manager.all()


class ScopedListView(PermissionRequiredMixin, ScopedQuerysetMixin, ListView):
    """A filtered, searchable, sortable, paginated list with a total count.

    ``filterset_class`` is a django-filter FilterSet; ``sort_fields`` maps the ``sort`` query
    parameter's names to order_by expressions. HTMX requests get only the table partial.
    """

    filterset_class = None
    sort_fields: dict[str, tuple[str, ...]] = {}
    default_sort = ""
    paginate_by = 25
    table_template_name = ""

    def get_filterset(self):
        return self.filterset_class(
            self.request.GET or None, queryset=self.scoped_queryset(), request=self.request
        )

    def filtered_queryset(self) -> QuerySet:
        self.filterset = self.get_filterset()
        if not self.filterset.is_bound:
            queryset = self.filterset.queryset
        elif self.filterset.is_valid():
            queryset = self.filterset.qs
        else:  # a bad filter value shows its error and no rows, never an unfiltered list
            queryset = self.filterset.queryset.none()
        queryset = self.annotate(queryset)
        return queryset.order_by(*self.ordering_for(self.request.GET.get("sort", ""), queryset))

    def annotate(self, queryset: QuerySet) -> QuerySet:
        """The values computed in SQL that the list shows and may sort by (a list adds them
        here, so that they exist before the list is sorted)."""
        return queryset

    def ordering_for(self, sort: str, queryset: QuerySet | None = None) -> tuple[str, ...]:
        """The order_by expressions of the ``sort`` asked for (``-`` first: descending). A key
        the list does not declare, or one not sorting by a field or annotation of
        ``queryset``, is ignored: the list keeps its default order."""
        sortable = {
            key: fields
            for key, fields in self.sort_fields.items()
            if queryset is None or all(can_order_by(queryset, f) for f in fields)
        }
        key = sort.lstrip("-")
        if key not in sortable:
            sort, key = self.default_sort, self.default_sort.lstrip("-")
        fields = sortable.get(key, ())
        if sort.startswith("-"):
            fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
        self.current_sort = sort if fields else ""
        return (*fields, "-pk" if fields and sort.startswith("-") else "pk")

    def get_queryset(self):
        return self.filtered_queryset()

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("page_size", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return min(max(size, 10), 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        style_form(self.filterset.form)
        context.update(
            filterset=self.filterset,
            current_sort=self.current_sort,
            querystring=query.urlencode(),
            total=context["paginator"].count if context.get("paginator") else 0,
        )
        return context

    def get_template_names(self):
        if is_htmx(self.request) and self.table_template_name:
            return [self.table_template_name]
        return super().get_template_names()


class ScopedDetailView(PermissionRequiredMixin, ScopedQuerysetMixin, DetailView):
    """A record within the user's scope (otherwise 404), with its audit history."""

    def get_queryset(self):
        return self.scoped_queryset()

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.check_permission(obj)
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = history_of(self.object, self.history_children())
        return context

    def history_children(self):
        """Records whose history belongs on this record's page (its figures, say)."""
        return ()


def can_order_by(queryset: QuerySet, expression: str) -> bool:
    """Whether ``expression`` ("-town__code", "in_force") names a field of the queryset's model,
    through its relations, or one of its annotations: only those sort."""
    first, *rest = expression.lstrip("-").split(LOOKUP_SEP)
    if first in queryset.query.annotations:
        return not rest
    model = queryset.model
    for name in (first, *rest):
        if model is None:
            return False
        if name == "pk":
            name = model._meta.pk.name
        try:
            model = model._meta.get_field(name).related_model
        except FieldDoesNotExist:
            return False
    return True


def scoped_object_or_404(request, model, pk, perm: str):
    """The record if it lies within the user's data scope (else 404) and ``perm`` allows it
    (else 403): what every edit view starts from."""
    obj = get_object_or_404(restrict(model._default_manager.all(), request.user), pk=pk)
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
    return obj


def history_of(obj, children=(), limit: int = 100) -> list[tuple]:
    """The record's audit events (and its ``children``'s), newest first, ready to show."""
    condition = Q(model=obj._meta.label_lower, object_id=str(obj.pk))
    for child in children:
        condition |= Q(model=child._meta.label_lower, object_id=str(child.pk))
    events = list(AuditEvent.objects.filter(condition).order_by("-id")[:limit])
    label, pk = obj._meta.label_lower, str(obj.pk)
    for event in events:  # a record entered on this page: its events name it
        event.of_child = (event.model, event.object_id) != (label, pk)
    return present(events)


def home(request):
    """The start page: each area's AppConfig may offer panels through ``home_panels(user)``."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    panels = []
    for config in apps.get_app_configs():
        provider = getattr(config, "home_panels", None)
        if provider is not None:
            panels.extend(provider(request.user))
    return render(request, "core/home.html", {"panels": panels})
