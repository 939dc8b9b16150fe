from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kechuang.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from . import signals  # noqa: F401  (create, update, delete of audited models)
