"""The services pages: every page renders for bureau staff; a commissioner's login sees and
edits only its own commissioner's activities (404 for another's, and the forms cannot name
another commissioner or another's assignment); a town officer sees only the town's records;
lists whose query count does not grow with their rows; the overdue follow-ups on the home
page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kechuang.core.enums import CodeList
from kechuang.services.enums import ActivityKind, CheckResult, Criterion, VersionState
from kechuang.services.models import Activity
from tests.factories import OrganisationFactory

from .factories import (
    ActivityFactory,
    ConsultationOpinionFactory,
    FieldVisitFactory,
    FollowUpFactory,
    InstitutionCheckFactory,
    InstitutionContactFactory,
    InstitutionVisitFactory,
    PolicyFactory,
    PolicyVersionFactory,
    ServiceAssignmentFactory,
    TrainingInstitutionFactory,
    VisitIssueFactory,
    item,
)

pytestmark = pytest.mark.django_db

LISTS = [
    "commissioner",
    "serviceassignment",
    "activity",
    "traininginstitution",
    "institutionvisit",
    "fieldvisit",
    "followup",
    "policy",
]


class Places:
    """Records of both towns on top of the commissioners' world (``w``)."""

    def __init__(self, w):
        today = timezone.localdate()
        self.w = w
        self.inst = {}
        self.visit = {}
        self.follow_up = {}
        for side, prefix, town in (("east", "东", w.east), ("west", "西", w.west)):
            institution = TrainingInstitutionFactory(name=f"{prefix}科技培训学校", town=town)
            self.inst[side] = institution
            InstitutionContactFactory(institution=institution, name=f"{prefix}联系人")
            InstitutionVisitFactory(
                institution=institution,
                rectification_required=True,
                rectification_due=dt.date(2021, 6, 10),
            )
            InstitutionCheckFactory(institution=institution)
            visit = FieldVisitFactory(
                host_organisation=OrganisationFactory(name=f"{prefix}走访企业", town=town),
                town=town,
            )
            self.visit[side] = visit
            issue = VisitIssueFactory(visit=visit, description=f"{prefix}企业反映融资难")
            self.follow_up[side] = FollowUpFactory(
                issue=issue,
                action=f"{prefix}对接银行授信",
                owner_body=f"{prefix}科室",
                due_on=today - dt.timedelta(days=3),
            )
        self.policy = PolicyFactory(title="科技金融扶持政策", created_by=w.staff)
        self.version = PolicyVersionFactory(policy=self.policy, state=VersionState.CONSULTATION)
        self.opinion = ConsultationOpinionFactory(policy_version=self.version, body="财政局")


@pytest.fixture
def p(w):
    return Places(w)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def url(name, *args) -> str:
    return reverse(f"services:{name}", args=args)


# Every page ------------------------------------------------------------------------------------


def test_staff_reaches_every_list_detail_form_and_step(client, w, p):
    client.force_login(w.staff)
    institution, visit = p.inst["east"], p.visit["east"]
    follow_up = p.follow_up["east"]

    for name in LISTS:
        page(client, url(f"{name}-list"))
    details = {
        "commissioner": w.team,
        "commissionermember": w.m1,
        "serviceassignment": w.team_east,
        "activity": w.a_acts[0],
        "traininginstitution": institution,
        "institutioncontact": institution.contacts.get(),
        "institutionvisit": institution.visits.get(),
        "institutioncheck": institution.checks.get(),
        "fieldvisit": visit,
        "visitissue": follow_up.issue,
        "followup": follow_up,
        "policy": p.policy,
        "policyversion": p.version,
        "consultationopinion": p.opinion,
    }
    for name, record in details.items():
        assert str(record) in page(client, record.get_absolute_url()), name
        assert record.get_absolute_url() == url(f"{name}-detail", record.pk)
    for name, record in [
        ("commissioner", w.a),
        ("activity", w.a_acts[0]),
        ("traininginstitution", institution),
        ("fieldvisit", visit),
        ("policy", p.policy),
    ]:
        page(client, url(f"{name}-create"))
        page(client, url(f"{name}-edit", record.pk))
    for name, parent, child in [
        ("commissionermember", w.team, w.m1),
        ("serviceassignment", w.a, w.a_east),
        ("institutioncontact", institution, institution.contacts.get()),
        ("institutionvisit", institution, institution.visits.get()),
        ("visitissue", visit, follow_up.issue),
        ("followup", follow_up.issue, follow_up),
    ]:
        page(client, url(f"{name}-create", parent.pk))
        page(client, url(f"{name}-edit", parent.pk, child.pk))
    page(client, url("traininginstitution-checklist", institution.pk))
    page(client, url("institutionvisit-close", institution.visits.get().pk))
    page(client, url("followup-close", follow_up.pk))
    page(client, url("policyversion-adopt", p.version.pk))
    page(client, url("policyversion-withdraw", p.version.pk))
    page(client, url("consultationopinion-reply", p.opinion.pk))
    page(client, url("my-activities"))


