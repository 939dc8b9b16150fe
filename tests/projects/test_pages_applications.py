"""The pages of calls and applications: who reaches what (403 without the permission, 404 out of
scope, never an expert), the call's form with its criteria, questions and phases, the
applicant's form (own organisation, cooperators by code or name, answers, versioned edits,
closed calls, no edits after submission), the steps through POST (plain and HTMX), the
timeline, extensions, review scores, the projects list and its export."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.interfaces.excel import read_first_sheet
from kechuang.projects.domain import workflow
from kechuang.projects.enums import ExtensionState, ReviewState, State
from kechuang.projects.models import Application, Call, ExtensionRequest
from tests.factories import OrganisationFactory

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    CallFactory,
    ExpertFactory,
    ExtensionRequestFactory,
    FormFieldFactory,
    ProjectWorld,
    ReviewFactory,
    ScoreFactory,
    put_in_state,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(make_user):
    return ProjectWorld(make_user)


@pytest.fixture(autouse=True)
def english(client, settings):
    """Messages are asserted in English (the msgids), whatever the catalogues hold."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def get(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode() if status == 200 else response


def detail_url(application):
    return reverse("projects:application-detail", args=[application.pk])


def edit_url(application):
    return reverse("projects:application-edit", args=[application.pk])


def step_url(application, step):
    return reverse("projects:application-transition", args=[application.pk, step])


def application_data(**overrides):
    data = {
        "name": "一种智能防疫巡检机器人",
        "leader_name": "李工",
        "leader_phone": "13800000000",
        "tech_field": "",
        "starts_on": f"{timezone.localdate().year}-03-01",
        "ends_on": f"{timezone.localdate().year + 1}-12-31",
        "requested_funding": "60",
        "self_funding": "240",
        "content": "研制巡检机器人。",
        "cooperators_text": "",
        "version": "",
    }
    data.update(overrides)
    return data


# Who reaches which page -------------------------------------------------------------------------


PAGES_BY_ROLE = {
    # role: (calls list, call page, projects list, project page of the east enterprise)
    "staff": (200, 200, 200, 200),
    "leader": (200, 200, 200, 200),
    "officer": (200, 200, 200, 200),
    "other_officer": (200, 200, 200, 404),
    "applicant": (200, 200, 200, 200),
    "other_applicant": (200, 200, 200, 404),
    "expert": (403, 403, 403, 403),
}


@pytest.mark.parametrize("role", PAGES_BY_ROLE)
def test_pages_per_role(client, w, role):
    user = w.roles[role]
    expected = PAGES_BY_ROLE[role]
    urls = [
        reverse("projects:call-list"),
        reverse("projects:call-detail", args=[w.call.pk]),
        reverse("projects:application-list"),
        detail_url(w.application),
    ]
    for url, status in zip(urls, expected, strict=True):
        get(client, user, url, status)


def test_the_projects_list_shows_only_what_the_user_may_see(client, w):
    theirs = ApplicationFactory(call=w.call, undertaker=w.other_enterprise, name="西边的项目")
    url = reverse("projects:application-list")

    staff_page = get(client, w.staff, url)
    officer_page = get(client, w.officer, url)
    other_applicant_page = get(client, w.other_applicant, url)

    assert w.application.name in staff_page and theirs.name in staff_page
    assert w.application.name in officer_page and theirs.name not in officer_page
    assert theirs.name in other_applicant_page and w.application.name not in other_applicant_page


def test_an_assigned_expert_still_cannot_open_the_bureau_pages_of_the_application(client, w):
    application = put_in_state(w.application, State.IN_REVIEW)
    AssignmentFactory(application=application, expert=w.expert_record)

    client.force_login(w.expert)
    for url in (
        detail_url(application),
        edit_url(application),
        reverse("projects:application-list"),
        reverse("projects:application-export"),
        reverse("projects:staff-portal"),
        reverse("projects:applicant-portal"),
    ):
        assert client.get(url).status_code in (403, 404), url
    response = client.post(step_url(application, "approve"), {"approve-approved_funding": "1"})
    assert response.status_code == 403


# Calls -------------------------------------------------------------------------------------------


