"""Pages of the innovation platforms.

Every kind of record has the same pages: a list (filters, search, sort, pages, export), a
detail page (facts, the records entered on it, history) and a form. The shapes live in the
classes below; each kind declares only what differs: its columns, facts and sections. Records
entered on a parent's page (an institute's talents, an incubator's tenants …) have forms under
the parent's address, reachable by whoever may see the parent and add such records.
"""

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.views import ScopedDetailView, ScopedListView, scoped_object_or_404

from . import models
from . import views_rd as rd_actions
from .domain import rd
from .domain.records import save_record
from .interfaces import exporters, filters, forms
from .interfaces.display import Shown, record_url
from .rules import EXPORT_PLATFORMS, IMPORT_PLATFORMS


def perm(action: str, model) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def url_name(model, page: str) -> str:
    return f"platforms:{model._meta.model_name}-{page}"


def labelled(model, columns: list[Shown]) -> list[tuple[Shown, str]]:
    return [(column, column.label_for(model)) for column in columns]


# The shared shapes ------------------------------------------------------------------------------


class RecordListView(ScopedListView):
    """A list of one kind of record, rendered from its ``columns`` (those with a ``sort``
    expression sort). ``export`` and ``importer`` offer the Excel export and import."""

    template_name = "platforms/record_list.html"
    table_template_name = "platforms/_record_table.html"
    columns: list[Shown] = []
    related: tuple[str, ...] = ()  # select_related of what the columns read
    export: exporters.Export | None = None
    importer = ""  # key of the registered importer
    creatable = True  # False for records added on their parent's page

    @property
    def permission(self):
        return perm("view", self.model)

    @property
    def sort_fields(self):
        return {column.key: (column.sort,) for column in self.columns if column.sort}

    def get_queryset(self):
        return super().get_queryset().select_related(*self.related)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, model = self.request.user, self.model
        context.update(
            title=capfirst(model._meta.verbose_name_plural),
            columns=labelled(model, self.columns),
            list_url=reverse(url_name(model, "list")),
            create_url=reverse(url_name(model, "create"))
            if self.creatable and user.has_perm(perm("add", model))
            else "",
            export_url=reverse(url_name(model, "export"))
            if self.export and user.has_perm(EXPORT_PLATFORMS)
            else "",
            import_key=self.importer if self.importer and user.has_perm(IMPORT_PLATFORMS) else "",
        )
        return context


class RecordExportView(LoginRequiredMixin, View):
    """Exactly the filtered list, in the import template's columns."""

    list_view: type[RecordListView] | None = None

    def get(self, request):
        if not request.user.has_perm(EXPORT_PLATFORMS):
            raise PermissionDenied
        view = self.list_view()
        view.setup(request)
        view.check_permission()
        export = view.export
        spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
        count = export.write(spool, view.filtered_queryset())
        chain.record(
            AuditAction.EXPORT,
            changes={"filters": request.GET.dict(), "rows": count},
            comment=_("%(list)s export") % {"list": capfirst(view.model._meta.verbose_name_plural)},
        )
        spool.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(spool, as_attachment=True, filename=f"{export.sheet}-{stamp}.xlsx")


@dataclass
class Section:
    """Records shown in a table on another record's page."""

    title: str
    columns: list[tuple[Shown, str]]
    records: list
    edit_url: Callable[[object], str] | None = None  # a record's edit page, if it may be edited
    add_url: str = ""
    list_url: str = ""  # the same records in their own list (to filter, sort, export)
    group: Shown | None = None  # rows start a new group where this value changes
    note: str = ""
    key: str = ""  # names the section for tests and styles

    @cached_property
    def items(self) -> list[dict]:
        """Rows to show: each group (or the section) opens with a header giving its size, and
        lists at most ``SECTION_ROWS`` records; the rest are a click away in the list."""
        items, groups = [], {}
        for record in self.records:
            label = self.group.value_of(record) if self.group else None
            group = groups.get(label)
            if group is None:
                group = groups[label] = {"header": label, "count": 0, "url": self.group_url(record)}
                if self.group:
                    items.append(group)
            group["count"] += 1
            if group["count"] <= SECTION_ROWS:
                edit_url = self.edit_url(record) if self.edit_url else ""
                items.append({"record": record, "edit_url": edit_url})
        for group in groups.values():
            group["more"] = group["count"] > SECTION_ROWS
        return items

    @cached_property
    def hidden(self) -> int:
        """Records of the section not shown on the page."""
        return len(self.records) - sum(1 for item in self.items if "record" in item)

    def group_url(self, record) -> str:
        if not (self.group and self.list_url):
            return self.list_url
        return f"{self.list_url}&{self.group.path}={getattr(record, self.group.path)}"


