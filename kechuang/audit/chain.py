"""Writing and verifying the hash-chained audit log.

Writers serialise on the single :class:`ChainHead` row (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite runs IMMEDIATE transactions, which serialise all writers anyway). Events are
written in the caller's transaction, so a rolled-back change leaves no event behind.

Hashes are HMAC-SHA256 with the first key of ``settings.KECHUANG_AUDIT_KEYS``, which live
outside the database: whoever can write the database can edit an event and recompute every later
hash and the head, but not with the key, so :func:`verify` still finds the edit. Each event
stores the id of its key, so that keys can be rotated (the old ones kept for verifying). Events
written before the keys existed have an empty key id and a plain SHA-256 hash; they are still
verified, and can only come before the first keyed event.

What the key cannot catch is a cut tail with the head moved back to an earlier event (every
remaining event is genuine). :func:`head_digest` gives the head for safekeeping outside the
database, and :func:`check_digests` finds an event that a kept digest names gone or changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
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
    "key_id",
)


def signing_keys() -> dict[str, bytes]:
    """The audit keys by id, the one that signs new events first."""
    return {key_id: secret.encode() for key_id, secret in settings.KECHUANG_AUDIT_KEYS.items()}


def digest(values, key: bytes | None = None) -> str:
    """An event's hash over its content (the fields in HASHED) and the previous event's hash:
    HMAC-SHA256 with ``key``, or plain SHA-256 for the events written before the keys."""
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
    if values.get("key_id"):  # unkeyed events keep the payload they were hashed with
        content["key"] = values["key_id"]
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if key is None:
        return hashlib.sha256(payload.encode()).hexdigest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def event_digest(event: AuditEvent, key: bytes | None = None) -> str:
    return digest({name: getattr(event, name) for name in HASHED}, key)


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
    key_id, key = next(iter(signing_keys().items()))
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
                "key_id": key_id,
            }
            values["hash"] = prev = digest(values, key)
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


@dataclass
class Report:
    """What :func:`check` found: the first broken link (or None) and what it walked."""

    broken: Break | None = None
    events: int = 0
    last_event_id: int = 0
    unkeyed: int = 0  # events from before the keys, verified with plain SHA-256
    last_unkeyed_id: int = 0
    signed: Counter = field(default_factory=Counter)  # events per key id


def verify(chunk: int = 5000) -> Break | None:
    """Walk the chain in order; return the first broken link, or None if it is intact."""
    return check(chunk).broken


def check(chunk: int = 5000) -> Report:
    """Walk the chain in order, checking each link and each event's hash with its key."""
    keys = signing_keys()
    report = Report()
    prev = GENESIS
    first_keyed = 0
    queryset = AuditEvent.objects.order_by("id")
    after = 0
    while True:
        page = list(queryset.filter(id__gt=after)[:chunk])
        if not page:
            break
        for event in page:
            if event.prev_hash != prev:
                report.broken = Break(
                    event.pk,
                    "its previous hash does not match the event before it "
                    "(an earlier event was deleted, inserted or altered)",
                )
                return report
            if event.key_id:
                key = keys.get(event.key_id)
                if key is None:
                    report.broken = Break(
                        event.pk,
                        f"it is signed with audit key {event.key_id!r}, which is not among "
                        "KECHUANG_AUDIT_KEYS (a key removed after a rotation must stay listed "
                        "after the current one; otherwise the key id was forged)",
                    )
                    return report
                first_keyed = first_keyed or event.pk
                report.signed[event.key_id] += 1
            else:
                if first_keyed:
                    report.broken = Break(
                        event.pk,
                        f"it has no audit key although event #{first_keyed} before it is "
                        "signed (only events written before the keys can be unkeyed: it was "
                        "rewritten without the key)",
                    )
                    return report
                key = None
                report.unkeyed += 1
                report.last_unkeyed_id = event.pk
            if event_digest(event, key) != event.hash:
                report.broken = Break(
                    event.pk,
                    "its content does not match its hash (it was edited, or re-hashed without "
                    "its audit key)",
                )
                return report
            prev = event.hash
            report.events += 1
            report.last_event_id = event.pk
        after = page[-1].pk
    last_id = report.last_event_id
    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        if last_id:
            report.broken = Break(None, "the chain head is missing")
        return report
    if head.last_event_id != last_id or head.last_hash != prev:
        report.broken = Break(
            last_id or None,
            f"the chain head names event {head.last_event_id}, but the log ends at event "
            f"{last_id} (events were deleted from the end)",
        )
    return report


# Digests: the head, kept outside the database.


@dataclass(frozen=True)
class Digest:
    """The newest event's id and hash at some moment (``at`` is that event's time)."""

    event_id: int
    hash: str
    at: str = ""
    source: str = ""  # where it was read from, for messages

    def line(self) -> str:
        return json.dumps({"event_id": self.event_id, "hash": self.hash, "at": self.at})


class DigestError(ValueError):
    pass


def head_digest() -> Digest:
    """The chain head as a digest, after checking that it names the log's last event."""
    head = ChainHead.objects.filter(pk=1).first()
    last = AuditEvent.objects.order_by("-id").only("id", "hash", "at").first()
    if last is None and (head is None or not head.last_event_id):
        return Digest(0, GENESIS)
    if head is None or last is None or (head.last_event_id, head.last_hash) != (last.pk, last.hash):
        raise DigestError(
            "the chain head does not name the log's last event; run audit_verify before "
            "keeping a digest"
        )
    return Digest(last.pk, last.hash, last.at.astimezone(dt.UTC).isoformat())


def read_digests(lines: Iterable[str], source: str) -> list[Digest]:
    """Digests from lines of JSON as ``audit_digest`` prints them (blank and # lines skipped)."""
    digests = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source}:{number}"
        try:
            data = json.loads(line)
            event_id, value = data["event_id"], data["hash"]
        except (ValueError, TypeError, KeyError):
            raise DigestError(f"{where} is not a digest line from audit_digest") from None
        if type(event_id) is not int or event_id < 0 or not isinstance(value, str):
            raise DigestError(f"{where} is not a digest line from audit_digest")
        digests.append(Digest(event_id, value, str(data.get("at") or ""), where))
    return digests


def check_digests(digests: Iterable[Digest], chunk: int = 500) -> list[Break]:
    """Each kept digest whose event is gone (a cut tail, or deleted) or has another hash (a
    rewritten history). Together with an intact chain, a matching digest vouches for every event
    up to it."""
    digests = [d for d in digests if d.event_id]
    ids = sorted({d.event_id for d in digests})
    hashes = {}
    for start in range(0, len(ids), chunk):
        hashes.update(
            AuditEvent.objects.filter(id__in=ids[start : start + chunk]).values_list("id", "hash")
        )
    last_id = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
    breaks = []
    for d in digests:
        kept = f"the digest {d.source} (event #{d.event_id}"
        kept += f" of {d.at})" if d.at else ")"
        found = hashes.get(d.event_id)
        if found is None and d.event_id > last_id:
            reason = (
                f"{kept} is beyond the log, which ends at event #{last_id}: events were cut "
                "from the end"
            )
        elif found is None:
            reason = f"{kept} names an event that no longer exists: it was deleted"
        elif found != d.hash:
            reason = (
                f"{kept} recorded hash {d.hash[:16]}…, the event now has {found[:16]}…: the "
                "history up to it was rewritten"
            )
        else:
            continue
        breaks.append(Break(d.event_id, reason))
    return breaks
