"""A tech commissioner's own service log in a real browser, in Chinese: the commissioner logs in
with their login, opens "My activities" from the Services menu, logs a technical training and
sees it listed with the totals updated; a negative trainee count and a date in the future are
refused with the error on the form and nothing saved; another commissioner's activity never
shows in the list."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kechuang.accounts.enums import RoleCode
from kechuang.services.enums import ActivityKind
from kechuang.services.models import Activity
from tests.factories import TownFactory
from tests.services.factories import ActivityFactory, CommissionerFactory, ServiceAssignmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 15_000
PLACE = "新仓镇三叉河村文化礼堂"
OTHERS_PLACE = "广陈镇山塘村农业基地"


def open_my_activities(page) -> None:
    page.get_by_test_id("nav-services").click()
    page.get_by_test_id("nav-my-activities").click()


def fill_activity(page, *, held_on: dt.date, assignment, trainees: str, materials: str) -> None:
    form = page.get_by_test_id("log-activity")
    form.locator("#id_held_on").fill(held_on.isoformat())
    form.locator("#id_kind").select_option(label="技术培训")
    form.locator("#id_assignment").select_option(str(assignment.pk))
    form.locator("#id_place").fill(PLACE)
    form.locator("#id_trainees").fill(trainees)
    form.locator("#id_materials").fill(materials)
    form.locator("#id_summary").fill("讲解芦笋大棚栽培与病虫害绿色防控")


def submit(page) -> None:
    page.get_by_test_id("log-activity").locator("button[type=submit]").click()


def test_a_commissioner_logs_an_activity_and_bad_input_is_refused(page, live_server, make_user):
    page.set_default_timeout(TIMEOUT_MS)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    today = timezone.localdate()
    start = today.replace(year=today.year - 1, day=1)

    town, other_town = TownFactory(name="新仓镇"), TownFactory(name="广陈镇")
    user = make_user(RoleCode.COMMISSIONER, username="lu.qing")
    mine = CommissionerFactory(name="陆青", user=user)
    assignment = ServiceAssignmentFactory(
        commissioner=mine, town=town, village="三叉河村", started_on=start, ended_on=None
    )
    earlier = ActivityFactory(
        commissioner=mine,
        assignment=assignment,
        town=town,
        held_on=start,
        place="三叉河村村委会",
        trainees=30,
        materials=20,
    )
    other = CommissionerFactory(name="沈远", user=make_user(RoleCode.COMMISSIONER))
    others_activity = ActivityFactory(
        commissioner=other,
        assignment=ServiceAssignmentFactory(commissioner=other, town=other_town, ended_on=None),
        town=other_town,
        held_on=today,
        place=OTHERS_PLACE,
        trainees=99,
        materials=77,
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "lu.qing")
    page.fill("input[name=password]", make_user.password)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("nav-services")).to_be_visible()

    # "My activities" from the Services menu: only their own activity, with its totals.
    open_my_activities(page)
    expect(page).to_have_url(re.compile(r"/services/my-activities/$"))
    expect(page.get_by_test_id("list-title")).to_have_text("我的服务活动")
    expect(page.get_by_text("登记服务活动")).to_be_visible()
    rows = page.get_by_test_id("results").get_by_test_id("activity")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("三叉河村村委会")
    totals = page.get_by_test_id("totals")
    expect(totals).to_contain_text("1 次服务活动")
    expect(totals.locator("td.text-end").nth(0)).to_have_text("30")
    expect(totals.locator("td.text-end").nth(1)).to_have_text("20")
    expect(page.get_by_test_id("results")).not_to_contain_text(OTHERS_PLACE)

    # A technical training today.
    fill_activity(page, held_on=today, assignment=assignment, trainees="45", materials="60")
    submit(page)
    expect(page).to_have_url(f"{live_server.url}/services/my-activities/")
    expect(page.get_by_role("alert")).to_contain_text(f"已登记 {today.isoformat()} 的服务活动。")
    expect(rows).to_have_count(2)
    newest = rows.first
    expect(newest).to_contain_text(today.isoformat())
    expect(newest).to_contain_text("技术培训")
    expect(newest).to_contain_text("新仓镇")
    expect(newest).to_contain_text(PLACE)
    expect(newest.locator("td.text-end").nth(0)).to_have_text("45")
    expect(newest.locator("td.text-end").nth(1)).to_have_text("60")
    expect(totals).to_contain_text("2 次服务活动")
    expect(totals.locator("td.text-end").nth(0)).to_have_text("75")
    expect(totals.locator("td.text-end").nth(1)).to_have_text("80")
    expect(page.get_by_test_id("results")).not_to_contain_text(OTHERS_PLACE)

    logged = Activity.objects.get(commissioner=mine, place=PLACE)
    assert (logged.held_on, logged.kind.code, logged.assignment, logged.town) == (
        today,
        ActivityKind.TECHNICAL_TRAINING,
        assignment,
        town,
    )
    assert (logged.trainees, logged.materials, logged.created_by) == (45, 60, user)

    # A negative trainee count: refused on the form, in Chinese; nothing saved.
    fill_activity(page, held_on=today, assignment=assignment, trainees="-5", materials="10")
    submit(page)
    expect(page.locator('[data-field-error="trainees"]')).to_have_text("确保该值大于或等于0。")
    expect(page.get_by_test_id("log-activity").locator("#id_trainees")).to_have_value("-5")
    expect(rows).to_have_count(2)
    expect(totals).to_contain_text("2 次服务活动")
    assert Activity.objects.filter(commissioner=mine).count() == 2

    # A date in the future: refused by the rules, with the date in the message; nothing saved.
    tomorrow = today + dt.timedelta(days=1)
    fill_activity(page, held_on=tomorrow, assignment=assignment, trainees="12", materials="10")
    submit(page)
    expect(page.locator('[data-field-error="held_on"]')).to_have_text(
        f"日期不能晚于今天（{tomorrow.isoformat()} 晚于今天 {today.isoformat()}）。"
    )
    expect(page.locator('[data-field-error="trainees"]')).to_have_count(0)
    expect(rows).to_have_count(2)
    expect(totals.locator("td.text-end").nth(0)).to_have_text("75")
    expect(page.get_by_test_id("results")).not_to_contain_text(OTHERS_PLACE)

    assert set(Activity.objects.filter(commissioner=mine)) == {earlier, logged}
    assert not Activity.objects.filter(held_on__gt=today).exists()
    assert list(Activity.objects.filter(commissioner=other)) == [others_activity]
    others_activity.refresh_from_db()
    assert (others_activity.trainees, others_activity.materials) == (99, 77)
    assert errors == []
