"""Audit events as people read them: field labels, names instead of ids, choices' labels."""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext as _

YEARS_KEY = re.compile(r"years\[(\d{4})\]")


@dataclass
class Change:
    label: str
    before: str
    after: str
    note: str = ""  # for many-to-many: what was added or removed


def _fields(model) -> dict:
    return {f.name: f for f in model._meta.get_fields() if getattr(f, "concrete", False)}


def _related_labels(events, fields_of) -> dict:
    """{(model label, field name): {pk: label}} for the foreign keys the events mention, one
    query per related model and field."""
    wanted = defaultdict(set)
    for event in events:
        fields = fields_of(event.model)
        for name, change in event.changes.items():
            field = fields.get(name)
            if field is not None and field.many_to_one and isinstance(change, list):
                wanted[(event.model, name)].update(v for v in change if v is not None)
    labels = {}
    for (model, name), ids in wanted.items():
        related = fields_of(model)[name].related_model
        objects = related._default_manager.filter(pk__in=ids)
        labels[(model, name)] = {str(obj.pk): str(obj) for obj in objects}
    return labels


def _text(field, value, labels) -> str:
    """``labels``: {pk: name} of the related records when ``field`` is a foreign key."""
    if value is None or value == "":
        return "—"
    if field is not None and field.many_to_one:
        return labels.get(str(value), f"#{value}")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "；".join(f"{k}: {_text(None, v, labels)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_text(None, v, labels) for v in value)
    return str(value)


def present(events) -> list[tuple]:
    """[(event, [Change, …]), …]: each event's changes with labels a person reads."""
    cache: dict[str, dict] = {}

    def fields_of(label: str) -> dict:
        if label not in cache:
            try:
                cache[label] = _fields(apps.get_model(label)) if label else {}
            except LookupError:
                cache[label] = {}
        return cache[label]

    labels = _related_labels(events, fields_of)
    presented = []
    for event in events:
        fields = fields_of(event.model)
        changes = []
        for name, change in event.changes.items():
            field = fields.get(name)
            label = str(field.verbose_name) if field is not None else name
            if match := YEARS_KEY.fullmatch(name):
                label = _("Yearly figures") + f" {match.group(1)}"
            names = labels.get((event.model, name), {})
            if isinstance(change, dict) and ({"added", "removed"} & change.keys()):
                note = "；".join(
                    f"{_('added') if key == 'added' else _('removed')}: {'、'.join(map(str, items))}"
                    for key, items in change.items()
                )
                changes.append(Change(label, "", "", note))
            elif isinstance(change, list) and len(change) == 2:
                before, after = change
                changes.append(
                    Change(label, _text(field, before, names), _text(field, after, names))
                )
            else:
                changes.append(Change(label, "", "", _text(field, change, names)))
        presented.append((event, changes))
    return presented
