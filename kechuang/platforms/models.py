"""Innovation platforms (创新平台): enterprise R&D institutions and their certifications, new-type
R&D institutes with what they report, incubators and their tenants, high-tech zone evaluations,
agricultural platforms, investment signings and major industrial projects.

Amounts are 万元 (10k yuan), areas square metres. Nothing here stores a total: every count or sum
the bureau publishes is computed by the indicator engine from these records.
"""

import datetime as dt

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kechuang.accounts.scope import ScopedQuerySet, ScopePaths
from kechuang.core.enums import CodeList
from kechuang.core.models import TrackedModel, code_item, optional_fk
from kechuang.registry.models import YEAR_VALIDATORS, Organisation, Person, Town, Zone

from .enums import (
    AgriPlatformKind,
    ApplicationState,
    DatePrecision,
    IncubationStatus,
    IncubatorKind,
    InstituteRecordKind,
    PlatformLevel,
    ProjectLevel,
    RDEnd,
    RDEventKind,
    ReportPeriod,
    TalentRole,
    TenancyEnd,
)

AMOUNT = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}
AREA = {"max_digits": 12, "decimal_places": 2, "null": True, "blank": True}


# Enterprise R&D institutions -------------------------------------------------------------------


class RDInstitutionQuerySet(ScopedQuerySet):
    def in_force(self, on: dt.date):
        """Certifications in force on the date: certified by then and not yet ended."""
        return self.filter(Q(certified_on__lte=on), Q(ended_on__isnull=True) | Q(ended_on__gt=on))

    def certified_in(self, first_year: int, last_year: int | None = None):
        return self.filter(
            certified_year__gte=first_year, certified_year__lte=last_year or first_year
        )


class RDInstitution(TrackedModel):
    """One certification of an enterprise R&D institution at one kind and level.

    An upgrade ends this record (``end_reason=upgraded``) and starts a new one at the higher
    level, so "in force at a date" and "newly certified in a year" are plain filters, and the
    history of a host is its records in order. ``level`` is an item of the R&D level code list;
    its ``sort`` is the rank (1 highest) and its parent the reporting tier.
    """

    host = models.ForeignKey(
        Organisation,
        verbose_name=_("host enterprise"),
        on_delete=models.PROTECT,
        related_name="rd_institutions",
    )
    name = models.CharField(_("name"), max_length=200)
    level = code_item(_("kind and level"), CodeList.RD_LEVEL, limit={"parent__isnull": False})
    certified_year = models.PositiveSmallIntegerField(
        _("certification year"), validators=YEAR_VALIDATORS
    )
    certified_on = models.DateField(_("certification date"))
    batch = models.CharField(_("batch"), max_length=50, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=20, choices=RDEnd.choices, blank=True)
    successor = optional_fk(
        "self",
        verbose_name=_("succeeded by"),
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )

    objects = RDInstitutionQuerySet.as_manager()
    scope_paths = Organisation.scope_paths.through("host", creator="created_by")

    class Meta:
        verbose_name = _("R&D institution")
        verbose_name_plural = _("R&D institutions")
        ordering = ["-certified_year", "name", "id"]
        permissions = [
            ("import_rdinstitution", _("Can import R&D institutions from Excel")),
            ("export_rdinstitution", _("Can export R&D institutions to Excel")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("certified_on")),
                name="rdinstitution_period",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | Q(ended_on__isnull=False) & ~Q(end_reason=""),
                name="rdinstitution_end_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["certified_on", "ended_on"], name="rdinst_force_idx"),
            models.Index(fields=["certified_year", "level"], name="rdinst_year_idx"),
            models.Index(fields=["host", "certified_on"], name="rdinst_host_idx"),
        ]

    def __str__(self):
        return self.name

    def in_force_on(self, on: dt.date) -> bool:
        """The rule of ``RDInstitutionQuerySet.in_force`` for one record in hand."""
        return self.certified_on <= on and (self.ended_on is None or self.ended_on > on)


