"""A submission is judged by when it arrived: one made before the call closed counts as in time
even when the server reaches it after the closing time (behind a proxy that stamps requests)."""

import datetime as dt

import pytest
from django.utils import timezone

from kechuang.projects.enums import State
from tests.projects.factories import ProjectWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    world = ProjectWorld(make_user)
    world.call.closes_at = timezone.now() - dt.timedelta(seconds=5)
    world.call.save()
    return world


def submit(client, world, stamp):
    client.force_login(world.applicant)
    return client.post(
        f"/api/v1/projects/applications/{world.application.pk}/transition/",
        {"transition": "submit"},
        content_type="application/json",
        headers={"X-Request-Start": f"t={stamp.timestamp():.6f}"},
    )


def test_stamped_before_the_closing_time_is_in_time(client, world, settings):
    settings.KECHUANG_TRUST_REQUEST_START = True
    arrived = world.call.closes_at - dt.timedelta(seconds=10)
    response = submit(client, world, arrived)
    assert response.status_code == 200, response.content
    world.application.refresh_from_db()
    assert world.application.state == State.SUBMITTED
    assert abs(world.application.submitted_at - arrived) < dt.timedelta(milliseconds=1)


def test_stamped_after_the_closing_time_is_refused(client, world, settings):
    settings.KECHUANG_TRUST_REQUEST_START = True
    response = submit(client, world, world.call.closes_at + dt.timedelta(seconds=1))
    assert response.status_code == 400
    world.application.refresh_from_db()
    assert world.application.state == State.DRAFT


def test_without_a_trusted_proxy_the_stamp_is_ignored(client, world, settings):
    settings.KECHUANG_TRUST_REQUEST_START = False
    response = submit(client, world, world.call.closes_at - dt.timedelta(seconds=10))
    assert response.status_code == 400
    assert world.application.state == State.DRAFT
