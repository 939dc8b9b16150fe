"""The earthquake-prevention indicators on small hand-made sets of records (not the demo): year
and date boundaries, what counts as what, drilled records, and that each figure follows the
records — change one and the figure changes."""

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.accounts.enums import DataScope
from kechuang.indicators import engine
from kechuang.seismic.enums import (
    AssessmentResult,
    BudgetSource,
    BuildingUse,
    Finding,
    HospitalGrade,
    OutreachKind,
    ProjectKind,
    RaisedKind,
    ShelterClass,
    SiteKind,
    SiteLevel,
    TrainingKind,
)
from kechuang.seismic.models import Assessment, Inspection, TownZonation
from tests.factories import staff_user
from tests.seismic.factories import (
    AssessmentFactory,
    BudgetLineFactory,
    ConstructionProjectFactory,
    DemonstrationSiteFactory,
    HouseDesignFactory,
    InspectionFactory,
    OutreachEventFactory,
    RaisedFortificationFactory,
    ShelterFactory,
    TrainingFactory,
    zoned_town,
)

pytestmark = pytest.mark.django_db

END_2020, END_2021 = dt.date(2020, 12, 31), dt.date(2021, 12, 31)


def evaluate(indicator_id, as_of=END_2020, **options):
    return engine.get(indicator_id).evaluate(as_of, drill=True, **options)


def names(records) -> set[str]:
    return {r["name"] for r in records}


def project(town, name, kind=ProjectKind.SCHOOL, use=BuildingUse.TEACHING, started=2019, **kw):
    return ConstructionProjectFactory(
        town=town,
        name=name,
        kind=kind,
        building_use=use,
        started_on=dt.date(started, 3, 1),
        start_year=started,
        **kw,
    )


def inspect(project, on, designed=7, **kw):
    return InspectionFactory(project=project, inspected_on=on, designed_measures_intensity=designed, **kw)  # fmt: skip


# Construction projects and inspections ---------------------------------------------------------


@pytest.fixture
def inspected():
    town = zoned_town("0.05")
    school = project(town, "小学教学楼", started=2020)
    inspect(school, dt.date(2020, 4, 1))
    inspect(school, dt.date(2020, 10, 1))  # a second visit the same year: still one project
    kindergarten = project(town, "幼儿园宿舍", kind=ProjectKind.KINDERGARTEN, use=BuildingUse.DORMITORY)  # fmt: skip
    inspect(kindergarten, dt.date(2020, 12, 31))
    hospital = project(town, "二级医院住院楼", kind=ProjectKind.HOSPITAL, use=BuildingUse.INPATIENT, hospital_grade=HospitalGrade.GRADE_2)  # fmt: skip
    inspect(hospital, dt.date(2020, 1, 1), designed=6)  # below: grade 2 inpatient is class B
    high_rise = project(town, "高层住宅", kind=ProjectKind.HIGH_RISE, use=BuildingUse.OTHER)
    inspect(high_rise, dt.date(2020, 6, 1), designed=6)
    later = project(town, "次年检查的工程", started=2020)
    inspect(later, dt.date(2021, 1, 1))
    project(town, "未检查的工程", started=2020)
    return town, school, kindergarten, hospital, high_rise, later


def test_projects_inspected_count_each_project_once_and_schools_include_kindergartens(inspected):
    result = evaluate("seismic.projects_inspected")

    assert result.value == 4
    assert result.breakdown["schools"] == 2
    assert result.breakdown["school"] == 1
    assert result.breakdown["kindergarten"] == 1
    assert result.breakdown["hospital"] == 1
    assert result.breakdown["high_rise_or_major"] == 1
    assert result.breakdown["new"] == 1  # started in 2020 and inspected in 2020
    assert names(result.records) == {"小学教学楼", "幼儿园宿舍", "二级医院住院楼", "高层住宅"}
    assert names(result.breakdown_records["new"]) == {"小学教学楼"}
    assert evaluate("seismic.projects_inspected", END_2021).value == 1


def test_inspections_count_every_visit_by_kind_and_finding(inspected):
    _town, school, *_rest = inspected
    school.inspections.filter(inspected_on=dt.date(2020, 10, 1)).update(
        finding=Finding.MINOR_ISSUES, rectification_required=True
    )

    result = evaluate("seismic.inspections")

    assert result.value == 5
    assert result.breakdown["school"] == 2
    assert result.breakdown["finding_minor_issues"] == 1
    assert result.breakdown["finding_compliant"] == 4
    assert result.breakdown["rectification_open"] == 1


