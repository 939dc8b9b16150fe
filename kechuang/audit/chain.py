"""Writing and verifying the hash-chained audit log.

Writers serialise on the single :class:`ChainHead` row (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite runs IMMEDIATE transactions, which serialise all writers anyway). Events are
written in the caller's transaction, so a rolled-back change leaves no event behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kechuang import bulk

from .context import current_actor
from .models import AuditEvent, ChainHead

GENESIS = "0" * 64


@dataclass
class PendingEvent:
    action: str
    model: str = ""
    object_id: str = ""
    object_repr: str = ""
    changes: dict = field(default_factory=dict)
    comment: str = ""


_NATIVE = frozenset({type(None), bool, int, str})


def to_json_value(value):
    """Changes are stored as JSON; make every value JSON-native before hashing."""
    if type(value) in _NATIVE:
        return value
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_json_value(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    return str(value)


HASHED = (
    "at",
    "actor_id",
    "actor_name",
    "ip",
    "action",
    "model",
    "object_id",
    "object_repr",
    "changes",
    "comment",
    "batch",
    "prev_hash",
)


def digest(values) -> str:
    """SHA-256 of an event's content (the fields in HASHED) and the previous event's hash."""
    content = {
        "at": values["at"].astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": values["actor_id"],
        "actor_name": values["actor_name"],
        "ip": values["ip"],
        "action": values["action"],
        "model": values["model"],
        "object_id": values["object_id"],
        "object_repr": values["object_repr"],
        "changes": values["changes"],
        "comment": values["comment"],
        "batch": str(values["batch"]) if values["batch"] else None,
        "prev": values["prev_hash"],
    }
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def event_digest(event: AuditEvent) -> str:
    return digest({name: getattr(event, name) for name in HASHED})


def _normalise_ip(ip: str | None) -> str | None:
    try:
        return ipaddress.ip_address(ip).compressed if ip else None
    except ValueError:
        return None


def _describe(obj) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    return obj._meta.label_lower, str(obj.pk), str(obj)[:255]


def pending(action: str, obj=None, *, changes=None, comment: str = "") -> PendingEvent:
    model, object_id, object_repr = _describe(obj)
    return PendingEvent(
        action=action,
        model=model,
        object_id=object_id,
        object_repr=object_repr,
        changes=to_json_value(changes or {}),
        comment=comment,
    )


def record_many(events: Iterable[PendingEvent], *, batch: uuid.UUID | None = None) -> int:
    """Append events to the chain in order, in the current transaction. Returns the count."""
    events = list(events)
    if not events:
        return 0
    actor = current_actor()
    ip = _normalise_ip(actor.ip)
    now = timezone.now()
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        prev = head.last_hash
        rows = []
        for item in events:
            values = {
                "at": now,
                "actor_id": actor.user_id,
                "actor_name": actor.username[:150],
                "ip": ip,
                "action": item.action,
                "model": item.model,
                "object_id": item.object_id,
                "object_repr": item.object_repr[:255],
                "changes": item.changes,
                "comment": item.comment,
                "batch": batch,
                "prev_hash": prev,
            }
            values["hash"] = prev = digest(values)
            rows.append(values)
        bulk.insert_values(AuditEvent, rows)
        # Writers hold the head's lock, so the newest id is the last event just written.
        last_id = AuditEvent.objects.aggregate(last=Max("id"))["last"]
        ChainHead.objects.filter(pk=1).update(last_event_id=last_id, last_hash=prev)
    return len(rows)


def record(action: str, obj=None, *, changes=None, comment: str = "", batch=None) -> None:
    record_many([pending(action, obj, changes=changes, comment=comment)], batch=batch)


@dataclass(frozen=True)
class Break:
    event_id: int | None
    reason: str


def verify(chunk: int = 5000) -> Break | None:
    """Walk the chain in order; return the first broken link, or None if it is intact."""
    prev = GENESIS
    last_id = 0
    queryset = AuditEvent.objects.order_by("id")
    after = 0
    while True:
        page = list(queryset.filter(id__gt=after)[:chunk])
        if not page:
            break
        for event in page:
            if event.prev_hash != prev:
                return Break(
                    event.pk,
                    "its previous hash does not match the event before it "
                    "(an earlier event was deleted, inserted or altered)",
                )
            if event_digest(event) != event.hash:
                return Break(event.pk, "its content does not match its hash (it was edited)")
            prev = event.hash
            last_id = event.pk
        after = page[-1].pk
    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        if last_id:
            return Break(None, "the chain head is missing")
        return None
    if head.last_event_id != last_id or head.last_hash != prev:
        return Break(
            last_id or None,
            f"the chain head names event {head.last_event_id}, but the log ends at event "
            f"{last_id} (events were deleted from the end)",
        )
    return None
