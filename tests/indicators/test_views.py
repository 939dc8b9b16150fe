import io
import json
import re
from decimal import Decimal

import pytest
from django.utils import translation
from python_calamine import CalamineWorkbook

from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.indicators import engine
from kechuang.indicators.engine import Indicator
from kechuang.indicators.templatetags.indicator_format import format_value
from kechuang.registry.models import Organisation

from .data import AS_OF, FIGURES

pytestmark = pytest.mark.django_db

LIST = "/indicators/"
DASHBOARD = "/indicators/dashboard/"


def drill(indicator_id, **query):
    query.setdefault("as_of", "2021-12-31")
    return f"/indicators/{indicator_id}/?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_the_list_shows_every_indicator_by_area_with_links_to_its_records(client, bureau, city):
    client.force_login(bureau)

    response = client.get(LIST, {"as_of": "2021-12-31"})

    assert response.status_code == 200
    html = response.content.decode()
    for indicator in engine.all_indicators():
        assert f'data-indicator="{indicator.id}"' in html
        assert indicator.definition in html
    assert "新型研发机构" in html  # an area's heading
    row = re.search(r'data-indicator="incubators.tenants".*?</tr>', html, re.S).group(0)
    assert "3家" in row
    assert "/indicators/incubators.tenants/?as_of=2021-12-31" in row
    for day in ("2020-12-31", "2021-12-31"):
        assert f"?as_of={day}" in html


def test_amounts_and_areas_are_written_in_chinese_units(client, bureau, city):
    client.force_login(bureau)

    html = client.get(LIST, {"as_of": "2021-12-31"}).content.decode()

    row = re.search(r'data-indicator="industry.output".*?</tr>', html, re.S).group(0)
    assert "3,500万元" in row  # 0.35亿元 below one 亿 is written in 万元


def test_the_nav_links_show_for_those_who_may_see_indicators(
    client, bureau, an_organisation_user, city
):
    client.force_login(bureau)
    staff_home = client.get("/").content.decode()
    client.force_login(an_organisation_user)
    organisation_home = client.get("/").content.decode()

    assert (
        'data-testid="nav-dashboard"' in staff_home and 'data-testid="nav-indicators"' in staff_home
    )
    assert "nav-dashboard" not in organisation_home and "nav-indicators" not in organisation_home


@pytest.mark.parametrize("who", ["an_organisation_user", "expert"])
@pytest.mark.parametrize(
    "url", [LIST, DASHBOARD, drill("incubators.tenants"), "/indicators/rd.certified/export.xlsx"]
)
def test_organisation_users_and_experts_get_403(client, request, who, url):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(DASHBOARD)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_bad_date_is_400_with_its_message(client, bureau, city):
    client.force_login(bureau)

    response = client.get(LIST, {"as_of": "2021-02-30"})

    assert response.status_code == 400
    assert "as_of 须为日期 YYYY-MM-DD" in response.content.decode()


def test_the_drill_page_lists_as_many_records_as_the_value(client, bureau, city):
    client.force_login(bureau)

    response = client.get(drill("incubators.tenants"))

    assert response.status_code == 200
    context = response.context
    assert context["count"] == FIGURES["incubators.tenants"] == len(context["page_obj"])
    assert context["note"]["ok"]
    html = response.content.decode()
    for name in ("东方材料有限公司", "南方科技有限公司", "西方电子有限公司"):
        assert name in html
    assert f'href="/registry/organisations/{city.east.pk}/"' in html  # the record's own page
    keys = {row["key"]: row for row in context["breakdown"]}
    # Only the records behind the page's own value are listed (and counted); each key has its
    # own page.
    assert keys["spark"]["count"] is None and keys["dawn"]["count"] is None
    assert 'href="/indicators/incubators.tenants/?as_of=2021-12-31&amp;key=spark"' in html


def test_drilling_one_key_lists_its_records(client, bureau, city):
    client.force_login(bureau)

    response = client.get(drill("incubators.tenants", key="spark"))

    names = [r["name"] for r in response.context["page_obj"]]
    assert sorted(names) == sorted(["东方材料有限公司", "南方科技有限公司"])
    assert response.context["count"] == 2 and response.context["note"]["ok"]
    keys = {row["key"]: row for row in response.context["breakdown"]}
    assert keys["spark"]["count"] == 2
    assert response.context["key_label"] == "星火孵化器"


def test_every_breakdown_key_of_a_count_indicator_drills_to_its_count(client, bureau, city):
    client.force_login(bureau)

    result = engine.get("institutes.talents").evaluate(AS_OF)
    for key, value in result.breakdown.items():
        response = client.get(drill("institutes.talents", key=key))
        assert response.status_code == 200, key
        assert response.context["count"] == value, key


def test_a_sum_drill_shows_amounts_that_add_up(client, bureau, city):
    client.force_login(bureau)

    response = client.get(drill("industry.output"))

    assert response.context["is_sum"]
    assert response.context["note"]["ok"]
    html = response.content.decode()
    assert "1,000万元" in html and "2,500万元" in html


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (drill("rd.nothing"), 404),
        (drill("incubators.tenants", key="nowhere"), 404),
        (drill("incubators.tenants", as_of="31.12.2021"), 400),
        (drill("rd.certified_3y", first_year="2030"), 400),
        ("/indicators/rd.certified/export.xlsx?as_of=2021-31-12", 400),
    ],
)
def test_unknown_indicators_and_keys_are_404_bad_dates_400(client, bureau, url, status):
    client.force_login(bureau)

    assert client.get(url).status_code == status