def test_flagged_inspections_follow_the_design_and_the_towns_zonation(inspected):
    town, _school, _kindergarten, hospital, _high_rise, _later = inspected

    result = evaluate("seismic.flagged_inspections")
    assert result.value == 1  # the hospital; the high-rise (class C) needs only 6 at 0.05g
    assert names(result.records) == {"二级医院住院楼"}
    assert result.breakdown["open"] == 1

    visit = hospital.inspections.get()
    visit.rectification_required, visit.rectified_on = True, dt.date(2020, 3, 1)
    visit.save()
    assert evaluate("seismic.flagged_inspections").breakdown["rectified"] == 1

    # The town's zonation is edited to 0.10g: intensity 7, class B needs 8, class C needs 7.
    TownZonation.objects.filter(town=town).update(pga=Decimal("0.10"))
    result = evaluate("seismic.flagged_inspections")
    assert names(result.records) == {"小学教学楼", "幼儿园宿舍", "二级医院住院楼", "高层住宅"}
    assert result.value == 5
    fresh = Inspection.objects.filter(inspected_on__year=2020)  # the pure rules agree
    assert result.value == sum(inspection.evaluation().below_requirement for inspection in fresh)


def test_a_town_officer_drills_only_into_their_towns_records(inspected):
    town, *_rest = inspected
    other = project(zoned_town("0.05"), "他镇小学")
    inspect(other, dt.date(2020, 5, 1))
    officer = staff_user("officer", data_scope=DataScope.DEPARTMENT, department=town.office)

    result = evaluate("seismic.projects_inspected", viewer=officer)

    assert result.value == 5  # values count every record
    assert "他镇小学" not in names(result.records)
    assert result.withheld[None] == 1


# Registries --------------------------------------------------------------------------------------


def test_raised_fortification_by_kind_up_to_the_year():
    town = zoned_town()
    RaisedFortificationFactory(town=town, kind=RaisedKind.SCHOOL, year_completed=2020)
    RaisedFortificationFactory(town=town, kind=RaisedKind.KINDERGARTEN, year_completed=2012)
    RaisedFortificationFactory(town=town, kind=RaisedKind.RURAL_COMMUNITY, year_completed=None)
    later = RaisedFortificationFactory(town=town, kind=RaisedKind.SCHOOL, year_completed=2021)

    result = evaluate("seismic.raised_fortification")
    assert result.value == 3
    assert result.breakdown["school"] == 1
    assert result.breakdown[f"{town.code}.rural_community"] == 1

    later.year_completed = 2020
    later.save()
    assert evaluate("seismic.raised_fortification").breakdown["school"] == 2


def test_demonstration_sites_in_force_and_the_outreach_bases():
    town = zoned_town()
    DemonstrationSiteFactory(town=town, name="国家示范社区", level=SiteLevel.NATIONAL, kind=SiteKind.COMMUNITY)  # fmt: skip
    DemonstrationSiteFactory(town=town, name="示范乡村", level=SiteLevel.PINGHU, kind=SiteKind.VILLAGE)  # fmt: skip
    DemonstrationSiteFactory(town=town, name="活动中心", level=SiteLevel.JIAXING, kind=SiteKind.ACTIVITY_CENTRE)  # fmt: skip
    DemonstrationSiteFactory(town=town, name="科普基地", level=SiteLevel.PROVINCIAL, kind=SiteKind.SCIENCE_BASE)  # fmt: skip
    revoked = DemonstrationSiteFactory(town=town, name="撤销的示范学校", level=SiteLevel.PINGHU, kind=SiteKind.SCHOOL, designated_on=dt.date(2015, 5, 1), revoked_on=dt.date(2020, 12, 31))  # fmt: skip
    DemonstrationSiteFactory(town=town, name="次年的示范企业", level=SiteLevel.PINGHU, kind=SiteKind.ENTERPRISE, designated_on=dt.date(2021, 3, 1))  # fmt: skip

    sites = evaluate("seismic.demo_sites")
    assert sites.value == 4
    assert sites.breakdown["national.community"] == 1
    assert sites.breakdown["pinghu.village"] == 1
    assert sites.breakdown["bases_and_demo"] == 2
    bases = evaluate("seismic.outreach_bases")
    assert names(bases.records) == {"国家示范社区", "科普基地"}
    assert evaluate("seismic.outreach_bases", END_2021).value == 3

    revoked.revoked_on = dt.date(2021, 1, 1)  # revoked a day later: in force at the year's end
    revoked.save()
    assert evaluate("seismic.outreach_bases").value == 3


