"""Indicator benchmark: the full indicator set for one as-of date, at province scale.

    python bench/indicators.py                      # 1,000,000 enterprises (a few minutes)
    python bench/indicators.py --scale 0.01         # a quick run
    python bench/indicators.py --keep               # keep the database for EXPLAIN ANALYZE
    python bench/indicators.py --reuse --runs 20    # time again on the kept database
    python bench/indicators.py --reuse --only industry --only rd.   # some indicators only

It works in its own PostgreSQL database (``--database``, default kechuang_bench_indicators,
on the server of DATABASE_URL or postgres://postgres@127.0.0.1:5432): it drops and creates
it, migrates, loads the reference data, then generates with COPY (fixed random seed) as a
restore would (secondary indexes built after the load, foreign-key triggers off):

- enterprises with industry chains, two years of figures and qualifications;
- R&D institution certifications over ~70 % as many hosts, at the levels of the R&D level
  code list, some upgraded (ended, with a successor at a higher level), revoked or merged;
- incubators with tenancies (entry and exit dates) and talents;
- new-type R&D institutes with their talents (people), incubation projects, records and
  KPI reports;
- zone evaluations, agricultural platforms, academicians, signings and major projects.

After ``VACUUM ANALYZE`` it times each indicator's ``evaluate`` (no drill: one warm-up, then
``--runs`` runs; median and p95) and the whole set (``engine.evaluate``), prints one table
row per indicator and the targets, and drops the database (unless ``--keep``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
os.environ.setdefault("KECHUANG_MODE", "demo")
os.environ["KECHUANG_DEBUG"] = "0"  # DEBUG keeps every query in memory: not what production does

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE_PREFIX = "kechuang_bench"  # the only databases this script drops
SEED = 20261123
USCC_BASE = 20_000_000
TARGET_ONE_MS = 200
TARGET_ALL_MS = 2000

# Record counts at --scale 1 (a province).
SIZES = {
    "enterprises": 1_000_000,
    "rd_institutions": 100_000,
    "rd_hosts": 70_000,
    "incubators": 2_000,
    "tenancies": 100_000,
    "incubator_talents": 20_000,
    "institutes": 300,
    "partners": 60,
    "talents_per_institute": 40,
    "projects_per_institute": 20,
    "records_per_institute": 100,
    "zone_evaluations_per_year": 80,
    "agri_platforms": 200,
    "academicians": 100,
    "signing_events": 60,
    "signed_projects": 3_000,
    "major_projects": 500,
}
PER_INSTITUTE = {"talents_per_institute", "projects_per_institute", "records_per_institute"}
MINIMUM = {"rd_hosts": 2, "institutes": 3, "partners": 2, "signing_events": 2}


def sizes_for(scale: float) -> dict[str, int]:
    sizes = {}
    for key, full in SIZES.items():
        if key in PER_INSTITUTE or key == "zone_evaluations_per_year":
            sizes[key] = full
        else:
            sizes[key] = max(MINIMUM.get(key, 1), round(full * scale))
    sizes["rd_hosts"] = min(sizes["rd_hosts"], sizes["rd_institutions"], sizes["enterprises"])
    return sizes


# -- the database -------------------------------------------------------------------------------


def database_url(name: str) -> str:
    """The bench database on DATABASE_URL's PostgreSQL server (its database name is ignored)."""
    if not name.startswith(DATABASE_PREFIX):
        sys.exit(f"--database must start with {DATABASE_PREFIX!r}: this script drops it")
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        server = DEFAULT_SERVER
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def server_connection(url: str):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    return psycopg.connect(dbname="postgres", autocommit=True, **params), config["NAME"]


def create_database(url: str, fresh: bool) -> None:
    conn, name = server_connection(url)
    with conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    conn, name = server_connection(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str, fresh: bool) -> None:
    create_database(url, fresh)
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)


# -- writing rows -------------------------------------------------------------------------------


