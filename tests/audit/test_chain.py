import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from kechuang.audit import chain
from kechuang.audit.context import acting_as
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AppendOnlyError, AuditEvent, ChainHead
from tests.factories import OrganisationFactory, staff_user

pytestmark = pytest.mark.django_db


def table() -> str:
    return connection.ops.quote_name(AuditEvent._meta.db_table)


def raw(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table()), params)


@pytest.fixture
def three_events():
    """Three events at the end of the chain (the reference data's events come before them)."""
    for n in range(3):
        chain.record(AuditAction.EXPORT, comment=f"export {n}")
    return list(AuditEvent.objects.order_by("-id")[:3])[::-1]


def test_events_link_to_their_predecessor(three_events):
    first, second, third = three_events

    before = AuditEvent.objects.filter(id__lt=first.id).order_by("-id").first()
    assert first.prev_hash == (before.hash if before else chain.GENESIS)
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    assert chain.verify() is None


def test_save_update_and_delete_are_refused(three_events):
    event = three_events[0]

    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(comment="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_edited_event_is_detected(three_events):
    raw("UPDATE {table} SET comment = %s WHERE id = %s", ["edited", three_events[1].pk])

    broken = chain.verify()

    assert broken.event_id == three_events[1].pk
    assert "edited" in broken.reason


def test_deleted_event_is_detected_at_its_successor(three_events):
    raw("DELETE FROM {table} WHERE id = %s", [three_events[1].pk])

    assert chain.verify().event_id == three_events[2].pk


def test_deleted_last_event_is_detected_by_the_head(three_events):
    raw("DELETE FROM {table} WHERE id = %s", [three_events[2].pk])

    broken = chain.verify()

    assert broken.event_id == three_events[1].pk
    assert "deleted from the end" in broken.reason


def test_audit_verify_command_exits_non_zero_naming_the_event(three_events):
    call_command("audit_verify")
    raw("UPDATE {table} SET actor_name = %s WHERE id = %s", ["mallory", three_events[0].pk])

    with pytest.raises(CommandError, match=f"event #{three_events[0].pk}"):
        call_command("audit_verify")


def test_rolled_back_change_leaves_no_event():
    before = AuditEvent.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        OrganisationFactory()
        raise RuntimeError

    assert AuditEvent.objects.count() == before
    assert chain.verify() is None


def test_model_save_records_create_update_delete_with_changes():
    actor = staff_user("writer")
    with acting_as(actor, ip="10.1.2.3"):
        org = OrganisationFactory(name="旧名")
        org = type(org).objects.get(pk=org.pk)
        org.name = "新名"
        org.save()
        org_pk = org.pk
        org.delete()

    events = list(
        AuditEvent.objects.filter(model="registry.organisation", object_id=str(org_pk)).order_by(
            "id"
        )
    )
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert events[1].changes == {"name": ["旧名", "新名"]}
    assert (events[1].actor_id, events[1].actor_name, events[1].ip) == (
        actor.pk,
        "writer",
        "10.1.2.3",
    )
    assert events[2].changes["name"] == ["新名", None]


def test_unchanged_save_records_nothing():
    org = OrganisationFactory()
    org = type(org).objects.get(pk=org.pk)
    count = AuditEvent.objects.count()

    org.save()

    assert AuditEvent.objects.count() == count


def test_many_to_many_change_is_recorded():
    from tests.factories import CodeItemFactory

    org = OrganisationFactory()
    chain_item = CodeItemFactory(name="新材料")

    org.chains.add(chain_item)

    event = AuditEvent.objects.for_object(org).order_by("-id").first()
    assert event.changes == {"chains": {"added": ["新材料"]}}


def test_head_tracks_the_last_event(three_events):
    head = ChainHead.objects.get(pk=1)

    assert (head.last_event_id, head.last_hash) == (three_events[-1].pk, three_events[-1].hash)


def test_changes_are_diffed_against_the_loaded_values_also_for_deferred_loads():
    org = OrganisationFactory(name="甲")

    full = type(org).objects.get(pk=org.pk)
    full.name = "乙"
    full.save()
    partial = type(org).objects.only("name").get(pk=org.pk)
    partial.name = "丙"
    partial.save()

    updates = AuditEvent.objects.for_object(org).filter(action="update").order_by("id")
    assert [e.changes["name"] for e in updates] == [["甲", "乙"], ["乙", "丙"]]
