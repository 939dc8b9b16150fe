from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "kechuang.projects"
    label = "projects"
    verbose_name = _("Plan projects")

    def ready(self):
        from kechuang.core.domain.attachments import register_access

        from . import record_types  # noqa: F401  (registers the declared record types)
        from .domain import files
        from .interfaces import importers  # noqa: F401  (registers the plan-project importers)
        from .models import Application

        register_access(Application, can_view=files.can_view, can_change=files.can_change)

    def home_panels(self, user):
        from .domain.portal import home_panels

        return home_panels(user)
