"""List pages and list endpoints run a fixed number of queries, however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CodeItemFactory,
    EnterpriseYearFactory,
    OrganisationFactory,
    PersonFactory,
    QualificationFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

LISTS = [
    reverse("registry:organisation-list"),
    reverse("registry:organisation-list") + "?q=企业&sort=-town",
    reverse("registry:person-list"),
    "/api/v1/organisations/",
    "/api/v1/organisations/?q=企业",
    "/api/v1/enterprise-years/",
    "/api/v1/qualifications/",
    "/api/v1/people/",
    "/api/v1/towns/",
    "/api/v1/zones/",
]


def add_rows(n: int) -> None:
    chain = CodeItemFactory(code="new_materials", name="新材料")
    for _ in range(n):
        org = OrganisationFactory()
        org.chains.add(chain)
        EnterpriseYearFactory(organisation=org, year=2020)
        QualificationFactory(organisation=org)
        PersonFactory(organisation=org)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.parametrize("url", LISTS)
def test_query_count_does_not_grow_with_rows(client, url):
    client.force_login(staff_user())
    add_rows(2)
    few = count_queries(client, url)

    add_rows(8)
    many = count_queries(client, url)

    assert many == few


def test_audit_log_page_query_count_does_not_grow(client):
    from tests.factories import user

    admin = user("root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    add_rows(2)
    few = count_queries(client, "/audit/")

    add_rows(8)
    many = count_queries(client, "/audit/")

    assert many == few
