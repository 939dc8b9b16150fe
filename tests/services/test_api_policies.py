"""Policies through the API: read with their versions; created, revised, consulted on, adopted
and withdrawn only through the workflow actions (the domain's steps), which answer 409 when the
version's state does not allow the step, 400 with the reason (the bodies still to reply) and 403
for whoever may not."""

import datetime as dt

import pytest

from kechuang.audit.models import AuditEvent
from kechuang.services.enums import OpinionPosition, VersionState
from kechuang.services.models import Policy, PolicyVersion
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

POLICIES = "/api/v1/services/policies/"
VERSIONS = "/api/v1/services/policy-versions/"
OPINIONS = "/api/v1/services/consultation-opinions/"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def new_policy(client, **values):
    response = post(
        client,
        POLICIES,
        {
            "title": "平湖市科技金融扶持办法",
            "domain": "science_finance",
            "text": "第一条",
            **values,
        },
    )
    assert response.status_code == 201, response.json()
    return response.json()


def consult(client, version_id, bodies=("市财政局", "人民银行平湖支行"), **extra):
    return post(client, f"{VERSIONS}{version_id}/start-consultation/", {"bodies": bodies, **extra})


def reply_all(client, version_id, on="2021-03-10"):
    for opinion in client.get(f"{VERSIONS}{version_id}/").json()["opinions"]:
        response = post(
            client,
            f"{OPINIONS}{opinion['id']}/reply/",
            {"position": OpinionPosition.AGREE, "opinion": "同意", "replied_on": on},
        )
        assert response.status_code == 200, response.json()


def test_the_whole_revision_through_the_api(client, w):
    client.force_login(w.staff)
    policy = new_policy(client)
    [first] = policy["versions"]
    assert (first["number"], first["state"]) == (1, VersionState.DRAFT)

    consulted = consult(client, first["id"], on="2021-03-01")
    assert consulted.status_code == 200, consulted.json()
    assert consulted.json()["state"] == VersionState.CONSULTATION
    assert sorted(o["body"] for o in consulted.json()["opinions"]) == [
        "人民银行平湖支行",
        "市财政局",
    ]

    reply_all(client, first["id"])
    adopted = post(
        client,
        f"{VERSIONS}{first['id']}/adopt/",
        {"effective_from": "2021-04-01", "on": "2021-03-20", "document_number": "平科〔2021〕3号"},
    )
    assert adopted.status_code == 200, adopted.json()
    assert (adopted.json()["state"], adopted.json()["effective_from"]) == (
        VersionState.ADOPTED,
        "2021-04-01",
    )

    second = post(client, f"{POLICIES}{policy['id']}/new-version/")
    assert second.status_code == 201, second.json()
    assert (second.json()["number"], second.json()["text"]) == (2, "第一条")

    edited = client.patch(
        f"{VERSIONS}{second.json()['id']}/",
        {"text": "第一条（修订）", "version": second.json()["version"]},
        content_type="application/json",
    )
    assert edited.status_code == 200, edited.json()
    consulted = consult(client, second.json()["id"], bodies=["市财政局"], on="2021-11-01")
    assert consulted.status_code == 200
    reply_all(client, second.json()["id"], on="2021-11-20")
    assert (
        post(
            client, f"{VERSIONS}{second.json()['id']}/adopt/", {"effective_from": "2022-01-01"}
        ).status_code
        == 200
    )

    versions = {v.number: v for v in PolicyVersion.objects.filter(policy_id=policy["id"])}
    assert versions[1].state == VersionState.SUPERSEDED
    assert versions[1].effective_to == dt.date(2021, 12, 31)
    assert (versions[2].state, versions[2].text) == (VersionState.ADOPTED, "第一条（修订）")
    transitions = AuditEvent.objects.filter(action="transition")
    assert transitions.count() == 5  # 2 consultations, 2 adoptions, 1 supersede


def test_adoption_is_refused_while_bodies_have_not_replied(client, w):
    client.force_login(w.staff)
    version = new_policy(client)["versions"][0]
    consult(client, version["id"])

    response = post(client, f"{VERSIONS}{version['id']}/adopt/", {"effective_from": "2021-04-01"})

    assert response.status_code == 400
    assert "市财政局" in response.json()["detail"]
    assert "人民银行平湖支行" in response.json()["detail"]
    assert PolicyVersion.objects.get(pk=version["id"]).state == VersionState.CONSULTATION


