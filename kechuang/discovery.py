"""The project's per-app modules (``<app>.reference``, ``<app>.demo`` …), found through Django's
app registry. It imports nothing of the project, so every app may use it — ``accounts`` too,
which sits below ``core`` (the import-layering contract in pyproject.toml)."""

import importlib
import importlib.util
from types import ModuleType

from django.apps import apps

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