def copy_rows(model, columns: str, rows) -> int:
    """COPY rows (tuples of the columns named, by attname, in ``columns``) into the model's
    table; the other columns take their defaults (``auto_now`` fields the current time).
    Returns the count."""
    from django.db import connection
    from django.utils import timezone

    meta = model._meta
    given = [meta.get_field(name) for name in columns.split()]
    rest = [f for f in meta.concrete_fields if f not in given and not f.primary_key]
    now = timezone.now()
    tail = tuple(
        now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in rest
    )
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in [*given, *rest])
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((*row, *tail))
            count += 1
    return count


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


@contextmanager
def loading(tables: list[str]):
    """Load as a restore does: without foreign-key triggers (the generator keeps references
    valid) and with the secondary indexes built once afterwards. Unique and primary-key
    indexes stay, so duplicates still fail. Without the rights for that, a plain load."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public'"
            " AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
            " WHERE c.conname = i.indexname AND c.contype IN ('p', 'u', 'x'))",
            [tables],
        )
        indexes = cursor.fetchall()
        try:
            cursor.execute("SET session_replication_role = replica")
        except DatabaseError:
            print("  (not a superuser: foreign keys checked while loading)")
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("RESET session_replication_role")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
        print(f"  {len(indexes)} secondary indexes built in {time.perf_counter() - started:.1f} s")


def reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def amount(rng: random.Random, mu: float, sigma: float) -> str:
    """A positive amount with two decimals, log-normally spread (text: COPY parses it)."""
    return f"{rng.lognormvariate(mu, sigma):.2f}"


# -- generating ---------------------------------------------------------------------------------


class Generator:
    def __init__(self, sizes: dict[str, int], as_of: dt.date, rng: random.Random):
        from kechuang.core.enums import CodeList
        from kechuang.core.models import CodeItem
        from kechuang.registry.models import Town, Zone

        self.sizes, self.as_of, self.rng = sizes, as_of, rng
        self.counts: dict[str, int] = {}

        def items(code_list, **filters):
            found = CodeItem.objects.of(code_list).filter(**filters).order_by("sort", "code")
            return list(found.values_list("pk", flat=True))

        self.towns = list(Town.objects.exclude(level="city").values_list("pk", flat=True))
        self.zones = list(Zone.objects.values_list("pk", flat=True))
        self.industries = items(CodeList.INDUSTRY_CLASS, parent__isnull=False)
        self.chains = items(CodeList.INDUSTRY_CHAIN)
        self.qualification_kinds = {
            code: pk
            for code, pk in CodeItem.objects.of(CodeList.QUALIFICATION_KIND).values_list(
                "code", "pk"
            )
        }
        levels = CodeItem.objects.filter(code_list=CodeList.RD_LEVEL, parent__isnull=False)
        self.rd_levels = dict(levels.order_by("sort").values_list("pk", "sort"))
        self.titles = items(CodeList.TITLE)
        self.talent_levels = items(CodeList.TALENT_LEVEL)
        self.degrees = items(CodeList.DEGREE)
        self.signing_fields = items(CodeList.SIGNING_FIELD)
        self.signing_origins = items(CodeList.SIGNING_ORIGIN)
        assert self.towns and self.industries and self.chains and self.rd_levels, (
            "reference data missing: run load_reference"
        )

    def maybe(self, probability: float, values: list):
        return self.rng.choice(values) if self.rng.random() < probability else None

    def write(self, label: str, model, columns, rows) -> None:
        started = time.perf_counter()
        count = copy_rows(model, columns, rows)
        self.counts[label] = self.counts.get(label, 0) + count
        elapsed = time.perf_counter() - started
        print(f"  {label}: {count:,} rows in {elapsed:.1f} s", flush=True)

    def run(self) -> None:
        from django.apps import apps

        models = [
            *apps.get_app_config("registry").get_models(include_auto_created=True),
            *apps.get_app_config("platforms").get_models(include_auto_created=True),
        ]
        with loading([m._meta.db_table for m in models]):
            self.enterprises()
            self.rd_institutions()
            self.incubators()
            self.institutes()
            self.others()
        reset_sequences(models)

    # enterprises ---------------------------------------------------------------------------
    def enterprises(self) -> None:
        from kechuang.registry.domain.uscc import make_uscc
        from kechuang.registry.enums import OrganisationKind, QualificationKind
        from kechuang.registry.models import EnterpriseYear, Organisation, Qualification

        rng, n, year = self.rng, self.sizes["enterprises"], self.as_of.year
        first = next_id(Organisation)
        self.enterprise_ids = range(first, first + n)
        words = ["科技", "材料", "电子", "智能", "装备", "新能源", "光电", "精密", "生物", "数码"]

        def organisations():
            for i, pk in enumerate(self.enterprise_ids):
                yield (
                    pk,
                    OrganisationKind.ENTERPRISE,
                    make_uscc(USCC_BASE + i),
                    f"指标基准企业{i:07d}{rng.choice(words)}{rng.choice(words)}有限公司",
                    rng.choice(self.towns),
                    rng.choice(self.industries),
                    day(rng, dt.date(1985, 1, 1), self.as_of),
                    f"某路{i % 999}号",
                    True,
                )

        self.write(
            "organisations (enterprises)",
            Organisation,
            "id kind uscc name town_id industry_id founded_on address is_demo",
            organisations(),
        )

        def chain_links():
            for pk in self.enterprise_ids:
                draw = rng.random()
                if draw < 0.05:
                    continue  # in no chain
                chains = rng.sample(self.chains, 2 if draw > 0.7 else 1)
                for chain in chains:
                    yield (pk, chain)

        self.write(
            "organisation chains",
            Organisation.chains.through,
            "organisation_id codeitem_id",
            chain_links(),
        )

        def figures():
            for pk in self.enterprise_ids:
                output = rng.lognormvariate(7, 1.5)  # 万元; median ≈ 1,100, a third ≥ 2,000
                for y, reported in ((year - 1, 0.95), (year, 0.92)):
                    if rng.random() >= reported:
                        continue
                    output *= rng.uniform(0.8, 1.3)
                    yield (
                        pk,
                        y,
                        f"{output * rng.uniform(0.9, 1.2):.2f}",
                        f"{output:.2f}",
                        rng.randrange(5, 800),
                        output >= 2000,
                    )

        self.write(
            "enterprise years",
            EnterpriseYear,
            "organisation_id year revenue output_value employees above_scale",
            figures(),
        )

        kinds = [
            (self.qualification_kinds[QualificationKind.NATIONAL_HIGH_TECH], 0.3),
            (self.qualification_kinds[QualificationKind.TECH_SME], 0.5),
            (self.qualification_kinds[QualificationKind.PROVINCIAL_TECH], 0.2),
        ]
        kind_ids, weights = zip(*kinds, strict=True)

        def qualifications():
            for pk in self.enterprise_ids:
                draw = rng.random()
                held = 2 if draw < 0.1 else 1 if draw < 0.45 else 0
                for _ in range(held):
                    valid_from = day(rng, dt.date(year - 5, 1, 1), self.as_of)
                    valid_until = valid_from + dt.timedelta(days=3 * 365 - 1)
                    revoked = None
                    if rng.random() < 0.03:
                        revoked = day(rng, valid_from, valid_until)
                    yield (
                        pk,
                        rng.choices(kind_ids, weights)[0],
                        f"Q{pk}",
                        valid_from.year,
                        valid_from,
                        valid_until,
                        revoked,
                    )

        self.write(
            "qualifications",
            Qualification,
            "organisation_id kind_id number year valid_from valid_until revoked_on",
            qualifications(),
        )

    # R&D institutions ----------------------------------------------------------------------
    def rd_institutions(self) -> None:
        from kechuang.platforms.enums import RDEnd
        from kechuang.platforms.models import RDInstitution

        rng = self.rng
        first = next_id(RDInstitution)
        hosts = rng.sample(self.enterprise_ids, self.sizes["rd_hosts"])
        by_sort = {sort: pk for pk, sort in self.rd_levels.items()}
        sorts = sorted(by_sort)  # 1 highest … 7 lowest
        # First certifications mostly at city levels; upgrades move up.
        start_weights = [2, 5, 10, 3, 10, 25, 45][: len(sorts)]
        records: list[list] = []  # [host, level sort, certified_on, ended_on, reason, successor]
        latest: dict[int, int] = {}

        def add(host, sort, certified_on) -> int:
            records.append([host, sort, certified_on, None, "", None])
            return len(records) - 1

        for host in hosts:
            sort = rng.choices(sorts, start_weights)[0]
            latest[host] = add(host, sort, day(rng, dt.date(2008, 1, 1), self.as_of))
        for _ in range(self.sizes["rd_institutions"] - len(hosts)):
            host = rng.choice(hosts)
            old = records[latest[host]]
            if rng.random() < 0.6 and old[1] > sorts[0]:
                certified_on = old[2] + dt.timedelta(days=rng.randrange(180, 1500))
                new = add(host, rng.choice([s for s in sorts if s < old[1]]), certified_on)
                old[3], old[4], old[5] = certified_on, RDEnd.UPGRADED, first + new
                latest[host] = new
            else:  # a second institution of the same host
                add(host, rng.choice(sorts), day(rng, dt.date(2008, 1, 1), self.as_of))
        for record in records:
            if record[3] is None and rng.random() < 0.04:
                record[3] = record[2] + dt.timedelta(days=rng.randrange(100, 3000))
                record[4] = rng.choice([RDEnd.REVOKED, RDEnd.MERGED])

        def rows():
            for index, (host, sort, certified_on, ended_on, reason, successor) in enumerate(
                records
            ):
                pk = first + index
                yield (
                    pk,
                    host,
                    f"基准研发机构{pk:06d}",
                    by_sort[sort],
                    certified_on.year,
                    certified_on,
                    f"{certified_on.year}年第{rng.randrange(1, 4)}批",
                    ended_on,
                    reason,
                    successor,
                    True,
                )

        self.write(
            "R&D institutions",
            RDInstitution,
            "id host_id name level_id certified_year certified_on batch ended_on end_reason"
            " successor_id is_demo",
            rows(),
        )
        self.counts["R&D hosts"] = len(hosts)

    # incubators ----------------------------------------------------------------------------
    def incubators(self) -> None:
        from kechuang.platforms.enums import IncubatorKind, PlatformLevel, TenancyEnd
        from kechuang.platforms.models import Incubator, IncubatorTalent, Tenancy

        rng, as_of = self.rng, self.as_of
        first = next_id(Incubator)
        n = self.sizes["incubators"]
        incubator_ids = range(first, first + n)

        def incubators():
            for i, pk in enumerate(incubator_ids):
                off_site = rng.random() < 0.08
                opened = day(rng, dt.date(2005, 1, 1), as_of + dt.timedelta(days=365))
                building = rng.uniform(2_000, 80_000)
                yield (
                    pk,
                    f"bench-inc-{i:05d}",
                    f"基准孵化载体{i:05d}",
                    IncubatorKind.OFF_SITE if off_site else rng.choice(IncubatorKind.values[:3]),
                    rng.choice(PlatformLevel.values),
                    None if off_site else rng.choice(self.towns),
                    self.maybe(0.5, self.zones),
                    rng.choice(["上海", "杭州", "深圳"]) if off_site else "",
                    rng.randrange(1, 30),
                    f"{building:.2f}",
                    f"{building * rng.uniform(0.5, 0.9):.2f}",
                    amount(rng, 8, 1),
                    None if rng.random() < 0.05 else opened,
                    True,
                )

        self.write(
            "incubators",
            Incubator,
            "id code name kind level town_id zone_id off_site_city floors building_area_m2"
            " incubation_area_m2 investment opened_on is_demo",
            incubators(),
        )

        def tenancies():
            for _ in range(self.sizes["tenancies"]):
                entered = day(rng, dt.date(2012, 1, 1), as_of)
                exited = None
                if rng.random() < 0.55:
                    exited = entered + dt.timedelta(days=rng.randrange(200, 2500))
                yield (
                    rng.choice(incubator_ids),
                    rng.choice(self.enterprise_ids),
                    entered,
                    exited,
                    rng.choice(TenancyEnd.values) if exited else "",
                )

        self.write(
            "tenancies",
            Tenancy,
            "incubator_id enterprise_id entered_on exited_on exit_reason",
            tenancies(),
        )

        def talents():
            for i in range(self.sizes["incubator_talents"]):
                yield (
                    rng.choice(incubator_ids),
                    f"孵化人才{i:06d}",
                    self.maybe(0.8, self.talent_levels),
                    self.maybe(0.5, self.enterprise_ids),
                    day(rng, dt.date(2012, 1, 1), as_of + dt.timedelta(days=180)),
                )

        self.write(
            "incubator talents",
            IncubatorTalent,
            "incubator_id name talent_level_id enterprise_id introduced_on",
            talents(),
        )

    # new-type R&D institutes ---------------------------------------------------------------
    def institutes(self) -> None:
        from kechuang.platforms.enums import (
            DatePrecision,
            IncubationStatus,
            InstituteRecordKind,
            ProjectLevel,
            ReportPeriod,
            TalentRole,
        )
        from kechuang.platforms.models import (
            IncubationProject,
            Institute,
            InstituteRecord,
            InstituteReport,
            InstituteTalent,
        )
        from kechuang.registry.enums import OrganisationKind
        from kechuang.registry.models import Organisation, Person

        rng, as_of, sizes = self.rng, self.as_of, self.sizes
        n, n_partners = sizes["institutes"], sizes["partners"]
        first = next_id(Organisation)
        partner_ids = range(first, first + n_partners)
        institute_org_ids = range(first + n_partners, first + n_partners + n)

        def organisations():
            for i, pk in enumerate(partner_ids):
                yield pk, OrganisationKind.UNIVERSITY, f"基准合作高校{i:03d}", None, True
            for i, pk in enumerate(institute_org_ids):
                town = rng.choice(self.towns)
                yield pk, OrganisationKind.RESEARCH_ORG, f"基准新型研发机构{i:03d}", town, True

        self.write(
            "organisations (institutes, partners)",
            Organisation,
            "id kind name town_id is_demo",
            organisations(),
        )
        first_institute = next_id(Institute)
        institute_ids = range(first_institute, first_institute + n)

        def institutes():
            for i, (pk, org) in enumerate(zip(institute_ids, institute_org_ids, strict=True)):
                signed = day(rng, dt.date(2015, 1, 1), as_of + dt.timedelta(days=200))
                unveiled = signed + dt.timedelta(days=rng.randrange(30, 400))
                yield (
                    pk,
                    f"bench-inst-{i:04d}",
                    org,
                    rng.choice(partner_ids),
                    signed,
                    rng.choice(DatePrecision.values),
                    None if rng.random() < 0.2 else unveiled,
                    rng.choice(DatePrecision.values),
                    rng.choice(self.chains),
                    amount(rng, 8.5, 0.7),
                    True,
                )

        self.write(
            "institutes",
            Institute,
            "id code organisation_id partner_id signed_on signed_precision unveiled_on"
            " unveiled_precision focus_chain_id area_m2 is_demo",
            institutes(),
        )
        per = sizes["talents_per_institute"]
        first_person = next_id(Person)
        person_ids = range(first_person, first_person + n * per)

        def people():
            for pk in person_ids:
                yield (
                    pk,
                    f"基准专家{pk:06d}",
                    self.maybe(0.7, self.titles),
                    self.maybe(0.3, self.talent_levels),
                    self.maybe(0.8, self.degrees),
                    True,
                )

        self.write(
            "people",
            Person,
            "id name title_id talent_level_id degree_id is_demo",
            people(),
        )
        roles = [TalentRole.INTRODUCED, TalentRole.ENGAGED, TalentRole.OFFICE_STAFF]

        def talents():
            for index, person in enumerate(person_ids):
                joined = day(rng, dt.date(2015, 1, 1), as_of + dt.timedelta(days=200))
                left = None
                if rng.random() < 0.2:
                    left = joined + dt.timedelta(days=rng.randrange(60, 1500))
                role = rng.choices(roles, [6, 3, 2])[0]
                yield institute_ids[index // per], person, role, joined, left, True

        self.write(
            "institute talents",
            InstituteTalent,
            "institute_id person_id role joined_on left_on is_demo",
            talents(),
        )

        def projects():
            for institute in institute_ids:
                for j in range(sizes["projects_per_institute"]):
                    started = day(rng, dt.date(2016, 1, 1), as_of + dt.timedelta(days=200))
                    signed = landed = None
                    if rng.random() < 0.6:
                        signed = started + dt.timedelta(days=rng.randrange(30, 400))
                        if rng.random() < 0.5:
                            landed = signed + dt.timedelta(days=rng.randrange(30, 400))
                    status = (
                        IncubationStatus.WITHDRAWN
                        if rng.random() < 0.05
                        else IncubationStatus.LANDED
                        if landed
                        else IncubationStatus.SIGNED
                        if signed
                        else IncubationStatus.NEGOTIATING
                    )
                    yield (
                        institute,
                        f"孵化项目{institute}-{j:03d}",
                        status,
                        started,
                        signed,
                        landed,
                        True,
                    )

        self.write(
            "incubation projects",
            IncubationProject,
            "institute_id name status started_on signed_on landed_on is_demo",
            projects(),
        )
        kinds = InstituteRecordKind.values
        levels = ProjectLevel.values

        def records():
            for institute in institute_ids:
                for j in range(sizes["records_per_institute"]):
                    kind = rng.choice(kinds)
                    occurred = day(rng, dt.date(2016, 1, 1), as_of + dt.timedelta(days=200))
                    ended = None
                    if rng.random() < 0.2:
                        ended = occurred + dt.timedelta(days=rng.randrange(60, 1500))
                    approved = kind == InstituteRecordKind.APPROVED_PROJECT
                    yield (
                        institute,
                        kind,
                        f"记录{institute}-{j:04d}",
                        occurred,
                        ended,
                        rng.choice(levels) if approved else "",
                        approved and rng.random() < 0.3,
                        amount(rng, 4, 1) if rng.random() < 0.5 else None,
                        True,
                    )

        self.write(
            "institute records",
            InstituteRecord,
            "institute_id kind name occurred_on ended_on level joint_application amount is_demo",
            records(),
        )

        def submitted_on(year, period):
            return dt.date(year + 1, 1, 15) if period == ReportPeriod.YEAR else dt.date(year, 7, 15)

        def reports():
            for institute in institute_ids:
                for year in range(as_of.year - 4, as_of.year + 1):
                    for period in ReportPeriod.values:
                        yield (
                            institute,
                            year,
                            period,
                            amount(rng, 7, 1),
                            amount(rng, 5, 1),
                            amount(rng, 5, 1),
                            rng.randrange(0, 40),
                            rng.randrange(0, 20),
                            rng.randrange(0, 200),
                            submitted_on(year, period),
                            True,
                        )

        self.write(
            "institute KPI reports",
            InstituteReport,
            "institute_id year period revenue tech_income rd_spending patents_filed"
            " patents_granted enterprises_served submitted_on is_demo",
            reports(),
        )

    # zones, agriculture, signings, major projects ------------------------------------------
    def others(self) -> None:
        from kechuang.platforms.enums import AgriPlatformKind
        from kechuang.platforms.models import (
            AcademicianCooperation,
            AgriPlatform,
            MajorProject,
            SignedProject,
            SigningEvent,
            ZoneEvaluation,
        )

        rng, as_of, sizes = self.rng, self.as_of, self.sizes
        awards = ["建设发展突出贡献集体", "创新驱动优秀园区", "进步显著园区"]

        def evaluations():
            for year in range(as_of.year - 4, as_of.year + 1):
                for j in range(sizes["zone_evaluations_per_year"]):
                    zone = self.zones[j] if j < len(self.zones) else None
                    yield (
                        year,
                        zone,
                        f"基准高新区{j:03d}",
                        rng.choice(["A", "B", "C"]),
                        f"{rng.uniform(60, 100):.2f}",
                        rng.choice(awards) if rng.random() < 0.3 else "",
                        True,
                    )

        self.write(
            "zone evaluations",
            ZoneEvaluation,
            "year zone_id zone_name grade score award is_demo",
            evaluations(),
        )
        self.write(
            "agricultural platforms",
            AgriPlatform,
            "name kind host_id established_on is_demo",
            (
                (
                    f"基准农业平台{i:04d}",
                    rng.choice(AgriPlatformKind.values),
                    self.maybe(0.7, self.enterprise_ids),
                    day(rng, dt.date(2010, 1, 1), as_of + dt.timedelta(days=200)),
                    True,
                )
                for i in range(sizes["agri_platforms"])
            ),
        )
        self.write(
            "academician cooperations",
            AcademicianCooperation,
            "academician academy signed_on is_demo",
            (
                (
                    f"院士{i:03d}",
                    rng.choice(["中国科学院", "中国工程院"]),
                    day(rng, dt.date(2010, 1, 1), as_of + dt.timedelta(days=200)),
                    True,
                )
                for i in range(sizes["academicians"])
            ),
        )
        first_event = next_id(SigningEvent)
        event_ids = range(first_event, first_event + sizes["signing_events"])
        self.write(
            "signing events",
            SigningEvent,
            "id name held_on city is_demo",
            (
                (
                    pk,
                    f"基准签约活动{pk:03d}",
                    day(rng, dt.date(as_of.year - 4, 1, 1), as_of),
                    rng.choice(["上海", "杭州", "平湖"]),
                    True,
                )
                for pk in event_ids
            ),
        )
        self.write(
            "signed projects",
            SignedProject,
            "event_id name field_id origin_id investment",
            (
                (
                    rng.choice(event_ids),
                    f"签约项目{i:05d}",
                    rng.choice(self.signing_fields),
                    rng.choice(self.signing_origins),
                    amount(rng, 9, 1.2),
                )
                for i in range(sizes["signed_projects"])
            ),
        )
        self.write(
            "major projects",
            MajorProject,
            "code name chain_id town_id landed_on investment capacity capacity_unit"
            " output_at_capacity is_demo",
            (
                (
                    f"bench-major-{i:04d}",
                    f"基准重大项目{i:04d}",
                    rng.choice(self.chains),
                    rng.choice(self.towns),
                    self.maybe(0.9, [day(rng, dt.date(2012, 1, 1), as_of)]),
                    amount(rng, 11, 1),
                    amount(rng, 6, 1),
                    rng.choice(["台", "吨", "套"]),
                    amount(rng, 11, 1),
                    True,
                )
                for i in range(sizes["major_projects"])
            ),
        )


def vacuum() -> None:
    """Refresh statistics and visibility after bulk writes, as autovacuum would shortly."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def table_sizes() -> list[tuple[str, int]]:
    from kechuang.platforms import models as p
    from kechuang.registry import models as r

    tables = [
        ("enterprises", r.Organisation.objects.enterprises()),
        ("enterprise chain links", r.Organisation.chains.through.objects.all()),
        ("enterprise years", r.EnterpriseYear.objects.all()),
        ("qualifications", r.Qualification.objects.all()),
        ("R&D institutions", p.RDInstitution.objects.all()),
        ("R&D hosts", p.RDInstitution.objects.values("host_id").distinct()),
        ("R&D ended (upgraded, revoked, merged)", p.RDInstitution.objects.exclude(end_reason="")),
        ("incubators", p.Incubator.objects.all()),
        ("tenancies", p.Tenancy.objects.all()),
        ("incubator talents", p.IncubatorTalent.objects.all()),
        ("institutes", p.Institute.objects.all()),
        ("institute talents", p.InstituteTalent.objects.all()),
        ("incubation projects", p.IncubationProject.objects.all()),
        ("institute records", p.InstituteRecord.objects.all()),
        ("institute KPI reports", p.InstituteReport.objects.all()),
        ("zone evaluations", p.ZoneEvaluation.objects.all()),
        ("agricultural platforms", p.AgriPlatform.objects.all()),
        ("signed projects", p.SignedProject.objects.all()),
        ("major projects", p.MajorProject.objects.all()),
    ]
    return [(label, queryset.count()) for label, queryset in tables]


