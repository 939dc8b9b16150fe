"""Earthquake prevention (防震减灾): the per-town seismic zonation, construction projects and their
seismic-safety inspections, the raised-fortification registry, demonstration sites, emergency
shelters, monitoring stations, trainings and house designs, outreach events, budget lines, plans
and documents, and the yearly provincial assessment.

Nothing here stores a figure: the required fortification and the "below the requirement" flag
come from the rules (``domain/fortification.py``, in SQL through ``domain/requirement.py``), a
shelter's capacity from its area, and every published count or sum from the records.
Amounts are 万元 (10k yuan), areas square metres.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Floor
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scope import ScopedQuerySet, ScopePaths
from kechuang.core.enums import CodeList
from kechuang.core.models import NotBefore, TrackedModel, code_items, optional_fk
from kechuang.registry.models import YEAR_VALIDATORS, Organisation, Town

from .domain import fortification as fx
from .domain import requirement, shelters
from .enums import (
    PGA_CHOICES,
    PGA_DECIMAL_PLACES,
    PGA_MAX_DIGITS,
    AssessmentResult,
    BudgetSource,
    BuildingUse,
    EvaluationConclusion,
    Finding,
    FortificationClass,
    HospitalGrade,
    MeasuresIntensity,
    OutreachKind,
    PlanKind,
    PlanStatus,
    ProjectKind,
    RaisedKind,
    ShelterClass,
    SiteKind,
    SiteLevel,
    StationKind,
    StationStatus,
    TrainingKind,
)

AMOUNT = {"max_digits": 14, "decimal_places": 2}
TOWN_SCOPE = ScopePaths(department="town__office", creator="created_by")
# The city's public documents (house designs, plans, the yearly assessments): whoever may view
# them sees every one, whatever their data scope (see reference.PUBLIC).
PUBLIC_SCOPE = ScopePaths(creator="created_by", public=True)


def io_permissions(model_name: str, plural) -> list[tuple[str, str]]:
    """The import and export permissions of a record kind (``seismic.import_<model>`` …)."""
    return [
        (f"import_{model_name}", format_lazy(_("Can import {records} from Excel"), records=plural)),
        (f"export_{model_name}", format_lazy(_("Can export {records} to Excel"), records=plural)),
    ]


class MissingZonationError(fx.FortificationError):
    """The project's town has no seismic zonation setting, so its PGA is unknown."""

    def __init__(self, town) -> None:
        self.town = town
        super().__init__(
            gettext(
                "The town “%(town)s” has no seismic zonation setting (GB 18306-2015): "
                "enter its basic peak ground acceleration first."
            )
            % {"town": town}
        )


class NoDesignError(fx.FortificationError):
    """A project evaluated without a designed measures intensity and with no inspection."""

    def __init__(self, project) -> None:
        self.project = project
        super().__init__(
            gettext(
                "The project “%(project)s” has no inspection yet: its designed measures "
                "intensity is unknown."
            )
            % {"project": project}
        )


def _pure_error_message(error: fx.FortificationError) -> str:
    """A translatable message for an error of the pure rules module."""
    if isinstance(error, fx.MissingHospitalGradeError):
        return gettext(
            "Give the hospital grade: outpatient, medical-technology and inpatient buildings of "
            "grade 2 and grade 3 hospitals are class B (GB 50223-2008 §4.0.3)."
        )
    return str(error)


# Zonation ----------------------------------------------------------------------------------------


