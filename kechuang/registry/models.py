import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scope import ScopedQuerySet, ScopePaths
from kechuang.audit.tracking import AuditedModel
from kechuang.core.enums import CodeList
from kechuang.core.models import (
    NotBefore,
    TrackedModel,
    code_item,
    code_items,
    optional_fk,
)

from .domain.uscc import validate_uscc
from .enums import OrganisationKind, QualificationStatus, TownLevel, ZoneKind

YEAR_VALIDATORS = [MinValueValidator(1949), MaxValueValidator(2100)]


class Town(AuditedModel):
    """The city and its towns and subdistricts, with their administrative division codes."""

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=TownLevel.choices)
    parent = optional_fk("self", verbose_name=_("parent"), on_delete=models.PROTECT)
    office = optional_fk(
        "accounts.Department",
        verbose_name=_("responsible office"),
        on_delete=models.SET_NULL,
        related_name="towns",
        help_text=_("The town office whose officers see this town's records."),
    )

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Zone(AuditedModel):
    """A development zone or high-tech park; enterprises are members of zero or more."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=ZoneKind.choices)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["code"]

    def __str__(self):
        return self.name


class OrganisationQuerySet(ScopedQuerySet):
    def enterprises(self):
        return self.filter(kind=OrganisationKind.ENTERPRISE)

    def in_chain(self, chain_code: str):
        through = Organisation.chains.through
        return self.filter(
            models.Exists(
                through.objects.filter(
                    organisation_id=models.OuterRef("pk"), codeitem__code=chain_code
                )
            )
        )

    def holding(self, kind_code: str, on: dt.date):
        """Organisations holding a qualification of this kind valid on the date."""
        return self.filter(
            models.Exists(
                Qualification.objects.valid_on(on).filter(
                    organisation=models.OuterRef("pk"), kind__code=kind_code
                )
            )
        )


class Organisation(TrackedModel):
    """An enterprise, university, research organisation, school or agency (主体)."""

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=OrganisationKind.choices,
        default=OrganisationKind.ENTERPRISE,
    )
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_uscc],
        help_text=_("统一社会信用代码, 18 characters (GB 32100-2015)."),
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    former_names = models.TextField(_("former names"), blank=True, help_text=_("One per line."))
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    town = optional_fk(Town, verbose_name=_("town"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=255, blank=True)
    industry = code_item(
        _("industry (GB/T 4754)"),
        CodeList.INDUSTRY_CLASS,
        limit={"parent__isnull": False},  # a division, not a section
        null=True,
        blank=True,
    )
    chains = code_items(_("industry chains"), CodeList.INDUSTRY_CHAIN, blank=True)
    zones = models.ManyToManyField(
        Zone, verbose_name=_("zones"), blank=True, related_name="members"
    )

    objects = OrganisationQuerySet.as_manager()
    scope_paths = ScopePaths(department="town__office", organisation="pk", creator="created_by")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        permissions = [
            ("import_organisation", _("Can import organisations from Excel")),
            ("export_organisation", _("Can export organisations to Excel")),
        ]
        indexes = [
            models.Index(fields=["kind", "name"], name="organisation_kind_name_idx"),
            # A town officer's searches: counted from the index alone on PostgreSQL (covering
            # index), without visiting the town's rows in the table.
            models.Index(
                fields=["town", "kind"],
                include=["name", "former_names"],
                name="organisation_town_cover_idx",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def former_name_list(self) -> list[str]:
        return [n.strip() for n in self.former_names.splitlines() if n.strip()]


class EnterpriseYear(AuditedModel):
    """An enterprise's figures for one year (amounts in 万元)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="years",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    revenue = models.DecimalField(
        _("revenue (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    output_value = models.DecimalField(
        _("industrial output value (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    rd_spending = models.DecimalField(
        _("R&D spending (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    st_staff = models.PositiveIntegerField(_("S&T staff"), null=True, blank=True)
    above_scale = models.BooleanField(_("above designated size"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_paths = Organisation.scope_paths.through("organisation")

    class Meta:
        verbose_name = _("yearly figures")
        verbose_name_plural = _("yearly figures")
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="enterpriseyear_unique")
        ]
        indexes = [models.Index(fields=["year", "above_scale"], name="enterpriseyear_year_idx")]

    def __str__(self):
        return f"{self.organisation} {self.year}"

    def clean(self):
        """A second set of figures for the same year is refused on the year (the unique
        constraint would name no field)."""
        super().clean()
        same = EnterpriseYear.objects.filter(organisation_id=self.organisation_id, year=self.year)
        if self.organisation_id and self.year and same.exclude(pk=self.pk).exists():
            message = gettext("Figures for %(year)s are already recorded.") % {"year": self.year}
            raise ValidationError({"year": message})


class QualificationQuerySet(ScopedQuerySet):
    def valid_on(self, on: dt.date):
        return self.filter(
            Q(valid_from__lte=on),
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=on),
        )


class Qualification(AuditedModel):
    """A qualification held for a period: 国家高新技术企业, 科技型中小企业, 省科技型企业 …"""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    kind = code_item(_("kind"), CodeList.QUALIFICATION_KIND)
    number = models.CharField(_("certificate or registration number"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: no expiry.")
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)

    objects = QualificationQuerySet.as_manager()
    scope_paths = Organisation.scope_paths.through("organisation")

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["organisation", "-valid_from"]
        permissions = [
            ("import_qualification", _("Can import qualifications from Excel")),
            ("export_qualification", _("Can export qualifications to Excel")),
        ]
        constraints = [
            NotBefore(
                "valid_until",
                "valid_from",
                name="qualification_valid_period",
                message=_("The end of validity comes before its start."),
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "valid_from", "valid_until"], name="qualification_kind_idx"
            )
        ]

    def __str__(self):
        return f"{self.organisation} · {self.kind}"

    def clean(self):
        super().clean()
        errors = {}
        start = self.valid_from
        if start and self.revoked_on and self.revoked_on < start:
            errors["revoked_on"] = gettext("A qualification cannot be revoked before it starts.")
        if errors:
            raise ValidationError(errors)

    def status_on(self, on: dt.date) -> QualificationStatus:
        """The same rule as ``QualificationQuerySet.valid_on``, for one record in hand."""
        if self.revoked_on is not None and self.revoked_on <= on:
            return QualificationStatus.REVOKED
        if self.valid_until is not None and self.valid_until < on:
            return QualificationStatus.EXPIRED
        if self.valid_from > on:
            return QualificationStatus.NOT_YET_VALID
        return QualificationStatus.VALID

    @property
    def status_today(self) -> QualificationStatus:
        return self.status_on(timezone.localdate())


class Person(TrackedModel):
    """A person of the talent registry, with title and talent level, at an organisation."""

    name = models.CharField(_("name"), max_length=50, db_index=True)
    organisation = optional_fk(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    title = code_item(
        pgettext_lazy("professional title", "title"), CodeList.TITLE, null=True, blank=True
    )
    talent_level = code_item(_("talent level"), CodeList.TALENT_LEVEL, null=True, blank=True)
    degree = code_item(_("degree"), CodeList.DEGREE, null=True, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    field = models.CharField(_("field"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = Organisation.scope_paths.through("organisation", creator="created_by")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        permissions = [
            ("import_person", _("Can import people from Excel")),
            ("export_person", _("Can export people to Excel")),
        ]

    def __str__(self):
        return self.name
