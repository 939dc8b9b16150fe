"""Excel imports and exports of the remaining platform lists: incubation projects, incubator
talents, institute KPI reports, zone evaluations, agricultural platforms, academician
cooperations and major projects. Like the first six: checked, then all rows or none; row errors
name row and column; parents are looked up within the importer's data scope; a record's natural
key updates it instead of adding a second one; an export re-imports unchanged."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kechuang.audit.chain import verify
from kechuang.audit.models import AuditEvent
from kechuang.core.enums import CodeList, ImportStatus
from kechuang.core.models import CodeItem
from kechuang.platforms.enums import AgriPlatformKind, IncubationStatus, ReportPeriod
from kechuang.platforms.models import (
    AcademicianCooperation,
    AgriPlatform,
    IncubationProject,
    IncubatorTalent,
    InstituteReport,
    MajorProject,
    ZoneEvaluation,
)
from kechuang.platforms.record_types import (
    AcademicianCooperationType,
    AgriPlatformType,
    IncubationProjectType,
    IncubatorTalentType,
    InstituteReportType,
    MajorProjectType,
    ZoneEvaluationType,
)
from kechuang.registry.enums import IndustryChain, OrganisationKind, TalentLevel
from kechuang.registry.models import Zone
from kechuang.registry.reference import ETDZ, HIGH_TECH_ZONE
from tests.excel import confirm, upload
from tests.excel import download as exported
from tests.excel import workbook_of as workbook
from tests.factories import OrganisationFactory

from .factories import (
    AcademicianCooperationFactory,
    AgriPlatformFactory,
    IncubatorTalentFactory,
    World,
    ZoneEvaluationFactory,
)
from .test_import import east_importer

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(make_user):
    return World(make_user)


# Each list: (its model, the importer's key and list/export url names, its columns).
LISTS = {
    "incubationproject": (IncubationProject, IncubationProjectType.instance.excel_columns),
    "incubatortalent": (IncubatorTalent, IncubatorTalentType.instance.excel_columns),
    "institutereport": (InstituteReport, InstituteReportType.instance.excel_columns),
    "zoneevaluation": (ZoneEvaluation, ZoneEvaluationType.instance.excel_columns),
    "agriplatform": (AgriPlatform, AgriPlatformType.instance.excel_columns),
    "academiciancooperation": (
        AcademicianCooperation,
        AcademicianCooperationType.instance.excel_columns,
    ),
    "majorproject": (MajorProject, MajorProjectType.instance.excel_columns),
}


def load(client, name: str, rows: list[dict]):
    """Upload rows to the list's importer; the checked job."""
    _, job = upload(client, f"platforms.{name}", workbook(LISTS[name][1], rows))
    return job


def code_item(code_list, code):
    return CodeItem.objects.get(code_list=code_list, code=code)


def university(name="测试农业大学"):
    return OrganisationFactory(kind=OrganisationKind.UNIVERSITY, uscc=None, name=name)


