"""The server errors schemathesis found, each a clear 400/404/405/409 now (issue 11, item 5):
an unsupported method, years and ids beyond what the database holds in filters and bodies, a
second zonation of a town, a date-time before 1901, deleting a record still in use — and the
shared pieces behind them (``IdFilter``, ``YearFilter``, ``IdField``, ``DateTimeField``,
``delete_or_conflict``)."""

import pytest
from django.contrib.auth import get_user_model

from kechuang.accounts.enums import RoleCode
from kechuang.services.models import PolicyVersion
from tests.factories import OrganisationFactory, PersonFactory
from tests.seismic.factories import (
    ConstructionProjectFactory,
    InspectionFactory,
    RaisedFortificationFactory,
    TrainingFactory,
    zoned_town,
)
from tests.services.factories import PolicyVersionFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture
def admin(client):
    user = get_user_model().objects.create_superuser("root", password="Root-pass-2026!")
    client.force_login(user)
    return user


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_trace_answers_405_on_every_kind_of_viewset(client, admin):
    for url in (
        "/api/v1/organisations/",
        "/api/v1/seismic/town-zonations/",
        "/api/v1/projects/calls/",
        "/api/v1/services/activities/",
    ):
        response = client.generic("TRACE", url)
        assert response.status_code == 405, url


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/people/?organisation={HUGE}",
        f"/api/v1/qualifications/?organisation={HUGE}",
        f"/api/v1/seismic/inspections/?project={HUGE}",
        f"/api/v1/seismic/station-upgrades/?station={HUGE}",
        f"/api/v1/seismic/construction-projects/?owner={HUGE}",
        "/api/v1/people/?organisation=0",
        "/api/v1/people/?organisation=1.5",
    ],
)
def test_an_id_beyond_the_database_in_a_filter_is_a_400_naming_it(client, admin, url):
    response = client.get(url)
    assert response.status_code == 400
    assert set(response.json()) & {"organisation", "project", "station", "owner"}


def test_the_people_page_ignores_an_id_beyond_the_database(client, admin):
    PersonFactory(name="张工")
    response = client.get(f"/registry/people/?organisation={HUGE}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "raised-fortifications",
        "inspections",
        "trainings",
        "outreach-events",
        "station-upgrades",
        "budget-lines",
        "assessments",
    ],
)
@pytest.mark.parametrize("year", ["0", "-1", "10000", HUGE])
def test_a_year_out_of_range_on_a_seismic_list_is_a_400(client, admin, path, year):
    response = client.get(f"/api/v1/seismic/{path}/?year={year}")
    assert response.status_code == 400
    assert list(response.json()) == ["year"]


def test_the_year_filter_matches_a_number_field_and_a_date_field(client, admin):
    town = zoned_town("0.10")
    RaisedFortificationFactory(town=town, year_completed=2021)
    InspectionFactory(project=ConstructionProjectFactory(town=town), inspected_on="2021-05-01")
    TrainingFactory(town=town, held_on="2020-05-01")

    def count(path, year):
        response = client.get(f"/api/v1/seismic/{path}/?year={year}")
        assert response.status_code == 200, response.json()
        return response.json()["count"]

    assert (count("raised-fortifications", 2021), count("raised-fortifications", 2020)) == (1, 0)
    assert (count("inspections", 2021), count("inspections", 2020)) == (1, 0)
    assert (count("trainings", 2020), count("trainings", 2021)) == (1, 0)


def test_an_organisation_user_gets_a_400_for_a_year_out_of_range_on_inspections(client, make_user):
    client.force_login(make_user(RoleCode.ORGANISATION))
    assert client.get("/api/v1/seismic/inspections/?year=0").status_code == 400


def test_a_second_zonation_for_a_town_is_a_400_naming_the_town(client, admin):
    town = zoned_town("0.10")
    response = post(client, "/api/v1/seismic/town-zonations/", {"town": town.code, "pga": "0.05"})
    assert response.status_code == 400
    assert list(response.json()) == ["town"]


def test_deleting_an_organisation_still_referred_to_is_a_409_naming_it(client, admin):
    organisation = OrganisationFactory(name="平湖某某科技有限公司")
    PersonFactory(organisation=organisation)
    ConstructionProjectFactory(owner=organisation)

    response = client.delete(f"/api/v1/organisations/{organisation.pk}/")

    assert response.status_code == 409
    assert "平湖某某科技有限公司" in response.json()["detail"]
    assert client.get(f"/api/v1/organisations/{organisation.pk}/").status_code == 200


def test_an_id_beyond_the_database_in_a_step_body_is_a_400(client, admin):
    version = PolicyVersionFactory()
    response = post(
        client,
        f"/api/v1/services/policy-versions/{version.pk}/start-consultation/",
        {"organisations": [int(HUGE)]},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["organisations"]
    assert PolicyVersion.objects.get(pk=version.pk).state == version.state


@pytest.mark.parametrize("opens_at", ["0144-06-06T13:12:28Z", "1900-12-31T23:00:00+08:00"])
def test_a_date_time_before_1901_is_a_400(client, admin, opens_at):
    response = post(client, "/api/v1/projects/calls/", {"opens_at": opens_at})
    assert response.status_code == 400
    assert "opens_at" in response.json()
    assert "1901" in response.json()["opens_at"][0]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/institute-records/",
        "/api/v1/projects/applications/",
        "/api/v1/services/field-visits/",
        "/api/v1/services/institution-visits/",
        "/api/v1/signing-events/",
    ],
)
def test_a_year_filter_on_an_annotation_or_a_lookup_answers(client, admin, url):
    assert client.get(f"{url}?year=2020").status_code == 200
    assert client.get(f"{url}?year=0").status_code == 400


def test_a_code_with_a_nul_character_names_no_record(client, admin):
    response = post(
        client,
        "/api/v1/seismic/shelters/",
        {"name": "避难场所", "shelter_class": "3", "effective_area": "900", "town": "33\x00"},
    )
    assert response.status_code == 400
    assert "town" in response.json()
