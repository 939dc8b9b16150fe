"""Deadline benchmark: 200 applicants submit in the last minute before a call closes, against the
real server (gunicorn, production settings) on PostgreSQL.

    python bench/deadline.py                       # 200 applicants over the last 50 s, 10 late
    python bench/deadline.py --burst               # all 200 at the same instant
    python bench/deadline.py --applicants 50 --duration 20 --window 15   # a quick run
    python bench/deadline.py --workers 2 --threads 8 --keep

It works in its own PostgreSQL database (``--database-url``, default
postgres://postgres@127.0.0.1:5432/kechuang_bench_deadline; the name must start with
``kechuang_bench``): it drops and creates it, runs ``kechuang migrate`` and
``kechuang load_reference``, and sets up through the ORM, as an applicant would have it the day
before: a call (criteria, a review phase, a required question) open for a month, a few bureau
staff (they receive the "to do" notices), and ``--applicants`` + ``--late`` enterprises (valid
credit codes), each with an organisation user of the shipped role "organisation", an API token
and a complete draft application (saved through ``workflow.save_application``).

Then it starts gunicorn (``kechuang.wsgi:application``, gthread workers, KECHUANG_MODE=production)
on a free port, waits until it answers, warms every worker up by having each applicant read its
own draft, and moves the call's closing time to ``--duration`` seconds from now. Each applicant is
a thread with its own connection and token that sends ``POST
/api/v1/projects/applications/{id}/transition/`` ``{"transition": "submit"}`` at a random moment
of the last ``--window`` seconds (at least ``--margin`` seconds before the closing time), or all at
that last moment with ``--burst``; the ``--late`` applicants send theirs just after the closing
time and must be refused (400) with the message that the call has closed.

Afterwards it stops the server and checks the database: every on-time application submitted
exactly once (state, number, ``submitted_at`` before the closing time, one TRANSITION audit event
``{"transition": [null, "submit"], …}``), the numbers unique and consecutive, no 5xx, the late
ones refused and still drafts, and the audit chain intact (``audit.chain.verify``). It prints the
counts, the latencies and the checks, and exits 1 if a check fails (a submission lost or
duplicated above all). The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kechuang_bench_deadline"
DATABASE_PREFIX = "kechuang_bench"  # the only databases this script drops
SEED = 20261123
USCC_BASE = 41_000_000
CALL_CODE = "bench-deadline"
QUESTION = "plan"
LANGUAGE = "zh-hans"
# The server must answer within this; a submission without an answer counts as an error.
CLIENT_TIMEOUT_S = 120


# -- the database -------------------------------------------------------------------------------


def database_name(url: str) -> str:
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("--database-url must be a PostgreSQL URL (postgres://…)")
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith(DATABASE_PREFIX):
        sys.exit(f"the database name must start with {DATABASE_PREFIX!r}: this script drops it")
    return name


def server_connection(url: str):
    """An autocommit connection to the ``postgres`` database of the server of ``url``."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    return psycopg.connect(dbname="postgres", autocommit=True, **params)


