"""API representations of the services' policies (read here, changed through the workflow
actions: a policy version's state and dates, a consultation's replies) and the inputs of the
area's actions. The declared record types' serializers come from their declarations
(``record_types.py``)."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.settings import api_settings

from kechuang.core.interfaces.serializers import IdField

from .. import models
from ..enums import OpinionPosition, PolicyDomain

VERSION_HELP = "The version an edit starts from; a stale one answers 409."


def model_errors(error: DjangoValidationError) -> dict | list:
    """A model's ValidationError as the API reports errors (by field)."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    found = {}
    for field, messages in error.message_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
        found.setdefault(key, []).extend(messages)
    return found


# Policies: read here, changed through the workflow actions ---------------------------------------


class ConsultationOpinionSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.ConsultationOpinion
        fields = [
            "id",
            "policy_version",
            "body",
            "organisation",
            "requested_on",
            "replied_on",
            "position",
            "opinion",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PolicyVersionSerializer(serializers.ModelSerializer):
    """A version; a draft's title, summary, text and document number may be edited (naming the
    version the edit started from), everything else moves through the workflow actions."""

    opinions = ConsultationOpinionSerializer(many=True, read_only=True)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = models.PolicyVersion
        fields = [
            "id",
            "policy",
            "number",
            "title",
            "summary",
            "text",
            "document_number",
            "state",
            "effective_from",
            "effective_to",
            "adopted_on",
            "opinions",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "policy",
            "number",
            "state",
            "effective_from",
            "effective_to",
            "adopted_on",
            "created_at",
            "updated_at",
        ]


class VersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = models.PolicyVersion
        fields = ["id", "number", "title", "state", "effective_from", "effective_to"]
        read_only_fields = fields


class PolicySerializer(serializers.ModelSerializer):
    """A policy and its versions (newest first). A new policy starts with its first version, a
    draft of ``text``."""

    versions = VersionSummarySerializer(many=True, read_only=True)
    summary = serializers.CharField(write_only=True, required=False, allow_blank=True)
    text = serializers.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = models.Policy
        fields = [
            "id",
            "title",
            "domain",
            "issuer",
            "note",
            "summary",
            "text",
            "versions",
            "is_demo",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_demo", "version", "created_at", "updated_at"]
        extra_kwargs = {"domain": {"default": PolicyDomain.OTHER}}


# The inputs of the actions -------------------------------------------------------------------------


class StartConsultationSerializer(serializers.Serializer):
    bodies = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list
    )
    organisations = serializers.ListField(child=IdField(), required=False, default=list)
    on = serializers.DateField(required=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AdoptVersionSerializer(serializers.Serializer):
    effective_from = serializers.DateField()
    on = serializers.DateField(required=False)
    document_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class WithdrawVersionSerializer(serializers.Serializer):
    comment = serializers.CharField()
    on = serializers.DateField(required=False)


class OpinionReplySerializer(serializers.Serializer):
    position = serializers.ChoiceField(choices=OpinionPosition.choices)
    opinion = serializers.CharField(required=False, allow_blank=True, default="")
    replied_on = serializers.DateField(required=False)


class CloseFollowUpSerializer(serializers.Serializer):
    result = serializers.CharField()
    on = serializers.DateField(required=False)


class CloseVisitRectificationSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PolicyStepSerializer(serializers.Serializer):
    """A step the user may take on a version now."""

    id = serializers.CharField()
    label = serializers.CharField()
    to_state = serializers.CharField()
    needs_comment = serializers.BooleanField()

    @staticmethod
    def of(step) -> dict:
        return {
            "id": step.id,
            "label": str(step.label),
            "to_state": str(step.to_state),
            "needs_comment": step.needs_comment,
        }
