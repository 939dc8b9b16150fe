from rest_framework import serializers

from kechuang.core.enums import CodeList
from kechuang.core.interfaces.serializers import SlugRelatedField
from kechuang.core.models import CodeItem

from ..domain.uscc import normalise_uscc, validate_uscc
from ..models import Organisation, Town, Zone


class CodeField(SlugRelatedField):
    """A code-list item by its code."""

    def __init__(self, code_list: str, **kwargs):
        kwargs.setdefault("queryset", CodeItem.objects.of(code_list))
        super().__init__(slug_field="code", **kwargs)


class TownSerializer(serializers.ModelSerializer):
    class Meta:
        model = Town
        fields = ["id", "code", "name", "name_en", "level"]


class ZoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Zone
        fields = ["id", "code", "name", "name_en", "kind"]


class OrganisationSerializer(serializers.ModelSerializer):
    town = SlugRelatedField(
        slug_field="code", queryset=Town.objects.all(), allow_null=True, required=False
    )
    industry = CodeField(
        CodeList.INDUSTRY_CLASS,
        queryset=CodeItem.objects.of(CodeList.INDUSTRY_CLASS).filter(parent__isnull=False),
        allow_null=True,
        required=False,
    )
    chains = CodeField(CodeList.INDUSTRY_CHAIN, many=True, required=False)
    zones = SlugRelatedField(
        slug_field="code", queryset=Zone.objects.all(), many=True, required=False
    )
    version = serializers.IntegerField(
        required=False, help_text="The version an edit starts from; a stale one answers 409."
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "kind",
            "uscc",
            "name",
            "former_names",
            "legal_representative",
            "founded_on",
            "town",
            "address",
            "industry",
            "chains",
            "zones",
            "is_demo",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_demo", "created_at", "updated_at"]

    def validate_uscc(self, value):
        value = normalise_uscc(value or "") or None
        if value:
            validate_uscc(value)
        return value