class RDInstitutionEvent(TrackedModel):
    """What happened to a certification: certified, upgraded, renamed, merged, revoked."""

    institution = models.ForeignKey(
        RDInstitution,
        verbose_name=_("R&D institution"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("event"), max_length=20, choices=RDEventKind.choices)
    happened_on = models.DateField(_("date"))
    old_name = models.CharField(_("old name"), max_length=200, blank=True)
    new_name = models.CharField(_("new name"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = RDInstitution.scope_paths.through("institution")

    class Meta:
        verbose_name = _("R&D institution event")
        verbose_name_plural = _("R&D institution events")
        ordering = ["institution", "happened_on", "id"]

    def __str__(self):
        return f"{self.institution} · {self.get_kind_display()} · {self.happened_on}"


class CertificationApplication(TrackedModel):
    """An enterprise's application to have an R&D institution certified at a level.

    enterprise applies → town recommends → bureau reviews → publicity → certified or rejected;
    the transitions live in ``domain/certification.py``.
    """

    applicant = models.ForeignKey(
        Organisation,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="rd_applications",
    )
    name = models.CharField(_("proposed name"), max_length=200)
    level = code_item(
        _("kind and level applied for"), CodeList.RD_LEVEL, limit={"parent__isnull": False}
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    summary = models.TextField(_("summary"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    publicity_until = models.DateField(_("publicity until"), null=True, blank=True)
    institution = models.OneToOneField(
        RDInstitution,
        verbose_name=_("certified institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = Organisation.scope_paths.through("applicant", creator="created_by")

    class Meta:
        verbose_name = _("certification application")
        verbose_name_plural = _("certification applications")
        ordering = ["-year", "-id"]
        permissions = [
            ("recommend_certificationapplication", _("Can recommend certification applications")),
            ("review_certificationapplication", _("Can review certification applications")),
            ("decide_certificationapplication", _("Can certify or reject applications")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("platforms:application-detail", args=[self.pk])


# New-type R&D institutes -----------------------------------------------------------------------


class Institute(TrackedModel):
    """A new-type R&D institute built with a university or research organisation (新型研发机构).

    The institute is itself an organisation of the registry, so its manager logs in as that
    organisation's user and reports its records within their own scope.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="institute",
    )
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("partner university or institute"),
        on_delete=models.PROTECT,
        related_name="partner_institutes",
    )
    signed_on = models.DateField(_("agreement signed"), null=True, blank=True)
    signed_precision = models.CharField(
        _("precision"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    unveiled_on = models.DateField(_("unveiled"), null=True, blank=True)
    unveiled_precision = models.CharField(
        _("precision"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    focus_chain = code_item(
        _("focus industry chain"), CodeList.INDUSTRY_CHAIN, null=True, blank=True
    )
    focus = models.CharField(_("focus"), max_length=200, blank=True)
    area_m2 = models.DecimalField(_("floor area (m²)"), **AREA)
    council_chair = models.CharField(_("council chair"), max_length=100, blank=True)
    council = models.TextField(_("council members"), blank=True, help_text=_("One per line."))

    objects = ScopedQuerySet.as_manager()
    scope_paths = Organisation.scope_paths.through("organisation", creator="created_by")

    class Meta:
        verbose_name = _("new-type R&D institute")
        verbose_name_plural = _("new-type R&D institutes")
        ordering = ["signed_on", "id"]
        permissions = [
            ("import_institute", _("Can import new-type R&D institutes from Excel")),
            ("export_institute", _("Can export new-type R&D institutes to Excel")),
        ]

    def __str__(self):
        return self.organisation.name


INSTITUTE_CHILD_SCOPE = Institute.scope_paths.through("institute", creator="created_by")


class InstituteTalent(TrackedModel):
    """A person at an institute: an introduced professional, an engaged expert, or staff."""

    institute = models.ForeignKey(
        Institute, verbose_name=_("institute"), on_delete=models.CASCADE, related_name="talents"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="institute_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=TalentRole.choices)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = INSTITUTE_CHILD_SCOPE

    class Meta:
        verbose_name = _("institute talent")
        verbose_name_plural = _("institute talents")
        ordering = ["institute", "role", "joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institute", "person", "role"], name="institutetalent_unique"
            )
        ]

    def __str__(self):
        return f"{self.person} · {self.get_role_display()}"


class IncubationProject(TrackedModel):
    """A project an institute incubates: negotiating, signed, landed (or withdrawn)."""

    institute = models.ForeignKey(
        Institute,
        verbose_name=_("institute"),
        on_delete=models.CASCADE,
        related_name="incubation_projects",
    )
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=IncubationStatus.choices)
    company = optional_fk(
        Organisation, verbose_name=_("company"), on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField(_("field"), max_length=100, blank=True)
    started_on = models.DateField(_("first contact"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    landed_on = models.DateField(_("landed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = INSTITUTE_CHILD_SCOPE

    class Meta:
        verbose_name = _("incubation project")
        verbose_name_plural = _("incubation projects")
        ordering = ["institute", "started_on", "id"]

    def __str__(self):
        return self.name


class InstituteRecord(TrackedModel):
    """Teams, sub-institutes, joint labs, services, contracts, approved projects, graduate
    students, training bases and milestones an institute reports, each dated."""

    institute = models.ForeignKey(
        Institute, verbose_name=_("institute"), on_delete=models.CASCADE, related_name="records"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InstituteRecordKind.choices)
    name = models.CharField(_("name"), max_length=200)
    partner = optional_fk(
        Organisation,
        verbose_name=_("partner or client"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_on = models.DateField(_("date"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=30, choices=ProjectLevel.choices, blank=True)
    joint_application = models.BooleanField(_("joint application"), default=False)
    amount = models.DecimalField(_("amount (10k yuan)"), **AMOUNT)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = INSTITUTE_CHILD_SCOPE

    class Meta:
        verbose_name = _("institute record")
        verbose_name_plural = _("institute records")
        ordering = ["institute", "kind", "occurred_on", "id"]
        indexes = [models.Index(fields=["institute", "kind", "occurred_on"], name="instrec_idx")]

    def __str__(self):
        return self.name


class InstituteReport(TrackedModel):
    """An institute's periodic KPI report: figures the institute states about itself.

    These are self-reported: the indicators built on them say so, unlike the figures counted
    from the institute's records (talents, projects, services …).
    """

    institute = models.ForeignKey(
        Institute, verbose_name=_("institute"), on_delete=models.CASCADE, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    period = models.CharField(
        pgettext_lazy("report", "period"),
        max_length=10,
        choices=ReportPeriod.choices,
        default=ReportPeriod.YEAR,
    )
    revenue = models.DecimalField(_("revenue (10k yuan)"), **AMOUNT)
    tech_income = models.DecimalField(_("technology income (10k yuan)"), **AMOUNT)
    rd_spending = models.DecimalField(_("R&D spending (10k yuan)"), **AMOUNT)
    patents_filed = models.PositiveIntegerField(_("patents filed"), null=True, blank=True)
    patents_granted = models.PositiveIntegerField(_("patents granted"), null=True, blank=True)
    enterprises_served = models.PositiveIntegerField(_("enterprises served"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"))
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = INSTITUTE_CHILD_SCOPE

    class Meta:
        verbose_name = _("institute KPI report")
        verbose_name_plural = _("institute KPI reports")
        ordering = ["institute", "-year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["institute", "year", "period"], name="institutereport_unique"
            )
        ]

    def __str__(self):
        return f"{self.institute} {self.year} {self.get_period_display()}"


# Incubators ------------------------------------------------------------------------------------


class Incubator(TrackedModel):
    """An incubator, maker space or start-up park, in a town or off-site (e.g. in Shanghai)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=IncubatorKind.choices)
    level = models.CharField(
        _("level"), max_length=20, choices=PlatformLevel.choices, default=PlatformLevel.NONE
    )
    operator = optional_fk(
        Organisation,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="operated_incubators",
    )
    town = optional_fk(
        Town,
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        help_text=_("Empty for an off-site incubator."),
    )
    zone = optional_fk(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="incubators"
    )
    off_site_city = models.CharField(_("off-site city"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    building_area_m2 = models.DecimalField(_("building area (m²)"), **AREA)
    incubation_area_m2 = models.DecimalField(_("incubation area (m²)"), **AREA)
    investment = models.DecimalField(_("investment (10k yuan)"), **AMOUNT)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = ScopePaths(
        department="town__office", organisation="operator", creator="created_by"
    )

    class Meta:
        verbose_name = _("incubator")
        verbose_name_plural = _("incubators")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(town__isnull=False) | ~Q(off_site_city=""),
                name="incubator_location",
                violation_error_message=_("An incubator is in a town or in an off-site city."),
            )
        ]

    def __str__(self):
        return self.name


class TenancyQuerySet(ScopedQuerySet):
    def current_on(self, on: dt.date):
        """Tenants incubated on the date: entered by then and not yet exited."""
        return self.filter(Q(entered_on__lte=on), Q(exited_on__isnull=True) | Q(exited_on__gt=on))


class Tenancy(TrackedModel):
    """An enterprise incubated in an incubator from its entry to its exit."""

    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.CASCADE, related_name="tenancies"
    )
    enterprise = models.ForeignKey(
        Organisation,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="tenancies",
    )
    entered_on = models.DateField(_("entered on"))
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(
        _("exit reason"), max_length=20, choices=TenancyEnd.choices, blank=True
    )

    objects = TenancyQuerySet.as_manager()
    scope_paths = Incubator.scope_paths.through("incubator")

    class Meta:
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        ordering = ["incubator", "-entered_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=models.F("entered_on")),
                name="tenancy_period",
            )
        ]
        indexes = [
            models.Index(fields=["incubator", "entered_on", "exited_on"], name="tenancy_idx")
        ]

    def __str__(self):
        return f"{self.enterprise} @ {self.incubator}"


class IncubatorTalent(TrackedModel):
    """A high-level talent an incubator brought in (with the enterprise they came with)."""

    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.CASCADE, related_name="talents"
    )
    name = models.CharField(_("name"), max_length=50)
    talent_level = code_item(_("talent level"), CodeList.TALENT_LEVEL, null=True, blank=True)
    enterprise = optional_fk(
        Organisation, verbose_name=_("enterprise"), on_delete=models.SET_NULL, related_name="+"
    )
    introduced_on = models.DateField(_("introduced on"))

    objects = ScopedQuerySet.as_manager()
    scope_paths = Incubator.scope_paths.through("incubator")

    class Meta:
        verbose_name = _("incubator talent")
        verbose_name_plural = _("incubator talents")
        ordering = ["incubator", "introduced_on", "id"]

    def __str__(self):
        return self.name


# High-tech zones, agriculture, signings, major projects ----------------------------------------


class ZoneEvaluation(TrackedModel):
    """A zone's result in a yearly provincial evaluation of high-tech zones."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    zone = optional_fk(
        Zone,
        verbose_name=_("zone of ours"),
        on_delete=models.PROTECT,
        related_name="evaluations",
        help_text=_("Empty for a zone elsewhere in the province listed in the same results."),
    )
    zone_name = models.CharField(_("zone name"), max_length=200)
    grade = models.CharField(_("grade"), max_length=50, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    award = models.CharField(_("award"), max_length=100, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = ScopePaths(creator="created_by")

    class Meta:
        verbose_name = _("zone evaluation")
        verbose_name_plural = _("zone evaluations")
        ordering = ["-year", "zone_name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "zone_name"], name="zoneevaluation_unique")
        ]

    def __str__(self):
        return f"{self.year} {self.zone_name}"


class AgriPlatform(TrackedModel):
    """An agricultural innovation platform, with its partners (universities, academies)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgriPlatformKind.choices)
    host = optional_fk(
        Organisation,
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        related_name="agri_platforms",
    )
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partners"), blank=True, related_name="+"
    )
    established_on = models.DateField(_("established on"))
    focus = models.CharField(_("focus"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = Organisation.scope_paths.through("host", creator="created_by")

    class Meta:
        verbose_name = _("agricultural platform")
        verbose_name_plural = _("agricultural platforms")
        ordering = ["-established_on", "name"]

    def __str__(self):
        return self.name


class AcademicianCooperation(TrackedModel):
    """A cooperation agreement with an academician (院士) in agriculture."""

    academician = models.CharField(_("academician"), max_length=50)
    academy = models.CharField(_("academy"), max_length=100, blank=True)
    institution = optional_fk(
        Organisation,
        verbose_name=_("academician's institution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    platform = optional_fk(
        AgriPlatform,
        verbose_name=_("platform"),
        on_delete=models.SET_NULL,
        related_name="academicians",
    )
    signed_on = models.DateField(_("signed on"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = ScopePaths(creator="created_by")

    class Meta:
        verbose_name = _("academician cooperation")
        verbose_name_plural = _("academician cooperations")
        ordering = ["-signed_on"]

    def __str__(self):
        return self.academician


class SigningEvent(TrackedModel):
    """An investment signing ceremony (e.g. in Shanghai at the opening of an incubator)."""

    name = models.CharField(_("name"), max_length=200)
    held_on = models.DateField(_("date"))
    city = models.CharField(_("city"), max_length=50)
    place = models.CharField(_("place"), max_length=200, blank=True)
    incubator = optional_fk(
        Incubator,
        verbose_name=_("incubator"),
        on_delete=models.SET_NULL,
        related_name="signing_events",
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = ScopePaths(creator="created_by")

    class Meta:
        verbose_name = _("signing event")
        verbose_name_plural = _("signing events")
        ordering = ["-held_on"]

    def __str__(self):
        return self.name


class SignedProject(TrackedModel):
    """A project signed at an event: field, origin, investment."""

    event = models.ForeignKey(
        SigningEvent,
        verbose_name=_("signing event"),
        on_delete=models.CASCADE,
        related_name="projects",
    )
    name = models.CharField(_("name"), max_length=200)
    field = code_item(_("field"), CodeList.SIGNING_FIELD)
    origin = code_item(_("origin"), CodeList.SIGNING_ORIGIN)
    investment = models.DecimalField(
        _("investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    investor = models.CharField(_("investor"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = ScopePaths(creator="event__created_by")

    class Meta:
        verbose_name = _("signed project")
        verbose_name_plural = _("signed projects")
        ordering = ["event", "id"]

    def __str__(self):
        return self.name


class MajorProject(TrackedModel):
    """A major industrial project (e.g. the helicopter project): investment, capacity, output."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    chain = code_item(_("industry chain"), CodeList.INDUSTRY_CHAIN, null=True, blank=True)
    town = optional_fk(Town, verbose_name=_("town"), on_delete=models.PROTECT)
    landed_on = models.DateField(_("landed on"), null=True, blank=True)
    investment = models.DecimalField(_("total investment (10k yuan)"), **AMOUNT)
    capacity = models.DecimalField(
        _("design capacity per year"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    capacity_unit = models.CharField(_("capacity unit"), max_length=20, blank=True)
    output_at_capacity = models.DecimalField(_("output at capacity (10k yuan/year)"), **AMOUNT)

    objects = ScopedQuerySet.as_manager()
    scope_paths = ScopePaths(department="town__office", creator="created_by")

    class Meta:
        verbose_name = _("major industrial project")
        verbose_name_plural = _("major industrial projects")
        ordering = ["-landed_on", "name"]

    def __str__(self):
        return self.name


class MajorProjectStage(TrackedModel):
    project = models.ForeignKey(
        MajorProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("stage"), max_length=100)
    planned_on = models.DateField(_("planned"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = MajorProject.scope_paths.through("project")

    class Meta:
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")
        ordering = ["project", "planned_on", "id"]

    def __str__(self):
        return self.name
