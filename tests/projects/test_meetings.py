"""Acceptance (验收) meetings through their pages: the meeting and its sessions, scheduling only
projects that applied for acceptance, a panel that refuses conflicted experts, conclusions that
move the project (dated on the meeting's day, audited), and the printable sign-in and score
sheets."""

import datetime as dt
import html
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.projects.domain import meetings
from kechuang.projects.domain.meetings import MeetingError
from kechuang.projects.domain.workflow import WrongStateError
from kechuang.projects.enums import Conclusion, PanelRole, State
from kechuang.projects.models import (
    AcceptanceMeeting,
    MeetingSession,
    PanelMember,
    SessionProject,
)
from kechuang.registry.domain.uscc import make_uscc
from tests.factories import OrganisationFactory

from .factories import ApplicationFactory, ExpertFactory, ProjectWorld, put_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


class MeetingWorld(ProjectWorld):
    """The project world with a meeting held three days ago (morning and afternoon sessions),
    delegated to an agency, and two projects that have applied for acceptance."""

    def __init__(self, make_user):
        super().__init__(make_user)
        self.agency = OrganisationFactory(name="浙江省科技评估和成果转化中心（测试）")
        self.meeting = AcceptanceMeeting.objects.create(
            code="test-acceptance-1",
            name="2020年第三批科技计划项目验收会",
            year=2020,
            batch=3,
            held_on=timezone.localdate() - dt.timedelta(days=3),
            place="平湖市科技局三楼会议室",
            agency=self.agency,
        )
        self.morning = MeetingSession.objects.create(
            meeting=self.meeting, name="上午", starts_at=dt.time(9), ends_at=dt.time(12), sort=1
        )
        self.afternoon = MeetingSession.objects.create(
            meeting=self.meeting, name="下午", starts_at=dt.time(14), ends_at=dt.time(17), sort=2
        )
        self.robot = put_in_state(self.application, State.ACCEPTANCE_APPLIED)
        self.second = put_in_state(
            ApplicationFactory(
                call=self.call,
                undertaker=self.other_enterprise,
                name="一种高效节能电机",
                leader_name="李工",
            ),
            State.ACCEPTANCE_APPLIED,
        )


@pytest.fixture
def w(make_user):
    return MeetingWorld(make_user)


def detail(w) -> str:
    return reverse("projects:meeting-detail", args=[w.meeting.pk])


def follow_post(client, url, data=None) -> str:
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def schedule(client, w, application, session=None) -> str:
    session = session or w.morning
    return follow_post(
        client,
        reverse("projects:meeting-schedule", args=[w.meeting.pk]),
        {"session": session.pk, "application": application.pk},
    )


# The meeting and its sessions --------------------------------------------------------------------


def test_staff_create_a_meeting_delegated_by_credit_code_and_its_sessions(client, w):
    client.force_login(w.staff)
    data = {
        "code": "test-acceptance-2",
        "name": "职业中专项目验收会",
        "year": "2021",
        "batch": "",
        "held_on": "2021-06-18",
        "place": "平湖市职业中专",
        "agency": w.agency.uscc,
        "note": "",
        "version": "",
    }
    response = client.post(reverse("projects:meeting-create"), data)
    assert response.status_code == 302
    meeting = AcceptanceMeeting.objects.get(code="test-acceptance-2")
    assert meeting.agency == w.agency and meeting.created_by == w.staff

    code = make_uscc(87_000_001)
    unknown = client.post(
        reverse("projects:meeting-create"), {**data, "code": "x-3", "agency": code}
    ).content.decode()
    assert f"No registered organisation has the unified social credit code “{code}”" in unknown
    assert not AcceptanceMeeting.objects.filter(code="x-3").exists()

    url = reverse("projects:session-create", args=[meeting.pk])
    bad = client.post(url, {"name": "上午", "starts_at": "12:00", "ends_at": "09:00", "sort": "1"})
    assert "A session ends after it starts." in bad.content.decode()
    assert client.post(url, {"name": "上午", "starts_at": "09:00", "ends_at": "12:00", "sort": "1"})
    assert list(meeting.sessions.values_list("name", flat=True)) == ["上午"]

    page = client.get(reverse("projects:meeting-detail", args=[meeting.pk])).content.decode()
    assert "职业中专项目验收会" in page and w.agency.name in page and "上午" in page


