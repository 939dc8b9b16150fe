"""A plan project from application to approval (立项), in a real browser, through the pages
only: an enterprise user applies and submits, staff pass the formal check, the town recommends,
staff send the application to expert review and assign experts automatically (the conflicted
expert is left out and shown with the reason), the expert scores, and staff approve.

Labels are asserted as the models give them in Chinese (the catalogue may not translate every
one yet); states by the ``data-state`` of the state badge.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from kechuang.accounts.enums import RoleCode
from kechuang.projects.domain.conflicts import conflict_reasons
from kechuang.projects.enums import ReviewState, State
from kechuang.projects.models import Application, Assignment
from tests.factories import OrganisationFactory, TownFactory
from tests.projects.factories import CallFactory, ExpertFactory, tech_field

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 15_000
PROJECT = "一种智能防疫巡检机器人"
VALUES = {"innovation": "87.5", "feasibility": "72"}  # weights 0.6 and 0.4: 52.5 + 28.8


def zh(label) -> str:
    """A model label as the Chinese pages show it."""
    with translation.override("zh-hans"):
        return str(label)


@pytest.fixture
def log_in(new_context, live_server):
    """``log_in(username)``: a page of a new browser (zh-CN) logged in as that user. JavaScript
    errors of every page are collected in ``log_in.errors`` (CSP violations fail the test)."""

    def open_as(username: str):
        context = new_context()
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on("pageerror", lambda error: open_as.errors.append(f"{username}: {error}"))
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", open_as.password)
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{live_server.url}/")
        return page

    open_as.errors = []
    return open_as


def open_my_portal(page):
    page.get_by_test_id("nav-projects").click()
    page.get_by_test_id("nav-my-portal").click()


def state_badge(page):
    return page.locator(".page-header [data-state]")


def expect_state(page, state: State):
    badge = state_badge(page)
    expect(badge).to_have_attribute("data-state", state.value)
    expect(badge).to_have_text(zh(state.label))


def take_step(page, step: str, **fields):
    """Fill in a step's form on the project's page (fields by name, without the step's
    prefix) and take it."""
    form = page.locator(f"form[data-transition={step}]")
    for name, value in fields.items():
        form.locator(f"[name='{step}-{name}']").fill(value)
    form.get_by_test_id(f"step-{step}").click()


def test_apply_check_recommend_assign_review_and_approve(log_in, live_server, make_user):
    town = TownFactory(name="钟埭街道")
    enterprise = OrganisationFactory(name="平湖智巡科技有限公司", town=town)
    field = tech_field()  # 智能装备
    call = CallFactory(
        name="平湖市重点科技计划项目申报",
        reviewers_per_application=2,
        form_fields=[("plan", "实施计划", True)],
    )
    phase = call.phases.get()
    criteria = {c.code: c for c in call.criteria.all()}
    make_user(RoleCode.ORGANISATION, organisation=enterprise, username="zhixun.zhang")
    make_user(RoleCode.STAFF, username="keji.wang")
    make_user(RoleCode.TOWN_OFFICER, department=town.office, username="zhongdai.li")
    expert = ExpertFactory(
        name="陈明", fields=[field], user=make_user(RoleCode.EXPERT, username="chen.ming")
    )
    # Works for the applicant: matches the field, but may never review the application.
    conflicted = ExpertFactory(
        name="周亮",
        organisation=enterprise,
        fields=[field],
        user=make_user(RoleCode.EXPERT, username="zhou.liang"),
    )
    log_in.password = make_user.password
    year = timezone.localdate().year

    # The enterprise applies: from its portal to the call, the form, the draft, submission.
    applicant = log_in("zhixun.zhang")
    open_my_portal(applicant)
    expect(applicant).to_have_url(re.compile(r"/projects/portal/applicant/$"))
    applicant.get_by_test_id("open-calls").get_by_role("link", name=call.name).click()
    applicant.get_by_test_id("apply").click()
    form = applicant.get_by_test_id("application-form")
    expect(form.get_by_test_id("undertaker")).to_contain_text(enterprise.name)
    form.locator("#id_name").fill(PROJECT)
    form.locator("#id_leader_name").fill("张伟")
    form.locator("#id_leader_phone").fill("0573-85012345")
    form.locator("#id_tech_field").select_option(str(field.pk))
    form.locator("#id_starts_on").fill(f"{year}-07-01")
    form.locator("#id_ends_on").fill(f"{year + 1}-06-30")
    form.locator("#id_requested_funding").fill("50")
    form.locator("#id_self_funding").fill("150")
    form.locator("#id_content").fill("研制一种能自主巡检、识别体温异常的防疫机器人。")
    form.locator("#id_answer__plan").fill("第一年完成样机，第二年小批量试产。")
    form.locator("button[type=submit]").click()

    expect(applicant.get_by_test_id("record-title")).to_have_text(PROJECT)
    expect_state(applicant, State.DRAFT)
    application = Application.objects.get(name=PROJECT)
    assert application.undertaker == enterprise
    assert application.answers == {"plan": "第一年完成样机，第二年小批量试产。"}
    project_url = live_server.url + application.get_absolute_url()
    take_step(applicant, "submit")
    expect_state(applicant, State.SUBMITTED)
    expect(applicant.get_by_test_id("edit")).to_have_count(0)
    open_my_portal(applicant)
    row = applicant.get_by_test_id("my-applications").locator(
        f"[data-application='{application.pk}']"
    )
    expect(row.locator("[data-state]")).to_have_attribute("data-state", State.SUBMITTED.value)

    # Staff find it in their queue and pass the formal check.
    staff = log_in("keji.wang")
    open_my_portal(staff)
    staff.locator("[data-queue=submitted]").get_by_role("link", name=PROJECT).click()
    expect(staff).to_have_url(project_url)
    take_step(staff, "check_pass", comment="材料齐全。")
    expect_state(staff, State.CHECKED)

    # The town recommends it.
    officer = log_in("zhongdai.li")
    open_my_portal(officer)
    officer.locator("[data-queue=checked]").get_by_role("link", name=PROJECT).click()
    take_step(officer, "recommend", comment="同意推荐。")
    expect_state(officer, State.RECOMMENDED)

    # Staff send it to expert review and assign experts automatically.
    staff.reload()
    take_step(staff, "start_review")
    expect_state(staff, State.IN_REVIEW)
    # No page links to the assignment of a call's review phase: staff go there by its address.
    staff.goto(live_server.url + reverse("projects:assignment", args=[phase.pk]))
    row = staff.get_by_test_id("applications").locator(f"[data-application='{application.pk}']")
    expect(row.get_by_test_id("staffed")).to_have_text("0 / 2")
    staff.get_by_test_id("auto-assign").click()
    expect(staff.get_by_test_id("auto-report")).to_be_visible()
    # Two experts match the field; one works for the applicant: one place stays empty, and why.
    expect(
        staff.get_by_test_id("shortfalls").locator(f"[data-shortfall='{application.pk}']")
    ).to_contain_text("1 / 2")
    row = staff.get_by_test_id("applications").locator(f"[data-application='{application.pk}']")
    expect(row.get_by_test_id("staffed")).to_have_text("1 / 2")
    expect(row.locator("[data-assignment]")).to_have_count(1)
    expect(row.locator("[data-assignment]")).to_contain_text(expert.name)
    expect(row).not_to_contain_text(conflicted.name)
    assignment = Assignment.objects.get(application=application)
    assert (assignment.expert, assignment.phase, assignment.automatic) == (expert, phase, True)

    # The candidates of the application: the conflicted expert is unavailable, with the reason.
    row.get_by_test_id("add-expert").click()
    expect(staff.get_by_test_id("assigned").locator("[data-assignment]")).to_have_count(1)
    expect(staff.get_by_test_id("eligible").locator("[data-candidate]")).to_have_count(0)
    unavailable = staff.get_by_test_id("conflicted").locator(f"[data-conflicted='{conflicted.pk}']")
    expect(unavailable).to_contain_text(conflicted.name)
    with translation.override("zh-hans"):
        reasons = conflict_reasons(conflicted, application)
    assert reasons
    for reason in reasons:
        expect(unavailable).to_contain_text(reason)

    # The conflicted expert does not see the application at all.
    other = log_in("zhou.liang")
    open_my_portal(other)
    expect(other.get_by_test_id("empty")).to_be_visible()
    expect(other.locator("body")).not_to_contain_text(PROJECT)

    # The expert scores it from their portal.
    reviewer = log_in("chen.ming")
    open_my_portal(reviewer)
    item = reviewer.locator(f"[data-assignment='{assignment.pk}']")
    expect(item.locator("[data-review-state]")).to_have_attribute("data-review-state", "none")
    item.get_by_role("link", name=PROJECT).click()
    expect(reviewer.get_by_test_id("record-title")).to_have_text(PROJECT)
    expect(reviewer.get_by_test_id("undertaker")).to_have_text(enterprise.name)
    review_form = reviewer.get_by_test_id("review-form")
    for code, value in VALUES.items():
        review_form.locator(f"[name='criterion_{criteria[code].pk}']").fill(value)
    review_form.locator("[name=opinion]").fill("创新性强，技术路线可行。")
    review_form.get_by_test_id("submit-review").click()

    score = sum(
        (Decimal(value) * criteria[code].weight for code, value in VALUES.items()), Decimal(0)
    ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert score == Decimal("81.30")
    expect(reviewer.get_by_test_id("review-state")).to_have_text(zh(ReviewState.SUBMITTED.label))
    expect(reviewer.get_by_test_id("my-score")).to_contain_text(str(score))
    expect(reviewer.get_by_test_id("submit-review")).to_have_count(0)
    open_my_portal(reviewer)
    expect(item.locator("[data-review-state]")).to_have_attribute(
        "data-review-state", ReviewState.SUBMITTED.value
    )

    # Staff see the score on the project's page and approve it with the funding.
    staff.goto(project_url)
    scores = staff.get_by_test_id("scores")
    expect(scores.locator(f"[data-expert='{expert.pk}']")).to_contain_text(str(score))
    expect(scores.locator(f"[data-expert='{expert.pk}']")).to_contain_text("创新性强")
    expect(scores.get_by_test_id("aggregate")).to_have_text(str(score))
    take_step(staff, "approve", approved_funding="45", comment="经专家评审，同意立项。")
    expect_state(staff, State.APPROVED)
    expect(staff.get_by_test_id("approved-funding")).to_have_text("45.00")
    expect(staff.get_by_test_id("step-publicise")).to_be_visible()
    steps = staff.get_by_test_id("timeline").locator("[data-step]")
    expect(steps).to_have_count(5)
    assert [steps.nth(i).get_attribute("data-step") for i in range(5)] == [
        "submit",
        "check_pass",
        "recommend",
        "start_review",
        "approve",
    ]

    application.refresh_from_db()
    assert application.state == State.APPROVED
    assert application.approved_funding == Decimal("45.00")
    assert application.approved_on == timezone.localdate()
    assert log_in.errors == []
