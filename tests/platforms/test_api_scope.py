"""References in API writes stay within the caller's data scope: a person, organisation or
parent record the caller cannot see is refused (400, naming the field), as the forms refuse
it; a reference the record already has may stay."""

import pytest
from django.contrib.auth.models import Permission

from kechuang.accounts.enums import DataScope
from kechuang.accounts.models import Role
from kechuang.platforms.models import AgriPlatform, IncubationProject, InstituteTalent
from tests.factories import OrganisationFactory, PersonFactory

from .factories import AgriPlatformFactory, IncubationProjectFactory, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(make_user):
    return World(make_user)


def post(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def test_a_manager_cannot_attach_a_person_outside_their_scope(client, w):
    institute = w.ours["institute"]
    outsider = w.theirs["talent"].person
    colleague = PersonFactory(organisation=institute.organisation)
    talent = {"institute": institute.pk, "role": "engaged", "joined_on": "2024-01-01"}
    client.force_login(w.our_manager)

    refused = post(
        client,
        "/api/v1/institute-talents/",
        {**talent, "person": outsider.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    accepted = post(client, "/api/v1/institute-talents/", {**talent, "person": colleague.pk})

    assert refused.status_code == 400
    assert list(refused.json()) == ["person"]
    message = refused.json()["person"][0]
    assert "person" in message.lower() and str(outsider.pk) in message and "data scope" in message
    assert outsider.name not in message
    assert accepted.status_code == 201, accepted.json()
    people = InstituteTalent.objects.filter(institute=institute).values_list("person", flat=True)
    assert set(people) == {w.ours["talent"].person_id, colleague.pk}


def test_a_manager_cannot_name_an_organisation_outside_their_scope(client, w):
    institute = w.ours["institute"]
    project = {"institute": institute.pk, "status": "signed", "started_on": "2024-01-01"}
    client.force_login(w.our_manager)

    company = post(
        client,
        "/api/v1/incubation-projects/",
        {**project, "name": "越权项目", "company": w.theirs["enterprise"].pk},
    )
    record = post(
        client,
        "/api/v1/institute-records/",
        {
            "institute": institute.pk,
            "kind": "service",
            "name": "越权服务",
            "occurred_on": "2024-01-01",
            "partner": w.theirs["enterprise"].pk,
        },
    )
    own = post(
        client,
        "/api/v1/incubation-projects/",
        {**project, "name": "本院项目", "company": institute.organisation_id},
    )

    assert (company.status_code, record.status_code, own.status_code) == (400, 400, 201)
    assert list(company.json()) == ["company"] and list(record.json()) == ["partner"]
    assert not IncubationProject.objects.filter(name="越权项目").exists()


def test_an_update_may_keep_a_reference_it_already_has_but_not_add_one(client, w):
    """A company the bureau entered stays when the institute's manager edits the project."""
    project = IncubationProjectFactory(
        institute=w.ours["institute"], company=w.theirs["enterprise"]
    )
    url = f"/api/v1/incubation-projects/{project.pk}/"
    client.force_login(w.our_manager)

    kept = client.put(
        url,
        {
            "institute": project.institute_id,
            "name": "改名项目",
            "status": project.status,
            "company": w.theirs["enterprise"].pk,
            "started_on": "2022-01-10",
            "version": 1,
        },
        content_type="application/json",
    )
    other = OrganisationFactory(town=w.west)
    changed = client.patch(
        url, {"company": other.pk, "version": 2}, content_type="application/json"
    )

    assert kept.status_code == 200, kept.json()
    assert changed.status_code == 400 and "company" in changed.json()
    project.refresh_from_db()
    assert (project.name, project.company, project.version) == (
        "改名项目",
        w.theirs["enterprise"],
        2,
    )


def test_many_to_many_references_are_checked_too(client, w):
    """A town's editor of agricultural platforms names partners of their own town only."""
    role = Role.objects.create(
        code="agri-editor", name="农业平台编辑", data_scope=DataScope.DEPARTMENT
    )
    role.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["platforms", "registry"],
            codename__in=[
                "view_agriplatform",
                "add_agriplatform",
                "change_agriplatform",
                "view_organisation",
            ],
        )
    )
    user = w.officer
    user.roles.set([role])
    platform = AgriPlatformFactory(host=w.ours["enterprise"])
    url = f"/api/v1/agri-platforms/{platform.pk}/"
    client.force_login(user)

    outside = client.patch(
        url,
        {"partners": [w.ours["enterprise"].pk, w.theirs["enterprise"].pk], "version": 1},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    inside = client.patch(
        url, {"partners": [w.ours["enterprise"].pk], "version": 1}, content_type="application/json"
    )

    assert outside.status_code == 400
    assert outside.json() == {
        "partners": [
            f"There is no organisation {w.theirs['enterprise'].pk} that you may refer to here "
            "(it does not exist or is outside your data scope)."
        ]
    }
    assert inside.status_code == 200, inside.json()
    assert list(AgriPlatform.objects.get(pk=platform.pk).partners.all()) == [w.ours["enterprise"]]
