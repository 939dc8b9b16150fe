"""The services API: a commissioner's login reaches only its own commissioner's activities (and
a team member's login the team's), and cannot log one for another commissioner; a town officer
reaches the town's records and cannot file one under another town; versioned edits answer 409
when stale; records refer only to what the caller can see."""

import datetime as dt

import pytest

from kechuang.core.enums import CodeList
from kechuang.services.enums import ActivityKind, CheckResult, Criterion
from kechuang.services.models import Activity, InstitutionCheck, TrainingInstitution

from .factories import (
    ActivityFactory,
    FieldVisitFactory,
    FollowUpFactory,
    InstitutionCheckFactory,
    TrainingInstitutionFactory,
    VisitIssueFactory,
    item,
)

pytestmark = pytest.mark.django_db

ACTIVITIES = "/api/v1/services/activities/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def activity(commissioner, **values):
    return {
        "commissioner": commissioner.pk,
        "held_on": "2020-08-01",
        "kind": ActivityKind.POLICY_OUTREACH,
        "trainees": 12,
        "materials": 40,
        **values,
    }


# A commissioner's own records --------------------------------------------------------------------


def test_a_commissioner_lists_only_its_own_activities(client, w):
    client.force_login(w.a_user)

    assert ids(client.get(ACTIVITIES)) == {a.pk for a in w.a_acts}
    assert client.get(f"{ACTIVITIES}{w.b_acts[0].pk}/").status_code == 404
    assert client.get(f"{ACTIVITIES}{w.team_acts[0].pk}/").status_code == 404


def test_a_team_members_login_reaches_the_teams_activities(client, w):
    client.force_login(w.m2_user)

    assert ids(client.get(ACTIVITIES)) == {a.pk for a in w.team_acts}


def test_a_commissioner_logs_its_own_activity_with_the_assignments_town(client, w):
    client.force_login(w.a_user)

    response = post(client, ACTIVITIES, activity(w.a, assignment=w.a_east.pk))

    assert response.status_code == 201, response.json()
    created = Activity.objects.get(pk=response.json()["id"])
    assert (created.commissioner, created.town, created.created_by) == (w.a, w.east, w.a_user)
    assert response.json()["town"] == w.east.code


def test_a_commissioner_cannot_log_an_activity_for_another(client, w):
    client.force_login(w.a_user)
    before = Activity.objects.count()

    response = post(client, ACTIVITIES, activity(w.b, town=w.west.code))

    assert response.status_code == 400
    assert "commissioner" in response.json()
    assert Activity.objects.count() == before


def test_a_commissioner_cannot_use_another_commissioners_assignment(client, w):
    client.force_login(w.a_user)

    response = post(client, ACTIVITIES, activity(w.a, assignment=w.b_west.pk))

    assert response.status_code == 400
    assert "assignment" in response.json()


def test_a_commissioner_cannot_move_its_activity_to_another_commissioner(client, w):
    """Even one it can see: a team member sees the team and… only the team; a staff member
    could, but a commissioner's login acts only for its own."""
    own = w.a_acts[0]
    client.force_login(w.a_user)

    response = patch(client, f"{ACTIVITIES}{own.pk}/", {"commissioner": w.b.pk, "version": 1})

    assert response.status_code == 400
    own.refresh_from_db()
    assert own.commissioner == w.a


def test_a_staff_member_may_log_for_any_commissioner(client, w):
    client.force_login(w.staff)

    response = post(client, ACTIVITIES, activity(w.b, town=w.west.code))

    assert response.status_code == 201, response.json()
    assert Activity.objects.get(pk=response.json()["id"]).created_by == w.staff


def test_a_refused_activity_names_the_field(client, w):
    client.force_login(w.a_user)
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()

    outside = post(client, ACTIVITIES, activity(w.a, assignment=w.a_east.pk, held_on="2019-01-01"))
    ahead = post(client, ACTIVITIES, activity(w.a, town=w.east.code, held_on=future))
    negative = post(client, ACTIVITIES, activity(w.a, town=w.east.code, trainees=-1))

    assert outside.status_code == 400 and "held_on" in outside.json()
    assert ahead.status_code == 400 and "held_on" in ahead.json()
    assert negative.status_code == 400 and "trainees" in negative.json()


