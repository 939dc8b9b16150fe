"""Keyed hashes and kept digests: what an attacker who can write the database cannot hide.

The attacker here edits rows with raw SQL (the models refuse updates and deletes), recomputes
every later hash with the project's own digest function and moves the chain head, as someone
with the database's password but without the audit key (which lives in the environment) would.
"""

import hashlib
import hmac
import io
import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent, ChainHead
from kechuang.settings import audit_keys

pytestmark = pytest.mark.django_db

OLD = "k2025:" + "o" * 40
NEW = "k2026:" + "n" * 40


def sql(statement: str, params=()):
    tables = {
        "event": connection.ops.quote_name(AuditEvent._meta.db_table),
        "head": connection.ops.quote_name(ChainHead._meta.db_table),
    }
    with connection.cursor() as cursor:
        cursor.execute(statement.format(**tables), params)


def rechain(from_id: int, key: bytes | None, *, key_id: str | None = None) -> None:
    """Recompute the hash of every event from ``from_id`` on, and the head, with ``key``."""
    prev = None
    for event in AuditEvent.objects.filter(id__gte=from_id).order_by("id"):
        if prev is not None:
            event.prev_hash = prev
        if key_id is not None:
            event.key_id = key_id
        event.hash = prev = chain.event_digest(event, key)
        sql(
            "UPDATE {event} SET prev_hash = %s, hash = %s, key_id = %s WHERE id = %s",
            [event.prev_hash, event.hash, event.key_id, event.pk],
        )
    if prev is not None:
        sql("UPDATE {head} SET last_event_id = %s, last_hash = %s", [event.pk, prev])


def cut_after(event_id: int) -> None:
    """Delete the events after ``event_id`` and move the head back to it."""
    event = AuditEvent.objects.get(pk=event_id)
    sql("DELETE FROM {event} WHERE id > %s", [event_id])
    sql("UPDATE {head} SET last_event_id = %s, last_hash = %s", [event.pk, event.hash])


def keys(*pairs: str) -> dict[str, str]:
    return audit_keys(",".join(pairs), min_length=8)


@pytest.fixture
def with_keys(settings):
    """Set the audit keys, keeping the test default (which signed the reference data's events)."""
    default = dict(settings.KECHUANG_AUDIT_KEYS)

    def use(*pairs: str):
        settings.KECHUANG_AUDIT_KEYS = {**keys(*pairs), **default}

    return use


def write(count: int, label: str = "export") -> list[AuditEvent]:
    for n in range(count):
        chain.record(AuditAction.EXPORT, comment=f"{label} {n}")
    return list(AuditEvent.objects.order_by("-id")[:count])[::-1]


