"""Excel imports and exports of the earthquake-prevention records: checked, then written all or
nothing, with row errors naming row and column; every row runs through the model's own
validation; an export re-imports unchanged (the inspections export's computed columns are
ignored); a town, a project and an owner must be within the importer's scope."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import xlsxwriter
from django.urls import reverse
from python_calamine import CalamineWorkbook

from kechuang.accounts.enums import DataScope, RoleCode, UserKind
from kechuang.audit.chain import verify
from kechuang.audit.models import AuditEvent
from kechuang.core.domain.imports import stale_message
from kechuang.core.enums import ImportStatus
from kechuang.registry.record_types import RECORD_TYPES
from kechuang.seismic.domain import shelters
from kechuang.seismic.enums import (
    BuildingUse,
    Finding,
    FortificationClass,
    HospitalGrade,
    ProjectKind,
    ShelterFacility,
)
from kechuang.seismic.models import ConstructionProject, Inspection, Shelter
from kechuang.seismic.record_types import (
    INSPECTION_COMPUTED_COLUMNS,
    ConstructionProjectType,
    InspectionType,
    ShelterType,
    TrainingType,
)
from kechuang.seismic.reference import ROLE_GRANTS
from tests.excel import confirm, upload
from tests.excel import workbook_of as workbook
from tests.factories import OrganisationFactory, role, user

from .factories import (
    AssessmentFactory,
    BudgetLineFactory,
    ConstructionProjectFactory,
    DemonstrationSiteFactory,
    HouseDesignFactory,
    InspectionFactory,
    MonitoringStationFactory,
    OutreachEventFactory,
    PlanDocumentFactory,
    RaisedFortificationFactory,
    SafetyEvaluationFactory,
    ShelterFactory,
    StationUpgradeFactory,
    TownZonationFactory,
    TrainingFactory,
    shelter_facility,
    zoned_town,
)

pytestmark = pytest.mark.django_db


class World:
    """Two towns: the east at 0.10g (7 degrees), the west at 0.05g. A school teaching building
    in each, a grade-2 hospital's outpatient building in the west; bureau staff, and an
    importer with the east town office's scope."""

    def __init__(self, make_user):
        self.east = zoned_town("0.10", name="东震镇")
        self.west = zoned_town("0.05", name="西震镇")
        self.school = ConstructionProjectFactory(name="东湖小学教学楼", town=self.east)
        self.west_school = ConstructionProjectFactory(name="西塘小学教学楼", town=self.west)
        self.hospital = ConstructionProjectFactory(
            name="西塘医院门诊楼",
            town=self.west,
            kind=ProjectKind.HOSPITAL,
            building_use=BuildingUse.OUTPATIENT,
            hospital_grade=HospitalGrade.GRADE_2,
        )
        self.staff = make_user(RoleCode.STAFF)
        self.officer = make_user(RoleCode.TOWN_OFFICER, department=self.east.office)
        self.east_importer = user(
            "east-seismic-importer",
            kind=UserKind.STAFF,
            department=self.east.office,
            roles=[role("east-seismic-importer", DataScope.DEPARTMENT, ROLE_GRANTS["staff"])],
        )


@pytest.fixture
def w(make_user):
    return World(make_user)


