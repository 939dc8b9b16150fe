"""Indicators of the services area: tech commissioners serving in a year and what their logs
record (sessions, trainees, materials handed out), training institutions by admission status,
field visits, follow-ups open and overdue, and policies in force.

Each is computed from records at query time (see kechuang/indicators/engine.py).

The published figure “开展政策宣传、技术培训65场,受训人员3255名,发放各类资料2130余份” (seed 003)
counts the sessions of the two kinds it names: the activity indicators count every entry of the
year and break it down by kind, and their breakdown ``outreach_training`` (政策宣传 + 技术培训)
is the published figure. Entries of other kinds (现场指导, 技术咨询 …) are in the value, not in
that breakdown.
"""

import datetime as dt

from django.db.models import CharField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf
from django.utils.translation import gettext_lazy as _

from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.indicators.engine import AsOf, Dimension, Indicator, Measure, Part, of_area, register

from .enums import (
    ActivityKind,
    AdmissionStatus,
    CommissionerKind,
    HostKind,
    InstitutionStatus,
    LeaderKind,
    PolicyDomain,
)
from .models import (
    Activity,
    Commissioner,
    FieldVisit,
    FollowUp,
    Policy,
    PolicyVersion,
    TrainingInstitution,
)

AREA = "services"
OUTREACH_TRAINING = (ActivityKind.POLICY_OUTREACH, ActivityKind.TECHNICAL_TRAINING)
BY_TOWN = Dimension("town__code", "town__name")


indicator = of_area(AREA)


def _label(*parts) -> Concat:
    """A drilled record's name made of several fields (dates as ISO text)."""
    return Concat(*parts, output_field=CharField())


def _iso(field: str) -> Cast:
    return Cast(field, output_field=CharField())


# Tech commissioners ----------------------------------------------------------------------------


def commissioners_active(period):
    """Commissioners with an assignment overlapping the year."""
    return Commissioner.objects.active_in(period.year)


def commissioner_parts(period=None) -> list[Part]:
    return [Part(kind.value, kind.label, Q(kind=kind.value)) for kind in CommissionerKind]


def activities(period):
    """The year's activity log entries, each named by its date, commissioner and kind."""
    return Activity.objects.in_year(period.year).annotate(
        label=_label(
            _iso("held_on"), Value(" "), F("commissioner__name"), Value(" · "), F("kind__name")
        )
    )


def activity_parts(period=None) -> list[Part]:
    """One part per kind of the code list, and the published pair 政策宣传 + 技术培训."""
    kinds = CodeItem.objects.filter(code_list=CodeList.SERVICE_ACTIVITY_KIND).order_by("sort")
    parts = [Part(item.code, item, Q(kind__code=item.code)) for item in kinds]
    parts.append(
        Part(
            "outreach_training",
            _("Policy outreach and technical training"),
            Q(kind__code__in=OUTREACH_TRAINING),
        )
    )
    return parts


def activity_indicator(id, name, name_en, unit, unit_en, definition, **options) -> Indicator:
    return indicator(
        id,
        name,
        name_en,
        unit,
        unit_en,
        definition,
        activities,
        as_of=AsOf.YEAR,
        parts=activity_parts,
        dimensions=[BY_TOWN],
        name_field="label",
        url_name="services:activity-detail",
        **options,
    )


# Training institutions -------------------------------------------------------------------------


def institutions(period):
    """Institutions not closed, with their admission status (from their checks as they are
    now: a check records the latest result only, so the status is today's, whatever the date)."""
    return TrainingInstitution.objects.with_admission().exclude(status=InstitutionStatus.CLOSED)


def institution_parts(period=None) -> list[Part]:
    return [
        *[Part(s.value, s.label, Q(admission_status=s.value)) for s in AdmissionStatus],
        *[
            Part(f"status_{s.value}", s.label, Q(status=s.value))
            for s in InstitutionStatus
            if s != InstitutionStatus.CLOSED
        ],
    ]


# Field visits and follow-ups -------------------------------------------------------------------


def field_visits(period):
    host = Coalesce(NullIf(F("host_name"), Value("")), F("host_organisation__name"))
    return FieldVisit.objects.filter(visited_on__year=period.year).annotate(
        label=_label(_iso("visited_on"), Value(" "), host)
    )


def field_visit_parts(period=None) -> list[Part]:
    return [
        *[Part(k.value, k.label, Q(leader_kind=k.value)) for k in LeaderKind],
        *[Part(f"host_{k.value}", k.label, Q(host_kind=k.value)) for k in HostKind],
    ]


def open_on(day: dt.date):
    """Follow-ups of visits made by the day and not closed by then."""
    return FollowUp.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day), issue__visit__visited_on__lte=day
    )


