from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "kechuang.services"
    label = "services"
    verbose_name = _("Services")

    def home_panels(self, user):
        from .views_home import home_panels

        return home_panels(user)

    def ready(self):
        from . import record_types  # noqa: F401  (registers the declared record types)
