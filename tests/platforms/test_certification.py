"""The certification application workflow: every transition is open to the role (and data
scope) that owns the step and to nobody else, is refused with a clear message in a wrong state
(also when someone else acted first), and leaves one audit event; and its pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kechuang.accounts.enums import RoleCode
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.enums import CodeList
from kechuang.platforms.domain import certification as workflow
from kechuang.platforms.enums import ApplicationState as S
from kechuang.platforms.enums import RDEventKind, RDLevel
from kechuang.platforms.models import CertificationApplication, RDInstitution
from kechuang.registry.enums import OrganisationKind
from tests.factories import OrganisationFactory, TownFactory

MONDAY = dt.date(2025, 3, 3)
ACTORS = ("ours", "theirs", "east_officer", "west_officer", "staff", "leader")


class World:
    """Two towns with an enterprise each; the enterprises' users, each town's officer, bureau
    staff and a bureau leader (from the shipped roles and their grants)."""

    def __init__(self, reference_data, make_user):
        self.east, self.west = TownFactory(name="东测镇"), TownFactory(name="西测镇")
        self.our_org = OrganisationFactory(name="东方测试材料有限公司", town=self.east)
        self.their_org = OrganisationFactory(name="西方测试电子有限公司", town=self.west)
        self.ours = make_user(RoleCode.ORGANISATION, organisation=self.our_org)
        self.theirs = make_user(RoleCode.ORGANISATION, organisation=self.their_org)
        self.east_officer = make_user(RoleCode.TOWN_OFFICER, department=self.east.office)
        self.west_officer = make_user(RoleCode.TOWN_OFFICER, department=self.west.office)
        self.staff = make_user(RoleCode.STAFF)
        self.other_staff = make_user(RoleCode.STAFF)
        self.leader = make_user(RoleCode.LEADER)
        self.level = reference_data.code_item(CodeList.RD_LEVEL, RDLevel.PROVINCIAL_RD_CENTRE)

    def application(self, state=S.DRAFT, applicant=None, **fields):
        fields.setdefault("name", "东方测试省级高新技术企业研究开发中心")
        return CertificationApplication.objects.create(
            applicant=applicant or self.our_org,
            level=self.level,
            year=2025,
            state=state,
            publicity_until=MONDAY + dt.timedelta(days=4) if state == S.PUBLICITY else None,
            **fields,
        )


@pytest.fixture
def w(reference_data, make_user):
    return World(reference_data, make_user)


@pytest.fixture(autouse=True)
def english(client, settings):
    """Messages are asserted in English (the msgids), whatever the catalogues hold."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


# Who performs which step, from which state, with what input.
STEPS = {
    "apply": (S.DRAFT, {"ours", "staff"}, {}),
    "recommend": (S.APPLIED, {"east_officer"}, {}),
    "town_reject": (S.APPLIED, {"east_officer"}, {"comment": "材料不全"}),
    "review": (S.RECOMMENDED, {"staff"}, {}),
    "bureau_reject": (S.RECOMMENDED, {"staff"}, {"comment": "不符合条件"}),
    "publicise": (S.REVIEWED, {"staff"}, {"on": MONDAY}),
    "certify": (S.PUBLICITY, {"staff"}, {"on": MONDAY + dt.timedelta(days=7)}),
    "final_reject": (S.PUBLICITY, {"staff"}, {"comment": "公示期收到异议"}),
}


def transition_events(application):
    return AuditEvent.objects.filter(
        action=AuditAction.TRANSITION,
        model="platforms.certificationapplication",
        object_id=str(application.pk),
    )


def test_every_transition_is_covered():
    assert set(STEPS) == set(workflow.BY_ID)
    assert {t.id for t in workflow.TRANSITIONS if t.needs_comment} == {
        "town_reject",
        "bureau_reject",
        "final_reject",
    }


@pytest.mark.parametrize("step_id", list(STEPS))
def test_the_allowed_actor_performs_the_step_and_it_is_audited(w, step_id):
    state, allowed, kwargs = STEPS[step_id]
    step = workflow.BY_ID[step_id]
    for actor in sorted(allowed):
        application = w.application(state)
        version = application.version

        workflow.perform(application, step_id, getattr(w, actor), **kwargs)

        assert application.state == step.to_state
        assert application.version == version + 1
        stored = CertificationApplication.objects.get(pk=application.pk)
        assert stored.state == step.to_state
        [event] = transition_events(application)
        assert event.changes["state"] == [state, step.to_state]
        assert event.actor_id == getattr(w, actor).pk
        assert event.comment == kwargs.get("comment", str(step.label))


