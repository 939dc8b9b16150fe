"""The plan projects' demo data: loading again writes nothing, every project's state-bearing
fields agree with its state, the projects moved by the workflow have their timelines, the expert
login sees only its non-conflicted assignments, and the call of the live demo is open."""

import datetime as dt
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Sum

from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.models import Notification
from kechuang.projects import demo as seed
from kechuang.projects.domain import workflow
from kechuang.projects.domain.conflicts import (
    applications_for_expert,
    conflict_pairs,
    conflicted_assignments_q,
    expert_assignments,
)
from kechuang.projects.domain.portal import queues
from kechuang.projects.enums import Conclusion, MidtermResult, ReviewState
from kechuang.projects.enums import State as S
from kechuang.projects.models import (
    AcceptanceMeeting,
    Application,
    Assignment,
    Call,
    Criterion,
    Expert,
    PanelMember,
    SessionProject,
)
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 23, 12, 0, tzinfo=seed.TZ)


def demo_applications():
    return Application.objects.filter(call__code__in=seed.CALL).select_related("call")


def footprint() -> dict:
    """What the projects' demo writes: rows of every model, versions, audit events, inboxes."""
    counts = {
        m._meta.label: m.objects.count() for m in apps.get_app_config("projects").get_models()
    }
    counts["application versions"] = Application.objects.aggregate(v=Sum("version"))["v"]
    counts["events"] = AuditEvent.objects.filter(model__startswith="projects.").count()
    counts["notifications"] = Notification.objects.count()
    counts["unread"] = Notification.objects.filter(read_at__isnull=True).count()
    return counts


def test_loading_again_writes_nothing(demo):
    before = footprint()
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    load_demo()

    assert footprint() == before
    later = AuditEvent.objects.filter(pk__gt=last_event, model__startswith="projects.")
    assert list(later.values_list("model", "action")) == []


def test_the_plan_is_all_there(demo):
    assert set(Call.objects.filter(code__in=seed.CALL).values_list("code", flat=True)) == set(
        seed.CALL
    )
    assert demo_applications().count() == len(seed.Planner(seed.Lookups()).build())
    for code in seed.CALL:
        weights = Criterion.objects.filter(call__code=code).aggregate(total=Sum("weight"))
        assert weights["total"] == 1, code
    assert Expert.objects.filter(is_demo=True).count() == seed.EXPERT_POOL


def test_every_state_has_projects_and_every_staff_queue_has_work(demo):
    states = Counter(demo_applications().values_list("state", flat=True))
    wanted = {
        S.DRAFT, S.SUBMITTED, S.RETURNED, S.CHECK_REJECTED, S.CHECKED, S.NOT_RECOMMENDED,
        S.RECOMMENDED, S.IN_REVIEW, S.NOT_APPROVED, S.APPROVED, S.PUBLICITY, S.IN_PROGRESS,
        S.RECTIFYING, S.MIDTERM_PASSED, S.ACCEPTANCE_APPLIED, S.ACCEPTED, S.RECONSIDER,
        S.ACCEPTANCE_FAILED, S.CLOSED, S.TERMINATED,
    }  # fmt: skip
    assert wanted <= set(states), wanted - set(states)
    User = get_user_model()
    for username in (seed.STAFF, seed.DANGHU_OFFICER):
        waiting = queues(User.objects.get(username=username))
        assert waiting, username
        assert all(q["count"] > 0 for q in waiting), (username, waiting)


# The fields a state implies, and those it rules out (see workflow._step_values).
APPROVED_STATES = {
    S.APPROVED, S.PUBLICITY, S.IN_PROGRESS, S.RECTIFYING, S.MIDTERM_PASSED,
    S.ACCEPTANCE_APPLIED, S.ACCEPTED, S.RECONSIDER, S.ACCEPTANCE_FAILED, S.CLOSED,
}  # fmt: skip
CONTRACT_STATES = APPROVED_STATES - {S.APPROVED, S.PUBLICITY}
CONCLUDED = {
    S.ACCEPTED: {Conclusion.PASS},
    S.RECONSIDER: {Conclusion.RECONSIDER},
    S.ACCEPTANCE_FAILED: {Conclusion.FAIL},
    S.CLOSED: {Conclusion.PASS, Conclusion.FAIL},
    S.ACCEPTANCE_APPLIED: {"", Conclusion.RECONSIDER},  # applying again after a reconsider
}


