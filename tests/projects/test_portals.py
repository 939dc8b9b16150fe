"""The portals: the bureau's queues per state with their batch actions (each project done or
refused on its own, and the page says which), and the applicant's applications with what they
must do next, their deadlines and the calls open to them."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.projects.enums import State as S
from kechuang.projects.models import Application

from .factories import (
    ApplicationFactory,
    CallFactory,
    FormFieldFactory,
    ProjectWorld,
    put_in_state,
)

pytestmark = pytest.mark.django_db

STAFF_PORTAL = "projects:staff-portal"
APPLICANT_PORTAL = "projects:applicant-portal"


@pytest.fixture
def w(make_user):
    return ProjectWorld(make_user)


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def portal(client, user, name=STAFF_PORTAL):
    client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response


def batch(client, user, step, ids, comment=""):
    client.force_login(user)
    response = client.post(
        reverse("projects:staff-batch"),
        {"transition": step, "ids": [str(i) for i in ids], "comment": comment},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(STAFF_PORTAL)
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def queue(response, state):
    return next(q for q in response.context["queues"] if q["state"] == state)


def steps(response, state):
    return [t.id for t in queue(response, state)["steps"]]


def transitions_of(application):
    return AuditEvent.objects.for_object(application).filter(action=AuditAction.TRANSITION)


# Who reaches which portal ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "staff_status", "applicant_status"),
    [
        ("staff", 200, 403),
        ("leader", 200, 403),
        ("officer", 200, 403),
        ("applicant", 403, 200),
        ("expert", 403, 403),
    ],
)
def test_who_reaches_which_portal(client, w, role, staff_status, applicant_status):
    client.force_login(w.roles[role])

    assert client.get(reverse(STAFF_PORTAL)).status_code == staff_status
    assert client.get(reverse(APPLICANT_PORTAL)).status_code == applicant_status


def test_an_applicant_cannot_post_a_batch(client, w):
    submitted = w.application_in(S.SUBMITTED)
    client.force_login(w.applicant)

    response = client.post(
        reverse("projects:staff-batch"), {"transition": "check_pass", "ids": [submitted.pk]}
    )

    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED


# The bureau's queues -----------------------------------------------------------------------------


def test_staff_queues_list_the_projects_waiting_per_state(client, w):
    submitted = [w.application_in(S.SUBMITTED) for _ in range(2)]
    checked = put_in_state(
        ApplicationFactory(call=w.call, undertaker=w.other_enterprise, name="西边待推荐"),
        S.CHECKED,
    )

    response = portal(client, w.staff)

    states = [q["state"] for q in response.context["queues"]]
    assert S.DRAFT not in states and S.RETURNED not in states  # the applicant's to do
    assert queue(response, S.SUBMITTED)["count"] == 2
    assert set(queue(response, S.SUBMITTED)["projects"]) == set(submitted)
    assert queue(response, S.CHECKED)["projects"] == [checked]
    assert steps(response, S.SUBMITTED) == ["check_pass", "check_return", "check_reject"]
    # Steps needing a figure per project, the applicant's steps and termination are not batch
    # actions.
    assert steps(response, S.IN_REVIEW) == ["not_approve"]
    assert steps(response, S.PUBLICITY) == []
    assert "apply_acceptance" not in steps(response, S.IN_PROGRESS)
    page = response.content.decode()
    assert 'data-batch="check_pass"' in page and 'data-batch="terminate"' not in page
    assert f"{reverse('projects:application-list')}?state=submitted" in page
    assert f"{reverse('projects:application-export')}?state=submitted" in page


def test_an_officer_sees_the_recommendation_queue_of_their_town_only(client, w):
    ours = w.application_in(S.CHECKED)
    theirs = put_in_state(ApplicationFactory(call=w.call, undertaker=w.other_enterprise), S.CHECKED)

    response = portal(client, w.officer)

    assert [q["state"] for q in response.context["queues"]] == [S.CHECKED]
    assert queue(response, S.CHECKED)["projects"] == [ours]
    assert steps(response, S.CHECKED) == ["recommend", "not_recommend"]
    assert 'data-testid="export-all"' not in response.content.decode()  # no export permission

    messages = batch(client, w.officer, "recommend", [ours.pk, theirs.pk])

    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.state, theirs.state) == (S.RECOMMENDED, S.CHECKED)
    assert ("success", f"Recommend: done for 1 projects: {ours.name}.") in messages
    assert ("error", f"#{theirs.pk}: not done. No such project within your reach.") in messages


def test_a_batch_action_reports_each_success_and_each_failure(client, w):
    ready = [w.application_in(S.SUBMITTED) for _ in range(2)]
    moved_on = w.application_in(S.CHECKED)

    messages = batch(
        client, w.staff, "check_pass", [p.pk for p in ready] + [moved_on.pk], comment="材料齐全"
    )

    for project in ready:
        project.refresh_from_db()
        assert project.state == S.CHECKED
        assert transitions_of(project).get().comment == "材料齐全"
    assert not transitions_of(moved_on).exists()
    (success,) = [text for level, text in messages if level == "success"]
    assert "done for 2 projects" in success
    assert all(p.name in success for p in ready)
    (failure,) = [text for level, text in messages if level == "error"]
    assert failure.startswith(f"{moved_on.name}: not done.")
    assert "reload the page" in failure


def test_a_batch_step_needing_a_reason_is_refused_without_one(client, w):
    submitted = w.application_in(S.SUBMITTED)

    messages = batch(client, w.staff, "check_return", [submitted.pk])

    assert messages == [("error", "Give the reason: “Return for changes” needs a comment.")]
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED
    batch(client, w.staff, "check_return", [submitted.pk], comment="缺少附件")
    submitted.refresh_from_db()
    assert submitted.state == S.RETURNED


@pytest.mark.parametrize("step", ["approve", "terminate", "submit", "no_such_step"])
def test_steps_that_are_not_batch_actions_are_refused(client, w, step):
    project = w.application_in(S.IN_REVIEW)

    messages = batch(client, w.staff, step, [project.pk], comment="理由")

    assert messages == [("error", "This step cannot be taken on several projects at once.")]
    project.refresh_from_db()
    assert project.state == S.IN_REVIEW


def test_a_batch_step_the_role_does_not_hold_is_403(client, w):
    project = w.application_in(S.SUBMITTED)
    client.force_login(w.leader)

    response = client.post(
        reverse("projects:staff-batch"), {"transition": "check_pass", "ids": [project.pk]}
    )

    assert response.status_code == 403


def test_a_batch_without_projects_says_so(client, w):
    messages = batch(client, w.staff, "check_pass", [])

    assert messages == [("error", "Choose at least one project.")]


def test_a_leader_decides_in_review_projects_together(client, w):
    projects = [w.application_in(S.IN_REVIEW) for _ in range(2)]

    response = portal(client, w.leader)
    assert [q["state"] for q in response.context["queues"]] == [S.IN_REVIEW, S.APPROVED]

    batch(client, w.leader, "not_approve", [p.pk for p in projects], comment="经费有限")

    assert set(
        Application.objects.filter(pk__in=[p.pk for p in projects]).values_list("state", flat=True)
    ) == {S.NOT_APPROVED}


# The applicant's portal --------------------------------------------------------------------------


def row_of(response, application):
    return next(r for r in response.context["rows"] if r["application"] == application)


def test_the_applicant_sees_their_applications_with_what_to_do_and_deadlines(client, w):
    draft = w.application
    returned = w.application_in(S.RETURNED)
    publicity = w.application_in(S.PUBLICITY, publicity_until=dt.date(2030, 5, 6))
    running = w.application_in(S.IN_PROGRESS, ends_on=dt.date(2030, 12, 31))
    reviewing = w.application_in(S.IN_REVIEW)
    theirs = ApplicationFactory(call=w.call, undertaker=w.other_enterprise, name="别人的申请")

    response = portal(client, w.applicant, APPLICANT_PORTAL)

    shown = {r["application"] for r in response.context["rows"]}
    assert shown == {draft, returned, publicity, running, reviewing}
    assert theirs not in shown
    closes = timezone.localtime(w.call.closes_at).strftime("%Y-%m-%d %H:%M")
    assert row_of(response, draft)["todo"] == (
        f"Complete the application and submit it before {closes}."
    )
    assert row_of(response, draft)["editable"]
    assert "submit it again" in row_of(response, returned)["todo"]
    assert ("Call closes", closes) in row_of(response, returned)["deadlines"]
    assert row_of(response, publicity)["todo"] == ""
    assert ("Publicity ends", "2030-05-06") in row_of(response, publicity)["deadlines"]
    assert "Apply for acceptance" in row_of(response, running)["todo"]
    assert ("Project ends", "2030-12-31") in row_of(response, running)["deadlines"]
    assert row_of(response, reviewing)["todo"] == ""
    assert "Experts review" in row_of(response, reviewing)["status"]
    assert response.context["todo_count"] == 3
    page = response.content.decode()
    assert reverse("projects:application-edit", args=[draft.pk]) in page
    assert reverse("projects:application-edit", args=[publicity.pk]) not in page


def test_a_draft_of_a_closed_call_can_no_longer_be_submitted(client, w):
    closed = CallFactory(
        opens_at=timezone.now() - dt.timedelta(days=40),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    late = ApplicationFactory(call=closed, undertaker=w.enterprise)

    response = portal(client, w.applicant, APPLICANT_PORTAL)

    row = row_of(response, late)
    assert "can no longer be submitted" in row["todo"]
    assert not row["editable"]


def test_the_applicant_sees_the_calls_open_to_them(client, w):
    closed = CallFactory(
        opens_at=timezone.now() - dt.timedelta(days=40),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    unready = CallFactory(children=False)
    upcoming = CallFactory(opens_at=timezone.now() + dt.timedelta(days=2))

    response = portal(client, w.applicant, APPLICANT_PORTAL)

    open_calls = response.context["open_calls"]
    assert w.call in open_calls
    assert not {closed, unready, upcoming} & set(open_calls)
    assert reverse("projects:application-create", args=[w.call.pk]) in response.content.decode()


def test_an_extension_request_shows_in_the_portal(client, w):
    from .factories import ExtensionRequestFactory

    running = w.application_in(S.IN_PROGRESS)
    ExtensionRequestFactory(application=running)

    response = portal(client, w.applicant, APPLICANT_PORTAL)

    assert row_of(response, running)["application"].extension_waiting
    assert "extension requested" in response.content.decode()


def test_the_applicant_is_told_which_required_questions_are_unanswered(client, w):
    FormFieldFactory(call=w.call, code="plan", label="实施计划", required=True)
    FormFieldFactory(call=w.call, code="team", label="团队介绍", required=True)
    FormFieldFactory(call=w.call, code="note", label="备注", required=False)
    Application.objects.filter(pk=w.application.pk).update(answers={"team": "五人"})

    response = portal(client, w.applicant, APPLICANT_PORTAL)

    todo = row_of(response, w.application)["todo"]
    assert todo.endswith("Still to answer: 实施计划.")
