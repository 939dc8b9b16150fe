"""Demo data of the plan projects (科技计划项目): calls from 2018 on, applications throughout
their life, the expert pool with review assignments and reviews, and acceptance meetings.

What the seeds say (seed-facts.yaml, ids ``projects.*``) and how the records make it true:

* 27 city major/key projects accepted in 2020, 20 industrial and 7 agricultural — the projects
  of the three 2020 acceptance batches (approved 2018–2019; one reconsidered in the first batch
  and passed in the second); general projects accepted that year come on top;
* the 2020 third batch: nine projects, in 杭州, delegated to 浙江省科技评估和成果转化中心;
* the six projects of 平湖市职业中等专业学校 (one of them 一种智能防疫巡检机器人) accepted at one
  meeting with a morning and an afternoon session (2021-11-18; the date is ours);
* 17 applications of the three schools to the calls of 2020 and 2021;
* over half of 2020's approved projects undertaken inside the provincial high-tech zone (the
  high-tech zone programme's call, 高新区类重点专项, brings most of them).

The figures are never stored: kechuang/projects/indicators.py computes them, and
tests/indicators/test_seed_facts.py checks them through docs/seed-facts-map.yaml.

Everything is planned from fixed tables — the data files ``data/demo_*.json`` (calls, meetings, the
expert pool's organisations, project names, texts) — and one seeded ``random.Random``. Calls,
experts and the applications of the older calls are written with ``sync_rows`` on natural keys,
their state-bearing fields worked out by replaying their path through the workflow's transition
table (:func:`replay`). The applications of the calls marked ``workflow`` (the schools' calls and
every call from 2024 on, the ones a demo walks through) are created as drafts and then moved by the
real workflow (``domain/workflow.perform``, acceptance conclusions through ``domain/meetings``)
with the dates of their history, so their timelines are real — once: a project no longer in draft
is left alone, so loading again writes nothing.

Dates are fixed, never relative to the load: the call open for the live demo runs from
2026-11-01 to 2027-06-30, and nothing in the plan happens after :data:`LATEST`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone

from kechuang.core.domain.sync import sync_rows
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem, Notification
from kechuang.registry.demo import GIVEN_NAMES, SURNAMES
from kechuang.registry.enums import IndustryChain, OrganisationKind, Title
from kechuang.registry.models import Organisation
from kechuang.registry.reference import HIGH_TECH_ZONE

from .domain import meetings, workflow
from .domain.assign import field_match
from .enums import (
    Aggregation,
    Category,
    Conclusion,
    MidtermResult,
    PanelRole,
    ProgrammeCode,
    ReviewState,
)
from .enums import Field as F
from .enums import State as S
from .models import (
    AcceptanceMeeting,
    Application,
    Assignment,
    Call,
    Criterion,
    Expert,
    FormField,
    MeetingSession,
    PanelMember,
    Review,
    ReviewPhase,
    Score,
    SessionProject,
)

LATEST = dt.date(2026, 11, 23)  # the demo's “today”: nothing in the plan happens later
RECENT = dt.date(2026, 11, 1)  # notifications of earlier steps are history: marked read
TZ = timezone.get_default_timezone()

# Demo accounts (kechuang/accounts/demo.py) that act in the projects' histories.
STAFF, LEADER, DANGHU_OFFICER, EXPERT_LOGIN = "dai.liang", "ni.jianfeng", "danghu", "expert"
DANGHU = "当湖街道"

# Organisations the seeds name.
VOCATIONAL = "平湖市职业中等专业学校"
ROBOT = "一种智能防疫巡检机器人"

# The data of the demo (calls, meetings, names, texts) is in data/demo_*.json; what is done with
# it — the random draws, the replay of each project's path — is here.
DATA = Path(__file__).resolve().parent / "data"


def read(name: str) -> dict:
    return json.loads((DATA / f"demo_{name}.json").read_text(encoding="utf-8"))


CALL_DATA, TEXTS, NAMES = read("calls"), read("texts"), read("projects")
CRITERIA = [
    (c["code"], c["name"], c["description"], Decimal(c["weight"])) for c in CALL_DATA["criteria"]
]
PHASE = CALL_DATA["phase"]


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s."""
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def workday(day: dt.date) -> dt.date:
    """``day``, or the Monday after it when it falls on a weekend."""
    return workflow.add_working_days(day, 1)


# -- calls ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallPlan:
    code: str
    year: int
    batch: int
    category: str
    field: str
    opens: dt.date
    closes: dt.date
    checked_on: dt.date  # the formal checks
    recommended_on: dt.date
    review_on: dt.date  # sent to expert review
    decided_on: dt.date  # approval (立项) or not
    starts_on: dt.date  # when its projects start
    programme: str | None = None
    reviewers: int = 5
    aggregation: str = Aggregation.MEAN
    workflow: bool = False  # its applications are moved by the real workflow
    review_closes: dt.date | None = None

    @property
    def name(self) -> str:
        batch = f"第{'一二三四'[self.batch - 1]}批" if self.batch > 1 else ""
        if self.programme == ProgrammeCode.HITECH_ZONE:
            return f"{self.year}年度平湖市科技计划高新区类重点专项{batch}"
        category = {Category.MAJOR: "重大", Category.KEY: "重点", Category.GENERAL: "一般"}
        field_ = {F.INDUSTRY: "工业类", F.AGRICULTURE: "农业类", F.SOCIAL: "社会发展类"}
        return (
            f"{self.year}年度平湖市科技计划{category[self.category]}项目{batch}"
            f"({field_[self.field]})"
        )

    @property
    def opens_at(self) -> dt.datetime:
        return at(self.opens, 9)

    @property
    def closes_at(self) -> dt.datetime:
        return at(self.closes, 17, 30)


SCHEDULE = (
    "opens",
    "closes",
    "checked_on",
    "recommended_on",
    "review_on",
    "decided_on",
    "starts_on",
)


def call(row: dict) -> CallPlan:
    """A call of data/demo_calls.json: its schedule is a named one (``schedules``) or its own."""
    schedule = row["schedule"]
    if isinstance(schedule, str):
        schedule = CALL_DATA["schedules"][schedule]
    options = {k: row[k] for k in ("programme", "reviewers", "aggregation", "workflow") if k in row}
    if "review_closes" in row:
        options["review_closes"] = d(row["review_closes"])
    return CallPlan(
        row["code"], int(row["code"][:4]), row.get("batch", 1), row["category"], row["field"],
        *(d(schedule[key]) for key in SCHEDULE), **options,
    )  # fmt: skip


MAJOR, KEY, GENERAL = Category.MAJOR, Category.KEY, Category.GENERAL
IND, AGRI, SOC = F.INDUSTRY, F.AGRICULTURE, F.SOCIAL
CALLS = [call(row) for row in CALL_DATA["calls"]]
CALL = {c.code: c for c in CALLS}
OPEN_CALL = "2027-industry-general-1"
IN_REVIEW_CALL = "2026-industry-general-2"
REVIEWED_CALLS = ("2020-hitech-zone-key-1", "2026-industry-key-1", IN_REVIEW_CALL)


def guide(plan: CallPlan) -> str:
    texts = CALL_DATA["guide"]
    text = texts["text"].format(who=texts["who"][plan.field])
    if plan.programme == ProgrammeCode.HITECH_ZONE:
        text += texts["hitech_zone"]
    return text + texts["end"]


# -- experts -------------------------------------------------------------------------------

