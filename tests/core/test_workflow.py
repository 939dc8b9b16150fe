"""The shared workflow machinery (core.domain.workflow): a table of transitions checked when it
is declared; perform() checks the permission, the comment, the date and — under the row lock —
the state, runs the step's guard, writes the notifications, the fields and exactly one
TRANSITION audit event in one transaction, or nothing at all when anything refuses.

A workflow of its own over the certification application model (its states and fields) serves
as the record: the test declares its steps, not the platforms area's."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext_lazy

from kechuang.accounts.enums import RoleCode
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.domain import workflow as wf
from kechuang.core.domain.errors import DomainError
from kechuang.core.domain.notify import notify
from kechuang.core.enums import CodeList
from kechuang.core.models import Notification
from kechuang.platforms.enums import ApplicationState as S
from kechuang.platforms.enums import RDLevel
from kechuang.platforms.models import CertificationApplication

CHANGE = "platforms.change_certificationapplication"


class GuardError(wf.TransitionError):
    pass


def no_summary_no_review(move: wf.Move) -> None:
    if not move.record.summary:
        raise GuardError(gettext_lazy("Give the summary first."), "summary")
    move.values["publicity_until"] = wf.add_working_days(move.on, move.params.get("days", 5))


def notices(move: wf.Move) -> None:
    notify([move.record.created_by], f"{move.record.name}: {move.transition.label}", "", "/x/")


T = wf.Transition
TRANSITIONS = (
    T("apply", (S.DRAFT,), S.APPLIED, CHANGE, gettext_lazy("Submit the application")),
    T("reject", (S.APPLIED, S.REVIEWED), S.REJECTED, CHANGE, gettext_lazy("Reject"), True),
    T(
        "review",
        (S.APPLIED,),
        S.REVIEWED,
        CHANGE,
        gettext_lazy("Review"),
        guard=no_summary_no_review,
    ),
)
MESSAGE = gettext_lazy(
    "This application is now “%(state)s”; “%(action)s” is possible only when it is "
    "“%(allowed)s”. Someone may have acted on it before you: reload the page to see its "
    "current state."
)
FLOW = wf.Workflow(
    model=CertificationApplication,
    states=S,
    transitions=TRANSITIONS,
    wrong_state_message=MESSAGE,
    notify=notices,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff(make_user):
    return make_user(RoleCode.STAFF)


@pytest.fixture
def applicant(make_user):
    return make_user(RoleCode.ORGANISATION)


@pytest.fixture
def application(reference_data, applicant):
    def make(state=S.DRAFT, **fields):
        return CertificationApplication.objects.create(
            applicant=applicant.organisation,
            level=reference_data.code_item(CodeList.RD_LEVEL, RDLevel.PROVINCIAL_RD_CENTRE),
            year=2025,
            name="测试研究开发中心",
            state=state,
            created_by=applicant,
            **fields,
        )

    return make


def events(record):
    return AuditEvent.objects.for_object(record).filter(action=AuditAction.TRANSITION)


def test_the_table_is_checked_when_declared():
    step = T("a", (S.DRAFT,), S.APPLIED, CHANGE, gettext_lazy("Submit the application"))
    with pytest.raises(ValueError, match="repeat"):
        wf.Workflow(CertificationApplication, S, (step, step), MESSAGE)
    with pytest.raises(ValueError, match="unknown states"):
        wf.Workflow(
            CertificationApplication, S, (T("b", ("nowhere",), S.APPLIED, CHANGE, "b"),), MESSAGE
        )
    assert FLOW.transition("reject").needs_comment
    with pytest.raises(ValueError, match="unknown transition"):
        FLOW.transition("nope")


def test_a_step_writes_its_fields_one_audit_event_and_the_notifications(
    application, staff, applicant
):
    record = application(S.APPLIED, summary="摘要")
    version = record.version
    before = AuditEvent.objects.count()

    returned = wf.perform(FLOW, record, "review", staff, on=dt.date(2025, 3, 3), days=2)

    assert returned is record
    assert (record.state, record.version) == (S.REVIEWED, version + 1)
    assert record.publicity_until == dt.date(2025, 3, 4)
    assert AuditEvent.objects.count() == before + 1
    [event] = events(record)
    assert event.actor_id == staff.pk
    assert event.changes == {
        "state": [S.APPLIED, S.REVIEWED],
        "publicity_until": [None, "2025-03-04"],
    }
    assert event.comment == "Review"
    [notice] = Notification.objects.all()
    assert (notice.recipient, notice.title, notice.url) == (
        applicant,
        "测试研究开发中心: Review",
        "/x/",
    )


def test_the_comment_is_the_event_s_and_a_step_that_needs_one_refuses_without(application, staff):
    record = application(S.APPLIED)
    with pytest.raises(wf.CommentRequiredError, match="needs a comment") as refused:
        wf.perform(FLOW, record, "reject", staff, comment="  ")
    assert refused.value.field is None
    wf.perform(FLOW, record, "reject", staff, comment=" 材料不全 ")
    [event] = events(record)
    assert event.comment == "材料不全"


def test_refusals_change_nothing(application, staff, make_user):
    record = application(S.APPLIED)
    with pytest.raises(PermissionDenied):
        wf.perform(FLOW, record, "apply", make_user(RoleCode.EXPERT))
    with pytest.raises(wf.WrongDateError, match="cannot be in the future"):
        wf.perform(FLOW, record, "reject", staff, comment="x", on=dt.date.today() + dt.timedelta(2))
    with pytest.raises(GuardError, match="summary first") as refused:
        wf.perform(FLOW, record, "review", staff)
    assert isinstance(refused.value, DomainError) and refused.value.field == "summary"
    record.refresh_from_db()
    assert (record.state, record.version) == (S.APPLIED, 1)
    assert not events(record).exists()
    assert not Notification.objects.exists()


def test_the_state_is_read_under_the_lock_so_the_second_of_two_is_told(application, staff):
    record = application(S.APPLIED)
    seen_by_other = CertificationApplication.objects.get(pk=record.pk)
    wf.perform(FLOW, record, "reject", staff, comment="不符合")

    assert seen_by_other.state == S.APPLIED  # what the second person's page showed
    with pytest.raises(wf.WrongStateError) as refused:
        wf.perform(FLOW, seen_by_other, "apply", staff)
    assert str(refused.value) == (
        "This application is now “Rejected”; “Submit the application” is possible only when it "
        "is “Draft”. Someone may have acted on it before you: reload the page to see its current "
        "state."
    )
    assert events(record).count() == 1


def test_the_row_is_locked(application, staff):
    record = application(S.DRAFT)
    with CaptureQueriesContext(connection) as queries:
        wf.perform(FLOW, record, "apply", staff)
    if connection.features.has_select_for_update_of:
        assert any("FOR UPDATE OF" in q["sql"] for q in queries.captured_queries)


def test_available_steps_follow_state_and_permission(application, staff, make_user):
    record = application(S.APPLIED)
    assert [t.id for t in FLOW.available(record, staff)] == ["reject", "review"]
    assert FLOW.available(record, make_user(RoleCode.EXPERT)) == []


def test_the_area_names_its_errors_and_may_record_the_step_id(application, staff):
    class Refused(DomainError):
        pass

    flow = wf.Workflow(
        CertificationApplication,
        S,
        TRANSITIONS,
        MESSAGE,
        record_transition_id=True,
        wrong_state_error=Refused,
        comment_error=Refused,
        comment_field="comment",
    )
    record = application(S.DRAFT)
    with pytest.raises(Refused) as refused:
        wf.perform(flow, record, "reject", staff)
    assert refused.value.field == "comment"
    with pytest.raises(Refused, match="now “Draft”"):
        wf.perform(flow, record, "reject", staff, comment="x")
    wf.perform(flow, record, "apply", staff)
    [event] = events(record)
    assert event.changes == {"transition": [None, "apply"], "state": [S.DRAFT, S.APPLIED]}


def test_a_step_written_as_the_consequence_of_another(application, staff):
    record = application(S.APPLIED)
    with wf.acting(staff):
        wf.write(FLOW, record, FLOW.transition("reject"), comment="随另一步")
    wf.reload(record)
    assert record.state == S.REJECTED
    [event] = events(record)
    assert (event.comment, event.actor_id) == ("随另一步", staff.pk)


def test_domain_error():
    error = DomainError(gettext_lazy("Reject"), "comment")
    assert (str(error), error.message, error.field) == ("Reject", error.message, "comment")
    assert str(DomainError("x")) == "x" and DomainError("x").field is None
    with translation.override("zh-hans"):
        assert str(error) != "Reject"


def test_working_days():
    assert wf.add_working_days(dt.date(2025, 3, 3), 5) == dt.date(2025, 3, 7)
    assert wf.add_working_days(dt.date(2025, 3, 8), 1) == dt.date(2025, 3, 10)
    assert wf.add_working_days(dt.date(2025, 3, 7), 2) == dt.date(2025, 3, 10)
    with pytest.raises(ValueError):
        wf.add_working_days(dt.date(2025, 3, 3), 0)
