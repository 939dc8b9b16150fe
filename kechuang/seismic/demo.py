"""Demo data of earthquake prevention (防震减灾): construction projects and their seismic-safety
inspections, the raised-fortification registry, demonstration sites, emergency shelters,
monitoring stations, rural-builder trainings and house designs, outreach events, budget lines,
plans and documents, and the yearly provincial assessments.

What the seed article (seed 000, ids ``seismic.*`` of seed-facts.yaml) says, and how the records
make it true — the figures are never stored: kechuang/seismic/indicators.py computes them, and
tests/indicators/test_seed_facts.py checks them through docs/seed-facts-map.yaml:

* 131 construction projects inspected in 2020 (“共涉及建设工程131项”): 103 school projects —
  primary and secondary schools *and* kindergartens count as schools (学校建设工程; the raised
  registry names 中小学 and 幼儿园 apart, the inspection figure does not) — 23 hospital projects
  and 5 high-rise or major projects; 44 of them started in 2020 (“新的建设工程检查项目”).
  A project counts once however often it was inspected that year. Projects inspected only in
  2019 or 2021, rural housing among them, show the year boundaries. Four 2020 inspections found
  the design below the requirement (the flag is computed from the rules, the finding recorded by
  the inspector agrees), three of them rectified since; a few more found minor issues.
* 38 schools, 43 kindergartens and 96 rural community buildings fortified one grade higher by the
  end of 2020 (广陈新港花苑社区 among the communities); a few completed later.
* 4 national earthquake-safety demonstration communities, 2 Pinghu demonstration villages and
  5 emergency shelters (明湖公园 among them) by the end of 2020; “20余” science-education bases
  and demonstration communities, schools and enterprises in force (one revoked earlier, one
  designated later do not count); the activity centres of 当湖街道梅兰苑社区 and 广陈镇港中村.
* 838 rural builders trained in 2020 over one session per town; 6 of the house designs of
  《平湖市农房设计通用图集》 selected.
* “2万余” participants of the 2020 outreach events; the 30万元 fiscal budget of 2020 (a line paid
  from the science-and-technology fund comes on top and is not part of it).
* 2006–2020 rated excellent (15 consecutive years); 2005 rated good breaks the run.

Named places, stations and documents of the article are real records (``is_demo=False``; what
the article does not give, such as a shelter's area, is said to be demo data in the note);
every other record is synthetic: ``is_demo=True`` and its name marked “(演示数据)”.

Everything is planned from fixed tables — the data files ``data/demo_*.json`` (the names projects
are made of, the raised registry, sites, shelters, stations, trainings, designs, events, budget,
plans and documents) — and one seeded ``random.Random``, and written with
:func:`kechuang.core.domain.sync.sync_rows` on natural keys, so loading again changes nothing.
The towns' seismic zonation comes from ``seismic.reference.load()`` (run by ``load_demo`` first).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kechuang.core.domain.sync import sync_rows
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.registry.demo import GIVEN_NAMES, SURNAMES
from kechuang.registry.models import Town
from kechuang.registry.reference import TOWNS

from .domain import fortification as fx
from .enums import (
    PINGHU_PGA,
    AssessmentResult,
    BudgetSource,
    BuildingUse,
    Finding,
    FortificationClass,
    HospitalGrade,
    OutreachKind,
    PlanKind,
    PlanStatus,
    ProjectKind,
    RaisedKind,
    ShelterClass,
    SiteKind,
    SiteLevel,
    StationKind,
    StationStatus,
    TrainingKind,
)
from .models import (
    Assessment,
    BudgetLine,
    ConstructionProject,
    DemonstrationSite,
    HouseDesign,
    Inspection,
    MonitoringStation,
    OutreachEvent,
    PlanDocument,
    RaisedFortification,
    SafetyEvaluation,
    Shelter,
    StationUpgrade,
    Training,
)

DEMO = "(演示数据)"

# The data of the demo (names, places, events, documents) is in data/demo_*.json; what is done
# with it — the random draws and the arithmetic that makes the published figures — is here.
DATA = Path(__file__).resolve().parent / "data"


def read(name: str) -> dict:
    return json.loads((DATA / f"demo_{name}.json").read_text(encoding="utf-8"))


def demo(text: str) -> str:
    """A synthetic record's name, marked as demo data."""
    return text + DEMO


