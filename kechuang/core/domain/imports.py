"""Excel imports: upload → check in the background (preview, row errors) → commit, all or nothing.

An area defines an :class:`Importer` (its columns, how a row is parsed, how the rows are
written) and registers it with :func:`register`. The web views and the background tasks here do
the rest, the same way for every registry.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.audit import chain
from kechuang.audit.context import acting_as
from kechuang.audit.enums import AuditAction

from ..enums import ImportStatus
from ..interfaces.excel import ExcelFileError, cell_text, read_first_sheet
from ..models import ImportJob
from .errors import DomainError

MAX_LISTED_ERRORS = 500
PREVIEW_ROWS = 20
PROGRESS_EVERY = 500


class RowError(DomainError):
    """A bad cell: the refusal names the column (its header) the user must correct."""

    def __init__(self, column: str, message: str):
        super().__init__(message, field=column)
        self.column = column


# Reading cells (each raises RowError naming the column of a bad value) ---------------------


def parse_decimal(text: str, column: str) -> decimal.Decimal | None:
    if not text:
        return None
    try:
        value = decimal.Decimal(text.replace(",", ""))
    except decimal.InvalidOperation:
        raise RowError(column, _("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():  # NaN, Infinity
        raise RowError(column, _("“%(value)s” is not a number.") % {"value": text})
    if value < 0 or value >= 10**12:
        raise RowError(column, _("%(value)s is out of range.") % {"value": text})
    return value.quantize(decimal.Decimal("0.01"))


# The words a yes/no cell may hold (any case), in every import of every area.
YES = frozenset({"是", "y", "yes", "true", "1"})
NO = frozenset({"否", "n", "no", "false", "0"})


def parse_yes_no(text: str, column: str, *, yes=YES) -> bool | None:
    """是 or 否 (or y/n, yes/no, true/false, 1/0); None for an empty cell. ``yes`` may add a
    column's own word for yes (``规上`` for "above scale")."""
    value = (text or "").strip().lower()
    if not value:
        return None
    if value in yes:
        return True
    if value in NO:
        return False
    raise RowError(column, _("Write 是 or 否, not “%(value)s”.") % {"value": value})


def parse_integer(text: str, column: str) -> int | None:
    value = parse_decimal(text, column)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise RowError(column, _("“%(value)s” is not a whole number.") % {"value": text})
    return int(value)


def parse_date(raw, text: str, column: str) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RowError(column, _("“%(value)s” is not a date (use 2020-12-31).") % {"value": text})


@dataclass(frozen=True)
class Column:
    header: str  # the Chinese header the template and the export use
    field: str
    header_en: str = ""
    required: bool = False
    # The values the template's drop-down offers (code lists, 是/否), or what lists them when
    # the template is made (a function: the towns or code-list items of the day).
    options: tuple[str, ...] | Callable[[], list[str]] = ()

    def option_values(self) -> list[str]:
        options = self.options() if callable(self.options) else self.options
        return [str(option) for option in options]


@dataclass
class ParsedRow:
    number: int  # the row's number in Excel (the header is row 1)
    values: dict


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    total: int = 0

    def add_error(self, number: int, column: str, message: str) -> None:
        self.errors.append({"row": number, "column": column, "message": str(message)})


CHECKED_VERSION = "checked_version"  # a row's note of the version the check saw (None: new)


class StaleImportError(Exception):
    """A record a row writes changed after the file was checked: nothing is imported."""


def stale_message() -> str:
    return _("Someone changed this record after the file was checked; check the file again.")


@dataclass
class CommitResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    events: list = field(default_factory=list)


