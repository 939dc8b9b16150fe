"""Indicators of the innovation platforms: R&D institutions, new-type R&D institutes,
incubators, high-tech zone evaluations, agricultural platforms, signings and major projects.

Each is computed from records at query time (see kechuang/indicators/engine.py). Institutes'
figures break down by institute code (``zjut``, ``sjtu`` …) and, within it, by facet
(``sjtu.phd``); R&D figures by level code and reporting tier.
"""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.indicators.engine import AsOf, Dimension, Indicator, Measure, Part, register
from kechuang.registry.enums import Degree, TalentLevel, Title

from .enums import (
    AgriPlatformKind,
    DatePrecision,
    IncubationStatus,
    InstituteRecordKind,
    ProjectLevel,
    ReportPeriod,
    SigningField,
    SigningOrigin,
    TalentRole,
)
from .models import (
    AcademicianCooperation,
    AgriPlatform,
    IncubationProject,
    Incubator,
    IncubatorTalent,
    Institute,
    InstituteRecord,
    InstituteReport,
    InstituteTalent,
    MajorProject,
    RDInstitution,
    SignedProject,
    Tenancy,
    ZoneEvaluation,
)

WAN_PER_YI = Decimal(10_000)
M2_PER_WAN_M2 = Decimal(10_000)
INSTITUTE = [Dimension("institute__code", "institute__organisation__name", names_records=True)]


# The indicators of three areas (R&D institutions, institutes, incubators …), each named:
# indicator(id, name, name_en, unit, unit_en, definition, area, records, **options).
indicator = Indicator


# R&D institutions ------------------------------------------------------------------------------

RD_PAGE = "platforms:rdinstitution-detail"
RD_AREA = "rd"


def level_parts(period) -> list[Part]:
    """One part per kind and level and one per reporting tier, from the R&D level code list."""
    items = CodeItem.objects.filter(code_list=CodeList.RD_LEVEL).order_by("sort")
    parts = []
    for item in items:
        if item.parent_id is None:
            parts.append(Part(item.code, item, Q(level__parent__code=item.code)))
        else:
            parts.append(Part(item.code, item, Q(level__code=item.code)))
    return parts


def best_certification_per_host(period):
    """Each host in force on the date, once, through its highest-ranked certification: the
    one no certification of the same host in force ranks above (a lower level sort, or the
    same level and a lower id). An anti-join, not a ranking window over every certification
    in force: it needs no sort (a third of the time at 100,000 certifications)."""
    in_force = RDInstitution.objects.in_force(period.as_of)
    ranked_above = in_force.filter(
        Q(level__sort__lt=OuterRef("level__sort"))
        | Q(level__sort=OuterRef("level__sort"), pk__lt=OuterRef("pk")),
        host=OuterRef("host"),
    )
    return in_force.filter(~Exists(ranked_above))


register(
    indicator(
        "rd.hosts_in_force",
        "各级研发机构(按企业计)",
        "R&D institutions, by host at its highest level",
        "家",
        "institutions",
        "截至当日有效的企业研发机构,同一企业只按其最高级别计一次。",
        RD_AREA,
        best_certification_per_host,
        parts=level_parts,
        url_name=RD_PAGE,
    ),
    indicator(
        "rd.in_force",
        "有效研发机构认定",
        "R&D institution certifications in force",
        "家",
        "institutions",
        "截至当日有效的研发机构认定(按级别及所属企业的产业链分列)。",
        RD_AREA,
        lambda period: RDInstitution.objects.in_force(period.as_of),
        parts=level_parts,
        dimensions=[Dimension("host__chains__code", "host__chains__name", "host__chains__sort")],
        url_name=RD_PAGE,
    ),
    indicator(
        "rd.certified",
        "新认定研发机构",
        "R&D institutions newly certified",
        "家",
        "institutions",
        "当年新认定(含升级)的研发机构,按类别与级别分列。",
        RD_AREA,
        lambda period: RDInstitution.objects.certified_in(period.first_year, period.last_year),
        as_of=AsOf.YEAR,
        parts=level_parts,
        url_name=RD_PAGE,
    ),
    indicator(
        "rd.certified_3y",
        "近三年新认定研发机构",
        "R&D institutions certified in the last three years",
        "家",
        "institutions",
        "截至当年的近三年内新认定(含升级)的研发机构,按类别与级别分列。",
        RD_AREA,
        lambda period: RDInstitution.objects.certified_in(period.first_year, period.last_year),
        as_of=AsOf.YEAR_RANGE,
        span=3,
        parts=level_parts,
        url_name=RD_PAGE,
    ),
)


