"""factory-boy factories of the plan-project records, and a small world of two towns with a user
per role, shared by the plan-project tests.

The factories need no reference data beyond what they create (code-list items are got or
created by code). :class:`ProjectWorld` uses the shipped roles, so it needs ``reference_data``
(through the ``make_user`` fixture)::

    @pytest.fixture
    def world(make_user):
        return ProjectWorld(make_user)

:func:`put_in_state` moves an application to a state by writing it directly (with the fields
that state implies), for tests that start from a state without walking the workflow;
:func:`advance` walks the workflow itself (``workflow.perform``) to a state.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from kechuang.accounts.enums import RoleCode
from kechuang.core.enums import CodeList
from kechuang.projects import models
from kechuang.projects.enums import Category, Conclusion, Field, MidtermResult, State
from kechuang.registry.enums import OrganisationKind
from tests.factories import CodeItemFactory, OrganisationFactory, TownFactory


def code_item(code_list, code, name, **extra):
    return factory.SubFactory(CodeItemFactory, code_list=code_list, code=code, name=name, **extra)


def tech_field(code="equipment", name="智能装备"):
    """A technical-field item (got or created by code, under its broad area)."""
    area = CodeItemFactory(code_list=CodeList.TECH_FIELD, code="manufacturing", name="先进制造")
    return CodeItemFactory(code_list=CodeList.TECH_FIELD, code=code, name=name, parent=area)


# Calls -----------------------------------------------------------------------------------------


class CallFactory(factory.django.DjangoModelFactory):
    """An open call (opened a month ago, closing in a month) of the current year, with two
    weighted criteria and one review phase. ``CallFactory(children=False)`` makes it bare;
    ``CallFactory(form_fields=[("plan", "实施计划", True)])`` adds form fields (code, label,
    required)."""

    class Meta:
        model = models.Call
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"test-call-{n}")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    batch = 1
    name = factory.Sequence(lambda n: f"测试科技计划项目申报{n}")
    category = Category.KEY
    field = Field.INDUSTRY
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    guide = "申报指南：企业须为本市注册。"
    reviewers_per_application = 3

    @factory.post_generation
    def children(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        CriterionFactory(call=self, code="innovation", name="创新性", weight=Decimal("0.6"))
        CriterionFactory(call=self, code="feasibility", name="可行性", weight=Decimal("0.4"))
        ReviewPhaseFactory(call=self)

    @factory.post_generation
    def form_fields(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for sort, (code, label, required) in enumerate(extracted):
            FormFieldFactory(call=self, code=code, label=label, required=required, sort=sort)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Criterion

    call = factory.SubFactory(CallFactory, children=False)
    code = factory.Sequence(lambda n: f"criterion-{n}")
    name = factory.Sequence(lambda n: f"指标{n}")
    weight = Decimal("0.5")
    max_value = Decimal(100)


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FormField

    call = factory.SubFactory(CallFactory, children=False)
    code = factory.Sequence(lambda n: f"question-{n}")
    label = factory.Sequence(lambda n: f"问题{n}")
    required = False


class ReviewPhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ReviewPhase

    call = factory.SubFactory(CallFactory, children=False)
    name = "初评"
    show_others_reviews = False


# Applications ----------------------------------------------------------------------------------


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application of an enterprise to an open call."""

    class Meta:
        model = models.Application

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"测试项目{n}")
    undertaker = factory.SubFactory(OrganisationFactory)
    leader_name = "张工"
    leader_phone = "0573-85000000"
    starts_on = factory.LazyFunction(lambda: dt.date(timezone.localdate().year, 1, 1))
    ends_on = factory.LazyFunction(lambda: dt.date(timezone.localdate().year + 1, 12, 31))
    requested_funding = Decimal("50.00")
    self_funding = Decimal("150.00")
    content = "研制一种智能巡检机器人。"
    state = State.DRAFT


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ExtensionRequest

    application = factory.SubFactory(ApplicationFactory, state=State.IN_PROGRESS)
    requested_until = factory.LazyAttribute(
        lambda o: o.application.ends_on + dt.timedelta(days=180)
    )
    reason = "设备到货延迟。"


