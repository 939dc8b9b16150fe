"""Demo data of the services area: tech commissioners (科技特派员) with their assignments and
activity logs, science-and-technology training institutions with contacts, visits and the
admission checklist, field visits with the issues raised and their follow-ups, and the
science-finance policy under revision.

What the seeds say (seed-facts.yaml, id ``commissioners.2020``; seed 003) and how the records
make it true:

* “去年,带领全市13名科技特派员开展政策宣传、技术培训65场,受训人员3255名,发放各类资料2130余份”:
  13 commissioners have an assignment overlapping 2020 (individuals, two teams — one of them the
  seeds' 省粮油作物特派员团队 — and a legal-entity commissioner); three more serve before or
  after 2020 only, so the year matters. Their 2020 logs hold 65 entries of the kinds 政策宣传
  and 技术培训 with 3255 trainees and :data:`MATERIALS_2020` materials in all. The article counts
  sessions of those two kinds only, and so does the indicator (breakdown ``outreach_training``
  of ``services.activities``, kechuang/services/indicators.py): the 2020 logs also hold
  on-site guidance and consultations, with their own trainees and materials, which the
  published figures leave out;
* the bureau's visit of the training institutions after “双减” (seed 003, 戴亮) and the admission
  checklist: three institutions admitted, one with checks still pending, one not admitted (a
  fire-safety acceptance missing, its rectification overdue), one closed;
* the director's (倪建锋) visit of the three incubation parks and the Jiaxing evaluation team
  led by 陈天英 (field visits); later 三服务 visits with issues whose follow-ups are partly
  closed, partly open, three of them overdue — due before the demo's “today”, so the staff
  home page lists them;
* the revision of the science-finance policy (科技金融办法修订座谈会): version 1 adopted in 2019,
  version 2 in consultation, two of the three bodies consulted have replied.

Everything the seeds do not name is synthetic: ``is_demo=True`` and invented names end in
“(演示)”. Dates are fixed, never relative to the load; nothing happens after
:data:`DEMO_TODAY` (the projects' demo uses the same day). The demo login ``tepaiyuan``
(kechuang/accounts/demo.py) is the login of the commissioner :data:`LOGIN_COMMISSIONER`.

Everything is planned from fixed tables — the data files ``data/demo_*.json`` (commissioners,
activity topics and places, institutions, field visits, the policy's texts and replies) — and
seeded ``random.Random`` draws. Commissioners, assignments, activities, institutions and visits
are written with :func:`kechuang.core.domain.sync.sync_rows` on natural keys; a follow-up or a
rectification the plan leaves open is planned without its closing fields, so closing it in the
demo survives a reload. The policy is walked through the real workflow (``domain/policies.py``)
once: when it exists, it is left alone. Loading again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from django.contrib.auth import get_user_model

from kechuang.core.domain.sync import sync_rows
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.registry.demo import References
from kechuang.registry.domain.uscc import make_uscc
from kechuang.registry.models import Organisation, Person

from .domain import policies
from .enums import (
    ActivityKind,
    CheckResult,
    CommissionerKind,
    PolicyDomain,
)
from .models import (
    Activity,
    Commissioner,
    CommissionerMember,
    ConsultationOpinion,
    FieldVisit,
    FollowUp,
    InstitutionCheck,
    InstitutionContact,
    InstitutionVisit,
    Policy,
    ServiceAssignment,
    TrainingInstitution,
    VisitIssue,
)

# -- the published figures (seed-facts.yaml, commissioners.2020) ------------------------------

YEAR = 2020
COMMISSIONERS_2020 = 13
SESSIONS_2020 = 65  # 政策宣传 and 技术培训 entries of 2020
TRAINEES_2020 = 3255
MATERIALS_2020 = 2136  # “2130余”
OUTREACH_TRAINING = (ActivityKind.POLICY_OUTREACH, ActivityKind.TECHNICAL_TRAINING)

DEMO_TODAY = dt.date(2026, 11, 23)  # the demo's “today”: nothing in the plan happens later

# Demo accounts (kechuang/accounts/demo.py).
STAFF, LEADER, DANGHU_OFFICER, COMMISSIONER_LOGIN = (
    "dai.liang",
    "ni.jianfeng",
    "danghu",
    "tepaiyuan",
)

# Named by the seeds (the tests refer to them); the records are in the data files.
GRAIN_TEAM = "省粮油作物特派员团队"
DANGHU = "当湖街道"

# The data of the demo (commissioners, activity topics, institutions, field visits, the policy)
# is in data/demo_*.json; what is done with it — the seeded draws, the apportioning of the
# published figures, the writing — is here.
DATA = Path(__file__).resolve().parent / "data"


def read(name: str) -> dict:
    return json.loads((DATA / f"demo_{name}.json").read_text(encoding="utf-8"))


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def apportion(total: int, weights: list[float]) -> list[int]:
    """Whole shares of ``total`` in proportion to ``weights`` (largest remainders first), so
    they add up to ``total`` exactly."""
    scale = Decimal(total) / Decimal(str(sum(weights)))
    exact = [Decimal(str(w)) * scale for w in weights]
    shares = [int(x.to_integral_value(ROUND_FLOOR)) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


# -- tech commissioners -----------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentPlan:
    town: str
    village: str
    started_on: dt.date
    ended_on: dt.date | None
    tasks: str


@dataclass(frozen=True)
class CommissionerPlan:
    name: str
    kind: str
    field: str  # a technical field code (projects' TECH_FIELD list)
    expertise: str
    appointed_on: dt.date
    dispatched_by: str
    assignments: tuple[AssignmentPlan, ...]
    person: str | None = None  # a registry person of that name (individuals)
    organisation: str | None = None  # the registry organisation (legal entities)
    employer: str | None = None  # a registry organisation
    employer_name: str = ""
    members: tuple[tuple[str, str], ...] = ()  # (name, role) of a team
    is_demo: bool = True
    login: bool = False

    @property
    def active_in_2020(self) -> bool:
        first, last = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
        return any(
            a.started_on <= last and (a.ended_on is None or a.ended_on >= first)
            for a in self.assignments
        )


def commissioner(row: dict) -> CommissionerPlan:
    """A commissioner of data/demo_commissioners.json."""
    assignments = tuple(
        AssignmentPlan(
            a["town"],
            a["village"],
            d(a["started_on"]),
            d(a["ended_on"]) if a["ended_on"] else None,
            a["tasks"],
        )
        for a in row["assignments"]
    )
    members = tuple((m["name"], m["role"]) for m in row.get("members", ()))
    appointed_on = d(row["appointed_on"])
    return CommissionerPlan(
        **{**row, "appointed_on": appointed_on, "assignments": assignments, "members": members}
    )


COMMISSIONER_DATA = read("commissioners")
COMMISSIONERS = [commissioner(row) for row in COMMISSIONER_DATA["commissioners"]]
LOGIN_COMMISSIONER = next(plan.name for plan in COMMISSIONERS if plan.login)
L = CommissionerKind.LEGAL_ENTITY


class Lookups(References):
    """The registry demo's reference rows, this area's code lists, registry organisations and
    people by name, and the demo accounts by username."""

    def __init__(self):
        super().__init__()
        items = CodeItem.objects.filter(active=True)
        self.activity_kinds = {
            i.code: i for i in items.filter(code_list=CodeList.SERVICE_ACTIVITY_KIND)
        }
        self.criteria = {i.code: i for i in items.filter(code_list=CodeList.INSTITUTION_CRITERION)}
        self.categories = {i.code: i for i in items.filter(code_list=CodeList.VISIT_ISSUE_CATEGORY)}
        self.fields = {i.code: i for i in items.filter(code_list=CodeList.TECH_FIELD)}
        self.organisations = {o.name: o for o in Organisation.objects.exclude(kind="enterprise")}
        usernames = (STAFF, LEADER, DANGHU_OFFICER, COMMISSIONER_LOGIN)
        self.users = {
            u.username: u for u in get_user_model().objects.filter(username__in=usernames)
        }

    def org(self, name: str | None) -> Organisation | None:
        if name is None:
            return None
        organisation = self.organisations.get(name)
        if organisation is None:
            organisation = Organisation.objects.get(name=name)
            self.organisations[name] = organisation
        return organisation

    def person(self, name: str | None, organisation: Organisation | None) -> Person | None:
        if name is None:
            return None
        return Person.objects.filter(name=name, organisation=organisation).first()

    def user_id(self, username: str) -> int | None:
        user = self.users.get(username)
        return user.pk if user else None


def phone(rng: random.Random) -> str:
    return f"139{rng.randint(0, 99_999_999):08d}"


def save_commissioners(lookups: Lookups, rng: random.Random) -> dict[str, Commissioner]:
    rows = []
    for index, plan in enumerate(COMMISSIONERS):
        employer = lookups.org(plan.employer)
        organisation = lookups.org(plan.organisation)
        rows.append(
            {
                "name": plan.name,
                "kind": plan.kind,
                "person_id": getattr(lookups.person(plan.person, employer), "pk", None),
                "organisation_id": organisation.pk if organisation else None,
                "employer_id": employer.pk if employer else None,
                "employer_name": plan.employer_name,
                "field_id": lookups.fields[plan.field].pk if plan.field in lookups.fields else None,
                "expertise": plan.expertise,
                "phone": phone(rng) if plan.kind != L else f"0573-8501{index:04d}",
                "user_id": lookups.user_id(COMMISSIONER_LOGIN) if plan.login else None,
                "appointed_on": plan.appointed_on,
                "year": plan.appointed_on.year,
                "dispatched_by": plan.dispatched_by,
                "note": COMMISSIONER_DATA["note"] + ("(演示数据)" if plan.is_demo else ""),
                "is_demo": plan.is_demo,
            }
        )
    saved = sync_rows(Commissioner, ("name",), rows).objects
    commissioners = {plan.name: saved[(plan.name,)] for plan in COMMISSIONERS}

    members = []
    for plan in COMMISSIONERS:
        for name, role in plan.members:
            members.append(
                {
                    "commissioner_id": commissioners[plan.name].pk,
                    "name": name,
                    "role": role,
                    "phone": phone(rng),
                    "is_demo": True,
                }
            )
    mine = [c.pk for c in commissioners.values()]
    sync_rows(
        CommissionerMember,
        ("commissioner_id", "name"),
        members,
        owned=CommissionerMember.objects.filter(commissioner__in=mine, is_demo=True),
    )

    assignments = []
    for plan in COMMISSIONERS:
        for a in plan.assignments:
            assignments.append(
                {
                    "commissioner_id": commissioners[plan.name].pk,
                    "town_id": lookups.towns[a.town].pk,
                    "village": a.village,
                    "started_on": a.started_on,
                    "ended_on": a.ended_on,
                    "tasks": a.tasks,
                    "is_demo": True,
                }
            )
    sync_rows(
        ServiceAssignment,
        ("commissioner_id", "started_on"),
        assignments,
        owned=ServiceAssignment.objects.filter(commissioner__in=mine, is_demo=True),
    )
    return commissioners


# -- activity logs ------------------------------------------------------------------------------

ACTIVITY_DATA = read("activities")
TOPICS = {kind: tuple(topics) for kind, topics in ACTIVITY_DATA["topics"].items()}
PLACES = tuple(ACTIVITY_DATA["places"])
# Entries per year besides 2020's outreach and training (kind → how many), spread over the
# commissioners serving that year.
OTHER_ENTRIES = {int(year): kinds for year, kinds in ACTIVITY_DATA["other_entries"].items()}


@dataclass
class Entry:
    commissioner: str
    assignment: AssignmentPlan
    kind: str
    held_on: dt.date | None = None
    trainees: int = 0
    materials: int = 0
    topic: str = ""
    place: str = ""


@dataclass
class ActivityPlanner:
    """Which commissioner logs what on which day (see the targets at the top)."""

    rng: random.Random
    entries: list[Entry] = field(default_factory=list)
    taken: set[tuple[str, dt.date]] = field(default_factory=set)

    @staticmethod
    def serving(year: int) -> list[tuple[CommissionerPlan, AssignmentPlan]]:
        """Each commissioner serving in ``year`` with its assignment covering most of it."""
        first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), DEMO_TODAY)
        found = []
        for plan in COMMISSIONERS:
            overlapping = [
                a
                for a in plan.assignments
                if a.started_on <= last and (a.ended_on is None or a.ended_on >= first)
            ]
            if overlapping:
                found.append((plan, overlapping[-1]))
        return found

    def day(self, name: str, assignment: AssignmentPlan, year: int) -> dt.date:
        """A free day of the commissioner in the year, inside the assignment (in 2020 after
        the first wave of the epidemic), never after the demo's today."""
        first = max(assignment.started_on, dt.date(year, 3, 16 if year == 2020 else 1))
        last = min(assignment.ended_on or DEMO_TODAY, dt.date(year, 12, 31), DEMO_TODAY)
        span = (last - first).days
        for _ in range(1000):
            day = first + dt.timedelta(days=self.rng.randint(0, span))
            if day.weekday() < 6 and (name, day) not in self.taken:
                self.taken.add((name, day))
                return day
        raise RuntimeError(f"no free day for {name} in {year}")

    def add(self, plan, assignment, kind, year) -> Entry:
        entry = Entry(plan.name, assignment, kind)
        entry.held_on = self.day(plan.name, assignment, year)
        entry.topic = self.rng.choice(TOPICS[kind])
        entry.place = f"{assignment.village}{self.rng.choice(PLACES)}"
        self.entries.append(entry)
        return entry

    def plan(self) -> list[Entry]:
        active = self.serving(YEAR)
        assert len(active) == COMMISSIONERS_2020, len(active)
        # 2020: the 65 sessions, five per commissioner, two of every five policy outreach.
        sessions = []
        for index in range(SESSIONS_2020):
            plan, assignment = active[index % len(active)]
            kind = OUTREACH_TRAINING[0] if index % 5 in (0, 2) else OUTREACH_TRAINING[1]
            sessions.append(self.add(plan, assignment, kind, YEAR))
        trainee_weights = [
            self.rng.uniform(30, 80) if e.kind == ActivityKind.TECHNICAL_TRAINING
            else self.rng.uniform(20, 55)
            for e in sessions
        ]  # fmt: skip
        material_weights = [
            self.rng.uniform(30, 60) if e.kind == ActivityKind.POLICY_OUTREACH
            else self.rng.uniform(10, 40)
            for e in sessions
        ]  # fmt: skip
        trainees = apportion(TRAINEES_2020, trainee_weights)
        materials = apportion(MATERIALS_2020, material_weights)
        for entry, t, m in zip(sessions, trainees, materials, strict=True):
            entry.trainees, entry.materials = t, m
        # The other entries of 2020 and of the other years.
        for year, kinds in OTHER_ENTRIES.items():
            serving = self.serving(year)
            slot = 0
            for kind, how_many in kinds.items():
                for _ in range(how_many):
                    plan, assignment = serving[slot % len(serving)]
                    slot += 1
                    entry = self.add(plan, assignment, kind, year)
                    entry.trainees, entry.materials = self.counts(kind)
        return self.entries

    def counts(self, kind: str) -> tuple[int, int]:
        if kind == ActivityKind.ON_SITE_GUIDANCE:
            return self.rng.randint(3, 12), self.rng.randint(0, 10)
        if kind == ActivityKind.TECHNICAL_CONSULTATION:
            return 0, self.rng.randint(0, 5)
        if kind == ActivityKind.TECHNICAL_TRAINING:
            return self.rng.randint(25, 80), self.rng.randint(10, 40)
        return self.rng.randint(20, 50), self.rng.randint(30, 60)


