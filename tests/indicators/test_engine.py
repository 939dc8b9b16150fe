"""The indicator engine's semantics on a small city whose figures are known by hand
(tests/indicators/conftest.py): as-of dates and year ranges, parts and dimensions, drilling."""

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.indicators import engine
from kechuang.indicators.engine import AsOf, Indicator, Period
from kechuang.platforms.enums import RDLevel, RDTier
from kechuang.registry.models import Organisation

from .conftest import AS_OF, FIGURES

pytestmark = pytest.mark.django_db


def test_the_figures_known_by_hand(city):
    for indicator_id, expected in FIGURES.items():
        result = engine.get(indicator_id).evaluate(AS_OF)
        assert float(result.value) == pytest.approx(expected), indicator_id


def test_a_host_counts_once_at_its_highest_level(city):
    result = engine.get("rd.hosts_in_force").evaluate(AS_OF, drill=True)

    assert result.value == 3
    assert result.breakdown[RDLevel.NATIONAL] == 1  # 东方, not also as a provincial institute
    assert result.breakdown[RDLevel.PROVINCIAL_RESEARCH_INSTITUTE] == 1  # 西方
    assert result.breakdown[RDTier.PROVINCIAL_OR_HIGHER] == 2
    assert result.breakdown[RDTier.PINGHU] == 1
    assert [r["name"] for r in result.breakdown_records[RDLevel.NATIONAL]] == ["东方国家级研发机构"]
    # Every certification in force is still there for the indicator that counts certifications.
    assert engine.get("rd.in_force").evaluate(AS_OF).value == 4


def test_in_force_follows_the_date(city):
    before = engine.get("rd.hosts_in_force").evaluate(dt.date(2019, 12, 31), drill=True)

    # At the end of 2019: 东方's national one and 南方's old Pinghu centre (revoked 2020-01-01).
    assert before.value == 2
    assert {r["name"] for r in before.records} == {"东方国家级研发机构", "南方旧研发中心"}


def test_year_and_year_range(city):
    certified = engine.get("rd.certified")
    three_years = engine.get("rd.certified_3y")

    assert certified.evaluate(dt.date(2020, 12, 31)).value == 1
    assert three_years.evaluate(AS_OF).value == 4  # 2019..2021 (the 2018 one is older)
    assert three_years.evaluate(AS_OF).period.first_year == 2019
    assert three_years.evaluate(AS_OF, first_year=2018).value == 5
    with pytest.raises(ValueError):
        three_years.evaluate(AS_OF, first_year=2022)


def test_many_to_many_dimension_counts_each_record_once_per_key(city):
    result = engine.get("rd.in_force").evaluate(AS_OF, drill=True)

    # 南方 belongs to both chains: its centre counts in each chain, once in the total.
    assert result.breakdown[city.materials.code] == 3
    assert result.breakdown[city.electronics.code] == 2
    assert len(result.records) == result.value == 4
    assert len({r["pk"] for r in result.records}) == 4
    for key, value in result.breakdown.items():
        assert len(result.breakdown_records[key]) == value, key


def test_sum_drills_to_amounts_that_add_up(city):
    result = engine.get("industry.output").evaluate(AS_OF, drill=True)

    assert result.value == Decimal("0.35")
    assert sum(Decimal(str(r["amount"])) for r in result.records) == Decimal("0.35")
    assert {r["name"] for r in result.records} == {"东方材料有限公司", "西方电子有限公司"}
    assert all(r["url"].startswith("/registry/organisations/") for r in result.records)


def test_facets_within_a_dimension(city):
    result = engine.get("institutes.talents").evaluate(AS_OF)

    assert result.breakdown["zjut"] == 2
    assert result.breakdown["zjut.professor"] == 2
    assert result.breakdown["sjtu.professor"] == 1
    assert result.breakdown["professor"] == 3


def test_incubation_stage_comes_from_the_dates(city):
    indicator = engine.get("institutes.incubation_projects")

    assert indicator.evaluate(dt.date(2020, 12, 31)).breakdown["zjut.signed"] == 1
    assert indicator.evaluate(dt.date(2020, 12, 31)).breakdown["zjut.landed"] == 0
    assert indicator.evaluate(AS_OF).breakdown["zjut.landed"] == 1
    assert indicator.evaluate(dt.date(2020, 3, 1)).breakdown["zjut.negotiating"] == 1


