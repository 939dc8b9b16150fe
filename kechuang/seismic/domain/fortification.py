"""Seismic-fortification rules: classes, intensity from PGA and required measures.

A pure module (standard library only) so it can be unit-tested without Django and reused by
models, forms, import checks and the API alike.

Sources:

* GB 50223-2008 《建筑工程抗震设防分类标准》 — the four fortification classes (§3.0.2), the
  measures and seismic action per class (§3.0.3), hospitals (§4.0.3) and education buildings
  (§6.0.8).
* GB 18306-2015 《中国地震动参数区划图》 — the basic peak ground acceleration (PGA) values.
* GB 50011-2010 《建筑抗震设计规范》 表3.2.2 — fortification intensity from the design basic
  acceleration.

The rule texts in :class:`Step` are in Chinese because they are shown to users next to each
result; the UI renders them as they are.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

__all__ = [
    "BASIC_PGA_VALUES",
    "MAX_INTENSITY",
    "MIN_INTENSITY",
    "SHORT_OF_CLASS",
    "SHORT_OF_MEASURES",
    "BuildingUse",
    "ClassRequirement",
    "Evaluation",
    "FortificationClass",
    "FortificationError",
    "HospitalGrade",
    "InvalidIntensityError",
    "Measures",
    "MissingHospitalGradeError",
    "ProjectKind",
    "SeismicActionBasis",
    "Step",
    "UnknownChoiceError",
    "UnknownPGAError",
    "class_below",
    "evaluate",
    "format_pga",
    "intensity_for_pga",
    "parse_pga",
    "required_class",
    "required_measures",
]

SRC_CLASSES = "GB 50223-2008 第3.0.2条"
SRC_MEASURES = "GB 50223-2008 第3.0.3条"
SRC_HOSPITAL = "GB 50223-2008 第4.0.3条"
SRC_EDUCATION = "GB 50223-2008 第6.0.8条"
SRC_INTENSITY = "GB 50011-2010 表3.2.2"
SRC_ZONATION = "GB 18306-2015"

MIN_INTENSITY = 6
MAX_INTENSITY = 9

NOTE_ABOVE_9 = "9度时应按比9度更高的要求"


# --------------------------------------------------------------------------- errors


class FortificationError(ValueError):
    """Base class of the errors raised by the fortification rules."""


class UnknownPGAError(FortificationError):
    """The given peak ground acceleration is not one of the GB 18306-2015 basic values."""

    def __init__(self, value: object) -> None:
        self.value = value
        allowed = ", ".join(format_pga(v) for v in BASIC_PGA_VALUES)
        super().__init__(
            f"未知的基本地震动峰值加速度 {value!r}（unknown basic peak ground acceleration "
            f"{value!r}）；allowed values (GB 18306-2015): {allowed}"
        )


class UnknownChoiceError(FortificationError):
    """A code (class, project kind, building use, hospital grade) that is not in its list."""

    def __init__(self, what: str, value: object, allowed: list[str]) -> None:
        self.what = what
        self.value = value
        self.allowed = allowed
        super().__init__(f"unknown {what} {value!r}; allowed: {', '.join(allowed)}")


class MissingHospitalGradeError(FortificationError):
    """A hospital's medical building needs the hospital grade to be classified."""

    def __init__(self, use: BuildingUse) -> None:
        self.use = use
        super().__init__(
            f"医院{use.label_zh}用房须注明医院等级（一级/二级/三级）"
            f"（hospital grade is required for hospital use {use.value!r}）"
        )


class InvalidIntensityError(FortificationError):
    """A designed measures intensity outside 6..9 (or not an integer)."""

    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(
            f"设计抗震措施烈度 {value!r} 无效，应为 {MIN_INTENSITY}–{MAX_INTENSITY} 度的整数"
            f"（designed measures intensity must be an integer from {MIN_INTENSITY} to "
            f"{MAX_INTENSITY}）"
        )


# --------------------------------------------------------------------------- code lists