def save_activities(lookups: Lookups, commissioners, rng: random.Random) -> int:
    entries = ActivityPlanner(rng).plan()
    assignments = {
        (a.commissioner_id, a.started_on): a
        for a in ServiceAssignment.objects.filter(
            commissioner__in=[c.pk for c in commissioners.values()]
        )
    }
    rows = []
    for entry in entries:
        commissioner = commissioners[entry.commissioner]
        assignment = assignments[(commissioner.pk, entry.assignment.started_on)]
        rows.append(
            {
                "commissioner_id": commissioner.pk,
                "held_on": entry.held_on,
                "is_demo": True,
                "assignment_id": assignment.pk,
                "kind_id": lookups.activity_kinds[entry.kind].pk,
                "place": entry.place,
                "town_id": assignment.town_id,
                "trainees": entry.trainees,
                "materials": entry.materials,
                "summary": f"{entry.topic}(演示)",
            }
        )
    # Keyed with the demo flag: an entry a commissioner logged on a planned day is never taken
    # for the plan's.
    sync_rows(
        Activity,
        ("commissioner_id", "held_on", "is_demo"),
        rows,
        owned=Activity.objects.filter(commissioner__in=commissioners.values(), is_demo=True),
    )
    return len(rows)


# -- training institutions --------------------------------------------------------------------