SECTION_ROWS = 10  # records shown per section (or per group of one) on a detail page


class RecordDetailView(ScopedDetailView):
    """A record's facts, the sections of records shown with it, and its history."""

    template_name = "platforms/record_detail.html"
    facts: list[Shown] = []
    related: tuple[str, ...] = ()

    @property
    def permission(self):
        return perm("view", self.model)

    def get_base_queryset(self):
        return self.model._default_manager.select_related(*self.related)

    def get_context_data(self, **kwargs):
        model, user = self.model, self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            title=str(self.object),
            kind=capfirst(model._meta.verbose_name),
            facts=labelled(model, self.facts),
            sections=self.sections(),
            list_url=reverse(url_name(model, "list")),
            edit_url=reverse(url_name(model, "edit"), args=[self.object.pk])
            if user.has_perm(perm("change", model), self.object)
            else "",
        )
        return context

    def sections(self) -> list[Section]:
        return []

    @property
    def today(self) -> dt.date:
        return timezone.localdate()

    def visible(self, model):
        return model.objects.visible_to(self.request.user)

    def children(self, records, columns, *, model=None, group=None, note="") -> Section:
        """The records entered on this page (added and edited under this record's address);
        ``list_url`` filters their list by this record where they have one."""
        model = model or records.model
        user, parent = self.request.user, self.object.pk
        edit_name = url_name(model, "edit")
        parent_field = next(f.name for f in model._meta.fields if f.related_model is self.model)
        return Section(
            title=capfirst(model._meta.verbose_name_plural),
            columns=labelled(model, columns),
            records=list(records),
            edit_url=(lambda r: reverse(edit_name, args=[parent, r.pk]))
            if user.has_perm(perm("change", model))
            else None,
            add_url=reverse(url_name(model, "create"), args=[parent])
            if user.has_perm(perm("add", model))
            else "",
            list_url=self.list_of(model, f"?{parent_field}={parent}"),
            group=group,
            note=note,
            key=model._meta.model_name,
        )

    def related_records(self, title, records, columns, *, model=None) -> Section:
        """Records shown here but kept elsewhere (each links to its own page)."""
        model = model or records.model
        return Section(title=title, columns=labelled(model, columns), records=list(records))

    @staticmethod
    def list_of(model, query: str) -> str:
        try:
            return reverse(url_name(model, "list")) + query
        except NoReverseMatch:  # a kind without a list of its own
            return ""


class RecordEditView(LoginRequiredMixin, View):
    """Create (with the add permission) or edit (the record in scope, with the change
    permission) a record through ``form_class``. An edit names the version it started from."""

    form_class = None
    template_name = "platforms/record_form.html"

    @property
    def model(self):
        return self.form_class._meta.model

    def get(self, request, pk=None, **kwargs):
        record = self.record(pk)
        # A new record may start from values in the address (?platform=3 from a platform's page).
        fields = self.form_class.base_fields
        initial = {} if pk else {k: v for k, v in request.GET.items() if k in fields}
        form = self.form_class(
            request.POST or None, instance=record, user=request.user, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            try:
                saved = self.save(form)
            except ConcurrentEditError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.success_url(saved))
        context = {
            "form": form,
            "object": record if pk else None,
            "kind": capfirst(self.model._meta.verbose_name),
            "cancel_url": self.cancel_url(record if pk else None),
            "parent": getattr(self, "parent", None),
        }
        return render(request, self.template_name, context)

    post = get

    def save(self, form):
        return save_record(form, self.request.user)

    def record(self, pk):
        if pk:
            return scoped_object_or_404(self.request, self.model, pk, perm("change", self.model))
        if not self.request.user.has_perm(perm("add", self.model)):
            raise PermissionDenied
        return self.model()

    def success_url(self, record) -> str:
        return record_url(record)

    def cancel_url(self, record) -> str:
        return record_url(record) if record else reverse(url_name(self.model, "list"))