class _Coded(enum.Enum):
    """An enum with a stable code (its value) and Chinese/English labels."""

    label_zh: str
    label_en: str

    def __new__(cls, code: str, label_zh: str, label_en: str, *aliases: str):
        member = object.__new__(cls)
        member._value_ = code
        member.label_zh = label_zh
        member.label_en = label_en
        member._aliases = (code, label_zh, label_en, *aliases)
        return member

    @property
    def code(self) -> str:
        """The stable code stored in the database and used in URLs and imports."""
        return self.value

    @classmethod
    def coerce(cls, value: object):
        """Return the member for a member, its code, its labels or an alias; raise otherwise."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            key = value.strip().lower().replace("-", "_").replace(" ", "_")
            for member in cls:
                if key in {a.lower().replace("-", "_").replace(" ", "_") for a in member._aliases}:
                    return member
        raise UnknownChoiceError(cls._what, value, [m.value for m in cls])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(code, Chinese label) pairs, e.g. for form fields."""
        return [(m.value, m.label_zh) for m in cls]


class FortificationClass(_Coded):
    """Seismic fortification class of GB 50223-2008 §3.0.2, strictest first."""

    _what = enum.nonmember("fortification class")

    A = ("a", "甲类（特殊设防类）", "Class A (special)", "甲", "甲类", "特殊设防类", "special")
    B = ("b", "乙类（重点设防类）", "Class B (key)", "乙", "乙类", "重点设防类", "key")
    C = ("c", "丙类（标准设防类）", "Class C (standard)", "丙", "丙类", "标准设防类", "standard")
    D = ("d", "丁类（适度设防类）", "Class D (moderate)", "丁", "丁类", "适度设防类", "moderate")

    @property
    def short_zh(self) -> str:
        """The one-character name: 甲, 乙, 丙 or 丁."""
        return self.label_zh[0]

    @property
    def strictness(self) -> int:
        """3 for 甲 down to 0 for 丁; a higher number is a stricter class."""
        return {"a": 3, "b": 2, "c": 1, "d": 0}[self.value]

    def is_stricter_than(self, other: FortificationClass) -> bool:
        """Whether this class demands more than ``other``."""
        return self.strictness > other.strictness


class ProjectKind(_Coded):
    """Kind of construction project."""

    _what = enum.nonmember("project kind")

    SCHOOL = ("school", "学校", "School")
    KINDERGARTEN = ("kindergarten", "幼儿园", "Kindergarten")
    HOSPITAL = ("hospital", "医院", "Hospital")
    HIGH_RISE = ("high_rise", "高层建筑", "High-rise building", "高层")
    MAJOR_PROJECT = ("major_project", "重大建设工程", "Major project", "重大工程")
    RURAL_HOUSING = ("rural_housing", "农村住房", "Rural housing", "农居")
    OTHER = ("other", "其他", "Other")


class BuildingUse(_Coded):
    """Use of the building within its project (the uses named by GB 50223-2008)."""

    _what = enum.nonmember("building use")

    TEACHING = ("teaching", "教学楼", "Teaching building", "教学用房")
    DORMITORY = ("dormitory", "宿舍", "Dormitory", "学生宿舍")
    CANTEEN = ("canteen", "食堂", "Canteen")
    OUTPATIENT = ("outpatient", "门诊", "Outpatient", "门诊用房")
    MEDICAL_TECHNOLOGY = ("medical_technology", "医技", "Medical technology", "医技用房")
    INPATIENT = ("inpatient", "住院", "Inpatient", "住院用房")
    OTHER = ("other", "其他", "Other")


class HospitalGrade(_Coded):
    """Hospital grade (一级/二级/三级)."""

    _what = enum.nonmember("hospital grade")

    GRADE_1 = ("1", "一级", "Grade 1", "一级医院", "grade_1")
    GRADE_2 = ("2", "二级", "Grade 2", "二级医院", "grade_2")
    GRADE_3 = ("3", "三级", "Grade 3", "三级医院", "grade_3")

    @classmethod
    def coerce(cls, value: object):
        """Also accept the integers 1, 2 and 3."""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super().coerce(value)


