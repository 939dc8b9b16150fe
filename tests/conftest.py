"""Root conftest: a throw-away var directory, test mode, and fixtures shared by the suite.

The environment is set at import time so that nothing a test does — and no subprocess a test
starts — writes into the project's ``var/``. pytest-django usually loads the settings module
*before* this file (its ``pytest_load_initial_conftests`` hook runs first), so the already
loaded settings are aligned with the same directories below; ``make test`` also exports
``KECHUANG_MODE=test`` up front, which the settings need before they load.
"""

import atexit
import itertools
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("KECHUANG_MODE", "test")
if os.environ.get("KECHUANG_VAR_DIR"):
    os.environ.setdefault(
        "KECHUANG_MEDIA_ROOT", str(Path(os.environ["KECHUANG_VAR_DIR"]) / "uploads")
    )
else:
    _tmp_var_dir = tempfile.mkdtemp(prefix="kechuang-test-")
    atexit.register(shutil.rmtree, _tmp_var_dir, ignore_errors=True)
    os.environ["KECHUANG_VAR_DIR"] = _tmp_var_dir
    os.environ["KECHUANG_MEDIA_ROOT"] = str(Path(_tmp_var_dir) / "uploads")

VAR_DIR = Path(os.environ["KECHUANG_VAR_DIR"])
MEDIA_ROOT = Path(os.environ["KECHUANG_MEDIA_ROOT"])
MEDIA_ROOT.mkdir(parents=True, exist_ok=True)

TEST_PASSWORD = "Test-pass-2026!"


def _align_loaded_settings() -> None:
    """Point settings that were loaded before this file at the temporary directories."""
    from django.conf import settings

    if not settings.configured:
        return  # Django has not read the settings yet; the environment above is enough.
    if getattr(settings, "MODE", "test") != "test":
        raise pytest.UsageError(
            f"The tests run in KECHUANG_MODE=test, not {settings.MODE!r} "
            "(use `make test`, or export KECHUANG_MODE=test)."
        )
    if Path(settings.VAR_DIR) != VAR_DIR:
        settings.VAR_DIR = VAR_DIR
        settings.STATIC_ROOT = VAR_DIR / "static"
    settings.MEDIA_ROOT = MEDIA_ROOT


_align_loaded_settings()


class ReferenceData:
    """What ``kechuang load_reference`` loaded, looked up on demand."""

    def role(self, code: str):
        from kechuang.accounts.models import Role

        return Role.objects.get(code=code)

    def department(self, name: str):
        from kechuang.accounts.models import Department

        return Department.objects.get(name=name)

    def town(self, name_or_code: str):
        from django.db.models import Q

        from kechuang.registry.models import Town

        return Town.objects.get(Q(code=name_or_code) | Q(name=name_or_code))

    def code_item(self, code_list: str, code: str):
        from kechuang.core.models import CodeItem

        return CodeItem.objects.get(code_list=code_list, code=code)


def _load_reference() -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("load_reference", verbosity=0, stdout=StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the reference data (loading it takes seconds; each test
    then rolls its own changes back)."""
    with django_db_blocker.unblock():
        _load_reference()


@pytest.fixture
def reference_data(db):
    """Code lists, departments, roles, towns and zones, as ``kechuang load_reference`` loads
    them into the test database. Returns a :class:`ReferenceData` for lookups.

    They are there from the start (``django_db_setup``); a transactional test empties the
    tables when it ends, and the next test that asks for them loads them again.
    """
    from kechuang.accounts.enums import RoleCode
    from kechuang.accounts.models import Role

    # A shipped role, not any role: a test's own roles (made before this fixture) are not the
    # reference data.
    if not Role.objects.filter(code=RoleCode.ADMIN).exists():
        _load_reference()
    return ReferenceData()


_usernames = itertools.count(1)


@pytest.fixture
def make_user(reference_data):
    """Factory: ``make_user(role_code, **fields)`` creates an active user holding the role of
    that code (from the reference data), with the password ``TEST_PASSWORD``.

    ``fields`` go to the user model: ``username`` (default ``<role>-<n>``), ``kind``
    (default: organisation for the organisation role, expert for the expert role, else
    staff), ``department``, ``organisation`` (an organisation user without one gets a new
    organisation), ``display_name`` … ``roles=[…]`` adds further Role objects or role codes.
    """
    from kechuang.accounts.enums import RoleCode, UserKind
    from kechuang.accounts.models import Role, User

    default_kinds = {RoleCode.ORGANISATION: UserKind.ORGANISATION, RoleCode.EXPERT: UserKind.EXPERT}

    def factory(role_code: str, **fields):
        extra_roles = fields.pop("roles", ())
        fields.setdefault("username", f"{role_code}-{next(_usernames)}")
        fields.setdefault("kind", default_kinds.get(role_code, UserKind.STAFF))
        if fields["kind"] == UserKind.ORGANISATION and not fields.get("organisation"):
            from tests.factories import OrganisationFactory

            fields["organisation"] = OrganisationFactory()
        roles = [reference_data.role(role_code)]
        roles += [r if isinstance(r, Role) else reference_data.role(r) for r in extra_roles]
        user = User.objects.create_user(password=TEST_PASSWORD, **fields)
        user.roles.add(*roles)
        return user

    factory.password = TEST_PASSWORD
    return factory


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language: a request made in English (a test client's
    Accept-Language, the language cookie) leaves English active in the thread after it, which
    would otherwise carry over to whichever test the same worker runs next."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rolled-back test data must not live on in the per-process choice cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def load_demo() -> str:
    """Run ``kechuang load_demo``; its output (the demo accounts table)."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module's read-only tests and rolled back after them.

    Each test still runs in its own savepoint (the ``django_db`` mark) inside this transaction,
    so nothing a test does, and none of the demo data, outlives the module.
    """
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)