EXPERT_POOL = 60
# Where the pool's experts work: universities and research organisations of the registry,
# then synthetic enterprises (a few experts therefore sit in organisations that apply).
EXPERT_ORGANISATIONS = [
    (row["organisation"], tuple(row["titles"])) for row in read("experts")["organisations"]
]
ENTERPRISE_EXPERTS = 12  # in synthetic enterprises, senior engineers


# -- the plan of one project ------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A project at an acceptance meeting: the session and the panel's conclusion."""

    meeting: str
    session: str
    conclusion: str
    opinion: str


@dataclass(frozen=True)
class Step:
    id: str  # a transition id, or "conclude": a conclusion at an acceptance meeting
    on: dt.date
    actor: str  # applicant, staff, leader, town
    comment: str = ""
    now: dt.datetime | None = None  # submit: the moment
    funding: Decimal | None = None
    contract: str = ""
    slot: Slot | None = None

    @property
    def transition(self) -> str:
        return workflow.CONCLUSION_STEP[self.slot.conclusion] if self.slot else self.id


@dataclass
class ProjectPlan:
    call: CallPlan
    name: str
    undertaker: Organisation
    tech_field: str
    leader: str
    phone: str
    starts_on: dt.date
    ends_on: dt.date
    requested: Decimal
    self_funding: Decimal
    content: str
    is_demo: bool = True
    cooperators: list[Organisation] = field(default_factory=list)
    answers: dict = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.call.code, self.name)


@dataclass
class Outcome:
    """How a project's life goes (the keyword arguments of :meth:`Planner.life`)."""

    until: str
    returned: bool = False
    midterm: tuple[str, ...] = ()  # MidtermResult values in order (rectify, then pass)
    # (conclusion, date, (meeting code, session) or None) in order; a meeting gives the date
    conclusions: tuple = ()
    terminated: tuple[dt.date, str] | None = None


RETURN_REASON = TEXTS["return_reason"]
REJECT_REASON = TEXTS["reject_reason"]
NOT_RECOMMENDED = TEXTS["not_recommended"]
NOT_APPROVED = TEXTS["not_approved"]
RECTIFY = TEXTS["rectify"]
MIDTERM_FAIL = TEXTS["midterm_fail"]
TERMINATED = TEXTS["terminated"]
PASSED = TEXTS["passed"]
PASSED_SCHOOL = TEXTS["passed_school"]
RECONSIDER = TEXTS["reconsider"]
FAILED = TEXTS["failed"]


# -- acceptance meetings --------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingPlan:
    code: str
    name: str
    year: int
    batch: int | None
    held_on: dt.date
    place: str
    agency: str | None = None
    note: str = ""
    is_demo: bool = True


MEETING_DATA = read("meetings")
SESSIONS = tuple(
    (row["name"], dt.time.fromisoformat(row["starts"]), dt.time.fromisoformat(row["ends"]))
    for row in MEETING_DATA["sessions"]
)
MORNING, AFTERNOON = (name for name, _starts, _ends in SESSIONS)
BATCH_1, BATCH_2, BATCH_3 = "2020-acceptance-1", "2020-acceptance-2", "2020-acceptance-3"
VOCATIONAL_MEETING = "2021-vocational-school"
MEETING_2026 = "2026-acceptance-1"
MEETINGS = [
    MeetingPlan(**{**row, "held_on": d(row["held_on"])}) for row in MEETING_DATA["meetings"]
]
MEETING = {m.code: m for m in MEETINGS}

# -- names -------------------------------------------------------------------------------------

# Topics by technical field (the TECH_FIELD code list's leaves); a project's name is a topic and
# a suffix by category.
TOPICS = {field_: tuple(topics) for field_, topics in NAMES["topics"].items()}
SUFFIX = NAMES["suffix"]
MORE_SUFFIXES = tuple(NAMES["more_suffixes"])
FIELDS_OF = {field_: tuple(fields) for field_, fields in NAMES["fields_of"].items()}
# Technical fields by industry chain of an enterprise.
CHAIN_FIELDS = {chain: tuple(fields) for chain, fields in NAMES["chain_fields"].items()}
# The schools' projects (seed 003): (call, school, name, technical field, outcome keyword).
SCHOOL_PROJECTS = [
    (row["call"], row["school"], row["name"], row["tech_field"], row["outcome"])
    for row in NAMES["school_projects"]
]


# -- lookups -------------------------------------------------------------------------------


class Lookups:
    """Registry organisations, code list items and the demo accounts the plan refers to."""

    def __init__(self):
        User = get_user_model()
        self.organisations = {o.name: o for o in Organisation.objects.select_related("town")}
        self.organisations_by_pk = {o.pk: o for o in self.organisations.values()}
        items = CodeItem.objects.filter(active=True)
        self.tech_fields = {i.code: i for i in items.filter(code_list=CodeList.TECH_FIELD)}
        self.titles = {i.code: i for i in items.filter(code_list=CodeList.TITLE)}
        self.programmes = {i.code: i for i in items.filter(code_list=CodeList.PROJECT_PROGRAMME)}
        names = [STAFF, LEADER, DANGHU_OFFICER, EXPERT_LOGIN]
        self.users = {u.username: u for u in User.objects.filter(username__in=names)}
        missing = set(names) - set(self.users)
        if missing:
            raise RuntimeError(f"demo accounts missing: {sorted(missing)} (run the accounts demo)")
        # Organisation users: the applicants of their organisations.
        self.applicants = {}
        for user in User.objects.filter(organisation__isnull=False, is_active=True).order_by("pk"):
            self.applicants.setdefault(user.organisation_id, user)
        enterprises = list(
            Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
            .select_related("town")
            .order_by("uscc")
        )
        in_zone = set(
            Organisation.objects.filter(zones__code=HIGH_TECH_ZONE).values_list("pk", flat=True)
        )
        chains = dict(
            Organisation.chains.through.objects.filter(
                codeitem__code_list=CodeList.INDUSTRY_CHAIN
            ).values_list("organisation_id", "codeitem__code")
        )
        self.chain_of = chains
        self.zone = [o for o in enterprises if o.pk in in_zone]
        self.real = [o for o in enterprises if not o.is_demo and o.pk not in in_zone]
        self.agri = [o for o in enterprises if chains.get(o.pk) == IndustryChain.MODERN_AGRICULTURE]
        self.synthetic_industry = [
            o
            for o in enterprises
            if o.is_demo
            and o.pk not in in_zone
            and chains.get(o.pk)
            in (
                IndustryChain.NEW_MATERIALS,
                IndustryChain.ELECTRONIC_INFO,
                IndustryChain.AUTO_PARTS,
                IndustryChain.ADVANCED_EQUIPMENT,
            )
        ]
        self.synthetic_other = [
            o
            for o in enterprises
            if o.is_demo and o.pk not in in_zone and chains.get(o.pk) in (None, "")
        ]
        self.danghu_enterprises = [
            o
            for o in enterprises
            if o.is_demo and o.town and o.town.name == DANGHU and o.pk not in in_zone
        ]

    def org(self, name: str) -> Organisation:
        return self.organisations[name]

    def user(self, name: str):
        return self.users[name]


# -- planning ------------------------------------------------------------------------------


