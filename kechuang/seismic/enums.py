"""Structural choices of the earthquake-prevention area (防震减灾), and the stable codes of the
code-list items its code relies on. Labels people read live in translations or in the code lists.

The fortification codes (project kind, building use, hospital grade, class) are the codes of the
pure rules module ``domain/fortification.py``; ``tests/seismic/test_models.py`` checks that the
two stay the same.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .domain import fortification


class ProjectKind(models.TextChoices):
    SCHOOL = "school", _("School")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    HOSPITAL = "hospital", _("Hospital")
    HIGH_RISE = "high_rise", _("High-rise building")
    MAJOR_PROJECT = "major_project", _("Major construction project")
    RURAL_HOUSING = "rural_housing", _("Rural housing")
    OTHER = "other", _("Other")


class BuildingUse(models.TextChoices):
    TEACHING = "teaching", _("Teaching building")
    DORMITORY = "dormitory", _("Dormitory")
    CANTEEN = "canteen", _("Canteen")
    OUTPATIENT = "outpatient", _("Outpatient building")
    MEDICAL_TECHNOLOGY = "medical_technology", _("Medical-technology building")
    INPATIENT = "inpatient", _("Inpatient building")
    OTHER = "other", _("Other")


class HospitalGrade(models.TextChoices):
    GRADE_1 = "1", _("Grade 1 hospital (一级)")
    GRADE_2 = "2", _("Grade 2 hospital (二级)")
    GRADE_3 = "3", _("Grade 3 hospital (三级)")


class FortificationClass(models.TextChoices):
    """GB 50223-2008 §3.0.2, strictest first."""

    A = "a", _("Class A, special (甲类 特殊设防类)")
    B = "b", _("Class B, key (乙类 重点设防类)")
    C = "c", _("Class C, standard (丙类 标准设防类)")
    D = "d", _("Class D, moderate (丁类 适度设防类)")


class MeasuresIntensity(models.IntegerChoices):
    """The intensity seismic measures are designed for (抗震措施烈度)."""

    SIX = 6, _("6 degrees")
    SEVEN = 7, _("7 degrees")
    EIGHT = 8, _("8 degrees")
    NINE = 9, _("9 degrees")


# GB 18306-2015 basic peak ground accelerations, as stored (DecimalField choices).
PGA_CHOICES = [(value, fortification.format_pga(value)) for value in fortification.BASIC_PGA_VALUES]
PGA_MAX_DIGITS = 3
PGA_DECIMAL_PLACES = 2
# Pinghu (平湖市) lies entirely in the 0.05g zone of GB 18306-2015.
PINGHU_PGA = Decimal("0.05")


class Finding(models.TextChoices):
    """The inspector's finding (the flag "below the requirement" is computed, not this)."""

    COMPLIANT = "compliant", _("Compliant")
    MINOR_ISSUES = "minor_issues", _("Minor issues")
    BELOW_REQUIREMENT = "below_requirement", _("Below the requirement")
    OTHER = "other", _("Other")


class RaisedKind(models.TextChoices):
    SCHOOL = "school", _("School")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    RURAL_COMMUNITY = "rural_community", _("Rural community building")
    OTHER = "other", _("Other")


class SiteLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    JIAXING = "jiaxing", _("Jiaxing")
    PINGHU = "pinghu", _("Pinghu")


class SiteKind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")
    VILLAGE = "village", _("Village")
    SCIENCE_BASE = "science_base", _("Science-education base")
    ACTIVITY_CENTRE = "activity_centre", _("Activity centre")


class ShelterClass(models.TextChoices):
    """GB 21734-2008 classes by how long people can stay."""

    CLASS_I = "1", _("Class I (30 days or more)")
    CLASS_II = "2", _("Class II (10 to 30 days)")
    CLASS_III = "3", _("Class III (less than 10 days)")


class ShelterFacility:
    """Codes of the shelter facility code list (CodeList.SHELTER_FACILITY)."""

    WATER = "water"
    POWER = "power"
    TOILETS = "toilets"
    MEDICAL = "medical"
    SUPPLIES = "supplies"
    COMMAND = "command"
    BROADCAST = "broadcast"
    FIRE = "fire"


class StationKind(models.TextChoices):
    EARLY_WARNING = "early_warning", _("Earthquake early-warning station")
    SEISMIC = "seismic", _("Seismic station")
    STRONG_MOTION = "strong_motion", _("Strong-motion station")
    GNSS = "gnss", _("GNSS station")
    OTHER = "other", _("Other")


class StationStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    UPGRADING = "upgrading", _("Under upgrade")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class EvaluationConclusion(models.TextChoices):
    """The review's conclusion on a seismic safety evaluation report (评审结论)."""

    PASSED = "passed", _("Passed")
    PASSED_AFTER_REVISION = "passed_after_revision", _("Passed after revision")
    FAILED = "failed", _("Not passed")


class TrainingKind(models.TextChoices):
    RURAL_BUILDERS = "rural_builders", _("Rural builders")
    OTHER = "other", _("Other")


class OutreachKind(models.TextChoices):
    PREVENTION_WEEK = "prevention_week", _("5·12 disaster-prevention week")
    DRILL = "drill", _("Drill")
    SCIENCE_CAMP = "science_camp", _("Science camp")
    ONLINE_QUIZ = "online_quiz", _("Online quiz")
    LECTURE = "lecture", _("Lecture or exhibition")
    OTHER = "other", _("Other")


class BudgetSource(models.TextChoices):
    FISCAL_BUDGET = "fiscal_budget", _("Fiscal budget")
    OTHER = "other", _("Other")


class PlanKind(models.TextChoices):
    PLAN = "plan", _("Plan")
    NORMATIVE = "normative", _("Normative document")
    EMERGENCY_PLAN = "emergency_plan", _("Emergency plan")
    OTHER = "other", _("Other")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    REPEALED = "repealed", _("Repealed")


class AssessmentResult(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
