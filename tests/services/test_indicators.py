"""The services' indicators follow the records: commissioners serving in a year, the year's
sessions, trainees and materials by kind, institutions by admission status, follow-ups open and
overdue on a date, policies in force — and the records behind each number add up to it."""

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.accounts.enums import RoleCode
from kechuang.core.enums import CodeList
from kechuang.indicators import engine
from kechuang.services.domain import policies
from kechuang.services.domain.institutions import active_criteria, record_check
from kechuang.services.domain.visits import close_follow_up, overdue_follow_ups
from kechuang.services.enums import (
    ActivityKind,
    AdmissionStatus,
    CheckResult,
    CommissionerKind,
    InstitutionStatus,
    OpinionPosition,
    PolicyDomain,
)

from .factories import (
    ActivityFactory,
    CommissionerFactory,
    FieldVisitFactory,
    FollowUpFactory,
    ServiceAssignmentFactory,
    TeamFactory,
    TrainingInstitutionFactory,
    VisitIssueFactory,
    item,
)

pytestmark = pytest.mark.django_db

END_2020 = dt.date(2020, 12, 31)


def evaluate(indicator_id, as_of=END_2020, **options):
    return engine.get(indicator_id).evaluate(as_of, drill=True, **options)


def kind(code):
    return item(CodeList.SERVICE_ACTIVITY_KIND, code)


# Tech commissioners ----------------------------------------------------------------------------


def serving(name, started_on, ended_on, **fields):
    commissioner = (TeamFactory if fields.pop("team", False) else CommissionerFactory)(
        name=name, **fields
    )
    return ServiceAssignmentFactory(
        commissioner=commissioner, started_on=started_on, ended_on=ended_on
    )


def test_commissioners_serving_in_a_year_are_those_whose_assignment_overlaps_it(reference_data):
    serving("全年", dt.date(2019, 3, 1), None)
    serving("年末到岗", dt.date(2020, 12, 31), dt.date(2022, 1, 1), team=True)
    serving("年初离岗", dt.date(2018, 1, 1), dt.date(2020, 1, 1))
    serving("上年离岗", dt.date(2018, 1, 1), dt.date(2019, 12, 31))
    serving("次年到岗", dt.date(2021, 1, 1), None)
    twice = serving("两段派驻", dt.date(2020, 1, 1), dt.date(2020, 6, 30)).commissioner
    ServiceAssignmentFactory(commissioner=twice, started_on=dt.date(2020, 7, 1), ended_on=None)

    result = evaluate("services.commissioners_active")

    names = [r["name"] for r in result.records]
    assert sorted(names) == sorted(["全年", "年末到岗", "年初离岗", "两段派驻"])
    assert result.value == 4  # a commissioner with two assignments in the year counts once
    assert result.breakdown[CommissionerKind.TEAM] == 1
    assert result.breakdown[CommissionerKind.INDIVIDUAL] == 3
    in_2019 = evaluate("services.commissioners_active", dt.date(2019, 12, 31)).records
    assert sorted(r["name"] for r in in_2019) == sorted(["全年", "年初离岗", "上年离岗"])
    in_2021 = evaluate("services.commissioners_active", dt.date(2021, 12, 31)).records
    assert sorted(r["name"] for r in in_2021) == sorted(
        ["全年", "年末到岗", "次年到岗", "两段派驻"]
    )


# Activities ------------------------------------------------------------------------------------


@pytest.fixture
def logs(reference_data):
    assignment = serving("甲", dt.date(2019, 1, 1), None)
    other = ServiceAssignmentFactory(started_on=dt.date(2019, 1, 1), ended_on=None)

    def log(on, code, trainees, materials, assignment=assignment):
        return ActivityFactory(
            commissioner=assignment.commissioner,
            assignment=assignment,
            town=assignment.town,
            held_on=on,
            kind=kind(code),
            trainees=trainees,
            materials=materials,
        )

    log(dt.date(2020, 4, 1), ActivityKind.POLICY_OUTREACH, 40, 100)
    log(dt.date(2020, 5, 1), ActivityKind.TECHNICAL_TRAINING, 55, 30)
    log(dt.date(2020, 6, 1), ActivityKind.TECHNICAL_TRAINING, 25, 0, assignment=other)
    log(dt.date(2020, 7, 1), ActivityKind.ON_SITE_GUIDANCE, 8, 5)
    log(dt.date(2019, 12, 31), ActivityKind.TECHNICAL_TRAINING, 70, 70)  # another year
    log(dt.date(2021, 1, 1), ActivityKind.POLICY_OUTREACH, 90, 90)
    return log, assignment, other


