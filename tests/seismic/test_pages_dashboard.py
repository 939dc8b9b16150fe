"""The earthquake-prevention dashboard: a year's inspections by kind and finding with the flagged
ones listed (the flag from the rules, not the written finding), shelters' capacity by town,
outreach participants by year; for staff the published indicators' figures, for a town officer
their town's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from kechuang.indicators.engine import get as indicator
from kechuang.seismic.enums import BuildingUse, Finding, OutreachKind, ProjectKind

from .factories import (
    ConstructionProjectFactory,
    InspectionFactory,
    OutreachEventFactory,
    ShelterFactory,
    zoned_town,
)

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("seismic:dashboard")


@pytest.fixture
def city(make_user):
    east = zoned_town("0.10", name="东看板镇")
    west = zoned_town("0.05", name="西看板镇")

    def inspect(town, name, kind, designed, on=dt.date(2020, 6, 1), finding=Finding.COMPLIANT):
        project = ConstructionProjectFactory(
            town=town, name=name, kind=kind, building_use=BuildingUse.TEACHING
        )
        return InspectionFactory(
            project=project,
            inspected_on=on,
            designed_measures_intensity=designed,
            finding=finding,
        )

    # 0.10g: a school's teaching building needs 8; 0.05g needs 7.
    low = inspect(east, "东看板中学教学楼", ProjectKind.SCHOOL, 7)
    inspect(east, "东看板幼儿园教学楼", ProjectKind.KINDERGARTEN, 8, finding=Finding.MINOR_ISSUES)
    inspect(west, "西看板小学教学楼", ProjectKind.SCHOOL, 7)
    west_low = inspect(west, "西看板高层", ProjectKind.HIGH_RISE, 6)  # 丙 at 0.05g: 6 is enough
    inspect(west, "西看板旧检查", ProjectKind.SCHOOL, 6, on=dt.date(2019, 5, 1))
    ShelterFactory(town=east, effective_area=Decimal("3000"), opened_year=2018)
    ShelterFactory(town=east, effective_area=Decimal("151"), opened_year=2020)  # 100 people
    ShelterFactory(town=west, effective_area=Decimal("1500"), opened_year=2021)  # not yet
    OutreachEventFactory(town=east, held_on=dt.date(2020, 5, 12), participants=1200)
    OutreachEventFactory(
        town=west, held_on=dt.date(2019, 7, 1), participants=300, kind=OutreachKind.DRILL
    )
    return {
        "east": east,
        "west": west,
        "low": low,
        "west_low": west_low,
        "staff": make_user("staff"),
        "officer": make_user("town_officer", department=east.office),
    }


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def chart(context, chart_id):
    return next(c for c in context["charts"] if c.id == chart_id)


def test_staff_see_the_years_figures_and_the_flagged_inspections(client, city):
    client.force_login(city["staff"])

    response = client.get(DASHBOARD, {"year": 2020})
    shown = response.content.decode()
    context = response.context

    assert [i.project.name for i in context["flagged"]] == ["东看板中学教学楼"]
    assert 'data-testid="flagged-inspections"' in shown
    assert city["low"].get_absolute_url() in shown
    inspections = chart(context, "chart-inspections")
    # a row per kind, then all kinds; columns: each finding present, all, below the requirement
    table = {row.label: [cell.text for cell in row.cells] for row in inspections.rows}
    assert len(inspections.columns) == 2 + 2  # compliant and minor issues
    assert table[zh(ProjectKind.SCHOOL.label)] == ["2", "0", "2", "1"]
    assert table[zh(ProjectKind.KINDERGARTEN.label)] == ["0", "1", "1", "0"]
    assert table[zh(ProjectKind.HIGH_RISE.label)] == ["1", "0", "1", "0"]
    assert [cell.text for cell in inspections.rows[-1].cells] == ["3", "1", "4", "1"]
    shelters = {row.label: row.cells[-1].text for row in chart(context, "chart-shelters").rows}
    assert shelters == {"东看板镇": "2,100"}  # 2000 + ⌊151 ÷ 1.5⌋; the 2021 one not yet open
    outreach = chart(context, "chart-outreach")
    totals = outreach.rows[-1]  # all kinds
    assert outreach.columns == ["2016", "2017", "2018", "2019", "2020"]
    assert [cell.text for cell in totals.cells] == ["0", "0", "0", "300", "1,200"]


def test_for_staff_the_figures_are_the_published_indicators(client, city):
    client.force_login(city["staff"])
    as_of = dt.date(2020, 12, 31)

    context = client.get(DASHBOARD, {"year": 2020}).context
    cards = {card["key"]: card["text"] for card in context["headlines"]}

    def value(indicator_id):
        return indicator(indicator_id).evaluate(as_of).value

    assert cards["inspections"] == f"{value('seismic.inspections'):,}"
    assert cards["flagged"] == f"{value('seismic.flagged_inspections'):,}"
    assert cards["capacity"] == f"{int(value('seismic.shelter_capacity')):,}"
    assert cards["participants"] == f"{int(value('seismic.outreach_participants')):,}"


def test_a_town_officer_sees_their_towns_figures_only(client, city):
    client.force_login(city["officer"])

    response = client.get(DASHBOARD, {"year": 2020})
    context = response.context
    cards = {card["key"]: card["text"] for card in context["headlines"]}

    assert cards == {
        "inspections": "2",
        "flagged": "1",
        "capacity": "2,100",
        "participants": "1,200",
    }
    assert "西看板" not in response.content.decode()


def test_the_flag_follows_the_rules_not_the_written_finding(client, city):
    city["low"].finding = Finding.BELOW_REQUIREMENT
    city["low"].save()
    InspectionFactory(
        project=city["west_low"].project,
        inspected_on=dt.date(2020, 8, 1),
        designed_measures_intensity=6,
        finding=Finding.BELOW_REQUIREMENT,  # written so, but 6 meets 丙 at 0.05g
    )
    client.force_login(city["staff"])

    context = client.get(DASHBOARD, {"year": 2020}).context

    assert [i.project.name for i in context["flagged"]] == ["东看板中学教学楼"]


def test_the_year_defaults_to_the_latest_inspected_and_can_be_chosen(client, city):
    client.force_login(city["staff"])

    default = client.get(DASHBOARD).context
    earlier = client.get(DASHBOARD, {"year": 2019}).context
    empty = client.get(DASHBOARD, {"year": 2015})
    bad = client.get(DASHBOARD, {"year": "abc"}).context

    assert default["year"] == 2020 and bad["year"] == 2020
    assert 2019 in default["years"] and 2020 in default["years"]
    assert [i.project.name for i in earlier["flagged"]] == ["西看板旧检查"]
    assert chart(earlier, "chart-inspections").rows[0].cells[-2].text == "1"
    assert empty.status_code == 200
    assert 'data-testid="chart-inspections-empty"' in empty.content.decode()


def test_the_dashboard_needs_the_permission(client, make_user):
    client.force_login(make_user("expert"))

    assert client.get(DASHBOARD).status_code == 403


def test_the_shelter_figures_drill_to_the_shelters_they_count(client, city):
    ShelterFactory(town=city["east"], effective_area=Decimal("600"), opened_year=2021)  # later
    client.force_login(city["staff"])

    context = client.get(DASHBOARD, {"year": 2020}).context
    row = chart(context, "chart-shelters").rows[0]  # 东看板镇: two shelters open by 2020
    card = next(card for card in context["headlines"] if card["key"] == "capacity")

    assert row.cells[0].text == "2"
    assert client.get(row.cells[0].url).context["total"] == 2
    assert client.get(card["url"]).context["total"] == 2  # the west one opens in 2021