@pytest.mark.parametrize("step_id", list(STEPS))
def test_every_other_role_or_scope_is_denied(w, step_id):
    state, allowed, kwargs = STEPS[step_id]
    application = w.application(state)
    for actor in set(ACTORS) - allowed:
        with pytest.raises(PermissionDenied):
            workflow.perform(application, step_id, getattr(w, actor), **kwargs)
    application.refresh_from_db()
    assert application.state == state
    assert not transition_events(application).exists()


@pytest.mark.parametrize("step_id", list(STEPS))
def test_a_wrong_state_is_refused_with_a_clear_message(w, step_id):
    _state, allowed, kwargs = STEPS[step_id]
    step = workflow.BY_ID[step_id]
    actor = getattr(w, sorted(allowed)[0])
    for state in set(S.values) - set(step.from_states):
        application = w.application(state)
        with pytest.raises(workflow.WrongStateError) as refused:
            workflow.perform(application, step_id, actor, **kwargs)
        message = str(refused.value)
        assert str(S(state).label) in message and str(step.label) in message
        application.refresh_from_db()
        assert application.state == state
        assert not transition_events(application).exists()


def test_two_staff_at_once_one_wins_the_other_sees_the_changed_state(w):
    application = w.application(S.RECOMMENDED)
    first = CertificationApplication.objects.get(pk=application.pk)
    second = CertificationApplication.objects.get(pk=application.pk)

    workflow.perform(first, "review", w.staff)
    with pytest.raises(workflow.WrongStateError, match="Reviewed by the bureau"):
        workflow.perform(second, "review", w.other_staff)

    assert second.state == S.RECOMMENDED  # the loser's copy is as it was
    assert CertificationApplication.objects.get(pk=application.pk).state == S.REVIEWED
    assert transition_events(application).count() == 1


def test_rejecting_needs_a_reason(w):
    application = w.application(S.APPLIED)
    with pytest.raises(workflow.CommentRequiredError):
        workflow.perform(application, "town_reject", w.east_officer, comment="  ")
    application.refresh_from_db()
    assert application.state == S.APPLIED


def test_publicity_lasts_working_days_and_certification_waits_for_its_end(w):
    application = w.application(S.REVIEWED)
    workflow.perform(application, "publicise", w.staff, on=dt.date(2025, 3, 6))  # a Thursday
    assert application.publicity_until == dt.date(2025, 3, 12)  # Thu, Fri, Mon, Tue, Wed

    with pytest.raises(workflow.PublicityNotOverError):
        workflow.perform(application, "certify", w.staff, on=dt.date(2025, 3, 12))
    assert not RDInstitution.objects.exists()

    workflow.perform(
        application, "certify", w.staff, on=dt.date(2025, 3, 13), document_number="浙科〔2025〕8号"
    )
    institution = application.institution
    assert application.state == S.CERTIFIED
    assert (institution.host, institution.name, institution.level) == (
        w.our_org,
        application.name,
        w.level,
    )
    assert (institution.certified_year, institution.certified_on) == (2025, dt.date(2025, 3, 13))
    assert institution.document_number == "浙科〔2025〕8号"
    assert institution.events.get().kind == RDEventKind.CERTIFIED
    assert institution.in_force_on(dt.date(2025, 3, 13))
    event = transition_events(application).order_by("id").last()
    assert event.changes["institution"] == [None, institution.pk]


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        (dt.date(2025, 3, 3), 5, dt.date(2025, 3, 7)),
        (dt.date(2025, 3, 7), 5, dt.date(2025, 3, 13)),
        (dt.date(2025, 3, 8), 5, dt.date(2025, 3, 14)),
        (dt.date(2025, 3, 9), 1, dt.date(2025, 3, 10)),
    ],
)
def test_working_days(start, days, end):
    assert workflow.add_working_days(start, days) == end


