"""Pages of earthquake prevention (防震减灾), the bases the declared record types
(``record_types``) name: a record's page with its files and the rules applied to it, the
construction projects' and inspections' lists and pages, and closing a rectification.

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
from django.utils.translation import gettext_lazy
from django.views import View

from kechuang.accounts.scope import restrict
from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.interfaces.display import EMPTY, Shown
from kechuang.core.record_views import RecordDetailView, RecordListView, perm
from kechuang.core.views import scoped_object_or_404

from . import models
from .domain import fortification as fx
from .domain import records, requirement
from .enums import FortificationClass
from .interfaces import forms

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


# Construction projects and inspections (declared in ``record_types``) ---------------------------


class ProjectListView(RecordListView):
    """Construction projects with the rules' requirement and the design of the latest
    inspection the reader may see (``with_latest_design()``): what the list shows, sorts and
    filters by."""

    def scoped_queryset(self):
        inspections = models.Inspection.objects.visible_to(self.request.user)
        return super().scoped_queryset().with_latest_design(inspections)


class ProjectDetailView(DetailView):
    """A project's page: the rules applied to it, judged on the latest inspection the reader
    may see; its inspections with their requirement and flag."""

    def requirement_panel(self):
        return requirement_of(self.object, user=self.request.user)

    def visible(self, model):
        records = super().visible(model)
        return records.with_requirement() if model is models.Inspection else records


class InspectionListView(RecordListView):
    """The inspections. The requirement is worked out in SQL for the rows shown, not for the
    whole list: the total count then needs no joins to projects and zonations
    (bench/seismic.py). Sorting by it puts it on the whole list (the flag filter annotates by
    itself)."""

    COMPUTED = {requirement.BELOW, requirement.REQUIRED_MEASURES}

    def scoped_queryset(self):
        inspections = self.model.objects.all()
        if self.request.GET.get("sort", "").lstrip("-") in self.COMPUTED:
            inspections = inspections.with_requirement()
        return restrict(inspections, self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["object_list"]
        if requirement.BELOW not in rows.query.annotations:
            ids = [row.pk for row in rows]
            shown = models.Inspection.objects.with_requirement().select_related(*self.related)
            by_pk = shown.in_bulk(ids)
            context["object_list"] = [by_pk[pk] for pk in ids]
        return context


class InspectionDetailView(DetailView):
    """An inspection's page: the rules applied to its design; closing the rectification it
    required while it is open."""

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

    def actions(self):
        inspection, user = self.object, self.request.user
        if not (
            inspection.rectification_required
            and inspection.rectified_on is None
            and user.has_perm(perm("change", inspection), inspection)
        ):
            return []
        return [
            {
                "key": "close",
                "label": _("Close the rectification"),
                "url": reverse("seismic:inspection-close", args=[inspection.pk]),
            }
        ]


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