class ChildEditView(RecordEditView):
    """A record entered on its parent's page: the parent must be within the user's scope (else
    404); the record must belong to it."""

    @property
    def parent_model(self):
        return self.model._meta.get_field(self.form_class.parent).related_model

    def record(self, pk):
        parent_model = self.parent_model
        self.parent = scoped_object_or_404(
            self.request, parent_model, self.kwargs["parent_pk"], perm("view", parent_model)
        )
        record = super().record(pk)
        if not pk:
            setattr(record, self.form_class.parent, self.parent)
        elif getattr(record, f"{self.form_class.parent}_id") != self.parent.pk:
            raise Http404
        return record

    def success_url(self, record) -> str:
        return record_url(self.parent)

    def cancel_url(self, record) -> str:
        return record_url(self.parent)


# R&D institutions ------------------------------------------------------------------------------

LEVEL = Shown("level", sort="level__sort")


class RDInstitutionList(RecordListView):
    model = models.RDInstitution
    filterset_class = filters.RDInstitutionFilter
    related = ("host__town", "level")
    columns = [
        Shown("name", sort="name", link=True),
        Shown("host", sort="host__name"),
        Shown("host__town", label=gettext_lazy("Town")),
        LEVEL,
        Shown("certified_year", sort="certified_year"),
        Shown("certified_on", sort="certified_on"),
        Shown("ended_on", sort="ended_on"),
    ]
    default_sort = "-certified_year"
    export = exporters.RD_INSTITUTIONS
    importer = "platforms.rdinstitution"


class RDInstitutionEdit(RecordEditView):
    """A new certification is certified through the lifecycle (``rd.certify``: the record, its
    "certified" event and the audited step); an edit corrects the record's facts."""

    form_class = forms.RDInstitutionForm

    def save(self, form):
        if form.instance.pk:
            return super().save(form)
        data = form.cleaned_data
        return rd.certify(
            host=data["host"],
            name=data["name"],
            level=data["level"],
            year=data["certified_year"],
            on=data["certified_on"],
            batch=data["batch"],
            document_number=data["document_number"],
            actor=self.request.user,
        )


class RDInstitutionDetail(RecordDetailView):
    model = models.RDInstitution
    related = ("host__town", "level__parent", "successor")
    facts = [
        Shown("host"),
        Shown("host__uscc"),
        Shown("level__parent", label=gettext_lazy("Tier")),
        Shown("level"),
        Shown("certified_year"),
        Shown("certified_on"),
        Shown("batch"),
        Shown("document_number"),
        Shown("in_force_today", label=gettext_lazy("In force today")),
        Shown("ended_on"),
        Shown("end_reason"),
        Shown("successor"),
    ]

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        record.in_force_today = record.in_force_on(self.today)
        return record

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record, user = self.object, self.request.user
        if record.ended_on is None and user.has_perm(perm("change", record), record):
            context["actions"] = [
                {
                    "key": key,
                    "label": label,
                    "url": reverse(url_name(record, key), args=[record.pk]),
                }
                for key, label in rd_actions.LABELS.items()
            ]
        return context

    def sections(self):
        record = self.object
        events = self.visible(models.RDInstitutionEvent).filter(institution=record)
        others = list(
            self.visible(models.RDInstitution)
            .filter(host=record.host_id)
            .exclude(pk=record.pk)
            .select_related("level")
            .order_by("certified_on", "pk")
        )
        for other in others:
            other.in_force_today = other.in_force_on(self.today)
        columns = [
            Shown("name", link=True),
            LEVEL,
            Shown("certified_on"),
            Shown("ended_on"),
            Shown("end_reason"),
            Shown("in_force_today", label=gettext_lazy("In force today")),
        ]
        # The events come from the lifecycle steps only: none is added or edited by hand.
        history = self.related_records(
            capfirst(models.RDInstitutionEvent._meta.verbose_name_plural),
            events,
            [
                Shown("happened_on"),
                Shown("kind"),
                Shown("old_name"),
                Shown("new_name"),
                Shown("document_number"),
                Shown("note"),
            ],
        )
        history.key = models.RDInstitutionEvent._meta.model_name
        return [
            history,
            self.related_records(
                _("Other certifications of the host"), others, columns, model=models.RDInstitution
            ),
        ]

    def history_children(self):
        return list(self.object.events.all())


