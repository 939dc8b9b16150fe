import io
import os

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kechuang.audit.chain import verify
from kechuang.audit.models import AuditEvent
from kechuang.core.enums import ImportStatus
from kechuang.core.models import ImportJob
from kechuang.registry.domain.uscc import make_uscc
from kechuang.registry.interfaces.columns import ORGANISATION_COLUMNS
from kechuang.registry.models import EnterpriseYear, Organisation
from tests.factories import CodeItemFactory

pytestmark = pytest.mark.django_db
UPLOAD = reverse("core:import-upload", args=["registry.organisation"])
HEADERS = [c.header for c in ORGANISATION_COLUMNS]


def workbook(rows, headers=HEADERS, formula_rows=0) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, headers)
    for n, row in enumerate(rows, start=1):
        sheet.write_row(n, 0, row)
    for n in range(formula_rows):
        sheet.write_formula(len(rows) + 1 + n, 0, f'=A{n + 1}&B{n + 1}&"{"x" * 40}"')
    book.close()
    return buffer.getvalue()


def row(code, name, **extra):
    values = {"uscc": code, "name": name, **extra}
    return [values.get(c.field, "") for c in ORGANISATION_COLUMNS]


def upload(client, content: bytes, name="主体.xlsx") -> tuple:
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
    job = ImportJob.objects.order_by("-id").first()
    return response, job


@pytest.fixture
def staff(client, world):
    client.force_login(world.staff)
    return world.staff


@pytest.fixture
def counts():
    def snapshot():
        return (Organisation.objects.count(), EnterpriseYear.objects.count())

    return snapshot


def test_valid_file_is_previewed_then_imported_with_audit(client, staff, world, counts):
    CodeItemFactory(code="new_materials", name="新材料")
    before = counts()
    content = workbook(
        [
            row(
                make_uscc(1),
                "一号新材料有限公司",
                town="东镇",
                chains="新材料",
                year=2020,
                output_value=1234.5,
                above_scale="是",
            ),
            row(make_uscc(2), "二号科技有限公司", founded_on="2015-06-01"),
        ]
    )

    response, job = upload(client, content)

    assert response.status_code == 302
    assert job.status == ImportStatus.READY
    assert [p["action"] for p in job.preview] == ["create", "create"]
    assert counts() == before  # checking writes nothing

    client.post(reverse("core:import-confirm", args=[job.pk]))
    job.refresh_from_db()

    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count) == (2, 0)
    first = Organisation.objects.get(uscc=make_uscc(1))
    assert first.town == world.east
    assert [c.name for c in first.chains.all()] == ["新材料"]
    figures = first.years.get(year=2020)
    assert (str(figures.output_value), figures.above_scale) == ("1234.50", True)
    assert str(Organisation.objects.get(uscc=make_uscc(2)).founded_on) == "2015-06-01"
    summary = AuditEvent.objects.get(action="import")
    assert summary.changes["created"] == 2
    assert AuditEvent.objects.filter(batch=summary.batch, action="create").count() == 2
    assert verify() is None


def test_reimport_updates_and_never_duplicates(client, staff, world):
    code = make_uscc(3)
    _, job = upload(client, workbook([row(code, "三号公司", town="东镇")]))
    client.post(reverse("core:import-confirm", args=[job.pk]))

    _, job = upload(client, workbook([row(code, "三号公司（新名）", town="西镇")]))
    assert job.preview[0]["action"] == "update"
    client.post(reverse("core:import-confirm", args=[job.pk]))
    job.refresh_from_db()

    org = Organisation.objects.get(uscc=code)
    assert Organisation.objects.filter(uscc=code).count() == 1
    assert (org.name, org.town, org.version) == ("三号公司（新名）", world.west, 2)
    assert (job.created_count, job.updated_count) == (0, 1)
    update = AuditEvent.objects.for_object(org).get(action="update")
    assert update.changes["name"] == ["三号公司", "三号公司（新名）"]


def test_confirming_twice_imports_once(client, staff):
    _, job = upload(client, workbook([row(make_uscc(4), "四号公司")]))

    client.post(reverse("core:import-confirm", args=[job.pk]))
    client.post(reverse("core:import-confirm", args=[job.pk]))

    assert Organisation.objects.filter(uscc=make_uscc(4)).count() == 1
    assert AuditEvent.objects.filter(action="import").count() == 1


