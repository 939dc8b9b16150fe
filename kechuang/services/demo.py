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

Commissioners, assignments, activities, institutions and visits are written with
:func:`kechuang.core.domain.sync.sync_rows` on natural keys; a follow-up or a rectification the
plan leaves open is planned without its closing fields, so closing it in the demo survives a
reload. The policy is walked through the real workflow (``domain/policies.py``) once: when it
exists, it is left alone. Loading again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

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
    Criterion,
    HostKind,
    InstitutionStatus,
    IssueCategory,
    LeaderKind,
    MemberRole,
    OpinionPosition,
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

BUREAU = "平湖市科学技术局"
JIAXING_BUREAU = "嘉兴市科学技术局"
RURAL_SECTION = "平湖市科学技术局农村科技科"
PROVINCE_DEPT = "浙江省科学技术厅"
GRAIN_TEAM = "省粮油作物特派员团队"
LOGIN_COMMISSIONER = "顾春华(演示)"

DANGHU, ZHONGDAI, CAOQIAO = "当湖街道", "钟埭街道", "曹桥街道"
ZHAPU, XINDAI, XINCANG, GUANGCHEN, LINDAI, DUSHANGANG = (
    "乍浦镇",
    "新埭镇",
    "新仓镇",
    "广陈镇",
    "林埭镇",
    "独山港镇",
)


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


ONE, T, L = CommissionerKind.INDIVIDUAL, CommissionerKind.TEAM, CommissionerKind.LEGAL_ENTITY
A = AssignmentPlan
AGRI_BUREAU = "平湖市农业农村局"
EXTENSION = "平湖市农业技术推广中心"
JIAXING_ACADEMY = "嘉兴市农业科学研究院"

