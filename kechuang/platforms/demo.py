"""Demo data of the innovation platforms: Pinghu's R&D institutions, new-type R&D institutes,
incubators, high-tech zone evaluations, agricultural platforms, the Shanghai signing event and
the helicopter project.

Named records come from the seed articles; everything else is synthetic (``is_demo=True``,
names marked “(演示)”), as many records as the published figures need. The figures themselves
are never stored: the indicators (kechuang/platforms/indicators.py) compute them from these
records, and tests/platforms/test_demo_facts.py checks them against seed-facts.yaml through
docs/seed-facts-map.yaml. The targets are the constants below.

Everything is planned from fixed tables — the data files ``data/demo_*.json`` (the synthetic
enterprises' names, R&D institutions, institutes, incubators, zone evaluations, agricultural
platforms, the signing event, major projects) — and one seeded ``random.Random``, and written with
:func:`kechuang.core.domain.sync.sync_rows` on natural keys, so a second run changes nothing.
Runs after ``kechuang.registry.demo`` (INSTALLED_APPS order): hosts, partners and the
institutes' organisations are registry organisations.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from itertools import count
from pathlib import Path

from kechuang.core.domain.sync import sync_rows
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.registry.demo import GIVEN_NAMES, SURNAMES, References
from kechuang.registry.domain.uscc import make_uscc
from kechuang.registry.enums import IndustryChain, OrganisationKind, TalentLevel
from kechuang.registry.models import Organisation, Person
from kechuang.registry.reference import HIGH_TECH_ZONE

from .enums import (
    AgriPlatformKind,
    IncubationStatus,
    InstituteRecordKind,
    RDEnd,
    RDEventKind,
    RDLevel,
    ReportPeriod,
    TalentRole,
    TenancyEnd,
)
from .models import (
    AcademicianCooperation,
    AgriPlatform,
    IncubationProject,
    Incubator,
    IncubatorTalent,
    Institute,
    InstituteRecord,
    InstituteReport,
    InstituteTalent,
    MajorProject,
    MajorProjectStage,
    RDInstitution,
    RDInstitutionEvent,
    SignedProject,
    SigningEvent,
    Tenancy,
    ZoneEvaluation,
)

# -- the published figures (seed-facts.yaml) the records must give ------------------------------

RD_AS_OF = dt.date(2020, 12, 31)
RD_PROVINCIAL_HOSTS = 72  # 省级以上 at the end of 2020, each host once at its highest level
RD_JIAXING_HOSTS = 110
RD_PINGHU_HOSTS = 55
# Provincial-or-higher certifications by year and kind, 2018–2020 (44 in all).
RD_RECENT = {
    2018: {RDLevel.PROVINCIAL_RESEARCH_INSTITUTE: 5, RDLevel.PROVINCIAL_RD_CENTRE: 9},
    2019: {
        RDLevel.PROVINCIAL_RESEARCH_INSTITUTE: 6,
        RDLevel.PROVINCIAL_RD_CENTRE: 10,
        RDLevel.PROVINCIAL_KEY_AGRI_RESEARCH_INSTITUTE: 1,
    },
    2020: {RDLevel.PROVINCIAL_RESEARCH_INSTITUTE: 4, RDLevel.PROVINCIAL_RD_CENTRE: 9},
}
# The other provincial-or-higher hosts, certified before 2018 (72 - 44 = 28).
RD_OLDER = {
    RDLevel.NATIONAL: 2,
    RDLevel.PROVINCIAL_KEY_RESEARCH_INSTITUTE: 3,
    RDLevel.PROVINCIAL_RESEARCH_INSTITUTE: 8,
    RDLevel.PROVINCIAL_RD_CENTRE: 15,
}
RD_2021_INSTITUTES = 4  # provincial enterprise research institutes certified in 2021
RD_2021_CENTRES = 6  # provincial R&D centres certified in 2021 (no published figure)
RD_REVOKED = 6  # Pinghu centres revoked in 2019: in force before, not at the end of 2020
RD_UPGRADED_FROM_JIAXING = 12  # of the 2018–2020 provincial certifications, upgrades
RD_KEEPING_JIAXING = 8  # older provincial hosts that also keep a Jiaxing centre in force

INSTITUTES_AS_OF = dt.date(2021, 12, 31)
ZJUT_SERVICES = 236  # “200余次”
ZJUT_CONTRACTS = 23  # “20余项”
SJTU_SERVICES = 127  # “120余次”
SJTU_STAFF = 36

INCUBATORS_AS_OF = dt.date(2021, 12, 31)
ZONE_TENANTS = 207
ZONE_TALENTS = 412  # “400余名”

# The data of the demo (names, dates, areas, the records the seeds name) is in data/demo_*.json;
# what is done with it — which host holds what, the random draws, the synthetic records — is here.
DATA = Path(__file__).resolve().parent / "data"


def read(name: str) -> dict:
    return json.loads((DATA / f"demo_{name}.json").read_text(encoding="utf-8"))


def d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


# -- names and places ------------------------------------------------------------------------

HONGLI = "浙江宏利汽车橡胶件有限公司"
KANGDAZHI = "平湖康达智精密光学有限公司"
HUAFU = "浙江华福医疗器械有限公司"
# The new-materials figures of 2020: 2 provincial enterprise research institutes and 7
# provincial R&D centres; the seeds name none of their hosts, so synthetic enterprises hold them.
NM_HOSTS = 9

SYNTHETIC_SEED = 31_000_000  # USCC seeds of this loader's synthetic enterprises
ENTERPRISE_NAMES = read("enterprises")
_TRADE = ENTERPRISE_NAMES["trade"]
_WORDS, _TOWNS = tuple(ENTERPRISE_NAMES["words"]), tuple(ENTERPRISE_NAMES["towns"])


def synthetic_enterprise_name(index: int) -> str:
    trade = _TRADE[index % len(_TRADE)] + _TRADE[(index // len(_TRADE) + 3) % len(_TRADE)]
    word = _WORDS[(index // (len(_TRADE) ** 2)) % len(_WORDS)]
    return f"平湖{trade}{word}有限公司{index + 1:03d}(演示)"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


class Lookups(References):
    """The registry demo's reference rows, the platforms' code lists, and registry
    organisations by name."""

    def __init__(self):
        super().__init__()
        items = CodeItem.objects.filter(active=True)
        self.rd_levels = {i.code: i for i in items.filter(code_list=CodeList.RD_LEVEL)}
        self.fields = {i.code: i for i in items.filter(code_list=CodeList.SIGNING_FIELD)}
        self.origins = {i.code: i for i in items.filter(code_list=CodeList.SIGNING_ORIGIN)}
        self.organisations = {o.name: o for o in Organisation.objects.all()}

    def org(self, name: str) -> Organisation:
        return self.organisations[name]


# -- synthetic enterprises ----------------------------------------------------------------------


def ensure_enterprises(lookups: Lookups, how_many: int) -> list[Organisation]:
    """This loader's synthetic enterprises (R&D hosts and incubator tenants), in a fixed order."""
    rows = []
    for index in range(how_many):
        rows.append(
            {
                "uscc": make_uscc(SYNTHETIC_SEED + index),
                "kind": OrganisationKind.ENTERPRISE,
                "name": synthetic_enterprise_name(index),
                "town_id": lookups.towns[_TOWNS[index % len(_TOWNS)]].pk,
                "is_demo": True,
            }
        )
    result = sync_rows(Organisation, ("uscc",), rows)
    enterprises = [result.objects[(row["uscc"],)] for row in rows]
    for org in enterprises:
        lookups.organisations[org.name] = org
    return enterprises


