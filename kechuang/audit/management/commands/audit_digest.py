from django.core.management.base import BaseCommand, CommandError

from kechuang.audit.chain import DigestError, head_digest


class Command(BaseCommand):
    help = (
        "Print the audit log's newest event id and hash as one line of JSON, to keep outside "
        "the database (e.g. appended daily to a file on another machine); "
        "`audit_verify --digest FILE` then detects a history rewritten or cut before it."
    )

    def handle(self, *args, **options):
        try:
            digest = head_digest()
        except DigestError as error:
            raise CommandError(f"No digest: {error}.") from None
        self.stdout.write(digest.line())
