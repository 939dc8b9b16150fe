"""Recording an inspection and closing its rectification: permissions, scope, the finding
derived from the rules, one audited and atomic write, refusals with clear messages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.seismic.domain.records import (
    RectificationError,
    close_rectification,
    record_inspection,
)
from kechuang.seismic.enums import Finding
from kechuang.seismic.models import Inspection

from .factories import ConstructionProjectFactory, InspectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (the msgids), whatever the site's language."""
    with translation.override("en"):
        yield


DESIGN = {
    "inspected_on": dt.date(2020, 6, 1),
    "inspectors": "张三, 李四",
    "designed_class": "b",
}


@pytest.fixture
def town(reference_data):
    return reference_data.town("当湖街道")  # 0.05g: site intensity 6


@pytest.fixture
def school(town):
    return ConstructionProjectFactory(town=town, kind="school", building_use="teaching")


def events(obj, action):
    return AuditEvent.objects.filter(
        model=obj._meta.label_lower, object_id=str(obj.pk), action=action
    )


def test_a_design_below_the_requirement_is_found_and_flagged(make_user, school):
    officer = make_user("town_officer", department=school.town.office)
    inspection = record_inspection(school, officer, designed_measures_intensity=6, **DESIGN)
    assert inspection.finding == Finding.BELOW_REQUIREMENT
    assert inspection.rectification_required
    assert inspection.created_by == officer
    assert list(Inspection.objects.flagged()) == [inspection]
    created = events(inspection, AuditAction.CREATE).get()
    assert created.actor_id == officer.pk


def test_a_design_meeting_the_requirement_is_compliant(make_user, school):
    staff = make_user("staff")
    inspection = record_inspection(school, staff, designed_measures_intensity=7, **DESIGN)
    assert inspection.finding == Finding.COMPLIANT
    assert not inspection.rectification_required
    assert not Inspection.objects.flagged().exists()


def test_a_design_of_a_lower_class_is_found_below_even_with_its_measures_met(make_user, school):
    """A teaching building designed as 丙 where 乙 is required: below the requirement although
    its measures (8 degrees where 7 are required) are enough."""
    staff = make_user("staff")
    inspection = record_inspection(
        school, staff, designed_measures_intensity=8, **(DESIGN | {"designed_class": "c"})
    )
    assert inspection.finding == Finding.BELOW_REQUIREMENT
    assert inspection.rectification_required
    assert list(Inspection.objects.flagged()) == [inspection]
    assert inspection.evaluation().shortfalls == ("class",)


def test_a_stated_finding_is_kept_and_the_flag_still_computed(make_user, school):
    staff = make_user("staff")
    inspection = record_inspection(
        school, staff, designed_measures_intensity=6, finding=Finding.OTHER, **DESIGN
    )
    assert inspection.finding == Finding.OTHER
    assert not inspection.rectification_required
    assert list(Inspection.objects.flagged()) == [inspection]


def test_recording_needs_the_permission_and_the_project_in_scope(make_user, reference_data, school):
    other_officer = make_user("town_officer", department=reference_data.town("乍浦镇").office)
    organisation_user = make_user("organisation")
    for user in (other_officer, organisation_user):
        with pytest.raises(PermissionDenied):
            record_inspection(school, user, designed_measures_intensity=7, **DESIGN)
    assert not Inspection.objects.exists()


def test_invalid_values_are_refused_and_nothing_is_written(make_user, school):
    staff = make_user("staff")
    with pytest.raises(ValidationError) as error:
        record_inspection(
            school,
            staff,
            designed_measures_intensity=7,
            rectification_required=False,
            rectification_due=dt.date(2020, 7, 1),
            **DESIGN,
        )
    assert "rectification_due" in error.value.message_dict
    assert not Inspection.objects.exists()


@pytest.fixture
def required(school):
    return InspectionFactory(
        project=school,
        designed_measures_intensity=6,
        finding=Finding.BELOW_REQUIREMENT,
        rectification_required=True,
        rectification_due=dt.date(2020, 9, 1),
    )


def test_closing_a_rectification(make_user, required):
    officer = make_user("town_officer", department=required.project.town.office)
    closed = close_rectification(
        required, dt.date(2020, 8, 20), " 已加固 ", officer, expected_version=required.version
    )
    required.refresh_from_db()
    assert (required.rectified_on, required.closure_note) == (dt.date(2020, 8, 20), "已加固")
    assert required.version == closed.version == 2
    update = events(required, AuditAction.UPDATE).get()
    assert update.changes["rectified_on"] == [None, "2020-08-20"]
    assert update.actor_id == officer.pk
    assert Inspection.objects.open_rectifications().count() == 0


def test_closing_twice_or_without_a_requirement_is_refused(make_user, required):
    staff = make_user("staff")
    close_rectification(required, dt.date(2020, 8, 20), "", staff)
    with pytest.raises(RectificationError, match="closed already, on 2020-08-20"):
        close_rectification(required, dt.date(2020, 8, 21), "", staff)
    none_required = InspectionFactory(project=required.project)
    with pytest.raises(RectificationError, match="required no rectification"):
        close_rectification(none_required, dt.date(2020, 8, 21), "", staff)


def test_closing_with_bad_dates_or_a_stale_version_is_refused(make_user, required):
    staff = make_user("staff")
    with pytest.raises(RectificationError, match="before the inspection"):
        close_rectification(required, dt.date(2020, 5, 1), "", staff)
    with pytest.raises(RectificationError, match="in the future"):
        close_rectification(required, dt.date.today() + dt.timedelta(days=1), "", staff)
    Inspection.objects.filter(pk=required.pk).update(version=5)
    with pytest.raises(ConcurrentEditError):
        close_rectification(required, dt.date(2020, 8, 1), "", staff, expected_version=1)
    required.refresh_from_db()
    assert required.rectified_on is None
    assert not events(required, AuditAction.UPDATE).exists()


def test_closing_another_towns_rectification_is_denied(make_user, reference_data, required):
    other_officer = make_user("town_officer", department=reference_data.town("乍浦镇").office)
    with pytest.raises(PermissionDenied):
        close_rectification(required, dt.date(2020, 8, 1), "", other_officer)
    organisation_user = make_user("organisation")
    with pytest.raises(PermissionDenied):
        close_rectification(required, dt.date(2020, 8, 1), "", organisation_user)
