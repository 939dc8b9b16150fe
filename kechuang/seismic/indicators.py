"""Indicators of earthquake prevention (防震减灾): construction projects inspected and their
inspections by kind and finding, the flagged designs, the raised-fortification registry,
demonstration sites and outreach bases, shelters and their capacity, rural-builder trainings and
house designs, outreach participants, the budget and the consecutive excellent assessments.

Each is computed from records at query time (see kechuang/indicators/engine.py) and drills to
the records behind it. What counts as what:

* a "school" project (学校建设工程) is a primary or secondary school *or* a kindergarten
  (``ProjectKind.SCHOOL`` and ``KINDERGARTEN``, part ``schools``); "high-rise or major" is
  ``HIGH_RISE`` and ``MAJOR_PROJECT``;
* a project inspected in a year counts once, however many inspections it had that year; a "new"
  project is one whose construction started in that year;
* an inspection is flagged when its designed class is below the class the rules require or its
  designed measures intensity is below the required one (computed in SQL from the town's
  zonation, ``InspectionQuerySet.flagged``), whatever the inspector's finding says;
* outreach bases and demonstration sites (防震减灾科普教育基地和示范社区、示范学校、示范企业)
  are the sites in force of the kinds science-education base, community, school and enterprise,
  at any level — not the demonstration villages nor the activity centres;
* consecutive excellent years: the run of excellent results ending with the year (a year
  without a result or with another result ends it); its records are the run's assessments.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from kechuang.indicators.engine import AsOf, Dimension, Measure, Part, of_area, register

from .domain.assessments import consecutive_excellent
from .enums import (
    BudgetSource,
    Finding,
    OutreachKind,
    ProjectKind,
    RaisedKind,
    ShelterClass,
    SiteKind,
    SiteLevel,
    TrainingKind,
)
from .models import (
    Assessment,
    BudgetLine,
    ConstructionProject,
    DemonstrationSite,
    HouseDesign,
    Inspection,
    OutreachEvent,
    RaisedFortification,
    Shelter,
    Training,
)

AREA = "seismic"
SCHOOL_KINDS = (ProjectKind.SCHOOL, ProjectKind.KINDERGARTEN)
HIGH_RISE_OR_MAJOR = (ProjectKind.HIGH_RISE, ProjectKind.MAJOR_PROJECT)
BASE_KINDS = (SiteKind.SCIENCE_BASE, SiteKind.COMMUNITY, SiteKind.SCHOOL, SiteKind.ENTERPRISE)
BY_TOWN = Dimension("town__code", "town__name")


indicator = of_area(AREA)


# Construction projects and inspections ---------------------------------------------------------


def kind_parts(prefix: str = "") -> list[Part]:
    """One part per project kind, schools with kindergartens, and high-rise or major projects
    (``prefix`` leads from the records to the project, e.g. ``project__``)."""
    kind = f"{prefix}kind"
    return [
        *[Part(k.value, k.label, Q(**{kind: k.value})) for k in ProjectKind],
        Part("schools", _("Schools and kindergartens"), Q(**{f"{kind}__in": SCHOOL_KINDS})),
        Part(
            "high_rise_or_major",
            _("High-rise or major projects"),
            Q(**{f"{kind}__in": HIGH_RISE_OR_MAJOR}),
        ),
    ]


def projects_inspected(period):
    """Projects with at least one inspection in the year (each once)."""
    inspected = Inspection.objects.filter(project=OuterRef("pk"), inspected_on__year=period.year)
    return ConstructionProject.objects.filter(Exists(inspected))


def project_parts(period) -> list[Part]:
    return [
        *kind_parts(),
        Part("new", _("Construction started that year"), Q(start_year=period.year)),
    ]


def inspections_in(period):
    return Inspection.objects.in_year(period.year)


def flagged_in(period):
    return Inspection.objects.in_year(period.year).flagged()


def inspection_parts(period) -> list[Part]:
    return [
        *kind_parts("project__"),
        *[Part(f"finding_{f.value}", f.label, Q(finding=f.value)) for f in Finding],
        Part(
            "rectification_required",
            _("Rectification required"),
            Q(rectification_required=True),
        ),
        Part(
            "rectification_open",
            _("Rectification not closed"),
            Q(rectification_required=True, rectified_on__isnull=True),
        ),
    ]


def flagged_parts(period) -> list[Part]:
    return [
        *kind_parts("project__"),
        Part("rectified", _("Rectified"), Q(rectified_on__isnull=False)),
        Part("open", _("Not rectified"), Q(rectified_on__isnull=True)),
    ]


PROJECT_PAGE = "seismic:constructionproject-detail"
INSPECTION_PAGE = "seismic:inspection-detail"

register(
    indicator(
        "seismic.projects_inspected",
        "地震安全检查涉及的建设工程",
        "Construction projects given a seismic-safety inspection",
        "项",
        "projects",
        "当年接受地震安全检查的建设工程(同一工程当年检查多次只计一次),按工程类别分列;"
        "学校建设工程含中小学与幼儿园,高层和重大建设项目合并另列;“新开工”为当年开工的工程。",
        projects_inspected,
        as_of=AsOf.YEAR,
        parts=project_parts,
        url_name=PROJECT_PAGE,
    ),
    indicator(
        "seismic.inspections",
        "建设工程地震安全检查",
        "Seismic-safety inspections",
        "次",
        "inspections",
        "当年的地震安全检查记录,按工程类别、检查结论与整改情况分列。",
        inspections_in,
        as_of=AsOf.YEAR,
        parts=inspection_parts,
        name_field="project__name",
        url_name=INSPECTION_PAGE,
    ),
    indicator(
        "seismic.flagged_inspections",
        "设计低于设防要求的检查",
        "Inspections of designs below the requirement",
        "次",
        "inspections",
        "当年的地震安全检查中,设计的抗震措施烈度低于按规则(GB 50223、GB 18306、GB 50011)"
        "计算的要求的检查,按工程类别与是否已整改分列。",
        flagged_in,
        as_of=AsOf.YEAR,
        parts=flagged_parts,
        name_field="project__name",
        url_name=INSPECTION_PAGE,
    ),
)


# Raised fortification, demonstration sites, shelters -------------------------------------------


def raised_by(period):
    """Completed by the end of the date's year (records without a year count as completed)."""
    return RaisedFortification.objects.filter(
        Q(year_completed__isnull=True) | Q(year_completed__lte=period.as_of.year)
    )


