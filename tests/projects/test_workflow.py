"""The workflow of a plan project (``domain/workflow.py``), step by step.

For every transition: the roles the rules grant it succeed — the state changes, the step's
fields are written, exactly one TRANSITION audit event carries the comment — and every other
role is refused with ``PermissionDenied``. Who is granted what is derived here from the shipped
role grants (``reference.ROLE_GRANTS``) and from data scope (whether the role reaches the east
enterprise's project at all), never from the workflow under test. A step from a state it does
not leave gets ``WrongStateError`` naming both; then the special rules of single steps (closing
times, required answers, funding, publicity), batch actions, notifications, and on PostgreSQL
two simultaneous steps of which exactly one wins."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone, translation

from kechuang.accounts.enums import RoleCode
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.models import Notification
from kechuang.projects.domain import workflow
from kechuang.projects.domain.workflow import (
    TRANSITIONS,
    ClosedCallError,
    MissingInputError,
    WrongDateError,
    WrongStateError,
)
from kechuang.projects.enums import Conclusion, MidtermResult
from kechuang.projects.enums import State as S
from kechuang.projects.models import Application
from kechuang.projects.reference import ROLE_GRANTS

from .factories import ApplicationFactory, FormFieldFactory, ProjectWorld, put_in_state

pytestmark = pytest.mark.django_db

# The shipped role each user of the world holds.
ROLE_OF = {
    "leader": RoleCode.LEADER,
    "staff": RoleCode.STAFF,
    "officer": RoleCode.TOWN_OFFICER,
    "other_officer": RoleCode.TOWN_OFFICER,
    "applicant": RoleCode.ORGANISATION,
    "other_applicant": RoleCode.ORGANISATION,
    "expert": RoleCode.EXPERT,
}
# Whether the east enterprise's project lies within each user's data scope: leaders and staff
# see all; a town officer their own town's; an organisation user their own organisation's; an
# expert (scope "self") only records they created — and experts create no projects.
IN_SCOPE = {
    "leader": True,
    "staff": True,
    "officer": True,
    "other_officer": False,
    "applicant": True,
    "other_applicant": False,
    "expert": False,
}


def expected_allowed(step) -> set[str]:
    return {
        user
        for user, role in ROLE_OF.items()
        if step.permission in ROLE_GRANTS.get(role, ()) and IN_SCOPE[user]
    }


def inputs(step) -> dict:
    """What the person gives with the step: always a comment (so it must reach the audit
    event), plus the figures of the steps that need them."""
    given = {"comment": f"意见：{step.id}"}
    if "approved_funding" in step.needs:
        given["approved_funding"] = "30"
    if "contract_number" in step.needs:
        given["contract_number"] = "RW-2026-009"
    return given


def working_days_from(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day (Monday to Friday) counting ``start`` when it is one."""
    day, counted = start, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == days:
                return day
        day += dt.timedelta(days=1)


def written_fields(step_id: str, today: dt.date) -> dict:
    """The fields each step writes besides the state (read from the issue: approval with the
    funding, publicity of five working days, the contract's number, the mid-term result, the
    acceptance conclusion, the dates of closing and termination)."""
    return {
        "approve": {"approved_funding": Decimal("30.00"), "approved_on": today},
        "publicise": {"publicity_until": working_days_from(today, workflow.PUBLICITY_DAYS)},
        "sign_contract": {"contract_number": "RW-2026-009", "contract_signed_on": today},
        "midterm_pass": {"midterm_result": MidtermResult.PASS, "midterm_on": today},
        "midterm_rectify": {"midterm_result": MidtermResult.RECTIFY, "midterm_on": today},
        "midterm_fail": {
            "midterm_result": MidtermResult.FAIL,
            "midterm_on": today,
            "terminated_on": today,
        },
        "accept": {"conclusion": Conclusion.PASS, "concluded_on": today},
        "accept_reconsider": {"conclusion": Conclusion.RECONSIDER, "concluded_on": today},
        "accept_fail": {"conclusion": Conclusion.FAIL, "concluded_on": today},
        "close": {"closed_on": today},
        "terminate": {"terminated_on": today},
    }.get(step_id, {})


@pytest.fixture
def w(make_user):
    return ProjectWorld(make_user)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def transitions_of(application):
    return AuditEvent.objects.for_object(application).filter(action=AuditAction.TRANSITION)


