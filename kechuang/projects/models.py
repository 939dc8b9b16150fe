"""Plan projects (科技计划项目): calls, applications and their life to closure, the expert pool,
review assignments and reviews, and acceptance meetings.

An :class:`Application` is the project throughout its life — applied for, approved (立项), under
contract, checked at mid-term, accepted (验收) and closed; its state changes only through
``domain/workflow.py``. No figure is stored: an application's review score is computed from its
experts' reviews (``domain/scoring.py``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scope import ScopedQuerySet, ScopePaths
from kechuang.audit.tracking import AuditedModel
from kechuang.core.enums import CodeList
from kechuang.core.models import TrackedModel, code_item, code_items, optional_fk
from kechuang.registry.models import YEAR_VALIDATORS, Organisation, Person

from .enums import (
    Aggregation,
    Category,
    Conclusion,
    ExtensionState,
    Field,
    MidtermResult,
    PanelRole,
    ReviewState,
    State,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal(0))]


# Calls -----------------------------------------------------------------------------------------


class CallQuerySet(models.QuerySet):
    def open_at(self, moment):
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)


class Call(TrackedModel):
    """A call for applications (年度计划的一个批次): what may be applied for, until when, and how
    the applications are reviewed."""

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("e.g. 2020-industry-key-1")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    batch = models.PositiveSmallIntegerField(_("batch"), default=1)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    programme = code_item(_("special programme"), CodeList.PROJECT_PROGRAMME, null=True, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    guide = models.TextField(_("application guide"), blank=True)
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    aggregation = models.CharField(
        _("score aggregation"), max_length=20, choices=Aggregation.choices, default=Aggregation.MEAN
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-year", "-batch", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
        ]

    def __str__(self):
        return self.name

    def is_open(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.opens_at <= moment < self.closes_at


class FormField(AuditedModel):
    """An extra question of a call's application form, answered in ``Application.answers``."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="form_fields")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("application form field")
        verbose_name_plural = _("application form fields")
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="formfield_unique_code")
        ]

    def __str__(self):
        return self.label


class Criterion(AuditedModel):
    """A review criterion of a call with its weight: an application's score from one expert is
    Σ value × weight over the criteria."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=3, validators=[MinValueValidator(Decimal(0))]
    )
    max_value = models.DecimalField(
        _("highest value"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="criterion_unique_code")
        ]

    def __str__(self):
        return self.name


class ReviewPhase(AuditedModel):
    """A round of expert review of a call (初评, 复评 …); whether its experts may see each other's
    reviews is set per phase."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=100)
    show_others_reviews = models.BooleanField(
        _("experts see the other experts' reviews"), default=False
    )
    closes_at = models.DateTimeField(_("reviews due"), null=True, blank=True)
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("review phase")
        verbose_name_plural = _("review phases")
        ordering = ["sort", "id"]

    def __str__(self):
        return f"{self.call} · {self.name}"


# Applications (the project throughout its life) ------------------------------------------------


class ApplicationQuerySet(ScopedQuerySet):
    def approved_in(self, year: int):
        return self.filter(approved_on__year=year)


class Application(TrackedModel):
    """An application to a call, and once approved (立项) the project it becomes."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    number = models.CharField(_("number"), max_length=30, unique=True, null=True, blank=True)
    name = models.CharField(_("project name"), max_length=200)
    undertaker = models.ForeignKey(
        Organisation,
        verbose_name=_("undertaking organisation"),
        on_delete=models.PROTECT,
        related_name="plan_projects",
    )
    cooperators = models.ManyToManyField(
        Organisation,
        verbose_name=_("cooperating organisations"),
        blank=True,
        related_name="cooperated_plan_projects",
    )
    leader_name = models.CharField(_("project leader"), max_length=50)
    leader = optional_fk(
        Person,
        verbose_name=_("project leader (registry)"),
        on_delete=models.SET_NULL,
        related_name="led_plan_projects",
    )
    leader_phone = models.CharField(_("leader's phone"), max_length=30, blank=True)
    tech_field = code_item(_("technical field"), CodeList.TECH_FIELD, null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    requested_funding = models.DecimalField(
        _("funding requested (10k yuan)"), **MONEY, validators=NON_NEGATIVE
    )
    self_funding = models.DecimalField(
        _("self-raised funding (10k yuan)"), **MONEY, default=Decimal(0), validators=NON_NEGATIVE
    )
    content = models.TextField(_("content and objectives"), blank=True)
    answers = models.JSONField(_("answers to the call's questions"), default=dict, blank=True)

    # Set by the workflow (domain/workflow.py), never by forms.
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_funding = models.DecimalField(
        _("funding approved (10k yuan)"), **MONEY, null=True, blank=True, validators=NON_NEGATIVE
    )
    publicity_until = models.DateField(_("publicity until"), null=True, blank=True)
    contract_number = models.CharField(_("task contract number"), max_length=50, blank=True)
    contract_signed_on = models.DateField(_("task contract signed on"), null=True, blank=True)
    midterm_result = models.CharField(
        _("mid-term check"), max_length=20, choices=MidtermResult.choices, blank=True
    )
    midterm_on = models.DateField(_("mid-term check on"), null=True, blank=True)
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    conclusion = models.CharField(
        _("acceptance conclusion"), max_length=20, choices=Conclusion.choices, blank=True
    )
    concluded_on = models.DateField(_("acceptance concluded on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()
    scope_paths = Organisation.scope_paths.through("undertaker", creator="created_by")

    class Meta:
        verbose_name = _("plan project")
        verbose_name_plural = _("plan projects")
        ordering = ["-id"]
        permissions = [
            ("check_application", _("Can do the formal check of applications")),
            ("recommend_application", _("Can recommend applications")),
            ("review_application", _("Can run the expert review of applications")),
            ("approve_application", _("Can approve applications")),
            ("manage_application", _("Can manage approved projects")),
            ("terminate_application", _("Can terminate projects")),
            ("export_application", _("Can export plan projects")),
            ("import_application", _("Can import plan projects")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="application_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["call", "state"], name="application_call_state_idx")]

    def __str__(self):
        return self.name

    @property
    def total_budget(self) -> Decimal:
        return (self.requested_funding or 0) + (self.self_funding or 0)

    @property
    def current_end(self):
        return self.extended_until or self.ends_on


class ExtensionRequest(TrackedModel):
    """A request to extend a project's period: approved at most once per project, by at most a
    year."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="extensions"
    )
    requested_until = models.DateField(_("extend until"))
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ExtensionState.choices,
        default=ExtensionState.REQUESTED,
    )
    decided_by = optional_fk(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = Application.scope_paths.through("application", creator="created_by")

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state=ExtensionState.APPROVED),
                name="extension_approved_once",
            ),
        ]

    def __str__(self):
        return f"{self.application} → {self.requested_until}"


