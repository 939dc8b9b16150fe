"""The bureau's services (服务): tech commissioners (科技特派员) with their teams, assignments and
activity logs; science-and-technology training institutions (科技类校外培训机构) with contacts,
on-site visits and the admission checklist; field visits and research (走访调研/三服务) with the
issues hosts raise and their follow-ups; policies with versions and their consultation.

Nothing here stores a figure: trainees, materials, admission status, overdue follow-ups are all
computed from these records when asked.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kechuang.accounts.scope import ScopedQuerySet, ScopePaths
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem, NotBefore, TrackedModel, code_item, optional_fk
from kechuang.registry.domain.uscc import validate_uscc
from kechuang.registry.models import YEAR_VALIDATORS, Organisation, Person, Town

from .enums import (
    OPEN_VERSION_STATES,
    AdmissionStatus,
    CheckResult,
    CommissionerKind,
    HostKind,
    InstitutionStatus,
    LeaderKind,
    MemberRole,
    OpinionPosition,
    PolicyDomain,
    VersionState,
)

# The logins that act for a commissioner: its own login and its team members' logins.
ACTING_USERS = ("user", "members__user")


def _acting(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}__{path}" for path in ACTING_USERS)


def _overlaps(start: str, end: str, first: dt.date, last: dt.date) -> Q:
    """Records whose period [start, end] (end open when empty) meets [first, last]."""
    return Q(**{f"{start}__lte": last}) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": first})
    )


# Tech commissioners ----------------------------------------------------------------------------


class CommissionerQuerySet(ScopedQuerySet):
    def active_in(self, year: int):
        """Commissioners with an assignment whose period overlaps the year."""
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return self.filter(
            Exists(
                ServiceAssignment.objects.filter(
                    _overlaps("started_on", "ended_on", first, last), commissioner=OuterRef("pk")
                )
            )
        )

    def acting_for(self, user):
        """The commissioners ``user`` acts for: their own, or a team they are a member of."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(
            Exists(
                Commissioner.objects.filter(Q(user=user) | Q(members__user=user), pk=OuterRef("pk"))
            )
        )


