import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.audit.chain import DigestError, check, check_digests, read_digests

SHOWN = 10  # broken digests named one by one


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain with the audit keys, and against digests kept by "
        "audit_digest; exit non-zero naming the first broken event."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--digest",
            action="append",
            default=[],
            metavar="FILE",
            help="a file of digests printed by audit_digest, one per line ('-' reads stdin); "
            "may be given several times",
        )

    def handle(self, *args, **options):
        digests = []
        for name in options["digest"]:
            try:
                if name == "-":
                    digests += read_digests(sys.stdin, "stdin")
                else:
                    with Path(name).open(encoding="utf-8") as lines:
                        digests += read_digests(lines, name)
            except OSError as error:
                raise CommandError(f"Cannot read the digest file {name}: {error}.") from None
            except DigestError as error:
                raise CommandError(f"{error}.") from None
        if options["digest"] and not digests:
            raise CommandError("The digest files hold no digest.")

        report = check()
        if report.broken is not None:
            broken = report.broken
            where = f"event #{broken.event_id}" if broken.event_id else "the chain"
            raise CommandError(f"Audit log broken at {where}: {broken.reason}.")
        breaks = check_digests(digests)
        if breaks:
            lines = [f"Audit log does not match {len(breaks)} of {len(digests)} kept digests:"]
            lines += [f"  event #{b.event_id}: {b.reason}." for b in breaks[:SHOWN]]
            if len(breaks) > SHOWN:
                lines.append(f"  … and {len(breaks) - SHOWN} more.")
            raise CommandError("\n".join(lines))

        keys = ", ".join(f"{count} with key {key_id!r}" for key_id, count in report.signed.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit log intact: {report.events} events verified"
                + (f" ({keys})" if keys else "")
                + "."
            )
        )
        if report.unkeyed:
            self.stdout.write(
                self.style.WARNING(
                    f"{report.unkeyed} events (up to #{report.last_unkeyed_id}) were written "
                    "before the audit keys and are checked with plain SHA-256 only: whoever can "
                    "write the database could re-hash them; a digest kept after them vouches "
                    "for them."
                )
            )
        if digests:
            newest = max(d.event_id for d in digests)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Kept digests matched: {len(digests)} (the newest at event #{newest})."
                )
            )
