"""A bureau staff member's day in the registry, in a real browser."""

import io
import re
from pathlib import Path

import pytest
import xlsxwriter
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from kechuang.registry.domain.uscc import make_uscc
from kechuang.registry.interfaces.columns import ORGANISATION_COLUMNS
from tests.factories import PASSWORD, OrganisationFactory, TownFactory, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def import_file(path):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [c.header for c in ORGANISATION_COLUMNS])
    sheet.write_row(1, 0, [make_uscc(901), "导入好公司"])
    sheet.write_row(2, 0, ["91330482XXXXXXXXXX", "导入坏公司"])
    book.close()
    return path


def test_staff_filters_opens_exports_and_imports(page, live_server, tmp_path):
    town = TownFactory(name="乍浦镇")
    OrganisationFactory(name="东方材料有限公司", town=town)
    OrganisationFactory(name="西方电子有限公司", town=town)
    staff_user("dai.liang")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "dai.liang")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/registry/organisations/?kind=enterprise")
    results = page.get_by_test_id("results")
    expect(results).to_contain_text("西方电子有限公司")
    page.fill("#id_q", "东方")
    expect(results).not_to_contain_text("西方电子有限公司")
    expect(page.get_by_test_id("total")).to_contain_text("共 1 条记录")
    expect(page).to_have_url(re.compile(r"q=%E4%B8%9C%E6%96%B9"))

    with page.expect_download() as download_info:
        page.get_by_test_id("export").click()
    content = Path(download_info.value.path()).read_bytes()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert [r[1] for r in rows[1:]] == ["东方材料有限公司"]

    page.get_by_role("link", name="东方材料有限公司").click()
    expect(page.get_by_test_id("record-title")).to_have_text("东方材料有限公司")
    expect(page.get_by_test_id("history")).to_contain_text("新增")

    page.goto(f"{live_server.url}/imports/registry.organisation/new/")
    page.get_by_test_id("import-file").set_input_files(str(import_file(tmp_path / "企业.xlsx")))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_test_id("import-status")).to_have_text("有错误，未导入")
    errors = page.get_by_test_id("row-errors")
    expect(errors).to_contain_text("3")
    expect(errors).to_contain_text("统一社会信用代码")
    expect(page.get_by_test_id("import-error")).to_contain_text("未导入任何数据")
    expect(page.get_by_test_id("import-confirm")).to_have_count(0)
