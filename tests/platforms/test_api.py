"""The platform API: scoped like the pages, filtered like the lists, versioned updates (409 on
a stale version), and records attached only to parents within the caller's scope."""

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token

from kechuang.platforms.enums import RDEnd, RDLevel
from kechuang.platforms.models import InstituteTalent, RDInstitution, Tenancy
from tests.factories import PersonFactory

from .factories import RDInstitutionFactory, TenancyFactory, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(make_user):
    return World(make_user)


def names(response) -> list[str]:
    assert response.status_code == 200
    return [row.get("name") for row in response.json()["results"]]


def test_staff_creates_an_rd_institution_by_level_code(client, w):
    client.force_login(w.staff)

    response = client.post(
        "/api/v1/rd-institutions/",
        {
            "host": w.ours["enterprise"].pk,
            "name": "接口研发中心",
            "level": RDLevel.PINGHU_RD_CENTRE,
            "certified_year": 2024,
            "certified_on": "2024-04-01",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    created = RDInstitution.objects.get(name="接口研发中心")
    assert (created.level.code, created.created_by, created.version) == (
        RDLevel.PINGHU_RD_CENTRE,
        w.staff,
        1,
    )
    assert response.json()["level"] == RDLevel.PINGHU_RD_CENTRE


def test_values_are_checked_together(client, w):
    client.force_login(w.staff)

    response = client.post(
        "/api/v1/tenancies/",
        {
            "incubator": w.ours["incubator"].pk,
            "enterprise": w.ours["enterprise"].pk,
            "entered_on": "2022-01-01",
            "exited_on": "2021-01-01",
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"exited_on"}


def test_the_lifecycle_of_a_certification_is_read_only(client, w):
    """Its end, successor, level and events change only through its lifecycle steps."""
    client.force_login(w.staff)
    rd = w.ours["rd"]
    url = f"/api/v1/rd-institutions/{rd.pk}/"

    ended = client.patch(
        url,
        {"ended_on": "2023-01-01", "end_reason": RDEnd.REVOKED, "version": rd.version},
        content_type="application/json",
    )
    assert ended.status_code == 200, ended.json()
    rd.refresh_from_db()
    assert (rd.ended_on, rd.end_reason, rd.successor) == (None, "", None)

    level = client.patch(
        url, {"level": RDLevel.NATIONAL, "version": rd.version}, content_type="application/json"
    )
    assert level.status_code == 400 and set(level.json()) == {"level"}
    rd.refresh_from_db()
    assert rd.level.code == RDLevel.PROVINCIAL_RD_CENTRE

    event = client.post(
        "/api/v1/rd-institution-events/",
        {"institution": rd.pk, "kind": "revoked", "happened_on": "2023-01-01"},
        content_type="application/json",
    )
    assert event.status_code == 405
    assert not rd.events.exists()
    assert client.get("/api/v1/rd-institution-events/").status_code == 200


def test_updates_carry_the_version_and_a_stale_one_answers_409(client, w):
    client.force_login(w.staff)
    rd = w.ours["rd"]
    url = f"/api/v1/rd-institutions/{rd.pk}/"

    missing = client.patch(url, {"batch": "第二批"}, content_type="application/json")
    first = client.patch(url, {"batch": "第二批", "version": 1}, content_type="application/json")
    stale = client.patch(url, {"batch": "第三批", "version": 1}, content_type="application/json")

    assert (missing.status_code, first.status_code, stale.status_code) == (400, 200, 409)
    rd.refresh_from_db()
    assert (rd.batch, rd.version) == ("第二批", 2)
    assert first.json()["version"] == 2


def test_filters_by_level_and_date_in_force(client, w):
    client.force_login(w.staff)
    RDInstitutionFactory(
        host=w.ours["enterprise"],
        name="已撤销中心",
        certified_on=dt.date(2018, 1, 1),
        ended_on=dt.date(2021, 1, 1),
        end_reason=RDEnd.REVOKED,
    )
    base = "/api/v1/rd-institutions/"

    in_force = names(client.get(f"{base}?in_force_on=2022-06-30"))
    earlier = names(
        client.get(f"{base}?in_force_on=2020-06-30&level={RDLevel.PROVINCIAL_RD_CENTRE}")
    )
    other_level = names(client.get(f"{base}?level={RDLevel.NATIONAL}"))

    assert sorted(in_force) == ["东研发中心", "西研发中心"]
    assert earlier == ["已撤销中心"]
    assert other_level == []
    assert client.get(f"{base}?in_force_on=yesterday").status_code == 400


def test_tenancies_current_on_a_date(client, w):
    client.force_login(w.staff)
    TenancyFactory(
        incubator=w.ours["incubator"], entered_on=dt.date(2019, 1, 1), exited_on=dt.date(2020, 1, 1)
    )

    current = client.get(
        f"/api/v1/tenancies/?current_on=2022-01-01&incubator={w.ours['incubator'].pk}"
    )

    assert [t["enterprise"] for t in current.json()["results"]] == [w.ours["enterprise"].pk]


def test_token_access_applies_the_town_officers_scope(client, w):
    token = Token.objects.create(user=w.officer)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}

    incubators = client.get("/api/v1/incubators/", **auth)
    their_rd = client.get(f"/api/v1/rd-institutions/{w.theirs['rd'].pk}/", **auth)
    create = client.post(
        "/api/v1/zone-evaluations/",
        {"year": 2023, "zone_name": "x"},
        content_type="application/json",
        **auth,
    )

    assert names(incubators) == ["东孵化器"]
    assert their_rd.status_code == 404
    assert create.status_code == 403


def test_an_institute_manager_reports_talents_for_their_own_institute_only(client, w):
    client.force_login(w.our_manager)
    ours, theirs = w.ours["institute"], w.theirs["institute"]
    person = PersonFactory(organisation=ours.organisation)
    talent = {"person": person.pk, "role": "engaged", "joined_on": "2024-01-01"}

    own = client.post(
        "/api/v1/institute-talents/",
        {**talent, "institute": ours.pk},
        content_type="application/json",
    )
    other = client.post(
        "/api/v1/institute-talents/",
        {**talent, "institute": theirs.pk},
        content_type="application/json",
    )
    moved = client.patch(
        f"/api/v1/institute-talents/{own.json().get('id')}/",
        {"institute": theirs.pk, "version": 1},
        content_type="application/json",
    )
    their_talent = client.get(f"/api/v1/institute-talents/{w.theirs['talent'].pk}/")

    assert own.status_code == 201
    assert (other.status_code, moved.status_code, their_talent.status_code) == (400, 400, 404)
    assert "institute" in other.json() and "institute" in moved.json()
    assert InstituteTalent.objects.filter(institute=theirs).count() == 1
    assert InstituteTalent.objects.get(person=person).created_by == w.our_manager


def test_an_incubators_operator_cannot_add_tenants_elsewhere(client, w):
    incubator = w.theirs["incubator"]
    client.force_login(w.our_enterprise)

    response = client.post(
        "/api/v1/tenancies/",
        {
            "incubator": incubator.pk,
            "enterprise": w.ours["enterprise"].pk,
            "entered_on": "2024-01-01",
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert not Tenancy.objects.filter(incubator=incubator, enterprise=w.ours["enterprise"]).exists()


def test_another_organisation_cannot_read_change_or_delete(client, w):
    client.force_login(w.their_manager)
    rd = w.ours["rd"]

    assert client.get(f"/api/v1/rd-institutions/{rd.pk}/").status_code == 404
    assert client.get(f"/api/v1/institutes/{w.ours['institute'].pk}/").status_code == 404
    patch = client.patch(
        f"/api/v1/institute-records/{w.ours['record'].pk}/",
        {"name": "x", "version": 1},
        content_type="application/json",
    )
    assert patch.status_code == 404
    assert client.delete(f"/api/v1/rd-institutions/{rd.pk}/").status_code in (403, 404)
    assert client.get("/api/v1/major-projects/").status_code == 403
    assert RDInstitution.objects.filter(pk=rd.pk).exists()


def test_an_rd_institution_created_through_the_api_starts_its_lifecycle(client, w):
    from kechuang.platforms.enums import RDEventKind

    client.force_login(w.staff)
    payload = {
        "host": w.ours["enterprise"].pk,
        "name": "接口研究院",
        "level": RDLevel.PINGHU_RD_CENTRE,
        "certified_year": 2023,
        "certified_on": "2024-04-01",
    }

    wrong_year = client.post("/api/v1/rd-institutions/", payload, content_type="application/json")
    payload["certified_year"] = 2024
    created = client.post("/api/v1/rd-institutions/", payload, content_type="application/json")

    assert wrong_year.status_code == 400 and "certified_year" in wrong_year.json()
    assert created.status_code == 201, created.json()
    record = RDInstitution.objects.get(name="接口研究院")
    assert list(record.events.values_list("kind", flat=True)) == [RDEventKind.CERTIFIED]
    assert created.json()["id"] == record.pk
