"""Qualifications (资质: 高新技术企业 certificates …) to and from Excel: the export is exactly the
filtered list (a town's holders on a date) in the import's columns and re-imports unchanged;
a province's certificate list is imported by credit code; a bad row is named by row and column
and nothing is written; who may export and import."""

import datetime as dt

import pytest
from django.urls import reverse

from kechuang.accounts.enums import RoleCode
from kechuang.audit.models import AuditEvent
from kechuang.core.enums import CodeList, ImportStatus
from kechuang.core.models import CodeItem, ImportJob
from kechuang.registry.declarations import QualificationType
from kechuang.registry.enums import QualificationKind
from kechuang.registry.models import Qualification
from tests import excel
from tests.excel import confirm, download, workbook
from tests.factories import QualificationFactory

pytestmark = pytest.mark.django_db
KEY = "registry.qualification"
COLUMNS = QualificationType.instance.excel_columns
HEADERS = [c.header for c in COLUMNS]


def kind(code):
    return CodeItem.objects.get(code_list=CodeList.QUALIFICATION_KIND, code=code)


@pytest.fixture
def certificates(world, reference_data):
    """The east enterprise's current and expired 高企 certificates, the west one's current."""
    Qualification.objects.all().delete()
    high_tech = kind(QualificationKind.NATIONAL_HIGH_TECH)

    def certificate(organisation, number, start, end):
        return QualificationFactory(
            organisation=organisation,
            kind=high_tech,
            number=number,
            year=start.year,
            valid_from=start,
            valid_until=end,
        )

    return {
        "current": certificate(
            world.ours, "GR202033000001", dt.date(2020, 12, 1), dt.date(2023, 11, 30)
        ),
        "expired": certificate(
            world.ours, "GR201733000001", dt.date(2017, 11, 13), dt.date(2020, 11, 12)
        ),
        "west": certificate(
            world.theirs, "GR202033000002", dt.date(2020, 12, 1), dt.date(2023, 11, 30)
        ),
    }


@pytest.fixture
def staff(client, make_user):
    user = make_user(RoleCode.STAFF)
    client.force_login(user)
    return user


def exported(client, query="") -> tuple[bytes, list[list]]:
    return download(client, reverse("registry:qualification-export") + query)


def row(**values) -> list:
    return [values.get(c.field, "") for c in COLUMNS]


def upload(client, content: bytes) -> ImportJob:
    return excel.upload(client, KEY, content, "资质.xlsx")[1]


def test_the_export_is_a_towns_holders_on_a_date_and_reimports_unchanged(
    client, world, certificates, staff
):
    query = (
        f"?kind={QualificationKind.NATIONAL_HIGH_TECH}&valid_on=2021-06-30&town={world.east.code}"
    )
    content, rows = exported(client, query)

    assert rows[0] == HEADERS
    assert rows[1:] == [
        [
            world.ours.uscc,
            "东方材料有限公司",
            "国家高新技术企业",
            "GR202033000001",
            2020.0,
            dt.date(2020, 12, 1),
            dt.date(2023, 11, 30),
            "",
        ]
    ]
    before = list(Qualification.objects.order_by("pk").values())
    job = upload(client, content)
    assert job.status == ImportStatus.READY, job.errors
    job = confirm(client, job)
    assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 0, 0)
    assert job.unchanged_count == 1
    assert list(Qualification.objects.order_by("pk").values()) == before


def test_a_provinces_certificate_list_is_imported_by_credit_code(
    client, world, certificates, staff
):
    renewed = row(
        organisation_uscc=world.theirs.uscc,
        kind="国家高新技术企业",
        number="GR202333000009",
        year=2023,
        valid_from="2023-12-08",
        valid_until="2026-12-07",
    )
    revoked = row(
        organisation_uscc=world.ours.uscc,
        kind=QualificationKind.NATIONAL_HIGH_TECH,  # a code reads as well as the name
        number="GR202033000001",
        year=2020,
        valid_from="2020-12-01",
        valid_until="2023-11-30",
        revoked_on="2022-03-01",
    )

    job = upload(client, workbook([HEADERS, renewed, revoked]))
    assert [p["action"] for p in job.preview] == ["create", "update"]
    job = confirm(client, job)

    assert (job.created_count, job.updated_count) == (1, 1)
    assert world.theirs.qualifications.get(valid_from=dt.date(2023, 12, 8)).number == (
        "GR202333000009"
    )
    current = Qualification.objects.get(pk=certificates["current"].pk)
    assert current.revoked_on == dt.date(2022, 3, 1)
    assert AuditEvent.objects.for_object(current).filter(action="update").exists()


def test_a_bad_row_is_named_and_nothing_is_written(client, world, certificates, staff):
    before = Qualification.objects.count()
    rows = [
        HEADERS,
        row(organisation_uscc=world.ours.uscc, kind="科技型中小企业", valid_from="2021-01-01"),
        row(organisation_uscc=world.ours.uscc, kind="宇宙级企业", valid_from="2021-01-01"),
        row(
            organisation_uscc=world.ours.uscc,
            kind="科技型中小企业",
            valid_from="2022-01-01",
            valid_until="2021-12-31",
        ),
        row(organisation_name="查无此单位", kind="科技型中小企业", valid_from="2021-01-01"),
    ]

    job = upload(client, workbook(rows))

    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "资质类型"),
        (4, "有效期止"),
        (5, "单位名称"),
    ]
    assert job.errors[1]["message"] == "有效期止早于有效期起。"
    assert Qualification.objects.count() == before


def test_who_may_export_and_import(client, world, certificates, make_user):
    client.force_login(make_user(RoleCode.TOWN_OFFICER, department=world.east.office))
    _, rows = exported(client)
    assert {r[0] for r in rows[1:]} == {world.ours.uscc}  # their town's only
    assert client.post(reverse("core:import-upload", args=[KEY])).status_code == 403

    client.force_login(make_user(RoleCode.ORGANISATION, organisation=world.ours))
    assert client.get(reverse("registry:qualification-export")).status_code == 403
