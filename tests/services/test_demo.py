"""The services' demo data: the seed figures of 2020 come out of the records (and the year and
the kinds matter), the training institutions cover every admission status, overdue follow-ups
reach the home page's list, the policy stands half-way through its revision, the commissioner
login sees its own log only, and loading again writes nothing and keeps what people did."""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Sum

from kechuang.audit.context import acting_as
from kechuang.audit.models import AuditEvent
from kechuang.services import demo as seed
from kechuang.services.domain import policies
from kechuang.services.domain.commissioners import log_activity
from kechuang.services.domain.visits import close_follow_up, overdue_follow_ups
from kechuang.services.enums import (
    ActivityKind,
    AdmissionStatus,
    CommissionerKind,
    InstitutionStatus,
    VersionState,
)
from kechuang.services.models import (
    Activity,
    Commissioner,
    FollowUp,
    InstitutionVisit,
    Policy,
    TrainingInstitution,
)
from tests.seed_facts import check, seed_facts

pytestmark = pytest.mark.django_db

TWO_KINDS = seed.OUTREACH_TRAINING


def user(username):
    return get_user_model().objects.get(username=username)


def load_services_again() -> None:
    with acting_as(None, username="load_demo"):
        seed.load(io.StringIO())


def footprint() -> dict:
    """What the services' demo writes: rows and versions of every model, audit events."""
    counts = {}
    for model in apps.get_app_config("services").get_models():
        rows = model.objects.all()
        counts[model._meta.label] = (rows.count(), rows.aggregate(v=Sum("version"))["v"])
    counts["events"] = AuditEvent.objects.filter(model__startswith="services.").count()
    return counts


# The published figures ------------------------------------------------------------------------


def test_thirteen_commissioners_served_in_2020_of_every_kind(demo):
    fact = seed_facts()["commissioners.2020"]
    active = Commissioner.objects.active_in(2020)

    assert check(fact, "commissioners", active.count()) is None
    assert set(active.values_list("kind", flat=True)) == set(CommissionerKind.values)
    # Others serve only before or after 2020: the year decides.
    assert Commissioner.objects.exclude(pk__in=active).count() >= 3
    assert Commissioner.objects.active_in(2019).count() != active.count()
    assert active.filter(name=seed.GRAIN_TEAM, kind=CommissionerKind.TEAM).exists()


def test_the_2020_sessions_trainees_and_materials(demo):
    fact = seed_facts()["commissioners.2020"]
    year = Activity.objects.in_year(2020)
    sessions = year.filter(kind__code__in=TWO_KINDS)
    totals = sessions.aggregate(trainees=Sum("trainees"), materials=Sum("materials"))

    assert check(fact, "sessions", sessions.count()) is None
    assert check(fact, "trainees", totals["trainees"]) is None
    assert check(fact, "materials", totals["materials"]) is None
    # Other kinds were logged in 2020 too, with trainees and materials of their own: only the
    # two kinds the article names give its figures.
    others = year.exclude(kind__code__in=TWO_KINDS)
    assert others.filter(kind__code=ActivityKind.ON_SITE_GUIDANCE).exists()
    assert others.aggregate(t=Sum("trainees"))["t"] > 0
    # Every 2020 entry belongs to a commissioner serving then, inside its assignment.
    active = Commissioner.objects.active_in(2020)
    assert not year.exclude(commissioner__in=active).exists()
    for activity in year.select_related("assignment"):
        assert activity.assignment.covers(activity.held_on)


def test_every_activity_is_valid_and_none_is_later_than_the_demo_today(demo):
    assert not Activity.objects.filter(held_on__gt=seed.DEMO_TODAY).exists()
    for activity in Activity.objects.select_related("assignment", "commissioner")[:200]:
        activity.full_clean()


# Training institutions, visits, policy -------------------------------------------------------


def test_institutions_cover_every_admission_status(demo):
    statuses = dict(
        TrainingInstitution.objects.with_admission()
        .exclude(status=InstitutionStatus.CLOSED)
        .values_list("name", "admission_status")
    )
    assert list(statuses.values()).count(AdmissionStatus.PENDING) == 1
    assert list(statuses.values()).count(AdmissionStatus.NOT_ADMITTED) == 1
    assert list(statuses.values()).count(AdmissionStatus.ADMITTED) >= 2
    for institution in TrainingInstitution.objects.all():
        assert institution.contacts.exists(), institution
        assert institution.visits.exists(), institution
    # The institution not admitted has a rectification still open past its due date.
    open_rectification = InstitutionVisit.objects.open_rectifications().get()
    assert open_rectification.rectification_due < seed.DEMO_TODAY


