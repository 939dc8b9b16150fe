"""Demo data of the registry: Pinghu's organisations, their figures, qualifications and people.

Two kinds of records:

* the organisations and people the seed articles name (``is_demo=False``); their yearly
  figures and certificates are illustrative, the articles do not publish them one by one;
* synthetic enterprises and people (``is_demo=True``, names end in “(演示)”), as many as the
  published figures need: with them, the registry's own queries give exactly the numbers of
  ``seed-facts.yaml`` for ``industry.new_materials`` and ``industry.electronic_info``
  (see ``docs/seed-facts-map.yaml``).

Everything comes from fixed tables — the data files ``data/demo_*.json``: the named
enterprises and institutions, the chains' name words and towns, the certificates' issue dates,
the people — and one seeded ``random.Random``, so every run plans the same records; they are
saved with ``update_or_create`` on natural keys (USCC, organisation and year,
organisation/kind/number, person name and organisation), so a second run changes nothing.
Amounts are ``Decimal`` 万元 with two decimals; where a published sum must come out exactly,
the last amount takes the remainder.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from pathlib import Path

from kechuang.accounts import demo as accounts_demo
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem

from .domain.uscc import make_uscc
from .enums import IndustryChain, OrganisationKind, QualificationKind
from .models import EnterpriseYear, Organisation, Person, Qualification, Town, Zone
from .reference import ETDZ, HIGH_TECH_ZONE

# The tables of the demo are in data/demo_*.json; what is done with them is here.
DATA = Path(__file__).resolve().parent / "data"


def read(name: str) -> dict:
    return json.loads((DATA / f"demo_{name}.json").read_text(encoding="utf-8"))


def d(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


CENT = Decimal("0.01")
YEAR = 2020  # the year the figures of seed 000 describe (“去年”, published early 2021)
PREVIOUS_YEAR = 2019
AS_OF = dt.date(YEAR, 12, 31)
# 规模以上工业企业: annual main-business revenue of 20 million yuan (2000 万元) or more.
ABOVE_SCALE_THRESHOLD = Decimal("2000")
# Synthetic above-scale enterprises get at least this output, so their revenue (at least 96 % of
# output, see year_figures) stays above the threshold.
ABOVE_SCALE_FLOOR = Decimal("2100")

# The published figures (seed-facts.yaml), as the registry must give them.
NEW_MATERIALS_ENTERPRISES = 86  # “80余家”: one concrete number in 81..89
NEW_MATERIALS_ABOVE_SCALE = 45
NEW_MATERIALS_OUTPUT = Decimal("1917900.00")  # 191.79 亿元 in 万元, all new-materials enterprises
NEW_MATERIALS_HIGH_TECH = 31
NEW_MATERIALS_PROVINCIAL_TECH = 32
ELECTRONIC_ABOVE_SCALE = 28
ELECTRONIC_ABOVE_SCALE_OUTPUT = Decimal("1246600.00")  # 124.66 亿元, above-scale ones only
ELECTRONIC_SMALL = 12  # synthetic non-above-scale electronic-information enterprises

PINGHU = "330482"
# The towns of the economic and technological development zone (see registry.reference.TOWNS).
ETDZ_TOWNS = ("钟埭街道", "曹桥街道", "当湖街道")
# Chains whose synthetic enterprises in those towns may also sit in the provincial high-tech zone.
HIGH_TECH_ZONE_CHAINS = (
    IndustryChain.ADVANCED_EQUIPMENT,
    IndustryChain.BIOMEDICINE,
    IndustryChain.AEROSPACE,
)


# Plans: what the registry should hold, built in memory before anything is saved ----------------


@dataclass
class YearPlan:
    year: int
    output_value: Decimal
    revenue: Decimal
    rd_spending: Decimal
    employees: int
    st_staff: int
    above_scale: bool


@dataclass
class QualificationPlan:
    kind: str
    number: str
    year: int
    valid_from: dt.date
    valid_until: dt.date | None
    revoked_on: dt.date | None = None


@dataclass
class OrganisationPlan:
    seed: int
    name: str
    kind: str = OrganisationKind.ENTERPRISE
    division: str | None = None  # GB/T 4754 two-digit division code
    chain: str | None = None
    town: str | None = None
    zones: tuple[str, ...] = ()
    is_demo: bool = False
    former_names: str = ""
    legal_representative: str = ""
    founded_on: dt.date | None = None
    address: str = ""
    registration: tuple[str, str, str] = ("9", "1", PINGHU)  # authority, kind, region
    years: list[YearPlan] = field(default_factory=list)
    qualifications: list[QualificationPlan] = field(default_factory=list)

    @property
    def uscc(self) -> str:
        authority, kind, region = self.registration
        return make_uscc(self.seed, registration_authority=authority, kind=kind, region=region)

    def figures(self, year: int) -> YearPlan | None:
        return next((y for y in self.years if y.year == year), None)


# Named organisations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """An enterprise the seeds name; its 2020 output (万元) and 规上 flag are illustrative."""

    seed: int
    name: str
    division: str
    chain: str | None
    town: str
    output: Decimal | None
    above_scale: bool
    zones: tuple[str, ...] = ()
    high_tech_year: int | None = None  # issue year of the current national high-tech certificate
    new_in_2020: bool = False  # started production in 2020: no 2019 figures


NM, EI = IndustryChain.NEW_MATERIALS, IndustryChain.ELECTRONIC_INFO
ORGANISATION_DATA = read("organisations")


def named(row: dict) -> Named:
    """A row of data/demo_organisations.json's named_enterprises.

    The seeds name them: new materials (seed 000: “独山能源、平湖石化、卫星能源、传化天松、
    高正新材料等成长性新材料企业”); electronic information (seed 000: 微电机集群, 汽车电子,
    物联网与光电智能; 芯越 in the ETDZ; 康达智's lens R&D centre, so it counts among the 28
    above-scale ones); others: 宏利 (汽车橡胶件), 华福医疗器械 (in the high-tech zone, seed
    003), 润泽国际信息港 (data centres operating from 2021: ``output`` null, no 2020 figures).
    """
    output = row["output"]
    return Named(
        **{
            **row,
            "output": Decimal(output) if output is not None else None,
            "zones": tuple(row["zones"]),
        }
    )


NAMED_ENTERPRISES = [named(row) for row in ORGANISATION_DATA["named_enterprises"]]


@dataclass(frozen=True)
class Institution:
    seed: int
    name: str
    kind: str
    division: str
    region: str
    town: str | None = None  # None: outside Pinghu
    former_names: str = ""


# Universities, research organisations, agencies and schools, and the new-type R&D institutes of
# seed 000 (10_100_031..033, their records kept by kechuang.platforms); ``region`` is the
# registering region (330482 Pinghu, 330000 the province, 110000 Beijing, 100000 bodies of
# central government departments).
INSTITUTIONS = [Institution(**row) for row in ORGANISATION_DATA["institutions"]]


# Synthetic enterprises ----------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How synthetic enterprises of a chain look: name words, divisions, towns, seed block."""

    chain: str | None
    seed_base: int
    words: tuple[str, ...]
    divisions: tuple[str, ...]
    towns: tuple[str, ...]
    above: int = 0  # how many above-scale ones (chains without published figures)
    small: int = 0


