"""An expert's work on an assignment: declaring a conflict, and filling in and submitting the
review form (a value per criterion of the call, and an opinion).

Only the assigned expert may do either, and only while the assignment is visible to them (not
conflicted, see conflicts.py). A submitted review is final; a draft may be saved many times,
each save naming the version it started from.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.concurrency import claim_version
from kechuang.core.domain.notify import notify

from ..enums import ReviewState
from ..enums import State as S
from ..models import Assignment, Review, Score
from ..reference import ASSIGN
from ..rules import REVIEW_OWN
from .workflow import TransitionError


class ReviewError(TransitionError):
    """A review refused for a reason the expert can act on."""


def _own(assignment: Assignment, user) -> Assignment:
    if not user.has_perm(REVIEW_OWN, assignment):
        raise PermissionDenied
    return assignment


def review_of(assignment: Assignment) -> Review | None:
    return Review.objects.filter(assignment=assignment).first()


def save_review(
    assignment: Assignment,
    user,
    values: dict,
    opinion: str,
    *,
    submit: bool = False,
    expected_version: int | None = None,
    now=None,
) -> Review:
    """Save the expert's values (``{criterion id: value}``) and opinion; with ``submit``, also
    submit the review, which needs a value for every criterion and an opinion."""
    _own(assignment, user)
    now = now or timezone.now()
    phase = assignment.phase
    if phase.closes_at and now > phase.closes_at:
        raise ReviewError(
            _("Reviews of “%(phase)s” were due by %(at)s; the form is closed.")
            % {
                "phase": phase.name,
                "at": timezone.localtime(phase.closes_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if assignment.application.state != S.IN_REVIEW:
        raise ReviewError(_("The application is no longer in expert review."))
    criteria = {c.pk: c for c in phase.call.criteria.all()}
    clean: dict[int, Decimal] = {}
    errors = []
    for key, raw in values.items():
        try:
            criterion = criteria[int(key)]
        except (KeyError, ValueError, TypeError):
            errors.append(_("Unknown criterion: %(key)s.") % {"key": key})
            continue
        if raw is None or str(raw).strip() == "":
            continue
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            errors.append(_("%(criterion)s: give a number.") % {"criterion": criterion.name})
            continue
        if not value.is_finite() or value < 0 or value > criterion.max_value:
            errors.append(
                _("%(criterion)s: give a value from 0 to %(max)s.")
                % {"criterion": criterion.name, "max": criterion.max_value}
            )
            continue
        clean[criterion.pk] = value.quantize(Decimal("0.01"))
    opinion = (opinion or "").strip()
    if submit:
        missing = [c.name for pk, c in criteria.items() if pk not in clean]
        if missing:
            errors.append(
                _("Score every criterion before submitting: %(missing)s.")
                % {"missing": "、".join(missing)}
            )
        if not opinion:
            errors.append(_("Write your opinion before submitting."))
    if errors:
        raise ReviewError(" ".join(errors))
    with transaction.atomic():
        review, created = Review.objects.get_or_create(
            assignment=assignment, defaults={"created_by": user}
        )
        if not created:
            if review.state == ReviewState.SUBMITTED:
                raise ReviewError(_("This review has been submitted; it can no longer be changed."))
            claim_version(
                review, expected_version if expected_version is not None else review.version
            )
        review.opinion = opinion
        if submit:
            review.state = ReviewState.SUBMITTED
            review.submitted_at = now
        review.save()
        existing = {s.criterion_id: s for s in review.scores.all()}
        for pk, value in clean.items():
            score = existing.get(pk)
            if score is None:
                Score.objects.create(review=review, criterion_id=pk, value=value)
            elif score.value != value:
                score.value = value
                score.save()
        for pk, score in existing.items():
            if pk not in clean:
                score.delete()
    return review


def declare_conflict(assignment: Assignment, user, note: str) -> Assignment:
    """The expert declares a conflict of interest with the assignment's application: the
    assignment ends (the expert no longer sees the application) and the staff who assign
    experts are told, so that they can assign another."""
    _own(assignment, user)
    note = (note or "").strip()
    if not note:
        raise ReviewError(_("Say what the conflict of interest is."))
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if Review.objects.filter(assignment=locked, state=ReviewState.SUBMITTED).exists():
            raise ReviewError(
                _("You have submitted this review; ask the bureau to withdraw it instead.")
            )
        locked.declared_conflict = True
        locked.conflict_note = note
        locked.declared_at = timezone.now()
        locked.save()
        chain.record(
            AuditAction.UPDATE,
            locked.application,
            changes={"conflict_declared_by": [None, locked.expert.name]},
            comment=note,
        )
        User = get_user_model()
        app_label, codename = ASSIGN.split(".")
        staff = User.objects.filter(
            is_active=True,
            roles__permissions__content_type__app_label=app_label,
            roles__permissions__codename=codename,
        ).distinct()
        notify(
            staff,
            _("Conflict declared: %(project)s") % {"project": locked.application.name},
            _("An expert declared a conflict of interest and left the review; assign another."),
            locked.application.get_absolute_url(),
        )
    assignment.refresh_from_db()
    return assignment


def others_reviews(assignment: Assignment, user) -> list[Review]:
    """The other experts' submitted reviews of the same application in the same phase, when the
    phase lets experts see them; otherwise nothing."""
    _own(assignment, user)
    if not assignment.phase.show_others_reviews:
        return []
    return list(
        Review.objects.filter(
            assignment__application_id=assignment.application_id,
            assignment__phase_id=assignment.phase_id,
            assignment__declared_conflict=False,
            state=ReviewState.SUBMITTED,
        )
        .exclude(assignment=assignment)
        .select_related("assignment__expert")
        .prefetch_related("scores__criterion")
    )
