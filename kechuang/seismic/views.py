"""Pages of earthquake prevention (防震减灾): each kind of record declares its columns, facts and
sections on the shared shapes of :mod:`kechuang.core.record_views`.

The required fortification is never stored: lists ask the rules in SQL (``with_requirement()``)
for the required class and measures and the "below the requirement" flag; a project's and an
inspection's page show the rules applied step by step (``fortification.Evaluation.steps``), each
step with its source.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from kechuang.core import record_views
from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.interfaces.display import EMPTY, Shown
from kechuang.core.record_views import ChildEditView, RecordDetailView, perm
from kechuang.core.views import scoped_object_or_404

from . import models
from .domain import fortification as fx
from .domain import records, requirement
from .enums import FortificationClass
from .interfaces import exporters, filters, forms

# What a cell shows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Coded(Shown):
    """A code computed in SQL (no ``get_<field>_display``), shown as its choice's label."""

    choices: type | None = None

    def value_of(self, obj):
        value = getattr(obj, self.path, None)
        if value in (None, ""):
            return EMPTY
        try:
            return self.choices(value).label
        except ValueError:
            return str(value)


@dataclass(frozen=True)
class Flag(Shown):
    """The computed "below the requirement" flag: a red badge; "meets" in green; nothing when
    the requirement or the design is unknown."""

    path: str = requirement.BELOW
    label: str = gettext_lazy("Below the requirement")

    def value_of(self, obj):
        below = getattr(obj, self.path, None)
        if below is None:
            return EMPTY
        if below:
            return format_html(
                '<span class="badge bg-red text-red-fg" data-testid="flag-below">{}</span>',
                _("Below the requirement"),
            )
        return format_html('<span class="badge bg-green-lt">{}</span>', _("Meets the requirement"))


REQUIRED_CLASS = Coded(
    requirement.REQUIRED_CLASS, label=gettext_lazy("Required class"), choices=FortificationClass
)
REQUIRED_MEASURES = Shown(
    requirement.REQUIRED_MEASURES,
    label=gettext_lazy("Required measures intensity"),
    numeric=True,
)
FLAG = Flag(sort=requirement.BELOW)
TOWN = Shown("town", sort="town__code")


class RecordListView(record_views.RecordListView):
    """An earthquake-prevention list: the Excel export of the IO helper's ``EXPORTS`` under the
    model's name, its importer ``seismic.<model>``, each behind its own permission."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.model._meta.model_name
        cls.export = exporters.EXPORTS.get(name)
        cls.importer = f"seismic.{name}"
        cls.export_permission = f"seismic.export_{name}"
        cls.import_permission = f"seismic.import_{name}"


class DetailView(RecordDetailView):
    """A record's page; ``attachments`` adds the record's files, ``requirement_panel()`` the
    rules applied to it."""

    template_name = "seismic/record_detail.html"
    attachments = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attachments"] = self.attachments
        context["requirement"] = self.requirement_panel()
        return context

    def requirement_panel(self) -> dict | None:
        return None


# The rules applied, shown next to their result ---------------------------------------------------


def _class_label(cls: fx.FortificationClass) -> str:
    return FortificationClass(cls.code).label


SHORTFALL_LABELS = {
    fx.SHORT_OF_CLASS: gettext_lazy("The designed class is below the required class."),
    fx.SHORT_OF_MEASURES: gettext_lazy(
        "The designed measures intensity is below the required one."
    ),
}


def requirement_of(
    project: models.ConstructionProject,
    designed: int | None = None,
    user=None,
    designed_class: str | None = None,
):
    """The required fortification of ``project`` for its page: ``rows`` (label, value) of the
    result, ``steps`` (each rule applied with its source), ``below`` (the flag, None when there
    is no design to judge), ``shortfalls`` (what the design falls short in: its class, its
    measures) and ``problem`` (why the requirement cannot be worked out, e.g. the town has no
    zonation setting, with ``fix_url`` to enter it). Without ``designed``, the design is the
    latest inspection's the user may see."""
    panel = {
        "rows": [],
        "steps": [],
        "below": None,
        "shortfalls": [],
        "problem": "",
        "fix_url": "",
    }
    try:
        needed = project.class_requirement()
    except fx.FortificationError as error:
        panel["problem"] = str(error)
        return panel
    panel["rows"].append((_("Required class"), _class_label(needed.fortification_class)))
    panel["steps"] = list(needed.steps)
    try:
        measures = project.required_measures()
    except models.MissingZonationError as error:
        panel["problem"] = str(error)
        if user is not None and user.has_perm("seismic.add_townzonation"):
            panel["fix_url"] = reverse("seismic:townzonation-create") + f"?town={project.town_id}"
        return panel
    panel["rows"] += [
        (_("Basic peak ground acceleration"), fx.format_pga(measures.pga)),
        (_("Fortification intensity"), _("%(n)d degrees") % {"n": measures.site_intensity}),
        (
            _("Required measures intensity"),
            _("%(n)d degrees") % {"n": measures.measures_intensity}
            + (f" ({measures.note})" if measures.note else ""),
        ),
    ]
    panel["steps"] += list(measures.steps)
    if designed is None:
        latest = project.latest_inspection(user)
        designed = latest.designed_measures_intensity if latest else None
        designed_class = latest.designed_class if latest else None
    if designed is not None:
        evaluation = project.evaluation(designed, designed_class)
        panel["steps"] = list(evaluation.steps)
        panel["below"] = evaluation.below_requirement
        panel["shortfalls"] = [SHORTFALL_LABELS[s] for s in evaluation.shortfalls]
        if evaluation.designed_class is not None:
            panel["rows"].append((_("Designed class"), _class_label(evaluation.designed_class)))
        panel["rows"].append(
            (_("Designed measures intensity"), _("%(n)d degrees") % {"n": designed})
        )
    return panel