def every_kind_of_record(w):
    """Records of each list with every column filled (the world has projects and major
    projects with some columns empty)."""
    east, west = w.ours, w.theirs
    IncubationProject.objects.create(
        institute=east["institute"],
        name="已落户项目",
        status=IncubationStatus.LANDED,
        company=east["enterprise"],
        field="新材料",
        started_on=dt.date(2021, 3, 1),
        signed_on=dt.date(2021, 9, 1),
        landed_on=dt.date(2022, 1, 15),
    )
    IncubatorTalentFactory(
        incubator=east["incubator"],
        name="王人才",
        talent_level=code_item(CodeList.TALENT_LEVEL, TalentLevel.NATIONAL),
        enterprise=west["enterprise"],
    )
    IncubatorTalentFactory(incubator=west["incubator"], name="赵人才")
    for period, revenue in ((ReportPeriod.FIRST_HALF, "1200.50"), (ReportPeriod.YEAR, "2600")):
        InstituteReport.objects.create(
            institute=east["institute"],
            year=2023,
            period=period,
            revenue=Decimal(revenue),
            tech_income=Decimal("300.25"),
            rd_spending=Decimal("800"),
            patents_filed=12,
            patents_granted=5,
            enterprises_served=40,
            submitted_on=dt.date(2024, 1, 20),
            note="自报数据",
        )
    ours = Zone.objects.get(code=HIGH_TECH_ZONE)
    ZoneEvaluationFactory(
        zone=ours,
        zone_name=ours.name,
        score=Decimal("91.25"),
        award="优秀",
        document_number="浙科发〔2023〕1号",
    )
    ZoneEvaluationFactory(zone_name="嘉善高新区", grade="B")
    platform = AgriPlatformFactory(
        name="东农业平台", host=east["enterprise"], focus="种业", kind=AgriPlatformKind.HIGH_LEVEL
    )
    platform.partners.set([west["enterprise"], university()])
    AcademicianCooperationFactory(
        academician="袁院士",
        academy="中国工程院",
        institution=university("测试农科院"),
        platform=platform,
        topic="水稻育种",
    )
    AgriPlatformFactory(name="无依托单位平台", host=None)
    AcademicianCooperationFactory(academician="周院士", platform=None)
    MajorProject.objects.filter(pk=east["major"].pk).update(
        chain=code_item(CodeList.INDUSTRY_CHAIN, IndustryChain.AEROSPACE),
        investment=Decimal("500000"),
        capacity=Decimal("120"),
        capacity_unit="架",
        output_at_capacity=Decimal("1000000.5"),
    )


@pytest.mark.parametrize("name", LISTS)
def test_an_export_reimports_unchanged(client, w, name):
    client.force_login(w.staff)
    every_kind_of_record(w)
    model, column_list = LISTS[name]
    before = list(model.objects.order_by("pk").values())
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    content, rows = exported(client, reverse(f"platforms:{name}-export"))

    assert rows[0] == [c.header for c in column_list]
    assert len(rows) - 1 == model.objects.count() >= 2
    _, job = upload(client, f"platforms.{name}", content)
    assert job.status == ImportStatus.READY, job.errors
    assert {p["action"] for p in job.preview} == {"update"}
    job = confirm(client, job)
    assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 0, 0)
    assert job.unchanged_count == len(before)
    assert list(model.objects.order_by("pk").values()) == before
    assert not AuditEvent.objects.filter(pk__gt=last_event, action="update").exists()


BAD_ROWS = {
    "incubationproject": (
        {
            "institute": "east-institute",
            "name": "新项目",
            "status": "在谈",
            "started_on": "2024-01-02",
        },
        {"status": "谈崩了"},
        "状态",
    ),
    "incubatortalent": (
        {"incubator": "东孵化器", "name": "新人才", "introduced_on": "2024-03-01"},
        {"talent_level": "宇宙级人才"},
        "人才层次",
    ),
    "institutereport": (
        {"institute": "东新型研究院", "year": 2024, "submitted_on": "2025-01-10"},
        {"patents_filed": "1.5"},
        "专利申请数",
    ),
    "zoneevaluation": (
        {"year": 2024, "zone_name": "海宁高新区", "grade": "A"},
        {"score": "100000"},
        "得分",
    ),
    "agriplatform": (
        {"name": "新农业平台", "kind": "platform", "established_on": "2024-05-01"},
        {"partners": "查无此单位"},
        "合作单位",
    ),
    "academiciancooperation": (
        {"academician": "新院士", "signed_on": "2024-06-01"},
        {"signed_on": "去年"},
        "签约日期",
    ),
    "majorproject": (
        {"code": "new-major", "name": "新重大项目", "town": "东平台镇"},
        {"code": "新 项目"},
        "项目编码",
    ),
}


@pytest.mark.parametrize("name", LISTS)
def test_one_bad_row_writes_nothing(client, w, name):
    client.force_login(w.staff)
    model = LISTS[name][0]
    good, bad, column = BAD_ROWS[name]
    before = model.objects.count()
    second = {**good, "name": "另一个", "academician": "另一位", "zone_name": "另一区"}
    if name == "majorproject":
        second["code"] = "another-major"

    job = load(client, name, [good, {**second, **bad}])

    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, column)]
    assert model.objects.count() == before
    assert not AuditEvent.objects.filter(action="import").exists()
    job = load(client, name, [good])  # the good row alone goes in
    assert confirm(client, job).created_count == 1, job.errors
    assert model.objects.count() == before + 1