def test_an_edit_names_its_version(client, w):
    client.force_login(w.staff)
    url = reverse("projects:meeting-edit", args=[w.meeting.pk])
    data = {
        "code": w.meeting.code,
        "name": "改名后的验收会",
        "year": "2020",
        "batch": "3",
        "held_on": w.meeting.held_on.isoformat(),
        "place": w.meeting.place,
        "agency": w.agency.uscc,
        "note": "",
        "version": "1",
    }
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "name": "过期的修改"})
    assert "Someone else changed this record" in stale.content.decode()
    w.meeting.refresh_from_db()
    assert w.meeting.name == "改名后的验收会" and w.meeting.version == 2


def test_who_reads_and_who_edits_meetings(client, w):
    client.force_login(w.leader)  # reads, does not edit
    assert client.get(reverse("projects:meeting-list")).status_code == 200
    page = client.get(detail(w)).content.decode()
    assert w.meeting.name in page and 'data-testid="schedule-form"' not in page
    assert client.get(reverse("projects:meeting-edit", args=[w.meeting.pk])).status_code == 403
    response = client.post(
        reverse("projects:meeting-schedule", args=[w.meeting.pk]),
        {"session": w.morning.pk, "application": w.robot.pk},
    )
    assert response.status_code == 403
    assert not SessionProject.objects.exists()
    for user in (w.officer, w.applicant, w.expert):
        client.force_login(user)
        assert client.get(reverse("projects:meeting-list")).status_code == 403
        assert client.get(detail(w)).status_code in (403, 404)
        assert client.get(reverse("projects:meeting-sign-in", args=[w.meeting.pk])).status_code in (
            403,
            404,
        )


# Scheduling ------------------------------------------------------------------------------------


def offered(client, w) -> str:
    """The project select of the scheduling form."""
    page = client.get(detail(w)).content.decode()
    start = page.index('id="id_application"')
    return page[start : page.index("</select>", start)]


def test_only_projects_that_applied_for_acceptance_are_scheduled(client, w):
    running = put_in_state(
        ApplicationFactory(call=w.call, undertaker=w.enterprise, name="还在实施的项目"),
        State.IN_PROGRESS,
    )
    client.force_login(w.staff)
    form = offered(client, w)
    assert f'value="{w.robot.pk}"' in form and f'value="{w.second.pk}"' in form
    assert f'value="{running.pk}"' not in form

    page = schedule(client, w, running)
    assert "Only a project that has applied for acceptance can be scheduled" in page
    assert not SessionProject.objects.exists()
    with pytest.raises(WrongStateError):
        meetings.schedule(w.morning, running, w.staff)

    page = schedule(client, w, w.robot)
    assert "is on the agenda of 上午" in page
    schedule(client, w, w.second, w.afternoon)
    assert list(
        SessionProject.objects.order_by("session__sort").values_list("application__name", flat=True)
    ) == [w.robot.name, w.second.name]

    again = schedule(client, w, w.robot, w.afternoon)
    assert "This project is on this meeting's agenda already." in again
    assert f'value="{w.robot.pk}"' not in offered(client, w)  # no longer offered


def test_a_project_comes_off_the_agenda_until_concluded(client, w):
    slot = meetings.schedule(w.morning, w.robot, w.staff)
    client.force_login(w.staff)
    url = reverse("projects:meeting-unschedule", args=[w.meeting.pk, slot.pk])
    assert "taken off the agenda" in follow_post(client, url)
    assert not SessionProject.objects.exists()


# The panel -------------------------------------------------------------------------------------