def recreate_database(url: str) -> None:
    name = database_name(url)
    with server_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # Django not set up yet
        pass
    name = database_name(url)
    with server_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_facts(url: str) -> dict:
    with server_connection(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        max_connections = conn.execute("SHOW max_connections").fetchone()[0]
    return {"version": version, "max_connections": max_connections}


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


class LoadSampler(threading.Thread):
    """While the load runs, every 50 ms: the server's connections to the bench database, how
    many of them wait for a lock (row locks: the application, the call's numbering, the audit
    chain head), and the CPU time of those PostgreSQL backends; at the start and the end, the
    CPU time of the gunicorn workers and of the whole machine (which other programs share)."""

    def __init__(self, url: str, server_pid: int):
        super().__init__(daemon=True)
        self.url = url
        self.name_ = database_name(url)
        self.server_pid = server_pid
        self.stop = threading.Event()
        self.max_connections = 0
        self.max_waiting = 0
        self.samples_waiting = 0
        self.samples = 0
        self.backend_first: dict[int, float] = {}
        self.backend_last: dict[int, float] = {}
        self.workers = children(server_pid)
        self.workers_cpu = self.worker_cpu()
        self.machine = machine_busy()
        self.load = os.getloadavg()[0]
        self.wall = time.perf_counter()

    def worker_cpu(self) -> float:
        return sum(cpu_seconds(pid) or 0 for pid in [self.server_pid, *self.workers])

    def run(self):
        with server_connection(self.url) as conn:
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT pid, wait_event_type = 'Lock' FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.name_],
                ).fetchall()
                waiting = sum(1 for _, lock in rows if lock)
                self.samples += 1
                self.max_connections = max(self.max_connections, len(rows))
                self.max_waiting = max(self.max_waiting, waiting)
                self.samples_waiting += waiting > 0
                for pid, _ in rows:
                    used = cpu_seconds(pid)
                    if used is not None:
                        self.backend_first.setdefault(pid, used if self.samples == 1 else 0.0)
                        self.backend_last[pid] = used
                self.stop.wait(0.05)

    def finish(self) -> dict:
        """Stop sampling; the CPU seconds used during the load."""
        self.stop.set()
        self.join()
        wall = time.perf_counter() - self.wall
        busy, total = machine_busy()
        return {
            "wall": wall,
            "server": self.worker_cpu() - self.workers_cpu,
            "postgres": sum(
                self.backend_last[p] - self.backend_first[p] for p in self.backend_last
            ),
            "machine": busy - self.machine[0],
            "cores": (total - self.machine[1]) / wall,
            "load_before": self.load,
            "load_after": os.getloadavg()[0],
        }


# -- the environment of the server (and of this process) ----------------------------------------


def server_environment(url: str, var_dir: Path) -> dict[str, str]:
    """Production settings (kechuang/settings.py): a secret key, DEBUG off, secure cookies (the
    API authenticates by token, so plain HTTP on 127.0.0.1 is fine), WhiteNoise."""
    env = dict(os.environ)
    for name in [n for n in env if n.startswith("KECHUANG_")]:
        del env[name]
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kechuang.settings",
            "KECHUANG_MODE": "production",
            "KECHUANG_DEBUG": "0",
            "KECHUANG_SECRET_KEY": secrets.token_urlsafe(50),
            "KECHUANG_AUDIT_KEYS": "bench:" + secrets.token_urlsafe(32),
            "KECHUANG_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "KECHUANG_VAR_DIR": str(var_dir),
            "KECHUANG_LOG_LEVEL": "WARNING",
            # Nobody here has an e-mail address; no mail leaves the machine anyway.
            "KECHUANG_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DATABASE_URL": url,
            "PYTHONUNBUFFERED": "1",
            # The clients stamp X-Request-Start as a reverse proxy (nginx) in front of gunicorn
            # would: a submission is judged by when it arrived, not when a thread got to it.
            "KECHUANG_TRUST_REQUEST_START": "1",
        }
    )
    return env


def kechuang_command(env: dict[str, str], *args: str) -> None:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kechuang.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        sys.exit(f"kechuang {' '.join(args)} failed ({done.returncode})")
    print(f"  kechuang {' '.join(args)}: {time.perf_counter() - started:.1f} s")


# -- the world ----------------------------------------------------------------------------------


@dataclass
class Applicant:
    index: int
    application_id: int
    token: str
    late: bool


@dataclass
class World:
    call_id: int
    call_name: str
    applicants: list[Applicant]
    staff: int