def test_call_page_shows_guide_dates_criteria_questions_phases_and_counts(client, w):
    FormFieldFactory(call=w.call, code="plan", label="实施计划", required=True)
    put_in_state(ApplicationFactory(call=w.call, undertaker=w.enterprise), State.SUBMITTED)
    put_in_state(ApplicationFactory(call=w.call, undertaker=w.other_enterprise), State.SUBMITTED)

    page = get(client, w.staff, reverse("projects:call-detail", args=[w.call.pk]))

    assert "申报指南" in page
    assert 'data-testid="call-open"' in page
    assert "创新性" in page and "0.6" in page and "可行性" in page
    assert 'data-testid="total-weight">1<' in page
    assert "实施计划" in page and "初评" in page
    assert 'data-count-state="submitted"' in page and 'data-count-state="draft"' in page
    assert 'data-testid="counts-total">3<' in page


def test_an_applicant_sees_the_call_without_the_bureau_counts(client, w):
    page = get(client, w.applicant, reverse("projects:call-detail", args=[w.call.pk]))

    assert 'data-testid="state-counts"' not in page
    assert 'data-testid="apply"' in page
    assert w.application.name in page  # their own application to this call
    assert 'data-testid="history"' not in page


def test_a_closed_call_shows_closed_and_offers_no_application(client, w):
    closed = CallFactory(
        opens_at=timezone.now() - dt.timedelta(days=60),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )

    page = get(client, w.applicant, reverse("projects:call-detail", args=[closed.pk]))

    assert 'data-testid="call-closed"' in page
    assert 'data-testid="apply"' not in page


