"""The earthquake-prevention demo data: named places are real records and everything else is
marked as demo data, every record passes its model's validation, the flagged inspections are
the ones the rules flag, and loading again changes nothing (and keeps what people entered).

The published figures themselves are checked by tests/indicators/test_seed_facts.py.
"""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kechuang.audit.context import acting_as
from kechuang.audit.models import AuditEvent
from kechuang.registry.models import Town
from kechuang.seismic import demo as seismic_demo
from kechuang.seismic.enums import Finding, ProjectKind, TrainingKind
from kechuang.seismic.models import (
    RECORD_MODELS,
    Assessment,
    ConstructionProject,
    DemonstrationSite,
    Inspection,
    MonitoringStation,
    PlanDocument,
    RaisedFortification,
    Shelter,
    Training,
)
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db

NAME_FIELDS = {"BudgetLine": "item", "Training": "title", "HouseDesign": "title"}
NAME_FIELDS |= {"OutreachEvent": "title", "PlanDocument": "title"}
UNNAMED = {"TownZonation", "Inspection", "StationUpgrade", "Assessment"}


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in RECORD_MODELS}


def seismic_events() -> int:
    return AuditEvent.objects.filter(model__startswith="seismic.").count()


def test_synthetic_records_are_marked_and_the_articles_places_are_real(demo):
    for model in RECORD_MODELS:
        if model.__name__ in UNNAMED:
            continue
        name = NAME_FIELDS.get(model.__name__, "name")
        marked = {f"{name}__contains": seismic_demo.DEMO}
        assert not model.objects.filter(is_demo=True).exclude(**marked).exists(), model
        assert not model.objects.filter(is_demo=False, **marked).exists(), model
    assert not Inspection.objects.filter(project__is_demo=False).exists()

    real = {"is_demo": False}
    assert RaisedFortification.objects.filter(name="广陈新港花苑社区", **real).exists()
    assert Shelter.objects.filter(name__startswith="明湖公园", **real).exists()
    for place in ("明湖公园", "当湖街道梅兰苑社区", "广陈镇港中村"):
        assert DemonstrationSite.objects.filter(name__startswith=place, **real).exists()
    for station in ("平湖预警台", "乍浦地震台"):
        assert MonitoringStation.objects.filter(name=station, **real).exists()
    assert PlanDocument.objects.filter(title="平湖市城市抗震防灾专项规划", **real).exists()
    assert Assessment.objects.get(year=2020).result == "excellent"


def test_every_demo_record_passes_its_models_validation(demo):
    for model in RECORD_MODELS:
        for record in model.objects.all():
            record.full_clean()


def test_the_flagged_inspections_are_those_found_below_the_requirement(demo):
    year = Inspection.objects.in_year(2020).with_requirement()
    assert not year.filter(required_measures_intensity__isnull=True).exists()  # towns zoned

    flagged = list(Inspection.objects.in_year(2020).flagged())
    found_below = Inspection.objects.in_year(2020).filter(finding=Finding.BELOW_REQUIREMENT)
    assert {i.pk for i in flagged} == set(found_below.values_list("pk", flat=True))
    assert 0 < len(flagged) < 10  # a few
    assert all(i.rectification_required for i in flagged)
    closed = [i for i in flagged if i.rectified_on]
    assert 0 < len(closed) < len(flagged)
    assert {i.project.kind for i in flagged} >= {ProjectKind.SCHOOL, ProjectKind.HOSPITAL}

    # The rules in SQL and the pure module agree on every demo inspection.
    for inspection in Inspection.objects.with_requirement().select_related("project__town"):
        evaluation = inspection.evaluation()
        assert inspection.below_requirement == evaluation.below_requirement, inspection
        assert inspection.required_measures_intensity == evaluation.required_measures_intensity


def test_demo_designs_have_the_class_the_rules_require_except_the_deliberate_ones(demo):
    """Every demo design is of the required class and flagged only when it was found below the
    requirement (every year), where both its class (丙 for 乙) and its measures fall short."""
    inspections = Inspection.objects.with_requirement().filter(project__is_demo=True)
    flagged = {i.pk for i in inspections if i.below_requirement}
    found_below = set(
        inspections.filter(finding=Finding.BELOW_REQUIREMENT).values_list("pk", flat=True)
    )
    assert flagged == found_below
    for inspection in inspections.select_related("project__town"):
        if inspection.pk in flagged:
            assert (inspection.required_class, inspection.designed_class) == ("b", "c")
            assert inspection.evaluation().shortfalls == ("class", "measures")
        else:
            assert inspection.designed_class == inspection.required_class, inspection


def test_builder_trainings_are_one_session_per_town(demo):
    sessions = Training.objects.filter(kind=TrainingKind.RURAL_BUILDERS, held_on__year=2020)
    assert sorted(sessions.values_list("town_id", flat=True)) == sorted(
        Town.objects.filter(name__in=seismic_demo.TOWN_NAMES).values_list("pk", flat=True)
    )


def test_loading_again_changes_nothing_and_keeps_what_people_entered(demo):
    before = counts()
    events = seismic_events()
    town = Town.objects.get(name="当湖街道")
    entered = ConstructionProject.objects.create(
        name="当湖街道某小学风雨操场新建工程",
        owner_name="某小学",
        town=town,
        kind=ProjectKind.SCHOOL,
        started_on=dt.date(2021, 3, 1),
        start_year=2021,
    )
    events += 1  # its creation

    with acting_as(None, username="load_demo"), CaptureQueriesContext(connection) as queries:
        seismic_demo.load(io.StringIO())
    assert len(queries) < 100  # read and compare (about 60 queries), nothing written
    assert seismic_events() == events

    load_demo()  # the whole command again

    after = counts()
    after["ConstructionProject"] -= 1
    assert after == before
    assert ConstructionProject.objects.filter(pk=entered.pk).exists()
    assert seismic_events() == events
