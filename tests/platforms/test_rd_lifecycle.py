"""The lifecycle of an R&D institution certification: each step writes the right records, so
"in force at a date" is right before and after it; ended records refuse further steps."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kechuang.accounts.enums import RoleCode
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.enums import CodeList
from kechuang.platforms.domain import rd
from kechuang.platforms.enums import RDEnd, RDEventKind, RDLevel
from kechuang.platforms.models import RDInstitution
from tests.factories import OrganisationFactory

D = dt.date
BEFORE, ON, AFTER = D(2021, 6, 30), D(2021, 7, 1), D(2021, 7, 2)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids), whatever the catalogues hold."""
    with translation.override("en"):
        yield


@pytest.fixture
def level(reference_data):
    return lambda code: reference_data.code_item(CodeList.RD_LEVEL, code)


@pytest.fixture
def actor(make_user):
    return make_user(RoleCode.STAFF)


@pytest.fixture
def centre(level, actor):
    """A Pinghu R&D centre certified in 2019."""
    return rd.certify(
        OrganisationFactory(),
        "平湖测试研发中心",
        level(RDLevel.PINGHU_RD_CENTRE),
        2019,
        D(2019, 5, 1),
        "2019年第一批",
        "平科〔2019〕12号",
        actor,
    )


def in_force(on):
    return set(rd.in_force(on).values_list("pk", flat=True))


def transitions_of(record):
    return AuditEvent.objects.filter(
        action=AuditAction.TRANSITION,
        model="platforms.rdinstitution",
        object_id=str(record.pk),
    )


def test_certify_creates_the_record_its_event_and_an_audited_transition(centre, actor):
    assert centre.level.code == RDLevel.PINGHU_RD_CENTRE
    assert (centre.certified_year, centre.certified_on) == (2019, D(2019, 5, 1))
    assert (centre.batch, centre.document_number) == ("2019年第一批", "平科〔2019〕12号")
    assert centre.created_by == actor
    [event] = centre.events.all()
    assert (event.kind, event.happened_on, event.new_name) == (
        RDEventKind.CERTIFIED,
        D(2019, 5, 1),
        "平湖测试研发中心",
    )
    [transition] = transitions_of(centre)
    assert transition.comment and transition.actor_id == actor.pk
    assert centre.pk not in in_force(D(2019, 4, 30))
    assert centre.pk in in_force(D(2019, 5, 1))


def test_certify_accepts_a_level_code_and_refuses_an_unknown_one(reference_data, actor):
    host = OrganisationFactory()
    record = rd.certify(host, "研究院", RDLevel.NATIONAL, 2020, D(2020, 1, 1), actor=actor)
    assert record.level.code == RDLevel.NATIONAL

    with pytest.raises(ValidationError):
        rd.certify(host, "研究院", "no_such_level", 2020, D(2020, 1, 1), actor=actor)


def test_upgrade_ends_the_old_record_and_starts_a_higher_one(centre, level, actor):
    new = rd.upgrade(
        centre,
        level(RDLevel.JIAXING_RD_CENTRE),
        2021,
        ON,
        "嘉科〔2021〕3号",
        actor,
        name="嘉兴测试研发中心",
    )

    centre.refresh_from_db()
    assert (centre.ended_on, centre.end_reason, centre.successor) == (ON, RDEnd.UPGRADED, new)
    assert (new.host, new.name, new.level.code) == (
        centre.host,
        "嘉兴测试研发中心",
        RDLevel.JIAXING_RD_CENTRE,
    )
    assert (new.certified_year, new.certified_on, new.ended_on) == (2021, ON, None)
    assert in_force(BEFORE) >= {centre.pk} and new.pk not in in_force(BEFORE)
    assert new.pk in in_force(ON) and centre.pk not in in_force(ON)
    assert [e.kind for e in centre.events.all()] == [RDEventKind.CERTIFIED, RDEventKind.UPGRADED]
    assert [e.kind for e in new.events.all()] == [RDEventKind.CERTIFIED]
    assert transitions_of(centre).count() == 2  # certified, upgraded
    assert set(rd.certified_in(2021).values_list("pk", flat=True)) == {new.pk}
    assert set(rd.certified_in(2019, 2021).values_list("pk", flat=True)) == {centre.pk, new.pk}


def test_upgrade_keeps_the_name_when_none_is_given(centre, level, actor):
    new = rd.upgrade(centre, level(RDLevel.NATIONAL), 2021, ON, "", actor)
    assert new.name == centre.name


def test_upgrade_to_the_same_or_a_lower_level_is_refused(centre, level, actor):
    with pytest.raises(ValidationError, match="higher level"):
        rd.upgrade(centre, level(RDLevel.PINGHU_RD_CENTRE), 2021, ON, "", actor)
    jiaxing = rd.upgrade(centre, level(RDLevel.JIAXING_RD_CENTRE), 2021, ON, "", actor)
    with pytest.raises(ValidationError, match="higher level"):
        rd.upgrade(jiaxing, level(RDLevel.PINGHU_RD_CENTRE), 2022, D(2022, 1, 1), "", actor)
    centre.refresh_from_db()
    assert centre.successor == jiaxing
    assert RDInstitution.objects.count() == 2


def test_rename_keeps_the_certification_in_force(centre, actor):
    rd.rename(centre, "平湖测试新名研发中心", ON, actor)

    centre.refresh_from_db()
    assert centre.name == "平湖测试新名研发中心" and centre.ended_on is None
    event = centre.events.get(kind=RDEventKind.RENAMED)
    assert (event.old_name, event.new_name, event.happened_on) == (
        "平湖测试研发中心",
        "平湖测试新名研发中心",
        ON,
    )
    assert centre.pk in in_force(BEFORE) and centre.pk in in_force(AFTER)
    with pytest.raises(ValidationError):
        rd.rename(centre, "平湖测试新名研发中心", AFTER, actor)


