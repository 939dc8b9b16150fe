"""Consecutive years rated excellent in the provincial assessment, computed from the records."""

import pytest

from kechuang.seismic.domain.assessments import consecutive_excellent, consecutive_run
from kechuang.seismic.enums import AssessmentResult as R

from .factories import AssessmentFactory

E = R.EXCELLENT


@pytest.mark.parametrize(
    ("results", "up_to", "run"),
    [
        ({}, 2020, 0),
        ({2020: E}, 2020, 1),
        ({2019: E, 2020: E}, 2020, 2),
        ({2018: E, 2019: R.GOOD, 2020: E}, 2020, 1),  # a year not excellent breaks the run
        ({2017: E, 2018: E, 2020: E}, 2020, 1),  # so does a year without a result
        ({2019: E, 2020: R.PASS}, 2020, 0),
        ({2019: E, 2020: E, 2021: R.FAIL}, 2020, 2),  # later years do not count
        ({2019: E, 2020: E}, 2022, 0),
    ],
)
def test_consecutive_run(results, up_to, run):
    assert consecutive_run(results, up_to) == run


@pytest.mark.django_db
def test_fifteen_consecutive_excellent_years_up_to_2020(django_assert_num_queries):
    AssessmentFactory(year=2004, result=R.EXCELLENT)
    AssessmentFactory(year=2005, result=R.GOOD)
    for year in range(2006, 2021):
        AssessmentFactory(year=year, result=R.EXCELLENT)
    with django_assert_num_queries(1):
        assert consecutive_excellent(2020) == 15
    assert consecutive_excellent(2010) == 5
    assert consecutive_excellent(2005) == 0
    assert consecutive_excellent(2004) == 1


@pytest.mark.django_db
def test_a_gap_year_breaks_the_run():
    for year in (2016, 2017, 2019, 2020):
        AssessmentFactory(year=year, result=R.EXCELLENT)
    assert consecutive_excellent(2020) == 2
    AssessmentFactory(year=2018, result=R.EXCELLENT)
    assert consecutive_excellent(2020) == 5