def d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


PROJECTS, RAISED_DATA, PLACES = read("projects"), read("raised"), read("places")
OUTREACH, DOCUMENTS = read("outreach"), read("documents")


# -- the published figures (seed-facts.yaml) the records must give ------------------------------

YEAR = 2020
# Projects inspected in 2020 by kind (schools 76 + kindergartens 27 = 103 school projects;
# high-rise 3 + major 2 = 5) and, of them, those whose construction started in 2020.
INSPECTED = {
    ProjectKind.SCHOOL: 76,
    ProjectKind.KINDERGARTEN: 27,
    ProjectKind.HOSPITAL: 23,
    ProjectKind.HIGH_RISE: 3,
    ProjectKind.MAJOR_PROJECT: 2,
}
NEW = {
    ProjectKind.SCHOOL: 26,
    ProjectKind.KINDERGARTEN: 9,
    ProjectKind.HOSPITAL: 6,
    ProjectKind.HIGH_RISE: 2,
    ProjectKind.MAJOR_PROJECT: 1,
}  # 44
# 2020 inspections whose design is below the requirement, by kind; the first three rectified.
FLAGGED = {ProjectKind.SCHOOL: 2, ProjectKind.KINDERGARTEN: 1, ProjectKind.HOSPITAL: 1}
FLAGGED_RECTIFIED = 3
MINOR_ISSUES = 7  # 2020 inspections with minor issues to rectify
MINOR_OPEN = 1
RESURVEYED = 24  # projects inspected in 2020 that were inspected in 2019 as well
# Projects inspected only in another year (data/demo_projects.json): (kind, start year,
# inspection year, how many); two schools started in 2020 were inspected only the year after.
OTHER_YEARS = [
    (ProjectKind(r["kind"]), r["started"], r["inspected"], r["count"])
    for r in PROJECTS["other_years"]
]

RAISED = {RaisedKind.SCHOOL: 38, RaisedKind.KINDERGARTEN: 43, RaisedKind.RURAL_COMMUNITY: 96}
RAISED_LATER = {RaisedKind.SCHOOL: 2, RaisedKind.KINDERGARTEN: 1, RaisedKind.RURAL_COMMUNITY: 2}

BUILDERS_TRAINED = 838
DESIGNS_SELECTED = 6
BUDGET_2020 = Decimal("30")  # 万元, fiscal budget
CONSECUTIVE_EXCELLENT = 15

# -- places -------------------------------------------------------------------------------------

TOWN_NAMES = [name for _code, name, *_rest in TOWNS]


def short(town: str) -> str:
    """当湖街道 → 当湖, 乍浦镇 → 乍浦."""
    return town.removesuffix("街道").removesuffix("镇")


class Lookups:
    def __init__(self):
        self.towns = {t.name: t for t in Town.objects.filter(name__in=TOWN_NAMES)}
        self.facilities = {
            i.code: i for i in CodeItem.objects.filter(code_list=CodeList.SHELTER_FACILITY)
        }

    def town(self, name: str) -> int:
        return self.towns[name].pk


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


# -- construction projects and inspections -------------------------------------------------------

SCHOOLS, KINDERGARTENS = PROJECTS["schools"], PROJECTS["kindergartens"]
SCHOOL_BUILDINGS, KINDERGARTEN_BUILDINGS, HOSPITAL_BUILDINGS = (
    [(BuildingUse(b["use"]), b["name"]) for b in PROJECTS["buildings"][kind]]
    for kind in ("school", "kindergarten", "hospital")
)
HOSPITALS = [(h["name"], HospitalGrade(h["grade"]), h["town"]) for h in PROJECTS["hospitals"]]
WORKS, ESTATES = PROJECTS["works"], PROJECTS["estates"]
MAJOR, VILLAGES = PROJECTS["major"], PROJECTS["villages"]
FINDINGS = PROJECTS["findings"]
INSPECTOR_POOL = 8


@dataclass
class InspectionPlan:
    on: dt.date
    designed_class: str
    designed_intensity: int
    finding: str = Finding.COMPLIANT
    findings: str = ""
    rectification_due: dt.date | None = None
    rectified_on: dt.date | None = None
    closure_note: str = ""
    inspectors: str = ""

    @property
    def rectification_required(self) -> bool:
        return self.rectification_due is not None


