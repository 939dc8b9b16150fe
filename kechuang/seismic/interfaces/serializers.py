"""API representations of the earthquake-prevention records.

Towns are named by their division codes, code-list items (shelter facilities) by their codes,
other records by id. Records carry a version; an update names it (a stale one answers 409).
Every write runs the model's own validation (``clean()``), so the API refuses what the pages
refuse, with the same messages.

What the rules compute is read-only and never stored: a construction project's ``evaluation``
(required class, intensities, the flag, and every rule step with its source), an inspection's
required class and intensities and its ``below_requirement`` flag, a shelter's ``capacity``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kechuang.core.interfaces.record_serializers import RecordSerializer

from .. import models
from ..domain import fortification as fx
from ..domain import requirement
from ..enums import FortificationClass
from ..models import LATEST_CLASS, LATEST_DESIGN


class SeismicSerializer(RecordSerializer):
    """A record of the area with its version, checked by the model's own validation."""

    class Meta(RecordSerializer.Meta):
        pass


# Evaluation of a construction project ----------------------------------------------------------


class SeismicStepSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The rule applied (Chinese, as the standard words it).")
    source = serializers.CharField(help_text="The clause of the standard, e.g. GB 50223-2008 …")


class SeismicEvaluationSerializer(serializers.Serializer):
    """The rules applied to a project (``domain/fortification.py``), computed on every read."""

    available = serializers.BooleanField(
        help_text="False when the rules cannot decide (no zonation setting for the town, or a "
        "hospital building without its grade); ``message`` says why."
    )
    message = serializers.CharField(allow_blank=True)
    pga = serializers.CharField(allow_null=True, help_text="The town's basic PGA, e.g. 0.05g.")
    site_intensity = serializers.IntegerField(allow_null=True)
    required_class = serializers.CharField(allow_null=True, help_text="a, b, c or d (甲乙丙丁).")
    required_class_label = serializers.CharField(allow_blank=True)
    required_measures_intensity = serializers.IntegerField(allow_null=True)
    above_9 = serializers.BooleanField()
    designed_class = serializers.CharField(
        allow_null=True,
        help_text="The latest inspection's designed class, a–d (null: never inspected).",
    )
    designed_measures_intensity = serializers.IntegerField(
        allow_null=True, help_text="The latest inspection's design (null: never inspected)."
    )
    below_requirement = serializers.BooleanField(
        allow_null=True,
        help_text="The design's class below the required class or its measures intensity below "
        "the required one (null: not decidable).",
    )
    shortfalls = serializers.ListField(
        child=serializers.ChoiceField(choices=[fx.SHORT_OF_CLASS, fx.SHORT_OF_MEASURES]),
        help_text="What the design falls short in: class, measures, both or none.",
    )
    steps = SeismicStepSerializer(many=True)


def _rule_error_message(error: fx.FortificationError) -> str:
    # The models' translatable wording of the pure module's errors.
    return models._pure_error_message(error)


def evaluate_project(project: models.ConstructionProject) -> dict:
    """The project's evaluation as the API shows it: what the rules require at its town and,
    when it has been inspected, whether the latest design meets it."""
    result = {
        "available": False,
        "message": "",
        "pga": None,
        "site_intensity": None,
        "required_class": None,
        "required_class_label": "",
        "required_measures_intensity": None,
        "above_9": False,
        "designed_class": None,
        "designed_measures_intensity": None,
        "below_requirement": None,
        "shortfalls": [],
        "steps": [],
    }
    if hasattr(project, LATEST_DESIGN):
        designed = getattr(project, LATEST_DESIGN)
        designed_class = getattr(project, LATEST_CLASS, None)
    else:
        latest = project.latest_inspection()
        designed = latest.designed_measures_intensity if latest else None
        designed_class = latest.designed_class if latest else None
    try:
        pga = project.pga()
        needed = project.class_requirement()
        measures = fx.required_measures(needed.fortification_class, pga)
        evaluation = project.evaluation(designed, designed_class) if designed is not None else None
    except fx.FortificationError as error:
        result["message"] = _rule_error_message(error)
        return result
    steps = evaluation.steps if evaluation else (*needed.steps, *measures.steps)
    result |= {
        "available": True,
        "pga": fx.format_pga(pga),
        "site_intensity": measures.site_intensity,
        "required_class": measures.fortification_class.code,
        "required_class_label": str(FortificationClass(measures.fortification_class.code).label),
        "required_measures_intensity": measures.measures_intensity,
        "above_9": measures.above_9,
        "designed_class": designed_class or None,
        "designed_measures_intensity": designed,
        "below_requirement": evaluation.below_requirement if evaluation else None,
        "shortfalls": list(evaluation.shortfalls) if evaluation else [],
        "steps": [{"text": step.text, "source": step.source} for step in steps],
    }
    return result


