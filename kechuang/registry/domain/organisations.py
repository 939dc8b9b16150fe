"""Writing registry records: creation, versioned edits, and what a form save implies."""

from django.db import transaction

from kechuang.core.domain.concurrency import save_versioned


def save_from_form(form, user):
    """Create or update the form's record (and its many-to-many fields) atomically.

    An edit must name the version it started from; if someone saved in between, the whole
    save is refused with :class:`ConcurrentEditError` and nothing is written.
    """
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