COMMISSIONERS = [
    # Active in 2020 (13) ----------------------------------------------------------------------
    CommissionerPlan("钱国良", ONE, "crops", "蔬菜育种与设施栽培", d("2018-03-15"), PROVINCE_DEPT, (
        A(GUANGCHEN, "港中村", d("2018-04-01"), None, "设施蔬菜新品种引进与示范,带动农户增收"),
    ), person="钱国良", employer="浙江省农业科学院"),
    CommissionerPlan("许晴", ONE, "food", "林特产品加工", d("2019-03-01"), PROVINCE_DEPT, (
        A(LINDAI, "徐家埭村", d("2019-03-15"), d("2021-12-31"), "农产品初加工与品牌打造"),
    ), person="许晴", employer="浙江农林大学"),
    CommissionerPlan("王立军", ONE, "crops", "农业生物技术", d("2020-02-20"), PROVINCE_DEPT, (
        A(XINDAI, "鱼圻塘村", d("2020-03-01"), d("2022-02-28"), "水稻绿色生产与生物防控示范"),
    ), person="王立军", employer="浙江大学"),
    CommissionerPlan(LOGIN_COMMISSIONER, ONE, "crops", "西甜瓜栽培与病虫害防治", d("2019-02-25"), BUREAU, (
        A(XINCANG, "三叉河村", d("2019-03-01"), d("2021-12-31"), "西甜瓜嫁接育苗与绿色防控"),
        A(XINCANG, "芦湾村", d("2022-01-01"), None, "设施瓜果提质增效与数字农业应用"),
    ), employer_name=EXTENSION, login=True),
    CommissionerPlan("沈美玲(演示)", ONE, "aquaculture", "水产健康养殖", d("2018-03-10"), BUREAU, (
        A(DUSHANGANG, "黄姑村", d("2018-03-20"), d("2020-12-31"), "南美白对虾健康养殖技术推广"),
    ), employer_name=AGRI_BUREAU),
    CommissionerPlan("陆建华(演示)", ONE, "crops", "粮油作物高产栽培", d("2017-03-01"), BUREAU, (
        A(LINDAI, "东方村", d("2017-03-15"), d("2020-06-30"), "粮油作物高产创建"),
    ), employer_name=EXTENSION),
    CommissionerPlan("金晓东(演示)", ONE, "food", "农产品电商与品牌营销", d("2020-04-01"), BUREAU, (
        A(ZHONGDAI, "南桥村", d("2020-04-10"), d("2023-04-09"), "农产品电商直播与品牌推广"),
    ), employer_name=JIAXING_ACADEMY),
    CommissionerPlan("顾志明(演示)", ONE, "aquaculture", "生猪养殖与废弃物资源化", d("2019-04-01"), BUREAU, (
        A(ZHAPU, "汤山村", d("2019-04-15"), d("2022-04-14"), "养殖废弃物资源化利用"),
    ), employer_name=JIAXING_ACADEMY),
    CommissionerPlan("朱丽娟(演示)", ONE, "crops", "食用菌栽培", d("2020-05-01"), BUREAU, (
        A(CAOQIAO, "百寿村", d("2020-05-10"), d("2021-05-09"), "食用菌工厂化栽培指导"),
    ), employer_name=EXTENSION),
    CommissionerPlan("高立新(演示)", ONE, "environment", "农业面源污染治理", d("2018-05-01"), BUREAU, (
        A(DANGHU, "通界村", d("2018-05-10"), d("2021-05-09"), "农业面源污染治理与美丽乡村建设"),
    ), employer_name=AGRI_BUREAU),
    CommissionerPlan(GRAIN_TEAM, T, "crops", "水稻、小麦、油菜绿色高效生产", d("2019-05-01"), "浙江省农业农村厅", (
        A(LINDAI, "林埭村", d("2019-05-15"), None, "粮油作物新品种新技术示范推广"),
    ), employer="浙江省农业科学院", members=(
        ("何建平(演示)", MemberRole.LEADER),
        ("罗春华(演示)", MemberRole.MEMBER),
        ("马佳琪(演示)", MemberRole.MEMBER),
        ("孙忠良(演示)", MemberRole.MEMBER),
    ), is_demo=False),
    CommissionerPlan("平湖市西甜瓜产业技术服务团队(演示)", T, "crops", "西甜瓜全产业链技术服务", d("2020-03-01"), BUREAU, (
        A(GUANGCHEN, "山塘村", d("2020-03-10"), d("2022-12-31"), "西甜瓜产业技术集成与示范"),
    ), employer_name=EXTENSION, members=(
        ("周海峰(演示)", MemberRole.LEADER),
        ("吴秀英(演示)", MemberRole.MEMBER),
        ("林卫东(演示)", MemberRole.MEMBER),
    )),
    CommissionerPlan("浙江省农业科学院", L, "crops", "蔬菜、瓜果与植保技术", d("2020-01-06"), PROVINCE_DEPT, (
        A(GUANGCHEN, "大齐塘村", d("2020-01-10"), d("2022-12-31"), "法人科技特派员:农业科技成果转化与产业技术服务"),
    ), organisation="浙江省农业科学院"),
    # Not active in 2020 -----------------------------------------------------------------------
    CommissionerPlan("张国强(演示)", ONE, "crops", "葡萄栽培", d("2016-03-01"), BUREAU, (
        A(XINCANG, "新仓村", d("2016-03-10"), d("2019-12-31"), "葡萄避雨栽培技术推广"),
    ), employer_name=EXTENSION),
    CommissionerPlan("杨宇航(演示)", ONE, "equipment", "农业机械与智能装备", d("2021-03-01"), BUREAU, (
        A(ZHONGDAI, "东湖村", d("2021-03-15"), None, "农机装备智能化改造"),
    ), employer_name=JIAXING_ACADEMY),
    CommissionerPlan("浙江农林大学", L, "food", "农产品精深加工", d("2023-02-20"), PROVINCE_DEPT, (
        A(DUSHANGANG, "白沙湾村", d("2023-03-01"), d("2025-12-31"), "法人科技特派员:农产品精深加工技术服务"),
    ), organisation="浙江农林大学"),
]  # fmt: skip


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
                "note": f"联系科室:{RURAL_SECTION}" + ("(演示数据)" if plan.is_demo else ""),
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