def test_available_steps_and_queues(w):
    applied = w.application(S.APPLIED)
    assert [t.id for t in workflow.available(applied, w.east_officer)] == [
        "recommend",
        "town_reject",
    ]
    assert workflow.available(applied, w.west_officer) == []
    assert workflow.available(applied, w.staff) == []
    assert workflow.queue_states(w.east_officer) == [S.APPLIED]
    assert workflow.queue_states(w.staff) == [S.RECOMMENDED, S.REVIEWED, S.PUBLICITY]
    assert workflow.queue_states(w.ours) == [S.DRAFT]
    assert workflow.queue_states(w.leader) == []


# Pages ---------------------------------------------------------------------------------------


def detail(application):
    return reverse("platforms:application-detail", args=[application.pk])


def step_url(application, step_id):
    return reverse("platforms:application-transition", args=[application.pk, step_id])


def test_list_shows_only_applications_in_scope_with_queues(client, w):
    ours = w.application(S.APPLIED)
    theirs = w.application(S.RECOMMENDED, applicant=w.their_org, name="西方测试研发中心")
    url = reverse("platforms:application-list")

    for user, shown, hidden in [
        (w.ours, ours, theirs),
        (w.theirs, theirs, ours),
        (w.east_officer, ours, theirs),
        (w.west_officer, theirs, ours),
    ]:
        client.force_login(user)
        page = client.get(url).content.decode()
        assert shown.name in page and hidden.name not in page, user

    client.force_login(w.staff)
    assert ours.name in client.get(url).content.decode()
    applied = client.get(url, {"state": S.APPLIED}).content.decode()
    assert ours.name in applied and theirs.name not in applied
    todo = client.get(url, {"state": "todo"}).content.decode()
    assert theirs.name in todo and ours.name not in todo  # staff act on recommended ones


def test_list_query_count_does_not_grow_with_rows(client, w):
    client.force_login(w.staff)
    url = reverse("platforms:application-list")
    w.application(S.APPLIED)
    client.get(url)  # fills the per-process choice cache

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(5):
        w.application(S.APPLIED, applicant=OrganisationFactory(town=w.west))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_detail_is_404_out_of_scope_and_shows_the_steps_in_scope(client, w):
    application = w.application(S.APPLIED)

    for user in (w.theirs, w.west_officer):
        client.force_login(user)
        assert client.get(detail(application)).status_code == 404

    client.force_login(w.leader)
    page = client.get(detail(application)).content.decode()
    assert application.name in page and 'data-transition="' not in page

    client.force_login(w.east_officer)
    page = client.get(detail(application)).content.decode()
    assert 'data-transition="recommend"' in page and 'data-transition="town_reject"' in page


def test_posting_a_step(client, w):
    application = w.application(S.DRAFT)

    client.force_login(w.theirs)
    assert client.post(step_url(application, "apply")).status_code == 404
    client.force_login(w.leader)
    assert client.post(step_url(application, "apply")).status_code == 403
    client.force_login(w.east_officer)
    response = client.post(step_url(application, "recommend"), follow=True)  # not yet applied
    assert "is possible only when it is" in response.content.decode()
    application.refresh_from_db()
    assert application.state == S.DRAFT

    client.force_login(w.ours)
    assert client.get(step_url(application, "apply")).status_code == 405
    assert client.post(step_url(application, "no_such_step")).status_code == 404
    response = client.post(step_url(application, "apply"), {"apply-comment": "请审核"})
    assert response.status_code == 302 and response.url == detail(application)
    application.refresh_from_db()
    assert application.state == S.APPLIED
    assert transition_events(application).get().comment == "请审核"

    page = client.get(detail(application)).content.decode()
    assert "请审核" in page  # the timeline

    # Applying again (a second tab): the page comes back with the message, nothing changes.
    response = client.post(step_url(application, "apply"), follow=True)
    assert "Someone may have acted on it before you" in response.content.decode()
    assert transition_events(application).count() == 1


