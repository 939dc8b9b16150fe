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

Everything is planned from fixed tables and one seeded ``random.Random`` and written with
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
    ShelterFacility,
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


def demo(text: str) -> str:
    """A synthetic record's name, marked as demo data."""
    return text + DEMO


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


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
# Projects inspected only in another year: (kind, start year, inspection year, how many).
OTHER_YEARS = [
    (ProjectKind.SCHOOL, 2018, 2019, 5),
    (ProjectKind.KINDERGARTEN, 2019, 2019, 2),
    (ProjectKind.HOSPITAL, 2018, 2019, 2),
    (ProjectKind.RURAL_HOUSING, 2019, 2019, 3),
    (ProjectKind.OTHER, 2019, 2019, 2),
    (ProjectKind.SCHOOL, 2020, 2021, 2),  # started in 2020, inspected only the year after
    (ProjectKind.SCHOOL, 2021, 2021, 4),
    (ProjectKind.HOSPITAL, 2021, 2021, 1),
    (ProjectKind.HIGH_RISE, 2021, 2021, 2),
    (ProjectKind.RURAL_HOUSING, 2021, 2021, 2),
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


DANGHU, ZHAPU, GUANGCHEN = "当湖街道", "乍浦镇", "广陈镇"
XINGANG = "广陈新港花苑社区"
MINGHU = "明湖公园"
MEILANYUAN = "当湖街道梅兰苑社区"
GANGZHONG = "广陈镇港中村"
PINGHU_STATION = "平湖预警台"
ZHAPU_STATION = "乍浦地震台"
CITY_PLAN = "平湖市城市抗震防灾专项规划"
FIVE_YEAR_PLAN = "平湖市防震减灾“十四五”规划"
FUND_RULES = "平湖市科学技术局“地震工作经费”专项资金使用管理办法"
DESIGN_ATLAS = "平湖市农房设计通用图集"
BUREAU = "平湖市科学技术局"
BUILDERS_ORGANISERS = "平湖市科学技术局、平湖市住房和城乡建设局"
DESIGN_INSTITUTE = "平湖市建筑设计院"
PROVINCE_BUREAU = "浙江省地震局"


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

SCHOOLS = ("中心小学", "实验小学", "第二小学", "初级中学", "中学")
KINDERGARTENS = ("中心幼儿园", "实验幼儿园", "第二幼儿园", "第三幼儿园", "幼儿园分园")
SCHOOL_BUILDINGS = [
    (BuildingUse.TEACHING, "教学楼"),
    (BuildingUse.TEACHING, "实验楼"),
    (BuildingUse.DORMITORY, "学生宿舍楼"),
    (BuildingUse.CANTEEN, "食堂"),
    (BuildingUse.OTHER, "体艺馆"),
    (BuildingUse.OTHER, "综合楼"),
]
KINDERGARTEN_BUILDINGS = [
    (BuildingUse.TEACHING, "教学活动楼"),
    (BuildingUse.DORMITORY, "幼儿午休楼"),
    (BuildingUse.CANTEEN, "厨房餐厅"),
    (BuildingUse.OTHER, "综合用房"),
]
HOSPITALS = [
    ("平湖市第一人民医院", HospitalGrade.GRADE_3, DANGHU),
    ("平湖市中医院", HospitalGrade.GRADE_2, DANGHU),
    ("平湖市第二人民医院", HospitalGrade.GRADE_2, ZHAPU),
    ("平湖市妇幼保健院", HospitalGrade.GRADE_2, DANGHU),
    *[(f"平湖市{short(t)}卫生院", HospitalGrade.GRADE_1, t) for t in TOWN_NAMES[1:]],
]
HOSPITAL_BUILDINGS = [
    (BuildingUse.OUTPATIENT, "门诊楼"),
    (BuildingUse.MEDICAL_TECHNOLOGY, "医技楼"),
    (BuildingUse.INPATIENT, "住院楼"),
    (BuildingUse.OTHER, "行政后勤楼"),
]
WORKS = ("新建工程", "改扩建工程", "加固改造工程")
ESTATES = ("锦绣", "御景", "东湖", "滨江", "翠苑", "金色", "阳光", "嘉禾")
MAJOR = ("文体中心", "综合交通枢纽", "应急指挥中心", "公共管廊", "污水处理厂扩建", "会展中心")
VILLAGES = (
    "新华", "东方", "民主", "红星", "金桥", "前进", "新民", "光明", "联合", "永丰", "胜利", "友好",
)  # fmt: skip
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
            visit.findings = (
                "设计按丙类标准设防、抗震措施按6度,低于乙类重点设防应按7度采取抗震措施的要求。"
            )
            visit.rectification_due = visit.on + dt.timedelta(days=90)
            if index < FLAGGED_RECTIFIED:
                visit.rectified_on = visit.on + dt.timedelta(days=45 + 10 * index)
                visit.closure_note = "已按乙类重新出具加固设计并完成施工,复查符合要求。"
        rest = [p for p in projects if p not in flagged]
        for index, project in enumerate(self.rng.sample(rest, MINOR_ISSUES)):
            visit = project.inspections[-1]
            visit.finding = Finding.MINOR_ISSUES
            visit.findings = "构造柱与圈梁节点做法、填充墙拉结筋设置与图纸不符。"
            visit.rectification_due = visit.on + dt.timedelta(days=60)
            if index >= MINOR_OPEN:
                visit.rectified_on = visit.on + dt.timedelta(days=20 + index)
                visit.closure_note = "已整改到位。"


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

RAISED_TO = {
    RaisedKind.SCHOOL: "按乙类重点设防,抗震措施按7度(高于当地6度一档)",
    RaisedKind.KINDERGARTEN: "按乙类重点设防,抗震措施按7度(高于当地6度一档)",
    RaisedKind.RURAL_COMMUNITY: "按7度采取抗震措施(高于当地6度一档)",
}


def raised_rows(lookups: Lookups, rng: random.Random) -> list[dict]:
    rows = [
        {
            "name": XINGANG,
            "kind": RaisedKind.RURAL_COMMUNITY,
            "town_id": lookups.town(GUANGCHEN),
            "year_completed": None,
            "basic_class": FortificationClass.C,
            "raised_to": RAISED_TO[RaisedKind.RURAL_COMMUNITY],
            "note": "列入省地震局试点工程和省科技厅重大科技项目。",
            "is_demo": False,
        }
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


L, K = SiteLevel, SiteKind
SITES = [
    # 国家级地震安全示范社区 (4)
    SitePlan("当湖街道东湖社区国家地震安全示范社区", L.NATIONAL, K.COMMUNITY, DANGHU, d("2013-11-20")),
    SitePlan("钟埭街道钟溪社区国家地震安全示范社区", L.NATIONAL, K.COMMUNITY, "钟埭街道", d("2015-12-08")),
    SitePlan("乍浦镇雅山社区国家地震安全示范社区", L.NATIONAL, K.COMMUNITY, ZHAPU, d("2017-11-15")),
    SitePlan("新埭镇鑫埭社区国家地震安全示范社区", L.NATIONAL, K.COMMUNITY, "新埭镇", d("2019-12-10")),
    # Demonstration communities of the other levels
    SitePlan("曹桥街道百寿社区省级防震减灾示范社区", L.PROVINCIAL, K.COMMUNITY, "曹桥街道", d("2016-10-12")),
    SitePlan("独山港镇海港社区省级防震减灾示范社区", L.PROVINCIAL, K.COMMUNITY, "独山港镇", d("2018-10-25")),
    SitePlan("新仓镇仓庆社区嘉兴市防震减灾示范社区", L.JIAXING, K.COMMUNITY, "新仓镇", d("2014-09-18")),
    SitePlan("林埭镇林埭社区嘉兴市防震减灾示范社区", L.JIAXING, K.COMMUNITY, "林埭镇", d("2016-09-22")),
    SitePlan("广陈镇广陈社区嘉兴市防震减灾示范社区", L.JIAXING, K.COMMUNITY, GUANGCHEN, d("2019-09-26")),
    SitePlan("当湖街道西园社区平湖市防震减灾示范社区", L.PINGHU, K.COMMUNITY, DANGHU, d("2017-05-10")),
    SitePlan("钟埭街道沈家弄社区平湖市防震减灾示范社区", L.PINGHU, K.COMMUNITY, "钟埭街道", d("2020-05-12")),
    # Demonstration schools
    SitePlan("平湖市当湖实验小学省级防震减灾科普示范学校", L.PROVINCIAL, K.SCHOOL, DANGHU, d("2015-06-01")),
    SitePlan("平湖市乍浦中学嘉兴市防震减灾科普示范学校", L.JIAXING, K.SCHOOL, ZHAPU, d("2016-05-12")),
    SitePlan("平湖市新埭中心小学嘉兴市防震减灾科普示范学校", L.JIAXING, K.SCHOOL, "新埭镇", d("2018-05-11")),
    SitePlan("平湖市林埭中学平湖市防震减灾科普示范学校", L.PINGHU, K.SCHOOL, "林埭镇", d("2017-05-12")),
    SitePlan("平湖市曹桥中心小学平湖市防震减灾科普示范学校", L.PINGHU, K.SCHOOL, "曹桥街道", d("2019-05-10")),
    SitePlan("平湖市独山港中学平湖市防震减灾科普示范学校", L.PINGHU, K.SCHOOL, "独山港镇", d("2020-05-12")),
    SitePlan("平湖市新仓中心小学平湖市防震减灾科普示范学校", L.PINGHU, K.SCHOOL, "新仓镇", d("2012-05-12"), revoked=d("2019-03-01"), note="学校撤并,示范学校称号撤销。"),
    # Demonstration enterprises
    SitePlan("平湖经济技术开发区某精密制造企业防震减灾示范企业", L.JIAXING, K.ENTERPRISE, "钟埭街道", d("2017-10-18")),
    SitePlan("独山港区某化工企业防震减灾示范企业", L.PINGHU, K.ENTERPRISE, "独山港镇", d("2018-11-06")),
    SitePlan("乍浦镇某港口物流企业防震减灾示范企业", L.PINGHU, K.ENTERPRISE, ZHAPU, d("2019-11-12")),
    SitePlan("新埭镇某电子企业防震减灾示范企业", L.PINGHU, K.ENTERPRISE, "新埭镇", d("2020-10-28")),
    SitePlan("曹桥街道某机械企业防震减灾示范企业", L.PINGHU, K.ENTERPRISE, "曹桥街道", d("2022-10-20")),
    # Science-education bases
    SitePlan(f"{MINGHU}防震减灾主题公园", L.PINGHU, K.SCIENCE_BASE, DANGHU, d("2020-05-12"), note="省内首个防震减灾主题公园:明湖公园地震应急避险场所改造、防灾主题公园文化景观建设;认定日期与级别为演示数据。", real=True),
    SitePlan("平湖市防震减灾科普馆", L.JIAXING, K.SCIENCE_BASE, DANGHU, d("2014-05-12")),
    SitePlan("平湖市地震台防震减灾科普教育基地", L.PROVINCIAL, K.SCIENCE_BASE, ZHAPU, d("2016-07-20")),
    # Pinghu demonstration villages (2)
    SitePlan("新仓镇三叉河村平湖市防震减灾示范乡村", L.PINGHU, K.VILLAGE, "新仓镇", d("2019-11-20")),
    SitePlan("林埭镇徐家埭村平湖市防震减灾示范乡村", L.PINGHU, K.VILLAGE, "林埭镇", d("2020-11-18")),
    # The first activity centres of Jiaxing with earthquake science as their theme
    SitePlan(f"{MEILANYUAN}地震科普活动中心", L.JIAXING, K.ACTIVITY_CENTRE, DANGHU, d("2020-10-15"), note="嘉兴市首批以地震科普为主的科普活动中心,完成防震减灾VR体验室改造;认定日期为演示数据。", real=True),
    SitePlan(f"{GANGZHONG}地震科普活动中心", L.JIAXING, K.ACTIVITY_CENTRE, GUANGCHEN, d("2020-10-15"), note="嘉兴市首批以地震科普为主的科普活动中心;认定日期为演示数据。", real=True),
]  # fmt: skip


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

F = ShelterFacility
SHELTERS = [
    # name, real, town, class, effective area m², year opened, facilities, address
    (f"{MINGHU}应急避难场所", True, DANGHU, ShelterClass.CLASS_II, Decimal("36500"), 2020, (F.WATER, F.POWER, F.TOILETS, F.MEDICAL, F.BROADCAST, F.COMMAND), "当湖街道明湖景区"),
    ("乍浦镇文体中心广场应急避难场所", False, ZHAPU, ShelterClass.CLASS_III, Decimal("12800"), 2016, (F.WATER, F.TOILETS, F.BROADCAST), "乍浦镇"),
    ("钟埭街道体育公园应急避难场所", False, "钟埭街道", ShelterClass.CLASS_II, Decimal("21600.50"), 2017, (F.WATER, F.POWER, F.TOILETS, F.MEDICAL), "钟埭街道"),
    ("新埭镇中心公园应急避难场所", False, "新埭镇", ShelterClass.CLASS_III, Decimal("8450"), 2018, (F.WATER, F.TOILETS), "新埭镇"),
    ("独山港镇市民广场应急避难场所", False, "独山港镇", ShelterClass.CLASS_I, Decimal("45200"), 2019, (F.WATER, F.POWER, F.TOILETS, F.MEDICAL, F.SUPPLIES, F.COMMAND, F.FIRE), "独山港镇"),
    ("广陈镇文化公园应急避难场所", False, GUANGCHEN, ShelterClass.CLASS_III, Decimal("6300"), 2022, (F.WATER, F.TOILETS, F.BROADCAST), "广陈镇"),
]  # fmt: skip


def save_shelters(lookups: Lookups) -> int:
    rows = []
    for name, real, town, cls, area, opened, _facilities, address in SHELTERS:
        rows.append(
            {
                "name": name if real else demo(name),
                "town_id": lookups.town(town),
                "address": address,
                "shelter_class": cls,
                "effective_area": area,
                "opened_year": opened,
                "note": "对明湖公园进行地震应急避险场所改造建设;类别、有效面积与设施为演示数据。"
                if real
                else "",
                "is_demo": not real,
            }
        )
    saved = sync_rows(Shelter, ("name",), rows, owned=Shelter.objects.filter(is_demo=True)).objects
    for row, plan in zip(rows, SHELTERS, strict=True):
        shelter = saved[(row["name"],)]
        wanted = {lookups.facilities[code].pk for code in plan[6] if code in lookups.facilities}
        if set(shelter.facilities.values_list("pk", flat=True)) != wanted:
            shelter.facilities.set(wanted)
    return len(rows)


# -- monitoring stations -------------------------------------------------------------------------

STATIONS = [
    # name, real, kind, town, status, established, note, upgrades (date, description)
    (PINGHU_STATION, True, StationKind.STRONG_MOTION, DANGHU, StationStatus.OPERATING, None, "全省6个国家强震台之一。", [(d("2020-10-20"), "信息化改造提升(日期为演示数据)。")]),
    (ZHAPU_STATION, True, StationKind.SEISMIC, ZHAPU, StationStatus.OPERATING, None, "", [(d("2020-11-10"), "信息化改造提升(日期为演示数据)。")]),
    ("独山港GNSS观测站", False, StationKind.GNSS, "独山港镇", StationStatus.OPERATING, d("2016-08-01"), "", []),
    ("新仓强震动观测点", False, StationKind.STRONG_MOTION, "新仓镇", StationStatus.SUSPENDED, d("2012-04-01"), "观测场地征迁,暂停观测。", [(d("2018-06-15"), "更换强震仪。")]),
]  # fmt: skip


def save_stations(lookups: Lookups) -> int:
    rows = [
        {
            "name": name if real else demo(name),
            "kind": kind,
            "town_id": lookups.town(town),
            "status": status,
            "established_on": established,
            "note": note,
            "is_demo": not real,
        }
        for name, real, kind, town, status, established, note, _upgrades in STATIONS
    ]
    saved = sync_rows(
        MonitoringStation, ("name",), rows, owned=MonitoringStation.objects.filter(is_demo=True)
    ).objects
    upgrades = []
    for row, plan in zip(rows, STATIONS, strict=True):
        for on, description in plan[7]:
            upgrades.append(
                {
                    "station_id": saved[(row["name"],)].pk,
                    "upgraded_on": on,
                    "description": description,
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

# Rural builders trained in 2020, one session per town (838 in all).
BUILDERS_2020 = dict(zip(TOWN_NAMES, (96, 88, 91, 104, 97, 89, 93, 95, 85), strict=True))
BUILDERS_2019 = {DANGHU: 72, ZHAPU: 66, "新埭镇": 58, "林埭镇": 61, "独山港镇": 70}


def training_rows(lookups: Lookups) -> list[dict]:
    rows = []
    for year, sessions in ((2019, BUILDERS_2019), (YEAR, BUILDERS_2020)):
        for index, (town, attendees) in enumerate(sessions.items()):
            rows.append(
                {
                    "title": demo(f"{year}年{town}农村建筑工匠培训班"),
                    "held_on": dt.date(year, 6, 2) + dt.timedelta(days=9 * index),
                    "town_id": lookups.town(town),
                    "kind": TrainingKind.RURAL_BUILDERS,
                    "attendees": attendees,
                    "organiser": BUILDERS_ORGANISERS,
                }
            )
    rows.append(
        {
            "title": demo("2020年镇街道地震应急救援志愿者培训"),
            "held_on": d("2020-11-12"),
            "town_id": lookups.town(DANGHU),
            "kind": TrainingKind.OTHER,
            "attendees": 64,
            "organiser": BUREAU,
        }
    )
    for row in rows:
        row.update(note="", is_demo=True)
    return rows


DESIGNS = [
    # code, description, selected
    ("A1", "一层半独立式 建筑面积约180平方米", False),
    ("A2", "两层独立式 三开间 建筑面积约220平方米", True),
    ("A3", "两层独立式 带院落 建筑面积约240平方米", True),
    ("A4", "两层半独立式 建筑面积约260平方米", False),
    ("A5", "三层独立式 建筑面积约300平方米", False),
    ("B1", "两层双拼式 建筑面积约200平方米", True),
    ("B2", "两层双拼式 带车库 建筑面积约230平方米", False),
    ("B3", "三层双拼式 建筑面积约280平方米", True),
    ("C1", "两层联排式 建筑面积约190平方米", True),
    ("C2", "两层联排式 带天井 建筑面积约210平方米", False),
    ("C3", "三层联排式 建筑面积约260平方米", False),
    ("D1", "两层独立式 江南民居风貌 建筑面积约230平方米", True),
    ("D2", "两层独立式 水乡风貌 建筑面积约250平方米", False),
    ("D3", "两层半独立式 坡屋顶 建筑面积约270平方米", False),
]


def design_rows() -> list[dict]:
    return [
        {
            "year": YEAR,
            "title": demo(f"《{DESIGN_ATLAS}》户型{code} {text}"),
            "designer": DESIGN_INSTITUTE,
            "selected": selected,
            "note": "抗震结构按7度采取抗震措施。",
            "is_demo": True,
        }
        for code, text, selected in DESIGNS
    ]


# -- outreach events -----------------------------------------------------------------------------

EK = OutreachKind
EVENTS = [
    # year, title, kind, date, town (None: city-wide), participants, organiser
    (2019, "2019年“5·12”防震减灾宣传周系列活动", EK.PREVENTION_WEEK, d("2019-05-12"), None, 5200, BUREAU),
    (2019, "2019年青少年地震科普夏令营", EK.SCIENCE_CAMP, d("2019-07-16"), DANGHU, 150, BUREAU),
    (2019, "2019年中小学地震应急疏散演练", EK.DRILL, d("2019-11-08"), None, 9800, "平湖市教育局"),
    (2019, "2019年防震减灾进社区科普讲座", EK.LECTURE, d("2019-09-20"), ZHAPU, 430, BUREAU),
    (2020, "2020年“5·12”防震减灾宣传周系列科普活动", EK.PREVENTION_WEEK, d("2020-05-12"), None, 3860, BUREAU),
    (2020, "2020年地震科普夏令营", EK.SCIENCE_CAMP, d("2020-08-04"), DANGHU, 86, BUREAU),
    (2020, "2020年防震减灾线上科普知识竞赛", EK.ONLINE_QUIZ, d("2020-05-18"), None, 6420, BUREAU),
    (2020, "明湖景区防灾景观二维码更新及“防灾景观扫一扫”", EK.OTHER, d("2020-06-01"), DANGHU, 0, BUREAU),
    (2020, "全市公交车站防震减灾科普海报", EK.OTHER, d("2020-06-10"), None, 0, BUREAU),
    (2020, "防震减灾专栏发布", EK.OTHER, d("2020-07-01"), None, 0, BUREAU),
    (2020, "平安中国防灾减灾宣传活动", EK.LECTURE, d("2020-10-13"), None, 1250, BUREAU),
    *[
        (2020, f"2020年{town}中小学地震应急演练", EK.DRILL, dt.date(2020, 10, 9) + dt.timedelta(days=3 * i), town, n, "平湖市教育局")
        for i, (town, n) in enumerate(
            zip(TOWN_NAMES, (1680, 820, 760, 1140, 690, 710, 640, 590, 870), strict=True)
        )
    ],
    *[
        (2020, f"2020年防震减灾进社区“六进”科普活动({town})", EK.LECTURE, dt.date(2020, 9, 1) + dt.timedelta(days=7 * i), town, n, BUREAU)
        for i, (town, n) in enumerate(zip(TOWN_NAMES[:6], (420, 360, 310, 390, 280, 335), strict=True))
    ],
    (2021, "2021年“5·12”防震减灾宣传周系列科普活动", EK.PREVENTION_WEEK, d("2021-05-12"), None, 6100, BUREAU),
    (2021, "2021年中小学地震应急演练", EK.DRILL, d("2021-10-12"), None, 10350, "平湖市教育局"),
]  # fmt: skip


def event_rows(lookups: Lookups) -> list[dict]:
    return [
        {
            "title": demo(title),
            "kind": kind,
            "held_on": on,
            "town_id": lookups.town(town) if town else None,
            "participants": participants,
            "organiser": organiser,
            "note": "",
            "is_demo": True,
        }
        for _year, title, kind, on, town, participants, organiser in EVENTS
    ]


# -- budget, plans, assessments ------------------------------------------------------------------

FISCAL, OTHER_SOURCE = BudgetSource.FISCAL_BUDGET, BudgetSource.OTHER
BUDGET = [
    # year, item, amount (万元), source
    (2019, "地震监测台站运行维护", Decimal("8"), FISCAL),
    (2019, "防震减灾科普宣传", Decimal("7"), FISCAL),
    (2019, "地震应急演练与培训", Decimal("5"), FISCAL),
    (2019, "示范创建与避难场所维护", Decimal("6"), FISCAL),
    (2020, "地震监测台站运行维护及信息化改造", Decimal("8.5"), FISCAL),
    (2020, "防震减灾科普宣传", Decimal("7.5"), FISCAL),
    (2020, "地震应急演练与培训", Decimal("4"), FISCAL),
    (2020, "示范创建与避难场所维护", Decimal("6"), FISCAL),
    (2020, "农村建筑工匠培训", Decimal("2"), FISCAL),
    (2020, "城市抗震防灾专项规划编制", Decimal("2"), FISCAL),
    (2020, "防震减灾创新工作(市科技资金列支)", Decimal("5"), OTHER_SOURCE),
    (2021, "地震监测台站运行维护", Decimal("9"), FISCAL),
    (2021, "防震减灾科普宣传", Decimal("8"), FISCAL),
    (2021, "地震应急演练与培训", Decimal("5"), FISCAL),
    (2021, "示范创建与避难场所维护", Decimal("7"), FISCAL),
    (2021, "防震减灾“十四五”规划编制", Decimal("3"), FISCAL),
]


def budget_rows() -> list[dict]:
    return [
        {
            "year": year,
            "item": demo(item),
            "amount": amount,
            "source": source,
            "note": "",
            "is_demo": True,
        }
        for year, item, amount, source in BUDGET
    ]


PLANS = [
    # title, real, kind, number, issuer, issued on, effective from, status, note
    (CITY_PLAN, True, PlanKind.PLAN, "", "平湖市人民政府", None, None, PlanStatus.ISSUED, "2020年出台。"),
    (FIVE_YEAR_PLAN, True, PlanKind.PLAN, "", "平湖市人民政府", None, None, PlanStatus.DRAFT, "2020年启动编制。"),
    (FUND_RULES, True, PlanKind.NORMATIVE, "", BUREAU, None, None, PlanStatus.ISSUED, "规范地震工作经费使用。"),
    ("平湖市地震应急预案", False, PlanKind.EMERGENCY_PLAN, "平政办发〔2019〕18号", "平湖市人民政府办公室", d("2019-06-20"), d("2019-06-20"), PlanStatus.ISSUED, ""),
]  # fmt: skip


def plan_rows() -> list[dict]:
    return [
        {
            "title": title if real else demo(title),
            "kind": kind,
            "document_number": number,
            "issuer": issuer,
            "issued_on": issued,
            "effective_from": effective,
            "status": status,
            "note": note,
            "is_demo": not real,
        }
        for title, real, kind, number, issuer, issued, effective, status, note in PLANS
    ]


def assessment_rows() -> list[dict]:
    """2006–2020 excellent (“连续15年”); 2005 good and 2004 excellent are demo data that show
    where the run starts."""
    first = YEAR - CONSECUTIVE_EXCELLENT + 1
    rows = [
        {"year": 2004, "result": AssessmentResult.EXCELLENT, "note": DEMO, "is_demo": True},
        {"year": first - 1, "result": AssessmentResult.GOOD, "note": DEMO, "is_demo": True},
    ]
    for year in range(first, YEAR + 1):
        note = "浙江省市县防震减灾工作考核优秀单位"
        if year == YEAR:
            note += ",嘉兴市唯一获此殊荣的县市。"
        rows.append(
            {"year": year, "result": AssessmentResult.EXCELLENT, "note": note, "is_demo": False}
        )
    for row in rows:
        row["assessor"] = PROVINCE_BUREAU
    return rows


# -- seismic safety evaluation reports (a data file) ------------------------------------------------

DATA = Path(__file__).parent / "data"


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
