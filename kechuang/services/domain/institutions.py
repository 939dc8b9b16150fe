"""Training institutions: the admission checklist and its overall status, rectifications found
on visits.

The status is never stored. An institution is *not admitted* when an active criterion is not
met, else *pending* while an active criterion has no result, else *admitted* (every active
criterion met or not applicable). :func:`admission_status` applies the rule to one institution
in hand; ``TrainingInstitution.objects.with_admission()`` applies it in SQL for lists.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem

from ..enums import AdmissionStatus, CheckResult
from ..models import InstitutionCheck, InstitutionVisit, TrainingInstitution
from .common import acting, code_item, not_in_future, reload, require
from .errors import ServicesError


@dataclass(frozen=True)
class ChecklistRow:
    criterion: CodeItem
    check: InstitutionCheck | None

    @property
    def result(self) -> str | None:
        return self.check.result if self.check else None


def active_criteria():
    return CodeItem.objects.of(CodeList.INSTITUTION_CRITERION).order_by("sort", "code")


def checklist(institution: TrainingInstitution) -> list[ChecklistRow]:
    """Every active criterion with the institution's check of it (None: no result yet)."""
    checks = {c.criterion_id: c for c in institution.checks.select_related("checked_by")}
    return [ChecklistRow(criterion, checks.get(criterion.pk)) for criterion in active_criteria()]


def status_of(results) -> AdmissionStatus:
    """The overall status from the results (None: no result) of the active criteria."""
    results = list(results)
    if CheckResult.NOT_MET in results:
        return AdmissionStatus.NOT_ADMITTED
    if None in results:
        return AdmissionStatus.PENDING
    return AdmissionStatus.ADMITTED


def admission_status(institution: TrainingInstitution) -> AdmissionStatus:
    return status_of(row.result for row in checklist(institution))


def record_check(
    institution: TrainingInstitution,
    criterion,
    result: str,
    user,
    *,
    note: str = "",
    checked_on: dt.date | None = None,
    expected_version: int | None = None,
) -> InstitutionCheck:
    """Set the institution's result on one criterion (creating or replacing the check).

    ``expected_version`` is the version of the check the user saw (0: no check yet); when
    given, a check someone recorded or changed in between refuses the write
    (``ConcurrentEditError``)."""
    if result not in CheckResult.values:
        raise ServicesError(_("“%(value)s” is not a check result.") % {"value": result}, "result")
    criterion = code_item(CodeList.INSTITUTION_CRITERION, criterion, "criterion")
    checked_on = not_in_future(checked_on or timezone.localdate(), "checked_on")
    with acting(user), transaction.atomic():
        # The institution's row is the lock of its checklist: two people recording the same
        # criterion at once give one check, the later result.
        locked = TrainingInstitution.objects.select_for_update().get(pk=institution.pk)
        check = InstitutionCheck.objects.filter(institution=locked, criterion=criterion).first()
        current = check.version if check else 0
        if expected_version is not None and expected_version != current:
            raise ConcurrentEditError(current, expected_version)
        if check is None:
            require(user, "services.add_institutioncheck")
            require(user, "services.change_traininginstitution", locked)
            check = InstitutionCheck(institution=locked, criterion=criterion, created_by=user)
        else:
            require(user, "services.change_institutioncheck", check)
            check.version += 1
        check.result = result
        check.note = note
        check.checked_on = checked_on
        check.checked_by = user if user.is_authenticated else None
        check.save()
    return check


def close_rectification(
    visit: InstitutionVisit, user, *, on: dt.date | None = None, note: str = ""
) -> InstitutionVisit:
    """Record that the rectification a visit required was done (atomic, one audit event)."""
    require(user, "services.change_institutionvisit", visit)
    on = not_in_future(on or timezone.localdate(), "rectified_on")
    with acting(user), transaction.atomic():
        locked = InstitutionVisit.objects.select_for_update().get(pk=visit.pk)
        if not locked.rectification_required:
            raise ServicesError(_("This visit required no rectification."))
        if locked.rectified_on is not None:
            raise ServicesError(
                _("The rectification was already closed on %(date)s.")
                % {"date": locked.rectified_on.isoformat()}
            )
        if on < locked.visited_on:
            raise ServicesError(
                _("The rectification cannot be closed before the visit (%(date)s).")
                % {"date": locked.visited_on.isoformat()},
                "rectified_on",
            )
        locked.rectified_on = on
        locked.closure_note = note
        locked.version += 1
        locked.save(update_fields=["rectified_on", "closure_note", "version", "updated_at"])
    reload(visit)
    return visit