TOPICS = {
    ActivityKind.POLICY_OUTREACH: (
        "科技特派员惠农政策宣传",
        "农业科技项目申报政策解读",
        "乡村振兴科技政策宣讲",
        "农业保险与科技金融政策宣传",
        "高素质农民培育政策宣传",
    ),
    ActivityKind.TECHNICAL_TRAINING: (
        "水稻绿色高产栽培技术培训",
        "设施蔬菜病虫害绿色防控培训",
        "西甜瓜嫁接育苗技术培训",
        "食用菌栽培管理技术培训",
        "农产品电商营销培训",
        "水产健康养殖技术培训",
        "测土配方施肥技术培训",
        "农机安全使用与维护培训",
    ),
    ActivityKind.ON_SITE_GUIDANCE: (
        "田间病虫害诊断现场指导",
        "大棚温湿度管理现场指导",
        "养殖池塘水质调控现场指导",
    ),
    ActivityKind.TECHNICAL_CONSULTATION: (
        "种植结构调整技术咨询",
        "农产品加工设备选型咨询",
    ),
}
PLACES = ("村文化礼堂", "村委会会议室", "农民培训学校", "示范基地", "农业合作社")

# Entries per year besides 2020's outreach and training (kind → how many), spread over the
# commissioners serving that year.
OTHER_ENTRIES = {
    2019: {ActivityKind.POLICY_OUTREACH: 8, ActivityKind.TECHNICAL_TRAINING: 14},
    2020: {ActivityKind.ON_SITE_GUIDANCE: 14, ActivityKind.TECHNICAL_CONSULTATION: 6},
    2021: {
        ActivityKind.POLICY_OUTREACH: 12,
        ActivityKind.TECHNICAL_TRAINING: 20,
        ActivityKind.ON_SITE_GUIDANCE: 8,
    },
    2025: {ActivityKind.TECHNICAL_TRAINING: 6, ActivityKind.ON_SITE_GUIDANCE: 4},
    2026: {
        ActivityKind.POLICY_OUTREACH: 3,
        ActivityKind.TECHNICAL_TRAINING: 5,
        ActivityKind.ON_SITE_GUIDANCE: 4,
    },
}


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

MET, NOT_MET, NA = CheckResult.MET, CheckResult.NOT_MET, CheckResult.NOT_APPLICABLE
ALL_MET = {
    Criterion.LEGAL_REGISTRATION: MET,
    Criterion.SITE_SAFETY: MET,
    Criterion.FIRE_ACCEPTANCE: MET,
    Criterion.TEACHER_QUALIFICATION: MET,
    Criterion.COURSE_FILING: MET,
    Criterion.FEE_DISCLOSURE: MET,
    Criterion.PREPAYMENT_SUPERVISION: MET,
}


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


V = VisitPlan
DOUBLE_REDUCTION_VISIT = "双减”后科技类校外培训机构走访调研:实地查看办学条件,了解办学内容与课程设置"