def test_the_panel_refuses_a_conflicted_expert(client, w):
    meetings.schedule(w.morning, w.robot, w.staff)
    chair = ExpertFactory(name="组长专家")
    colleague = ExpertFactory(name="同单位专家", organisation=w.enterprise)
    declared = ExpertFactory(name="声明关联专家", declared_organisations=[w.partner])
    client.force_login(w.staff)
    add = reverse("projects:meeting-panel-add", args=[w.meeting.pk])

    page = follow_post(client, add, {"expert": chair.pk, "role": PanelRole.CHAIR})
    assert "组长专家 joined the panel." in page
    for expert in (colleague, declared):
        page = follow_post(client, add, {"expert": expert.pk, "role": PanelRole.MEMBER})
        assert (
            f"{expert.name} is conflicted with a project of this meeting and cannot sit on its "
            "panel." in page
        )
    assert list(w.meeting.panel.values_list("expert__name", flat=True)) == ["组长专家"]

    second_chair = ExpertFactory(name="第二位组长")
    page = follow_post(client, add, {"expert": second_chair.pk, "role": PanelRole.CHAIR})
    assert "The panel has a chair already." in page

    # Found by name, a conflicted expert is shown with the reason and no button.
    page = client.get(detail(w), {"expert_q": "同单位"}).content.decode()
    assert f'data-found="{colleague.pk}"' in page
    found = page[page.index(f'data-found="{colleague.pk}"') :]
    assert "The expert works for the undertaking organisation." in found[:2000]
    assert 'data-testid="add-member"' not in found[:2000]


def test_a_project_conflicted_with_the_panel_is_not_scheduled(client, w):
    colleague = ExpertFactory(name="同单位专家", organisation=w.enterprise)
    PanelMember.objects.create(meeting=w.meeting, expert=colleague)
    client.force_login(w.staff)
    page = schedule(client, w, w.robot)
    assert "Panel members 同单位专家 are conflicted with this project" in page
    assert not SessionProject.objects.exists()


# Conclusions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conclusion", "state", "step", "opinion"),
    [
        (Conclusion.PASS, State.ACCEPTED, "accept", "完成任务书规定的各项指标。"),
        (Conclusion.RECONSIDER, State.RECONSIDER, "accept_reconsider", "财务资料不全，需补充。"),
        (Conclusion.FAIL, State.ACCEPTANCE_FAILED, "accept_fail", "主要指标未完成。"),
    ],
)
def test_a_conclusion_moves_the_project_on_the_meetings_day(
    client, w, conclusion, state, step, opinion
):
    slot = meetings.schedule(w.morning, w.robot, w.staff)
    client.force_login(w.staff)
    url = reverse("projects:meeting-conclude", args=[w.meeting.pk, slot.pk])
    prefix = f"slot{slot.pk}"
    page = follow_post(
        client, url, {f"{prefix}-conclusion": conclusion, f"{prefix}-opinion": opinion}
    )
    assert f"recorded on {w.meeting.held_on.isoformat()}" in page

    w.robot.refresh_from_db()
    slot.refresh_from_db()
    assert w.robot.state == state
    assert w.robot.conclusion == conclusion
    assert w.robot.concluded_on == w.meeting.held_on  # the meeting's day, not today
    assert slot.conclusion == conclusion and slot.opinion == opinion
    event = AuditEvent.objects.filter(
        action=AuditAction.TRANSITION, model="projects.application", object_id=str(w.robot.pk)
    ).get()
    assert event.changes["transition"] == [None, step]
    assert event.changes["concluded_on"][1] == w.meeting.held_on.isoformat()
    assert event.comment == opinion

    again = follow_post(client, url, {f"{prefix}-conclusion": Conclusion.PASS})
    assert "This project's conclusion has been recorded already" in again


def test_a_negative_conclusion_needs_the_opinion(client, w):
    slot = meetings.schedule(w.morning, w.robot, w.staff)
    client.force_login(w.staff)
    url = reverse("projects:meeting-conclude", args=[w.meeting.pk, slot.pk])
    prefix = f"slot{slot.pk}"
    page = follow_post(client, url, {f"{prefix}-conclusion": Conclusion.FAIL})
    assert "needs a comment" in page
    w.robot.refresh_from_db()
    slot.refresh_from_db()
    assert w.robot.state == State.ACCEPTANCE_APPLIED and not slot.conclusion