def overdue_on(day: dt.date):
    """Follow-ups open on the day and due before it (on today's date: the home page's list,
    ``domain.visits.overdue_follow_ups``)."""
    return open_on(day).filter(due_on__lt=day)


def follow_up_parts(period=None) -> list[Part]:
    items = CodeItem.objects.filter(code_list=CodeList.VISIT_ISSUE_CATEGORY).order_by("sort")
    return [Part(item.code, item, Q(issue__category__code=item.code)) for item in items]


FOLLOW_UP_OPTIONS = {
    "parts": follow_up_parts,
    "dimensions": [Dimension("issue__visit__town__code", "issue__visit__town__name")],
    "name_field": "action",
    "url_name": "services:followup-detail",
}


# Policies --------------------------------------------------------------------------------------


def policies_in_force(period):
    """Policies with a version in force on the date."""
    in_force = PolicyVersion.objects.in_force(period.as_of).filter(policy=OuterRef("pk"))
    return Policy.objects.filter(Exists(in_force))


def policy_parts(period=None) -> list[Part]:
    return [Part(d.value, d.label, Q(domain=d.value)) for d in PolicyDomain]


register(
    indicator(
        "services.commissioners_active",
        "在岗科技特派员",
        "Tech commissioners serving",
        "名",
        "commissioners",
        "当年有服务期(派驻)与之重叠的科技特派员(个人、团队、法人各计一名),按类型分列。",
        commissioners_active,
        as_of=AsOf.YEAR,
        parts=commissioner_parts,
        url_name="services:commissioner-detail",
    ),
    activity_indicator(
        "services.activities",
        "科技特派员服务活动",
        "Tech commissioner activities",
        "场",
        "sessions",
        "当年科技特派员服务日志的条目(以活动日期计),按活动类型与镇街道分列;"
        "“政策宣传、技术培训”(outreach_training)为这两类活动之和,即公开发布的场次。",
    ),
    activity_indicator(
        "services.activity_trainees",
        "科技特派员活动受训人员",
        "Trainees of tech commissioner activities",
        "名",
        "trainees",
        "当年科技特派员服务活动记录的受训人数之和,按活动类型与镇街道分列;"
        "outreach_training 为政策宣传、技术培训两类活动的受训人数。",
        measure=Measure.SUM,
        amount="trainees",
        decimals=0,
    ),
    activity_indicator(
        "services.activity_materials",
        "科技特派员发放资料",
        "Materials handed out by tech commissioners",
        "份",
        "copies",
        "当年科技特派员服务活动发放的各类资料份数之和,按活动类型与镇街道分列;"
        "outreach_training 为政策宣传、技术培训两类活动发放的资料。",
        measure=Measure.SUM,
        amount="materials",
        decimals=0,
    ),
    indicator(
        "services.training_institutions",
        "科技类校外培训机构",
        "Science and technology training institutions",
        "家",
        "institutions",
        "在册(未停办)的科技类校外培训机构,按准入状态(按现行准入清单的检查结果计算:"
        "任一项不符合为未准入,尚有未检查项为待核查,其余为准入)与经营状态分列。"
        "检查结果只保存最新一次,故准入状态为当前状态。",
        institutions,
        parts=institution_parts,
        dimensions=[BY_TOWN],
        url_name="services:traininginstitution-detail",
    ),
    indicator(
        "services.field_visits",
        "走访调研",
        "Field visits",
        "次",
        "visits",
        "当年的走访调研(三服务)次数,按带队领导类别与走访对象类型分列。",
        field_visits,
        as_of=AsOf.YEAR,
        parts=field_visit_parts,
        dimensions=[BY_TOWN],
        name_field="label",
        url_name="services:fieldvisit-detail",
    ),
    indicator(
        "services.follow_ups_open",
        "未办结跟进事项",
        "Open follow-ups",
        "项",
        "follow-ups",
        "截至当日走访调研中企业反映问题的跟进事项尚未办结的,按问题类别与镇街道分列。",
        lambda period: open_on(period.as_of),
        **FOLLOW_UP_OPTIONS,
    ),
    indicator(
        "services.follow_ups_overdue",
        "逾期未办结跟进事项",
        "Overdue follow-ups",
        "项",
        "follow-ups",
        "截至当日尚未办结且已过办结期限(期限早于当日)的跟进事项,按问题类别与镇街道分列。",
        lambda period: overdue_on(period.as_of),
        **FOLLOW_UP_OPTIONS,
    ),
    indicator(
        "services.policies_in_force",
        "有效政策",
        "Policies in force",
        "项",
        "policies",
        "当日有版本生效(已发布且在有效期内)的政策文件,按政策领域分列。",
        policies_in_force,
        parts=policy_parts,
        name_field="title",
        url_name="services:policy-detail",
    ),
)
