"""Seismic safety evaluation reports (地震安全性评价报告), the record type built from one
declaration (``seismic/record_types.py``): its list with filters, sort and export, its detail
page and form, its Excel template and import, and its API — each scoped like the area's other
records (a town officer reaches their town's projects, an owner its own projects)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from kechuang.accounts.enums import DataScope, RoleCode, UserKind
from kechuang.core.enums import ImportStatus
from kechuang.seismic.enums import EvaluationConclusion
from kechuang.seismic.models import SafetyEvaluation
from kechuang.seismic.record_types import SafetyEvaluationType
from kechuang.seismic.reference import ROLE_GRANTS
from tests.excel import confirm, upload
from tests.excel import workbook_of as workbook
from tests.factories import OrganisationFactory, role, user

from .factories import ConstructionProjectFactory, SafetyEvaluationFactory, zoned_town

pytestmark = pytest.mark.django_db

DECLARED = SafetyEvaluationType.instance
API = "/api/v1/seismic/safety-evaluations/"


class World:
    def __init__(self, make_user):
        self.east = zoned_town("0.10", name="东震镇")
        self.west = zoned_town("0.05", name="西震镇")
        self.owner = OrganisationFactory(name="东湖交通投资公司", town=self.east)
        self.hub = ConstructionProjectFactory(name="东湖交通枢纽", town=self.east, owner=self.owner)
        self.plant = ConstructionProjectFactory(name="西塘污水处理厂", town=self.west)
        self.hub_report = SafetyEvaluationFactory(
            project=self.hub,
            report_number="浙震安评〔2020〕9号",
            conclusion=EvaluationConclusion.PASSED_AFTER_REVISION,
            pga=Decimal("0.10"),
        )
        self.plant_report = SafetyEvaluationFactory(
            project=self.plant,
            report_number="浙震安评〔2018〕27号",
            reported_on=dt.date(2018, 11, 16),
            reviewed_on=dt.date(2018, 12, 7),
        )
        self.staff = make_user(RoleCode.STAFF)
        self.officer = make_user(RoleCode.TOWN_OFFICER, department=self.east.office)
        self.owner_user = make_user(RoleCode.ORGANISATION, organisation=self.owner)
        self.east_importer = user(
            "east-seismic-importer",
            kind=UserKind.STAFF,
            department=self.east.office,
            roles=[role("east-seismic-importer", DataScope.DEPARTMENT, ROLE_GRANTS["staff"])],
        )


@pytest.fixture
def w(make_user):
    return World(make_user)


def listed(client, **query) -> list[str]:
    response = client.get(reverse("seismic:safetyevaluation-list"), query)
    assert response.status_code == 200
    return [record.report_number for record in response.context["object_list"]]


def test_the_list_filters_searches_and_sorts(client, w):
    client.force_login(w.staff)
    hub, plant = w.hub_report.report_number, w.plant_report.report_number

    assert listed(client) == [hub, plant]  # newest report first
    assert listed(client, conclusion="passed_after_revision") == [hub]
    assert listed(client, pga="0.05") == [plant]
    assert listed(client, year=2018) == [plant]
    assert listed(client, reported_from="2019-01-01", reported_to="2020-12-31") == [hub]
    assert listed(client, q="污水") == [plant]  # the project's name
    assert listed(client, project=w.hub.pk) == [hub]
    for column in DECLARED.list_columns:
        if column.sort:
            for order in (column.key, f"-{column.key}"):
                assert len(listed(client, sort=order)) == 2, order
    assert listed(client, sort="project") == [hub, plant]  # 东湖 before 西塘 by name


def test_a_bad_filter_value_is_a_form_error_not_a_crash(client, w):
    client.force_login(w.staff)
    response = client.get(reverse("seismic:safetyevaluation-list"), {"year": "99999"})
    assert response.status_code == 200
    assert "year" in response.context["view"].filterset.errors
    assert response.context["total"] == 0  # no rows, never the unfiltered list


def test_the_pages_speak_of_the_record_by_its_own_name(client, w):
    client.force_login(w.staff)
    html = client.get(reverse("seismic:safetyevaluation-list")).content.decode()
    assert "新增地震安全性评价报告" in html
    assert "新增主体" not in html
    detail = client.get(w.hub_report.get_absolute_url()).content.decode()
    assert "东湖交通枢纽" in detail and "修改后通过" in detail


def test_a_town_officer_files_reports_of_their_towns_projects_only(client, w):
    client.force_login(w.officer)
    assert listed(client) == [w.hub_report.report_number]
    url = reverse("seismic:safetyevaluation-create")
    data = {
        "project": w.plant.pk,  # another town's project
        "report_number": "浙震安评〔2020〕12号",
        "evaluator": "浙江省工程地震研究所",
        "reported_on": "2020-05-06",
        "pga": "0.05",
        "conclusion": "passed",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "project" in response.context["form"].errors
    response = client.post(url, {**data, "project": w.hub.pk})
    assert response.status_code == 302
    created = SafetyEvaluation.objects.get(report_number="浙震安评〔2020〕12号")
    assert created.created_by == w.officer


def test_the_form_refuses_a_review_before_the_report(client, w):
    client.force_login(w.staff)
    url = reverse("seismic:safetyevaluation-edit", args=[w.hub_report.pk])
    response = client.post(
        url,
        {
            "project": w.hub.pk,
            "report_number": w.hub_report.report_number,
            "evaluator": "浙江省工程地震研究所",
            "reported_on": "2020-04-20",
            "reviewed_on": "2020-04-01",
            "pga": "0.10",
            "conclusion": "passed",
            "version": w.hub_report.version,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reviewed_on"] == ["评审日期早于报告日期。"]


def test_an_owner_sees_the_reports_of_its_own_projects(client, w):
    client.force_login(w.owner_user)
    assert listed(client) == [w.hub_report.report_number]
    assert client.get(w.plant_report.get_absolute_url()).status_code == 404
    assert client.get(reverse("seismic:safetyevaluation-create")).status_code == 403


# Excel ------------------------------------------------------------------------------------------


def test_the_template_offers_drop_downs_and_a_guide(client, w):
    client.force_login(w.staff)
    response = client.get(reverse("core:import-template", args=["seismic.safetyevaluation"]))
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names[:2] == ["导入模板", "填写说明"]
    header = book.get_sheet_by_index(0).to_python()[0]
    assert header == [
        "项目名称",
        "报告编号",
        "评价单位",
        "报告日期",
        "基本地震动峰值加速度",
        "评审结论",
        "评审日期",
        "备注",
    ]
    guide = {row[0]: row for row in book.get_sheet_by_name("填写说明").to_python()[1:]}
    assert guide["评审结论"][1:3] == ["否", "通过、修改后通过、不通过"]
    assert guide["报告编号"][1] == "是"
    assert guide["基本地震动峰值加速度"][2].startswith("0.05g")


def test_the_export_reimports_unchanged_and_an_edited_row_updates(client, w):
    client.force_login(w.staff)
    content = client.get(reverse("seismic:safetyevaluation-export")).getvalue()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[1][:6] == ["东湖交通枢纽", "浙震安评〔2020〕9号", "浙江省工程地震研究所",
                           rows[1][3], "0.10g", "修改后通过"]  # fmt: skip

    _, job = upload(client, "seismic.safetyevaluation", content)
    assert job.status == ImportStatus.READY, job.errors
    job = confirm(client, job)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)

    edited = {c.field: "" for c in DECLARED.excel_columns} | {
        "project": "东湖交通枢纽",
        "report_number": "浙震安评〔2020〕9号",
        "evaluator": "浙江省工程地震研究所",
        "reported_on": "2020-04-20",
        "pga": "0.10",
        "conclusion": "通过",
    }
    _, job = upload(client, "seismic.safetyevaluation", workbook(DECLARED.excel_columns, [edited]))
    job = confirm(client, job)
    assert (job.status, job.updated_count) == (ImportStatus.DONE, 1), job.errors
    w.hub_report.refresh_from_db()
    assert (w.hub_report.conclusion, w.hub_report.reviewed_on) == (
        EvaluationConclusion.PASSED,
        None,
    )


def test_the_import_names_the_row_and_column_of_each_bad_cell(client, w):
    client.force_login(w.east_importer)  # reaches the east town only
    good = {
        "project": "东湖交通枢纽",
        "report_number": "浙震安评〔2021〕1号",
        "evaluator": "浙江省工程地震研究所",
        "reported_on": "2021-03-01",
        "pga": "0.10g",
        "conclusion": "通过",
    }
    rows = [
        good,
        {**good, "report_number": "A2", "project": "西塘污水处理厂"},  # outside the scope
        {**good, "report_number": "A3", "project": "不存在的项目"},
        {**good, "report_number": "A4", "pga": "0.12"},
        {**good, "report_number": "A5", "conclusion": "基本通过"},
        {**good, "report_number": "A6", "reported_on": "2150-01-01"},
        {**good, "report_number": "A7", "reviewed_on": "2021-02-01"},
        {**good},  # the same report number as row 2
    ]
    _, job = upload(client, "seismic.safetyevaluation", workbook(DECLARED.excel_columns, rows))
    errors = [(e["row"], e["column"]) for e in job.errors]
    assert errors == [
        (3, "项目名称"),
        (4, "项目名称"),
        (5, "基本地震动峰值加速度"),
        (6, "评审结论"),
        (7, "报告日期"),
        (8, "评审日期"),
        (9, "报告编号"),
    ]
    assert "西塘污水处理厂" in job.errors[0]["message"]
    assert not SafetyEvaluation.objects.filter(report_number="浙震安评〔2021〕1号").exists()


# API --------------------------------------------------------------------------------------------


def test_the_api_reads_filters_and_writes_within_the_scope(client, w):
    client.force_login(w.officer)
    response = client.get(API)
    assert [r["report_number"] for r in response.json()["results"]] == ["浙震安评〔2020〕9号"]
    client.force_login(w.staff)
    response = client.get(API, {"conclusion": "passed"})
    assert [r["report_number"] for r in response.json()["results"]] == ["浙震安评〔2018〕27号"]

    client.force_login(w.officer)
    data = {
        "project": w.plant.pk,
        "report_number": "浙震安评〔2021〕3号",
        "evaluator": "浙江省工程地震研究所",
        "reported_on": "2021-03-01",
        "pga": "0.05",
    }
    response = client.post(API, data, content_type="application/json")
    assert response.status_code == 400 and "project" in response.json()
    response = client.post(API, {**data, "project": w.hub.pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["conclusion"] == "passed" and created["version"] == 1

    url = f"{API}{created['id']}/"
    stale = {"evaluator": "别的单位", "version": 0}
    assert client.patch(url, stale, content_type="application/json").status_code == 409
    late = {"reviewed_on": "2021-01-01", "version": 1}
    response = client.patch(url, late, content_type="application/json")
    assert response.status_code == 400 and "reviewed_on" in response.json()


def test_a_project_with_reports_is_not_deleted(client, w):
    client.force_login(w.staff)
    response = client.delete(f"/api/v1/seismic/construction-projects/{w.hub.pk}/")
    assert response.status_code == 409
