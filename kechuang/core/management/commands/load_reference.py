"""``kechuang load_reference``: the reference data every installation needs (idempotent)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from kechuang.audit.context import acting_as
from kechuang.discovery import project_modules


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