class Commissioner(TrackedModel):
    """A tech commissioner (科技特派员): one person, a team, or a legal entity.

    A commissioner's login (``user``, role 科技特派员) logs its activities; a team's members with
    a login of their own act for the team as well (see :class:`CommissionerMember`).
    """

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=CommissionerKind.choices,
        default=CommissionerKind.INDIVIDUAL,
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    person = optional_fk(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="commissioner_roles",
        help_text=_("The talent-registry person of an individual commissioner."),
    )
    organisation = optional_fk(
        Organisation,
        verbose_name=_("legal entity"),
        on_delete=models.PROTECT,
        related_name="commissioner_roles",
        help_text=_("The organisation that is a legal-entity commissioner."),
    )
    employer = optional_fk(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="employed_commissioners",
    )
    employer_name = models.CharField(
        _("employer name"),
        max_length=200,
        blank=True,
        help_text=_("The employer's name when it is not in the registry (e.g. a university)."),
    )
    field = code_item(_("expertise field"), CodeList.TECH_FIELD, null=True, blank=True)
    expertise = models.CharField(_("expertise"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commissioner",
    )
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year of appointment"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    dispatched_by = models.CharField(
        _("dispatching body"),
        max_length=200,
        blank=True,
        help_text=_("The body that sends the commissioner out."),
    )
    note = models.TextField(_("note"), blank=True)

    objects = CommissionerQuerySet.as_manager()
    scope_paths = ScopePaths(
        department="assignments__town__office",
        organisation="organisation",
        creator=ACTING_USERS,
    )

    class Meta:
        verbose_name = _("tech commissioner")
        verbose_name_plural = _("tech commissioners")
        ordering = ["name", "id"]
        permissions = [
            ("import_commissioner", _("Can import tech commissioners from Excel")),
            ("export_commissioner", _("Can export tech commissioners to Excel")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=CommissionerKind.LEGAL_ENTITY) | Q(organisation__isnull=True),
                name="commissioner_organisation_only_legal_entity",
            ),
            models.CheckConstraint(
                condition=Q(kind=CommissionerKind.INDIVIDUAL) | Q(person__isnull=True),
                name="commissioner_person_only_individual",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == CommissionerKind.LEGAL_ENTITY and not self.organisation_id:
            errors["organisation"] = _("A legal-entity commissioner needs its organisation.")
        if self.kind != CommissionerKind.LEGAL_ENTITY and self.organisation_id:
            errors["organisation"] = _("Only a legal-entity commissioner is an organisation.")
        if self.kind != CommissionerKind.INDIVIDUAL and self.person_id:
            errors["person"] = _("Only an individual commissioner is one person.")
        if self.appointed_on and self.year and self.appointed_on.year != self.year:
            errors["year"] = _("The year of appointment differs from the appointment date.")
        if errors:
            raise ValidationError(errors)

    def acts_for(self, user) -> bool:
        """Whether ``user`` acts for this commissioner (its login, or a team member's)."""
        if user is None or not user.is_authenticated or self.pk is None:
            return False
        if self.user_id == user.pk:
            return True
        return self.members.filter(user=user).exists()


class CommissionerMember(TrackedModel):
    """A member of a commissioner team; a member with a login acts for the team."""

    commissioner = models.ForeignKey(
        Commissioner,
        verbose_name=_("tech commissioner"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    name = models.CharField(_("name"), max_length=100)
    person = optional_fk(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="commissioner_memberships",
    )
    role = models.CharField(
        _("role in the team"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = optional_fk(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        related_name="commissioner_memberships",
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = Commissioner.scope_paths.through("commissioner")

    class Meta:
        verbose_name = _("commissioner team member")
        verbose_name_plural = _("commissioner team members")
        ordering = ["commissioner", "role", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commissioner", "user"],
                condition=Q(user__isnull=False),
                name="commissionermember_unique_user",
            ),
        ]

    def __str__(self):
        return f"{self.commissioner} · {self.name}"

    def clean(self):
        super().clean()
        if self.commissioner_id and self.commissioner.kind != CommissionerKind.TEAM:
            raise ValidationError({"commissioner": _("Only a commissioner team has members.")})


class ServiceAssignmentQuerySet(ScopedQuerySet):
    def overlapping(self, first: dt.date, last: dt.date):
        return self.filter(_overlaps("started_on", "ended_on", first, last))

    def in_year(self, year: int):
        return self.overlapping(dt.date(year, 1, 1), dt.date(year, 12, 31))


class ServiceAssignment(TrackedModel):
    """Where and when a commissioner serves: a town, a village, an enterprise, a period."""

    commissioner = models.ForeignKey(
        Commissioner,
        verbose_name=_("tech commissioner"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    town = models.ForeignKey(Town, verbose_name=_("town"), on_delete=models.PROTECT)
    village = models.CharField(_("village or community"), max_length=100, blank=True)
    enterprise = optional_fk(
        Organisation,
        verbose_name=_("enterprise served"),
        on_delete=models.PROTECT,
        related_name="commissioner_assignments",
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    tasks = models.TextField(_("tasks and goals"), blank=True)

    objects = ServiceAssignmentQuerySet.as_manager()
    scope_paths = ScopePaths(
        department="town__office",
        organisation="enterprise",
        creator=_acting("commissioner"),
    )

    class Meta:
        verbose_name = _("service assignment")
        verbose_name_plural = _("service assignments")
        ordering = ["-started_on", "id"]
        permissions = [
            ("import_serviceassignment", _("Can import service assignments from Excel")),
            ("export_serviceassignment", _("Can export service assignments to Excel")),
        ]
        constraints = [
            NotBefore(
                "ended_on",
                "started_on",
                name="serviceassignment_period",
                message=_("The period cannot end before it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["started_on", "ended_on"], name="serviceassignment_period_idx")
        ]

    def __str__(self):
        place = " ".join(p for p in (str(self.town) if self.town_id else "", self.village) if p)
        return f"{self.commissioner} · {place}"

    def covers(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class ActivityQuerySet(ScopedQuerySet):
    def in_year(self, year: int):
        return self.filter(held_on__year=year)

    def acting_for(self, user):
        """Activities of the commissioners ``user`` acts for."""
        return self.filter(commissioner__in=Commissioner.objects.acting_for(user).values("pk"))


class Activity(TrackedModel):
    """One entry of a commissioner's service log (photos are attachments of the entry)."""

    commissioner = models.ForeignKey(
        Commissioner,
        verbose_name=_("tech commissioner"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    assignment = optional_fk(
        ServiceAssignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    held_on = models.DateField(_("date"))
    kind = code_item(_("kind"), CodeList.SERVICE_ACTIVITY_KIND)
    place = models.CharField(_("place"), max_length=200, blank=True)
    town = models.ForeignKey(Town, verbose_name=_("town"), on_delete=models.PROTECT)
    trainees = models.PositiveIntegerField(_("trainees"), default=0)
    materials = models.PositiveIntegerField(_("materials handed out"), default=0)
    summary = models.TextField(_("summary"), blank=True)

    objects = ActivityQuerySet.as_manager()
    # Commissioners (self scope) reach the activities of the commissioner they act for; town
    # officers those held in their town.
    scope_paths = ScopePaths(department="town__office", creator=_acting("commissioner"))

    class Meta:
        verbose_name = _("service activity")
        verbose_name_plural = _("service activities")
        ordering = ["-held_on", "-id"]
        permissions = [
            ("import_activity", _("Can import service activities from Excel")),
            ("export_activity", _("Can export service activities to Excel")),
        ]
        indexes = [
            models.Index(fields=["held_on"], name="activity_held_on_idx"),
            models.Index(fields=["commissioner", "held_on"], name="activity_commissioner_idx"),
        ]

    def __str__(self):
        return f"{self.commissioner} · {self.held_on} · {self.kind}"

    def clean(self):
        super().clean()
        if (
            self.assignment_id
            and self.commissioner_id
            and self.assignment.commissioner_id != self.commissioner_id
        ):
            raise ValidationError(
                {"assignment": _("The assignment belongs to another commissioner.")}
            )
        if self.assignment_id and self.held_on and not self.assignment.covers(self.held_on):
            raise ValidationError({"held_on": _("The date lies outside the assignment's period.")})


# Training institutions -------------------------------------------------------------------------


class TrainingInstitutionQuerySet(ScopedQuerySet):
    def with_admission(self):
        """Annotate ``admission_status`` (an :class:`AdmissionStatus` value) in SQL.

        Not admitted when an active criterion is not met; else pending when an active
        criterion has no result yet; else admitted (every active criterion met or not
        applicable). The same rule as :func:`domain.institutions.admission_status`.
        """
        active = CodeItem.objects.filter(code_list=CodeList.INSTITUTION_CRITERION, active=True)
        not_met = InstitutionCheck.objects.filter(
            institution=OuterRef("pk"),
            result=CheckResult.NOT_MET,
            criterion__in=active.values("pk"),
        )
        unchecked = active.exclude(
            Exists(
                InstitutionCheck.objects.filter(
                    institution=OuterRef(OuterRef("pk")), criterion=OuterRef("pk")
                )
            )
        )
        return self.annotate(
            admission_status=Case(
                When(Exists(not_met), then=Value(AdmissionStatus.NOT_ADMITTED.value)),
                When(Exists(unchecked), then=Value(AdmissionStatus.PENDING.value)),
                default=Value(AdmissionStatus.ADMITTED.value),
                output_field=models.CharField(),
            )
        )

    def admission(self, status: str):
        return self.with_admission().filter(admission_status=status)


class TrainingInstitution(TrackedModel):
    """A science-and-technology training institution outside school (科技类校外培训机构)."""

    name = models.CharField(_("name"), max_length=200, db_index=True)
    operator = models.CharField(
        _("operator"), max_length=200, blank=True, help_text=_("The legal person or organisation.")
    )
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_uscc],
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    town = models.ForeignKey(Town, verbose_name=_("town"), on_delete=models.PROTECT)
    courses = models.TextField(_("courses"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InstitutionStatus.choices,
        default=InstitutionStatus.OPERATING,
    )
    note = models.TextField(_("note"), blank=True)

    objects = TrainingInstitutionQuerySet.as_manager()
    scope_paths = ScopePaths(department="town__office", creator="created_by")

    class Meta:
        verbose_name = _("training institution")
        verbose_name_plural = _("training institutions")
        ordering = ["name", "id"]
        permissions = [
            ("import_traininginstitution", _("Can import training institutions from Excel")),
            ("export_traininginstitution", _("Can export training institutions to Excel")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.uscc == "":
            self.uscc = None  # unique, so "no code" must be NULL, not an empty string
        super().save(*args, **kwargs)


class InstitutionContact(TrackedModel):
    institution = models.ForeignKey(
        TrainingInstitution,
        verbose_name=_("training institution"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = TrainingInstitution.scope_paths.through("institution")

    class Meta:
        verbose_name = _("institution contact")
        verbose_name_plural = _("institution contacts")
        ordering = ["institution", "id"]

    def __str__(self):
        return f"{self.institution} · {self.name}"


class InstitutionVisitQuerySet(ScopedQuerySet):
    def open_rectifications(self):
        return self.filter(rectification_required=True, rectified_on__isnull=True)


class InstitutionVisit(TrackedModel):
    """An on-site visit to a training institution, with what was found and its rectification."""

    institution = models.ForeignKey(
        TrainingInstitution,
        verbose_name=_("training institution"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    visited_on = models.DateField(_("visited on"))
    visitors = models.CharField(_("visitors"), max_length=200, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    rectification_required = models.BooleanField(_("rectification required"), default=False)
    rectification_due = models.DateField(_("rectification due"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)

    objects = InstitutionVisitQuerySet.as_manager()
    scope_paths = TrainingInstitution.scope_paths.through("institution")

    class Meta:
        verbose_name = _("institution visit")
        verbose_name_plural = _("institution visits")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rectification_required=True)
                | Q(rectification_due__isnull=True, rectified_on__isnull=True),
                name="institutionvisit_rectification",
            ),
            NotBefore(
                "rectified_on",
                "visited_on",
                name="institutionvisit_rectified_after_visit",
                message=_("The rectification cannot be closed before the visit."),
            ),
        ]

    def __str__(self):
        return f"{self.institution} · {self.visited_on}"

    def clean(self):
        super().clean()
        errors = {}
        if not self.rectification_required:
            if self.rectification_due:
                errors["rectification_due"] = _("A due date needs a required rectification.")
            if self.rectified_on:
                errors["rectified_on"] = _("Only a required rectification can be closed.")
        if self.visited_on and self.rectification_due and self.rectification_due < self.visited_on:
            errors["rectification_due"] = _("The rectification cannot be due before the visit.")
        if errors:
            raise ValidationError(errors)


class InstitutionCheck(TrackedModel):
    """An institution's result on one criterion of the admission checklist."""

    institution = models.ForeignKey(
        TrainingInstitution,
        verbose_name=_("training institution"),
        on_delete=models.CASCADE,
        related_name="checks",
    )
    criterion = code_item(_("criterion"), CodeList.INSTITUTION_CRITERION)
    result = models.CharField(_("result"), max_length=20, choices=CheckResult.choices)
    note = models.TextField(_("note"), blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    checked_by = optional_fk(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = TrainingInstitution.scope_paths.through("institution")

    class Meta:
        verbose_name = _("admission check")
        verbose_name_plural = _("admission checks")
        ordering = ["institution", "criterion__sort", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "criterion"], name="institutioncheck_unique_criterion"
            ),
        ]

    def __str__(self):
        return f"{self.institution} · {self.criterion} · {self.get_result_display()}"


# Field visits (走访调研 / 三服务) ---------------------------------------------------------------


class FieldVisit(TrackedModel):
    """A visit by a bureau leader (or a leader of another body) to an enterprise, a park, an
    incubator …, with the issues the host raised."""

    visited_on = models.DateField(_("visited on"))
    leader_name = models.CharField(_("leader"), max_length=100)
    leader_kind = models.CharField(
        _("leader kind"), max_length=20, choices=LeaderKind.choices, default=LeaderKind.INTERNAL
    )
    leader_body = models.CharField(
        _("leader's body"),
        max_length=200,
        blank=True,
        help_text=_("The body a visiting leader comes from."),
    )
    host_kind = models.CharField(
        _("host kind"), max_length=20, choices=HostKind.choices, default=HostKind.ENTERPRISE
    )
    host_organisation = optional_fk(
        Organisation,
        verbose_name=_("host organisation"),
        on_delete=models.PROTECT,
        related_name="field_visits",
    )
    host_name = models.CharField(
        _("host name"),
        max_length=200,
        blank=True,
        help_text=_("The host's name when it is not in the registry (a park, an incubator …)."),
    )
    town = optional_fk(Town, verbose_name=_("town"), on_delete=models.PROTECT)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = ScopePaths(
        department="town__office", organisation="host_organisation", creator="created_by"
    )

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        ordering = ["-visited_on", "-id"]
        permissions = [
            ("import_fieldvisit", _("Can import field visits from Excel")),
            ("export_fieldvisit", _("Can export field visits to Excel")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(host_organisation__isnull=False) | ~Q(host_name=""),
                name="fieldvisit_has_host",
            ),
        ]

    def __str__(self):
        return f"{self.visited_on} · {self.host}"

    @property
    def host(self) -> str:
        return self.host_name or (str(self.host_organisation) if self.host_organisation_id else "")

    def clean(self):
        super().clean()
        errors = {}
        if not self.host_organisation_id and not self.host_name.strip():
            errors["host_name"] = _("Name the host, or choose its organisation.")
        if self.leader_kind == LeaderKind.VISITING and not self.leader_body.strip():
            errors["leader_body"] = _("Name the body the visiting leader comes from.")
        if errors:
            raise ValidationError(errors)


class VisitIssue(TrackedModel):
    """An issue the host raised during a field visit."""

    visit = models.ForeignKey(
        FieldVisit, verbose_name=_("field visit"), on_delete=models.CASCADE, related_name="issues"
    )
    description = models.TextField(_("issue"))
    category = code_item(_("category"), CodeList.VISIT_ISSUE_CATEGORY)

    objects = ScopedQuerySet.as_manager()
    scope_paths = FieldVisit.scope_paths.through("visit")

    class Meta:
        verbose_name = _("issue raised")
        verbose_name_plural = _("issues raised")
        ordering = ["visit", "id"]

    def __str__(self):
        return self.description[:60]


class FollowUpQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)

    def overdue(self, today: dt.date):
        """Not closed and past their due date."""
        return self.filter(closed_on__isnull=True, due_on__lt=today)


class FollowUp(TrackedModel):
    """An action taken on an issue, with who owns it, when it is due and when it was closed."""

    issue = models.ForeignKey(
        VisitIssue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    action = models.TextField(pgettext_lazy("follow-up", "action"))
    owner = optional_fk(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("responsible", "owner"),
        on_delete=models.SET_NULL,
        related_name="service_follow_ups",
        help_text=_("The staff member responsible."),
    )
    owner_body = models.CharField(
        _("responsible body"),
        max_length=200,
        blank=True,
        help_text=_("The body responsible for the action."),
    )
    due_on = models.DateField(_("due on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)

    objects = FollowUpQuerySet.as_manager()
    scope_paths = VisitIssue.scope_paths.through("issue", creator=("created_by", "owner"))

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        permissions = [("export_followup", _("Can export follow-ups to Excel"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(result=""),
                name="followup_closed_with_result",
            ),
        ]
        indexes = [models.Index(fields=["closed_on", "due_on"], name="followup_open_idx")]

    def __str__(self):
        return self.action[:60]

    def is_overdue(self, today: dt.date) -> bool:
        """The rule of :meth:`FollowUpQuerySet.overdue` for one follow-up in hand."""
        return self.closed_on is None and self.due_on < today


# Policies ----------------------------------------------------------------------------------------


class Policy(TrackedModel):
    """A policy document (科技金融 and others); its texts are its versions."""

    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    domain = models.CharField(
        _("domain"), max_length=20, choices=PolicyDomain.choices, default=PolicyDomain.OTHER
    )
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = ScopePaths(creator="created_by")

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["title", "id"]
        permissions = [("export_policy", _("Can export policies to Excel"))]

    def __str__(self):
        return self.title

    @property
    def adopted_version(self):
        return self.versions.filter(state=VersionState.ADOPTED).first()

    @property
    def open_version(self):
        return self.versions.filter(state__in=OPEN_VERSION_STATES).first()


class PolicyVersionQuerySet(ScopedQuerySet):
    def in_force(self, on: dt.date):
        """Versions in effect on the date: adopted (or since superseded, or withdrawn after
        taking effect) with their effective period covering it."""
        return self.filter(
            Q(state__in=[VersionState.ADOPTED, VersionState.SUPERSEDED])
            | Q(state=VersionState.WITHDRAWN, effective_to__isnull=False),
            Q(effective_from__lte=on),
            Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        )


class PolicyVersion(TrackedModel):
    """One version of a policy's text; its state changes only through
    ``domain/policies.py``."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"), validators=[MinValueValidator(1)])
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    text = models.TextField(_("text"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=VersionState.choices, default=VersionState.DRAFT
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)

    objects = PolicyVersionQuerySet.as_manager()
    scope_paths = ScopePaths(creator="policy__created_by")

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["policy", "-number"]
        permissions = [("adopt_policyversion", _("Can adopt or withdraw policy versions"))]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"], name="policyversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(state__in=OPEN_VERSION_STATES),
                name="policyversion_one_open",
            ),
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(state=VersionState.ADOPTED),
                name="policyversion_one_adopted",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=False, effective_to__gte=F("effective_from")),
                name="policyversion_effective_period",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[VersionState.ADOPTED, VersionState.SUPERSEDED])
                | Q(effective_from__isnull=False, adopted_on__isnull=False),
                name="policyversion_adopted_dates",
            ),
        ]

    def __str__(self):
        return f"{self.policy} v{self.number}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_VERSION_STATES


class ConsultationOpinionQuerySet(ScopedQuerySet):
    def outstanding(self):
        return self.filter(replied_on__isnull=True)


class ConsultationOpinion(TrackedModel):
    """A body consulted on a policy version, and its opinion once it replied."""

    policy_version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy version"),
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    body = models.CharField(_("consulted body"), max_length=200)
    organisation = optional_fk(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="policy_opinions",
    )
    requested_on = models.DateField(_("requested on"))
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    position = models.CharField(
        _("position"), max_length=20, choices=OpinionPosition.choices, blank=True
    )
    opinion = models.TextField(_("opinion"), blank=True)

    objects = ConsultationOpinionQuerySet.as_manager()
    scope_paths = ScopePaths(creator="policy_version__policy__created_by")

    class Meta:
        verbose_name = _("consultation opinion")
        verbose_name_plural = _("consultation opinions")
        ordering = ["policy_version", "requested_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy_version", "body"], name="opinion_unique_body"),
            models.CheckConstraint(
                condition=Q(replied_on__isnull=True, position="")
                | Q(replied_on__isnull=False) & ~Q(position=""),
                name="opinion_reply_has_position",
            ),
            models.CheckConstraint(
                condition=Q(replied_on__isnull=True) | Q(replied_on__gte=F("requested_on")),
                name="opinion_replied_after_request",
            ),
        ]

    def __str__(self):
        return f"{self.policy_version} · {self.body}"

    @property
    def outstanding(self) -> bool:
        return self.replied_on is None