NOT_MET = CheckResult.NOT_MET


@dataclass(frozen=True)
class VisitPlan:
    visited_on: dt.date
    findings: str
    rectification_due: dt.date | None = None
    rectified_on: dt.date | None = None  # None with a due date: still open
    closure_note: str = ""


@dataclass(frozen=True)
class InstitutionPlan:
    name: str
    operator: str
    town: str
    address: str
    courses: str
    status: str
    checks: dict[str, str]  # criterion code → result; criteria left out have no result yet
    checked_on: dt.date
    visits: tuple[VisitPlan, ...]
    contacts: tuple[tuple[str, str], ...]  # (name, role)


def optional_date(text: str | None) -> dt.date | None:
    return d(text) if text else None


def institution(row: dict) -> InstitutionPlan:
    """An institution of data/demo_institutions.json."""
    visits = tuple(
        VisitPlan(
            d(v["visited_on"]),
            v["findings"],
            optional_date(v.get("rectification_due")),
            optional_date(v.get("rectified_on")),
            v.get("closure_note", ""),
        )
        for v in row["visits"]
    )
    contacts = tuple((c["name"], c["role"]) for c in row["contacts"])
    checked_on = d(row["checked_on"])
    return InstitutionPlan(
        **{**row, "checked_on": checked_on, "visits": visits, "contacts": contacts}
    )