def test_the_menu_offers_the_services(client, w):
    client.force_login(w.staff)
    home = page(client, reverse("core:home"))
    assert 'data-testid="nav-services"' in home
    assert url("commissioner-list") in home and url("policy-list") in home
    assert 'data-testid="nav-my-activities"' not in home

    client.force_login(w.a_user)
    home = page(client, reverse("core:home"))
    assert 'data-testid="nav-my-activities"' in home
    assert url("fieldvisit-list") not in home and url("policy-list") not in home


def test_an_activity_page_offers_its_photos(client, w):
    client.force_login(w.a_user)
    html = page(client, w.a_acts[0].get_absolute_url())
    assert 'data-testid="attachments"' in html
    assert 'data-testid="attachment-file"' in html  # the commissioner may add photos


# Commissioners and their activities ------------------------------------------------------------


def test_a_commissioner_lists_only_its_own_activities(client, w):
    client.force_login(w.a_user)

    listed = client.get(url("activity-list"))
    mine = client.get(url("my-activities"))

    assert {a.pk for a in listed.context["object_list"]} == {a.pk for a in w.a_acts}
    assert {a.pk for a in mine.context["activities"]} == {a.pk for a in w.a_acts}
    assert "西特派员" not in mine.content.decode()


def test_a_commissioner_cannot_see_or_edit_another_commissioners_activity(client, w):
    theirs = w.b_acts[0]
    client.force_login(w.a_user)

    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(url("activity-edit", theirs.pk)).status_code == 404
    response = client.post(
        url("activity-edit", theirs.pk),
        {
            "commissioner": w.a.pk,
            "held_on": "2020-06-02",
            "kind": theirs.kind_id,
            "town": w.east.pk,
            "trainees": 1,
            "materials": 1,
            "version": theirs.version,
        },
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.commissioner, theirs.trainees) == (w.b, 30)
    assert client.get(w.b.get_absolute_url()).status_code == 404


def activity_form(**values):
    kind = item(CodeList.SERVICE_ACTIVITY_KIND, ActivityKind.ON_SITE_GUIDANCE)
    return {
        "held_on": "2020-08-01",
        "kind": kind.pk,
        "place": "大棚基地",
        "trainees": 12,
        "materials": 40,
        **values,
    }


def test_my_activities_logs_one_for_the_commissioner_only(client, w):
    client.force_login(w.a_user)
    before = set(Activity.objects.values_list("pk", flat=True))

    response = client.post(
        url("my-activities"),
        activity_form(commissioner=w.b.pk, assignment=w.a_east.pk, summary="指导番茄嫁接"),
    )

    assert response.status_code == 302
    added = Activity.objects.exclude(pk__in=before).get()
    assert (added.commissioner, added.assignment, added.town) == (w.a, w.a_east, w.east)
    assert added.created_by == w.a_user
    assert added.pk in {a.pk for a in client.get(url("my-activities")).context["activities"]}


def test_my_activities_refuses_another_commissioners_assignment(client, w):
    client.force_login(w.a_user)
    before = Activity.objects.count()

    response = client.post(url("my-activities"), activity_form(assignment=w.b_west.pk))

    assert response.status_code == 400
    assert "assignment" in response.context["form"].errors
    assert Activity.objects.count() == before


