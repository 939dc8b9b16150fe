"""Every page and endpoint of the registry: another organisation's user never gets the data;
a town officer sees only the town's records."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

pytestmark = pytest.mark.django_db


def detail_urls(w, org):
    r = w.records[org.pk]
    return [
        reverse("registry:organisation-detail", args=[org.pk]),
        reverse("registry:organisation-edit", args=[org.pk]),
        reverse("registry:enterpriseyear-create", args=[org.pk]),
        reverse("registry:enterpriseyear-edit", args=[org.pk, r["year"].pk]),
        reverse("registry:qualification-create", args=[org.pk]),
        reverse("registry:qualification-edit", args=[org.pk, r["qualification"].pk]),
        reverse("registry:person-detail", args=[r["person"].pk]),
        reverse("registry:person-edit", args=[r["person"].pk]),
        f"/api/v1/organisations/{org.pk}/",
        f"/api/v1/enterprise-years/{r['year'].pk}/",
        f"/api/v1/qualifications/{r['qualification'].pk}/",
        f"/api/v1/people/{r['person'].pk}/",
    ]


def test_another_organisations_user_gets_403_or_404_on_every_record_url(client, world):
    client.force_login(world.their_user)

    for url in detail_urls(world, world.ours):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "东方材料" not in response.content.decode(), url


def test_another_organisations_user_cannot_change_by_post_put_or_delete(client, world):
    client.force_login(world.their_user)
    org = world.ours

    assert (
        client.post(reverse("registry:organisation-edit", args=[org.pk]), {"name": "x"}).status_code
        == 404
    )
    assert (
        client.patch(
            f"/api/v1/organisations/{org.pk}/",
            {"name": "x", "version": 1},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.delete(f"/api/v1/organisations/{org.pk}/").status_code in (403, 404)
    org.refresh_from_db()
    assert org.name == "东方材料有限公司"


def test_organisation_user_reaches_own_records(client, world):
    client.force_login(world.our_user)

    for url in detail_urls(world, world.ours)[:1] + detail_urls(world, world.ours)[9:]:
        assert client.get(url).status_code == 200, url


def test_lists_and_exports_show_only_own_organisation(client, world):
    client.force_login(world.their_user)

    page = client.get(reverse("registry:organisation-list")).content.decode()
    api = client.get("/api/v1/organisations/").json()
    years = client.get("/api/v1/enterprise-years/").json()
    people = client.get("/api/v1/people/").json()

    assert "西方电子" in page and "东方材料" not in page
    assert [o["name"] for o in api["results"]] == ["西方电子有限公司"]
    assert [y["organisation"] for y in years["results"]] == [world.theirs.pk]
    assert len(people["results"]) == 1


def test_town_officer_sees_only_the_towns_records(client, world):
    client.force_login(world.officer)

    page = client.get(reverse("registry:organisation-list")).content.decode()
    api = client.get("/api/v1/organisations/").json()
    people = client.get(reverse("registry:person-list")).content.decode()

    assert "东方材料" in page and "西方电子" not in page
    assert [o["name"] for o in api["results"]] == ["东方材料有限公司"]
    assert (
        client.get(reverse("registry:organisation-detail", args=[world.theirs.pk])).status_code
        == 404
    )
    assert client.get(f"/api/v1/organisations/{world.theirs.pk}/").status_code == 404
    assert world.records[world.theirs.pk]["person"].name not in people


def exported_names(client, query=""):
    response = client.get(reverse("registry:organisation-export") + query)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    return [row[1] for row in rows[1:]]


def test_export_contains_exactly_the_scoped_filtered_list(client, world):
    client.force_login(world.officer)
    assert exported_names(client) == ["东方材料有限公司"]

    client.force_login(world.staff)
    assert exported_names(client) == ["东方材料有限公司", "西方电子有限公司"]
    assert exported_names(client, "?q=西方") == ["西方电子有限公司"]


def test_export_is_refused_without_the_export_permission(client, world):
    client.force_login(world.our_user)

    assert client.get(reverse("registry:organisation-export")).status_code == 403


def test_anonymous_users_are_sent_to_login_and_api_refuses(client, world):
    response = client.get(reverse("registry:organisation-list"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/organisations/").status_code in (401, 403)


def test_user_without_permission_gets_403(client, world):
    from tests.factories import staff_user

    reader = staff_user("reader", perms=["registry.view_organisation"])
    client.force_login(reader)

    assert client.get(reverse("registry:organisation-list")).status_code == 200
    assert client.get(reverse("registry:organisation-create")).status_code == 403
    assert (
        client.get(reverse("registry:organisation-edit", args=[world.ours.pk])).status_code == 403
    )
    assert client.post("/api/v1/organisations/", {"name": "x"}).status_code == 403
    assert client.get(reverse("registry:person-list")).status_code == 403
    assert client.get("/api/v1/people/").status_code == 403


def test_an_invalid_filter_shows_no_rows_and_the_error(client, world):
    client.force_login(world.staff)

    response = client.get(reverse("registry:organisation-list") + "?town=999999")

    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert response.context["filterset"].form.errors["town"]


def test_institutions_filter_excludes_enterprises(client, world):
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="某大学", kind="university", uscc=None)
    client.force_login(world.staff)

    response = client.get(reverse("registry:organisation-list") + "?kind=institution")

    assert [o.name for o in response.context["object_list"]] == ["某大学"]


def test_audit_log_and_import_template_need_the_right_role(client, world):
    client.force_login(world.staff)
    assert client.get("/audit/").status_code == 403  # administrators only
    assert (
        client.get(reverse("core:import-template", args=["registry.organisation"])).status_code
        == 200
    )

    client.force_login(world.our_user)
    assert (
        client.get(reverse("core:import-template", args=["registry.organisation"])).status_code
        == 403
    )
    assert client.get(reverse("core:import-upload", args=["no.such-importer"])).status_code == 404