def west_host_platform(w):
    return AgriPlatformFactory(name="西农业平台", host=w.theirs["enterprise"])


OUT_OF_SCOPE = {
    "incubationproject": (
        {"institute": "西新型研究院", "name": "越权项目", "status": "negotiating"}
        | {"started_on": "2024-01-01"},
        "研究院",
    ),
    "incubatortalent": (
        {"incubator": "west-incubator", "name": "越权人才", "introduced_on": "2024-01-01"},
        "孵化器名称",
    ),
    "institutereport": (
        {"institute": "west-institute", "year": 2024, "submitted_on": "2025-01-01"},
        "研究院",
    ),
    "agriplatform": (
        {"name": "越权平台", "kind": "platform", "established_on": "2024-01-01"}
        | {"host_name": "西平台测试企业有限公司"},
        "依托单位名称",
    ),
    "academiciancooperation": (
        {"academician": "越权院士", "platform": "西农业平台", "signed_on": "2024-01-01"},
        "合作平台",
    ),
}


@pytest.mark.parametrize("name", OUT_OF_SCOPE)
def test_a_parent_outside_the_importers_scope_is_refused(client, w, name):
    west_host_platform(w)
    client.force_login(east_importer(w))
    row, column = OUT_OF_SCOPE[name]
    model = LISTS[name][0]
    before = model.objects.count()

    job = load(client, name, [row])

    assert job.status == ImportStatus.INVALID
    assert [e["column"] for e in job.errors] == [column]
    assert "西" in job.errors[0]["message"] or "west" in job.errors[0]["message"]
    assert model.objects.count() == before


def test_the_same_parents_within_scope_are_found(client, w):
    platform = AgriPlatformFactory(name="东农业平台", host=w.ours["enterprise"])
    client.force_login(east_importer(w))
    rows = [{"academician": "东院士", "platform": "东农业平台", "signed_on": "2024-01-01"}]

    job = confirm(client, load(client, "academiciancooperation", rows))

    assert job.status == ImportStatus.DONE, job.errors
    assert AcademicianCooperation.objects.get(academician="东院士").platform == platform


def test_incubation_projects_are_created_and_moved_on_by_institute_and_name(client, w):
    client.force_login(w.staff)
    project = w.ours["project"]
    newcomer = OrganisationFactory(name="落户新企业有限公司")
    rows = [
        {
            "institute": "东新型研究院",
            "name": project.name,
            "status": "已落户",
            "company_uscc": w.ours["enterprise"].uscc,
            "started_on": "2022-01-10",
            "signed_on": "2022-06-01",
            "landed_on": "2023-02-01",
        },
        {
            "institute": "east-institute",
            "name": "智能传感项目",
            "status": "Signed (已签约)",
            "company_name": "落户新企业有限公司",
            "field": "电子信息",
            "started_on": "2023-05-01",
            "signed_on": "2023-11-11",
        },
    ]

    job = load(client, "incubationproject", rows)
    assert [p["action"] for p in job.preview] == ["update", "create"], job.errors
    job = confirm(client, job)

    assert (job.created_count, job.updated_count) == (1, 1)
    project.refresh_from_db()
    assert (project.status, project.company, project.version) == (
        IncubationStatus.LANDED,
        w.ours["enterprise"],
        2,
    )
    sensing = IncubationProject.objects.get(name="智能传感项目")
    assert (sensing.institute, sensing.company, sensing.status) == (
        w.ours["institute"],
        newcomer,
        IncubationStatus.SIGNED,
    )
    assert sensing.created_by == w.staff
    assert verify() is None


def test_incubation_project_dates_in_the_wrong_order_are_a_row_error(client, w):
    client.force_login(w.staff)
    row = {
        "institute": "east-institute",
        "name": "倒序项目",
        "status": "landed",
        "started_on": "2023-05-01",
        "signed_on": "2023-01-01",
    }

    job = load(client, "incubationproject", [row])

    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "签约日期")]