def profile(row: dict) -> Profile:
    """A row of data/demo_organisations.json's profiles (in the new-materials towns the port's
    chemical parks, 独山港 and 乍浦, take most; chain null: Pinghu's traditional clothing and
    luggage makers, which belong to no chain)."""
    return Profile(
        **{
            **row,
            "words": tuple(row["words"]),
            "divisions": tuple(row["divisions"]),
            "towns": tuple(row["towns"]),
        }
    )


PROFILES = {row["chain"]: profile(row) for row in ORGANISATION_DATA["profiles"]}

# Trade names (字号) of synthetic enterprises: pairs of characters, walked with a stride coprime
# to the number of pairs so neighbours differ; each is used once.
_FIRST = ORGANISATION_DATA["trade_name_first"]
_SECOND = ORGANISATION_DATA["trade_name_second"]
_NAME_PREFIXES = tuple(ORGANISATION_DATA["name_prefixes"])
PEOPLE_DATA = read("people")
SURNAMES = PEOPLE_DATA["surnames"]
GIVEN_NAMES = tuple(PEOPLE_DATA["given_names"])
ROADS = tuple(ORGANISATION_DATA["roads"])


def trade_names():
    pairs = [a + b for a in _FIRST for b in _SECOND]
    for k in range(len(pairs)):
        yield pairs[(k * 7) % len(pairs)]


