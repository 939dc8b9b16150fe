"""Data scope of the services records: a commissioner's login reaches only its own
commissioner's records (a team member's login the team's), a town officer only the town's; in
queries, in the rules on a record, and in the domain's writes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.accounts.scope import ScopePaths, scope_filter
from kechuang.core.enums import CodeList
from kechuang.services.domain.commissioners import log_activity, update_activity
from kechuang.services.enums import ActivityKind
from kechuang.services.models import (
    Activity,
    Commissioner,
    CommissionerMember,
    FieldVisit,
    ServiceAssignment,
    TrainingInstitution,
)

from .factories import ActivityFactory, FieldVisitFactory, TrainingInstitutionFactory, item

pytestmark = pytest.mark.django_db


def pks(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def ids(records):
    return sorted(r.pk for r in records)


# Commissioners ---------------------------------------------------------------------------------


def test_a_commissioner_sees_only_its_own_activities(w):
    assert pks(Activity.objects.visible_to(w.a_user)) == ids(w.a_acts)
    assert pks(Activity.objects.visible_to(w.b_user)) == ids(w.b_acts)
    assert pks(Commissioner.objects.visible_to(w.a_user)) == [w.a.pk]
    assert pks(ServiceAssignment.objects.visible_to(w.a_user)) == [w.a_east.pk]


def test_the_rules_on_a_record_follow_the_scope(w):
    mine, theirs = w.a_acts[0], w.b_acts[0]
    for perm in ("services.view_activity", "services.change_activity"):
        assert w.a_user.has_perm(perm, mine)
        assert not w.a_user.has_perm(perm, theirs)
    # Nothing beyond the grants: a commissioner deletes no activity, sees no field visit.
    assert not w.a_user.has_perm("services.delete_activity", mine)
    assert not w.a_user.has_perm("services.view_fieldvisit")
    assert not w.a_user.has_perm("services.change_commissioner", w.a)
    assert w.a_user.has_perm("services.view_commissioner", w.a)
    assert not w.a_user.has_perm("services.view_commissioner", w.b)


def test_log_activity_for_another_commissioner_is_refused(w):
    kind = item(CodeList.SERVICE_ACTIVITY_KIND, ActivityKind.ON_SITE_GUIDANCE)
    before = Activity.objects.count()
    with pytest.raises(PermissionDenied):
        log_activity(w.a_user, w.b, held_on=dt.date(2020, 8, 1), kind=kind, town=w.west)
    assert Activity.objects.count() == before

    activity = log_activity(
        w.a_user,
        w.a,
        held_on=dt.date(2020, 8, 1),
        kind=ActivityKind.ON_SITE_GUIDANCE,
        assignment=w.a_east,
        trainees=12,
        materials=40,
    )
    assert activity.created_by == w.a_user
    assert activity.town == w.east  # from the assignment
    assert activity.kind == kind
    assert activity in Activity.objects.visible_to(w.a_user)
    assert activity not in Activity.objects.visible_to(w.b_user)


def test_editing_another_commissioners_activity_is_refused(w):
    theirs = w.b_acts[0]
    with pytest.raises(PermissionDenied):
        update_activity(theirs, w.a_user, theirs.version, trainees=999)
    theirs.refresh_from_db()
    assert theirs.trainees != 999

    mine = w.a_acts[0]
    with pytest.raises(PermissionDenied):  # nor hand one's own activity to another
        update_activity(mine, w.a_user, mine.version, commissioner=w.b)
    mine.refresh_from_db()
    assert mine.commissioner == w.a

    update_activity(mine, w.a_user, mine.version, trainees=45, summary="补记")
    mine.refresh_from_db()
    assert (mine.trainees, mine.summary, mine.version) == (45, "补记", 2)


def test_an_assignment_of_another_commissioner_is_refused(w):
    with pytest.raises(ValidationError) as caught:
        log_activity(
            w.a_user,
            w.a,
            held_on=dt.date(2020, 8, 1),
            kind=ActivityKind.OTHER,
            assignment=w.b_west,
        )
    assert "assignment" in caught.value.message_dict


def test_log_activity_refuses_bad_input(w):
    def attempt(**fields):
        values = {"held_on": dt.date(2020, 8, 1), "kind": ActivityKind.OTHER, "town": w.east}
        with pytest.raises(ValidationError) as caught:
            log_activity(w.a_user, w.a, **(values | fields))
        return caught.value.message_dict

    assert "trainees" in attempt(trainees=-1)
    assert "materials" in attempt(materials=-5)
    assert "kind" in attempt(kind="no_such_kind")
    assert "held_on" in attempt(held_on=dt.date(2999, 1, 1))
    assert "held_on" in attempt(assignment=w.a_east, held_on=dt.date(2019, 1, 1))
    assert "town" in attempt(town=None)


def test_bureau_staff_log_on_any_commissioners_behalf(w):
    activity = log_activity(
        w.staff, w.b, held_on=dt.date(2020, 8, 2), kind=ActivityKind.POLICY_OUTREACH, town=w.west
    )
    assert activity.commissioner == w.b
    # A town officer holds no grant to log activities.
    with pytest.raises(PermissionDenied):
        log_activity(
            w.west_officer,
            w.b,
            held_on=dt.date(2020, 8, 2),
            kind=ActivityKind.POLICY_OUTREACH,
            town=w.west,
        )


# Teams -------------------------------------------------------------------------------------------


def test_team_member_logins_reach_the_teams_activities_once_each(w):
    for login in (w.team_user, w.m1_user, w.m2_user):
        visible = Activity.objects.visible_to(login)
        assert pks(visible) == ids(w.team_acts)
        assert visible.count() == len(w.team_acts)  # no repeats through the members' join
        assert w.team_acts[0] in visible
        assert login.has_perm("services.change_activity", w.team_acts[0])
        assert not login.has_perm("services.view_activity", w.a_acts[0])
    assert pks(Commissioner.objects.visible_to(w.m1_user)) == [w.team.pk]
    assert pks(CommissionerMember.objects.visible_to(w.m2_user)) == ids([w.m1, w.m2, w.m3])


def test_a_team_member_logs_for_the_team_but_not_for_others(w):
    activity = log_activity(
        w.m2_user,
        w.team,
        held_on=dt.date(2020, 10, 1),
        kind=ActivityKind.TECHNICAL_TRAINING,
        town=w.east,
        trainees=25,
    )
    assert activity in Activity.objects.visible_to(w.m1_user)
    assert activity in Activity.objects.visible_to(w.team_user)
    with pytest.raises(PermissionDenied):
        log_activity(
            w.m2_user, w.a, held_on=dt.date(2020, 10, 1), kind=ActivityKind.OTHER, town=w.east
        )


def test_a_member_who_leaves_the_team_loses_its_records(w):
    w.m2.delete()
    assert not Activity.objects.visible_to(w.m2_user).exists()
    assert not w.m2_user.has_perm("services.view_activity", w.team_acts[0])
    with pytest.raises(PermissionDenied):
        log_activity(
            w.m2_user, w.team, held_on=dt.date(2020, 10, 1), kind=ActivityKind.OTHER, town=w.east
        )


# Town officers -----------------------------------------------------------------------------------


def test_a_town_officer_sees_only_the_towns_records(w):
    east_inst = TrainingInstitutionFactory(town=w.east)
    west_inst = TrainingInstitutionFactory(town=w.west)
    east_visit = FieldVisitFactory(host_organisation__town=w.east)
    west_visit = FieldVisitFactory(host_organisation__town=w.west)

    officer = w.east_officer
    assert pks(Activity.objects.visible_to(officer)) == ids(w.a_acts + w.team_acts)
    assert pks(TrainingInstitution.objects.visible_to(officer)) == [east_inst.pk]
    assert pks(FieldVisit.objects.visible_to(officer)) == [east_visit.pk]
    # The team has two assignments in the town: listed once.
    commissioners = Commissioner.objects.visible_to(officer)
    assert pks(commissioners) == sorted([w.a.pk, w.team.pk])
    assert commissioners.count() == 2

    assert officer.has_perm("services.change_traininginstitution", east_inst)
    assert not officer.has_perm("services.change_traininginstitution", west_inst)
    assert not officer.has_perm("services.view_fieldvisit", west_visit)
    assert officer.has_perm("services.change_fieldvisit", east_visit)
    assert officer.has_perm("services.view_activity", w.a_acts[0])
    assert not officer.has_perm("services.view_activity", w.b_acts[0])
    assert not officer.has_perm("services.change_activity", w.a_acts[0])  # view only

    assert pks(Activity.objects.visible_to(w.west_officer)) == ids(w.b_acts)
    assert pks(TrainingInstitution.objects.visible_to(w.west_officer)) == [west_inst.pk]


def test_bureau_staff_and_leaders_see_everything(w):
    every = ids(w.a_acts + w.b_acts + w.team_acts)
    for login in (w.staff, w.leader):
        assert pks(Activity.objects.visible_to(login)) == every
        assert login.has_perm("services.change_activity", w.b_acts[0])


# Scope paths -------------------------------------------------------------------------------------


def test_scope_paths_through_a_to_many_relation_match_in_a_subquery(w):
    condition = scope_filter(Activity, w.m1_user)
    sql = str(Activity.objects.filter(condition).query).upper()
    assert "IN (SELECT" in sql
    # A single lookup without a to-many relation stays a plain condition (no subquery).
    plain = scope_filter(TrainingInstitution, w.east_officer)
    assert str(TrainingInstitution.objects.filter(plain).query).upper().count("SELECT") == 1


def test_scope_paths_accept_one_lookup_or_several(w, monkeypatch):
    one = ScopePaths(creator="commissioner__user")
    several = ScopePaths(creator=("commissioner__user", "commissioner__members__user"))
    monkeypatch.setattr(Activity, "scope_paths", one)
    assert pks(Activity.objects.visible_to(w.team_user)) == ids(w.team_acts)
    assert not Activity.objects.visible_to(w.m1_user).exists()
    monkeypatch.setattr(Activity, "scope_paths", several)
    assert pks(Activity.objects.visible_to(w.m1_user)) == ids(w.team_acts)
    monkeypatch.setattr(Activity, "scope_paths", ScopePaths())
    assert not Activity.objects.visible_to(w.team_user).exists()


def test_the_same_activity_is_not_repeated_when_several_paths_match(w):
    # The team's own login is also a member of the team: two paths lead to the same records.
    ActivityFactory(commissioner=w.team, town=w.east)
    from .factories import CommissionerMemberFactory

    CommissionerMemberFactory(commissioner=w.team, name="兼任", user=w.team_user)
    visible = Activity.objects.visible_to(w.team_user)
    assert visible.count() == len(set(visible.values_list("pk", flat=True))) == 3