def assert_done(application, step, before_state):
    application.refresh_from_db()
    assert application.state == step.to_state
    for name, value in written_fields(step.id, timezone.localdate()).items():
        assert getattr(application, name) == value, name
    if step.id == "submit":
        assert application.submitted_at is not None
        if before_state == S.DRAFT:  # a first submission takes the call's next number
            assert application.number.startswith(f"{application.call.year}-{application.call_id}-")
        else:  # a resubmission keeps its number
            assert application.number == f"T-{application.pk:06d}"
    event = transitions_of(application).get()
    assert event.comment == inputs(step)["comment"]
    assert event.changes["state"] == [before_state, step.to_state]
    assert event.changes["transition"] == [None, step.id]


# Every transition × every role -------------------------------------------------------------------


def test_the_expected_sets_follow_the_grants_and_the_scope():
    recommend, approve, submit = (workflow.BY_ID[i] for i in ("recommend", "approve", "submit"))

    assert expected_allowed(recommend) == {"staff", "officer"}  # not the other town's officer
    assert expected_allowed(approve) == {"staff", "leader"}
    assert expected_allowed(submit) == {"staff", "applicant"}  # not another organisation
    assert all("expert" not in expected_allowed(t) for t in TRANSITIONS)


@pytest.mark.parametrize("step", TRANSITIONS, ids=lambda t: t.id)
def test_each_role_may_take_the_step_exactly_as_the_rules_grant(w, step):
    outcomes = {}
    for user_name, user in w.roles.items():
        application = w.application_in(step.from_states[0])
        try:
            workflow.perform(application, step.id, user, **inputs(step))
        except PermissionDenied:
            outcomes[user_name] = "denied"
            application.refresh_from_db()
            assert application.state == step.from_states[0]
            assert not transitions_of(application).exists()
        else:
            outcomes[user_name] = "done"
            assert_done(application, step, step.from_states[0])

    expected = {name: "done" if name in expected_allowed(step) else "denied" for name in w.roles}
    assert outcomes == expected


@pytest.mark.parametrize(
    ("step", "state"),
    [(t, s) for t in TRANSITIONS for s in t.from_states],
    ids=lambda v: getattr(v, "id", v),
)
def test_the_step_leaves_from_each_of_its_states(w, step, state):
    actor = w.roles[sorted(expected_allowed(step))[0]]
    application = w.application_in(state)

    workflow.perform(application, step.id, actor, **inputs(step))

    assert_done(application, step, state)


@pytest.mark.parametrize("step", TRANSITIONS, ids=lambda t: t.id)
def test_a_step_from_a_wrong_state_says_so_and_changes_nothing(w, step):
    wrong = next(s for s in (S.CLOSED, S.DRAFT, S.SUBMITTED) if s not in step.from_states)
    application = w.application_in(wrong)

    with pytest.raises(WrongStateError) as raised:
        workflow.perform(application, step.id, w.staff, **inputs(step))

    message = str(raised.value)
    assert str(S(wrong).label) in message
    assert str(step.label) in message
    assert str(S(step.from_states[0]).label) in message
    assert "reload the page" in message
    application.refresh_from_db()
    assert application.state == wrong
    assert not transitions_of(application).exists()


@pytest.mark.parametrize("step", [t for t in TRANSITIONS if t.needs_comment], ids=lambda t: t.id)
def test_a_step_that_needs_a_reason_is_refused_without_one(w, step):
    application = w.application_in(step.from_states[0])

    with pytest.raises(MissingInputError, match="needs a comment"):
        workflow.perform(application, step.id, w.staff, **{**inputs(step), "comment": "  "})

    application.refresh_from_db()
    assert application.state == step.from_states[0]


# Single steps ------------------------------------------------------------------------------------


def test_submission_after_the_closing_time_is_refused(w):
    call = w.call

    with pytest.raises(ClosedCallError) as raised:
        workflow.perform(w.application, "submit", w.applicant, now=call.closes_at)

    assert call.name in str(raised.value) and "can no longer be submitted" in str(raised.value)
    w.application.refresh_from_db()
    assert w.application.state == S.DRAFT and w.application.submitted_at is None
    # A second before the closing time it goes through.
    workflow.perform(
        w.application, "submit", w.applicant, now=call.closes_at - dt.timedelta(seconds=1)
    )
    assert w.application.state == S.SUBMITTED


def test_submission_before_the_call_opens_is_refused(w):
    with pytest.raises(ClosedCallError, match="cannot be submitted before"):
        workflow.perform(
            w.application,
            "submit",
            w.applicant,
            now=w.call.opens_at - dt.timedelta(minutes=1),
        )
    w.application.refresh_from_db()
    assert w.application.state == S.DRAFT


