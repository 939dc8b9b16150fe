"""Automatic assignment through the Django layer: records become the solver's indices and the
result becomes assignments — never a conflicted expert, never over capacity, existing
assignments kept, and every application not fully staffed explained."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from kechuang.audit.models import AuditEvent
from kechuang.core.models import Notification
from kechuang.projects.domain import assign
from kechuang.projects.domain.assignment import CAPACITY_TAKEN, TOO_FEW_ELIGIBLE
from kechuang.projects.enums import State
from kechuang.projects.models import Assignment
from tests.factories import OrganisationFactory
from tests.projects.factories import (
    ApplicationFactory,
    AssignmentFactory,
    ExpertFactory,
    ProjectWorld,
    put_in_state,
    tech_field,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    world = ProjectWorld(make_user)
    world.expert_record.fields.clear()  # out of the pool's field matches unless a test says
    return world


def in_review(world, n, field, **extra):
    apps = []
    for i in range(n):
        app = ApplicationFactory(
            call=world.call,
            undertaker=OrganisationFactory(name=f"自动分配测试企业{i}{field.code}"),
            tech_field=field,
            **extra,
        )
        apps.append(put_in_state(app, State.IN_REVIEW))
    return apps


def test_assigns_k_experts_by_best_match_within_capacity(world):
    world.call.reviewers_per_application = 2
    world.call.save()
    equipment, materials = (
        tech_field("equipment", "智能装备"),
        tech_field("new_materials", "新材料"),
    )
    software = tech_field("software", "软件")  # same code list, another area in production data
    apps = in_review(world, 3, equipment)
    full = [ExpertFactory(name=f"装备专家{i}", fields=[equipment], capacity=2) for i in range(3)]
    partial = ExpertFactory(name="材料专家", fields=[materials], capacity=3)
    ExpertFactory(name="软件专家", fields=[software], capacity=5)
    phase = world.call.phases.get()

    report = assign.auto_assign(phase, world.staff)

    assert not report.shortfalls
    assert len(report.created) == 6
    per_expert = {}
    for a in Assignment.objects.filter(phase=phase):
        per_expert[a.expert_id] = per_expert.get(a.expert_id, 0) + 1
    # The three full-match experts take all their places (6 = 3 × 2): the partial one is not
    # needed, and the expert of an unrelated field is never chosen.
    assert per_expert == {e.pk: 2 for e in full}
    assert partial.pk not in per_expert
    assert report.total_match == 12
    for app in apps:
        assert app.assignments.count() == 2


def test_never_a_conflicted_expert_and_explains_the_shortfall(world):
    field = tech_field()
    [app] = in_review(world, 1, field)
    ExpertFactory(name="同单位专家", fields=[field], organisation=app.undertaker)
    ExpertFactory(name="申报关联专家", fields=[field], declared_organisations=[app.undertaker])
    ExpertFactory(name="可用专家", fields=[field])
    phase = world.call.phases.get()

    report = assign.auto_assign(phase, world.staff)

    assert [a.expert.name for a in report.created] == ["可用专家"]
    [shortfall] = report.shortfalls
    assert shortfall.application == app
    assert shortfall.reason.code == TOO_FEW_ELIGIBLE
    assert (shortfall.needed, shortfall.assigned) == (3, 1)
    assert shortfall.reason.conflicted == 2
    assert "3" in shortfall.message and "2" in shortfall.message


def test_capacity_taken_by_other_applications(world):
    world.call.reviewers_per_application = 1
    world.call.save()
    field = tech_field()
    in_review(world, 3, field)
    ExpertFactory(name="唯一专家", fields=[field], capacity=2)
    report = assign.auto_assign(world.call.phases.get(), world.staff)
    assert len(report.created) == 2
    [shortfall] = report.shortfalls
    assert shortfall.reason.code == CAPACITY_TAKEN
    assert shortfall.reason.busy == 1


def test_existing_assignments_count_and_stay(world):
    field = tech_field()
    [app] = in_review(world, 1, field)
    phase = world.call.phases.get()
    kept = AssignmentFactory(phase=phase, application=app, expert=ExpertFactory(fields=[field]))
    declared = AssignmentFactory(
        phase=phase,
        application=app,
        expert=ExpertFactory(name="已声明回避", fields=[field]),
        declared_conflict=True,
    )
    others = [ExpertFactory(fields=[field]) for _ in range(3)]
    report = assign.auto_assign(phase, world.staff)
    assert len(report.created) == 2  # 3 reviewers: one kept, two new
    assert Assignment.objects.filter(pk=kept.pk).exists()
    chosen = {a.expert_id for a in report.created}
    assert declared.expert_id not in chosen
    assert chosen <= {e.pk for e in others}


def test_assignments_are_audited_and_experts_told(world):
    field = tech_field()
    in_review(world, 1, field)
    world.expert_record.fields.set([field])
    before = AuditEvent.objects.count()
    report = assign.auto_assign(world.call.phases.get(), world.staff)
    assert any(a.expert == world.expert_record for a in report.created)
    assert AuditEvent.objects.count() >= before + len(report.created)
    assert Notification.objects.filter(recipient=world.expert).exists()


@pytest.mark.parametrize("who", ["leader", "officer", "applicant", "expert"])
def test_only_staff_assign(world, who):
    with pytest.raises(PermissionDenied):
        assign.auto_assign(world.call.phases.get(), world.roles[who])


def test_manual_assignment_refuses_conflicts_and_capacity(world):
    field = tech_field()
    [app] = in_review(world, 1, field)
    phase = world.call.phases.get()
    conflicted = ExpertFactory(fields=[field], organisation=app.undertaker)
    with (
        translation.override("en"),
        pytest.raises(assign.AssignmentError, match="undertaking organisation"),
    ):
        assign.assign_manually(phase, app, conflicted, world.staff)
    full = ExpertFactory(fields=[field], capacity=0)
    with pytest.raises(assign.AssignmentError):
        assign.assign_manually(phase, app, full, world.staff)
    ok = ExpertFactory(fields=[field])
    assignment = assign.assign_manually(phase, app, ok, world.staff)
    assert assignment.match == 2
    with pytest.raises(assign.AssignmentError):
        assign.assign_manually(phase, app, ok, world.staff)


def test_candidates_explain_conflicts_without_a_query_per_expert(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    field = tech_field()
    [app] = in_review(world, 1, field)
    phase = world.call.phases.get()

    def queries():
        with CaptureQueriesContext(connection) as context:
            found = assign.candidates(phase, app)
        return len(context.captured_queries), found

    ExpertFactory(fields=[field], organisation=app.undertaker)
    before, _ = queries()
    for _ in range(5):
        ExpertFactory(fields=[field], declared_organisations=[app.undertaker])
    after, found = queries()
    assert after == before
    conflicted = [c for c in found if c.conflicts]
    assert len(conflicted) == 6
    assert all(not c.eligible for c in conflicted)
