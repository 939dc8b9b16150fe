"""API representations of the platform records. Code-list items, towns and zones are named by
their stable codes; other records by id. Records that carry a version take it on updates."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from kechuang.core.enums import CodeList
from kechuang.core.interfaces.serializers import SlugRelatedField
from kechuang.core.models import CodeItem, TrackedModel
from kechuang.registry.interfaces.serializers import CodeField

from .. import models
from ..domain.records import problems


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


def serializer(model, **declared):
    """The serializer of ``model`` with ``declared`` fields (a versioned one for records that
    carry a version)."""
    base = TrackedSerializer if issubclass(model, TrackedModel) else RecordSerializer
    meta = type("Meta", (base.Meta,), {"model": model})
    return type(f"{model.__name__}Serializer", (base,), {"Meta": meta, **declared})


def by_code(model):
    return SlugRelatedField(
        slug_field="code", queryset=model.objects.all(), allow_null=True, required=False
    )


def optional_code(code_list: str):
    return CodeField(code_list, allow_null=True, required=False)


RD_LEVELS = CodeItem.objects.of(CodeList.RD_LEVEL).filter(parent__isnull=False)

_RDInstitutionBase = serializer(
    models.RDInstitution, level=CodeField(CodeList.RD_LEVEL, queryset=RD_LEVELS)
)


class RDInstitutionSerializer(_RDInstitutionBase):
    """A certification's level, end and successor change only through its lifecycle steps
    (``domain.rd``, on its page): the end and successor are read-only, the level is given only
    when the record is created."""

    class Meta(_RDInstitutionBase.Meta):
        read_only_fields = [
            *getattr(_RDInstitutionBase.Meta, "read_only_fields", []),
            "ended_on",
            "end_reason",
            "successor",
        ]

    def validate(self, attrs):
        level = attrs.get("level")
        if self.instance is not None and level is not None and level.pk != self.instance.level_id:
            raise serializers.ValidationError(
                {"level": _("The level changes only by an upgrade, on the institution's page.")}
            )
        return super().validate(attrs)


SERIALIZERS = {
    models.RDInstitution: RDInstitutionSerializer,
    models.RDInstitutionEvent: serializer(models.RDInstitutionEvent),
}
