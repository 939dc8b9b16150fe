"""How the OpenAPI schema describes fields whose default description does not match what the API
answers (drf-spectacular extensions, registered by ``CoreConfig.ready``)."""

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from .interfaces.display import field_at

# A time of day as the API writes and reads it: 09:00, 09:00:00 or 09:00:00.250000, no offset.
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


def model_field(field):
    """The model field a model serializer's ``field`` reads, if it reads one."""
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or source == "*":
        return None
    return field_at(model, source.replace(".", "__"))


class BlankChoiceExtension(OpenApiSerializerFieldExtension):
    """A choice field of a model field that may be blank answers ``""`` when it is: say so
    (``BlankEnum``) also where the field is read-only, which DRF builds without ``allow_blank``."""

    target_class = "rest_framework.fields.ChoiceField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        if type(field) is serializers.ChoiceField and not field.allow_blank:
            source = model_field(field)
            if isinstance(source, models.CharField | models.TextField) and source.blank:
                field.allow_blank = True  # this instance only describes the schema
        return auto_schema._map_serializer_field(field, direction, bypass_extensions=True)


class TimeExtension(OpenApiSerializerFieldExtension):
    """A time of day is written without an offset (``09:00:00``), which JSON Schema's ``time``
    format (RFC 3339 ``full-time``) does not allow: it is RFC 3339's ``partial-time``."""

    target_class = "rest_framework.fields.TimeField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "format": "partial-time", "pattern": TIME_PATTERN}
