"""The earthquake-prevention pages: every list, detail page and form for bureau staff; a town
officer's reach (another town's records are 404 and absent from lists); lists whose query count
does not grow with their rows; forms refusing what the models refuse, in the UI language; edits
made on a stale copy refused."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django import forms as django_forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kechuang.seismic import models
from kechuang.seismic.domain import shelters
from kechuang.seismic.enums import (
    BuildingUse,
    Finding,
    FortificationClass,
    ProjectKind,
    ShelterClass,
)
from kechuang.seismic.reference import RECORDS

from .factories import (
    AssessmentFactory,
    BudgetLineFactory,
    ConstructionProjectFactory,
    DemonstrationSiteFactory,
    HouseDesignFactory,
    InspectionFactory,
    MonitoringStationFactory,
    OutreachEventFactory,
    PlanDocumentFactory,
    RaisedFortificationFactory,
    SafetyEvaluationFactory,
    ShelterFactory,
    StationUpgradeFactory,
    TrainingFactory,
    shelter_facility,
    zoned_town,
)

pytestmark = pytest.mark.django_db

# Records entered on a parent's page (their forms live under the parent's address).
CHILDREN = {"inspection": "project", "stationupgrade": "station"}
CITY_WIDE = ("housedesign", "budgetline", "plandocument", "assessment")


def make(name: str, town, prefix: str, **extra):
    """One record of the kind, in ``town`` where it has one, named after ``prefix``."""
    match name:
        case "townzonation":
            return town.zonation
        case "constructionproject":
            return ConstructionProjectFactory(town=town, name=f"{prefix}中学教学楼", **extra)
        case "inspection":
            project = ConstructionProjectFactory(town=town, name=f"{prefix}小学教学楼")
            return InspectionFactory(project=project, **extra)
        case "safetyevaluation":
            project = ConstructionProjectFactory(town=town, name=f"{prefix}医院门诊楼")
            return SafetyEvaluationFactory(project=project, **extra)
        case "raisedfortification":
            return RaisedFortificationFactory(town=town, name=f"{prefix}幼儿园", **extra)
        case "demonstrationsite":
            return DemonstrationSiteFactory(town=town, name=f"{prefix}示范社区", **extra)
        case "shelter":
            return ShelterFactory(town=town, name=f"{prefix}公园避难场所", **extra)
        case "monitoringstation":
            return MonitoringStationFactory(town=town, name=f"{prefix}地震台", **extra)
        case "stationupgrade":
            station = MonitoringStationFactory(town=town, name=f"{prefix}预警台")
            return StationUpgradeFactory(station=station, description=f"{prefix}台站改造")
        case "training":
            return TrainingFactory(town=town, title=f"{prefix}工匠培训班", **extra)
        case "housedesign":
            return HouseDesignFactory(title=f"{prefix}户型图", **extra)
        case "outreachevent":
            return OutreachEventFactory(town=town, title=f"{prefix}防灾宣传周", **extra)
        case "budgetline":
            return BudgetLineFactory(item=f"{prefix}地震工作经费", **extra)
        case "plandocument":
            return PlanDocumentFactory(title=f"{prefix}抗震防灾规划", **extra)
        case "assessment":
            return AssessmentFactory(**extra)
    raise AssertionError(name)


def shown_text(record) -> str:
    """What a list or a page shows of the record (its name, or its parent's)."""
    if isinstance(record, models.Inspection):
        return record.project.name
    if isinstance(record, models.StationUpgrade):
        return record.description
    if isinstance(record, models.TownZonation):
        return record.town.name
    if isinstance(record, models.Assessment):
        return str(record.year)
    if isinstance(record, models.BudgetLine):
        return record.item
    return str(record)


class World:
    """Two towns (east 0.10g, west 0.05g) with one record of every kind each; bureau staff and
    the east town's officer."""

    def __init__(self, make_user):
        self.east = zoned_town("0.10", name="东抗震测试镇")
        self.west = zoned_town("0.05", name="西抗震测试镇")
        self.staff = make_user("staff")
        self.officer = make_user("town_officer", department=self.east.office)
        self.ours = {name: make(name, self.east, "东测") for name in RECORDS}
        self.theirs = {name: make(name, self.west, "西测") for name in RECORDS}


@pytest.fixture
def w(make_user):
    return World(make_user)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def results(html: str) -> str:
    """The list's table (not its filters, whose selects name every town)."""
    return html[html.index('data-testid="results"') :]


def url(name: str, page_name: str, *args) -> str:
    return reverse(f"seismic:{name}-{page_name}", args=args)


def edit_url(name, record):
    if name in CHILDREN:
        return url(name, "edit", getattr(record, f"{CHILDREN[name]}_id"), record.pk)
    return url(name, "edit", record.pk)


def test_staff_reaches_every_list_detail_and_form(client, w):
    client.force_login(w.staff)

    for name in RECORDS:
        record = w.ours[name]
        listed = page(client, url(name, "list"))
        assert shown_text(record) in listed, name
        assert shown_text(record) in page(client, record.get_absolute_url()), name
        page(client, edit_url(name, record))
        if name in CHILDREN:
            parent = getattr(record, f"{CHILDREN[name]}_id")
            page(client, url(name, "create", parent))
            # the record's own "edit" address leads to its form under the parent
            response = client.get(url(name, "edit", record.pk))
            assert response.status_code == 302
            assert response["Location"] == edit_url(name, record)
        else:
            page(client, url(name, "create"))


def test_lists_offer_export_and_import_to_staff(client, w):
    client.force_login(w.staff)

    shown = page(client, url("inspection", "list"))

    assert url("inspection", "export") in shown
    assert reverse("core:import-upload", args=["seismic.inspection"]) in shown
    response = client.get(url("inspection", "export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_the_menu_offers_the_area_by_permission(client, w, make_user):
    client.force_login(w.staff)
    home = page(client, reverse("core:home"))

    assert 'data-testid="nav-seismic"' in home
    assert reverse("seismic:dashboard") in home
    for name in RECORDS:
        if name not in CHILDREN:
            assert url(name, "list") in home, name

    client.force_login(make_user("organisation"))
    shown = page(client, reverse("core:home"))
    assert url("constructionproject", "list") in shown
    assert url("shelter", "list") not in shown


@pytest.mark.parametrize("name", [n for n in RECORDS if n not in CITY_WIDE])
def test_a_town_officer_reaches_only_the_towns_records(client, w, name):
    client.force_login(w.officer)
    ours, theirs = w.ours[name], w.theirs[name]

    listed = results(page(client, url(name, "list")))

    assert shown_text(ours) in listed
    assert shown_text(theirs) not in listed
    assert page(client, ours.get_absolute_url())
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(edit_url(name, theirs)).status_code == 404
    if name in CHILDREN:
        parent = getattr(theirs, f"{CHILDREN[name]}_id")
        assert client.get(url(name, "create", parent)).status_code == 404


def test_a_town_officer_files_records_only_in_their_town(client, w):
    client.force_login(w.officer)

    form = client.get(url("shelter", "create")).context["form"]
    towns = list(form.fields["town"].queryset)
    response = client.post(
        url("shelter", "create"),
        {
            "name": "西镇越权避难场所",
            "town": w.west.pk,
            "shelter_class": ShelterClass.CLASS_III,
            "effective_area": "900",
        },
    )

    assert towns == [w.east]
    assert response.status_code == 200
    assert "town" in response.context["form"].errors
    assert not models.Shelter.objects.filter(name="西镇越权避难场所").exists()


def test_a_town_officer_sees_the_citys_public_documents_but_not_the_budget(client, w):
    """House designs, plans and assessments are the city's public documents: a town officer
    sees those the bureau entered; the budget lines are for the bureau only."""
    client.force_login(w.officer)

    for name in CITY_WIDE:
        if name == "budgetline":
            assert client.get(url(name, "list")).status_code == 403
            assert client.get(w.ours[name].get_absolute_url()).status_code in (403, 404)
            continue
        listed = results(page(client, url(name, "list")))
        assert shown_text(w.ours[name]) in listed, name
        assert client.get(w.ours[name].get_absolute_url()).status_code == 200, name


# Query counts -----------------------------------------------------------------------------------


def count_queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(context.captured_queries)


def add_rows(w, n: int, start: int) -> None:
    water, power = shelter_facility(), shelter_facility("power", "应急供电")
    for i in range(start, start + n):
        for name in RECORDS:
            if name == "townzonation":
                zoned_town("0.20", name=f"加测镇{i}")
                continue
            extra = {"year": 1900 + i} if name == "assessment" else {}
            record = make(name, w.east, f"加测{i}", **extra)
            if name == "inspection":  # a second inspection of the same project
                InspectionFactory(project=record.project, designed_measures_intensity=6)
            if name == "shelter":
                record.facilities.set([water, power])


LIST_QUERIES = [
    *[("staff", reverse(f"seismic:{name}-list")) for name in RECORDS],
    (
        "staff",
        reverse("seismic:inspection-list") + "?below_requirement=true&sort=-below_requirement",
    ),
    ("staff", reverse("seismic:constructionproject-list") + "?below_requirement=false"),
    ("staff", reverse("seismic:shelter-list") + "?facility=water&sort=-capacity"),
    ("officer", reverse("seismic:inspection-list")),
    ("officer", reverse("seismic:constructionproject-list")),
    ("staff", reverse("seismic:dashboard") + "?year=2020"),
]


@pytest.mark.parametrize(("who", "address"), LIST_QUERIES)
def test_list_query_count_does_not_grow_with_rows(client, w, who, address):
    client.force_login(getattr(w, who))
    add_rows(w, 2, 0)
    few = count_queries(client, address)

    add_rows(w, 5, 10)
    many = count_queries(client, address)

    assert many == few


@pytest.mark.parametrize("name", ["constructionproject", "monitoringstation", "inspection"])
def test_detail_query_count_does_not_grow_with_children(client, w, name):
    client.force_login(w.staff)
    record = w.ours[name]

    def add(n):
        for _ in range(n):
            if name == "monitoringstation":
                StationUpgradeFactory(station=record)
            else:
                project = record if name == "constructionproject" else record.project
                InspectionFactory(project=project)

    add(2)
    few = count_queries(client, record.get_absolute_url())
    add(5)
    many = count_queries(client, record.get_absolute_url())

    assert many == few


# Forms ------------------------------------------------------------------------------------------


def zh(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


def errors_of(response) -> dict:
    assert response.status_code == 200  # the form again, not a redirect
    return response.context["form"].errors


def test_a_shelter_of_no_area_is_refused_with_the_message_in_chinese(client, w):
    client.force_login(w.staff)
    data = {"name": "零面积避难场所", "town": w.east.pk, "shelter_class": ShelterClass.CLASS_I}

    zero = client.post(url("shelter", "create"), {**data, "effective_area": "0"})
    negative = client.post(url("shelter", "create"), {**data, "effective_area": "-5"})
    missing = client.post(url("shelter", "create"), {**data, "effective_area": ""})

    expected = zh(shelters.InvalidAreaError.message)
    for response in (zero, negative):
        assert errors_of(response)["effective_area"] == [expected]
        assert expected in response.content.decode()
    # the page speaks Chinese: Django's own message is in Chinese, and so is ours once translated
    required = zh(django_forms.Field.default_error_messages["required"])
    assert required == "该字段是必填项。" and required in missing.content.decode()
    assert not models.Shelter.objects.filter(name="零面积避难场所").exists()


def test_a_hospital_building_without_its_grade_is_refused(client, w):
    client.force_login(w.staff)
    data = {
        "name": "第一人民医院住院楼",
        "owner_name": "平湖市第一人民医院",
        "town": w.east.pk,
        "kind": ProjectKind.HOSPITAL,
        "building_use": BuildingUse.INPATIENT,
        "start_year": "2020",
    }

    response = client.post(url("constructionproject", "create"), data)
    graded = client.post(url("constructionproject", "create"), {**data, "hospital_grade": "2"})

    errors = errors_of(response)
    assert "hospital_grade" in errors
    assert "GB 50223-2008" in errors["hospital_grade"][0]
    assert graded.status_code == 302
    project = models.ConstructionProject.objects.get(name="第一人民医院住院楼")
    assert (project.hospital_grade, project.created_by) == ("2", w.staff)


def test_a_declared_class_below_the_rules_is_refused(client, w):
    client.force_login(w.staff)

    response = client.post(
        url("constructionproject", "create"),
        {
            "name": "实验小学教学楼",
            "owner_name": "实验小学",
            "town": w.east.pk,
            "kind": ProjectKind.SCHOOL,
            "building_use": BuildingUse.TEACHING,
            "declared_class": FortificationClass.C,
            "started_on": "2021-03-01",
        },
    )

    assert "declared_class" in errors_of(response)


def test_the_start_year_comes_from_the_date_when_left_empty(client, w):
    client.force_login(w.staff)
    data = {
        "name": "新仓镇农居",
        "owner_name": "村民",
        "town": w.east.pk,
        "kind": ProjectKind.RURAL_HOUSING,
        "building_use": BuildingUse.OTHER,
    }

    neither = client.post(url("constructionproject", "create"), data)
    dated = client.post(url("constructionproject", "create"), {**data, "started_on": "2019-04-02"})

    assert "start_year" in errors_of(neither)
    assert dated.status_code == 302
    assert models.ConstructionProject.objects.get(name="新仓镇农居").start_year == 2019


def test_an_edit_made_on_a_stale_copy_is_refused(client, w):
    client.force_login(w.staff)
    shelter = w.ours["shelter"]
    data = {
        "name": "东测公园避难场所（改）",
        "town": w.east.pk,
        "shelter_class": ShelterClass.CLASS_II,
        "effective_area": "3000",
        "version": shelter.version,
    }

    first = client.post(url("shelter", "edit", shelter.pk), data)
    stale = client.post(url("shelter", "edit", shelter.pk), {**data, "name": "后来者"})

    assert first.status_code == 302
    errors = errors_of(stale).get("__all__")
    assert errors and "后来者" not in models.Shelter.objects.get(pk=shelter.pk).name
    shelter.refresh_from_db()
    assert shelter.name == "东测公园避难场所（改）"


def test_a_stale_inspection_edit_is_refused(client, w):
    client.force_login(w.staff)
    inspection = w.ours["inspection"]
    address = edit_url("inspection", inspection)
    form = client.get(address).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(inspected_on="2020-06-01", findings="第一次修改", version=inspection.version)

    first = client.post(address, data)
    stale = client.post(address, {**data, "findings": "第二次修改"})

    assert first.status_code == 302
    assert errors_of(stale).get("__all__")
    inspection.refresh_from_db()
    assert inspection.findings == "第一次修改"


# The rules on the pages ---------------------------------------------------------------------------


def school_in(town, name="测试中学教学楼"):
    return ConstructionProjectFactory(
        town=town, name=name, kind=ProjectKind.SCHOOL, building_use=BuildingUse.TEACHING
    )


def test_a_project_page_shows_each_rule_with_its_source(client, w):
    project = school_in(w.east)
    InspectionFactory(project=project, designed_measures_intensity=7)
    client.force_login(w.staff)

    response = client.get(project.get_absolute_url())
    shown = response.content.decode()
    panel = response.context["requirement"]

    evaluation = project.evaluation()
    assert panel["below"] is True and evaluation.below_requirement
    assert panel["steps"] == list(evaluation.steps)
    for step in evaluation.steps:
        assert step.text in shown
        assert step.source in shown
    assert "GB 50223-2008 第6.0.8条" in shown and "GB 50011-2010 表3.2.2" in shown
    assert 'data-testid="requirement-flag"' in shown


def test_a_project_in_a_town_without_zonation_says_so(client, w, reference_data):
    town = zoned_town("0.05", name="无区划测试镇")
    town.zonation.delete()
    project = school_in(town, "无区划中学教学楼")
    InspectionFactory(project=project)
    client.force_login(w.staff)

    response = client.get(project.get_absolute_url())
    shown = response.content.decode()

    assert 'data-testid="requirement-problem"' in shown
    assert "无区划测试镇" in response.context["requirement"]["problem"]
    assert reverse("seismic:townzonation-create") + f"?town={town.pk}" in shown
    listed = page(client, url("constructionproject", "list") + "?q=无区划")
    assert "无区划中学教学楼" in listed and 'data-testid="flag-below"' not in listed


def test_lists_show_and_filter_the_computed_flag(client, w):
    below = school_in(w.east, "偏低中学教学楼")
    InspectionFactory(project=below, designed_measures_intensity=7, finding=Finding.COMPLIANT)
    meets = school_in(w.east, "达标中学教学楼")
    InspectionFactory(project=meets, designed_measures_intensity=8)
    client.force_login(w.staff)

    flagged = page(client, url("inspection", "list") + "?below_requirement=true")
    fine = page(client, url("inspection", "list") + "?below_requirement=false")
    projects = page(client, url("constructionproject", "list") + "?below_requirement=true")
    every = page(client, url("constructionproject", "list") + "?q=中学教学楼")

    assert "偏低中学教学楼" in flagged and "达标中学教学楼" not in flagged
    assert "达标中学教学楼" in fine and "偏低中学教学楼" not in fine
    assert "偏低中学教学楼" in projects and "达标中学教学楼" not in projects
    # the finding written was "compliant": the flag comes from the rules, not from it
    row = re.search(r"<tr>(?:(?!</tr>).)*偏低中学教学楼(?:(?!</tr>).)*</tr>", every, re.S)
    assert row and 'data-testid="flag-below"' in row.group(0)


def test_a_design_of_a_lower_class_is_flagged_in_the_lists_and_says_why(client, w):
    """丙 designed where 乙 is required, with measures high enough: flagged on the lists and
    the project's page, which says the class is what falls short."""
    project = school_in(w.east, "低类别中学教学楼")
    InspectionFactory(
        project=project, designed_class=FortificationClass.C, designed_measures_intensity=9
    )
    meets = school_in(w.east, "达标中学教学楼")
    InspectionFactory(
        project=meets, designed_class=FortificationClass.B, designed_measures_intensity=9
    )
    client.force_login(w.staff)

    flagged = page(client, url("inspection", "list") + "?below_requirement=true")
    projects = page(client, url("constructionproject", "list") + "?below_requirement=true")
    panel = client.get(project.get_absolute_url()).context["requirement"]

    assert "低类别中学教学楼" in flagged and "达标中学教学楼" not in flagged
    assert "低类别中学教学楼" in projects and "达标中学教学楼" not in projects
    assert panel["below"] is True
    assert [str(s) for s in panel["shortfalls"]] == ["设计设防类别低于要求的设防类别。"]
    assert any("设计抗震设防类别丙类" in step.text for step in panel["steps"])


def test_a_new_inspection_of_a_lower_class_left_to_the_rules_is_found_below(client, w):
    project = school_in(w.east)
    client.force_login(w.staff)
    response = client.post(
        url("inspection", "create", project.pk),
        {
            "inspected_on": "2021-05-10",
            "inspectors": "张三",
            "designed_class": FortificationClass.C,
            "designed_measures_intensity": "8",
            "finding": "",
        },
    )
    assert response.status_code == 302
    inspection = project.inspections.get()
    assert inspection.finding == Finding.BELOW_REQUIREMENT
    assert inspection.rectification_required


def test_a_new_inspection_left_to_the_rules_is_found_below_the_requirement(client, w):
    project = school_in(w.east)
    client.force_login(w.staff)
    form = client.get(url("inspection", "create", project.pk)).context["form"]
    assert form["finding"].value() == ""  # offered to the rules, not the model's default

    response = client.post(
        url("inspection", "create", project.pk),
        {
            "inspected_on": "2021-05-10",
            "inspectors": "张三、李四",
            "designed_class": FortificationClass.B,
            "designed_measures_intensity": "7",
            "finding": "",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    inspection = project.inspections.get()
    assert inspection.finding == Finding.BELOW_REQUIREMENT
    assert inspection.rectification_required
    assert inspection.created_by == w.staff


def test_a_new_inspection_in_a_town_without_zonation_needs_a_finding(client, w):
    town = zoned_town("0.05", name="缺区划镇")
    town.zonation.delete()
    project = school_in(town)
    client.force_login(w.staff)
    data = {
        "inspected_on": "2021-05-10",
        "inspectors": "张三",
        "designed_class": FortificationClass.B,
        "designed_measures_intensity": "7",
    }

    left = client.post(url("inspection", "create", project.pk), {**data, "finding": ""})
    stated = client.post(
        url("inspection", "create", project.pk), {**data, "finding": Finding.MINOR_ISSUES}
    )

    assert "缺区划镇" in errors_of(left)["finding"][0]
    assert stated.status_code == 302
    assert project.inspections.get().finding == Finding.MINOR_ISSUES


def test_closing_a_rectification_from_the_inspection_page(client, w):
    inspection = InspectionFactory(
        project=school_in(w.east),
        inspected_on=dt.date(2021, 3, 1),
        designed_measures_intensity=7,
        finding=Finding.BELOW_REQUIREMENT,
        rectification_required=True,
    )
    client.force_login(w.staff)
    detail = page(client, inspection.get_absolute_url())
    close = reverse("seismic:inspection-close", args=[inspection.pk])
    assert close in detail

    early = client.post(
        close, {"rectified_on": "2021-02-01", "closure_note": "", "version": inspection.version}
    )
    done = client.post(
        close,
        {"rectified_on": "2021-04-01", "closure_note": "已加固", "version": inspection.version},
    )

    assert errors_of(early).get("__all__")
    assert done.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.rectified_on, inspection.closure_note) == (dt.date(2021, 4, 1), "已加固")
    assert close not in page(client, inspection.get_absolute_url())


def test_a_town_officer_cannot_close_another_towns_rectification(client, w):
    inspection = w.theirs["inspection"]
    client.force_login(w.officer)

    response = client.post(
        reverse("seismic:inspection-close", args=[inspection.pk]),
        {"rectified_on": "2021-04-01", "version": inspection.version},
    )

    assert response.status_code == 404


def test_plan_and_inspection_pages_offer_attachments(client, w):
    client.force_login(w.staff)

    for name in ("plandocument", "inspection"):
        assert 'data-testid="attachments"' in page(client, w.ours[name].get_absolute_url())


def test_shelter_pages_show_the_computed_capacity_and_facilities(client, w):
    shelter = ShelterFactory(
        town=w.east, name="明湖公园避难场所", effective_area=Decimal("4500.75")
    )
    shelter.facilities.set([shelter_facility()])
    client.force_login(w.staff)

    listed = page(client, url("shelter", "list") + "?q=明湖")
    detail = page(client, shelter.get_absolute_url())

    assert "3000" in listed and "应急供水" in listed  # ⌊4500.75 ÷ 1.5⌋
    assert "3000" in detail and "应急供水" in detail


def test_an_assessment_page_counts_the_consecutive_excellent_years(client, w):
    for year in range(2016, 2021):
        AssessmentFactory(year=year)
    client.force_login(w.staff)

    response = client.get(models.Assessment.objects.get(year=2020).get_absolute_url())

    assert response.context["object"].consecutive_excellent == 5


def test_the_history_of_a_project_names_the_inspection_an_event_is_of(client, w):
    from kechuang.seismic.domain.records import record_inspection

    project = w.ours["constructionproject"]
    inspection = record_inspection(
        project,
        w.staff,
        inspected_on=dt.date(2020, 6, 1),
        inspectors="张三",
        designed_class="b",
        designed_measures_intensity=8,
    )
    client.force_login(w.staff)

    html = page(client, project.get_absolute_url())

    children = re.findall(r'data-testid="history-child">([^<]*)<', html)
    assert children == [str(inspection)]


def test_the_home_page_counts_open_rectifications_within_scope_as_the_list_shows_them(client, w):
    open_east = InspectionFactory(
        project=w.ours["constructionproject"],
        finding=Finding.BELOW_REQUIREMENT,
        rectification_required=True,
        rectification_due=dt.date(2020, 9, 30),
    )
    InspectionFactory(
        project=w.theirs["constructionproject"],
        finding=Finding.BELOW_REQUIREMENT,
        rectification_required=True,
        rectification_due=dt.date(2020, 9, 30),
    )
    expected = {
        "staff": models.Inspection.objects.open_rectifications().count(),
        "officer": models.Inspection.objects.open_rectifications()
        .filter(project__town=w.east)
        .count(),
    }
    assert open_east in models.Inspection.objects.open_rectifications()

    for who in ("staff", "officer"):
        client.force_login(getattr(w, who))
        panels = client.get(reverse("core:home")).context["panels"]
        [panel] = [p for p in panels if "open_rectification" in p["url"]]
        listed = client.get(panel["url"]).context["paginator"].count
        assert panel["value"] == listed == expected[who], who


def test_the_inspection_list_counts_without_the_rules_and_works_them_out_for_the_rows(client, w):
    project = w.ours["constructionproject"]
    low = InspectionFactory(project=project, designed_measures_intensity=6)
    InspectionFactory(project=project, designed_measures_intensity=9)
    client.force_login(w.staff)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("inspection", "list"))
    count_sql = next(q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper())
    assert "seismic_townzonation" not in count_sql
    rows = {row.pk: row for row in response.context["object_list"]}
    assert rows[low.pk].below_requirement is True

    for sort in ("-below_requirement", "required_measures_intensity"):
        response = client.get(url("inspection", "list") + f"?sort={sort}")
        assert response.status_code == 200, sort
    flags = [row.below_requirement for row in response.context["object_list"]]
    assert flags.count(True) >= 1
