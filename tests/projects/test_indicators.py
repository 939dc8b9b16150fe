"""The plan-project indicators on a small hand-made set of projects (not the demo): year
boundaries, parts, the high-tech zone share's fraction, the meeting projects' drill, and what a
viewer with a limited data scope gets."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from kechuang.accounts.enums import RoleCode
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.indicators import engine
from kechuang.projects.enums import Category, Conclusion, Field, ProgrammeCode
from kechuang.projects.models import AcceptanceMeeting, MeetingSession, SessionProject
from kechuang.registry.enums import OrganisationKind
from kechuang.registry.models import Zone
from kechuang.registry.reference import HIGH_TECH_ZONE
from tests.factories import OrganisationFactory
from tests.projects.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db

END_2020, START_2021 = dt.date(2020, 12, 31), dt.date(2021, 1, 1)


def call(year, category=Category.KEY, field=Field.INDUSTRY, programme=None):
    return CallFactory(
        year=year,
        category=category,
        field=field,
        programme=programme,
        children=False,
        opens_at=timezone.make_aware(dt.datetime(year, 3, 1)),
        closes_at=timezone.make_aware(dt.datetime(year, 4, 30)),
    )


def project(name, call_, undertaker, **fields):
    submitted = fields.pop("submitted", True)
    if submitted:
        fields.setdefault("submitted_at", timezone.make_aware(dt.datetime(call_.year, 4, 1, 10)))
        fields.setdefault("number", f"T-{name}")
    return ApplicationFactory(name=name, call=call_, undertaker=undertaker, **fields)


@pytest.fixture
def city(reference_data):
    zone = Zone.objects.get(code=HIGH_TECH_ZONE)
    hitech = CodeItem.objects.get(
        code_list=CodeList.PROJECT_PROGRAMME, code=ProgrammeCode.HITECH_ZONE
    )
    inside = OrganisationFactory(name="园区内企业")
    inside.zones.add(zone)
    outside = OrganisationFactory(name="园区外企业")
    school = OrganisationFactory(name="测试职业学校", kind=OrganisationKind.SCHOOL)
    other_school = OrganisationFactory(name="测试技工学校", kind=OrganisationKind.SCHOOL)
    agency = OrganisationFactory(name="测试评估中心", kind=OrganisationKind.AGENCY)
    c = SimpleNamespace(
        y2018_major_agri=call(2018, Category.MAJOR, Field.AGRICULTURE),
        y2018_key=call(2018),
        y2019=call(2019, Category.GENERAL),
        y2020_hitech=call(2020, programme=hitech),
        y2020_key=call(2020),
        y2020_general_agri=call(2020, Category.GENERAL, Field.AGRICULTURE),
        y2020_social=call(2020, Category.GENERAL, Field.SOCIAL),
        y2021_key=call(2021),
        y2021_social=call(2021, Category.GENERAL, Field.SOCIAL),
    )
    signed = {"approved_on": dt.date(2018, 7, 10), "contract_signed_on": dt.date(2018, 8, 1)}
    p = SimpleNamespace()
    # Acceptances (calls of 2018–2019).
    p.acc_major_agri = project("验收重大农业", c.y2018_major_agri, outside, conclusion=Conclusion.PASS, concluded_on=END_2020, **signed)  # fmt: skip
    p.acc_next_year = project("验收次年", c.y2018_key, outside, conclusion=Conclusion.PASS, concluded_on=START_2021, **signed)  # fmt: skip
    p.acc_general = project("验收一般", c.y2019, outside, conclusion=Conclusion.PASS, concluded_on=dt.date(2020, 6, 1), **signed)  # fmt: skip
    p.acc_failed = project("验收不通过", c.y2018_key, outside, conclusion=Conclusion.FAIL, concluded_on=dt.date(2020, 5, 1), **signed)  # fmt: skip
    p.acc_reconsider = project("验收复议", c.y2018_key, inside, conclusion=Conclusion.RECONSIDER, concluded_on=dt.date(2020, 7, 1), **signed)  # fmt: skip
    # Approvals.
    p.ap_last_day = project("立项年末", c.y2020_hitech, inside, approved_on=END_2020, approved_funding=Decimal("40"))  # fmt: skip
    p.ap_first_day = project("立项年初", c.y2020_key, outside, approved_on=dt.date(2020, 1, 1), approved_funding=Decimal("30.5"))  # fmt: skip
    p.ap_agri = project("立项农业", c.y2020_general_agri, inside, approved_on=dt.date(2020, 6, 30), approved_funding=Decimal("20"))  # fmt: skip
    p.ap_next_year = project("立项次年", c.y2021_key, inside, approved_on=START_2021, approved_funding=Decimal("50"))  # fmt: skip
    p.ap_year_before = project("立项上年", c.y2019, outside, approved_on=dt.date(2019, 12, 31), approved_funding=Decimal("10"))  # fmt: skip
    # Running or not on 2021-06-30 (calls of 2018).
    ran = {"approved_on": dt.date(2018, 7, 10)}
    p.ip_signed = project("在研已签", c.y2018_key, outside, contract_signed_on=dt.date(2021, 1, 15), **ran)  # fmt: skip
    p.ip_not_yet = project("在研未签", c.y2018_key, outside, contract_signed_on=dt.date(2021, 7, 1), **ran)  # fmt: skip
    p.ip_terminated = project("在研已终止", c.y2018_key, outside, contract_signed_on=dt.date(2020, 1, 10), terminated_on=dt.date(2021, 6, 30), **ran)  # fmt: skip
    p.ip_terminated_later = project("在研后终止", c.y2018_key, outside, contract_signed_on=dt.date(2020, 1, 10), terminated_on=dt.date(2021, 7, 1), **ran)  # fmt: skip
    p.ip_accepted = project("在研已验收", c.y2018_key, outside, contract_signed_on=dt.date(2020, 1, 10), conclusion=Conclusion.PASS, concluded_on=dt.date(2021, 6, 30), **ran)  # fmt: skip
    p.ip_accepted_later = project("在研后验收", c.y2018_key, outside, contract_signed_on=dt.date(2020, 1, 10), conclusion=Conclusion.PASS, concluded_on=dt.date(2021, 7, 2), **ran)  # fmt: skip
    # Schools' applications.
    p.s_2020 = project("学校2020", c.y2020_social, school)
    p.s_2021_returned = project("学校2021退回", c.y2021_social, school, state="returned")
    p.s_2021_draft = project("学校2021草稿", c.y2021_social, school, submitted=False)
    p.s_2019 = project("学校2019", c.y2019, school)
    p.s_other = project("另一学校2021", c.y2021_social, other_school)
    # Acceptance meetings: 2020's (delegated) and 2021's.
    meeting = AcceptanceMeeting.objects.create(
        code="t-2020-3", name="2020年第三批验收会", year=2020, batch=3,
        held_on=dt.date(2020, 12, 17), place="杭州", agency=agency,
    )  # fmt: skip
    morning = MeetingSession.objects.create(meeting=meeting, name="上午", sort=1)
    afternoon = MeetingSession.objects.create(meeting=meeting, name="下午", sort=2)
    SessionProject.objects.create(session=morning, application=p.acc_major_agri, conclusion="pass")
    SessionProject.objects.create(session=afternoon, application=p.acc_reconsider, conclusion="reconsider")  # fmt: skip
    SessionProject.objects.create(session=afternoon, application=p.acc_failed, conclusion="fail")
    later = AcceptanceMeeting.objects.create(
        code="t-2021-1", name="2021年验收会", year=2021, held_on=dt.date(2021, 3, 5), place="平湖"
    )
    later_session = MeetingSession.objects.create(meeting=later, name="上午")
    SessionProject.objects.create(session=later_session, application=p.acc_next_year, conclusion="pass")  # fmt: skip
    return SimpleNamespace(
        calls=c, projects=p, inside=inside, outside=outside, school=school,
        other_school=other_school, meeting=meeting,
    )  # fmt: skip


def names(records) -> set[str]:
    return {r["name"] for r in records}


def test_accepted_counts_passed_conclusions_of_the_year(city):
    p = city.projects
    indicator = engine.get("projects.accepted")
    result = indicator.evaluate(END_2020, drill=True)

    assert result.value == 2  # the major agricultural one on 31 Dec, the general one
    assert names(result.records) == {p.acc_major_agri.name, p.acc_general.name}
    assert result.breakdown["major_key"] == 1
    assert result.breakdown["major_key_agriculture"] == 1
    assert result.breakdown["major_key_industry"] == 0
    assert result.breakdown["general"] == 1
    assert names(result.breakdown_records["major_key_agriculture"]) == {p.acc_major_agri.name}
    next_year = indicator.evaluate(dt.date(2021, 12, 31), drill=True)
    # 1 January counts in 2021 (with the two running projects accepted in 2021).
    assert names(next_year.records) == {
        p.acc_next_year.name,
        p.ip_accepted.name,
        p.ip_accepted_later.name,
    }
    assert next_year.breakdown["major_key_industry"] == 3


def test_approved_and_its_funding_by_year(city):
    p = city.projects
    approved = engine.get("projects.approved").evaluate(END_2020, drill=True)

    assert approved.value == 3
    assert names(approved.records) == {p.ap_last_day.name, p.ap_first_day.name, p.ap_agri.name}
    assert approved.breakdown["hitech_zone"] == 2
    assert approved.breakdown[ProgrammeCode.HITECH_ZONE] == 1
    assert approved.breakdown["agriculture"] == 1
    funding = engine.get("projects.approved_funding").evaluate(END_2020, drill=True)
    assert funding.value == Decimal("90.50")
    assert sum(Decimal(str(r["amount"])) for r in funding.records) == funding.value
    assert funding.breakdown["hitech_zone"] == Decimal("60.00")
    assert engine.get("projects.approved").evaluate(dt.date(2021, 12, 31)).value == 1


def test_the_high_tech_zone_share_and_its_fraction(city):
    p = city.projects
    share = engine.get("projects.approved_hitech_zone_share").evaluate(END_2020, drill=True)

    assert share.value == Decimal("0.6667")
    assert share.fractions[None] == (2, 3)
    assert names(share.records) == {p.ap_last_day.name, p.ap_agri.name}  # the numerator's
    assert share.breakdown["industry"] == Decimal("0.5000")
    assert share.fractions["industry"] == (1, 2)
    assert share.breakdown["agriculture"] == 1
    assert share.breakdown["major"] is None  # no major project approved: no share
    assert share.as_json()["denominator"] == 3
    # The denominator is the approved indicator's value.
    assert share.fractions[None][1] == engine.get("projects.approved").evaluate(END_2020).value


def test_applications_of_two_years_submitted_only(city):
    p = city.projects
    result = engine.get("projects.applications").evaluate(dt.date(2021, 12, 31), drill=True)

    assert result.period.first_year == 2020
    # 2020–2021 calls: three approvals, three schools' (a returned one counts, a draft does not).
    assert result.value == 7
    assert result.breakdown[OrganisationKind.SCHOOL] == 3
    assert names(result.breakdown_records[OrganisationKind.SCHOOL]) == {
        p.s_2020.name,
        p.s_2021_returned.name,
        p.s_other.name,
    }
    assert result.breakdown[city.school.uscc] == 2
    assert result.breakdown[city.other_school.uscc] == 1
    assert result.labels[city.school.uscc] == city.school.name
    assert result.breakdown[OrganisationKind.ENTERPRISE] == 4


def test_projects_in_progress_on_a_date(city):
    p = city.projects
    result = engine.get("projects.in_progress").evaluate(dt.date(2021, 6, 30), drill=True)

    assert names(result.records) == {
        p.ip_signed.name,
        p.ip_terminated_later.name,
        p.ip_accepted_later.name,
        p.acc_reconsider.name,  # to be reconsidered: still running
    }


def test_meeting_projects_by_meeting_and_delegation(city):
    p = city.projects
    result = engine.get("projects.acceptance_meeting_projects").evaluate(END_2020, drill=True)

    assert result.value == 3
    assert result.breakdown["delegated"] == 3
    assert result.breakdown["t-2020-3"] == 3
    assert result.breakdown["t-2020-3.pass"] == 1
    assert result.breakdown["t-2020-3.reconsider"] == 1
    assert result.breakdown["t-2020-3.agriculture"] == 1
    assert result.labels["t-2020-3"] == city.meeting.name
    assert "t-2021-1" not in result.breakdown
    # The drill shows the projects, and links to them.
    assert names(result.records) == {
        p.acc_major_agri.name,
        p.acc_reconsider.name,
        p.acc_failed.name,
    }
    linked = {r["url"] for r in result.records}
    assert p.acc_major_agri.get_absolute_url() in linked
    next_year = engine.get("projects.acceptance_meeting_projects").evaluate(dt.date(2021, 12, 31))
    assert next_year.value == 1
    assert next_year.breakdown["delegated"] == 0


def test_a_viewer_of_one_organisation_gets_the_values_and_only_its_records(city, make_user):
    p = city.projects
    viewer = make_user(RoleCode.ORGANISATION, organisation=city.inside)

    approved = engine.get("projects.approved").evaluate(END_2020, drill=True, viewer=viewer)
    assert approved.value == 3  # the city's figure
    assert names(approved.records) == {p.ap_last_day.name, p.ap_agri.name}
    assert approved.withheld[None] == 1

    applications = engine.get("projects.applications").evaluate(
        dt.date(2021, 12, 31), drill=True, viewer=viewer
    )
    assert applications.value == 7
    assert city.school.uscc not in applications.breakdown  # keys naming others' records
    assert city.inside.uscc in applications.breakdown
    assert applications.hidden_keys >= 2
    assert applications.withheld[OrganisationKind.SCHOOL] == 3


def test_an_indicator_of_each_kind_is_registered_once():
    ids = [i.id for i in engine.all_indicators() if i.area == "projects"]
    assert len(ids) == len(set(ids))
    assert {
        "projects.applications",
        "projects.approved",
        "projects.approved_hitech_zone_share",
        "projects.approved_funding",
        "projects.in_progress",
        "projects.accepted",
        "projects.acceptance_meeting_projects",
    } <= set(ids)