def build_world(applicants: int, late: int, staff_count: int, rng: random.Random) -> World:
    """The call, the staff, and per applicant an enterprise, its user, a token and a complete
    draft application — through the ORM and the workflow's own draft saving, audited."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from kechuang.accounts.enums import RoleCode, UserKind
    from kechuang.accounts.models import Role, User
    from kechuang.accounts.reference import department
    from kechuang.audit.context import acting_as
    from kechuang.core.enums import CodeList
    from kechuang.core.models import CodeItem
    from kechuang.projects import models
    from kechuang.projects.domain import workflow
    from kechuang.projects.enums import Category, Field
    from kechuang.registry.domain.uscc import make_uscc
    from kechuang.registry.enums import OrganisationKind
    from kechuang.registry.models import Organisation, Town

    now = timezone.now()
    year = timezone.localdate().year
    organisation_role = Role.objects.get(code=RoleCode.ORGANISATION)
    staff_role = Role.objects.get(code=RoleCode.STAFF)
    towns = list(Town.objects.exclude(level="city").order_by("code"))
    fields = list(
        CodeItem.objects.of(CodeList.TECH_FIELD).filter(parent__isnull=False).order_by("code")
    )
    unusable = make_password(None)
    with acting_as(None, username="bench.deadline"), transaction.atomic():
        call = models.Call(
            code=CALL_CODE,
            year=year,
            batch=1,
            name=f"{year}年度截止压测重点研发项目申报",
            category=Category.KEY,
            field=Field.INDUSTRY,
            opens_at=now - dt.timedelta(days=30),
            # Moved to --duration seconds ahead once the server is up (see move_deadline).
            closes_at=now + dt.timedelta(days=1),
            guide="申报单位须为本市注册企业。",
            reviewers_per_application=3,
        )
        call.save()
        models.Criterion.objects.create(
            call=call, code="innovation", name="创新性", weight=Decimal("0.6")
        )
        models.Criterion.objects.create(
            call=call, code="feasibility", name="可行性", weight=Decimal("0.4")
        )
        models.ReviewPhase.objects.create(call=call, name="初评")
        models.FormField.objects.create(call=call, code=QUESTION, label="实施计划", required=True)
        for n in range(staff_count):
            staff = User.objects.create(
                username=f"bench-staff-{n}",
                display_name=f"压测科员{n}",
                kind=UserKind.STAFF,
                department=department("高新技术科"),
                password=unusable,
            )
            staff.roles.add(staff_role)

    people: list[Applicant] = []
    for index in range(applicants + late):
        with transaction.atomic():
            with acting_as(None, username="bench.deadline"):
                organisation = Organisation.objects.create(
                    kind=OrganisationKind.ENTERPRISE,
                    uscc=make_uscc(USCC_BASE + index),
                    name=f"截止压测企业{index:03d}有限公司",
                    town=towns[index % len(towns)],
                )
                user = User.objects.create(
                    username=f"bench-applicant-{index:03d}",
                    display_name=f"压测企业{index:03d}申报人",
                    kind=UserKind.ORGANISATION,
                    organisation=organisation,
                    password=unusable,
                )
                user.roles.add(organisation_role)
            token = Token.objects.create(user=user)
            with acting_as(user):
                application = workflow.save_application(
                    models.Application(
                        call=call,
                        name=f"面向智能制造的关键技术研究{index:03d}",
                        undertaker=organisation,
                        leader_name=f"项目负责人{index:03d}",
                        leader_phone=f"0573-85{index:06d}",
                        tech_field=fields[index % len(fields)],
                        starts_on=dt.date(year + 1, 1, 1),
                        ends_on=dt.date(year + 2, 12, 31),
                        requested_funding=Decimal(rng.randrange(20, 100)),
                        self_funding=Decimal(rng.randrange(100, 500)),
                        content="研制一套面向离散制造的智能检测系统，完成样机并在两家企业应用。",
                        answers={QUESTION: "第一年完成样机，第二年完成应用验证。"},
                    ),
                    user,
                )
        people.append(Applicant(index, application.pk, token.key, late=index >= applicants))
    return World(call.pk, call.name, people, staff_count)


def move_deadline(call_id: int, closes_at: dt.datetime) -> None:
    """Set the call's closing time as the staff would, audited."""
    from kechuang.audit.context import acting_as
    from kechuang.projects.models import Call

    with acting_as(None, username="bench.deadline"):
        call = Call.objects.get(pk=call_id)
        call.closes_at = closes_at
        call.save()


