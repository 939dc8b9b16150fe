"""``NotBefore``: one declaration for a date order's check constraint and for the message on
the later field, in forms, API, imports and the model's own validation."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from kechuang.core.models import NotBefore, date_order_errors
from kechuang.registry.models import Qualification
from tests.factories import QualificationFactory

pytestmark = pytest.mark.django_db


def period(**values) -> Qualification:
    """A qualification with these dates, not saved (the one it starts from is)."""
    record = QualificationFactory()
    for name, value in values.items():
        setattr(record, name, value)
    return record


def test_migrations_see_a_plain_check_constraint_with_the_same_condition():
    constraint = next(c for c in Qualification._meta.constraints if isinstance(c, NotBefore))
    path, args, kwargs = constraint.deconstruct()
    plain = models.CheckConstraint(*args, **kwargs)

    assert path == "django.db.models.CheckConstraint"
    assert plain == constraint and kwargs["name"] == "qualification_valid_period"
    assert constraint.clone().message == constraint.message
    assert str(kwargs["condition"]) == str(
        models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from"))
    )


def test_the_message_stands_on_the_later_field():
    record = period(valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2019, 12, 31))

    with pytest.raises(ValidationError) as caught:
        record.full_clean()

    assert caught.value.message_dict["valid_until"] == ["有效期止早于有效期起。"]
    assert date_order_errors(record) == {"valid_until": "有效期止早于有效期起。"}


def test_an_empty_later_date_or_the_same_day_passes():
    assert date_order_errors(period(valid_from=dt.date(2020, 1, 1), valid_until=None)) == {}
    same_day = period(valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2020, 1, 1))
    assert date_order_errors(same_day) == {}
    same_day.full_clean()


def test_a_field_already_refused_is_not_refused_twice():
    record = period(valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2019, 12, 31))

    assert date_order_errors(record, exclude={"valid_until"}) == {}


def test_the_database_refuses_what_validation_refuses():
    from django.db import IntegrityError, transaction

    record = period(valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2019, 12, 31))

    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


def test_a_form_without_the_later_date_hears_it_on_the_earlier_one():
    """Validation of the earlier date alone (a form without the later one) refuses on it."""
    constraint = next(c for c in Qualification._meta.constraints if isinstance(c, NotBefore))
    record = period(valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2019, 12, 31))

    with pytest.raises(ValidationError) as caught:
        constraint.validate(Qualification, record, exclude={"valid_until"})

    assert caught.value.message_dict == {"valid_from": ["有效期止早于有效期起。"]}
    constraint.validate(Qualification, record, exclude={"valid_until", "valid_from"})  # neither
