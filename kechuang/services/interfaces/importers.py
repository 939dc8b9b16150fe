"""Excel imports of the services records: tech commissioners, their service assignments and
activity logs, training institutions and field visits.

Like every import (``core.domain.imports``): the file is checked first — each bad row is
refused with the row and the column it is in — and then all rows are written, or none. A row
creates a record, or updates the one with the same natural key, so an exported file re-imports
unchanged. A row's own rules are those of the model's ``clean()`` (checked here row by row, so
a file is refused with row errors rather than failing on commit).

Activities and assignments name their commissioner by name, among the commissioners the
importer may write for: a commissioner's login (or a team member's) only its own commissioner,
bureau staff any commissioner within their data scope.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.core.domain.imports import RowError, register
from kechuang.core.enums import CodeList
from kechuang.registry.domain.towns import reaches_every_town, towns_within_scope
from kechuang.registry.interfaces.record_import import (
    RecordImporter,
    by_code_and_name,
    choice_values,
    code_items,
)
from kechuang.registry.models import Organisation, Town

from ..enums import CommissionerKind
from ..models import (
    Activity,
    Commissioner,
    ServiceAssignment,
)
from .columns import (
    ACTIVITY_COLUMNS,
    COMMISSIONER_COLUMNS,
    SERVICE_ASSIGNMENT_COLUMNS,
)

UNKNOWN_TOWN = gettext_lazy("Unknown town “%(value)s”.")
TOWN_OUT_OF_SCOPE = gettext_lazy("No town “%(value)s” within your data scope.")


def towns() -> dict[str, int]:
    return by_code_and_name(Town.objects.all())


def reachable_towns(user) -> dict[str, int]:
    """The towns whose records ``user`` reaches: a record filed under another town would leave
    the importer's sight (and enter another town officer's)."""
    return by_code_and_name(towns_within_scope(user))


def writable_commissioners(user) -> dict[str, list[int]]:
    """Commissioner ids by name, of the commissioners ``user`` may write records for: those
    they act for (their own login, or a team member's), and — for whoever may change
    commissioners (bureau staff) — every commissioner within their data scope."""
    found = set(Commissioner.objects.acting_for(user).values_list("pk", "name"))
    if user.has_perm("services.change_commissioner"):
        found |= set(Commissioner.objects.visible_to(user).values_list("pk", "name"))
    by_name = defaultdict(list)
    for pk, name in sorted(found):
        by_name[name].append(pk)
    return by_name


def commissioner_of(row, commissioners: dict[str, list[int]]) -> int:
    name = row.text("commissioner", required=True)
    found = commissioners.get(name, [])
    if not found:
        raise RowError(
            row.header("commissioner"),
            _("No tech commissioner “%(value)s” whose records you may enter.") % {"value": name},
        )
    if len(found) > 1:
        raise RowError(
            row.header("commissioner"),
            _("Several tech commissioners are named “%(value)s”; enter this one on its page.")
            % {"value": name},
        )
    return found[0]


def period_problem(start, end) -> str | None:
    if start and end and end < start:
        return _("The period cannot end before it starts.")
    return None


class ServicesImporter(RecordImporter):
    """The services' imports: the permission is the model's import permission; organisations
    are those the importer sees (as on the pages and in the API)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.permission = f"services.import_{cls.model._meta.model_name}"

    def organisations(self, cells, field: str, queryset=None):
        visible = Organisation.objects.visible_to(self.user)
        return super().organisations(cells, field, visible if queryset is None else queryset)

    def town_of(self, row, *, required=True) -> int | None:
        """The row's town among those the importer reaches; a town is needed by an importer
        who does not reach every town (a record of no town would leave their sight)."""
        unknown = UNKNOWN_TOWN if self.every_town else TOWN_OUT_OF_SCOPE
        required = required or not self.every_town
        return row.pick("town", self.towns, required=required, unknown=str(unknown))

    def reach_towns(self) -> None:
        self.towns = reachable_towns(self.user)
        self.every_town = reaches_every_town(self.user)


@register
class CommissionerImporter(ServicesImporter):
    """Tech commissioners by name. A legal-entity commissioner names its organisation; the
    employer is a registry organisation when the code or the exact name finds one, else just a
    name (a university elsewhere). Logins and registry people are linked on the pages."""

    key = "services.commissioner"
    label = gettext_lazy("Tech commissioner import")
    list_url_name = "services:commissioner-list"
    columns = COMMISSIONER_COLUMNS
    model = Commissioner
    natural_key = ("name",)
    preview = ("", "name")

    def prepare(self, cells):
        self.kinds = choice_values(CommissionerKind)
        self.legal_entities = self.organisations(cells, "organisation")
        self.employers = self.organisations(cells, "employer")
        self.fields = code_items(CodeList.TECH_FIELD)

    def read(self, row):
        employer, employer_name = self.employer(row)
        values = {
            "name": row.text("name", required=True),
            "kind": row.pick("kind", self.kinds, required=True),
            "organisation_id": row.organisation("organisation", self.legal_entities),
            "employer_id": employer,
            "field_id": row.pick(
                "field", self.fields, unknown=_("Unknown expertise field “%(value)s”.")
            ),
            "expertise": row.text("expertise"),
            "phone": row.text("phone", max_length=30),
            "appointed_on": row.date("appointed_on"),
            "year": row.year("year"),
            "dispatched_by": row.text("dispatched_by"),
            "note": row.text("note", max_length=5000),
        }
        if employer is None:  # a registry employer leaves the name kept for another as it is
            values["employer_name"] = employer_name
        return values

    def employer(self, row) -> tuple[int | None, str]:
        """A registry organisation, or (none found by the name) the name as written."""
        if row.values.get("employer_uscc"):
            return row.organisation("employer", self.employers), ""
        name = row.text("employer_name")
        if not name:
            return None, ""
        named = self.employers.by_name.get(name, [])
        if len(named) == 1:
            return named[0], ""
        return None, name

    def problems(self, fields):
        kind, organisation = fields["kind"], fields["organisation_id"]
        if kind == CommissionerKind.LEGAL_ENTITY and not organisation:
            return {"organisation": _("A legal-entity commissioner needs its organisation.")}
        if kind != CommissionerKind.LEGAL_ENTITY and organisation:
            return {"organisation": _("Only a legal-entity commissioner is an organisation.")}
        appointed_on, year = fields["appointed_on"], fields["year"]
        if appointed_on and year and appointed_on.year != year:
            return {"year": _("The year of appointment differs from the appointment date.")}
        return {}

    def check_file(self, result):
        """A commissioner linked to a registry person stays an individual (the person is
        unlinked on its page first)."""
        names = [row.values["fields"]["name"] for row in result.rows]
        with_person = set(
            Commissioner.objects.filter(name__in=names, person__isnull=False).values_list(
                "name", flat=True
            )
        )
        kept = []
        for row in result.rows:
            fields = row.values["fields"]
            if fields["name"] in with_person and fields["kind"] != CommissionerKind.INDIVIDUAL:
                result.add_error(
                    row.number,
                    self.headers["kind"],
                    _("Only an individual commissioner is one person."),
                )
                continue
            kept.append(row)
        result.rows = kept
        super().check_file(result)


@register
class ServiceAssignmentImporter(ServicesImporter):
    """Where and when commissioners serve, one per commissioner, town, village and start."""

    key = "services.serviceassignment"
    label = gettext_lazy("Service assignment import")
    list_url_name = "services:serviceassignment-list"
    columns = SERVICE_ASSIGNMENT_COLUMNS
    model = ServiceAssignment
    natural_key = ("commissioner_id", "town_id", "village", "enterprise_id", "started_on")
    preview = ("commissioner", "village")

    def prepare(self, cells):
        self.commissioners = writable_commissioners(self.user)
        self.reach_towns()
        self.enterprises = self.organisations(cells, "enterprise")

    def read(self, row):
        return {
            "commissioner_id": commissioner_of(row, self.commissioners),
            "town_id": self.town_of(row),
            "village": row.text("village", max_length=100),
            "enterprise_id": row.organisation("enterprise", self.enterprises),
            "started_on": row.date("started_on", required=True),
            "ended_on": row.date("ended_on"),
            "tasks": row.text("tasks", max_length=5000),
        }

    def problems(self, fields):
        problem = period_problem(fields["started_on"], fields["ended_on"])
        return {"ended_on": problem} if problem else {}


@register
class ActivityImporter(ServicesImporter):
    """Activity logs, one per commissioner, date, kind, town and place. The assignment is
    named by the day it started and its village; the town, when empty, is the assignment's."""

    key = "services.activity"
    label = gettext_lazy("Service activity import")
    list_url_name = "services:activity-list"
    columns = ACTIVITY_COLUMNS
    model = Activity
    natural_key = ("commissioner_id", "held_on", "kind_id", "town_id", "place")
    preview = ("commissioner", "held_on")

    def prepare(self, cells):
        self.commissioners = writable_commissioners(self.user)
        self.towns = towns()
        self.kinds = code_items(CodeList.SERVICE_ACTIVITY_KIND)
        self.assignments = defaultdict(list)
        ids = {pk for pks in self.commissioners.values() for pk in pks}
        for assignment in ServiceAssignment.objects.filter(commissioner__in=ids).only(
            "pk", "commissioner_id", "town_id", "village", "started_on", "ended_on"
        ):
            self.assignments[assignment.commissioner_id].append(assignment)
        self.today = timezone.localdate()

    def read(self, row):
        commissioner = commissioner_of(row, self.commissioners)
        held_on = row.date("held_on", required=True)
        if held_on > self.today:
            raise RowError(
                row.header("held_on"),
                _("The date cannot be in the future (%(date)s is after today, %(today)s).")
                % {"date": held_on.isoformat(), "today": self.today.isoformat()},
            )
        town = row.pick("town", self.towns, unknown=str(UNKNOWN_TOWN))
        assignment = self.assignment(row, commissioner, town)
        if town is None:
            if assignment is None:
                raise RowError(
                    row.header("town"), _("Give the town, or the assignment the activity is in.")
                )
            town = assignment.town_id
        if assignment is not None and not assignment.covers(held_on):
            raise RowError(
                row.header("held_on"), _("The date lies outside the assignment's period.")
            )
        return {
            "commissioner_id": commissioner,
            "held_on": held_on,
            "kind_id": row.pick(
                "kind",
                self.kinds,
                required=True,
                unknown=_("Unknown activity kind “%(value)s”."),
            ),
            "town_id": town,
            "place": row.text("place"),
            "assignment_id": assignment.pk if assignment else None,
            "trainees": row.integer("trainees") or 0,
            "materials": row.integer("materials") or 0,
            "summary": row.text("summary", max_length=5000),
        }

    def assignment(self, row, commissioner: int, town: int | None) -> ServiceAssignment | None:
        """The commissioner's assignment that started on the day given, in the village given
        (needed when several started that day), in the activity's town (when still several)."""
        started_on = row.date("assignment")
        village = row.text("assignment_village", max_length=100)
        if started_on is None:
            if village:
                raise RowError(row.header("assignment"), _("Give the day the assignment started."))
            return None
        found = [a for a in self.assignments[commissioner] if a.started_on == started_on]
        if village or len(found) > 1:
            found = [a for a in found if a.village == village]
        if len(found) > 1 and town is not None:
            found = [a for a in found if a.town_id == town] or found
        if not found:
            raise RowError(
                row.header("assignment"),
                _("The commissioner has no assignment that started on %(date)s %(village)s.")
                % {"date": started_on.isoformat(), "village": village},
            )
        if len(found) > 1:
            raise RowError(
                row.header("assignment"),
                _(
                    "The commissioner has several such assignments that started on %(date)s; "
                    "enter this activity on its page."
                )
                % {"date": started_on.isoformat()},
            )
        return found[0]
