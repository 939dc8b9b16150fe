"""Permissions of the plan-project area that are not a workflow step."""

import pytest

from tests.projects.factories import ProjectWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    return ProjectWorld(make_user)


@pytest.mark.parametrize("who", ["applicant", "other_applicant", "officer", "leader", "staff"])
def test_calls_are_published_to_everyone_who_may_see_calls(world, who):
    user = world.roles[who]
    assert user.has_perm("projects.view_call", world.call)
    assert user.has_perm("projects.view_criterion", world.call.criteria.first())


def test_experts_see_no_call_records_or_applications_through_permissions(world):
    assert not world.expert.has_perm("projects.view_call", world.call)
    assert not world.expert.has_perm("projects.view_application", world.application)


@pytest.mark.parametrize("who", ["applicant", "officer", "leader"])
def test_only_staff_change_calls(world, who):
    assert not world.roles[who].has_perm("projects.change_call", world.call)
    assert world.staff.has_perm("projects.change_call", world.call)


@pytest.mark.parametrize(
    ("state", "applicant_may"),
    [
        ("draft", True),
        ("returned", True),
        ("submitted", False),
        ("in_review", False),
        ("in_progress", True),
        ("closed", False),
    ],
)
def test_who_may_attach_files_to_a_project(world, state, applicant_may):
    from kechuang.core.domain.attachments import permissions

    application = world.application_in(state)
    assert permissions(world.applicant, application) == (True, applicant_may)
    assert permissions(world.other_applicant, application) == (False, False)
    assert permissions(world.staff, application)[1] is True