# Qualifications -----------------------------------------------------------------------------

# Issue dates of the national high-tech enterprise certificates of Zhejiang's batches; a
# certificate is valid for three years from its issue date.
QUALIFICATION_DATA = read("qualifications")
HIGH_TECH_ISSUED = {int(y): d(v) for y, v in QUALIFICATION_DATA["high_tech_issued"].items()}
HIGH_TECH_REVOKED_ON = d(QUALIFICATION_DATA["high_tech_revoked_on"])
# Recognition dates of the provincial science and technology enterprises (no expiry).
PROVINCIAL_TECH_RECOGNISED = {
    int(y): d(v) for y, v in QUALIFICATION_DATA["provincial_tech_recognised"].items()
}

# Which of the 86 new-materials enterprises (named first, then synthetic above-scale, then
# synthetic small ones) hold what. The first 31 hold a high-tech certificate valid at the end of
# 2020 (the named ones, 0-4, through ``high_tech_year`` in their table row); the next ones had
# certificates that do not count then (expired, revoked, issued later).
NM_HIGH_TECH = range(NEW_MATERIALS_HIGH_TECH)
NM_HIGH_TECH_EXPIRED = range(31, 35)  # 2016 certificates, expired in 2019, not renewed
NM_HIGH_TECH_REVOKED = range(35, 36)  # a 2019 certificate revoked on 2020-06-30
NM_HIGH_TECH_LATER = range(36, 39)  # first certificate in 2021
NM_PROVINCIAL_TECH = range(20, 20 + NEW_MATERIALS_PROVINCIAL_TECH)
NM_PROVINCIAL_TECH_LATER = range(52, 54)  # recognised in 2021


class Numbers:
    """Certificate and registration numbers, unique per kind and year, in issue order."""

    def __init__(self):
        self._counters: dict[tuple[str, int], count] = {}

    def next(self, kind: str, year: int) -> str:
        n = next(self._counters.setdefault((kind, year), count(1)))
        match kind:
            case QualificationKind.NATIONAL_HIGH_TECH:
                return f"GR{year}33{1200 + n:06d}"  # e.g. GR201833001201
            case QualificationKind.TECH_SME:
                return f"{year}{PINGHU}A0{n:04d}"  # e.g. 2020330482A00001
            case _:
                return f"ZJKJQ{year}{n:04d}"


def three_years_from(issued: dt.date) -> dt.date:
    return issued.replace(year=issued.year + 3) - dt.timedelta(days=1)


def high_tech(numbers: Numbers, year: int, revoked_on: dt.date | None = None):
    issued = HIGH_TECH_ISSUED[year]
    return QualificationPlan(
        QualificationKind.NATIONAL_HIGH_TECH,
        numbers.next(QualificationKind.NATIONAL_HIGH_TECH, year),
        year,
        issued,
        three_years_from(issued),
        revoked_on,
    )


def provincial_tech(numbers: Numbers, year: int):
    return QualificationPlan(
        QualificationKind.PROVINCIAL_TECH,
        numbers.next(QualificationKind.PROVINCIAL_TECH, year),
        year,
        PROVINCIAL_TECH_RECOGNISED[year],
        None,
    )


