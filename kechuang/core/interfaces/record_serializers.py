"""The serializer of a record kept with its version, checked as its form checks it."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers


class RecordSerializer(serializers.ModelSerializer):
    """A record with its version; the values are checked together by the model's ``clean()``,
    its unique fields and its constraints, so the API refuses what the pages and the imports
    refuse, with the same messages."""

    version = serializers.IntegerField(
        required=False, help_text="The version an edit starts from; a stale one answers 409."
    )

    class Meta:
        fields = "__all__"
        read_only_fields = ["created_by", "is_demo"]

    def validate(self, attrs):
        model = self.Meta.model
        values = {}
        if self.instance is not None:
            values = {f.attname: getattr(self.instance, f.attname) for f in model._meta.fields}
        for name, value in attrs.items():
            if name == "version":
                continue
            field = model._meta.get_field(name)
            if field.many_to_many:
                continue
            if field.is_relation:
                values[field.attname] = value.pk if value is not None else None
            else:
                values[name] = value
        record = model(**values)
        # An edit is the same row: its own id is no duplicate of itself.
        record._state.adding = self.instance is None
        try:
            record.clean()
            # A duplicate is a 400 naming the field, not an IntegrityError when it is saved.
            record.validate_unique()
            record.validate_constraints()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return attrs
