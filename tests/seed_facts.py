"""The published figures of the seed articles (seed-facts.yaml), the map from each to the
indicator behind it (docs/seed-facts-map.yaml), and how a figure is compared (its ``op``).

The expected values are read from the shared spec beside the repository, or from the verbatim
copy in docs/, so tests and spec cannot drift apart.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
FACTS_FILES = (
    REPO_ROOT.parent / "shared" / "spec" / "seed-facts.yaml",
    REPO_ROOT / "docs" / "seed-facts.yaml",
)
MAP_FILE = REPO_ROOT / "docs" / "seed-facts-map.yaml"


def seed_facts() -> dict[str, dict]:
    path = next(p for p in FACTS_FILES if p.exists())
    return {fact["id"]: fact for fact in yaml.safe_load(path.read_text(encoding="utf-8"))}


def fact_map() -> list[dict]:
    return yaml.safe_load(MAP_FILE.read_text(encoding="utf-8"))


def yu_range(value: int) -> range:
    """“N余”: more than N, below the next step of N's last non-zero digit (80余 → 81..89)."""
    step = 1
    while value % (step * 10) == 0:
        step *= 10
    return range(value + 1, value + step)


def op_of(fact: dict, key: str) -> str:
    op = fact["op"]
    if isinstance(op, dict):
        op = op.get(key, op.get("default"))
    return op


def check(fact: dict, key: str, actual) -> str | None:
    """None when ``actual`` is the published figure under the fact's op, else why not."""
    expected = fact["value"][key]
    op = op_of(fact, key)
    label = f"{fact['id']}.{key}: expected {op} {expected!r}, got {actual!r}"
    if isinstance(expected, str) or isinstance(actual, str):
        return None if str(actual) == str(expected) else label
    if isinstance(expected, dt.date):
        return None if str(actual) == expected.isoformat() else label
    actual = Decimal(str(actual))
    expected = Decimal(str(expected))
    match op:
        case "eq":
            ok = actual == expected
        case "yu":
            ok = actual == actual.to_integral() and int(actual) in yu_range(int(expected))
        case "gt":
            ok = actual > expected
        case "approx":
            ok = abs(actual - expected) <= abs(expected) * Decimal("0.02")
        case _:
            return f"{label} (unknown op {op!r})"
    return None if ok else label