# Experts and review ----------------------------------------------------------------------------


class ExpertFactory(factory.django.DjangoModelFactory):
    """An available expert of a research organisation, in the 智能装备 field. Give ``user=`` to
    let them log in (see :meth:`ProjectWorld.expert_user`)."""

    class Meta:
        model = models.Expert
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"专家{n}")
    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=OrganisationKind.RESEARCH_ORG,
        name=factory.Sequence(lambda n: f"专家单位{n}"),
    )
    capacity = 10
    available = True

    @factory.post_generation
    def fields(self, create, extracted, **kwargs):
        if not create:
            return
        self.fields.set(extracted if extracted is not None else [tech_field()])

    @factory.post_generation
    def declared_organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.declared_organisations.set(extracted)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Assignment

    application = factory.SubFactory(ApplicationFactory, state=State.IN_REVIEW)
    phase = factory.LazyAttribute(
        lambda o: o.application.call.phases.first() or ReviewPhaseFactory(call=o.application.call)
    )
    expert = factory.SubFactory(ExpertFactory)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Review

    assignment = factory.SubFactory(AssignmentFactory)
    opinion = "创新性较强。"


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Score

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.LazyAttribute(
        lambda o: o.review.assignment.application.call.criteria.first()
    )
    value = Decimal(80)


# States ----------------------------------------------------------------------------------------


# The fields each state implies (beyond the state), relative to today.
def _state_fields(state: str, today: dt.date) -> dict:
    approved = {
        "approved_on": today - dt.timedelta(days=40),
        "approved_funding": Decimal("40.00"),
    }
    published = {**approved, "publicity_until": today - dt.timedelta(days=30)}
    signed = {
        **published,
        "contract_number": "RW-TEST-001",
        "contract_signed_on": today - dt.timedelta(days=20),
    }
    submitted = {"submitted_at": timezone.now() - dt.timedelta(days=50)}
    fields = {
        State.DRAFT: {},
        State.SUBMITTED: submitted,
        State.RETURNED: submitted,
        State.CHECK_REJECTED: submitted,
        State.CHECKED: submitted,
        State.NOT_RECOMMENDED: submitted,
        State.RECOMMENDED: submitted,
        State.IN_REVIEW: submitted,
        State.NOT_APPROVED: submitted,
        State.APPROVED: {**submitted, **approved},
        State.PUBLICITY: {**submitted, **published},
        State.IN_PROGRESS: {**submitted, **signed},
        State.RECTIFYING: {
            **submitted,
            **signed,
            "midterm_result": MidtermResult.RECTIFY,
            "midterm_on": today - dt.timedelta(days=5),
        },
        State.MIDTERM_PASSED: {
            **submitted,
            **signed,
            "midterm_result": MidtermResult.PASS,
            "midterm_on": today - dt.timedelta(days=5),
        },
        State.ACCEPTANCE_APPLIED: {**submitted, **signed},
        State.ACCEPTED: {
            **submitted,
            **signed,
            "conclusion": Conclusion.PASS,
            "concluded_on": today - dt.timedelta(days=1),
        },
        State.RECONSIDER: {
            **submitted,
            **signed,
            "conclusion": Conclusion.RECONSIDER,
            "concluded_on": today - dt.timedelta(days=1),
        },
        State.ACCEPTANCE_FAILED: {
            **submitted,
            **signed,
            "conclusion": Conclusion.FAIL,
            "concluded_on": today - dt.timedelta(days=1),
        },
        State.CLOSED: {**submitted, **signed, "closed_on": today},
        State.TERMINATED: {**submitted, "terminated_on": today},
    }
    return fields[state]


def put_in_state(application: models.Application, state: str, **fields) -> models.Application:
    """Write ``state`` (and the fields it implies, ``fields`` overriding them) straight to the
    database, without the workflow or an audit event; returns the application reloaded."""
    values = {"state": state, **_state_fields(state, timezone.localdate()), **fields}
    if state != State.DRAFT and not application.number:
        values.setdefault("number", f"T-{application.pk:06d}")
    models.Application.objects.filter(pk=application.pk).update(**values)
    application.refresh_from_db()
    return application


