"""The lifecycle steps of an R&D institution's certification from its page (upgrade, rename,
merge, revoke): staff who may change the record take them and the records and events come out
right; users who may only see it get 403, users out of scope 404; a step the domain refuses
comes back as the form's error. Its level, end and events change through these steps only."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from kechuang.accounts.enums import RoleCode
from kechuang.accounts.models import Role
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.platforms.domain import rd as lifecycle
from kechuang.platforms.enums import RDEnd, RDEventKind, RDLevel
from kechuang.platforms.models import RDInstitution
from tests.factories import OrganisationFactory

from .factories import RDInstitutionFactory, World

pytestmark = pytest.mark.django_db

ON = dt.date(2023, 6, 1)


@pytest.fixture
def w(make_user):
    return World(make_user)


@pytest.fixture(autouse=True)
def english(client, settings):
    """Messages are asserted in English (the msgids), whatever the catalogues hold."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def step_url(step, record):
    return reverse(f"platforms:rdinstitution-{step}", args=[record.pk])


def detail(record):
    return reverse("platforms:rdinstitution-detail", args=[record.pk])


def level(code):
    return CodeItem.objects.get(code_list=CodeList.RD_LEVEL, code=code)


def transitions_of(record):
    return AuditEvent.objects.for_object(record).filter(action=AuditAction.TRANSITION)


def kinds(record):
    return [event.kind for event in record.events.order_by("happened_on", "id")]


def test_staff_upgrade_through_the_page(client, w):
    old = w.ours["rd"]
    client.force_login(w.staff)
    form = client.get(step_url("upgrade", old))
    offered = {item.code for item in form.context["form"].fields["level"].queryset}
    assert RDLevel.NATIONAL in offered and old.level.code not in offered  # higher levels only

    response = client.post(
        step_url("upgrade", old),
        {
            "level": level(RDLevel.PROVINCIAL_RESEARCH_INSTITUTE).pk,
            "year": 2023,
            "on": ON.isoformat(),
            "document_number": "浙科〔2023〕5号",
            "name": "东企业研究院",
        },
    )

    old.refresh_from_db()
    new = old.successor
    assert response.status_code == 302 and response.url == detail(new)
    assert (old.ended_on, old.end_reason) == (ON, RDEnd.UPGRADED)
    assert (new.name, new.level.code, new.certified_year, new.certified_on) == (
        "东企业研究院",
        RDLevel.PROVINCIAL_RESEARCH_INSTITUTE,
        2023,
        ON,
    )
    assert (new.host, new.document_number, new.created_by) == (old.host, "浙科〔2023〕5号", w.staff)
    assert kinds(old) == [RDEventKind.UPGRADED]
    assert kinds(new) == [RDEventKind.CERTIFIED]
    [audited] = transitions_of(old)
    assert audited.actor_id == w.staff.pk
    assert "东企业研究院" in client.get(response.url).content.decode()


def test_staff_rename_through_the_page(client, w):
    record = w.ours["rd"]
    client.force_login(w.staff)

    response = client.post(step_url("rename", record), {"name": "东研发中心（新名）", "on": ON})

    assert response.status_code == 302 and response.url == detail(record)
    record.refresh_from_db()
    assert (record.name, record.ended_on, record.version) == ("东研发中心（新名）", None, 2)
    event = record.events.get()
    assert (event.kind, event.old_name, event.new_name, event.happened_on) == (
        RDEventKind.RENAMED,
        "东研发中心",
        "东研发中心（新名）",
        ON,
    )
    assert transitions_of(record).count() == 1


def test_staff_merge_into_another_certification_in_force(client, w):
    record = w.ours["rd"]
    into = RDInstitutionFactory(host=OrganisationFactory(name="合并方企业", town=w.east))
    ended = RDInstitutionFactory(name="已撤销中心", host=record.host)
    lifecycle.revoke(ended, dt.date(2022, 1, 1), "撤销", w.staff)
    client.force_login(w.staff)

    offered = client.get(step_url("merge", record)).context["form"].fields["into"].queryset
    assert into in offered and w.theirs["rd"] in offered  # bureau staff reach both towns
    assert record not in offered and ended not in offered  # not itself, not an ended one
    searched = client.get(step_url("merge", record), {"q": "合并方"}).context["form"]
    assert list(searched.fields["into"].queryset) == [into]

    response = client.post(step_url("merge", record), {"into": into.pk, "on": ON.isoformat()})

    assert response.status_code == 302 and response.url == detail(record)
    record.refresh_from_db()
    into.refresh_from_db()
    assert (record.ended_on, record.end_reason, record.successor) == (ON, RDEnd.MERGED, into)
    assert into.ended_on is None
    assert record.events.get().kind == RDEventKind.MERGED
    assert transitions_of(record).count() == 1