# New-type R&D institutes -----------------------------------------------------------------------

INSTITUTE = Shown("institute", sort="institute__organisation__name")


class InstituteList(RecordListView):
    model = models.Institute
    filterset_class = filters.InstituteFilter
    related = ("organisation__town", "partner", "focus_chain")
    columns = [
        Shown(
            "organisation",
            label=gettext_lazy("Institute"),
            link=True,
            sort="organisation__name",
        ),
        Shown("partner", sort="partner__name"),
        Shown("organisation__town", label=gettext_lazy("Town")),
        Shown("focus_chain"),
        Shown("signed_on", sort="signed_on"),
        Shown("unveiled_on", sort="unveiled_on"),
    ]
    default_sort = "signed_on"


class InstituteDetail(RecordDetailView):
    model = models.Institute
    related = ("organisation__town", "partner", "focus_chain")
    facts = [
        Shown("code"),
        Shown("organisation"),
        Shown("organisation__town", label=gettext_lazy("Town")),
        Shown("partner"),
        Shown("signed_on"),
        Shown("signed_precision"),
        Shown("unveiled_on"),
        Shown("unveiled_precision"),
        Shown("focus_chain"),
        Shown("focus"),
        Shown("area_m2"),
        Shown("council_chair"),
        Shown("council"),
    ]

    def sections(self):
        institute = self.object
        talents = self.visible(models.InstituteTalent).filter(institute=institute)
        projects = self.visible(models.IncubationProject).filter(institute=institute)
        records = self.visible(models.InstituteRecord).filter(institute=institute)
        reports = self.visible(models.InstituteReport).filter(institute=institute)
        return [
            self.children(
                talents.select_related("person"),
                [Shown("person"), Shown("role"), Shown("joined_on"), Shown("left_on")],
            ),
            self.children(
                projects.select_related("company"),
                [
                    Shown("name"),
                    Shown("status"),
                    Shown("company"),
                    Shown("field"),
                    Shown("started_on"),
                    Shown("signed_on"),
                    Shown("landed_on"),
                ],
            ),
            self.children(
                records.select_related("partner"),
                [
                    Shown("name"),
                    Shown("partner"),
                    Shown("occurred_on"),
                    Shown("ended_on"),
                    Shown("level"),
                    Shown("amount", numeric=True),
                ],
                group=Shown("kind"),
            ),
            self.children(reports, REPORT_COLUMNS),
        ]


class InstituteTalentList(RecordListView):
    model = models.InstituteTalent
    filterset_class = filters.InstituteTalentFilter
    related = ("person", "institute__organisation")
    creatable = False
    columns = [
        Shown("person", sort="person__name"),
        INSTITUTE,
        Shown("role", sort="role"),
        Shown("joined_on", sort="joined_on"),
        Shown("left_on", sort="left_on"),
    ]
    default_sort = "-joined_on"
    export = exporters.INSTITUTE_TALENTS
    importer = "platforms.institutetalent"


class IncubationProjectList(RecordListView):
    model = models.IncubationProject
    filterset_class = filters.IncubationProjectFilter
    related = ("institute__organisation", "company")
    creatable = False
    columns = [
        Shown("name", sort="name"),
        INSTITUTE,
        Shown("status", sort="status"),
        Shown("company"),
        Shown("started_on", sort="started_on"),
        Shown("signed_on", sort="signed_on"),
        Shown("landed_on", sort="landed_on"),
    ]
    default_sort = "-started_on"
    export = exporters.INCUBATION_PROJECTS
    importer = "platforms.incubationproject"