# -- R&D institutions ---------------------------------------------------------------------------

RD_DATA = read("rd")
SUFFIX = RD_DATA["suffix"]  # by level
DOCUMENT = RD_DATA["document"]  # by level; "provincial" for every provincial-or-higher level
NAMED_INSTITUTIONS = {(row["host"], row["level"]): row["name"] for row in RD_DATA["named"]}
END_NOTE = RD_DATA["end_notes"]  # by RDEnd


def institution_name(host: Organisation, level: str) -> str:
    named = NAMED_INSTITUTIONS.get((host.name, level))
    if named:
        return named
    core = host.name.replace("(演示)", "").removesuffix("股份有限公司").removesuffix("有限公司")
    demo = "(演示)" if host.is_demo else ""
    prefix = "浙江省" if level == RDLevel.PROVINCIAL_RESEARCH_INSTITUTE else ""
    return f"{prefix}{core}{SUFFIX[level]}{demo}"


@dataclass
class Certification:
    host: Organisation
    level: str
    year: int
    ended_on: dt.date | None = None
    end_reason: str = ""
    successor_of: Certification | None = None  # the record this one upgraded


class RDPlanner:
    """Which host holds which certification when (see the targets at the top)."""

    def __init__(self, lookups: Lookups, synthetic: list[Organisation], loader_owned: set[int]):
        self.lookups = lookups
        self.rng = random.Random(2020)
        self.certifications: list[Certification] = []
        nm = set(
            Organisation.objects.enterprises()
            .in_chain(IndustryChain.NEW_MATERIALS)
            .values_list("pk", flat=True)
        )
        # Only the seeds' named institutions sit on real enterprises; every other certification
        # goes to a synthetic one (the registry's and this loader's, marked 演示数据).
        registry = list(
            Organisation.objects.enterprises()
            .filter(is_demo=True)
            .exclude(pk__in=loader_owned)
            .order_by("uscc")
        )
        self.nm_pool = [o for o in registry if o.pk in nm]
        agri = Organisation.objects.enterprises().in_chain(IndustryChain.MODERN_AGRICULTURE)
        self.agri_host = agri.filter(is_demo=True).order_by("uscc").first()
        # New-materials enterprises host provincial centres only where the figures say so.
        self.others = iter(
            [o for o in registry if o.pk not in nm and o != self.agri_host]
            + list(synthetic)
            + self.nm_pool[NM_HOSTS:]
        )

    def host(self) -> Organisation:
        return next(self.others)

    def add(self, host, level, year, **extra) -> Certification:
        certification = Certification(host, level, year, **extra)
        self.certifications.append(certification)
        return certification

    def upgrade(self, old: Certification, level: str, year: int) -> Certification:
        old.ended_on = certified_on(level, year)
        old.end_reason = RDEnd.UPGRADED
        return self.add(old.host, level, year, successor_of=old)

    def plan(self) -> list[Certification]:
        lookups = self.lookups
        recent = []  # (year, level) of the 44, in a fixed order
        for year, levels in RD_RECENT.items():
            for level, how_many in levels.items():
                recent.extend([(year, level)] * how_many)
        # Hosts of the recent provincial certifications: the named and new-materials ones first.
        hosts: dict[int, Organisation] = {}
        fixed = [
            ((2020, RDLevel.PROVINCIAL_RESEARCH_INSTITUTE), lookups.org(HONGLI)),
            ((2020, RDLevel.PROVINCIAL_RD_CENTRE), lookups.org(KANGDAZHI)),
            ((2019, RDLevel.PROVINCIAL_RESEARCH_INSTITUTE), self.nm_pool[0]),
            ((2020, RDLevel.PROVINCIAL_RD_CENTRE), self.nm_pool[2]),
            ((2018, RDLevel.PROVINCIAL_RD_CENTRE), self.nm_pool[3]),
            ((2018, RDLevel.PROVINCIAL_RD_CENTRE), self.nm_pool[4]),
            ((2019, RDLevel.PROVINCIAL_RD_CENTRE), self.nm_pool[5]),
            ((2019, RDLevel.PROVINCIAL_RD_CENTRE), self.nm_pool[6]),
            ((2019, RDLevel.PROVINCIAL_KEY_AGRI_RESEARCH_INSTITUTE), self.agri_host),
        ]
        for slot, host in fixed:
            index = next(i for i, s in enumerate(recent) if s == slot and i not in hosts)
            hosts[index] = host
        for index, (year, level) in enumerate(recent):
            host = hosts.get(index) or self.host()
            upgrades = len([c for c in self.certifications if c.successor_of])
            if index % 3 == 0 and host.is_demo and upgrades < RD_UPGRADED_FROM_JIAXING:
                earlier = self.add(host, RDLevel.JIAXING_RD_CENTRE, year - 3 - index % 3)
                self.upgrade(earlier, level, year)
            else:
                self.add(host, level, year)
        # Older provincial-or-higher hosts (two of them new-materials: figures of 2020).
        older = [(lvl, n) for lvl, n in RD_OLDER.items() for _ in range(n)]
        nm_older = {
            (RDLevel.PROVINCIAL_RESEARCH_INSTITUTE, 0): self.nm_pool[1],
            (RDLevel.PROVINCIAL_RD_CENTRE, 0): self.nm_pool[7],
            (RDLevel.PROVINCIAL_RD_CENTRE, 1): self.nm_pool[8],
        }
        seen: dict[str, int] = {}
        for level, _ in older:
            position = seen.get(level, 0)
            seen[level] = position + 1
            host = nm_older.get((level, position)) or self.host()
            year = 2010 + (position * 3 + len(seen)) % 8  # 2010..2017
            self.add(host, level, year)
            if sum(seen.values()) <= RD_KEEPING_JIAXING:
                self.add(host, RDLevel.JIAXING_RD_CENTRE, year - 2)
        # Jiaxing-level hosts (three of them upgraded in 2021).
        jiaxing = []
        for index in range(RD_JIAXING_HOSTS):
            jiaxing.append(self.add(self.host(), RDLevel.JIAXING_RD_CENTRE, 2012 + index % 9))
        for index in range(RD_PINGHU_HOSTS):
            self.add(self.host(), RDLevel.PINGHU_RD_CENTRE, 2014 + index % 7)
        for index in range(RD_REVOKED):
            self.add(
                self.host(),
                RDLevel.PINGHU_RD_CENTRE,
                2015 + index % 3,
                ended_on=dt.date(2019, 6, 30),
                end_reason=RDEnd.REVOKED,
            )
        # 2021: four provincial research institutes, 华福's (seed 003) and three upgrades.
        self.add(lookups.org(HUAFU), RDLevel.PROVINCIAL_RESEARCH_INSTITUTE, 2021)
        for old in jiaxing[: RD_2021_INSTITUTES - 1]:
            self.upgrade(old, RDLevel.PROVINCIAL_RESEARCH_INSTITUTE, 2021)
        for _ in range(RD_2021_CENTRES):
            self.add(self.host(), RDLevel.PROVINCIAL_RD_CENTRE, 2021)
        return self.certifications


