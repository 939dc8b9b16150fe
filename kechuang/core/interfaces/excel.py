"""Reading and writing Excel files (python-calamine to read, xlsxwriter to write)."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


class ExcelFileError(Exception):
    """The file as a whole cannot be imported; the message says why, for the user."""


def _check_container(path: Path) -> None:
    if path.stat().st_size == 0:
        raise ExcelFileError(_("The file is empty."))
    if not zipfile.is_zipfile(path):
        raise ExcelFileError(
            _("The file is not an Excel workbook (.xlsx). Save it from Excel as .xlsx and retry.")
        )
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names or not any(
            n.startswith("xl/worksheets/") for n in names
        ):
            raise ExcelFileError(
                _(
                    "The file is not an Excel workbook (.xlsx). Save it from Excel as .xlsx and retry."
                )
            )
        sheet = sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))[:1]
        for name in sheet:
            if _has_formula(archive, name):
                raise ExcelFileError(
                    _(
                        "The worksheet contains formulas. Imports take values only: copy the "
                        "cells and paste them as values, then import again."
                    )
                )


def _has_formula(archive: zipfile.ZipFile, name: str) -> bool:
    tail = b""
    with archive.open(name) as stream:
        while chunk := stream.read(1 << 20):
            if FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def read_first_sheet(path: Path) -> list[list]:
    """All rows of the first worksheet as Python values (str, float, int, date, …)."""
    _check_container(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise ExcelFileError(_("The workbook has no worksheet."))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except ExcelFileError:
        raise
    except Exception as error:  # calamine reports damaged files with various errors
        raise ExcelFileError(
            _("The workbook cannot be read: %(error)s") % {"error": error}
        ) from error
    while rows and all(cell in ("", None) for cell in rows[-1]):
        rows.pop()
    return rows


def yes_no(value) -> str:
    """A yes/no cell as the imports read it back: 是 or 否 ("" for unknown)."""
    if value is None:
        return ""
    return "是" if value else "否"


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def write_workbook(
    stream, sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence], *, widths=None
) -> int:
    """Write one worksheet to ``stream``; returns the number of data rows written."""
    workbook = xlsxwriter.Workbook(
        stream, {"constant_memory": True, "in_memory": False, "default_date_format": "yyyy-mm-dd"}
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, str(header), bold)
        sheet.set_column(col, col, (widths or {}).get(col, max(12, len(str(header)) * 2 + 2)))
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_boolean(count, col, value)
            elif isinstance(value, dt.date):
                sheet.write_datetime(count, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(count, col, value)
            elif isinstance(value, decimal.Decimal):
                sheet.write_number(count, col, float(value))
            else:
                sheet.write_string(count, col, str(value))
    sheet.freeze_panes(1, 0)
    workbook.close()
    return count


def workbook_bytes(sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.BytesIO()
    write_workbook(buffer, sheet_name, headers, rows)
    return buffer.getvalue()


TEMPLATE_SHEET = "导入模板"
GUIDE_SHEET = "填写说明"
OPTIONS_SHEET = "可选值"
INLINE_OPTIONS = 255  # Excel's limit for a drop-down's values written in the rule itself
TEMPLATE_ROWS = 5000  # rows of the template whose cells offer the drop-downs


def template_bytes(columns: Sequence, example: dict | None = None) -> bytes:
    """An import template: the header row (the first sheet, the one an import reads) with a
    drop-down for each column that has ``options`` (code lists, 是/否), and a guide sheet that
    says, column by column, whether it is required, what it accepts and an example value."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"default_date_format": "yyyy-mm-dd"})
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    required_format = workbook.add_format({"bold": True, "bg_color": "#FDECEA", "border": 1})
    sheet = workbook.add_worksheet(TEMPLATE_SHEET)
    guide = workbook.add_worksheet(GUIDE_SHEET)
    lists = None
    example = example or {}
    for col, column in enumerate(columns):
        header = str(column.header)
        sheet.write_string(0, col, header, required_format if column.required else bold)
        sheet.set_column(col, col, max(12, len(header) * 2 + 2))
        options = column.option_values()
        if options:
            if len(",".join(options)) <= INLINE_OPTIONS:
                source = options
            else:
                if lists is None:
                    lists = workbook.add_worksheet(OPTIONS_SHEET)
                    lists.hide()
                for row, option in enumerate(options):
                    lists.write_string(row, col, option)
                letter = xlsxwriter.utility.xl_col_to_name(col)
                source = f"='{OPTIONS_SHEET}'!${letter}$1:${letter}${len(options)}"
            sheet.data_validation(
                1,
                col,
                TEMPLATE_ROWS,
                col,
                {
                    "validate": "list",
                    "source": source,
                    "error_title": header,
                    "error_message": "请从下拉列表中选择。",
                },
            )
    sheet.freeze_panes(1, 0)
    for col, title in enumerate(("列名", "是否必填", "可填写的值", "示例")):
        guide.write_string(0, col, title, bold)
    guide.set_column(0, 0, 28)
    guide.set_column(1, 1, 10)
    guide.set_column(2, 2, 60)
    guide.set_column(3, 3, 24)
    for row, column in enumerate(columns, start=1):
        guide.write_string(row, 0, str(column.header))
        guide.write_string(row, 1, "是" if column.required else "否")
        guide.write_string(row, 2, "、".join(column.option_values()))
        value = example.get(column.field)
        if isinstance(value, dt.date):
            guide.write_string(row, 3, value.isoformat())
        elif value not in (None, ""):
            guide.write(row, 3, value)
    workbook.close()
    return buffer.getvalue()


def in_chunks(queryset, loader, size: int = 2000):
    """The records of ``queryset`` in its order, loaded ``size`` at a time through ``loader``
    (a queryset of the same model with its select/prefetch_related).

    Exports read this way instead of through a server-side cursor, which would hold a
    transaction open for the whole download.
    """
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        by_id = {obj.pk: obj for obj in loader.filter(pk__in=chunk)}
        yield from (by_id[pk] for pk in chunk if pk in by_id)


@dataclass(frozen=True)
class Export:
    """A list's Excel export in its import template's columns (an export re-imports
    unchanged). Each row is a {column field: value} mapping; the columns order it."""

    sheet: str  # also the name of the downloaded file
    columns: list  # of core.domain.imports.Column
    loader: Callable[[], QuerySet]  # the records with what their rows read
    row: Callable[[object], dict]

    def write(self, stream, queryset) -> int:
        """Write the records of ``queryset`` in its order; returns the number of rows."""
        fields = [c.field for c in self.columns]
        records = in_chunks(queryset, self.loader())
        rows = ([values.get(f) for f in fields] for values in map(self.row, records))
        return write_workbook(stream, self.sheet, [c.header for c in self.columns], rows)