def test_a_returned_application_resubmitted_after_the_closing_time_is_refused(w):
    application = w.application_in(S.RETURNED)

    with pytest.raises(ClosedCallError):
        workflow.perform(
            application, "submit", w.applicant, now=w.call.closes_at + dt.timedelta(days=1)
        )


def test_required_answers_come_before_submission(w):
    FormFieldFactory(call=w.call, code="plan", label="实施计划", required=True)
    FormFieldFactory(call=w.call, code="note", label="备注", required=False)

    with pytest.raises(MissingInputError) as raised:
        workflow.perform(w.application, "submit", w.applicant)
    assert "实施计划" in str(raised.value) and "备注" not in str(raised.value)

    Application.objects.filter(pk=w.application.pk).update(answers={"plan": "   "})
    with pytest.raises(MissingInputError):
        workflow.perform(w.application, "submit", w.applicant)

    Application.objects.filter(pk=w.application.pk).update(answers={"plan": "三年"})
    workflow.perform(w.application, "submit", w.applicant)
    assert w.application.state == S.SUBMITTED


def test_numbers_are_given_once_and_in_sequence_within_the_call(w):
    first = w.application
    second = ApplicationFactory(call=w.call, undertaker=w.enterprise)

    workflow.perform(first, "submit", w.applicant)
    workflow.perform(second, "submit", w.applicant)
    workflow.perform(first, "check_return", w.staff, comment="补材料")
    workflow.perform(first, "submit", w.applicant)

    prefix = f"{w.call.year}-{w.call.pk}-"
    assert (first.number, second.number) == (f"{prefix}00001", f"{prefix}00002")


@pytest.mark.parametrize(
    ("funding", "message"),
    [
        (None, "Give the approved funding"),
        ("", "Give the approved funding"),
        ("abc", "must be a number"),
        ("-1", "cannot be negative"),
        ("50.01", "cannot exceed the funding requested"),
    ],
)
def test_approval_needs_funding_within_the_request(w, funding, message):
    application = w.application_in(S.IN_REVIEW)  # 50 requested

    with pytest.raises(MissingInputError, match=message):
        workflow.perform(application, "approve", w.staff, approved_funding=funding)

    application.refresh_from_db()
    assert (application.state, application.approved_funding) == (S.IN_REVIEW, None)


def test_approval_of_exactly_the_request_is_fine(w):
    application = w.application_in(S.IN_REVIEW)

    workflow.perform(application, "approve", w.leader, approved_funding="50")

    assert application.approved_funding == Decimal("50.00")


def test_the_contract_is_signed_only_after_the_publicity(w):
    today = timezone.localdate()
    running = w.application_in(S.PUBLICITY, publicity_until=today)

    with pytest.raises(WrongDateError, match="publicity runs until"):
        workflow.perform(running, "sign_contract", w.staff, contract_number="RW-1")
    with pytest.raises(MissingInputError, match="task contract's number"):
        workflow.perform(running, "sign_contract", w.staff, contract_number=" ")
    running.refresh_from_db()
    assert running.state == S.PUBLICITY

    Application.objects.filter(pk=running.pk).update(publicity_until=today - dt.timedelta(1))
    workflow.perform(running, "sign_contract", w.staff, contract_number="RW-1")
    assert running.state == S.IN_PROGRESS


def test_a_step_cannot_be_dated_in_the_future(w):
    application = w.application_in(S.SUBMITTED)

    with pytest.raises(WrongDateError):
        workflow.perform(
            application, "check_pass", w.staff, on=timezone.localdate() + dt.timedelta(days=1)
        )


def test_the_whole_road_from_draft_to_closed(w):
    application = w.application
    past = timezone.localdate() - dt.timedelta(days=30)
    steps = [
        ("submit", w.applicant, {}),
        ("check_pass", w.staff, {}),
        ("recommend", w.officer, {}),
        ("start_review", w.staff, {}),
        ("approve", w.leader, {"approved_funding": "40", "on": past}),
        ("publicise", w.staff, {"on": past}),
        ("sign_contract", w.staff, {"contract_number": "RW-1"}),
        ("midterm_rectify", w.staff, {"comment": "进度滞后"}),
        ("midterm_pass", w.staff, {}),
        ("apply_acceptance", w.applicant, {}),
        ("accept", w.staff, {}),
        ("close", w.staff, {}),
    ]
    for step, actor, kwargs in steps:
        workflow.perform(application, step, actor, **kwargs)

    assert application.state == S.CLOSED
    assert [e.changes["transition"][1] for e in transitions_of(application).order_by("id")] == [
        s for s, _, _ in steps
    ]


# Batch actions -----------------------------------------------------------------------------------


