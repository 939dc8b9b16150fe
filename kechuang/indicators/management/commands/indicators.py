"""Print indicator values: ``kechuang indicators --as-of 2020-12-31 --format table``."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from kechuang.indicators import engine
from kechuang.indicators.formatting import plain_number


def as_of_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--as-of 须为日期 YYYY-MM-DD (must be a date YYYY-MM-DD): {text}"
        ) from None


class Command(BaseCommand):
    help = "Compute indicators from the records (所有指标均由记录实时计算)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=as_of_date, default=None, help="YYYY-MM-DD (today)")
        parser.add_argument("--format", choices=("json", "table"), default="table")
        parser.add_argument(
            "--id",
            dest="ids",
            action="append",
            nargs="+",
            default=[],
            metavar="ID",
            help="Indicator id(s); repeatable. All when omitted.",
        )
        parser.add_argument(
            "--drill", action="store_true", help="List the records behind each value."
        )
        parser.add_argument("--list", action="store_true", help="List the defined indicators.")

    def handle(self, *args, as_of, format, ids, drill, list, **options):
        if list:
            for indicator in engine.all_indicators():
                self.stdout.write(
                    f"{indicator.id}\t{indicator.name}\t{indicator.unit}\t{indicator.as_of}"
                )
            return
        ids = [i for group in ids for i in group]
        unknown = [i for i in ids if i not in {x.id for x in engine.all_indicators()}]
        if unknown:
            raise CommandError(f"未知指标 (unknown indicators): {', '.join(unknown)}")
        results = engine.evaluate(ids, as_of or dt.date.today(), drill=drill)
        if format == "json":
            data = [result.as_json() for result in results]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for result in results:
            self._table(result, drill)

    def _table(self, result, drill):
        indicator = result.indicator
        years = (
            f" {result.period.first_year}–{result.period.last_year}"
            if result.period.first_year != result.period.last_year
            else ""
        )
        self.stdout.write(
            f"{indicator.id}  {indicator.display_name}  [{result.period.as_of}{years}]  "
            f"{plain_number(result.value)} {indicator.display_unit}"
        )
        width = max((len(k) for k in result.breakdown), default=0)
        for key, value in result.breakdown.items():
            label = result.labels.get(key, key)
            self.stdout.write(f"    {key:<{width}}  {plain_number(value):>12}  {label}")
            if drill:
                for record in result.breakdown_records[key]:
                    self.stdout.write(f"        - {record['pk']}  {record['name']}")
        if drill:
            self.stdout.write("    records:")
            for record in result.records:
                self.stdout.write(f"        - {record['pk']}  {record['name']}")
