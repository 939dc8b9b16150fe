"""Excel imports of experts and historical plan projects: checked first, then all rows or none;
row errors name the row and the column in the uploader's language; imported history must be
consistent with its state; a second import updates instead of duplicating; an export re-imports
unchanged."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from kechuang.audit.chain import verify
from kechuang.audit.models import AuditEvent
from kechuang.core.enums import CodeList, ImportStatus
from kechuang.projects.enums import Conclusion, State
from kechuang.projects.interfaces import columns
from kechuang.projects.models import Application, Expert
from kechuang.projects.record_types import ExpertType
from tests.excel import confirm, upload
from tests.excel import workbook_of as workbook
from tests.factories import CodeItemFactory, OrganisationFactory

from .factories import ProjectWorld, tech_field

pytestmark = pytest.mark.django_db

EXPERTS, PROJECTS = "projects.expert", "projects.application"
EXPERT_COLUMNS = ExpertType.instance.excel_columns


@pytest.fixture
def world(make_user):
    world = ProjectWorld(make_user)
    world.university = OrganisationFactory(name="测试理工大学")
    world.equipment = tech_field()
    world.ai = tech_field("ai", "人工智能与机器人")
    world.professor = CodeItemFactory(code_list=CodeList.TITLE, code="professor", name="教授")
    return world


def exported(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def expert_row(world, **values):
    return {
        "name": "周教授",
        "organisation_uscc": world.university.uscc,
        "title": "教授",
        "fields": "智能装备、ai",
        "phone": "13800000000",
        "email": "zhou@example.edu.cn",
        "capacity": 5,
        "available": "是",
        **values,
    }


# Experts ---------------------------------------------------------------------------------------


def test_experts_are_checked_then_imported_with_their_audit(client, world):
    client.force_login(world.staff)
    before = Expert.objects.count()
    content = workbook(
        EXPERT_COLUMNS,
        [
            expert_row(world, declared_organisations=world.enterprise.uscc),
            expert_row(
                world,
                name="吴研究员",
                organisation_uscc="",
                organisation_name=world.partner.name,
                title="",
                fields="智能装备",
                capacity="",
                available="否",
                email="",
                phone="",
            ),
        ],
    )

    response, job = upload(client, EXPERTS, content)

    assert response.status_code == 302
    assert job.status == ImportStatus.READY, job.errors
    assert [(p["name"], p["action"]) for p in job.preview] == [
        ("周教授", "create"),
        ("吴研究员", "create"),
    ]
    assert Expert.objects.count() == before

    job = confirm(client, job)

    assert (job.status, job.created_count) == (ImportStatus.DONE, 2), job.message
    zhou = Expert.objects.get(name="周教授")
    assert (zhou.organisation, zhou.title, zhou.capacity, zhou.available) == (
        world.university,
        world.professor,
        5,
        True,
    )
    assert sorted(f.code for f in zhou.fields.all()) == ["ai", "equipment"]
    assert list(zhou.declared_organisations.all()) == [world.enterprise]
    wu = Expert.objects.get(name="吴研究员")
    assert (wu.organisation, wu.capacity, wu.available, wu.title) == (
        world.partner,
        10,
        False,
        None,
    )
    summary = AuditEvent.objects.get(action="import")
    assert AuditEvent.objects.filter(batch=summary.batch, action="create").count() == 2
    assert verify() is None


def test_one_bad_expert_row_refuses_the_whole_file(client, world):
    client.force_login(world.staff)
    before = Expert.objects.count()
    rows = [expert_row(world, name=f"专家甲{n}") for n in range(5)]
    rows[1]["fields"] = "炼金术"
    rows[2]["organisation_uscc"] = "91330482MA2XXXXXXX"
    rows[3]["email"] = "不是邮箱"
    rows[4]["declared_organisations"] = world.university.uscc  # their own organisation

    _, job = upload(client, EXPERTS, workbook(EXPERT_COLUMNS, rows))

    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "专业领域"),
        (4, "工作单位统一社会信用代码"),
        (5, "电子邮箱"),
        (6, "申明回避单位"),
    ]
    assert "炼金术" in job.errors[0]["message"]
    assert Expert.objects.count() == before
    assert not AuditEvent.objects.filter(action="import").exists()


def test_a_reimport_updates_the_expert_instead_of_duplicating(client, world):
    client.force_login(world.staff)
    confirm(client, upload(client, EXPERTS, workbook(EXPERT_COLUMNS, [expert_row(world)]))[1])
    expert = Expert.objects.get(name="周教授")

    _, job = upload(
        client,
        EXPERTS,
        workbook(EXPERT_COLUMNS, [expert_row(world, phone="13900000000", fields="ai")]),
    )
    assert [p["action"] for p in job.preview] == ["update"]
    job = confirm(client, job)

    assert (job.created_count, job.updated_count) == (0, 1)
    assert Expert.objects.filter(name="周教授").count() == 1
    expert.refresh_from_db()
    assert (expert.phone, expert.version) == ("13900000000", 2)
    assert [f.code for f in expert.fields.all()] == ["ai"]


def test_declarations_stay_when_the_file_has_no_such_column(client, world):
    client.force_login(world.staff)
    confirm(
        client,
        upload(
            client,
            EXPERTS,
            workbook(
                EXPERT_COLUMNS,
                [expert_row(world, declared_organisations=world.enterprise.uscc)],
            ),
        )[1],
    )
    without = [c for c in EXPERT_COLUMNS if c.field != "declared_organisations"]

    _, job = upload(client, EXPERTS, workbook(without, [expert_row(world, phone="1")]))
    confirm(client, job)

    expert = Expert.objects.get(name="周教授")
    assert (expert.phone, list(expert.declared_organisations.all())) == ("1", [world.enterprise])


def test_the_expert_export_reimports_unchanged(client, world):
    client.force_login(world.staff)
    confirm(
        client,
        upload(
            client,
            EXPERTS,
            workbook(
                EXPERT_COLUMNS,
                [expert_row(world, declared_organisations=world.enterprise.uscc)],
            ),
        )[1],
    )

    content = exported(client, "/api/v1/projects/experts/export/?q=周教授")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0] == [c.header for c in EXPERT_COLUMNS]
    assert len(rows) == 2
    _, job = upload(client, EXPERTS, content)
    job = confirm(client, job)

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 1)


def test_only_who_may_import_experts_may_upload(client, world):
    client.force_login(world.applicant)

    response, job = upload(client, EXPERTS, workbook(EXPERT_COLUMNS, [expert_row(world)]))

    assert response.status_code == 403 and job is None


# Historical projects ---------------------------------------------------------------------------


def project_row(world, **values):
    """An accepted project of the world's call, with its whole history."""
    return {
        "call": world.call.code,
        "number": "2020-HIST-001",
        "name": "一种智能防疫巡检机器人",
        "undertaker_uscc": world.enterprise.uscc,
        "cooperators": world.partner.uscc,
        "leader_name": "陈老师",
        "tech_field": "智能装备",
        "starts_on": "2020-01-01",
        "ends_on": "2021-12-31",
        "requested_funding": 50,
        "self_funding": 100,
        "state": State.ACCEPTED,
        "approved_on": "2020-06-30",
        "approved_funding": 40,
        "publicity_until": "2020-07-07",
        "contract_number": "RW-2020-011",
        "contract_signed_on": "2020-07-20",
        "midterm_result": "pass",
        "midterm_on": "2021-01-15",
        "conclusion": "pass",
        "concluded_on": "2021-12-20",
        **values,
    }