# Experts ---------------------------------------------------------------------------------------


class ExpertQuerySet(ScopedQuerySet):
    def available(self):
        return self.filter(available=True)


class Expert(TrackedModel):
    """A member of the expert pool (专家库)."""

    name = models.CharField(_("name"), max_length=50)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="experts",
        help_text=_("Found by its unified social credit code."),
    )
    title = code_item(_("professional title"), CodeList.TITLE, null=True, blank=True)
    fields = code_items(_("technical fields"), CodeList.TECH_FIELD)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    available = models.BooleanField(_("available"), default=True)
    capacity = models.PositiveSmallIntegerField(
        _("applications per call"),
        default=10,
        help_text=_("At most this many applications of one call are assigned to the expert."),
    )
    declared_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("declared related organisations"),
        blank=True,
        related_name="declared_by_experts",
        help_text=_(
            "Organisations the expert has declared a relation with (former employer, "
            "shareholding, family): they never review these organisations' applications."
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
    )

    objects = ExpertQuerySet.as_manager()
    scope_paths = ScopePaths(creator="created_by")

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "id"]
        permissions = [
            ("assign_expert", _("Can assign experts to applications")),
            ("export_expert", _("Can export the expert pool")),
            ("import_expert", _("Can import experts")),
        ]

    def __str__(self):
        return self.name


class Assignment(TrackedModel):
    """An expert asked to review an application in a review phase."""

    phase = models.ForeignKey(
        ReviewPhase, verbose_name=_("review phase"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    automatic = models.BooleanField(_("assigned automatically"), default=False)
    match = models.DecimalField(
        _("field match"), max_digits=6, decimal_places=2, default=Decimal(0)
    )
    # The expert's own declaration that they are conflicted; the assignment then ends.
    declared_conflict = models.BooleanField(_("conflict declared by the expert"), default=False)
    conflict_note = models.TextField(_("conflict declaration"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "application", "expert"], name="assignment_unique"
            )
        ]

    def __str__(self):
        return f"{self.expert} · {self.application}"


class Review(TrackedModel):
    """An expert's review of one assigned application: a value per criterion and an opinion."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    state = models.CharField(
        _("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    opinion = models.TextField(_("opinion"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["id"]

    def __str__(self):
        return str(self.assignment)


class Score(AuditedModel):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(
        _("value"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="score_unique")]


# Acceptance meetings ---------------------------------------------------------------------------


class AcceptanceMeeting(TrackedModel):
    """A meeting at which experts accept (验收) a number of projects, possibly delegated to an
    agency (e.g. 浙江省科技评估和成果转化中心)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    batch = models.PositiveSmallIntegerField(_("batch of the year"), null=True, blank=True)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    agency = optional_fk(
        Organisation,
        verbose_name=_("delegated to"),
        on_delete=models.PROTECT,
        related_name="delegated_acceptances",
    )
    note = models.TextField(_("note"), blank=True)
    experts = models.ManyToManyField(
        Expert, through="PanelMember", related_name="acceptance_meetings", blank=True
    )

    class Meta:
        verbose_name = _("acceptance meeting")
        verbose_name_plural = _("acceptance meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:meeting-detail", args=[self.pk])


class MeetingSession(AuditedModel):
    meeting = models.ForeignKey(
        AcceptanceMeeting, on_delete=models.CASCADE, related_name="sessions"
    )
    name = models.CharField(_("session"), max_length=50, help_text=_("e.g. 上午, 下午"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("meeting session")
        verbose_name_plural = _("meeting sessions")
        ordering = ["sort", "id"]

    def __str__(self):
        return f"{self.meeting} · {self.name}"


class SessionProject(AuditedModel):
    """A project accepted in a session, with the panel's conclusion and opinion."""

    session = models.ForeignKey(MeetingSession, on_delete=models.CASCADE, related_name="projects")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="acceptance_slots"
    )
    sort = models.PositiveSmallIntegerField(_("order"), default=0)
    conclusion = models.CharField(
        _("conclusion"), max_length=20, choices=Conclusion.choices, blank=True
    )
    opinion = models.TextField(_("opinion"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = Application.scope_paths.through("application", creator=None)

    class Meta:
        verbose_name = _("project of a session")
        verbose_name_plural = _("projects of a session")
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="sessionproject_unique")
        ]

    def __str__(self):
        return f"{self.session} · {self.application}"


class PanelMember(AuditedModel):
    meeting = models.ForeignKey(AcceptanceMeeting, on_delete=models.CASCADE, related_name="panel")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        _("role"), max_length=20, choices=PanelRole.choices, default=PanelRole.MEMBER
    )

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "expert"], name="panelmember_unique")
        ]

    def __str__(self):
        return str(self.expert)