INSTITUTIONS = [
    InstitutionPlan("平湖市启智少儿编程培训中心(演示)", "平湖市启智教育咨询有限公司(演示)", DANGHU, "当湖街道东湖大道1号(演示)", "少儿编程、信息学奥赛基础", InstitutionStatus.OPERATING, ALL_MET, d("2021-11-08"), (
        V(d("2021-10-19"), f"“{DOUBLE_REDUCTION_VISIT}。场地、消防、师资资料齐全(演示)"),
        V(d("2026-09-15"), "年度回访:课程内容与备案一致,收费公示到位(演示)"),
    ), (("王建华(演示)", "负责人"), ("李佳琪(演示)", "联络员"))),
    InstitutionPlan("平湖市小牛顿科学实验培训学校(演示)", "平湖市小牛顿培训学校(演示)", DANGHU, "当湖街道新华路18号(演示)", "科学实验、STEAM 课程", InstitutionStatus.OPERATING, {**ALL_MET, Criterion.PREPAYMENT_SUPERVISION: NA}, d("2021-11-08"), (
        V(d("2021-10-19"), f"“{DOUBLE_REDUCTION_VISIT}。不收取预付费,预收费监管不适用(演示)"),
    ), (("陈美玲(演示)", "校长"), ("赵磊(演示)", "联络员"))),
    InstitutionPlan("平湖市创客机器人教育培训有限公司(演示)", "平湖市创客机器人教育培训有限公司(演示)", ZHONGDAI, "钟埭街道兴平一路66号(演示)", "机器人搭建、创客制作", InstitutionStatus.OPERATING, ALL_MET, d("2021-11-10"), (
        V(d("2021-10-21"), f"“{DOUBLE_REDUCTION_VISIT}。部分教室疏散指示标志缺失(演示)", d("2021-11-30"), d("2021-11-25"), "已补设疏散指示标志并复查(演示)"),
    ), (("刘卫东(演示)", "法定代表人"), ("周静(演示)", "联络员"))),
    InstitutionPlan("平湖市星空天文科普培训中心(演示)", "平湖市星空科普文化有限公司(演示)", ZHAPU, "乍浦镇雅山路9号(演示)", "天文观测、科普讲座", InstitutionStatus.OPERATING, {
        Criterion.LEGAL_REGISTRATION: MET,
        Criterion.SITE_SAFETY: MET,
        Criterion.TEACHER_QUALIFICATION: MET,
        Criterion.FEE_DISCLOSURE: MET,
    }, d("2026-11-10"), (
        V(d("2026-11-10"), "新登记机构首次走访:消防验收、课程备案与预收费监管材料待补充(演示)"),
    ), (("黄晓东(演示)", "负责人"),)),
    InstitutionPlan("平湖市乐高积木科技培训部(演示)", "平湖市乐高积木科技培训部(演示)", XINDAI, "新埭镇创业路28号(演示)", "积木搭建、科学启蒙", InstitutionStatus.RECTIFYING, {**ALL_MET, Criterion.FIRE_ACCEPTANCE: NOT_MET}, d("2026-09-22"), (
        V(d("2021-10-26"), f"“{DOUBLE_REDUCTION_VISIT}。办学场地尚可(演示)"),
        V(d("2026-09-22"), "新址未通过消防验收,责令限期整改(演示)", d("2026-10-31")),
    ), (("孙建平(演示)", "负责人"), ("马敏(演示)", "联络员"))),
    InstitutionPlan("平湖市航模科技培训中心(演示)", "平湖市航模科技培训中心(演示)", CAOQIAO, "曹桥街道百寿路5号(演示)", "航空模型制作", InstitutionStatus.CLOSED, ALL_MET, d("2021-11-12"), (
        V(d("2021-10-26"), f"“{DOUBLE_REDUCTION_VISIT}(演示)"),
    ), (("胡立新(演示)", "原负责人"),)),
]  # fmt: skip


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
                "visitors": "戴亮等(市科技局)",
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
                    "note": "消防验收意见书未取得(演示)" if result == NOT_MET else "",
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
    key: str  # the purpose, unique among the plan's visits of a day
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


F, Iss = FollowUpPlan, IssuePlan
NI = "倪建锋(市科技局党组书记、局长)"
INCUBATOR_VISIT = "科技企业孵化平台走访调研"
CAT = IssueCategory