class TownZonation(TrackedModel):
    """A town's seismic zonation (GB 18306-2015): its basic peak ground acceleration.

    One setting per town, edited by staff (an editable list, not a constant); the audit log
    keeps its history.
    """

    town = models.OneToOneField(
        Town, verbose_name=_("town"), on_delete=models.PROTECT, related_name="zonation"
    )
    pga = models.DecimalField(
        _("basic peak ground acceleration (g)"),
        max_digits=PGA_MAX_DIGITS,
        decimal_places=PGA_DECIMAL_PLACES,
        choices=PGA_CHOICES,
    )
    characteristic_period = models.DecimalField(
        _("characteristic period (s)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(
        _("source document"), max_length=200, default="GB 18306-2015 《中国地震动参数区划图》"
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = TOWN_SCOPE

    class Meta:
        verbose_name = _("seismic zonation setting")
        verbose_name_plural = _("seismic zonation settings")
        ordering = ["town__code"]
        permissions = io_permissions("townzonation", _("seismic zonation settings"))
        constraints = [
            models.CheckConstraint(
                condition=Q(pga__in=[value for value, _label in PGA_CHOICES]),
                name="townzonation_basic_pga",
            )
        ]

    def __str__(self):
        return f"{self.town} {fx.format_pga(self.pga)}"

    @property
    def site_intensity(self) -> int:
        return fx.intensity_for_pga(self.pga)


# Construction projects and inspections -----------------------------------------------------------


# What ``with_latest_design()`` annotates: the latest inspection's design and date.
LATEST_DESIGN = "latest_designed_intensity"
LATEST_CLASS = "latest_designed_class"
LATEST_INSPECTION = "latest_inspected_on"


class ConstructionProjectQuerySet(ScopedQuerySet):
    def with_requirement(self, designed: str | None = None, designed_class: str | None = None):
        """Annotate ``required_class``, ``site_intensity`` and ``required_measures_intensity``
        (NULL when the town has no zonation setting or a hospital lacks its grade); given the
        names of a designed measures intensity and class annotated before (e.g. the latest
        inspection's), also ``below_requirement``."""
        return requirement.annotate_requirement(
            self,
            kind="kind",
            use="building_use",
            grade="hospital_grade",
            declared="declared_class",
            pga="town__zonation__pga",
            designed=designed,
            designed_class=designed_class,
        )

    def with_latest_design(self, inspections=None):
        """The projects with the rules' requirement, their latest inspection's date, designed
        class and designed measures intensity, and ``below_requirement``: that design's class
        below the required class or its measures below the required ones (NULL when never
        inspected or the requirement is unknown) — what ``ConstructionProject.evaluation()``
        decides for one project, for a whole list. ``inspections``: those the reader may see
        (default: all)."""
        if inspections is None:
            inspections = Inspection.objects.all()
        latest = inspections.filter(project=OuterRef("pk")).order_by("-inspected_on", "-id")
        return self.annotate(
            **{
                LATEST_DESIGN: Subquery(latest.values("designed_measures_intensity")[:1]),
                LATEST_CLASS: Subquery(latest.values("designed_class")[:1]),
                LATEST_INSPECTION: Subquery(latest.values("inspected_on")[:1]),
            }
        ).with_requirement(designed=LATEST_DESIGN, designed_class=LATEST_CLASS)

    def started_in(self, year: int):
        return self.filter(start_year=year)


class ConstructionProject(TrackedModel):
    """A construction project whose seismic fortification the bureau inspects."""

    name = models.CharField(_("name"), max_length=200)
    owner = optional_fk(
        Organisation,
        verbose_name=pgettext_lazy("construction", "owner"),
        on_delete=models.PROTECT,
        related_name="construction_projects",
    )
    owner_name = models.CharField(
        _("owner name"),
        max_length=200,
        blank=True,
        help_text=_("The building owner as written, when not in the registry."),
    )
    town = models.ForeignKey(
        Town, verbose_name=_("town"), on_delete=models.PROTECT, related_name="construction_projects"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ProjectKind.choices)
    building_use = models.CharField(
        _("building use"), max_length=30, choices=BuildingUse.choices, default=BuildingUse.OTHER
    )
    hospital_grade = models.CharField(
        _("hospital grade"),
        max_length=1,
        choices=HospitalGrade.choices,
        blank=True,
        help_text=_("Required for the outpatient, medical-technology and inpatient buildings."),
    )
    declared_class = models.CharField(
        _("declared fortification class"),
        max_length=1,
        choices=FortificationClass.choices,
        blank=True,
        help_text=_("Only when stricter than the rules require (e.g. class A after approval)."),
    )
    started_on = models.DateField(_("construction started on"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(
        _("year construction started"), validators=YEAR_VALIDATORS
    )
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    height_m = models.DecimalField(
        _("height (m)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.TextField(_("note"), blank=True)

    objects = ConstructionProjectQuerySet.as_manager()
    scope_paths = ScopePaths(department="town__office", organisation="owner", creator="created_by")

    class Meta:
        verbose_name = _("construction project")
        verbose_name_plural = _("construction projects")
        ordering = ["-start_year", "name", "id"]
        permissions = io_permissions("constructionproject", _("construction projects"))
        indexes = [
            models.Index(fields=["start_year", "kind"], name="seismic_project_year_idx"),
            models.Index(fields=["town", "kind"], name="seismic_project_town_idx"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.started_on and self.start_year and self.started_on.year != self.start_year:
            errors["start_year"] = gettext("The year differs from the start date's year.")
        if self.hospital_grade and self.kind and self.kind != ProjectKind.HOSPITAL:
            errors["hospital_grade"] = gettext("A hospital grade is given only for hospitals.")
        if self.kind and self.building_use and "hospital_grade" not in errors:
            try:
                rule = fx.required_class(
                    self.kind, self.building_use, self.hospital_grade or None, None
                )
            except fx.MissingHospitalGradeError as error:
                errors["hospital_grade"] = _pure_error_message(error)
            except fx.FortificationError as error:
                errors["kind"] = _pure_error_message(error)
            else:
                declared = fx.FortificationClass.coerce(self.declared_class or rule.minimum)
                if rule.minimum.is_stricter_than(declared):
                    errors["declared_class"] = gettext(
                        "The declared class is lower than the rules require (%(required)s: "
                        "%(source)s)."
                    ) % {
                        "required": FortificationClass(rule.minimum.code).label,
                        "source": rule.rule.source,
                    }
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.started_on and not self.start_year:
            self.start_year = self.started_on.year
        super().save(*args, **kwargs)

    @property
    def owner_display(self) -> str:
        return self.owner.name if self.owner_id else self.owner_name

    def latest_inspection(self, user=None) -> Inspection | None:
        """The latest inspection (of those ``user`` may see, when given)."""
        inspections = self.inspections.all()
        if user is not None:
            inspections = inspections.visible_to(user)
        return inspections.order_by("-inspected_on", "-id").first()

    def pga(self):
        """The town's basic PGA; :class:`MissingZonationError` when it has no setting."""
        try:
            return self.town.zonation.pga
        except TownZonation.DoesNotExist:
            raise MissingZonationError(self.town) from None

    def class_requirement(self) -> fx.ClassRequirement:
        return fx.required_class(
            self.kind, self.building_use, self.hospital_grade or None, self.declared_class or None
        )

    def required_measures(self) -> fx.Measures:
        """The required measures at the project's town (raises when the town has no zonation)."""
        return fx.required_measures(self.class_requirement().fortification_class, self.pga())

    def evaluation(
        self, designed_measures_intensity: int | None = None, designed_class: str | None = None
    ) -> fx.Evaluation:
        """The rules applied to the project: the town's PGA and the design given (measures
        intensity and, when given, class), or else the latest inspection's. Raises
        :class:`MissingZonationError`, :class:`NoDesignError` or the pure module's errors."""
        pga = self.pga()
        if designed_measures_intensity is None:
            latest = self.latest_inspection()
            if latest is None:
                raise NoDesignError(self)
            designed_measures_intensity = latest.designed_measures_intensity
            designed_class = latest.designed_class
        return fx.evaluate(
            self.kind,
            self.building_use,
            pga,
            designed_measures_intensity,
            hospital_grade=self.hospital_grade or None,
            declared=self.declared_class or None,
            designed_class=designed_class or None,
        )


class InspectionQuerySet(ScopedQuerySet):
    def with_requirement(self):
        """Annotate, in SQL, ``required_class``, ``site_intensity``,
        ``required_measures_intensity`` and ``below_requirement`` (the designed class below the
        required class or the designed measures intensity below the required one; NULL when
        the requirement is unknown)."""
        return requirement.annotate_requirement(
            self,
            kind="project__kind",
            use="project__building_use",
            grade="project__hospital_grade",
            declared="project__declared_class",
            pga="project__town__zonation__pga",
            designed="designed_measures_intensity",
            designed_class="designed_class",
        )

    def flagged(self):
        """Inspections whose design is below the required fortification."""
        return self.with_requirement().filter(**{requirement.BELOW: True})

    def in_year(self, year: int):
        return self.filter(inspected_on__year=year)

    def open_rectifications(self):
        return self.filter(rectification_required=True, rectified_on__isnull=True)


class Inspection(TrackedModel):
    """A seismic-safety inspection of a construction project (地震安全检查)."""

    project = models.ForeignKey(
        ConstructionProject,
        verbose_name=_("construction project"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.CharField(
        _("inspectors"), max_length=200, help_text=_("Names, separated by commas.")
    )
    designed_class = models.CharField(
        _("designed fortification class"), max_length=1, choices=FortificationClass.choices
    )
    designed_measures_intensity = models.PositiveSmallIntegerField(
        _("designed measures intensity"), choices=MeasuresIntensity.choices
    )
    finding = models.CharField(
        _("finding"), max_length=20, choices=Finding.choices, default=Finding.COMPLIANT
    )
    findings = models.TextField(_("findings"), blank=True)
    rectification_required = models.BooleanField(_("rectification required"), default=False)
    rectification_due = models.DateField(_("rectification due"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)

    objects = InspectionQuerySet.as_manager()
    scope_paths = ConstructionProject.scope_paths.through("project", creator="created_by")

    class Meta:
        verbose_name = _("seismic-safety inspection")
        verbose_name_plural = _("seismic-safety inspections")
        ordering = ["-inspected_on", "-id"]
        permissions = io_permissions("inspection", _("seismic-safety inspections"))
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    designed_measures_intensity__gte=fx.MIN_INTENSITY,
                    designed_measures_intensity__lte=fx.MAX_INTENSITY,
                ),
                name="inspection_measures_intensity",
            ),
            models.CheckConstraint(
                condition=Q(rectified_on__isnull=True) | Q(rectification_required=True),
                name="inspection_rectified_needs_required",
            ),
            NotBefore(
                "rectified_on",
                "inspected_on",
                name="inspection_rectified_after",
                message=_("This date comes before the inspection."),
            ),
            NotBefore(
                "rectification_due",
                "inspected_on",
                name="inspection_due_after",
                message=_("This date comes before the inspection."),
            ),
        ]
        indexes = [models.Index(fields=["inspected_on"], name="seismic_inspection_date_idx")]

    def __str__(self):
        return f"{self.project} · {self.inspected_on}"

    def clean(self):
        super().clean()
        errors = {}
        if self.rectified_on and not self.rectification_required:
            errors["rectified_on"] = gettext(
                "A rectification can be closed only when one was required."
            )
        if self.rectification_due and not self.rectification_required:
            errors["rectification_due"] = gettext(
                "A due date is given only when a rectification is required."
            )
        today = timezone.localdate()
        if self.inspected_on and self.inspected_on > today:
            errors["inspected_on"] = gettext("The inspection date is in the future.")
        if self.rectified_on and self.rectified_on > today:
            errors.setdefault("rectified_on", gettext("The rectification date is in the future."))
        if self.closure_note and not self.rectified_on:
            errors.setdefault(
                "closure_note", gettext("A closure note needs the date of the rectification.")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def inspector_list(self) -> list[str]:
        """The inspectors' names (commas, Chinese commas and 、 all separate them)."""
        text = self.inspectors.replace("，", ",").replace("、", ",")
        return [name.strip() for name in text.split(",") if name.strip()]

    @property
    def year(self) -> int:
        return self.inspected_on.year

    def evaluation(self) -> fx.Evaluation:
        """The rules applied to this inspection's design, its class and measures intensity
        (the pure module's explanation)."""
        return self.project.evaluation(self.designed_measures_intensity, self.designed_class)


# Registries --------------------------------------------------------------------------------------


class SafetyEvaluation(TrackedModel):
    """A seismic safety evaluation report (地震安全性评价报告) of a construction project: who
    evaluated the site, the basic peak ground acceleration the evaluation determined, and the
    review's conclusion. Declared in ``record_types.py``: its pages, API and Excel come from
    that one declaration."""

    project = models.ForeignKey(
        ConstructionProject,
        verbose_name=_("construction project"),
        on_delete=models.PROTECT,
        related_name="safety_evaluations",
    )
    report_number = models.CharField(_("report number"), max_length=60, unique=True)
    evaluator = models.CharField(_("evaluating organisation"), max_length=200)
    reported_on = models.DateField(_("report date"))
    pga = models.DecimalField(
        _("basic peak ground acceleration determined (g)"),
        max_digits=PGA_MAX_DIGITS,
        decimal_places=PGA_DECIMAL_PLACES,
        choices=PGA_CHOICES,
    )
    conclusion = models.CharField(
        _("review conclusion"),
        max_length=30,
        choices=EvaluationConclusion.choices,
        default=EvaluationConclusion.PASSED,
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = ConstructionProject.scope_paths.through("project", creator="created_by")

    class Meta:
        verbose_name = _("seismic safety evaluation report")
        verbose_name_plural = _("seismic safety evaluation reports")
        ordering = ["-reported_on", "-id"]
        permissions = io_permissions("safetyevaluation", _("seismic safety evaluation reports"))
        constraints = [
            models.CheckConstraint(
                condition=Q(pga__in=[value for value, _label in PGA_CHOICES]),
                name="safetyevaluation_basic_pga",
            ),
            NotBefore(
                "reviewed_on",
                "reported_on",
                name="safetyevaluation_reviewed_after",
                message=_("The review comes before the report."),
            ),
        ]

    def __str__(self):
        return self.report_number

    def clean(self):
        super().clean()
        errors = {}
        today = timezone.localdate()
        if self.reported_on and self.reported_on > today:
            errors["reported_on"] = gettext("The report date is in the future.")
        if self.reviewed_on and self.reviewed_on > today:
            errors["reviewed_on"] = gettext("The review date is in the future.")
        if errors:
            raise ValidationError(errors)


class RaisedFortification(TrackedModel):
    """A school, kindergarten or rural community building fortified one grade higher (高一档)."""

    name = models.CharField(_("site or building"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=RaisedKind.choices)
    town = models.ForeignKey(
        Town, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = optional_fk(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    year_completed = models.PositiveSmallIntegerField(
        _("year completed"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    basic_class = models.CharField(
        _("basic fortification class"),
        max_length=1,
        choices=FortificationClass.choices,
        blank=True,
    )
    raised_to = models.CharField(
        _("raised to"),
        max_length=200,
        blank=True,
        help_text=_("What the fortification was raised to, e.g. 按7度采取抗震措施."),
    )
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = ScopePaths(
        department="town__office", organisation="organisation", creator="created_by"
    )

    class Meta:
        verbose_name = _("raised-fortification record")
        verbose_name_plural = _("raised-fortification registry")
        ordering = ["kind", "town__code", "name", "id"]
        permissions = io_permissions("raisedfortification", _("raised-fortification records"))

    def __str__(self):
        return self.name


class DemonstrationSiteQuerySet(ScopedQuerySet):
    def in_force(self, on: dt.date):
        """Sites designated by the date and not revoked by then."""
        return self.filter(
            Q(designated_on__lte=on) | Q(designated_on__isnull=True, designated_year__lte=on.year),
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=on),
        )


class DemonstrationSite(TrackedModel):
    """A demonstration site or science-education base (示范社区、示范学校、科普教育基地 …)."""

    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=SiteLevel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices)
    town = models.ForeignKey(
        Town, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = optional_fk(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    designated_on = models.DateField(_("designated on"), null=True, blank=True)
    designated_year = models.PositiveSmallIntegerField(
        _("year designated"), validators=YEAR_VALIDATORS
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = DemonstrationSiteQuerySet.as_manager()
    scope_paths = ScopePaths(
        department="town__office", organisation="organisation", creator="created_by"
    )

    class Meta:
        verbose_name = _("demonstration site")
        verbose_name_plural = _("demonstration sites")
        ordering = ["level", "kind", "name", "id"]
        permissions = io_permissions("demonstrationsite", _("demonstration sites"))
        constraints = [
            NotBefore(
                "revoked_on",
                "designated_on",
                name="demonstrationsite_period",
                message=_("This date comes before the designation."),
                earlier_optional=True,
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        designated = self.designated_on
        if designated and self.designated_year and designated.year != self.designated_year:
            errors["designated_year"] = gettext("The year differs from the date's year.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.designated_on and not self.designated_year:
            self.designated_year = self.designated_on.year
        super().save(*args, **kwargs)

    def in_force_on(self, on: dt.date) -> bool:
        """The rule of ``DemonstrationSiteQuerySet.in_force`` for one record in hand."""
        designated = (
            self.designated_on <= on if self.designated_on else self.designated_year <= on.year
        )
        return designated and (self.revoked_on is None or self.revoked_on > on)


class ShelterQuerySet(ScopedQuerySet):
    def with_capacity(self):
        """Annotate ``capacity``: ⌊effective area ÷ 1.5 m²⌋ people, computed in SQL."""
        return self.annotate(
            capacity=Cast(
                Floor(F("effective_area") / shelters.AREA_PER_PERSON),
                output_field=models.IntegerField(),
            )
        )


class Shelter(TrackedModel):
    """An emergency shelter (应急避难场所, GB 21734-2008)."""

    name = models.CharField(_("name"), max_length=200)
    town = models.ForeignKey(
        Town, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    shelter_class = models.CharField(_("class"), max_length=1, choices=ShelterClass.choices)
    effective_area = models.DecimalField(
        _("effective area (m²)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Capacity is this area divided by 1.5 m² per person."),
    )
    facilities = code_items(_("facilities"), CodeList.SHELTER_FACILITY, blank=True)
    opened_year = models.PositiveSmallIntegerField(
        _("year opened"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    note = models.TextField(_("note"), blank=True)

    objects = ShelterQuerySet.as_manager()
    scope_paths = TOWN_SCOPE

    class Meta:
        verbose_name = _("emergency shelter")
        verbose_name_plural = _("emergency shelters")
        ordering = ["town__code", "name", "id"]
        permissions = io_permissions("shelter", _("emergency shelters"))
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_area__gt=0), name="shelter_effective_area_positive"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.effective_area is not None:
            try:
                shelters.effective_area(self.effective_area)
            except shelters.InvalidAreaError as error:
                raise ValidationError({"effective_area": str(error)}) from None

    @property
    def capacity(self) -> int | None:
        """People the shelter takes (None while the area is missing or invalid).

        Always worked out from the area in hand; ``with_capacity()`` computes the same in SQL
        (its value is what the setter receives, and an edited area still wins)."""
        try:
            return shelters.capacity(self.effective_area)
        except shelters.InvalidAreaError:
            return None

    @capacity.setter
    def capacity(self, value) -> None:
        self._sql_capacity = value


class MonitoringStation(TrackedModel):
    """A seismic monitoring station (平湖预警台, 乍浦地震台 …)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=StationKind.choices)
    town = models.ForeignKey(
        Town, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=StationStatus.choices, default=StationStatus.OPERATING
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = TOWN_SCOPE

    class Meta:
        verbose_name = _("monitoring station")
        verbose_name_plural = _("monitoring stations")
        ordering = ["name", "id"]
        permissions = io_permissions("monitoringstation", _("monitoring stations"))

    def __str__(self):
        return self.name


class StationUpgrade(TrackedModel):
    """An upgrade of a monitoring station, with its funding."""

    station = models.ForeignKey(
        MonitoringStation,
        verbose_name=_("station"),
        on_delete=models.CASCADE,
        related_name="upgrades",
    )
    upgraded_on = models.DateField(_("date"))
    description = models.TextField(_("description"))
    funding = models.DecimalField(
        _("funding (10k yuan)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **AMOUNT,
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = MonitoringStation.scope_paths.through("station", creator="created_by")

    class Meta:
        verbose_name = _("station upgrade")
        verbose_name_plural = _("station upgrades")
        ordering = ["station", "-upgraded_on", "-id"]
        permissions = io_permissions("stationupgrade", _("station upgrades"))
        constraints = [
            models.CheckConstraint(
                condition=Q(funding__isnull=True) | Q(funding__gte=0),
                name="stationupgrade_funding",
            )
        ]

    def __str__(self):
        return f"{self.station} · {self.upgraded_on}"


class Training(TrackedModel):
    """A training session, e.g. rural builders (农村建筑工匠培训)."""

    held_on = models.DateField(_("held on"))
    town = optional_fk(Town, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("kind"), max_length=20, choices=TrainingKind.choices, default=TrainingKind.RURAL_BUILDERS
    )
    title = models.CharField(pgettext_lazy("name", "title"), max_length=200)
    attendees = models.PositiveIntegerField(_("attendees"), validators=[MinValueValidator(1)])
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = TOWN_SCOPE

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on", "-id"]
        permissions = io_permissions("training", _("trainings"))
        constraints = [
            models.CheckConstraint(condition=Q(attendees__gt=0), name="training_attendees")
        ]

    def __str__(self):
        return self.title


class HouseDesign(TrackedModel):
    """A rural house design (农房户型图); ``selected`` marks the most popular ones chosen."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    title = models.CharField(pgettext_lazy("name", "title"), max_length=200)
    designer = models.CharField(_("designer"), max_length=200, blank=True)
    selected = models.BooleanField(_("selected"), default=False)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = PUBLIC_SCOPE

    class Meta:
        verbose_name = _("house design")
        verbose_name_plural = _("house designs")
        ordering = ["-year", "title", "id"]
        permissions = io_permissions("housedesign", _("house designs"))

    def __str__(self):
        return self.title


class OutreachEvent(TrackedModel):
    """An outreach event: the 5·12 week, drills, science camps, online quizzes, lectures."""

    title = models.CharField(pgettext_lazy("name", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OutreachKind.choices)
    held_on = models.DateField(_("held on"))
    town = optional_fk(Town, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+")
    participants = models.PositiveIntegerField(_("participants"), default=0)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = TOWN_SCOPE

    class Meta:
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")
        ordering = ["-held_on", "-id"]
        permissions = io_permissions("outreachevent", _("outreach events"))
        indexes = [models.Index(fields=["held_on"], name="seismic_outreach_date_idx")]

    def __str__(self):
        return self.title


class BudgetLine(TrackedModel):
    """A line of the earthquake-work budget of a year (万元)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    item = models.CharField(_("item"), max_length=200)
    amount = models.DecimalField(
        _("amount (10k yuan)"), validators=[MinValueValidator(Decimal("0.01"))], **AMOUNT
    )
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=BudgetSource.choices,
        default=BudgetSource.FISCAL_BUDGET,
    )
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = ScopePaths(creator="created_by")

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["-year", "item", "id"]
        permissions = io_permissions("budgetline", _("budget lines"))
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="budgetline_amount")]

    def __str__(self):
        return f"{self.year} {self.item}"


class PlanDocumentQuerySet(ScopedQuerySet):
    def in_force(self, on: dt.date):
        """Issued documents effective on the date."""
        return self.filter(
            Q(status=PlanStatus.ISSUED),
            Q(effective_from__isnull=True) | Q(effective_from__lte=on),
            Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        )


class PlanDocument(TrackedModel):
    """A plan, normative document or emergency plan (e.g. 平湖市城市抗震防灾专项规划)."""

    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.ISSUED
    )
    note = models.TextField(_("note"), blank=True)

    objects = PlanDocumentQuerySet.as_manager()
    scope_paths = PUBLIC_SCOPE

    class Meta:
        verbose_name = _("plan or document")
        verbose_name_plural = _("plans and documents")
        ordering = ["-issued_on", "title", "id"]
        permissions = io_permissions("plandocument", _("plans and documents"))
        constraints = [
            NotBefore(
                "effective_to",
                "effective_from",
                name="plandocument_period",
                message=_("This date comes before the effective date."),
                earlier_optional=True,
            )
        ]

    def __str__(self):
        return self.title


class Assessment(TrackedModel):
    """The provincial assessment of the city's earthquake-prevention work for one year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=YEAR_VALIDATORS)
    result = models.CharField(_("result"), max_length=20, choices=AssessmentResult.choices)
    assessor = models.CharField(_("assessor"), max_length=200, default="浙江省地震局")
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = PUBLIC_SCOPE

    class Meta:
        verbose_name = _("provincial assessment")
        verbose_name_plural = _("provincial assessments")
        ordering = ["-year"]
        permissions = io_permissions("assessment", _("provincial assessments"))

    def __str__(self):
        return f"{self.year} {self.get_result_display()}"


# Kept together for the rules, role grants and tests (model names as in permissions).
RECORD_MODELS = (
    TownZonation,
    ConstructionProject,
    Inspection,
    RaisedFortification,
    DemonstrationSite,
    Shelter,
    MonitoringStation,
    StationUpgrade,
    Training,
    HouseDesign,
    OutreachEvent,
    BudgetLine,
    PlanDocument,
    Assessment,
)
