"""Writing earthquake-prevention records: recording an inspection and closing its rectification
(the forms save through ``core.domain.records.save_record``). Every write is atomic and audited
(the models are audited on save, in the caller's transaction)."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.audit.context import acting_as, current_actor
from kechuang.core.domain.concurrency import ConcurrentEditError

from ..enums import Finding
from ..models import ConstructionProject, Inspection

ADD_INSPECTION = "seismic.add_inspection"
CHANGE_INSPECTION = "seismic.change_inspection"


class RecordError(Exception):
    """A write refused for a reason the user can act on; ``message`` says which."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


class RectificationError(RecordError):
    pass


def _acting(user):
    return acting_as(user) if current_actor().user_id is None else nullcontext()


def record_inspection(
    project: ConstructionProject,
    user,
    *,
    inspected_on: dt.date,
    inspectors: str,
    designed_class: str,
    designed_measures_intensity: int,
    finding: str | None = None,
    findings: str = "",
    rectification_required: bool | None = None,
    rectification_due: dt.date | None = None,
) -> Inspection:
    """Record an inspection of ``project`` on behalf of ``user``.

    Without a ``finding`` the rules give it: "below the requirement" when the design is below
    the required fortification — its class below the required class or its measures intensity
    below the required one (the town needs its zonation setting then) — else compliant;
    without ``rectification_required``, a rectification is required when the finding is
    "below the requirement". Raises ``PermissionDenied`` when the user may not add inspections
    or cannot see the project, ``ValidationError`` for values that do not fit together.
    """
    if not user.has_perm(ADD_INSPECTION):
        raise PermissionDenied
    if not ConstructionProject.objects.visible_to(user).filter(pk=project.pk).exists():
        raise PermissionDenied
    if finding is None:
        below = project.evaluation(designed_measures_intensity, designed_class).below_requirement
        finding = Finding.BELOW_REQUIREMENT if below else Finding.COMPLIANT
    if rectification_required is None:
        rectification_required = finding == Finding.BELOW_REQUIREMENT
    inspection = Inspection(
        project=project,
        inspected_on=inspected_on,
        inspectors=inspectors,
        designed_class=designed_class,
        designed_measures_intensity=designed_measures_intensity,
        finding=finding,
        findings=findings,
        rectification_required=rectification_required,
        rectification_due=rectification_due,
        created_by=user if user.is_authenticated else None,
    )
    inspection.full_clean()
    with _acting(user), transaction.atomic():
        inspection.save()
    return inspection


def close_rectification(
    inspection: Inspection,
    on: dt.date,
    note: str,
    user,
    *,
    expected_version: int | None = None,
) -> Inspection:
    """Close the rectification an inspection required: the date it was done and a note.

    Under a row lock: of two people closing at once one wins, the other is told it is closed
    already; an edit that names a stale ``expected_version`` raises ``ConcurrentEditError``.
    Raises ``PermissionDenied`` unless the user may change this inspection, and
    :class:`RectificationError` when none was required, it is closed already, or the date is in
    the future or before the inspection. Returns the saved inspection.
    """
    if not user.has_perm(CHANGE_INSPECTION, inspection):
        raise PermissionDenied
    if on > timezone.localdate():
        raise RectificationError(_("The rectification date is in the future."))
    with _acting(user), transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if expected_version is not None and locked.version != expected_version:
            raise ConcurrentEditError(current=locked.version, expected=expected_version)
        if not locked.rectification_required:
            raise RectificationError(_("This inspection required no rectification."))
        if locked.rectified_on is not None:
            raise RectificationError(
                _("This rectification was closed already, on %(date)s.")
                % {"date": locked.rectified_on.isoformat()}
            )
        if on < locked.inspected_on:
            raise RectificationError(_("The rectification date comes before the inspection."))
        locked.rectified_on = on
        locked.closure_note = note.strip()
        locked.version += 1
        locked.save()
    return locked
