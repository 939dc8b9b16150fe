"""The pages every kind of record has: a list (filters, search, sort, pages, Excel export and
import), a detail page (facts, the records entered on it, history) and a form.

A record type's declaration (:mod:`kechuang.registry.record_types`) builds its pages on these
shapes and makes their addresses (``RecordType.urls``). Addresses are named
``<app>:<model>-list`` (``-export``, ``-detail``, ``-create``, ``-edit``); records entered on a
parent's page have forms under the parent's address, reachable by whoever may see the parent and
add such records. An area sets ``export_permission`` / ``import_permission`` on its list views.
"""

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction

from .domain.concurrency import ConcurrentEditError
from .domain.records import save_record
from .interfaces.display import Shown, record_url
from .interfaces.excel import Export
from .views import ScopedDetailView, ScopedListView, scoped_object_or_404


def perm(action: str, model) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def url_name(model, page: str) -> str:
    return f"{model._meta.app_label}:{model._meta.model_name}-{page}"


def labelled(model, columns: list[Shown]) -> list[tuple[Shown, str]]:
    return [(column, column.label_for(model)) for column in columns]


def create_label(model) -> str:
    """The create button's words, from the record's own name: 新增研发机构, 新增政策 …"""
    return pgettext("create button", "New %(record)s") % {"record": model._meta.verbose_name}


class RecordListView(ScopedListView):
    """A list of one kind of record, rendered from its ``columns`` (those with a ``sort``
    expression sort). ``export`` and ``importer`` offer the Excel export and import."""

    template_name = "records/record_list.html"
    table_template_name = "records/_record_table.html"
    columns: list[Shown] = []
    related: tuple[str, ...] = ()  # select_related of what the columns read
    export: Export | None = None
    importer = ""  # key of the registered importer
    export_permission = ""  # who may export the list (and import into it)
    import_permission = ""
    creatable = True  # False for records added on their parent's page

    @property
    def permission(self):
        return perm("view", self.model)

    @property
    def sort_fields(self):
        return {column.key: (column.sort,) for column in self.columns if column.sort}

    def get_queryset(self):
        return super().get_queryset().select_related(*self.related)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, model = self.request.user, self.model
        context.update(
            title=capfirst(model._meta.verbose_name_plural),
            columns=labelled(model, self.columns),
            list_url=reverse(url_name(model, "list")),
            create_url=reverse(url_name(model, "create"))
            if self.creatable and user.has_perm(perm("add", model))
            else "",
            create_label=create_label(model),
            export_url=reverse(url_name(model, "export"))
            if self.export and self.export_permission and user.has_perm(self.export_permission)
            else "",
            import_key=self.importer
            if self.importer and self.import_permission and user.has_perm(self.import_permission)
            else "",
        )
        return context


class RecordExportView(LoginRequiredMixin, View):
    """Exactly the filtered list, in the import template's columns."""

    list_view: type[RecordListView] | None = None

    def get(self, request):
        permission = self.list_view.export_permission
        if not (permission and request.user.has_perm(permission)):
            raise PermissionDenied
        view = self.list_view()
        view.setup(request)
        view.check_permission()
        comment = _("%(list)s export") % {"list": capfirst(view.model._meta.verbose_name_plural)}
        return excel_download(request, view.export, view.filtered_queryset(), comment)


def excel_download(request, export: Export, queryset, comment: str) -> FileResponse:
    """``queryset`` written as ``export`` to a workbook sent as a download, the export audited
    with the filters it was asked with and its row count."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
    count = export.write(spool, queryset)
    chain.record(
        AuditAction.EXPORT,
        changes={"filters": request.GET.dict(), "rows": count},
        comment=comment,
    )
    spool.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(spool, as_attachment=True, filename=f"{export.sheet}-{stamp}.xlsx")


@dataclass
class Section:
    """Records shown in a table on another record's page."""

    title: str
    columns: list[tuple[Shown, str]]
    records: list
    edit_url: Callable[[object], str] | None = None  # a record's edit page, if it may be edited
    add_url: str = ""
    list_url: str = ""  # the same records in their own list (to filter, sort, export)
    group: Shown | None = None  # rows start a new group where this value changes
    note: str = ""
    key: str = ""  # names the section for tests and styles

    @cached_property
    def items(self) -> list[dict]:
        """Rows to show: each group (or the section) opens with a header giving its size, and
        lists at most ``SECTION_ROWS`` records; the rest are a click away in the list."""
        items, groups = [], {}
        for record in self.records:
            label = self.group.value_of(record) if self.group else None
            group = groups.get(label)
            if group is None:
                group = groups[label] = {"header": label, "count": 0, "url": self.group_url(record)}
                if self.group:
                    items.append(group)
            group["count"] += 1
            if group["count"] <= SECTION_ROWS:
                edit_url = self.edit_url(record) if self.edit_url else ""
                items.append({"record": record, "edit_url": edit_url})
        for group in groups.values():
            group["more"] = group["count"] > SECTION_ROWS
        return items

    @cached_property
    def hidden(self) -> int:
        """Records of the section not shown on the page."""
        return len(self.records) - sum(1 for item in self.items if "record" in item)

    def group_url(self, record) -> str:
        if not (self.group and self.list_url):
            return self.list_url
        return f"{self.list_url}&{self.group.path}={getattr(record, self.group.path)}"


SECTION_ROWS = 10  # records shown per section (or per group of one) on a detail page