def raw_workbook(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for n, row in enumerate(rows):
        sheet.write_row(n, 0, [v.isoformat() if isinstance(v, dt.date) else v for v in row])
    book.close()
    return buffer.getvalue()


# Every export of the area: those of its declared record types.
ALL_EXPORTS = {
    t.meta.model_name: t.export for t in RECORD_TYPES.values() if t.app == "seismic" and t.export
}
INSPECTION_COLUMNS = InspectionType.instance.excel_columns
PROJECT_COLUMNS = ConstructionProjectType.instance.excel_columns


def export_bytes(model_name: str, queryset) -> bytes:
    buffer = io.BytesIO()
    ALL_EXPORTS[model_name].write(buffer, queryset)
    return buffer.getvalue()


def sheet_rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def inspection_row(**values):
    return {
        "project": "东湖小学教学楼",
        "town": "东震镇",
        "inspected_on": "2020-06-10",
        "inspectors": "张三、李四",
        "designed_class": "乙",
        "designed_measures_intensity": 8,
        **values,
    }


# Inspections -----------------------------------------------------------------------------------


def test_an_inspections_file_with_bad_rows_is_refused_as_a_whole(client, w):
    client.force_login(w.staff)
    before = Inspection.objects.count()
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    rows = [
        inspection_row(),  # row 2: good
        inspection_row(project="查无此工程"),  # 3
        inspection_row(designed_class="戊"),  # 4
        inspection_row(designed_measures_intensity=10),  # 5
        inspection_row(rectification_required="否", rectified_on="2020-07-01"),  # 6
        inspection_row(
            rectification_required="是",
            rectified_on="2020-06-01",
            inspected_on="2020-06-20",
        ),  # 7: closed before the inspection
        inspection_row(inspected_on=tomorrow),  # 8: in the future
        inspection_row(inspected_on="去年"),  # 9
        inspection_row(town="西震镇"),  # 10: no such project in that town
        inspection_row(finding="大概合格"),  # 11
    ]

    response, job = upload(client, "seismic.inspection", workbook(INSPECTION_COLUMNS, rows))

    assert response.status_code == 302
    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "项目名称"),
        (4, "设计设防类别"),
        (5, "设计抗震措施烈度"),
        (6, "整改完成日期"),
        (7, "整改完成日期"),
        (8, "检查日期"),
        (9, "检查日期"),
        (10, "项目名称"),
        (11, "检查结论"),
    ]
    assert all(e["message"] for e in job.errors)
    assert "查无此工程" in job.errors[0]["message"]
    assert "戊" in job.errors[1]["message"]
    assert Inspection.objects.count() == before  # nothing written, not even the good row
    assert not AuditEvent.objects.filter(action="import").exists()
    # The refused job cannot be confirmed into writing anything.
    job = confirm(client, job)
    assert job.status == ImportStatus.INVALID
    assert Inspection.objects.count() == before


def test_a_good_inspections_file_imports_with_the_rules_verdict(client, w):
    client.force_login(w.staff)
    rows = [
        # 7 degrees where the rules require 8 (class B at 0.10g), finding left to the rules
        inspection_row(designed_measures_intensity="7度", rectification_due="2020-09-30"),
        # the same project again later, meeting the requirement, rectification closed
        inspection_row(
            inspected_on="2020-10-08",
            designed_class="b",
            designed_measures_intensity=8,
            finding="compliant",
            rectification_required="是",
            rectified_on="2020-10-20",
            closure_note="已按8度补强",
        ),
        {
            **inspection_row(project="西塘医院门诊楼", town=w.west.code),
            "designed_class": "乙类",
            "designed_measures_intensity": 7,
        },
    ]

    _, job = upload(client, "seismic.inspection", workbook(INSPECTION_COLUMNS, rows))

    assert job.status == ImportStatus.READY, job.errors
    assert [p["action"] for p in job.preview] == ["create", "create", "create"]
    job = confirm(client, job)
    assert (job.status, job.created_count) == (ImportStatus.DONE, 3)
    first = Inspection.objects.get(project=w.school, inspected_on=dt.date(2020, 6, 10))
    assert (first.designed_class, first.designed_measures_intensity) == (FortificationClass.B, 7)
    assert first.finding == Finding.BELOW_REQUIREMENT
    assert first.rectification_required and first.rectification_due == dt.date(2020, 9, 30)
    assert first.inspector_list == ["张三", "李四"]
    assert first.created_by == w.staff
    closed = Inspection.objects.get(project=w.school, inspected_on=dt.date(2020, 10, 8))
    assert (closed.finding, closed.rectified_on) == (Finding.COMPLIANT, dt.date(2020, 10, 20))
    hospital = Inspection.objects.get(project=w.hospital)
    assert (hospital.finding, hospital.rectification_required) == (Finding.COMPLIANT, False)
    assert set(Inspection.objects.flagged()) == {first}
    summary = AuditEvent.objects.get(action="import")
    assert AuditEvent.objects.filter(batch=summary.batch, action="create").count() == 3
    assert verify() is None