def certified_on(level: str, year: int) -> dt.date:
    """Provincial lists come out in December, Jiaxing's in October, Pinghu's in June."""
    if level == RDLevel.JIAXING_RD_CENTRE:
        return dt.date(year, 10, 20)
    if level == RDLevel.PINGHU_RD_CENTRE:
        return dt.date(year, 6, 15)
    return dt.date(year, 12, 10)


def save_rd(lookups: Lookups, certifications: list[Certification]) -> int:
    numbers: dict[tuple[str, int], count] = {}
    rows = []
    for c in certifications:
        n = next(numbers.setdefault((c.level, c.year), count(1)))
        pattern = DOCUMENT.get(c.level, DOCUMENT["provincial"])
        document = pattern.format(year=c.year, n=100 + n)
        rows.append(
            {
                "host_id": c.host.pk,
                "name": institution_name(c.host, c.level),
                "level_id": lookups.rd_levels[c.level].pk,
                "certified_year": c.year,
                "certified_on": certified_on(c.level, c.year),
                "batch": f"{c.year}年度",
                "document_number": document,
                "ended_on": c.ended_on,
                "end_reason": c.end_reason,
                "is_demo": c.host.is_demo,
            }
        )
    owned = RDInstitution.objects.filter(host__in={c.host.pk for c in certifications}, is_demo=True)
    saved = sync_rows(RDInstitution, ("host_id", "name"), rows, owned=owned).objects
    record = {
        id(c): saved[(row["host_id"], row["name"])]
        for c, row in zip(certifications, rows, strict=True)
    }
    successors = {}
    for c in certifications:
        if c.successor_of is not None:
            successors[record[id(c.successor_of)].pk] = record[id(c)].pk
    for old_pk, new_pk in successors.items():
        RDInstitution.objects.filter(pk=old_pk).exclude(successor_id=new_pk).update(
            successor_id=new_pk
        )
    events = []
    for c in certifications:
        institution = record[id(c)]
        events.append(
            {
                "institution_id": institution.pk,
                "kind": RDEventKind.CERTIFIED,
                "happened_on": institution.certified_on,
                "document_number": institution.document_number,
                "note": "",
                "is_demo": institution.is_demo,
            }
        )
        if c.end_reason:
            events.append(
                {
                    "institution_id": institution.pk,
                    "kind": {
                        RDEnd.UPGRADED: RDEventKind.UPGRADED,
                        RDEnd.REVOKED: RDEventKind.REVOKED,
                    }[c.end_reason],
                    "happened_on": c.ended_on,
                    "document_number": "",
                    "is_demo": institution.is_demo,
                    "note": END_NOTE[c.end_reason],
                }
            )
    sync_rows(
        RDInstitutionEvent,
        ("institution_id", "kind", "happened_on"),
        events,
        owned=RDInstitutionEvent.objects.filter(institution__in=owned),
    )
    return len(rows)