def test_the_activity_form_cannot_name_another_commissioner(client, w):
    client.force_login(w.a_user)
    before = Activity.objects.count()

    other = client.post(url("activity-create"), activity_form(commissioner=w.b.pk, town=w.west.pk))
    mixed = client.post(
        url("activity-create"), activity_form(commissioner=w.a.pk, assignment=w.b_west.pk)
    )

    assert "commissioner" in other.context["form"].errors
    assert "assignment" in mixed.context["form"].errors
    assert Activity.objects.count() == before
    choices = {c.pk for c in other.context["form"].fields["commissioner"].queryset}
    assert choices == {w.a.pk}


def test_a_team_member_logs_and_sees_the_teams_activities(client, w):
    client.force_login(w.m1_user)

    response = client.post(url("my-activities"), activity_form(assignment=w.team_east.pk))
    mine = client.get(url("my-activities"))

    assert response.status_code == 302
    shown = {a.pk for a in mine.context["activities"]}
    assert {a.pk for a in w.team_acts} < shown
    assert shown == set(Activity.objects.filter(commissioner=w.team).values_list("pk", flat=True))
    assert Activity.objects.filter(commissioner=w.team, created_by=w.m1_user).count() == 1
    team_page = page(client, w.team.get_absolute_url())
    assert "无账号组员" in team_page
    assert f"{url('activity-create')}?commissioner={w.team.pk}" in team_page


def test_staff_log_an_activity_for_a_commissioner_and_edit_it(client, w):
    client.force_login(w.staff)

    created = client.post(
        url("activity-create"), activity_form(commissioner=w.b.pk, assignment=w.b_west.pk)
    )
    activity = Activity.objects.get(commissioner=w.b, place="大棚基地")
    edited = client.post(
        url("activity-edit", activity.pk),
        activity_form(
            commissioner=w.b.pk,
            assignment=w.b_west.pk,
            trainees=15,
            version=activity.version,
        ),
    )
    stale = client.post(
        url("activity-edit", activity.pk),
        activity_form(
            commissioner=w.b.pk, assignment=w.b_west.pk, trainees=99, version=activity.version
        ),
    )

    assert (created.status_code, edited.status_code, stale.status_code) == (302, 302, 200)
    activity.refresh_from_db()
    assert (activity.trainees, activity.town, activity.version) == (15, w.west, 2)
    assert stale.context["form"].non_field_errors()


def test_a_commissioner_page_shows_members_assignments_and_activity_totals(client, w):
    client.force_login(w.staff)
    response = client.get(w.team.get_absolute_url())
    keys = [section.key for section in response.context["sections"]]
    team = response.context["object"]

    assert keys == ["commissionermember", "serviceassignment", "activity"]
    assert team.activity_total == 2
    assert team.trainee_total == sum(a.trainees for a in w.team_acts)


def test_lists_offer_export_and_import_by_permission(client, w, p):
    client.force_login(w.staff)
    commissioners = page(client, url("commissioner-list"))
    institutions = page(client, url("traininginstitution-list"))
    assert url("commissioner-export") in commissioners
    assert reverse("core:import-upload", args=["services.commissioner"]) in commissioners
    assert url("traininginstitution-contacts") in institutions

    client.force_login(w.east_officer)
    commissioners = page(client, url("commissioner-list"))
    institutions = page(client, url("traininginstitution-list") + "?status=operating")
    assert url("commissioner-export") not in commissioners
    assert "core/imports" not in institutions and "/imports/" not in institutions
    assert url("traininginstitution-export") in institutions
    assert url("traininginstitution-contacts") + "?status=operating" in institutions
    download = client.get(url("traininginstitution-contacts") + "?status=operating")
    assert download.status_code == 200
    assert client.get(url("commissioner-export")).status_code == 403


# A town officer ---------------------------------------------------------------------------------