class Importer:
    """Subclass per registry. ``columns`` define the template, the export and the parsing."""

    key = ""
    label = ""
    permission = ""  # the role permission needed to import
    do_not_call_in_templates = True  # templates show the class's label and columns
    list_url_name = ""  # where the imported records are listed
    columns: list[Column] = []

    def __init__(self, user):
        self.user = user

    def prepare(self, cells: list[list]) -> None:
        """Load what parsing needs (lookup tables) once per file."""

    def example(self) -> dict:
        """Example values by column field, for the template's guide sheet."""
        return {}

    def column_of(self, name: str) -> str:
        """The header of the column a field is read from (the field's name if none)."""
        return next((c.header for c in self.columns if c.field == name), name)

    def parse_row(self, values: dict[str, str], raw: dict[str, object]) -> dict:
        """Turn one row's cells into clean values; raise RowError for the first bad cell."""
        raise NotImplementedError

    def check_file(self, result: ParseResult) -> None:
        """Checks across rows and against the database (duplicates, permissions)."""

    def commit(self, rows: list[ParsedRow]) -> CommitResult:
        raise NotImplementedError

    @staticmethod
    def note_version(result: ParseResult, row: ParsedRow, version, column: str) -> None:
        """Concurrent edits: remember the version of the record the row writes as the preview
        saw it (None for a new record); when the rows are checked again before the commit, a
        record changed — or created — since then is an error of the row."""
        seen = row.values.setdefault(CHECKED_VERSION, version)
        if seen != version:
            result.add_error(row.number, column, stale_message())

    @staticmethod
    def refuse_if_stale(values: dict, version) -> None:
        """In the commit's transaction, with the record locked: the version must still be the
        one the check saw (a row checked before this rule existed carries none)."""
        if CHECKED_VERSION in values and values[CHECKED_VERSION] != version:
            raise StaleImportError(stale_message())

    def decode(self, values: dict) -> dict:
        """Parsed values back from their JSON form (dates and decimals arrive as strings)."""
        return values

    def preview_of(self, row: ParsedRow) -> dict:
        return {
            "row": row.number,
            **{k: cell for k, cell in row.values.items() if k in self.preview_fields},
        }

    preview_fields: tuple[str, ...] = ()

    # -- the shared part ------------------------------------------------------------------
    def header_map(self, header_row: list) -> dict[str, int]:
        """Column positions by field; raises ExcelFileError naming what is missing or unknown."""
        known = {}
        for column in self.columns:
            known[column.header] = column
            if column.header_en:
                known[column.header_en.lower()] = column
        positions, unknown = {}, []
        for index, cell in enumerate(header_row):
            text = cell_text(cell).rstrip("*").strip()
            if not text:
                continue
            column = known.get(text) or known.get(text.lower())
            if column is None:
                unknown.append(text)
            elif column.field in positions:
                raise ExcelFileError(_("The column “%(column)s” appears twice.") % {"column": text})
            else:
                positions[column.field] = index
        missing = [c.header for c in self.columns if c.required and c.field not in positions]
        if missing or unknown:
            parts = []
            if missing:
                parts.append(
                    _("missing required columns: %(columns)s") % {"columns": "、".join(missing)}
                )
            if unknown:
                parts.append(_("unknown columns: %(columns)s") % {"columns": "、".join(unknown)})
            expected = "、".join(c.header for c in self.columns)
            raise ExcelFileError(
                _(
                    "The header row does not match the template (%(problems)s). Expected columns: %(expected)s."
                )
                % {"problems": "; ".join(parts), "expected": expected}
            )
        return positions

    def parse(self, cells: list[list], progress=None) -> ParseResult:
        if not cells:
            raise ExcelFileError(_("The file is empty."))
        positions = self.header_map(cells[0])
        body = cells[1:]
        result = ParseResult(total=len(body))
        if not body:
            raise ExcelFileError(_("The file has a header row but no data rows."))
        self.prepare(body)
        by_header = {c.field: c.header for c in self.columns}
        for offset, cells_of_row in enumerate(body):
            number = offset + 2
            raw = {
                f: (cells_of_row[i] if i < len(cells_of_row) else None)
                for f, i in positions.items()
            }
            text = {f: cell_text(v) for f, v in raw.items()}
            if not any(text.values()):
                continue
            try:
                result.rows.append(ParsedRow(number, self.parse_row(text, raw)))
            except RowError as error:
                result.add_error(number, by_header.get(error.column, error.column), error.message)
            except DomainError as error:  # a rule of the area refused the row's values
                result.add_error(number, self.column_of(error.field or ""), error.message)
            if progress and offset % PROGRESS_EVERY == 0:
                progress(offset)
        if not result.rows and not result.errors:
            raise ExcelFileError(_("The file has a header row but no data rows."))
        self.check_file(result)
        result.errors.sort(key=lambda e: e["row"])
        return result


_importers: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    _importers[importer.key] = importer
    return importer


def importer_for(key: str) -> type[Importer]:
    return _importers[key]


