"""schemathesis over the whole API (every operation of the OpenAPI schema) against a live test
server holding the demo data, as the system administrator (a superuser) and as an enterprise
user, with token authentication: no answer may be a server error (5xx), and every answer the
schema documents must match it.

Bounded to a few minutes on two cores: a handful of generated requests per operation (the
``fuzzing`` phase, positive and negative data), the same seed every run so CI is repeatable.
Not run: schemathesis's ``coverage`` phase, which walks every parameter's boundary and
negative values — about 18,000 requests for this API and a quarter of an hour alone (run it by
hand with the command in the README) — and the ``stateful`` phase (its links are not
declared). Explore more with ``KECHUANG_SCHEMATHESIS_EXAMPLES=50`` and another
``KECHUANG_SCHEMATHESIS_SEED``.

The schema is generated in-process (drf-spectacular's generator, as ``kechuang spectacular``
does), so the test does not depend on who may read ``/api/schema/``.
"""

import json
import os

import pytest
import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import load_demo

EXAMPLES = int(os.environ.get("KECHUANG_SCHEMATHESIS_EXAMPLES", "4"))
SEED = int(os.environ.get("KECHUANG_SCHEMATHESIS_SEED", "20261"))
# The demo's system administrator (a superuser) and an enterprise user (浙江独山能源有限公司):
# every operation is tried as both, the enterprise user's first (before the administrator's
# request may have deleted what it names).
USERS = ("dushan", "admin")
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def tokens(live_server):
    """The demo data in the live server's database, and an API token per user in ``USERS``."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    load_demo()
    users = get_user_model().objects.filter(username__in=USERS)
    keys = {user.username: Token.objects.get_or_create(user=user)[0].key for user in users}
    assert set(keys) == set(USERS), "the demo accounts changed"
    return [keys[username] for username in USERS]


@pytest.fixture
def api_schema(live_server, tokens):
    generated = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)))
    schema.config.update(base_url=live_server.url)
    return schema


def a_record_id(base_url: str, path: str, token: str) -> int | None:
    """The id of a record the administrator sees in the list above ``path``
    (``…/calls/{id}/results/`` → the first of ``…/calls/``), if there is one."""
    listed = requests.get(
        base_url + path.split("{id}")[0], headers={"Authorization": f"Token {token}"}, timeout=30
    )
    if listed.status_code != 200 or "json" not in listed.headers.get("Content-Type", ""):
        return None
    rows = listed.json()
    rows = rows.get("results", []) if isinstance(rows, dict) else rows
    return next((row["id"] for row in rows if isinstance(row, dict) and "id" in row), None)


def exercise(operation, mode: GenerationMode, tokens: list[str], **fixed) -> None:
    """``EXAMPLES`` requests of ``operation`` in ``mode``, each as every user; raises the first
    failed check. ``fixed`` path parameters are used as given."""

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the failing request is named
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed or None))
    def calls(case):
        for token in tokens:
            case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

    calls()


def test_no_server_errors_and_answers_as_documented(api_schema, tokens, live_server):
    failures = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 300
    administrator = tokens[-1]
    for operation in operations:
        # Positive data on an existing record where the path names one (random ids mostly
        # answer 404 and go no deeper), negative data on generated ids.
        record = None
        if "{id}" in operation.path:
            record = a_record_id(live_server.url, operation.path, administrator)
        runs = [(GenerationMode.POSITIVE, {"id": record} if record else {})]
        runs.append((GenerationMode.NEGATIVE, {}))
        for mode, fixed in runs:
            try:
                exercise(operation, mode, tokens, **fixed)
            except Exception as error:  # each operation's first failure, all reported at the end
                failures[f"{operation.label} ({mode.value})"] = str(error)[:3000]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
