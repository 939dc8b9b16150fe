"""Excel files of the expert review and the acceptance meetings.

* :func:`sign_in_sheet` — the 签到表 of an acceptance meeting, one worksheet per session: the
  meeting, date and place, then the panel and the undertakers' representatives, each with a
  blank signature cell;
* :func:`score_sheet` — the 评分表, one worksheet per project on the agenda: the project's facts,
  the call's criteria with their weights and blank score cells, the conclusion to tick, the
  opinion and the signature lines;

The printable sheets are laid out for A4 paper: merged title cells, borders, the title and the
table header repeated on every printed page, page numbers in the footer.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..enums import Conclusion
from ..models import AcceptanceMeeting, MeetingSession, SessionProject

A4 = 9
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _date(value) -> str:
    return value.isoformat() if value else ""


def _time_range(session: MeetingSession) -> str:
    if session.starts_at and session.ends_at:
        return f"{session.starts_at:%H:%M}–{session.ends_at:%H:%M}"
    if session.starts_at:
        return f"{session.starts_at:%H:%M}"
    return ""


def _sheet_name(text: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\), unique in the book."""
    base = SHEET_NAME_BAD.sub(" ", text).strip().strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        font = {"font_name": "SimSun", "font_size": 11}
        self.title = book.add_format(
            {**font, "bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
        )
        self.subtitle = book.add_format({**font, "align": "center", "valign": "vcenter"})
        self.info = book.add_format({**font, "align": "left", "valign": "vcenter"})
        self.header = book.add_format(
            {
                **font,
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#EEEEEE",
            }
        )
        self.cell = book.add_format({**font, "border": 1, "valign": "vcenter", "text_wrap": True})
        self.centre = book.add_format(
            {**font, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
        )
        self.number = book.add_format(
            {**font, "border": 1, "align": "center", "valign": "vcenter", "num_format": "General"}
        )
        self.section = book.add_format(
            {**font, "bold": True, "border": 1, "valign": "vcenter", "bg_color": "#F7F7F7"}
        )
        self.label = book.add_format(
            {**font, "bold": True, "border": 1, "valign": "vcenter", "text_wrap": True}
        )
        self.tall = book.add_format({**font, "border": 1, "valign": "top", "text_wrap": True})
        self.line = book.add_format({**font, "bottom": 1, "valign": "bottom"})
        self.plain = book.add_format({**font, "valign": "bottom"})


def _print_setup(
    sheet, *, last_row: int, last_col: int, repeat_to: int, landscape: bool = False
) -> None:
    sheet.set_paper(A4)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_margins(left=0.6, right=0.6, top=0.7, bottom=0.7)
    sheet.center_horizontally()
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages long as needed
    sheet.repeat_rows(0, repeat_to)
    sheet.print_area(0, 0, last_row, last_col)
    sheet.set_footer("&C" + _("Page &P of &N"))


def _meeting_line(meeting: AcceptanceMeeting, session: MeetingSession | None) -> str:
    parts = [
        _("Date: %(date)s") % {"date": _date(meeting.held_on)},
        _("Place: %(place)s") % {"place": meeting.place},
    ]
    if session is not None:
        when = _time_range(session)
        parts.append(_("Session: %(session)s") % {"session": f"{session.name} {when}".strip()})
    return "    ".join(parts)


def _agency_line(meeting: AcceptanceMeeting) -> str:
    if meeting.agency_id:
        return _("Delegated to: %(agency)s") % {"agency": meeting.agency.name}
    return ""


# Sign-in sheet ------------------------------------------------------------------------------------

SIGN_IN_COLUMNS = (6, 14, 30, 14, 34, 16, 18)
SPARE_ROWS = 3


def sign_in_headers() -> list[str]:
    return [
        _("No."),
        _("Name"),
        _("Organisation"),
        pgettext("professional title", "Title"),
        _("Panel role or project"),
        _("Phone"),
        _("Signature"),
    ]


def sign_in_sheet(meeting: AcceptanceMeeting) -> bytes:
    """The sign-in sheet (签到表) as an .xlsx: a worksheet per session (one for the meeting
    when it has none)."""
    panel = list(
        meeting.panel.select_related("expert__organisation", "expert__title").order_by("role", "id")
    )
    sessions = list(meeting.sessions.all()) or [None]
    slots = _slots(meeting)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fmt = _Formats(book)
    taken: set[str] = set()
    for session in sessions:
        name = session.name if session else _("Sign-in sheet")
        people = [
            [
                member.expert.name,
                member.expert.organisation.name,
                str(member.expert.title) if member.expert.title_id else "",
                member.get_role_display(),
                "",
            ]
            for member in panel
        ]
        representatives = [
            [
                slot.application.leader_name,
                slot.application.undertaker.name,
                "",
                slot.application.name,
                "",
            ]
            for slot in slots
            if session is None or slot.session_id == session.pk
        ]
        spare = [[""] * 5 for _spare in range(SPARE_ROWS)]
        _SignIn(book.add_worksheet(_sheet_name(name, taken)), fmt).write(
            meeting,
            session,
            [
                (_("Expert panel"), people),
                (_("Representatives of the undertaking organisations"), representatives),
                (_("Others attending"), spare),
            ],
        )
    book.close()
    return buffer.getvalue()


class _SignIn:
    """One worksheet of the sign-in sheet."""

    last = len(SIGN_IN_COLUMNS) - 1

    def __init__(self, sheet, fmt: _Formats):
        self.sheet, self.fmt = sheet, fmt

    def write(self, meeting, session, sections) -> None:
        sheet, fmt, last = self.sheet, self.fmt, self.last
        for col, width in enumerate(SIGN_IN_COLUMNS):
            sheet.set_column(col, col, width)
        title = _("%(meeting)s — sign-in sheet") % {"meeting": meeting.name}
        sheet.merge_range(0, 0, 0, last, title, fmt.title)
        sheet.set_row(0, 30)
        sheet.merge_range(1, 0, 1, last, _meeting_line(meeting, session), fmt.subtitle)
        row = 2
        agency = _agency_line(meeting)
        if agency:
            sheet.merge_range(row, 0, row, last, agency, fmt.subtitle)
            row += 1
        header_row = row
        for col, header in enumerate(sign_in_headers()):
            sheet.write_string(header_row, col, header, fmt.header)
        sheet.set_row(header_row, 24)
        row += 1
        number = 0
        for title, people in sections:
            sheet.merge_range(row, 0, row, last, title, fmt.section)
            sheet.set_row(row, 22)
            row += 1
            for values in people:
                number += 1
                sheet.write_number(row, 0, number, fmt.centre)
                for col, value in enumerate(values, start=1):
                    sheet.write_string(row, col, value, fmt.cell)
                sheet.write_blank(row, last, None, fmt.cell)  # the signature
                sheet.set_row(row, 30)
                row += 1
        _print_setup(sheet, last_row=row - 1, last_col=last, repeat_to=header_row)


def _slots(meeting: AcceptanceMeeting) -> list[SessionProject]:
    return list(
        SessionProject.objects.filter(session__meeting=meeting)
        .select_related("session", "application__undertaker", "application__call")
        .order_by("session__sort", "session_id", "sort", "id")
    )


# Score sheet ---------------------------------------------------------------------------------

SCORE_COLUMNS = (6, 20, 40, 10, 12, 12)
BLANK_CRITERIA = 5


def score_headers() -> list[str]:
    return [
        _("No."),
        _("Criterion"),
        _("What is assessed"),
        _("Weight"),
        _("Highest value"),
        _("Score"),
    ]


def score_sheet(meeting: AcceptanceMeeting) -> bytes:
    """The score sheet (评分表) as an .xlsx: a worksheet per project on the agenda, in the
    order of the sessions."""
    slots = _slots(meeting)
    criteria: dict[int, list] = {}
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fmt = _Formats(book)
    taken: set[str] = set()
    last = len(SCORE_COLUMNS) - 1
    if not slots:
        sheet = book.add_worksheet(_sheet_name(_("Score sheet"), taken))
        sheet.write_string(0, 0, _("No project is on this meeting's agenda yet."), fmt.info)
    for index, slot in enumerate(slots, start=1):
        application = slot.application
        if application.call_id not in criteria:
            criteria[application.call_id] = list(application.call.criteria.all())
        sheet = book.add_worksheet(_sheet_name(f"{index} {application.name}", taken))
        for col, width in enumerate(SCORE_COLUMNS):
            sheet.set_column(col, col, width)
        sheet.merge_range(0, 0, 0, last, _("Acceptance score sheet"), fmt.title)
        sheet.set_row(0, 30)
        sheet.merge_range(1, 0, 1, last, meeting.name, fmt.subtitle)
        sheet.merge_range(2, 0, 2, last, _meeting_line(meeting, slot.session), fmt.subtitle)
        row = 4
        facts = [
            (_("Project"), application.name),
            (_("Number"), application.number or ""),
            (_("Undertaking organisation"), application.undertaker.name),
            (_("Project leader"), application.leader_name),
            (
                pgettext("project dates", "Period"),
                f"{_date(application.starts_on)} — {_date(application.current_end)}",
            ),
            (_("Task contract number"), application.contract_number),
            (
                _("Funding approved (10k yuan)"),
                _money(application.approved_funding),
            ),
        ]
        for label, value in facts:
            sheet.merge_range(row, 0, row, 1, label, fmt.label)
            sheet.merge_range(row, 2, row, last, value, fmt.cell)
            sheet.set_row(row, 22)
            row += 1
        row += 1
        header_row = row
        for col, header in enumerate(score_headers()):
            sheet.write_string(header_row, col, header, fmt.header)
        sheet.set_row(header_row, 24)
        row += 1
        items = criteria[application.call_id]
        for number, criterion in enumerate(items, start=1):
            sheet.write_number(row, 0, number, fmt.centre)
            sheet.write_string(row, 1, criterion.name, fmt.cell)
            sheet.write_string(row, 2, criterion.description, fmt.cell)
            sheet.write_number(row, 3, float(criterion.weight), fmt.number)
            sheet.write_number(row, 4, float(criterion.max_value), fmt.number)
            sheet.write_blank(row, 5, None, fmt.cell)
            sheet.set_row(row, 30)
            row += 1
        for number in range(len(items) + 1, len(items) + 1 + (0 if items else BLANK_CRITERIA)):
            sheet.write_number(row, 0, number, fmt.centre)
            for col in range(1, last + 1):
                sheet.write_blank(row, col, None, fmt.cell)
            sheet.set_row(row, 30)
            row += 1
        sheet.merge_range(row, 0, row, last - 1, _("Weighted score (Σ score × weight)"), fmt.label)
        sheet.write_blank(row, last, None, fmt.cell)
        sheet.set_row(row, 26)
        row += 2
        ticks = "    ".join(f"□ {label}" for label in Conclusion.labels)
        sheet.merge_range(row, 0, row, 1, _("Conclusion"), fmt.label)
        sheet.merge_range(row, 2, row, last, ticks, fmt.cell)
        sheet.set_row(row, 26)
        row += 1
        sheet.merge_range(row, 0, row, 1, _("Opinion"), fmt.label)
        sheet.merge_range(row, 2, row, last, "", fmt.tall)
        sheet.set_row(row, 150)
        row += 2
        sheet.merge_range(row, 0, row, 1, _("Expert's signature:"), fmt.plain)
        sheet.merge_range(row, 2, row, 3, "", fmt.line)
        sheet.write_string(row, 4, _("Date:"), fmt.plain)
        sheet.write_blank(row, 5, None, fmt.line)
        sheet.set_row(row, 30)
        _print_setup(sheet, last_row=row, last_col=last, repeat_to=2)
        sheet.fit_to_pages(1, 1)
    book.close()
    return buffer.getvalue()


def _money(value) -> str:
    return "" if value is None else f"{Decimal(value):,.2f}"