INSTITUTION_DATA = read("institutions")
INSTITUTIONS = [institution(row) for row in INSTITUTION_DATA["institutions"]]


def save_institutions(lookups: Lookups, rng: random.Random) -> list[TrainingInstitution]:
    rows = [
        {
            "name": plan.name,
            "operator": plan.operator,
            "uscc": make_uscc(35_000_000 + index, registration_authority="5", kind="2"),
            "address": plan.address,
            "town_id": lookups.towns[plan.town].pk,
            "courses": plan.courses,
            "status": plan.status,
            "note": "演示数据",
            "is_demo": True,
        }
        for index, plan in enumerate(INSTITUTIONS)
    ]
    saved = sync_rows(TrainingInstitution, ("name",), rows).objects
    institutions = [saved[(plan.name,)] for plan in INSTITUTIONS]
    staff = lookups.user_id(STAFF)

    contacts, visits, checks = [], [], []
    for index, (plan, institution) in enumerate(zip(INSTITUTIONS, institutions, strict=True)):
        for number, (name, role) in enumerate(plan.contacts):
            contacts.append(
                {
                    "institution_id": institution.pk,
                    "name": name,
                    "role": role,
                    "phone": phone(rng),
                    "email": f"contact{index + 1}{number + 1}@example.com",
                    "is_demo": True,
                }
            )
        for visit in plan.visits:
            row = {
                "institution_id": institution.pk,
                "visited_on": visit.visited_on,
                "visitors": INSTITUTION_DATA["visitors"],
                "findings": visit.findings,
                "rectification_required": visit.rectification_due is not None,
                "rectification_due": visit.rectification_due,
                "is_demo": True,
            }
            if visit.rectified_on:  # an open one is closed in the demo, not by the plan
                row["rectified_on"] = visit.rectified_on
                row["closure_note"] = visit.closure_note
            visits.append(row)
        for code, result in plan.checks.items():
            checks.append(
                {
                    "institution_id": institution.pk,
                    "criterion_id": lookups.criteria[code].pk,
                    "result": result,
                    "note": INSTITUTION_DATA["not_met_note"] if result == NOT_MET else "",
                    "checked_on": plan.checked_on,
                    "checked_by_id": staff,
                    "is_demo": True,
                }
            )
    ids = [i.pk for i in institutions]
    sync_rows(
        InstitutionContact,
        ("institution_id", "name"),
        contacts,
        owned=InstitutionContact.objects.filter(institution__in=ids, is_demo=True),
    )
    sync_rows(
        InstitutionVisit,
        ("institution_id", "visited_on", "is_demo"),
        visits,
        owned=InstitutionVisit.objects.filter(institution__in=ids, is_demo=True),
    )
    sync_rows(InstitutionCheck, ("institution_id", "criterion_id"), checks)
    return institutions


