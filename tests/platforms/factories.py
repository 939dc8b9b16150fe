"""factory-boy factories of the innovation-platform records, and a small world of two towns
for the page, API and import tests. The factories need no reference data (code-list items are
got or created by code); the world uses the shipped roles, so it needs ``reference_data``."""

import datetime as dt

import factory

from kechuang.accounts.enums import RoleCode
from kechuang.core.enums import CodeList
from kechuang.platforms import models
from kechuang.platforms.enums import (
    AgriPlatformKind,
    IncubationStatus,
    IncubatorKind,
    InstituteRecordKind,
    RDEventKind,
    RDLevel,
    RDTier,
    SigningField,
    SigningOrigin,
    TalentRole,
)
from kechuang.registry.enums import OrganisationKind
from tests.factories import CodeItemFactory, OrganisationFactory, PersonFactory, TownFactory


def code_item(code_list, code, name, **extra):
    return factory.SubFactory(CodeItemFactory, code_list=code_list, code=code, name=name, **extra)


class RDInstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RDInstitution

    host = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"测试研发中心{n}")
    level = code_item(
        CodeList.RD_LEVEL,
        RDLevel.PROVINCIAL_RD_CENTRE,
        "省高新技术企业研究开发中心",
        parent=code_item(CodeList.RD_LEVEL, RDTier.PROVINCIAL_OR_HIGHER, "省级以上"),
    )
    certified_year = 2020
    certified_on = dt.date(2020, 12, 1)


class RDInstitutionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RDInstitutionEvent

    institution = factory.SubFactory(RDInstitutionFactory)
    kind = RDEventKind.CERTIFIED
    happened_on = factory.SelfAttribute("institution.certified_on")


class InstituteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Institute

    code = factory.Sequence(lambda n: f"institute-{n}")
    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=OrganisationKind.RESEARCH_ORG,
        name=factory.Sequence(lambda n: f"测试研究院{n}"),
    )
    partner = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.UNIVERSITY, uscc=None)
    signed_on = dt.date(2019, 5, 1)


class InstituteTalentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InstituteTalent

    institute = factory.SubFactory(InstituteFactory)
    person = factory.SubFactory(
        PersonFactory, organisation=factory.SelfAttribute("..institute.organisation")
    )
    role = TalentRole.INTRODUCED
    joined_on = dt.date(2021, 3, 1)


class IncubationProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IncubationProject

    institute = factory.SubFactory(InstituteFactory)
    name = factory.Sequence(lambda n: f"孵化项目{n}")
    status = IncubationStatus.NEGOTIATING
    started_on = dt.date(2022, 1, 10)


class InstituteRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InstituteRecord

    institute = factory.SubFactory(InstituteFactory)
    kind = InstituteRecordKind.RESEARCH_TEAM
    name = factory.Sequence(lambda n: f"研究团队{n}")
    occurred_on = dt.date(2021, 6, 1)


class IncubatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Incubator

    code = factory.Sequence(lambda n: f"incubator-test-{n}")
    name = factory.Sequence(lambda n: f"测试孵化器{n}")
    kind = IncubatorKind.INCUBATOR
    town = factory.SubFactory(TownFactory)
    opened_on = dt.date(2018, 1, 1)


class TenancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tenancy

    incubator = factory.SubFactory(IncubatorFactory)
    enterprise = factory.SubFactory(OrganisationFactory)
    entered_on = dt.date(2021, 1, 1)


class IncubatorTalentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IncubatorTalent

    incubator = factory.SubFactory(IncubatorFactory)
    name = factory.Sequence(lambda n: f"人才{n}")
    introduced_on = dt.date(2022, 4, 1)


class ZoneEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ZoneEvaluation

    year = 2022
    zone_name = factory.Sequence(lambda n: f"测试高新区{n}")
    grade = "A"


class AgriPlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AgriPlatform

    name = factory.Sequence(lambda n: f"农业平台{n}")
    kind = AgriPlatformKind.PLATFORM
    host = factory.SubFactory(OrganisationFactory)
    established_on = dt.date(2020, 9, 1)


class AcademicianCooperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AcademicianCooperation

    academician = factory.Sequence(lambda n: f"院士{n}")
    platform = factory.SubFactory(AgriPlatformFactory)
    signed_on = dt.date(2021, 10, 1)


class SigningEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SigningEvent

    name = factory.Sequence(lambda n: f"招商签约活动{n}")
    held_on = dt.date(2023, 5, 20)
    city = "上海"


class SignedProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SignedProject

    event = factory.SubFactory(SigningEventFactory)
    name = factory.Sequence(lambda n: f"签约项目{n}")
    field = code_item(CodeList.SIGNING_FIELD, SigningField.DIGITAL_ECONOMY, "数字经济")
    origin = code_item(CodeList.SIGNING_ORIGIN, SigningOrigin.YANGTZE_DELTA, "长三角地区")
    investment = 5000


class MajorProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MajorProject

    code = factory.Sequence(lambda n: f"major-{n}")
    name = factory.Sequence(lambda n: f"重大项目{n}")
    town = factory.SubFactory(TownFactory)
    landed_on = dt.date(2022, 8, 1)


class MajorProjectStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MajorProjectStage

    project = factory.SubFactory(MajorProjectFactory)
    name = factory.Sequence(lambda n: f"阶段{n}")


class World:
    """Two towns, each with an enterprise (with an R&D institution), a new-type institute
    (with a talent, a project and a record), an incubator (with the enterprise as tenant) and a
    major project; a signing event of the bureau. Users from the shipped roles: bureau staff, a
    leader, the east town's officer, each institute's manager, each enterprise's user."""

    def __init__(self, make_user):
        self.east, self.west = TownFactory(name="东平台镇"), TownFactory(name="西平台镇")
        self.places = {}
        for side, prefix, town in (("east", "东", self.east), ("west", "西", self.west)):
            enterprise = OrganisationFactory(name=f"{prefix}平台测试企业有限公司", town=town)
            institute = InstituteFactory(
                code=f"{side}-institute",
                organisation=OrganisationFactory(
                    kind=OrganisationKind.RESEARCH_ORG, name=f"{prefix}新型研究院", town=town
                ),
            )
            incubator = IncubatorFactory(
                code=f"{side}-incubator", name=f"{prefix}孵化器", town=town
            )
            self.places[side] = {
                "enterprise": enterprise,
                "rd": RDInstitutionFactory(host=enterprise, name=f"{prefix}研发中心"),
                "institute": institute,
                "talent": InstituteTalentFactory(institute=institute),
                "project": IncubationProjectFactory(institute=institute),
                "record": InstituteRecordFactory(institute=institute),
                "incubator": incubator,
                "tenancy": TenancyFactory(incubator=incubator, enterprise=enterprise),
                "major": MajorProjectFactory(name=f"{prefix}重大项目", town=town),
            }
        self.staff = make_user(RoleCode.STAFF)
        self.leader = make_user(RoleCode.LEADER)
        self.officer = make_user(RoleCode.TOWN_OFFICER, department=self.east.office)
        self.our_manager = make_user(
            RoleCode.ORGANISATION, organisation=self.ours["institute"].organisation
        )
        self.their_manager = make_user(
            RoleCode.ORGANISATION, organisation=self.theirs["institute"].organisation
        )
        self.our_enterprise = make_user(RoleCode.ORGANISATION, organisation=self.ours["enterprise"])
        self.event = SigningEventFactory(created_by=self.staff, name="东方签约活动")

    @property
    def ours(self):
        return self.places["east"]

    @property
    def theirs(self):
        return self.places["west"]
