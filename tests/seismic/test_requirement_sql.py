"""The required fortification computed in SQL (``with_requirement()``) equals the pure rules
(``fortification.evaluate``) for every combination of project kind × building use × hospital
grade × declared class × the town's PGA × designed measures intensity, and for every required
class and measures × designed class × designed measures intensity (the designed class is
rotated over a project's inspections, so each project has four rather than sixteen)."""

import itertools

import pytest
from django.db.models import Count

from kechuang.seismic.domain import fortification as fx
from kechuang.seismic.models import LATEST_CLASS, LATEST_DESIGN, ConstructionProject, Inspection
from tests.factories import TownFactory

from .factories import zoned_town

pytestmark = pytest.mark.django_db

GRADES = ["", *(g.code for g in fx.HospitalGrade)]
DECLARED = ["", *(c.code for c in fx.FortificationClass)]
INTENSITIES = range(fx.MIN_INTENSITY, fx.MAX_INTENSITY + 1)
CLASSES = [c.code for c in fx.FortificationClass]
DESIGN_FIELDS = (
    "project__kind",
    "project__building_use",
    "project__hospital_grade",
    "project__declared_class",
    "project__town__zonation__pga",
    "designed_measures_intensity",
    "designed_class",
)


def expected(kind, use, grade, declared, pga, designed, designed_class=None):
    """(required class, site intensity, required measures, below) by the pure rules; the
    requirement is None where the rules refuse to decide (no PGA, a hospital without grade)."""
    site = None if pga is None else fx.intensity_for_pga(pga)
    if pga is None:
        try:
            cls = fx.required_class(kind, use, grade or None, declared or None)
        except fx.MissingHospitalGradeError:
            return None, None, None, None
        return cls.fortification_class.code, None, None, None
    try:
        result = fx.evaluate(
            kind, use, pga, designed, grade or None, declared or None, designed_class or None
        )
    except fx.MissingHospitalGradeError:
        return None, site, None, None
    return (
        result.required_class.code,
        site,
        result.required_measures_intensity,
        result.below_requirement,
    )


@pytest.fixture
def every_combination():
    towns = [zoned_town(pga) for pga in fx.BASIC_PGA_VALUES] + [TownFactory()]  # last: no zonation
    projects = ConstructionProject.objects.bulk_create(
        ConstructionProject(
            name=f"{kind.code}-{use.code}-{grade}-{declared}",
            town=town,
            kind=kind.code,
            building_use=use.code,
            hospital_grade=grade,
            declared_class=declared,
            start_year=2020,
        )
        for town in towns
        for kind, use, grade, declared in itertools.product(
            fx.ProjectKind, fx.BuildingUse, GRADES, DECLARED
        )
    )
    # Each project: every intensity once, with the designed class shifted by the project's
    # place, so across the projects that share a requirement every class meets every intensity.
    Inspection.objects.bulk_create(
        Inspection(
            project=project,
            inspected_on="2020-06-01",
            inspectors="测试",
            designed_class=CLASSES[(index + offset) % len(CLASSES)],
            designed_measures_intensity=designed,
        )
        for index, project in enumerate(projects)
        for offset, designed in enumerate(INTENSITIES)
    )
    return len(projects)


