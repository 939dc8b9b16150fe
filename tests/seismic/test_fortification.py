"""Unit tests of the pure seismic-fortification rules (no database)."""

import itertools
from decimal import Decimal

import pytest

from kechuang.seismic.domain.fortification import (
    BASIC_PGA_VALUES,
    BuildingUse,
    FortificationClass,
    InvalidIntensityError,
    MissingHospitalGradeError,
    ProjectKind,
    SeismicActionBasis,
    Step,
    UnknownChoiceError,
    UnknownPGAError,
    evaluate,
    intensity_for_pga,
    required_class,
    required_measures,
)

# Independent tables written from the standards, not derived from the module.
# PGA (g) → site intensity, GB 50011-2010 表3.2.2.
SITE_INTENSITY = {
    "0.05": 6,
    "0.10": 7,
    "0.15": 7,
    "0.20": 8,
    "0.30": 8,
    "0.40": 9,
}
# (class code, PGA) → (measures intensity, "higher than 9" note expected), GB 50223 §3.0.3.
MEASURES = {
    ("a", "0.05"): (7, False),
    ("a", "0.10"): (8, False),
    ("a", "0.15"): (8, False),
    ("a", "0.20"): (9, False),
    ("a", "0.30"): (9, False),
    ("a", "0.40"): (9, True),
    ("b", "0.05"): (7, False),
    ("b", "0.10"): (8, False),
    ("b", "0.15"): (8, False),
    ("b", "0.20"): (9, False),
    ("b", "0.30"): (9, False),
    ("b", "0.40"): (9, True),
    ("c", "0.05"): (6, False),
    ("c", "0.10"): (7, False),
    ("c", "0.15"): (7, False),
    ("c", "0.20"): (8, False),
    ("c", "0.30"): (8, False),
    ("c", "0.40"): (9, False),
    ("d", "0.05"): (6, False),
    ("d", "0.10"): (6, False),
    ("d", "0.15"): (6, False),
    ("d", "0.20"): (7, False),
    ("d", "0.30"): (7, False),
    ("d", "0.40"): (8, False),
}
CLASSES = ["a", "b", "c", "d"]
PGAS = ["0.05", "0.10", "0.15", "0.20", "0.30", "0.40"]


def test_the_tables_cover_every_combination():
    assert {str(v) for v in BASIC_PGA_VALUES} == set(PGAS)
    assert [c.code for c in FortificationClass] == CLASSES
    assert set(MEASURES) == set(itertools.product(CLASSES, PGAS))


@pytest.mark.parametrize("pga", PGAS)
def test_intensity_from_pga(pga):
    assert intensity_for_pga(Decimal(pga)) == SITE_INTENSITY[pga]
    assert intensity_for_pga(f"{pga}g") == SITE_INTENSITY[pga]


@pytest.mark.parametrize(("code", "pga"), list(itertools.product(CLASSES, PGAS)))
def test_measures_for_every_class_and_pga(code, pga):
    measures = required_measures(code, Decimal(pga))
    expected, above_9 = MEASURES[(code, pga)]
    assert measures.fortification_class.code == code
    assert measures.site_intensity == SITE_INTENSITY[pga]
    assert measures.measures_intensity == expected
    assert measures.above_9 is above_9
    if above_9:
        assert measures.note == "9度时应按比9度更高的要求"
    else:
        assert measures.note == ""
    if code == "a":
        assert measures.seismic_action is SeismicActionBasis.SITE_SAFETY_EVALUATION
        assert measures.requires_site_safety_evaluation
    else:
        assert measures.seismic_action is SeismicActionBasis.SITE_INTENSITY
        assert not measures.requires_site_safety_evaluation
    sources = [s.source for s in measures.steps]
    assert "GB 50011-2010 表3.2.2" in sources
    assert "GB 50223-2008 第3.0.3条" in sources


@pytest.mark.parametrize(("code", "pga"), list(itertools.product(CLASSES, PGAS)))
def test_evaluate_every_declared_class_and_pga(code, pga):
    # For "other" buildings the rule's minimum is 丙: 甲/乙 declared are kept, 丁 is raised.
    effective = code if code in ("a", "b") else "c"
    expected, _ = MEASURES[(effective, pga)]
    result = evaluate("other", "other", pga, expected, declared=code)
    assert result.required_class.code == effective
    assert result.site_intensity == SITE_INTENSITY[pga]
    assert result.required_measures_intensity == expected
    assert not result.below_requirement


def test_class_names():
    assert FortificationClass.A.label_zh == "甲类（特殊设防类）"
    assert FortificationClass.B.label_zh == "乙类（重点设防类）"
    assert FortificationClass.C.label_zh == "丙类（标准设防类）"
    assert FortificationClass.D.label_zh == "丁类（适度设防类）"
    assert FortificationClass.B.label_en == "Class B (key)"
    assert FortificationClass.coerce("甲") is FortificationClass.A
    assert FortificationClass.coerce("重点设防类") is FortificationClass.B


