"""The fortification rules as SQL expressions, so lists, filters and indicators can ask for the
required class, the required measures intensity and the "below the requirement" flag of many
records in one query.

Nothing here states a rule: every condition is derived from the pure module
(:mod:`.fortification`) by running its functions over every combination of their inputs and
grouping the results, so the pure module stays the single source of the rules.
``tests/seismic/test_requirement_sql.py`` checks the SQL against :func:`fortification.evaluate`
for every combination.

The SQL is kept small: each class's condition appears once (the measures are a CASE over the
class conditions whose branches are CASEs over the PGA), the most common minimum class is the
complement of the others, and the flag is a plain comparison with the measures (NULL when they
are unknown) or'ed with the designed class among those below each required class.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)

from . import fortification as fx

# Hospital grades and declared classes as stored: "" when none is given.
NONE_GIVEN = ""
_GRADES: tuple[fx.HospitalGrade | None, ...] = (None, *fx.HospitalGrade)
_DECLARED: tuple[fx.FortificationClass | None, ...] = (None, *fx.FortificationClass)

# Names of the annotations this module adds to a queryset.
REQUIRED_CLASS = "required_class"
REQUIRED_MEASURES = "required_measures_intensity"
SITE_INTENSITY = "site_intensity"
BELOW = "below_requirement"


def _code(member) -> str:
    return NONE_GIVEN if member is None else member.code


def _any(conditions) -> Q:
    return functools.reduce(operator.or_, conditions)


@functools.cache
def minimum_class_table() -> dict[tuple, fx.FortificationClass | None]:
    """(kind, use, grade or None) → the class the rules demand (None: the grade is missing)."""
    table = {}
    for kind in fx.ProjectKind:
        for use in fx.BuildingUse:
            for grade in _GRADES:
                try:
                    table[kind, use, grade] = fx.required_class(kind, use, grade).minimum
                except fx.MissingHospitalGradeError:
                    table[kind, use, grade] = None
    return table


@functools.cache
def _minimum_groups() -> dict:
    """Minimum class → [(pairs of kind and use, grades or None for any grade)]."""
    table = minimum_class_table()
    by_signature = defaultdict(list)
    for kind in fx.ProjectKind:
        for use in fx.BuildingUse:
            by_signature[tuple(table[kind, use, g] for g in _GRADES)].append((kind, use))
    groups = defaultdict(list)
    for signature, pairs in by_signature.items():
        if len(set(signature)) == 1:
            groups[signature[0]].append((pairs, None))
            continue
        grades_by_result = defaultdict(list)
        for grade, result in zip(_GRADES, signature, strict=True):
            grades_by_result[result].append(_code(grade))
        for result, grades in grades_by_result.items():
            groups[result].append((pairs, grades))
    return dict(groups)


def _pairs_condition(pairs, kind: str, use: str) -> Q:
    """A Q matching exactly the given (kind, use) pairs: kinds sharing a set of uses together."""
    uses_by_kind = defaultdict(set)
    for k, u in pairs:
        uses_by_kind[k].add(u.code)
    kinds_by_uses = defaultdict(list)
    for k, uses in uses_by_kind.items():
        kinds_by_uses[frozenset(uses)].append(k.code)
    return _any(
        Q(**{f"{kind}__in": sorted(kinds), f"{use}__in": sorted(uses)})
        for uses, kinds in kinds_by_uses.items()
    )


def _minimum_conditions(kind: str, use: str, grade: str) -> dict:
    """Minimum class (None: a hospital's medical building without its grade) → the Q matching
    the records the rules give that minimum. The class of the most (kind, use) pairs is written
    as "none of the others" (the fields are never NULL)."""
    groups = _minimum_groups()

    def size(result):
        return sum(len(pairs) for pairs, _grades in groups[result])

    common = max((r for r in groups if r is not None), key=size)
    conditions = {}
    for result, parts in groups.items():
        if result is common:
            continue
        conditions[result] = _any(
            _pairs_condition(pairs, kind, use)
            & (Q() if grades is None else Q(**{f"{grade}__in": grades}))
            for pairs, grades in parts
        )
    conditions[common] = ~_any(conditions.values())
    return conditions


def _class_conditions(kind: str, use: str, grade: str, declared: str) -> dict:
    """Required class (None: unknown) → the Q matching the records that must have it: each
    minimum combined with each declared class the way :func:`fortification.required_class`
    combines them (asked of the pure module for a record with that minimum)."""
    table = minimum_class_table()
    conditions: dict = defaultdict(list)
    for minimum, minimum_q in _minimum_conditions(kind, use, grade).items():
        if minimum is None:
            conditions[None].append(minimum_q)
            continue
        sample = next(key for key, value in table.items() if value is minimum)
        declared_by_result = defaultdict(list)
        for value in _DECLARED:
            result = fx.required_class(*sample, declared=value).fortification_class
            declared_by_result[result].append(_code(value))
        for result, codes in declared_by_result.items():
            if len(codes) == len(_DECLARED):
                conditions[result].append(minimum_q)
            else:
                conditions[result].append(minimum_q & Q(**{f"{declared}__in": codes}))
    return {result: _any(qs) for result, qs in conditions.items()}


def _class_value(cls: fx.FortificationClass | None) -> Value:
    return Value(_code(cls) or None, output_field=CharField(max_length=1))


def required_class_expression(kind: str, use: str, grade: str, declared: str) -> Case:
    """The required class (code): the stricter of the rules' minimum and the declared class;
    NULL when a hospital's medical building has no grade."""
    classes = _class_conditions(kind, use, grade, declared)
    return Case(
        *(When(q, then=_class_value(cls)) for cls, q in classes.items() if cls is not None),
        default=_class_value(None),
        output_field=CharField(max_length=1),
    )


def site_intensity_expression(pga: str) -> Case:
    """Fortification intensity from the basic PGA at this path (GB 50011-2010 表3.2.2)."""
    by_intensity = defaultdict(list)
    for value in fx.BASIC_PGA_VALUES:
        by_intensity[fx.intensity_for_pga(value)].append(value)
    return Case(
        *(When(Q(**{f"{pga}__in": values}), then=Value(i)) for i, values in by_intensity.items()),
        default=Value(None),
        output_field=IntegerField(),
    )


def _measures_for_class(cls: fx.FortificationClass, pga: str) -> Case:
    by_measures = defaultdict(list)
    for value in fx.BASIC_PGA_VALUES:
        by_measures[fx.required_measures(cls, value).measures_intensity].append(value)
    return Case(
        *(When(Q(**{f"{pga}__in": values}), then=Value(m)) for m, values in by_measures.items()),
        default=Value(None),
        output_field=IntegerField(),
    )


def measures_expression(kind: str, use: str, grade: str, declared: str, pga: str) -> Case:
    """Required measures intensity (GB 50223-2008 §3.0.3); NULL when the class or the PGA is
    unknown."""
    classes = _class_conditions(kind, use, grade, declared)
    return Case(
        *(
            When(q, then=_measures_for_class(cls, pga))
            for cls, q in classes.items()
            if cls is not None
        ),
        default=Value(None),
        output_field=IntegerField(),
    )


def class_below_condition(
    designed_class: str, kind: str, use: str, grade: str, declared: str, pga: str
) -> Q:
    """Records whose designed class (at ``designed_class``) is below the required class, for
    records whose requirement is known (a basic PGA and a decidable class: the pure rules judge
    nothing without them). Each required class's condition appears once, with the designed
    classes :func:`fortification.class_below` finds below it; a designed class not given ("")
    is below nothing."""
    classes = _class_conditions(kind, use, grade, declared)
    parts = []
    for required, q in classes.items():
        if required is None:
            continue
        lower = [d.code for d in fx.FortificationClass if fx.class_below(d, required)]
        if lower:
            parts.append(q & Q(**{f"{designed_class}__in": lower}))
    known_site = Q(**{f"{pga}__in": list(fx.BASIC_PGA_VALUES)})
    return known_site & _any(parts)


def below_expression(
    designed: str, required: str, class_below: Q | None = None
) -> ExpressionWrapper:
    """True when the designed measures intensity is below the required one or, given
    ``class_below`` (:func:`class_below_condition`), the designed class is below the required
    class; NULL when the requirement or the design is unknown (no zonation setting, a hospital
    without its grade, no inspection) and the class does not already decide it."""
    condition = Q(**{f"{designed}__lt": F(required)})
    if class_below is not None:
        condition |= class_below
    return ExpressionWrapper(condition, output_field=BooleanField())


def annotate_requirement(
    queryset,
    *,
    kind: str,
    use: str,
    grade: str,
    declared: str,
    pga: str,
    designed: str | None = None,
    designed_class: str | None = None,
):
    """``queryset`` with ``required_class``, ``site_intensity``, ``required_measures_intensity``
    and, given the path of a designed measures intensity, ``below_requirement`` — which also
    compares the designed class with the required one when ``designed_class`` names its path."""
    queryset = queryset.annotate(
        **{
            REQUIRED_CLASS: required_class_expression(kind, use, grade, declared),
            SITE_INTENSITY: site_intensity_expression(pga),
            REQUIRED_MEASURES: measures_expression(kind, use, grade, declared, pga),
        }
    )
    if designed is not None:
        class_below = (
            None
            if designed_class is None
            else class_below_condition(designed_class, kind, use, grade, declared, pga)
        )
        queryset = queryset.annotate(
            **{BELOW: below_expression(designed, REQUIRED_MEASURES, class_below)}
        )
    return queryset