class Planner:
    """Every project of the demo, in one fixed order (the random draws depend on it)."""

    def __init__(self, lookups: Lookups):
        self.lookups = lookups
        self.rng = random.Random(2020)
        self.projects: list[ProjectPlan] = []
        self.used_names: set[tuple[str, str]] = set()
        self.topic_cursor: dict[str, int] = {}
        self.contracts: dict[int, count] = {}
        self.pools = {
            "real": Cycle(lookups.real),
            "zone": Cycle(lookups.zone),
            "agri": Cycle(lookups.agri),
            "industry": Cycle(lookups.synthetic_industry),
            "other": Cycle(lookups.synthetic_other or lookups.synthetic_industry),
            "danghu": Cycle(lookups.danghu_enterprises),
        }

    # building blocks -----------------------------------------------------------------------

    def leader(self) -> tuple[str, str]:
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)
        phone = f"13{self.rng.randint(5, 9)}{self.rng.randint(0, 99_999_999):08d}"
        return name, phone

    def topic_name(self, plan: CallPlan, tech_field: str) -> str:
        """The field's next topic with the category's suffix (another suffix when the call has
        that name already)."""
        topics = TOPICS[tech_field]
        position = self.topic_cursor.get(tech_field, 0)
        self.topic_cursor[tech_field] = position + 1
        topic = topics[position % len(topics)]
        for suffix in (SUFFIX[plan.category], *MORE_SUFFIXES):
            name = f"{topic}{suffix}(演示)"
            if (plan.code, name) not in self.used_names:
                return name
        raise ValueError(f"no free project name for {tech_field} in {plan.code}")

    def field_for(self, plan: CallPlan, undertaker: Organisation) -> str:
        chain = self.lookups.chain_of.get(undertaker.pk)
        choices = CHAIN_FIELDS.get(chain) or FIELDS_OF[plan.field]
        if plan.field == AGRI:
            choices = FIELDS_OF[AGRI]
        return self.rng.choice(choices)

    def funding(self, plan: CallPlan, undertaker: Organisation) -> tuple[Decimal, Decimal]:
        if undertaker.kind == OrganisationKind.SCHOOL:
            requested = self.rng.randint(3, 10)
            return Decimal(requested), Decimal(requested * self.rng.randint(3, 8) // 10)
        low, high = {MAJOR: (150, 300), KEY: (50, 120), GENERAL: (10, 30)}[plan.category]
        requested = self.rng.randint(low, high)
        return Decimal(requested), Decimal(requested * self.rng.randint(20, 50) // 10)

    def project(
        self,
        code: str,
        undertaker: Organisation,
        outcome: Outcome,
        *,
        name: str | None = None,
        tech_field: str | None = None,
        months: int = 24,
        submitted: dt.datetime | None = None,
        cooperators=(),
        answers=None,
    ) -> ProjectPlan:
        plan = CALL[code]
        tech_field = tech_field or self.field_for(plan, undertaker)
        name = name or self.topic_name(plan, tech_field)
        if (code, name) in self.used_names:
            raise ValueError(f"{name} twice in {code}")
        self.used_names.add((code, name))
        leader, phone = self.leader()
        requested, self_funding = self.funding(plan, undertaker)
        project = ProjectPlan(
            call=plan,
            name=name,
            undertaker=undertaker,
            tech_field=tech_field,
            leader=leader,
            phone=phone,
            starts_on=plan.starts_on,
            ends_on=add_months(plan.starts_on, months) - dt.timedelta(days=1),
            requested=requested,
            self_funding=self_funding,
            content=(
                f"项目围绕{name.removesuffix('(演示)')}开展研究,突破关键技术,完成样机(样品)研制与"
                "应用验证,形成自主知识产权。"
            ),
            is_demo="(演示)" in name,
            cooperators=list(cooperators),
            answers=answers or {},
        )
        index = len([p for p in self.projects if p.call.code == code])
        moment = submitted or at(
            plan.opens + dt.timedelta(days=7 + (index * 3) % 40), 9 + index % 8, (index * 7) % 60
        )
        if moment.date() >= plan.closes:
            moment = at(plan.closes - dt.timedelta(days=1 + index % 5), 10 + index % 6)
        project.steps = self.life(project, moment, outcome)
        reached = replay(project.steps)["state"]
        if reached != outcome.until:
            raise ValueError(f"{name}: the plan ends in {reached}, not {outcome.until}")
        self.projects.append(project)
        return project

    def life(self, p: ProjectPlan, submitted: dt.datetime, o: Outcome) -> list[Step]:
        """The steps of a project's life from its submission to ``o.until``."""
        c, steps = p.call, []
        if o.until == S.DRAFT:
            return steps
        steps.append(Step("submit", submitted.date(), "applicant", now=submitted))
        if o.returned:
            returned_on = workday(submitted.date() + dt.timedelta(days=4))
            steps.append(Step("check_return", returned_on, "staff", RETURN_REASON))
            if o.until == S.RETURNED:
                return steps
            again = workday(returned_on + dt.timedelta(days=3))
            steps.append(Step("submit", again, "applicant", now=at(again, 15, 20)))
        if o.until == S.SUBMITTED:
            return steps
        if o.until == S.CHECK_REJECTED:
            return [*steps, Step("check_reject", c.checked_on, "staff", REJECT_REASON)]
        steps.append(Step("check_pass", c.checked_on, "staff"))
        if o.until == S.CHECKED:
            return steps
        if o.until == S.NOT_RECOMMENDED:
            return [*steps, Step("not_recommend", c.recommended_on, "town", NOT_RECOMMENDED)]
        steps.append(Step("recommend", c.recommended_on, "town"))
        if o.until == S.RECOMMENDED:
            return steps
        steps.append(Step("start_review", c.review_on, "staff"))
        if o.until == S.IN_REVIEW:
            return steps
        if o.until == S.NOT_APPROVED:
            return [*steps, Step("not_approve", c.decided_on, "leader", NOT_APPROVED)]
        ratio = Decimal(self.rng.choice((60, 70, 75, 80, 85, 90, 100))) / 100
        funding = max(Decimal(1), (p.requested * ratio).quantize(Decimal(1)))
        steps.append(Step("approve", c.decided_on, "leader", funding=funding))
        if o.until == S.APPROVED:
            return steps
        publicised = workday(c.decided_on + dt.timedelta(days=1))
        steps.append(Step("publicise", publicised, "staff"))
        if o.until == S.PUBLICITY:
            return steps
        publicity_until = workflow.add_working_days(publicised, workflow.PUBLICITY_DAYS)
        signed = workday(publicity_until + dt.timedelta(days=10))
        numbers = self.contracts.setdefault(c.year, count(1))
        contract = f"平科计任〔{c.year}〕{next(numbers):03d}号"
        steps.append(Step("sign_contract", signed, "staff", contract=contract))
        midterm_on = add_months(p.starts_on, max(6, (p.ends_on - p.starts_on).days // 61))
        for result in o.midterm:
            step = {
                MidtermResult.PASS: ("midterm_pass", ""),
                MidtermResult.RECTIFY: ("midterm_rectify", RECTIFY),
                MidtermResult.FAIL: ("midterm_fail", MIDTERM_FAIL),
            }[result]
            steps.append(Step(step[0], workday(midterm_on), "staff", step[1]))
            midterm_on = add_months(midterm_on, 3)
        if o.terminated:
            on, reason = o.terminated
            return [*steps, Step("terminate", on, "staff", reason)]
        if o.until in (S.IN_PROGRESS, S.RECTIFYING, S.MIDTERM_PASSED, S.TERMINATED):
            return steps
        applied = workday(p.ends_on + dt.timedelta(days=20))
        for conclusion, on, slot in o.conclusions or ((None, None, None),):
            steps.append(Step("apply_acceptance", applied, "applicant"))
            if conclusion is None:
                break
            opinion = {
                Conclusion.PASS: PASSED_SCHOOL
                if p.undertaker.kind == OrganisationKind.SCHOOL
                else PASSED,
                Conclusion.RECONSIDER: RECONSIDER,
                Conclusion.FAIL: FAILED,
            }[conclusion]
            if slot is not None:
                slot = Slot(slot[0], slot[1], conclusion, opinion)
                steps.append(Step("conclude", MEETING[slot.meeting].held_on, "staff", slot=slot))
            else:
                step = workflow.CONCLUSION_STEP[conclusion]
                comment = opinion if step != "accept" else ""
                steps.append(Step(step, workday(on), "staff", comment))
            applied = workday((on or MEETING[slot.meeting].held_on) + dt.timedelta(days=45))
        if o.until == S.CLOSED:
            last = steps[-1].on
            steps.append(Step("close", workday(last + dt.timedelta(days=18)), "staff"))
        return steps

    # the calls -----------------------------------------------------------------------------

    def build(self) -> list[ProjectPlan]:
        self.acceptance_2020()
        self.older_others()
        self.calls_2020()
        self.calls_2021()
        self.schools()
        self.current()
        return self.projects

    def acceptance_2020(self) -> None:
        """The 27 major/key projects accepted at the three 2020 batches (20 industrial, 7
        agricultural), and the general ones accepted in 2020 without a meeting."""
        real, industry, agri = self.pools["real"], self.pools["industry"], self.pools["agri"]
        universities = [self.lookups.org(n) for n in ("浙江工业大学", "浙江大学", "浙江农林大学")]

        def accepted(code, who, months, slots, cooperator=None):
            conclusions = tuple(
                (conclusion, None, (meeting, session)) for conclusion, meeting, session in slots
            )
            outcome = Outcome(S.CLOSED, midterm=(MidtermResult.PASS,), conclusions=conclusions)
            return self.project(
                code, who, outcome, months=months, cooperators=[cooperator] if cooperator else ()
            )

        p = Conclusion.PASS
        # First batch (May 2020): 18-month projects of 2018 ending in February 2020 (9 at the
        # meeting: 8 passed, one to be reconsidered that passed in the second batch).
        accepted("2018-industry-major-1", real.next(), 20, [(p, BATCH_1, MORNING)], universities[0])
        for _ in range(3):
            accepted("2018-industry-key-1", real.next(), 20, [(p, BATCH_1, MORNING)])
        accepted(
            "2018-industry-key-1",
            real.next(),
            20,
            [(Conclusion.RECONSIDER, BATCH_1, AFTERNOON), (p, BATCH_2, MORNING)],
        )
        accepted("2018-industry-key-1", industry.next(), 20, [(p, BATCH_1, AFTERNOON)])
        for _ in range(3):
            accepted("2018-agriculture-key-1", agri.next(), 20, [(p, BATCH_1, AFTERNOON)])
        # Second batch (September 2020): two-year projects of 2018.
        for _ in range(2):
            accepted("2018-industry-major-1", real.next(), 24, [(p, BATCH_2, MORNING)])
        for index in range(5):
            who = real.next() if index < 3 else industry.next()
            accepted(
                "2018-industry-key-1", who, 24, [(p, BATCH_2, MORNING if index < 2 else AFTERNOON)]
            )
        for _ in range(2):
            accepted(
                "2018-agriculture-key-1",
                agri.next(),
                24,
                [(p, BATCH_2, AFTERNOON)],
                universities[2],
            )
        # Third batch (December 2020, in Hangzhou, delegated): 2018 majors of 28 months, 2019
        # key projects of 16 months.
        for _ in range(2):
            accepted(
                "2018-industry-major-1", real.next(), 28, [(p, BATCH_3, MORNING)], universities[1]
            )
        for index in range(5):
            who = real.next() if index < 2 else industry.next()
            accepted(
                "2019-industry-key-1", who, 16, [(p, BATCH_3, MORNING if index < 3 else AFTERNOON)]
            )
        for _ in range(2):
            accepted("2019-agriculture-key-1", agri.next(), 16, [(p, BATCH_3, AFTERNOON)])
        # General projects of 2019, accepted in 2020 on their documents (one failed).
        for index in range(4):
            conclusion = Conclusion.FAIL if index == 3 else p
            self.project(
                "2019-industry-general-1",
                industry.next(),
                Outcome(S.CLOSED, conclusions=((conclusion, d("2020-08-20"), None),)),
                months=12,
            )  # fmt: skip

    def older_others(self) -> None:
        """The rest of 2018–2019: not approved, rejected, terminated, accepted later."""
        real, industry, agri = self.pools["real"], self.pools["industry"], self.pools["agri"]
        self.project("2018-industry-major-1", real.next(), Outcome(S.NOT_APPROVED))
        self.project("2018-industry-key-1", industry.next(), Outcome(S.NOT_APPROVED))
        self.project("2018-industry-key-1", industry.next(), Outcome(S.CHECK_REJECTED))
        self.project(
            "2018-industry-key-1",
            industry.next(),
            Outcome(S.TERMINATED, midterm=(MidtermResult.FAIL,)),
        )
        self.project("2018-agriculture-key-1", agri.next(), Outcome(S.NOT_APPROVED))
        for _index in range(2):
            self.project(
                "2019-industry-major-1",
                real.next(),
                Outcome(
                    S.CLOSED,
                    midterm=(MidtermResult.PASS,),
                    conclusions=((Conclusion.PASS, d("2022-09-15"), None),),
                ),
                months=36,
            )
        self.project("2019-industry-major-1", real.next(), Outcome(S.NOT_APPROVED))
        for _index in range(2):
            self.project(
                "2019-industry-key-1",
                industry.next(),
                Outcome(S.CLOSED, conclusions=((Conclusion.PASS, d("2021-09-16"), None),)),
            )
        self.project("2019-industry-key-1", industry.next(), Outcome(S.NOT_APPROVED))
        self.project(
            "2019-agriculture-key-1",
            agri.next(),
            Outcome(S.CLOSED, conclusions=((Conclusion.PASS, d("2021-09-16"), None),)),
        )
        self.project("2019-industry-general-1", industry.next(), Outcome(S.NOT_RECOMMENDED))

    def calls_2020(self) -> None:
        """2020: 33 projects approved, 18 of them undertaken inside the high-tech zone."""
        real, zone, industry, agri = (self.pools[k] for k in ("real", "zone", "industry", "agri"))
        done = Outcome(
            S.CLOSED,
            midterm=(MidtermResult.PASS,),
            conclusions=((Conclusion.PASS, d("2022-10-20"), None),),
        )
        short = Outcome(S.CLOSED, conclusions=((Conclusion.PASS, d("2021-10-15"), None),))
        # The high-tech zone programme: ten approved, two not.
        for _ in range(10):
            self.project("2020-hitech-zone-key-1", zone.next(), done)
        for _ in range(2):
            self.project("2020-hitech-zone-key-1", zone.next(), Outcome(S.NOT_APPROVED))
        # Industry key: seven approved (four inside the zone).
        for index in range(7):
            who = zone.next() if index < 4 else real.next()
            outcome = done
            if index == 6:
                outcome = Outcome(
                    S.TERMINATED,
                    midterm=(MidtermResult.RECTIFY,),
                    terminated=(d("2021-09-30"), TERMINATED),
                )
            self.project("2020-industry-key-1", who, outcome)
        self.project("2020-industry-key-1", industry.next(), Outcome(S.NOT_APPROVED))
        self.project("2020-industry-key-1", industry.next(), Outcome(S.CHECK_REJECTED))
        self.project("2020-industry-key-1", industry.next(), Outcome(S.NOT_RECOMMENDED))
        # Agriculture key: three approved.
        for _ in range(3):
            self.project("2020-agriculture-key-1", agri.next(), done)
        self.project("2020-agriculture-key-1", agri.next(), Outcome(S.NOT_APPROVED))
        # Industry general: five approved (three inside the zone).
        for index in range(5):
            who = zone.next() if index < 3 else real.next()
            self.project("2020-industry-general-1", who, short, months=12)
        self.project("2020-industry-general-1", industry.next(), Outcome(S.NOT_APPROVED))
        self.project("2020-industry-general-1", industry.next(), Outcome(S.CHECK_REJECTED))

    def calls_2021(self) -> None:
        real, zone, industry, agri = (self.pools[k] for k in ("real", "zone", "industry", "agri"))
        done = Outcome(
            S.CLOSED,
            midterm=(MidtermResult.PASS,),
            conclusions=((Conclusion.PASS, d("2023-10-19"), None),),
        )
        for _ in range(2):
            self.project(
                "2021-industry-major-1",
                real.next(),
                Outcome(
                    S.CLOSED,
                    midterm=(MidtermResult.PASS,),
                    conclusions=((Conclusion.PASS, d("2024-10-17"), None),),
                ),
                months=36,
                cooperators=[self.lookups.org("上海交通大学")],
            )
        self.project("2021-industry-major-1", real.next(), Outcome(S.NOT_APPROVED))
        for _ in range(6):
            self.project("2021-hitech-zone-key-1", zone.next(), done)
        for _ in range(2):
            self.project("2021-hitech-zone-key-1", zone.next(), Outcome(S.NOT_APPROVED))
        for index in range(5):
            self.project("2021-industry-key-1", industry.next() if index % 2 else real.next(), done)
        self.project(
            "2021-industry-key-1",
            self.lookups.org("浙工大平湖新材料研究院"),
            done,
            tech_field="new_materials",
        )
        self.project("2021-industry-key-1", industry.next(), Outcome(S.NOT_APPROVED))
        self.project("2021-industry-key-1", industry.next(), Outcome(S.NOT_RECOMMENDED))
        for _ in range(3):
            self.project("2021-agriculture-key-1", agri.next(), done)
        self.project("2021-agriculture-key-1", agri.next(), Outcome(S.NOT_APPROVED))

    def schools(self) -> None:
        """The three schools' applications (17 submitted to the calls of 2020 and 2021), and
        the others of the social-development calls."""
        other = self.pools["other"]
        for code, school, name, tech_field, how in SCHOOL_PROJECTS:
            if how in (MORNING, AFTERNOON):
                slot = (VOCATIONAL_MEETING, how)
                outcome = Outcome(S.CLOSED, conclusions=((Conclusion.PASS, None, slot),))
            elif how == "closed":  # accepted on its documents some months after it ended
                accepted_on = add_months(CALL[code].starts_on, 14) + dt.timedelta(days=14)
                outcome = Outcome(S.CLOSED, conclusions=((Conclusion.PASS, accepted_on, None),))
            elif how == "returned_not_approved":
                outcome = Outcome(S.NOT_APPROVED, returned=True)
            else:
                outcome = Outcome(how)
            self.project(
                code, self.lookups.org(school), outcome, name=name, tech_field=tech_field, months=12
            )
        for code in ("2019-social-general-1", "2020-social-general-1", "2021-social-general-1"):
            year = int(code[:4])
            self.project(
                code,
                other.next(),
                Outcome(S.CLOSED, conclusions=((Conclusion.PASS, d(f"{year + 2}-09-10"), None),)),
                tech_field="environment",
            )
        # Inside the high-tech zone: a public-health project of a medical device maker.
        self.project(
            "2020-social-general-1",
            next(o for o in self.lookups.zone if o.town and o.town.name == DANGHU),
            Outcome(S.CLOSED, conclusions=((Conclusion.PASS, d("2022-09-10"), None),)),
            tech_field="public_health",
        )

    def current(self) -> None:
        """Projects running now (2024–2025), a call in review now, and the open call."""
        real, industry, agri = self.pools["real"], self.pools["industry"], self.pools["agri"]
        meeting = MEETING[MEETING_2026].held_on
        # 2024 industry key: every stage of a running project.
        code = "2024-industry-key-1"
        self.project(code, real.next(), Outcome(S.IN_PROGRESS), months=30)
        self.project(
            code, real.next(), Outcome(S.MIDTERM_PASSED, midterm=(MidtermResult.PASS,)), months=30
        )
        self.project(
            code,
            industry.next(),
            Outcome(S.RECTIFYING, midterm=(MidtermResult.RECTIFY,)),
            months=30,
        )
        self.project(code, real.next(), Outcome(S.ACCEPTANCE_APPLIED), months=24)
        for conclusion, session, until in (
            (Conclusion.PASS, MORNING, S.ACCEPTED),
            (Conclusion.FAIL, MORNING, S.ACCEPTANCE_FAILED),
            (Conclusion.RECONSIDER, AFTERNOON, S.RECONSIDER),
        ):
            self.project(
                code,
                industry.next(),
                Outcome(until, conclusions=((conclusion, meeting, (MEETING_2026, session)),)),
                months=20,
            )
        self.project(
            code,
            industry.next(),
            Outcome(S.CLOSED, conclusions=((Conclusion.PASS, d("2026-03-19"), None),)),
            months=18,
        )
        self.project(
            code, industry.next(), Outcome(S.TERMINATED, terminated=(d("2025-05-12"), TERMINATED))
        )
        self.project(code, industry.next(), Outcome(S.NOT_APPROVED))
        # 2025 agriculture key: running; one failed its mid-term check.
        code = "2025-agriculture-key-1"
        for _index in range(3):
            self.project(code, agri.next(), Outcome(S.IN_PROGRESS), months=30)
        self.project(
            code, agri.next(), Outcome(S.TERMINATED, midterm=(MidtermResult.FAIL,)), months=24
        )
        # 2026 first batch: contracts signed in August.
        code = "2026-industry-key-1"
        self.project(code, self.lookups.org("浙江独山能源有限公司"), Outcome(S.IN_PROGRESS))
        for _index in range(3):
            self.project(code, real.next(), Outcome(S.IN_PROGRESS))
        self.project(code, industry.next(), Outcome(S.NOT_APPROVED))
        self.project(code, industry.next(), Outcome(S.CHECK_REJECTED))
        # 2026 second batch, in expert review now; some decided already.
        code = IN_REVIEW_CALL
        for _index in range(6):
            self.project(code, industry.next(), Outcome(S.IN_REVIEW), months=18)
        for _index in range(2):
            self.project(code, industry.next(), Outcome(S.APPROVED), months=18)
        for _index in range(2):
            self.project(code, industry.next(), Outcome(S.PUBLICITY), months=18)
        self.project(code, industry.next(), Outcome(S.RECOMMENDED), months=18)
        self.project(code, industry.next(), Outcome(S.NOT_RECOMMENDED), months=18)
        # The open call: the demo's applicants and a formal-check queue.
        code = OPEN_CALL
        vocational = self.lookups.org(VOCATIONAL)
        self.project(
            code,
            vocational,
            Outcome(S.SUBMITTED),
            name="一种校园垃圾智能分类回收装置(演示)",
            tech_field="ai",
            months=12,
            submitted=at(d("2026-11-10"), 10, 12),
            answers={"relevance": "依托学校机电技术应用专业实训基地开展研发。"},
        )
        self.project(
            code,
            vocational,
            Outcome(S.DRAFT),
            name="基于机器视觉的实训操作规范识别系统(演示)",
            tech_field="ai",
            months=12,
        )
        self.project(
            code,
            self.lookups.org("浙江独山能源有限公司"),
            Outcome(S.DRAFT),
            name="聚酯装置能耗智能优化控制系统(演示)",
            tech_field="energy",
            months=12,
        )
        self.project(
            code,
            industry.next(),
            Outcome(S.SUBMITTED),
            months=12,
            submitted=at(d("2026-11-12"), 14),
        )
        self.project(
            code,
            industry.next(),
            Outcome(S.RETURNED, returned=True),
            months=12,
            submitted=at(d("2026-11-12"), 9, 40),
        )
        self.project(
            code,
            self.pools["danghu"].next(),
            Outcome(S.CHECKED),
            months=12,
            submitted=at(d("2026-11-05"), 11, 5),
        )


class Cycle:
    """Organisations handed out in order, from the start again when all were used."""

    def __init__(self, items):
        if not items:
            raise RuntimeError("the registry demo has no organisations of a kind the plan needs")
        self.items, self.position = list(items), 0

    def next(self) -> Organisation:
        item = self.items[self.position % len(self.items)]
        self.position += 1
        return item


# -- replaying a path ----------------------------------------------------------------------

STATE_FIELDS = (
    "state",
    "submitted_at",
    "approved_on",
    "approved_funding",
    "publicity_until",
    "contract_number",
    "contract_signed_on",
    "midterm_result",
    "midterm_on",
    "conclusion",
    "concluded_on",
    "closed_on",
    "terminated_on",
)


def replay(steps: list[Step]) -> dict:
    """The state-bearing fields after ``steps``, as the workflow writes them (see
    ``workflow._step_values``); refuses a step the transition table does not allow from the
    state reached, a step dated before the one before it, or after :data:`LATEST`."""
    values = dict.fromkeys(STATE_FIELDS)
    values.update(state=S.DRAFT, contract_number="", midterm_result="", conclusion="")
    last = None
    for step in steps:
        transition = workflow.transition(step.transition)
        if values["state"] not in transition.from_states:
            raise ValueError(f"{step.id} is not allowed from {values['state']}")
        if (last and step.on < last) or step.on > LATEST:
            raise ValueError(f"{step.id} on {step.on} is out of order")
        last = step.on
        values["state"] = transition.to_state
        match transition.id:
            case "submit":
                values["submitted_at"] = step.now
            case "approve":
                values["approved_funding"] = step.funding
                values["approved_on"] = step.on
            case "publicise":
                values["publicity_until"] = workflow.add_working_days(
                    step.on, workflow.PUBLICITY_DAYS
                )
            case "sign_contract":
                values["contract_number"] = step.contract
                values["contract_signed_on"] = step.on
            case "midterm_pass" | "midterm_rectify" | "midterm_fail":
                values["midterm_result"] = {
                    "midterm_pass": MidtermResult.PASS,
                    "midterm_rectify": MidtermResult.RECTIFY,
                    "midterm_fail": MidtermResult.FAIL,
                }[transition.id]
                values["midterm_on"] = step.on
                if transition.id == "midterm_fail":
                    values["terminated_on"] = step.on
            case "accept" | "accept_reconsider" | "accept_fail":
                values["conclusion"] = {
                    "accept": Conclusion.PASS,
                    "accept_reconsider": Conclusion.RECONSIDER,
                    "accept_fail": Conclusion.FAIL,
                }[transition.id]
                values["concluded_on"] = step.on
            case "close":
                values["closed_on"] = step.on
            case "terminate":
                values["terminated_on"] = step.on
    return values


# -- saving --------------------------------------------------------------------------------


def save_calls(lookups: Lookups) -> dict[str, Call]:
    rows = [
        {
            "code": c.code,
            "year": c.year,
            "batch": c.batch,
            "name": c.name,
            "category": c.category,
            "field": c.field,
            "programme_id": lookups.programmes[c.programme].pk if c.programme else None,
            "opens_at": c.opens_at,
            "closes_at": c.closes_at,
            "guide": guide(c),
            "reviewers_per_application": c.reviewers,
            "aggregation": c.aggregation,
            "is_demo": True,
        }
        for c in CALLS
    ]
    saved = sync_rows(Call, ("code",), rows).objects
    calls = {code: saved[(code,)] for code in CALL}
    criteria, phases = [], []
    for plan in CALLS:
        for sort, (code, name, description, weight) in enumerate(CRITERIA, start=1):
            criteria.append(
                {
                    "call_id": calls[plan.code].pk,
                    "code": code,
                    "name": name,
                    "description": description,
                    "weight": weight,
                    "max_value": Decimal(100),
                    "sort": sort,
                }
            )
        review_closes = plan.review_closes or plan.review_on + dt.timedelta(days=20)
        phases.append(
            {
                "call_id": calls[plan.code].pk,
                "name": PHASE,
                "show_others_reviews": False,
                "closes_at": at(review_closes, 17, 30),
                "sort": 1,
            }
        )
    sync_rows(Criterion, ("call_id", "code"), criteria)
    sync_rows(ReviewPhase, ("call_id", "name"), phases)
    sync_rows(
        FormField,
        ("call_id", "code"),
        [
            {"call_id": calls[code].pk, **question, "sort": sort}
            for code, questions in CALL_DATA["form_fields"].items()
            for sort, question in enumerate(questions, start=1)
        ],
    )
    return calls


def expert_names(rng: random.Random, how_many: int) -> list[str]:
    names = [s + g for s in SURNAMES for g in GIVEN_NAMES]
    rng.shuffle(names)
    return [f"{name}(演示)" for name in names[:how_many]]


def save_experts(lookups: Lookups, projects: list[ProjectPlan]) -> list[Expert]:
    """The expert pool: synthetic experts of universities, research organisations and
    enterprises, each with one to three technical fields; the demo login is the first."""
    rng = random.Random(60)
    names = expert_names(rng, EXPERT_POOL)
    leaves = sorted(
        code for code, item in lookups.tech_fields.items() if item.parent_id is not None
    )
    undertakers = {p.undertaker.pk for p in projects}
    employers = [
        o
        for o in lookups.synthetic_industry + lookups.agri
        if o.is_demo and o.pk not in undertakers
    ][:ENTERPRISE_EXPERTS]
    places = []
    for index in range(EXPERT_POOL - len(employers)):
        org_name, titles = EXPERT_ORGANISATIONS[index % len(EXPERT_ORGANISATIONS)]
        places.append(
            (lookups.org(org_name), titles[index // len(EXPERT_ORGANISATIONS) % len(titles)])
        )
    places += [(o, Title.SENIOR_ENGINEER) for o in employers]
    rows, fields = [], {}
    for index, (name, (organisation, title)) in enumerate(zip(names, places, strict=True)):
        if index == 0:  # the demo login: intelligent manufacturing, at a university
            chosen = ["ai", "equipment", "electronics"]
        else:
            chosen = sorted({leaves[index % len(leaves)], leaves[(index * 7 + 3) % len(leaves)]})
            if index % 4 == 0:
                chosen = sorted({*chosen, leaves[(index * 5 + 1) % len(leaves)]})
        fields[name] = chosen
        rows.append(
            {
                "name": name,
                "organisation_id": organisation.pk,
                "title_id": lookups.titles[title].pk,
                "phone": f"139{57300000 + index * 131:08d}",
                "email": f"expert{index + 1:02d}@example.org",
                "available": index % 20 != 19,
                "capacity": (4, 6, 8, 10)[index % 4] if index else 6,
                "user_id": lookups.user(EXPERT_LOGIN).pk if index == 0 else None,
                "is_demo": True,
            }
        )
    saved = sync_rows(Expert, ("name", "organisation_id"), rows).objects
    experts = [saved[(row["name"], row["organisation_id"])] for row in rows]
    wanted = {
        (expert.pk, lookups.tech_fields[code].pk)
        for expert in experts
        for code in fields[expert.name]
    }
    through = Expert.fields.through
    have = set(through.objects.filter(expert__in=experts).values_list("expert_id", "codeitem_id"))
    through.objects.bulk_create(
        [through(expert_id=e, codeitem_id=c) for e, c in sorted(wanted - have)]
    )
    return experts


def save_applications(
    lookups: Lookups, calls: dict[str, Call], projects: list[ProjectPlan]
) -> dict[tuple[str, str], Application]:
    """Every planned application: the older calls' in their final state, the workflow calls'
    as drafts (moved on by :func:`run_workflow`)."""
    numbers: dict[str, count] = {}
    rows = []
    for p in projects:
        call_ = calls[p.call.code]
        applicant = lookups.applicants.get(p.undertaker.pk)
        row = {
            "call_id": call_.pk,
            "name": p.name,
            "undertaker_id": p.undertaker.pk,
            "leader_name": p.leader,
            "leader_phone": p.phone,
            "tech_field_id": lookups.tech_fields[p.tech_field].pk,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
            "requested_funding": p.requested,
            "self_funding": p.self_funding,
            "content": p.content,
            "answers": p.answers,
            "created_by_id": applicant.pk if applicant else None,
            "is_demo": p.is_demo,
        }
        replayed = replay(p.steps)  # also checks the plan against the transition table
        if not p.call.workflow:
            row.update(replayed)
            if row["submitted_at"] is not None:
                sequence = next(numbers.setdefault(p.call.code, count(1)))
                row["number"] = f"{call_.year}-{call_.pk}-{sequence:05d}"
        rows.append(row)
    saved = sync_rows(Application, ("call_id", "name"), rows).objects
    by_key = {p.key: saved[(calls[p.call.code].pk, p.name)] for p in projects}
    save_cooperators(projects, by_key)
    return by_key


def save_cooperators(projects, applications) -> None:
    through = Application.cooperators.through
    wanted = {(applications[p.key].pk, o.pk) for p in projects for o in p.cooperators}
    ids = [a.pk for a in applications.values()]
    have = set(
        through.objects.filter(application_id__in=ids).values_list(
            "application_id", "organisation_id"
        )
    )
    through.objects.bulk_create(
        [through(application_id=a, organisation_id=o) for a, o in sorted(wanted - have)]
    )


def save_meetings(lookups: Lookups, experts: list[Expert], projects, applications):
    """The acceptance meetings, their sessions and panels, and the synced projects' slots (the
    workflow projects get theirs through ``meetings.schedule`` when they are moved)."""
    rows = [
        {
            "code": m.code,
            "name": m.name,
            "year": m.year,
            "batch": m.batch,
            "held_on": m.held_on,
            "place": m.place,
            "agency_id": lookups.org(m.agency).pk if m.agency else None,
            "note": m.note,
            "is_demo": m.is_demo,
        }
        for m in MEETINGS
    ]
    saved = sync_rows(AcceptanceMeeting, ("code",), rows).objects
    meetings_ = {m.code: saved[(m.code,)] for m in MEETINGS}
    session_rows = [
        {
            "meeting_id": meeting.pk,
            "name": name,
            "starts_at": starts,
            "ends_at": ends,
            "sort": sort,
        }
        for meeting in meetings_.values()
        for sort, (name, starts, ends) in enumerate(SESSIONS, start=1)
    ]
    saved_sessions = sync_rows(MeetingSession, ("meeting_id", "name"), session_rows).objects
    sessions = {
        (code, name): saved_sessions[(meeting.pk, name)]
        for code, meeting in meetings_.items()
        for name, _starts, _ends in SESSIONS
    }
    # Panels: five experts of universities and research organisations, none conflicted with a
    # project of the meeting (the pool's enterprise experts never sit on one).
    scholars = [
        e
        for e in experts
        if lookups.organisations_by_pk[e.organisation_id].kind != OrganisationKind.ENTERPRISE
        and e.user_id is None
    ]
    involved: dict[str, set[int]] = {}  # the organisations of each meeting's projects
    for p in projects:
        for step in p.steps:
            if step.slot is not None:
                orgs = involved.setdefault(step.slot.meeting, set())
                orgs.update({p.undertaker.pk, *(o.pk for o in p.cooperators)})
    panel_rows = []
    for index, (code, meeting) in enumerate(meetings_.items()):
        free = [e for e in scholars if e.organisation_id not in involved.get(code, set())]
        for position in range(5):
            expert = free[(index * 5 + position) % len(free)]
            panel_rows.append(
                {
                    "meeting_id": meeting.pk,
                    "expert_id": expert.pk,
                    "role": PanelRole.CHAIR if position == 0 else PanelRole.MEMBER,
                }
            )
    sync_rows(PanelMember, ("meeting_id", "expert_id"), panel_rows)
    slot_rows, order = [], {}
    for p in projects:
        if p.call.workflow:
            continue
        for step in p.steps:
            if step.slot is None:
                continue
            session = sessions[(step.slot.meeting, step.slot.session)]
            sort = order[session.pk] = order.get(session.pk, 0) + 1
            slot_rows.append(
                {
                    "session_id": session.pk,
                    "application_id": applications[p.key].pk,
                    "sort": sort,
                    "conclusion": step.slot.conclusion,
                    "opinion": step.slot.opinion,
                }
            )
    sync_rows(SessionProject, ("session_id", "application_id"), slot_rows)
    return sessions


class Actors:
    """Who takes each step of a project's history."""

    def __init__(self, lookups: Lookups):
        self.lookups = lookups

    def __call__(self, step: Step, project: ProjectPlan):
        lookups = self.lookups
        match step.actor:
            case "applicant":
                applicant = lookups.applicants.get(project.undertaker.pk)
                return applicant or lookups.user(STAFF), applicant is None
            case "town" if project.undertaker.town and project.undertaker.town.name == DANGHU:
                return lookups.user(DANGHU_OFFICER), False
            case "leader":
                return lookups.user(LEADER), False
        return lookups.user(STAFF), False


ON_BEHALF = TEXTS["on_behalf"]


def run_workflow(lookups: Lookups, projects, applications, sessions) -> int:
    """Move the workflow calls' projects that are still drafts along their histories through
    the real workflow. Returns the number of steps taken."""
    actors = Actors(lookups)
    taken = 0
    first_new = (Notification.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    for p in projects:
        if not p.call.workflow or not p.steps:
            continue
        application = applications[p.key]
        if application.state != S.DRAFT:
            continue
        for step in p.steps:
            user, on_behalf = actors(step, p)
            if step.slot is not None:
                session = sessions[(step.slot.meeting, step.slot.session)]
                slot = meetings.schedule(session, application, user)
                meetings.conclude(slot, step.slot.conclusion, step.slot.opinion, user)
                application.refresh_from_db()
            else:
                workflow.perform(
                    application,
                    step.id,
                    user,
                    comment=step.comment or (ON_BEHALF if on_behalf else ""),
                    on=None if step.now else step.on,
                    now=step.now,
                    approved_funding=step.funding,
                    contract_number=step.contract,
                )
            taken += 1
    if taken:
        mark_history_read(first_new, projects, applications)
    return taken


def mark_history_read(first_new: int, projects, applications) -> None:
    """The notifications this run wrote are history, read long ago — except those about the
    projects whose last step is recent (the open call's), which wait in the inboxes."""
    recent = {
        applications[p.key].get_absolute_url()
        for p in projects
        if p.call.workflow and p.steps and p.steps[-1].on >= RECENT
    }
    Notification.objects.filter(pk__gte=first_new, read_at__isnull=True).exclude(
        url__in=recent
    ).update(read_at=timezone.now())


# -- review assignments and reviews ---------------------------------------------------------

DEMO_EXPERT_ASSIGNMENTS = 4  # in the call in review now; the last one declared a conflict
CONFLICT_NOTE = TEXTS["conflict_note"]
OPINIONS = {True: TEXTS["opinions"]["favourable"], False: TEXTS["opinions"]["unfavourable"]}


def save_reviews(lookups, calls, experts, projects, applications) -> int:
    """Assignments of the reviewed calls' applications to experts of matching fields (never a
    conflicted one, never beyond an expert's capacity), and their reviews: submitted where the
    call has decided, some submitted, some drafts and some not begun where it is still in
    review. The demo expert login has four in the call in review now, one of them ended by
    the conflict the expert declared."""
    rng = random.Random(2026)
    staff = lookups.user(STAFF)
    demo_expert = next(e for e in experts if e.user_id == lookups.user(EXPERT_LOGIN).pk)
    parents = {item.pk: item.parent_id for item in lookups.tech_fields.values()}
    expert_fields: dict[int, set[int]] = {}
    for expert_id, item_id in Expert.fields.through.objects.filter(expert__in=experts).values_list(
        "expert_id", "codeitem_id"
    ):
        expert_fields.setdefault(expert_id, set()).add(item_id)
    phases = {
        code: ReviewPhase.objects.get(call=calls[code], name=PHASE) for code in REVIEWED_CALLS
    }
    assignment_rows, plans = [], []  # plans: (row key, review kind, favourable, criteria)
    declared: set[int] = set()
    for code in REVIEWED_CALLS:
        call_plan, phase = CALL[code], phases[code]
        load = dict.fromkeys((e.pk for e in experts), 0)
        reviewed = [p for p in projects if p.call.code == code and has_step(p, "start_review")]
        forced = []
        if code == IN_REVIEW_CALL:
            in_review = [p for p in reviewed if not has_decision(p)]
            forced = in_review[:DEMO_EXPERT_ASSIGNMENTS]
        for position, p in enumerate(reviewed):
            application = applications[p.key]
            field_id = lookups.tech_fields[p.tech_field].pk
            blocked = {p.undertaker.pk, *(o.pk for o in p.cooperators)}
            chosen = []
            if p in forced:
                conflict = forced.index(p) == DEMO_EXPERT_ASSIGNMENTS - 1
                chosen.append((demo_expert, conflict))
                if conflict:
                    declared.add(p.undertaker.pk)
                load[demo_expert.pk] += 1
            candidates = sorted(
                (
                    e
                    for e in experts
                    if e.available
                    and e.pk != demo_expert.pk
                    and e.organisation_id not in blocked
                    and load[e.pk] < e.capacity
                ),
                key=lambda e: (
                    -field_match(expert_fields.get(e.pk, set()), field_id, parents),
                    load[e.pk],
                    (e.pk * 7 + position) % 11,
                    e.pk,
                ),
            )
            needed = call_plan.reviewers - sum(1 for _e, conflict in chosen if not conflict)
            for expert in candidates[:needed]:
                chosen.append((expert, False))
                load[expert.pk] += 1
            decided = has_decision(p)
            favourable = decided and has_step(p, "approve")
            for rank, (expert, conflict) in enumerate(chosen):
                assignment_rows.append(
                    {
                        "phase_id": phase.pk,
                        "application_id": application.pk,
                        "expert_id": expert.pk,
                        "automatic": expert is not demo_expert,
                        "match": field_match(
                            expert_fields.get(expert.pk, set()), field_id, parents
                        ),
                        "declared_conflict": conflict,
                        "conflict_note": CONFLICT_NOTE if conflict else "",
                        "declared_at": at(call_plan.review_on + dt.timedelta(days=2), 20)
                        if conflict
                        else None,
                        "created_by_id": staff.pk,
                        "is_demo": True,
                    }
                )
                if conflict:
                    continue
                if decided:
                    kind = ReviewState.SUBMITTED
                elif expert is demo_expert:
                    kind = (ReviewState.SUBMITTED, ReviewState.DRAFT, None)[forced.index(p)]
                else:
                    kind = (ReviewState.SUBMITTED, ReviewState.DRAFT, None)[(rank + position) % 3]
                key = (phase.pk, application.pk, expert.pk)
                plans.append((key, kind, favourable if decided else position % 2 == 0, code))
    saved = sync_rows(Assignment, ("phase_id", "application_id", "expert_id"), assignment_rows)
    assignments = saved.objects
    # The demo expert's declared relation with the undertaker of the conflicted application.
    through = Expert.declared_organisations.through
    have = set(through.objects.filter(expert=demo_expert).values_list("organisation_id", flat=True))
    through.objects.bulk_create(
        [through(expert_id=demo_expert.pk, organisation_id=o) for o in sorted(declared - have)]
    )
    criteria = {
        code: list(Criterion.objects.filter(call=calls[code]).order_by("sort"))
        for code in REVIEWED_CALLS
    }
    users_of_experts = {e.pk: e.user_id for e in experts if e.user_id}
    review_rows, score_plans = [], []
    for key, kind, favourable, code in plans:
        if kind is None:
            continue
        assignment = assignments[key]
        submitted_on = CALL[code].review_on + dt.timedelta(days=3 + key[2] % 9)
        if submitted_on >= LATEST:
            submitted_on = LATEST - dt.timedelta(days=1)
        base = rng.randint(78, 92) if favourable else rng.randint(58, 74)
        values = [Decimal(min(100, max(40, base + rng.randint(-6, 6)))) for _ in criteria[code]]
        review_rows.append(
            {
                "assignment_id": assignment.pk,
                "state": kind,
                "opinion": OPINIONS[favourable] if kind == ReviewState.SUBMITTED else "",
                "submitted_at": at(submitted_on, 16, key[2] % 60)
                if kind == ReviewState.SUBMITTED
                else None,
                "created_by_id": users_of_experts.get(assignment.expert_id),
                "is_demo": True,
            }
        )
        given = values if kind == ReviewState.SUBMITTED else values[:2]
        score_plans.append((assignment.pk, list(zip(criteria[code], given, strict=False))))
    reviews = sync_rows(Review, ("assignment_id",), review_rows).objects
    score_rows = [
        {"review_id": reviews[(assignment_id,)].pk, "criterion_id": c.pk, "value": value}
        for assignment_id, scores in score_plans
        for c, value in scores
    ]
    sync_rows(Score, ("review_id", "criterion_id"), score_rows)
    return len(assignment_rows)


def has_step(plan: ProjectPlan, step_id: str) -> bool:
    return any(step.id == step_id for step in plan.steps)


def has_decision(plan: ProjectPlan) -> bool:
    return has_step(plan, "approve") or has_step(plan, "not_approve")


def load(stdout) -> None:
    lookups = Lookups()
    projects = Planner(lookups).build()
    calls = save_calls(lookups)
    experts = save_experts(lookups, projects)
    applications = save_applications(lookups, calls, projects)
    sessions = save_meetings(lookups, experts, projects, applications)
    steps = run_workflow(lookups, projects, applications, sessions)
    reviews = save_reviews(lookups, calls, experts, projects, applications)
    stdout.write(
        f"科技计划:申报批次 {len(CALLS)} 个、项目 {len(projects)} 项"
        f"(按流程办理 {steps} 步)、专家 {len(experts)} 名、评审任务 {reviews} 条、"
        f"验收会 {len(MEETINGS)} 场"
    )
