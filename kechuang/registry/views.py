import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.views import ScopedDetailView, ScopedListView, scoped_object_or_404

from .domain.organisations import save_from_form
from .enums import OrganisationKind
from .interfaces.exporters import write_organisations
from .interfaces.filters import OrganisationFilter, default_figures_year
from .interfaces.forms import OrganisationForm
from .models import EnterpriseYear, Organisation, Person, Qualification
from .rules import EXPORT_ORGANISATIONS


class OrganisationListView(ScopedListView):
    model = Organisation
    permission = "registry.view_organisation"
    filterset_class = OrganisationFilter
    template_name = "registry/organisation_list.html"
    table_template_name = "registry/_organisation_table.html"
    sort_fields = {
        "name": ("name",),
        "uscc": ("uscc",),
        "founded_on": ("founded_on",),
        "town": ("town__code",),
        "created_at": ("created_at",),
    }
    default_sort = "name"

    def get_queryset(self):
        year = self.figures_year
        return (
            super()
            .get_queryset()
            .select_related("town", "industry")
            .prefetch_related(
                "chains",
                Prefetch("years", EnterpriseYear.objects.filter(year=year), to_attr="shown_year"),
            )
        )

    @cached_property
    def figures_year(self) -> int:
        """The year whose figures the list shows: asked for, or the latest recorded."""
        try:
            return int(self.request.GET.get("year") or default_figures_year())
        except ValueError:
            return default_figures_year()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures_year"] = self.figures_year
        context["kinds"] = OrganisationKind.choices
        return context


class OrganisationDetailView(ScopedDetailView):
    model = Organisation
    permission = "registry.view_organisation"
    template_name = "registry/organisation_detail.html"

    def get_base_queryset(self):
        return Organisation.objects.select_related("town", "industry__parent").prefetch_related(
            "chains",
            "zones",
            "years",
            Prefetch("qualifications", Qualification.objects.select_related("kind")),
            Prefetch("people", Person.objects.select_related("title", "talent_level")),
        )

    def history_children(self):
        return [*self.object.years.all(), *self.object.qualifications.all()]


def _edit(request, form, template, success_url, context=None):
    if request.method == "POST" and form.is_valid():
        try:
            obj = save_from_form(form, request.user)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(success_url(obj))
    return render(request, template, {"form": form, **(context or {})})


@login_required
def organisation_create(request):
    if not request.user.has_perm("registry.add_organisation"):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    return _edit(request, form, "registry/organisation_form.html", lambda o: o.get_absolute_url())


@login_required
def organisation_edit(request, pk):
    org = scoped_object_or_404(request, Organisation, pk, "registry.change_organisation")
    form = OrganisationForm(request.POST or None, instance=org)
    return _edit(
        request,
        form,
        "registry/organisation_form.html",
        lambda o: o.get_absolute_url(),
        {"object": org},
    )


@login_required
def organisation_export(request):
    """Exactly the filtered list, in the import template's columns."""
    if not request.user.has_perm(EXPORT_ORGANISATIONS):
        raise PermissionDenied
    view = OrganisationListView()
    view.setup(request)
    queryset = view.filtered_queryset()
    year = view.figures_year
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
    count = write_organisations(spool, queryset, year)
    chain.record(
        AuditAction.EXPORT,
        changes={"filters": request.GET.dict(), "rows": count},
        comment=_("Organisation list export"),
    )
    spool.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(spool, as_attachment=True, filename=f"主体库-{stamp}.xlsx")
