"""The plan-project API: applications within the caller's data scope, drafts created and edited
only through the workflow's save (409 on a stale version or once submitted), workflow steps
with 403 / 409 / 400, batch steps, the staff's calls, experts, review results and meetings."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from kechuang.accounts.enums import RoleCode
from kechuang.audit.chain import verify
from kechuang.audit.models import AuditEvent
from kechuang.projects.enums import Conclusion, ReviewState, State
from kechuang.projects.models import (
    AcceptanceMeeting,
    Application,
    Call,
    Criterion,
    Expert,
    MeetingSession,
    PanelMember,
)
from tests.factories import OrganisationFactory

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    CallFactory,
    ExpertFactory,
    ProjectWorld,
    ReviewFactory,
    ScoreFactory,
    put_in_state,
    tech_field,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/projects"


@pytest.fixture
def world(make_user):
    return ProjectWorld(make_user)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def draft_payload(world, **extra):
    return {
        "call": world.call.pk,
        "name": "一种海水淡化膜材料",
        "leader_name": "李工",
        "starts_on": "2025-01-01",
        "ends_on": "2026-12-31",
        "requested_funding": "30.00",
        "self_funding": "90.00",
        "cooperators": [world.partner.uscc],
        **extra,
    }


# Data scope ------------------------------------------------------------------------------------


def test_an_organisation_user_sees_only_its_own_applications(client, world):
    theirs = ApplicationFactory(call=world.call, undertaker=world.other_enterprise)
    client.force_login(world.applicant)

    assert ids(client.get(f"{API}/applications/")) == {world.application.pk}
    assert client.get(f"{API}/applications/{theirs.pk}/").status_code == 404


def test_a_town_officer_sees_only_the_towns_applications(client, world):
    theirs = ApplicationFactory(call=world.call, undertaker=world.other_enterprise)

    client.force_login(world.officer)
    assert ids(client.get(f"{API}/applications/")) == {world.application.pk}
    assert client.get(f"{API}/applications/{theirs.pk}/").status_code == 404

    client.force_login(world.other_officer)
    assert ids(client.get(f"{API}/applications/")) == {theirs.pk}

    client.force_login(world.staff)
    assert ids(client.get(f"{API}/applications/")) == {world.application.pk, theirs.pk}


def test_the_list_filters_by_state_and_town(client, world):
    submitted = world.application_in(State.SUBMITTED)
    client.force_login(world.staff)

    assert ids(client.get(f"{API}/applications/?state=submitted")) == {submitted.pk}
    assert ids(client.get(f"{API}/applications/?state=submitted&state=draft")) == {
        submitted.pk,
        world.application.pk,
    }
    assert ids(client.get(f"{API}/applications/?town={world.west.code}")) == set()


# Drafts ----------------------------------------------------------------------------------------


def test_an_applicant_creates_a_draft_of_their_own_organisation(client, world):
    client.force_login(world.applicant)

    response = post(client, f"{API}/applications/", draft_payload(world))

    assert response.status_code == 201, response.json()
    created = Application.objects.get(pk=response.json()["id"])
    assert (created.state, created.undertaker, created.created_by) == (
        State.DRAFT,
        world.enterprise,
        world.applicant,
    )
    assert list(created.cooperators.all()) == [world.partner]
    assert response.json()["cooperators"] == [world.partner.uscc]
    assert AuditEvent.objects.for_object(created).filter(action="create").exists()


def test_a_draft_cannot_be_made_for_another_organisation_or_a_closed_call(client, world):
    closed = CallFactory(
        opens_at=timezone.now() - dt.timedelta(days=60),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    client.force_login(world.applicant)
    before = Application.objects.count()

    foreign = post(
        client,
        f"{API}/applications/",
        draft_payload(world, undertaker=world.other_enterprise.pk),
    )
    late = post(client, f"{API}/applications/", draft_payload(world, call=closed.pk))

    assert foreign.status_code == 400 and set(foreign.json()) == {"undertaker"}
    assert late.status_code == 400 and set(late.json()) == {"call"}
    assert Application.objects.count() == before


def test_answers_must_be_the_calls_questions(client, world):
    call = CallFactory(form_fields=[("plan", "实施计划", True)])
    client.force_login(world.applicant)

    wrong = post(
        client, f"{API}/applications/", draft_payload(world, call=call.pk, answers={"x": "1"})
    )
    right = post(
        client,
        f"{API}/applications/",
        draft_payload(world, call=call.pk, answers={"plan": "三年完成"}),
    )

    assert wrong.status_code == 400 and "answers" in wrong.json()
    assert right.status_code == 201 and right.json()["answers"] == {"plan": "三年完成"}


def test_a_draft_is_updated_with_its_version_and_the_workflow_fields_stay(client, world):
    client.force_login(world.applicant)
    url = f"{API}/applications/{world.application.pk}/"

    missing = patch(client, url, {"name": "无版本"})
    response = patch(
        client,
        url,
        {"name": "一种智能巡检机器人（修订）", "state": State.APPROVED, "version": 1},
    )

    assert missing.status_code == 400 and "version" in missing.json()
    assert response.status_code == 200, response.json()
    world.application.refresh_from_db()
    assert (world.application.name, world.application.state, world.application.version) == (
        "一种智能巡检机器人（修订）",
        State.DRAFT,
        2,
    )


def test_a_stale_version_answers_409_and_writes_nothing(client, world):
    client.force_login(world.applicant)
    url = f"{API}/applications/{world.application.pk}/"

    first = patch(client, url, {"name": "第一次修改", "version": 1})
    stale = patch(client, url, {"name": "过时的修改", "version": 1})

    assert (first.status_code, stale.status_code) == (200, 409)
    assert stale.json()["detail"]
    world.application.refresh_from_db()
    assert (world.application.name, world.application.version) == ("第一次修改", 2)


def test_an_update_is_refused_once_submitted(client, world):
    submitted = world.application_in(State.SUBMITTED)
    client.force_login(world.applicant)

    response = patch(
        client,
        f"{API}/applications/{submitted.pk}/",
        {"name": "提交后修改", "version": submitted.version},
    )

    assert response.status_code == 409
    assert response.json()["detail"]
    submitted.refresh_from_db()
    assert submitted.name != "提交后修改"


def test_a_returned_application_may_be_edited_again(client, world):
    returned = world.application_in(State.RETURNED)
    client.force_login(world.applicant)

    response = patch(
        client,
        f"{API}/applications/{returned.pk}/",
        {"content": "按意见修改。", "version": returned.version},
    )

    assert response.status_code == 200, response.json()
    returned.refresh_from_db()
    assert (returned.content, returned.state) == ("按意见修改。", State.RETURNED)


def test_applications_are_not_deleted_through_the_api(client, world):
    client.force_login(world.staff)

    response = client.delete(f"{API}/applications/{world.application.pk}/")

    assert response.status_code == 405
    assert Application.objects.filter(pk=world.application.pk).exists()


# The workflow ----------------------------------------------------------------------------------


def step(client, application, transition, **data):
    return post(
        client,
        f"{API}/applications/{application.pk}/transition/",
        {"transition": transition, **data},
    )


def test_the_applicant_submits_and_the_step_is_audited(client, world):
    client.force_login(world.applicant)

    offered = client.get(f"{API}/applications/{world.application.pk}/transitions/")
    response = step(client, world.application, "submit")

    assert [t["id"] for t in offered.json()] == ["submit"]
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == State.SUBMITTED
    assert response.json()["number"]
    event = AuditEvent.objects.for_object(world.application).get(action="transition")
    assert event.changes["transition"] == [None, "submit"]
    assert event.actor_id == world.applicant.pk
    timeline = client.get(f"{API}/applications/{world.application.pk}/timeline/").json()
    assert [(e["action"], e["transition"], e["to_state"]) for e in timeline][-1] == (
        "transition",
        "submit",
        State.SUBMITTED,
    )
    assert verify() is None


def test_a_role_without_the_step_gets_403_and_nothing_changes(client, world):
    submitted = world.application_in(State.SUBMITTED)

    for user in (world.applicant, world.officer, world.leader):
        client.force_login(user)
        response = step(client, submitted, "check_pass")
        assert response.status_code == 403, (user, response.content)

    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert not AuditEvent.objects.for_object(submitted).filter(action="transition").exists()


def test_a_step_from_the_wrong_state_answers_409_with_the_reason(client, world):
    client.force_login(world.staff)

    response = step(client, world.application, "check_pass")

    assert response.status_code == 409
    assert response.json()["detail"]
    world.application.refresh_from_db()
    assert world.application.state == State.DRAFT


def test_missing_input_answers_400(client, world):
    submitted = world.application_in(State.SUBMITTED)
    in_review = world.application_in(State.IN_REVIEW)
    client.force_login(world.staff)

    no_comment = step(client, submitted, "check_return")
    no_funding = step(client, in_review, "approve")
    too_much = step(client, in_review, "approve", approved_funding="1000")
    unknown = step(client, submitted, "fly_to_the_moon")

    assert no_comment.status_code == 400 and no_comment.json()["detail"]
    assert no_funding.status_code == 400
    assert too_much.status_code == 400
    assert unknown.status_code == 400 and "transition" in unknown.json()
    submitted.refresh_from_db()
    in_review.refresh_from_db()
    assert (submitted.state, in_review.state) == (State.SUBMITTED, State.IN_REVIEW)


def test_staff_approve_with_the_funding(client, world):
    in_review = world.application_in(State.IN_REVIEW)
    client.force_login(world.staff)

    response = step(client, in_review, "approve", approved_funding="45.5", comment="同意立项")

    assert response.status_code == 200, response.json()
    in_review.refresh_from_db()
    assert (in_review.state, in_review.approved_funding, in_review.approved_on) == (
        State.APPROVED,
        Decimal("45.50"),
        timezone.localdate(),
    )


def test_a_town_officer_recommends_in_their_town_only(client, world):
    ours = world.application_in(State.CHECKED)
    theirs = put_in_state(
        ApplicationFactory(call=world.call, undertaker=world.other_enterprise), State.CHECKED
    )
    client.force_login(world.officer)

    assert step(client, ours, "recommend").status_code == 200
    assert step(client, theirs, "recommend").status_code == 404


def test_a_batch_step_reports_each_project(client, world):
    passed = [world.application_in(State.SUBMITTED) for _ in range(3)]
    theirs = put_in_state(
        ApplicationFactory(call=world.call, undertaker=world.other_enterprise), State.SUBMITTED
    )
    client.force_login(world.staff)

    response = post(
        client,
        f"{API}/applications/batch-transition/",
        {
            "ids": [*(a.pk for a in passed), world.application.pk, theirs.pk, 99999999],
            "transition": "check_pass",
        },
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert sorted(body["done"]) == sorted([*(a.pk for a in passed), theirs.pk])
    assert set(body["failed"]) == {str(world.application.pk), "99999999"}
    for application in passed:
        application.refresh_from_db()
        assert application.state == State.CHECKED
        assert AuditEvent.objects.for_object(application).filter(action="transition").count() == 1
    world.application.refresh_from_db()
    assert world.application.state == State.DRAFT


def test_a_batch_step_stays_within_the_callers_scope(client, world):
    ours = world.application_in(State.CHECKED)
    theirs = put_in_state(
        ApplicationFactory(call=world.call, undertaker=world.other_enterprise), State.CHECKED
    )
    client.force_login(world.officer)

    response = post(
        client,
        f"{API}/applications/batch-transition/",
        {"ids": [ours.pk, theirs.pk], "transition": "recommend"},
    )

    assert response.json()["done"] == [ours.pk]
    assert list(response.json()["failed"]) == [str(theirs.pk)]
    theirs.refresh_from_db()
    assert theirs.state == State.CHECKED


def test_an_expert_gets_nothing_from_the_applications_endpoint(client, world):
    client.force_login(world.expert)

    assert client.get(f"{API}/applications/").status_code == 403
    assert client.get(f"{API}/applications/{world.application.pk}/").status_code == 404
    assert client.get(f"{API}/applications/{world.application.pk}/timeline/").status_code == 404
    assert client.get(f"{API}/applications/export/").status_code == 403
    assert step(client, world.application, "submit").status_code == 404


# Exports ---------------------------------------------------------------------------------------


def rows_of(response) -> list[list]:
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_the_staff_export_the_filtered_list(client, world):
    world.application_in(State.SUBMITTED, name="已提交项目")
    client.force_login(world.staff)

    rows = rows_of(client.get(f"{API}/applications/export/?state=submitted"))

    assert rows[0][:3] == ["计划批次编码", "项目编号", "项目名称"]
    assert [row[2] for row in rows[1:]] == ["已提交项目"]
    assert AuditEvent.objects.filter(action="export").exists()


def test_an_applicant_may_not_export(client, world):
    client.force_login(world.applicant)

    assert client.get(f"{API}/applications/export/").status_code == 403


# Calls -----------------------------------------------------------------------------------------


def test_everyone_who_may_view_calls_sees_them_with_their_criteria(client, world):
    client.force_login(world.applicant)

    listed = ids(client.get(f"{API}/calls/"))
    detail = client.get(f"{API}/calls/{world.call.pk}/").json()

    assert world.call.pk in listed
    assert [c["code"] for c in detail["criteria"]] == ["innovation", "feasibility"]
    assert detail["is_open"] is True


def test_only_the_staff_write_calls(client, world):
    payload = {
        "code": "api-2025-key-1",
        "year": 2025,
        "name": "2025年重点项目",
        "category": "key",
        "field": "industry",
        "opens_at": "2025-03-01T00:00:00+08:00",
        "closes_at": "2025-04-01T00:00:00+08:00",
    }
    client.force_login(world.applicant)
    assert post(client, f"{API}/calls/", payload).status_code == 403

    client.force_login(world.staff)
    backwards = post(client, f"{API}/calls/", {**payload, "closes_at": "2025-02-01T00:00:00Z"})
    created = post(client, f"{API}/calls/", payload)

    assert backwards.status_code == 400 and "closes_at" in backwards.json()
    assert created.status_code == 201, created.json()
    assert Call.objects.get(code="api-2025-key-1").created_by == world.staff


def test_criteria_are_fixed_once_reviews_are_submitted(client, world):
    criterion = world.call.criteria.first()
    client.force_login(world.staff)
    before = patch(client, f"{API}/criteria/{criterion.pk}/", {"weight": "0.5"})
    ReviewFactory(
        assignment=AssignmentFactory(application=world.application_in(State.IN_REVIEW)),
        state=ReviewState.SUBMITTED,
    )

    after = patch(client, f"{API}/criteria/{criterion.pk}/", {"weight": "0.9"})
    added = post(
        client,
        f"{API}/criteria/",
        {"call": world.call.pk, "code": "impact", "name": "影响", "weight": "0.1"},
    )

    assert before.status_code == 200
    assert (after.status_code, added.status_code) == (400, 400)
    assert Criterion.objects.get(pk=criterion.pk).weight == Decimal("0.5")


def test_the_staff_read_a_calls_review_results(client, world):
    application = world.application_in(State.IN_REVIEW)
    scores = []
    for value in (80, 90):
        review = ReviewFactory(
            assignment=AssignmentFactory(application=application), state=ReviewState.SUBMITTED
        )
        for criterion in world.call.criteria.all():
            ScoreFactory(review=review, criterion=criterion, value=value)
        scores.append(Decimal(value))

    client.force_login(world.staff)
    results = client.get(f"{API}/calls/{world.call.pk}/results/")
    sheet = rows_of(client.get(f"{API}/calls/{world.call.pk}/results/export/"))
    client.force_login(world.expert)
    refused = client.get(f"{API}/calls/{world.call.pk}/results/")

    assert results.status_code == 200, results.content
    row = next(r for r in results.json() if r["application"] == application.pk)
    assert Decimal(row["aggregate"]) == Decimal("85.00")
    assert sorted(Decimal(e["score"]) for e in row["experts"]) == scores
    assert sheet[0][:6] == ["排名", "项目编号", "项目名称", "承担单位名称", "状态", "汇总得分"]
    assert sheet[1][2] == application.name and sheet[1][5] == 85
    assert refused.status_code == 403


# Experts ---------------------------------------------------------------------------------------


def test_staff_keep_the_expert_pool_by_credit_code_and_field_code(client, world):
    university = OrganisationFactory(name="测试大学")
    tech_field()
    tech_field("ai", "人工智能与机器人")
    client.force_login(world.staff)

    response = post(
        client,
        f"{API}/experts/",
        {
            "name": "王教授",
            "organisation": university.uscc,
            "fields": ["equipment", "ai"],
            "declared_organisations": [world.enterprise.uscc],
            "capacity": 6,
        },
    )

    assert response.status_code == 201, response.json()
    expert = Expert.objects.get(name="王教授")
    assert (expert.organisation, expert.capacity) == (university, 6)
    assert sorted(f.code for f in expert.fields.all()) == ["ai", "equipment"]
    assert list(expert.declared_organisations.all()) == [world.enterprise]
    assert sorted(response.json()["fields"]) == ["ai", "equipment"]
    stale = patch(client, f"{API}/experts/{expert.pk}/", {"capacity": 3, "version": 0})
    assert stale.status_code == 409


def test_the_pool_is_filtered_alike_on_the_page_and_in_the_api(client, world):
    university = OrganisationFactory(name="筛选测试大学")
    equipment, ai = tech_field(), tech_field("ai", "人工智能与机器人")
    wanted = ExpertFactory(name="筛选专家", organisation=university, fields=[ai])
    ExpertFactory(name="其他专家", fields=[equipment])
    client.force_login(world.staff)

    def found(query):
        response = client.get(f"{API}/experts/", query)
        assert response.status_code == 200, response.content
        return ids(response)

    assert found({"organisation": university.pk}) == {wanted.pk}
    assert found({"organisation": university.uscc}) == {wanted.pk}
    assert found({"tech_field": "ai"}) == {wanted.pk}
    assert found({"field": "ai", "q": "筛选"}) == {wanted.pk}


def test_an_expert_in_use_is_not_deleted(client, world):
    assignment = AssignmentFactory(application=world.application_in(State.IN_REVIEW))
    client.force_login(world.staff)

    response = client.delete(f"{API}/experts/{assignment.expert.pk}/")

    assert response.status_code == 409
    assert Expert.objects.filter(pk=assignment.expert.pk).exists()


def test_applicants_have_no_access_to_the_expert_pool(client, world):
    client.force_login(world.applicant)

    assert client.get(f"{API}/experts/").status_code == 403


# Acceptance meetings ---------------------------------------------------------------------------


def test_a_meeting_schedules_projects_refuses_a_conflicted_panel_member_and_concludes(
    client, world
):
    applied = world.application_in(State.ACCEPTANCE_APPLIED)
    running = world.application_in(State.IN_PROGRESS)
    neutral = ExpertFactory(name="验收专家")
    conflicted = ExpertFactory(name="本单位专家", organisation=world.enterprise)
    client.force_login(world.staff)

    meeting = post(
        client,
        f"{API}/meetings/",
        {
            "code": "api-acceptance-1",
            "name": "验收会",
            "year": 2024,
            "held_on": "2024-06-01",
            "place": "科技局三楼",
        },
    )
    assert meeting.status_code == 201, meeting.json()
    meeting_id = meeting.json()["id"]
    session = post(
        client, f"{API}/meeting-sessions/", {"meeting": meeting_id, "name": "上午", "sort": 1}
    )
    assert session.status_code == 201, session.json()
    session_id = session.json()["id"]

    scheduled = post(
        client, f"{API}/session-projects/", {"session": session_id, "application": applied.pk}
    )
    too_early = post(
        client, f"{API}/session-projects/", {"session": session_id, "application": running.pk}
    )
    member = post(client, f"{API}/panel-members/", {"meeting": meeting_id, "expert": neutral.pk})
    refused = post(
        client, f"{API}/panel-members/", {"meeting": meeting_id, "expert": conflicted.pk}
    )

    assert scheduled.status_code == 201, scheduled.json()
    assert too_early.status_code == 409
    assert member.status_code == 201, member.json()
    assert refused.status_code == 400 and "本单位专家" in refused.json()["detail"]
    assert list(
        PanelMember.objects.filter(meeting_id=meeting_id).values_list("expert", flat=True)
    ) == [neutral.pk]

    concluded = post(
        client,
        f"{API}/session-projects/{scheduled.json()['id']}/conclude/",
        {"conclusion": Conclusion.PASS, "opinion": "完成任务书指标，同意通过验收。"},
    )
    assert concluded.status_code == 200, concluded.json()
    applied.refresh_from_db()
    assert (applied.state, applied.conclusion, applied.concluded_on) == (
        State.ACCEPTED,
        Conclusion.PASS,
        dt.date(2024, 6, 1),
    )
    again = post(
        client,
        f"{API}/session-projects/{scheduled.json()['id']}/conclude/",
        {"conclusion": Conclusion.FAIL},
    )
    assert again.status_code == 400
    detail = client.get(f"{API}/meetings/{meeting_id}/").json()
    assert [p["name"] for p in detail["sessions"][0]["projects"]] == [applied.name]
    assert [m["expert_name"] for m in detail["panel"]] == ["验收专家"]
    assert MeetingSession.objects.filter(meeting_id=meeting_id).count() == 1
    assert AcceptanceMeeting.objects.get(pk=meeting_id).created_by == world.staff


def test_applicants_do_not_see_meetings(client, world, make_user):
    client.force_login(world.applicant)

    assert client.get(f"{API}/meetings/").status_code == 403
    assert make_user(RoleCode.LEADER).has_perm("projects.view_acceptancemeeting")


# The schema ------------------------------------------------------------------------------------


def test_the_endpoints_are_in_the_schema(client, world):
    client.force_login(world.staff)

    schema = client.get("/api/schema/")

    assert schema.status_code == 200
    for path in (
        "/api/v1/projects/applications/{id}/transition/",
        "/api/v1/projects/applications/batch-transition/",
        "/api/v1/projects/my-assignments/{id}/",
        "/api/v1/projects/calls/{id}/results/",
        "/api/v1/projects/meetings/",
    ):
        assert path.encode() in schema.content


# Query counts ----------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def populate(world, n: int) -> None:
    """``n`` more of each listed record, with what their rows show."""
    for _ in range(n):
        application = world.application_in(State.ACCEPTANCE_APPLIED)
        application.cooperators.set([world.partner])
        ExpertFactory(declared_organisations=[world.enterprise])
        CallFactory(form_fields=[("plan", "实施计划", True)])
        meeting = AcceptanceMeeting.objects.create(
            code=f"m-{application.pk}",
            name="验收会",
            year=2024,
            held_on=dt.date(2024, 6, 1),
            place="科技局",
        )
        session = MeetingSession.objects.create(meeting=meeting, name="上午")
        session.projects.create(application=application)
        PanelMember.objects.create(meeting=meeting, expert=ExpertFactory())


@pytest.mark.parametrize("path", ["applications/", "experts/", "calls/", "meetings/"])
def test_a_list_reads_the_same_number_of_queries_whatever_its_length(client, world, path):
    client.force_login(world.staff)
    url = f"{API}/{path}"
    populate(world, 1)
    few = count_queries(client, url)
    populate(world, 4)

    assert count_queries(client, url) == few


def test_the_assignments_list_reads_the_same_number_of_queries_whatever_its_length(client, world):
    AssignmentFactory(expert=world.expert_record)
    client.force_login(world.expert)
    few = count_queries(client, f"{API}/my-assignments/")
    for _ in range(4):
        AssignmentFactory(expert=world.expert_record)

    assert count_queries(client, f"{API}/my-assignments/") == few
