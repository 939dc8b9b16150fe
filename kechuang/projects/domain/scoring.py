"""Review scores: one expert's score of an application is Σ value × weight over the call's
criteria; the application's score aggregates its experts' submitted scores the way the call says
(mean, median, or mean without the highest and the lowest). Computed when asked, never stored.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Sum

from ..enums import Aggregation, ReviewState
from ..models import Application, Assignment, Call, Score

TWO_PLACES = Decimal("0.01")


@dataclass
class ExpertScore:
    assignment_id: int
    expert_id: int
    expert: str
    phase: str
    score: Decimal | None  # None: not submitted yet
    opinion: str = ""


@dataclass
class ApplicationScore:
    application: Application
    experts: list[ExpertScore] = field(default_factory=list)
    aggregate: Decimal | None = None
    submitted: int = 0
    assigned: int = 0

    @property
    def complete(self) -> bool:
        return self.assigned > 0 and self.submitted == self.assigned


def weighted(values_and_weights) -> Decimal:
    """Σ value × weight, rounded to two places."""
    total = sum((Decimal(v) * Decimal(w) for v, w in values_and_weights), Decimal(0))
    return total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def aggregate(scores: list[Decimal], how: str) -> Decimal | None:
    """The application's score from its experts' scores. A trimmed mean needs at least three
    scores (with fewer, nothing is left to average once the extremes go: the plain mean is
    used)."""
    if not scores:
        return None
    values = sorted(Decimal(s) for s in scores)
    match how:
        case Aggregation.MEDIAN:
            result = Decimal(statistics.median(values))
        case Aggregation.TRIMMED_MEAN if len(values) >= 3:
            kept = values[1:-1]
            result = sum(kept, Decimal(0)) / len(kept)
        case _:
            result = sum(values, Decimal(0)) / len(values)
    return result.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def review_score(review) -> Decimal:
    rows = review.scores.select_related("criterion").values_list("value", "criterion__weight")
    return weighted(rows)


def _expert_scores(assignments) -> dict[int, Decimal]:
    """Submitted reviews' scores by assignment id, in one query."""
    rows = (
        Score.objects.filter(
            review__assignment__in=assignments, review__state=ReviewState.SUBMITTED
        )
        .values("review__assignment_id")
        .annotate(total=Sum(F("value") * F("criterion__weight")))
        .order_by()
    )
    return {
        row["review__assignment_id"]: Decimal(row["total"]).quantize(
            TWO_PLACES, rounding=ROUND_HALF_UP
        )
        for row in rows
    }


def _assignments(applications):
    return (
        Assignment.objects.filter(application__in=applications, declared_conflict=False)
        .select_related("expert", "phase", "review")
        .order_by("application_id", "phase__sort", "id")
    )


def call_results(call: Call, applications=None) -> list[ApplicationScore]:
    """Every application of ``call`` (or the given ones) with its experts' scores and its
    aggregate, best first (unscored last)."""
    if applications is None:
        applications = call.applications.exclude(state="draft")
    applications = list(applications.select_related("undertaker"))
    assignments = list(_assignments(applications))
    scores = _expert_scores([a.pk for a in assignments])
    by_app = {a.pk: ApplicationScore(a) for a in applications}
    for assignment in assignments:
        result = by_app[assignment.application_id]
        review = getattr(assignment, "review", None)
        score = scores.get(assignment.pk)
        result.assigned += 1
        if score is not None:
            result.submitted += 1
        result.experts.append(
            ExpertScore(
                assignment.pk,
                assignment.expert_id,
                assignment.expert.name,
                assignment.phase.name,
                score,
                review.opinion if review and score is not None else "",
            )
        )
    for result in by_app.values():
        result.aggregate = aggregate(
            [e.score for e in result.experts if e.score is not None], call.aggregation
        )
    return sorted(
        by_app.values(),
        key=lambda r: (r.aggregate is None, -(r.aggregate or 0), r.application.pk),
    )


def application_scores(application: Application) -> ApplicationScore:
    return call_results(application.call, Application.objects.filter(pk=application.pk))[0]
