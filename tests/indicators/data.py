"""A small city for the indicator pages and API: a few enterprises in two chains with their
2021 output, R&D institutions at three levels, two new-type R&D institutes with what they
report, and two incubators with their tenants. Every figure is known by hand (``FIGURES``)."""

import datetime as dt
from types import SimpleNamespace

from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.platforms.enums import (
    IncubationStatus,
    IncubatorKind,
    InstituteRecordKind,
    RDEnd,
    RDLevel,
    RDTier,
    TalentRole,
)
from kechuang.platforms.models import (
    IncubationProject,
    Incubator,
    Institute,
    InstituteRecord,
    InstituteTalent,
    RDInstitution,
    Tenancy,
)
from kechuang.registry.enums import IndustryChain, OrganisationKind, Title
from kechuang.registry.models import Town
from tests.factories import EnterpriseYearFactory, OrganisationFactory, PersonFactory

AS_OF = dt.date(2021, 12, 31)

# What the indicators must say on AS_OF.
FIGURES = {
    "rd.hosts_in_force": 3,  # 东方 (national, its provincial one not counted again), 西方, 南方
    "rd.certified": 2,  # in 2021: 东方's provincial institute, 南方's Pinghu centre
    "industry.output": 0.35,  # (1000 + 2500) 万元 in 2021, in 亿元
    "institutes.talents": 3,
    "incubators.tenants": 3,  # 西方 left 星火 in June 2021
}


def code(code_list: str, code_: str) -> CodeItem:
    return CodeItem.objects.get(code_list=code_list, code=code_)


def build_city():
    """Create the city's records (the reference data must be loaded); returns them by name."""
    materials = code(CodeList.INDUSTRY_CHAIN, IndustryChain.NEW_MATERIALS)
    electronics = code(CodeList.INDUSTRY_CHAIN, IndustryChain.ELECTRONIC_INFO)
    level = {
        c: code(CodeList.RD_LEVEL, c)
        for c in (RDLevel.NATIONAL, RDLevel.PROVINCIAL_RESEARCH_INSTITUTE, RDLevel.PINGHU_RD_CENTRE)
    }

    east = OrganisationFactory(name="东方材料有限公司")
    west = OrganisationFactory(name="西方电子有限公司")
    south = OrganisationFactory(name="南方科技有限公司")
    east.chains.add(materials)
    west.chains.add(electronics)
    south.chains.add(materials, electronics)
    EnterpriseYearFactory(organisation=east, year=2021, output_value=1000)
    EnterpriseYearFactory(organisation=west, year=2021, output_value=2500)
    EnterpriseYearFactory(organisation=south, year=2020, output_value=800)

    def rd(host, name, lvl, year, ended_on=None):
        return RDInstitution.objects.create(
            host=host,
            name=name,
            level=level[lvl],
            certified_year=year,
            certified_on=dt.date(year, 3, 1),
            ended_on=ended_on,
            end_reason=RDEnd.REVOKED if ended_on else "",
        )

    rd(east, "东方国家级研发机构", RDLevel.NATIONAL, 2019)
    rd(east, "东方省企业研究院", RDLevel.PROVINCIAL_RESEARCH_INSTITUTE, 2021)
    rd(west, "西方省企业研究院", RDLevel.PROVINCIAL_RESEARCH_INSTITUTE, 2020)
    rd(south, "南方平湖市级研发中心", RDLevel.PINGHU_RD_CENTRE, 2021)
    rd(south, "南方旧研发中心", RDLevel.PINGHU_RD_CENTRE, 2018, ended_on=dt.date(2020, 1, 1))

    university = OrganisationFactory(name="浙江工业大学", kind=OrganisationKind.UNIVERSITY)
    institutes = {}
    for code_, name in (("zjut", "浙工大平湖研究院"), ("sjtu", "上海交大平湖智能研究院")):
        organisation = OrganisationFactory(name=name, kind=OrganisationKind.RESEARCH_ORG)
        institutes[code_] = Institute.objects.create(
            code=code_,
            organisation=organisation,
            partner=university,
            signed_on=dt.date(2019, 6, 1),
            area_m2=5000,
        )
    professor = code(CodeList.TITLE, Title.PROFESSOR)
    for code_, names in (("zjut", ["张教授", "李教授"]), ("sjtu", ["王教授"])):
        for name in names:
            InstituteTalent.objects.create(
                institute=institutes[code_],
                person=PersonFactory(name=name, title=professor),
                role=TalentRole.INTRODUCED,
                joined_on=dt.date(2020, 5, 1),
            )
    for code_, kind, count in (
        ("zjut", InstituteRecordKind.SERVICE, 4),
        ("sjtu", InstituteRecordKind.SERVICE, 2),
        ("zjut", InstituteRecordKind.CONTRACT, 1),
        ("sjtu", InstituteRecordKind.JOINT_LAB, 1),
    ):
        for n in range(count):
            InstituteRecord.objects.create(
                institute=institutes[code_],
                kind=kind,
                name=f"{code_}-{kind}-{n + 1}",
                occurred_on=dt.date(2021, 4, n + 1),
            )
    IncubationProject.objects.create(
        institute=institutes["zjut"],
        name="新材料中试项目",
        status=IncubationStatus.LANDED,
        started_on=dt.date(2020, 1, 1),
        signed_on=dt.date(2020, 6, 1),
        landed_on=dt.date(2021, 2, 1),
    )

    town = Town.objects.get(name="当湖街道")
    spark = Incubator.objects.create(
        code="spark", name="星火孵化器", kind=IncubatorKind.INCUBATOR, town=town
    )
    dawn = Incubator.objects.create(
        code="dawn", name="曙光众创空间", kind=IncubatorKind.MAKER_SPACE, town=town
    )
    Tenancy.objects.create(incubator=spark, enterprise=east, entered_on=dt.date(2020, 1, 1))
    Tenancy.objects.create(incubator=spark, enterprise=south, entered_on=dt.date(2021, 1, 1))
    Tenancy.objects.create(
        incubator=spark,
        enterprise=west,
        entered_on=dt.date(2020, 1, 1),
        exited_on=dt.date(2021, 6, 30),
    )
    Tenancy.objects.create(incubator=dawn, enterprise=west, entered_on=dt.date(2021, 7, 1))

    return SimpleNamespace(
        east=east,
        west=west,
        south=south,
        materials=materials,
        electronics=electronics,
        institutes=institutes,
        spark=spark,
        dawn=dawn,
        tiers=(RDTier.PROVINCIAL_OR_HIGHER, RDTier.PINGHU),
    )