def test_merge_ends_the_record_in_favour_of_the_other(centre, level, actor):
    into = rd.certify(
        OrganisationFactory(), "合并方研究院", level(RDLevel.PROVINCIAL_RESEARCH_INSTITUTE), 2020,
        D(2020, 3, 1), actor=actor,
    )  # fmt: skip

    rd.merge(centre, into, ON, actor)

    centre.refresh_from_db()
    assert (centre.ended_on, centre.end_reason, centre.successor) == (ON, RDEnd.MERGED, into)
    assert centre.events.filter(kind=RDEventKind.MERGED, new_name="合并方研究院").exists()
    assert {centre.pk, into.pk} <= in_force(BEFORE)
    assert centre.pk not in in_force(ON) and into.pk in in_force(ON)


def test_merge_into_itself_or_into_an_ended_record_is_refused(centre, level, actor):
    with pytest.raises(ValidationError):
        rd.merge(centre, centre, ON, actor)
    other = rd.certify(OrganisationFactory(), "另一家", RDLevel.NATIONAL, 2020, D(2020, 1, 1))
    rd.revoke(other, D(2020, 6, 1), "撤销", actor)
    with pytest.raises(ValidationError, match="no longer in force"):
        rd.merge(centre, other, ON, actor)
    centre.refresh_from_db()
    assert centre.ended_on is None


def test_revoke_needs_a_reason_and_ends_the_record(centre, actor):
    with pytest.raises(ValidationError):
        rd.revoke(centre, ON, "  ", actor)

    rd.revoke(centre, ON, "年度评价不合格", actor)

    centre.refresh_from_db()
    assert (centre.ended_on, centre.end_reason) == (ON, RDEnd.REVOKED)
    assert centre.events.get(kind=RDEventKind.REVOKED).note == "年度评价不合格"
    assert centre.pk in in_force(BEFORE) and centre.pk not in in_force(ON)
    assert "年度评价不合格" in transitions_of(centre).order_by("id").last().comment


@pytest.mark.parametrize("step", ["upgrade", "rename", "merge", "revoke"])
def test_an_ended_record_refuses_every_step(centre, level, actor, step):
    other = rd.certify(OrganisationFactory(), "在册研究院", RDLevel.NATIONAL, 2020, D(2020, 1, 1))
    rd.revoke(centre, ON, "撤销", actor)
    events_before = centre.events.count()
    calls = {
        "upgrade": lambda: rd.upgrade(centre, level(RDLevel.NATIONAL), 2022, AFTER, "", actor),
        "rename": lambda: rd.rename(centre, "新名", AFTER, actor),
        "merge": lambda: rd.merge(centre, other, AFTER, actor),
        "revoke": lambda: rd.revoke(centre, AFTER, "再撤销", actor),
    }

    with pytest.raises(ValidationError, match="no longer in force"):
        calls[step]()

    centre.refresh_from_db()
    assert (centre.ended_on, centre.end_reason) == (ON, RDEnd.REVOKED)
    assert centre.events.count() == events_before


def test_a_step_dated_before_the_certification_is_refused(centre, actor):
    with pytest.raises(ValidationError):
        rd.revoke(centre, D(2019, 4, 1), "撤销", actor)
    centre.refresh_from_db()
    assert centre.ended_on is None


def test_a_stale_instance_is_checked_against_the_stored_record(centre, level, actor):
    stale = RDInstitution.objects.get(pk=centre.pk)
    rd.revoke(centre, ON, "撤销", actor)

    with pytest.raises(ValidationError, match="no longer in force"):
        rd.upgrade(stale, level(RDLevel.NATIONAL), 2022, AFTER, "", actor)


def test_highest_per_host_gives_each_host_its_best_level_in_one_query(
    level, actor, django_assert_num_queries
):
    first, second = OrganisationFactory(), OrganisationFactory()
    rd.certify(first, "平湖中心", RDLevel.PINGHU_RD_CENTRE, 2018, D(2018, 1, 1))
    rd.certify(first, "省研究院", RDLevel.PROVINCIAL_RESEARCH_INSTITUTE, 2019, D(2019, 1, 1))
    jiaxing = rd.certify(second, "嘉兴中心", RDLevel.JIAXING_RD_CENTRE, 2018, D(2018, 1, 1))
    rd.upgrade(jiaxing, level(RDLevel.PROVINCIAL_RD_CENTRE), 2020, D(2020, 1, 1), "", actor)
    rank = {
        code: level(code).sort
        for code in (
            RDLevel.PINGHU_RD_CENTRE,
            RDLevel.JIAXING_RD_CENTRE,
            RDLevel.PROVINCIAL_RD_CENTRE,
            RDLevel.PROVINCIAL_RESEARCH_INSTITUTE,
        )
    }

    with django_assert_num_queries(1):
        before = {row["host"]: row["best"] for row in rd.highest_per_host(D(2018, 6, 1))}
    after = {row["host"]: row["best"] for row in rd.highest_per_host(D(2020, 6, 1))}

    assert before == {
        first.pk: rank[RDLevel.PINGHU_RD_CENTRE],
        second.pk: rank[RDLevel.JIAXING_RD_CENTRE],
    }
    assert after == {
        first.pk: rank[RDLevel.PROVINCIAL_RESEARCH_INSTITUTE],
        second.pk: rank[RDLevel.PROVINCIAL_RD_CENTRE],
    }