def test_sql_requirement_equals_the_pure_rules_for_every_combination(
    every_combination, django_assert_num_queries
):
    with django_assert_num_queries(1):
        rows = list(
            Inspection.objects.with_requirement().values_list(
                *DESIGN_FIELDS,
                "required_class",
                "site_intensity",
                "required_measures_intensity",
                "below_requirement",
            )
        )
    n = len(DESIGN_FIELDS)
    per_town = len(fx.ProjectKind) * len(fx.BuildingUse) * len(GRADES) * len(DECLARED)
    assert every_combination == per_town * (len(fx.BASIC_PGA_VALUES) + 1)
    assert len(rows) == every_combination * len(INTENSITIES)
    mismatches = [
        (row[:n], row[n:], expected(*row[:n])) for row in rows if row[n:] != expected(*row[:n])
    ]
    assert mismatches == []
    # Every outcome occurs, so the comparison above is not vacuous.
    assert {row[n + 3] for row in rows} == {True, False, None}
    assert {row[n] for row in rows} == {"a", "b", "c", None}
    assert {row[n + 2] for row in rows} == {6, 7, 8, 9, None}
    # Every requirement (class and measures) met by every designed class × intensity.
    decided = {(row[n], row[n + 2], row[6], row[5]) for row in rows if row[n + 2] is not None}
    requirements = {(cls, measures) for cls, measures, _c, _i in decided}
    assert decided == {
        (cls, measures, designed_class, designed)
        for cls, measures in requirements
        for designed_class in CLASSES
        for designed in INTENSITIES
    }
    # Designs flagged for their class alone and for their measures alone both occur.
    shortfalls = {
        fx.evaluate(*row[:2], row[4], row[5], row[2] or None, row[3] or None, row[6]).shortfalls
        for row in rows
        if row[n + 3]
    }
    assert shortfalls == {
        (fx.SHORT_OF_CLASS,),
        (fx.SHORT_OF_MEASURES,),
        (fx.SHORT_OF_CLASS, fx.SHORT_OF_MEASURES),
    }


def test_flagged_are_exactly_the_designs_below_the_pure_requirement(every_combination):
    flagged = set(Inspection.objects.flagged().values_list("pk", flat=True))
    below = {
        pk
        for pk, *values in Inspection.objects.values_list("pk", *DESIGN_FIELDS)
        if expected(*values)[3] is True
    }
    assert flagged == below
    assert flagged


def test_projects_required_class_and_measures_in_sql(every_combination):
    rows = ConstructionProject.objects.with_requirement().values_list(
        "kind",
        "building_use",
        "hospital_grade",
        "declared_class",
        "town__zonation__pga",
        "required_class",
        "required_measures_intensity",
    )
    for *values, required_class, measures in rows:
        cls, _site, want_measures, _below = expected(*values, fx.MIN_INTENSITY)
        assert (required_class, measures) == (cls, want_measures), values


def test_the_flag_filters_and_counts_in_one_query(every_combination, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = dict(
            Inspection.objects.with_requirement()
            .filter(below_requirement=True)
            .values_list("project__kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
    assert set(counts) == {k.code for k in fx.ProjectKind}


def test_projects_latest_design_flag_equals_their_evaluation(
    every_combination, django_assert_num_queries
):
    """The project list's flag (``with_latest_design``: the latest inspection's class and
    measures) is what ``ConstructionProject.evaluation()`` decides for each project."""
    # A later inspection per project whose class alone falls short where 乙 or 甲 is required.
    latest = {
        project.pk: Inspection(
            project=project,
            inspected_on="2020-09-01",
            inspectors="测试",
            designed_class=CLASSES[project.pk % len(CLASSES)],
            designed_measures_intensity=fx.MAX_INTENSITY,
        )
        for project in ConstructionProject.objects.all()
    }
    Inspection.objects.bulk_create(latest.values())
    with django_assert_num_queries(1):
        rows = list(
            ConstructionProject.objects.with_latest_design().values_list(
                "pk",
                "kind",
                "building_use",
                "hospital_grade",
                "declared_class",
                "town__zonation__pga",
                LATEST_DESIGN,
                LATEST_CLASS,
                "below_requirement",
            )
        )
    assert len(rows) == every_combination
    mismatches = []
    for pk, kind, use, grade, declared, pga, designed, designed_class, below in rows:
        assert (designed, designed_class) == (fx.MAX_INTENSITY, latest[pk].designed_class)
        want = expected(kind, use, grade, declared, pga, designed, designed_class)[3]
        if below != want:
            mismatches.append((pk, below, want))
    assert mismatches == []
    assert {row[-1] for row in rows} == {True, False, None}
