"""Optimistic concurrency: an edit names the version it started from; a stale one is refused."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _


class ConcurrentEditError(Exception):
    message = _(
        "Someone else changed this record after you opened it. Reload it to see their changes, "
        "then make yours again."
    )

    def __str__(self):
        return str(self.message)


def save_versioned(instance, expected_version: int, **save_kwargs) -> None:
    """Save ``instance`` if its stored version is still ``expected_version``; bump the version.

    The row is locked for the check, so of two concurrent editors exactly one wins.
    """
    model = type(instance)
    with transaction.atomic():
        current = (
            model._default_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None or current != expected_version:
            raise ConcurrentEditError()
        instance.version = expected_version + 1
        instance.save(**save_kwargs)
