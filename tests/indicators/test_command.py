"""``kechuang indicators``: JSON and table output, chosen ids, drilling, bad input."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_json_for_chosen_ids(city):
    data = json.loads(
        run(
            "--as-of",
            AS_OF.isoformat(),
            "--format",
            "json",
            "--id",
            "rd.hosts_in_force",
            "incubators.tenants",
        )
    )

    assert [d["id"] for d in data] == ["rd.hosts_in_force", "incubators.tenants"]
    assert data[0]["value"] == 3
    assert data[0]["as_of"] == "2021-12-31"
    assert data[1]["breakdown"]["spark"] == 2
    assert "records" not in data[0]


def test_drill_lists_the_records_behind_each_value(city):
    data = json.loads(
        run(
            "--as-of",
            AS_OF.isoformat(),
            "--format",
            "json",
            "--id",
            "incubators.tenants",
            "--drill",
        )
    )[0]

    assert len(data["records"]) == data["value"]
    for key, value in data["breakdown"].items():
        assert len(data["breakdown_records"][key]) == value


def test_table(city):
    text = run("--as-of", AS_OF.isoformat(), "--id", "rd.hosts_in_force", "--drill")

    assert text.startswith("rd.hosts_in_force")
    assert "东方国家级研发机构" in text
    assert "provincial_or_higher" in text


def test_all_indicators_by_default(city):
    data = json.loads(run("--as-of", AS_OF.isoformat(), "--format", "json"))
    assert len(data) > 30
    assert len({d["id"] for d in data}) == len(data)


def test_bad_input_is_refused_clearly():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("indicators", "--as-of", "2020-13-45")
    with pytest.raises(CommandError, match="unknown indicators"):
        call_command("indicators", "--id", "no.such")