def assert_refused(job, counts_before, counts_after, *fragments):
    assert job.status == ImportStatus.INVALID
    text = job.message + " ".join(f"{e['row']} {e['column']} {e['message']}" for e in job.errors)
    for fragment in fragments:
        assert fragment in text
    assert counts_after == counts_before
    assert not AuditEvent.objects.filter(action="import").exists()


def test_wrong_headers_are_named(client, staff, counts):
    before = counts()
    _, job = upload(client, workbook([["x", "y"]], headers=["代码", "名称"]))

    assert_refused(job, before, counts(), "统一社会信用代码", "代码")


def test_bad_codes_give_row_and_column(client, staff, counts):
    before = counts()
    good = make_uscc(5)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    _, job = upload(client, workbook([row(good, "好公司"), row(bad, "坏公司")]))

    assert_refused(job, before, counts())
    assert job.errors == [
        {
            "row": 3,
            "column": "统一社会信用代码",
            "message": f"“{bad}”不是有效的统一社会信用代码（GB 32100-2015）。",
        }
    ]


def test_duplicate_rows_are_refused(client, staff, counts):
    before = counts()
    code = make_uscc(6)
    _, job = upload(client, workbook([row(code, "甲"), row(make_uscc(7), "乙"), row(code, "丙")]))

    assert_refused(job, before, counts(), "与第2行重复")
    assert [e["row"] for e in job.errors] == [4]


def test_other_cell_errors_are_reported_per_row(client, staff, counts):
    before = counts()
    _, job = upload(
        client,
        workbook(
            [
                row(make_uscc(8), "甲", town="火星镇"),
                row(make_uscc(9), "乙", founded_on="去年"),
                row(make_uscc(10), "", year=2020),
                row(make_uscc(11), "丁", output_value=5),
            ]
        ),
    )

    assert_refused(job, before, counts())
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (2, "镇街道"),
        (3, "成立日期"),
        (4, "名称"),
        (5, "年度"),
    ]


def test_empty_file_is_refused(client, staff, counts):
    before = counts()
    _, job = upload(client, b"")

    assert_refused(job, before, counts(), "文件为空")


def test_header_only_file_is_refused(client, staff, counts):
    before = counts()
    _, job = upload(client, workbook([]))

    assert_refused(job, before, counts(), "没有数据行")


def test_non_excel_file_renamed_xlsx_is_refused(client, staff, counts):
    before = counts()
    _, job = upload(client, "统一社会信用代码,名称\n91110000710926094P,甲\n".encode())

    assert_refused(job, before, counts(), "不是 Excel 工作簿")


def test_wrong_extension_is_refused_at_upload(client, staff):
    response, job = upload(client, b"a,b", name="data.csv")

    assert job is None
    assert "只能导入 Excel 工作簿" in response.content.decode()


def test_five_megabyte_file_with_formulas_is_refused(client, staff, counts):
    before = counts()
    rows = [
        row(make_uscc(100 + n), f"公司{n}", address=os.urandom(250).hex()) for n in range(20000)
    ]
    content = workbook(rows, formula_rows=200)
    assert len(content) > 5_000_000
    _, job = upload(client, content)

    assert_refused(job, before, counts(), "公式")


def test_one_bad_row_among_many_writes_nothing(client, staff, counts):
    before = counts()
    rows = [row(make_uscc(300 + n), f"公司{n}") for n in range(200)]
    rows[150][0] = "NOT-A-CODE"
    _, job = upload(client, workbook(rows))

    assert_refused(job, before, counts())
    assert [e["row"] for e in job.errors] == [152]


def test_out_of_scope_organisation_cannot_be_updated_by_import(client, world, counts):
    client.force_login(world.officer)
    before = counts()
    _, job = upload(client, workbook([row(world.theirs.uscc, "改名")]))

    assert_refused(job, before, counts(), "数据权限")


def test_import_needs_the_import_permission(client, world):
    client.force_login(world.our_user)

    assert client.get(UPLOAD).status_code == 403
    response, job = upload(client, workbook([row(make_uscc(12), "甲")]))
    assert (response.status_code, job) == (403, None)


def test_other_users_cannot_see_an_import_job(client, staff, world):
    _, job = upload(client, workbook([row(make_uscc(13), "甲")]))
    from tests.factories import staff_user

    client.force_login(staff_user("other-staff"))

    assert client.get(reverse("core:import-job", args=[job.pk])).status_code == 404
    assert client.post(reverse("core:import-confirm", args=[job.pk])).status_code == 404