def test_a_town_officer_sees_only_the_towns_records(client, w, p):
    ActivityFactory(commissioner=w.team, town=w.west, place="西镇活动")
    client.force_login(w.east_officer)

    lists = {name: client.get(url(f"{name}-list")).context["object_list"] for name in LISTS[:-1]}

    assert {c.name for c in lists["commissioner"]} == {"东特派员", "东团队"}
    # The team's figures count what the officer sees: not its activity in the west.
    assert {c.name: c.activity_count for c in lists["commissioner"]} == {"东特派员": 2, "东团队": 2}
    assert {a.pk for a in lists["activity"]} == {a.pk for a in w.a_acts + w.team_acts}
    assert [i.name for i in lists["traininginstitution"]] == ["东科技培训学校"]
    assert [v.pk for v in lists["fieldvisit"]] == [p.visit["east"].pk]
    assert [f.pk for f in lists["followup"]] == [p.follow_up["east"].pk]
    assert {v.institution_id for v in lists["institutionvisit"]} == {p.inst["east"].pk}
    assert {a.town_id for a in lists["serviceassignment"]} == {w.east.pk}
    for record in (p.inst["west"], p.visit["west"], p.follow_up["west"], w.b_acts[0], w.b):
        assert client.get(record.get_absolute_url()).status_code == 404, record
    assert client.get(url("policy-list")).status_code == 403


def test_a_town_officer_records_a_visit_issue_and_follow_up_in_the_town(client, w, p):
    client.force_login(w.east_officer)
    visit = p.visit["east"]

    issue = client.post(
        url("visitissue-create", visit.pk),
        {
            "description": "用地指标紧张",
            "category": item(CodeList.VISIT_ISSUE_CATEGORY, "talent").pk,
        },
    )
    west = client.post(
        url("visitissue-create", p.visit["west"].pk), {"description": "越权", "category": ""}
    )

    assert (issue.status_code, west.status_code) == (302, 404)
    created = visit.issues.get(description="用地指标紧张")
    follow = client.post(
        url("followup-create", created.pk),
        {"action": "协调自然资源局", "owner_body": "规划科", "due_on": "2030-01-01"},
    )
    assert follow.status_code == 302
    assert created.follow_ups.get().owner_body == "规划科"


# Training institutions: the checklist ----------------------------------------------------------


def checklist_seen(client, institution) -> dict:
    """The checklist form's date and the versions of the checks it shows."""
    form = client.get(url("traininginstitution-checklist", institution.pk)).context["form"]
    data = {"checked_on": "2021-05-10"}
    for name in form.fields:
        if name.startswith("version_"):
            data[name] = form[name].value()
    return data


def test_the_checklist_is_recorded_in_one_go_and_gives_the_status(client, w, p):
    institution = p.inst["east"]
    client.force_login(w.staff)
    data = checklist_seen(client, institution)
    codes = [name.removeprefix("version_") for name in data if name.startswith("version_")]
    for code in codes:
        data[f"result_{code}"] = CheckResult.MET
    data[f"result_{Criterion.FEE_DISCLOSURE}"] = CheckResult.NOT_APPLICABLE

    response = client.post(url("traininginstitution-checklist", institution.pk), data)
    shown = client.get(institution.get_absolute_url())

    assert response.status_code == 302
    assert institution.checks.count() == len(codes)
    assert shown.context["admission"] == "admitted"
    assert 'data-status="admitted"' in shown.content.decode()

    data.update(checklist_seen(client, institution))
    data[f"result_{Criterion.FIRE_ACCEPTANCE}"] = CheckResult.NOT_MET
    data[f"note_{Criterion.FIRE_ACCEPTANCE}"] = "消防验收未通过"
    client.post(url("traininginstitution-checklist", institution.pk), data)
    shown = client.get(institution.get_absolute_url())
    assert shown.context["admission"] == "not_admitted"
    assert "消防验收未通过" in shown.content.decode()
    listed = client.get(url("traininginstitution-list") + "?admission=not_admitted")
    assert [i.pk for i in listed.context["object_list"]] == [institution.pk]


def test_a_partial_checklist_is_pending(client, w, p):
    institution = p.inst["east"]  # one criterion met, the others without a result
    client.force_login(w.staff)
    shown = client.get(institution.get_absolute_url())
    rows = shown.context["checklist"]
    assert shown.context["admission"] == "pending"
    assert len(rows) > 1 and sum(row.check is not None for row in rows) == 1


