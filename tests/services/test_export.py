"""The services' export-only lists: the training institutions' contact list (one row per
contact, with its institution's name, town, address and operator; the institutions of the list
with the same filters, within the user's scope), the follow-ups (with whether each is overdue)
and the policies (the version in force, the one under revision and who has yet to reply)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from kechuang.audit.models import AuditEvent
from kechuang.services.enums import VersionState
from kechuang.services.interfaces import columns, exporters
from kechuang.services.models import FollowUp, Policy
from kechuang.services.views_export import INSTITUTION_CONTACTS

from .factories import (
    ConsultationOpinionFactory,
    FieldVisitFactory,
    FollowUpFactory,
    InstitutionContactFactory,
    PolicyFactory,
    PolicyVersionFactory,
    TrainingInstitutionFactory,
)

pytestmark = pytest.mark.django_db

CONTACTS = "services:traininginstitution-contacts"


def sheet(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def download(client, query: str = "") -> list[list]:
    response = client.get(reverse(CONTACTS) + query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return sheet(b"".join(response.streaming_content))


@pytest.fixture
def schools(w):
    east = TrainingInstitutionFactory(
        name="乙东科创学堂", town=w.east, address="东服镇科创路1号", operator="乙东教育有限公司"
    )
    west = TrainingInstitutionFactory(name="甲西编程学校", town=w.west, address="西服镇2号")
    TrainingInstitutionFactory(name="丙无联系人学校", town=w.east)
    InstitutionContactFactory(
        institution=east, name="张校长", role="校长", phone="13800000001", email="z@example.cn"
    )
    InstitutionContactFactory(institution=east, name="李老师", role="教务", phone="13800000002")
    InstitutionContactFactory(institution=west, name="王校长", role="校长", phone="13800000003")
    return east, west


def test_the_contact_list_has_one_row_per_contact_with_its_institution(client, w, schools):
    client.force_login(w.staff)

    rows = download(client)

    assert rows[0] == [c.header for c in INSTITUTION_CONTACTS.columns]
    assert rows[1:] == [
        # ordered by institution name (乙 before 甲 in code-point order), then as entered
        [
            "乙东科创学堂",
            "东服镇",
            "东服镇科创路1号",
            "乙东教育有限公司",
            "张校长",
            "校长",
            "13800000001",
            "z@example.cn",
        ],
        [
            "乙东科创学堂",
            "东服镇",
            "东服镇科创路1号",
            "乙东教育有限公司",
            "李老师",
            "教务",
            "13800000002",
            "",
        ],
        [
            "甲西编程学校",
            "西服镇",
            "西服镇2号",
            "测试教育科技有限公司",
            "王校长",
            "校长",
            "13800000003",
            "",
        ],
    ]
    event = AuditEvent.objects.filter(action="export").latest("id")
    assert event.changes["rows"] == 3


def test_the_contact_list_follows_the_institution_lists_filters(client, w, schools):
    client.force_login(w.staff)

    by_town = download(client, f"?town={w.west.code}")
    by_text = download(client, "?q=科创")
    bad = download(client, "?status=不存在")

    assert [row[4] for row in by_town[1:]] == ["王校长"]
    assert [row[4] for row in by_text[1:]] == ["张校长", "李老师"]
    assert bad[1:] == []  # a bad filter gives no rows, never the whole list


def test_a_town_officer_gets_the_towns_contacts_and_a_commissioner_none(client, w, schools):
    client.force_login(w.west_officer)
    assert [row[4] for row in download(client)[1:]] == ["王校长"]

    client.force_login(w.a_user)
    assert client.get(reverse(CONTACTS)).status_code == 403


# Follow-ups and policies ---------------------------------------------------------------------------


def test_the_follow_up_export_says_which_are_overdue(w):
    w.staff.display_name = "周科长"
    w.staff.save()
    visit = FieldVisitFactory(host_name="科创园", host_organisation=None, town=w.east)
    FollowUpFactory(issue__visit=visit, due_on=dt.date(2020, 5, 1), owner=w.staff)
    FollowUpFactory(
        issue__visit=visit,
        due_on=dt.date(2020, 5, 1),
        closed_on=dt.date(2020, 4, 20),
        result="已解决",
    )
    buffer = io.BytesIO()

    exporters.FOLLOW_UPS.write(buffer, FollowUp.objects.order_by("pk"))

    rows = sheet(buffer.getvalue())
    assert rows[0] == [c.header for c in columns.FOLLOW_UP_COLUMNS]
    fields = [c.field for c in columns.FOLLOW_UP_COLUMNS]
    late, closed = (dict(zip(fields, row, strict=True)) for row in rows[1:])
    assert (late["host"], late["town"], late["owner"], late["closed_on"], late["overdue"]) == (
        "科创园",
        "东服镇",
        "周科长",
        "",
        "是",
    )
    assert (closed["owner"], closed["result"], closed["overdue"]) == ("", "已解决", "否")


def test_the_policy_export_names_the_version_in_force_and_the_bodies_to_reply(w):
    policy = PolicyFactory(title="科技金融政策")
    PolicyVersionFactory(
        policy=policy,
        number=1,
        title="科技金融政策（2021）",
        state=VersionState.ADOPTED,
        adopted_on=dt.date(2021, 3, 20),
        effective_from=dt.date(2021, 4, 1),
        document_number="平科〔2021〕3号",
    )
    revision = PolicyVersionFactory(policy=policy, number=2, state=VersionState.CONSULTATION)
    ConsultationOpinionFactory(policy_version=revision, body="市财政局")
    ConsultationOpinionFactory(
        policy_version=revision,
        body="人民银行",
        replied_on=dt.date(2021, 3, 5),
        position="agree",
    )
    PolicyFactory(title="无版本政策")
    buffer = io.BytesIO()

    exporters.POLICIES.write(buffer, Policy.objects.order_by("title"))

    fields = [c.field for c in columns.POLICY_COLUMNS]
    rows = {row[0]: dict(zip(fields, row, strict=True)) for row in sheet(buffer.getvalue())[1:]}
    current = rows["科技金融政策"]
    assert (current["adopted_number"], current["adopted_title"], current["document_number"]) == (
        1,
        "科技金融政策（2021）",
        "平科〔2021〕3号",
    )
    assert (current["open_number"], current["outstanding"]) == (2, "市财政局")
    assert rows["无版本政策"]["adopted_number"] == ""
