"""The training institutions' contact list as an Excel download: one row per contact with its
institution's name, town, address and operator. The institutions are those of the training
institution list with the same filters (``?town=…&status=…&q=…``), within the user's data
scope; the download is audited like every export."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views import View

from kechuang.core.record_views import excel_download

from .interfaces.exporters import INSTITUTION_CONTACTS
from .interfaces.filters import TrainingInstitutionFilter
from .models import InstitutionContact, TrainingInstitution

EXPORT = "services.export_traininginstitution"
VIEW_CONTACTS = "services.view_institutioncontact"


def may_export_contacts(user) -> bool:
    """Whether ``user`` may download the contact list (the pages show the link then)."""
    return user.has_perm(EXPORT) and user.has_perm(VIEW_CONTACTS)


def contacts_of(user, query=None):
    """The contacts of the institutions the list shows ``user`` for ``query`` (its GET
    parameters), in the list's order by institution name; a bad filter gives none."""
    institutions = TrainingInstitution.objects.visible_to(user)
    filterset = TrainingInstitutionFilter(query or None, queryset=institutions)
    if filterset.is_bound and not filterset.is_valid():
        return InstitutionContact.objects.none()
    chosen = filterset.qs if filterset.is_bound else institutions
    return (
        InstitutionContact.objects.visible_to(user)
        .filter(institution__in=chosen.values("pk"))
        .order_by("institution__name", "institution_id", "id")
    )


class InstitutionContactsExportView(LoginRequiredMixin, View):
    def get(self, request):
        if not may_export_contacts(request.user):
            raise PermissionDenied
        return excel_download(
            request,
            INSTITUTION_CONTACTS,
            contacts_of(request.user, request.GET),
            _("Training institution contact list export"),
        )