# New-type R&D institutes -----------------------------------------------------------------------

INSTITUTE_AREA = "institutes"
INSTITUTE_PAGE = "platforms:institute-detail"


def talents(role):
    def records(period):
        return InstituteTalent.objects.filter(role=role, joined_on__lte=period.as_of)

    return records


TALENT_PARTS = [
    Part("professor", "教授", Q(person__title__code=Title.PROFESSOR)),
    Part("associate_professor", "副教授", Q(person__title__code=Title.ASSOCIATE_PROFESSOR)),
    Part("professor_level", "教授级", Q(person__title__code=Title.PROFESSOR_LEVEL)),
    Part("phd", "博士", Q(person__degree__code=Degree.DOCTORATE)),
    Part("national_talent", "国家级人才", Q(person__talent_level__code=TalentLevel.NATIONAL)),
    Part("provincial_talent", "省级人才", Q(person__talent_level__code=TalentLevel.PROVINCIAL)),
]


def incubation_parts(period) -> list[Part]:
    """A project's stage on the date, from its dates (a project once landed stays landed)."""
    landed = Q(landed_on__lte=period.as_of)
    signed = Q(signed_on__lte=period.as_of) & ~landed
    return [
        Part(IncubationStatus.LANDED, IncubationStatus.LANDED.label, landed),
        Part(IncubationStatus.SIGNED, IncubationStatus.SIGNED.label, signed),
        Part(IncubationStatus.NEGOTIATING, IncubationStatus.NEGOTIATING.label, ~landed & ~signed),
        Part("introduced", "已引进(签约或落户)", landed | Q(signed_on__lte=period.as_of)),
    ]


def institute_records(kind, current_only=False):
    def records(period):
        found = InstituteRecord.objects.filter(kind=kind, occurred_on__lte=period.as_of)
        if current_only:
            found = found.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=period.as_of))
        return found

    return records


def institute_date(id, name, name_en, definition, field) -> Indicator:
    """A date of each institute, as precise as its source gives it (an attribute)."""
    precision = f"{field.removesuffix('_on')}_precision"
    return indicator(
        id,
        name,
        name_en,
        "",
        "",
        definition,
        INSTITUTE_AREA,
        lambda period: Institute.objects.filter(**{f"{field}__lte": period.as_of}),
        measure=Measure.ATTRIBUTE,
        dimensions=[Dimension("code", "organisation__name", names_records=True)],
        attribute_fields=(field, precision),
        attribute_format=lambda row: date_at_precision(row, field),
        name_field="organisation__name",
        url_name=INSTITUTE_PAGE,
    )


def date_at_precision(row: dict, field: str) -> str | None:
    value, precision = row[field], row[f"{field.removesuffix('_on')}_precision"]
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return f"{value.year}-{value.month:02d}"
    return value.isoformat()


