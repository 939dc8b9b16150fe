"""Earthquake-prevention models: codes shared with the pure rules, shelter capacity and its
refusal of a non-positive area, validation of projects and inspections, evaluations, and the
"in force" rules of demonstration sites and plans."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from kechuang.seismic import enums
from kechuang.seismic.domain import fortification as fx
from kechuang.seismic.domain import shelters
from kechuang.seismic.models import (
    ConstructionProject,
    DemonstrationSite,
    Inspection,
    MissingZonationError,
    NoDesignError,
    PlanDocument,
    Shelter,
)

from .factories import (
    ConstructionProjectFactory,
    DemonstrationSiteFactory,
    InspectionFactory,
    PlanDocumentFactory,
    ShelterFactory,
    zoned_town,
)


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (the msgids), whatever the site's language."""
    with translation.override("en"):
        yield


# --------------------------------------------------------------------------- codes


@pytest.mark.parametrize(
    ("choices", "pure"),
    [
        (enums.ProjectKind, fx.ProjectKind),
        (enums.BuildingUse, fx.BuildingUse),
        (enums.HospitalGrade, fx.HospitalGrade),
        (enums.FortificationClass, fx.FortificationClass),
    ],
)
def test_stored_codes_are_the_pure_modules_codes(choices, pure):
    assert list(choices.values) == [m.code for m in pure]


def test_pga_choices_are_the_basic_values_and_intensities_span_the_rules():
    assert [value for value, _label in enums.PGA_CHOICES] == list(fx.BASIC_PGA_VALUES)
    assert dict(enums.PGA_CHOICES)[Decimal("0.10")] == "0.10g"
    assert list(enums.MeasuresIntensity.values) == list(
        range(fx.MIN_INTENSITY, fx.MAX_INTENSITY + 1)
    )


# --------------------------------------------------------------------------- shelters


@pytest.mark.parametrize(
    ("area", "people"),
    [
        ("1.5", 1),
        ("1.49", 0),
        ("2.99", 1),
        ("3", 2),
        ("4.5", 3),
        ("3000", 2000),
        ("12345.67", 8230),
        ("0.01", 0),
    ],
)
def test_capacity_is_the_area_divided_by_one_and_a_half_rounded_down(area, people):
    assert shelters.capacity(Decimal(area)) == people
    assert Shelter(effective_area=Decimal(area)).capacity == people


@pytest.mark.parametrize("area", [0, -1, "-0.01", "0.00", None, "abc", "NaN", "Infinity", True])
def test_capacity_refuses_an_area_that_is_not_positive(area):
    with pytest.raises(shelters.InvalidAreaError, match="greater than zero"):
        shelters.capacity(area)


@pytest.mark.django_db
def test_capacity_annotation_equals_the_property():
    areas = ["1.5", "1.49", "2.99", "3.00", "4.50", "3000.00", "12345.67", "0.01", "10.05"]
    for area in areas:
        ShelterFactory(effective_area=Decimal(area))
    rows = list(Shelter.objects.with_capacity())
    assert len(rows) == len(areas)
    for shelter in rows:
        assert shelter.capacity == shelters.capacity(shelter.effective_area)
    sql = dict(Shelter.objects.with_capacity().values_list("effective_area", "capacity"))
    assert sql == {Decimal(a): shelters.capacity(Decimal(a)) for a in areas}


@pytest.mark.django_db
@pytest.mark.parametrize("area", ["0", "-25.5"])
def test_a_zero_or_negative_area_is_refused_by_validation(area):
    shelter = ShelterFactory.build(town=zoned_town(), effective_area=Decimal(area))
    with pytest.raises(ValidationError) as error:
        shelter.full_clean()
    assert error.value.message_dict["effective_area"] == [
        "The effective area must be a number of square metres greater than zero."
    ]
    assert shelter.capacity is None


@pytest.mark.django_db
@pytest.mark.parametrize("area", ["0", "-25.5"])
def test_a_zero_or_negative_area_is_refused_by_the_database(area):
    town = zoned_town()
    with pytest.raises(IntegrityError), transaction.atomic():
        Shelter.objects.create(
            name="坏数据", town=town, shelter_class="1", effective_area=Decimal(area)
        )
    assert not Shelter.objects.exists()