@pytest.mark.parametrize("kind", ["school", "kindergarten"])
@pytest.mark.parametrize("use", ["teaching", "dormitory", "canteen", "教学楼", "宿舍", "食堂"])
def test_school_key_buildings_are_at_least_b(kind, use):
    result = required_class(kind, use)
    assert result.fortification_class is FortificationClass.B
    assert result.rule.source == "GB 50223-2008 第6.0.8条"


@pytest.mark.parametrize("kind", ["school", "kindergarten"])
def test_school_other_buildings_are_c(kind):
    result = required_class(kind, "other")
    assert result.fortification_class is FortificationClass.C
    assert result.rule.source == "GB 50223-2008 第3.0.2条"


@pytest.mark.parametrize("grade", ["二级", "三级", 2, 3, "2", "3"])
@pytest.mark.parametrize("use", ["outpatient", "medical_technology", "inpatient", "门诊", "医技"])
def test_grade_2_and_3_hospital_medical_buildings_are_b(grade, use):
    result = required_class("hospital", use, hospital_grade=grade)
    assert result.fortification_class is FortificationClass.B
    assert result.rule.source == "GB 50223-2008 第4.0.3条"


@pytest.mark.parametrize("use", ["outpatient", "medical_technology", "inpatient"])
def test_grade_1_hospital_medical_buildings_are_c(use):
    result = required_class("hospital", use, hospital_grade="一级")
    assert result.fortification_class is FortificationClass.C


@pytest.mark.parametrize("grade", ["一级", "二级", "三级"])
def test_hospital_other_buildings_are_c(grade):
    assert required_class("hospital", "other", hospital_grade=grade).fortification_class.code == "c"


def test_hospital_medical_building_needs_the_grade():
    with pytest.raises(MissingHospitalGradeError, match="医院等级"):
        required_class("hospital", "inpatient")


@pytest.mark.parametrize(
    "kind", ["high_rise", "major_project", "rural_housing", "other", "high-rise"]
)
def test_other_kinds_are_c_and_never_a_unless_declared(kind):
    assert required_class(kind, "other").fortification_class is FortificationClass.C
    assert required_class(kind, "other", declared="a").fortification_class is FortificationClass.A


def test_stricter_declared_class_is_kept():
    result = required_class("school", "teaching", declared="甲")
    assert result.fortification_class is FortificationClass.A
    assert result.minimum is FortificationClass.B
    assert result.declared is FortificationClass.A
    assert len(result.steps) == 2


@pytest.mark.parametrize("declared", ["c", "d"])
def test_weaker_declared_class_is_overridden(declared):
    result = required_class("kindergarten", "dormitory", declared=declared)
    assert result.fortification_class is FortificationClass.B
    assert "低于规则要求" in result.steps[-1].text


def test_declared_d_for_an_ordinary_building_is_raised_to_c():
    assert required_class("other", "other", declared="d").fortification_class.code == "c"


@pytest.mark.parametrize(
    "pga", [Decimal("0.12"), "0.12g", 0.12, None, "", "abc", Decimal("NaN"), True, 0, [0.1]]
)
def test_unknown_pga_is_a_clear_error(pga):
    with pytest.raises(UnknownPGAError) as info:
        intensity_for_pga(pga)
    message = str(info.value)
    for allowed in ["0.05g", "0.10g", "0.15g", "0.20g", "0.30g", "0.40g"]:
        assert allowed in message
    with pytest.raises(UnknownPGAError):
        evaluate("school", "teaching", pga, 8)


def test_equivalent_pga_spellings():
    assert intensity_for_pga("0.1") == 7
    assert intensity_for_pga(0.1) == 7
    assert intensity_for_pga(Decimal("0.100")) == 7


@pytest.mark.parametrize(
    ("kind", "use", "value"),
    [("tower", "other", "tower"), ("school", "gym", "gym"), ("hospital", "inpatient", "4")],
)
def test_unknown_codes_are_refused(kind, use, value):
    with pytest.raises(UnknownChoiceError, match=value):
        required_class(kind, use, hospital_grade="4")


@pytest.mark.parametrize(("designed", "flagged"), [(6, True), (7, True), (8, False), (9, False)])
def test_design_below_requirement_is_flagged(designed, flagged):
    # School teaching building at 0.10g: 7 degrees, 乙 → measures at 8.
    result = evaluate("school", "teaching", "0.10", designed)
    assert result.required_class is FortificationClass.B
    assert result.site_intensity == 7
    assert result.required_measures_intensity == 8
    assert result.below_requirement is flagged
    assert result.flagged is flagged


def test_grade_1_hospital_at_site_intensity_is_not_flagged():
    result = evaluate("hospital", "inpatient", Decimal("0.15"), 7, hospital_grade="一级")
    assert result.required_class is FortificationClass.C
    assert not result.below_requirement


def test_grade_3_hospital_at_site_intensity_is_flagged():
    result = evaluate("hospital", "outpatient", Decimal("0.15"), 7, hospital_grade="三级")
    assert result.required_class is FortificationClass.B
    assert result.required_measures_intensity == 8
    assert result.below_requirement


