import pytest
from django.urls import include, path
from rest_framework.authtoken.models import Token

from kechuang.indicators import engine
from kechuang.indicators.engine import AsOf, Measure

from .data import AS_OF, FIGURES

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicators/"
KEYS = {"id", "name", "unit", "as_of", "value", "breakdown"}
OPTIONAL = {"years", "self_reported", "numerator", "denominator", "breakdown_fractions"}


def get(client, url=URL, **query):
    return client.get(url, query)


def test_the_list_is_every_indicator_as_the_engine_gives_it(client, bureau, city):
    client.force_login(bureau)

    response = get(client, as_of=AS_OF.isoformat())

    assert response.status_code == 200
    data = response.json()
    assert isinstance(data, list)
    assert [o["id"] for o in data] == [i.id for i in engine.all_indicators()]
    for obj in data:
        assert KEYS <= obj.keys() <= KEYS | OPTIONAL, obj["id"]
        assert obj["as_of"] == "2021-12-31"
        assert isinstance(obj["breakdown"], dict)
        assert ("years" in obj) == (engine.get(obj["id"]).as_of == AsOf.YEAR_RANGE)
    expected = [r.as_json() for r in engine.evaluate(as_of=AS_OF)]
    assert data == expected


def test_values_are_the_figures_of_the_records(client, bureau, city):
    client.force_login(bureau)

    data = {o["id"]: o for o in get(client, as_of="2021-12-31").json()}

    for indicator_id, value in FIGURES.items():
        assert data[indicator_id]["value"] == value, indicator_id
    assert data["incubators.tenants"]["breakdown"]["spark"] == 2
    assert data["incubators.tenants"]["breakdown"]["dawn"] == 1
    assert data["institutes.talents"]["breakdown"]["zjut"] == 2
    assert data["institutes.talents"]["breakdown"]["zjut.professor"] == 2
    assert data["institutes.services"]["breakdown"] == {"zjut": 4, "sjtu": 2}
    assert data["rd.hosts_in_force"]["breakdown"]["national"] == 1
    assert data["rd.hosts_in_force"]["breakdown"]["provincial_research_institute"] == 1


def test_ids_may_be_repeated_or_comma_separated_and_keep_their_order(client, bureau, city):
    client.force_login(bureau)

    response = client.get(
        f"{URL}?id=incubators.tenants,rd.certified&id=industry.output&as_of=2021-12-31"
    )

    assert [o["id"] for o in response.json()] == [
        "incubators.tenants",
        "rd.certified",
        "industry.output",
    ]


def test_drill_lists_as_many_records_as_a_count_indicator_says(client, bureau, city):
    client.force_login(bureau)

    data = get(client, as_of="2021-12-31", drill="1").json()

    counted = [o for o in data if engine.get(o["id"]).measure == Measure.COUNT]
    assert counted
    for obj in counted:
        assert len(obj["records"]) == obj["value"], obj["id"]
        assert obj["breakdown_records"].keys() == obj["breakdown"].keys()
        for key, value in obj["breakdown"].items():
            assert len(obj["breakdown_records"][key]) == value, (obj["id"], key)
    tenants = next(o for o in data if o["id"] == "incubators.tenants")
    assert sorted(r["name"] for r in tenants["breakdown_records"]["spark"]) == sorted(
        ["东方材料有限公司", "南方科技有限公司"]
    )
    assert {"pk", "name"} <= tenants["records"][0].keys()


def test_drill_amounts_add_up_to_a_sum_indicator(client, bureau, city):
    client.force_login(bureau)

    obj = get(client, f"{URL}industry.output/", as_of="2021-12-31", drill="1").json()

    assert sum(r["amount"] for r in obj["records"]) == pytest.approx(obj["value"])
    assert [r["name"] for r in obj["records"]] == ["东方材料有限公司", "西方电子有限公司"]


