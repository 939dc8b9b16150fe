"""The indicator dashboard in a real browser: the charts draw, and a click on a bar opens the
records behind it."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kechuang.accounts.models import Role
from kechuang.indicators.rules import VIEW_INDICATORS
from tests.factories import PASSWORD, REGISTRY_PERMS, staff_user
from tests.indicators.data import build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The pixel of the middle of a bar, from the chart's own coordinate system.
BAR_CENTRE = """(element, index) => {
  const chart = echarts.getInstanceByDom(element);
  const value = chart.getOption().series[0].data[index].value;
  return chart.convertToPixel({seriesIndex: 0}, [value / 2, index]);
}"""


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/")


def test_a_click_on_a_chart_opens_the_records_behind_it(page, live_server):
    if not Role.objects.exists():
        call_command("load_reference", verbosity=0, stdout=StringIO())
    build_city()
    staff_user("ye.ping", perms=[*REGISTRY_PERMS, VIEW_INDICATORS])
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, live_server, "ye.ping")
    page.get_by_test_id("nav-dashboard").click()
    expect(page).to_have_url(re.compile(r"/indicators/dashboard/$"))
    page.get_by_role("link", name="2021-12-31", exact=True).click()

    chart = page.get_by_test_id("chart-incubators")
    expect(chart).to_have_attribute("data-chart-ready", "true")
    expect(chart.locator("canvas")).to_be_visible()
    for other in ("chart-rd-levels", "chart-rd-years", "chart-institutes", "chart-chains"):
        expect(page.get_by_test_id(other).locator("canvas")).to_have_count(1)
    x, y = chart.evaluate(BAR_CENTRE, 1)  # the second bar: 星火孵化器, two tenants
    chart.click(position={"x": x, "y": y})

    expect(page).to_have_url(
        re.compile(r"/indicators/incubators\.tenants/\?as_of=2021-12-31&key=spark$")
    )
    expect(page.get_by_test_id("drill-title")).to_contain_text("星火孵化器")
    expect(page.get_by_test_id("record-count")).to_contain_text("2")
    records = page.get_by_test_id("records")
    expect(records).to_contain_text("东方材料有限公司")
    expect(records).to_contain_text("南方科技有限公司")
    expect(records).not_to_contain_text("西方电子有限公司")

    page.get_by_test_id("breakdown").get_by_role("link", name="曙光众创空间").click()
    expect(page).to_have_url(re.compile(r"key=dawn"))
    expect(page.get_by_test_id("records")).to_contain_text("西方电子有限公司")
    assert errors == []
