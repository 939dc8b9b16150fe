from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorAccess(models.Model):
    """No table: it carries the permission to see the indicators (Django keeps permissions per
    model), so that roles grant it like any other."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_indicators", _("Can view the indicators, the dashboard and the drill-downs"))
        ]
        verbose_name = _("indicator access")

    def __str__(self):
        return str(self._meta.verbose_name)