# The workflow's main road: the steps, in order, from a draft to each state.
ROAD = {
    State.SUBMITTED: ["submit"],
    State.CHECKED: ["submit", "check_pass"],
    State.RECOMMENDED: ["submit", "check_pass", "recommend"],
    State.IN_REVIEW: ["submit", "check_pass", "recommend", "start_review"],
    State.APPROVED: ["submit", "check_pass", "recommend", "start_review", "approve"],
    State.PUBLICITY: ["submit", "check_pass", "recommend", "start_review", "approve", "publicise"],
    State.IN_PROGRESS: [
        "submit",
        "check_pass",
        "recommend",
        "start_review",
        "approve",
        "publicise",
        "sign_contract",
    ],
}


def advance(application, state: str, *, applicant, staff, approved_funding="40"):
    """Walk ``application`` from a draft to ``state`` through ``workflow.perform``: the
    applicant submits, staff take the other steps (approval and publicity dated 40 days ago, so
    the publicity is over for the contract). Returns the application."""
    from kechuang.projects.domain import workflow

    past = timezone.localdate() - dt.timedelta(days=40)
    for step in ROAD[state]:
        actor = applicant if step == "submit" else staff
        kwargs = {}
        if step == "approve":
            kwargs = {"approved_funding": approved_funding, "on": past}
        elif step == "publicise":
            kwargs = {"on": past}
        elif step == "sign_contract":
            kwargs = {"contract_number": "RW-2020-001"}
        workflow.perform(application, step, actor, **kwargs)
    return application


# A small world ---------------------------------------------------------------------------------


class ProjectWorld:
    """Two towns (east and west), each with an enterprise; an open call (two criteria, a review
    phase) and a draft application of the east enterprise, cooperating with a research
    organisation. Users of the shipped roles: ``staff``, ``leader``, ``officer`` (east town),
    ``other_officer`` (west town), ``applicant`` (the east enterprise's user),
    ``other_applicant`` (the west enterprise's user) and ``expert`` (an expert's login, with
    its :class:`Expert` record as ``expert_record``)."""

    def __init__(self, make_user):
        self.east, self.west = TownFactory(name="东项目镇"), TownFactory(name="西项目镇")
        self.enterprise = OrganisationFactory(name="东项目测试企业有限公司", town=self.east)
        self.other_enterprise = OrganisationFactory(name="西项目测试企业有限公司", town=self.west)
        self.partner = OrganisationFactory(
            kind=OrganisationKind.RESEARCH_ORG, name="合作测试研究院", town=self.west
        )
        self.staff = make_user(RoleCode.STAFF)
        self.leader = make_user(RoleCode.LEADER)
        self.officer = make_user(RoleCode.TOWN_OFFICER, department=self.east.office)
        self.other_officer = make_user(RoleCode.TOWN_OFFICER, department=self.west.office)
        self.applicant = make_user(RoleCode.ORGANISATION, organisation=self.enterprise)
        self.other_applicant = make_user(RoleCode.ORGANISATION, organisation=self.other_enterprise)
        self.expert = make_user(RoleCode.EXPERT)
        self.expert_record = ExpertFactory(name="测试专家", user=self.expert)
        self.call = CallFactory(name="测试年度重点项目")
        self.application = ApplicationFactory(
            call=self.call,
            undertaker=self.enterprise,
            name="一种智能巡检机器人",
            created_by=self.applicant,
        )
        self.application.cooperators.set([self.partner])

    @property
    def roles(self) -> dict:
        """Every role of the world, by name."""
        return {
            "leader": self.leader,
            "staff": self.staff,
            "officer": self.officer,
            "other_officer": self.other_officer,
            "applicant": self.applicant,
            "other_applicant": self.other_applicant,
            "expert": self.expert,
        }

    def application_in(self, state: str, **fields) -> models.Application:
        """A new application of the east enterprise to the world's call, put in ``state``."""
        application = ApplicationFactory(
            call=self.call, undertaker=self.enterprise, created_by=self.applicant
        )
        return put_in_state(application, state, **fields)