def test_a_batch_action_audits_each_project_and_reports_each_failure(w):
    ready = [w.application_in(S.SUBMITTED) for _ in range(3)]
    draft = w.application_in(S.DRAFT)
    missing = 10**9

    result = workflow.perform_many(
        [p.pk for p in ready] + [draft.pk, missing], "check_pass", w.staff, comment="批量通过"
    )

    assert sorted(result["done"]) == sorted(p.pk for p in ready)
    assert set(result["failed"]) == {draft.pk, missing}
    assert "reload the page" in result["failed"][draft.pk]
    assert "No such project within your reach" in result["failed"][missing]
    for project in ready:
        project.refresh_from_db()
        assert project.state == S.CHECKED
        assert transitions_of(project).get().comment == "批量通过"
    assert not transitions_of(draft).exists()


def test_a_batch_action_reaches_only_the_projects_in_scope(w):
    ours = w.application_in(S.CHECKED)
    theirs = put_in_state(ApplicationFactory(call=w.call, undertaker=w.other_enterprise), S.CHECKED)

    result = workflow.perform_many([ours.pk, theirs.pk], "recommend", w.officer)

    assert result["done"] == [ours.pk]
    assert "No such project within your reach" in result["failed"][theirs.pk]
    theirs.refresh_from_db()
    assert theirs.state == S.CHECKED


def test_a_batch_action_without_the_permission_fails_for_each(w):
    submitted = w.application_in(S.SUBMITTED)

    result = workflow.perform_many([submitted.pk], "check_pass", w.leader)

    assert result["done"] == []
    assert "You may not do this with this project" in result["failed"][submitted.pk]


# Notifications -----------------------------------------------------------------------------------


def inbox(user):
    return list(Notification.objects.filter(recipient=user))


def test_the_applicants_and_the_next_actors_are_notified(w):
    colleague = w.applicant.__class__.objects.create_user(
        username="colleague",
        password="Test-pass-2026!",
        kind=w.applicant.kind,
        organisation=w.enterprise,
    )

    workflow.perform(w.application, "submit", w.applicant)

    # The applicant's colleague hears of the step (the actor does not notify themself); the
    # staff who do the formal check hear it is their turn; nobody else.
    assert [n.url for n in inbox(colleague)] == [w.application.get_absolute_url()]
    assert inbox(w.applicant) == []
    assert len(inbox(w.staff)) == 1 and "To do" in inbox(w.staff)[0].title
    for user in (w.leader, w.officer, w.other_officer, w.other_applicant, w.expert):
        assert inbox(user) == [], user

    workflow.perform(w.application, "check_pass", w.staff)

    # The recommendation is the east town's (and staff's): the officer of the west town is not
    # told; the applicant now is.
    assert len(inbox(w.officer)) == 1
    assert inbox(w.other_officer) == []
    assert len(inbox(w.applicant)) == 1
    assert "Formal check passed" in inbox(w.applicant)[0].body


def test_a_returned_application_tells_the_applicant_why(w):
    application = w.application_in(S.SUBMITTED)

    workflow.perform(application, "check_return", w.staff, comment="预算表缺少盖章")

    (notice,) = inbox(w.applicant)
    assert "Returned for changes" in notice.body and "预算表缺少盖章" in notice.body


# Two people at once (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_steps_exactly_one_wins(make_user, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises whole transactions")
    w = ProjectWorld(make_user)
    second_staff = make_user(RoleCode.STAFF)
    application = w.application_in(S.SUBMITTED)
    # The winner holds its row lock a moment longer, so the other really waits on it.
    notify = workflow._notify

    def slow_notify(*args, **kwargs):
        notify(*args, **kwargs)
        threading.Event().wait(0.3)

    monkeypatch.setattr(workflow, "_notify", slow_notify)
    start = threading.Barrier(2)
    outcomes = {}

    def act(name, user):
        from django.db import connection as own

        try:
            start.wait()
            with translation.override("en"):
                workflow.perform(Application.objects.get(pk=application.pk), "check_pass", user)
            outcomes[name] = "done"
        except WrongStateError as error:
            with translation.override("en"):
                outcomes[name] = str(error)
        finally:
            own.close()

    threads = [
        threading.Thread(target=act, args=("a", w.staff)),
        threading.Thread(target=act, args=("b", second_staff)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["a", "b"]
    assert list(outcomes.values()).count("done") == 1
    (refusal,) = [v for v in outcomes.values() if v != "done"]
    assert "Formal check passed" in refusal and "Someone may have acted on it before you" in refusal
    application.refresh_from_db()
    assert application.state == S.CHECKED
    assert transitions_of(application).count() == 1
