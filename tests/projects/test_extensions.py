"""Extensions of a project's period: requested by the undertaker, decided by staff; at most
once, by at most a year, only while the project runs; each decision audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from kechuang.audit.models import AuditEvent
from kechuang.projects.domain import extensions
from kechuang.projects.domain.extensions import ExtensionError
from kechuang.projects.domain.workflow import WrongStateError
from kechuang.projects.enums import ExtensionState, State
from kechuang.projects.models import ExtensionRequest
from tests.projects.factories import ProjectWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    return ProjectWorld(make_user)


@pytest.fixture
def running(world):
    return world.application_in(
        State.IN_PROGRESS, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2026, 12, 31)
    )


def test_the_undertaker_requests_and_staff_approve(world, running):
    request = extensions.request_extension(
        running, world.applicant, dt.date(2027, 6, 30), "设备到货延迟"
    )
    assert request.state == ExtensionState.REQUESTED
    extensions.decide_extension(request, world.staff, approve=True, comment="同意")
    running.refresh_from_db()
    assert running.extended_until == dt.date(2027, 6, 30)
    assert running.current_end == dt.date(2027, 6, 30)
    event = AuditEvent.objects.for_object(running).filter(comment="同意").get()
    assert event.changes["extended_until"] == [None, "2027-06-30"]


def test_at_most_a_year_past_the_planned_end(world, running):
    with pytest.raises(ExtensionError, match="2027-12-31"):
        extensions.request_extension(running, world.applicant, dt.date(2028, 1, 1), "理由")
    assert not ExtensionRequest.objects.exists()


def test_the_new_end_must_be_later(world, running):
    with pytest.raises(ExtensionError):
        extensions.request_extension(running, world.applicant, dt.date(2026, 12, 31), "理由")


def test_approved_at_most_once(world, running):
    first = extensions.request_extension(running, world.applicant, dt.date(2027, 3, 31), "一")
    extensions.decide_extension(first, world.staff, approve=True)
    with pytest.raises(ExtensionError):
        extensions.request_extension(running, world.applicant, dt.date(2027, 6, 30), "二")


def test_a_refusal_needs_a_reason_and_a_decision_is_final(world, running):
    request = extensions.request_extension(running, world.applicant, dt.date(2027, 3, 31), "一")
    with pytest.raises(ExtensionError):
        extensions.decide_extension(request, world.staff, approve=False)
    extensions.decide_extension(request, world.staff, approve=False, comment="理由不充分")
    with pytest.raises(WrongStateError):
        extensions.decide_extension(request, world.staff, approve=True)
    running.refresh_from_db()
    assert running.extended_until is None


def test_only_a_running_project(world):
    approved = world.application_in(State.APPROVED)
    with pytest.raises(WrongStateError):
        extensions.request_extension(approved, world.applicant, dt.date(2030, 1, 1), "理由")


@pytest.mark.parametrize("who", ["other_applicant", "expert", "officer"])
def test_others_may_not_request(world, running, who):
    with pytest.raises(PermissionDenied):
        extensions.request_extension(running, world.roles[who], dt.date(2027, 3, 31), "理由")


@pytest.mark.parametrize("who", ["applicant", "other_applicant", "expert", "officer", "leader"])
def test_only_staff_decide(world, running, who):
    request = extensions.request_extension(running, world.applicant, dt.date(2027, 3, 31), "一")
    with pytest.raises(PermissionDenied):
        extensions.decide_extension(request, world.roles[who], approve=True)