# Zonation --------------------------------------------------------------------------------------


# Construction projects and inspections ----------------------------------------------------------

INSPECTION_COLUMNS = [
    Shown("inspected_on", link=True, sort="inspected_on"),
    Shown("inspectors"),
    Shown("designed_class"),
    Shown("designed_measures_intensity", numeric=True, sort="designed_measures_intensity"),
    REQUIRED_MEASURES,
    Shown("finding", sort="finding"),
    FLAG,
    Shown("rectification_required"),
    Shown("rectified_on"),
]


class ConstructionProjectList(RecordListView):
    model = models.ConstructionProject
    filterset_class = filters.ConstructionProjectFilter
    related = ("town", "owner")
    columns = [
        Shown("name", sort="name", link=True),
        Shown("owner_display", label=pgettext_lazy("construction", "Owner")),
        TOWN,
        Shown("kind", sort="kind"),
        Shown("building_use", sort="building_use"),
        Shown("start_year", sort="start_year"),
        REQUIRED_CLASS,
        REQUIRED_MEASURES,
        Shown(
            filters.LATEST_DESIGN,
            label=gettext_lazy("Designed measures intensity (latest inspection)"),
            numeric=True,
        ),
        Shown(
            filters.LATEST_INSPECTION,
            label=gettext_lazy("Last inspected"),
            sort=filters.LATEST_INSPECTION,
        ),
        FLAG,
    ]
    default_sort = "-start_year"

    def get_base_queryset(self):
        return filters.with_latest_design(
            models.ConstructionProject.objects.all(),
            models.Inspection.objects.visible_to(self.request.user),
        )


class ConstructionProjectDetail(DetailView):
    model = models.ConstructionProject
    related = ("town", "owner")
    facts = [
        Shown("owner_display", label=pgettext_lazy("construction", "Owner")),
        Shown("town"),
        Shown("address"),
        Shown("kind"),
        Shown("building_use"),
        Shown("hospital_grade"),
        Shown("declared_class"),
        Shown("started_on"),
        Shown("start_year"),
        Shown("floors"),
        Shown("height_m"),
        Shown("note"),
    ]

    def requirement_panel(self):
        return requirement_of(self.object, user=self.request.user)

    def sections(self):
        inspections = self.visible(models.Inspection).filter(project=self.object).with_requirement()
        return [self.children(inspections, INSPECTION_COLUMNS)]

    def history_children(self):
        return list(self.visible(models.Inspection).filter(project=self.object))


