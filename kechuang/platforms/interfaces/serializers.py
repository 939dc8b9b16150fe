"""API representations of the platform records. Code-list items, towns and zones are named by
their stable codes; other records by id. Records that carry a version take it on updates."""

from rest_framework import serializers

from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.registry.interfaces.serializers import CodeField
from kechuang.registry.models import Town, Zone

from ..domain.records import problems
from ..models import (
    AcademicianCooperation,
    AgriPlatform,
    IncubationProject,
    Incubator,
    IncubatorTalent,
    Institute,
    InstituteRecord,
    InstituteTalent,
    MajorProject,
    MajorProjectStage,
    RDInstitution,
    RDInstitutionEvent,
    SignedProject,
    SigningEvent,
    Tenancy,
    ZoneEvaluation,
)


def by_code(model, **kwargs):
    return serializers.SlugRelatedField(
        slug_field="code", queryset=model.objects.all(), allow_null=True, required=False, **kwargs
    )


def optional_code(code_list: str):
    return CodeField(code_list, allow_null=True, required=False)


class RecordSerializer(serializers.ModelSerializer):
    """Checks the values together, as the forms do (``domain.records.problems``)."""

    class Meta:
        fields = "__all__"

    def validate(self, attrs):
        model = self.Meta.model
        values = {}
        if self.instance is not None:
            values = {f.attname: getattr(self.instance, f.attname) for f in model._meta.fields}
        values |= attrs
        found = problems(model, values)
        if found:
            raise serializers.ValidationError(found)
        return attrs


class TrackedSerializer(RecordSerializer):
    version = serializers.IntegerField(
        required=False, help_text="The version an edit starts from; a stale one answers 409."
    )

    class Meta(RecordSerializer.Meta):
        read_only_fields = ["created_by", "is_demo"]


class RDInstitutionSerializer(TrackedSerializer):
    level = CodeField(
        CodeList.RD_LEVEL,
        queryset=CodeItem.objects.of(CodeList.RD_LEVEL).filter(parent__isnull=False),
    )

    class Meta(TrackedSerializer.Meta):
        model = RDInstitution


class RDInstitutionEventSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = RDInstitutionEvent


class InstituteSerializer(TrackedSerializer):
    focus_chain = optional_code(CodeList.INDUSTRY_CHAIN)

    class Meta(TrackedSerializer.Meta):
        model = Institute


class InstituteTalentSerializer(TrackedSerializer):
    class Meta(TrackedSerializer.Meta):
        model = InstituteTalent


class IncubationProjectSerializer(TrackedSerializer):
    class Meta(TrackedSerializer.Meta):
        model = IncubationProject


class InstituteRecordSerializer(TrackedSerializer):
    class Meta(TrackedSerializer.Meta):
        model = InstituteRecord


class IncubatorSerializer(TrackedSerializer):
    town = by_code(Town)
    zone = by_code(Zone)

    class Meta(TrackedSerializer.Meta):
        model = Incubator


class TenancySerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Tenancy


class IncubatorTalentSerializer(RecordSerializer):
    talent_level = optional_code(CodeList.TALENT_LEVEL)

    class Meta(RecordSerializer.Meta):
        model = IncubatorTalent


class ZoneEvaluationSerializer(TrackedSerializer):
    zone = by_code(Zone)

    class Meta(TrackedSerializer.Meta):
        model = ZoneEvaluation


class AgriPlatformSerializer(TrackedSerializer):
    class Meta(TrackedSerializer.Meta):
        model = AgriPlatform


class AcademicianCooperationSerializer(TrackedSerializer):
    class Meta(TrackedSerializer.Meta):
        model = AcademicianCooperation


class SigningEventSerializer(TrackedSerializer):
    class Meta(TrackedSerializer.Meta):
        model = SigningEvent


class SignedProjectSerializer(RecordSerializer):
    field = CodeField(CodeList.SIGNING_FIELD)
    origin = CodeField(CodeList.SIGNING_ORIGIN)

    class Meta(RecordSerializer.Meta):
        model = SignedProject


class MajorProjectSerializer(TrackedSerializer):
    chain = optional_code(CodeList.INDUSTRY_CHAIN)
    town = by_code(Town)

    class Meta(TrackedSerializer.Meta):
        model = MajorProject


class MajorProjectStageSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = MajorProjectStage