def test_large_reimport_updates_every_row(client, staff, world):
    """Above the bulk threshold (PostgreSQL writes through COPY and a temporary table)."""
    codes = [make_uscc(5000 + n) for n in range(250)]
    first = [
        row(c, f"公司{n}", town="东镇", year=2020, output_value=n) for n, c in enumerate(codes)
    ]
    _, job = upload(client, workbook(first))
    client.post(reverse("core:import-confirm", args=[job.pk]))

    second = [
        row(c, f"公司{n}（新）", town="西镇", year=2020, output_value=n + 1)
        for n, c in enumerate(codes)
    ]
    _, job = upload(client, workbook(second))
    client.post(reverse("core:import-confirm", args=[job.pk]))
    job.refresh_from_db()

    assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 0, 250)
    orgs = Organisation.objects.filter(uscc__in=codes)
    assert orgs.count() == 250
    assert set(orgs.values_list("town__name", "version")) == {("西镇", 2)}
    sample = orgs.get(uscc=codes[7])
    assert sample.name == "公司7（新）"
    assert str(sample.years.get(year=2020).output_value) == "8.00"
    event = AuditEvent.objects.for_object(sample).get(action="update")
    assert event.changes["name"] == ["公司7", "公司7（新）"]
    assert event.changes["years[2020]"] == {"output_value": ["7.00", "8.00"]}
    assert verify() is None


def test_upload_page_names_the_import_and_its_columns(client, staff):
    page = client.get(UPLOAD).content.decode()

    assert "主体库导入" in page
    assert "统一社会信用代码*" in page


def test_row_errors_come_in_the_uploaders_language(client, staff):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    _, job = upload(client, workbook([row("91110000710926094Q", "Bad Ltd")]))

    assert job.language == "en"
    assert job.errors == [
        {
            "row": 2,
            "column": "统一社会信用代码",
            "message": "“91110000710926094Q” is not a valid unified social credit code "
            "(GB 32100-2015).",
        }
    ]


def test_kinds_are_read_in_any_of_the_sites_languages(client, staff):
    rows = [
        row(make_uscc(6001), "某大学", kind="University"),
        row(make_uscc(6002), "某学校", kind="学校"),
        row(make_uscc(6003), "某所", kind="research_org"),
    ]

    _, job = upload(client, workbook(rows))
    client.post(reverse("core:import-confirm", args=[job.pk]))

    kinds = dict(
        Organisation.objects.filter(name__in=["某大学", "某学校", "某所"]).values_list(
            "name", "kind"
        )
    )
    assert kinds == {"某大学": "university", "某学校": "school", "某所": "research_org"}


def test_an_organisation_changed_after_the_check_refuses_the_import(client, staff, world):
    """A colleague's edit between the preview and the confirmation is never overwritten: the
    whole import is refused and asks for a new check."""
    code = make_uscc(7)
    _, job = upload(client, workbook([row(code, "七号公司", town="东镇")]))
    client.post(reverse("core:import-confirm", args=[job.pk]))
    _, job = upload(client, workbook([row(code, "七号公司（导入）", town="东镇")]))
    assert job.preview[0]["action"] == "update"
    org = Organisation.objects.get(uscc=code)
    Organisation.objects.filter(pk=org.pk).update(name="七号公司（同事）", version=org.version + 1)

    client.post(reverse("core:import-confirm", args=[job.pk]))
    job.refresh_from_db()

    assert job.status == ImportStatus.INVALID
    assert [e["row"] for e in job.errors] == [2]
    assert Organisation.objects.get(uscc=code).name == "七号公司（同事）"


def test_an_organisation_registered_after_the_check_refuses_the_import(client, staff, world):
    code = make_uscc(8)
    _, job = upload(client, workbook([row(code, "八号公司", town="东镇")]))
    assert job.preview[0]["action"] == "create"
    Organisation.objects.create(uscc=code, name="八号公司（同事登记）", kind="enterprise")

    client.post(reverse("core:import-confirm", args=[job.pk]))
    job.refresh_from_db()

    assert job.status == ImportStatus.INVALID
    assert Organisation.objects.get(uscc=code).name == "八号公司（同事登记）"
