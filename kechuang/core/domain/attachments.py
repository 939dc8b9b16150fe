"""Attachments: files attached to any record (an application's documents, a call's guide …).

What is accepted is decided by the name's extension *and* the file's leading bytes: PDF, Word
(.doc, .docx), Excel (.xls, .xlsx), JPEG and PNG, up to ``KECHUANG_ATTACHMENT_MAX_BYTES``.
A file is stored under ``MEDIA_ROOT/attachments/<yyyy>/<mm>/`` with a random name and no
extension — nothing the user typed reaches the path, and nothing stored is ever served
directly: :func:`open_for_download` hands it out as a download, with the type we decided.

Who may see or change a record's attachments is decided by the record (the owner): a model
may :func:`register_access`; otherwise the owner's ``view_``/``change_`` permission applies
(role × data scope through the app's rules).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.audit import chain
from kechuang.audit.context import acting_as, current_actor
from kechuang.audit.enums import AuditAction

from ..models import Attachment

SUBDIR = "attachments"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, Excel 97-2003
ZIP = b"PK\x03\x04"  # Office Open XML (.docx, .xlsx)


class AttachmentError(Exception):
    """A file that cannot be attached; the message says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FileKind:
    mime_type: str
    magic: bytes
    zip_folder: str = ""  # an Office Open XML package must hold entries under this folder


WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS: dict[str, FileKind] = {
    ".pdf": FileKind("application/pdf", b"%PDF-"),
    ".doc": FileKind("application/msword", OLE2),
    ".docx": FileKind(WORD, ZIP, "word/"),
    ".xls": FileKind("application/vnd.ms-excel", OLE2),
    ".xlsx": FileKind(EXCEL, ZIP, "xl/"),
    ".jpg": FileKind("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": FileKind("image/jpeg", b"\xff\xd8\xff"),
    ".png": FileKind("image/png", b"\x89PNG\r\n\x1a\n"),
}
HEAD_BYTES = max(len(kind.magic) for kind in KINDS.values())


# Access: decided by the owner record ----------------------------------------------------------

Check = Callable[[object, models.Model], bool]


@dataclass(frozen=True)
class Access:
    can_view: Check
    can_change: Check


_access: dict[type[models.Model], Access] = {}


def register_access(model: type[models.Model], *, can_view: Check, can_change: Check) -> None:
    """Let ``model`` decide who may download (``can_view(user, obj)``) and who may upload or
    delete (``can_change(user, obj)``) its records' attachments. Call it from the app's
    ``AppConfig.ready``."""
    _access[model._meta.concrete_model] = Access(can_view, can_change)


def _default(action: str) -> Check:
    def check(user, obj) -> bool:
        meta = obj._meta
        return user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}", obj)

    return check


def _access_for(owner: models.Model) -> Access:
    return _access.get(owner._meta.concrete_model, Access(_default("view"), _default("change")))


def permissions(user, owner: models.Model | None) -> tuple[bool, bool]:
    """(may view, may change) ``owner`` — and so download, resp. attach and delete, its files.
    Changing requires seeing."""
    if owner is None or not user.is_authenticated or not user.is_active:
        return False, False
    access = _access_for(owner)
    if not access.can_view(user, owner):
        return False, False
    return True, bool(access.can_change(user, owner))


def can_view(user, owner: models.Model | None) -> bool:
    return permissions(user, owner)[0]


def can_change(user, owner: models.Model | None) -> bool:
    return permissions(user, owner)[1]


# Queries ----------------------------------------------------------------------------------------


def attachments_of(owner: models.Model):
    """The owner's attachments, oldest first, with their uploaders."""
    content_type = ContentType.objects.get_for_model(owner, for_concrete_model=True)
    return Attachment.objects.filter(content_type=content_type, object_id=owner.pk).select_related(
        "uploaded_by"
    )


def owner_of(attachment: Attachment) -> models.Model | None:
    """The record the file is attached to (None if it no longer exists)."""
    model = attachment.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=attachment.object_id).first()


def _as(user):
    """Attribute the audit event to ``user`` when no request or command names the actor."""
    if current_actor().user_id is None and getattr(user, "pk", None):
        return acting_as(user)
    return contextlib.nullcontext()


# Storing ----------------------------------------------------------------------------------------


def storage_root() -> Path:
    return Path(settings.MEDIA_ROOT) / SUBDIR


def path_of(attachment: Attachment) -> Path:
    """Where the file lies; a stored name that would lead out of the store is refused."""
    root = storage_root().resolve()
    path = (Path(settings.MEDIA_ROOT) / attachment.file).resolve()
    if not path.is_relative_to(root):
        raise Http404
    return path