def test_follow_ups_some_closed_some_open_and_overdue_on_the_home_page(demo):
    today = dt.date.today()
    assert FollowUp.objects.filter(closed_on__isnull=False).count() >= 3
    assert FollowUp.objects.open().filter(due_on__gte=seed.DEMO_TODAY).exists()
    staff_list = list(overdue_follow_ups(user(seed.STAFF), today))
    assert len(staff_list) >= 2
    assert len(list(overdue_follow_ups(user(seed.STAFF), seed.DEMO_TODAY))) >= 2
    # The town officer of 当湖街道 sees the overdue follow-ups of the town's visits only.
    officer_list = list(overdue_follow_ups(user(seed.DANGHU_OFFICER), today))
    assert officer_list
    assert {f.issue.visit.town.name for f in officer_list} == {seed.DANGHU}
    assert len(officer_list) < len(staff_list)


def test_the_policy_half_way_through_its_revision(demo):
    policy = Policy.objects.get(title=seed.POLICY_TITLE)
    adopted, revision = policy.versions.order_by("number")
    assert adopted.state == VersionState.ADOPTED
    assert adopted.effective_from == dt.date(2019, 4, 1)
    assert revision.state == VersionState.CONSULTATION
    assert revision.opinions.count() == 3
    waiting = list(revision.opinions.outstanding().values_list("body", flat=True))
    assert waiting == ["中国人民银行平湖市支行"]
    with pytest.raises(policies.OutstandingOpinionsError) as refused:
        policies.adopt(revision, user(seed.STAFF), dt.date(2027, 1, 1))
    assert refused.value.bodies == waiting


# The commissioner login -----------------------------------------------------------------------


def test_the_commissioner_login_acts_for_its_commissioner_only(demo):
    login = user(seed.COMMISSIONER_LOGIN)
    own = Commissioner.objects.get(user=login)
    assert own.name == seed.LOGIN_COMMISSIONER
    visible = Activity.objects.visible_to(login)
    assert visible.exists()
    assert set(visible.values_list("commissioner", flat=True)) == {own.pk}
    other = Commissioner.objects.active_in(2020).exclude(pk=own.pk).first()
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied)
        log_activity(login, other, held_on=seed.DEMO_TODAY, kind=ActivityKind.OTHER)
    # Its assignment runs today: it can log an entry now.
    current = own.assignments.get(ended_on__isnull=True)
    entry = log_activity(
        login,
        own,
        held_on=seed.DEMO_TODAY,
        kind=ActivityKind.ON_SITE_GUIDANCE,
        assignment=current,
        trainees=6,
    )
    assert entry.town == current.town


def test_the_demo_accounts_table_names_the_commissioner_of_the_login(demo):
    row = next(line for line in demo.splitlines() if seed.COMMISSIONER_LOGIN in line)
    assert seed.LOGIN_COMMISSIONER.removesuffix("(演示)") in row


# Loading again ----------------------------------------------------------------------------------


def test_loading_again_writes_nothing(demo):
    before = footprint()
    load_services_again()
    assert footprint() == before


def test_loading_again_keeps_what_people_did(demo):
    staff = user(seed.STAFF)
    overdue = overdue_follow_ups(staff, seed.DEMO_TODAY).first()
    close_follow_up(overdue, staff, result="已办结", on=seed.DEMO_TODAY)
    login = user(seed.COMMISSIONER_LOGIN)
    own = Commissioner.objects.get(user=login)
    planned = own.activities.filter(held_on__year=2026).order_by("held_on").first()
    # An entry the commissioner logs on a day the plan also has is not taken for the plan's.
    logged = log_activity(
        login,
        own,
        held_on=planned.held_on,
        kind=ActivityKind.TECHNICAL_CONSULTATION,
        assignment=planned.assignment,
        summary="农户来电咨询",
    )

    load_services_again()

    overdue.refresh_from_db()
    assert overdue.closed_on == seed.DEMO_TODAY
    logged.refresh_from_db()
    assert logged.summary == "农户来电咨询" and not logged.is_demo
    assert Activity.objects.filter(pk=planned.pk).exists()
