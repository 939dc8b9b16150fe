"""Serializer fields every area's API shares."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .filters import FIRST_YEAR, LARGEST_ID, LAST_YEAR


class IdField(serializers.IntegerField):
    """A record's id given in a request body: a whole number within the ids the database
    holds, else a 400 naming the field (not an overflow in the query)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", LARGEST_ID)
        super().__init__(**kwargs)


class DateTimeField(serializers.DateTimeField):
    """A date and time in the years 1901 to 2100. Earlier ones would be read back with the
    local mean time offset the time zone database gives them (Asia/Shanghai before 1901:
    +08:05:43), which is no valid RFC 3339 date-time; later ones are typing errors. Every
    model serializer's date-time fields are these (``CoreConfig.ready``)."""

    default_error_messages = {
        "out_of_range": _("Give a date and time in the years 1901 to 2100."),
    }

    def to_internal_value(self, value):
        value = super().to_internal_value(value)  # in the current time zone
        if not FIRST_YEAR < value.year <= LAST_YEAR:
            self.fail("out_of_range")
        return value


class SlugRelatedField(serializers.SlugRelatedField):
    """A record by a code of it (``town: "330482101"``). A value with a NUL character names no
    record — and is not sent to the database, whose text (PostgreSQL's) cannot hold one."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)
