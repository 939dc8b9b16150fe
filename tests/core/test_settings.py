"""Production defaults are the safe ones; demo and test relax them explicitly."""

import os
import subprocess
import sys

PRINT = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DATABASES['default']['ENGINE'])"
)


def settings_in(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KECHUANG_", "DATABASE_URL"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="kechuang.settings")
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT}"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_requires_a_secret_key():
    result = settings_in(KECHUANG_MODE="production")

    assert result.returncode != 0
    assert "KECHUANG_SECRET_KEY must be set" in result.stderr


def test_production_defaults_are_debug_off_and_secure_cookies(tmp_path):
    result = settings_in(
        KECHUANG_SECRET_KEY="x" * 50,
        KECHUANG_AUDIT_KEYS="k1:" + "y" * 40,
        KECHUANG_VAR_DIR=str(tmp_path),
    )

    assert result.stdout.split() == ["False", "True", "True", "django.db.backends.sqlite3"]


def test_database_url_selects_postgresql(tmp_path):
    result = settings_in(
        KECHUANG_MODE="demo",
        KECHUANG_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
    )

    assert result.stdout.split() == ["True", "False", "False", "django.db.backends.postgresql"]