register(
    indicator(
        "institutes.talents",
        "新型研发机构引进专业技术人才",
        "Professionals introduced by new-type R&D institutes",
        "名",
        "people",
        "截至当日各新型研发机构累计引进的专业技术人才,按职称、学位与人才层次分列。",
        INSTITUTE_AREA,
        talents(TalentRole.INTRODUCED),
        parts=TALENT_PARTS,
        dimensions=INSTITUTE,
        name_field="person__name",
    ),
    indicator(
        "institutes.engaged_talents",
        "新型研发机构聘请人才",
        "Experts engaged by new-type R&D institutes",
        "名",
        "people",
        "截至当日各新型研发机构累计聘请的人才。",
        INSTITUTE_AREA,
        talents(TalentRole.ENGAGED),
        parts=TALENT_PARTS,
        dimensions=INSTITUTE,
        name_field="person__name",
    ),
    indicator(
        "institutes.staff",
        "新型研发机构办公人员",
        "Office staff of new-type R&D institutes",
        "人",
        "people",
        "当日在岗的办公人员。",
        INSTITUTE_AREA,
        lambda period: InstituteTalent.objects.filter(
            Q(role=TalentRole.OFFICE_STAFF, joined_on__lte=period.as_of),
            Q(left_on__isnull=True) | Q(left_on__gt=period.as_of),
        ),
        dimensions=INSTITUTE,
        name_field="person__name",
    ),
    indicator(
        "institutes.incubation_projects",
        "新型研发机构孵化项目",
        "Incubation projects of new-type R&D institutes",
        "个",
        "projects",
        "截至当日的孵化项目,按当日所处阶段(已落户、已签约、在谈)分列;已引进=已签约或已落户。",
        INSTITUTE_AREA,
        lambda period: IncubationProject.objects.filter(started_on__lte=period.as_of).exclude(
            status=IncubationStatus.WITHDRAWN
        ),
        parts=incubation_parts,
        dimensions=INSTITUTE,
    ),
    indicator(
        "institutes.research_teams",
        "新型研发机构研究团队",
        "Research teams of new-type R&D institutes",
        "个",
        "teams",
        "截至当日组建且未撤销的研究团队。",
        INSTITUTE_AREA,
        institute_records(InstituteRecordKind.RESEARCH_TEAM, current_only=True),
        dimensions=INSTITUTE,
    ),
    indicator(
        "institutes.sub_institutes",
        "新型研发机构建成研究所",
        "Sub-institutes of new-type R&D institutes",
        "家",
        "sub-institutes",
        "截至当日建成且未撤销的研究所。",
        INSTITUTE_AREA,
        institute_records(InstituteRecordKind.SUB_INSTITUTE, current_only=True),
        dimensions=INSTITUTE,
    ),
    indicator(
        "institutes.joint_labs",
        "新型研发机构与企业共建联合实验室",
        "Joint laboratories with enterprises",
        "家",
        "laboratories",
        "截至当日与企业共建且未撤销的联合实验室。",
        INSTITUTE_AREA,
        institute_records(InstituteRecordKind.JOINT_LAB, current_only=True),
        dimensions=INSTITUTE,
    ),
    indicator(
        "institutes.services",
        "新型研发机构服务企业次数",
        "Services provided by new-type R&D institutes",
        "次",
        "services",
        "截至当日累计为企业和高校提供的服务记录。",
        INSTITUTE_AREA,
        institute_records(InstituteRecordKind.SERVICE),
        dimensions=INSTITUTE,
    ),
    indicator(
        "institutes.contracts",
        "新型研发机构产学研合作项目",
        "Cooperation contracts of new-type R&D institutes",
        "项",
        "contracts",
        "截至当日累计签订的产学研合作合同。",
        INSTITUTE_AREA,
        institute_records(InstituteRecordKind.CONTRACT),
        dimensions=INSTITUTE,
    ),
    indicator(
        "institutes.approved_projects",
        "新型研发机构获批项目",
        "Projects approved to new-type R&D institutes",
        "项",
        "projects",
        "截至当日获批(或联合申报)的国家级、省级重点研发项目。",
        INSTITUTE_AREA,
        institute_records(InstituteRecordKind.APPROVED_PROJECT),
        parts=[
            Part(
                "national_key_rd",
                ProjectLevel.NATIONAL_KEY_RD.label,
                Q(level=ProjectLevel.NATIONAL_KEY_RD, joint_application=False),
            ),
            Part(
                "provincial_key_rd",
                ProjectLevel.PROVINCIAL_KEY_RD.label,
                Q(level=ProjectLevel.PROVINCIAL_KEY_RD, joint_application=False),
            ),
            Part(
                "provincial_key_rd_joint",
                "省重点研发项目(联合申报)",
                Q(level=ProjectLevel.PROVINCIAL_KEY_RD, joint_application=True),
            ),
        ],
        dimensions=INSTITUTE,
    ),
    indicator(
        "institutes.graduate_students",
        "新型研发机构在培研究生",
        "Graduate students in training at new-type R&D institutes",
        "名",
        "students",
        "当日在培(已入学、未毕业)的研究生。",
        INSTITUTE_AREA,
        institute_records(InstituteRecordKind.GRADUATE_STUDENT, current_only=True),
        dimensions=INSTITUTE,
    ),
    indicator(
        "institutes.area",
        "新型研发机构场地面积",
        "Floor area of new-type R&D institutes",
        "平方米",
        "m²",
        "截至当日已签约的各新型研发机构的场地面积。",
        INSTITUTE_AREA,
        lambda period: Institute.objects.filter(
            Q(signed_on__isnull=True) | Q(signed_on__lte=period.as_of)
        ),
        measure=Measure.SUM,
        amount="area_m2",
        decimals=0,
        dimensions=[Dimension("code", "organisation__name", names_records=True)],
        name_field="organisation__name",
        url_name=INSTITUTE_PAGE,
    ),
    institute_date(
        "institutes.signed",
        "新型研发机构签约时间",
        "When each institute's agreement was signed",
        "各新型研发机构合作协议的签约时间(按来源给出的精度)。",
        "signed_on",
    ),
    institute_date(
        "institutes.unveiled",
        "新型研发机构揭牌时间",
        "When each institute was unveiled",
        "各新型研发机构的揭牌时间(按来源给出的精度)。",
        "unveiled_on",
    ),
)