def test_historical_projects_are_imported_with_their_history(client, world):
    client.force_login(world.staff)
    rows = [
        project_row(world, state="Accepted", midterm_result="Qualified (合格)"),
        project_row(
            world,
            number="2020-HIST-002",
            name="早期项目",
            undertaker_uscc="",
            undertaker_name=world.other_enterprise.name,
            cooperators="",
            state="Not approved",
            approved_on="",
            approved_funding="",
            publicity_until="",
            contract_number="",
            contract_signed_on="",
            midterm_result="",
            midterm_on="",
            conclusion="",
            concluded_on="",
        ),
    ]

    _, job = upload(client, PROJECTS, workbook(columns.APPLICATION_COLUMNS, rows))
    assert job.status == ImportStatus.READY, job.errors
    job = confirm(client, job)

    assert (job.status, job.created_count) == (ImportStatus.DONE, 2), job.message
    accepted = Application.objects.get(number="2020-HIST-001")
    assert (accepted.state, accepted.conclusion, accepted.concluded_on) == (
        State.ACCEPTED,
        Conclusion.PASS,
        dt.date(2021, 12, 20),
    )
    assert (accepted.approved_funding, accepted.approved_on, accepted.undertaker) == (
        Decimal("40.00"),
        dt.date(2020, 6, 30),
        world.enterprise,
    )
    assert list(accepted.cooperators.all()) == [world.partner]
    assert (accepted.tech_field, accepted.created_by) == (world.equipment, world.staff)
    early = Application.objects.get(number="2020-HIST-002")
    assert (early.state, early.undertaker, early.approved_on) == (
        State.NOT_APPROVED,
        world.other_enterprise,
        None,
    )


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"concluded_on": ""}, "验收日期"),  # an accepted project was concluded on a date
        ({"approved_on": "", "approved_funding": ""}, "立项日期"),  # … and approved
        ({"contract_signed_on": "", "contract_number": ""}, "任务书签订日期"),
        ({"conclusion": "fail"}, "验收结论"),  # accepted, yet failed
        ({"state": "in_review"}, "立项日期"),  # not approved yet, with approval data
        ({"state": "closed"}, "结题日期"),  # closed needs the closing date
        ({"terminated_on": "2021-05-01"}, "终止日期"),  # only a terminated project has one
        ({"approved_funding": 60}, "核定资助(万元)"),  # more than requested
        ({"concluded_on": "2020-03-01"}, "验收日期"),  # before the contract
        ({"extended_until": "2023-06-30"}, "延期至"),  # more than a year
        ({"call": "no-such-call"}, "计划批次编码"),
        ({"state": "flying"}, "状态"),
        ({"midterm_result": "fail"}, "中期检查结果"),  # an unqualified project is terminated
    ],
)
def test_inconsistent_history_is_refused_with_its_column(client, world, change, column):
    client.force_login(world.staff)
    rows = [
        project_row(world, number="2020-HIST-100", name="好项目"),
        project_row(world, **change),
    ]

    _, job = upload(client, PROJECTS, workbook(columns.APPLICATION_COLUMNS, rows))

    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, column)], job.errors
    assert not Application.objects.filter(number__startswith="2020-HIST").exists()


