"""Earthquake prevention in a real browser, through the pages only: staff enter a school's
teaching building in a 0.10g town, record an inspection whose seismic measures are designed for
7 degrees where the rules require 8, see the rules applied on the project's page and the
inspection flagged on the area's dashboard.

Labels may not all be translated yet: the steps find links by their addresses and fields by their
names, and check what the rules and the records say.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kechuang.accounts.enums import RoleCode
from kechuang.seismic.enums import BuildingUse, Finding, FortificationClass, ProjectKind
from kechuang.seismic.models import ConstructionProject
from tests.seismic.factories import zoned_town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 15_000
PROJECT = "当湖实验中学新建教学楼"


def open_menu_item(page, href: str) -> None:
    page.get_by_test_id("nav-seismic").click()
    page.locator(f'[data-testid="nav-seismic"] + .dropdown-menu a[href="{href}"]').click()


def submit(page) -> None:
    page.locator("form.card button[type=submit]").click()


def test_an_inspection_below_the_requirement_is_flagged_on_the_dashboard(
    page, live_server, make_user
):
    page.set_default_timeout(TIMEOUT_MS)
    town = zoned_town("0.10", name="抗震示例镇")
    make_user(RoleCode.STAFF, username="shen.hua")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    today = timezone.localdate()

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "shen.hua")
    page.fill("input[name=password]", make_user.password)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/")

    # A school's teaching building in the 0.10g town.
    open_menu_item(page, "/seismic/construction-projects/")
    expect(page).to_have_url(re.compile(r"/seismic/construction-projects/$"))
    page.locator('a[href="/seismic/construction-projects/new/"]').click()
    page.fill("#id_name", PROJECT)
    page.fill("#id_owner_name", "平湖市当湖实验中学")
    page.select_option("#id_town", label=town.name)
    page.select_option("#id_kind", ProjectKind.SCHOOL.value)
    page.select_option("#id_building_use", BuildingUse.TEACHING.value)
    page.fill("#id_started_on", today.replace(month=1, day=2).isoformat())
    submit(page)

    project = ConstructionProject.objects.get(name=PROJECT)
    expect(page).to_have_url(f"{live_server.url}{project.get_absolute_url()}")
    expect(page.get_by_test_id("record-title")).to_have_text(PROJECT)
    requirement = page.get_by_test_id("requirement")
    expect(requirement).to_contain_text("0.10g")
    expect(requirement).to_contain_text("GB 50223-2008 第6.0.8条")

    # Its inspection: measures designed for 7 degrees; the finding is left to the rules.
    page.get_by_test_id("section-inspection").locator(
        f'a[href="/seismic/construction-projects/{project.pk}/inspections/new/"]'
    ).click()
    page.fill("#id_inspected_on", today.isoformat())
    page.fill("#id_inspectors", "沈华、陆明")
    page.select_option("#id_designed_class", FortificationClass.B.value)
    page.select_option("#id_designed_measures_intensity", "7")
    submit(page)

    expect(page).to_have_url(f"{live_server.url}{project.get_absolute_url()}")
    expect(page.get_by_test_id("requirement-flag")).to_have_class(re.compile(r"bg-red"))
    steps = page.get_by_test_id("requirement-steps")
    expect(steps).to_contain_text("7度 → 8度")
    expect(steps).to_contain_text("设计抗震措施 7 度低于要求的 8 度")
    expect(page.get_by_test_id("section-inspection").get_by_test_id("flag-below")).to_have_count(1)

    # The dashboard of the year flags it, with a link to the inspection.
    open_menu_item(page, "/seismic/")
    expect(page.get_by_test_id("seismic-dashboard")).to_contain_text(str(today.year))
    flagged = page.get_by_test_id("flagged-inspections")
    expect(flagged).to_contain_text(PROJECT)
    expect(page.get_by_test_id("flagged-count")).to_have_text("1")
    expect(page.get_by_test_id("headline-flagged").get_by_test_id("headline-value")).to_have_text(
        "1"
    )
    chart = page.get_by_test_id("chart-inspections")
    expect(chart).to_have_attribute("data-chart-ready", "true")
    expect(chart.locator("canvas")).to_have_count(1)

    inspection = project.inspections.get()
    assert (inspection.finding, inspection.rectification_required) == (
        Finding.BELOW_REQUIREMENT,
        True,
    )
    flagged.get_by_test_id("flagged-inspection").click()
    expect(page).to_have_url(f"{live_server.url}{inspection.get_absolute_url()}")
    expect(page.get_by_test_id("facts").get_by_test_id("flag-below")).to_be_visible()
    assert errors == []