def test_a_step_the_state_does_not_allow_answers_409(client, w):
    client.force_login(w.staff)
    policy = new_policy(client)
    version = policy["versions"][0]

    adopt_draft = post(
        client, f"{VERSIONS}{version['id']}/adopt/", {"effective_from": "2021-04-01"}
    )
    second_draft = post(client, f"{POLICIES}{policy['id']}/new-version/")

    assert adopt_draft.status_code == 409
    assert second_draft.status_code == 409
    assert PolicyVersion.objects.filter(policy_id=policy["id"]).count() == 1


def test_a_draft_edit_with_a_stale_version_answers_409_and_only_drafts_are_edited(client, w):
    client.force_login(w.staff)
    version = new_policy(client)["versions"][0]
    url = f"{VERSIONS}{version['id']}/"

    first = client.patch(url, {"summary": "一", "version": 1}, content_type="application/json")
    stale = client.patch(url, {"summary": "二", "version": 1}, content_type="application/json")
    consult(client, version["id"])
    closed = client.patch(url, {"summary": "三", "version": 3}, content_type="application/json")

    assert first.status_code == 200, first.json()
    assert stale.status_code == 409
    assert closed.status_code == 409
    assert PolicyVersion.objects.get(pk=version["id"]).summary == "一"


def test_versions_and_opinions_change_only_through_the_actions(client, w):
    client.force_login(w.staff)
    policy = new_policy(client)
    version = policy["versions"][0]
    consult(client, version["id"])
    opinion = client.get(f"{VERSIONS}{version['id']}/").json()["opinions"][0]

    assert post(client, VERSIONS, {"policy": policy["id"], "title": "x"}).status_code == 405
    assert client.delete(f"{VERSIONS}{version['id']}/").status_code == 405
    assert client.delete(f"{POLICIES}{policy['id']}/").status_code == 405
    assert (
        client.patch(
            f"{POLICIES}{policy['id']}/", {"title": "改"}, content_type="application/json"
        ).status_code
        == 405
    )
    assert post(client, OPINIONS, {"body": "x"}).status_code == 405
    state = client.patch(
        f"{VERSIONS}{version['id']}/",
        {"state": VersionState.ADOPTED, "version": 2},
        content_type="application/json",
    )
    assert state.status_code == 409  # not a draft any more; the state is read-only anyway
    assert client.get(f"{OPINIONS}{opinion['id']}/").json()["replied_on"] is None


def test_consultation_names_registry_organisations_and_refuses_a_body_twice(client, w):
    client.force_login(w.staff)
    version = new_policy(client)["versions"][0]
    bank = OrganisationFactory(name="平湖农商银行")

    twice = consult(client, version["id"], bodies=["市财政局", "市财政局"])
    none = consult(client, version["id"], bodies=[])
    unknown = consult(client, version["id"], bodies=[], organisations=[999_999_999])
    done = consult(client, version["id"], bodies=["市财政局"], organisations=[bank.pk])

    assert twice.status_code == 400 and "bodies" in twice.json()
    assert none.status_code == 400
    assert unknown.status_code == 400 and "organisations" in unknown.json()
    assert done.status_code == 200, done.json()
    bodies = {(o["body"], o["organisation"]) for o in done.json()["opinions"]}
    assert bodies == {("市财政局", None), ("平湖农商银行", bank.pk)}


def test_the_steps_on_offer_and_who_may_take_them(client, w):
    client.force_login(w.staff)
    policy = new_policy(client)
    version = policy["versions"][0]

    steps = client.get(f"{VERSIONS}{version['id']}/transitions/").json()
    assert [s["id"] for s in steps] == ["start_consultation", "withdraw"]

    client.force_login(w.east_officer)
    assert client.get(POLICIES).status_code == 403
    assert post(client, f"{VERSIONS}{version['id']}/adopt/", {}).status_code == 403
    client.force_login(w.a_user)
    assert client.get(f"{VERSIONS}{version['id']}/").status_code == 403


def test_withdrawing_needs_a_reason(client, w):
    client.force_login(w.staff)
    policy = new_policy(client)
    url = f"{VERSIONS}{policy['versions'][0]['id']}/withdraw/"

    assert post(client, url, {"comment": ""}).status_code == 400
    response = post(client, url, {"comment": "上级政策调整"})

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == VersionState.WITHDRAWN
    assert Policy.objects.get(pk=policy["id"]).versions.get().state == VersionState.WITHDRAWN
