from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from . import lookups  # noqa: F401  (registers ilike_contains)