@pytest.mark.parametrize("designed", [5, 10, True, 7.5, None, "seven"])
def test_invalid_designed_intensity_is_refused(designed):
    with pytest.raises(InvalidIntensityError):
        evaluate("other", "other", "0.05", designed)


def test_nine_degree_site_for_b_carries_the_note():
    result = evaluate("school", "canteen", "0.40g", 9)
    assert result.required_measures_intensity == 9
    assert result.above_9
    assert not result.below_requirement
    assert any("9度时应按比9度更高的要求" in s.text for s in result.steps)


def test_class_a_flags_the_site_safety_evaluation():
    result = evaluate("major_project", "other", "0.05", 7, declared="a")
    assert result.requires_site_safety_evaluation
    assert result.seismic_action is SeismicActionBasis.SITE_SAFETY_EVALUATION
    assert any("地震安全性评价" in s.text for s in result.steps)


@pytest.mark.parametrize(
    ("kind", "use", "grade", "class_source"),
    [
        ("school", "teaching", None, "GB 50223-2008 第6.0.8条"),
        ("hospital", "inpatient", "二级", "GB 50223-2008 第4.0.3条"),
        ("rural_housing", "other", None, "GB 50223-2008 第3.0.2条"),
    ],
)
def test_every_result_carries_steps_with_sources(kind, use, grade, class_source):
    result = evaluate(kind, use, "0.20g", 8, hospital_grade=grade)
    assert result.steps
    for step in result.steps:
        assert isinstance(step, Step)
        text, source = step
        assert text and source.startswith("GB ")
    sources = [s.source for s in result.steps]
    assert sources[0] == class_source
    assert "GB 50011-2010 表3.2.2" in sources
    assert "GB 50223-2008 第3.0.3条" in sources


def test_codes_are_stable():
    assert [k.code for k in ProjectKind] == [
        "school",
        "kindergarten",
        "hospital",
        "high_rise",
        "major_project",
        "rural_housing",
        "other",
    ]
    assert BuildingUse.MEDICAL_TECHNOLOGY.code == "medical_technology"


# Strictness written from GB 50223-2008 §3.0.2 (甲 the strictest, 丁 the least strict).
STRICTNESS = {"a": 3, "b": 2, "c": 1, "d": 0}


@pytest.mark.parametrize(
    ("declared", "designed_class", "designed"),
    list(itertools.product(["", "a", "b"], CLASSES, range(6, 10))),
)
def test_designed_class_and_measures_both_decide_the_flag(declared, designed_class, designed):
    # A school teaching building at 0.05g: 乙 required unless 甲 is declared; measures at 7.
    required = "a" if declared == "a" else "b"
    result = evaluate(
        "school", "teaching", "0.05", designed, declared=declared or None,
        designed_class=designed_class,
    )  # fmt: skip
    class_short = STRICTNESS[designed_class] < STRICTNESS[required]
    measures_short = designed < 7
    assert result.required_class.code == required
    assert result.designed_class.code == designed_class
    assert result.class_below is class_short
    assert result.measures_below is measures_short
    assert result.below_requirement is (class_short or measures_short)
    assert result.shortfalls == tuple(
        name for name, short in (("class", class_short), ("measures", measures_short)) if short
    )


def test_teaching_building_designed_c_where_b_is_required_is_flagged_despite_its_measures():
    result = evaluate("school", "teaching", "0.10", 9, designed_class="丙")
    assert result.required_class is FortificationClass.B
    assert not result.measures_below
    assert result.class_below
    assert result.below_requirement
    assert result.shortfalls == ("class",)
    step = next(s for s in result.steps if "设计抗震设防类别" in s.text)
    assert "丙类（标准设防类）低于要求的乙类（重点设防类）" in step.text
    assert step.source == "GB 50223-2008 第6.0.8条"  # the rule that requires 乙
    assert any("抗震措施满足要求" in s.text for s in result.steps)


def test_the_class_step_cites_the_declaration_when_it_sets_the_class():
    result = evaluate("major_project", "other", "0.05", 7, declared="a", designed_class="b")
    step = next(s for s in result.steps if "设计抗震设防类别" in s.text)
    assert "低于要求的甲类（特殊设防类）" in step.text
    assert step.source == "GB 50223-2008 第3.0.2条"
    assert result.shortfalls == ("class",)


def test_a_stricter_designed_class_meets_the_requirement():
    result = evaluate("hospital", "inpatient", "0.05", 7, hospital_grade="三级", designed_class="a")
    assert result.class_below is False
    assert not result.below_requirement
    assert any("设防类别满足要求" in s.text for s in result.steps)


def test_without_a_designed_class_only_the_measures_are_compared():
    result = evaluate("school", "teaching", "0.05", 7)
    assert result.designed_class is None
    assert result.class_below is None
    assert not result.below_requirement
    assert not any("设计抗震设防类别" in s.text for s in result.steps)


def test_an_unknown_designed_class_is_refused():
    with pytest.raises(UnknownChoiceError, match="fortification class"):
        evaluate("school", "teaching", "0.05", 7, designed_class="戊")
