"""Every published figure of the innovation-platform and plan-project areas comes out of the
indicator engine over the demo data, and the records behind each figure add up to it.

The figures are read from seed-facts.yaml and the indicator behind each from
docs/seed-facts-map.yaml (see tests/seed_facts.py), so neither can drift from the test.
"""

from decimal import Decimal

import pytest

from kechuang.indicators import engine
from kechuang.indicators.engine import Measure
from tests.seed_facts import check, fact_map, seed_facts

pytestmark = pytest.mark.django_db

# The areas of the innovation-platforms and plan-projects issues, by fact id prefix; their facts
# must all be mapped.
AREAS = (
    "inst",
    "industry",
    "project",
    "rd",
    "incubator",
    "incubators",
    "signing",
    "hitech_zone",
    "agri",
    "projects",
    "seismic",
    "commissioners",
)
ENTRIES = fact_map()


def entry_id(entry):
    return f"{entry['fact']}.{entry['key']}"


def test_every_value_of_these_areas_is_mapped_once():
    mapped = [(e["fact"], e["key"]) for e in ENTRIES]
    assert len(mapped) == len(set(mapped))
    wanted = {
        (fact_id, key)
        for fact_id, fact in seed_facts().items()
        if fact_id.split(".")[0] in AREAS
        for key in fact["value"]
    }
    assert wanted <= set(mapped), sorted(wanted - set(mapped))
    for entry in ENTRIES:
        engine.get(entry["indicator"])  # every mapped indicator exists


@pytest.fixture(scope="module")
def results(demo, django_db_blocker):
    """Each (indicator, as-of) of the map evaluated once, with its records."""
    computed = {}
    with django_db_blocker.unblock():
        for entry in ENTRIES:
            key = (entry["indicator"], entry["as_of"])
            if key not in computed:
                computed[key] = engine.get(entry["indicator"]).evaluate(entry["as_of"], drill=True)
    return computed


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_published_figure(entry, results):
    fact = seed_facts()[entry["fact"]]
    result = results[(entry["indicator"], entry["as_of"])]
    breakdown = entry["breakdown"]
    if breakdown is None:
        value, records = result.value, result.records
    else:
        assert breakdown in result.breakdown, f"{breakdown} not among {list(result.breakdown)}"
        value, records = result.breakdown[breakdown], result.breakdown_records[breakdown]

    problem = check(fact, entry["key"], value)
    assert problem is None, problem

    match result.indicator.measure:
        case Measure.COUNT:
            assert len(records) == value
        case Measure.SUM:
            total = sum(Decimal(str(r["amount"])) for r in records)
            assert total.quantize(Decimal(1).scaleb(-result.indicator.decimals)) == value
        case Measure.ATTRIBUTE:
            assert len(records) == (1 if breakdown else value)
        case Measure.SHARE:
            # The drill lists the records the share counts; the fraction gives the value.
            numerator, denominator = result.fractions[breakdown]
            assert len(records) == numerator
            share = Decimal(numerator) / Decimal(denominator)
            assert share.quantize(Decimal(1).scaleb(-result.indicator.decimals)) == value
            if breakdown is None:  # out of all the indicator's records
                indicator = result.indicator
                assert denominator == indicator.records(result.period).count()
