"""Audit events as people read them: field labels, names instead of ids, choices' labels."""

import re
from collections import defaultdict
from dataclasses import dataclass

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


def _related_labels(events, fields) -> dict:
    """{field name: {pk: label}} for the foreign keys the events mention, one query per field."""
    wanted = defaultdict(set)
    for event in events:
        for name, change in event.changes.items():
            field = fields.get(name)
            if field is not None and field.many_to_one and isinstance(change, list):
                wanted[name].update(v for v in change if v is not None)
    labels = {}
    for name, ids in wanted.items():
        related = fields[name].related_model
        objects = related._default_manager.filter(pk__in=ids)
        labels[name] = {str(obj.pk): str(obj) for obj in objects}
    return labels


def _text(field, value, labels) -> str:
    if value is None or value == "":
        return "—"
    if field is not None and field.many_to_one:
        return labels.get(field.name, {}).get(str(value), f"#{value}")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "；".join(f"{k}: {_text(None, v, labels)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_text(None, v, labels) for v in value)
    return str(value)


def present(events, model) -> list[tuple]:
    """[(event, [Change, …]), …] for events of records of ``model``."""
    fields = _fields(model)
    labels = _related_labels(events, fields)
    presented = []
    for event in events:
        changes = []
        for name, change in event.changes.items():
            field = fields.get(name)
            label = str(field.verbose_name) if field is not None else name
            if match := YEARS_KEY.fullmatch(name):
                label = _("Yearly figures") + f" {match.group(1)}"
            if isinstance(change, dict) and ({"added", "removed"} & change.keys()):
                note = "；".join(
                    f"{_('added') if key == 'added' else _('removed')}: {'、'.join(map(str, items))}"
                    for key, items in change.items()
                )
                changes.append(Change(label, "", "", note))
            elif isinstance(change, list) and len(change) == 2:
                before, after = change
                changes.append(
                    Change(label, _text(field, before, labels), _text(field, after, labels))
                )
            else:
                changes.append(Change(label, "", "", _text(field, change, labels)))
        presented.append((event, changes))
    return presented
