"""Without a date, the indicator pages show the end of the latest reported year, not an empty
today; the API keeps today."""

import datetime as dt

import pytest

from kechuang.indicators import params

pytestmark = pytest.mark.django_db


def test_pages_default_to_the_latest_reported_year(city, client, bureau):
    client.force_login(bureau)

    assert params.latest_reported_on() == dt.date(2021, 12, 31)  # the city's 2021 figures
    response = client.get("/indicators/")
    assert response.context["as_of"] == dt.date(2021, 12, 31)
    assert client.get("/api/v1/indicators/?id=rd.hosts_in_force").json()[0]["as_of"] == (
        params.today().isoformat()
    )


def test_never_after_today(db, monkeypatch):
    monkeypatch.setattr(params, "today", lambda: dt.date(2021, 6, 30))
    from kechuang.registry.models import EnterpriseYear
    from tests.factories import EnterpriseYearFactory

    EnterpriseYearFactory(year=2021)
    assert EnterpriseYear.objects.filter(year=2021).exists()
    assert params.latest_reported_on() == dt.date(2021, 6, 30)