def test_without_drill_there_are_no_records(client, bureau, city):
    client.force_login(bureau)

    obj = get(client, f"{URL}rd.certified/", as_of="2021-12-31").json()

    assert obj.keys() == KEYS
    assert obj["value"] == FIGURES["rd.certified"]


def test_one_indicator_and_first_year_of_a_year_range(client, bureau, city):
    client.force_login(bureau)

    default = get(client, f"{URL}rd.certified_3y/", as_of="2021-12-31").json()
    wider = get(client, f"{URL}rd.certified_3y/", as_of="2021-12-31", first_year="2018").json()

    assert default["years"] == [2019, 2021] and default["value"] == 4
    assert wider["years"] == [2018, 2021] and wider["value"] == 5


def test_as_of_defaults_to_today(client, bureau, city):
    from django.utils import timezone

    client.force_login(bureau)

    obj = get(client, f"{URL}incubators.tenants/").json()

    assert obj["as_of"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"as_of": "2021-13-01"}, ["as_of", "YYYY-MM-DD", "须为日期"]),
        ({"as_of": "yesterday"}, ["as_of", "must be a date"]),
        ({"first_year": "20x"}, ["first_year", "年份"]),
        ({"as_of": "2021-12-31", "first_year": "2022"}, ["first_year", "not after"]),
        ({"id": "rd.nothing"}, ["rd.nothing", "未知指标", "unknown"]),
    ],
)
def test_bad_parameters_answer_400_in_both_languages(client, bureau, query, words):
    client.force_login(bureau)

    response = get(client, **query)

    assert response.status_code == 400
    detail = response.json()["detail"]
    for word in words:
        assert word in detail


def test_an_unknown_indicator_is_404(client, bureau):
    client.force_login(bureau)

    response = get(client, f"{URL}rd.nothing/")

    assert response.status_code == 404
    assert "未知指标" in response.json()["detail"] and "unknown" in response.json()["detail"]


def test_a_bad_date_on_one_indicator_is_400(client, bureau):
    client.force_login(bureau)

    assert get(client, f"{URL}rd.certified/", as_of="31/12/2021").status_code == 400


@pytest.mark.parametrize("who", ["an_organisation_user", "expert"])
def test_organisation_users_and_experts_are_refused(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert get(client).status_code == 403
    assert get(client, f"{URL}rd.certified/").status_code == 403


def test_anonymous_requests_are_refused(client, db):
    assert get(client).status_code in (401, 403)


def test_superusers_see_indicators_whatever_their_kind(client, db):
    from kechuang.accounts.enums import UserKind
    from kechuang.accounts.models import User

    admin = User.objects.create_superuser("root", password="x-Long-pass-1", kind=UserKind.EXPERT)
    client.force_login(admin)

    assert get(client, f"{URL}rd.certified/").status_code == 200


def test_token_authentication(client, bureau, city):
    token = Token.objects.create(user=bureau)

    response = client.get(
        f"{URL}incubators.tenants/?as_of=2021-12-31", HTTP_AUTHORIZATION=f"Token {token.key}"
    )

    assert response.status_code == 200 and response.json()["value"] == 3


def test_english_names_and_units_follow_the_request_language(client, bureau, city):
    client.force_login(bureau)

    chinese = get(client, f"{URL}incubators.tenants/").json()
    english = client.get(f"{URL}incubators.tenants/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert (chinese["name"], chinese["unit"]) == ("在孵企业", "家")
    assert (english["name"], english["unit"]) == ("Enterprises currently incubated", "enterprises")


def test_the_schema_documents_the_endpoints_without_warnings(client, bureau):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    patterns = [path("api/v1/", include("kechuang.indicators.api_urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache
    validate_schema(schema)
    operation = schema["paths"]["/api/v1/indicators/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"as_of", "id", "drill", "first_year"}
    assert "/api/v1/indicators/{indicator_id}/" in schema["paths"]

    client.force_login(bureau)
    served = client.get("/api/schema/")
    assert served.status_code == 200 and b"/api/v1/indicators/{indicator_id}/" in served.content