def test_a_rectification_is_closed_from_the_visits_page(client, w, p):
    visit = p.inst["east"].visits.get()
    client.force_login(w.east_officer)

    response = client.post(
        url("institutionvisit-close", visit.pk),
        {"rectified_on": "2021-06-01", "note": "已清理消防通道"},
    )

    visit.refresh_from_db()
    assert response.status_code == 302
    assert (visit.rectified_on, visit.closure_note) == (dt.date(2021, 6, 1), "已清理消防通道")


# Field visits: closing a follow-up --------------------------------------------------------------


def test_a_follow_up_is_closed_through_the_domain(client, w, p):
    follow_up = p.follow_up["east"]
    client.force_login(w.staff)
    today = timezone.localdate().isoformat()

    done = client.post(
        url("followup-close", follow_up.pk), {"closed_on": today, "result": "已授信"}
    )
    again = client.get(url("followup-close", follow_up.pk))

    follow_up.refresh_from_db()
    assert done.status_code == 302
    assert (follow_up.closed_on.isoformat(), follow_up.result) == (today, "已授信")
    assert again.status_code == 302  # closed: back to its page with the reason


def test_a_follow_up_close_needs_its_result(client, w, p):
    follow_up = p.follow_up["east"]
    client.force_login(w.staff)

    response = client.post(url("followup-close", follow_up.pk), {"closed_on": "2020-05-01"})

    assert response.status_code == 400
    assert "result" in response.context["form"].errors
    follow_up.refresh_from_db()
    assert follow_up.closed_on is None


# The home page ----------------------------------------------------------------------------------


def test_the_home_page_lists_overdue_follow_ups_within_scope(client, w, p):
    client.force_login(w.staff)
    staff_home = page(client, reverse("core:home"))
    client.force_login(w.west_officer)
    west_home = page(client, reverse("core:home"))
    client.force_login(w.a_user)
    commissioner_home = page(client, reverse("core:home"))

    east = p.follow_up["east"]
    assert "东对接银行授信" in staff_home and "西对接银行授信" in staff_home
    assert east.get_absolute_url() in staff_home
    assert east.due_on.isoformat() in staff_home
    assert "东走访企业" in staff_home and "东科室" in staff_home
    assert "西对接银行授信" in west_home and "东对接银行授信" not in west_home
    assert 'data-testid="overdue-follow-ups"' not in commissioner_home


def test_a_closed_or_future_follow_up_is_not_overdue_on_the_home_page(client, w, p):
    FollowUpFactory(
        issue=p.follow_up["east"].issue,
        action="明年再办",
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    client.force_login(w.staff)
    response = client.get(reverse("core:home"))
    panel = next(p for p in response.context["panels"] if p.get("template"))
    assert {f.action for f in panel["items"]} == {"东对接银行授信", "西对接银行授信"}
    assert panel["value"] == 2


# Query counts -----------------------------------------------------------------------------------


def add_rows(w, n: int) -> None:
    for _ in range(n):
        ActivityFactory(commissioner=w.a, assignment=w.a_east, town=w.east)
        ServiceAssignmentFactory(commissioner=w.b, town=w.west)
        institution = TrainingInstitutionFactory(town=w.east)
        InstitutionCheckFactory(institution=institution)
        InstitutionVisitFactory(institution=institution)
        issue = VisitIssueFactory(visit=FieldVisitFactory())
        FollowUpFactory(issue=issue, owner=w.staff)
        version = PolicyVersionFactory(policy=PolicyFactory(created_by=w.staff))
        ConsultationOpinionFactory(policy_version=version)


def count_queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "address",
    [
        *[reverse(f"services:{name}-list") for name in LISTS],
        reverse("services:followup-list") + "?state=overdue",
        reverse("services:traininginstitution-list") + "?sort=-admission_status",
        reverse("services:commissioner-list") + "?active_in=2020",
        reverse("core:home"),
    ],
)
def test_list_query_count_does_not_grow_with_rows(client, w, address):
    client.force_login(w.staff)
    add_rows(w, 2)
    few = count_queries(client, address)

    add_rows(w, 5)
    many = count_queries(client, address)

    assert many == few