# -- new-type R&D institutes -----------------------------------------------------------------


@dataclass(frozen=True)
class TalentPlan:
    count: int
    title: str | None
    level: str | None
    degree: str | None
    role: str = TalentRole.INTRODUCED


@dataclass(frozen=True)
class InstitutePlan:
    code: str
    name: str
    partner: str
    signed_on: dt.date
    signed_precision: str
    unveiled_on: dt.date | None
    unveiled_precision: str
    chain: str
    focus: str
    area_m2: Decimal | None
    council_chair: str
    named_talents: tuple[str, ...]
    talents: list[TalentPlan]


# The institutes as the seeds describe them; the named talents are people of the registry (see
# registry.demo.PEOPLE), synthetic talents come on top. Each institute's row also gives what it
# reports (kind → how many, in that order), its approved projects, milestones, incubation projects
# by status and its own KPI reports.
INSTITUTE_DATA = read("institutes")


def institute_plan(row: dict) -> InstitutePlan:
    return InstitutePlan(
        row["code"], row["name"], row["partner"], d(row["signed_on"]), row["signed_precision"],
        d(row["unveiled_on"]), row["unveiled_precision"], row["chain"], row["focus"],
        Decimal(row["area_m2"]) if row["area_m2"] else None, row["council_chair"],
        tuple(row["named_talents"]), [TalentPlan(**talent) for talent in row["talents"]],
    )  # fmt: skip