# -- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env, port, workers, threads, log_path: Path):
        self.port = port
        self.log_path = log_path
        self.log = log_path.open("wb")
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "kechuang.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--worker-class=gthread",
            "--timeout=120",
            "--graceful-timeout=30",
            "--backlog=2048",
            "--access-logfile=-",
            "--access-logformat=%(h)s %(r)s %(s)s %(M)sms",
        ]
        self.process = subprocess.Popen(
            self.command, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def request(port, method, path, token, body=None, timeout=CLIENT_TIMEOUT_S):
    """One request on a new connection: (status, parsed JSON or text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        headers["Accept-Language"] = LANGUAGE
        headers["X-Request-Start"] = f"t={time.time():.6f}"  # what the proxy would stamp
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw.decode(errors="replace")[:500]
        return response.status, data
    finally:
        conn.close()


def application_path(application_id: int, suffix: str = "") -> str:
    return f"/api/v1/projects/applications/{application_id}/{suffix}"


def wait_until_up(server: Server, token: str, application_id: int, limit_s: float = 180) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        if not server.alive():
            print(server.log_text()[-4000:], file=sys.stderr)
            sys.exit("the server exited while starting")
        try:
            status, data = request(
                server.port, "GET", application_path(application_id), token, timeout=5
            )
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return time.perf_counter() - started
        sys.exit(f"the server answers {status} to an applicant reading its draft: {data}")
    print(server.log_text()[-4000:], file=sys.stderr)
    sys.exit(f"the server did not answer within {limit_s:.0f} s")


def warm_up(server: Server, applicants: list[Applicant], concurrency: int) -> None:
    """Each applicant reads its own draft (every worker thread serves some): checks the tokens
    and the data scope, and loads every worker's URLs, serializers and connections as a server
    running since the morning would have them."""
    problems: list[str] = []
    queue = list(applicants)
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if not queue:
                    return
                person = queue.pop()
            status, data = request(
                server.port, "GET", application_path(person.application_id), person.token
            )
            if status != 200 or data.get("state") != "draft":
                with lock:
                    problems.append(f"applicant {person.index}: {status} {data}")

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if problems:
        sys.exit("warm-up failed:\n" + "\n".join(problems[:10]))


# -- the load -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    applicant: Applicant
    planned: float  # wall-clock time the request was due
    sent: float = 0.0  # wall-clock time it was sent
    seconds: float = 0.0  # latency
    status: int | None = None
    data: object = None
    error: str = ""


def sleep_until(moment: float) -> None:
    while True:
        left = moment - time.time()
        if left <= 0:
            return
        time.sleep(min(left, 0.5) if left > 0.01 else left)


def submit(port: int, outcome: Outcome) -> None:
    sleep_until(outcome.planned)
    person = outcome.applicant
    outcome.sent = time.time()
    started = time.perf_counter()
    try:
        outcome.status, outcome.data = request(
            port,
            "POST",
            application_path(person.application_id, "transition/"),
            person.token,
            {"transition": "submit"},
        )
    except Exception as error:  # a reset, a timeout: counted, never lost
        outcome.error = f"{type(error).__name__}: {error}"
    outcome.seconds = time.perf_counter() - started


def schedule(
    world: World, closes: float, window: float, margin: float, burst: bool, rng: random.Random
) -> list[Outcome]:
    outcomes = []
    for person in world.applicants:
        if person.late:
            due = closes + 0.5 + rng.uniform(0, 2.5)
        elif burst:
            due = closes - margin
        else:
            due = rng.uniform(closes - window, closes - margin)
        outcomes.append(Outcome(person, due))
    return outcomes


def fire(port: int, outcomes: list[Outcome]) -> None:
    threads = [threading.Thread(target=submit, args=(port, o), daemon=True) for o in outcomes]
    for t in threads:
        t.start()
    deadline = max(o.planned for o in outcomes) + CLIENT_TIMEOUT_S + 10
    for t in threads:
        t.join(max(0.1, deadline - time.time()))


# -- checking -----------------------------------------------------------------------------------


@dataclass
class Checks:
    results: list[tuple[str, bool, str]] = field(default_factory=list)

    def add(self, name: str, ok: bool, detail: str = "") -> None:
        self.results.append((name, ok, detail))

    @property
    def passed(self) -> bool:
        return all(ok for _, ok, _ in self.results)


def closed_message(call_name: str, closes_at: dt.datetime) -> str:
    """The refusal the workflow gives after the closing time, in the language asked for."""
    from django.utils import timezone, translation
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    with translation.override(LANGUAGE):
        return _(
            "The call “%(call)s” closed on %(at)s; applications can no longer be submitted."
        ) % {"call": call_name, "at": date_format(timezone.localtime(closes_at), "Y-m-d H:i")}


def lost_reason(outcome: Outcome, closed: str) -> str:
    """Why an on-time submission is not in the database: what its applicant was told."""
    detail = outcome.data.get("detail") if isinstance(outcome.data, dict) else None
    if outcome.error:
        return "no answer (" + outcome.error.split(":")[0] + ")"
    if outcome.status is None:
        return "no answer"
    if outcome.status == 400 and detail == closed:
        return "refused: closed (reached after the closing time)"
    if outcome.status >= 500:
        return f"HTTP {outcome.status}"
    if outcome.status >= 400:
        return f"refused: HTTP {outcome.status}"
    return f"answered {outcome.status} but not stored"


def verify(world: World, outcomes: list[Outcome], closes_at: dt.datetime) -> tuple[Checks, dict]:
    from kechuang.audit import chain
    from kechuang.audit.enums import AuditAction
    from kechuang.audit.models import AuditEvent
    from kechuang.projects.models import Application, Call

    checks = Checks()
    call = Call.objects.get(pk=world.call_id)
    rows = {
        a.pk: a
        for a in Application.objects.filter(call_id=world.call_id).only(
            "pk", "state", "number", "submitted_at"
        )
    }
    submits = Counter()
    other_events = Counter()
    for object_id, changes in AuditEvent.objects.filter(
        model="projects.application", action=AuditAction.TRANSITION
    ).values_list("object_id", "changes"):
        if (changes or {}).get("transition") == [None, "submit"]:
            submits[int(object_id)] += 1
        else:
            other_events[int(object_id)] += 1

    on_time = [o for o in outcomes if not o.applicant.late]
    late = [o for o in outcomes if o.applicant.late]
    prefix = f"{call.year}-{call.pk}-"
    lost, duplicated, wrong_answer = [], [], []
    lost_why: Counter = Counter()
    closed = closed_message(call.name, call.closes_at)
    for o in on_time:
        pk = o.applicant.application_id
        row = rows[pk]
        if row.state != "submitted" or not row.number or submits[pk] == 0:
            lost.append(f"application {pk}: {row.state}, number {row.number}, HTTP {o.status}")
            lost_why[lost_reason(o, closed)] += 1
        if submits[pk] > 1:
            duplicated.append(f"application {pk}: {submits[pk]} submit events")
        if o.status == 200 and (
            not isinstance(o.data, dict)
            or o.data.get("state") != "submitted"
            or o.data.get("number") != row.number
        ):
            wrong_answer.append(f"application {pk}: answered {o.data!r}, stored {row.number}")
    numbers = [rows[o.applicant.application_id].number for o in on_time]
    numbers = [n for n in numbers if n]
    number_counts = Counter(numbers)
    duplicated += [f"number {n} given {c} times" for n, c in number_counts.items() if c > 1]
    expected_numbers = {f"{prefix}{i:05d}" for i in range(1, len(numbers) + 1)}
    checks.add(
        "every on-time application submitted",
        not lost,
        f"{len(on_time) - len(lost)}/{len(on_time)}"
        + (f"; lost {dict(lost_why)}, e.g. {lost[:3]}" if lost else ""),
    )
    checks.add(
        "exactly one submit event each, numbers unique",
        not duplicated,
        f"{sum(submits[o.applicant.application_id] for o in on_time)} submit events, "
        f"{len(number_counts)} distinct numbers" + (f"; {duplicated[:5]}" if duplicated else ""),
    )
    checks.add(
        "numbers consecutive from 1",
        set(numbers) == expected_numbers,
        f"{prefix}00001 … {prefix}{len(numbers):05d}"
        if set(numbers) == expected_numbers
        else f"missing {sorted(expected_numbers - set(numbers))[:5]}, "
        f"unexpected {sorted(set(numbers) - expected_numbers)[:5]}",
    )
    too_late = [
        pk
        for pk, a in rows.items()
        if a.submitted_at is not None and a.submitted_at >= call.closes_at
    ]
    checks.add(
        "submitted before the closing time",
        not too_late,
        f"after it: {too_late[:5]}" if too_late else "",
    )
    checks.add(
        "no other workflow events",
        not other_events,
        f"{dict(other_events)}" if other_events else "",
    )
    checks.add(
        "answers agree with the database",
        not wrong_answer,
        "; ".join(wrong_answer[:3]),
    )
    errors = [o for o in outcomes if o.error or (o.status or 0) >= 500]
    checks.add(
        "no HTTP 5xx or broken connection",
        not errors,
        "; ".join(f"{o.applicant.application_id}: {o.status or o.error}" for o in errors[:5]),
    )
    refused_on_time = [o for o in on_time if o.status is not None and 400 <= o.status < 500]
    checks.add(
        "no on-time submission refused",
        not refused_on_time,
        "; ".join(
            f"{o.applicant.application_id}: {o.status} {o.data}" for o in refused_on_time[:5]
        ),
    )
    if late:
        message = closed
        late_wrong = []
        for o in late:
            pk = o.applicant.application_id
            row = rows[pk]
            detail = o.data.get("detail") if isinstance(o.data, dict) else o.data
            if o.status != 400 or detail != message:
                late_wrong.append(f"{pk}: HTTP {o.status} {detail!r}")
            if row.state != "draft" or row.number or row.submitted_at or submits[pk]:
                late_wrong.append(f"{pk}: stored {row.state} {row.number}")
        checks.add(
            "late ones refused (400, the call has closed) and still drafts",
            not late_wrong,
            f"“{message}”" if not late_wrong else "; ".join(late_wrong[:5]),
        )
    started = time.perf_counter()
    broken = chain.verify()
    events = AuditEvent.objects.count()
    checks.add(
        "audit chain verifies",
        broken is None,
        f"{events:,} events in {time.perf_counter() - started:.2f} s"
        if broken is None
        else f"breaks at event {broken.event_id}: {broken.reason}",
    )
    order = sorted(
        (
            rows[o.applicant.application_id]
            for o in on_time
            if rows[o.applicant.application_id].number
        ),
        key=lambda a: a.submitted_at,
    )
    inversions = sum(1 for a, b in itertools.pairwise(order) if a.number > b.number)
    facts = {
        "lost": len(lost),
        "lost_why": dict(lost_why),
        "duplicated": len(duplicated),
        "inversions": inversions,
    }
    return checks, facts


# -- reporting ----------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def latency_line(label: str, values: list[float]) -> str:
    if not values:
        return f"  {label}: none"
    ms = [v * 1000 for v in values]
    return (
        f"  {label} ({len(ms)}): p50 {percentile(ms, 50):,.0f} ms, p90 {percentile(ms, 90):,.0f}"
        f" ms, p99 {percentile(ms, 99):,.0f} ms, max {max(ms):,.0f} ms"
    )


def server_errors(log: str) -> str:
    """The tracebacks and error lines of the server's log."""
    lines = log.splitlines()
    keep = []
    for i, line in enumerate(lines):
        if "Traceback" in line or "Internal Server Error" in line or "[ERROR]" in line:
            keep.extend(lines[i : i + 60])
            keep.append("…")
    return "\n".join(keep[:400])


# -- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--applicants", type=int, default=200, help="on-time applicants")
    parser.add_argument("--late", type=int, default=10, help="applicants just after closing")
    parser.add_argument(
        "--duration", type=float, default=60, help="seconds from the load's start to the closing"
    )
    parser.add_argument(
        "--window", type=float, default=50, help="on-time submissions spread over these seconds"
    )
    parser.add_argument(
        "--margin", type=float, default=2, help="the last on-time submission this early"
    )
    parser.add_argument("--burst", action="store_true", help="all on-time ones at one instant")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--staff", type=int, default=3, help="bureau staff told of each one")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.applicants < 1 or args.late < 0 or args.workers < 1 or args.threads < 1:
        parser.error("--applicants, --workers and --threads must be positive, --late not negative")
    if not 0 <= args.margin < args.window <= args.duration:
        parser.error("need 0 <= --margin < --window <= --duration")
    url = args.database_url
    database_name(url)
    rng = random.Random(args.seed)

    var_dir = Path(tempfile.mkdtemp(prefix="kechuang-bench-deadline-"))
    (var_dir / "static").mkdir()  # WhiteNoise's STATIC_ROOT; the API serves no static files
    env = server_environment(url, var_dir)
    server = None
    sampler = None
    try:
        facts = server_facts(url)
        print(f"PostgreSQL {facts['version']} (max_connections {facts['max_connections']})")
        print(f"database {database_name(url)}: drop, create, migrate, load_reference")
        recreate_database(url)
        kechuang_command(env, "migrate", "--noinput")
        kechuang_command(env, "load_reference")

        os.environ.update(env)  # this process: the same settings as the server
        import django

        django.setup()
        started = time.perf_counter()
        world = build_world(args.applicants, args.late, args.staff, rng)
        print(
            f"set up: 1 call, {args.staff} staff, {len(world.applicants)} enterprises with a user,"
            f" a token and a draft ({args.applicants} on time, {args.late} late)"
            f" in {time.perf_counter() - started:.1f} s"
        )
        from django.db import connections

        connections.close_all()

        port = free_port()
        server = Server(env, port, args.workers, args.threads, var_dir / "server.log")
        first = world.applicants[0]
        took = wait_until_up(server, first.token, first.application_id)
        print(
            f"server: gunicorn {args.workers} workers × {args.threads} threads (gthread),"
            f" KECHUANG_MODE=production, 127.0.0.1:{port}; up in {took:.1f} s"
        )
        started = time.perf_counter()
        warm_up(server, world.applicants, args.workers * args.threads)
        print(
            f"warm-up: each applicant read its draft ({len(world.applicants)} GETs,"
            f" {args.workers * args.threads} at a time) in {time.perf_counter() - started:.1f} s"
        )

        from django.utils import timezone

        load_start = time.time()
        closes = load_start + args.duration
        closes_at = dt.datetime.fromtimestamp(closes, tz=dt.UTC)
        move_deadline(world.call_id, closes_at)
        connections.close_all()
        outcomes = schedule(world, closes, args.window, args.margin, args.burst, rng)
        mode = (
            f"all at once {args.margin:g} s before closing"
            if args.burst
            else f"spread over [{args.window:g} s, {args.margin:g} s] before closing"
        )
        print(
            f"load: {args.applicants} submissions {mode};"
            f" call closes at {timezone.localtime(closes_at):%H:%M:%S.%f}"
            + (f"; {args.late} late ones 0.5–3 s after" if args.late else ""),
            flush=True,
        )
        sampler = LoadSampler(url, server.process.pid)
        sampler.start()
        fire(port, outcomes)
        cpu = sampler.finish()
        server.stop()
        log = server.log_text()

        checks, found = verify(world, outcomes, closes_at)

        on_time = [o for o in outcomes if not o.applicant.late]
        late = [o for o in outcomes if o.applicant.late]
        ok = [o for o in on_time if o.status == 200]
        refused = [o for o in outcomes if o.status is not None and 400 <= o.status < 500]
        errors = [o for o in outcomes if o.error or (o.status or 0) >= 500]
        unfinished = [o for o in outcomes if o.status is None and not o.error]
        first_sent = min(o.sent for o in on_time)
        last_done = max(o.sent + o.seconds for o in on_time)
        statuses = Counter(o.status or o.error.split(":")[0] for o in outcomes)
        print("\nresults")
        print(
            f"  on time: {len(ok)} ok of {len(on_time)}; late: {len(late)};"
            f" refused {len(refused)} (late {sum(o in refused for o in late)}),"
            f" errors {len(errors)}, no answer {len(unfinished)},"
            f" lost {found['lost']}, duplicated {found['duplicated']}"
        )
        if found["lost_why"]:
            print(f"  lost, by what the applicant was told: {found['lost_why']}")
        print(f"  HTTP statuses: {dict(sorted(statuses.items(), key=str))}")
        print(latency_line("latency, on-time submit", [o.seconds for o in on_time]))
        print(latency_line("latency, late (refused)", [o.seconds for o in late]))
        span = last_done - first_sent
        print(
            f"  throughput: {len(ok)} submissions from the first sent to the last answered in"
            f" {span:.2f} s = {len(ok) / span:,.1f}/s"
            + (
                ""
                if args.burst
                else f" (offered {args.applicants / (args.window - args.margin):.1f}/s)"
            )
        )
        print(
            f"  last on-time answer {abs(closes - last_done):.2f} s"
            f" {'before' if last_done < closes else 'after'} the closing time;"
            f" numbers out of submitted_at order: {found['inversions']}"
        )
        print(
            f"  PostgreSQL during the load: up to {sampler.max_connections} connections of the"
            f" server, up to {sampler.max_waiting} waiting for a lock"
            f" ({sampler.samples_waiting} of {sampler.samples} samples with a wait)"
        )
        print(
            f"  CPU during the load ({cpu['wall']:.1f} s, {cpu['cores']:.0f} cores):"
            f" gunicorn {cpu['server']:.1f} s, its PostgreSQL backends {cpu['postgres']:.1f} s,"
            f" whole machine {cpu['machine']:.1f} s; load average {cpu['load_before']:.1f}"
            f" → {cpu['load_after']:.1f}; per request (server + PostgreSQL)"
            f" {(cpu['server'] + cpu['postgres']) / len(outcomes) * 1000:.0f} ms"
        )
        print("\nchecks")
        for name, passed, detail in checks.results:
            print(f"  {'✔' if passed else '✘'} {name}" + (f" — {detail}" if detail else ""))
        trouble = server_errors(log)
        if trouble:
            print("\nserver log (errors):\n" + trouble)
        print(
            "\nall checks passed"
            if checks.passed
            else "\nCHECKS FAILED"
            + (" (submissions lost or duplicated)" if found["lost"] or found["duplicated"] else "")
        )
        return 0 if checks.passed else 1
    finally:
        if sampler is not None:
            sampler.stop.set()
        if server is not None:
            server.stop()
        if args.keep:
            print(f"kept database {database_name(url)}; server log in {var_dir / 'server.log'}")
        else:
            drop_database(url)
            shutil.rmtree(var_dir, ignore_errors=True)
            print(f"dropped database {database_name(url)}")


if __name__ == "__main__":
    sys.exit(main())
