import pytest
from rest_framework.authtoken.models import Token

from kechuang.registry.domain.uscc import make_uscc
from kechuang.registry.models import Organisation

pytestmark = pytest.mark.django_db


def test_token_authentication_applies_the_same_scope(client, world):
    token = Token.objects.create(user=world.officer)

    response = client.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert [o["name"] for o in response.json()["results"]] == ["东方材料有限公司"]


def test_create_through_the_api_validates_the_code(client, world):
    client.force_login(world.staff)

    bad = client.post(
        "/api/v1/organisations/",
        {"kind": "enterprise", "uscc": "91110000710926094Q", "name": "甲"},
        content_type="application/json",
    )
    good = client.post(
        "/api/v1/organisations/",
        {"kind": "enterprise", "uscc": make_uscc(77), "name": "甲", "town": world.east.code},
        content_type="application/json",
    )

    assert bad.status_code == 400 and "uscc" in bad.json()
    assert good.status_code == 201
    assert Organisation.objects.get(uscc=make_uscc(77)).created_by == world.staff


def test_filters_and_search_work_on_the_api(client, world):
    client.force_login(world.staff)

    by_town = client.get(f"/api/v1/organisations/?town={world.west.code}").json()
    by_code = client.get(f"/api/v1/organisations/?q={world.ours.uscc[:17]}").json()

    assert [o["name"] for o in by_town["results"]] == ["西方电子有限公司"]
    assert [o["name"] for o in by_code["results"]] == ["东方材料有限公司"]
    assert by_town["count"] == 1


def test_child_records_cannot_be_attached_to_an_organisation_out_of_scope(client, world):
    client.force_login(world.officer)

    response = client.post(
        "/api/v1/enterprise-years/",
        {"organisation": world.theirs.pk, "year": 2019},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert world.theirs.years.filter(year=2019).count() == 0


def test_schema_and_docs_are_served(client, world):
    client.force_login(world.staff)

    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200 and b"/api/v1/organisations/" in schema.content
    assert docs.status_code == 200


def test_a_stale_version_answers_409_before_anything_is_written(client, world, monkeypatch):
    """The stored version is compared with the request's before the save: a request that read
    the row before another edit committed cannot write its old values back over it."""
    from kechuang.registry.api import OrganisationViewSet

    client.force_login(world.staff)
    url = f"/api/v1/organisations/{world.ours.pk}/"
    loaded_before = Organisation.objects.get(pk=world.ours.pk)

    first = client.patch(
        url, {"name": "东方材料股份有限公司", "version": 1}, content_type="application/json"
    )
    stale = client.patch(url, {"name": "乙", "version": 1}, content_type="application/json")
    monkeypatch.setattr(OrganisationViewSet, "get_object", lambda view: loaded_before)
    late = client.patch(url, {"address": "某路1号", "version": 1}, content_type="application/json")

    assert (first.status_code, stale.status_code, late.status_code) == (200, 409, 409)
    assert stale.json()["detail"]
    world.ours.refresh_from_db()
    assert (world.ours.name, world.ours.version) == ("东方材料股份有限公司", 2)