def verify_output(*args) -> str:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def test_new_events_are_signed_with_the_first_key(with_keys):
    with_keys(NEW, OLD)
    (event,) = write(1)

    assert event.key_id == "k2026"
    payload = json.dumps(
        {
            "at": event.at.astimezone(chain.dt.UTC).isoformat(timespec="microseconds"),
            "actor": None,
            "actor_name": event.actor_name,
            "ip": None,
            "action": "export",
            "model": "",
            "object_id": "",
            "object_repr": "",
            "changes": {},
            "comment": "export 0",
            "batch": None,
            "prev": event.prev_hash,
            "key": "k2026",
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    assert event.hash == hmac.new(b"n" * 40, payload, hashlib.sha256).hexdigest()
    assert chain.verify() is None


@pytest.mark.parametrize(
    "attacker_key", [None, b"a-guessed-key"], ids=["plain-sha256", "wrong-key"]
)
def test_edit_and_rechain_without_the_key_is_detected(attacker_key):
    _, second, third = write(3)
    sql("UPDATE {event} SET comment = %s WHERE id = %s", ["nothing to see", second.pk])

    rechain(second.pk, attacker_key)

    assert AuditEvent.objects.get(pk=third.pk).prev_hash != third.prev_hash  # really rechained
    broken = chain.verify()
    assert broken.event_id == second.pk
    assert "re-hashed without its audit key" in broken.reason
    with pytest.raises(CommandError, match=f"event #{second.pk}"):
        call_command("audit_verify")


def test_the_same_rechain_with_the_key_would_pass():
    """The key is what stops the attacker above: the rechaining itself is done right."""
    _, second, _ = write(3)
    sql("UPDATE {event} SET comment = %s WHERE id = %s", ["nothing to see", second.pk])

    rechain(second.pk, next(iter(chain.signing_keys().values())))

    assert chain.verify() is None


def test_rechaining_as_unkeyed_events_after_keyed_ones_is_detected():
    _, second, _ = write(3)
    sql("UPDATE {event} SET comment = %s WHERE id = %s", ["nothing to see", second.pk])

    rechain(second.pk, None, key_id="")

    broken = chain.verify()
    assert broken.event_id == second.pk
    assert "no audit key" in broken.reason


def test_unkeyed_events_from_before_the_keys_still_verify_and_are_counted():
    # The log as it was before keys existed: every event plain SHA-256, no key id.
    write(1)
    legacy = AuditEvent.objects.count()
    rechain(AuditEvent.objects.order_by("id").first().pk, None, key_id="")
    assert chain.verify() is None

    write(2)

    report = chain.check()
    assert report.broken is None
    assert (report.unkeyed, sum(report.signed.values())) == (legacy, 2)
    assert f"{legacy} events (up to #" in verify_output()


def test_an_unkeyed_history_is_caught_by_a_digest_kept_after_the_keys(tmp_path):
    write(2)
    digests = tmp_path / "digests"
    digests.write_text(chain.head_digest().line() + "\n")

    # Rewrite the whole log as if it had never been keyed: the chain alone cannot tell.
    rechain(AuditEvent.objects.order_by("id").first().pk, None, key_id="")
    assert chain.verify() is None

    with pytest.raises(CommandError, match="rewritten"):
        call_command("audit_verify", "--digest", str(digests))


def test_rotated_keys_verify_events_signed_with_the_old_one(with_keys):
    with_keys(OLD)
    old = write(2, "old")
    with_keys(NEW, OLD)
    new = write(2, "new")

    assert {e.key_id for e in old} == {"k2025"}
    assert {e.key_id for e in new} == {"k2026"}
    report = chain.check()
    assert report.broken is None
    assert (report.signed["k2025"], report.signed["k2026"]) == (2, 2)
    assert "2 with key 'k2025'" in verify_output()


def test_a_removed_key_is_reported(with_keys):
    with_keys(OLD)
    old = write(2, "old")
    with_keys(NEW, OLD)
    write(1, "new")
    with_keys(NEW)

    broken = chain.verify()

    assert broken.event_id == old[0].pk
    assert "'k2025'" in broken.reason
    assert "not among KECHUANG_AUDIT_KEYS" in broken.reason
    with pytest.raises(CommandError, match="k2025"):
        call_command("audit_verify")


def test_audit_digest_prints_the_newest_event():
    *_, last = write(2)
    out = io.StringIO()

    call_command("audit_digest", stdout=out)

    digest = json.loads(out.getvalue())
    assert (digest["event_id"], digest["hash"]) == (last.pk, last.hash)
    assert digest["at"].startswith(str(last.at.astimezone(chain.dt.UTC).date()))


def test_digests_kept_earlier_still_match_a_grown_log(tmp_path):
    digests = tmp_path / "digests"
    for _ in range(3):
        write(2)
        with digests.open("a") as file:
            call_command("audit_digest", stdout=file)

    write(1)

    assert "Kept digests matched: 3" in verify_output("--digest", str(digests))


def test_truncate_and_move_the_head_is_detected_with_a_digest(tmp_path):
    first, *_ = write(3)
    digests = tmp_path / "digests"
    digests.write_text(chain.head_digest().line() + "\n")

    cut_after(first.pk)

    assert chain.verify() is None  # every remaining event is genuine: the key cannot tell
    with pytest.raises(CommandError, match="cut from the end") as raised:
        call_command("audit_verify", "--digest", str(digests))
    assert "does not match 1 of 1 kept digests" in str(raised.value)


def test_several_digest_files_are_checked(tmp_path):
    older, newer = tmp_path / "older", tmp_path / "newer"
    first, *_ = write(2)
    older.write_text(chain.head_digest().line() + "\n")
    write(2)
    newer.write_text(chain.head_digest().line() + "\n")

    verify_output("--digest", str(older), "--digest", str(newer))
    cut_after(first.pk)

    with pytest.raises(CommandError, match=r"does not match 2 of 2") as raised:
        call_command("audit_verify", "--digest", str(older), "--digest", str(newer))
    assert f"{older}:1" in str(raised.value)
    assert f"{newer}:1" in str(raised.value)


def test_a_deleted_event_named_by_a_digest_is_reported(tmp_path):
    _, second, _ = write(3)
    digests = tmp_path / "digests"
    digests.write_text(chain.Digest(second.pk, second.hash).line() + "\n")
    sql("DELETE FROM {event} WHERE id = %s", [second.pk])

    (broken,) = chain.check_digests(chain.read_digests(digests.open(), "kept"))

    assert broken.event_id == second.pk
    assert "no longer exists" in broken.reason


def test_a_malformed_digest_file_is_refused(tmp_path):
    digests = tmp_path / "digests"
    digests.write_text('# kept daily\n\n{"event_id": 1, "hash": "ab"}\nnot json\n')

    with pytest.raises(CommandError, match=f"{digests}:4 is not a digest"):
        call_command("audit_verify", "--digest", str(digests))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("audit_verify", "--digest", str(tmp_path / "missing"))


def test_the_head_moved_away_from_the_last_event_gives_no_digest():
    first, *_ = write(2)
    sql("UPDATE {head} SET last_event_id = %s, last_hash = %s", [first.pk, first.hash])

    with pytest.raises(CommandError, match="run audit_verify"):
        call_command("audit_digest")


@pytest.mark.parametrize(
    "value",
    ["k1", ":" + "s" * 40, "k 1:" + "s" * 40, "k1:short", f"k1:{'s' * 40},k1:{'t' * 40}"],
)
def test_malformed_keys_are_refused(value):
    with pytest.raises(ImproperlyConfigured, match="KECHUANG_AUDIT_KEYS"):
        audit_keys(value, min_length=32)


def test_keys_keep_their_order_and_secrets_may_hold_colons():
    assert audit_keys(f" new:{'n' * 32}:x , old:{'o' * 32}", min_length=32) == {
        "new": "n" * 32 + ":x",
        "old": "o" * 32,
    }


def production_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KECHUANG_", "DATABASE_URL"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="kechuang.settings", KECHUANG_SECRET_KEY="x" * 50)
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(list(s.KECHUANG_AUDIT_KEYS))"
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=False
    )


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    refused = production_settings(KECHUANG_VAR_DIR=str(tmp_path))
    started = production_settings(
        KECHUANG_VAR_DIR=str(tmp_path), KECHUANG_AUDIT_KEYS=f"{NEW},{OLD}"
    )

    assert refused.returncode != 0
    assert "KECHUANG_AUDIT_KEYS must be set" in refused.stderr
    assert started.stdout.split() == ["['k2026',", "'k2025']"]


def test_digests_can_be_read_from_stdin_as_the_cron_line_does(monkeypatch):
    write(1)
    kept = chain.head_digest().line() + "\n"

    monkeypatch.setattr("sys.stdin", io.StringIO(kept))
    assert "Kept digests matched: 1" in verify_output("--digest", "-")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="hold no digest"):
        call_command("audit_verify", "--digest", "-")


def test_a_large_batch_is_signed_too():
    """Above bulk.COPY_THRESHOLD, PostgreSQL writes the events through COPY."""
    events = [chain.pending(AuditAction.IMPORT, comment=f"row {n}") for n in range(250)]

    chain.record_many(events)

    written = AuditEvent.objects.order_by("-id")[:250]
    assert {e.key_id for e in written} == {next(iter(chain.signing_keys()))}
    assert chain.verify() is None