def full_year_reports(period):
    return InstituteReport.objects.filter(year=period.year, period=ReportPeriod.YEAR)


register(
    indicator(
        "institutes.reported_tech_income",
        "新型研发机构技术性收入(自报)",
        "Technology income of new-type R&D institutes (self-reported)",
        "万元",
        "10k yuan",
        "各新型研发机构年度绩效报告中自报的技术性收入之和;为单位自报数,非由明细记录计算。",
        INSTITUTE_AREA,
        full_year_reports,
        as_of=AsOf.YEAR,
        measure=Measure.SUM,
        amount="tech_income",
        dimensions=INSTITUTE,
        name_field="institute__organisation__name",
        self_reported=True,
    ),
    indicator(
        "institutes.reported_patents_granted",
        "新型研发机构授权专利(自报)",
        "Patents granted to new-type R&D institutes (self-reported)",
        "件",
        "patents",
        "各新型研发机构年度绩效报告中自报的授权专利数之和;为单位自报数。",
        INSTITUTE_AREA,
        full_year_reports,
        as_of=AsOf.YEAR,
        measure=Measure.SUM,
        amount="patents_granted",
        decimals=0,
        dimensions=INSTITUTE,
        name_field="institute__organisation__name",
        self_reported=True,
    ),
)


# Incubators ------------------------------------------------------------------------------------

INCUBATOR_AREA = "incubators"
INCUBATOR_PAGE = "platforms:incubator-detail"
BY_INCUBATOR = Dimension("code", "name", names_records=True)
BY_ZONE_AND_INCUBATOR = [  # of records that belong to an incubator
    Dimension("incubator__zone__code", "incubator__zone__name"),
    Dimension("incubator__code", "incubator__name", names_records=True),
]


def incubators_open(period):
    return Incubator.objects.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=period.as_of))


def incubator_sum(id, name, name_en, unit, unit_en, definition, field, scale, decimals, dims):
    return indicator(
        id,
        name,
        name_en,
        unit,
        unit_en,
        definition,
        INCUBATOR_AREA,
        incubators_open,
        measure=Measure.SUM,
        amount=field,
        scale=scale,
        decimals=decimals,
        dimensions=dims,
        url_name=INCUBATOR_PAGE,
    )


