"""Odd filter values are a form error (pages) or a 400 (API), never a crash."""

import pytest

from kechuang.core.domain.imports import RowError, parse_decimal

from .factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(make_user):
    return World(make_user)


@pytest.mark.parametrize(
    "query",
    ["?year=100000", "?host=99999999999999999999", "?certified_year=-3", "?year=abc"],
)
def test_odd_filter_values_are_refused_not_crashes(client, w, query):
    client.force_login(w.staff)
    for url in ("/platforms/rd-institutions/", "/platforms/institute-records/"):
        assert client.get(url + query).status_code == 200
    for url in ("/api/v1/rd-institutions/", "/api/v1/institute-records/"):
        assert client.get(url + query).status_code in (200, 400)


@pytest.mark.parametrize("text", ["NaN", "nan", "Infinity", "-inf"])
def test_a_cell_that_is_not_a_finite_number_is_a_row_error(text):
    with pytest.raises(RowError):
        parse_decimal(text, "amount")