# -- field visits -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpPlan:
    action: str
    owner: str | None  # a demo username
    owner_body: str
    due_on: dt.date
    closed_on: dt.date | None = None
    result: str = ""


@dataclass(frozen=True)
class IssuePlan:
    description: str
    category: str
    follow_ups: tuple[FollowUpPlan, ...]


@dataclass(frozen=True)
class FieldVisitPlan:
    purpose: str  # unique among the plan's visits of a day
    visited_on: dt.date
    leader_name: str
    leader_kind: str
    host_kind: str
    town: str | None
    issues: tuple[IssuePlan, ...]
    host_name: str = ""
    host_enterprise: int | None = None  # the n-th demo enterprise of the town in the registry
    leader_body: str = ""
    summary: str = ""
    is_demo: bool = True


def field_visit(row: dict) -> FieldVisitPlan:
    """A visit of data/demo_field_visits.json with its issues and their follow-ups."""
    issues = tuple(
        IssuePlan(
            issue["description"],
            issue["category"],
            tuple(
                FollowUpPlan(
                    **{
                        **f,
                        "due_on": d(f["due_on"]),
                        "closed_on": optional_date(f.get("closed_on")),
                    }
                )
                for f in issue["follow_ups"]
            ),
        )
        for issue in row["issues"]
    )
    return FieldVisitPlan(**{**row, "visited_on": d(row["visited_on"]), "issues": issues})