def test_staff_revoke_through_the_page(client, w):
    record = w.ours["rd"]
    client.force_login(w.staff)

    missing = client.post(step_url("revoke", record), {"on": ON.isoformat(), "reason": ""})
    assert missing.status_code == 400 and 'data-field-error="reason"' in missing.content.decode()

    response = client.post(step_url("revoke", record), {"on": ON, "reason": "年度评价不合格"})

    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.ended_on, record.end_reason) == (ON, RDEnd.REVOKED)
    event = record.events.get()
    assert (event.kind, event.note) == (RDEventKind.REVOKED, "年度评价不合格")
    assert not record.in_force_on(timezone.localdate())
    # An ended certification offers no more steps, and refuses them.
    page = client.get(detail(record)).content.decode()
    assert 'data-testid="action-' not in page
    again = client.post(step_url("rename", record), {"name": "再改名", "on": ON}, follow=True)
    assert "no longer in force" in again.content.decode()
    record.refresh_from_db()
    assert record.name == "东研发中心"


STEPS = {
    "upgrade": {"level": "", "year": 2023, "on": ON.isoformat()},
    "rename": {"name": "越权改名", "on": ON.isoformat()},
    "merge": {"into": "", "on": ON.isoformat()},
    "revoke": {"on": ON.isoformat(), "reason": "越权撤销"},
}


@pytest.mark.parametrize("step", list(STEPS))
def test_who_may_not_take_a_step(client, w, step):
    ours, theirs = w.ours["rd"], w.theirs["rd"]
    data = dict(STEPS[step])
    if step == "upgrade":
        data["level"] = level(RDLevel.NATIONAL).pk
    if step == "merge":
        data["into"] = RDInstitutionFactory(host=OrganisationFactory(town=w.east)).pk
    cases = [
        (w.our_enterprise, ours, 403),  # the host's own user sees it but may not change it
        (w.leader, ours, 403),
        (w.officer, ours, 403),  # the town officer of its town: may see, not change
        (w.officer, theirs, 404),  # a town officer out of scope
        (w.their_manager, ours, 404),  # another organisation's user
    ]
    for user, record, status in cases:
        client.force_login(user)
        assert client.get(step_url(step, record)).status_code == status, user
        assert client.post(step_url(step, record), data).status_code == status, user
        if status == 403:
            page = client.get(detail(record)).content.decode()
            assert step_url(step, record) not in page
    for record in (ours, theirs):
        record.refresh_from_db()
        assert (record.ended_on, record.version) == (None, 1)
        assert not record.events.exists()
    client.logout()
    assert client.get(step_url(step, ours)).status_code == 302  # to the login page


def test_an_invalid_upgrade_comes_back_with_the_error(client, w):
    record = w.ours["rd"]  # certified on 2020-12-01 at the provincial R&D centre level
    client.force_login(w.staff)
    url = step_url("upgrade", record)
    data = {"level": level(RDLevel.NATIONAL).pk, "year": 2020, "on": "2020-06-01"}

    before_certified = client.post(url, data)  # the domain refuses it
    lower = client.post(url, {**data, "level": level(RDLevel.PINGHU_RD_CENTRE).pk})
    wrong_year = client.post(url, {**data, "year": 2020, "on": "2021-03-01"})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    future = client.post(url, {**data, "year": tomorrow.year, "on": tomorrow.isoformat()})

    assert before_certified.status_code == 400
    html = before_certified.content.decode()
    assert 'data-testid="form-errors"' in html
    assert "The date 2020-06-01 is before “东研发中心” was certified (2020-12-01)." in html
    assert 'data-field-error="level"' in lower.content.decode()
    assert "must be the year of the certification date (2021)" in wrong_year.content.decode()
    assert "cannot be in the future" in future.content.decode()
    record.refresh_from_db()
    assert (record.ended_on, record.successor) == (None, None)
    assert RDInstitution.objects.filter(host=record.host).count() == 1
    assert not record.events.exists()