# --------------------------------------------------------------------------- projects


@pytest.mark.django_db
@pytest.mark.parametrize(
    "use", [fx.BuildingUse.OUTPATIENT, fx.BuildingUse.MEDICAL_TECHNOLOGY, fx.BuildingUse.INPATIENT]
)
def test_a_hospitals_medical_building_needs_its_grade(use):
    project = ConstructionProjectFactory.build(
        town=zoned_town(), kind="hospital", building_use=use.code, hospital_grade=""
    )
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert list(error.value.message_dict) == ["hospital_grade"]
    assert "hospital grade" in error.value.message_dict["hospital_grade"][0]
    assert "§4.0.3" in error.value.message_dict["hospital_grade"][0]
    project.hospital_grade = "2"
    project.full_clean()


@pytest.mark.django_db
def test_other_hospital_buildings_and_a_grade_outside_hospitals():
    town = zoned_town()
    ConstructionProjectFactory.build(
        town=town, kind="hospital", building_use="other", hospital_grade=""
    ).full_clean()
    school = ConstructionProjectFactory.build(town=town, kind="school", hospital_grade="3")
    with pytest.raises(ValidationError) as error:
        school.full_clean()
    assert error.value.message_dict["hospital_grade"] == [
        "A hospital grade is given only for hospitals."
    ]


@pytest.mark.django_db
def test_the_declared_class_may_not_be_lower_than_the_rules_require():
    town = zoned_town()
    project = ConstructionProjectFactory.build(
        town=town, kind="school", building_use="dormitory", declared_class="c"
    )
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    message = error.value.message_dict["declared_class"][0]
    assert "lower than the rules require" in message
    assert "GB 50223-2008 第6.0.8条" in message
    for stricter_or_equal in ("a", "b", ""):
        project.declared_class = stricter_or_equal
        project.full_clean()


@pytest.mark.django_db
def test_the_start_year_follows_the_start_date():
    town = zoned_town()
    project = ConstructionProjectFactory.build(
        town=town, started_on=dt.date(2020, 4, 1), start_year=2019
    )
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "start_year" in error.value.message_dict
    filled = ConstructionProject(
        name="x", town=town, kind="other", building_use="other", started_on=dt.date(2021, 2, 3)
    )
    filled.save()
    assert filled.start_year == 2021


@pytest.mark.django_db
def test_evaluation_uses_the_towns_pga_and_the_latest_inspection():
    project = ConstructionProjectFactory(town=zoned_town("0.10"), kind="kindergarten")
    with pytest.raises(NoDesignError, match="no inspection"):
        project.evaluation()
    InspectionFactory(
        project=project, inspected_on=dt.date(2020, 5, 1), designed_measures_intensity=8
    )
    InspectionFactory(
        project=project, inspected_on=dt.date(2020, 9, 1), designed_measures_intensity=7
    )
    evaluation = project.evaluation()
    assert evaluation.pga == Decimal("0.10")
    assert evaluation.site_intensity == 7
    assert evaluation.required_class is fx.FortificationClass.B
    assert evaluation.required_measures_intensity == 8
    assert evaluation.designed_measures_intensity == 7  # the September inspection
    assert evaluation.flagged
    assert any(step.source == "GB 50223-2008 第6.0.8条" for step in evaluation.steps)
    assert project.evaluation(8).below_requirement is False
    first = project.inspections.order_by("inspected_on").first()
    assert first.evaluation().below_requirement is False


@pytest.mark.django_db
def test_evaluation_without_a_zonation_setting_is_a_clear_error():
    from tests.factories import TownFactory

    project = ConstructionProjectFactory(town=TownFactory(name="无区划镇"))
    InspectionFactory(project=project)
    with pytest.raises(MissingZonationError, match=r"无区划镇.*no seismic zonation setting"):
        project.evaluation()
    with pytest.raises(MissingZonationError):
        project.required_measures()
    assert project.class_requirement().fortification_class is fx.FortificationClass.B


# --------------------------------------------------------------------------- inspections