def test_incubator_talents_by_level_name_or_code(client, w):
    client.force_login(w.staff)
    rows = [
        {
            "incubator": "东孵化器",
            "name": "钱博士",
            "talent_level": "省级人才",
            "enterprise_uscc": w.ours["enterprise"].uscc,
            "introduced_on": "2023-04-01",
        },
        {"incubator": "east-incubator", "name": "孙博士", "talent_level": "pinghu"}
        | {"introduced_on": "2023-05-01"},
    ]

    job = confirm(client, load(client, "incubatortalent", rows))

    assert (job.status, job.created_count) == (ImportStatus.DONE, 2), job.errors
    qian = IncubatorTalent.objects.get(name="钱博士")
    assert (qian.incubator, qian.talent_level.code, qian.enterprise) == (
        w.ours["incubator"],
        TalentLevel.PROVINCIAL,
        w.ours["enterprise"],
    )
    assert IncubatorTalent.objects.get(name="孙博士").talent_level.code == TalentLevel.PINGHU
    job = confirm(client, load(client, "incubatortalent", [{**rows[1], "talent_level": ""}]))
    assert (job.created_count, job.updated_count) == (0, 1)
    assert IncubatorTalent.objects.get(name="孙博士").talent_level is None


def test_institute_reports_default_to_the_full_year_and_update_their_figures(client, w):
    client.force_login(w.staff)
    rows = [
        {"institute": "东新型研究院", "year": 2023, "revenue": "1,500.5"}
        | {"patents_granted": 3, "submitted_on": "2024-01-15"},
        {"institute": "东新型研究院", "year": 2023, "period": "上半年"}
        | {"revenue": 600, "submitted_on": "2023-07-15"},
    ]

    job = confirm(client, load(client, "institutereport", rows))

    assert (job.status, job.created_count) == (ImportStatus.DONE, 2), job.errors
    year = InstituteReport.objects.get(period=ReportPeriod.YEAR)
    assert (year.revenue, year.patents_granted) == (Decimal("1500.50"), 3)
    job = confirm(client, load(client, "institutereport", [{**rows[0], "revenue": 1600}]))
    year.refresh_from_db()
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 0)
    assert (year.revenue, year.version) == (Decimal("1600.00"), 2)
    update = AuditEvent.objects.for_object(year).get(action="update")
    assert list(update.changes) == ["revenue"]


def test_zone_evaluations_by_zone_code_name_or_a_free_zone_name(client, w):
    client.force_login(w.staff)
    etdz, high_tech = Zone.objects.get(code=ETDZ), Zone.objects.get(code=HIGH_TECH_ZONE)
    rows = [
        {"year": 2023, "zone": HIGH_TECH_ZONE, "grade": "A", "score": "92.5"},
        {"year": 2023, "zone": etdz.name, "zone_name": "平湖经开区", "grade": "B"},
        {"year": 2023, "zone_name": "桐乡高新区", "grade": "C", "award": "进步奖"},
    ]

    job = confirm(client, load(client, "zoneevaluation", rows))

    assert (job.status, job.created_count) == (ImportStatus.DONE, 3), job.errors
    found = {e.zone_name: e for e in ZoneEvaluation.objects.all()}
    assert (found[high_tech.name].zone, found[high_tech.name].score) == (high_tech, Decimal("92.5"))
    assert found["平湖经开区"].zone == etdz
    assert (found["桐乡高新区"].zone, found["桐乡高新区"].award) == (None, "进步奖")
    job = load(client, "zoneevaluation", [{"year": 2024, "zone": "NOWHERE"}, {"year": 2024}])
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "本市园区"), (3, "高新区名称")]


