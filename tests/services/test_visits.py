"""Field visits: overdue follow-ups (the staff home page's list) within the user's scope, and
closing a follow-up."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.services.domain.errors import ServicesError
from kechuang.services.domain.visits import close_follow_up, overdue_follow_ups
from kechuang.services.enums import HostKind, LeaderKind
from kechuang.services.models import FieldVisit, FollowUp

from .factories import FieldVisitFactory, FollowUpFactory, VisitIssueFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2020, 6, 1)


def follow_up(town, due_on, closed_on=None, **fields):
    return FollowUpFactory(
        issue__visit__host_organisation__town=town,
        due_on=due_on,
        closed_on=closed_on,
        result="已解决" if closed_on else "",
        **fields,
    )


@pytest.fixture
def follow_ups(w):
    return {
        "east_overdue": follow_up(w.east, TODAY - dt.timedelta(days=1)),
        "east_due_today": follow_up(w.east, TODAY),
        "east_closed_late": follow_up(w.east, dt.date(2020, 5, 1), closed_on=dt.date(2020, 5, 20)),
        "west_overdue": follow_up(w.west, dt.date(2020, 3, 1)),
        "west_future": follow_up(w.west, dt.date(2020, 12, 31)),
    }


def keys(found, follow_ups):
    names = {f.pk: name for name, f in follow_ups.items()}
    return [names[f.pk] for f in found]


def test_overdue_means_open_and_past_its_due_date(follow_ups):
    overdue = FollowUp.objects.overdue(TODAY).filter(pk__in=[f.pk for f in follow_ups.values()])
    assert sorted(keys(overdue, follow_ups)) == ["east_overdue", "west_overdue"]
    for name, f in follow_ups.items():
        assert f.is_overdue(TODAY) == (name in {"east_overdue", "west_overdue"})


def test_overdue_follow_ups_within_the_users_scope(w, follow_ups):
    assert keys(overdue_follow_ups(w.staff, TODAY), follow_ups) == [
        "west_overdue",
        "east_overdue",
    ]  # oldest due first
    assert keys(overdue_follow_ups(w.east_officer, TODAY), follow_ups) == ["east_overdue"]
    assert keys(overdue_follow_ups(w.west_officer, TODAY), follow_ups) == ["west_overdue"]
    # A commissioner may not see follow-ups at all.
    assert not overdue_follow_ups(w.a_user, TODAY).exists()
    # A day later, what was due today is overdue too.
    later = keys(overdue_follow_ups(w.east_officer, TODAY + dt.timedelta(days=1)), follow_ups)
    assert later == ["east_overdue", "east_due_today"]


def test_close_follow_up(w, follow_ups):
    item = follow_ups["east_overdue"]
    before = AuditEvent.objects.count()
    close_follow_up(item, w.east_officer, result="已协调解决人才公寓", on=TODAY)
    assert (item.closed_on, item.result, item.version) == (TODAY, "已协调解决人才公寓", 2)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == AuditAction.TRANSITION
    assert event.changes["closed_on"] == [None, TODAY.isoformat()]
    assert event.comment == "已协调解决人才公寓"
    assert item not in overdue_follow_ups(w.east_officer, TODAY)

    # Someone else closing the same follow-up from a stale page is told it is closed.
    stale = FollowUp.objects.get(pk=item.pk)
    stale.closed_on = None
    with pytest.raises(ServicesError, match="already closed"):
        close_follow_up(stale, w.staff, result="重复", on=TODAY)


def test_close_follow_up_refusals(w, follow_ups):
    item = follow_ups["east_overdue"]
    with pytest.raises(PermissionDenied):
        close_follow_up(item, w.west_officer, result="x", on=TODAY)
    with pytest.raises(PermissionDenied):
        close_follow_up(item, w.a_user, result="x", on=TODAY)
    with pytest.raises(ServicesError, match="needs its result"):
        close_follow_up(item, w.staff, result="  ", on=TODAY)
    with pytest.raises(ServicesError, match="future"):
        close_follow_up(item, w.staff, result="x", on=dt.date(2999, 1, 1))
    visited_on = item.issue.visit.visited_on
    with pytest.raises(ServicesError, match="before the visit"):
        close_follow_up(item, w.staff, result="x", on=visited_on - dt.timedelta(days=1))
    item.refresh_from_db()
    assert item.closed_on is None and item.version == 1


def test_a_closed_follow_up_needs_its_result_in_the_database(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpFactory(closed_on=dt.date(2020, 6, 1), result="")


def test_field_visit_validation(reference_data):
    issue = VisitIssueFactory()
    assert issue.visit.host == issue.visit.host_organisation.name
    nameless = FieldVisit(visited_on=TODAY, leader_name="局长", host_kind=HostKind.PARK)
    with pytest.raises(ValidationError) as caught:
        nameless.full_clean()
    assert "host_name" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        nameless.save()

    visiting = FieldVisitFactory.build(
        host_organisation=None,
        town=None,
        host_name="平湖经济技术开发区",
        host_kind=HostKind.PARK,
        leader_kind=LeaderKind.VISITING,
    )
    with pytest.raises(ValidationError) as caught:
        visiting.full_clean()
    assert "leader_body" in caught.value.message_dict
    visiting.leader_body = "嘉兴市科学技术局"
    visiting.full_clean()
    assert visiting.host == "平湖经济技术开发区"
