from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeismicConfig(AppConfig):
    name = "kechuang.seismic"
    label = "seismic"
    verbose_name = _("Earthquake prevention")

    def ready(self):
        from .interfaces import importers  # noqa: F401  (registers the seismic importers)
