"""Fixtures of the indicator tests.

Each test module builds the city (``data.build_city``, with the reference data when a
transactional test emptied it) once, inside a transaction rolled back when the module is done;
each test still runs in its own transaction within it. Users come from ``tests.factories`` (they
need no reference data).
"""

import pytest
from django.db import transaction

from tests.factories import REGISTRY_PERMS, OrganisationFactory, organisation_user, staff_user, user

from .data import AS_OF, FIGURES, build_city

__all__ = ["AS_OF", "FIGURES"]  # the engine's and the command's tests import them from here


@pytest.fixture(scope="module")
def _module_city(django_db_setup, django_db_blocker):
    from io import StringIO

    from django.core.management import call_command

    from kechuang.accounts.models import Role

    with django_db_blocker.unblock(), transaction.atomic():
        if not Role.objects.exists():  # a transactional test before emptied the tables
            call_command("load_reference", verbosity=0, stdout=StringIO())
        yield build_city()
        transaction.set_rollback(True)


@pytest.fixture
def city(_module_city, db):
    """The city of ``data.py`` with the reference data (shared by the module's tests)."""
    return _module_city


@pytest.fixture
def bureau(db):
    """A bureau staff member whose role grants the indicators (data scope: everything)."""
    from kechuang.indicators.rules import VIEW_INDICATORS

    return staff_user("bureau", perms=[*REGISTRY_PERMS, VIEW_INDICATORS])


@pytest.fixture
def an_organisation_user(db):
    return organisation_user(OrganisationFactory(), "enterprise-user")


@pytest.fixture
def expert(db):
    from kechuang.accounts.enums import UserKind

    return user("expert", kind=UserKind.EXPERT)
