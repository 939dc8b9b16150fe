"""Pages of the services area: tech commissioners (members, assignments, activity logs with
photos), training institutions (contacts, visits, the admission checklist), field visits
(issues, follow-ups) and policies (versions and their consultation). Each kind of record
declares its columns, facts and sections on the shared shapes of
:mod:`kechuang.core.record_views`; writes that are steps of a process go through the area's
domain functions (``views_steps``, ``views_policies``, ``views_mine``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Func, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.core import record_views
from kechuang.core.domain.errors import DomainError
from kechuang.core.interfaces.display import Shown
from kechuang.core.record_views import RecordDetailView, RecordEditView, perm

from . import models
from .domain import commissioners as commissioner_domain
from .domain import policies
from .enums import CommissionerKind, VersionState
from .interfaces import exporters, filters, forms
from .interfaces.shown import Labelled
from .reference import EXPORTS, IMPORTS

# Shapes ----------------------------------------------------------------------------------------


class RecordListView(record_views.RecordListView):
    """A services list: its export (the IO helper's ``EXPORTS``), import and their
    permissions follow from the model's name."""

    def visible(self, model):
        """Records of another kind within the user's scope (what the list's figures count)."""
        return model.objects.visible_to(self.request.user)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.model._meta.model_name
        cls.export = exporters.EXPORTS.get(name)
        cls.export_permission = f"services.export_{name}" if name in EXPORTS else ""
        if name in IMPORTS:
            cls.importer = f"services.{name}"
            cls.import_permission = f"services.import_{name}"


def as_validation_error(error: DomainError, form) -> ValidationError:
    """A refusal of the domain as the form's error (on its field when the form has it)."""
    if error.field and error.field in form.fields:
        return ValidationError({error.field: error.message})
    return ValidationError(error.message)


class DetailView(RecordDetailView):
    """A services record's page (the shared one, with sections of records kept elsewhere)."""

    def may(self, action: str, model=None, obj=None) -> bool:
        return self.request.user.has_perm(perm(action, model or self.model), obj)

    def linked(self, title, records, columns, *, model=None, add_url="", list_url="", key=""):
        section = self.related_records(title, records, columns, model=model)
        section.add_url, section.list_url = add_url, list_url
        section.key = key or (model or records.model)._meta.model_name
        return section


def action(key: str, label, url: str) -> dict:
    return {"key": key, "label": label, "url": url}


# Tech commissioners ----------------------------------------------------------------------------

COMMISSIONER = Shown("commissioner", sort="commissioner__name")
ACTIVITY_COLUMNS = [
    Shown("held_on", sort="held_on", link=True),
    Shown("kind", sort="kind__sort"),
    Shown("town", sort="town__code"),
    Shown("place"),
    Shown("trainees", numeric=True, sort="trainees"),
    Shown("materials", numeric=True, sort="materials"),
]


class CommissionerList(RecordListView):
    model = models.Commissioner
    filterset_class = filters.CommissionerFilter
    related = ("field", "employer", "organisation")
    columns = [
        Shown("name", sort="name", link=True),
        Shown("kind", sort="kind"),
        Shown("field", sort="field__sort"),
        Shown("expertise"),
        Shown("employer_shown", label=gettext_lazy("Employer")),
        Shown("year", sort="year"),
        Shown("assignment_count", label=gettext_lazy("Assignments"), numeric=True),
        Shown("activity_count", label=gettext_lazy("Activities"), numeric=True),
    ]
    default_sort = "name"

    def get_queryset(self):
        assignments = self.visible(models.ServiceAssignment).filter(commissioner=OuterRef("pk"))
        activities = self.visible(models.Activity).filter(commissioner=OuterRef("pk"))
        return (
            super()
            .get_queryset()
            .annotate(
                assignment_count=count_of(assignments),
                activity_count=count_of(activities),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for record in context["object_list"]:
            record.employer_shown = employer_of(record)
        return context


def count_of(queryset):
    """The number of rows of a correlated subquery (0 when none), without a join that would
    multiply the list's rows."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def employer_of(commissioner):
    if commissioner.employer_id:
        return commissioner.employer
    return commissioner.employer_name or ""


class CommissionerDetail(DetailView):
    model = models.Commissioner
    related = ("field", "employer", "organisation", "person", "user")
    facts = [
        Shown("kind"),
        Shown("person"),
        Shown("organisation"),
        Shown("employer"),
        Shown("employer_name"),
        Shown("field"),
        Shown("expertise"),
        Shown("phone"),
        Shown("user"),
        Shown("appointed_on"),
        Shown("year"),
        Shown("dispatched_by"),
        Shown("note"),
        Shown("activity_total", label=gettext_lazy("Activities")),
        Shown("trainee_total", label=gettext_lazy("Trainees")),
        Shown("material_total", label=gettext_lazy("Materials handed out")),
    ]

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        totals = self.visible(models.Activity).filter(commissioner=record)
        totals = totals.aggregate(
            n=Count("pk"), trainees=Sum("trainees"), materials=Sum("materials")
        )
        record.activity_total = totals["n"]
        record.trainee_total = totals["trainees"] or 0
        record.material_total = totals["materials"] or 0
        return record

    def sections(self):
        record, user = self.object, self.request.user
        found = []
        if record.kind == CommissionerKind.TEAM:
            members = self.visible(models.CommissionerMember).filter(commissioner=record)
            found.append(
                self.children(
                    members.select_related("person", "user"),
                    [
                        Shown("name", link=True),
                        Shown("role"),
                        Shown("person"),
                        Shown("phone"),
                        Shown("user"),
                    ],
                )
            )
        assignments = self.visible(models.ServiceAssignment).filter(commissioner=record)
        found.append(
            self.children(
                assignments.select_related("town", "enterprise"),
                [
                    Shown("town", link=True),
                    Shown("village"),
                    Shown("enterprise"),
                    Shown("started_on"),
                    Shown("ended_on"),
                ],
            )
        )
        activities = self.visible(models.Activity).filter(commissioner=record)
        writes = user.has_perm("services.add_activity") and commissioner_domain.may_act_for(
            user, record
        )
        found.append(
            self.linked(
                capfirst(models.Activity._meta.verbose_name_plural),
                activities.select_related("kind", "town"),
                ACTIVITY_COLUMNS,
                add_url=f"{reverse('services:activity-create')}?commissioner={record.pk}"
                if writes
                else "",
                list_url=self.list_of(models.Activity, f"?commissioner={record.pk}"),
            )
        )
        return found


class CommissionerMemberDetail(DetailView):
    model = models.CommissionerMember
    parent = "commissioner"
    related = ("commissioner", "person", "user")
    facts = [
        Shown("commissioner"),
        Shown("name"),
        Shown("role"),
        Shown("person"),
        Shown("phone"),
        Shown("user"),
    ]


ASSIGNMENT_COLUMNS = [
    COMMISSIONER,
    Shown("town", sort="town__code", link=True),
    Shown("village", sort="village"),
    Shown("enterprise", sort="enterprise__name"),
    Shown("started_on", sort="started_on"),
    Shown("ended_on", sort="ended_on"),
]


class ServiceAssignmentList(RecordListView):
    model = models.ServiceAssignment
    filterset_class = filters.ServiceAssignmentFilter
    related = ("commissioner", "town", "enterprise")
    creatable = False  # entered on the commissioner's page
    columns = ASSIGNMENT_COLUMNS
    default_sort = "-started_on"


class ServiceAssignmentDetail(DetailView):
    model = models.ServiceAssignment
    parent = "commissioner"
    related = ("commissioner", "town", "enterprise")
    facts = [
        Shown("commissioner"),
        Shown("town"),
        Shown("village"),
        Shown("enterprise"),
        Shown("started_on"),
        Shown("ended_on"),
        Shown("tasks"),
    ]

    def sections(self):
        record, user = self.object, self.request.user
        activities = self.visible(models.Activity).filter(assignment=record)
        writes = user.has_perm("services.add_activity") and commissioner_domain.may_act_for(
            user, record.commissioner
        )
        query = f"?commissioner={record.commissioner_id}&assignment={record.pk}"
        return [
            self.linked(
                capfirst(models.Activity._meta.verbose_name_plural),
                activities.select_related("kind", "town"),
                ACTIVITY_COLUMNS,
                add_url=reverse("services:activity-create") + query if writes else "",
                list_url=self.list_of(models.Activity, f"?assignment={record.pk}"),
            )
        ]


class ActivityList(RecordListView):
    model = models.Activity
    filterset_class = filters.ActivityFilter
    related = ("commissioner", "kind", "town")
    columns = [Shown("held_on", sort="held_on", link=True), COMMISSIONER, *ACTIVITY_COLUMNS[1:]]
    default_sort = "-held_on"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["create_url"] and not forms.writable_commissioners(self.request.user).exists():
            context["create_url"] = ""
        return context


class ActivityDetail(DetailView):
    model = models.Activity
    related = ("commissioner", "assignment__town", "kind", "town")
    template_name = "services/activity_detail.html"
    facts = [
        Shown("commissioner"),
        Shown("assignment"),
        Shown("held_on"),
        Shown("kind"),
        Shown("place"),
        Shown("town"),
        Shown("trainees"),
        Shown("materials"),
        Shown("summary"),
    ]


class ActivityEdit(RecordEditView):
    """A bureau user logs an activity on a commissioner's behalf, or a commissioner's login on
    its own; through the domain (``log_activity``, ``update_activity``), which checks that the
    user acts for the commissioner."""

    form_class = forms.ActivityForm

    def save(self, form):
        data, user = form.cleaned_data, self.request.user
        values = {
            name: data.get(name) for name in commissioner_domain.EDITABLE if name in form.fields
        }
        values["place"] = values.get("place") or ""
        values["summary"] = values.get("summary") or ""
        commissioner = data.get("commissioner") or form.instance.commissioner
        if form.instance.pk is None:
            return commissioner_domain.log_activity(user, commissioner, **values)
        # The stored record, not the form's instance (which already holds the new values).
        stored = models.Activity.objects.get(pk=form.instance.pk)
        if commissioner.pk != stored.commissioner_id:
            values["commissioner"] = commissioner
        return commissioner_domain.update_activity(stored, user, data.get("version") or 0, **values)


# Policies --------------------------------------------------------------------------------------


class PolicyList(RecordListView):
    model = models.Policy
    filterset_class = filters.PolicyFilter
    columns = [
        Shown("title", sort="title", link=True),
        Shown("domain", sort="domain"),
        Shown("issuer", sort="issuer"),
        Shown("version_count", label=gettext_lazy("Versions"), numeric=True),
        Shown("in_force", label=gettext_lazy("Version in force"), sort="in_force"),
        Labelled("open_state", label=gettext_lazy("Being revised"), labels=VersionState),
    ]
    default_sort = "title"

    def annotate(self, queryset):
        today = timezone.localdate()
        versions = self.visible(models.PolicyVersion).filter(policy=OuterRef("pk"))
        in_force = versions.in_force(today).order_by("-number").values("number")[:1]
        open_state = versions.filter(
            state__in=[VersionState.DRAFT, VersionState.CONSULTATION]
        ).values("state")[:1]
        return queryset.annotate(
            version_count=count_of(versions),
            in_force=Subquery(in_force),
            open_state=Subquery(open_state),
        )


class PolicyEdit(RecordEditView):
    """A new policy is created with its first draft (``policies.create_policy``); an edit
    changes the policy's own facts."""

    form_class = forms.PolicyForm

    def save(self, form):
        if form.instance.pk:
            return super().save(form)
        data = form.cleaned_data
        try:
            return policies.create_policy(
                self.request.user,
                title=data["title"],
                domain=data["domain"],
                issuer=data.get("issuer") or "",
                note=data.get("note") or "",
                summary=data.get("summary") or "",
                text=data.get("text") or "",
            )
        except DomainError as error:
            raise as_validation_error(error, form) from None


VERSION_COLUMNS = [
    Shown("number", link=True),
    Shown("title"),
    Shown("state"),
    Shown("effective_from"),
    Shown("effective_to"),
    Shown("adopted_on"),
    Shown("document_number"),
]


def may_start_version(user, policy) -> bool:
    return user.has_perm(policies.ADD) and user.has_perm(policies.CHANGE_POLICY, policy)


class PolicyDetail(DetailView):
    model = models.Policy
    facts = [
        Shown("domain"),
        Shown("issuer"),
        Shown("note"),
        Shown("in_force_today", label=gettext_lazy("Version in force today")),
        Shown("open_version_shown", label=gettext_lazy("Being revised")),
    ]

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        self.versions = list(
            self.visible(models.PolicyVersion).filter(policy=record).order_by("-number")
        )
        today = timezone.localdate()
        in_force = self.visible(models.PolicyVersion).in_force(today).filter(policy=record)
        in_force = in_force.first()
        record.in_force_today = in_force
        record.open_version_shown = next((v for v in self.versions if v.is_open), None)
        return record

    def sections(self):
        section = self.related_records(
            capfirst(models.PolicyVersion._meta.verbose_name_plural),
            self.versions,
            VERSION_COLUMNS,
            model=models.PolicyVersion,
        )
        section.key = "policyversion"
        return [section]

    def post_actions(self):
        record = self.object
        if record.open_version_shown is None and may_start_version(self.request.user, record):
            url = reverse("services:policy-new-version", args=[record.pk])
            return [action("new_version", _("Start a new version"), url)]
        return []

    def history_children(self):
        return list(self.object.versions.all())


class PolicyVersionDetail(DetailView):
    model = models.PolicyVersion
    parent = "policy"
    template_name = "services/policyversion_detail.html"
    related = ("policy",)
    facts = [
        Shown("policy"),
        Shown("number"),
        Shown("state"),
        Shown("summary"),
        Shown("effective_from"),
        Shown("effective_to"),
        Shown("adopted_on"),
        Shown("document_number"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        opinions = list(
            self.visible(models.ConsultationOpinion)
            .filter(policy_version=record)
            .select_related("organisation")
        )
        replies = record.state == VersionState.CONSULTATION and self.may("change", obj=record)
        for opinion in opinions:
            opinion.reply_url = (
                reverse("services:consultationopinion-reply", args=[opinion.pk])
                if replies and opinion.outstanding
                else ""
            )
        context["opinions"] = opinions
        context["outstanding"] = [o.body for o in opinions if o.outstanding]
        return context

    def edit_url(self):
        record = self.object
        if record.state == VersionState.DRAFT and self.may("change", obj=record):
            return reverse("services:policyversion-edit", args=[record.pk])
        return ""

    def actions(self):
        record = self.object
        return [
            action(
                step.id, step.label, reverse(f"services:policyversion-{step.id}", args=[record.pk])
            )
            for step in policies.available(record, self.request.user)
        ]

    def post_actions(self):
        record = self.object
        if record.state != VersionState.ADOPTED or record.policy.open_version is not None:
            return []
        if not may_start_version(self.request.user, record.policy):
            return []
        url = reverse("services:policy-new-version", args=[record.policy_id])
        return [action("new_version", _("Start a new version"), url)]

    def history_children(self):
        return list(self.object.opinions.all())


class ConsultationOpinionDetail(DetailView):
    model = models.ConsultationOpinion
    parent = "policy_version"
    related = ("policy_version__policy", "organisation")
    facts = [
        Shown("policy_version"),
        Shown("body"),
        Shown("organisation"),
        Shown("requested_on"),
        Shown("replied_on"),
        Shown("position"),
        Shown("opinion"),
    ]

    def edit_url(self):
        return ""

    def actions(self):
        record = self.object
        if (
            record.outstanding
            and record.policy_version.state == VersionState.CONSULTATION
            and self.may("change", models.PolicyVersion, record.policy_version)
        ):
            url = reverse("services:consultationopinion-reply", args=[record.pk])
            return [action("reply", _("Record the reply"), url)]
        return []