def test_a_rejection_without_reason_comes_back_with_the_form_error(client, w):
    application = w.application(S.APPLIED)
    client.force_login(w.east_officer)

    response = client.post(step_url(application, "town_reject"), {"town_reject-comment": ""})

    assert response.status_code == 400
    assert 'data-field-error="comment"' in response.content.decode()
    application.refresh_from_db()
    assert application.state == S.APPLIED

    response = client.post(
        step_url(application, "town_reject"), {"town_reject-comment": "材料不全"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == S.REJECTED


def on_day(monkeypatch, day: dt.date) -> None:
    """Make ``day`` the server's today (``timezone.localdate()`` without arguments)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def test_publicise_and_certify_through_the_page(client, w, monkeypatch):
    application = w.application(S.REVIEWED)
    client.force_login(w.staff)
    today = timezone.localdate()
    page = client.get(detail(application)).content.decode()
    assert 'name="publicise-on"' not in page  # the date is the server's, not typed

    client.post(
        step_url(application, "publicise"),
        # A date typed anyway is ignored: the publicity starts today.
        {"publicise-on": "2020-01-06", "publicise-publicity_days": "5"},
    )
    application.refresh_from_db()
    until = workflow.add_working_days(today, 5)
    assert (application.state, application.publicity_until) == (S.PUBLICITY, until)

    # Certifying on the day the publicity starts, or with a date typed after its end: refused.
    response = client.post(
        step_url(application, "certify"),
        {"certify-on": "2099-01-01", "certify-document_number": "浙科〔2025〕8号"},
        follow=True,
    )
    assert "once it is over" in response.content.decode()
    application.refresh_from_db()
    assert application.state == S.PUBLICITY and not RDInstitution.objects.exists()

    on_day(monkeypatch, until)  # the last day of the publicity
    client.post(step_url(application, "certify"), {"certify-document_number": "浙科〔2025〕8号"})
    application.refresh_from_db()
    assert application.state == S.PUBLICITY

    on_day(monkeypatch, until + dt.timedelta(days=1))
    client.post(step_url(application, "certify"), {"certify-document_number": "浙科〔2025〕8号"})
    application.refresh_from_db()
    assert application.state == S.CERTIFIED
    assert application.institution.document_number == "浙科〔2025〕8号"
    assert application.institution.certified_on == until + dt.timedelta(days=1)


def test_a_publicity_started_today_cannot_be_certified_today(w):
    application = w.application(S.REVIEWED)
    workflow.perform(application, "publicise", w.staff)
    assert application.publicity_until >= timezone.localdate()

    with pytest.raises(workflow.PublicityNotOverError):
        workflow.perform(application, "certify", w.staff)

    application.refresh_from_db()
    assert application.state == S.PUBLICITY
    assert not RDInstitution.objects.exists()


def test_a_step_cannot_be_dated_in_the_future(w):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    reviewed = w.application(S.REVIEWED)
    with pytest.raises(workflow.WrongDateError, match="cannot be in the future"):
        workflow.perform(reviewed, "publicise", w.staff, on=tomorrow)
    in_publicity = w.application(S.PUBLICITY)  # its publicity ended long ago
    with pytest.raises(workflow.WrongDateError):
        workflow.perform(in_publicity, "certify", w.staff, on=dt.date(2099, 1, 1))

    for application, state in ((reviewed, S.REVIEWED), (in_publicity, S.PUBLICITY)):
        application.refresh_from_db()
        assert application.state == state
        assert not transition_events(application).exists()


def test_a_publicity_cannot_start_before_the_last_step(w):
    application = w.application(S.RECOMMENDED)
    workflow.perform(application, "review", w.staff)  # reviewed today
    sixty_days_ago = timezone.localdate() - dt.timedelta(days=60)

    with pytest.raises(workflow.WrongDateError, match="before the application's last step"):
        workflow.perform(application, "publicise", w.staff, on=sixty_days_ago)

    application.refresh_from_db()
    assert (application.state, application.publicity_until) == (S.REVIEWED, None)
    assert transition_events(application).count() == 1


def test_certification_needs_a_publicity_period(w):
    application = w.application(S.PUBLICITY)
    CertificationApplication.objects.filter(pk=application.pk).update(publicity_until=None)

    with pytest.raises(workflow.PublicityNotOverError):
        workflow.perform(application, "certify", w.staff)
    assert not RDInstitution.objects.exists()


def test_an_enterprise_user_drafts_for_their_own_enterprise(client, w):
    client.force_login(w.ours)
    url = reverse("platforms:application-create")
    page = client.get(url).content.decode()
    assert 'name="applicant_code"' not in page and w.our_org.name in page

    response = client.post(
        url, {"name": "东方测试研发中心", "level": w.level.pk, "year": 2025, "summary": "简介"}
    )

    application = CertificationApplication.objects.get(name="东方测试研发中心")
    assert response.status_code == 302 and response.url == detail(application)
    assert (application.applicant, application.state, application.created_by) == (
        w.our_org,
        S.DRAFT,
        w.ours,
    )


def test_staff_name_the_enterprise_by_its_credit_code(client, w):
    client.force_login(w.staff)
    url = reverse("platforms:application-create")
    data = {"name": "西方测试研发中心", "level": w.level.pk, "year": 2025}

    response = client.post(url, {**data, "applicant_code": "91330482000000000X"})
    assert response.status_code == 200 and 'data-field-error="applicant_code"' in (
        response.content.decode()
    )

    school = OrganisationFactory(kind=OrganisationKind.SCHOOL, town=w.west)
    response = client.post(url, {**data, "applicant_code": school.uscc})
    assert response.status_code == 200 and 'data-testid="form-errors"' in (
        response.content.decode()
    )

    response = client.post(url, {**data, "applicant_code": w.their_org.uscc.lower()})
    assert response.status_code == 302
    assert CertificationApplication.objects.get(name="西方测试研发中心").applicant == w.their_org


def test_who_may_create_and_edit(client, w):
    application = w.application(S.DRAFT)
    edit = reverse("platforms:application-edit", args=[application.pk])

    for user in (w.east_officer, w.leader):
        client.force_login(user)
        assert client.get(reverse("platforms:application-create")).status_code == 403
        assert client.get(edit).status_code == 403
    client.force_login(w.theirs)
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"name": "改名"}).status_code == 404

    client.force_login(w.ours)
    data = {"name": "改名研发中心", "level": w.level.pk, "year": 2025, "version": 1}
    assert client.post(edit, data).status_code == 302
    application.refresh_from_db()
    assert (application.name, application.version) == ("改名研发中心", 2)

    stale = client.post(edit, {**data, "name": "旧版本的改名"})
    assert 'data-testid="form-errors"' in stale.content.decode()

    workflow.perform(application, "apply", w.ours)
    response = client.post(edit, {**data, "name": "提交后改名", "version": 3}, follow=True)
    assert "Only a draft can be edited" in response.content.decode()
    application.refresh_from_db()
    assert application.name == "改名研发中心"


def test_save_draft_refuses_an_application_no_longer_in_draft(w):
    application = w.application(S.DRAFT)
    stale = CertificationApplication.objects.get(pk=application.pk)
    workflow.perform(application, "apply", w.ours)

    stale.name = "偷偷改名"
    with pytest.raises(workflow.NotEditableError):
        workflow.save_draft(stale, w.ours, stale.version)
    application.refresh_from_db()
    assert application.name != "偷偷改名"


def test_the_list_exports_exactly_the_filtered_applications(client, w):
    """The list's Excel export: the applications in scope that the filters keep (the queue
    "waiting for me" too), for whoever may export the platforms' lists; no import."""
    import io

    from python_calamine import CalamineWorkbook

    from kechuang.core.domain.imports import importer_for

    applied = w.application(S.APPLIED)
    recommended = w.application(S.RECOMMENDED, applicant=w.their_org, name="西方测试研发中心")
    export = reverse("platforms:application-export")

    def rows(query=""):
        response = client.get(export + query)
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        return sheet.to_python()

    client.force_login(w.staff)
    page = client.get(reverse("platforms:application-list")).content.decode()
    every, todo = rows(), rows("?state=todo")

    assert export in page
    assert every[0][:4] == ["申请单位统一社会信用代码", "申请单位名称", "拟认定名称", "申报级别"]
    assert sorted(row[2] for row in every[1:]) == sorted([applied.name, recommended.name])
    assert [row[2] for row in todo[1:]] == [recommended.name]
    assert [row[1] for row in rows(f"?q={w.our_org.name}")[1:]] == [w.our_org.name]
    client.force_login(w.east_officer)  # sees the list, may not export it
    assert export not in client.get(reverse("platforms:application-list")).content.decode()
    assert client.get(export).status_code == 403
    with pytest.raises(KeyError):
        importer_for("platforms.certificationapplication")
