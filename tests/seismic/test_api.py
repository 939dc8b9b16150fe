"""The earthquake-prevention API: scoped like the pages (a town officer sees their town's
records, an organisation its own projects), versioned updates (409 on a stale version),
references and towns within the caller's scope, the model's validation on every write, and
what the rules compute (a project's evaluation with its steps, an inspection's flag, a
shelter's capacity, the consecutive excellent years) read-only in the responses."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from kechuang.accounts.enums import RoleCode
from kechuang.seismic.domain import fortification as fx
from kechuang.seismic.enums import (
    AssessmentResult,
    BuildingUse,
    Finding,
    FortificationClass,
    HospitalGrade,
    ProjectKind,
    ShelterFacility,
)
from kechuang.seismic.models import ConstructionProject, Inspection, Shelter
from tests.factories import OrganisationFactory, TownFactory

from .factories import (
    AssessmentFactory,
    ConstructionProjectFactory,
    InspectionFactory,
    ShelterFactory,
    shelter_facility,
    zoned_town,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/seismic"


class World:
    """The east town at 0.10g and the west at 0.05g, each with a shelter and a school teaching
    building (the east one owned by a registered school); users from the shipped roles."""

    def __init__(self, make_user):
        self.east = zoned_town("0.10", name="东震镇")
        self.west = zoned_town("0.05", name="西震镇")
        self.owner = OrganisationFactory(name="东湖小学", town=self.east)
        self.school = ConstructionProjectFactory(
            name="东湖小学教学楼", town=self.east, owner=self.owner
        )
        self.west_school = ConstructionProjectFactory(name="西塘小学教学楼", town=self.west)
        self.east_shelter = ShelterFactory(
            name="东湖公园避难场所", town=self.east, effective_area=Decimal("3000")
        )
        self.west_shelter = ShelterFactory(name="西塘广场避难场所", town=self.west)
        self.staff = make_user(RoleCode.STAFF)
        self.officer = make_user(RoleCode.TOWN_OFFICER, department=self.east.office)
        self.school_user = make_user(RoleCode.ORGANISATION, organisation=self.owner)
        self.other_org_user = make_user(RoleCode.ORGANISATION)


@pytest.fixture
def w(make_user):
    return World(make_user)


def post(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def patch(client, url, data, **extra):
    return client.patch(url, data, content_type="application/json", **extra)


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


# Scope -----------------------------------------------------------------------------------------


def test_a_town_officer_sees_only_their_towns_records(client, w):
    client.force_login(w.officer)

    assert names(client.get(f"{API}/shelters/")) == ["东湖公园避难场所"]
    assert names(client.get(f"{API}/construction-projects/")) == ["东湖小学教学楼"]
    assert client.get(f"{API}/shelters/{w.west_shelter.pk}/").status_code == 404
    assert client.get(f"{API}/construction-projects/{w.west_school.pk}/").status_code == 404
    client.force_login(w.staff)
    assert names(client.get(f"{API}/shelters/")) == ["东湖公园避难场所", "西塘广场避难场所"]


def test_an_organisation_sees_its_own_projects_and_nothing_of_others(client, w):
    InspectionFactory(project=w.school)
    InspectionFactory(project=w.west_school)

    client.force_login(w.school_user)
    assert names(client.get(f"{API}/construction-projects/")) == ["东湖小学教学楼"]
    inspections = client.get(f"{API}/inspections/").json()["results"]
    assert [row["project"] for row in inspections] == [w.school.pk]
    assert client.get(f"{API}/construction-projects/{w.west_school.pk}/").status_code == 404
    assert client.get(f"{API}/shelters/").status_code == 403  # no permission on shelters

    client.force_login(w.other_org_user)
    assert names(client.get(f"{API}/construction-projects/")) == []
    assert client.get(f"{API}/inspections/").json()["results"] == []
    assert client.get(f"{API}/construction-projects/{w.school.pk}/").status_code == 404
    response = patch(client, f"{API}/construction-projects/{w.school.pk}/", {"version": 1})
    assert response.status_code in (403, 404)


def test_a_town_officer_writes_only_in_their_town(client, w):
    client.force_login(w.officer)
    shelter = {"name": "新建避难场所", "shelter_class": "3", "effective_area": "900"}

    outside = post(client, f"{API}/shelters/", {**shelter, "town": w.west.code})
    inside = post(client, f"{API}/shelters/", {**shelter, "town": w.east.code})
    moved = patch(
        client,
        f"{API}/shelters/{w.east_shelter.pk}/",
        {"town": w.west.code, "version": w.east_shelter.version},
    )
    other_project = post(
        client,
        f"{API}/inspections/",
        {
            "project": w.west_school.pk,
            "inspected_on": "2020-06-01",
            "inspectors": "张三",
            "designed_class": "b",
            "designed_measures_intensity": 7,
        },
    )

    assert (outside.status_code, list(outside.json())) == (400, ["town"])
    assert inside.status_code == 201, inside.json()
    assert (moved.status_code, list(moved.json())) == (400, ["town"])
    assert other_project.status_code == 400 and "project" in other_project.json()
    assert set(Shelter.objects.filter(town=w.west).values_list("name", flat=True)) == {
        "西塘广场避难场所"
    }
    assert not Inspection.objects.exists()


# Versions and validation -----------------------------------------------------------------------


def test_updates_carry_the_version_and_a_stale_one_answers_409(client, w):
    client.force_login(w.staff)
    url = f"{API}/shelters/{w.east_shelter.pk}/"

    missing = patch(client, url, {"address": "东湖路1号"})
    first = patch(client, url, {"address": "东湖路1号", "version": 1})
    stale = patch(client, url, {"address": "东湖路2号", "version": 1})

    assert (missing.status_code, first.status_code, stale.status_code) == (400, 200, 409)
    w.east_shelter.refresh_from_db()
    assert (w.east_shelter.address, w.east_shelter.version) == ("东湖路1号", 2)
    assert first.json()["version"] == 2


def test_a_created_record_is_then_edited_from_its_version_only(client, w):
    client.force_login(w.staff)
    created = post(
        client,
        f"{API}/construction-projects/",
        {
            "name": "新建幼儿园",
            "town": w.east.code,
            "kind": ProjectKind.KINDERGARTEN,
            "building_use": BuildingUse.TEACHING,
            "start_year": 2021,
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["version"], body["town"]) == (1, w.east.code)
    project = ConstructionProject.objects.get(pk=body["id"])
    assert project.created_by == w.staff
    url = f"{API}/construction-projects/{project.pk}/"

    edit = patch(client, url, {"floors": 3, "version": 1})
    stale = patch(client, url, {"floors": 4, "version": 1})

    assert (edit.status_code, stale.status_code) == (200, 409)
    project.refresh_from_db()
    assert (project.floors, project.version) == (3, 2)


def test_writes_run_the_models_validation(client, w):
    client.force_login(w.staff)

    no_area = post(
        client,
        f"{API}/shelters/",
        {"name": "零面积", "town": w.east.code, "shelter_class": "3", "effective_area": "0"},
    )
    no_grade = post(
        client,
        f"{API}/construction-projects/",
        {
            "name": "无等级医院门诊楼",
            "town": w.east.code,
            "kind": ProjectKind.HOSPITAL,
            "building_use": BuildingUse.OUTPATIENT,
            "start_year": 2020,
        },
    )
    weaker = patch(
        client,
        f"{API}/construction-projects/{w.school.pk}/",
        {"declared_class": FortificationClass.C, "version": 1},
    )

    assert (no_area.status_code, list(no_area.json())) == (400, ["effective_area"])
    assert (no_grade.status_code, list(no_grade.json())) == (400, ["hospital_grade"])
    assert (weaker.status_code, list(weaker.json())) == (400, ["declared_class"])
    assert not Shelter.objects.filter(name="零面积").exists()
    w.school.refresh_from_db()
    assert (w.school.declared_class, w.school.version) == ("", 1)


# What the rules compute ------------------------------------------------------------------------


def test_shelters_show_their_computed_capacity(client, w):
    client.force_login(w.staff)
    water = shelter_facility(ShelterFacility.WATER, "应急供水")

    created = post(
        client,
        f"{API}/shelters/",
        {
            "name": "明湖公园",
            "town": w.east.code,
            "shelter_class": "2",
            "effective_area": "4000.50",
            "facilities": [ShelterFacility.WATER],
            "capacity": 1,  # read-only: ignored
        },
    )
    detail = client.get(f"{API}/shelters/{w.east_shelter.pk}/").json()

    assert created.status_code == 201, created.json()
    assert created.json()["capacity"] == 2667  # ⌊4000.5 ÷ 1.5⌋
    assert created.json()["facilities"] == [ShelterFacility.WATER]
    assert list(Shelter.objects.get(name="明湖公园").facilities.all()) == [water]
    assert detail["capacity"] == 2000
    edited = patch(
        client, f"{API}/shelters/{w.east_shelter.pk}/", {"effective_area": "30", "version": 1}
    )
    assert edited.json()["capacity"] == 20


def test_a_project_shows_the_rules_evaluation_with_its_steps(client, w):
    """A school teaching building at 0.10g is class B, 8 degrees of measures; a design of 7
    degrees is below the requirement."""
    client.force_login(w.staff)
    InspectionFactory(
        project=w.school, inspected_on=dt.date(2020, 3, 1), designed_measures_intensity=8
    )
    InspectionFactory(
        project=w.school, inspected_on=dt.date(2020, 6, 1), designed_measures_intensity=7
    )
    ConstructionProjectFactory(name="无区划工程", town=TownFactory(name="无区划镇"))
    ConstructionProjectFactory(
        name="门诊楼",
        town=w.west,
        kind=ProjectKind.HOSPITAL,
        building_use=BuildingUse.OUTPATIENT,
        hospital_grade=HospitalGrade.GRADE_2,
    )

    evaluation = client.get(f"{API}/construction-projects/{w.school.pk}/").json()["evaluation"]
    listed = {
        row["name"]: row["evaluation"]
        for row in client.get(f"{API}/construction-projects/").json()["results"]
    }

    expected = fx.evaluate("school", "teaching", Decimal("0.10"), 7, designed_class="b")
    assert evaluation["available"] is True
    assert (evaluation["pga"], evaluation["site_intensity"]) == ("0.10g", 7)
    assert (evaluation["required_class"], evaluation["required_measures_intensity"]) == ("b", 8)
    assert (evaluation["designed_measures_intensity"], evaluation["below_requirement"]) == (7, True)
    assert (evaluation["designed_class"], evaluation["shortfalls"]) == ("b", ["measures"])
    assert evaluation["steps"] == [{"text": s.text, "source": s.source} for s in expected.steps]
    assert any(step["source"] == fx.SRC_EDUCATION for step in evaluation["steps"])
    assert listed["东湖小学教学楼"] == evaluation
    assert listed["无区划工程"]["available"] is False
    assert "无区划镇" in listed["无区划工程"]["message"]
    hospital = listed["门诊楼"]
    assert (hospital["required_class"], hospital["required_measures_intensity"]) == ("b", 7)
    assert (hospital["designed_measures_intensity"], hospital["below_requirement"]) == (None, None)
    assert (hospital["designed_class"], hospital["shortfalls"]) == (None, [])
    assert hospital["steps"][0]["source"] == fx.SRC_HOSPITAL


def test_a_design_of_a_lower_class_is_flagged_in_the_api(client, w):
    """A school teaching building designed as 丙 where 乙 is required is below the requirement
    even with measures high enough: on the project, its inspection and the filter."""
    client.force_login(w.staff)
    inspection = InspectionFactory(
        project=w.school,
        inspected_on=dt.date(2020, 6, 1),
        designed_class=FortificationClass.C,
        designed_measures_intensity=9,
    )
    evaluation = client.get(f"{API}/construction-projects/{w.school.pk}/").json()["evaluation"]
    assert (evaluation["below_requirement"], evaluation["shortfalls"]) == (True, ["class"])
    assert evaluation["designed_class"] == "c"
    assert any("设计抗震设防类别丙类" in step["text"] for step in evaluation["steps"])
    row = client.get(f"{API}/inspections/{inspection.pk}/").json()
    assert row["requirement"]["below_requirement"] is True
    flagged = client.get(f"{API}/inspections/", {"below_requirement": "true"}).json()["results"]
    assert [r["id"] for r in flagged] == [inspection.pk]


def test_the_evaluation_is_read_only(client, w):
    client.force_login(w.staff)
    response = patch(
        client,
        f"{API}/construction-projects/{w.school.pk}/",
        {"evaluation": {"below_requirement": False}, "version": 1},
    )
    assert response.status_code == 200
    assert response.json()["evaluation"]["required_class"] == "b"


def test_inspections_carry_the_computed_flag_and_can_be_filtered_by_it(client, w):
    client.force_login(w.staff)
    below = InspectionFactory(project=w.school, designed_measures_intensity=7)
    InspectionFactory(project=w.west_school, designed_measures_intensity=7)

    rows = {r["id"]: r for r in client.get(f"{API}/inspections/").json()["results"]}
    flagged = client.get(f"{API}/inspections/?below_requirement=true").json()["results"]

    assert rows[below.pk]["requirement"] == {
        "required_class": "b",
        "site_intensity": 7,
        "required_measures_intensity": 8,
        "below_requirement": True,
    }
    assert [r["id"] for r in flagged] == [below.pk]


def test_an_inspection_recorded_without_a_finding_gets_the_rules_verdict(client, w):
    client.force_login(w.staff)

    response = post(
        client,
        f"{API}/inspections/",
        {
            "project": w.school.pk,
            "inspected_on": "2020-06-01",
            "inspectors": "张三, 李四",
            "designed_class": "b",
            "designed_measures_intensity": 7,
            "rectified_on": "2020-06-02",  # read-only: closed only through the action
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["finding"], body["rectification_required"]) == (
        Finding.BELOW_REQUIREMENT,
        True,
    )
    assert body["rectified_on"] is None
    assert body["requirement"]["below_requirement"] is True
    inspection = Inspection.objects.get(pk=body["id"])
    assert inspection.created_by == w.staff


def test_a_rectification_is_closed_through_its_action_with_the_version(client, w):
    client.force_login(w.staff)
    inspection = InspectionFactory(
        project=w.school,
        designed_measures_intensity=7,
        finding=Finding.BELOW_REQUIREMENT,
        rectification_required=True,
    )
    url = f"{API}/inspections/{inspection.pk}/close-rectification/"

    stale = post(client, url, {"rectified_on": "2020-07-01", "version": 5})
    early = post(client, url, {"rectified_on": "2020-05-01", "version": 1})
    closed = post(
        client, url, {"rectified_on": "2020-07-01", "closure_note": "已补强", "version": 1}
    )
    again = post(client, url, {"rectified_on": "2020-07-02"})

    assert stale.status_code == 409
    assert (early.status_code, list(early.json())) == (400, ["rectified_on"])
    assert closed.status_code == 200, closed.json()
    assert (closed.json()["rectified_on"], closed.json()["version"]) == ("2020-07-01", 2)
    assert again.status_code == 400
    inspection.refresh_from_db()
    assert (inspection.rectified_on, inspection.closure_note) == (dt.date(2020, 7, 1), "已补强")


def test_a_town_officer_cannot_close_another_towns_rectification(client, w):
    inspection = InspectionFactory(project=w.west_school, rectification_required=True)
    client.force_login(w.officer)

    response = post(
        client,
        f"{API}/inspections/{inspection.pk}/close-rectification/",
        {"rectified_on": "2020-07-01"},
    )

    assert response.status_code == 404
    inspection.refresh_from_db()
    assert inspection.rectified_on is None


def test_consecutive_excellent_years_from_the_assessments(client, w):
    client.force_login(w.staff)
    AssessmentFactory(year=2005, result=AssessmentResult.GOOD)
    for year in range(2006, 2021):
        AssessmentFactory(year=year, result=AssessmentResult.EXCELLENT)
    url = f"{API}/assessments/consecutive-excellent/"

    assert client.get(f"{url}?year=2020").json() == {
        "year": 2020,
        "consecutive_excellent_years": 15,
    }
    assert client.get(url).json()["consecutive_excellent_years"] == 15
    assert client.get(f"{url}?year=2005").json()["consecutive_excellent_years"] == 0
    assert client.get(f"{url}?year=2023").json()["consecutive_excellent_years"] == 0
    assert client.get(f"{url}?year=last").status_code == 400


def test_a_project_with_inspections_is_not_deleted(client, w):
    client.force_login(w.staff)
    InspectionFactory(project=w.school)

    response = client.delete(f"{API}/construction-projects/{w.school.pk}/")

    assert response.status_code == 409
    assert ConstructionProject.objects.filter(pk=w.school.pk).exists()


# Query counts and the schema -------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize(
    "endpoint", ["construction-projects", "inspections", "shelters", "town-zonations"]
)
def test_lists_take_the_same_queries_however_many_rows(client, w, endpoint):
    client.force_login(w.staff)
    water = shelter_facility(ShelterFacility.WATER, "应急供水")
    InspectionFactory(project=w.school)
    few = count_queries(client, f"{API}/{endpoint}/")
    for n in range(4):
        town = zoned_town("0.20", name=f"加测镇{n}")
        project = ConstructionProjectFactory(town=town, owner=OrganisationFactory(town=town))
        InspectionFactory(project=project)
        ShelterFactory(town=town, facilities=[water])

    assert count_queries(client, f"{API}/{endpoint}/") == few


def test_the_schema_documents_the_endpoints_without_warnings(client, w):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    patterns = [path("api/v1/", include("kechuang.seismic.api_urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache
    validate_schema(schema)
    project = schema["components"]["schemas"]["ConstructionProject"]
    assert "evaluation" in project["properties"] and "evaluation" in project["required"]
    assert "/api/v1/seismic/inspections/{id}/close-rectification/" in schema["paths"]
    assert "/api/v1/seismic/assessments/consecutive-excellent/" in schema["paths"]

    client.force_login(w.staff)
    served = client.get("/api/schema/")
    assert served.status_code == 200
    assert b"/api/v1/seismic/construction-projects/" in served.content


def test_a_town_officer_cannot_leave_a_records_town_empty(client, w):
    training = {"held_on": "2020-07-15", "title": "农村建筑工匠培训", "attendees": 30}
    client.force_login(w.officer)

    for town in ({}, {"town": None}):
        response = post(client, f"{API}/trainings/", {**training, **town})
        assert response.status_code == 400, response.content
        assert "town" in response.json()
    created = post(client, f"{API}/trainings/", {**training, "town": w.east.code})
    assert created.status_code == 201, created.content
    emptied = patch(
        client, f"{API}/trainings/{created.json()['id']}/", {"town": None, "version": 1}
    )
    assert emptied.status_code == 400
    assert "town" in emptied.json()

    client.force_login(w.staff)  # reaches every town: a city-wide training
    assert post(client, f"{API}/trainings/", training).status_code == 201


def test_the_api_keeps_the_filter_names_clients_used_before_the_declarations(client, w):
    """?start_year= (construction projects) and ?rectification_open= (inspections) filter as
    ?year= and ?open_rectification= do: an old client gets its filtered list, not all rows."""
    from .factories import ConstructionProjectFactory, InspectionFactory

    old = ConstructionProjectFactory(start_year=2011, started_on=None)
    new = ConstructionProjectFactory(start_year=2012, started_on=None)
    still_open = InspectionFactory(project=old, rectification_required=True)
    closed = InspectionFactory(project=new, rectification_required=False)
    client.force_login(w.staff)

    def ids(path):
        response = client.get(path)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    base = "/api/v1/seismic/"
    assert ids(base + "construction-projects/?start_year=2011") == {old.pk}
    assert ids(base + "construction-projects/?year=2011") == {old.pk}
    opened = ids(base + "inspections/?rectification_open=true")
    assert opened == ids(base + "inspections/?open_rectification=true")
    assert still_open.pk in opened and closed.pk not in opened