class RecordDetailView(ScopedDetailView):
    """A record's facts, the sections of records shown with it, and its history.

    A record entered on its parent's page names the parent's foreign key in ``parent``: its page
    leads back to the parent, and its edit form lives under the parent's address. ``actions()``
    are links to the record's steps, ``post_actions()`` steps taken with one button."""

    template_name = "records/record_detail.html"
    facts: list[Shown] = []
    related: tuple[str, ...] = ()
    parent = ""

    @property
    def permission(self):
        return perm("view", self.model)

    def get_base_queryset(self):
        return self.model._default_manager.select_related(*self.related)

    def get_context_data(self, **kwargs):
        model = self.model
        context = super().get_context_data(**kwargs)
        parent = getattr(self.object, self.parent) if self.parent else None
        context.update(
            title=str(self.object),
            kind=capfirst(model._meta.verbose_name),
            facts=labelled(model, self.facts),
            sections=self.sections(),
            parent=parent,
            list_url=record_url(parent) if parent else self.list_of(model, ""),
            edit_url=self.edit_url(),
            actions=self.actions(),
            post_actions=self.post_actions(),
        )
        return context

    def edit_url(self) -> str:
        """The record's form (under its parent's address), if the user may change it."""
        record = self.object
        if not self.request.user.has_perm(perm("change", self.model), record):
            return ""
        args = [getattr(record, f"{self.parent}_id"), record.pk] if self.parent else [record.pk]
        try:
            return reverse(url_name(self.model, "edit"), args=args)
        except NoReverseMatch:
            return ""

    def actions(self) -> list[dict]:
        return []

    def post_actions(self) -> list[dict]:
        return []

    def sections(self) -> list[Section]:
        return []

    @property
    def today(self) -> dt.date:
        return timezone.localdate()

    def visible(self, model):
        return model.objects.visible_to(self.request.user)

    def children(self, records, columns, *, model=None, group=None, note="") -> Section:
        """The records entered on this page (added and edited under this record's address);
        ``list_url`` filters their list by this record where they have one."""
        model = model or records.model
        user, parent = self.request.user, self.object.pk
        edit_name = url_name(model, "edit")
        parent_field = next(f.name for f in model._meta.fields if f.related_model is self.model)
        return Section(
            title=capfirst(model._meta.verbose_name_plural),
            columns=labelled(model, columns),
            records=list(records),
            edit_url=(lambda r: reverse(edit_name, args=[parent, r.pk]))
            if user.has_perm(perm("change", model))
            else None,
            add_url=reverse(url_name(model, "create"), args=[parent])
            if user.has_perm(perm("add", model))
            else "",
            list_url=self.list_of(model, f"?{parent_field}={parent}"),
            group=group,
            note=note,
            key=model._meta.model_name,
        )

    def related_records(self, title, records, columns, *, model=None) -> Section:
        """Records shown here but kept elsewhere (each links to its own page)."""
        model = model or records.model
        return Section(title=title, columns=labelled(model, columns), records=list(records))

    @staticmethod
    def list_of(model, query: str) -> str:
        try:
            return reverse(url_name(model, "list")) + query
        except NoReverseMatch:  # a kind without a list of its own
            return ""


class RecordEditView(LoginRequiredMixin, View):
    """Create (with the add permission) or edit (the record in scope, with the change
    permission) a record through ``form_class``. An edit names the version it started from."""

    form_class = None
    template_name = "records/record_form.html"

    @property
    def model(self):
        return self.form_class._meta.model

    def get(self, request, pk=None, **kwargs):
        record = self.record(pk)
        # A new record may start from values in the address (?platform=3 from a platform's page).
        fields = self.form_class.base_fields
        initial = {} if pk else {k: v for k, v in request.GET.items() if k in fields}
        form = self.form_class(
            request.POST or None, instance=record, user=request.user, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            try:
                saved = self.save(form)
            except ConcurrentEditError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.success_url(saved))
        context = {
            "form": form,
            "object": record if pk else None,
            "kind": capfirst(self.model._meta.verbose_name),
            "cancel_url": self.cancel_url(record if pk else None),
            "parent": getattr(self, "parent", None),
        }
        return render(request, self.template_name, context)

    post = get

    def save(self, form):
        return save_record(form, self.request.user)

    def record(self, pk):
        if pk:
            return scoped_object_or_404(self.request, self.model, pk, perm("change", self.model))
        if not self.request.user.has_perm(perm("add", self.model)):
            raise PermissionDenied
        return self.model()

    def success_url(self, record) -> str:
        return record_url(record)

    def cancel_url(self, record) -> str:
        return record_url(record) if record else reverse(url_name(self.model, "list"))


class ChildEditView(RecordEditView):
    """A record entered on its parent's page: the parent must be within the user's scope (else
    404); the record must belong to it."""

    @property
    def parent_model(self):
        return self.model._meta.get_field(self.form_class.parent).related_model

    def record(self, pk):
        parent_model = self.parent_model
        self.parent = scoped_object_or_404(
            self.request, parent_model, self.kwargs["parent_pk"], perm("view", parent_model)
        )
        record = super().record(pk)
        if not pk:
            setattr(record, self.form_class.parent, self.parent)
        elif getattr(record, f"{self.form_class.parent}_id") != self.parent.pk:
            raise Http404
        return record

    def success_url(self, record) -> str:
        return record_url(self.parent)

    def cancel_url(self, record) -> str:
        return record_url(self.parent)
