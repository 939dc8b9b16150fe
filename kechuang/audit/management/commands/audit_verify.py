from django.core.management.base import BaseCommand, CommandError

from kechuang.audit.chain import verify
from kechuang.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit non-zero naming the first broken event."

    def handle(self, *args, **options):
        broken = verify()
        if broken is not None:
            where = f"event #{broken.event_id}" if broken.event_id else "the chain"
            raise CommandError(f"Audit log broken at {where}: {broken.reason}.")
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {count} events verified."))
