"""Registry benchmark: generation, Excel import, and list latency at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kechuang_bench python bench/registry.py
    python bench/registry.py --enterprises 20000 --import-rows 10000 --requests 30

It writes into the configured database (creating a PostgreSQL database if it is missing; use a
fresh one for comparable figures, since every run imports another M enterprises):
N generated enterprises with two years of figures and qualifications (bulk-inserted, as a
restore would be — not audited), then timed requests to the enterprise list page and the list
API with a filter and a search term, then an Excel import of M new enterprises through the real
import path (check + commit, audited). It prints one line per figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
os.environ.setdefault("KECHUANG_MODE", "demo")
os.environ["KECHUANG_DEBUG"] = "0"  # DEBUG keeps every query in memory: not what production does

BENCH_PREFIX = "基准企业"
SEED_BASE = 60_000_000
IMPORT_SEED_BASE = 80_000_000


def ensure_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if exists.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def setup_django() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)


def generate(n: int, rng: random.Random) -> float:
    """Bulk-insert n enterprises with 2019 and 2020 figures and qualifications; rows/s."""
    from django.db import transaction

    from kechuang.core.enums import CodeList
    from kechuang.core.models import CodeItem
    from kechuang.registry.domain.uscc import make_uscc
    from kechuang.registry.enums import OrganisationKind
    from kechuang.registry.models import EnterpriseYear, Organisation, Qualification, Town

    have = Organisation.objects.filter(name__startswith=BENCH_PREFIX, is_demo=True).count()
    if have >= n:
        print(f"generate: {have} bench enterprises already present, reused")
        return float("nan")
    towns = list(Town.objects.exclude(level="city"))
    industries = list(CodeItem.objects.of(CodeList.INDUSTRY_CLASS).filter(parent__isnull=False))
    chains = list(CodeItem.objects.of(CodeList.INDUSTRY_CHAIN))
    kinds = list(CodeItem.objects.of(CodeList.QUALIFICATION_KIND))
    through = Organisation.chains.through
    words = ["科技", "材料", "电子", "智能", "装备", "新能源", "光电", "精密", "生物", "数码"]
    started = time.perf_counter()
    chunk = 5000
    for start in range(have, n, chunk):
        stop = min(n, start + chunk)
        with transaction.atomic():
            orgs = Organisation.objects.bulk_create(
                [
                    Organisation(
                        kind=OrganisationKind.ENTERPRISE,
                        uscc=make_uscc(SEED_BASE + i),
                        name=f"{BENCH_PREFIX}{i:07d}{rng.choice(words)}{rng.choice(words)}有限公司",
                        town=rng.choice(towns),
                        industry=rng.choice(industries),
                        founded_on=dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(12000)),
                        address=f"平湖市某路{i % 999}号",
                        is_demo=True,
                    )
                    for i in range(start, stop)
                ],
                batch_size=chunk,
            )
            through.objects.bulk_create(
                [through(organisation_id=o.pk, codeitem_id=rng.choice(chains).pk) for o in orgs],
                batch_size=chunk,
            )
            years = []
            for org in orgs:
                output = Decimal(rng.randrange(100, 500000)) / 10
                for year in (2019, 2020):
                    years.append(
                        EnterpriseYear(
                            organisation_id=org.pk,
                            year=year,
                            output_value=output,
                            revenue=output,
                            employees=rng.randrange(5, 800),
                            above_scale=output >= 2000,
                        )
                    )
            EnterpriseYear.objects.bulk_create(years, batch_size=chunk)
            Qualification.objects.bulk_create(
                [
                    Qualification(
                        organisation_id=org.pk,
                        kind=rng.choice(kinds),
                        number=f"B{org.pk}",
                        valid_from=dt.date(2018 + org.pk % 4, 1, 1),
                        valid_until=dt.date(2020 + org.pk % 4, 12, 31),
                    )
                    for org in orgs
                    if org.pk % 3 == 0
                ],
                batch_size=chunk,
            )
    elapsed = time.perf_counter() - started
    return (n - have) / elapsed


def excel_import(rows: int, rng: random.Random, run: int | None = None) -> tuple[float, ...]:
    """Import `rows` enterprises from an Excel file: (check rows/s, commit rows/s, total).

    A new `run` number gives new enterprises; the same one again updates them (new figures).
    """
    import xlsxwriter

    from kechuang.accounts.models import User
    from kechuang.core.domain import imports
    from kechuang.core.enums import ImportStatus
    from kechuang.core.models import ImportJob
    from kechuang.registry.domain.uscc import make_uscc
    from kechuang.registry.interfaces.columns import ORGANISATION_COLUMNS
    from kechuang.registry.models import Town

    run = int(time.time()) % 100 if run is None else run
    base = IMPORT_SEED_BASE + run * 100_000
    towns = [t.name for t in Town.objects.exclude(level="city")]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [c.header for c in ORGANISATION_COLUMNS])
    for i in range(rows):
        values = {
            "uscc": make_uscc(base + i),
            "name": f"导入基准{run:03d}-{i:06d}有限公司",
            "town": rng.choice(towns),
            "chains": "新材料",
            "year": 2020,
            "output_value": rng.randrange(100, 90000),
            "employees": rng.randrange(5, 500),
            "above_scale": "否",
        }
        sheet.write_row(i + 1, 0, [values.get(c.field, "") for c in ORGANISATION_COLUMNS])
    book.close()
    stored = imports.storage_dir() / f"bench-{run}-{rng.random():.6f}.xlsx"
    stored.write_bytes(buffer.getvalue())
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-admin", "", "Bench-pass-2026!"
    )
    job = ImportJob.objects.create(
        importer="registry.organisation",
        created_by=admin,
        file=stored.name,
        original_name="bench.xlsx",
    )
    started = time.perf_counter()
    imports.check(job)
    checked = time.perf_counter()
    assert job.status == ImportStatus.READY, (job.message, job.errors[:3])
    imports.commit(job)
    done = time.perf_counter()
    assert job.status == ImportStatus.DONE, job.message
    return rows / (checked - started), rows / (done - checked), rows / (done - started), run


def vacuum() -> None:
    """Refresh statistics and visibility after bulk writes, as autovacuum would shortly."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def latency(requests: int) -> dict[str, tuple[float, float]]:
    from django.test import Client

    from kechuang.accounts.enums import DataScope
    from kechuang.accounts.models import Role, User
    from kechuang.registry.domain.uscc import make_uscc
    from kechuang.registry.models import Town

    user, _ = User.objects.get_or_create(username="bench-staff", defaults={"kind": "staff"})
    role = Role.objects.filter(data_scope=DataScope.ALL, code="staff").first()
    user.roles.set([role])
    town = Town.objects.get(name="乍浦镇")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    urls = {
        "list page  (town + search)": f"/registry/organisations/?kind=enterprise&town={town.code}&q=材料",
        "list page  (search by code)": f"/registry/organisations/?q={make_uscc(SEED_BASE + 4754)[:14]}",
        "list API   (town + search)": f"/api/v1/organisations/?kind=enterprise&town={town.code}&q=材料",
        "list page  (no filter)": "/registry/organisations/?kind=enterprise",
    }
    results = {}
    for label, url in urls.items():
        for _ in range(3):
            assert client.get(url).status_code == 200
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
        results[label] = (statistics.median(timings), p95)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    rng = random.Random(4754)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    rate = generate(args.enterprises, rng)
    if rate == rate:  # not NaN
        print(f"generate: {args.enterprises} enterprises, {rate:,.0f} rows/s")
    from kechuang.registry.models import Organisation

    vacuum()
    print(f"enterprises in database: {Organisation.objects.count():,}")
    for label, (median, p95) in latency(args.requests).items():
        print(f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms ({args.requests} requests)")
    if args.import_rows:
        check_rate, commit_rate, total, run = excel_import(args.import_rows, rng)
        print(
            f"excel import (new): {args.import_rows} rows, check {check_rate:,.0f} rows/s, "
            f"commit {commit_rate:,.0f} rows/s, overall {total:,.0f} rows/s"
        )
        check_rate, commit_rate, total, _ = excel_import(args.import_rows, rng, run)
        print(
            f"excel re-import (updates): {args.import_rows} rows, check {check_rate:,.0f} rows/s,"
            f" commit {commit_rate:,.0f} rows/s, overall {total:,.0f} rows/s"
        )


if __name__ == "__main__":
    main()