@dataclass
class ProjectPlan:
    name: str
    kind: str
    use: str
    town: str
    start: dt.date
    owner: str
    grade: str = ""
    declared: str = ""
    floors: int | None = None
    height: Decimal | None = None
    inspections: list[InspectionPlan] = field(default_factory=list)

    def requirement(self) -> fx.Measures:
        rule = fx.required_class(self.kind, self.use, self.grade or None, self.declared or None)
        return fx.required_measures(rule.fortification_class, PINGHU_PGA)


class ProjectPlanner:
    """Every project with its inspections, from the tables above and one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.inspectors = [person(rng) for _ in range(INSPECTOR_POOL)]
        self.names: dict[str, list[tuple]] = {}

    # Candidate (name, use, town, owner, extra) tuples per kind, shuffled once, taken in order.
    def _candidates(self, kind: str) -> list[tuple]:
        if kind in self.names:
            return self.names[kind]
        found = []
        if kind in (ProjectKind.SCHOOL, ProjectKind.KINDERGARTEN):
            schools = SCHOOLS if kind == ProjectKind.SCHOOL else KINDERGARTENS
            buildings = SCHOOL_BUILDINGS if kind == ProjectKind.SCHOOL else KINDERGARTEN_BUILDINGS
            for town in TOWN_NAMES:
                for school in schools:
                    owner = f"平湖市{short(town)}{school}"
                    for use, building in buildings:
                        work = WORKS[len(found) % len(WORKS)]
                        found.append((f"{owner}{building}{work}", use, town, owner, {}))
        elif kind == ProjectKind.HOSPITAL:
            for hospital, grade, town in HOSPITALS:
                for use, building in HOSPITAL_BUILDINGS:
                    work = WORKS[len(found) % len(WORKS)]
                    found.append(
                        (f"{hospital}{building}{work}", use, town, hospital, {"grade": grade})
                    )
        elif kind == ProjectKind.HIGH_RISE:
            for town in TOWN_NAMES:
                for estate in ESTATES:
                    n = len(found) % 9 + 1
                    name = f"{short(town)}{estate}花园{n}#高层住宅楼"
                    extra = {"floors": 18 + n, "height": Decimal(3 * (18 + n)) + Decimal("4.5")}
                    found.append(
                        (name, BuildingUse.OTHER, town, f"平湖{estate}置业有限公司", extra)
                    )
        elif kind == ProjectKind.MAJOR_PROJECT:
            for index, what in enumerate(MAJOR):
                town = TOWN_NAMES[index % len(TOWN_NAMES)]
                extra = {"declared": FortificationClass.B} if index % 2 == 0 else {}
                found.append(
                    (
                        f"平湖市{what}工程",
                        BuildingUse.OTHER,
                        town,
                        "平湖市城市发展投资(集团)有限公司",
                        extra,
                    )
                )
        elif kind == ProjectKind.RURAL_HOUSING:
            for town in TOWN_NAMES[3:]:
                for village in VILLAGES:
                    found.append(
                        (
                            f"{short(town)}镇{village}村农房集中安置点",
                            BuildingUse.OTHER,
                            town,
                            f"{town}人民政府",
                            {},
                        )
                    )
        else:
            for town in TOWN_NAMES:
                found.append(
                    (
                        f"{short(town)}农贸市场改造工程",
                        BuildingUse.OTHER,
                        town,
                        f"{town}农贸市场",
                        {},
                    )
                )
        self.rng.shuffle(found)
        self.names[kind] = found
        return found

    def project(self, kind: str, start_year: int) -> ProjectPlan:
        name, use, town, owner, extra = self._candidates(kind).pop()
        start = dt.date(start_year, 1, 6) + dt.timedelta(days=self.rng.randrange(0, 290))
        return ProjectPlan(
            name=demo(name),
            kind=kind,
            use=use,
            town=town,
            start=start,
            owner=demo(owner),
            grade=extra.get("grade", ""),
            declared=extra.get("declared", ""),
            floors=extra.get("floors"),
            height=extra.get("height"),
        )

    def inspection(self, project: ProjectPlan, year: int) -> InspectionPlan:
        """A compliant inspection in ``year``: the design meets the requirement (schools' other
        buildings and rural housing were designed a grade higher, 7 degrees, all the same)."""
        earliest = max(dt.date(year, 3, 2), project.start + dt.timedelta(days=20))
        on = earliest + dt.timedelta(
            days=self.rng.randrange(0, (dt.date(year, 12, 18) - earliest).days)
        )
        need = project.requirement()
        designed = need.measures_intensity
        cls = need.fortification_class.code
        if project.kind in (
            ProjectKind.SCHOOL,
            ProjectKind.KINDERGARTEN,
            ProjectKind.RURAL_HOUSING,
        ):
            designed = max(designed, 7)
        two = self.rng.sample(self.inspectors, 2)
        return InspectionPlan(on, cls, designed, inspectors="、".join(two))

    def plan(self) -> list[ProjectPlan]:
        projects: list[ProjectPlan] = []
        inspected_2020: list[ProjectPlan] = []
        for kind, total in INSPECTED.items():
            for index in range(total):
                start_year = YEAR if index < NEW[kind] else 2018 + index % 2
                project = self.project(kind, start_year)
                project.inspections.append(self.inspection(project, YEAR))
                inspected_2020.append(project)
        # Some older projects were inspected the year before as well.
        older = [p for p in inspected_2020 if p.start.year < YEAR]
        for project in self.rng.sample(older, RESURVEYED):
            project.inspections.insert(0, self.inspection(project, YEAR - 1))
        self._findings(inspected_2020)
        projects += inspected_2020
        for kind, start_year, year, how_many in OTHER_YEARS:
            for _ in range(how_many):
                project = self.project(kind, start_year)
                project.inspections.append(self.inspection(project, year))
                projects.append(project)
        return projects

    def _findings(self, projects: list[ProjectPlan]) -> None:
        """Below the requirement: designs one degree short of a class-B requirement; minor
        issues: anywhere. Rectifications are due in three (two) months; most are closed."""
        flagged = []
        for kind, how_many in FLAGGED.items():
            candidates = [
                p for p in projects if p.kind == kind and p.requirement().measures_intensity == 7
            ]
            flagged += self.rng.sample(candidates, how_many)
        for index, project in enumerate(flagged):
            visit = project.inspections[-1]
            visit.designed_class = FortificationClass.C
            visit.designed_intensity = 6
            visit.finding = Finding.BELOW_REQUIREMENT
            visit.findings = FINDINGS["below_requirement"]["findings"]
            visit.rectification_due = visit.on + dt.timedelta(days=90)
            if index < FLAGGED_RECTIFIED:
                visit.rectified_on = visit.on + dt.timedelta(days=45 + 10 * index)
                visit.closure_note = FINDINGS["below_requirement"]["closure"]
        rest = [p for p in projects if p not in flagged]
        for index, project in enumerate(self.rng.sample(rest, MINOR_ISSUES)):
            visit = project.inspections[-1]
            visit.finding = Finding.MINOR_ISSUES
            visit.findings = FINDINGS["minor_issues"]["findings"]
            visit.rectification_due = visit.on + dt.timedelta(days=60)
            if index >= MINOR_OPEN:
                visit.rectified_on = visit.on + dt.timedelta(days=20 + index)
                visit.closure_note = FINDINGS["minor_issues"]["closure"]


def save_projects(lookups: Lookups, plans: list[ProjectPlan]) -> tuple[int, int]:
    rows = [
        {
            "name": p.name,
            "owner_name": p.owner,
            "town_id": lookups.town(p.town),
            "kind": p.kind,
            "building_use": p.use,
            "hospital_grade": p.grade,
            "declared_class": p.declared,
            "started_on": p.start,
            "start_year": p.start.year,
            "floors": p.floors,
            "height_m": p.height,
            "is_demo": True,
        }
        for p in plans
    ]
    saved = sync_rows(ConstructionProject, ("name",), rows).objects
    inspections = []
    for plan in plans:
        project = saved[(plan.name,)]
        for visit in plan.inspections:
            inspections.append(
                {
                    "project_id": project.pk,
                    "inspected_on": visit.on,
                    "inspectors": visit.inspectors,
                    "designed_class": visit.designed_class,
                    "designed_measures_intensity": visit.designed_intensity,
                    "finding": visit.finding,
                    "findings": visit.findings,
                    "rectification_required": visit.rectification_required,
                    "rectification_due": visit.rectification_due,
                    "rectified_on": visit.rectified_on,
                    "closure_note": visit.closure_note,
                    "is_demo": True,
                }
            )
    sync_rows(
        Inspection,
        ("project_id", "inspected_on"),
        inspections,
        owned=Inspection.objects.filter(is_demo=True, project__is_demo=True),
    )
    # Demo projects the plan no longer has go too, once nobody's inspections refer to them.
    stale = ConstructionProject.objects.filter(is_demo=True, inspections__isnull=True).exclude(
        name__in=[p.name for p in plans]
    )
    stale.delete()
    return len(plans), len(inspections)


# -- raised fortification ------------------------------------------------------------------------

RAISED_TO = {RaisedKind(kind): text for kind, text in RAISED_DATA["raised_to"].items()}


def raised_rows(lookups: Lookups, rng: random.Random) -> list[dict]:
    rows = [
        {
            "name": r["name"],
            "kind": RaisedKind(r["kind"]),
            "town_id": lookups.town(r["town"]),
            "year_completed": r.get("year_completed"),
            "basic_class": FortificationClass.C,
            "raised_to": RAISED_TO[RaisedKind(r["kind"])],
            "note": r["note"],
            "is_demo": False,
        }
        for r in RAISED_DATA["real"]
    ]
    names = {
        RaisedKind.SCHOOL: [f"平湖市{short(t)}{s}" for s in SCHOOLS for t in TOWN_NAMES],
        RaisedKind.KINDERGARTEN: [
            f"平湖市{short(t)}{k}" for k in KINDERGARTENS for t in TOWN_NAMES
        ],
        RaisedKind.RURAL_COMMUNITY: [
            f"{short(t)}{v}村社区综合用房" for v in VILLAGES for t in TOWN_NAMES
        ],
    }
    for kind, total in RAISED.items():
        real = sum(1 for r in rows if r["kind"] == kind)
        for index, name in enumerate(names[kind][: total - real + RAISED_LATER[kind]]):
            later = index >= total - real
            town = next(t for t in TOWN_NAMES if short(t) in name)
            rows.append(
                {
                    "name": demo(name),
                    "kind": kind,
                    "town_id": lookups.town(town),
                    "year_completed": 2021 + index % 2 if later else rng.randrange(2009, YEAR + 1),
                    "basic_class": FortificationClass.C,
                    "raised_to": RAISED_TO[kind],
                    "note": "",
                    "is_demo": True,
                }
            )
    return rows


def save_raised(lookups: Lookups, rng: random.Random) -> int:
    rows = raised_rows(lookups, rng)
    sync_rows(
        RaisedFortification, ("name",), rows, owned=RaisedFortification.objects.filter(is_demo=True)
    )
    return len(rows)


# -- demonstration sites -------------------------------------------------------------------------


@dataclass
class SitePlan:
    name: str
    level: str
    kind: str
    town: str
    designated: dt.date
    revoked: dt.date | None = None
    note: str = ""
    real: bool = False


SITES = [
    SitePlan(
        **{
            **row,
            "level": SiteLevel(row["level"]),
            "kind": SiteKind(row["kind"]),
            "designated": d(row["designated"]),
            "revoked": d(row.get("revoked")),
        }
    )
    for row in PLACES["sites"]
]


def save_sites(lookups: Lookups) -> int:
    rows = [
        {
            "name": s.name if s.real else demo(s.name),
            "level": s.level,
            "kind": s.kind,
            "town_id": lookups.town(s.town),
            "designated_on": s.designated,
            "designated_year": s.designated.year,
            "revoked_on": s.revoked,
            "note": s.note,
            "is_demo": not s.real,
        }
        for s in SITES
    ]
    sync_rows(
        DemonstrationSite, ("name",), rows, owned=DemonstrationSite.objects.filter(is_demo=True)
    )
    return len(rows)


# -- shelters ------------------------------------------------------------------------------------

SHELTERS = PLACES["shelters"]


def save_shelters(lookups: Lookups) -> int:
    rows = [
        {
            "name": s["name"] if s["real"] else demo(s["name"]),
            "town_id": lookups.town(s["town"]),
            "address": s["address"],
            "shelter_class": ShelterClass(s["class"]),
            "effective_area": Decimal(s["effective_area"]),
            "opened_year": s["opened"],
            "note": s.get("note", ""),
            "is_demo": not s["real"],
        }
        for s in SHELTERS
    ]
    saved = sync_rows(Shelter, ("name",), rows, owned=Shelter.objects.filter(is_demo=True)).objects
    for row, plan in zip(rows, SHELTERS, strict=True):
        shelter = saved[(row["name"],)]
        wanted = {
            lookups.facilities[code].pk for code in plan["facilities"] if code in lookups.facilities
        }
        if set(shelter.facilities.values_list("pk", flat=True)) != wanted:
            shelter.facilities.set(wanted)
    return len(rows)


# -- monitoring stations -------------------------------------------------------------------------

STATIONS = PLACES["stations"]


def save_stations(lookups: Lookups) -> int:
    rows = [
        {
            "name": s["name"] if s["real"] else demo(s["name"]),
            "kind": StationKind(s["kind"]),
            "town_id": lookups.town(s["town"]),
            "status": StationStatus(s["status"]),
            "established_on": d(s["established"]),
            "note": s["note"],
            "is_demo": not s["real"],
        }
        for s in STATIONS
    ]
    saved = sync_rows(
        MonitoringStation, ("name",), rows, owned=MonitoringStation.objects.filter(is_demo=True)
    ).objects
    upgrades = []
    for row, plan in zip(rows, STATIONS, strict=True):
        for upgrade in plan["upgrades"]:
            upgrades.append(
                {
                    "station_id": saved[(row["name"],)].pk,
                    "upgraded_on": d(upgrade["on"]),
                    "description": upgrade["description"],
                    "is_demo": True,
                }
            )
    sync_rows(
        StationUpgrade,
        ("station_id", "upgraded_on"),
        upgrades,
        owned=StationUpgrade.objects.filter(is_demo=True),
    )
    return len(rows)


# -- trainings and house designs -----------------------------------------------------------------

# Rural builders trained per year, one session per town (838 in 2020).
TRAININGS = OUTREACH["trainings"]


def training_rows(lookups: Lookups) -> list[dict]:
    rows = []
    for year, sessions in TRAININGS["builders"].items():
        for index, (town, attendees) in enumerate(sessions.items()):
            rows.append(
                {
                    "title": demo(f"{year}年{town}农村建筑工匠培训班"),
                    "held_on": dt.date(int(year), 6, 2) + dt.timedelta(days=9 * index),
                    "town_id": lookups.town(town),
                    "kind": TrainingKind.RURAL_BUILDERS,
                    "attendees": attendees,
                    "organiser": TRAININGS["organiser"],
                }
            )
    for other in TRAININGS["other"]:
        rows.append(
            {
                "title": demo(other["title"]),
                "held_on": d(other["held_on"]),
                "town_id": lookups.town(other["town"]),
                "kind": TrainingKind(other["kind"]),
                "attendees": other["attendees"],
                "organiser": other["organiser"],
            }
        )
    for row in rows:
        row.update(note="", is_demo=True)
    return rows


DESIGNS = OUTREACH["designs"]


def design_rows() -> list[dict]:
    return [
        {
            "year": YEAR,
            "title": demo(f"《{DESIGNS['atlas']}》户型{design['code']} {design['text']}"),
            "designer": DESIGNS["designer"],
            "selected": design["selected"],
            "note": DESIGNS["note"],
            "is_demo": True,
        }
        for design in DESIGNS["designs"]
    ]


# -- outreach events -----------------------------------------------------------------------------

EVENTS = OUTREACH["events"]


def event_rows(lookups: Lookups) -> list[dict]:
    return [
        {
            "title": demo(e["title"]),
            "kind": OutreachKind(e["kind"]),
            "held_on": d(e["held_on"]),
            "town_id": lookups.town(e["town"]) if e["town"] else None,
            "participants": e["participants"],
            "organiser": e["organiser"],
            "note": "",
            "is_demo": True,
        }
        for e in EVENTS
    ]


# -- budget, plans, assessments ------------------------------------------------------------------

BUDGET = DOCUMENTS["budget"]


def budget_rows() -> list[dict]:
    return [
        {
            "year": b["year"],
            "item": demo(b["item"]),
            "amount": Decimal(b["amount"]),
            "source": BudgetSource(b["source"]),
            "note": "",
            "is_demo": True,
        }
        for b in BUDGET
    ]


PLANS = DOCUMENTS["plans"]


def plan_rows() -> list[dict]:
    return [
        {
            "title": p["title"] if p["real"] else demo(p["title"]),
            "kind": PlanKind(p["kind"]),
            "document_number": p["number"],
            "issuer": p["issuer"],
            "issued_on": d(p["issued_on"]),
            "effective_from": d(p["effective_from"]),
            "status": PlanStatus(p["status"]),
            "note": p["note"],
            "is_demo": not p["real"],
        }
        for p in PLANS
    ]


def assessment_rows() -> list[dict]:
    """2006–2020 excellent (“连续15年”); 2005 good and 2004 excellent are demo data that show
    where the run starts."""
    texts = DOCUMENTS["assessments"]
    first = YEAR - CONSECUTIVE_EXCELLENT + 1
    rows = [
        {"year": 2004, "result": AssessmentResult.EXCELLENT, "note": DEMO, "is_demo": True},
        {"year": first - 1, "result": AssessmentResult.GOOD, "note": DEMO, "is_demo": True},
    ]
    for year in range(first, YEAR + 1):
        note = texts["note"] + (texts["note_last"] if year == YEAR else "")
        rows.append(
            {"year": year, "result": AssessmentResult.EXCELLENT, "note": note, "is_demo": False}
        )
    for row in rows:
        row["assessor"] = texts["assessor"]
    return rows


# -- seismic safety evaluation reports (a data file) ------------------------------------------------


def save_safety_evaluations() -> int:
    """The reports of ``data/safety_evaluations.json``, each on the demo project it names."""
    rows = json.loads((DATA / "safety_evaluations.json").read_text(encoding="utf-8"))
    names = {demo(row["project"]) for row in rows}
    projects = dict(
        ConstructionProject.objects.filter(name__in=names, is_demo=True).values_list("name", "pk")
    )
    planned = []
    for row in rows:
        project = projects.get(demo(row["project"]))
        if project is None:
            raise LookupError(
                f"安评报告 {row['report_number']}: 演示数据中没有项目 {row['project']}"
            )
        reviewed = row.get("reviewed_on")
        values = {name: value for name, value in row.items() if name != "project"}
        planned.append(
            {
                **values,
                "project_id": project,
                "reported_on": d(row["reported_on"]),
                "reviewed_on": d(reviewed) if reviewed else None,
                "pga": Decimal(row["pga"]),
                "is_demo": True,
            }
        )
    owned = SafetyEvaluation.objects.filter(is_demo=True)
    sync_rows(SafetyEvaluation, ("report_number",), planned, owned=owned)
    return len(planned)


# -- loading -------------------------------------------------------------------------------------


def load(stdout) -> None:
    lookups = Lookups()
    rng = random.Random(2020)
    plans = ProjectPlanner(rng).plan()
    projects, inspections = save_projects(lookups, plans)
    evaluations = save_safety_evaluations()
    raised = save_raised(lookups, rng)
    sites = save_sites(lookups)
    shelters = save_shelters(lookups)
    stations = save_stations(lookups)
    trainings = training_rows(lookups)
    sync_rows(Training, ("title",), trainings, owned=Training.objects.filter(is_demo=True))
    designs = design_rows()
    sync_rows(HouseDesign, ("title",), designs, owned=HouseDesign.objects.filter(is_demo=True))
    events = event_rows(lookups)
    sync_rows(OutreachEvent, ("title",), events, owned=OutreachEvent.objects.filter(is_demo=True))
    budget = budget_rows()
    sync_rows(BudgetLine, ("year", "item"), budget, owned=BudgetLine.objects.filter(is_demo=True))
    plan_docs = plan_rows()
    sync_rows(PlanDocument, ("title",), plan_docs, owned=PlanDocument.objects.filter(is_demo=True))
    assessments = assessment_rows()
    sync_rows(Assessment, ("year",), assessments)
    stdout.write(
        f"防震减灾:建设工程 {projects} 项(检查 {inspections} 次、安评报告 {evaluations} 份)、"
        f"提高一档设防 {raised} 处、"
        f"示范点 {sites} 个、避难场所 {shelters} 个、台站 {stations} 个、培训 {len(trainings)} 期、"
        f"户型图 {len(designs)} 套、宣传活动 {len(events)} 场、预算 {len(budget)} 项、"
        f"规划文件 {len(plan_docs)} 件、考核 {len(assessments)} 年"
    )
