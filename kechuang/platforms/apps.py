from django.apps import AppConfig
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "kechuang.platforms"
    label = "platforms"
    verbose_name = _("Innovation platforms")

    def ready(self):
        from . import record_types  # noqa: F401  (registers the declared record types)

    def home_panels(self, user):
        from .models import Incubator, RDInstitution, Tenancy

        today = timezone.localdate()
        panels = []
        if user.has_perm("platforms.view_rdinstitution"):
            panels.append(
                {
                    "title": _("R&D institutions in force"),
                    "value": RDInstitution.objects.visible_to(user).in_force(today).count(),
                    "url": f"{reverse('platforms:rdinstitution-list')}?in_force_on={today}",
                }
            )
        if user.has_perm("platforms.view_incubator"):
            panels.append(
                {
                    "title": _("Incubators"),
                    "value": Incubator.objects.visible_to(user).count(),
                    "url": reverse("platforms:incubator-list"),
                }
            )
        if user.has_perm("platforms.view_tenancy"):
            panels.append(
                {
                    "title": _("Enterprises incubated today"),
                    "value": Tenancy.objects.visible_to(user).current_on(today).count(),
                    "url": f"{reverse('platforms:tenancy-list')}?current_on={today}",
                }
            )
        return panels