INSTITUTES = [institute_plan(row) for row in INSTITUTE_DATA["institutes"]]
INSTITUTE_ROWS = {row["code"]: row for row in INSTITUTE_DATA["institutes"]}
RECORD_NAMES = INSTITUTE_DATA["record_names"]  # the first records of a kind
RECORD_LABELS = INSTITUTE_DATA["record_labels"]  # the numbered ones
STAGE = INSTITUTE_DATA["stage"]  # an incubation project's status in its name


def save_institutes(lookups: Lookups, rng: random.Random) -> dict[str, Institute]:
    rows = []
    for plan in INSTITUTES:
        rows.append(
            {
                "code": plan.code,
                "organisation_id": lookups.org(plan.name).pk,
                "partner_id": lookups.org(plan.partner).pk,
                "signed_on": plan.signed_on,
                "signed_precision": plan.signed_precision,
                "unveiled_on": plan.unveiled_on,
                "unveiled_precision": plan.unveiled_precision,
                "focus_chain_id": lookups.chains[plan.chain].pk,
                "focus": plan.focus,
                "area_m2": plan.area_m2,
                "council_chair": plan.council_chair,
            }
        )
    saved = sync_rows(Institute, ("code",), rows).objects
    institutes = {code: saved[(code,)] for (code,) in saved}
    for plan in INSTITUTES:
        save_talents(lookups, rng, institutes[plan.code], plan)
        save_institute_records(lookups, rng, institutes[plan.code])
    save_reports(institutes)
    return institutes


def save_talents(lookups, rng, institute: Institute, plan: InstitutePlan) -> None:
    people = []  # (person row, role)
    named = Person.objects.filter(name__in=plan.named_talents, organisation__name=plan.partner)
    for person in named:
        people.append((person, TalentRole.INTRODUCED))
    person_rows, roles = [], []
    number = count(1)
    for talent in plan.talents:
        for _ in range(talent.count):
            n = next(number)
            person_rows.append(
                {
                    "name": f"{person_name(rng)}{n:02d}(演示)",
                    "organisation_id": institute.organisation_id,
                    "title_id": lookups.titles[talent.title].pk if talent.title else None,
                    "talent_level_id": lookups.talent_levels[talent.level].pk
                    if talent.level
                    else None,
                    "degree_id": lookups.degrees[talent.degree].pk if talent.degree else None,
                    "position": "办公室工作人员"
                    if talent.role == TalentRole.OFFICE_STAFF
                    else "研究人员",
                    "is_demo": True,
                }
            )
            roles.append(talent.role)
    owned = Person.objects.filter(organisation=institute.organisation, is_demo=True)
    saved = sync_rows(Person, ("name", "organisation_id"), person_rows, owned=owned).objects
    for row, role in zip(person_rows, roles, strict=True):
        people.append((saved[(row["name"], row["organisation_id"])], role))
    start = plan.unveiled_on or plan.signed_on
    rows = []
    for index, (person, role) in enumerate(people):
        joined = min(start + dt.timedelta(days=7 * index), dt.date(2020, 12, 20))
        rows.append(
            {
                "institute_id": institute.pk,
                "person_id": person.pk,
                "role": role,
                "joined_on": joined,
                "is_demo": person.is_demo,
            }
        )
    sync_rows(
        InstituteTalent,
        ("institute_id", "person_id", "role"),
        rows,
        owned=InstituteTalent.objects.filter(institute=institute, is_demo=True),
    )