def test_the_years_sessions_trainees_and_materials_by_kind(logs):
    activities = evaluate("services.activities")
    trainees = evaluate("services.activity_trainees")
    materials = evaluate("services.activity_materials")

    assert activities.value == 4
    assert activities.breakdown["outreach_training"] == 3
    assert activities.breakdown[ActivityKind.TECHNICAL_TRAINING] == 2
    assert activities.breakdown[ActivityKind.ON_SITE_GUIDANCE] == 1
    assert trainees.value == 128 and trainees.breakdown["outreach_training"] == 120
    assert materials.value == 135 and materials.breakdown["outreach_training"] == 130
    # Drilled: the records behind the published pair add up to it.
    behind = trainees.breakdown_records["outreach_training"]
    assert len(behind) == 3
    assert sum(Decimal(str(r["amount"])) for r in behind) == 120
    assert all(" · " in r["name"] and r["name"].startswith("2020-") for r in behind)
    assert len(activities.breakdown_records["outreach_training"]) == 3


def test_the_figures_change_with_the_records(logs):
    log, _assignment, _other = logs
    before = evaluate("services.activity_materials").breakdown["outreach_training"]

    entry = log(dt.date(2020, 9, 1), ActivityKind.POLICY_OUTREACH, 10, 12)

    assert evaluate("services.activities").breakdown["outreach_training"] == 4
    assert evaluate("services.activity_materials").breakdown["outreach_training"] == before + 12
    entry.kind = kind(ActivityKind.TECHNICAL_CONSULTATION)
    entry.save()
    assert evaluate("services.activities").breakdown["outreach_training"] == 3
    assert evaluate("services.activities").value == 5
    assert evaluate("services.activity_materials").breakdown["outreach_training"] == before


def test_activities_break_down_by_town(logs):
    _log, assignment, other = logs
    result = evaluate("services.activities")
    assert result.breakdown[assignment.town.code] == 3
    assert result.breakdown[other.town.code] == 1
    assert result.labels[assignment.town.code] == assignment.town.name


# Training institutions -------------------------------------------------------------------------


def test_institutions_by_admission_status_follow_the_checks(reference_data, make_user):
    staff = make_user(RoleCode.STAFF)
    every = list(active_criteria())
    done = TrainingInstitutionFactory(name="全部符合")
    waiting = TrainingInstitutionFactory(name="待核查")
    closed = TrainingInstitutionFactory(name="已停办", status=InstitutionStatus.CLOSED)
    for criterion in every:
        record_check(done, criterion, CheckResult.MET, staff, checked_on=dt.date(2026, 1, 5))
        record_check(closed, criterion, CheckResult.MET, staff, checked_on=dt.date(2026, 1, 5))
    record_check(waiting, every[0], CheckResult.MET, staff, checked_on=dt.date(2026, 1, 5))

    result = evaluate("services.training_institutions", dt.date(2026, 6, 30))
    assert result.value == 2  # the closed one is not counted
    assert result.breakdown[AdmissionStatus.ADMITTED] == 1
    assert result.breakdown[AdmissionStatus.PENDING] == 1
    assert result.breakdown[AdmissionStatus.NOT_ADMITTED] == 0
    assert [r["name"] for r in result.breakdown_records[AdmissionStatus.PENDING]] == ["待核查"]

    record_check(done, every[-1], CheckResult.NOT_MET, staff, checked_on=dt.date(2026, 2, 1))
    result = evaluate("services.training_institutions", dt.date(2026, 6, 30))
    assert result.breakdown[AdmissionStatus.ADMITTED] == 0
    assert result.breakdown[AdmissionStatus.NOT_ADMITTED] == 1
    assert result.breakdown[f"status_{InstitutionStatus.OPERATING}"] == 2


# Field visits and follow-ups -------------------------------------------------------------------


