"""Excel exports of the plan-project area: the projects in their import template's columns (an
export re-imports unchanged), the calls and acceptance meetings lists, a call's review results
for the staff, and an expert's own assignments. Each row is a {column field: value} mapping; the columns order it.
"""

from __future__ import annotations

from django.utils import timezone

from kechuang.core.interfaces.excel import Export, write_workbook
from kechuang.registry.interfaces.exporters import organisation_cells

from .. import models
from ..domain.meetings import with_counts
from ..domain.scoring import ApplicationScore
from ..enums import ReviewState
from .columns import (
    APPLICATION_COLUMNS,
    ASSIGNMENT_COLUMNS,
    CALL_COLUMNS,
    LIST_SEPARATOR,
    MEETING_COLUMNS,
    RESULT_COLUMNS,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def organisation_list(organisations) -> str:
    """Organisations in one cell, each by its credit code (or its name when it has none)."""
    return LIST_SEPARATOR.join(sorted(org.uscc or org.name for org in organisations))


def name_of(item) -> str:
    return item.name if item is not None else ""


def application_row(a) -> dict:
    return {
        "call": a.call.code,
        "number": a.number or "",
        "name": a.name,
        **organisation_cells("undertaker", a.undertaker),
        "cooperators": organisation_list(a.cooperators.all()),
        "leader_name": a.leader_name,
        "leader_phone": a.leader_phone,
        "tech_field": name_of(a.tech_field),
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "requested_funding": a.requested_funding,
        "self_funding": a.self_funding,
        "state": a.get_state_display(),
        "approved_on": a.approved_on,
        "approved_funding": a.approved_funding,
        "publicity_until": a.publicity_until,
        "contract_number": a.contract_number,
        "contract_signed_on": a.contract_signed_on,
        "midterm_result": a.get_midterm_result_display() if a.midterm_result else "",
        "midterm_on": a.midterm_on,
        "extended_until": a.extended_until,
        "conclusion": a.get_conclusion_display() if a.conclusion else "",
        "concluded_on": a.concluded_on,
        "closed_on": a.closed_on,
        "terminated_on": a.terminated_on,
        "content": a.content,
    }


APPLICATIONS = Export(
    sheet="科技计划项目",
    columns=APPLICATION_COLUMNS,
    loader=lambda: models.Application.objects.select_related(
        "call", "undertaker", "tech_field"
    ).prefetch_related("cooperators"),
    row=application_row,
)


def local(moment):
    """A moment as the bureau's wall-clock time (Excel has no time zones)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def call_row(call) -> dict:
    return {
        "code": call.code,
        "year": call.year,
        "batch": call.batch,
        "name": call.name,
        "category": call.get_category_display(),
        "field": call.get_field_display(),
        "programme": name_of(call.programme),
        "opens_at": local(call.opens_at),
        "closes_at": local(call.closes_at),
        "reviewers_per_application": call.reviewers_per_application,
        "aggregation": call.get_aggregation_display(),
    }


CALLS = Export(
    sheet="申报指南",
    columns=CALL_COLUMNS,
    loader=lambda: models.Call.objects.select_related("programme"),
    row=call_row,
)


def meeting_row(meeting) -> dict:
    return {
        "code": meeting.code,
        "name": meeting.name,
        "year": meeting.year,
        "batch": meeting.batch,
        "held_on": meeting.held_on,
        "place": meeting.place,
        **organisation_cells("agency", meeting.agency),
        "session_count": meeting.session_count,
        "project_count": meeting.project_count,
        "panel_count": meeting.panel_count,
        "note": meeting.note,
    }


MEETINGS = Export(
    sheet="验收会",
    columns=MEETING_COLUMNS,
    loader=lambda: with_counts(models.AcceptanceMeeting.objects.select_related("agency")),
    row=meeting_row,
)


def assignment_row(assignment) -> dict:
    application = assignment.application
    review = getattr(assignment, "review", None)
    due = assignment.phase.closes_at
    return {
        "call": assignment.phase.call.name,
        "phase": assignment.phase.name,
        "reviews_due": local(due),
        "number": application.number or "",
        "name": application.name,
        "undertaker": application.undertaker.name,
        "review_state": ReviewState(review.state if review else ReviewState.DRAFT).label,
    }


ASSIGNMENTS = Export(
    sheet="评审任务",
    columns=ASSIGNMENT_COLUMNS,
    loader=lambda: models.Assignment.objects.select_related(
        "phase__call", "application__undertaker", "review"
    ),
    row=assignment_row,
)


def write_results(stream, results: list[ApplicationScore]) -> int:
    """A call's review results: one row per application, best first — its aggregate score and
    each expert's name and score (empty while their review is not submitted)."""
    widest = max((len(r.experts) for r in results), default=0)
    headers = [c.header for c in RESULT_COLUMNS]
    for n in range(1, widest + 1):
        headers += [f"专家{n}", f"专家{n}得分"]
    rows = []
    rank = 0
    for result in results:
        application = result.application
        if result.aggregate is not None:
            rank += 1
        row = [
            rank if result.aggregate is not None else None,
            application.number or "",
            application.name,
            application.undertaker.name,
            application.get_state_display(),
            result.aggregate,
            f"{result.submitted}/{result.assigned}",
        ]
        for expert in result.experts:
            row += [f"{expert.expert}（{expert.phase}）", expert.score]
        rows.append(row)
    return write_workbook(stream, "评审结果", headers, rows)