FIELD_VISITS = [field_visit(row) for row in read("field_visits")["field_visits"]]


def host_enterprises(town: str) -> list[Organisation]:
    """The registry's demo enterprises of a town, in a fixed order."""
    return list(
        Organisation.objects.enterprises()
        .filter(is_demo=True, town__name=town)
        .order_by("uscc")[:3]
    )


def save_field_visits(lookups: Lookups) -> tuple[int, int]:
    rows = []
    for plan in FIELD_VISITS:
        host = None
        if plan.host_enterprise is not None:
            candidates = host_enterprises(plan.town)
            host = candidates[plan.host_enterprise] if candidates else None
        rows.append(
            {
                "visited_on": plan.visited_on,
                "purpose": plan.purpose,
                "leader_name": plan.leader_name,
                "leader_kind": plan.leader_kind,
                "leader_body": plan.leader_body,
                "host_kind": plan.host_kind,
                "host_organisation_id": host.pk if host else None,
                "host_name": plan.host_name or ("" if host else "企业(演示)"),
                "town_id": lookups.towns[plan.town].pk if plan.town else None,
                "summary": plan.summary or "演示数据",
                "is_demo": plan.is_demo,
            }
        )
    keys = ("visited_on", "purpose", "leader_name")
    saved = sync_rows(FieldVisit, keys, rows).objects
    issues = []
    for plan, row in zip(FIELD_VISITS, rows, strict=True):
        visit = saved[tuple(row[k] for k in keys)]
        for issue in plan.issues:
            issues.append(
                {
                    "visit_id": visit.pk,
                    "description": issue.description,
                    "category_id": lookups.categories[issue.category].pk,
                    "is_demo": True,
                }
            )
    saved_issues = sync_rows(VisitIssue, ("visit_id", "description"), issues).objects
    follow_ups = []
    by_issue = [issue for plan in FIELD_VISITS for issue in plan.issues]
    for issue, row in zip(by_issue, issues, strict=True):
        saved_issue = saved_issues[(row["visit_id"], row["description"])]
        for f in issue.follow_ups:
            follow_up = {
                "issue_id": saved_issue.pk,
                "action": f.action,
                "owner_id": lookups.user_id(f.owner) if f.owner else None,
                "owner_body": f.owner_body,
                "due_on": f.due_on,
                "is_demo": True,
            }
            if f.closed_on:  # an open one is closed in the demo, not by the plan
                follow_up["closed_on"] = f.closed_on
                follow_up["result"] = f.result
            follow_ups.append(follow_up)
    sync_rows(FollowUp, ("issue_id", "action"), follow_ups)
    return len(rows), len(follow_ups)


