from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "kechuang.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from kechuang.core.domain.choices import forget

        from . import declarations  # noqa: F401  (registers the declared record types)
        from .interfaces import importers  # noqa: F401  (registers the organisation importer)

        for model in ("registry.Town", "registry.Zone"):
            post_save.connect(forget, sender=model, dispatch_uid=f"choices-{model}-save")
            post_delete.connect(forget, sender=model, dispatch_uid=f"choices-{model}-delete")

    def latest_reported_on(self):
        """The end of the latest year with enterprises' yearly figures (indicator pages)."""
        import datetime as dt

        from django.db.models import Max

        from .models import EnterpriseYear

        year = EnterpriseYear.objects.aggregate(latest=Max("year"))["latest"]
        return dt.date(year, 12, 31) if year else None

    def home_panels(self, user):
        from .enums import OrganisationKind
        from .models import Organisation, Person

        panels = []
        if user.has_perm("registry.view_organisation"):
            organisations = Organisation.objects.visible_to(user)
            panels += [
                {
                    "title": _("Enterprises"),
                    "value": organisations.filter(kind=OrganisationKind.ENTERPRISE).count(),
                    "url": reverse("registry:organisation-list") + "?kind=enterprise",
                },
                {
                    "title": _("Universities and institutes"),
                    "value": organisations.exclude(kind=OrganisationKind.ENTERPRISE).count(),
                    "url": reverse("registry:organisation-list") + "?kind=institution",
                },
            ]
        # Each panel by the permission of the page it links to (a commissioner may see
        # organisations but not the people list).
        if user.has_perm("registry.view_person"):
            panels.append(
                {
                    "title": _("People"),
                    "value": Person.objects.visible_to(user).count(),
                    "url": reverse("registry:person-list"),
                }
            )
        return panels
