"""A conflicted expert never sees the application through the API: not in their assignments,
not when they open the assignment or the application, not in an export — whatever makes them
conflicted (they work for the undertaker or a cooperator, they declared a relation with one of
them, or they declared a conflict on the assignment). A non-conflicted assigned expert sees
what a reviewer needs."""

import io

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from kechuang.accounts.enums import RoleCode
from kechuang.projects.enums import State

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    ExpertFactory,
    ProjectWorld,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/projects"


@pytest.fixture
def world(make_user):
    world = ProjectWorld(make_user)
    world.application = world.application_in(State.IN_REVIEW, name="一种智能防疫巡检机器人")
    world.application.cooperators.set([world.partner])
    return world


def conflicted_by(kind: str, world, expert):
    """Make ``expert`` conflicted with the world's application in the way ``kind`` names;
    returns the expert's assignment to it."""
    match kind:
        case "undertaker":
            expert.organisation = world.enterprise
            expert.save()
        case "cooperator":
            expert.organisation = world.partner
            expert.save()
        case "declared_undertaker":
            expert.declared_organisations.set([world.enterprise])
        case "declared_cooperator":
            expert.declared_organisations.set([world.partner])
    assignment = AssignmentFactory(application=world.application, expert=expert)
    if kind == "own_declaration":
        assignment.declared_conflict = True
        assignment.conflict_note = "曾在该企业兼职。"
        assignment.declared_at = timezone.now()
        assignment.save()
    return assignment


KINDS = [
    "undertaker",
    "cooperator",
    "declared_undertaker",
    "declared_cooperator",
    "own_declaration",
]


def exported_names(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    return [row[4] for row in rows[1:]]


@pytest.mark.parametrize("kind", KINDS)
def test_a_conflicted_expert_cannot_list_open_or_export_the_application(client, world, kind):
    assignment = conflicted_by(kind, world, world.expert_record)
    other = AssignmentFactory(expert=world.expert_record)  # another, clean assignment
    client.force_login(world.expert)
    application = world.application

    listed = client.get(f"{API}/my-assignments/")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [other.pk]
    assert client.get(f"{API}/my-assignments/{assignment.pk}/").status_code == 404
    assert client.get(f"{API}/applications/").status_code == 403
    for path in ("", "timeline/", "transitions/"):
        assert client.get(f"{API}/applications/{application.pk}/{path}").status_code == 404
    assert client.get(f"{API}/applications/export/").status_code == 403
    names = exported_names(client, f"{API}/my-assignments/export/")
    assert names == [other.application.name]
    assert application.name not in names


@pytest.mark.parametrize("kind", KINDS)
def test_a_conflicted_expert_with_a_staff_role_still_does_not_see_it(
    client, world, kind, reference_data
):
    """Even an expert who also holds a role that may view applications never gets the ones
    they are conflicted with."""
    conflicted_by(kind, world, world.expert_record)
    unrelated = ApplicationFactory(call=world.call, undertaker=world.other_enterprise)
    world.expert.roles.add(reference_data.role(RoleCode.STAFF))
    client.force_login(world.expert)

    listed = client.get(f"{API}/applications/")
    opened = client.get(f"{API}/applications/{world.application.pk}/")
    exported = client.get(f"{API}/applications/export/")

    assert listed.status_code == 200
    ids = {row["id"] for row in listed.json()["results"]}
    assert world.application.pk not in ids
    assert unrelated.pk in ids  # the applications they are not conflicted with show
    assert opened.status_code == 404
    content = b"".join(exported.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert world.application.name not in [row[2] for row in rows]


def test_a_non_conflicted_assigned_expert_sees_what_a_reviewer_needs(client, world):
    assignment = AssignmentFactory(application=world.application, expert=world.expert_record)
    client.force_login(world.expert)

    listed = client.get(f"{API}/my-assignments/")
    opened = client.get(f"{API}/my-assignments/{assignment.pk}/")

    assert [row["id"] for row in listed.json()["results"]] == [assignment.pk]
    assert listed.json()["results"][0]["application"]["name"] == world.application.name
    assert opened.status_code == 200
    body = opened.json()
    assert body["application"]["name"] == world.application.name
    assert body["application"]["undertaker"] == world.enterprise.name
    assert body["application"]["cooperators"] == [world.partner.name]
    assert "leader_phone" not in body["application"]
    assert [c["code"] for c in body["criteria"]] == ["innovation", "feasibility"]
    assert body["review"] is None and body["others_reviews"] == []
    assert exported_names(client, f"{API}/my-assignments/export/") == [world.application.name]
    # The applications endpoint stays closed to an expert even for their own assignment.
    assert client.get(f"{API}/applications/{world.application.pk}/").status_code == 404


def test_others_reviews_show_only_when_the_phase_allows(client, world):
    assignment = AssignmentFactory(application=world.application, expert=world.expert_record)
    colleague = AssignmentFactory(application=world.application, expert=ExpertFactory())
    ReviewFactory(assignment=colleague, state="submitted", opinion="同行意见")
    client.force_login(world.expert)
    url = f"{API}/my-assignments/{assignment.pk}/"

    hidden = client.get(url).json()["others_reviews"]
    assignment.phase.show_others_reviews = True
    assignment.phase.save()
    shown = client.get(url).json()["others_reviews"]

    assert hidden == []
    assert [r["opinion"] for r in shown] == ["同行意见"]
    assert "expert" not in shown[0]


def test_another_experts_assignment_answers_404(client, world):
    theirs = AssignmentFactory(application=world.application, expert=ExpertFactory())
    client.force_login(world.expert)

    assert client.get(f"{API}/my-assignments/{theirs.pk}/").status_code == 404


def test_only_experts_have_assignments(client, world):
    client.force_login(world.applicant)

    assert client.get(f"{API}/my-assignments/").status_code == 403
