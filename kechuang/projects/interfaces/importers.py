"""Excel imports of the plan-project area: historical projects (the expert pool's import is
declared in ``record_types.py``).

Like every import: checked first (preview, row errors naming row and column, in the uploader's
language), then all rows written in one transaction with their audit events, or none. A row
updates the record with the same natural key (a project's number), so an exported file
re-imports unchanged and a second import updates instead of duplicating.

Imported history must be consistent: a project's state comes with the fields its workflow would
have written on the way there (an accepted project has its approval date and funding, its task
contract date, and its acceptance conclusion and date), and none of the fields of steps it has
not reached. An imported project's state is its history; a project already on record changes
state only through its workflow, so a row may not change it.

The generic machinery (reading cells, matching rows to records, writing in bulk with audit
events) is the registry's ``RecordImporter`` (``registry/interfaces/record_import.py``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.core.domain.imports import RowError, register
from kechuang.core.enums import CodeList
from kechuang.registry.domain.lookups import OrganisationIndex
from kechuang.registry.interfaces.record_import import (
    RecordImporter,
    choice_values,
    code_items,
    split_list,
)
from kechuang.registry.models import Organisation

from ..enums import Conclusion, MidtermResult
from ..enums import State as S
from ..models import Application, Call
from ..reference import IMPORT
from .columns import APPLICATION_COLUMNS

# The history a project's state implies --------------------------------------------------------

# How far along the workflow each state is; a field of a later step may not be set.
RANK = {
    S.DRAFT: 0,
    S.SUBMITTED: 1,
    S.RETURNED: 1,
    S.CHECK_REJECTED: 1,
    S.CHECKED: 2,
    S.NOT_RECOMMENDED: 2,
    S.RECOMMENDED: 3,
    S.IN_REVIEW: 4,
    S.NOT_APPROVED: 4,
    S.APPROVED: 5,
    S.PUBLICITY: 6,
    S.IN_PROGRESS: 7,
    S.RECTIFYING: 8,
    S.MIDTERM_PASSED: 8,
    S.ACCEPTANCE_APPLIED: 9,
    S.ACCEPTED: 10,
    S.RECONSIDER: 10,
    S.ACCEPTANCE_FAILED: 10,
    S.CLOSED: 11,
    S.TERMINATED: 99,
}
# The step (as a rank) that writes each field.
WRITTEN_AT = {
    "approved_on": 5,
    "approved_funding": 5,
    "publicity_until": 6,
    "contract_number": 7,
    "contract_signed_on": 7,
    "extended_until": 7,
    "midterm_result": 8,
    "midterm_on": 8,
    "conclusion": 9,  # a project applying again after "to be reconsidered" keeps it
    "concluded_on": 9,
    "closed_on": 11,
}
# Fields a state needs, beyond those of the ranks before it.
NEEDS = {
    S.PUBLICITY: ("publicity_until",),
    S.RECTIFYING: ("midterm_result", "midterm_on"),
    S.MIDTERM_PASSED: ("midterm_result", "midterm_on"),
    S.ACCEPTED: ("conclusion", "concluded_on"),
    S.RECONSIDER: ("conclusion", "concluded_on"),
    S.ACCEPTANCE_FAILED: ("conclusion", "concluded_on"),
    S.CLOSED: ("conclusion", "concluded_on", "closed_on"),
    S.TERMINATED: ("terminated_on",),
}
# The values a state allows for its mid-term result and its conclusion.
MIDTERM_OF = {
    S.RECTIFYING: {MidtermResult.RECTIFY},
    S.MIDTERM_PASSED: {MidtermResult.PASS},
    S.ACCEPTANCE_APPLIED: {MidtermResult.PASS},
    S.ACCEPTED: {MidtermResult.PASS},
    S.RECONSIDER: {MidtermResult.PASS},
    S.ACCEPTANCE_FAILED: {MidtermResult.PASS},
    S.CLOSED: {MidtermResult.PASS},
}
CONCLUSION_OF = {
    S.ACCEPTANCE_APPLIED: {Conclusion.RECONSIDER},
    S.ACCEPTED: {Conclusion.PASS},
    S.RECONSIDER: {Conclusion.RECONSIDER},
    S.ACCEPTANCE_FAILED: {Conclusion.FAIL},
    S.CLOSED: {Conclusion.PASS, Conclusion.FAIL},
}
# Pairs written together by one step.
TOGETHER = (
    ("approved_on", "approved_funding"),
    ("midterm_result", "midterm_on"),
    ("conclusion", "concluded_on"),
)
# (earlier, later) dates of a project's history.
ORDER = (
    ("starts_on", "ends_on"),
    ("approved_on", "publicity_until"),
    ("approved_on", "contract_signed_on"),
    ("contract_signed_on", "midterm_on"),
    ("contract_signed_on", "concluded_on"),
    ("midterm_on", "concluded_on"),
    ("concluded_on", "closed_on"),
    ("approved_on", "terminated_on"),
    ("contract_signed_on", "terminated_on"),
)
# Dates of steps taken; none can be in the future.
PAST = (
    "approved_on",
    "contract_signed_on",
    "midterm_on",
    "concluded_on",
    "closed_on",
    "terminated_on",
)


def _empty(value) -> bool:
    return value is None or value == ""


@register
class ApplicationImporter(RecordImporter):
    """Historical plan projects, by number."""

    key = "projects.application"
    label = gettext_lazy("Plan project import")
    permission = IMPORT
    list_url_name = "projects:application-list"
    columns = APPLICATION_COLUMNS
    model = Application
    natural_key = ("number",)
    many_to_many = ("cooperators",)
    preview = ("number", "name")

    def prepare(self, cells):
        self.calls = dict(Call.objects.values_list("code", "pk"))
        # The undertaker owns the project: only organisations within the importer's scope.
        self.undertakers = self.organisations(
            cells, "undertaker", Organisation.objects.visible_to(self.user)
        )
        named = {part for text in self.texts(cells, "cooperators") for part in split_list(text)}
        self.partners = OrganisationIndex(Organisation.objects.all(), named)
        self.tech_fields = code_items(CodeList.TECH_FIELD, parent__isnull=False)
        self.states = choice_values(S)
        self.midterm_results = choice_values(MidtermResult)
        self.conclusions = choice_values(Conclusion)
        self.today = timezone.localdate()

    def read(self, row):
        values = {
            "call_id": row.pick(
                "call",
                self.calls,
                required=True,
                unknown=_("No call has the code “%(value)s”."),
            ),
            "number": row.text("number", required=True, max_length=30),
            "name": row.text("name", required=True),
            "undertaker_id": row.organisation("undertaker", self.undertakers, required=True),
            "cooperators": row.organisations("cooperators", self.partners),
            "leader_name": row.text("leader_name", required=True, max_length=50),
            "leader_phone": row.text("leader_phone", max_length=30),
            "tech_field_id": row.pick(
                "tech_field",
                self.tech_fields,
                unknown=_("Unknown technical field “%(value)s”."),
            ),
            "starts_on": row.date("starts_on", required=True),
            "ends_on": row.date("ends_on", required=True),
            "requested_funding": row.decimal("requested_funding", required=True),
            "self_funding": row.decimal("self_funding") or Decimal(0),
            "state": row.pick(
                "state", self.states, required=True, unknown=_("Unknown state “%(value)s”.")
            ),
            "approved_on": row.date("approved_on"),
            "approved_funding": row.decimal("approved_funding"),
            "publicity_until": row.date("publicity_until"),
            "contract_number": row.text("contract_number", max_length=50),
            "contract_signed_on": row.date("contract_signed_on"),
            "midterm_result": row.pick("midterm_result", self.midterm_results) or "",
            "midterm_on": row.date("midterm_on"),
            "extended_until": row.date("extended_until"),
            "conclusion": row.pick("conclusion", self.conclusions) or "",
            "concluded_on": row.date("concluded_on"),
            "closed_on": row.date("closed_on"),
            "terminated_on": row.date("terminated_on"),
            "content": row.text("content", max_length=30000),
        }
        if values["undertaker_id"] in values["cooperators"]:
            raise RowError(
                row.header("cooperators"),
                _("The undertaking organisation is not its own cooperator."),
            )
        self.check_history(values)
        return values

    def check_history(self, values: dict) -> None:
        """The state's history is complete and in order; raises RowError for the first gap."""
        state = values["state"]
        rank = RANK[state]
        label = S(state).label

        def need(field):
            if _empty(values[field]):
                raise RowError(
                    self.column_of(field),
                    _("A project in the state “%(state)s” needs this cell.") % {"state": label},
                )

        if state != S.TERMINATED:
            for field, written_at in WRITTEN_AT.items():
                if written_at > rank and not _empty(values[field]):
                    raise RowError(
                        self.column_of(field),
                        _(
                            "A project in the state “%(state)s” has not reached this step; leave "
                            "the cell empty."
                        )
                        % {"state": label},
                    )
            if not _empty(values["terminated_on"]):
                raise RowError(
                    self.column_of("terminated_on"),
                    _("Only a terminated project has a termination date."),
                )
            if rank >= RANK[S.APPROVED]:
                need("approved_on")
                need("approved_funding")
            if rank >= RANK[S.IN_PROGRESS]:
                need("contract_signed_on")
        elif not _empty(values["closed_on"]):
            raise RowError(
                self.column_of("closed_on"), _("A terminated project has no closing date.")
            )
        for field in NEEDS.get(state, ()):
            need(field)
        for first, second in TOGETHER:
            if _empty(values[first]) != _empty(values[second]):
                missing = first if _empty(values[first]) else second
                raise RowError(
                    self.column_of(missing),
                    _("“%(other)s” is given: give this cell too.")
                    % {"other": self.column_of(second if missing == first else first)},
                )
        if not _empty(values["contract_number"]) and _empty(values["contract_signed_on"]):
            raise RowError(
                self.column_of("contract_signed_on"),
                _("“%(other)s” is given: give this cell too.")
                % {"other": self.column_of("contract_number")},
            )
        self.check_results(values, state, label)
        self.check_amounts_and_dates(values)

    def check_results(self, values, state, label) -> None:
        midterm, conclusion = values["midterm_result"], values["conclusion"]
        if midterm:
            allowed = MIDTERM_OF.get(state)
            if state == S.TERMINATED:
                allowed = set(MidtermResult.values)
            if midterm == MidtermResult.FAIL and state != S.TERMINATED:
                allowed = set()
            if allowed is not None and midterm not in allowed:
                raise RowError(
                    self.column_of("midterm_result"),
                    _("A project in the state “%(state)s” cannot have this mid-term result.")
                    % {"state": label},
                )
        if conclusion and state != S.TERMINATED:
            allowed = CONCLUSION_OF.get(state, set())
            if conclusion not in allowed:
                raise RowError(
                    self.column_of("conclusion"),
                    _("A project in the state “%(state)s” cannot have this conclusion.")
                    % {"state": label},
                )

    def check_amounts_and_dates(self, values) -> None:
        approved = values["approved_funding"]
        if approved is not None and approved > values["requested_funding"]:
            raise RowError(
                self.column_of("approved_funding"),
                _("The approved funding cannot exceed the funding requested (%(requested)s).")
                % {"requested": values["requested_funding"]},
            )
        for first, second in ORDER:
            if values[first] and values[second] and values[second] < values[first]:
                raise RowError(
                    self.column_of(second),
                    _("This date comes before “%(start)s”.") % {"start": self.column_of(first)},
                )
        if values["extended_until"]:
            ends = values["ends_on"]
            if values["extended_until"] <= ends:
                raise RowError(
                    self.column_of("extended_until"),
                    _("An extension ends after the project's planned end (%(date)s).")
                    % {"date": ends.isoformat()},
                )
            if values["extended_until"] > _one_year_after(ends):
                raise RowError(
                    self.column_of("extended_until"),
                    _("A project is extended by at most one year (until %(date)s).")
                    % {"date": _one_year_after(ends).isoformat()},
                )
        for field in PAST:
            if values[field] and values[field] > self.today:
                raise RowError(
                    self.column_of(field),
                    _("The date of a step cannot be in the future (%(date)s is after today).")
                    % {"date": values[field].isoformat()},
                )

    def check_file(self, result):
        super().check_file(result)
        if not result.rows:
            return
        existing = self.existing([row.values["fields"] for row in result.rows])
        for row in result.rows:
            record = existing.get(self.key_of(row.values["fields"]))
            if record is None:
                continue
            fields = row.values["fields"]
            if record.state != fields["state"]:
                result.add_error(
                    row.number,
                    self.column_of("state"),
                    _(
                        "Project %(number)s is on record as “%(state)s”; its state changes only "
                        "through its workflow, not by an import."
                    )
                    % {"number": record.number, "state": record.get_state_display()},
                )
            elif record.call_id != fields["call_id"]:
                result.add_error(
                    row.number,
                    self.column_of("call"),
                    _("Project %(number)s belongs to another call.") % {"number": record.number},
                )
        result.errors.sort(key=lambda e: e["row"])


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)
