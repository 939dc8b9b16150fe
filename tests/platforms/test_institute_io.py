"""The new-type R&D institutes (新型研发机构) to and from Excel: the export is exactly the
filtered list in the institute import's columns and re-imports unchanged; a row edited in Excel
updates its institute, matched by the institute's organisation; a bad cell is named by row and
column and nothing is written; export and import need their own permissions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kechuang.audit.chain import verify
from kechuang.audit.models import AuditEvent
from kechuang.core.enums import CodeList, ImportStatus
from kechuang.core.models import CodeItem
from kechuang.platforms.enums import DatePrecision
from kechuang.platforms.models import Institute
from kechuang.platforms.record_types import InstituteType
from kechuang.registry.enums import IndustryChain, OrganisationKind
from tests.excel import confirm, upload
from tests.excel import download as exported
from tests.excel import workbook_of as workbook
from tests.factories import OrganisationFactory

from .factories import World
from .test_import import east_importer

pytestmark = pytest.mark.django_db
KEY = "platforms.institute"
COLUMNS = InstituteType.instance.excel_columns
HEADERS = [c.header for c in COLUMNS]


@pytest.fixture
def w(make_user):
    world = World(make_user)
    Institute.objects.filter(pk=world.ours["institute"].pk).update(
        signed_precision=DatePrecision.MONTH,
        unveiled_on=dt.date(2020, 1, 8),
        focus_chain=CodeItem.objects.get(
            code_list=CodeList.INDUSTRY_CHAIN, code=IndustryChain.NEW_MATERIALS
        ),
        focus="先进高分子材料",
        area_m2=Decimal("12000.50"),
        council_chair="张理事长",
        council="张理事长\n李教授\n王总经理",
    )
    return world


def cells(rows: list[list]) -> list[dict]:
    """The data rows of an export as {column field: cell} (dates as text, to write again)."""
    fields = [c.field for c in COLUMNS]
    return [
        {
            f: v.isoformat() if isinstance(v, dt.date) else v
            for f, v in zip(fields, row, strict=True)
        }
        for row in rows[1:]
    ]


def test_an_export_reimports_unchanged(client, w):
    client.force_login(w.staff)
    before = list(Institute.objects.order_by("pk").values())
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    content, rows = exported(client, reverse("platforms:institute-export"))

    assert rows[0] == HEADERS
    east = next(row for row in cells(rows) if row["organisation_name"] == "东新型研究院")
    institute = w.ours["institute"]
    assert east["organisation_uscc"] == institute.organisation.uscc
    assert (east["code"], east["partner_name"]) == ("east-institute", institute.partner.name)
    assert (east["signed_precision"], east["focus_chain"]) == ("月", "新材料")
    assert east["council"] == "张理事长\n李教授\n王总经理"
    assert len(rows) - 1 == Institute.objects.count() == 2
    _, job = upload(client, KEY, content)
    assert job.status == ImportStatus.READY, job.errors
    assert {p["action"] for p in job.preview} == {"update"}
    job = confirm(client, job)
    assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 0, 0)
    assert job.unchanged_count == 2
    assert list(Institute.objects.order_by("pk").values()) == before
    assert not AuditEvent.objects.filter(pk__gt=last_event, action="update").exists()


def test_an_edited_row_updates_and_a_new_institute_gets_a_code(client, w):
    client.force_login(w.staff)
    _, rows = exported(client, reverse("platforms:institute-export") + "?q=东新型")
    edited = list(rows[1])
    edited[HEADERS.index("研究方向")] = "高分子材料与复合材料"
    edited[HEADERS.index("理事会成员")] = "张理事长\n李教授"
    edited[HEADERS.index("编码")] = ""  # matched by the organisation, the code kept
    newcomer = OrganisationFactory(kind=OrganisationKind.RESEARCH_ORG, name="南湖新型研究院")
    added = {
        "organisation_name": newcomer.name,
        "partner_uscc": w.theirs["enterprise"].uscc,
        "signed_on": "2023-06-01",
        "unveiled_precision": "year",
        "focus_chain": IndustryChain.AEROSPACE,
    }

    _, job = upload(client, KEY, workbook(COLUMNS, [*cells([HEADERS, edited]), added]))
    assert [p["action"] for p in job.preview] == ["update", "create"], job.errors
    job = confirm(client, job)

    institute = Institute.objects.get(pk=w.ours["institute"].pk)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 0)
    assert (institute.code, institute.focus) == ("east-institute", "高分子材料与复合材料")
    assert (institute.council, institute.version) == ("张理事长\n李教授", 2)
    update = AuditEvent.objects.for_object(institute).get(action="update")
    assert set(update.changes) >= {"focus", "council"}
    created = Institute.objects.get(organisation=newcomer)
    assert created.code.startswith("institute-")
    assert (created.partner, created.signed_on) == (w.theirs["enterprise"], dt.date(2023, 6, 1))
    assert (created.signed_precision, created.unveiled_precision) == ("day", "year")
    assert (created.focus_chain.code, created.created_by) == (IndustryChain.AEROSPACE, w.staff)
    assert verify() is None


def test_a_bad_cell_is_named_and_nothing_is_written(client, w):
    client.force_login(w.staff)
    partner = w.ours["institute"].partner
    good = {"organisation_name": w.ours["enterprise"].name, "partner_name": partner.name}
    rows = [
        good,
        {**good, "organisation_name": "北新型研究院", "signed_precision": "秒"},
        {**good, "organisation_name": w.theirs["enterprise"].name, "partner_name": "查无此校"},
        {**good, "organisation_uscc": w.theirs["institute"].organisation.uscc, "area_m2": "很大"},
        {**good, "organisation_name": w.theirs["enterprise"].name, "code": "west-institute"},
        {"partner_name": partner.name},
        {**good, "organisation_name": "东新型研究院", "focus_chain": "宇宙产业链"},
    ]
    before = Institute.objects.count()

    _, job = upload(client, KEY, workbook(COLUMNS, rows))

    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "研究院名称"),
        (4, "合作高校院所名称"),
        (5, "场地面积(平方米)"),
        (6, "编码"),
        (7, "研究院名称"),
        (8, "聚焦产业链"),
    ]
    assert "北新型研究院" in job.errors[0]["message"]
    assert Institute.objects.count() == before
    assert not AuditEvent.objects.filter(action="import").exists()


def test_a_bad_precision_is_named(client, w):
    client.force_login(w.staff)
    row = {
        "organisation_name": w.ours["enterprise"].name,
        "partner_name": w.ours["institute"].partner.name,
        "signed_precision": "秒",
    }

    _, job = upload(client, KEY, workbook(COLUMNS, [row]))

    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "签约时间精度")]


def test_institutes_outside_the_importers_scope_are_not_found(client, w):
    client.force_login(east_importer(w))
    row = {
        "organisation_uscc": w.theirs["institute"].organisation.uscc,
        "partner_name": w.theirs["institute"].partner.name,
        "focus": "越权",
    }

    _, job = upload(client, KEY, workbook(COLUMNS, [row]))

    assert job.status == ImportStatus.INVALID
    assert job.errors[0]["column"] == "研究院统一社会信用代码"
    assert not Institute.objects.filter(focus="越权").exists()


def test_the_export_is_exactly_the_filtered_list(client, w):
    client.force_login(w.leader)

    def names(query=""):
        _, rows = exported(client, reverse("platforms:institute-export") + query)
        return sorted(row["organisation_name"] for row in cells(rows))

    assert names() == ["东新型研究院", "西新型研究院"]
    assert names("?q=西新型") == ["西新型研究院"]
    assert names(f"?town={w.east.code}") == ["东新型研究院"]
    assert names(f"?focus_chain={IndustryChain.NEW_MATERIALS}") == ["东新型研究院"]
    assert AuditEvent.objects.filter(action="export").count() == 4


def test_export_and_import_need_their_permissions(client, w):
    """Staff export and import, the leader exports only; a town officer or an institute's
    manager gets a 403 and sees neither button."""
    list_url = reverse("platforms:institute-list")
    export_url = reverse("platforms:institute-export")
    import_url = reverse("core:import-upload", args=[KEY])
    for user, exports, imports in (
        (w.staff, True, True),
        (w.leader, True, False),
        (w.officer, False, False),
        (w.our_manager, False, False),
    ):
        client.force_login(user)

        page = client.get(list_url)

        assert page.status_code == 200, user
        html = page.content.decode()
        assert (export_url in html, import_url in html) == (exports, imports), user
        assert client.get(export_url).status_code == (200 if exports else 403), user
        assert client.get(import_url).status_code == (200 if imports else 403), user
    client.force_login(w.staff)
    template = client.get(reverse("core:import-template", args=[KEY]))
    assert template.status_code == 200