def test_a_terminated_project_needs_its_date_only(client, world):
    client.force_login(world.staff)
    row = project_row(
        world,
        state="terminated",
        midterm_result="fail",
        conclusion="",
        concluded_on="",
        terminated_on="2021-02-01",
    )

    _, job = upload(client, PROJECTS, workbook(columns.APPLICATION_COLUMNS, [row]))
    missing = upload(
        client,
        PROJECTS,
        workbook(columns.APPLICATION_COLUMNS, [{**row, "terminated_on": ""}]),
    )[1]

    assert job.status == ImportStatus.READY, job.errors
    assert [e["column"] for e in missing.errors] == ["终止日期"]


def test_row_errors_come_in_the_uploaders_language(client, world):
    client.force_login(world.staff)
    content = workbook(columns.APPLICATION_COLUMNS, [project_row(world, name="")])

    _, chinese = upload(client, PROJECTS, content, HTTP_ACCEPT_LANGUAGE="zh-hans")
    _, english = upload(client, PROJECTS, content, HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.errors[0]["message"] == "单元格为空。"
    assert english.errors[0]["message"] == "The cell is empty."


def test_a_reimport_updates_the_project_and_an_export_reimports_unchanged(client, world):
    client.force_login(world.staff)
    content = workbook(columns.APPLICATION_COLUMNS, [project_row(world)])
    confirm(client, upload(client, PROJECTS, content)[1])
    project = Application.objects.get(number="2020-HIST-001")

    _, job = upload(
        client,
        PROJECTS,
        workbook(columns.APPLICATION_COLUMNS, [project_row(world, leader_name="陈教授")]),
    )
    job = confirm(client, job)
    assert (job.created_count, job.updated_count) == (0, 1)
    assert Application.objects.filter(number="2020-HIST-001").count() == 1
    project.refresh_from_db()
    assert (project.leader_name, project.version) == ("陈教授", 2)

    exported_file = exported(client, "/api/v1/projects/applications/export/?q=2020-HIST-001")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(exported_file)).get_sheet_by_index(0)
    assert rows.to_python()[0] == [c.header for c in columns.APPLICATION_COLUMNS]
    _, job = upload(client, PROJECTS, exported_file)
    job = confirm(client, job)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 1)


def test_an_import_does_not_change_the_state_of_a_project_on_record(client, world):
    client.force_login(world.staff)
    confirm(
        client,
        upload(client, PROJECTS, workbook(columns.APPLICATION_COLUMNS, [project_row(world)]))[1],
    )

    row = project_row(world, state="closed", closed_on="2022-01-10")
    _, job = upload(client, PROJECTS, workbook(columns.APPLICATION_COLUMNS, [row]))

    assert job.status == ImportStatus.INVALID
    assert [e["column"] for e in job.errors] == ["状态"]
    assert Application.objects.get(number="2020-HIST-001").state == State.ACCEPTED


def test_the_undertaker_must_be_within_the_importers_scope(client, world, make_user):
    from kechuang.accounts.enums import RoleCode
    from kechuang.accounts.models import Role
    from tests.factories import role

    officer_role = role(
        "east-project-importer",
        "department",
        ["projects.import_application", "projects.view_application", "registry.view_organisation"],
    )
    importer = make_user(
        RoleCode.TOWN_OFFICER,
        department=world.east.office,
        roles=[Role.objects.get(pk=officer_role.pk)],
    )
    client.force_login(importer)
    rows = [
        project_row(world),
        project_row(world, number="2020-HIST-003", undertaker_uscc=world.other_enterprise.uscc),
    ]

    _, job = upload(client, PROJECTS, workbook(columns.APPLICATION_COLUMNS, rows))

    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "承担单位统一社会信用代码")]


def test_only_who_may_import_projects_may_upload(client, world):
    client.force_login(world.officer)

    response, job = upload(
        client, PROJECTS, workbook(columns.APPLICATION_COLUMNS, [project_row(world)])
    )

    assert response.status_code == 403 and job is None