def test_an_imported_design_of_a_lower_class_gets_the_rules_verdict(client, w):
    """丙 designed where 乙 is required, measures met (8 degrees at 0.10g): below the
    requirement; 甲 designed with the same measures meets it."""
    client.force_login(w.staff)
    rows = [
        inspection_row(designed_class="丙"),
        inspection_row(inspected_on="2020-10-08", designed_class="甲"),
    ]

    _, job = upload(client, "seismic.inspection", workbook(INSPECTION_COLUMNS, rows))
    assert job.status == ImportStatus.READY, job.errors
    confirm(client, job)

    lower = Inspection.objects.get(project=w.school, designed_class=FortificationClass.C)
    higher = Inspection.objects.get(project=w.school, designed_class=FortificationClass.A)
    assert (lower.finding, lower.rectification_required) == (Finding.BELOW_REQUIREMENT, True)
    assert (higher.finding, higher.rectification_required) == (Finding.COMPLIANT, False)
    assert set(Inspection.objects.flagged()) == {lower}


def test_the_inspections_export_reimports_unchanged_ignoring_its_computed_columns(client, w):
    client.force_login(w.staff)
    flagged = InspectionFactory(
        project=w.school,
        designed_measures_intensity=7,
        finding=Finding.BELOW_REQUIREMENT,
        rectification_required=True,
        rectification_due=dt.date(2020, 8, 1),
        findings="教学楼抗震措施按7度设计",
    )
    InspectionFactory(project=w.hospital, designed_class=FortificationClass.B)

    content = export_bytes("inspection", Inspection.objects.order_by("pk"))

    rows = sheet_rows(content)
    headers = [c.header for c in INSPECTION_COLUMNS]
    computed = [c.header for c in INSPECTION_COMPUTED_COLUMNS]
    assert rows[0] == headers + computed
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["项目名称"], first["镇街道"], first["设计设防类别"]) == (
        "东湖小学教学楼",
        "东震镇",
        "乙类",
    )
    assert (first["应设防类别(计算)"], first["应采取抗震措施烈度(计算)"]) == ("乙类", 8)
    assert first["低于设防要求(计算)"] == "是"
    second = dict(zip(rows[0], rows[2], strict=True))
    assert (second["应采取抗震措施烈度(计算)"], second["低于设防要求(计算)"]) == (7, "否")

    _, job = upload(client, "seismic.inspection", content)
    assert job.status == ImportStatus.READY, job.errors
    assert [p["action"] for p in job.preview] == ["update", "update"]
    job = confirm(client, job)

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)
    flagged.refresh_from_db()
    assert flagged.version == 1


def test_edited_computed_columns_change_nothing(client, w):
    """What the rules compute is never stored: editing it in the file is ignored."""
    client.force_login(w.staff)
    InspectionFactory(project=w.school, designed_measures_intensity=7)
    rows = sheet_rows(export_bytes("inspection", Inspection.objects.all()))
    rows[1][-1] = "否"  # "below the requirement"
    rows[1][-2] = 6

    _, job = upload(client, "seismic.inspection", raw_workbook(rows))
    job = confirm(client, job)

    assert job.unchanged_count == 1, job.errors
    assert Inspection.objects.flagged().count() == 1


def test_a_reimport_updates_the_inspection_of_the_same_project_and_date(client, w):
    client.force_login(w.staff)
    inspection = InspectionFactory(project=w.school, inspected_on=dt.date(2020, 6, 10))

    _, job = upload(
        client,
        "seismic.inspection",
        workbook(INSPECTION_COLUMNS, [inspection_row(findings="复查合格")]),
    )
    job = confirm(client, job)

    inspection.refresh_from_db()
    assert (job.updated_count, inspection.findings, inspection.version) == (1, "复查合格", 2)
    update = AuditEvent.objects.for_object(inspection).get(action="update")
    assert update.changes["findings"] == ["", "复查合格"]


