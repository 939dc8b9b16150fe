"""The engine's share measure: records meeting a condition ÷ all records, with the fraction behind
the value and every key, and a drill that lists the numerator's records."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Q

from kechuang.accounts.enums import RoleCode
from kechuang.indicators.engine import Dimension, Indicator, Measure, Part
from kechuang.registry.enums import OrganisationKind
from kechuang.registry.models import Organisation
from tests.factories import OrganisationFactory, TownFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2021, 12, 31)


def share(**options) -> Indicator:
    """Schools among the organisations of the towns made below (not registered)."""
    options.setdefault("parts", [Part("founded", "已登记成立日期", Q(founded_on__isnull=False))])
    options.setdefault("dimensions", [Dimension("town__code", "town__name")])
    return Indicator(
        id="test.school_share",
        name="学校占比",
        name_en="Share of schools",
        unit="",
        unit_en="",
        definition="测试:学校占全部主体的比例。",
        area="test",
        records=lambda period: Organisation.objects.filter(name__startswith="占比"),
        measure=Measure.SHARE,
        numerator=Q(kind=OrganisationKind.SCHOOL),
        decimals=4,
        **options,
    )


@pytest.fixture
def towns(db):
    north, south = TownFactory(name="北镇"), TownFactory(name="南镇")
    founded = dt.date(2000, 1, 1)
    school = OrganisationKind.SCHOOL
    OrganisationFactory(name="占比学校甲", kind=school, town=north, founded_on=founded)
    OrganisationFactory(name="占比学校乙", kind=school, town=north)
    OrganisationFactory(name="占比企业甲", town=north, founded_on=founded)
    OrganisationFactory(name="占比学校丙", kind=school, town=south, founded_on=founded)
    OrganisationFactory(name="占比企业乙", town=south)
    OrganisationFactory(name="占比企业丙", town=south)
    OrganisationFactory(name="占比企业丁", town=south)
    return north, south


def test_value_and_fractions(towns):
    north, south = towns
    result = share().evaluate(AS_OF)

    assert result.value == Decimal("0.4286")  # 3 of 7
    assert result.fractions[None] == (3, 7)
    assert result.breakdown["founded"] == Decimal("0.6667")  # 甲, 丙 of 甲, 丙, 企业甲
    assert result.fractions["founded"] == (2, 3)
    assert result.breakdown[north.code] == Decimal("0.6667")
    assert result.breakdown[south.code] == Decimal("0.2500")
    assert result.fractions[f"{south.code}.founded"] == (1, 1)
    assert result.breakdown[f"{south.code}.founded"] == Decimal(1)


def test_drill_lists_the_numerator_records(towns):
    north, south = towns
    result = share().evaluate(AS_OF, drill=True)

    assert {r["name"] for r in result.records} == {"占比学校甲", "占比学校乙", "占比学校丙"}
    assert [r["name"] for r in result.breakdown_records[f"{north.code}.founded"]] == ["占比学校甲"]
    assert len(result.breakdown_records[south.code]) == result.fractions[south.code][0] == 1
    for key, records in result.breakdown_records.items():
        assert len(records) == result.fractions[key][0], key


@pytest.mark.parametrize("key", [None, "founded", "south", "south.founded"])
def test_drilling_one_key_gives_the_numerator_records_of_that_key(towns, key):
    _north, south = towns
    key = key and key.replace("south", south.code)
    one = share().evaluate(AS_OF, drill=True, drill_key=key)
    every = share().evaluate(AS_OF, drill=True)

    records = one.records if key is None else one.breakdown_records[key]
    expected = every.records if key is None else every.breakdown_records[key]
    assert records == expected


def test_a_key_without_numerator_records_drills_to_none(towns):
    only_enterprise = OrganisationFactory(name="占比企业戊", town=TownFactory(name="西镇"))
    result = share().evaluate(AS_OF, drill=True, drill_key=only_enterprise.town.code)

    assert result.breakdown[only_enterprise.town.code] == Decimal(0)
    assert result.fractions[only_enterprise.town.code] == (0, 1)
    assert result.breakdown_records[only_enterprise.town.code] == []


def test_no_records_no_share(db):
    result = share(parts=[], dimensions=[]).evaluate(AS_OF, drill=True)

    assert result.value is None
    assert result.fractions[None] == (0, 0)
    assert result.as_json()["value"] is None
    assert result.records == []


def test_json_tells_the_fractions(towns):
    north, _south = towns
    data = share().evaluate(AS_OF).as_json()

    assert data["value"] == pytest.approx(0.4286)
    assert (data["numerator"], data["denominator"]) == (3, 7)
    assert data["breakdown_fractions"]["founded"] == [2, 3]
    assert data["breakdown_fractions"][north.code] == [2, 3]


def test_a_limited_viewer_gets_the_value_and_only_the_records_within_scope(towns, make_user):
    # An organisation user sees only their own organisation.
    school = Organisation.objects.get(name="占比学校丙")
    viewer = make_user(RoleCode.ORGANISATION, organisation=school)
    result = share().evaluate(AS_OF, drill=True, viewer=viewer)

    assert result.value == Decimal("0.4286")
    assert [r["name"] for r in result.records] == ["占比学校丙"]
    assert result.withheld[None] == 2


def test_a_share_needs_its_condition():
    with pytest.raises(ValueError, match="numerator"):
        Indicator(
            id="test.broken",
            name="无分子",
            name_en="No numerator",
            unit="",
            unit_en="",
            definition="",
            area="test",
            records=lambda period: Organisation.objects.none(),
            measure=Measure.SHARE,
        )
