"""Security headers: the Content-Security-Policy on every response, HTTPS only in production,
the API schema and its Swagger page for signed-in users only, and templates the policy passes."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from kechuang.core.middleware import policy_header
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

KECHUANG_DIR = Path(settings.BASE_DIR)


def csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        directive: sources
        for directive, *sources in (part.split() for part in header.split(";") if part.strip())
    }


# The policy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/admin/login/", "/api/v1/organisations/", "/api/docs/"]
)
def test_every_response_carries_the_policy(client, url):
    policy = csp(client.get(url))

    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_pages_of_a_signed_in_user_carry_it_too(client):
    client.force_login(staff_user())

    assert csp(client.get("/"))["default-src"] == ["'self'"]


def test_the_policy_comes_from_the_setting(client):
    with override_settings(KECHUANG_CONTENT_SECURITY_POLICY={"default-src": ["'none'"]}):
        response = client.get("/accounts/login/")

    assert response["Content-Security-Policy"] == "default-src 'none'"


@override_settings(DEBUG=True)
def test_with_debug_on_djangos_error_pages_go_without_it(client):
    """They are made of inline style and script; DEBUG is never on in production."""
    assert "Content-Security-Policy" not in client.get("/no-such-page/")
    assert "Content-Security-Policy" in client.get("/accounts/login/")


def test_the_header_is_written_directive_by_directive():
    header = policy_header({"img-src": ["'self'", "data:"], "upgrade-insecure-requests": []})

    assert header == "img-src 'self' data:; upgrade-insecure-requests"


# Templates the policy passes ---------------------------------------------------------------------

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "script"),
    (re.compile(r"<style\b", re.I), "style element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\shx-on", re.I), "hx-on attribute (evaluated)"),
    (re.compile(r"\shx-(vals|vars)\s*=\s*['\"]\s*(js|javascript):", re.I), "evaluated hx-vals"),
]


def test_no_template_has_inline_script_or_style():
    """The policy would block them: behaviour goes in static/kechuang/*.js, looks in app.css."""
    found = []
    for template in sorted(KECHUANG_DIR.glob("**/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(KECHUANG_DIR)}:{line}: {what}")

    assert found == []


# The API schema and its Swagger page ---------------------------------------------------------


def test_the_schema_is_refused_to_anonymous_users(client):
    response = client.get("/api/schema/")

    assert response.status_code in (401, 403)
    assert b"/api/v1/" not in response.content


def test_the_swagger_page_sends_anonymous_users_to_the_login(client):
    response = client.get("/api/docs/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/api/docs/")
    assert client.get("/api/docs/?script=").status_code == 302


def test_the_swagger_page_loads_its_start_up_script_as_a_file(client):
    client.force_login(staff_user())

    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")
    schema = client.get("/api/schema/")

    html = page.content.decode()
    assert page.status_code == 200
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html
    assert 'src="/api/docs/?script="' in html
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
    assert schema.status_code == 200 and b"/api/v1/organisations/" in schema.content


# HTTPS in production -----------------------------------------------------------------------------

PRINT = (
    "from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "bool(s.KECHUANG_CONTENT_SECURITY_POLICY)); print(' '.join(s.MIDDLEWARE))"
)


def settings_in(tmp_path, **env) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KECHUANG_", "DATABASE_URL"))}
    clean.update(env, KECHUANG_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="kechuang.settings")
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT}"],
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split("\n")


PRODUCTION = {
    "KECHUANG_MODE": "production",
    "KECHUANG_SECRET_KEY": "x" * 50,
    "KECHUANG_AUDIT_KEYS": "k1:" + "y" * 40,
}


def test_production_redirects_to_https_and_sends_hsts_for_a_year(tmp_path):
    values, middleware = settings_in(tmp_path, **PRODUCTION)[:2]

    assert values.split() == ["True", "31536000", "False", "True"]
    order = middleware.split()
    security = order.index("django.middleware.security.SecurityMiddleware")
    assert order[security + 1] == "kechuang.core.middleware.ContentSecurityPolicyMiddleware"
    assert order[security + 2] == "whitenoise.middleware.WhiteNoiseMiddleware"


def test_behind_a_terminating_proxy_both_can_be_turned_off(tmp_path):
    values = settings_in(
        tmp_path, **PRODUCTION, KECHUANG_SSL_REDIRECT="0", KECHUANG_HSTS_SECONDS="0"
    )[0]

    assert values.split() == ["False", "0", "False", "True"]


def test_hsts_can_cover_subdomains(tmp_path):
    values = settings_in(
        tmp_path, **PRODUCTION, KECHUANG_HSTS_SECONDS="600", KECHUANG_HSTS_INCLUDE_SUBDOMAINS="1"
    )[0]

    assert values.split() == ["True", "600", "True", "True"]


def test_demo_serves_plain_http_under_the_same_policy(tmp_path):
    values = settings_in(tmp_path, KECHUANG_MODE="demo")[0]

    assert values.split() == ["False", "0", "False", "True"]


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_with_the_production_settings_http_is_redirected_and_https_gets_hsts(client):
    plain = client.get("/accounts/login/")
    secure = client.get("/accounts/login/", secure=True)

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/accounts/login/"
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    assert "frame-ancestors 'none'" in secure["Content-Security-Policy"]