def save_institute_records(lookups, rng, institute: Institute) -> None:
    clients = list(
        Organisation.objects.enterprises()
        .in_chain(institute.focus_chain.code)
        .order_by("uscc")[:40]
    )
    start = institute.unveiled_on or institute.signed_on
    days = max((dt.date(2020, 12, 31) - start).days, 1)
    rows = []
    data = INSTITUTE_ROWS[institute.code]
    for code, how_many in data["records"].items():
        kind = InstituteRecordKind(code)
        names = RECORD_NAMES.get(kind, ())
        for index in range(how_many):
            partner = clients[index % len(clients)] if clients else None
            on = start + dt.timedelta(days=(index * 37) % days)
            if kind == InstituteRecordKind.GRADUATE_STUDENT:
                name = f"{person_name(rng)}{index + 1:02d}(研究生,演示)"
                on, partner = dt.date(2020, 9, 1), None
            elif index < len(names):
                name = names[index]
            elif kind == InstituteRecordKind.JOINT_LAB and partner:
                name = f"{partner.name.replace('(演示)', '')}联合实验室"
            else:
                label = RECORD_LABELS.get(kind, kind.label)
                name = f"{label} {index + 1:03d}(演示)"
            rows.append(record_row(institute, kind, name, on, partner=partner))
    for project in data["approved_projects"]:
        rows.append(
            record_row(
                institute,
                InstituteRecordKind.APPROVED_PROJECT,
                project["name"],
                dt.date(2020, 7, 1),
                level=project["level"],
                joint_application=project["joint_application"],
            )
        )
    for milestone in data["milestones"]:
        on = d(milestone["on"])
        rows.append(record_row(institute, InstituteRecordKind.MILESTONE, milestone["name"], on))
    sync_rows(
        InstituteRecord,
        ("institute_id", "kind", "name"),
        rows,
        owned=InstituteRecord.objects.filter(institute=institute, is_demo=True),
    )
    projects = []
    for status, how_many in data["incubation"].items():
        for index in range(how_many):
            first = start + dt.timedelta(days=30 + index * 20)
            signed = (
                first + dt.timedelta(days=60) if status != IncubationStatus.NEGOTIATING else None
            )
            landed = signed + dt.timedelta(days=90) if status == IncubationStatus.LANDED else None
            projects.append(
                {
                    "institute_id": institute.pk,
                    "name": f"{institute.focus_chain.name}孵化项目{STAGE[status]}{index + 1:02d}(演示)",
                    "status": status,
                    "field": institute.focus,
                    "started_on": first,
                    "signed_on": signed,
                    "landed_on": landed,
                    "is_demo": True,
                }
            )
    sync_rows(
        IncubationProject,
        ("institute_id", "name"),
        projects,
        owned=IncubationProject.objects.filter(institute=institute, is_demo=True),
    )


def save_reports(institutes: dict[str, Institute]) -> None:
    rows = []
    for code, data in INSTITUTE_ROWS.items():
        for report in data["reports"]:
            year, period = report["year"], report["period"]
            rows.append(
                {
                    "institute_id": institutes[code].pk,
                    "year": year,
                    "period": period,
                    "revenue": Decimal(report["revenue"]),
                    "tech_income": Decimal(report["tech_income"]),
                    "rd_spending": Decimal(report["rd_spending"]),
                    "patents_filed": report["patents_filed"],
                    "patents_granted": report["patents_granted"],
                    "enterprises_served": report["enterprises_served"],
                    "submitted_on": (
                        dt.date(year + 1, 1, 20)
                        if period == ReportPeriod.YEAR
                        else dt.date(year, 7, 15)
                    ),
                    "is_demo": True,
                }
            )
    sync_rows(InstituteReport, ("institute_id", "year", "period"), rows)


def record_row(institute, kind, name, on, partner=None, level="", joint_application=False):
    return {
        "institute_id": institute.pk,
        "kind": kind,
        "name": name,
        "partner_id": partner.pk if partner else None,
        "occurred_on": on,
        "level": level,
        "joint_application": joint_application,
        "is_demo": "(演示)" in name,
    }


# -- incubators ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncubatorPlan:
    code: str
    name: str
    kind: str
    level: str
    town: str | None
    zone: str | None
    incubation_area: Decimal
    tenants: int  # currently incubated at INCUBATORS_AS_OF
    exited: int  # graduated or moved out before
    talents: int
    opened_on: dt.date
    is_demo: bool = True
    off_site_city: str = ""
    address: str = ""
    floors: int | None = None
    building_area: Decimal | None = None
    investment: Decimal | None = None


def incubator_plan(row: dict) -> IncubatorPlan:
    values = {**row, "opened_on": d(row["opened_on"])}
    for key in ("incubation_area", "building_area", "investment"):
        if key in row:
            values[key] = Decimal(row[key])
    return IncubatorPlan(**values)


# The high-tech zone's incubators (14.97万 m², 207 enterprises, 412 talents: seed 003), those
# elsewhere the seeds name, and the development zone's off-site incubator in Shanghai (seed 000).
INCUBATORS = [incubator_plan(row) for row in read("incubators")["incubators"]]


