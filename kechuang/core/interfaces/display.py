"""What list pages and detail pages show of a record, declared once per page as field paths.

``Shown("host__town")`` is the town of the record's host: its label is the field's verbose
name, its value is read off the record (choices as their labels, code-list items in the
reader's language, dates as 2020-12-31, amounts with two decimals). A list page's columns and a
detail page's facts are lists of ``Shown``; one template renders either.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

EMPTY = "—"


@dataclass(frozen=True)
class Shown:
    path: str  # field path, "__" between relations ("host__town"), or a plain attribute
    label: str = ""  # the field's verbose name when empty
    sort: str = ""  # the list may sort by this order_by expression
    link: bool = False  # link the value to the record's page
    numeric: bool = False  # right-aligned

    @property
    def key(self) -> str:
        return self.path

    def label_for(self, model) -> str:
        if self.label:
            return str(self.label)
        field = field_at(model, self.path)
        return capfirst(field.verbose_name) if field is not None else self.path

    def value_of(self, obj):
        """The value as shown (a string), or the related record when it has a page."""
        *relations, last = self.path.split("__")
        for name in relations:
            obj = getattr(obj, name)
            if obj is None:
                return EMPTY
        display = getattr(obj, f"get_{last}_display", None)
        if display is not None:
            return display() or EMPTY
        return formatted(getattr(obj, last))


def field_at(model, path: str):
    """The model field a path ends at (None for a plain attribute or annotation)."""
    field = None
    for name in path.split("__"):
        if model is None:  # past a field that is no relation
            return None
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        model = field.related_model
    return field


def formatted(value):
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return f"{value:,.2f}"
    if isinstance(value, models.Model):
        return value  # the template links it where it has a page (``record_url``)
    return str(value)


def record_url(obj) -> str | None:
    """The page of a record: its own ``get_absolute_url``, else its area's detail page
    (``<app>:<model>-detail``), else none."""
    try:
        if hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
        return reverse(f"{obj._meta.app_label}:{obj._meta.model_name}-detail", args=[obj.pk])
    except NoReverseMatch:
        return None