class InstituteRecordList(RecordListView):
    model = models.InstituteRecord
    filterset_class = filters.InstituteRecordFilter
    related = ("institute__organisation", "partner")
    creatable = False
    columns = [
        Shown("name", sort="name"),
        INSTITUTE,
        Shown("kind", sort="kind"),
        Shown("partner"),
        Shown("occurred_on", sort="occurred_on"),
        Shown("level"),
        Shown("amount", numeric=True, sort="amount"),
    ]
    default_sort = "-occurred_on"
    export = exporters.INSTITUTE_RECORDS
    importer = "platforms.instituterecord"


REPORT_COLUMNS = [
    Shown("year", sort="year"),
    Shown("period"),
    Shown("revenue", numeric=True),
    Shown("tech_income", numeric=True),
    Shown("rd_spending", numeric=True),
    Shown("patents_filed", numeric=True),
    Shown("patents_granted", numeric=True),
    Shown("enterprises_served", numeric=True),
    Shown("submitted_on"),
]


class InstituteReportList(RecordListView):
    """Self-reported KPI reports of the institutes (figures the institutes state)."""

    model = models.InstituteReport
    filterset_class = filters.InstituteReportFilter
    related = ("institute__organisation",)
    creatable = False
    columns = [INSTITUTE, *REPORT_COLUMNS]
    default_sort = "-year"
    export = exporters.INSTITUTE_REPORTS
    importer = "platforms.institutereport"


# Incubators ------------------------------------------------------------------------------------

INCUBATOR = Shown("incubator", sort="incubator__name")


