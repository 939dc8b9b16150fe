"""Attachments: only real PDF, Word, Excel and image files are accepted; they are stored
outside the web root under random names and handed out only as downloads, to whoever may see
the record they belong to."""

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from kechuang.accounts.enums import DataScope
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.domain import attachments
from kechuang.core.domain.attachments import AttachmentError
from kechuang.core.models import Attachment
from kechuang.registry.models import Person
from tests.factories import OrganisationFactory, PersonFactory, organisation_user, staff_user

pytestmark = pytest.mark.django_db


def office_package(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{folder}document.xml", "<document/>")
    return buffer.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 20
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 20
DOCX = office_package("word/")
XLSX = office_package("xl/")

ACCEPTED = [
    ("申报书.pdf", PDF, "application/pdf"),
    ("old.doc", OLE2, "application/msword"),
    (
        "plan.DOCX",
        DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("figures.xls", OLE2, "application/vnd.ms-excel"),
    ("figures.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("photo.jpg", JPEG, "image/jpeg"),
    ("photo.jpeg", JPEG, "image/jpeg"),
    ("licence.png", PNG, "image/png"),
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def owner():
    return OrganisationFactory(name="东方材料有限公司")


@pytest.fixture
def staff():
    return staff_user("att-staff", DataScope.ALL)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/html")  # the browser's claim


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(("name", "content", "mime_type"), ACCEPTED)
def test_every_accepted_type_is_stored_with_its_size_hash_and_our_type(
    name, content, mime_type, owner, staff, media_root
):
    attachment = attachments.store(owner, upload(name, content), staff, purpose="guide")

    path = media_root / attachment.file
    assert path.read_bytes() == content
    assert (attachment.original_name, attachment.mime_type) == (name, mime_type)
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert (attachment.uploaded_by, attachment.purpose) == (staff, "guide")
    assert list(attachments.attachments_of(owner)) == [attachment]


REFUSED = [
    ("script.exe", b"MZ\x90\0", "only PDF, Word"),
    ("page.html", b"<html><script>alert(1)</script>", "only PDF, Word"),
    ("drawing.svg", b"<svg/>", "only PDF, Word"),
    ("no-extension", PDF, "only PDF, Word"),
    (".pdf", PDF, "only PDF, Word"),
    ("page.pdf", b"<html><script>alert(1)</script>", "is not a .pdf file"),
    ("image.png", PDF, "is not a .png file"),
    ("image.jpg", PNG, "is not a .jpg file"),
    ("sheet.xlsx", DOCX, "is not a .xlsx file"),
    ("letter.docx", XLSX, "is not a .docx file"),
    ("letter.docx", b"PK\x03\x04 not really a zip", "is not a .docx file"),
    ("letter.doc", PDF, "is not a .doc file"),
    ("empty.pdf", b"", "is empty"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED)
def test_wrong_extension_mismatched_content_and_empty_files_are_refused(
    name, content, message, owner, staff, media_root
):
    with translation.override("en"), pytest.raises(AttachmentError) as refused:
        attachments.store(owner, upload(name, content), staff)

    assert message in refused.value.message
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []  # no temporary file left behind


def test_a_file_above_the_limit_is_refused(owner, staff, media_root, settings):
    settings.KECHUANG_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = PDF + b"\0" * (1024 * 1024)

    with translation.override("en"), pytest.raises(AttachmentError) as refused:
        attachments.store(owner, upload("big.pdf", big), staff)

    assert refused.value.message == "The file is larger than 1 MB."
    assert stored_files(media_root) == []


def test_the_limit_holds_for_the_bytes_received_whatever_size_the_upload_claims(
    owner, staff, media_root, settings
):
    settings.KECHUANG_ATTACHMENT_MAX_BYTES = 100
    lying = upload("big.pdf", PDF + b"\0" * 200)
    lying.size = 10

    with pytest.raises(AttachmentError):
        attachments.store(owner, lying, staff)

    assert stored_files(media_root) == []


@pytest.mark.parametrize("name", ["../../evil.pdf", "..\\..\\evil.pdf", "/etc/evil.pdf"])
def test_the_stored_path_is_random_and_owes_nothing_to_the_users_file_name(
    name, owner, staff, media_root, settings
):
    uploaded = upload("evil.pdf", PDF)
    uploaded.name = name  # as a hostile client could send it

    attachment = attachments.store(owner, uploaded, staff)

    path = (media_root / attachment.file).resolve()
    assert attachment.original_name == "evil.pdf"
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}", attachment.file)
    assert path.is_relative_to(media_root.resolve() / "attachments")
    assert "evil" not in attachment.file and path.suffix == ""
    for static_root in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not path.is_relative_to(Path(static_root).resolve())
    assert stored_files(media_root) == [media_root / attachment.file]


def test_two_uploads_of_the_same_name_get_different_files(owner, staff):
    first = attachments.store(owner, upload("a.pdf", PDF), staff)
    second = attachments.store(owner, upload("a.pdf", PDF), staff)

    assert first.file != second.file


def test_when_the_row_cannot_be_written_the_file_is_removed(owner, staff, media_root, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(Attachment.objects, "create", fail)

    with pytest.raises(RuntimeError):
        attachments.store(owner, upload("a.pdf", PDF), staff)

    assert stored_files(media_root) == []


def test_upload_and_delete_are_audited_against_the_owner(
    owner, staff, django_capture_on_commit_callbacks
):
    attachment = attachments.store(owner, upload("合同.pdf", PDF), staff)
    with django_capture_on_commit_callbacks(execute=True):
        attachments.delete(attachment, staff)

    events = AuditEvent.objects.filter(
        model="registry.organisation", object_id=str(owner.pk), action=AuditAction.UPDATE
    )
    comments = [e.comment for e in events.order_by("id")]
    assert len(comments) == 2 and all("合同.pdf" in c for c in comments)
    assert {e.actor_id for e in events} == {staff.pk}


# Views ------------------------------------------------------------------------------------------


def test_download_is_an_attachment_with_the_original_name_and_no_sniffing(client, owner, staff):
    attachment = attachments.store(owner, upload("申报书 (终稿).pdf", PDF), staff)
    client.force_login(staff)

    response = client.get(reverse("core:attachment-download", args=[attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E7%94%B3%E6%8A%A5%E4%B9%A6%20%28%E7%BB%88%E7%A8%BF%29.pdf" in (
        disposition
    )
    assert 'filename="___ (__).pdf"' in disposition


def test_someone_who_cannot_see_the_owner_gets_404_for_download_and_delete(client, owner, staff):
    attachment = attachments.store(owner, upload("a.pdf", PDF), staff)
    client.force_login(organisation_user(OrganisationFactory(), "another-org"))

    download = client.get(reverse("core:attachment-download", args=[attachment.pk]))
    delete = client.post(reverse("core:attachment-delete", args=[attachment.pk]))
    unknown = client.get(reverse("core:attachment-download", args=[attachment.pk + 1000]))

    assert (download.status_code, delete.status_code, unknown.status_code) == (404, 404, 404)
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_the_owners_own_user_may_download(client, owner, staff):
    attachment = attachments.store(owner, upload("a.pdf", PDF), staff)
    client.force_login(organisation_user(owner, "own-org"))

    response = client.get(reverse("core:attachment-download", args=[attachment.pk]))

    assert response.status_code == 200


def test_a_viewer_who_may_not_change_the_owner_gets_403_on_delete(client, owner, staff, media_root):
    attachment = attachments.store(owner, upload("a.pdf", PDF), staff)
    client.force_login(staff_user("viewer", DataScope.ALL, perms=["registry.view_organisation"]))

    response = client.post(reverse("core:attachment-delete", args=[attachment.pk]))

    assert response.status_code == 403
    assert (media_root / attachment.file).exists()


def test_delete_removes_the_row_and_after_commit_the_file(
    client, owner, staff, media_root, django_capture_on_commit_callbacks
):
    attachment = attachments.store(owner, upload("a.pdf", PDF), staff)
    path = media_root / attachment.file
    client.force_login(staff)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("core:attachment-delete", args=[attachment.pk]), {"next": "/somewhere/"}
        )
        assert path.exists()  # not before the commit
    for callback in callbacks:
        callback()

    assert response.status_code == 302 and response["Location"] == "/somewhere/"
    assert not Attachment.objects.exists()
    assert not path.exists()


def test_a_rolled_back_delete_keeps_the_file(owner, staff, media_root):
    attachment = attachments.store(owner, upload("a.pdf", PDF), staff)
    pk, path = attachment.pk, media_root / attachment.file
    with pytest.raises(RuntimeError), transaction.atomic():
        attachments.delete(attachment, staff)
        raise RuntimeError

    assert Attachment.objects.filter(pk=pk).exists()
    assert path.exists()


def upload_url(obj) -> str:
    return reverse(
        "core:attachment-upload", args=[obj._meta.app_label, obj._meta.model_name, obj.pk]
    )


def test_upload_view_stores_and_returns_to_the_page(client, owner, staff):
    client.force_login(staff)
    page = reverse("registry:organisation-detail", args=[owner.pk])

    response = client.post(
        upload_url(owner), {"file": upload("a.pdf", PDF), "next": page, "purpose": "licence"}
    )

    assert response.status_code == 302 and response["Location"] == page
    assert list(attachments.attachments_of(owner).values_list("original_name", "purpose")) == [
        ("a.pdf", "licence")
    ]


def test_upload_view_reports_a_refused_file_and_ignores_a_foreign_next(client, owner, staff):
    client.force_login(staff)

    with translation.override("en"):
        response = client.post(
            upload_url(owner),
            {"file": upload("a.exe", b"MZ"), "next": "https://evil.example/"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 302
    assert response["Location"] == owner.get_absolute_url()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1 and "cannot be attached" in messages[0]
    assert not Attachment.objects.exists()


def test_upload_needs_the_right_to_change_the_owner(client, owner):
    client.force_login(staff_user("viewer", DataScope.ALL, perms=["registry.view_organisation"]))
    forbidden = client.post(upload_url(owner), {"file": upload("a.pdf", PDF)})
    client.force_login(organisation_user(OrganisationFactory(), "another-org"))
    hidden = client.post(upload_url(owner), {"file": upload("a.pdf", PDF)})
    unknown_model = client.post(
        reverse("core:attachment-upload", args=["registry", "nothing", owner.pk]),
        {"file": upload("a.pdf", PDF)},
    )

    assert (forbidden.status_code, hidden.status_code, unknown_model.status_code) == (403, 404, 404)
    assert not Attachment.objects.exists()


def test_a_registered_rule_decides_instead_of_the_model_permission(client, staff, monkeypatch):
    monkeypatch.setattr(attachments, "_access", {})
    person = PersonFactory()
    attachment = attachments.store(person, upload("cv.pdf", PDF), staff)
    attachments.register_access(
        Person, can_view=lambda user, obj: user.username == "friend", can_change=lambda u, o: False
    )

    client.force_login(staff)  # holds registry.view_person, but the rule says no
    refused = client.get(reverse("core:attachment-download", args=[attachment.pk]))
    client.force_login(staff_user("friend", DataScope.SELF, perms=[]))
    allowed = client.get(reverse("core:attachment-download", args=[attachment.pk]))

    assert (refused.status_code, allowed.status_code) == (404, 200)


def render_include(owner, user, options: str = "") -> str:
    request = RequestFactory().get("/registry/x/")
    request.user = user
    template = Template('{% include "includes/attachments.html" with owner=owner ' + options + "%}")
    return template.render(Context({"owner": owner, "user": user, "request": request}))


def test_the_include_lists_files_and_offers_upload_and_delete_only_to_those_who_may_change(
    owner, staff
):
    attachment = attachments.store(owner, upload("规划.pdf", PDF), staff)
    viewer = staff_user("viewer", DataScope.ALL, perms=["registry.view_organisation"])

    for_staff = render_include(owner, staff)
    for_viewer = render_include(owner, viewer)
    for_stranger = render_include(owner, organisation_user(OrganisationFactory(), "stranger"))

    download = reverse("core:attachment-download", args=[attachment.pk])
    assert "规划.pdf" in for_staff and download in for_staff
    assert reverse("core:attachment-delete", args=[attachment.pk]) in for_staff
    assert upload_url(owner) in for_staff and 'enctype="multipart/form-data"' in for_staff
    assert download in for_viewer and "attachment-delete" not in for_viewer
    assert upload_url(owner) not in for_viewer
    assert "规划.pdf" not in for_stranger


def test_attachments_of_lists_only_that_records_files(staff):
    first, second = OrganisationFactory(), OrganisationFactory()
    attachments.store(first, upload("a.pdf", PDF), staff)

    assert attachments.attachments_of(first).count() == 1
    assert attachments.attachments_of(second).count() == 0


def test_the_include_can_show_one_purpose_and_give_it_to_new_uploads(owner, staff):
    attachments.store(owner, upload("指南.pdf", PDF), staff, purpose="guide")
    attachments.store(owner, upload("其他.pdf", PDF), staff)

    html = render_include(owner, staff, 'attachment_purpose="guide" attachment_title="申报指南"')

    assert "指南.pdf" in html and "其他.pdf" not in html and "申报指南" in html
    assert '<input type="hidden" name="purpose" value="guide">' in html
