"""Indicators of the plan projects (科技计划项目): applications, approvals (立项) and their
funding, the share undertaken inside the provincial high-tech zone, projects running on a date,
acceptances (验收) and the projects of acceptance meetings.

Each is computed from records at query time (see kechuang/indicators/engine.py). A project's
category (重大/重点/一般) and field (工业/农业/社会发展) are its call's; the high-tech zone is the
registry's (an undertaker inside it is a member of the zone ``HIGH_TECH_ZONE``).
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kechuang.indicators.engine import AsOf, Dimension, Measure, Part, of_area, register
from kechuang.registry.enums import OrganisationKind
from kechuang.registry.models import Organisation
from kechuang.registry.reference import HIGH_TECH_ZONE

from .enums import Category, Conclusion, Field, ProgrammeCode
from .models import Application, SessionProject

AREA = "projects"
PAGE = "projects:application-detail"
MAJOR_OR_KEY = (Category.MAJOR, Category.KEY)


def in_high_tech_zone(undertaker: str = "undertaker_id") -> Q:
    """The undertaking organisation is a member of the provincial high-tech zone."""
    members = Organisation.zones.through.objects.filter(
        organisation_id=OuterRef(undertaker), zone__code=HIGH_TECH_ZONE
    )
    return Q(Exists(members))


MAJOR_OR_KEY_LABEL = _("Major or key (重大/重点)")


def category_field_parts(prefix: str = "") -> list[Part]:
    """One part per category, one for major-or-key, one per field, and major-or-key per field
    (``prefix`` leads to the application from the records, e.g. ``application__``)."""
    category, field = f"{prefix}call__category", f"{prefix}call__field"
    major_or_key = Q(**{f"{category}__in": MAJOR_OR_KEY})
    parts = [Part(c.value, c.label, Q(**{category: c.value})) for c in Category]
    parts.append(Part("major_key", MAJOR_OR_KEY_LABEL, major_or_key))
    parts += [Part(f.value, f.label, Q(**{field: f.value})) for f in Field]
    parts += [
        Part(
            f"major_key_{f.value}",
            format_lazy("{} · {}", MAJOR_OR_KEY_LABEL, f.label),
            major_or_key & Q(**{field: f.value}),
        )
        for f in Field
    ]
    return parts


def approval_parts(period=None) -> list[Part]:
    return [
        *category_field_parts(),
        Part("hitech_zone", _("Undertaken inside the high-tech zone"), in_high_tech_zone()),
        Part(
            ProgrammeCode.HITECH_ZONE,
            _("High-tech zone key programme (高新区类重点专项)"),
            Q(call__programme__code=ProgrammeCode.HITECH_ZONE),
        ),
    ]


def kind_parts(period=None) -> list[Part]:
    return [
        Part(kind.value, kind.label, Q(undertaker__kind=kind.value)) for kind in OrganisationKind
    ]


BY_UNDERTAKER = Dimension("undertaker__uscc", "undertaker__name", names_records=True)


def accepted(period):
    return Application.objects.filter(conclusion=Conclusion.PASS, concluded_on__year=period.year)


def approved(period):
    return Application.objects.filter(approved_on__year=period.year)


def applied(period):
    return Application.objects.filter(
        submitted_at__isnull=False,
        call__year__gte=period.first_year,
        call__year__lte=period.last_year,
    )


def running(period):
    """Projects running on the date: task contract signed by then, and by then neither
    terminated, closed, nor concluded by an acceptance that passed or failed."""
    day = period.as_of
    return Application.objects.filter(contract_signed_on__lte=day).exclude(
        Q(terminated_on__lte=day)
        | Q(closed_on__lte=day)
        | Q(conclusion__in=(Conclusion.PASS, Conclusion.FAIL), concluded_on__lte=day)
    )


def meeting_projects(period):
    return SessionProject.objects.filter(session__meeting__year=period.year)


def meeting_parts(period=None) -> list[Part]:
    return [
        Part(
            "delegated",
            _("Delegated to an agency"),
            Q(session__meeting__agency__isnull=False),
        ),
        *[Part(c.value, c.label, Q(conclusion=c.value)) for c in Conclusion],
        Part(
            "major_key",
            MAJOR_OR_KEY_LABEL,
            Q(application__call__category__in=MAJOR_OR_KEY),
        ),
        *[Part(f.value, f.label, Q(application__call__field=f.value)) for f in Field],
    ]


indicator = of_area(AREA, url_name=PAGE)


register(
    indicator(
        "projects.applications",
        "科技计划项目申报",
        "Plan-project applications",
        "项",
        "applications",
        "近两年(按申报批次所属年度)已提交的科技计划项目申报(不含未提交的草稿;退回修改的仍计),"
        "按承担单位类型与承担单位分列。",
        applied,
        as_of=AsOf.YEAR_RANGE,
        span=2,
        parts=kind_parts,
        dimensions=[BY_UNDERTAKER],
    ),
    indicator(
        "projects.approved",
        "科技计划项目立项",
        "Plan projects approved",
        "项",
        "projects",
        "当年立项的市级科技计划项目,按类别(重大/重点/一般)、领域(工业/农业/社会发展)、"
        "承担单位是否位于省级高新区及高新区类重点专项分列。",
        approved,
        as_of=AsOf.YEAR,
        parts=approval_parts,
    ),
    indicator(
        "projects.approved_hitech_zone_share",
        "高新区年度立项占比",
        "Share of approved projects undertaken inside the high-tech zone",
        "",
        "",
        "当年立项的市级科技计划项目中,承担单位位于平湖先进装备智造省级高新技术产业园区的项目所占"
        "比例(高新区内立项数 ÷ 全市立项数);明细列出高新区内的项目。",
        approved,
        as_of=AsOf.YEAR,
        measure=Measure.SHARE,
        numerator=in_high_tech_zone(),
        decimals=4,
        parts=lambda period: category_field_parts(),
    ),
    indicator(
        "projects.approved_funding",
        "科技计划项目立项资助经费",
        "Funding of the plan projects approved",
        "万元",
        "10k yuan",
        "当年立项项目的核定资助经费之和,按类别、领域与是否位于高新区分列。",
        approved,
        as_of=AsOf.YEAR,
        measure=Measure.SUM,
        amount="approved_funding",
        parts=approval_parts,
    ),
    indicator(
        "projects.in_progress",
        "在研科技计划项目",
        "Plan projects in progress",
        "项",
        "projects",
        "当日在研的项目:已签订任务书,且尚未终止、结题,也未通过或未通过验收(需要复议的仍在研)。",
        running,
        parts=lambda period: category_field_parts(),
    ),
    indicator(
        "projects.accepted",
        "通过验收的科技计划项目",
        "Plan projects accepted",
        "项",
        "projects",
        "当年验收结论为“通过”的市级科技计划项目(以验收结论日期计),按类别与领域分列;"
        "重大(重点)项目按工业类、农业类分列。",
        accepted,
        as_of=AsOf.YEAR,
        parts=lambda period: category_field_parts(),
    ),
    indicator(
        "projects.acceptance_meeting_projects",
        "验收会验收项目",
        "Projects at acceptance meetings",
        "项",
        "projects",
        "当年(验收批次所属年度)各验收会各场次上验收的项目,按验收会、是否委托第三方机构、"
        "验收结论、是否重大(重点)项目及领域分列;明细为会上的项目。",
        meeting_projects,
        as_of=AsOf.YEAR,
        parts=meeting_parts,
        dimensions=[Dimension("session__meeting__code", "session__meeting__name")],
        name_field="application__name",
        url_field="application_id",
    ),
)