class SeismicProjectSerializer(SeismicSerializer):
    """A construction project (declared in ``record_types``) with the rules' evaluation."""

    evaluation = serializers.SerializerMethodField(
        help_text="Computed by the fortification rules on every read; never stored."
    )

    @extend_schema_field(SeismicEvaluationSerializer)
    def get_evaluation(self, project) -> dict:
        return evaluate_project(project)


# Inspections -----------------------------------------------------------------------------------


def inspection_requirement(inspection: models.Inspection) -> dict:
    """Required class and intensities and the flag: from ``with_requirement()``'s annotations
    when the queryset has them, else from the rules for this one inspection."""
    names = (
        requirement.REQUIRED_CLASS,
        requirement.SITE_INTENSITY,
        requirement.REQUIRED_MEASURES,
        requirement.BELOW,
    )
    if all(hasattr(inspection, name) for name in names):
        return {name: getattr(inspection, name) for name in names}
    try:
        evaluation = inspection.evaluation()
    except fx.FortificationError:
        return dict.fromkeys(names)
    return {
        requirement.REQUIRED_CLASS: evaluation.required_class.code,
        requirement.SITE_INTENSITY: evaluation.site_intensity,
        requirement.REQUIRED_MEASURES: evaluation.required_measures_intensity,
        requirement.BELOW: evaluation.below_requirement,
    }


class SeismicRequirementSerializer(serializers.Serializer):
    required_class = serializers.CharField(allow_null=True)
    site_intensity = serializers.IntegerField(allow_null=True)
    required_measures_intensity = serializers.IntegerField(allow_null=True)
    below_requirement = serializers.BooleanField(allow_null=True)


class SeismicInspectionSerializer(SeismicSerializer):
    """An inspection (declared in ``record_types``) with the rules' requirement. It is recorded through ``domain.records.record_inspection`` (an omitted
    finding is the rules' verdict); its rectification is closed only through the
    ``close-rectification`` action, so ``rectified_on`` and ``closure_note`` are read-only."""

    requirement = serializers.SerializerMethodField(
        help_text="Required class and intensities and the flag, computed by the rules "
        "(null values: the town has no zonation setting or a hospital lacks its grade)."
    )

    class Meta(SeismicSerializer.Meta):
        read_only_fields = [
            *SeismicSerializer.Meta.read_only_fields,
            "rectified_on",
            "closure_note",
        ]

    @extend_schema_field(SeismicRequirementSerializer)
    def get_requirement(self, inspection) -> dict:
        return inspection_requirement(inspection)


class SeismicCloseRectificationSerializer(serializers.Serializer):
    rectified_on = serializers.DateField()
    closure_note = serializers.CharField(allow_blank=True, required=False, default="")
    version = serializers.IntegerField(
        required=False, help_text="The inspection's version; a stale one answers 409."
    )


# Shelters and the rest -------------------------------------------------------------------------


class SeismicShelterSerializer(SeismicSerializer):
    """A shelter (declared in ``record_types``) with its computed capacity."""

    capacity = serializers.IntegerField(
        read_only=True,
        help_text="People the shelter takes: the effective area ÷ 1.5 m² per person "
        "(GB 21734-2008), rounded down; computed, never stored.",
    )


class SeismicConsecutiveExcellentSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    consecutive_excellent_years = serializers.IntegerField(
        help_text="Consecutive years rated excellent up to the year (a gap year or another "
        "result ends the run)."
    )
