"""Earthquake-prevention benchmark: the figures computed from records, at province scale.

    python bench/seismic.py                       # 200,000 projects, 1,000,000 inspections
    python bench/seismic.py --scale 0.01          # a quick run
    python bench/seismic.py --keep                # keep the database for EXPLAIN ANALYZE
    python bench/seismic.py --reuse --runs 20     # time again on the kept database

It works in its own PostgreSQL database (``--database``, default kechuang_bench_seismic, on
the server of DATABASE_URL or postgres://postgres@127.0.0.1:5432): it drops and creates it,
migrates, loads the reference data, then generates with COPY (fixed random seed), as
bench/indicators.py does (secondary indexes built after the load, foreign-key triggers off):

- towns up to ``--towns`` (the city's own and generated ones), each with a zonation setting
  whose basic PGA varies from 0.05g to 0.40g;
- construction projects of every kind and building use (hospitals with their grade, a few
  medical buildings without it, a few declared classes);
- inspections over five years, most designs meeting what the pure rules module
  (``domain/fortification.py``) requires at the project's town, some one class or one degree
  below;
- emergency shelters with their effective area.

After ``VACUUM ANALYZE`` it checks the SQL flag against the pure module on a sample, then times
(a warm-up, then ``--runs`` runs; median and p95):

1. the count of flagged inspections in the year (``Inspection.objects.in_year().flagged()``);
2. the same by town;
3. the inspections indicator (by project kind, finding, rectification) through the indicator
   engine, and the flagged-inspections indicator;
4. the first page of the inspection list (50 rows, newest first) with its flag, as the list view
   queries it, and the same page requested through Django's test client (a bureau staff user
   with the "all data" scope, full middleware and template rendering);
5. shelter capacity by town, as a query and as the shelter-capacity indicator;
6. an edit of one town's zonation (a versioned, audited save) and the recount of its flagged
   inspections: the flag follows the new PGA at once, and the edit writes only the zonation row
   and its audit event — nothing stored about the inspections needs recomputing.

It prints the machine, the commit measured and whether the flag compares the designed class,
then one table row per figure, and drops the database (unless ``--keep``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
os.environ.setdefault("KECHUANG_MODE", "demo")
os.environ["KECHUANG_DEBUG"] = "0"  # DEBUG keeps every query in memory: not what production does


def _shared():
    """The database and COPY helpers of bench/indicators.py (one copy of them)."""
    spec = importlib.util.spec_from_file_location(
        "bench_indicators", Path(__file__).with_name("indicators.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


shared = _shared()

SEED = 20261202
YEAR = 2025
FIRST_YEAR = YEAR - 4
PAGE = 50
SIZES = {"projects": 200_000, "inspections": 1_000_000, "shelters": 10_000}
# Basic PGA of the towns (GB 18306-2015 values) and how many towns get each, in proportion.
PGA_WEIGHTS = {"0.05": 30, "0.10": 25, "0.15": 15, "0.20": 15, "0.30": 10, "0.40": 5}
KIND_WEIGHTS = {
    "school": 8,
    "kindergarten": 5,
    "hospital": 5,
    "high_rise": 15,
    "major_project": 7,
    "rural_housing": 30,
    "other": 30,
}
SCHOOL_USES = {"teaching": 50, "dormitory": 20, "canteen": 15, "other": 15}
HOSPITAL_USES = {"outpatient": 30, "medical_technology": 20, "inpatient": 30, "other": 20}
MEDICAL_USES = ("outpatient", "medical_technology", "inpatient")


def sizes_for(scale: float) -> dict[str, int]:
    return {key: max(10, round(full * scale)) for key, full in SIZES.items()}


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# -- the machine and the code measured -----------------------------------------------------------


def machine() -> list[str]:
    from django.db import connection

    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = next(
        int(line.split()[1]) / 1024 / 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        settings = []
        for name in ("work_mem", "shared_buffers", "jit"):
            cursor.execute(f"SHOW {name}")
            settings.append(f"{name} {cursor.fetchone()[0]}")
    import django

    return [
        f"machine: {cpu}, {os.cpu_count()} cores, {memory:.0f} GiB",
        f"system: {platform.platform()}; Python {platform.python_version()}; "
        f"Django {django.get_version()}",
        f"PostgreSQL {version} ({', '.join(settings)})",
    ]


def code_measured() -> str:
    def git(*args):
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    head = git("log", "-1", "--format=%h %s")
    dirty = git("status", "--porcelain", "--", "kechuang/seismic", "kechuang/indicators")
    changed = len(dirty.splitlines()) if dirty else 0
    note = f" + {changed} uncommitted files in kechuang/seismic" if changed else ""
    return f"commit {head[:90]}{note}"


def flag_compares_class() -> bool:
    """Whether the SQL flag compares the designed class (not only the measures intensity)."""
    from kechuang.seismic.models import Inspection

    sql = str(Inspection.objects.flagged().values("pk").query)
    return '"designed_class" IN' in sql


# -- generating ----------------------------------------------------------------------------------


class Generator:
    def __init__(self, sizes: dict[str, int], towns: int, rng: random.Random):
        self.sizes, self.town_count, self.rng = sizes, towns, rng
        self.counts: dict[str, int] = {}

    def write(self, label: str, model, columns: str, rows) -> None:
        started = time.perf_counter()
        count = shared.copy_rows(model, columns, rows)
        self.counts[label] = count
        print(f"  {label}: {count:,} rows in {time.perf_counter() - started:.1f} s", flush=True)

    def run(self) -> None:
        from kechuang.seismic.models import ConstructionProject, Inspection, Shelter

        self.towns_and_zonation()
        models = [ConstructionProject, Inspection, Shelter]
        with shared.loading([m._meta.db_table for m in models]):
            self.projects()
            self.inspections()
            self.shelters()
        shared.reset_sequences(models)

    def towns_and_zonation(self) -> None:
        """Towns up to the count asked (the city's own first), each with a zonation setting;
        PGA values spread over the towns in the proportions of PGA_WEIGHTS."""
        from kechuang.registry.enums import TownLevel
        from kechuang.registry.models import Town
        from kechuang.seismic.models import TownZonation

        city = Town.objects.filter(level=TownLevel.CITY).first()
        have = Town.objects.exclude(level=TownLevel.CITY).count()
        Town.objects.bulk_create(
            [
                Town(
                    code=f"3399{i:08d}",
                    name=f"基准镇{i:03d}",
                    level=TownLevel.TOWN,
                    parent=city,
                )
                for i in range(have, self.town_count)
            ]
        )
        towns = list(Town.objects.exclude(level=TownLevel.CITY).order_by("code"))
        total = sum(PGA_WEIGHTS.values())
        pgas = [
            Decimal(value)
            for value, weight in PGA_WEIGHTS.items()
            for _ in range(round(weight * len(towns) / total) or 1)
        ]
        self.rng.shuffle(pgas)
        self.town_pga = {}
        for index, town in enumerate(towns):
            pga = pgas[index % len(pgas)]
            TownZonation.objects.update_or_create(town=town, defaults={"pga": pga})
            self.town_pga[town.pk] = pga
        self.towns = list(self.town_pga)
        self.counts["towns (with a zonation setting)"] = len(towns)
        print(f"  towns: {len(towns)} with a zonation setting", flush=True)

    def projects(self) -> None:
        from kechuang.seismic.domain import fortification as fx
        from kechuang.seismic.models import ConstructionProject

        rng, n = self.rng, self.sizes["projects"]
        first = shared.next_id(ConstructionProject)
        self.project_ids = range(first, first + n)
        # pk → (required class, required measures intensity), None when the rules decide none
        self.requirement: dict[int, tuple | None] = {}
        cache: dict[tuple, tuple | None] = {}

        def requirement_of(kind, use, grade, declared, pga):
            key = (kind, use, grade, declared, pga)
            if key not in cache:
                try:
                    cls = fx.required_class(kind, use, grade or None, declared or None)
                except fx.MissingHospitalGradeError:
                    cache[key] = None
                else:
                    measures = fx.required_measures(cls.fortification_class, pga)
                    cache[key] = (cls.fortification_class, measures.measures_intensity)
            return cache[key]

        def rows():
            for i, pk in enumerate(self.project_ids):
                kind = weighted(rng, KIND_WEIGHTS)
                grade = ""
                if kind in ("school", "kindergarten"):
                    use = weighted(rng, SCHOOL_USES)
                elif kind == "hospital":
                    use = weighted(rng, HOSPITAL_USES)
                    if use not in MEDICAL_USES or rng.random() >= 0.03:  # 3 % lack the grade
                        grade = rng.choice("123")
                else:
                    use = "other"
                draw = rng.random()
                declared = "a" if draw < 0.01 else "b" if draw < 0.03 else ""
                town = rng.choice(self.towns)
                self.requirement[pk] = requirement_of(
                    kind, use, grade, declared, self.town_pga[town]
                )
                year = rng.randrange(FIRST_YEAR - 2, YEAR + 1)
                started = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
                yield (
                    pk,
                    f"基准工程{i:06d}",
                    f"业主单位{i % 5000:04d}",
                    town,
                    f"某路{i % 999}号",
                    kind,
                    use,
                    grade,
                    declared,
                    started,
                    year,
                    rng.randrange(1, 33),
                    True,
                )

        self.write(
            "construction projects",
            ConstructionProject,
            "id name owner_name town_id address kind building_use hospital_grade"
            " declared_class started_on start_year floors is_demo",
            rows(),
        )

    def inspections(self) -> None:
        from kechuang.seismic.domain import fortification as fx
        from kechuang.seismic.models import Inspection

        rng, n = self.rng, self.sizes["inspections"]
        classes = [c.code for c in fx.FortificationClass]  # strictest first
        first_day, last_day = dt.date(FIRST_YEAR, 1, 1), dt.date(YEAR, 12, 31)
        span = (last_day - first_day).days + 1
        inspectors = ["张伟", "王芳", "李强", "刘洋", "陈静", "杨帆", "赵磊", "周敏"]

        def design(required):
            """A design meeting the requirement most of the time: 6 % one class below, 7 % one
            degree below, a few stricter."""
            if required is None:  # no requirement known: any design
                return rng.choice("bc"), rng.randrange(6, 9)
            cls, measures = required
            index = classes.index(cls.code)
            draw = rng.random()
            if draw < 0.06 and index + 1 < len(classes):
                index += 1
            elif draw > 0.97 and index > 0:
                index -= 1
            draw = rng.random()
            if draw < 0.07 and measures > fx.MIN_INTENSITY:
                measures -= 1
            elif draw > 0.95 and measures < fx.MAX_INTENSITY:
                measures += 1
            return classes[index], measures

        def rows():
            for _ in range(n):
                project = rng.choice(self.project_ids)
                inspected = first_day + dt.timedelta(days=rng.randrange(span))
                designed_class, measures = design(self.requirement[project])
                draw = rng.random()
                finding = (
                    "compliant"
                    if draw < 0.8
                    else "minor_issues"
                    if draw < 0.93
                    else "below_requirement"
                    if draw < 0.98
                    else "other"
                )
                required = finding != "compliant" and rng.random() < 0.6
                due = inspected + dt.timedelta(days=rng.randrange(15, 120)) if required else None
                rectified = None
                if required and rng.random() < 0.6:
                    rectified = inspected + dt.timedelta(days=rng.randrange(5, 200))
                yield (
                    project,
                    inspected,
                    "、".join(rng.sample(inspectors, 2)),
                    designed_class,
                    measures,
                    finding,
                    required,
                    due,
                    rectified,
                    True,
                )

        self.write(
            "inspections",
            Inspection,
            "project_id inspected_on inspectors designed_class designed_measures_intensity"
            " finding rectification_required rectification_due rectified_on is_demo",
            rows(),
        )

    def shelters(self) -> None:
        from kechuang.seismic.models import Shelter

        rng = self.rng

        def rows():
            for i in range(self.sizes["shelters"]):
                yield (
                    f"基准避难场所{i:05d}",
                    rng.choice(self.towns),
                    rng.choice("1233"),
                    f"{rng.lognormvariate(8, 1.2) + 50:.2f}",
                    rng.randrange(2005, YEAR + 2) if rng.random() < 0.95 else None,
                    True,
                )

        self.write(
            "shelters",
            Shelter,
            "name town_id shelter_class effective_area opened_year is_demo",
            rows(),
        )


# -- checking and timing -------------------------------------------------------------------------


def check_sample(size: int) -> tuple[int, int]:
    """The SQL flag of ``size`` random inspections of the year against the pure module's
    ``evaluate`` (with the designed class when the SQL compares it). Returns (checked, flagged);
    raises on the first disagreement."""
    from kechuang.seismic.domain import fortification as fx
    from kechuang.seismic.domain import requirement
    from kechuang.seismic.models import Inspection

    with_class = flag_compares_class()
    rows = (
        Inspection.objects.in_year(YEAR)
        .with_requirement()
        .order_by("?")
        .values(
            "pk",
            "designed_class",
            "designed_measures_intensity",
            "project__kind",
            "project__building_use",
            "project__hospital_grade",
            "project__declared_class",
            "project__town__zonation__pga",
            requirement.BELOW,
        )[:size]
    )
    checked = flagged = 0
    for row in rows:
        try:
            expected = fx.evaluate(
                row["project__kind"],
                row["project__building_use"],
                row["project__town__zonation__pga"],
                row["designed_measures_intensity"],
                hospital_grade=row["project__hospital_grade"] or None,
                declared=row["project__declared_class"] or None,
                designed_class=row["designed_class"] if with_class else None,
            ).below_requirement
        except fx.MissingHospitalGradeError:
            expected = None
        got = row[requirement.BELOW]
        if got != expected:
            raise AssertionError(f"inspection {row['pk']}: SQL says {got}, the rules {expected}")
        checked += 1
        flagged += bool(got)
    return checked, flagged


def timed(function, runs: int):
    """(value of the warm-up, median ms, p95 ms, queries of one run)."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        value = function()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return value, statistics.median(timings), shared.percentile(timings, 0.95), len(queries)


def list_page_queries():
    """What the inspection list view asks for its first page: the total (without the rules),
    50 rows newest first, then those rows with their requirement and flag worked out."""
    from django.test import RequestFactory

    from kechuang.seismic.domain import requirement
    from kechuang.seismic.models import Inspection
    from kechuang.seismic.record_types import InspectionType

    request = RequestFactory().get("/seismic/inspections/")
    request.user = bench_user()

    def queries():
        view = InspectionType.instance.List()
        view.setup(request)
        queryset = (
            view.scoped_queryset().select_related(*view.related).order_by("-inspected_on", "-pk")
        )
        total = queryset.count()
        ids = [row.pk for row in queryset[:PAGE]]
        shown = Inspection.objects.with_requirement().select_related(*view.related).in_bulk(ids)
        return total, sum(1 for pk in ids if getattr(shown[pk], requirement.BELOW))

    return queries


def bench_user():
    """A bureau staff member seeing all data (the lists' reader)."""
    from kechuang.accounts.enums import DataScope
    from kechuang.accounts.models import Role, User

    user, _ = User.objects.get_or_create(username="bench-seismic", defaults={"kind": "staff"})
    user.roles.set([Role.objects.filter(data_scope=DataScope.ALL, code="staff").first()])
    return user


def list_page_client():
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(bench_user())
    url = f"/seismic/inspections/?page_size={PAGE}"

    def request():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert response.content.count(b'data-testid="flag-below"') <= PAGE
        return response.content.count(b'data-testid="flag-below"')

    return request


def zonation_edit(runs: int) -> list[tuple[str, str, str, str, str]]:
    """Edit the busiest 0.05g town's PGA to 0.20g and back, ``runs`` times each way, as the
    zonation form saves it (versioned and audited), and recount its flagged inspections of the
    year after each edit."""
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from kechuang.audit.context import acting_as
    from kechuang.core.domain.concurrency import save_versioned
    from kechuang.seismic.models import Inspection, TownZonation

    low, high = Decimal("0.05"), Decimal("0.20")
    busiest = (
        Inspection.objects.in_year(YEAR)
        .filter(project__town__zonation__pga=low)
        .values("project__town")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    zonation = TownZonation.objects.get(town_id=busiest["project__town"])

    def flagged_in_town():
        return (
            Inspection.objects.in_year(YEAR)
            .flagged()
            .filter(project__town_id=zonation.town_id)
            .count()
        )

    def edit(pga):
        current = TownZonation.objects.get(pk=zonation.pk)
        current.pga = pga
        with acting_as(None, username="bench.seismic"), transaction.atomic():
            save_versioned(current, current.version)

    counts = {low: flagged_in_town()}
    edits, recounts, written = {low: [], high: []}, {low: [], high: []}, set()
    for _ in range(runs):
        for pga in (high, low):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                edit(pga)
                edits[pga].append((time.perf_counter() - started) * 1000)
            for query in queries.captured_queries:
                words = query["sql"].split()
                if words[0] in ("UPDATE", "INSERT", "DELETE"):
                    table = words[2] if words[0] != "UPDATE" else words[1]
                    written.add(f"{words[0]} {table.strip(chr(34))}")
            started = time.perf_counter()
            counts[pga] = flagged_in_town()
            recounts[pga].append((time.perf_counter() - started) * 1000)
    town = zonation.town.name
    inspections = busiest["n"]
    return [
        (
            f"6a. edit {town}'s PGA 0.05g → 0.20g (versioned, audited save)",
            f"writes: {', '.join(sorted(written))}",
            *_spread(edits[high] + edits[low]),
            "",
        ),
        (
            f"6b. recount {town}'s flagged inspections of {YEAR} ({inspections:,}) after the edit",
            f"{counts[low]:,} at 0.05g → {counts[high]:,} at 0.20g",
            *_spread(recounts[high] + recounts[low]),
            "",
        ),
    ]


def _spread(timings: list[float]) -> tuple[str, str]:
    return f"{statistics.median(timings):,.1f}", f"{shared.percentile(timings, 0.95):,.1f}"


def measure(runs: int) -> list[tuple]:
    from django.db.models import Count, Sum

    from kechuang.indicators import engine
    from kechuang.seismic.models import Inspection, Shelter

    as_of = dt.date(YEAR, 12, 31)
    rows = []

    def add(label, function, show=lambda value: f"{value:,}"):
        value, median, p95, queries = timed(function, runs)
        rows.append((label, show(value), f"{median:,.1f}", f"{p95:,.1f}", str(queries)))
        print(f"| {' | '.join(rows[-1])} |", flush=True)

    print("\n| figure | value | median ms | p95 ms | queries |\n|---|--:|--:|--:|--:|")
    add(
        f"1. flagged inspections in {YEAR} (count)",
        lambda: Inspection.objects.in_year(YEAR).flagged().count(),
    )
    add(
        f"2. flagged inspections in {YEAR} by town",
        lambda: list(
            Inspection.objects.in_year(YEAR)
            .flagged()
            .values("project__town__code", "project__town__name")
            .annotate(n=Count("pk"))
            .order_by("project__town__code")
        ),
        lambda value: f"{len(value)} towns, {sum(r['n'] for r in value):,}",
    )
    for indicator_id in ("seismic.inspections", "seismic.flagged_inspections"):
        indicator = engine.get(indicator_id)
        add(
            f"3. indicator `{indicator_id}` for {YEAR} (engine)",
            lambda indicator=indicator: indicator.evaluate(as_of),
            lambda result: f"{result.value:,} ({len(result.breakdown)} parts)",
        )
    add(
        f"4a. inspection list, first page of {PAGE} newest first: the view's queries",
        list_page_queries(),
        lambda value: f"{value[0]:,} rows, {value[1]} flagged on the page",
    )
    add(
        "4b. the same page through the test client (staff, all data; HTML rendered)",
        list_page_client(),
        lambda value: f"{value} flagged on the page",
    )
    add(
        "5a. shelter capacity by town (all shelters, query)",
        lambda: list(
            Shelter.objects.with_capacity()
            .values("town__code")
            .annotate(people=Sum("capacity"))
            .order_by("town__code")
        ),
        lambda value: f"{len(value)} towns, {sum(r['people'] for r in value):,} people",
    )
    capacity = engine.get("seismic.shelter_capacity")
    add(
        "5b. indicator `seismic.shelter_capacity` (by class and town, engine)",
        lambda: capacity.evaluate(as_of),
        lambda result: f"{result.value:,} people ({len(result.breakdown)} keys)",
    )
    for row in zonation_edit(max(3, runs // 2)):
        rows.append(row)
        print(f"| {' | '.join(row)} |", flush=True)
    return rows


def table_sizes() -> list[tuple[str, int]]:
    from kechuang.seismic import models as s

    return [
        ("towns with a zonation setting", s.TownZonation.objects.count()),
        ("construction projects", s.ConstructionProject.objects.count()),
        ("inspections", s.Inspection.objects.count()),
        (f"… in {YEAR}", s.Inspection.objects.in_year(YEAR).count()),
        ("shelters", s.Shelter.objects.count()),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1 = 200,000 projects, 1,000,000 inspections"
    )
    parser.add_argument("--towns", type=int, default=100, help="towns with a zonation setting")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per figure")
    parser.add_argument("--sample", type=int, default=5000, help="flags checked against the rules")
    parser.add_argument("--database", default=f"{shared.DATABASE_PREFIX}_seismic")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="time a database kept by --keep; no generation"
    )
    args = parser.parse_args()
    url = shared.database_url(args.database)
    shared.setup_django(url, fresh=not args.reuse)
    from django.db import connection

    from kechuang.seismic.models import Inspection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    for line in machine():
        print(line)
    print(code_measured())
    print(
        "flag: designed measures intensity below the required one"
        + (" or designed class below the required class" if flag_compares_class() else " only")
    )
    try:
        if args.reuse and Inspection.objects.exists():
            print("generate: reused the kept database")
        else:
            sizes = sizes_for(args.scale)
            print(f"generate (scale {args.scale:g}, seed {SEED}):", flush=True)
            started = time.perf_counter()
            generator = Generator(sizes, args.towns, random.Random(SEED))
            generator.run()
            elapsed = time.perf_counter() - started
            rows = sum(generator.counts.values())
            print(f"generate: {rows:,} rows in {elapsed:.0f} s ({rows / elapsed:,.0f} rows/s)")
            started = time.perf_counter()
            shared.vacuum()
            print(f"VACUUM ANALYZE: {time.perf_counter() - started:.0f} s")
        print("\n| records | count |\n|---|--:|")
        for label, count in table_sizes():
            print(f"| {label} | {count:,} |")
        checked, flagged = check_sample(args.sample)
        print(
            f"\nSQL flag = pure rules (fortification.evaluate) on {checked:,} random inspections"
            f" of {YEAR} ({flagged:,} flagged)"
        )
        print(f"load average before timing: {os.getloadavg()[0]:.1f}")
        measure(args.runs)
        print(f"\neach figure: a warm-up, then {args.runs} runs (6: at least 3 edits each way)")
        print(f"load average after timing: {os.getloadavg()[0]:.1f}")
    finally:
        if not args.keep:
            shared.drop_database(url)
            print(f"dropped database {args.database}")


if __name__ == "__main__":
    main()