FIELD_VISITS = [
    # Seed 003: the director visits three incubation parks.
    FieldVisitPlan(f"{INCUBATOR_VISIT}·新仓智慧谷", d("2021-10-12"), NI, LeaderKind.INTERNAL, HostKind.INCUBATOR, XINCANG, (
        Iss("孵化场地配套不足,入驻企业希望增加中试空间(演示)", CAT.LAND_AND_PREMISES, (
            F("协调新仓镇盘活闲置厂房作为中试场地(演示)", STAFF, "新仓镇人民政府", d("2021-12-31"), d("2021-12-20"), "已协调闲置厂房2000平方米(演示)"),
        )),
    ), host_name="平湖新仓智慧谷创业园", summary="各镇街道要抓好孵化器建设,充分发挥其在科技创新领域的带动作用,着力提升服务水平。", is_demo=False),
    FieldVisitPlan(f"{INCUBATOR_VISIT}·新仓远景", d("2021-10-12"), NI, LeaderKind.INTERNAL, HostKind.PARK, XINCANG, (
        Iss("园区企业对科技型中小企业评价政策不熟悉(演示)", CAT.POLICY, (
            F("组织园区企业开展科技政策专场培训(演示)", STAFF, BUREAU, d("2021-11-30"), d("2021-11-18"), "已开展专场培训1场,32家企业参加(演示)"),
        )),
    ), host_name="嘉创智谷新仓远景产业园", is_demo=False),
    FieldVisitPlan(f"{INCUBATOR_VISIT}·张江", d("2021-10-12"), NI, LeaderKind.INTERNAL, HostKind.INCUBATOR, ZHONGDAI, (
        Iss("在孵企业融资渠道单一(演示)", CAT.FINANCING, (
            F("对接科技金融产品,举办银企对接会(演示)", STAFF, "平湖市金融发展中心", d("2021-12-31"), d("2021-12-15"), "举办银企对接会,授信1.2亿元(演示)"),
        )),
    ), host_name="张江长三角科技城人才创新园", is_demo=False),
    # Seed 003: the Jiaxing bureau's evaluation team.
    FieldVisitPlan("科技工作实地考察考评", d("2021-11-16"), "陈天英(嘉兴市科技局党组成员、副局长)", LeaderKind.VISITING, HostKind.OTHER, DANGHU, (
        Iss("科技创新工作指标完成中存在的困难:研发投入增长放缓(演示)", CAT.OTHER, (
            F("梳理研发投入重点企业名单并逐家走访(演示)", STAFF, "平湖市科学技术局综合计划科", d("2022-03-31"), d("2022-03-25"), "走访重点企业45家(演示)"),
        )),
    ), host_name=BUREAU, leader_body=JIAXING_BUREAU, summary="市科技局党组书记、局长倪建锋汇报科技创新工作指标完成情况、存在的困难和问题及特色亮点工作。", is_demo=False),
    # 三服务 visits of 2026 (synthetic).
    FieldVisitPlan("“三服务”企业走访(演示)", d("2026-08-18"), NI, LeaderKind.INTERNAL, HostKind.ENTERPRISE, DANGHU, (
        Iss("企业研发投入大,流动资金紧张,希望获得科技贷款支持(演示)", CAT.FINANCING, (
            F("推荐企业申请科技金融“科技贷”并跟踪放款(演示)", STAFF, "平湖市金融发展中心", d("2026-10-15")),
        )),
        Iss("急需引进高分子材料方向的研发人才(演示)", CAT.TALENT, (
            F("推送人才政策并对接高校人才资源(演示)", DANGHU_OFFICER, "市人才办", d("2026-11-15")),
        )),
    ), host_enterprise=0),
    FieldVisitPlan("“三服务”企业走访(演示)", d("2026-09-09"), "戴亮(高新技术科)", LeaderKind.INTERNAL, HostKind.ENTERPRISE, DANGHU, (
        Iss("省级企业研发中心申报材料准备不足(演示)", CAT.POLICY, (
            F("上门辅导研发中心申报材料(演示)", STAFF, "平湖市科学技术局高新技术科", d("2026-10-10"), d("2026-09-28"), "已完成申报材料辅导,企业按期申报(演示)"),
        )),
    ), host_enterprise=1),
    FieldVisitPlan("“三服务”企业走访(演示)", d("2026-10-20"), "戴亮(高新技术科)", LeaderKind.INTERNAL, HostKind.ENTERPRISE, ZHONGDAI, (
        Iss("关键工艺存在技术瓶颈,希望对接高校科研团队(演示)", CAT.TECHNOLOGY, (
            F("对接浙工大平湖新材料研究院开展联合攻关(演示)", STAFF, "浙工大平湖新材料研究院", d("2027-01-31")),
            F("组织专家上门诊断(演示)", STAFF, "平湖市科学技术局高新技术科", d("2026-11-20")),
        )),
    ), host_enterprise=0),
    FieldVisitPlan("园区“三服务”调研(演示)", d("2026-11-12"), "钱卫东(嘉兴市人大常委会调研组)(演示)", LeaderKind.VISITING, HostKind.PARK, CAOQIAO, (
        Iss("园区扩区用地指标紧张(演示)", CAT.LAND_AND_PREMISES, (
            F("会同自然资源部门研究用地保障方案(演示)", LEADER, "平湖市自然资源和规划局", d("2027-03-31")),
        )),
    ), host_name="平湖市科创产业园(演示)", leader_body="嘉兴市人大常委会"),
]  # fmt: skip


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
                "purpose": plan.key,
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