def test_the_domain_error_is_shown_in_chinese(client, w, settings):
    record = w.ours["rd"]
    client.force_login(w.staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.post(
        step_url("rename", record), {"name": "新名", "on": "2020-06-01"}, HTTP_ACCEPT_LANGUAGE="zh"
    )

    assert response.status_code == 400
    assert "早于“东研发中心”的认定日期" in response.content.decode()


@pytest.fixture
def town_editor(make_user, w):
    """An officer of the east town whose role may change R&D institutions (of their town)."""
    role = Role.objects.create(
        code="rd-town-editor", name="镇研发机构管理", data_scope="department"
    )
    role.permissions.add(
        Permission.objects.get(content_type__app_label="platforms", codename="change_rdinstitution")
    )
    return make_user(RoleCode.TOWN_OFFICER, department=w.east.office, roles=[role])


def test_a_town_editor_takes_steps_only_within_the_town(client, w, town_editor):
    ours, theirs = w.ours["rd"], w.theirs["rd"]
    client.force_login(town_editor)

    assert client.get(step_url("rename", theirs)).status_code == 404
    assert client.post(step_url("revoke", theirs), STEPS["revoke"]).status_code == 404
    merge = client.get(step_url("merge", ours))
    assert theirs not in merge.context["form"].fields["into"].queryset
    # The other town's certification, named anyway: not a choice.
    refused = client.post(step_url("merge", ours), {"into": theirs.pk, "on": ON.isoformat()})
    assert refused.status_code == 400
    assert 'data-field-error="into"' in refused.content.decode()

    renamed = client.post(step_url("rename", ours), {"name": "东研发中心乙", "on": ON})

    assert renamed.status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.name, ours.ended_on) == ("东研发中心乙", None)
    assert (theirs.ended_on, theirs.name) == (None, "西研发中心")


def test_the_page_offers_the_steps_and_no_hand_made_events(client, w):
    record = w.ours["rd"]
    lifecycle.rename(record, "东研发中心甲", ON, w.staff)
    client.force_login(w.staff)

    response = client.get(detail(record))

    html = response.content.decode()
    for step in STEPS:
        assert f'data-testid="action-{step}"' in html and step_url(step, record) in html
    events = next(s for s in response.context["sections"] if s.key == "rdinstitutionevent")
    assert events.add_url == "" and events.edit_url is None
    assert [r.kind for r in events.records] == [RDEventKind.RENAMED]
    assert "/events/" not in html


def test_the_edit_form_does_not_offer_the_level_or_the_end(client, w):
    record = w.ours["rd"]
    client.force_login(w.staff)
    url = reverse("platforms:rdinstitution-edit", args=[record.pk])
    fields = client.get(url).context["form"].fields
    assert not {"level", "ended_on", "end_reason", "successor"} & set(fields)

    response = client.post(
        url,
        {
            "host": record.host.uscc,
            "name": record.name,
            "certified_year": 2020,
            "certified_on": "2020-12-01",
            "level": level(RDLevel.NATIONAL).pk,
            "ended_on": "2023-01-01",
            "end_reason": RDEnd.UPGRADED,
            "version": record.version,
        },
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.level.code, record.ended_on, record.end_reason) == (
        RDLevel.PROVINCIAL_RD_CENTRE,
        None,
        "",
    )


def test_the_certification_year_is_the_year_of_its_date(client, w):
    record = w.ours["rd"]
    client.force_login(w.staff)
    url = reverse("platforms:rdinstitution-edit", args=[record.pk])
    data = {"host": record.host.uscc, "name": record.name, "version": record.version}

    response = client.post(url, {**data, "certified_year": 2019, "certified_on": "2020-12-01"})

    assert response.status_code == 200
    assert "certified_year" in response.context["form"].errors
    record.refresh_from_db()
    assert record.certified_year == 2020


def test_an_edit_cannot_start_a_certification_after_its_end(client, w):
    record = w.ours["rd"]
    lifecycle.revoke(record, dt.date(2022, 1, 1), "撤销", w.staff)
    record.refresh_from_db()
    client.force_login(w.staff)
    url = reverse("platforms:rdinstitution-edit", args=[record.pk])

    response = client.post(
        url,
        {
            "host": record.host.uscc,
            "name": record.name,
            "certified_year": 2022,
            "certified_on": "2022-06-01",
            "version": record.version,
        },
    )

    assert response.status_code == 200
    assert "certified_on" in response.context["form"].errors


def test_a_new_certification_is_certified_through_the_lifecycle(client, w):
    client.force_login(w.staff)

    response = client.post(
        reverse("platforms:rdinstitution-create"),
        {
            "host": w.ours["enterprise"].uscc,
            "name": "东新认定中心",
            "level": level(RDLevel.JIAXING_RD_CENTRE).pk,
            "certified_year": 2023,
            "certified_on": "2023-10-20",
            "batch": "2023年度",
            "document_number": "嘉科〔2023〕9号",
        },
    )

    created = RDInstitution.objects.get(name="东新认定中心")
    assert response.status_code == 302 and response.url == detail(created)
    assert (created.level.code, created.created_by, created.batch) == (
        RDLevel.JIAXING_RD_CENTRE,
        w.staff,
        "2023年度",
    )
    event = created.events.get()
    assert (event.kind, event.happened_on, event.document_number) == (
        RDEventKind.CERTIFIED,
        dt.date(2023, 10, 20),
        "嘉科〔2023〕9号",
    )
    assert transitions_of(created).count() == 1