def test_tenants_on_a_date(city):
    indicator = engine.get("incubators.tenants")

    before = indicator.evaluate(dt.date(2021, 6, 29)).breakdown
    assert before["spark"] == 3
    assert "dawn" not in before  # a dimension shows the keys that have records
    on_the_day = indicator.evaluate(dt.date(2021, 6, 30), drill=True)
    assert on_the_day.breakdown["spark"] == 2  # 西方 left that day
    assert {r["name"] for r in on_the_day.breakdown_records["spark"]} == {
        "东方材料有限公司",
        "南方科技有限公司",
    }


def test_json_shape(city):
    data = engine.get("rd.hosts_in_force").evaluate(AS_OF).as_json()

    assert set(data) == {"id", "name", "unit", "as_of", "value", "breakdown"}
    assert data["as_of"] == "2021-12-31"
    drilled = engine.get("rd.hosts_in_force").evaluate(AS_OF, drill=True).as_json()
    assert {"records", "breakdown_records"} <= set(drilled)
    assert set(drilled["records"][0]) >= {"pk", "name"}


def test_an_indicator_is_defined_once():
    existing = engine.all_indicators()[0]
    clash = Indicator(
        id=existing.id,
        name="x",
        name_en="x",
        unit="",
        unit_en="",
        definition="",
        area="test",
        records=lambda period: Organisation.objects.none(),
    )
    with pytest.raises(ValueError):
        engine.register(clash)


def test_period_of_a_year_range():
    indicator = engine.get("rd.certified_3y")
    assert indicator.as_of == AsOf.YEAR_RANGE
    assert Period.for_indicator(indicator, dt.date(2020, 12, 31)) == Period(
        dt.date(2020, 12, 31), 2018, 2020
    )


def test_a_viewer_sees_only_the_records_within_their_scope(city, make_user, reference_data):
    from kechuang.accounts.enums import RoleCode

    officer = make_user(
        RoleCode.TOWN_OFFICER, department=reference_data.department("当湖街道科技办")
    )
    city.east.town = reference_data.town("当湖街道")
    city.east.save()
    result = engine.get("rd.hosts_in_force").evaluate(AS_OF, drill=True, viewer=officer)

    assert result.value == 3  # the value counts every record
    assert [r["name"] for r in result.records] == ["东方国家级研发机构"]
    assert result.withheld[None] == 2
    assert result.as_json()["records_withheld"] == 2
    everything = engine.get("rd.hosts_in_force").evaluate(AS_OF, drill=True)
    assert everything.withheld == {} and len(everything.records) == 3


def test_keys_that_name_records_out_of_scope_are_left_out(city, make_user, reference_data):
    from kechuang.accounts.enums import RoleCode

    officer = make_user(RoleCode.TOWN_OFFICER, department=reference_data.department("乍浦镇科技办"))
    indicator = engine.get("incubators.tenants")  # both incubators are in 当湖街道

    for_officer = indicator.evaluate(AS_OF, viewer=officer)
    everything = indicator.evaluate(AS_OF)

    assert for_officer.value == everything.value == 3
    assert "spark" in everything.breakdown and "spark" not in for_officer.breakdown
    assert for_officer.hidden_keys == 2
    assert for_officer.as_json()["breakdown_keys_withheld"] == 2
    # Categories (an industry chain) are not records: they stay.
    chains = engine.get("rd.in_force").evaluate(AS_OF, viewer=officer)
    assert city.materials.code in chains.breakdown


def test_enterprises_count_from_their_founding(city):
    from tests.factories import OrganisationFactory

    before = engine.get("industry.enterprises").evaluate(AS_OF).value
    OrganisationFactory(founded_on=dt.date(2030, 1, 1))

    assert engine.get("industry.enterprises").evaluate(AS_OF).value == before
    assert engine.get("industry.enterprises").evaluate(dt.date(2030, 1, 1)).value == before + 1


@pytest.mark.parametrize("key", [None, "spark", "dawn"])
def test_drilling_one_key_gives_the_same_records_as_drilling_all(city, key):
    indicator = engine.get("incubators.tenants")
    everything = indicator.evaluate(AS_OF, drill=True)
    one = indicator.evaluate(AS_OF, drill=True, drill_key=key)

    if key is None:
        assert one.records == everything.records
    else:
        assert one.breakdown_records == {key: everything.breakdown_records[key]}


def test_drilling_a_facet_of_a_dimension(city):
    indicator = engine.get("institutes.talents")
    one = indicator.evaluate(AS_OF, drill=True, drill_key="zjut.professor")

    assert len(one.breakdown_records["zjut.professor"]) == one.breakdown["zjut.professor"] == 2
    with pytest.raises(KeyError):
        indicator.evaluate(AS_OF, drill=True, drill_key="nowhere")