# -- the science-finance policy -----------------------------------------------------------------

POLICY = read("policy")
POLICY_TITLE = POLICY["title"]
V1_TEXT = "\n".join(POLICY["articles"])
V2_TEXT = "\n".join((*POLICY["articles"], *POLICY["revision"]["added_articles"]))


def record_replies(version, staff, replies: list[dict], opinions) -> None:
    """The bodies' replies (data/demo_policy.json) to the consultation of ``version``."""
    by_body = {reply["body"]: reply for reply in replies}
    for opinion in opinions:
        reply = by_body.get(opinion.body)
        if reply:
            policies.record_opinion(
                opinion,
                staff,
                position=reply["position"],
                text=reply["text"],
                replied_on=d(reply["replied_on"]),
            )


def save_policy(lookups: Lookups) -> str:
    """The policy through its real workflow, once (an existing policy is left alone)."""
    if Policy.objects.filter(title=POLICY_TITLE).exists():
        return "已有,未改动"
    staff = lookups.users[STAFF]
    policy = policies.create_policy(
        staff,
        title=POLICY_TITLE,
        domain=PolicyDomain.SCIENCE_FINANCE,
        issuer=POLICY["issuer"],
        note=POLICY["note"],
        summary=POLICY["summary"],
        text=V1_TEXT,
    )
    plan = POLICY["first"]
    first = policy.versions.get(number=1)
    bodies = [reply["body"] for reply in plan["replies"]]
    policies.start_consultation(first, bodies, staff, on=d(plan["consulted_on"]))
    record_replies(first, staff, plan["replies"], first.opinions.order_by("pk"))
    policies.adopt(
        first,
        staff,
        d(plan["effective_from"]),
        on=d(plan["decided_on"]),
        document_number=plan["document_number"],
    )
    plan = POLICY["revision"]
    second = policies.new_version(policy, staff)
    policies.save_draft(
        second,
        staff,
        second.version,
        title=plan["title"],
        summary=plan["summary"],
        text=V2_TEXT,
    )
    # 科技金融办法修订座谈会 (seed 003): the revision goes to the bodies for their opinions.
    policies.start_consultation(
        second,
        plan["bodies"],
        staff,
        on=d(plan["consulted_on"]),
        comment=plan["comment"],
    )
    record_replies(second, staff, plan["replies"], second.opinions.all())
    # The texts and opinions are synthetic (the policy itself is the seeds').
    policy.versions.update(is_demo=True)
    ConsultationOpinion.objects.filter(policy_version__policy=policy).update(is_demo=True)
    return "已按修订流程建立(第 1 版已施行,第 2 版征求意见中)"


# -- entry point ------------------------------------------------------------------------------


def load(stdout) -> None:
    lookups = Lookups()
    rng = random.Random(2020)
    commissioners = save_commissioners(lookups, rng)
    activities = save_activities(lookups, commissioners, random.Random(3255))
    institutions = save_institutions(lookups, random.Random(2021))
    visits, follow_ups = save_field_visits(lookups)
    policy = save_policy(lookups)
    stdout.write(
        f"服务:科技特派员 {len(commissioners)} 名(队)、服务日志 {activities} 条、"
        f"科技类校外培训机构 {len(institutions)} 家、走访调研 {visits} 次(跟进事项 "
        f"{follow_ups} 项)、{POLICY_TITLE}:{policy}"
    )