def sites_in_force(period):
    return DemonstrationSite.objects.in_force(period.as_of)


def bases_in_force(period):
    return sites_in_force(period).filter(kind__in=BASE_KINDS)


def site_parts(period) -> list[Part]:
    """Per level, per kind, and per level and kind (``national.community``); the outreach bases
    and demonstration sites together (``bases_and_demo``)."""
    parts = [Part(level.value, level.label, Q(level=level.value)) for level in SiteLevel]
    parts += [Part(kind.value, kind.label, Q(kind=kind.value)) for kind in SiteKind]
    parts += [
        Part(
            f"{level.value}.{kind.value}",
            f"{level.label} · {kind.label}",
            Q(level=level, kind=kind),
        )
        for level in SiteLevel
        for kind in SiteKind
    ]
    parts.append(
        Part(
            "bases_and_demo",
            _("Science-education bases and demonstration communities, schools and enterprises"),
            Q(kind__in=BASE_KINDS),
        )
    )
    return parts


def shelters_open(period):
    """Shelters opened by the end of the date's year, with their capacity computed."""
    return Shelter.objects.filter(
        Q(opened_year__isnull=True) | Q(opened_year__lte=period.as_of.year)
    ).with_capacity()


def shelter_parts(period) -> list[Part]:
    return [Part(f"class_{c.value}", c.label, Q(shelter_class=c.value)) for c in ShelterClass]


register(
    indicator(
        "seismic.raised_fortification",
        "提高一档抗震设防的建筑工程",
        "Buildings fortified one grade higher",
        "处",
        "sites",
        "截至当年年底以高一档标准实现抗震设防的中小学、幼儿园和农村社区建筑工程,按类别分列。",
        raised_by,
        parts=lambda period: [Part(k.value, k.label, Q(kind=k.value)) for k in RaisedKind],
        dimensions=[BY_TOWN],
        url_name="seismic:raisedfortification-detail",
    ),
    indicator(
        "seismic.demo_sites",
        "防震减灾示范点与科普阵地",
        "Demonstration sites and science-education bases",
        "个",
        "sites",
        "当日有效(已命名、未撤销)的防震减灾示范社区、示范学校、示范企业、示范乡村、"
        "科普教育基地与科普活动中心,按级别、类别及级别与类别分列。",
        sites_in_force,
        parts=site_parts,
        url_name="seismic:demonstrationsite-detail",
    ),
    indicator(
        "seismic.outreach_bases",
        "防震减灾科普教育基地和示范社区、示范学校、示范企业",
        "Science-education bases and demonstration communities, schools and enterprises",
        "个",
        "sites",
        "当日有效的防震减灾科普教育基地和示范社区、示范学校、示范企业(不含示范乡村与科普活动中心),"
        "按类别与级别分列。",
        bases_in_force,
        parts=lambda period: [
            *[Part(kind.value, kind.label, Q(kind=kind.value)) for kind in BASE_KINDS],
            *[Part(level.value, level.label, Q(level=level.value)) for level in SiteLevel],
        ],
        url_name="seismic:demonstrationsite-detail",
    ),
    indicator(
        "seismic.shelters",
        "地震应急避难场所",
        "Emergency shelters",
        "个",
        "shelters",
        "截至当年年底建成的地震应急避难场所,按类别(GB 21734-2008)与所在镇街道分列。",
        shelters_open,
        parts=shelter_parts,
        dimensions=[BY_TOWN],
        url_name="seismic:shelter-detail",
    ),
    indicator(
        "seismic.shelter_capacity",
        "地震应急避难场所可容纳人数",
        "People the emergency shelters take",
        "人",
        "people",
        "截至当年年底建成的避难场所可容纳人数之和;每处按有效面积 ÷ 1.5 平方米/人向下取整计算"
        "(GB 21734-2008),不另行填报。按类别与所在镇街道分列。",
        shelters_open,
        measure=Measure.SUM,
        amount="capacity",
        decimals=0,
        parts=shelter_parts,
        dimensions=[BY_TOWN],
        url_name="seismic:shelter-detail",
    ),
)