def test_no_conclusion_before_the_meeting(client, w):
    w.meeting.held_on = timezone.localdate() + dt.timedelta(days=5)
    w.meeting.save()
    slot = meetings.schedule(w.morning, w.robot, w.staff)
    with pytest.raises(MeetingError, match="once it has taken place"):
        meetings.conclude(slot, Conclusion.PASS, "", w.staff)
    client.force_login(w.staff)
    page = client.get(detail(w)).content.decode()
    assert 'data-testid="conclude-form"' not in page
    page = follow_post(
        client,
        reverse("projects:meeting-conclude", args=[w.meeting.pk, slot.pk]),
        {f"slot{slot.pk}-conclusion": Conclusion.PASS},
    )
    assert "conclusions are recorded once it has taken place" in page
    w.robot.refresh_from_db()
    assert w.robot.state == State.ACCEPTANCE_APPLIED


def test_the_panel_stays_once_conclusions_are_recorded(client, w):
    member = PanelMember.objects.create(meeting=w.meeting, expert=ExpertFactory(name="已评专家"))
    slot = meetings.schedule(w.morning, w.robot, w.staff)
    meetings.conclude(slot, Conclusion.PASS, "通过", w.staff)
    client.force_login(w.staff)
    page = follow_post(
        client, reverse("projects:meeting-panel-remove", args=[w.meeting.pk, member.pk])
    )
    assert "its members stay as they were" in page
    assert PanelMember.objects.filter(pk=member.pk).exists()


# Sheets ------------------------------------------------------------------------------------------


def workbook(response) -> CalamineWorkbook:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content))


def cells(sheet) -> list[list[str]]:
    return [[str(c) for c in row] for row in sheet.to_python()]


@pytest.fixture
def agenda(w):
    chair = ExpertFactory(name="王组长")
    member = ExpertFactory(name="陈专家")
    meetings.add_panel_member(w.meeting, member, w.staff)
    meetings.add_panel_member(w.meeting, chair, w.staff, role=PanelRole.CHAIR)
    meetings.schedule(w.morning, w.robot, w.staff)
    meetings.schedule(w.afternoon, w.second, w.staff)
    return w


def test_the_sign_in_sheet_has_a_page_per_session_with_the_panel_and_the_undertakers(
    client, agenda
):
    w = agenda
    client.force_login(w.leader)
    book = workbook(client.get(reverse("projects:meeting-sign-in", args=[w.meeting.pk])))
    assert book.sheet_names == ["上午", "下午"]
    morning = cells(book.get_sheet_by_name("上午"))
    assert w.meeting.name in morning[0][0]
    assert w.meeting.held_on.isoformat() in morning[1][0]
    assert w.meeting.place in morning[1][0] and "上午 09:00–12:00" in morning[1][0]
    assert w.agency.name in morning[2][0]
    header = morning[3]
    assert header[0] == "No." and header[-1] == "Signature"
    rows = morning[4:]
    names = [row[1] for row in rows]
    # The panel (chair first), then the morning's undertaker, then spare rows.
    assert rows[0][0] == "Expert panel"
    assert names[1:3] == ["王组长", "陈专家"]
    assert rows[1][4] == str(PanelRole.CHAIR.label)
    assert rows[3][0] == "Representatives of the undertaking organisations"
    assert rows[4][1:5] == [w.robot.leader_name, w.enterprise.name, "", w.robot.name]
    assert w.second.name not in "".join("".join(row) for row in morning)
    assert rows[5][0] == "Others attending" and len(rows) == 9
    assert all(row[-1] == "" for row in rows)  # blank signature cells
    assert [row[0] for row in rows if row[0].replace(".0", "").isdigit()] == [
        "1.0",
        "2.0",
        "3.0",
        "4.0",
        "5.0",
        "6.0",
    ]
    afternoon = cells(book.get_sheet_by_name("下午"))
    assert w.second.name in "".join("".join(row) for row in afternoon)
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, model="projects.acceptancemeeting"
    ).exists()


