"""API representations of plan projects.

Code-list items and choices are named by their stable codes, organisations that a record only
names (cooperators, an expert's organisation, a meeting's agency) by their unified social
credit code, other records by id. Records that carry a version take it on updates (a stale one
answers 409). An application's state and the fields its workflow writes are read-only: they
change only through ``domain/workflow.py`` (the ``transition`` action).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kechuang.core.enums import CodeList
from kechuang.core.interfaces.serializers import IdField, SlugRelatedField
from kechuang.core.models import CodeItem
from kechuang.registry.interfaces.serializers import CodeField
from kechuang.registry.models import Organisation

from .. import models
from ..domain import workflow
from ..enums import Conclusion, ReviewState

VERSION_HELP = "The version an edit starts from; a stale one answers 409."
TECH_FIELDS = CodeItem.objects.of(CodeList.TECH_FIELD).filter(parent__isnull=False)
WITH_CODE = Organisation.objects.filter(uscc__isnull=False)


def by_uscc(**kwargs):
    """An organisation by its unified social credit code."""
    kwargs.setdefault("queryset", WITH_CODE)
    return SlugRelatedField(slug_field="uscc", **kwargs)


def in_order(serializer, attrs: dict, first: str, then: str, message: str) -> dict:
    """``then`` (as given, or as the record has it) must come after ``first``."""
    instance = serializer.instance
    start = attrs.get(first, getattr(instance, first, None))
    end = attrs.get(then, getattr(instance, then, None))
    if start and end and end <= start:
        raise serializers.ValidationError({then: message})
    return attrs


def kept_in_place(serializer, attrs: dict, names: tuple[str, ...], message: str) -> dict:
    """An edit may not move the record to another of ``names`` (``message`` says how to)."""
    if serializer.instance is not None:
        for name in names:
            value = attrs.get(name)
            if value is not None and value.pk != getattr(serializer.instance, f"{name}_id"):
                raise serializers.ValidationError({name: message})
    return attrs


class VersionField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(required=False, help_text=VERSION_HELP, **kwargs)


# Calls -----------------------------------------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Criterion
        fields = ["id", "call", "code", "name", "description", "weight", "max_value", "sort"]


class FormFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.FormField
        fields = ["id", "call", "code", "label", "help_text", "required", "sort"]


class ReviewPhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.ReviewPhase
        fields = ["id", "call", "name", "show_others_reviews", "closes_at", "sort"]


class CallSerializer(serializers.ModelSerializer):
    programme = CodeField(CodeList.PROJECT_PROGRAMME, allow_null=True, required=False)
    form_fields = FormFieldSerializer(many=True, read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    phases = ReviewPhaseSerializer(many=True, read_only=True)
    is_open = serializers.SerializerMethodField()
    version = VersionField()

    class Meta:
        model = models.Call
        fields = [
            "id",
            "code",
            "year",
            "batch",
            "name",
            "category",
            "field",
            "programme",
            "opens_at",
            "closes_at",
            "is_open",
            "guide",
            "reviewers_per_application",
            "aggregation",
            "form_fields",
            "criteria",
            "phases",
            "is_demo",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_demo", "created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_open(self, call) -> bool:
        return call.is_open()

    def validate(self, attrs):
        message = _("The call must close after it opens.")
        return in_order(self, attrs, "opens_at", "closes_at", message)


# Applications ----------------------------------------------------------------------------------

# What the workflow writes; never taken from a request.
WORKFLOW_FIELDS = [
    "number",
    "state",
    "submitted_at",
    "approved_on",
    "approved_funding",
    "publicity_until",
    "contract_number",
    "contract_signed_on",
    "midterm_result",
    "midterm_on",
    "extended_until",
    "conclusion",
    "concluded_on",
    "closed_on",
    "terminated_on",
]


class ApplicationSerializer(serializers.ModelSerializer):
    """An application as its applicant and the bureau see it. The undertaker of an
    organisation user's application is their organisation (it may be left out)."""

    call_code = serializers.CharField(source="call.code", read_only=True)
    call_name = serializers.CharField(source="call.name", read_only=True)
    undertaker = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False
    )
    undertaker_name = serializers.CharField(source="undertaker.name", read_only=True)
    cooperators = by_uscc(many=True, required=False)
    tech_field = CodeField(
        CodeList.TECH_FIELD, queryset=TECH_FIELDS, allow_null=True, required=False
    )
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    version = VersionField()

    class Meta:
        model = models.Application
        fields = [
            "id",
            "call",
            "call_code",
            "call_name",
            "name",
            "undertaker",
            "undertaker_name",
            "cooperators",
            "leader_name",
            "leader",
            "leader_phone",
            "tech_field",
            "starts_on",
            "ends_on",
            "requested_funding",
            "self_funding",
            "content",
            "answers",
            *WORKFLOW_FIELDS,
            "state_label",
            "is_demo",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [*WORKFLOW_FIELDS, "is_demo", "created_at", "updated_at"]

    def validate_answers(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Give the answers as an object: code → text."))
        for code, answer in value.items():
            if not isinstance(answer, str | int | float | Decimal) or isinstance(answer, bool):
                raise serializers.ValidationError(
                    _("The answer to “%(code)s” must be text.") % {"code": code}
                )
            if len(str(answer)) > 10000:
                raise serializers.ValidationError(
                    _("The answer to “%(code)s” is longer than 10000 characters.") % {"code": code}
                )
        return {code: str(answer) for code, answer in value.items()}

    def validate(self, attrs):
        instance = self.instance
        user = self.context["request"].user
        call = attrs.get("call")
        if instance is not None and call is not None and call.pk != instance.call_id:
            raise serializers.ValidationError(
                {"call": _("An application stays with its call; start a new one instead.")}
            )
        call = call or getattr(instance, "call", None)
        if instance is None:
            if call is None:
                raise serializers.ValidationError({"call": _("Choose the call.")})
            if timezone.now() >= call.closes_at:
                raise serializers.ValidationError(
                    {
                        "call": _("The call “%(call)s” has closed; it takes no new applications.")
                        % {"call": call.name}
                    }
                )
            if "undertaker" not in attrs:
                if not user.organisation_id:
                    raise serializers.ValidationError(
                        {"undertaker": _("Give the undertaking organisation.")}
                    )
                attrs["undertaker"] = user.organisation
        starts = attrs.get("starts_on", getattr(instance, "starts_on", None))
        ends = attrs.get("ends_on", getattr(instance, "ends_on", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError(
                {"ends_on": _("The project cannot end before it starts.")}
            )
        undertaker = attrs.get("undertaker", getattr(instance, "undertaker", None))
        cooperators = attrs.get("cooperators")
        if cooperators and undertaker and any(c.pk == undertaker.pk for c in cooperators):
            raise serializers.ValidationError(
                {"cooperators": _("The undertaking organisation is not its own cooperator.")}
            )
        answers = attrs.get("answers")
        if answers:
            known = set(call.form_fields.values_list("code", flat=True))
            unknown = sorted(set(answers) - known)
            if unknown:
                raise serializers.ValidationError(
                    {
                        "answers": _("The call has no question %(codes)s.")
                        % {"codes": "、".join(unknown)}
                    }
                )
        return attrs


class TransitionSerializer(serializers.Serializer):
    """A workflow step requested on an application."""

    transition = serializers.ChoiceField(choices=sorted(workflow.BY_ID))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    approved_funding = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    contract_number = serializers.CharField(required=False, allow_blank=True, max_length=50)


class BatchTransitionSerializer(serializers.Serializer):
    ids = serializers.ListField(child=IdField(), allow_empty=False, max_length=1000)
    transition = serializers.ChoiceField(choices=sorted(workflow.BY_ID))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class BatchResultSerializer(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField())
    failed = serializers.DictField(child=serializers.CharField())


class AvailableTransitionSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()
    to_state = serializers.CharField()
    to_state_label = serializers.CharField()
    needs_comment = serializers.BooleanField()
    needs = serializers.ListField(child=serializers.CharField())

    @staticmethod
    def of(step: workflow.Transition) -> dict:
        return {
            "id": step.id,
            "label": str(step.label),
            "to_state": step.to_state,
            "to_state_label": workflow.state_label(step.to_state),
            "needs_comment": step.needs_comment,
            "needs": list(step.needs),
        }


class TimelineEventSerializer(serializers.Serializer):
    """One audit event of an application: who did what when, with the comment."""

    at = serializers.DateTimeField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    actor = serializers.CharField()
    transition = serializers.CharField(allow_null=True)
    transition_label = serializers.CharField(allow_null=True)
    from_state = serializers.CharField(allow_null=True)
    to_state = serializers.CharField(allow_null=True)
    comment = serializers.CharField()

    @staticmethod
    def of(event) -> dict:
        changes = event.changes if isinstance(event.changes, dict) else {}

        def new(name):
            pair = changes.get(name)
            return pair[1] if isinstance(pair, list) and len(pair) == 2 else None

        def old(name):
            pair = changes.get(name)
            return pair[0] if isinstance(pair, list) and len(pair) == 2 else None

        step = new("transition")
        known = workflow.BY_ID.get(step) if step else None
        return {
            "at": event.at,
            "action": event.action,
            "action_label": event.get_action_display(),
            "actor": event.actor_name,
            "transition": step,
            "transition_label": str(known.label) if known else None,
            "from_state": old("state"),
            "to_state": new("state"),
            "comment": event.comment,
        }


class ScoreRowSerializer(serializers.Serializer):
    expert = serializers.CharField()
    phase = serializers.CharField()
    score = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)


class CallResultSerializer(serializers.Serializer):
    """An application's review result: its aggregate and each expert's score."""

    application = serializers.IntegerField(source="application.pk")
    number = serializers.CharField(source="application.number", allow_null=True)
    name = serializers.CharField(source="application.name")
    undertaker = serializers.CharField(source="application.undertaker.name")
    state = serializers.CharField(source="application.state")
    aggregate = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    assigned = serializers.IntegerField()
    submitted = serializers.IntegerField()
    experts = ScoreRowSerializer(many=True)


# What an expert reviewer sees ------------------------------------------------------------------


class ReviewerApplicationSerializer(serializers.ModelSerializer):
    """The application as its reviewer needs it: what is proposed, by whom, for how much."""

    call = serializers.CharField(source="call.name")
    undertaker = serializers.CharField(source="undertaker.name")
    cooperators = serializers.SerializerMethodField()
    tech_field = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    class Meta:
        model = models.Application
        fields = [
            "id",
            "number",
            "name",
            "call",
            "undertaker",
            "cooperators",
            "leader_name",
            "tech_field",
            "starts_on",
            "ends_on",
            "requested_funding",
            "self_funding",
            "content",
            "answers",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_cooperators(self, application) -> list[str]:
        return [org.name for org in application.cooperators.all()]

    @extend_schema_field(OpenApiTypes.STR)
    def get_tech_field(self, application) -> str:
        return application.tech_field.name if application.tech_field_id else ""

    @extend_schema_field(
        serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    )
    def get_answers(self, application) -> list[dict]:
        answers = application.answers or {}
        return [
            {"code": field.code, "label": field.label, "answer": str(answers.get(field.code, ""))}
            for field in application.call.form_fields.all()
        ]


class ReviewScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code")

    class Meta:
        model = models.Score
        fields = ["criterion", "value"]


class OwnReviewSerializer(serializers.ModelSerializer):
    scores = ReviewScoreSerializer(many=True, read_only=True)

    class Meta:
        model = models.Review
        fields = ["state", "opinion", "submitted_at", "scores"]


class OtherReviewSerializer(serializers.Serializer):
    """Another expert's submitted review, without their name."""

    opinion = serializers.CharField()
    score = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)


class AssignmentListSerializer(serializers.ModelSerializer):
    call = serializers.CharField(source="phase.call.name")
    phase = serializers.CharField(source="phase.name")
    reviews_due = serializers.DateTimeField(source="phase.closes_at")
    application = serializers.SerializerMethodField()
    review_state = serializers.SerializerMethodField()

    class Meta:
        model = models.Assignment
        fields = ["id", "call", "phase", "reviews_due", "application", "review_state"]

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_application(self, assignment) -> dict:
        application = assignment.application
        return {
            "id": application.pk,
            "number": application.number or "",
            "name": application.name,
            "undertaker": application.undertaker.name,
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_review_state(self, assignment) -> str:
        review = getattr(assignment, "review", None)
        return review.state if review is not None else ReviewState.DRAFT


class AssignmentSerializer(AssignmentListSerializer):
    """One assignment with what its reviewer needs: the application, the call's weighted
    criteria, the expert's own review and — when the phase allows it — the others'."""

    application = ReviewerApplicationSerializer(read_only=True)
    criteria = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()
    others_reviews = serializers.SerializerMethodField()

    class Meta(AssignmentListSerializer.Meta):
        fields = [*AssignmentListSerializer.Meta.fields, "criteria", "review", "others_reviews"]

    @extend_schema_field(CriterionSerializer(many=True))
    def get_criteria(self, assignment) -> list[dict]:
        return CriterionSerializer(assignment.phase.call.criteria.all(), many=True).data

    @extend_schema_field(OwnReviewSerializer(allow_null=True))
    def get_review(self, assignment):
        review = getattr(assignment, "review", None)
        return OwnReviewSerializer(review).data if review is not None else None

    @extend_schema_field(OtherReviewSerializer(many=True))
    def get_others_reviews(self, assignment) -> list[dict]:
        if not assignment.phase.show_others_reviews:
            return []
        from ..domain.scoring import review_score

        reviews = (
            models.Review.objects.filter(
                assignment__phase_id=assignment.phase_id,
                assignment__application_id=assignment.application_id,
                assignment__declared_conflict=False,
                state=ReviewState.SUBMITTED,
            )
            .exclude(assignment_id=assignment.pk)
            .order_by("submitted_at", "id")
        )
        return [{"opinion": r.opinion, "score": review_score(r)} for r in reviews]


# Acceptance meetings ---------------------------------------------------------------------------


class SessionProjectSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="application.number", read_only=True)
    name = serializers.CharField(source="application.name", read_only=True)
    undertaker = serializers.CharField(source="application.undertaker.name", read_only=True)

    class Meta:
        model = models.SessionProject
        fields = [
            "id",
            "session",
            "application",
            "number",
            "name",
            "undertaker",
            "sort",
            "conclusion",
            "opinion",
        ]
        # A conclusion is recorded through the ``conclude`` action (it moves the project on).
        read_only_fields = ["conclusion", "opinion"]

    def validate(self, attrs):
        message = _("Take the project off the agenda and schedule it again.")
        return kept_in_place(self, attrs, ("session", "application"), message)


class ConcludeSerializer(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class MeetingSessionSerializer(serializers.ModelSerializer):
    projects = SessionProjectSerializer(many=True, read_only=True)

    class Meta:
        model = models.MeetingSession
        fields = ["id", "meeting", "name", "starts_at", "ends_at", "sort", "projects"]

    def validate(self, attrs):
        message = _("The session must end after it starts.")
        return in_order(self, attrs, "starts_at", "ends_at", message)


class PanelMemberSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name", read_only=True)

    class Meta:
        model = models.PanelMember
        fields = ["id", "meeting", "expert", "expert_name", "role"]

    def validate(self, attrs):
        message = _("Remove the member and add the expert again.")
        return kept_in_place(self, attrs, ("meeting", "expert"), message)


class MeetingSerializer(serializers.ModelSerializer):
    agency = by_uscc(allow_null=True, required=False)
    agency_name = serializers.CharField(source="agency.name", read_only=True, default="")
    sessions = MeetingSessionSerializer(many=True, read_only=True)
    panel = PanelMemberSerializer(many=True, read_only=True)
    version = VersionField()

    class Meta:
        model = models.AcceptanceMeeting
        fields = [
            "id",
            "code",
            "name",
            "year",
            "batch",
            "held_on",
            "place",
            "agency",
            "agency_name",
            "note",
            "sessions",
            "panel",
            "is_demo",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_demo", "created_at", "updated_at"]

    def validate(self, attrs):
        year = attrs.get("year", getattr(self.instance, "year", None))
        held_on = attrs.get("held_on", getattr(self.instance, "held_on", None))
        if year and held_on and held_on.year != year:
            raise serializers.ValidationError(
                {
                    "year": _("The year must be the year of the meeting's date (%(year)s).")
                    % {"year": held_on.year}
                }
            )
        return attrs