# Trainings, house designs, outreach ------------------------------------------------------------


def builders_trained(period):
    return Training.objects.filter(kind=TrainingKind.RURAL_BUILDERS, held_on__year=period.year)


def designs_selected(period):
    return HouseDesign.objects.filter(year=period.year, selected=True)


def outreach_in(period):
    return OutreachEvent.objects.filter(
        held_on__year__gte=period.first_year, held_on__year__lte=period.last_year
    )


def outreach_parts(period) -> list[Part]:
    return [Part(k.value, k.label, Q(kind=k.value)) for k in OutreachKind]


register(
    indicator(
        "seismic.builders_trained",
        "农村建筑工匠培训人数",
        "Rural builders trained",
        "名",
        "people",
        "当年各期农村建筑工匠培训的参训人数之和,按镇街道分列;明细为各期培训。",
        builders_trained,
        as_of=AsOf.YEAR,
        measure=Measure.SUM,
        amount="attendees",
        decimals=0,
        dimensions=[BY_TOWN],
        name_field="title",
        url_name="seismic:training-detail",
    ),
    indicator(
        "seismic.designs_selected",
        "评选出的农房户型图",
        "House designs selected",
        "套",
        "designs",
        "当年从农房设计通用图集中评选出的最受欢迎户型图。",
        designs_selected,
        as_of=AsOf.YEAR,
        name_field="title",
        url_name="seismic:housedesign-detail",
    ),
    indicator(
        "seismic.outreach_participants",
        "防震减灾宣传活动参与人数",
        "Participants of outreach events",
        "人",
        "people",
        "当年防震减灾宣传活动(“5·12”宣传周、应急演练、夏令营、线上竞赛、进社区等)的参与人数之和,"
        "按活动类别分列。",
        outreach_in,
        as_of=AsOf.YEAR,
        measure=Measure.SUM,
        amount="participants",
        decimals=0,
        parts=outreach_parts,
        name_field="title",
        url_name="seismic:outreachevent-detail",
    ),
    indicator(
        "seismic.outreach_participants_by_year",
        "历年防震减灾宣传活动参与人数",
        "Participants of outreach events, by year",
        "人",
        "people",
        "截至当年的近五年防震减灾宣传活动参与人数之和,按年度与活动类别分列。",
        outreach_in,
        as_of=AsOf.YEAR_RANGE,
        span=5,
        measure=Measure.SUM,
        amount="participants",
        decimals=0,
        parts=outreach_parts,
        dimensions=[Dimension("held_on__year")],
        name_field="title",
        url_name="seismic:outreachevent-detail",
    ),
)


# Budget and assessments ------------------------------------------------------------------------


def budget_of(period):
    return BudgetLine.objects.filter(year=period.year)


def excellent_run(period):
    """The assessments of the run of excellent years ending with the date's year."""
    run = consecutive_excellent(period.year)
    return Assessment.objects.filter(year__gt=period.year - run, year__lte=period.year)


register(
    indicator(
        "seismic.budget",
        "地震工作经费预算",
        "Earthquake-work budget",
        "万元",
        "10k yuan",
        "当年安排的地震工作经费预算项目金额之和,按资金来源(财政预算资金、其他)分列。",
        budget_of,
        as_of=AsOf.YEAR,
        measure=Measure.SUM,
        amount="amount",
        parts=lambda period: [Part(s.value, s.label, Q(source=s.value)) for s in BudgetSource],
        name_field="item",
        url_name="seismic:budgetline-detail",
    ),
    indicator(
        "seismic.consecutive_excellent",
        "连续获评省级防震减灾工作考核优秀的年数",
        "Consecutive years rated excellent in the provincial assessment",
        "年",
        "years",
        "截至当年连续获评浙江省市县防震减灾工作考核优秀的年数:从当年往前数,某年缺少考核结果或"
        "结果不是优秀即中断;明细为连续优秀的各年考核记录。",
        excellent_run,
        as_of=AsOf.YEAR,
        name_field="year",
        url_name="seismic:assessment-detail",
    ),
)
