"""``kechuang load_reference``: the reference data every installation needs (idempotent)."""

import importlib
import importlib.util
from types import ModuleType

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from kechuang.audit.context import acting_as

PROJECT_PACKAGE = "kechuang."


def project_modules(name: str) -> list[ModuleType]:
    """The ``<app>.<name>`` modules of the project's apps, in INSTALLED_APPS order.

    The order matters: later apps' data refers to earlier apps' (towns point to the
    departments of accounts, enterprises to the code lists of core).
    """
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith(PROJECT_PACKAGE):
            continue
        dotted = f"{config.name}.{name}"
        if importlib.util.find_spec(dotted) is not None:
            modules.append(importlib.import_module(dotted))
    return modules


def load_reference() -> list[str]:
    """Run every app's ``reference.load()``; returns the modules run, for the report."""
    modules = project_modules("reference")
    for module in modules:
        module.load()
    return [module.__name__ for module in modules]


class Command(BaseCommand):
    help = "Load the reference data: code lists, department tree and roles, towns and zones."

    def handle(self, *args, **options):
        with acting_as(None, username="load_reference"), transaction.atomic():
            loaded = load_reference()
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {', '.join(loaded)}."))
