"""Addresses of the record pages of :mod:`kechuang.core.record_views`, named after the model:
``<app>:<model>-list`` (``-export``, ``-detail``, ``-create``, ``-edit``); records entered on a
parent's page have ``-create`` / ``-edit`` under the parent's address."""

from django.urls import path

from .record_views import ChildEditView, RecordEditView, RecordExportView


def records(prefix: str, list_view, detail_view=None, form_class=None, edit_view=None) -> list:
    """The pages of one kind of record: its list (and export), detail page and form (through
    ``edit_view``, ``RecordEditView`` unless given)."""
    name = list_view.model._meta.model_name
    patterns = [path(f"{prefix}/", list_view.as_view(), name=f"{name}-list")]
    if list_view.export:
        export = RecordExportView.as_view(list_view=list_view)
        patterns.append(path(f"{prefix}/export.xlsx", export, name=f"{name}-export"))
    if detail_view:
        patterns.append(path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}-detail"))
    if form_class:
        edit = (edit_view or RecordEditView).as_view(form_class=form_class)
        patterns += [
            path(f"{prefix}/new/", edit, name=f"{name}-create"),
            path(f"{prefix}/<int:pk>/edit/", edit, name=f"{name}-edit"),
        ]
    return patterns


def children(parent_prefix: str, segment: str, form_class, edit_view=ChildEditView) -> list:
    """The form of records entered on a parent's page, under the parent's address."""
    name = form_class._meta.model._meta.model_name
    edit = edit_view.as_view(form_class=form_class)
    base = f"{parent_prefix}/<int:parent_pk>/{segment}"
    return [
        path(f"{base}/new/", edit, name=f"{name}-create"),
        path(f"{base}/<int:pk>/", edit, name=f"{name}-edit"),
    ]