class SeismicActionBasis(enum.Enum):
    """What the seismic action (地震作用) of a design is determined by."""

    SITE_SAFETY_EVALUATION = "site_safety_evaluation"
    SITE_INTENSITY = "site_intensity"

    @property
    def label_zh(self) -> str:
        """Chinese label."""
        if self is SeismicActionBasis.SITE_SAFETY_EVALUATION:
            return "按批准的地震安全性评价结果"
        return "按本地区抗震设防烈度"


SCHOOL_KINDS = frozenset({ProjectKind.SCHOOL, ProjectKind.KINDERGARTEN})
SCHOOL_KEY_USES = frozenset({BuildingUse.TEACHING, BuildingUse.DORMITORY, BuildingUse.CANTEEN})
HOSPITAL_KEY_USES = frozenset(
    {BuildingUse.OUTPATIENT, BuildingUse.MEDICAL_TECHNOLOGY, BuildingUse.INPATIENT}
)
HOSPITAL_KEY_GRADES = frozenset({HospitalGrade.GRADE_2, HospitalGrade.GRADE_3})


# --------------------------------------------------------------------------- steps


class Step(NamedTuple):
    """One applied rule: the Chinese rule text shown to users and its source citation."""

    text: str
    source: str


# --------------------------------------------------------------------------- PGA / intensity

# GB 18306-2015 basic PGA values and their intensity per GB 50011-2010 表3.2.2.
_INTENSITY_BY_PGA: dict[Decimal, int] = {
    Decimal("0.05"): 6,
    Decimal("0.10"): 7,
    Decimal("0.15"): 7,
    Decimal("0.20"): 8,
    Decimal("0.30"): 8,
    Decimal("0.40"): 9,
}
BASIC_PGA_VALUES: tuple[Decimal, ...] = tuple(_INTENSITY_BY_PGA)


def format_pga(pga: Decimal) -> str:
    """Render a PGA the way the standards write it, e.g. ``0.10g``."""
    return f"{pga.quantize(Decimal('0.01'))}g"