class IncubatorList(RecordListView):
    model = models.Incubator
    filterset_class = filters.IncubatorFilter
    related = ("operator", "town", "zone")
    columns = [
        Shown("name", sort="name", link=True),
        Shown("kind", sort="kind"),
        Shown("level", sort="level"),
        Shown("operator"),
        Shown("town", sort="town__code"),
        Shown("off_site_city"),
        Shown("incubation_area_m2", numeric=True, sort="incubation_area_m2"),
        Shown("current_tenants", label=gettext_lazy("Incubated today"), numeric=True),
        Shown("opened_on", sort="opened_on"),
    ]
    default_sort = "name"
    export = exporters.INCUBATORS
    importer = "platforms.incubator"

    def get_queryset(self):
        current = (
            models.Tenancy.objects.current_on(timezone.localdate())
            .filter(incubator=OuterRef("pk"))
            .values("incubator")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset().annotate(current_tenants=Coalesce(Subquery(current), 0))


class IncubatorDetail(RecordDetailView):
    model = models.Incubator
    related = ("operator", "town", "zone")
    facts = [
        Shown("code"),
        Shown("kind"),
        Shown("level"),
        Shown("operator"),
        Shown("town"),
        Shown("zone"),
        Shown("off_site_city"),
        Shown("address"),
        Shown("floors"),
        Shown("building_area_m2"),
        Shown("incubation_area_m2"),
        Shown("investment"),
        Shown("opened_on"),
    ]

    def sections(self):
        incubator = self.object
        tenancies = list(
            self.visible(models.Tenancy).filter(incubator=incubator).select_related("enterprise")
        )
        current = set(
            models.Tenancy.objects.current_on(self.today)
            .filter(incubator=incubator)
            .values_list("pk", flat=True)
        )
        for tenancy in tenancies:
            tenancy.current = tenancy.pk in current
        talents = self.visible(models.IncubatorTalent).filter(incubator=incubator)
        events = self.visible(models.SigningEvent).filter(incubator=incubator)
        return [
            self.children(
                tenancies,
                [
                    Shown("enterprise"),
                    Shown("entered_on"),
                    Shown("exited_on"),
                    Shown("exit_reason"),
                    Shown("current", label=gettext_lazy("Incubated today")),
                ],
                model=models.Tenancy,
                note=_("%(count)d enterprises incubated today.") % {"count": len(current)},
            ),
            self.children(
                talents.select_related("talent_level", "enterprise"),
                [
                    Shown("name"),
                    Shown("talent_level"),
                    Shown("enterprise"),
                    Shown("introduced_on"),
                ],
            ),
            self.related_records(
                capfirst(models.SigningEvent._meta.verbose_name_plural),
                events,
                [Shown("name", link=True), Shown("held_on"), Shown("city")],
            ),
        ]


class TenancyList(RecordListView):
    model = models.Tenancy
    filterset_class = filters.TenancyFilter
    related = ("incubator", "enterprise")
    creatable = False
    columns = [
        Shown("enterprise", sort="enterprise__name"),
        Shown("enterprise__uscc"),
        INCUBATOR,
        Shown("entered_on", sort="entered_on"),
        Shown("exited_on", sort="exited_on"),
        Shown("exit_reason"),
    ]
    default_sort = "-entered_on"
    export = exporters.TENANCIES
    importer = "platforms.tenancy"


class IncubatorTalentList(RecordListView):
    model = models.IncubatorTalent
    filterset_class = filters.IncubatorTalentFilter
    related = ("incubator", "talent_level", "enterprise")
    creatable = False
    columns = [
        Shown("name", sort="name"),
        INCUBATOR,
        Shown("talent_level"),
        Shown("enterprise"),
        Shown("introduced_on", sort="introduced_on"),
    ]
    default_sort = "-introduced_on"
    export = exporters.INCUBATOR_TALENTS
    importer = "platforms.incubatortalent"


# Zones, agriculture, signings, major projects --------------------------------------------------


class ZoneEvaluationList(RecordListView):
    model = models.ZoneEvaluation
    filterset_class = filters.ZoneEvaluationFilter
    related = ("zone",)
    columns = [
        Shown("year", sort="year"),
        Shown("zone_name", sort="zone_name", link=True),
        Shown("zone"),
        Shown("grade", sort="grade"),
        Shown("score", numeric=True, sort="score"),
        Shown("award"),
        Shown("document_number"),
    ]
    default_sort = "-year"
    export = exporters.ZONE_EVALUATIONS
    importer = "platforms.zoneevaluation"


class ZoneEvaluationDetail(RecordDetailView):
    model = models.ZoneEvaluation
    related = ("zone",)
    facts = [
        Shown("year"),
        Shown("zone_name"),
        Shown("zone"),
        Shown("grade"),
        Shown("score"),
        Shown("award"),
        Shown("document_number"),
    ]


class AgriPlatformList(RecordListView):
    model = models.AgriPlatform
    filterset_class = filters.AgriPlatformFilter
    related = ("host",)
    columns = [
        Shown("name", sort="name", link=True),
        Shown("kind", sort="kind"),
        Shown("host", sort="host__name"),
        Shown("established_on", sort="established_on"),
        Shown("focus"),
    ]
    default_sort = "-established_on"
    export = exporters.AGRI_PLATFORMS
    importer = "platforms.agriplatform"


class AgriPlatformDetail(RecordDetailView):
    model = models.AgriPlatform
    related = ("host",)
    facts = [
        Shown("kind"),
        Shown("host"),
        Shown("established_on"),
        Shown("focus"),
    ]

    def sections(self):
        platform = self.object
        user = self.request.user
        academicians = self.visible(models.AcademicianCooperation).filter(platform=platform)
        section = self.related_records(
            capfirst(models.AcademicianCooperation._meta.verbose_name_plural),
            academicians.select_related("institution"),
            [
                Shown("academician", link=True),
                Shown("academy"),
                Shown("institution"),
                Shown("signed_on"),
                Shown("topic"),
            ],
        )
        if user.has_perm(perm("add", models.AcademicianCooperation)):
            section.add_url = (
                reverse(url_name(models.AcademicianCooperation, "create"))
                + f"?platform={platform.pk}"
            )
        section.list_url = self.list_of(models.AcademicianCooperation, f"?platform={platform.pk}")
        partners = self.related_records(
            _("Partners"), platform.partners.all(), [Shown("name", link=True), Shown("uscc")]
        )
        return [partners, section]


class AcademicianCooperationList(RecordListView):
    model = models.AcademicianCooperation
    filterset_class = filters.AcademicianCooperationFilter
    related = ("institution", "platform")
    columns = [
        Shown("academician", sort="academician", link=True),
        Shown("academy", sort="academy"),
        Shown("institution"),
        Shown("platform", sort="platform__name"),
        Shown("signed_on", sort="signed_on"),
        Shown("topic"),
    ]
    default_sort = "-signed_on"
    export = exporters.ACADEMICIAN_COOPERATIONS
    importer = "platforms.academiciancooperation"


class AcademicianCooperationDetail(RecordDetailView):
    model = models.AcademicianCooperation
    related = ("institution", "platform")
    facts = [
        Shown("academician"),
        Shown("academy"),
        Shown("institution"),
        Shown("platform"),
        Shown("signed_on"),
        Shown("topic"),
    ]


class SigningEventList(RecordListView):
    model = models.SigningEvent
    filterset_class = filters.SigningEventFilter
    related = ("incubator",)
    columns = [
        Shown("name", sort="name", link=True),
        Shown("held_on", sort="held_on"),
        Shown("city", sort="city"),
        Shown("incubator"),
        Shown("project_count", label=gettext_lazy("Projects"), numeric=True),
        Shown("investment", label=gettext_lazy("Investment (10k yuan)"), numeric=True),
    ]
    default_sort = "-held_on"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(project_count=Count("projects"), investment=Sum("projects__investment"))
        )