def tech_sme(numbers: Numbers, year: int):
    """A 科技型中小企业 registration holds for its calendar year."""
    return QualificationPlan(
        QualificationKind.TECH_SME,
        numbers.next(QualificationKind.TECH_SME, year),
        year,
        dt.date(year, 1, 1),
        dt.date(year, 12, 31),
    )


def current_high_tech_year(index: int) -> int:
    """Certificates valid at the end of 2020 were issued in 2018, 2019 or 2020."""
    return (2018, 2019, 2020)[index % 3]


def new_materials_qualifications(numbers: Numbers, index: int, above: bool):
    plans = []
    if index in NM_HIGH_TECH:
        year = current_high_tech_year(index)
        if year == 2020 and index % 2 == 0:
            # A renewal: the 2017 certificate ran out in November 2020, the new one followed.
            plans.append(high_tech(numbers, 2017))
        plans.append(high_tech(numbers, year))
    elif index in NM_HIGH_TECH_EXPIRED:
        plans.append(high_tech(numbers, 2016))
    elif index in NM_HIGH_TECH_REVOKED:
        plans.append(high_tech(numbers, 2019, revoked_on=HIGH_TECH_REVOKED_ON))
    elif index in NM_HIGH_TECH_LATER:
        plans.append(high_tech(numbers, 2021))
    if index in NM_PROVINCIAL_TECH:
        plans.append(provincial_tech(numbers, 2017 + index % 4))
    elif index in NM_PROVINCIAL_TECH_LATER:
        plans.append(provincial_tech(numbers, 2021))
    if not above:
        plans.extend(small_enterprise_registrations(numbers, index))
    return plans


def small_enterprise_registrations(numbers: Numbers, index: int):
    """科技型中小企业 registrations of a small enterprise: 2020 for half, 2019 for some."""
    plans = []
    if index % 5 == 0:
        plans.append(tech_sme(numbers, PREVIOUS_YEAR))
    if index % 2 == 1:
        plans.append(tech_sme(numbers, YEAR))
    return plans