def test_my_activities_query_count_does_not_grow_with_rows(client, w):
    client.force_login(w.a_user)
    add_rows(w, 2)
    few = count_queries(client, reverse("services:my-activities"))
    add_rows(w, 5)
    assert count_queries(client, reverse("services:my-activities")) == few


def test_a_checklist_saved_over_someone_elses_change_is_refused_whole(client, w, p):
    from kechuang.core.domain.concurrency import ConcurrentEditError
    from kechuang.services.domain.institutions import record_check

    institution = p.inst["east"]
    client.force_login(w.staff)
    data = checklist_seen(client, institution)
    for name in list(data):
        if name.startswith("version_"):
            data[f"result_{name.removeprefix('version_')}"] = CheckResult.MET
    # Meanwhile a colleague records a criterion the form showed unchecked.
    record_check(institution, Criterion.FIRE_ACCEPTANCE, CheckResult.NOT_MET, w.leader)
    before = {c.criterion_id: (c.result, c.version) for c in institution.checks.all()}

    response = client.post(url("traininginstitution-checklist", institution.pk), data)

    assert response.status_code == 400
    # The refusal of a stale edit, in the reader's language.
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        stale = str(ConcurrentEditError.message)
    assert response.context["form"].non_field_errors() == [stale]
    assert {c.criterion_id: (c.result, c.version) for c in institution.checks.all()} == before


def add_children(w, p, n: int) -> None:
    """Records shown on the detail pages of 东团队, the east institution, field visit, issue,
    the policy and its version."""
    from .factories import CommissionerMemberFactory

    institution, visit = p.inst["east"], p.visit["east"]
    issue = p.follow_up["east"].issue
    for _ in range(n):
        CommissionerMemberFactory(commissioner=w.team, user=None)
        assignment = ServiceAssignmentFactory(commissioner=w.team, town=w.east)
        ActivityFactory(commissioner=w.team, assignment=assignment, town=w.east)
        InstitutionContactFactory(institution=institution)
        InstitutionVisitFactory(institution=institution)
        other = VisitIssueFactory(visit=visit)
        FollowUpFactory(issue=other, owner=w.staff)
        FollowUpFactory(issue=issue, owner=w.staff)
        ConsultationOpinionFactory(policy_version=p.version)


def test_detail_query_count_does_not_grow_with_children(client, w, p):
    client.force_login(w.staff)
    pages = [
        w.team.get_absolute_url(),
        p.inst["east"].get_absolute_url(),
        p.visit["east"].get_absolute_url(),
        p.follow_up["east"].issue.get_absolute_url(),
        p.policy.get_absolute_url(),
        p.version.get_absolute_url(),
    ]
    add_children(w, p, 2)
    few = [count_queries(client, address) for address in pages]

    add_children(w, p, 4)
    many = [count_queries(client, address) for address in pages]

    assert dict(zip(pages, many, strict=True)) == dict(zip(pages, few, strict=True))


def test_a_commissioners_home_page_shows_this_years_own_log_in_figures(client, w):
    today = timezone.localdate()
    ActivityFactory(commissioner=w.a, town=w.east, held_on=today, trainees=40, materials=25)
    ActivityFactory(commissioner=w.a, town=w.east, held_on=today, trainees=2, materials=0)
    ActivityFactory(commissioner=w.a, town=w.east, held_on=dt.date(today.year - 1, 6, 1))
    ActivityFactory(commissioner=w.b, town=w.west, held_on=today, trainees=99, materials=99)

    client.force_login(w.a_user)
    panels = client.get(reverse("core:home")).context["panels"]
    client.force_login(w.staff)
    staff_panels = client.get(reverse("core:home")).context["panels"]

    mine = {str(p["title"]): p["value"] for p in panels if p["url"] == url("my-activities")}
    year = today.year
    assert mine == {
        f"{year}年我的服务活动": 2 + sum(a.held_on.year == year for a in w.a_acts),
        f"{year}年受训人数": 42 + sum(a.trainees for a in w.a_acts if a.held_on.year == year),
        f"{year}年发放资料": 25 + sum(a.materials for a in w.a_acts if a.held_on.year == year),
    }
    assert not [p for p in staff_panels if p["url"] == url("my-activities")]
