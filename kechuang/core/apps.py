from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from django.db import models
        from django.db.models.signals import post_delete, post_save
        from rest_framework.serializers import ModelSerializer

        from . import (
            lookups,  # noqa: F401  (registers ilike_contains)
            schema,  # noqa: F401  (registers the OpenAPI field extensions)
        )
        from .domain.choices import forget
        from .interfaces.serializers import DateTimeField

        # Every model serializer takes date-times within the years the API can write back as
        # RFC 3339 (``DateTimeField``).
        ModelSerializer.serializer_field_mapping[models.DateTimeField] = DateTimeField

        post_save.connect(forget, sender="core.CodeItem", dispatch_uid="choices-codeitem-save")
        post_delete.connect(forget, sender="core.CodeItem", dispatch_uid="choices-codeitem-delete")
