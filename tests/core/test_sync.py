"""Plans of rows brought into tables (demo and reference loads): created rows are audited like
any other creation, so their history reads with labels and names."""

import datetime as dt

import pytest

from kechuang.audit.models import AuditEvent
from kechuang.audit.presentation import present
from kechuang.core.domain.sync import sync_rows
from kechuang.seismic.models import Training
from tests.factories import TownFactory

pytestmark = pytest.mark.django_db


def test_a_created_row_is_audited_by_field_name_without_bookkeeping():
    town = TownFactory(name="同步镇")
    row = {"held_on": dt.date(2020, 5, 12), "title": "农村建筑工匠培训", "town_id": town.pk}
    row |= {"attendees": 90, "is_demo": True}

    created = sync_rows(Training, ("title",), [row]).objects[("农村建筑工匠培训",)]

    event = AuditEvent.objects.get(model="seismic.training", object_id=str(created.pk))
    assert event.changes["town"] == [None, town.pk]
    assert event.changes["attendees"] == [None, 90]
    assert not {"town_id", "created_at", "updated_at", "version"} & event.changes.keys()
    [(_event, changes)] = present([event])
    shown = {change.label: change.after for change in changes}
    assert shown["镇街道"] == "同步镇"


def test_the_same_plan_again_writes_nothing():
    town = TownFactory()
    row = {"held_on": dt.date(2020, 5, 12), "title": "再次同步", "town_id": town.pk, "attendees": 5}
    sync_rows(Training, ("title",), [row])
    before = AuditEvent.objects.count()

    result = sync_rows(Training, ("title",), [row])

    assert (result.created, result.updated, AuditEvent.objects.count()) == (0, 0, before)
