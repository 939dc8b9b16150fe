"""factory-boy factories of the earthquake-prevention records. They need no reference data:
towns come from ``TownFactory`` (each with its own town office), shelter facilities are got or
created by code. ``zoned_town(pga)`` gives a town with its zonation setting."""

import datetime as dt
from decimal import Decimal

import factory

from kechuang.core.enums import CodeList
from kechuang.seismic import models
from kechuang.seismic.enums import (
    AssessmentResult,
    BudgetSource,
    BuildingUse,
    EvaluationConclusion,
    Finding,
    FortificationClass,
    OutreachKind,
    PlanKind,
    PlanStatus,
    ProjectKind,
    RaisedKind,
    ShelterClass,
    ShelterFacility,
    SiteKind,
    SiteLevel,
    StationKind,
    StationStatus,
    TrainingKind,
)
from tests.factories import CodeItemFactory, TownFactory


class TownZonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TownZonation
        django_get_or_create = ("town",)

    town = factory.SubFactory(TownFactory)
    pga = Decimal("0.05")
    effective_from = dt.date(2016, 6, 1)


def zoned_town(pga="0.05", **town_fields):
    """A new town with its zonation setting at ``pga``."""
    town = TownFactory(**town_fields)
    TownZonationFactory(town=town, pga=Decimal(str(pga)))
    return town


class ConstructionProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ConstructionProject

    name = factory.Sequence(lambda n: f"测试建设工程{n}")
    owner_name = "测试建设单位"
    town = factory.SubFactory(TownFactory)
    kind = ProjectKind.SCHOOL
    building_use = BuildingUse.TEACHING
    started_on = dt.date(2020, 3, 1)
    start_year = factory.LazyAttribute(lambda o: o.started_on.year if o.started_on else 2020)


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Inspection

    project = factory.SubFactory(ConstructionProjectFactory)
    inspected_on = dt.date(2020, 6, 1)
    inspectors = "张三, 李四"
    designed_class = FortificationClass.B
    designed_measures_intensity = 7
    finding = Finding.COMPLIANT


class RaisedFortificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RaisedFortification

    name = factory.Sequence(lambda n: f"测试小学{n}教学楼")
    kind = RaisedKind.SCHOOL
    town = factory.SubFactory(TownFactory)
    year_completed = 2019
    basic_class = FortificationClass.B
    raised_to = "按7度采取抗震措施"


class DemonstrationSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DemonstrationSite

    name = factory.Sequence(lambda n: f"测试示范社区{n}")
    level = SiteLevel.NATIONAL
    kind = SiteKind.COMMUNITY
    town = factory.SubFactory(TownFactory)
    designated_on = dt.date(2019, 11, 1)
    designated_year = factory.LazyAttribute(
        lambda o: o.designated_on.year if o.designated_on else 2019
    )


def shelter_facility(code=ShelterFacility.WATER, name="应急供水"):
    return CodeItemFactory(code_list=CodeList.SHELTER_FACILITY, code=code, name=name)


class ShelterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Shelter
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试避难场所{n}")
    town = factory.SubFactory(TownFactory)
    shelter_class = ShelterClass.CLASS_II
    effective_area = Decimal("3000.00")
    opened_year = 2018

    @factory.post_generation
    def facilities(self, create, extracted, **kwargs):
        if create and extracted:
            self.facilities.set(extracted)


class MonitoringStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MonitoringStation

    name = factory.Sequence(lambda n: f"测试地震台{n}")
    kind = StationKind.SEISMIC
    town = factory.SubFactory(TownFactory)
    status = StationStatus.OPERATING
    established_on = dt.date(2005, 5, 12)


class StationUpgradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StationUpgrade

    station = factory.SubFactory(MonitoringStationFactory)
    upgraded_on = dt.date(2020, 9, 1)
    description = "观测设备升级改造"
    funding = Decimal("12.50")


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Training

    held_on = dt.date(2020, 7, 15)
    town = factory.SubFactory(TownFactory)
    kind = TrainingKind.RURAL_BUILDERS
    title = factory.Sequence(lambda n: f"农村建筑工匠培训班（第{n}期）")
    attendees = 90
    organiser = "平湖市科学技术局"


class SafetyEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SafetyEvaluation

    project = factory.SubFactory(ConstructionProjectFactory)
    report_number = factory.Sequence(lambda n: f"浙震安评〔2020〕{n + 1}号")
    evaluator = "浙江省工程地震研究所"
    reported_on = dt.date(2020, 4, 20)
    pga = Decimal("0.05")
    conclusion = EvaluationConclusion.PASSED
    reviewed_on = dt.date(2020, 5, 8)


class HouseDesignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HouseDesign

    year = 2020
    title = factory.Sequence(lambda n: f"农房户型图{n}")
    designer = "测试设计院"
    selected = True


class OutreachEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OutreachEvent

    title = factory.Sequence(lambda n: f"防灾减灾宣传活动{n}")
    kind = OutreachKind.PREVENTION_WEEK
    held_on = dt.date(2020, 5, 12)
    town = factory.SubFactory(TownFactory)
    participants = 500
    organiser = "平湖市科学技术局"


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BudgetLine

    year = 2020
    item = factory.Sequence(lambda n: f"地震工作经费{n}")
    amount = Decimal("10.00")
    source = BudgetSource.FISCAL_BUDGET


class PlanDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PlanDocument

    title = factory.Sequence(lambda n: f"测试规划{n}")
    kind = PlanKind.PLAN
    issuer = "平湖市人民政府"
    issued_on = dt.date(2019, 1, 1)
    effective_from = dt.date(2019, 1, 1)
    status = PlanStatus.ISSUED


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Assessment
        django_get_or_create = ("year",)

    year = factory.Sequence(lambda n: 1990 + n)
    result = AssessmentResult.EXCELLENT