def other_qualifications(numbers: Numbers, index: int, above: bool):
    """Certificates of enterprises outside the new-materials chain (no published figure)."""
    if not above:
        return small_enterprise_registrations(numbers, index)
    plans = []
    if index % 2 == 0:
        plans.append(high_tech(numbers, current_high_tech_year(index // 2)))
    if index % 5 == 1:
        plans.append(provincial_tech(numbers, 2018 + index % 3))
    return plans


# Figures ------------------------------------------------------------------------------------


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def small_output(rng: random.Random) -> Decimal:
    """Output of an enterprise below designated size: 150 to 1800 万元."""
    return cents(Decimal(rng.randint(15_000, 180_000)) / 100)


def split_total(rng: random.Random, total: Decimal, parts: int, floor: Decimal) -> list[Decimal]:
    """``parts`` skewed amounts of at least ``floor`` that add up to ``total`` exactly."""
    weights = [rng.randint(100, 1000) ** 2 for _ in range(parts)]  # squares: a few large ones
    spare = total - floor * parts
    if spare <= 0:
        raise ValueError(f"{total} cannot be split into {parts} amounts of at least {floor}")
    amounts = [cents(floor + spare * w / sum(weights)) for w in weights[:-1]]
    amounts.append(total - sum(amounts))  # the last one takes the rounding
    return amounts


def year_figures(rng: random.Random, year: int, output: Decimal, above: bool) -> YearPlan:
    revenue = cents(output * rng.randint(96, 110) / 100)
    if not above:
        # Below designated size means revenue under the threshold.
        revenue = min(revenue, ABOVE_SCALE_THRESHOLD - 1)
    rd_per_mille = rng.randint(15, 55) if above else rng.randint(20, 80)
    # Above scale: 80-260 万元 output per head; small firms have a handful of staff.
    employees = max(30, int(output / rng.randint(80, 260))) if above else rng.randint(8, 60)
    return YearPlan(
        year=year,
        output_value=output,
        revenue=revenue,
        rd_spending=cents(revenue * rd_per_mille / 1000),
        employees=employees,
        st_staff=max(2, employees * rng.randint(8, 25) // 100),
        above_scale=above,
    )


def two_years(rng: random.Random, output: Decimal, above: bool, with_2019: bool):
    """2020 figures, and 2019 ones derived from a growth rate (−6 % to +28 %)."""
    years = [year_figures(rng, YEAR, output, above)]
    if with_2019:
        growth = Decimal(100 + rng.randint(-6, 28)) / 100
        earlier = cents(output / growth)
        # An enterprise may have grown into 规上 in 2020.
        years.append(
            year_figures(rng, PREVIOUS_YEAR, earlier, above and earlier >= ABOVE_SCALE_FLOOR)
        )
    return years


# Building the plan --------------------------------------------------------------------------


class Planner:
    """Builds every organisation plan, in one fixed order (the random draws depend on it)."""

    def __init__(self):
        self.rng = random.Random(YEAR)
        self.numbers = Numbers()
        self.trade_names = trade_names()
        self.plans: list[OrganisationPlan] = []

    def build(self) -> list[OrganisationPlan]:
        named = self.named_enterprises()
        self.new_materials([p for p in named if p.chain == NM])
        self.electronic_info([p for p in named if p.chain == EI])
        for profile in PROFILES.values():
            if profile.chain not in (NM, EI):
                self.other_chain(profile)
        self.institutions()
        return self.plans

    def named_enterprises(self) -> list[OrganisationPlan]:
        plans = []
        for n in NAMED_ENTERPRISES:
            plan = OrganisationPlan(
                n.seed, n.name, division=n.division, chain=n.chain, town=n.town, zones=n.zones
            )
            if n.output is not None:
                plan.years = two_years(self.rng, n.output, n.above_scale, not n.new_in_2020)
            if n.high_tech_year:
                plan.qualifications.append(high_tech(self.numbers, n.high_tech_year))
            elif n.new_in_2020 and n.output is not None:
                plan.qualifications.append(tech_sme(self.numbers, YEAR))
            plans.append(plan)
        self.plans.extend(plans)
        return plans

    def synthetic(self, profile: Profile, index: int, output: Decimal, above: bool):
        """One synthetic enterprise of a chain, placed by its index in the chain."""
        town = profile.towns[index % len(profile.towns)]
        zones = []
        if town in ETDZ_TOWNS and index % 2 == 0:
            zones.append(ETDZ)
        if profile.chain in HIGH_TECH_ZONE_CHAINS and town in ETDZ_TOWNS and index % 3 != 2:
            zones.append(HIGH_TECH_ZONE)
        # Above-scale enterprises are older; some small ones were founded in 2020.
        founded_year = self.rng.randint(1995, 2017) if above else self.rng.randint(2005, 2020)
        founded = dt.date(founded_year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        prefix = _NAME_PREFIXES[index % len(_NAME_PREFIXES)]
        word = profile.words[index % len(profile.words)]
        plan = OrganisationPlan(
            seed=profile.seed_base + (0 if above else 500) + index,
            name=f"{prefix}{next(self.trade_names)}{word}有限公司(演示)",
            division=profile.divisions[index % len(profile.divisions)],
            chain=profile.chain,
            town=town,
            zones=tuple(zones),
            is_demo=True,
            legal_representative=self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES),
            founded_on=founded,
            address=f"浙江省平湖市{town}{self.rng.choice(ROADS)}{self.rng.randint(1, 999)}号",
        )
        plan.years = two_years(self.rng, output, above, with_2019=founded_year < YEAR)
        return plan

    def new_materials(self, named: list[OrganisationPlan]) -> None:
        """86 enterprises, 45 above scale, 2020 output 1917900 万元 over all of them."""
        profile = PROFILES[NM]
        above_count = NEW_MATERIALS_ABOVE_SCALE - sum(p.figures(YEAR).above_scale for p in named)
        small_count = NEW_MATERIALS_ENTERPRISES - len(named) - above_count
        small = [small_output(self.rng) for _ in range(small_count)]
        named_output = sum(p.figures(YEAR).output_value for p in named)
        remaining = NEW_MATERIALS_OUTPUT - named_output - sum(small)
        above = split_total(self.rng, remaining, above_count, ABOVE_SCALE_FLOOR)
        chain = list(named)
        for i, output in enumerate(above):
            chain.append(self.synthetic(profile, i, output, True))
        for i, output in enumerate(small):
            chain.append(self.synthetic(profile, i, output, False))
        # Named ones keep the certificate of their table row; the scheme covers the others.
        for index, plan in enumerate(chain):
            if index >= len(named):
                above_scale = plan.figures(YEAR).above_scale
                plan.qualifications = new_materials_qualifications(self.numbers, index, above_scale)
            elif index in NM_PROVINCIAL_TECH:
                plan.qualifications.append(provincial_tech(self.numbers, 2017 + index % 4))
        self.plans.extend(chain[len(named) :])

    def electronic_info(self, named: list[OrganisationPlan]) -> None:
        """28 above-scale enterprises with 2020 output 1246600 万元, plus small ones."""
        profile = PROFILES[EI]
        named_above = [p for p in named if p.figures(YEAR) and p.figures(YEAR).above_scale]
        remaining = ELECTRONIC_ABOVE_SCALE_OUTPUT - sum(
            p.figures(YEAR).output_value for p in named_above
        )
        above_count = ELECTRONIC_ABOVE_SCALE - len(named_above)
        outputs = split_total(self.rng, remaining, above_count, ABOVE_SCALE_FLOOR)
        self.add_synthetic(
            profile, outputs, [small_output(self.rng) for _ in range(ELECTRONIC_SMALL)]
        )

    def other_chain(self, profile: Profile) -> None:
        above = [cents(self.rng.randint(2_500, 60_000)) for _ in range(profile.above)]
        small = [small_output(self.rng) for _ in range(profile.small)]
        self.add_synthetic(profile, above, small)

    def add_synthetic(self, profile: Profile, above: list[Decimal], small: list[Decimal]) -> None:
        for flag, outputs in ((True, above), (False, small)):
            for i, output in enumerate(outputs):
                plan = self.synthetic(profile, i, output, flag)
                plan.qualifications = other_qualifications(self.numbers, i, flag)
                self.plans.append(plan)

    def institutions(self) -> None:
        for inst in INSTITUTIONS:
            self.plans.append(
                OrganisationPlan(
                    inst.seed,
                    inst.name,
                    kind=inst.kind,
                    division=inst.division,
                    town=inst.town,
                    former_names=inst.former_names,
                    # Public institutions (事业单位) are registered by the establishment office.
                    registration=("1", "2", inst.region),
                )
            )


def plan_organisations() -> list[OrganisationPlan]:
    """Every organisation of the demo registry, with figures and qualifications (no database)."""
    return Planner().build()


# People -------------------------------------------------------------------------------------

# (name, organisation, title, talent level, degree, position, field, is_demo); seed 000 names
# 胡庆荣 (“由航天科工二院二十三所所长胡庆荣担任理事长”), the others are synthetic (is_demo).
PEOPLE = [
    (
        row["name"],
        row["organisation"],
        row["title"],
        row["talent_level"],
        row["degree"],
        row["position"],
        row["field"],
        row["is_demo"],
    )
    for row in PEOPLE_DATA["people"]
]


# Saving -------------------------------------------------------------------------------------


class References:
    """The reference rows the demo data points to, looked up once by their stable codes."""

    def __init__(self):
        items = CodeItem.objects.filter(active=True)

        def by_code(code_list, **extra):
            return {i.code: i for i in items.filter(code_list=code_list, **extra)}

        self.industries = by_code(CodeList.INDUSTRY_CLASS, parent__isnull=False)
        self.chains = by_code(CodeList.INDUSTRY_CHAIN)
        self.qualification_kinds = by_code(CodeList.QUALIFICATION_KIND)
        self.titles = by_code(CodeList.TITLE)
        self.talent_levels = by_code(CodeList.TALENT_LEVEL)
        self.degrees = by_code(CodeList.DEGREE)
        self.towns = {t.name: t for t in Town.objects.all()}
        self.zones = {z.code: z for z in Zone.objects.all()}


def save_organisation(plan: OrganisationPlan, refs: References) -> Organisation:
    organisation, _ = Organisation.objects.update_or_create(
        uscc=plan.uscc,
        defaults={
            "kind": plan.kind,
            "name": plan.name,
            "former_names": plan.former_names,
            "legal_representative": plan.legal_representative,
            "founded_on": plan.founded_on,
            "town": refs.towns[plan.town] if plan.town else None,
            "address": plan.address,
            "industry": refs.industries[plan.division] if plan.division else None,
            "is_demo": plan.is_demo,
        },
    )
    organisation.chains.set([refs.chains[plan.chain]] if plan.chain else [])
    organisation.zones.set([refs.zones[code] for code in plan.zones])
    for year in plan.years:
        EnterpriseYear.objects.update_or_create(
            organisation=organisation,
            year=year.year,
            defaults={
                "revenue": year.revenue,
                "output_value": year.output_value,
                "rd_spending": year.rd_spending,
                "employees": year.employees,
                "st_staff": year.st_staff,
                "above_scale": year.above_scale,
            },
        )
    kept = [
        Qualification.objects.update_or_create(
            organisation=organisation,
            kind=refs.qualification_kinds[q.kind],
            number=q.number,
            defaults={
                "year": q.year,
                "valid_from": q.valid_from,
                "valid_until": q.valid_until,
                "revoked_on": q.revoked_on,
            },
        )[0].pk
        for q in plan.qualifications
    ]
    if plan.is_demo:
        # A synthetic enterprise belongs to this loader alone: drop figures and certificates an
        # earlier version of the plan made, so the published figures stay exact.
        organisation.years.exclude(year__in=[y.year for y in plan.years]).delete()
        organisation.qualifications.exclude(pk__in=kept).delete()
    return organisation


def save_people(refs: References, organisations: dict[str, Organisation]) -> int:
    for name, org, title, level, degree, position, field_, is_demo in PEOPLE:
        Person.objects.update_or_create(
            name=name,
            organisation=organisations[org],
            defaults={
                "title": refs.titles[title] if title else None,
                "talent_level": refs.talent_levels[level] if level else None,
                "degree": refs.degrees[degree] if degree else None,
                "position": position,
                "field": field_,
                "is_demo": is_demo,
            },
        )
    return len(PEOPLE)


def save_organisation_accounts(organisations: dict[str, Organisation]) -> int:
    """The enterprise and institution demo accounts, now that their organisations exist."""
    specs = accounts_demo.organisation_accounts()
    for spec in specs:
        accounts_demo.ensure_account(spec, organisation=organisations[spec.organisation])
    return len(specs)


def load(stdout) -> None:
    refs = References()
    plans = plan_organisations()
    organisations = {plan.name: save_organisation(plan, refs) for plan in plans}
    people = save_people(refs, organisations)
    accounts = save_organisation_accounts(organisations)
    synthetic = sum(plan.is_demo for plan in plans)
    years = sum(len(plan.years) for plan in plans)
    qualifications = sum(len(plan.qualifications) for plan in plans)
    stdout.write(
        f"主体库:{len(plans)} 个主体(演示数据 {synthetic} 个)、年度数据 {years} 条、"
        f"资质 {qualifications} 项、人才 {people} 人、企业/机构账号 {accounts} 个"
    )