def test_the_drilled_records_export_to_excel(client, bureau, city):
    client.force_login(bureau)

    response = client.get(
        "/indicators/industry.output/export.xlsx?as_of=2021-12-31", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["No.", "Name", "Amount (100 million yuan)", "Link"]
    assert [r[1] for r in rows[1:]] == ["东方材料有限公司", "西方电子有限公司"]
    assert sum(Decimal(str(r[2])) for r in rows[1:]) == Decimal("0.35")
    assert rows[1][3].endswith(f"/registry/organisations/{city.east.pk}/")
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert event.changes["indicator"] == "industry.output" and event.changes["rows"] == 2


def test_one_key_exports_its_records(client, bureau, city):
    client.force_login(bureau)

    response = client.get("/indicators/incubators.tenants/export.xlsx?as_of=2021-12-31&key=dawn")

    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert [r[1] for r in rows[1:]] == ["西方电子有限公司"]


def chart_options(html: str) -> dict:
    found = re.findall(
        r'<script id="(chart-[\w-]+-option)" type="application/json">(.*?)</script>', html, re.S
    )
    return {name: json.loads(body) for name, body in found}


def data_items(option: dict):
    for series in option.get("series", []):
        yield from series["data"]


def test_the_dashboard_embeds_chart_data_whose_every_item_links_to_its_drill(client, bureau, city):
    client.force_login(bureau)

    response = client.get(DASHBOARD, {"as_of": "2021-12-31"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in html and "kechuang/dashboard.js" in html
    options = chart_options(html)
    assert set(options) == {
        "chart-rd-levels-option",
        "chart-rd-years-option",
        "chart-institutes-option",
        "chart-incubators-option",
        "chart-chains-option",
    }
    tenants = options["chart-incubators-option"]["series"][0]["data"]
    assert [(d["name"], d["value"]) for d in tenants] == [("曙光众创空间", 1), ("星火孵化器", 2)]
    chains = {d["name"]: d for d in options["chart-chains-option"]["series"][0]["data"]}
    assert chains["新材料"]["text"] == "1,000万元" and chains["电子信息"]["text"] == "2,500万元"
    institutes = {s["name"]: s["data"] for s in options["chart-institutes-option"]["series"]}
    assert set(institutes) == {"浙工大平湖研究院", "上海交大平湖智能研究院"}
    years = options["chart-rd-years-option"]
    assert years["xAxis"]["data"] == ["2017", "2018", "2019", "2020", "2021"]
    for name, option in options.items():
        for item in data_items(option):
            if item["url"] is None:
                continue
            drilled = client.get(item["url"])
            assert drilled.status_code == 200, (name, item)
            if item["url"].startswith("/indicators/incubators.tenants/"):
                assert drilled.context["count"] == item["value"]


def test_the_dashboard_headlines_link_to_their_drill(client, bureau, city):
    client.force_login(bureau)

    response = client.get(DASHBOARD, {"as_of": "2021-12-31"})

    cards = {c["id"]: c for c in response.context["headlines"]}
    assert cards["rd.hosts_in_force"]["text"] == "3家"
    assert cards["industry.output"]["text"] == "3,500万元"
    assert cards["incubators.tenants"]["url"] == "/indicators/incubators.tenants/?as_of=2021-12-31"
    assert 'href="/indicators/rd.hosts_in_force/?as_of=2021-12-31"' in response.content.decode()


def test_the_dashboard_of_a_date_without_records_says_so(client, bureau, city):
    client.force_login(bureau)

    html = client.get(DASHBOARD, {"as_of": "2000-12-31"}).content.decode()

    assert 'data-testid="chart-incubators-empty"' in html


def test_self_reported_indicators_are_marked(client, bureau, monkeypatch, db):
    reported = Indicator(
        id="test.reported",
        name="自报指标",
        name_en="Reported",
        unit="家",
        unit_en="",
        definition="由单位填报。",
        area="test",
        records=lambda period: Organisation.objects.all(),
        self_reported=True,
    )
    monkeypatch.setitem(engine._registry, reported.id, reported)
    client.force_login(bureau)

    html = client.get(LIST).content.decode()
    api = client.get("/api/v1/indicators/test.reported/").json()

    row = re.search(r'data-indicator="test.reported".*?</tr>', html, re.S).group(0)
    assert 'data-testid="self-reported"' in row
    assert api["self_reported"] is True


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (Decimal("191.79"), "亿元", "191.79亿元"),
        (Decimal("0.35"), "亿元", "3,500万元"),
        (Decimal("14.97"), "万平方米", "14.97万平方米"),
        (Decimal("0.5"), "万平方米", "5,000平方米"),
        (Decimal("149700"), "平方米", "14.97万平方米"),
        (1234, "家", "1,234家"),
        ("2019-06", "", "2019-06"),
        (None, "家", "—"),
    ],
)
def test_format_value(value, unit, text):
    indicator = Indicator("x", "x", "x", unit, "u", "", "test", records=lambda p: None)

    with translation.override("zh-hans"):
        assert format_value(value, indicator) == text


def test_format_value_in_english():
    indicator = Indicator("x", "x", "x", "亿元", "100 million yuan", "", "t", records=None)

    with translation.override("en"):
        assert format_value(Decimal("191.79"), indicator) == "191.79 100 million yuan"


def test_a_role_grants_the_indicators_not_the_kind_of_account(client, make_user, city):
    from kechuang.accounts.enums import RoleCode

    commissioner = make_user(RoleCode.COMMISSIONER)  # a staff account whose role is "self only"
    client.force_login(commissioner)
    assert client.get("/indicators/").status_code == 403
    assert client.get("/api/v1/indicators/").status_code == 403

    client.force_login(make_user(RoleCode.TOWN_OFFICER))
    assert client.get("/indicators/").status_code == 200