register(
    incubator_sum(
        "incubators.incubation_area",
        "孵化面积",
        "Incubation area",
        "万平方米",
        "10,000 m²",
        "截至当日已启用的孵化载体的孵化面积之和,按所在园区、载体分列。",
        "incubation_area_m2",
        M2_PER_WAN_M2,
        2,
        [Dimension("zone__code", "zone__name"), BY_INCUBATOR],
    ),
    incubator_sum(
        "incubators.building_area",
        "孵化载体建筑面积",
        "Building area of incubators",
        "平方米",
        "m²",
        "截至当日已启用的孵化载体的建筑面积,按载体分列。",
        "building_area_m2",
        Decimal(1),
        0,
        [BY_INCUBATOR],
    ),
    incubator_sum(
        "incubators.investment",
        "孵化载体总投资",
        "Investment in incubators",
        "亿元",
        "100 million yuan",
        "截至当日已启用的孵化载体的总投资,按载体分列。",
        "investment",
        WAN_PER_YI,
        2,
        [BY_INCUBATOR],
    ),
    indicator(
        "incubators.floors",
        "孵化载体楼层数",
        "Floors of each incubator",
        "层",
        "floors",
        "各孵化载体的楼层数(载体属性)。",
        INCUBATOR_AREA,
        incubators_open,
        measure=Measure.ATTRIBUTE,
        dimensions=[BY_INCUBATOR],
        attribute_fields=("floors",),
        attribute_format=lambda row: row["floors"],
        url_name=INCUBATOR_PAGE,
    ),
    indicator(
        "incubators.tenants",
        "在孵企业",
        "Enterprises currently incubated",
        "家",
        "enterprises",
        "当日在孵(已入孵、未出孵)的企业,按园区、孵化载体分列。",
        INCUBATOR_AREA,
        lambda period: Tenancy.objects.current_on(period.as_of),
        dimensions=BY_ZONE_AND_INCUBATOR,
        name_field="enterprise__name",
        url_name="registry:organisation-detail",
        url_field="enterprise_id",
    ),
    indicator(
        "incubators.talents",
        "孵化载体引进高层次人才",
        "High-level talents brought in by incubators",
        "名",
        "people",
        "截至当日各孵化载体累计引进的高层次人才,按园区、载体分列。",
        INCUBATOR_AREA,
        lambda period: IncubatorTalent.objects.filter(introduced_on__lte=period.as_of),
        dimensions=BY_ZONE_AND_INCUBATOR,
    ),
)


# High-tech zones, agriculture, signings, major projects ----------------------------------------


def awarded(period):
    return ZoneEvaluation.objects.filter(year=period.year).exclude(award="")


register(
    indicator(
        "zones.awarded",
        "全省获评高新区建设突出贡献集体的园区",
        "Zones awarded in the provincial evaluation",
        "家",
        "zones",
        "当年浙江省高新区评价结果中获得表彰的园区(全省名单)。",
        "zones",
        awarded,
        as_of=AsOf.YEAR,
        name_field="zone_name",
    ),
    indicator(
        "zones.evaluation_award",
        "本市高新区年度评价所获表彰",
        "Awards of our zones in the provincial evaluation",
        "",
        "",
        "当年省高新区评价中本市园区所获表彰。",
        "zones",
        awarded,
        as_of=AsOf.YEAR,
        measure=Measure.ATTRIBUTE,
        dimensions=[Dimension("zone__code", "zone__name")],
        attribute_fields=("award",),
        attribute_format=lambda row: row["award"],
        name_field="zone_name",
    ),
    indicator(
        "agri.platforms_established",
        "新建农业创新平台",
        "Agricultural innovation platforms established",
        "个",
        "platforms",
        "当年新建的农业科技创新平台,按类别分列。",
        "agriculture",
        lambda period: AgriPlatform.objects.filter(established_on__year=period.year),
        as_of=AsOf.YEAR,
        parts=lambda period: kind_parts(),
    ),
    indicator(
        "agri.platforms",
        "农业创新平台",
        "Agricultural innovation platforms",
        "个",
        "platforms",
        "截至当日已建成的农业科技创新平台,按类别分列。",
        "agriculture",
        lambda period: AgriPlatform.objects.filter(established_on__lte=period.as_of),
        parts=lambda period: kind_parts(),
    ),
    indicator(
        "agri.academicians",
        "建立合作关系的院士",
        "Academicians cooperating",
        "位",
        "academicians",
        "截至当日与本市建立合作关系的院士。",
        "agriculture",
        lambda period: AcademicianCooperation.objects.filter(signed_on__lte=period.as_of),
        name_field="academician",
    ),
)


