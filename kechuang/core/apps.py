from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import lookups  # noqa: F401  (registers ilike_contains)
        from .domain.choices import forget

        post_save.connect(forget, sender="core.CodeItem", dispatch_uid="choices-codeitem-save")
        post_delete.connect(forget, sender="core.CodeItem", dispatch_uid="choices-codeitem-delete")