def test_call_list_filters_open_now_year_and_category(client, w):
    closed = CallFactory(
        name="已截止的批次",
        opens_at=timezone.now() - dt.timedelta(days=60),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    old = CallFactory(name="2019年度的批次", year=2019, category="general")
    url = reverse("projects:call-list")

    open_now = get(client, w.applicant, f"{url}?open_now=true")
    closed_now = get(client, w.applicant, f"{url}?open_now=false")
    of_2019 = get(client, w.applicant, f"{url}?year=2019")
    general = get(client, w.applicant, f"{url}?category=general")

    assert w.call.name in open_now and closed.name not in open_now
    assert closed.name in closed_now and w.call.name not in closed_now
    assert old.name in of_2019 and w.call.name not in of_2019
    assert old.name in general and w.call.name not in general
    bad_year = get(client, w.applicant, f"{url}?year=1800")  # a form error, not a crash
    assert w.call.name not in bad_year and "invalid-feedback" in bad_year


def call_data(**overrides):
    now = timezone.localtime()
    data = {
        "code": "2026-industry-key-9",
        "year": str(now.year),
        "batch": "1",
        "name": "新的重点项目申报",
        "category": "key",
        "field": "industry",
        "programme": "",
        "opens_at": (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "guide": "指南",
        "reviewers_per_application": "5",
        "aggregation": "mean",
        "version": "",
    }
    for prefix in ("criteria", "fields", "phases"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def rows(prefix, items):
    data = {f"{prefix}-TOTAL_FORMS": str(len(items))}
    for i, item in enumerate(items):
        data.update({f"{prefix}-{i}-{k}": v for k, v in item.items()})
    return data


def test_staff_create_a_call_with_criteria_questions_and_a_phase(client, w):
    client.force_login(w.staff)
    data = call_data(
        **rows(
            "criteria",
            [
                {"code": "", "name": "创新性", "weight": "0.7", "max_value": "100", "sort": "1"},
                {"code": "", "name": "效益", "weight": "0.3", "max_value": "100", "sort": "2"},
            ],
        ),
        **rows("fields", [{"code": "plan", "label": "实施计划", "required": "on", "sort": "0"}]),
        **rows("phases", [{"name": "初评", "sort": "0"}]),
    )

    response = client.post(reverse("projects:call-create"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    call = Call.objects.get(code="2026-industry-key-9")
    assert call.created_by == w.staff
    assert sorted(call.criteria.values_list("code", "weight")) == [
        ("c1", Decimal("0.700")),
        ("c2", Decimal("0.300")),
    ]
    assert list(call.form_fields.values_list("code", "required")) == [("plan", True)]
    assert list(call.phases.values_list("name", flat=True)) == ["初评"]


def test_a_negative_weight_is_refused(client, w):
    client.force_login(w.staff)
    data = call_data(
        **rows("criteria", [{"name": "创新性", "weight": "-1", "max_value": "100", "sort": "0"}])
    )

    response = client.post(reverse("projects:call-create"), data)

    assert response.status_code == 200
    assert 'data-field-error="criteria-0-weight"' in response.content.decode()
    assert not Call.objects.filter(code="2026-industry-key-9").exists()


def test_a_call_opening_now_needs_a_criterion(client, w):
    client.force_login(w.staff)
    past = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(reverse("projects:call-create"), call_data(opens_at=past))

    page = response.content.decode()
    assert response.status_code == 200
    assert "A call needs at least one review criterion before it opens" in page
    assert not Call.objects.filter(code="2026-industry-key-9").exists()
    # Opening later, it may be saved without criteria for now.
    assert client.post(reverse("projects:call-create"), call_data()).status_code == 302


def existing_rows(call, delete_criteria=False, **criterion_changes):
    """The call's present rows as its form posts them (criteria optionally marked for deletion
    or changed)."""
    criteria = [
        {
            "id": str(c.pk),
            "call": str(call.pk),
            "code": c.code,
            "name": c.name,
            "weight": criterion_changes.get(c.code, str(c.weight)),
            "max_value": str(c.max_value),
            "sort": str(c.sort),
            **({"DELETE": "on"} if delete_criteria else {}),
        }
        for c in call.criteria.order_by("sort", "id")
    ]
    phases = [
        {"id": str(p.pk), "call": str(call.pk), "name": p.name, "sort": str(p.sort)}
        for p in call.phases.all()
    ]
    return {
        **rows("criteria", criteria),
        "criteria-INITIAL_FORMS": str(len(criteria)),
        **rows("phases", phases),
        "phases-INITIAL_FORMS": str(len(phases)),
    }


def edit_data(call, **overrides):
    values = {
        "code": call.code,
        "name": call.name,
        "opens_at": timezone.localtime(call.opens_at).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": timezone.localtime(call.closes_at).strftime("%Y-%m-%dT%H:%M"),
        "version": str(call.version),
    }
    return call_data(**{**values, **overrides})


def test_removing_the_last_criterion_of_an_open_call_is_refused(client, w):
    client.force_login(w.staff)

    response = client.post(
        reverse("projects:call-edit", args=[w.call.pk]),
        edit_data(w.call, **existing_rows(w.call, delete_criteria=True)),
    )

    assert response.status_code == 200
    assert "A call needs at least one review criterion before it opens" in response.content.decode()
    assert w.call.criteria.count() == 2


def test_staff_edit_a_call_and_its_weights(client, w):
    client.force_login(w.staff)

    response = client.post(
        reverse("projects:call-edit", args=[w.call.pk]),
        edit_data(w.call, name="改过的批次", **existing_rows(w.call, innovation="0.5")),
    )

    assert response.status_code == 302
    w.call.refresh_from_db()
    assert (w.call.name, w.call.version) == ("改过的批次", 2)
    assert w.call.criteria.get(code="innovation").weight == Decimal("0.5")
    assert w.call.phases.count() == 1


def test_criteria_are_locked_once_experts_have_scored(client, w):
    application = put_in_state(w.application, State.IN_REVIEW)
    ScoreFactory(review=ReviewFactory(assignment=AssignmentFactory(application=application)))
    client.force_login(w.staff)

    response = client.post(
        reverse("projects:call-edit", args=[w.call.pk]),
        edit_data(w.call, **existing_rows(w.call, innovation="0.9")),
    )

    assert response.status_code == 200
    assert "can no longer be changed" in response.content.decode()
    assert w.call.criteria.get(code="innovation").weight == Decimal("0.6")
    # Other changes of the call still go through.
    response = client.post(
        reverse("projects:call-edit", args=[w.call.pk]),
        edit_data(w.call, name="只改名称", **existing_rows(w.call)),
    )
    assert response.status_code == 302


def test_a_stale_call_edit_is_refused(client, w):
    client.force_login(w.staff)
    data = edit_data(w.call, name="改过的名称", **existing_rows(w.call))
    Call.objects.filter(pk=w.call.pk).update(version=5)

    response = client.post(reverse("projects:call-edit", args=[w.call.pk]), data)

    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert Call.objects.get(pk=w.call.pk).name == w.call.name


@pytest.mark.parametrize("role", ["leader", "officer", "applicant", "expert"])
def test_only_staff_create_or_edit_calls(client, w, role):
    get(client, w.roles[role], reverse("projects:call-create"), 403)
    get(client, w.roles[role], reverse("projects:call-edit", args=[w.call.pk]), 403)


# The applicant's form ----------------------------------------------------------------------------


def test_an_applicant_creates_a_draft_for_their_own_organisation(client, w):
    FormFieldFactory(call=w.call, code="plan", label="实施计划", required=True)
    partner = OrganisationFactory(name="平湖市职业中专")
    client.force_login(w.applicant)
    url = reverse("projects:application-create", args=[w.call.pk])

    page = client.get(url).content.decode()
    assert "东项目测试企业有限公司" in page and "实施计划" in page
    assert 'name="undertaker_ref"' not in page
    response = client.post(
        url,
        application_data(
            cooperators_text=f"{w.partner.uscc}\n平湖市职业中专\n",
            answer__plan="分三年实施。",
            undertaker_ref=w.other_enterprise.uscc,  # ignored: an applicant applies for itself
        ),
    )

    assert response.status_code == 302
    application = Application.objects.get(name="一种智能防疫巡检机器人")
    assert response["Location"] == detail_url(application)
    assert application.state == State.DRAFT
    assert application.undertaker == w.enterprise
    assert application.created_by == w.applicant
    assert set(application.cooperators.all()) == {w.partner, partner}
    assert application.answers == {"plan": "分三年实施。"}


def test_unknown_or_ambiguous_cooperators_are_refused_by_name(client, w):
    OrganisationFactory(name="同名公司")
    OrganisationFactory(name="同名公司")
    client.force_login(w.applicant)

    response = client.post(
        reverse("projects:application-create", args=[w.call.pk]),
        application_data(cooperators_text="不存在的研究所\n同名公司\n" + w.enterprise.name),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "不存在的研究所" in page and "No organisation has the unified social credit code" in page
    assert "Several organisations are named" in page
    assert not Application.objects.filter(name="一种智能防疫巡检机器人").exists()


def test_the_undertaker_cannot_cooperate_with_itself(client, w):
    client.force_login(w.applicant)

    response = client.post(
        reverse("projects:application-create", args=[w.call.pk]),
        application_data(cooperators_text=w.enterprise.uscc),
    )

    assert response.status_code == 200
    assert "cannot also be a cooperating organisation" in response.content.decode()


def test_staff_name_the_undertaker_by_credit_code_or_exact_name(client, w):
    client.force_login(w.staff)
    url = reverse("projects:application-create", args=[w.call.pk])

    missing = client.post(url, application_data())
    unknown = client.post(url, application_data(undertaker_ref="没有这家公司"))
    by_name = client.post(url, application_data(undertaker_ref=w.other_enterprise.name))

    assert 'data-field-error="undertaker_ref"' in missing.content.decode()
    assert "No organisation has" in unknown.content.decode()
    assert by_name.status_code == 302
    assert Application.objects.get(name="一种智能防疫巡检机器人").undertaker == w.other_enterprise


def test_the_project_cannot_end_before_it_starts(client, w):
    client.force_login(w.applicant)

    response = client.post(
        reverse("projects:application-create", args=[w.call.pk]),
        application_data(starts_on="2030-01-01", ends_on="2029-01-01", requested_funding="-1"),
    )

    page = response.content.decode()
    assert 'data-field-error="ends_on"' in page
    assert 'data-field-error="requested_funding"' in page


@pytest.mark.parametrize("when", ["closed", "not_open"])
def test_no_draft_for_a_call_that_is_not_open(client, w, when):
    now = timezone.now()
    if when == "closed":
        call = CallFactory(
            opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=1)
        )
    else:
        call = CallFactory(opens_at=now + dt.timedelta(days=1), closes_at=now + dt.timedelta(9))
    client.force_login(w.applicant)

    response = client.post(
        reverse("projects:application-create", args=[call.pk]), application_data(), follow=True
    )

    page = response.content.decode()
    assert ("closed at" if when == "closed" else "opens at") in page
    assert not Application.objects.filter(call=call).exists()


def test_no_draft_for_a_call_without_criteria(client, w):
    call = CallFactory(children=False)
    client.force_login(w.applicant)

    response = client.get(reverse("projects:application-create", args=[call.pk]), follow=True)

    assert "has no review criteria yet" in response.content.decode()


@pytest.mark.parametrize("role", ["leader", "officer", "expert"])
def test_roles_without_the_add_permission_cannot_apply(client, w, role):
    get(client, w.roles[role], reverse("projects:application-create", args=[w.call.pk]), 403)


def test_an_applicant_edits_a_draft_and_a_stale_edit_is_refused(client, w):
    client.force_login(w.applicant)
    url = edit_url(w.application)
    version = w.application.version
    first = client.post(url, application_data(name="改名后的项目", version=str(version)))
    assert first.status_code == 302
    w.application.refresh_from_db()
    assert w.application.name == "改名后的项目"
    assert w.application.cooperators.count() == 0  # the form's (empty) list replaced them

    stale = client.post(url, application_data(name="又一个名字", version=str(version)))

    assert stale.status_code == 200
    assert "Someone else changed this record" in stale.content.decode()
    w.application.refresh_from_db()
    assert w.application.name == "改名后的项目"


def test_another_organisation_cannot_edit_and_an_officer_may_not(client, w):
    get(client, w.other_applicant, edit_url(w.application), 404)
    get(client, w.officer, edit_url(w.application), 403)


def test_after_submission_there_is_no_edit_button_and_the_edit_url_refuses(client, w):
    client.force_login(w.applicant)
    before = client.get(detail_url(w.application)).content.decode()
    assert 'data-testid="edit"' in before

    response = client.post(step_url(w.application, "submit"), {})
    assert response.status_code == 302
    w.application.refresh_from_db()
    assert w.application.state == State.SUBMITTED

    after = client.get(detail_url(w.application)).content.decode()
    assert 'data-testid="edit"' not in after
    refused = client.get(edit_url(w.application), follow=True)
    posted = client.post(edit_url(w.application), application_data(name="偷改"), follow=True)
    expected = "Only a draft or an application returned for changes can be edited"
    assert expected in refused.content.decode()
    assert expected in posted.content.decode()
    w.application.refresh_from_db()
    assert w.application.name == "一种智能巡检机器人"


def test_a_returned_application_is_editable_again(client, w):
    application = put_in_state(w.application, State.RETURNED)

    page = get(client, w.applicant, detail_url(application))
    assert 'data-testid="edit"' in page
    response = client.post(
        edit_url(application), application_data(version=str(application.version))
    )
    assert response.status_code == 302


def test_submission_after_the_closing_time_is_refused_with_the_reason(client, w):
    Call.objects.filter(pk=w.call.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(minutes=1),
    )
    client.force_login(w.applicant)

    response = client.post(step_url(w.application, "submit"), {}, follow=True)

    page = response.content.decode()
    assert "applications can no longer be submitted" in page
    w.application.refresh_from_db()
    assert w.application.state == State.DRAFT


def test_submission_without_a_required_answer_names_the_question(client, w):
    FormFieldFactory(call=w.call, code="plan", label="实施计划", required=True)
    client.force_login(w.applicant)

    response = client.post(step_url(w.application, "submit"), {}, follow=True)

    assert "Answer the call&#x27;s required questions first: 实施计划" in response.content.decode()
    w.application.refresh_from_db()
    assert w.application.state == State.DRAFT


# Steps on the project's page ---------------------------------------------------------------------


def test_the_page_offers_the_users_steps_with_their_forms(client, w):
    application = put_in_state(w.application, State.IN_REVIEW)

    staff_page = get(client, w.staff, detail_url(application))
    applicant_page = get(client, w.applicant, detail_url(application))
    officer_page = get(client, w.officer, detail_url(application))

    assert 'data-transition="approve"' in staff_page
    assert 'name="approve-approved_funding"' in staff_page
    assert 'name="not_approve-comment"' in staff_page
    assert 'data-transition="terminate"' in staff_page
    assert 'data-transition="approve"' not in officer_page
    assert 'data-testid="actions"' not in applicant_page
    assert "Experts review and score the application" in applicant_page


def test_a_step_through_a_plain_post_is_audited_with_the_comment(client, w):
    application = put_in_state(w.application, State.SUBMITTED)
    client.force_login(w.staff)

    response = client.post(
        step_url(application, "check_return"), {"check_return-comment": "预算表缺少盖章。"}
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.RETURNED
    event = AuditEvent.objects.for_object(application).get(action=AuditAction.TRANSITION)
    assert event.comment == "预算表缺少盖章。"
    page = client.get(detail_url(application)).content.decode()
    assert 'data-step="check_return"' in page and "预算表缺少盖章。" in page
    assert "Submitted → Returned for changes" in page


def test_a_step_needing_a_reason_is_refused_without_one(client, w):
    application = put_in_state(w.application, State.SUBMITTED)
    client.force_login(w.staff)

    response = client.post(step_url(application, "check_reject"), {"check_reject-comment": ""})

    assert response.status_code == 400
    assert 'data-field-error="comment"' in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_approval_needs_funding_within_the_request(client, w):
    application = put_in_state(w.application, State.IN_REVIEW)
    client.force_login(w.staff)

    too_much = client.post(
        step_url(application, "approve"), {"approve-approved_funding": "80"}, follow=True
    )
    assert "cannot exceed the funding requested" in too_much.content.decode()
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW

    done = client.post(step_url(application, "approve"), {"approve-approved_funding": "45"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert (application.state, application.approved_funding) == (State.APPROVED, Decimal(45))


def test_signing_the_contract_needs_its_number(client, w):
    application = put_in_state(w.application, State.PUBLICITY)
    client.force_login(w.staff)

    refused = client.post(step_url(application, "sign_contract"), {})
    done = client.post(
        step_url(application, "sign_contract"), {"sign_contract-contract_number": "RW-2026-7"}
    )

    assert refused.status_code == 400
    assert done.status_code == 302
    application.refresh_from_db()
    assert (application.state, application.contract_number) == (State.IN_PROGRESS, "RW-2026-7")


def test_htmx_steps_return_the_form_with_its_error_or_redirect(client, w):
    application = put_in_state(w.application, State.IN_REVIEW)
    client.force_login(w.staff)
    headers = {"HX-Request": "true"}

    refused = client.post(
        step_url(application, "approve"), {"approve-approved_funding": "999"}, headers=headers
    )
    assert refused.status_code == 200
    fragment = refused.content.decode()
    assert fragment.startswith("<form") and "cannot exceed the funding requested" in fragment
    assert "<html" not in fragment

    done = client.post(
        step_url(application, "approve"), {"approve-approved_funding": "10"}, headers=headers
    )
    assert done.status_code == 204
    assert done["HX-Redirect"] == detail_url(application)


def test_a_step_the_user_may_not_take_is_403_and_a_stale_one_a_message(client, w):
    application = put_in_state(w.application, State.CHECKED)
    client.force_login(w.other_officer)
    assert client.post(step_url(application, "recommend"), {}).status_code == 404  # not theirs
    client.force_login(w.leader)
    assert client.post(step_url(application, "recommend"), {}).status_code == 403
    client.force_login(w.applicant)
    assert client.post(step_url(application, "check_pass"), {}).status_code == 403
    client.force_login(w.officer)
    assert client.post(step_url(application, "unknown-step"), {}).status_code == 404

    response = client.post(step_url(application, "recommend"), {})
    assert response.status_code == 302
    again = client.post(step_url(application, "recommend"), {}, follow=True)
    assert "Someone may have acted on it before you" in again.content.decode()


def test_the_timeline_lists_every_event_with_actor_and_move(client, w):
    application = w.application
    workflow.perform(application, "submit", w.applicant, comment="请审核")
    workflow.perform(application, "check_pass", w.staff)
    workflow.perform(application, "recommend", w.officer, comment="同意推荐")

    page = get(client, w.staff, detail_url(application))

    events = AuditEvent.objects.for_object(application)
    for event in events:
        assert f'data-event="{event.pk}"' in page
    assert "Draft → Submitted" in page and "Submitted → Formal check passed" in page
    assert "请审核" in page and "同意推荐" in page
    assert w.officer.username in page or str(w.officer) in page


# Review scores and extensions --------------------------------------------------------------------


def test_staff_and_leaders_see_the_review_scores_others_do_not(client, w):
    application = put_in_state(w.application, State.IN_REVIEW)
    for value in (80, 90):
        review = ReviewFactory(
            assignment=AssignmentFactory(application=application, expert=ExpertFactory()),
            state=ReviewState.SUBMITTED,
        )
        for criterion in w.call.criteria.all():
            ScoreFactory(review=review, criterion=criterion, value=Decimal(value))

    staff_page = get(client, w.staff, detail_url(application))
    leader_page = get(client, w.leader, detail_url(application))
    applicant_page = get(client, w.applicant, detail_url(application))
    officer_page = get(client, w.officer, detail_url(application))

    assert 'data-testid="aggregate">85.00<' in staff_page
    assert 'data-testid="scores"' in leader_page
    assert 'data-testid="scores"' not in applicant_page
    assert 'data-testid="scores"' not in officer_page


def test_an_extension_is_requested_and_decided_on_the_page(client, w):
    application = put_in_state(w.application, State.IN_PROGRESS)
    until = application.ends_on + dt.timedelta(days=100)
    client.force_login(w.applicant)
    assert 'data-testid="extension-request"' in client.get(detail_url(application)).content.decode()

    response = client.post(
        reverse("projects:extension-request", args=[application.pk]),
        {"until": until.isoformat(), "reason": "设备到货延迟。"},
    )
    assert response.status_code == 302
    request = ExtensionRequest.objects.get(application=application)
    assert request.state == ExtensionState.REQUESTED
    # Only staff decide.
    assert (
        client.post(
            reverse("projects:extension-decide", args=[request.pk]),
            {f"ext{request.pk}-decision": "approve"},
        ).status_code
        == 403
    )

    client.force_login(w.staff)
    page = client.get(detail_url(application)).content.decode()
    assert 'data-testid="extension-decide"' in page
    refused = client.post(
        reverse("projects:extension-decide", args=[request.pk]),
        {f"ext{request.pk}-decision": "refuse", f"ext{request.pk}-comment": ""},
        follow=True,
    )
    assert "Give the reason for refusing the extension." in refused.content.decode()
    client.post(
        reverse("projects:extension-decide", args=[request.pk]),
        {f"ext{request.pk}-decision": "approve"},
    )
    application.refresh_from_db()
    assert application.extended_until == until


def test_an_extension_beyond_a_year_is_refused_with_the_reason(client, w):
    application = put_in_state(w.application, State.IN_PROGRESS)
    client.force_login(w.applicant)

    response = client.post(
        reverse("projects:extension-request", args=[application.pk]),
        {"until": (application.ends_on + dt.timedelta(days=400)).isoformat(), "reason": "慢"},
        follow=True,
    )

    assert "at most one year" in response.content.decode()
    assert not ExtensionRequest.objects.filter(application=application).exists()


def test_the_other_organisation_cannot_see_or_decide_extensions(client, w):
    request = ExtensionRequestFactory(application=put_in_state(w.application, State.IN_PROGRESS))
    client.force_login(w.other_applicant)

    response = client.post(
        reverse("projects:extension-decide", args=[request.pk]),
        {f"ext{request.pk}-decision": "approve"},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("projects:extension-request", args=[w.application.pk]),
        {"until": "2099-01-01", "reason": "x"},
    )
    assert response.status_code == 404


# The projects list and its export ----------------------------------------------------------------


def test_list_filters_sorting_and_waiting_for_me(client, w):
    west = ApplicationFactory(
        call=w.call, undertaker=w.other_enterprise, name="西边的项目", requested_funding=10
    )
    put_in_state(west, State.CHECKED)
    other_call = CallFactory(name="农业专项", field="agriculture", year=2021, category="general")
    farm = ApplicationFactory(call=other_call, undertaker=w.enterprise, name="水稻育种")
    url = reverse("projects:application-list")

    def names(query, user=w.staff):
        client.force_login(user)
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        return [a.name for a in response.context["object_list"]]

    assert names(f"call={w.call.pk}") == [west.name, w.application.name]
    assert names("year=2021") == [farm.name]
    assert names("field=agriculture") == [farm.name]
    assert names("category=general") == [farm.name]
    assert names("state=checked") == [west.name]
    assert names(f"town={w.west.code}") == [west.name]
    assert names("undertaker=东项目") == [farm.name, w.application.name]
    assert names("q=水稻") == [farm.name]
    assert names("sort=requested_funding")[0] == west.name
    everything = names("")
    assert names("sort=-name") == sorted(everything, reverse=True)
    # A town officer of the east town waits for the checked projects of their town only.
    east = put_in_state(ApplicationFactory(call=w.call, undertaker=w.enterprise), State.CHECKED)
    assert names("state=todo", w.officer) == [east.name]
    assert names("year=1800") == []  # a form error, not a crash


def test_the_list_pages_and_answers_htmx_with_the_table_only(client, w):
    for _ in range(30):
        ApplicationFactory(call=w.call, undertaker=w.enterprise)
    client.force_login(w.staff)
    url = reverse("projects:application-list")

    first = client.get(url)
    second = client.get(f"{url}?page=2")
    table = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert len(first.context["object_list"]) == 25
    assert len(second.context["object_list"]) == 6
    assert "<html" not in table and 'data-testid="results"' in table


def read_export(response, tmp_path) -> list[list]:
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return read_first_sheet(path)


def test_the_export_holds_exactly_the_filtered_list_within_scope(client, w, tmp_path):
    approved = put_in_state(
        ApplicationFactory(call=w.call, undertaker=w.enterprise, name="已立项项目"),
        State.APPROVED,
        approved_funding=Decimal("30"),
    )
    approved.cooperators.set([w.partner])
    put_in_state(ApplicationFactory(call=w.call, undertaker=w.other_enterprise), State.APPROVED)
    url = reverse("projects:application-export")
    client.force_login(w.officer)  # a town officer has no export permission
    assert client.get(url).status_code == 403

    client.force_login(w.staff)
    rows_all = read_export(client.get(url), tmp_path)
    rows_east = read_export(client.get(f"{url}?state=approved&town={w.east.code}"), tmp_path)

    assert len(rows_all) == 1 + 3
    assert len(rows_east) == 2
    header, row = rows_east
    values = dict(zip(header, row, strict=True))
    assert values["Project name"] == "已立项项目"
    assert values["Undertaking organisation"] == w.enterprise.name
    assert values["Unified social credit code"] == w.enterprise.uscc
    assert values["Cooperating organisations"] == w.partner.name
    assert values["Funding approved (10k yuan)"] == 30
    assert values["State"] == "Approved for funding"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_leader_exports_and_an_applicant_may_not(client, w):
    client.force_login(w.leader)
    assert client.get(reverse("projects:application-export")).status_code == 200
    client.force_login(w.applicant)
    assert client.get(reverse("projects:application-export")).status_code == 403


def test_home_page_links_the_portals(client, w):
    staff_home = get(client, w.staff, reverse("core:home"))
    applicant_home = get(client, w.applicant, reverse("core:home"))

    assert reverse("projects:staff-portal") in staff_home
    assert reverse("projects:applicant-portal") in applicant_home


@pytest.mark.parametrize(
    ("role", "portal"),
    [
        ("staff", "projects:staff-portal"),
        ("officer", "projects:staff-portal"),
        ("applicant", "projects:applicant-portal"),
        ("expert", "projects:expert-portal"),
    ],
)
def test_the_menu_leads_each_role_to_their_portal(client, w, role, portal):
    page = get(client, w.roles[role], reverse("core:home"))

    assert 'data-testid="nav-projects"' in page
    assert f'href="{reverse(portal)}" data-testid="nav-my-portal"' in page
    assert (reverse("projects:call-list") in page) == (role != "expert")


def test_the_project_page_renders_in_every_state(client, w):
    client.force_login(w.staff)
    for state in State.values:
        application = w.application_in(state)
        response = client.get(detail_url(application))
        assert response.status_code == 200, state
        page = response.content.decode()
        assert f'data-state="{state}"' in page
        assert str(State(state).label) in page
        assert 'data-testid="what-next"' in page


def test_the_call_forms_render(client, w):
    client.force_login(w.staff)

    new = client.get(reverse("projects:call-create")).content.decode()
    edit = client.get(reverse("projects:call-edit", args=[w.call.pk])).content.decode()

    assert 'name="criteria-TOTAL_FORMS"' in new and 'name="phases-0-name"' in new
    assert 'value="创新性"' in edit and f'name="version" value="{w.call.version}"' in edit


def test_attachments_show_on_the_call_and_project_pages(client, w):
    staff_call = get(client, w.staff, reverse("projects:call-detail", args=[w.call.pk]))
    applicant_project = get(client, w.applicant, detail_url(w.application))

    assert 'data-testid="attachments"' in staff_call and 'name="file"' in staff_call
    assert 'data-testid="attachments"' in applicant_project
    assert 'name="file"' in applicant_project


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("staff", "projects:application-list"),
        ("staff", "projects:call-list"),
        ("staff", "projects:staff-portal"),
        ("applicant", "projects:applicant-portal"),
    ],
)
def test_lists_do_not_query_per_row(client, w, role, name):
    client.force_login(w.roles[role])
    for state in (State.SUBMITTED, State.DRAFT):
        w.application_in(state)
    CallFactory()
    url = reverse(name)
    client.get(url)  # warm the per-process caches
    few = count_queries(client, url)
    for state in (State.SUBMITTED, State.DRAFT, State.IN_PROGRESS) * 4:
        w.application_in(state)
    for _ in range(4):
        CallFactory()

    assert count_queries(client, url) == few
