"""The yearly provincial assessment: how many consecutive years the city was rated excellent."""

from __future__ import annotations

from collections.abc import Mapping

from ..enums import AssessmentResult
from ..models import Assessment


def consecutive_run(results: Mapping[int, str], up_to_year: int) -> int:
    """Consecutive years rated excellent ending with ``up_to_year`` (pure).

    ``results`` maps a year to its result code. The run counts back from ``up_to_year``; a year
    without a result or with any other result ends it, so a year that is not excellent gives 0.
    """
    run = 0
    year = up_to_year
    while results.get(year) == AssessmentResult.EXCELLENT:
        run += 1
        year -= 1
    return run


def consecutive_excellent(up_to_year: int) -> int:
    """Consecutive years rated excellent up to ``up_to_year``, from the assessment records (one
    query). A gap year or a year not rated excellent breaks the run."""
    results = dict(Assessment.objects.filter(year__lte=up_to_year).values_list("year", "result"))
    return consecutive_run(results, up_to_year)
