"""``kechuang load_demo``: reference data plus the Pinghu demo data set, safe to run again."""

import unicodedata

from django.core.management.base import BaseCommand
from django.db import transaction

from kechuang.accounts.demo import account_rows
from kechuang.audit.context import acting_as
from kechuang.discovery import project_modules

from .load_reference import load_reference

HEADERS = ("角色", "用户名", "密码", "姓名", "可见范围")


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def format_table(headers, rows) -> str:
    widths = [
        max(display_width(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))
    ]
    lines = [
        "  ".join(pad(str(cell), widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in [headers, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Load the reference data and the Pinghu demo data set, then list the demo accounts."

    def handle(self, *args, **options):
        # One transaction: a failure leaves the database as it was, never half a demo.
        with acting_as(None, username="load_demo"), transaction.atomic():
            load_reference()
            for module in project_modules("demo"):
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo accounts:"))
        self.stdout.write(format_table(HEADERS, account_rows()))