def clean_name(name: str) -> str:
    """The file's own name, without any folders, for showing and for the download's name."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:255]


def _limit_mb() -> int:
    return settings.KECHUANG_ATTACHMENT_MAX_BYTES // (1024 * 1024)


def _too_large() -> AttachmentError:
    # The same words (and translation) as the import upload's limit.
    return AttachmentError(_("The file is larger than %(limit)d MB.") % {"limit": _limit_mb()})


def _check_kind(name: str) -> tuple[str, FileKind]:
    extension = os.path.splitext(name)[1].lower()
    kind = KINDS.get(extension)
    if kind is None or not name[: -len(extension)].strip():
        raise AttachmentError(
            _(
                "“%(name)s” cannot be attached: only PDF, Word (.doc, .docx), Excel (.xls, .xlsx) "
                "and image (.jpg, .png) files are accepted."
            )
            % {"name": name or "?"}
        )
    return extension, kind


def _check_content(path: Path, head: bytes, name: str, extension: str, kind: FileKind) -> None:
    mismatch = AttachmentError(
        _(
            "The content of “%(name)s” is not a %(extension)s file. Save it again in that "
            "format, or give it the extension that matches its content."
        )
        % {"name": name, "extension": extension}
    )
    if not head.startswith(kind.magic):
        raise mismatch
    if kind.zip_folder:
        try:
            with zipfile.ZipFile(path) as package:
                names = package.namelist()
        except (zipfile.BadZipFile, OSError):
            raise mismatch from None
        if not any(entry.startswith(kind.zip_folder) for entry in names):
            raise mismatch


def _write(uploaded_file, directory: Path) -> tuple[Path, bytes, int, str]:
    """Stream the upload to a temporary file in ``directory``: (path, first bytes, size,
    sha256). The size limit is enforced on the bytes actually received."""
    limit = settings.KECHUANG_ATTACHMENT_MAX_BYTES
    digest = hashlib.sha256()
    head = b""
    size = 0
    descriptor, name = tempfile.mkstemp(dir=directory, prefix=".upload-")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as out:
            for chunk in uploaded_file.chunks():
                size += len(chunk)
                if size > limit:
                    raise _too_large()
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary, head, size, digest.hexdigest()


def store(owner: models.Model, uploaded_file, user, purpose: str = "") -> Attachment:
    """Check ``uploaded_file`` (a Django UploadedFile), store it and attach it to ``owner``.

    Raises :class:`AttachmentError` with a message for the user when the file is refused.
    The caller decides whether ``user`` may change ``owner`` (see :func:`can_change`).
    """
    name = clean_name(getattr(uploaded_file, "name", ""))
    extension, kind = _check_kind(name)
    declared = getattr(uploaded_file, "size", None)
    if declared == 0:
        raise AttachmentError(_("“%(name)s” is empty.") % {"name": name})
    if declared is not None and declared > settings.KECHUANG_ATTACHMENT_MAX_BYTES:
        raise _too_large()

    today = timezone.localdate()
    directory = storage_root() / f"{today:%Y}" / f"{today:%m}"
    directory.mkdir(parents=True, exist_ok=True)
    temporary, head, size, sha256 = _write(uploaded_file, directory)
    final = directory / uuid.uuid4().hex
    try:
        if size == 0:
            raise AttachmentError(_("“%(name)s” is empty.") % {"name": name})
        _check_content(temporary, head, name, extension, kind)
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    try:
        with _as(user), transaction.atomic():
            attachment = Attachment.objects.create(
                content_type=ContentType.objects.get_for_model(owner, for_concrete_model=True),
                object_id=owner.pk,
                purpose=(purpose or "")[:50],
                file=final.relative_to(Path(settings.MEDIA_ROOT)).as_posix(),
                original_name=name,
                mime_type=kind.mime_type,
                size=size,
                sha256=sha256,
                uploaded_by=user if getattr(user, "pk", None) else None,
            )
            chain.record(
                AuditAction.UPDATE,
                owner,
                comment=_("Attachment added: %(name)s (%(size)s bytes, SHA-256 %(sha256)s)")
                % {"name": name, "size": size, "sha256": sha256},
            )
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    return attachment


# Reading and deleting ---------------------------------------------------------------------------


def _ascii_fallback(name: str) -> str:
    text = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in name)
    return text or "download"


def open_for_download(attachment: Attachment) -> FileResponse:
    """The file as a download (never shown inline), typed as we decided when it was stored."""
    try:
        handle = path_of(attachment).open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.mime_type)
    name = attachment.original_name or "download"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def delete(attachment: Attachment, user=None) -> None:
    """Delete the attachment; its file goes once the transaction has committed (a rolled-back
    delete keeps it). The caller decides whether ``user`` may (see :func:`can_change`)."""
    path = path_of(attachment)
    owner = owner_of(attachment)
    with _as(user), transaction.atomic():
        # Audited against the record it belonged to (or itself, if that record is gone).
        chain.record(
            AuditAction.UPDATE if owner is not None else AuditAction.DELETE,
            owner if owner is not None else attachment,
            comment=_("Attachment deleted: %(name)s (SHA-256 %(sha256)s)")
            % {"name": attachment.original_name, "sha256": attachment.sha256},
        )
        attachment.delete()
        transaction.on_commit(lambda: path.unlink(missing_ok=True))
