from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeismicConfig(AppConfig):
    name = "kechuang.seismic"
    label = "seismic"
    verbose_name = _("Earthquake prevention")

    def ready(self):
        from . import record_types  # noqa: F401  (registers the declared record types)

    def home_panels(self, user):
        """Open rectifications of seismic-safety inspections within the user's scope."""
        from django.urls import reverse

        from .models import Inspection

        if not user.has_perm("seismic.view_inspection"):
            return []
        count = Inspection.objects.visible_to(user).open_rectifications().count()
        return [
            {
                "title": _("Open seismic rectifications"),
                "value": count,
                "url": reverse("seismic:inspection-list") + "?open_rectification=true",
            }
        ]