# -- timing -------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def value_text(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else "—"


def time_indicators(as_of: dt.date, runs: int, set_runs: int, only: list[str]) -> bool:
    """Time each indicator, printing its row as soon as it is measured, then the whole set.
    Returns whether every target was met (p95 against the targets)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kechuang.indicators import engine

    indicators = [i for i in engine.all_indicators() if not only or i.id.startswith(tuple(only))]
    width = max(len(indicator.id) for indicator in indicators)
    print(f"\nload average before timing: {os.getloadavg()[0]:.1f}")
    print(
        f"\n| {'indicator':<{width}} | queries | value | median ms | p95 ms | < {TARGET_ONE_MS} ms |"
    )
    print(f"|{'-' * (width + 2)}|--:|--:|--:|--:|:-:|")
    met, medians, slowest = True, [], ("", 0.0)
    for indicator in indicators:
        with CaptureQueriesContext(connection) as queries:
            result = indicator.evaluate(as_of)  # warm-up
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            indicator.evaluate(as_of)
            timings.append((time.perf_counter() - started) * 1000)
        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        ok = p95 < TARGET_ONE_MS
        met &= ok
        medians.append(median)
        slowest = max(slowest, (indicator.id, p95), key=lambda pair: pair[1])
        shown = value_text(engine.to_json(result.value))
        print(
            f"| {indicator.id:<{width}} | {len(queries)} | {shown} | {median:.1f} | {p95:.1f} |"
            f" {'✔' if ok else '✘'} |",
            flush=True,
        )
    ids = [indicator.id for indicator in indicators] if only else None
    engine.evaluate(ids, as_of=as_of)  # warm-up
    whole = []
    for _ in range(set_runs):
        started = time.perf_counter()
        engine.evaluate(ids, as_of=as_of)
        whole.append((time.perf_counter() - started) * 1000)
    print(f"\nindicators: {len(indicators)}, each timed {runs}× after a warm-up")
    print(f"sum of the indicators' medians: {sum(medians):.0f} ms")
    if whole:
        total_median, total_p95 = statistics.median(whole), percentile(whole, 0.95)
        ok = total_p95 < TARGET_ALL_MS
        met &= ok
        print(
            f"{'these indicators' if only else 'whole set'} together (engine.evaluate,"
            f" {set_runs}×): median {total_median:.0f} ms, p95 {total_p95:.0f} ms"
            f" — target < {TARGET_ALL_MS} ms {'✔' if ok else '✘'}"
        )
    print(f"slowest: {slowest[0]} (p95 {slowest[1]:.1f} ms)")
    print(f"load average after timing: {os.getloadavg()[0]:.1f}")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 enterprises")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    parser.add_argument("--runs", type=int, default=10, help="timed runs per indicator")
    parser.add_argument("--set-runs", type=int, default=5, help="timed runs of the whole set")
    parser.add_argument(
        "--only", action="append", default=[], metavar="PREFIX", help="indicator ids to time"
    )
    parser.add_argument("--database", default=f"{DATABASE_PREFIX}_indicators")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="time a database kept by --keep; no generation"
    )
    args = parser.parse_args()
    url = database_url(args.database)
    setup_django(url, fresh=not args.reuse)
    from django.db import connection

    from kechuang.registry.models import Organisation

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"PostgreSQL {connection.cursor().connection.info.server_version}; as of {args.as_of}")
    try:
        if args.reuse and Organisation.objects.exists():
            print("generate: reused the kept database")
        else:
            sizes = sizes_for(args.scale)
            print(f"generate (scale {args.scale:g}, seed {SEED}):", flush=True)
            started = time.perf_counter()
            generator = Generator(sizes, args.as_of, random.Random(SEED))
            generator.run()
            elapsed = time.perf_counter() - started
            rows = sum(generator.counts.values())
            print(f"generate: {rows:,} rows in {elapsed:.0f} s ({rows / elapsed:,.0f} rows/s)")
            started = time.perf_counter()
            vacuum()
            print(f"VACUUM ANALYZE: {time.perf_counter() - started:.0f} s")
        print("\n| records | count |\n|---|--:|")
        for label, count in table_sizes():
            print(f"| {label} | {count:,} |")
        met = time_indicators(args.as_of, args.runs, args.set_runs, args.only)
        print("targets met (p95 of each < 200 ms, whole set < 2 s)" if met else "targets NOT met")
    finally:
        if not args.keep:
            drop_database(url)
            print(f"dropped database {args.database}")


if __name__ == "__main__":
    main()
