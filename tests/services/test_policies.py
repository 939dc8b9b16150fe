"""The revision of a policy: draft → consultation (each body's opinion) → adopted, superseding
the version in force; withdrawal; refusals with clear messages; one audit event per version a
step moves; all or nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.services.domain import policies
from kechuang.services.domain.errors import ServicesError
from kechuang.services.domain.policies import (
    OutstandingOpinionsError,
    PolicyError,
    WrongStateError,
)
from kechuang.services.enums import OpinionPosition, PolicyDomain
from kechuang.services.enums import VersionState as S
from kechuang.services.models import ConsultationOpinion, Policy, PolicyVersion
from tests.factories import OrganisationFactory

from .factories import PolicyVersionFactory

pytestmark = pytest.mark.django_db

ASKED = dt.date(2021, 3, 1)
REPLIED = dt.date(2021, 3, 20)
ADOPTED = dt.date(2021, 4, 1)
IN_FORCE = dt.date(2021, 5, 1)


def transitions(version):
    return list(
        AuditEvent.objects.filter(
            action=AuditAction.TRANSITION,
            model="services.policyversion",
            object_id=str(version.pk),
        )
        .order_by("id")
        .values_list("changes", flat=True)
    )


@pytest.fixture
def policy(w):
    return policies.create_policy(
        w.staff,
        title="平湖市科技金融扶持办法",
        domain=PolicyDomain.SCIENCE_FINANCE,
        issuer="平湖市科学技术局",
        text="第一条 ……",
    )


def first(policy) -> PolicyVersion:
    return policy.versions.get(number=1)


def consulted(w, policy, bodies=("平湖市财政局", "人行平湖市支行")):
    return policies.start_consultation(first(policy), list(bodies), w.staff, on=ASKED)


def reply_all(w, version, position=OpinionPosition.AGREE):
    for opinion in version.opinions.outstanding():
        replied_on = max(REPLIED, opinion.requested_on)
        policies.record_opinion(opinion, w.staff, position=position, replied_on=replied_on)


def adopted(w, policy):
    version = consulted(w, policy)
    reply_all(w, version)
    return policies.adopt(version, w.staff, IN_FORCE, on=ADOPTED, document_number="平科〔2021〕8号")


def test_a_new_policy_starts_with_a_draft(w, policy):
    version = first(policy)
    assert (version.state, version.title, version.text) == (S.DRAFT, policy.title, "第一条 ……")
    assert policy.created_by == w.staff
    for user in (w.east_officer, w.a_user):
        with pytest.raises(PermissionDenied):
            policies.create_policy(user, title="x")
    with pytest.raises(PolicyError, match="needs a title"):
        policies.create_policy(w.staff, title=" ")


def test_only_a_draft_is_edited_and_stale_edits_are_refused(w, policy):
    version = first(policy)
    policies.save_draft(version, w.staff, 1, text="第一条 修改后")
    assert PolicyVersion.objects.get(pk=version.pk).text == "第一条 修改后"
    stale = PolicyVersion.objects.get(pk=version.pk)
    stale.version = 1
    with pytest.raises(ConcurrentEditError):
        policies.save_draft(stale, w.staff, 1, text="旧稿")
    consulted(w, policy)
    current = PolicyVersion.objects.get(pk=version.pk)
    with pytest.raises(WrongStateError, match="Only a draft"):
        policies.save_draft(current, w.staff, current.version, text="征求意见中修改")


def test_start_consultation(w, policy):
    organisation = OrganisationFactory(name="平湖农商银行")
    version = policies.start_consultation(
        first(policy), ["平湖市财政局", organisation], w.staff, on=ASKED
    )
    assert version.state == S.CONSULTATION
    opinions = list(version.opinions.order_by("body"))
    assert [(o.body, o.organisation, o.requested_on, o.replied_on) for o in opinions] == sorted(
        [("平湖市财政局", None, ASKED, None), ("平湖农商银行", organisation, ASKED, None)],
        key=lambda row: row[0],
    )
    assert transitions(version) == [{"state": [S.DRAFT, S.CONSULTATION]}]
    with pytest.raises(WrongStateError, match="now “In consultation”"):
        policies.start_consultation(version, ["平湖市发改局"], w.staff, on=ASKED)


def test_start_consultation_refusals(w, policy):
    version = first(policy)
    with pytest.raises(PolicyError, match="at least one body"):
        policies.start_consultation(version, ["  "], w.staff, on=ASKED)
    with pytest.raises(PolicyError, match="named more than once"):
        policies.start_consultation(version, ["财政局", "财政局"], w.staff, on=ASKED)
    with pytest.raises(PermissionDenied):
        policies.start_consultation(version, ["财政局"], w.east_officer, on=ASKED)
    version.refresh_from_db()
    assert version.state == S.DRAFT and not version.opinions.exists()


def test_record_opinion(w, policy):
    version = consulted(w, policy)
    opinion = version.opinions.get(body="平湖市财政局")
    policies.record_opinion(
        opinion,
        w.staff,
        position=OpinionPosition.AGREE_WITH_CHANGES,
        text="建议明确贴息比例",
        replied_on=REPLIED,
    )
    assert (opinion.position, opinion.replied_on, opinion.opinion) == (
        OpinionPosition.AGREE_WITH_CHANGES,
        REPLIED,
        "建议明确贴息比例",
    )
    with pytest.raises(PolicyError, match="already replied"):
        policies.record_opinion(opinion, w.staff, position=OpinionPosition.AGREE)
    other = version.opinions.get(body="人行平湖市支行")
    with pytest.raises(PolicyError, match="position"):
        policies.record_opinion(other, w.staff, position="maybe")
    with pytest.raises(PolicyError, match="before the request"):
        policies.record_opinion(
            other, w.staff, position=OpinionPosition.AGREE, replied_on=ASKED - dt.timedelta(1)
        )
    with pytest.raises(PermissionDenied):
        policies.record_opinion(other, w.west_officer, position=OpinionPosition.AGREE)


def test_adoption_waits_for_every_body_and_names_those_outstanding(w, policy):
    version = consulted(w, policy, ("平湖市财政局", "人行平湖市支行", "平湖市金融办"))
    policies.record_opinion(
        version.opinions.get(body="人行平湖市支行"),
        w.staff,
        position=OpinionPosition.DISAGREE,
        replied_on=REPLIED,
    )
    with pytest.raises(OutstandingOpinionsError) as caught:
        policies.adopt(version, w.staff, IN_FORCE, on=ADOPTED)
    assert sorted(caught.value.bodies) == ["平湖市财政局", "平湖市金融办"]
    assert "平湖市财政局" in str(caught.value) and "平湖市金融办" in str(caught.value)
    assert "人行平湖市支行" not in str(caught.value)
    version.refresh_from_db()
    assert version.state == S.CONSULTATION

    reply_all(w, version)
    policies.adopt(version, w.staff, IN_FORCE, on=ADOPTED, document_number="平科〔2021〕8号")
    assert (version.state, version.adopted_on, version.effective_from, version.effective_to) == (
        S.ADOPTED,
        ADOPTED,
        IN_FORCE,
        None,
    )
    assert version.document_number == "平科〔2021〕8号"
    assert transitions(version)[-1]["state"] == [S.CONSULTATION, S.ADOPTED]
    # Opinions are no longer recorded once the version is adopted.
    with pytest.raises(WrongStateError, match="in consultation"):
        policies.record_opinion(
            ConsultationOpinion.objects.create(
                policy_version=version, body="迟到单位", requested_on=ASKED
            ),
            w.staff,
            position=OpinionPosition.AGREE,
        )


def test_adoption_refusals(w, policy):
    draft = first(policy)
    with pytest.raises(WrongStateError, match="now “Draft”"):
        policies.adopt(draft, w.staff, IN_FORCE, on=ADOPTED)
    version = consulted(w, policy)
    reply_all(w, version)
    with pytest.raises(PermissionDenied):
        policies.adopt(version, w.east_officer, IN_FORCE, on=ADOPTED)
    with pytest.raises(PolicyError, match="takes effect"):
        policies.adopt(version, w.staff, None, on=ADOPTED)
    with pytest.raises(ServicesError, match="future"):
        policies.adopt(version, w.staff, IN_FORCE, on=dt.date(2999, 1, 1))
    # The leader may adopt (the grants give leaders the whole area).
    policies.adopt(version, w.leader, IN_FORCE, on=ADOPTED)
    # A second adoption (a stale page) is told the version is adopted already.
    stale = PolicyVersion.objects.get(pk=version.pk)
    stale.state = S.CONSULTATION
    with pytest.raises(WrongStateError, match="now “Adopted”"):
        policies.adopt(stale, w.staff, IN_FORCE, on=ADOPTED)


def test_new_version_copies_the_adopted_text_and_supersedes_it_when_adopted(w, policy):
    v1 = adopted(w, policy)
    v2 = policies.new_version(policy, w.staff)
    assert (v2.number, v2.state, v2.text, v2.title) == (2, S.DRAFT, v1.text, v1.title)
    with pytest.raises(WrongStateError, match="Version 2 of this policy is still “Draft”"):
        policies.new_version(policy, w.staff)

    policies.save_draft(v2, w.staff, v2.version, text="第一条 (2022年修订)")
    policies.start_consultation(v2, ["平湖市财政局"], w.staff, on=dt.date(2021, 10, 1))
    reply_all(w, v2)
    with pytest.raises(PolicyError, match="after version 1"):
        policies.adopt(v2, w.staff, IN_FORCE, on=dt.date(2021, 11, 1))
    policies.adopt(v2, w.staff, dt.date(2022, 1, 1), on=dt.date(2021, 11, 1))

    v1.refresh_from_db()
    assert (v1.state, v1.effective_to) == (S.SUPERSEDED, dt.date(2021, 12, 31))
    assert transitions(v1)[-1] == {
        "state": [S.ADOPTED, S.SUPERSEDED],
        "effective_to": [None, "2021-12-31"],
    }
    assert policy.adopted_version == v2
    in_force = PolicyVersion.objects.filter(policy=policy)
    assert list(in_force.in_force(dt.date(2021, 12, 31))) == [v1]
    assert list(in_force.in_force(dt.date(2022, 1, 1))) == [v2]
    assert not in_force.in_force(dt.date(2021, 4, 30)).exists()
    assert policies.new_version(policy, w.staff).text == "第一条 (2022年修订)"


def test_withdraw(w, policy):
    draft = first(policy)
    with pytest.raises(PolicyError, match="needs a comment"):
        policies.withdraw(draft, w.staff, comment="")
    with pytest.raises(PermissionDenied):
        policies.withdraw(draft, w.east_officer, comment="不再制定")
    policies.withdraw(draft, w.staff, comment="并入新办法")
    assert draft.state == S.WITHDRAWN
    assert transitions(draft)[-1] == {"state": [S.DRAFT, S.WITHDRAWN]}

    v2 = policies.new_version(policy, w.staff)
    policies.start_consultation(v2, ["平湖市财政局"], w.staff, on=ASKED)
    reply_all(w, v2)
    policies.adopt(v2, w.staff, IN_FORCE, on=ADOPTED)
    policies.withdraw(v2, w.staff, comment="上位政策废止", on=dt.date(2021, 9, 1))
    assert (v2.state, v2.effective_to) == (S.WITHDRAWN, dt.date(2021, 8, 31))
    versions = PolicyVersion.objects.filter(policy=policy)
    assert list(versions.in_force(dt.date(2021, 8, 31))) == [v2]
    assert not versions.in_force(dt.date(2021, 9, 1)).exists()
    with pytest.raises(WrongStateError):
        policies.withdraw(v2, w.staff, comment="再次撤回")


def test_the_steps_each_role_may_take(w, policy):
    version = first(policy)
    assert [t.id for t in policies.available(version, w.staff)] == [
        "start_consultation",
        "withdraw",
    ]
    assert policies.available(version, w.east_officer) == []
    assert policies.available(version, w.a_user) == []
    assert not w.east_officer.has_perm("services.view_policy", policy)
    assert w.leader.has_perm("services.view_policy", policy)


def test_adoption_is_all_or_nothing(w, policy, monkeypatch):
    v1 = adopted(w, policy)
    v2 = policies.new_version(policy, w.staff)
    policies.start_consultation(v2, ["平湖市财政局"], w.staff, on=ASKED)
    reply_all(w, v2)
    events = AuditEvent.objects.count()

    real_record = chain.record

    def failing(action, obj=None, **kwargs):
        # The superseding of version 1 is written; the adoption's event then fails.
        if action == AuditAction.TRANSITION and obj is not None and obj.pk == v2.pk:
            raise RuntimeError("the audit log is unavailable")
        return real_record(action, obj, **kwargs)

    monkeypatch.setattr(policies.chain, "record", failing)
    with pytest.raises(RuntimeError):
        policies.adopt(v2, w.staff, dt.date(2022, 1, 1), on=ADOPTED)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.state, v1.effective_to, v1.version) == (S.ADOPTED, None, 3)
    assert (v2.state, v2.effective_from) == (S.CONSULTATION, None)
    assert AuditEvent.objects.count() == events


def test_one_open_and_one_adopted_version_per_policy_in_the_database(w, policy):
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersionFactory(policy=policy, number=2, state=S.CONSULTATION)
    adopted(w, policy)
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersionFactory(
            policy=policy,
            number=3,
            state=S.ADOPTED,
            adopted_on=ADOPTED,
            effective_from=dt.date(2023, 1, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersionFactory(policy=Policy.objects.create(title="无日期"), state=S.ADOPTED)