def inconsistencies(a: Application) -> list[str]:
    problems = []

    def need(condition, text):
        if not condition:
            problems.append(text)

    state = a.state
    submitted = state != S.DRAFT
    need((a.submitted_at is not None) == submitted, "submitted_at")
    need((a.number is not None) == submitted, "number")
    need((a.approved_on is None) == (a.approved_funding is None), "approval pair")
    if state in APPROVED_STATES:
        need(a.approved_on is not None, "approved_on")
    elif state != S.TERMINATED:
        need(a.approved_on is None, "approved too early")
    need(
        (a.publicity_until is not None) == (state in APPROVED_STATES - {S.APPROVED})
        or state == S.TERMINATED,
        "publicity",
    )
    has_contract = bool(a.contract_number)
    need(has_contract == (a.contract_signed_on is not None), "contract pair")
    need(has_contract == (state in CONTRACT_STATES) or state == S.TERMINATED, "contract")
    need(bool(a.midterm_result) == (a.midterm_on is not None), "midterm pair")
    if state == S.RECTIFYING:
        need(a.midterm_result == MidtermResult.RECTIFY, "rectify")
    if state == S.MIDTERM_PASSED:
        need(a.midterm_result == MidtermResult.PASS, "midterm pass")
    if state == S.IN_PROGRESS:
        need(not a.midterm_result, "midterm before in progress")
    if a.midterm_result == MidtermResult.FAIL:
        need(state == S.TERMINATED and a.terminated_on == a.midterm_on, "midterm fail")
    need(bool(a.conclusion) == (a.concluded_on is not None), "conclusion pair")
    if state in CONCLUDED:
        need(a.conclusion in CONCLUDED[state], "conclusion")
    elif state != S.TERMINATED:
        need(not a.conclusion, "concluded too early")
    need((a.closed_on is not None) == (state == S.CLOSED), "closed_on")
    need((a.terminated_on is not None) == (state == S.TERMINATED), "terminated_on")
    # Each milestone needs the ones before it, in date order (the mid-term check is optional).
    chain = [
        a.submitted_at and a.submitted_at.astimezone(seed.TZ).date(),
        a.approved_on,
        a.publicity_until,
        a.contract_signed_on,
        a.concluded_on,
        a.closed_on,
    ]
    reached = [day for day in chain if day is not None]
    need(chain[: len(reached)] == reached, "a milestone without the ones before it")
    need(reached == sorted(reached), "milestones out of order")
    if a.midterm_on:
        need(a.contract_signed_on and a.contract_signed_on <= a.midterm_on, "midterm first")
        need(not a.concluded_on or a.midterm_on <= a.concluded_on, "midterm after acceptance")
    if a.publicity_until and a.contract_signed_on:
        need(a.contract_signed_on > a.publicity_until, "contract during the publicity")
    if a.terminated_on:
        need(a.terminated_on >= reached[0], "terminated before it was submitted")
    if a.approved_funding is not None:
        need(0 < a.approved_funding <= a.requested_funding, "approved funding")
    done = [day for day in (*reached, a.midterm_on, a.terminated_on) if day is not None]
    done = [day for day in done if day != a.publicity_until]  # a publicity may run on
    need(all(day <= seed.LATEST for day in done), "after today")
    return problems


def test_every_state_bearing_field_agrees_with_the_state(demo):
    problems = {a.name: inconsistencies(a) for a in demo_applications()}
    assert {name: p for name, p in problems.items() if p} == {}


def test_the_checker_catches_what_it_checks(demo):
    closed = demo_applications().filter(state=S.CLOSED).first()
    closed.closed_on = None
    assert "closed_on" in inconsistencies(closed)
    draft = demo_applications().filter(state=S.DRAFT).first()
    draft.approved_on, draft.approved_funding = dt.date(2020, 1, 1), 1
    assert "approved too early" in inconsistencies(draft)


def test_synthetic_records_are_marked(demo):
    assert not demo_applications().filter(is_demo=True).exclude(name__endswith="(演示)").exists()
    assert set(demo_applications().filter(is_demo=False).values_list("name", flat=True)) == {
        seed.ROBOT
    }
    assert not Expert.objects.filter(is_demo=True).exclude(name__endswith="(演示)").exists()


def test_the_workflow_projects_have_their_timelines(demo):
    plans = {p.key: p for p in seed.Planner(seed.Lookups()).build()}
    robot = Application.objects.get(name=seed.ROBOT)
    events = AuditEvent.objects.filter(
        action=AuditAction.TRANSITION, model="projects.application", object_id=str(robot.pk)
    ).order_by("pk")
    steps = [e.changes["transition"][1] for e in events]
    plan = plans[(robot.call.code, robot.name)]
    assert steps == [step.transition for step in plan.steps]
    assert steps[0] == "submit" and steps[-1] == "close"
    assert robot.state == S.CLOSED and robot.concluded_on == dt.date(2021, 11, 18)
    assert events.first().actor_name == "zhizhuan"  # the school's own user submitted it
    # Every project of a workflow call has one transition event per step of its plan.
    for application in demo_applications().filter(call__code__in=workflow_calls()):
        plan = plans[(application.call.code, application.name)]
        count = AuditEvent.objects.filter(
            action=AuditAction.TRANSITION,
            model="projects.application",
            object_id=str(application.pk),
        ).count()
        assert count == len(plan.steps), application.name
        assert application.state == seed.replay(plan.steps)["state"]


def workflow_calls():
    return [c.code for c in seed.CALLS if c.workflow]


