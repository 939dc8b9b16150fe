"""factory-boy factories of the services records. They need no reference data: code-list items
are got or created by their stable codes (with the names the reference data gives them)."""

import datetime as dt

import factory

from kechuang.core.enums import CodeList
from kechuang.services import models
from kechuang.services.enums import (
    ActivityKind,
    CheckResult,
    CommissionerKind,
    Criterion,
    HostKind,
    IssueCategory,
    LeaderKind,
    MemberRole,
    PolicyDomain,
    VersionState,
)
from kechuang.services.reference import ACTIVITY_KINDS, CRITERIA, ISSUE_CATEGORIES
from tests.factories import CodeItemFactory, OrganisationFactory, TownFactory

_NAMES = {
    CodeList.SERVICE_ACTIVITY_KIND: {code: name for code, name, _en in ACTIVITY_KINDS},
    CodeList.INSTITUTION_CRITERION: {code: name for code, name, _en in CRITERIA},
    CodeList.VISIT_ISSUE_CATEGORY: {code: name for code, name, _en in ISSUE_CATEGORIES},
}


def item(code_list: str, code: str):
    """The code-list item of that code (created if the list does not have it)."""
    return CodeItemFactory(
        code_list=code_list, code=code, name=_NAMES.get(code_list, {}).get(code, code)
    )


def code_item(code_list, code):
    return factory.LazyFunction(lambda: item(code_list, code))


class CommissionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Commissioner

    kind = CommissionerKind.INDIVIDUAL
    name = factory.Sequence(lambda n: f"特派员{n}")
    employer_name = "浙江大学"
    expertise = "设施农业"
    year = 2020
    appointed_on = dt.date(2020, 3, 1)
    dispatched_by = "浙江省科学技术厅"


class TeamFactory(CommissionerFactory):
    kind = CommissionerKind.TEAM
    name = factory.Sequence(lambda n: f"特派员团队{n}")


class CommissionerMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CommissionerMember

    commissioner = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"团队成员{n}")
    role = MemberRole.MEMBER


class ServiceAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceAssignment

    commissioner = factory.SubFactory(CommissionerFactory)
    town = factory.SubFactory(TownFactory)
    village = "港中村"
    started_on = dt.date(2020, 3, 1)
    ended_on = dt.date(2021, 2, 28)
    tasks = "指导果蔬种植技术"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Activity

    commissioner = factory.SubFactory(CommissionerFactory)
    held_on = dt.date(2020, 6, 1)
    kind = code_item(CodeList.SERVICE_ACTIVITY_KIND, ActivityKind.TECHNICAL_TRAINING)
    place = "村文化礼堂"
    town = factory.SubFactory(TownFactory)
    trainees = 30
    materials = 20
    summary = "讲授设施栽培技术"


class TrainingInstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TrainingInstitution

    name = factory.Sequence(lambda n: f"测试科技培训学校{n}")
    operator = "测试教育科技有限公司"
    address = "平湖市当湖街道测试路1号"
    town = factory.SubFactory(TownFactory)
    courses = "机器人编程、科学实验"


class InstitutionContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InstitutionContact

    institution = factory.SubFactory(TrainingInstitutionFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    role = "校长"
    phone = "0573-85000000"


class InstitutionVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InstitutionVisit

    institution = factory.SubFactory(TrainingInstitutionFactory)
    visited_on = dt.date(2021, 5, 10)
    visitors = "张三, 李四"
    findings = "消防通道堆放杂物"


class InstitutionCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InstitutionCheck

    institution = factory.SubFactory(TrainingInstitutionFactory)
    criterion = code_item(CodeList.INSTITUTION_CRITERION, Criterion.SITE_SAFETY)
    result = CheckResult.MET
    checked_on = dt.date(2021, 5, 10)


class FieldVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FieldVisit

    visited_on = dt.date(2020, 4, 15)
    leader_name = "局长"
    leader_kind = LeaderKind.INTERNAL
    host_kind = HostKind.ENTERPRISE
    host_organisation = factory.SubFactory(OrganisationFactory)
    town = factory.SelfAttribute("host_organisation.town")
    purpose = "三服务走访"


class VisitIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.VisitIssue

    visit = factory.SubFactory(FieldVisitFactory)
    description = "企业反映研发人才招引困难"
    category = code_item(CodeList.VISIT_ISSUE_CATEGORY, IssueCategory.TALENT)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FollowUp

    issue = factory.SubFactory(VisitIssueFactory)
    action = "对接人才政策"
    owner_body = "综合计划科"
    due_on = dt.date(2020, 5, 15)


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Policy

    title = factory.Sequence(lambda n: f"测试科技金融政策{n}")
    domain = PolicyDomain.SCIENCE_FINANCE
    issuer = "平湖市科学技术局"


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PolicyVersion

    policy = factory.SubFactory(PolicyFactory)
    number = 1
    title = factory.SelfAttribute("policy.title")
    text = "第一条 为加快科技金融发展……"
    state = VersionState.DRAFT


class ConsultationOpinionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ConsultationOpinion

    policy_version = factory.SubFactory(PolicyVersionFactory, state=VersionState.CONSULTATION)
    body = factory.Sequence(lambda n: f"测试单位{n}")
    requested_on = dt.date(2021, 3, 1)