def storage_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_import(importer_key: str, uploaded, user, language: str = "") -> ImportJob:
    """Store the upload outside the web root and queue its check. Row errors will be written
    in ``language`` (the uploader's), the site's default when empty."""
    from ..tasks import check_import

    if uploaded.size > settings.KECHUANG_IMPORT_MAX_BYTES:
        raise ExcelFileError(
            _("The file is larger than %(limit)d MB.")
            % {"limit": settings.KECHUANG_IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    if not uploaded.name.lower().endswith(".xlsx"):
        raise ExcelFileError(_("Only Excel workbooks (.xlsx) can be imported."))
    stored = storage_dir() / f"{uuid.uuid4().hex}.xlsx"
    digest = hashlib.sha256()
    with stored.open("wb") as out:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            out.write(chunk)
    job = ImportJob.objects.create(
        importer=importer_key,
        language=language or settings.LANGUAGE_CODE,
        created_by=user,
        file=stored.name,
        original_name=uploaded.name[:255],
        size=uploaded.size,
        sha256=digest.hexdigest(),
    )
    check_import.enqueue(job.pk)
    return job


def _load(job: ImportJob) -> tuple[Importer, ParseResult]:
    importer = importer_for(job.importer)(job.created_by)
    cells = read_first_sheet(storage_dir() / job.file)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            processed_rows=done, total_rows=max(len(cells) - 1, 0)
        )

    return importer, importer.parse(cells, progress)


def _checked_rows_path(job: ImportJob) -> Path:
    return storage_dir() / f"{job.file}.rows.json"


def _save_checked_rows(job: ImportJob, result: ParseResult) -> None:
    """Keep the parsed rows of a file that passed its check, so the commit need not parse the
    workbook again (it still re-checks what depends on the database)."""
    payload = {"sha256": job.sha256, "rows": [[r.number, r.values] for r in result.rows]}
    _checked_rows_path(job).write_text(
        json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False), encoding="utf-8"
    )


def _load_checked(job: ImportJob) -> tuple[Importer, ParseResult]:
    path = _checked_rows_path(job)
    if not path.exists():
        return _load(job)
    payload = json.loads(path.read_text(encoding="utf-8"))
    if payload.get("sha256") != job.sha256:
        return _load(job)
    importer = importer_for(job.importer)(job.created_by)
    rows = [ParsedRow(number, importer.decode(values)) for number, values in payload["rows"]]
    result = ParseResult(rows=rows, total=len(rows))
    importer.check_file(result)
    return importer, result


def _finish(job: ImportJob, status: str, **fields) -> None:
    for name, value in {"status": status, "finished_at": timezone.now(), **fields}.items():
        setattr(job, name, value)
    job.save()


def check(job: ImportJob) -> None:
    """Parse and check every row; record the preview or the errors. Writes no records."""
    try:
        importer, result = _load(job)
    except ExcelFileError as error:
        _finish(job, ImportStatus.INVALID, message=str(error), error_count=0)
        return
    fields = {
        "total_rows": len(result.rows) + len({e["row"] for e in result.errors}),
        "processed_rows": result.total,
        "errors": result.errors[:MAX_LISTED_ERRORS],
        "error_count": len(result.errors),
        "preview": [importer.preview_of(row) for row in result.rows[:PREVIEW_ROWS]],
        "finished_at": None,
    }
    job.status = ImportStatus.INVALID if result.errors else ImportStatus.READY
    for name, value in fields.items():
        setattr(job, name, value)
    if not result.errors:
        _save_checked_rows(job, result)
    job.save()


def confirm(job: ImportJob) -> bool:
    """Move a checked job to committing (once: a second confirmation changes nothing)."""
    from ..tasks import commit_import

    moved = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.COMMITTING, processed_rows=0
    )
    if moved:
        commit_import.enqueue(job.pk)
    return bool(moved)


def commit(job: ImportJob) -> None:
    """Check the rows again (records may have changed since the preview), then write every
    row in one transaction with its audit events — or nothing at all."""
    try:
        importer, result = _load_checked(job)
    except ExcelFileError as error:
        _finish(job, ImportStatus.FAILED, message=str(error))
        return
    if result.errors:
        _finish(
            job,
            ImportStatus.INVALID,
            errors=result.errors[:MAX_LISTED_ERRORS],
            error_count=len(result.errors),
            message=_("Records changed since the check; nothing was imported."),
        )
        return
    batch = uuid.uuid4()
    try:
        with acting_as(job.created_by), transaction.atomic():
            outcome = importer.commit(result.rows)
            summary = chain.pending(
                AuditAction.IMPORT,
                job,
                changes={
                    "file": job.original_name,
                    "sha256": job.sha256,
                    "created": outcome.created,
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                },
                comment=str(importer.label),
            )
            chain.record_many([summary, *outcome.events], batch=batch)
    except StaleImportError:  # rolled back: someone saved a record between check and commit
        _finish(
            job,
            ImportStatus.INVALID,
            message=_("Records changed since the check; nothing was imported."),
        )
        return
    except Exception as error:  # the transaction rolled back: nothing was written
        _finish(
            job,
            ImportStatus.FAILED,
            message=_("Import failed, nothing was written: %(error)s") % {"error": error},
        )
        raise
    _finish(
        job,
        ImportStatus.DONE,
        processed_rows=len(result.rows),
        created_count=outcome.created,
        updated_count=outcome.updated,
        unchanged_count=outcome.unchanged,
        message="",
    )
