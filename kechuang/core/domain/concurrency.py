"""Optimistic concurrency: an edit names the version it started from; a stale one is refused.

One rule for every way of editing (forms, the API): within the edit's transaction, lock the
stored row and compare its version with the one the edit started from *before* anything is
written; only then save, with the next version (:func:`claim_version`, :func:`save_versioned`).
"""

from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext_lazy as _


class ConcurrentEditError(Exception):
    """The stored record is no longer at the version the edit started from.

    ``current`` is the stored version (None: the record is gone), ``expected`` the version the
    edit named.
    """

    message = _(
        "Someone else changed this record after you opened it. Reload it to see their changes, "
        "then make yours again."
    )

    def __init__(self, current: int | None = None, expected: int | None = None):
        super().__init__(current, expected)
        self.current = current
        self.expected = expected

    def __str__(self):
        return str(self.message)


def claim_version(instance, expected_version) -> None:
    """Refuse the edit of ``instance`` unless its stored version is still ``expected_version``;
    then give the instance the next version, for the caller to save in the same transaction.

    Call it inside ``transaction.atomic()`` and before saving anything: the stored row is locked
    (``select_for_update``) until the transaction ends, so of two concurrent editors exactly
    one wins. The instance in hand must have been loaded at that version too: one loaded before
    another edit was committed would write that edit's old values back.
    """
    model = type(instance)
    using = instance._state.db or transaction.DEFAULT_DB_ALIAS
    if not transaction.get_connection(using).in_atomic_block:
        raise TransactionManagementError("claim_version() must run inside a transaction.")
    current = (
        model._default_manager.db_manager(using)
        .select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is None or current != expected_version or instance.version != current:
        raise ConcurrentEditError(current=current, expected=expected_version)
    instance.version = current + 1


def save_versioned(instance, expected_version: int, **save_kwargs) -> None:
    """Save ``instance`` if its stored version is still ``expected_version``; bump the version.

    The row is locked for the check, so of two concurrent editors exactly one wins.
    """
    with transaction.atomic(using=instance._state.db):
        claim_version(instance, expected_version)
        instance.save(**save_kwargs)