def kind_parts() -> list[Part]:
    return [Part(kind.value, kind.label, Q(kind=kind.value)) for kind in AgriPlatformKind]


def signing_parts(period) -> list[Part]:
    return [
        Part(
            SigningField.DIGITAL_ECONOMY,
            "数字经济项目",
            Q(field__code=SigningField.DIGITAL_ECONOMY),
        ),
        Part(
            "smart_equipment_foreign",
            "智能装备制造领域欧美项目",
            Q(field__code=SigningField.SMART_EQUIPMENT, origin__code=SigningOrigin.EUROPE_AMERICA),
        ),
        Part(
            SigningOrigin.CHAMBER_OF_COMMERCE,
            "国际商会项目",
            Q(origin__code=SigningOrigin.CHAMBER_OF_COMMERCE),
        ),
        Part(
            SigningOrigin.YANGTZE_DELTA,
            "来自长三角地区",
            Q(origin__code=SigningOrigin.YANGTZE_DELTA),
        ),
    ]


def signed(period):
    return SignedProject.objects.filter(event__held_on__year=period.year)


register(
    indicator(
        "signings.projects",
        "签约项目",
        "Projects signed",
        "个",
        "projects",
        "当年签约活动上签约的投资项目,按领域与来源分列。",
        "signings",
        signed,
        as_of=AsOf.YEAR,
        parts=signing_parts,
        url_name="platforms:signingevent-detail",
        url_field="event_id",
    ),
    indicator(
        "signings.investment",
        "签约项目总投资",
        "Investment of the projects signed",
        "亿元",
        "100 million yuan",
        "当年签约项目的总投资之和,按领域与来源分列。",
        "signings",
        signed,
        as_of=AsOf.YEAR,
        measure=Measure.SUM,
        amount="investment",
        scale=WAN_PER_YI,
        parts=signing_parts,
        url_name="platforms:signingevent-detail",
        url_field="event_id",
    ),
)


def landed(period):
    return MajorProject.objects.filter(landed_on__lte=period.as_of)


MAJOR_PAGE = "platforms:majorproject-detail"
BY_PROJECT = [Dimension("code", "name", names_records=True)]

register(
    indicator(
        "major_projects.investment",
        "重大产业项目总投资",
        "Investment of major industrial projects",
        "亿元",
        "100 million yuan",
        "截至当日已落户的重大产业项目的总投资,按项目分列。",
        "industry",
        landed,
        measure=Measure.SUM,
        amount="investment",
        scale=WAN_PER_YI,
        dimensions=BY_PROJECT,
        url_name=MAJOR_PAGE,
    ),
    indicator(
        "major_projects.output_at_capacity",
        "重大产业项目达产年产值",
        "Output at capacity of major industrial projects",
        "亿元",
        "100 million yuan",
        "截至当日已落户的重大产业项目达产后的年产值,按项目分列。",
        "industry",
        landed,
        measure=Measure.SUM,
        amount="output_at_capacity",
        scale=WAN_PER_YI,
        dimensions=BY_PROJECT,
        url_name=MAJOR_PAGE,
    ),
    indicator(
        "major_projects.capacity",
        "重大产业项目设计年产能",
        "Design capacity of major industrial projects",
        "按项目单位",
        "in each project's unit",
        "各重大产业项目的设计年产能(单位见项目记录)。",
        "industry",
        landed,
        measure=Measure.ATTRIBUTE,
        dimensions=BY_PROJECT,
        attribute_fields=("capacity", "capacity_unit"),
        attribute_format=lambda row: row["capacity"],
        url_name=MAJOR_PAGE,
    ),
)
