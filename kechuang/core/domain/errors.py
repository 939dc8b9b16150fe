"""The base class of the errors a user can act on.

A domain function refuses a step or an input by raising a :class:`DomainError` (or a subclass
an area names for its own cases): ``message`` is what the user reads, translated (a string made
with ``gettext`` or a lazy one), and ``field`` the input it concerns, when one does. Pages show
it as the form's error on that field (or above the form, or as a message), the API answers 400
with ``{field: [message]}`` or ``{"detail": message}``, imports put it on the row.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal for a reason the user can act on; ``message`` says which (translated), and
    ``field`` names the input it concerns, if any."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)