class InspectionList(RecordListView):
    model = models.Inspection
    filterset_class = filters.InspectionFilter
    related = ("project__town",)
    creatable = False  # recorded on the project's page
    columns = [
        Shown("inspected_on", sort="inspected_on", link=True),
        Shown("project", sort="project__name"),
        Shown("project__town", label=gettext_lazy("Town")),
        Shown("project__kind", label=gettext_lazy("Project kind")),
        Shown("inspectors"),
        Shown("designed_class", sort="designed_class"),
        Shown("designed_measures_intensity", numeric=True, sort="designed_measures_intensity"),
        REQUIRED_MEASURES,
        Shown("finding", sort="finding"),
        FLAG,
        Shown("rectification_required"),
        Shown("rectified_on", sort="rectified_on"),
    ]
    default_sort = "-inspected_on"

    # The requirement is worked out in SQL for the rows shown, not for the whole list: the
    # total count then needs no joins to projects and zonations (bench/seismic.py). Sorting or
    # filtering by it puts it on the whole list (the flag filter annotates by itself).
    COMPUTED = {requirement.BELOW, requirement.REQUIRED_MEASURES}

    def get_base_queryset(self):
        inspections = models.Inspection.objects.all()
        if self.request.GET.get("sort", "").lstrip("-") in self.COMPUTED:
            inspections = inspections.with_requirement()
        return inspections

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["object_list"]
        if requirement.BELOW not in rows.query.annotations:
            ids = [row.pk for row in rows]
            shown = models.Inspection.objects.with_requirement().select_related(*self.related)
            by_pk = shown.in_bulk(ids)
            context["object_list"] = [by_pk[pk] for pk in ids]
        return context


class InspectionDetail(DetailView):
    model = models.Inspection
    related = ("project__town", "project__owner")
    attachments = True
    facts = [
        Shown("project"),
        Shown("project__town", label=gettext_lazy("Town")),
        Shown("project__kind", label=gettext_lazy("Project kind")),
        Shown("project__building_use", label=gettext_lazy("Building use")),
        Shown("inspected_on"),
        Shown("inspectors"),
        Shown("designed_class"),
        Shown("designed_measures_intensity"),
        REQUIRED_CLASS,
        REQUIRED_MEASURES,
        FLAG,
        Shown("finding"),
        Shown("findings"),
        Shown("rectification_required"),
        Shown("rectification_due"),
        Shown("rectified_on"),
        Shown("closure_note"),
    ]

    def get_base_queryset(self):
        return super().get_base_queryset().with_requirement()

    def requirement_panel(self):
        inspection = self.object
        return requirement_of(
            inspection.project,
            inspection.designed_measures_intensity,
            self.request.user,
            inspection.designed_class,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection, user = self.object, self.request.user
        if (
            inspection.rectification_required
            and inspection.rectified_on is None
            and user.has_perm(perm("change", inspection), inspection)
        ):
            context["actions"] = [
                {
                    "key": "close",
                    "label": _("Close the rectification"),
                    "url": reverse("seismic:inspection-close", args=[inspection.pk]),
                }
            ]
        return context


class InspectionEdit(ChildEditView):
    """A new inspection is recorded through ``records.record_inspection`` (the finding the form
    or the rules give); an edit is a versioned save."""

    def save(self, form):
        if form.instance.pk:
            return super().save(form)
        data = form.cleaned_data
        return records.record_inspection(
            self.parent,
            self.request.user,
            inspected_on=data["inspected_on"],
            inspectors=data["inspectors"],
            designed_class=data["designed_class"],
            designed_measures_intensity=data["designed_measures_intensity"],
            finding=data["finding"],
            findings=data["findings"],
            rectification_required=data["rectification_required"],
            rectification_due=data["rectification_due"],
        )


class CloseRectification(LoginRequiredMixin, View):
    """Close the rectification an inspection required (``records.close_rectification``)."""

    template_name = "seismic/close_rectification.html"

    def get(self, request, pk):
        inspection = scoped_object_or_404(request, models.Inspection, pk, "seismic.view_inspection")
        if not request.user.has_perm("seismic.change_inspection", inspection):
            raise PermissionDenied
        form = forms.CloseRectificationForm(
            request.POST or None, initial={"version": inspection.version}
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                records.close_rectification(
                    inspection,
                    data["rectified_on"],
                    data["closure_note"],
                    request.user,
                    expected_version=data["version"],
                )
            except (records.RecordError, ConcurrentEditError) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The rectification is closed."))
                return redirect(inspection.get_absolute_url())
        return render(request, self.template_name, {"form": form, "object": inspection})

    post = get


# Registries ------------------------------------------------------------------------------------
