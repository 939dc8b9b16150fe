from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "kechuang.indicators"
    label = "indicators"
    verbose_name = _("Indicators and reports")

    def ready(self):
        from .engine import autodiscover

        autodiscover()