def test_the_score_sheet_has_a_page_per_project_with_the_calls_criteria(client, agenda):
    w = agenda
    w.robot.contract_number = "RW-2020-017"
    w.robot.save()
    client.force_login(w.staff)
    book = workbook(client.get(reverse("projects:meeting-score-sheet", args=[w.meeting.pk])))
    assert len(book.sheet_names) == 2
    assert book.sheet_names[0].startswith("1 ") and w.robot.name in book.sheet_names[0]
    rows = cells(book.get_sheet_by_index(0))
    text = "\n".join("|".join(row) for row in rows)
    assert rows[0][0] == "Acceptance score sheet"
    assert rows[1][0] == w.meeting.name
    assert "上午" in rows[2][0]
    facts = {row[0]: row[2] for row in rows if row[0] and len(row) > 2 and row[2]}
    assert facts["Project"] == w.robot.name
    assert facts["Undertaking organisation"] == w.enterprise.name
    assert facts["Task contract number"] == "RW-2020-017"
    header_at = next(i for i, row in enumerate(rows) if row[:2] == ["No.", "Criterion"])
    criteria = rows[header_at + 1 : header_at + 3]
    assert [(row[1], row[3], row[4], row[5]) for row in criteria] == [
        ("创新性", "0.6", "100.0", ""),
        ("可行性", "0.4", "100.0", ""),
    ]
    assert "Weighted score (Σ score × weight)" in text
    for label in Conclusion.labels:
        assert f"□ {label}" in text
    assert "Expert's signature:" in text and "Date:" in text

    second = "\n".join("|".join(r) for r in cells(book.get_sheet_by_index(1)))
    assert w.second.name in second and "下午" in second


def test_sheets_of_a_meeting_without_an_agenda_still_open(client, w):
    w.meeting.sessions.all().delete()
    client.force_login(w.staff)
    book = workbook(client.get(reverse("projects:meeting-sign-in", args=[w.meeting.pk])))
    rows = cells(book.get_sheet_by_index(0))
    assert rows[0][0].startswith(w.meeting.name)
    book = workbook(client.get(reverse("projects:meeting-score-sheet", args=[w.meeting.pk])))
    assert "No project is on this meeting's agenda yet." in cells(book.get_sheet_by_index(0))[0][0]


def test_the_meeting_page_shows_sessions_in_order_and_the_chair(client, agenda):
    w = agenda
    client.force_login(w.staff)
    page = client.get(detail(w)).content.decode()
    assert page.index(f'data-testid="session-{w.morning.pk}"') < page.index(
        f'data-testid="session-{w.afternoon.pk}"'
    )
    assert page.index(w.robot.name) < page.index(w.second.name)
    assert 'data-testid="chair"' in page
    assert w.agency.name in page
    assert page.count('data-testid="conclude-form"') == 2


# The same rules in the domain, whoever calls it --------------------------------------------------


def test_unscheduling_in_the_domain(w):
    slot = meetings.schedule(w.morning, w.robot, w.staff)
    with pytest.raises(PermissionDenied):
        meetings.unschedule(slot, w.leader)
    meetings.conclude(slot, Conclusion.PASS, "通过", w.staff)
    with pytest.raises(MeetingError, match="stays on the agenda"):
        meetings.unschedule(slot, w.staff)
    assert SessionProject.objects.filter(pk=slot.pk).exists()


def test_removing_a_panel_member_in_the_domain(w):
    member = PanelMember.objects.create(meeting=w.meeting, expert=ExpertFactory(name="组员专家"))
    with pytest.raises(PermissionDenied):
        meetings.remove_panel_member(member, w.applicant)
    meetings.remove_panel_member(member, w.staff)
    assert not PanelMember.objects.filter(pk=member.pk).exists()
