"""A large import does not hold the web request: the upload queues the check, a worker runs it,
and the page polls its progress."""

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from kechuang.core.enums import ImportStatus
from kechuang.core.models import ImportJob
from kechuang.registry.domain.uscc import make_uscc
from kechuang.registry.interfaces.columns import ORGANISATION_COLUMNS
from kechuang.registry.models import Organisation
from tests.factories import staff_user

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def ten_thousand_rows() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [c.header for c in ORGANISATION_COLUMNS])
    for n in range(10_000):
        sheet.write_row(n + 1, 0, [make_uscc(70_000_000 + n), f"批量企业{n:05d}有限公司"])
    book.close()
    return buffer.getvalue()


@override_settings(TASKS=DATABASE_TASKS)
def test_ten_thousand_rows_are_checked_and_imported_by_the_worker(client):
    client.force_login(staff_user())
    upload = SimpleUploadedFile("big.xlsx", ten_thousand_rows())

    response = client.post(
        reverse("core:import-upload", args=["registry.organisation"]), {"file": upload}
    )
    job = ImportJob.objects.get()
    page = client.get(reverse("core:import-job", args=[job.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 302
    assert job.status == ImportStatus.VALIDATING  # queued, not done in the request
    assert 'hx-trigger="every 1s"' in page.content.decode()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.error_count) == (ImportStatus.READY, 10_000, 0)

    client.post(reverse("core:import-confirm", args=[job.pk]))
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, 10_000)
    assert Organisation.objects.count() == 10_000
