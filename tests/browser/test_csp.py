"""The Content-Security-Policy in a real browser: the pages that run the most script — both
dashboards with their ECharts charts and tooltips, an HTMX filter, the Django admin and the
Swagger page — work under it and it blocks nothing on them. (Every browser test fails on a
violation; this one visits the pages no other test needs.)"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from kechuang.accounts.enums import RoleCode
from kechuang.accounts.models import Role
from tests.indicators.data import build_city
from tests.seismic.factories import ConstructionProjectFactory, InspectionFactory, zoned_town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Shows the tooltip of each chart's first data item, as a pointer over it would.
SHOW_TOOLTIPS = """() => document.querySelectorAll("[data-chart]").forEach((element) => {
  echarts.getInstanceByDom(element).dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 0});
})"""


def expect_charts_with_tooltips(page) -> None:
    charts = page.locator("[data-chart]")
    expect(charts.first).to_be_visible()
    for index in range(charts.count()):
        expect(charts.nth(index)).to_have_attribute("data-chart-ready", "true")
        expect(charts.nth(index).locator("canvas")).to_have_count(1)
    page.evaluate(SHOW_TOOLTIPS)
    expect(page.locator("[data-chart] .chart-marker").first).to_be_visible()


def test_pages_heavy_with_script_pass_the_policy(page, live_server, make_user, csp_violations):
    if not Role.objects.exists():
        call_command("load_reference", verbosity=0, stdout=StringIO())
    build_city()
    town = zoned_town("0.10", name="抗震示例镇")
    InspectionFactory(
        project=ConstructionProjectFactory(town=town), inspected_on=timezone.localdate()
    )
    make_user(RoleCode.ADMIN, username="an.quan", is_staff=True, is_superuser=True)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The Django admin's login, and its pages once signed in.
    response = page.goto(f"{live_server.url}/admin/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_username", "an.quan")
    page.fill("#id_password", make_user.password)
    page.click("input[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/accounts/user/")
    expect(page.locator("#result_list")).to_contain_text("an.quan")
    page.goto(f"{live_server.url}/admin/accounts/user/add/")
    expect(page.locator("#id_username")).to_be_visible()

    # The indicator dashboard: every chart drawn, the tooltips shown.
    page.goto(f"{live_server.url}/indicators/dashboard/?as_of=2021-12-31")
    expect_charts_with_tooltips(page)

    # The earthquake-prevention dashboard of this year.
    page.goto(f"{live_server.url}/seismic/?year={timezone.localdate().year}")
    expect(page.get_by_test_id("flagged-inspections")).to_be_visible()
    expect_charts_with_tooltips(page)

    # An HTMX filter: typed, the list is replaced in place.
    page.goto(f"{live_server.url}/registry/organisations/?kind=enterprise")
    results = page.get_by_test_id("results")
    expect(results).to_contain_text("西方电子有限公司")
    page.fill("#id_q", "东方")
    expect(results).not_to_contain_text("西方电子有限公司")
    expect(page).to_have_url(re.compile(r"q=%E4%B8%9C%E6%96%B9"))

    # The Swagger page: its start-up script runs and loads the schema (generated on request:
    # several seconds on a busy 2-core machine, so the wait is longer than the default).
    page.goto(f"{live_server.url}/api/docs/")
    title = page.locator(".swagger-ui .info .title")
    expect(title).to_contain_text("科创 kechuang API", timeout=60_000)
    expect(page.locator(".opblock-summary-path").first).to_be_visible()

    assert errors == []
    assert not csp_violations, csp_violations.describe()


def test_a_violation_is_caught(page, live_server, csp_violations):
    """The watch the other tests rely on: an inline script is blocked and reported."""
    page.goto(f"{live_server.url}/accounts/login/")
    with pytest.raises(Exception, match=r"Content Security Policy|Refused"):
        page.add_script_tag(content="window.injected = true;")
    page.wait_for_timeout(200)

    assert page.evaluate("window.injected") is None
    assert any(
        report.get("directive", "").startswith("script-src")
        or "script" in report.get("console", "")
        for report in csp_violations
    )
    csp_violations.clear()  # expected here: the teardown check must not fail the test


def test_choose_all_ticks_the_rows_of_its_table(page, live_server):
    """app.js binds what used to be an inline onclick (the staff portal's batch queues)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("""() => document.body.insertAdjacentHTML("beforeend", `
      <table id="queue"><tr><th><input type="checkbox" data-check-all="ids" id="all"></th></tr>
        <tr><td><input type="checkbox" name="ids" value="1"></td></tr>
        <tr><td><input type="checkbox" name="ids" value="2"></td></tr>
        <tr><td><input type="checkbox" name="other" value="3"></td></tr></table>`)""")

    page.check("#all")
    assert page.eval_on_selector_all(
        "#queue input:not(#all)", "boxes => boxes.map((box) => box.checked)"
    ) == [True, True, False]
    page.uncheck("#all")
    assert page.eval_on_selector_all("#queue input[name=ids]:checked", "boxes => boxes.length") == 0
