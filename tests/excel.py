"""Excel in tests, as users meet it: an export downloaded and read back, a workbook written
from rows, an upload to an import and its confirmation."""

import io

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from kechuang.core.models import ImportJob


def download(client, url: str) -> tuple[bytes, list[list]]:
    """The workbook an export answers (200 expected) and its first sheet's rows."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content)
    return content, rows_of(content)


def rows_of(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def workbook(rows: list[list]) -> bytes:
    """A workbook of one sheet with these rows (the first the header)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for n, values in enumerate(rows):
        sheet.write_row(n, 0, values)
    book.close()
    return buffer.getvalue()


def workbook_of(columns, rows: list[dict]) -> bytes:
    """A workbook in an import's columns (their headers first), a row per dict of values by
    column field (a missing one left empty)."""
    header = [c.header for c in columns]
    return workbook([header, *([row.get(c.field, "") for c in columns] for row in rows)])


def upload(client, key: str, content: bytes, name: str = "导入.xlsx", **extra):
    """The upload's response and the import job it made (checked, not yet committed);
    ``extra`` goes with the request (headers)."""
    url = reverse("core:import-upload", args=[key])
    response = client.post(url, {"file": SimpleUploadedFile(name, content)}, **extra)
    return response, ImportJob.objects.filter(importer=key).order_by("-id").first()


def confirm(client, job) -> ImportJob:
    """The job after its confirmation (committed, or refused)."""
    client.post(reverse("core:import-confirm", args=[job.pk]))
    job.refresh_from_db()
    return job
