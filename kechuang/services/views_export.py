"""The training institutions' contact list as an Excel download: one row per contact with its
institution's name, town, address and operator. The institutions are those of the training
institution list with the same filters (``?town=…&status=…&q=…``), within the user's data
scope; the download is audited like every export."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views import View

from kechuang.core.domain.imports import Column
from kechuang.core.interfaces.excel import Export
from kechuang.core.record_views import excel_download
from kechuang.registry.record_types import of

from .models import InstitutionContact, TrainingInstitution

EXPORT = "services.export_traininginstitution"
VIEW_CONTACTS = "services.view_institutioncontact"


INSTITUTION_CONTACTS = Export(
    sheet="科技类校外培训机构联系人",
    columns=[
        Column("机构名称", "institution", "Institution"),
        Column("镇街道", "town", "Town"),
        Column("地址", "address", "Address"),
        Column("举办者", "operator", "Operator"),
        Column("联系人", "name", "Contact"),
        Column("职务", "role", "Role"),
        Column("联系电话", "phone", "Phone"),
        Column("电子邮箱", "email", "E-mail"),
    ],
    loader=lambda: InstitutionContact.objects.select_related("institution__town"),
    row=lambda c: {
        "institution": c.institution.name,
        "town": c.institution.town.name,
        "address": c.institution.address,
        "operator": c.institution.operator,
        "name": c.name,
        "role": c.role,
        "phone": c.phone,
        "email": c.email,
    },
)


def may_export_contacts(user) -> bool:
    """Whether ``user`` may download the contact list (the pages show the link then)."""
    return user.has_perm(EXPORT) and user.has_perm(VIEW_CONTACTS)


def contacts_of(user, query=None):
    """The contacts of the institutions the list shows ``user`` for ``query`` (its GET
    parameters), in the list's order by institution name; a bad filter gives none."""
    institutions = TrainingInstitution.objects.visible_to(user)
    filterset = of(TrainingInstitution).Filter(query or None, queryset=institutions)
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