def test_a_commissioner_may_not_delete_activities(client, w):
    client.force_login(w.a_user)

    assert client.delete(f"{ACTIVITIES}{w.a_acts[0].pk}/").status_code == 403
    assert Activity.objects.filter(pk=w.a_acts[0].pk).exists()


# Versions -------------------------------------------------------------------------------------------


def test_an_activity_edit_names_its_version_and_a_stale_one_answers_409(client, w):
    record = w.a_acts[0]
    url = f"{ACTIVITIES}{record.pk}/"
    client.force_login(w.a_user)

    missing = patch(client, url, {"trainees": 50})
    first = patch(client, url, {"trainees": 50, "version": 1})
    stale = patch(client, url, {"trainees": 60, "version": 1})

    assert missing.status_code == 400 and "version" in missing.json()
    assert first.status_code == 200, first.json()
    assert (first.json()["trainees"], first.json()["version"]) == (50, 2)
    assert stale.status_code == 409
    record.refresh_from_db()
    assert (record.trainees, record.version) == (50, 2)


def test_an_institution_edit_with_a_stale_version_answers_409(client, w):
    institution = TrainingInstitutionFactory(town=w.east)
    url = f"/api/v1/services/training-institutions/{institution.pk}/"
    client.force_login(w.staff)

    assert patch(client, url, {"courses": "航模", "version": 1}).status_code == 200
    response = patch(client, url, {"courses": "编程", "version": 1})

    assert response.status_code == 409
    institution.refresh_from_db()
    assert institution.courses == "航模"


# Town officers --------------------------------------------------------------------------------------


def test_a_town_officer_sees_the_towns_records_only(client, w):
    east = TrainingInstitutionFactory(town=w.east)
    west = TrainingInstitutionFactory(town=w.west)
    client.force_login(w.east_officer)

    east_acts = {a.pk for a in w.a_acts + w.team_acts}
    assert ids(client.get(ACTIVITIES)) == east_acts
    assert ids(client.get("/api/v1/services/training-institutions/")) == {east.pk}
    assert client.get(f"/api/v1/services/training-institutions/{west.pk}/").status_code == 404
    commissioners = ids(client.get("/api/v1/services/commissioners/"))
    assert commissioners == {w.a.pk, w.team.pk}


def test_a_town_officer_files_institutions_under_the_town_only(client, w):
    client.force_login(w.east_officer)
    url = "/api/v1/services/training-institutions/"

    ours = post(client, url, {"name": "东服镇科创学堂", "town": w.east.code})
    theirs = post(client, url, {"name": "西服镇科创学堂", "town": w.west.code})

    assert ours.status_code == 201, ours.json()
    assert theirs.status_code == 400
    assert not TrainingInstitution.objects.filter(name="西服镇科创学堂").exists()


def test_a_town_officer_cannot_log_activities(client, w):
    client.force_login(w.east_officer)

    response = post(client, ACTIVITIES, activity(w.a, town=w.east.code))

    assert response.status_code == 403


def test_institutions_carry_their_computed_admission_status(client, w):
    institution = TrainingInstitutionFactory(town=w.east)
    InstitutionCheckFactory(
        institution=institution,
        criterion=item(CodeList.INSTITUTION_CRITERION, Criterion.SITE_SAFETY),
        result=CheckResult.NOT_MET,
    )
    client.force_login(w.staff)

    listed = client.get("/api/v1/services/training-institutions/").json()["results"]
    shown = client.get(f"/api/v1/services/training-institutions/{institution.pk}/").json()

    assert [row["admission_status"] for row in listed] == ["not_admitted"]
    assert shown["admission_status"] == "not_admitted"


def test_a_check_records_who_made_it_and_is_unique_per_criterion(client, w):
    institution = TrainingInstitutionFactory(town=w.east)
    url = "/api/v1/services/institution-checks/"
    client.force_login(w.east_officer)
    data = {
        "institution": institution.pk,
        "criterion": Criterion.FIRE_ACCEPTANCE,
        "result": CheckResult.MET,
        "checked_on": "2021-05-10",
    }

    first = post(client, url, data)
    again = post(client, url, data)

    assert first.status_code == 201, first.json()
    assert InstitutionCheck.objects.get(pk=first.json()["id"]).checked_by == w.east_officer
    assert again.status_code == 400


