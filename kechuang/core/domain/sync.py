"""Bringing a table in line with a plan of rows (demo data, reference loads), audited.

A plan row is ``{field attname: value}``; rows are matched on ``keys``. Missing rows are created
in bulk with one CREATE audit event each, rows whose values differ are saved one by one (audited
by the model's own signals), and — when ``owned`` is given — rows of that queryset the plan no
longer has are deleted. ``owned`` must hold only the loader's own rows (e.g. ``is_demo=True``):
rows people entered are never deleted. Running the same plan again changes nothing and writes no events.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from kechuang.audit import chain
from kechuang.audit.chain import to_json_value
from kechuang.audit.enums import AuditAction


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    objects: dict | None = None  # key tuple → saved instance


def sync_rows(model, keys: tuple[str, ...], rows: list[dict], owned=None) -> SyncResult:
    """Make ``model`` hold ``rows`` (matched on ``keys``); see the module docstring."""
    result = SyncResult(objects={})
    # The rows that could match a planned one, and the loader's own rows (``owned``): only
    # those may be deleted, so records people entered beside the plan stay untouched.
    candidates = model._default_manager.filter(**{f"{keys[0]}__in": {r[keys[0]] for r in rows}})
    with transaction.atomic():
        existing = {tuple(getattr(o, k) for k in keys): o for o in candidates}
        mine = {tuple(getattr(o, k) for k in keys): o for o in owned} if owned is not None else {}
        for key, obj in mine.items():
            existing.setdefault(key, obj)
        missing, wanted = [], set()
        for row in rows:
            key = tuple(row[k] for k in keys)
            wanted.add(key)
            obj = existing.get(key)
            if obj is None:
                missing.append(model(**row))
                continue
            changed = [f for f, v in row.items() if getattr(obj, f) != v]
            if changed:
                for name in changed:
                    setattr(obj, name, row[name])
                obj.save(update_fields=changed)
                result.updated += 1
            result.objects[key] = obj
        if missing:
            created = model._default_manager.bulk_create(missing, batch_size=500)
            chain.record_many(
                chain.pending(AuditAction.CREATE, obj, changes=_snapshot(obj)) for obj in created
            )
            for obj in created:
                result.objects[tuple(getattr(obj, k) for k in keys)] = obj
            result.created = len(created)
        if owned is not None:
            stale = [o.pk for key, o in mine.items() if key not in wanted]
            if stale:
                result.deleted = len(stale)
                for obj in model._default_manager.filter(pk__in=stale):
                    obj.delete()
    return result


def _snapshot(obj) -> dict:
    """A created row's values as every CREATE event records them: by field name (the history
    shows labels and related records' names), without the bookkeeping fields."""
    if hasattr(obj, "audit_changes"):
        return obj.audit_changes(created=True)
    return {
        f.name: [None, to_json_value(getattr(obj, f.attname))]
        for f in obj._meta.concrete_fields
        if not f.primary_key
    }
