"""Emergency shelters (应急避难场所, GB 21734-2008): capacity from the effective area.

A pure module. The capacity is never stored: it is the effective area divided by the area one
person needs (1.5 m² per person), rounded down to whole people.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

# GB 21734-2008: effective area per person in an emergency shelter.
AREA_PER_PERSON = Decimal("1.5")
SOURCE = "GB 21734-2008"


class InvalidAreaError(ValueError):
    """An effective area that is not a positive number of square metres."""

    message = _("The effective area must be a number of square metres greater than zero.")

    def __init__(self, value: object) -> None:
        super().__init__(value)
        self.value = value

    def __str__(self) -> str:
        return str(self.message)


def effective_area(value: object) -> Decimal:
    """``value`` as a Decimal number of square metres; raise :class:`InvalidAreaError` unless it
    is a finite number greater than zero."""
    if value is None or isinstance(value, bool):
        raise InvalidAreaError(value)
    try:
        area = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidAreaError(value) from None
    if not area.is_finite() or area <= 0:
        raise InvalidAreaError(value)
    return area


def capacity(area: object) -> int:
    """How many people a shelter of this effective area takes: ⌊area ÷ 1.5 m²⌋."""
    people = effective_area(area) / AREA_PER_PERSON
    return int(people.to_integral_value(rounding=ROUND_FLOOR))
