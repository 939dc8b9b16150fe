"""Indicators of the registry: enterprises, above-scale enterprises, output value and
qualifications, each broken down by industry chain (an enterprise counts in each of its chains).
"""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.indicators.engine import AsOf, Dimension, Indicator, Measure, register

from .domain.queries import above_scale
from .enums import OrganisationKind, QualificationKind
from .models import EnterpriseYear, Organisation, Qualification

AREA = "industry"
BY_CHAIN = [Dimension("chains__code", "chains__name", "chains__sort")]
YEAR_BY_CHAIN = [
    Dimension(
        "organisation__chains__code", "organisation__chains__name", "organisation__chains__sort"
    )
]
ORGANISATION_PAGE = "registry:organisation-detail"
WAN_PER_YI = Decimal(10_000)


def enterprises(period):
    """Enterprises founded by the date (or of unknown founding date)."""
    return Organisation.objects.enterprises().filter(
        Q(founded_on__isnull=True) | Q(founded_on__lte=period.as_of)
    )


def enterprise_years(period, only_above_scale=False):
    # Joined to the organisation, not ``organisation__in`` a subquery: the chain breakdown
    # joins it anyway, and then once instead of twice (a million rows each time).
    years = EnterpriseYear.objects.filter(
        year=period.year, organisation__kind=OrganisationKind.ENTERPRISE
    )
    return years.filter(above_scale=True) if only_above_scale else years


def holding(kind):
    """Enterprises holding a valid qualification of this kind (``Organisation.holding``), with
    the kind's ids looked up first: joined by code, PostgreSQL expects a kind to have a
    fiftieth of the qualifications it has and probes the organisations one at a time."""

    def records(period):
        kinds = list(
            CodeItem.objects.filter(code_list=CodeList.QUALIFICATION_KIND, code=kind).values_list(
                "pk", flat=True
            )
        )
        valid = Qualification.objects.valid_on(period.as_of).filter(kind__in=kinds)
        return Organisation.objects.enterprises().filter(
            Exists(valid.filter(organisation=OuterRef("pk")))
        )

    return records


def output_value(id, name, name_en, definition, only_above_scale: bool) -> Indicator:
    """The sum of the enterprises' output value in a year (kept in 万元, published in 亿元)."""
    return Indicator(
        id=id,
        name=name,
        name_en=name_en,
        unit="亿元",
        unit_en="100 million yuan",
        definition=definition,
        area=AREA,
        as_of=AsOf.YEAR,
        records=lambda period: enterprise_years(period, only_above_scale),
        measure=Measure.SUM,
        amount="output_value",
        scale=WAN_PER_YI,
        dimensions=YEAR_BY_CHAIN,
        name_field="organisation__name",
        url_name=ORGANISATION_PAGE,
        url_field="organisation_id",
    )


register(
    Indicator(
        id="industry.enterprises",
        name="企业数",
        name_en="Enterprises",
        unit="家",
        unit_en="enterprises",
        definition="截至当日已成立(或成立日期未登记)的在册企业,按所属产业链分列,一家企业可属多条产业链。",
        area=AREA,
        records=enterprises,
        dimensions=BY_CHAIN,
        url_name=ORGANISATION_PAGE,
    ),
    Indicator(
        id="industry.above_scale",
        name="规上企业数",
        name_en="Above-scale enterprises",
        unit="家",
        unit_en="enterprises",
        definition="当年被标记为规模以上的企业。",
        area=AREA,
        as_of=AsOf.YEAR,
        records=lambda period: above_scale(Organisation.objects.enterprises(), period.year),
        dimensions=BY_CHAIN,
        url_name=ORGANISATION_PAGE,
    ),
    output_value(
        "industry.output",
        "工业总产值",
        "Industrial output value",
        "当年全部企业的工业总产值之和(万元记录,以亿元发布)。",
        only_above_scale=False,
    ),
    output_value(
        "industry.output_above_scale",
        "规上企业工业总产值",
        "Output value of above-scale enterprises",
        "当年规模以上企业的工业总产值之和。",
        only_above_scale=True,
    ),
    Indicator(
        id="industry.high_tech",
        name="国家高新技术企业数",
        name_en="National high-tech enterprises",
        unit="家",
        unit_en="enterprises",
        definition="截至当日持有有效国家高新技术企业证书的企业。",
        area=AREA,
        records=holding(QualificationKind.NATIONAL_HIGH_TECH),
        dimensions=BY_CHAIN,
        url_name=ORGANISATION_PAGE,
    ),
    Indicator(
        id="industry.provincial_tech",
        name="省科技型企业数",
        name_en="Provincial S&T enterprises",
        unit="家",
        unit_en="enterprises",
        definition="截至当日持有有效省科技型企业认定的企业。",
        area=AREA,
        records=holding(QualificationKind.PROVINCIAL_TECH),
        dimensions=BY_CHAIN,
        url_name=ORGANISATION_PAGE,
    ),
)
