"""Staff pages of the expert review: the expert pool (list, filters, detail, form, export), the
assignment page of a review phase (manual assignment refusing conflicts and full capacity,
unassigning, automatic assignment and its report) and a call's review results."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from kechuang.accounts.enums import RoleCode
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.projects.domain import reviews
from kechuang.projects.enums import Aggregation, State
from kechuang.projects.models import Assignment, Expert
from kechuang.registry.domain.uscc import make_uscc
from tests.factories import OrganisationFactory

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    ExpertFactory,
    ProjectWorld,
    put_in_state,
    tech_field,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world(make_user):
    w = ProjectWorld(make_user)
    w.field = tech_field()
    w.application.tech_field = w.field
    w.application.save()
    put_in_state(w.application, State.IN_REVIEW)
    w.phase = w.call.phases.get()
    return w


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def rows_of(response) -> list[list]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


# The expert pool -------------------------------------------------------------------------------


def test_the_pool_lists_and_filters_experts(client, world):
    software = tech_field("software", "软件与数字经济")
    university = OrganisationFactory(name="浙江测试大学")
    a = ExpertFactory(name="装备专家甲", fields=[world.field])
    b = ExpertFactory(name="软件专家乙", fields=[software], organisation=university)
    c = ExpertFactory(name="暂停专家丙", fields=[world.field], available=False)
    client.force_login(world.staff)
    url = reverse("projects:expert-list")

    def names(query):
        page = html(client.get(url, query))
        experts = (a, b, c, world.expert_record)
        return {e.name for e in experts if f'href="{e.get_absolute_url()}"' in page}

    assert names({}) == {a.name, b.name, c.name, world.expert_record.name}
    page = html(client.get(url))
    assert reverse("projects:expert-create") in page and 'data-testid="export"' in page
    assert '<h2 class="page-title" data-testid="list-title">Expert pool</h2>' in page
    assert reverse("core:import-upload", args=["projects.expert"]) in page
    assert names({"field": "software"}) == {b.name}
    assert names({"field": "information"}) == {b.name}  # the broad area takes its fields
    assert b.name not in names({"field": "equipment"})
    assert names({"organisation": university.uscc}) == {b.name}
    assert names({"organisation": "测试大学"}) == {b.name}
    assert names({"available": "false"}) == {c.name}
    assert names({"q": "软件专家"}) == {b.name}


def test_the_pool_list_does_not_query_per_row(client, world):
    client.force_login(world.staff)
    url = reverse("projects:expert-list")
    ExpertFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        html(client.get(url))
    ExpertFactory.create_batch(8)
    with CaptureQueriesContext(connection) as many:
        html(client.get(url))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_pool_is_staff_only(client, world):
    for user in (world.officer, world.applicant, world.expert):
        client.force_login(user)
        assert client.get(reverse("projects:expert-list")).status_code == 403
        assert (
            client.get(reverse("projects:expert-detail", args=[world.expert_record.pk])).status_code
            == 403
        )
        assert client.get(reverse("projects:expert-create")).status_code == 403
    client.force_login(world.leader)  # reads, exports, does not edit
    assert client.get(reverse("projects:expert-list")).status_code == 200
    assert client.get(reverse("projects:expert-create")).status_code == 403


def test_the_detail_shows_fields_declarations_load_and_assignments(client, world):
    declared = OrganisationFactory(name="声明关联测试公司")
    expert = ExpertFactory(
        name="详情专家", fields=[world.field], declared_organisations=[declared], capacity=4
    )
    assignment = AssignmentFactory(application=world.application, expert=expert, phase=world.phase)
    client.force_login(world.staff)
    page = html(client.get(reverse("projects:expert-detail", args=[expert.pk])))
    assert str(world.field) in page
    assert "声明关联测试公司" in page and declared.uscc in page
    assert world.call.name in page
    assert f'data-assignment="{assignment.pk}"' in page
    assert "3 / 4" in page  # one application of the call: three places left of four
    assert reverse("projects:assignment", args=[world.phase.pk]) in page


def expert_form(organisation_code, **extra) -> dict:
    data = {
        "name": "新专家",
        "organisation": organisation_code,
        "title": "",
        "fields": [],
        "phone": "0573-85000001",
        "email": "expert@example.com",
        "available": "on",
        "capacity": "6",
        "declared_organisations": "",
        "login": "",
        "version": "",
    }
    data.update(extra)
    return data


def test_a_new_expert_is_found_by_credit_code(client, world, make_user):
    organisation = OrganisationFactory(name="专家所在研究院")
    declared = OrganisationFactory(name="曾任职企业")
    equipment = CodeItem.objects.get(code_list=CodeList.TECH_FIELD, code="equipment")
    ai = CodeItem.objects.get(code_list=CodeList.TECH_FIELD, code="ai")
    account = make_user(RoleCode.EXPERT, username="new-expert-login")
    client.force_login(world.staff)
    url = reverse("projects:expert-create")

    page = html(client.get(url))
    assert "<optgroup" in page and str(equipment) in page

    response = client.post(
        url,
        expert_form(
            organisation.uscc.lower(),  # typed in lower case: normalised
            fields=[equipment.pk, ai.pk],
            declared_organisations=f"{declared.uscc}\n\n",
            login="new-expert-login",
        ),
    )
    assert response.status_code == 302
    expert = Expert.objects.get(name="新专家")
    assert response.url == expert.get_absolute_url()
    assert expert.organisation == organisation
    assert set(expert.fields.all()) == {equipment, ai}
    assert list(expert.declared_organisations.all()) == [declared]
    assert expert.user == account and expert.capacity == 6 and expert.created_by == world.staff


def test_an_unknown_or_malformed_credit_code_is_refused(client, world):
    client.force_login(world.staff)
    url = reverse("projects:expert-create")
    unknown = make_uscc(87_654_321)
    response = client.post(url, expert_form(unknown))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"No registered organisation has the unified social credit code “{unknown}”" in page

    response = client.post(url, expert_form("91330482ABC"))
    assert "A unified social credit code has 18 characters" in response.content.decode()

    good = OrganisationFactory()
    response = client.post(
        url, expert_form(good.uscc, declared_organisations=f"{good.uscc}\n{unknown}")
    )
    assert "Line 2: No registered organisation has the unified social credit code" in (
        response.content.decode()
    )
    assert not Expert.objects.filter(name="新专家").exists()


def test_the_login_must_be_a_free_expert_account(client, world):
    client.force_login(world.staff)
    url = reverse("projects:expert-create")
    organisation = OrganisationFactory()
    page = client.post(url, expert_form(organisation.uscc, login=world.applicant.username))
    assert "is not an expert&#x27;s account" in page.content.decode()
    page = client.post(url, expert_form(organisation.uscc, login=world.expert.username))
    assert "belongs to the expert 测试专家 already" in page.content.decode()
    page = client.post(url, expert_form(organisation.uscc, login="nobody-has-this-name"))
    assert "No account has the user name “nobody-has-this-name”." in page.content.decode()
    assert not Expert.objects.filter(name="新专家").exists()


def test_an_edit_keeps_an_organisation_without_code_and_refuses_a_stale_version(client, world):
    old = OrganisationFactory(name="无代码的老单位", uscc=None)
    expert = ExpertFactory(name="老专家", organisation=old, fields=[world.field])
    client.force_login(world.staff)
    url = reverse("projects:expert-edit", args=[expert.pk])
    page = html(client.get(url))
    assert 'value="无代码的老单位"' in page

    data = expert_form("无代码的老单位", name="老专家（改）", fields=[world.field.pk], version="1")
    response = client.post(url, data)
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.name == "老专家（改）" and expert.organisation == old and expert.version == 2

    response = client.post(url, {**data, "name": "过期的修改"})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    expert.refresh_from_db()
    assert expert.name == "老专家（改）"


def test_the_pool_exports_the_filtered_list(client, world):
    ExpertFactory(name="导出专家", fields=[world.field], phone="13800000000")
    ExpertFactory(name="不导出专家", available=False)
    client.force_login(world.leader)
    rows = rows_of(client.get(reverse("projects:expert-export"), {"available": "true"}))
    names = [row[0] for row in rows[1:]]
    assert "导出专家" in names and "不导出专家" not in names
    exported = next(row for row in rows if row[0] == "导出专家")
    assert world.field.name in exported[4] and "13800000000" in exported
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    client.force_login(world.officer)
    assert client.get(reverse("projects:expert-export")).status_code == 403


# Assignment -------------------------------------------------------------------------------------


def assignment_page(client, world, **query):
    return html(client.get(reverse("projects:assignment", args=[world.phase.pk]), query))


def add(client, world, expert, application=None):
    application = application or world.application
    return client.post(
        reverse("projects:assignment-add", args=[world.phase.pk, application.pk]),
        {"expert": expert.pk},
        follow=True,
    )


def test_the_assignment_page_lists_applications_in_review_with_their_experts(client, world):
    draft = ApplicationFactory(call=world.call, name="草稿项目")
    assignment = AssignmentFactory(
        application=world.application, expert=world.expert_record, phase=world.phase
    )
    client.force_login(world.staff)
    page = assignment_page(client, world)
    assert f'data-application="{world.application.pk}"' in page
    assert f'data-application="{draft.pk}"' not in page
    assert f'data-assignment="{assignment.pk}"' in page
    assert "1 / 3" in page  # one of the call's three experts
    assert "Not started" in page

    full = put_in_state(ApplicationFactory(call=world.call, name="已满项目"), State.IN_REVIEW)
    for _ in range(3):
        AssignmentFactory(application=full, phase=world.phase)
    page = assignment_page(client, world, understaffed="on")
    assert f'data-application="{world.application.pk}"' in page
    assert f'data-application="{full.pk}"' not in page


def test_only_staff_who_assign_reach_the_assignment_page(client, world):
    for user in (world.leader, world.officer, world.applicant, world.expert):
        client.force_login(user)
        url = reverse("projects:assignment", args=[world.phase.pk])
        assert client.get(url).status_code == 403


def test_manual_assignment_with_the_match(client, world):
    expert = ExpertFactory(name="匹配专家", fields=[world.field])
    client.force_login(world.staff)
    candidates = html(
        client.get(
            reverse("projects:assignment-candidates", args=[world.phase.pk, world.application.pk])
        )
    )
    assert f'data-candidate="{expert.pk}"' in candidates
    page = add(client, world, expert).content.decode()
    assert "匹配专家 assigned to" in page
    assignment = Assignment.objects.get(expert=expert)
    assert assignment.match == Decimal(2) and not assignment.automatic


def test_manual_assignment_refuses_a_conflicted_expert_with_the_reason(client, world):
    cases = {
        "The expert works for the undertaking organisation.": {"organisation": world.enterprise},
        "The expert works for a cooperating organisation.": {"organisation": world.partner},
        "The expert has declared a relation with an organisation of the project.": {
            "declared_organisations": [world.partner]
        },
    }
    client.force_login(world.staff)
    for reason, extra in cases.items():
        expert = ExpertFactory(fields=[world.field], **extra)
        page = add(client, world, expert).content.decode()
        assert f"{expert.name} cannot review this application: {reason}" in page
        assert not Assignment.objects.filter(expert=expert).exists()
        candidates = html(
            client.get(
                reverse(
                    "projects:assignment-candidates", args=[world.phase.pk, world.application.pk]
                )
            )
        )
        assert f'data-conflicted="{expert.pk}"' in candidates
        assert f'data-candidate="{expert.pk}"' not in candidates


def test_manual_assignment_refuses_an_expert_at_capacity(client, world):
    busy = ExpertFactory(name="满额专家", fields=[world.field], capacity=1)
    other = put_in_state(ApplicationFactory(call=world.call), State.IN_REVIEW)
    AssignmentFactory(application=other, expert=busy, phase=world.phase)
    client.force_login(world.staff)
    page = add(client, world, busy).content.decode()
    assert "满额专家 reviews 1 applications of this call already, the most they take (1)." in page
    assert not Assignment.objects.filter(expert=busy, application=world.application).exists()
    candidates = html(
        client.get(
            reverse("projects:assignment-candidates", args=[world.phase.pk, world.application.pk])
        )
    )
    assert f'data-unavailable="{busy.pk}"' in candidates
    assert f'data-candidate="{busy.pk}"' not in candidates


def test_unassigning_and_a_submitted_review_stays(client, world):
    assignment = AssignmentFactory(
        application=world.application, expert=world.expert_record, phase=world.phase
    )
    other = AssignmentFactory(application=world.application, phase=world.phase)
    criteria = {c.pk: "80" for c in world.call.criteria.all()}
    reviews.save_review(assignment, world.expert, criteria, "同意", submit=True)
    client.force_login(world.staff)
    url = reverse("projects:assignment-remove", args=[assignment.pk])
    page = client.post(url, follow=True).content.decode()
    assert "has submitted the review; it cannot be unassigned" in page
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    response = client.post(reverse("projects:assignment-remove", args=[other.pk]))
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=other.pk).exists()


def test_automatic_assignment_from_the_page_shows_its_report(client, world):
    world.call.reviewers_per_application = 2
    world.call.save()
    second = put_in_state(
        ApplicationFactory(call=world.call, name="第二个项目", tech_field=world.field),
        State.IN_REVIEW,
    )
    good = [ExpertFactory(name=f"自动专家{i}", fields=[world.field]) for i in range(3)]
    conflicted = ExpertFactory(name="冲突专家", fields=[world.field], organisation=world.enterprise)
    # The world's own expert is in the pool too (same field): 4 eligible for `second`, 3 for
    # the application whose undertaker employs `conflicted`.
    client.force_login(world.staff)
    response = client.post(reverse("projects:assignment-auto", args=[world.phase.pk]))
    # Post/redirect/get: the report survives the redirect once; a reload assigns nothing again.
    assert response.status_code == 302
    page = html(client.get(response.url))
    assert 'data-testid="auto-report"' in page
    assert 'data-testid="auto-report"' not in html(client.get(response.url))
    created = Assignment.objects.filter(phase=world.phase, automatic=True)
    assert created.count() == 4
    # Conflicted with the world's application (its undertaker employs them), not the second.
    assert not created.filter(expert=conflicted, application=world.application).exists()
    assert "4 assignments made, total field match 8" in page
    assert 'data-testid="fully-staffed"' in page
    for application in (world.application, second):
        assert application.assignments.count() == 2
    assert {a.expert for a in created} <= {*good, conflicted, world.expert_record}


def test_automatic_assignment_explains_a_shortfall(client, world):
    ExpertFactory(name="唯一可用专家", fields=[world.field])
    ExpertFactory(name="同单位专家", fields=[world.field], organisation=world.enterprise)
    world.expert_record.available = False
    world.expert_record.save()
    client.force_login(world.staff)
    page = html(
        client.post(reverse("projects:assignment-auto", args=[world.phase.pk]), follow=True)
    )
    assert f'data-shortfall="{world.application.pk}"' in page
    assert "1 assignment made" in page
    assert "1 / 3" in page
    assert "of whom 1 are conflicted" in page


def test_automatic_assignment_needs_the_permission(client, world):
    client.force_login(world.leader)
    response = client.post(reverse("projects:assignment-auto", args=[world.phase.pk]))
    assert response.status_code == 403
    assert not Assignment.objects.exists()


# Review results ------------------------------------------------------------------------------


def scored(world, make_user, application, values):
    """Submitted reviews of ``application`` with these (innovation, feasibility) values."""
    for a, b in values:
        user = make_user(RoleCode.EXPERT)
        expert = ExpertFactory(user=user, organisation=OrganisationFactory())
        assignment = AssignmentFactory(application=application, expert=expert, phase=world.phase)
        criteria = {c.code: c.pk for c in world.call.criteria.all()}
        reviews.save_review(
            assignment,
            user,
            {criteria["innovation"]: a, criteria["feasibility"]: b},
            "意见",
            submit=True,
        )


def test_call_results_rank_the_applications_by_the_calls_method(client, world, make_user):
    world.call.aggregation = Aggregation.MEDIAN
    world.call.save()
    second = put_in_state(ApplicationFactory(call=world.call, name="第二名项目"), State.IN_REVIEW)
    unscored = put_in_state(ApplicationFactory(call=world.call, name="未评项目"), State.IN_REVIEW)
    AssignmentFactory(application=unscored, phase=world.phase)
    # Scores 84, 70, 60 → median 70; scores 90, 50, 66 → median 66.
    scored(world, make_user, world.application, [("80", "90"), ("70", "70"), ("60", "60")])
    scored(world, make_user, second, [("90", "90"), ("50", "50"), ("70", "60")])
    client.force_login(world.staff)
    response = client.get(reverse("projects:call-results", args=[world.call.pk]))
    page = html(response)
    assert "Score (Median)" in page
    first_at = page.index(f'data-application="{world.application.pk}"')
    second_at = page.index(f'data-application="{second.pk}"')
    last_at = page.index(f'data-application="{unscored.pk}"')
    assert first_at < second_at < last_at
    assert "70.00" in page and "66.00" in page and "84.00" in page
    assert 'data-testid="complete"' in page and 'data-testid="incomplete"' in page

    rows = rows_of(client.get(reverse("projects:call-results-export", args=[world.call.pk])))
    header, *body = rows
    assert header[:7] == [
        "排名",
        "项目编号",
        "项目名称",
        "承担单位名称",
        "状态",
        "汇总得分",
        "已评/应评",
    ]
    assert [row[2] for row in body] == [world.application.name, "第二名项目", "未评项目"]
    assert [row[0] for row in body] == [1.0, 2.0, ""]
    assert [row[5] for row in body] == [70.0, 66.0, ""]
    assert [row[6] for row in body] == ["3/3", "3/3", "0/1"]
    assert sorted(body[0][8::2]) == [60.0, 70.0, 84.0]  # each expert's score


def test_call_results_are_for_staff(client, world):
    for user in (world.officer, world.applicant, world.expert):
        client.force_login(user)
        assert client.get(reverse("projects:call-results", args=[world.call.pk])).status_code in (
            403,
            404,
        )
    client.force_login(world.leader)  # approves on the results; exports them
    assert client.get(reverse("projects:call-results", args=[world.call.pk])).status_code == 200