@pytest.fixture
def follow_ups(reference_data):
    visit = FieldVisitFactory(visited_on=dt.date(2026, 3, 1))
    issue = VisitIssueFactory(visit=visit)
    late = FollowUpFactory(issue=issue, action="逾期未办", due_on=dt.date(2026, 5, 1))
    closed_late = FollowUpFactory(issue=issue, action="逾期后办结", due_on=dt.date(2026, 4, 1))
    in_time = FollowUpFactory(issue=issue, action="未到期", due_on=dt.date(2026, 12, 31))
    return visit, late, closed_late, in_time


def test_overdue_follow_ups_on_a_date(follow_ups, make_user):
    visit, _late, closed_late, _in_time = follow_ups
    staff = make_user(RoleCode.STAFF)
    close_follow_up(closed_late, staff, result="已办结", on=dt.date(2026, 6, 15))

    def overdue(day):
        return sorted(r["name"] for r in evaluate("services.follow_ups_overdue", day).records)

    assert overdue(dt.date(2026, 3, 31)) == []
    assert overdue(dt.date(2026, 4, 2)) == ["逾期后办结"]
    assert overdue(dt.date(2026, 6, 1)) == ["逾期后办结", "逾期未办"]
    assert overdue(dt.date(2026, 6, 15)) == ["逾期未办"]  # closed that day
    assert overdue(dt.date(2027, 1, 1)) == ["未到期", "逾期未办"]
    # Today, the indicator and the home page's list agree.
    today = dt.date(2026, 11, 23)
    listed = {f.action for f in overdue_follow_ups(staff, today)}
    assert set(overdue(today)) == listed == {"逾期未办"}
    open_ = evaluate("services.follow_ups_open", today)
    assert open_.value == 2
    assert open_.breakdown[visit.town.code] == 2
    # Before the visit there was nothing to follow up.
    assert evaluate("services.follow_ups_open", dt.date(2026, 2, 1)).value == 0


def test_field_visits_in_a_year(reference_data):
    FieldVisitFactory(visited_on=dt.date(2026, 3, 1))
    FieldVisitFactory(
        visited_on=dt.date(2026, 9, 1), host_organisation=None, host_name="某园区", town=None
    )
    FieldVisitFactory(visited_on=dt.date(2025, 9, 1))
    result = evaluate("services.field_visits", dt.date(2026, 12, 31))
    assert result.value == 2
    assert "2026-09-01 某园区" in [r["name"] for r in result.records]


# Policies --------------------------------------------------------------------------------------


def test_policies_in_force_follow_adoption(reference_data, make_user):
    staff = make_user(RoleCode.STAFF)
    policy = policies.create_policy(
        staff, title="科技金融办法", domain=PolicyDomain.SCIENCE_FINANCE, text="第一条"
    )
    first = policy.versions.get()
    policies.start_consultation(first, ["财政局"], staff, on=dt.date(2025, 1, 2))
    policies.record_opinion(
        first.opinions.get(), staff, position=OpinionPosition.AGREE, replied_on=dt.date(2025, 1, 9)
    )

    def in_force(day):
        return evaluate("services.policies_in_force", day)

    assert in_force(dt.date(2025, 6, 1)).value == 0  # in consultation: not in force
    policies.adopt(first, staff, dt.date(2025, 3, 1), on=dt.date(2025, 2, 1))
    assert in_force(dt.date(2025, 2, 28)).value == 0
    result = in_force(dt.date(2025, 6, 1))
    assert result.value == 1
    assert result.breakdown[PolicyDomain.SCIENCE_FINANCE] == 1
    assert [r["name"] for r in result.records] == ["科技金融办法"]
    # A second version adopted later: the policy is still counted once.
    second = policies.new_version(policy, staff)
    policies.start_consultation(second, ["财政局"], staff, on=dt.date(2025, 7, 1))
    policies.record_opinion(
        second.opinions.get(), staff, position=OpinionPosition.AGREE, replied_on=dt.date(2025, 7, 2)
    )
    policies.adopt(second, staff, dt.date(2025, 9, 1), on=dt.date(2025, 8, 1))
    assert in_force(dt.date(2025, 10, 1)).value == 1
    policies.withdraw(second, staff, comment="废止", on=dt.date(2025, 11, 1))
    assert in_force(dt.date(2025, 10, 31)).value == 1
    assert in_force(dt.date(2025, 11, 1)).value == 0