@pytest.mark.django_db
def test_an_inspection_closes_a_rectification_only_when_one_was_required():
    inspection = InspectionFactory.build(
        project=ConstructionProjectFactory(town=zoned_town()),
        rectification_required=False,
        rectified_on=dt.date(2020, 7, 1),
    )
    with pytest.raises(ValidationError) as error:
        inspection.full_clean()
    assert "rectified_on" in error.value.message_dict
    inspection.rectification_required = True
    inspection.full_clean()


@pytest.mark.django_db
def test_inspection_dates_must_be_sane():
    project = ConstructionProjectFactory(town=zoned_town())
    inspection = InspectionFactory.build(
        project=project,
        inspected_on=dt.date(2020, 6, 1),
        rectification_required=True,
        rectification_due=dt.date(2020, 5, 1),
        rectified_on=dt.date(2020, 5, 20),
    )
    with pytest.raises(ValidationError) as error:
        inspection.full_clean()
    assert set(error.value.message_dict) == {"rectification_due", "rectified_on"}
    next_year = dt.date.today() + dt.timedelta(days=366)
    future = InspectionFactory.build(project=project, inspected_on=next_year)
    with pytest.raises(ValidationError) as error:
        future.full_clean()
    assert "inspected_on" in error.value.message_dict
    # closed in the future (an edit of the inspection; closing it says the same)
    closed_later = InspectionFactory.build(
        project=project,
        inspected_on=dt.date(2020, 6, 1),
        rectification_required=True,
        rectified_on=next_year,
    )
    with pytest.raises(ValidationError) as error:
        closed_later.full_clean()
    assert set(error.value.message_dict) == {"rectified_on"}
    bad_intensity = InspectionFactory.build(project=project, designed_measures_intensity=5)
    with pytest.raises(ValidationError) as error:
        bad_intensity.full_clean()
    assert "designed_measures_intensity" in error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"rectification_required": False, "rectified_on": dt.date(2020, 7, 1)},
        {"rectification_required": True, "rectified_on": dt.date(2020, 5, 1)},
        {"designed_measures_intensity": 10},
    ],
)
def test_the_database_refuses_inconsistent_inspections(fields):
    project = ConstructionProjectFactory(town=zoned_town())
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionFactory(project=project, inspected_on=dt.date(2020, 6, 1), **fields)


def test_inspectors_are_split_on_any_comma():
    inspection = Inspection(inspectors="张三, 李四，王五、赵六,")
    assert inspection.inspector_list == ["张三", "李四", "王五", "赵六"]


# --------------------------------------------------------------------------- in force


@pytest.mark.django_db
def test_demonstration_sites_in_force():
    town = zoned_town()
    on = dt.date(2020, 12, 31)
    current = DemonstrationSiteFactory(town=town, designated_on=dt.date(2018, 5, 1))
    DemonstrationSiteFactory(
        town=town, designated_on=dt.date(2017, 1, 1), revoked_on=dt.date(2020, 6, 1)
    )
    DemonstrationSiteFactory(town=town, designated_on=dt.date(2021, 3, 1))
    year_only = DemonstrationSiteFactory(town=town, designated_on=None, designated_year=2020)
    revoked_later = DemonstrationSiteFactory(
        town=town, designated_on=dt.date(2019, 1, 1), revoked_on=dt.date(2021, 1, 1)
    )
    in_force = set(DemonstrationSite.objects.in_force(on))
    assert in_force == {current, year_only, revoked_later}
    assert {s for s in DemonstrationSite.objects.all() if s.in_force_on(on)} == in_force


@pytest.mark.django_db
def test_plans_in_force():
    on = dt.date(2020, 6, 1)
    issued = PlanDocumentFactory(effective_from=dt.date(2019, 1, 1), effective_to=None)
    PlanDocumentFactory(effective_from=dt.date(2015, 1, 1), effective_to=dt.date(2018, 12, 31))
    PlanDocumentFactory(status="draft")
    PlanDocumentFactory(effective_from=dt.date(2021, 1, 1))
    assert list(PlanDocument.objects.in_force(on)) == [issued]
    bad = PlanDocumentFactory.build(
        effective_from=dt.date(2020, 1, 1), effective_to=dt.date(2019, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "effective_to" in error.value.message_dict