def save_incubators(lookups: Lookups, tenants: list[Organisation], rng: random.Random) -> int:
    rows = []
    for plan in INCUBATORS:
        rows.append(
            {
                "code": plan.code,
                "name": plan.name,
                "kind": plan.kind,
                "level": plan.level,
                "town_id": lookups.towns[plan.town].pk if plan.town else None,
                "zone_id": lookups.zones[plan.zone].pk if plan.zone else None,
                "off_site_city": plan.off_site_city,
                "address": plan.address,
                "floors": plan.floors,
                "building_area_m2": plan.building_area,
                "incubation_area_m2": plan.incubation_area,
                "investment": plan.investment,
                "opened_on": plan.opened_on,
                "is_demo": plan.is_demo,
            }
        )
    saved = sync_rows(Incubator, ("code",), rows).objects
    pool = iter(tenants)
    tenancy_rows, talent_rows = [], []
    for plan in INCUBATORS:
        incubator = saved[(plan.code,)]
        for index in range(plan.tenants + plan.exited):
            enterprise = next(pool)
            entered = plan.opened_on + dt.timedelta(days=(index * 23) % 900)
            entered = min(entered, INCUBATORS_AS_OF - dt.timedelta(days=30))
            exited = None
            if index >= plan.tenants:  # the first ones stay; the rest left before the date
                exited = min(
                    entered + dt.timedelta(days=400), INCUBATORS_AS_OF - dt.timedelta(days=1)
                )
            tenancy_rows.append(
                {
                    "incubator_id": incubator.pk,
                    "enterprise_id": enterprise.pk,
                    "entered_on": entered,
                    "exited_on": exited,
                    "exit_reason": TenancyEnd.GRADUATED if exited else "",
                    "is_demo": True,
                }
            )
        levels = [
            TalentLevel.NATIONAL,
            TalentLevel.PROVINCIAL,
            TalentLevel.JIAXING,
            TalentLevel.PINGHU,
        ]
        for index in range(plan.talents):
            talent_rows.append(
                {
                    "incubator_id": incubator.pk,
                    "name": f"{person_name(rng)}{index + 1:03d}(演示)",
                    "talent_level_id": lookups.talent_levels[levels[index % 4]].pk,
                    "introduced_on": plan.opened_on + dt.timedelta(days=(index * 5) % 700),
                    "is_demo": True,
                }
            )
    incubators = Incubator.objects.filter(code__in=[p.code for p in INCUBATORS])
    sync_rows(
        Tenancy,
        ("incubator_id", "enterprise_id", "entered_on"),
        tenancy_rows,
        owned=Tenancy.objects.filter(incubator__in=incubators, is_demo=True),
    )
    sync_rows(
        IncubatorTalent,
        ("incubator_id", "name"),
        talent_rows,
        owned=IncubatorTalent.objects.filter(incubator__in=incubators, is_demo=True),
    )
    return len(tenancy_rows)


def tenants_needed() -> int:
    return sum(plan.tenants + plan.exited for plan in INCUBATORS)


# -- zones, agriculture, signings, major projects --------------------------------------------

ZONES = read("zones")
ZONE_AWARD = ZONES["award"]
OTHER_AWARDED_ZONES = 14  # “15家高新区荣获” — ours and fourteen elsewhere in the province


def save_zone_evaluations(lookups: Lookups) -> None:
    ours = lookups.zones[HIGH_TECH_ZONE]
    rows = [
        evaluation_row(r["year"], ours, ours.name, r["grade"], r["award"]) for r in ZONES["ours"]
    ]
    for index in range(OTHER_AWARDED_ZONES):
        rows.append(
            evaluation_row(2020, None, f"省级高新区{index + 1:02d}(演示)", "优秀", ZONE_AWARD)
        )
    for index in range(6):
        rows.append(evaluation_row(2020, None, f"省级高新区{index + 21:02d}(演示)", "良好", ""))
    sync_rows(ZoneEvaluation, ("year", "zone_name"), rows)


def evaluation_row(year, zone, name, grade, award):
    return {
        "year": year,
        "zone_id": zone.pk if zone else None,
        "zone_name": name,
        "grade": grade,
        "award": award,
        "document_number": ZONES["document"].format(year=year + 1),
        "is_demo": zone is None,
    }


AGRICULTURE = read("agriculture")
HIGH_LEVEL_PARTNERS = tuple(AGRICULTURE["high_level_partners"])