class SigningEventDetail(RecordDetailView):
    model = models.SigningEvent
    related = ("incubator",)
    facts = [Shown("held_on"), Shown("city"), Shown("place"), Shown("incubator")]

    def sections(self):
        projects = self.visible(models.SignedProject).filter(event=self.object)
        total = projects.aggregate(total=Sum("investment"))["total"]
        note = _("Total investment: %(total)s (10k yuan).") % {"total": f"{total or 0:,.2f}"}
        return [
            self.children(
                projects.select_related("field", "origin"),
                [
                    Shown("name"),
                    Shown("field"),
                    Shown("origin"),
                    Shown("investment", numeric=True),
                    Shown("investor"),
                ],
                note=note,
            )
        ]

    def history_children(self):
        return list(self.object.projects.all())


class SignedProjectList(RecordListView):
    model = models.SignedProject
    filterset_class = filters.SignedProjectFilter
    related = ("event", "field", "origin")
    creatable = False
    columns = [
        Shown("name", sort="name"),
        Shown("event", sort="event__held_on"),
        Shown("field", sort="field__sort"),
        Shown("origin", sort="origin__sort"),
        Shown("investment", numeric=True, sort="investment"),
        Shown("investor"),
    ]
    default_sort = "-event"
    export = exporters.SIGNED_PROJECTS
    importer = "platforms.signedproject"


class MajorProjectList(RecordListView):
    model = models.MajorProject
    filterset_class = filters.MajorProjectFilter
    related = ("chain", "town")
    columns = [
        Shown("name", sort="name", link=True),
        Shown("code", sort="code"),
        Shown("chain"),
        Shown("town", sort="town__code"),
        Shown("landed_on", sort="landed_on"),
        Shown("investment", numeric=True, sort="investment"),
        Shown("output_at_capacity", numeric=True, sort="output_at_capacity"),
    ]
    default_sort = "-landed_on"
    export = exporters.MAJOR_PROJECTS
    importer = "platforms.majorproject"


class MajorProjectDetail(RecordDetailView):
    model = models.MajorProject
    related = ("chain", "town")
    facts = [
        Shown("code"),
        Shown("chain"),
        Shown("town"),
        Shown("landed_on"),
        Shown("investment"),
        Shown("capacity"),
        Shown("capacity_unit"),
        Shown("output_at_capacity"),
    ]

    def sections(self):
        stages = self.visible(models.MajorProjectStage).filter(project=self.object)
        return [self.children(stages, [Shown("name"), Shown("planned_on"), Shown("done_on")])]

    def history_children(self):
        return list(self.object.stages.all())
