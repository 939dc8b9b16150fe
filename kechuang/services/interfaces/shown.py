"""Values the services pages show that are no field of the record: an annotation shown as the
label of its choices, a value computed from the record when shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kechuang.core.interfaces.display import Shown, formatted


@dataclass(frozen=True)
class Labelled(Shown):
    """A value of ``labels`` (a TextChoices) shown as its label, e.g. an annotation."""

    labels: type | None = None

    def value_of(self, obj):
        value = getattr(obj, self.path, None)
        if value in (None, ""):
            return formatted(value)
        return str(self.labels(value).label)


@dataclass(frozen=True)
class Computed(Shown):
    """A value computed from the record when shown."""

    compute: Callable | None = None

    def value_of(self, obj):
        return formatted(self.compute(obj))
