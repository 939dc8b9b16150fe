"""Saving a record from its form: creation stamps the creator; an edit names the version it
started from, and if someone saved in between the whole save is refused with
:class:`~kechuang.core.domain.concurrency.ConcurrentEditError` and nothing is written."""

from django.db import transaction

from kechuang.core.models import TrackedModel

from .concurrency import save_versioned


def save_from_form(form, user):
    """Create or update the form's record (and its many-to-many fields) atomically."""
    instance = form.save(commit=False)
    with transaction.atomic():
        if instance.pk is None:
            if hasattr(instance, "created_by_id") and user.is_authenticated:
                instance.created_by = user
            instance.save()
        else:
            save_versioned(instance, form.cleaned_data.get("version") or 0)
        form.save_m2m()
    return instance


def save_record(form, user):
    """A record kept with its version goes through :func:`save_from_form`; others are saved as
    they are, atomically."""
    if isinstance(form.instance, TrackedModel):
        return save_from_form(form, user)
    with transaction.atomic():
        return form.save()
