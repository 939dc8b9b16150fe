"""Yearly figures and qualifications, entered on an organisation's page (their declarations in
``registry/declarations.py``): who may edit them, the qualification list's filters, and the API
of records kept without a version."""

import datetime as dt

import pytest
from django.urls import reverse

from kechuang.accounts.enums import RoleCode
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.registry.enums import QualificationKind
from kechuang.registry.models import EnterpriseYear, Qualification
from tests.factories import QualificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_officer(client, world, make_user):
    """The reference role of a town officer: views the registry, changes yearly figures."""
    user = make_user(RoleCode.TOWN_OFFICER, department=world.east.office)
    client.force_login(user)
    return user


def test_a_town_officer_edits_the_yearly_figures_of_an_enterprise_of_their_town(
    client, world, town_officer
):
    figure = world.records[world.ours.pk]["year"]
    url = reverse("registry:enterpriseyear-edit", args=[world.ours.pk, figure.pk])

    page = client.get(reverse("registry:organisation-detail", args=[world.ours.pk]))
    assert url in page.content.decode()  # the 编辑 the page shows …
    form = client.get(url)
    assert form.status_code == 200  # … leads to the form
    response = client.post(url, {"year": figure.year, "revenue": "123.45"})

    assert response.status_code == 302
    figure.refresh_from_db()
    assert str(figure.revenue) == "123.45"


def test_a_town_officer_cannot_reach_the_figures_of_another_town(client, world, town_officer):
    figure = world.records[world.theirs.pk]["year"]
    url = reverse("registry:enterpriseyear-edit", args=[world.theirs.pk, figure.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"year": figure.year, "revenue": "1"}).status_code == 404
    figure.refresh_from_db()
    assert str(figure.revenue) != "1.00"


def test_a_town_officer_may_not_add_qualifications(client, world, town_officer):
    url = reverse("registry:qualification-create", args=[world.ours.pk])

    assert client.get(url).status_code == 403


def test_the_qualification_list_finds_the_holders_on_a_date_in_a_town(client, world):
    client.force_login(world.staff)
    high_tech = CodeItem.objects.get(
        code_list=CodeList.QUALIFICATION_KIND, code=QualificationKind.NATIONAL_HIGH_TECH
    )
    Qualification.objects.all().delete()
    held = QualificationFactory(
        organisation=world.ours,
        kind=high_tech,
        number="GR2019001",
        valid_from=dt.date(2019, 12, 1),
        valid_until=dt.date(2022, 11, 30),
    )
    QualificationFactory(  # expired before the date
        organisation=world.ours,
        kind=high_tech,
        number="GR2016001",
        valid_from=dt.date(2016, 12, 1),
        valid_until=dt.date(2019, 11, 30),
    )
    QualificationFactory(  # another town
        organisation=world.theirs,
        kind=high_tech,
        number="GR2019002",
        valid_from=dt.date(2019, 12, 1),
        valid_until=dt.date(2022, 11, 30),
    )
    query = f"?kind={high_tech.code}&valid_on=2020-06-30&town={world.east.code}"

    page = client.get(reverse("registry:qualification-list") + query)

    assert page.status_code == 200
    assert [q.pk for q in page.context["object_list"]] == [held.pk]


def test_a_bad_date_filter_is_a_form_error_not_all_rows(client, world):
    client.force_login(world.staff)

    page = client.get(reverse("registry:qualification-list"), {"valid_on": "2020-13-45"})

    assert page.status_code == 200
    assert "valid_on" in page.context["view"].filterset.errors
    assert page.context["total"] == 0  # no rows, never the unfiltered list


def test_figures_are_changed_through_the_api_without_a_version(client, world):
    client.force_login(world.staff)
    figure = world.records[world.ours.pk]["year"]

    response = client.patch(
        f"/api/v1/enterprise-years/{figure.pk}/", {"employees": 42}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert "version" not in response.json()
    assert EnterpriseYear.objects.get(pk=figure.pk).employees == 42


def test_the_api_refuses_a_qualification_ending_before_it_starts_in_the_users_words(client, world):
    client.force_login(world.staff)
    qualification = world.records[world.ours.pk]["qualification"]

    response = client.patch(
        f"/api/v1/qualifications/{qualification.pk}/",
        {"valid_from": "2020-01-01", "valid_until": "2019-01-01"},
        content_type="application/json",
        headers={"accept-language": "zh-hans"},
    )

    assert response.status_code == 400
    assert response.json()["valid_until"] == ["有效期止早于有效期起。"]