def test_shelters_and_their_capacity_from_the_area_by_town():
    town, other = zoned_town(), zoned_town()
    first = ShelterFactory(town=town, name="公园避难场所", effective_area=Decimal("1500"), shelter_class=ShelterClass.CLASS_I)  # fmt: skip
    ShelterFactory(town=town, name="广场避难场所", effective_area=Decimal("301.40"))  # 200 people
    ShelterFactory(town=other, name="他镇避难场所", effective_area=Decimal("14"))  # 9 people
    ShelterFactory(town=other, name="次年建成", effective_area=Decimal("3000"), opened_year=2021)

    count = evaluate("seismic.shelters")
    assert count.value == 3
    assert count.breakdown[town.code] == 2
    assert count.breakdown["class_1"] == 1
    capacity = evaluate("seismic.shelter_capacity")
    assert capacity.value == 1000 + 200 + 9
    assert capacity.breakdown[town.code] == 1200
    assert capacity.breakdown[other.code] == 9
    assert {r["name"]: r["amount"] for r in capacity.records}["公园避难场所"] == 1000

    first.effective_area = Decimal("3000")
    first.save()
    assert evaluate("seismic.shelter_capacity").breakdown[town.code] == 2200


# Trainings, designs, outreach, budget, assessments -----------------------------------------------


def test_builders_trained_sum_the_years_rural_builder_sessions():
    town, other = zoned_town(), zoned_town()
    TrainingFactory(town=town, held_on=dt.date(2020, 1, 1), attendees=100)
    session = TrainingFactory(town=other, held_on=dt.date(2020, 12, 31), attendees=38)
    TrainingFactory(town=town, held_on=dt.date(2020, 6, 1), attendees=50, kind=TrainingKind.OTHER)
    TrainingFactory(town=town, held_on=dt.date(2021, 1, 1), attendees=70)

    result = evaluate("seismic.builders_trained")
    assert result.value == 138
    assert result.breakdown[other.code] == 38
    assert sum(r["amount"] for r in result.records) == 138

    session.attendees = 40
    session.save()
    assert evaluate("seismic.builders_trained").value == 140


def test_designs_selected_in_the_year():
    HouseDesignFactory(year=2020, selected=True, title="户型A")
    HouseDesignFactory(year=2020, selected=False, title="户型B")
    HouseDesignFactory(year=2019, selected=True, title="户型C")

    result = evaluate("seismic.designs_selected")
    assert result.value == 1
    assert names(result.records) == {"户型A"}


def test_outreach_participants_by_year_and_kind():
    town = zoned_town()
    OutreachEventFactory(town=town, held_on=dt.date(2020, 5, 12), participants=12000)
    OutreachEventFactory(town=None, held_on=dt.date(2020, 10, 1), participants=8500, kind=OutreachKind.DRILL)  # fmt: skip
    OutreachEventFactory(town=town, held_on=dt.date(2019, 5, 12), participants=7000)

    year = evaluate("seismic.outreach_participants")
    assert year.value == 20500
    assert year.breakdown[OutreachKind.DRILL] == 8500
    by_year = evaluate("seismic.outreach_participants_by_year")
    assert by_year.breakdown["2019"] == 7000
    assert by_year.breakdown["2020"] == 20500
    assert by_year.breakdown[f"2020.{OutreachKind.PREVENTION_WEEK}"] == 12000


def test_budget_by_year_and_source():
    BudgetLineFactory(year=2020, amount=Decimal("12.5"))
    line = BudgetLineFactory(year=2020, amount=Decimal("17.5"))
    BudgetLineFactory(year=2020, amount=Decimal("5"), source=BudgetSource.OTHER)
    BudgetLineFactory(year=2021, amount=Decimal("40"))

    result = evaluate("seismic.budget")
    assert result.value == Decimal("35")
    assert result.breakdown[BudgetSource.FISCAL_BUDGET] == Decimal("30")

    line.amount = Decimal("20")
    line.save()
    assert evaluate("seismic.budget").breakdown[BudgetSource.FISCAL_BUDGET] == Decimal("32.5")


def test_consecutive_excellent_years_and_their_records():
    AssessmentFactory(year=2016, result=AssessmentResult.EXCELLENT)
    AssessmentFactory(year=2017, result=AssessmentResult.GOOD)
    for year in (2018, 2019, 2020):
        AssessmentFactory(year=year, result=AssessmentResult.EXCELLENT)

    result = evaluate("seismic.consecutive_excellent")
    assert result.value == 3
    assert names(result.records) == {"2018", "2019", "2020"}
    assert evaluate("seismic.consecutive_excellent", END_2021).value == 0  # no 2021 result

    Assessment.objects.filter(year=2017).update(result=AssessmentResult.EXCELLENT)
    assert evaluate("seismic.consecutive_excellent").value == 5
    Assessment.objects.filter(year=2019).delete()  # a gap ends the run
    assert evaluate("seismic.consecutive_excellent").value == 1