POLICY_TITLE = "平湖市科技金融办法"
POLICY_ISSUER = "平湖市科学技术局"
FIRST_BODIES = ("平湖市财政局", "平湖市金融发展中心")
REVISION_BODIES = ("平湖市金融发展中心", "平湖市财政局", "中国人民银行平湖市支行")
V1_TEXT = (
    "第一条 为加快科技与金融深度融合,支持科技型企业创新发展,制定本办法。(演示文本)\n"
    "第二条 对科技型中小企业获得的科技贷款给予贴息支持。(演示文本)\n"
    "第三条 设立科技风险补偿资金池,对合作银行的科技贷款损失给予补偿。(演示文本)"
)
V2_TEXT = (
    V1_TEXT + "\n第四条 支持科技保险、知识产权质押融资,对相关费用给予补助。(演示文本,修订新增)"
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
        issuer=POLICY_ISSUER,
        note="由市科技局综合计划科牵头修订。",
        summary="科技贷款贴息、风险补偿资金池(演示)",
        text=V1_TEXT,
    )
    first = policy.versions.get(number=1)
    policies.start_consultation(first, FIRST_BODIES, staff, on=d("2019-02-18"))
    for opinion, replied_on in zip(
        first.opinions.order_by("pk"), (d("2019-02-26"), d("2019-03-01")), strict=True
    ):
        policies.record_opinion(
            opinion, staff, position=OpinionPosition.AGREE, text="无意见。", replied_on=replied_on
        )
    policies.adopt(
        first,
        staff,
        d("2019-04-01"),
        on=d("2019-03-20"),
        document_number="平科〔2019〕12号(演示)",
    )
    second = policies.new_version(policy, staff)
    policies.save_draft(
        second,
        staff,
        second.version,
        title=f"{POLICY_TITLE}(修订稿)",
        summary="新增科技保险、知识产权质押融资支持(演示)",
        text=V2_TEXT,
    )
    # 科技金融办法修订座谈会 (seed 003): the revision goes to the bodies for their opinions.
    policies.start_consultation(
        second,
        REVISION_BODIES,
        staff,
        on=d("2021-11-05"),
        comment="科技金融办法修订座谈会",
    )
    replies = {
        "平湖市金融发展中心": (
            OpinionPosition.AGREE_WITH_CHANGES,
            "建议明确风险补偿比例上限。(演示)",
            d("2021-11-16"),
        ),
        "平湖市财政局": (OpinionPosition.AGREE, "同意。(演示)", d("2021-11-19")),
    }
    for opinion in second.opinions.all():
        if opinion.body in replies:
            position, text, replied_on = replies[opinion.body]
            policies.record_opinion(
                opinion, staff, position=position, text=text, replied_on=replied_on
            )
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