def test_the_history_is_read_and_recent_steps_wait_in_the_inboxes(demo):
    recent = {
        p.key
        for p in seed.Planner(seed.Lookups()).build()
        if p.call.workflow and p.steps and p.steps[-1].on >= seed.RECENT
    }
    urls = {
        a.get_absolute_url()
        for a in demo_applications().filter(call__code__in=workflow_calls())
        if (a.call.code, a.name) in recent
    }
    unread = Notification.objects.filter(read_at__isnull=True)
    assert unread.exists()
    assert set(unread.values_list("url", flat=True)) <= urls


def test_the_seed_meetings(demo):
    batch3 = AcceptanceMeeting.objects.get(code=seed.BATCH_3)
    assert (batch3.year, batch3.batch) == (2020, 3)
    assert "杭州" in batch3.place
    assert batch3.agency.name == "浙江省科技评估和成果转化中心"
    assert SessionProject.objects.filter(session__meeting=batch3).count() == 9

    vocational = AcceptanceMeeting.objects.get(code=seed.VOCATIONAL_MEETING)
    slots = SessionProject.objects.filter(session__meeting=vocational).select_related(
        "application__undertaker", "session"
    )
    assert len(slots) == 6
    assert {s.application.undertaker.name for s in slots} == {seed.VOCATIONAL}
    assert {s.conclusion for s in slots} == {Conclusion.PASS}
    assert Counter(s.session.name for s in slots) == {"上午": 3, "下午": 3}
    assert seed.ROBOT in {s.application.name for s in slots}
    assert all(s.application.concluded_on == vocational.held_on for s in slots)


def test_panels_and_assignments_keep_the_rules(demo):
    for meeting in AcceptanceMeeting.objects.filter(code__in=seed.MEETING):
        projects = Application.objects.filter(acceptance_slots__session__meeting=meeting)
        panel = PanelMember.objects.filter(meeting=meeting).values_list("expert_id", flat=True)
        assert not conflict_pairs(projects.values_list("pk", flat=True), panel), meeting.code
    assignments = Assignment.objects.filter(phase__call__code__in=seed.CALL)
    # Only the expert's own declaration makes an assignment conflicted.
    conflicted = assignments.filter(conflicted_assignments_q())
    assert set(conflicted.values_list("declared_conflict", flat=True)) == {True}
    for row in assignments.values("phase__call", "expert", "expert__capacity").annotate(
        n=Count("pk")
    ):
        assert row["n"] <= row["expert__capacity"]
    for row in (
        assignments.filter(declared_conflict=False)
        .values("application", "phase__call__reviewers_per_application")
        .annotate(n=Count("pk"))
    ):
        assert row["n"] == row["phase__call__reviewers_per_application"]


def test_the_expert_login_sees_only_its_assignments_without_conflict(demo):
    user = get_user_model().objects.get(username=seed.EXPERT_LOGIN)
    mine = Assignment.objects.filter(expert__user=user)
    visible = expert_assignments(user)

    assert mine.count() == seed.DEMO_EXPERT_ASSIGNMENTS
    assert visible.count() == seed.DEMO_EXPERT_ASSIGNMENTS - 1
    hidden = mine.exclude(pk__in=visible.values("pk")).get()
    assert hidden.declared_conflict
    assert hidden.application.undertaker in user.expert.declared_organisations.all()
    assert hidden.application not in applications_for_expert(user)
    assert {a.application.state for a in visible} == {S.IN_REVIEW}
    assert {a.phase.call.code for a in visible} == {seed.IN_REVIEW_CALL}
    reviews = Counter(
        getattr(getattr(a, "review", None), "state", None) for a in visible.select_related("review")
    )
    assert reviews == {ReviewState.SUBMITTED: 1, ReviewState.DRAFT: 1, None: 1}


def test_the_demo_call_is_open_on_the_demo_day(demo):
    call = Call.objects.get(code=seed.OPEN_CALL)

    assert call.is_open(TODAY)
    assert call.opens_at == dt.datetime(2026, 11, 1, 9, 0, tzinfo=seed.TZ)
    assert call.closes_at == dt.datetime(2027, 6, 30, 17, 30, tzinfo=seed.TZ)
    assert list(Call.objects.filter(code__in=seed.CALL).open_at(TODAY)) == [call]
    applicants = set(
        Application.objects.filter(call=call).values_list("undertaker__name", flat=True)
    )
    assert {seed.VOCATIONAL, "浙江独山能源有限公司"} <= applicants


def test_a_replayed_plan_refuses_a_step_the_workflow_does_not_allow():
    on = dt.date(2020, 1, 2)
    with pytest.raises(ValueError, match="not allowed"):
        seed.replay([seed.Step("approve", on, "leader")])
    with pytest.raises(ValueError, match="out of order"):
        seed.replay(
            [
                seed.Step("submit", on, "applicant", now=seed.at(on)),
                seed.Step("check_pass", on - dt.timedelta(days=1), "staff"),
            ]
        )
    assert (
        workflow.transition("submit").to_state
        == seed.replay([seed.Step("submit", on, "applicant", now=seed.at(on))])["state"]
    )