def save_agriculture(lookups: Lookups) -> None:
    rows, partners = [], {}
    for index, partner in enumerate(HIGH_LEVEL_PARTNERS):
        name = f"平湖—{partner}现代农业技术创新开发平台(演示)"
        rows.append(agri_row(name, AgriPlatformKind.HIGH_LEVEL, dt.date(2019 + index // 2, 5, 1)))
        partners[name] = lookups.org(partner)
    for index, platform in enumerate(AGRICULTURE["platforms_2021"]):
        rows.append(agri_row(platform["name"], platform["kind"], dt.date(2021, 3 + index, 10)))
    saved = sync_rows(AgriPlatform, ("name",), rows).objects
    for name, partner in partners.items():
        platform = saved[(name,)]
        if list(platform.partners.all()) != [partner]:
            platform.partners.set([partner])
    sync_rows(
        AcademicianCooperation,
        ("academician",),
        [
            {
                "academician": row["academician"],
                "academy": row["academy"],
                "institution_id": lookups.org(row["institution"]).pk,
                "platform_id": saved[(row["platform"],)].pk if row["platform"] else None,
                "signed_on": d(row["signed_on"]),
                "topic": row["topic"],
                "is_demo": True,
            }
            for row in AGRICULTURE["academicians"]
        ],
    )


def agri_row(name, kind, established_on):
    return {"name": name, "kind": kind, "established_on": established_on, "is_demo": True}


SIGNING = read("signing")  # the event and its projects (investment in 万元)
SIGNING_EVENT = SIGNING["event"]["name"]


def save_signing(lookups: Lookups) -> None:
    plan = SIGNING["event"]
    event = sync_rows(
        SigningEvent,
        ("name",),
        [
            {
                "name": plan["name"],
                "held_on": d(plan["held_on"]),
                "city": plan["city"],
                "place": plan["place"],
                "incubator_id": Incubator.objects.get(code=plan["incubator"]).pk,
            }
        ],
    ).objects[(SIGNING_EVENT,)]
    rows = [
        {
            "event_id": event.pk,
            "name": project["name"],
            "field_id": lookups.fields[project["field"]].pk,
            "origin_id": lookups.origins[project["origin"]].pk,
            "investment": Decimal(project["investment"]),
            "is_demo": True,
        }
        for project in SIGNING["projects"]
    ]
    sync_rows(SignedProject, ("event_id", "name"), rows, owned=event.projects.filter(is_demo=True))


MAJOR_PROJECTS = read("major_projects")["projects"]  # investment and output in 万元


def save_major_projects(lookups: Lookups) -> None:
    for plan in MAJOR_PROJECTS:
        project = sync_rows(
            MajorProject,
            ("code",),
            [
                {
                    "code": plan["code"],
                    "name": plan["name"],
                    "chain_id": lookups.chains[plan["chain"]].pk,
                    "town_id": lookups.towns[plan["town"]].pk,
                    "landed_on": d(plan["landed_on"]),
                    "investment": Decimal(plan["investment"]),
                    "capacity": Decimal(plan["capacity"]),
                    "capacity_unit": plan["capacity_unit"],
                    "output_at_capacity": Decimal(plan["output_at_capacity"]),
                }
            ],
        ).objects[(plan["code"],)]
        sync_rows(
            MajorProjectStage,
            ("project_id", "name"),
            [
                {
                    "project_id": project.pk,
                    "name": stage["name"],
                    "planned_on": d(stage["planned_on"]),
                    "done_on": d(stage["done_on"]),
                }
                for stage in plan["stages"]
            ],
            owned=project.stages.filter(created_by__isnull=True),
        )


# -- entry point ----------------------------------------------------------------------------


def check_targets() -> None:
    """The data files give the published figures that the targets at the top state."""
    zjut, sjtu = INSTITUTE_ROWS["zjut"], INSTITUTE_ROWS["sjtu"]
    staff = [t for t in sjtu["talents"] if t["role"] == TalentRole.OFFICE_STAFF]
    zone = [plan for plan in INCUBATORS if plan.zone == HIGH_TECH_ZONE]
    given = {
        "ZJUT_SERVICES": (zjut["records"][InstituteRecordKind.SERVICE], ZJUT_SERVICES),
        "ZJUT_CONTRACTS": (zjut["records"][InstituteRecordKind.CONTRACT], ZJUT_CONTRACTS),
        "SJTU_SERVICES": (sjtu["records"][InstituteRecordKind.SERVICE], SJTU_SERVICES),
        "SJTU_STAFF": (sum(t["count"] for t in staff), SJTU_STAFF),
        "ZONE_TENANTS": (sum(plan.tenants for plan in zone), ZONE_TENANTS),
        "ZONE_TALENTS": (sum(plan.talents for plan in zone), ZONE_TALENTS),
    }
    wrong = {name: pair for name, pair in given.items() if pair[0] != pair[1]}
    if wrong:
        raise ValueError(
            f"data/demo_*.json give other figures than the targets (data, target): {wrong}"
        )


def load(stdout) -> None:
    check_targets()
    lookups = Lookups()
    rng = random.Random(2021)
    tenants = tenants_needed()
    synthetic = ensure_enterprises(lookups, tenants + 120)
    owned = {o.pk for o in synthetic}
    certifications = RDPlanner(lookups, synthetic[tenants:], owned).plan()
    rd = save_rd(lookups, certifications)
    institutes = save_institutes(lookups, rng)
    tenancies = save_incubators(lookups, synthetic[:tenants], rng)
    save_zone_evaluations(lookups)
    save_agriculture(lookups)
    save_signing(lookups)
    save_major_projects(lookups)
    stdout.write(
        f"创新平台:研发机构认定 {rd} 条、新型研发机构 {len(institutes)} 家、"
        f"孵化载体 {len(INCUBATORS)} 个(入孵记录 {tenancies} 条)、演示企业 {len(synthetic)} 家"
    )