# Follow-ups -----------------------------------------------------------------------------------------


def test_follow_ups_close_through_the_domain_and_the_overdue_ones_are_listed(client, w):
    visit = FieldVisitFactory(host_organisation__town=w.east, town=w.east)
    issue = VisitIssueFactory(visit=visit)
    late = FollowUpFactory(issue=issue, due_on=dt.date(2020, 5, 1))
    done = FollowUpFactory(issue=issue, due_on=dt.date(2020, 5, 1))
    west = FollowUpFactory(
        issue__visit=FieldVisitFactory(host_organisation__town=w.west, town=w.west),
        due_on=dt.date(2020, 5, 1),
    )
    client.force_login(w.east_officer)

    closed = post(
        client,
        f"/api/v1/services/follow-ups/{done.pk}/close/",
        {"result": "已对接人才政策", "on": "2020-06-01"},
    )
    empty = post(client, f"/api/v1/services/follow-ups/{late.pk}/close/", {"result": " "})
    overdue = client.get("/api/v1/services/follow-ups/overdue/")

    assert closed.status_code == 200, closed.json()
    assert (closed.json()["closed_on"], closed.json()["overdue"]) == ("2020-06-01", False)
    assert empty.status_code == 400
    assert ids(overdue) == {late.pk}
    assert client.get(f"/api/v1/services/follow-ups/{west.pk}/").status_code == 404


def test_a_follow_up_is_not_closed_by_editing_it(client, w):
    follow_up = FollowUpFactory()
    client.force_login(w.staff)

    response = patch(
        client,
        f"/api/v1/services/follow-ups/{follow_up.pk}/",
        {"closed_on": "2020-06-01", "result": "办结", "version": 1},
    )

    assert response.status_code == 200
    follow_up.refresh_from_db()
    assert (follow_up.closed_on, follow_up.result) == (None, "")


def test_an_activity_of_another_kind_list_is_refused(client, w):
    client.force_login(w.staff)
    item(CodeList.VISIT_ISSUE_CATEGORY, "financing")

    response = post(client, ACTIVITIES, activity(w.a, town=w.east.code, kind="financing"))

    assert response.status_code == 400 and "kind" in response.json()


def test_activities_filter_like_the_list(client, w):
    ActivityFactory(commissioner=w.a, town=w.east, held_on=dt.date(2021, 3, 3))
    client.force_login(w.staff)

    response = client.get(ACTIVITIES, {"commissioner": w.a.pk})

    assert ids(response) == set(
        Activity.objects.filter(commissioner=w.a).values_list("pk", flat=True)
    )


def test_the_schema_documents_the_endpoints_without_warnings(client, w):
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    patterns = [path("api/v1/", include("kechuang.services.api_urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache
    validate_schema(schema)
    for endpoint in [
        "/api/v1/services/activities/",
        "/api/v1/services/follow-ups/{id}/close/",
        "/api/v1/services/follow-ups/overdue/",
        "/api/v1/services/policy-versions/{id}/adopt/",
        "/api/v1/services/consultation-opinions/{id}/reply/",
    ]:
        assert endpoint in schema["paths"]
    client.force_login(w.staff)
    served = client.get("/api/schema/")
    assert served.status_code == 200 and b"/api/v1/services/policies/" in served.content


@pytest.mark.parametrize(
    "endpoint",
    [
        "commissioners",
        "assignments",
        "activities",
        "training-institutions",
        "institution-checks",
        "field-visits",
        "visit-issues",
        "follow-ups",
        "policies",
        "policy-versions",
    ],
)
def test_lists_take_the_same_queries_however_many_rows(client, w, endpoint):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import ConsultationOpinionFactory, PolicyVersionFactory

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/services/{endpoint}/")
        assert response.status_code == 200, response.content
        return len(queries)

    def more():
        institution = TrainingInstitutionFactory(town=w.east)
        InstitutionCheckFactory(institution=institution)
        FollowUpFactory(issue=VisitIssueFactory(visit=FieldVisitFactory(town=w.east)))
        ConsultationOpinionFactory(policy_version=PolicyVersionFactory())
        ActivityFactory(commissioner=w.b, town=w.west)

    client.force_login(w.staff)
    more()
    few = count()
    for _ in range(3):
        more()

    assert count() == few