def test_projects_outside_the_importers_scope_are_not_found(client, w):
    client.force_login(w.east_importer)
    rows = [
        inspection_row(),
        inspection_row(project="西塘小学教学楼", town="西震镇"),
    ]

    _, job = upload(client, "seismic.inspection", workbook(INSPECTION_COLUMNS, rows))

    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "项目名称")]
    assert "西塘小学教学楼" in job.errors[0]["message"]
    assert not Inspection.objects.exists()


def test_a_row_leaving_the_finding_to_the_rules_needs_the_towns_zonation(client, w):
    client.force_login(w.staff)
    unzoned = ConstructionProjectFactory(name="无区划小学", town__name="无区划镇")

    _, job = upload(
        client,
        "seismic.inspection",
        workbook(INSPECTION_COLUMNS, [inspection_row(project=unzoned.name, town="无区划镇")]),
    )

    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "检查结论")]


# Construction projects -------------------------------------------------------------------------


def project_row(**values):
    return {
        "name": "新建中学宿舍楼",
        "town": "东震镇",
        "kind": "学校",
        "building_use": "宿舍",
        "started_on": "2020-04-01",
        **values,
    }


def test_construction_projects_are_checked_by_the_models_rules(client, w):
    client.force_login(w.staff)
    rows = [
        project_row(),  # 2: good
        project_row(name="无等级医院", kind="医院", building_use="门诊"),  # 3: no grade
        project_row(name="降级学校", declared_class="丙"),  # 4: below the rule's class B
        project_row(name="奇怪工程", kind="宫殿"),  # 5
        project_row(name="无年份工程", started_on=""),  # 6
        project_row(name="等级错配", hospital_grade="二级"),  # 7: a grade for a school
        project_row(name="越界工程", owner_uscc="91330482MA00000000"),  # 8: unknown owner
    ]

    _, job = upload(
        client,
        "seismic.constructionproject",
        workbook(PROJECT_COLUMNS, rows),
    )

    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "医院等级"),
        (4, "申报设防类别"),
        (5, "项目类型"),
        (6, "开工年度"),
        (7, "医院等级"),
        (8, "建设单位统一社会信用代码"),
    ]
    assert not ConstructionProject.objects.filter(name="新建中学宿舍楼").exists()


def test_construction_projects_import_then_export_reimports_unchanged(client, w):
    client.force_login(w.staff)
    owner = OrganisationFactory(name="平湖市教育局直属学校", town=w.east)
    rows = [
        project_row(owner_uscc=owner.uscc, floors=5, height_m="18.6"),
        project_row(
            name="新建医院住院楼",
            kind="hospital",
            building_use="住院",
            hospital_grade="3",
            declared_class="甲类",
            owner_name="未登记的建设单位",
        ),
    ]

    _, job = upload(client, "seismic.constructionproject", workbook(PROJECT_COLUMNS, rows))
    job = confirm(client, job)

    assert (job.status, job.created_count) == (ImportStatus.DONE, 2), job.errors or job.message
    school = ConstructionProject.objects.get(name="新建中学宿舍楼")
    assert (school.owner, school.owner_name, school.start_year) == (owner, "", 2020)
    assert (school.kind, school.building_use, school.height_m) == (
        ProjectKind.SCHOOL,
        BuildingUse.DORMITORY,
        Decimal("18.60"),
    )
    hospital = ConstructionProject.objects.get(name="新建医院住院楼")
    assert (hospital.hospital_grade, hospital.declared_class) == ("3", FortificationClass.A)
    assert (hospital.owner, hospital.owner_name) == (None, "未登记的建设单位")

    content = export_bytes("constructionproject", ConstructionProject.objects.all())
    _, job = upload(client, "seismic.constructionproject", content)
    job = confirm(client, job)
    assert (job.created_count, job.updated_count) == (0, 0)
    assert job.unchanged_count == ConstructionProject.objects.count()


# Shelters ----------------------------------------------------------------------------------------


def shelter_row(**values):
    return {
        "name": "明湖公园应急避难场所",
        "town": "东震镇",
        "shelter_class": "2",
        "effective_area": 30000,
        "facilities": "应急供水、应急供电",
        **values,
    }