def parse_pga(value: object) -> Decimal:
    """Return the basic PGA value (in g) for ``value``, or raise :class:`UnknownPGAError`.

    Accepts a :class:`~decimal.Decimal`, an int, a float or a string such as ``"0.10"`` or
    ``"0.10g"``. ``None``, booleans, non-numbers and values that are not one of
    :data:`BASIC_PGA_VALUES` (e.g. ``0.12``) are refused — there is no default.
    """
    if value is None or isinstance(value, bool):
        raise UnknownPGAError(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().lower().removesuffix("g").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise UnknownPGAError(value) from None
    else:
        raise UnknownPGAError(value)
    if not number.is_finite():
        raise UnknownPGAError(value)
    for basic in BASIC_PGA_VALUES:
        if number == basic:
            return basic
    raise UnknownPGAError(value)


def intensity_for_pga(pga: object) -> int:
    """Fortification intensity (6..9) for a basic PGA per GB 50011-2010 表3.2.2.

    0.05g → 6; 0.10g, 0.15g → 7; 0.20g, 0.30g → 8; 0.40g → 9. Any other value raises
    :class:`UnknownPGAError`.
    """
    return _INTENSITY_BY_PGA[parse_pga(pga)]


def _intensity_step(pga: Decimal, intensity: int) -> Step:
    return Step(
        f"基本地震动峰值加速度 {format_pga(pga)}，对应抗震设防烈度 {intensity} 度",
        SRC_INTENSITY,
    )


# --------------------------------------------------------------------------- class


@dataclass(frozen=True)
class ClassRequirement:
    """The class a building must at least have and why.

    ``minimum`` is the class the rules demand, ``declared`` the class stated for the project
    (if any), ``fortification_class`` the stricter of the two; ``steps`` explain the result.
    """

    fortification_class: FortificationClass
    minimum: FortificationClass
    declared: FortificationClass | None
    rule: Step
    steps: tuple[Step, ...]


def _minimum_class(
    kind: ProjectKind, use: BuildingUse, grade: HospitalGrade | None
) -> tuple[FortificationClass, Step]:
    if kind in SCHOOL_KINDS and use in SCHOOL_KEY_USES:
        return FortificationClass.B, Step(
            f"{kind.label_zh}的{use.label_zh}（幼儿园、小学、中学的教学用房以及学生宿舍和食堂）"
            "抗震设防类别应不低于重点设防类（乙类）",
            SRC_EDUCATION,
        )
    if kind is ProjectKind.HOSPITAL and use in HOSPITAL_KEY_USES:
        if grade is None:
            raise MissingHospitalGradeError(use)
        if grade in HOSPITAL_KEY_GRADES:
            return FortificationClass.B, Step(
                f"{grade.label_zh}医院的{use.label_zh}用房"
                "（二、三级医院的门诊、医技、住院用房）抗震设防类别应划为重点设防类（乙类）",
                SRC_HOSPITAL,
            )
        return FortificationClass.C, Step(
            f"{grade.label_zh}医院的{use.label_zh}用房不属于二、三级医院的重点设防用房，"
            "按标准设防类（丙类）",
            SRC_CLASSES,
        )
    return FortificationClass.C, Step(
        f"{kind.label_zh}（{use.label_zh}）不属于规定的重点设防建筑，至少按标准设防类（丙类）；"
        "甲类须经申报确定",
        SRC_CLASSES,
    )


def required_class(
    kind: ProjectKind | str,
    use: BuildingUse | str,
    hospital_grade: HospitalGrade | str | int | None = None,
    declared: FortificationClass | str | None = None,
) -> ClassRequirement:
    """The fortification class a building must at least have.

    The rules: teaching buildings, dormitories and canteens of schools and kindergartens are at
    least 乙 (GB 50223-2008 §6.0.8); outpatient, medical-technology and inpatient buildings of
    二级/三级 hospitals are 乙 (§4.0.3) — for those uses the hospital grade is required; all
    other buildings are at least 丙. 甲 results only from a declared class. The result is the
    stricter of the rule's minimum and the declared class: a stricter declaration is kept, a
    weaker one (including 丁) is overridden by the rule.

    Codes, Chinese labels and members are all accepted; unknown values raise
    :class:`UnknownChoiceError`.
    """
    kind = ProjectKind.coerce(kind)
    use = BuildingUse.coerce(use)
    grade = None if hospital_grade in (None, "") else HospitalGrade.coerce(hospital_grade)
    declared_class = None if declared in (None, "") else FortificationClass.coerce(declared)

    minimum, rule = _minimum_class(kind, use, grade)
    steps = [rule]
    result = minimum
    if declared_class is not None:
        if declared_class.is_stricter_than(minimum):
            result = declared_class
            steps.append(
                Step(
                    f"申报类别{declared_class.label_zh}高于规则要求的{minimum.label_zh}，"
                    f"按申报类别{declared_class.short_zh}类设防",
                    SRC_CLASSES,
                )
            )
        elif minimum.is_stricter_than(declared_class):
            steps.append(
                Step(
                    f"申报类别{declared_class.label_zh}低于规则要求，应按{minimum.label_zh}设防",
                    rule.source,
                )
            )
        else:
            steps.append(Step(f"申报类别{declared_class.label_zh}符合规则要求", rule.source))
    return ClassRequirement(
        fortification_class=result,
        minimum=minimum,
        declared=declared_class,
        rule=rule,
        steps=tuple(steps),
    )


# --------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class Measures:
    """Required fortification measures for a class at a site.

    ``measures_intensity`` is the intensity the seismic measures (抗震措施) must be designed
    for. When the standard asks for "higher than 9", it is 9 and ``above_9`` is true with
    ``note`` saying so. ``seismic_action`` says what determines the seismic action (地震作用);
    ``requires_site_safety_evaluation`` is true for 甲.
    """

    fortification_class: FortificationClass
    pga: Decimal
    site_intensity: int
    measures_intensity: int
    above_9: bool
    note: str
    seismic_action: SeismicActionBasis
    requires_site_safety_evaluation: bool
    steps: tuple[Step, ...]


def required_measures(fortification_class: FortificationClass | str, pga: object) -> Measures:
    """Required measures and seismic action for a class at a site with the given basic PGA.

    Per GB 50223-2008 §3.0.3: 甲 and 乙 one degree above the site intensity (at 9, "higher
    than 9", represented as 9 with a note); 丙 at the site intensity; 丁 one degree below but
    not below 6. Seismic action: 甲 by the approved site safety evaluation, the others by the
    site intensity. Raises :class:`UnknownPGAError` for a PGA that is not a basic value.
    """
    cls = FortificationClass.coerce(fortification_class)
    basic = parse_pga(pga)
    site = _INTENSITY_BY_PGA[basic]
    steps = [_intensity_step(basic, site)]
    above_9 = False
    note = ""
    if cls in (FortificationClass.A, FortificationClass.B):
        if site >= MAX_INTENSITY:
            measures, above_9, note = MAX_INTENSITY, True, NOTE_ABOVE_9
            text = (
                f"{cls.label_zh}应按高于本地区抗震设防烈度一度的要求加强其抗震措施；"
                f"本地区为9度，{NOTE_ABOVE_9}采取抗震措施"
            )
        else:
            measures = site + 1
            text = (
                f"{cls.label_zh}应按高于本地区抗震设防烈度一度的要求加强其抗震措施："
                f"{site}度 → {measures}度"
            )
    elif cls is FortificationClass.C:
        measures = site
        text = f"{cls.label_zh}应按本地区抗震设防烈度确定其抗震措施：{measures}度"
    else:
        measures = max(site - 1, MIN_INTENSITY)
        if site <= MIN_INTENSITY:
            text = f"{cls.label_zh}允许适当降低抗震措施，但抗震设防烈度为6度时不应降低：6度"
        else:
            text = (
                f"{cls.label_zh}允许比本地区抗震设防烈度适当降低其抗震措施：{site}度 → {measures}度"
            )
    steps.append(Step(text, SRC_MEASURES))

    if cls is FortificationClass.A:
        action = SeismicActionBasis.SITE_SAFETY_EVALUATION
        action_text = (
            "甲类应按批准的地震安全性评价结果且高于本地区抗震设防烈度的要求确定其地震作用"
            "（须有经批准的场地地震安全性评价）"
        )
    else:
        action = SeismicActionBasis.SITE_INTENSITY
        action_text = f"{cls.label_zh}应按本地区抗震设防烈度（{site}度）确定其地震作用"
    steps.append(Step(action_text, SRC_MEASURES))

    return Measures(
        fortification_class=cls,
        pga=basic,
        site_intensity=site,
        measures_intensity=measures,
        above_9=above_9,
        note=note,
        seismic_action=action,
        requires_site_safety_evaluation=cls is FortificationClass.A,
        steps=tuple(steps),
    )


# --------------------------------------------------------------------------- evaluation

# What a design can fall short in (``Evaluation.shortfalls``).
SHORT_OF_CLASS = "class"
SHORT_OF_MEASURES = "measures"


def class_below(designed: FortificationClass | str, required: FortificationClass | str) -> bool:
    """Whether a design of class ``designed`` is below the ``required`` class: the required
    class is stricter (e.g. 丙 where 乙 is required). A stricter design is never below."""
    return FortificationClass.coerce(required).is_stricter_than(FortificationClass.coerce(designed))


@dataclass(frozen=True)
class Evaluation:
    """The outcome of checking a design against the required fortification.

    ``below_requirement`` is true when the designed measures intensity is lower than the
    required one (``measures_below``) or, when the design's class is given, that class is lower
    than the required class (``class_below``; None when no designed class was given);
    ``shortfalls`` names which of the two failed. ``steps`` lists every applied rule with its
    source, in order.
    """

    kind: ProjectKind
    use: BuildingUse
    hospital_grade: HospitalGrade | None
    declared_class: FortificationClass | None
    required_class: FortificationClass
    pga: Decimal
    site_intensity: int
    required_measures_intensity: int
    above_9: bool
    note: str
    seismic_action: SeismicActionBasis
    requires_site_safety_evaluation: bool
    designed_measures_intensity: int
    below_requirement: bool
    steps: tuple[Step, ...]
    designed_class: FortificationClass | None = None
    class_below: bool | None = None
    measures_below: bool = False

    @property
    def flagged(self) -> bool:
        """Alias of ``below_requirement``: the project is to be flagged."""
        return self.below_requirement

    @property
    def shortfalls(self) -> tuple[str, ...]:
        """What the design falls short in: :data:`SHORT_OF_CLASS` and/or
        :data:`SHORT_OF_MEASURES`, in that order; empty when it meets the requirement."""
        found = []
        if self.class_below:
            found.append(SHORT_OF_CLASS)
        if self.measures_below:
            found.append(SHORT_OF_MEASURES)
        return tuple(found)


def _check_designed(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        else:
            raise InvalidIntensityError(value)
    if not MIN_INTENSITY <= value <= MAX_INTENSITY:
        raise InvalidIntensityError(value)
    return value


def _class_step(designed: FortificationClass, requirement: ClassRequirement) -> tuple[bool, Step]:
    """The designed class compared with the required one, citing the rule that fixed the
    required class (the last of the requirement's steps)."""
    required = requirement.fortification_class
    source = requirement.steps[-1].source
    if class_below(designed, required):
        text = (
            f"设计抗震设防类别{designed.label_zh}低于要求的{required.label_zh}，"
            "设防类别不满足要求（设计类别不应低于要求的抗震设防类别）"
        )
        return True, Step(text, source)
    text = f"设计抗震设防类别{designed.label_zh}不低于要求的{required.label_zh}，设防类别满足要求"
    return False, Step(text, source)


def evaluate(
    kind: ProjectKind | str,
    use: BuildingUse | str,
    pga: object,
    designed_measures_intensity: int,
    hospital_grade: HospitalGrade | str | int | None = None,
    declared: FortificationClass | str | None = None,
    designed_class: FortificationClass | str | None = None,
) -> Evaluation:
    """Evaluate a design: required class, site intensity, required measures and the flag.

    Combines :func:`required_class` and :func:`required_measures`; the design is flagged when
    ``designed_measures_intensity`` (an integer 6..9) is below the required measures intensity
    or, when ``designed_class`` is given, that class is lower than the required class
    (:func:`class_below`). Raises :class:`UnknownPGAError`, :class:`UnknownChoiceError`,
    :class:`MissingHospitalGradeError` or :class:`InvalidIntensityError` on bad input.
    """
    designed = _check_designed(designed_measures_intensity)
    design_class = (
        None if designed_class in (None, "") else FortificationClass.coerce(designed_class)
    )
    requirement = required_class(kind, use, hospital_grade=hospital_grade, declared=declared)
    measures = required_measures(requirement.fortification_class, pga)
    steps = [*requirement.steps]
    short_of_class = None
    if design_class is not None:
        short_of_class, step = _class_step(design_class, requirement)
        steps.append(step)
    steps += measures.steps
    short_of_measures = designed < measures.measures_intensity
    if short_of_measures:
        verdict = (
            f"设计抗震措施 {designed} 度低于要求的 {measures.measures_intensity} 度，"
            "抗震措施不满足要求"
        )
    else:
        verdict = (
            f"设计抗震措施 {designed} 度不低于要求的 {measures.measures_intensity} 度，"
            "抗震措施满足要求"
        )
    if measures.above_9:
        verdict += f"（{NOTE_ABOVE_9}，须另行核查）"
    steps.append(Step(verdict, SRC_MEASURES))
    return Evaluation(
        kind=ProjectKind.coerce(kind),
        use=BuildingUse.coerce(use),
        hospital_grade=None
        if hospital_grade in (None, "")
        else HospitalGrade.coerce(hospital_grade),
        declared_class=requirement.declared,
        required_class=requirement.fortification_class,
        pga=measures.pga,
        site_intensity=measures.site_intensity,
        required_measures_intensity=measures.measures_intensity,
        above_9=measures.above_9,
        note=measures.note,
        seismic_action=measures.seismic_action,
        requires_site_safety_evaluation=measures.requires_site_safety_evaluation,
        designed_measures_intensity=designed,
        below_requirement=bool(short_of_class) or short_of_measures,
        steps=tuple(steps),
        designed_class=design_class,
        class_below=short_of_class,
        measures_below=short_of_measures,
    )