def test_agricultural_platforms_with_their_partners(client, w):
    client.force_login(w.staff)
    academy = university("测试农业科学院")
    rows = [
        {
            "name": "平湖农业创新平台",
            "kind": "High-level modern agricultural innovation platform",
            "host_uscc": w.ours["enterprise"].uscc,
            "partners": f"{w.theirs['enterprise'].uscc}、测试农业科学院,{w.ours['enterprise'].name}",
            "established_on": "2021-10-01",
            "focus": "数字农业",
        }
    ]

    job = confirm(client, load(client, "agriplatform", rows))

    assert (job.status, job.created_count) == (ImportStatus.DONE, 1), job.errors
    platform = AgriPlatform.objects.get(name="平湖农业创新平台")
    assert (platform.kind, platform.host) == (AgriPlatformKind.HIGH_LEVEL, w.ours["enterprise"])
    assert set(platform.partners.all()) == {academy, w.theirs["enterprise"], w.ours["enterprise"]}
    created = AuditEvent.objects.for_object(platform).get(action="create")
    assert len(created.changes["partners"][1]) == 3

    job = confirm(client, load(client, "agriplatform", [{**rows[0], "partners": "测试农业科学院"}]))

    assert (job.created_count, job.updated_count) == (0, 1)
    assert list(platform.partners.all()) == [academy]
    platform.refresh_from_db()
    assert platform.version == 2
    update = AuditEvent.objects.for_object(platform).get(action="update")
    assert list(update.changes) == ["partners"]
    assert verify() is None


def test_academician_cooperations_by_academician_and_date(client, w):
    client.force_login(w.staff)
    platform = AgriPlatformFactory(name="东农业平台", host=w.ours["enterprise"])
    institution = university("测试农业研究所")
    row = {
        "academician": "李院士",
        "academy": "中国科学院",
        "institution_name": "测试农业研究所",
        "platform": "东农业平台",
        "signed_on": "2022-09-09",
        "topic": "土壤改良",
    }

    confirm(client, load(client, "academiciancooperation", [row]))
    job = confirm(client, load(client, "academiciancooperation", [{**row, "topic": "盐碱地"}]))

    cooperation = AcademicianCooperation.objects.get(academician="李院士")
    assert (job.created_count, job.updated_count) == (0, 1)
    assert (cooperation.platform, cooperation.institution, cooperation.topic) == (
        platform,
        institution,
        "盐碱地",
    )
    job = load(client, "academiciancooperation", [{**row, "platform": "无此平台"}])
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "合作平台")]


def test_major_projects_by_code_or_by_their_name(client, w):
    client.force_login(w.staff)
    major = w.ours["major"]
    rows = [
        {"name": major.name, "chain": "航空航天", "town": "东平台镇", "investment": "800000"}
        | {"capacity": 100, "capacity_unit": "架", "output_at_capacity": "2000000"}
        | {"landed_on": "2022-08-01"},
        {"code": "new-helicopter", "name": "新直升机项目", "town": w.west.code}
        | {"chain": IndustryChain.AEROSPACE},
        {"name": "无编码新项目", "town": "东平台镇"},
    ]

    job = load(client, "majorproject", rows)
    assert [(p["uscc"], p["action"]) for p in job.preview][:2] == [
        (major.code, "update"),
        ("new-helicopter", "create"),
    ], job.errors
    job = confirm(client, job)

    assert (job.created_count, job.updated_count) == (2, 1)
    major.refresh_from_db()
    assert (major.chain.code, major.investment, major.capacity_unit) == (
        IndustryChain.AEROSPACE,
        Decimal("800000"),
        "架",
    )
    assert (major.town, major.version) == (w.east, 2)
    assert MajorProject.objects.get(code="new-helicopter").town == w.west
    assert MajorProject.objects.get(name="无编码新项目").code.startswith("major-")


def test_major_projects_sharing_a_name_need_their_code(client, w):
    client.force_login(w.staff)
    MajorProject.objects.create(code="twin", name=w.ours["major"].name)

    job = load(client, "majorproject", [{"name": w.ours["major"].name, "investment": 1}])

    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "项目编码")]


@pytest.mark.parametrize("name", LISTS)
def test_the_lists_offer_the_import_and_the_export(client, w, name):
    client.force_login(w.staff)

    page = client.get(reverse(f"platforms:{name}-list")).content.decode()

    assert reverse("core:import-upload", args=[f"platforms.{name}"]) in page
    assert reverse(f"platforms:{name}-export") in page
    template = client.get(reverse("core:import-template", args=[f"platforms.{name}"]))
    assert template.status_code == 200
    client.force_login(w.officer)  # town officers may see the lists, not import or export
    page = client.get(reverse(f"platforms:{name}-list")).content.decode()
    assert reverse(f"platforms:{name}-export") not in page
    assert client.get(reverse("core:import-upload", args=[f"platforms.{name}"])).status_code == 403