@pytest.mark.parametrize("area", [0, "0.00", -50])
def test_a_shelter_with_no_area_is_refused(client, w, area):
    client.force_login(w.staff)
    shelter_facility(ShelterFacility.WATER, "应急供水")
    shelter_facility(ShelterFacility.POWER, "应急供电")
    rows = [shelter_row(name="好场所"), shelter_row(effective_area=area)]

    _, job = upload(client, "seismic.shelter", workbook(ShelterType.instance.excel_columns, rows))

    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "有效避难面积(平方米)")]
    from django.utils import translation

    with translation.override(job.language):
        assert job.errors[0]["message"] == str(shelters.InvalidAreaError.message)
    assert not Shelter.objects.exists()


def test_shelters_import_with_their_facilities(client, w):
    client.force_login(w.staff)
    water = shelter_facility(ShelterFacility.WATER, "应急供水")
    power = shelter_facility(ShelterFacility.POWER, "应急供电")

    _, job = upload(
        client, "seismic.shelter", workbook(ShelterType.instance.excel_columns, [shelter_row()])
    )
    job = confirm(client, job)

    shelter = Shelter.objects.get()
    assert (job.created_count, shelter.capacity) == (1, 20000)
    assert set(shelter.facilities.all()) == {water, power}

    unknown = shelter_row(facilities="直升机停机坪")
    _, job = upload(
        client, "seismic.shelter", workbook(ShelterType.instance.excel_columns, [unknown])
    )
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "配套设施")]


def test_a_town_outside_the_importers_scope_is_refused(client, w):
    client.force_login(w.east_importer)
    shelter_facility(ShelterFacility.WATER, "应急供水")
    shelter_facility(ShelterFacility.POWER, "应急供电")
    rows = [shelter_row(), shelter_row(town="西震镇"), shelter_row(town="火星镇")]

    _, job = upload(client, "seismic.shelter", workbook(ShelterType.instance.excel_columns, rows))

    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "镇街道"), (4, "镇街道")]
    assert "西震镇" in job.errors[0]["message"]


def test_imports_need_the_areas_import_permission(client, w):
    client.force_login(w.officer)  # town officers enter their town's records, not files

    assert client.get(reverse("core:import-upload", args=["seismic.shelter"])).status_code == 403
    response, job = upload(client, "seismic.inspection", b"x")
    assert (response.status_code, job) == (403, None)


# Every export re-imports unchanged ------------------------------------------------------------


def one_of_each(w) -> dict:
    facility = shelter_facility(ShelterFacility.WATER, "应急供水")
    organisation = OrganisationFactory(name="港中村股份经济合作社", town=w.east)
    station = MonitoringStationFactory(name="乍浦地震台", town=w.east)
    return {
        "townzonation": TownZonationFactory(town=w.east),
        "constructionproject": w.school,
        "inspection": InspectionFactory(
            project=w.school,
            rectification_required=True,
            rectification_due=dt.date(2020, 7, 1),
            rectified_on=dt.date(2020, 6, 20),
            closure_note="已整改",
        ),
        "raisedfortification": RaisedFortificationFactory(town=w.east, organisation=organisation),
        "demonstrationsite": DemonstrationSiteFactory(
            town=w.east, organisation=organisation, revoked_on=dt.date(2023, 1, 1)
        ),
        "shelter": ShelterFactory(town=w.east, facilities=[facility], note="公园"),
        "monitoringstation": station,
        "stationupgrade": StationUpgradeFactory(station=station, funding=Decimal("8.50")),
        "training": TrainingFactory(town=w.east),
        "safetyevaluation": SafetyEvaluationFactory(project=w.school),
        "housedesign": HouseDesignFactory(),
        "outreachevent": OutreachEventFactory(town=None),
        "budgetline": BudgetLineFactory(amount=Decimal("12.34")),
        "plandocument": PlanDocumentFactory(document_number="平政发〔2019〕1号"),
        "assessment": AssessmentFactory(year=2020),
    }


def test_every_export_reimports_unchanged(client, w):
    client.force_login(w.staff)
    records = one_of_each(w)

    assert set(ALL_EXPORTS) == set(records)
    for model_name, record in records.items():
        model = type(record)
        content = export_bytes(model_name, model.objects.order_by("pk"))
        _, job = upload(client, f"seismic.{model_name}", content)
        assert job.status == ImportStatus.READY, (model_name, job.errors, job.message)
        job = confirm(client, job)
        count = model.objects.count()
        assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == (
            ImportStatus.DONE,
            0,
            0,
            count,
        ), model_name
        record.refresh_from_db()
        assert record.version == 1, model_name


def test_an_importer_limited_to_a_town_names_the_town_of_every_row(client, w):
    training = {"held_on": "2020-07-15", "title": "农村建筑工匠培训", "attendees": 30}
    rows = [training, {**training, "title": "第二期", "town": "东震镇"}]
    content = workbook(TrainingType.instance.excel_columns, rows)
    client.force_login(w.east_importer)

    _, job = upload(client, "seismic.training", content)
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "镇街道")]

    client.force_login(w.staff)  # reaches every town: a city-wide training
    _, job = upload(client, "seismic.training", content)
    assert job.errors == []


# Concurrent edits ------------------------------------------------------------------------------


def test_a_record_changed_between_the_check_and_the_commit_refuses_the_import(client, w):
    """The preview said "update" of the version it saw; a colleague saving the inspection
    before the confirmation makes the import refuse as a whole, keeping the colleague's edit."""
    client.force_login(w.staff)
    inspection = InspectionFactory(
        project=w.school, inspected_on=dt.date(2020, 6, 10), findings="原记录"
    )
    rows = [
        inspection_row(findings="导入的结论"),
        inspection_row(project="西塘医院门诊楼", town=w.west.code, designed_class="乙"),
    ]
    _, job = upload(client, "seismic.inspection", workbook(INSPECTION_COLUMNS, rows))
    assert job.status == ImportStatus.READY, job.errors
    assert [p["action"] for p in job.preview] == ["update", "create"]

    Inspection.objects.filter(pk=inspection.pk).update(
        findings="同事刚改的结论", version=inspection.version + 1
    )
    before = Inspection.objects.count()
    job = confirm(client, job)

    assert job.status == ImportStatus.INVALID
    assert job.errors == [{"row": 2, "column": "项目名称、检查日期", "message": stale_message()}], (
        job.errors
    )
    inspection.refresh_from_db()
    assert inspection.findings == "同事刚改的结论"
    assert Inspection.objects.count() == before  # the other row was not written either


def test_a_record_created_between_the_check_and_the_commit_refuses_the_import(client, w):
    client.force_login(w.staff)
    rows = [inspection_row()]
    _, job = upload(client, "seismic.inspection", workbook(INSPECTION_COLUMNS, rows))
    assert [p["action"] for p in job.preview] == ["create"]
    InspectionFactory(project=w.school, inspected_on=dt.date(2020, 6, 10), findings="同事新建")

    job = confirm(client, job)

    assert job.status == ImportStatus.INVALID
    assert Inspection.objects.get(project=w.school).findings == "同事新建"


def test_the_commit_refuses_a_version_changed_after_its_last_check(w):
    """The last check and the write are apart by moments; the write itself compares the
    version it locked with the one the preview saw."""
    from kechuang.core.domain.imports import CHECKED_VERSION, ParsedRow, StaleImportError

    inspection = InspectionFactory(project=w.school, inspected_on=dt.date(2020, 6, 10))
    importer = InspectionType.instance.Importer(w.staff)
    fields = {
        "project_id": w.school.pk,
        "inspected_on": dt.date(2020, 6, 10),
        "findings": "导入的结论",
    }
    stale = ParsedRow(2, {"fields": fields, CHECKED_VERSION: inspection.version - 1})
    with pytest.raises(StaleImportError):
        importer.commit([stale])
    current = ParsedRow(2, {"fields": fields, CHECKED_VERSION: inspection.version})
    assert importer.commit([current]).updated == 1
