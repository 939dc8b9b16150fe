"""Versioned edits of the platform records: the stored version is compared with the one an
edit started from *before* anything is written (the API answers 409, a form says so), also for
the records entered on a parent's page (tenants, incubator talents, signed projects, project
stages, R&D institution events), which carry a version like the others."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.models import TrackedModel
from kechuang.platforms.enums import TenancyEnd
from kechuang.platforms.models import (
    IncubatorTalent,
    MajorProjectStage,
    RDInstitutionEvent,
    SignedProject,
    Tenancy,
)
from kechuang.platforms.record_types import TenancyType
from kechuang.registry.api import stale_version_message

from .factories import (
    IncubatorTalentFactory,
    MajorProjectStageFactory,
    SignedProjectFactory,
    World,
)

pytestmark = pytest.mark.django_db

VERSIONED_CHILDREN = [
    Tenancy,
    IncubatorTalent,
    SignedProject,
    MajorProjectStage,
    RDInstitutionEvent,
]


@pytest.fixture
def w(make_user):
    return World(make_user)


def patch(client, url, data, **extra):
    return client.patch(url, data, content_type="application/json", **extra)


@pytest.mark.parametrize("model", VERSIONED_CHILDREN, ids=lambda m: m.__name__)
def test_records_entered_on_a_parents_page_carry_a_version(model):
    assert issubclass(model, TrackedModel)
    assert model._meta.get_field("version").default == 1


def test_an_update_naming_a_stale_version_answers_409_and_writes_nothing(client, w):
    tenancy = w.ours["tenancy"]
    url = f"/api/v1/tenancies/{tenancy.pk}/"
    client.force_login(w.staff)

    missing = patch(client, url, {"exited_on": "2024-06-30"})
    first = patch(
        client,
        url,
        {"exited_on": "2024-06-30", "exit_reason": TenancyEnd.GRADUATED, "version": 1},
    )
    stale = patch(
        client, url, {"entered_on": "2020-01-01", "version": 1}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert (missing.status_code, first.status_code, stale.status_code) == (400, 200, 409)
    assert "version" in missing.json()
    assert first.json()["version"] == 2
    with translation.override("en"):
        expected = stale_version_message(ConcurrentEditError(current=2, expected=1))
    assert stale.json() == {"detail": expected}
    assert "version 2" in expected and "version 1" in expected
    tenancy.refresh_from_db()
    assert (tenancy.entered_on, tenancy.exited_on, tenancy.version) == (
        dt.date(2021, 1, 1),
        dt.date(2024, 6, 30),
        2,
    )


def test_a_request_that_loaded_the_row_before_another_edit_committed_gets_409(
    client, w, monkeypatch
):
    """Request B reads the row (version 1); A's edit commits (version 2); B then updates with
    the version it read. The check must compare the stored version before B writes anything
    (saving first would store B's version 1 and then find it unchanged)."""
    tenancy = w.ours["tenancy"]
    url = f"/api/v1/tenancies/{tenancy.pk}/"
    client.force_login(w.staff)
    loaded_by_b = Tenancy.objects.get(pk=tenancy.pk)

    a = patch(
        client,
        url,
        {"exited_on": "2024-06-30", "exit_reason": TenancyEnd.GRADUATED, "version": 1},
    )
    monkeypatch.setattr(TenancyType.instance.ViewSet, "get_object", lambda view: loaded_by_b)
    b = patch(client, url, {"entered_on": "2020-01-01", "version": 1})
    # Naming the current version does not help a request holding the row as it was before.
    b_current = patch(client, url, {"entered_on": "2020-01-01", "version": 2})

    assert (a.status_code, b.status_code, b_current.status_code) == (200, 409, 409)
    tenancy.refresh_from_db()
    assert (tenancy.entered_on, tenancy.exited_on, tenancy.exit_reason, tenancy.version) == (
        dt.date(2021, 1, 1),
        dt.date(2024, 6, 30),
        TenancyEnd.GRADUATED,
        2,
    )


@pytest.mark.parametrize(
    ("kind", "path", "change"),
    [
        ("incubatortalent", "incubator-talents", {"name": "改名人才"}),
        ("signedproject", "signed-projects", {"investor": "某投资方"}),
        ("majorprojectstage", "major-project-stages", {"name": "改名阶段"}),
    ],
)
def test_api_edits_of_the_other_children_are_versioned(client, w, kind, path, change):
    record = {
        "incubatortalent": lambda: IncubatorTalentFactory(incubator=w.ours["incubator"]),
        "signedproject": lambda: SignedProjectFactory(event=w.event),
        "majorprojectstage": lambda: MajorProjectStageFactory(project=w.ours["major"]),
    }[kind]()
    url = f"/api/v1/{path}/{record.pk}/"
    client.force_login(w.staff)

    first = patch(client, url, {**change, "version": 1})
    stale = patch(client, url, {**change, "version": 1})

    assert (first.status_code, stale.status_code) == (200, 409), first.json()
    record.refresh_from_db()
    assert record.version == 2


def test_a_record_created_through_the_api_records_its_creator(client, w):
    client.force_login(w.staff)

    response = client.post(
        "/api/v1/tenancies/",
        {
            "incubator": w.ours["incubator"].pk,
            "enterprise": w.theirs["enterprise"].pk,
            "entered_on": "2024-01-01",
            "version": 7,
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    created = Tenancy.objects.get(pk=response.json()["id"])
    assert (created.created_by, created.version, created.is_demo) == (w.staff, 1, False)


# Forms ---------------------------------------------------------------------------------------


def child_forms(w):
    """(edit address, form values, record) of a record of each kind entered on its parent's
    page."""
    tenancy = w.ours["tenancy"]
    talent = IncubatorTalentFactory(incubator=w.ours["incubator"])
    project = SignedProjectFactory(event=w.event)
    stage = MajorProjectStageFactory(project=w.ours["major"])
    return {
        "tenancy": (
            reverse("platforms:tenancy-edit", args=[tenancy.incubator_id, tenancy.pk]),
            {
                "enterprise": tenancy.enterprise.uscc,
                "entered_on": "2021-01-01",
                "exited_on": "2024-06-30",
                "exit_reason": TenancyEnd.GRADUATED,
            },
            tenancy,
        ),
        "incubatortalent": (
            reverse("platforms:incubatortalent-edit", args=[talent.incubator_id, talent.pk]),
            {"name": "改名人才", "introduced_on": "2022-04-01"},
            talent,
        ),
        "signedproject": (
            reverse("platforms:signedproject-edit", args=[project.event_id, project.pk]),
            {
                "name": "改名项目",
                "field": project.field_id,
                "origin": project.origin_id,
                "investment": "6000",
            },
            project,
        ),
        "majorprojectstage": (
            reverse("platforms:majorprojectstage-edit", args=[stage.project_id, stage.pk]),
            {"name": "改名阶段", "planned_on": "2024-01-01"},
            stage,
        ),
    }


@pytest.mark.parametrize(
    "kind", ["tenancy", "incubatortalent", "signedproject", "majorprojectstage"]
)
def test_form_edits_of_records_on_a_parents_page_carry_their_version(client, w, kind):
    url, values, record = child_forms(w)[kind]
    client.force_login(w.staff)

    shown = client.get(url).content.decode()
    first = client.post(url, {**values, "version": 1})
    second = client.post(url, {**values, "version": 1})

    assert 'name="version"' in shown and 'value="1"' in shown
    assert first.status_code == 302
    assert second.status_code == 200
    assert str(ConcurrentEditError.message) in second.content.decode()
    record.refresh_from_db()
    assert record.version == 2


def test_a_form_edit_without_its_version_is_refused(client, w):
    url, values, record = child_forms(w)["tenancy"]
    client.force_login(w.staff)

    response = client.post(url, values)

    assert response.status_code == 200
    assert str(ConcurrentEditError.message) in response.content.decode()
    record.refresh_from_db()
    assert (record.exited_on, record.version) == (None, 1)


def test_a_child_added_through_its_form_records_its_creator(client, w):
    project = w.ours["major"]
    client.force_login(w.staff)

    response = client.post(
        reverse("platforms:majorprojectstage-create", args=[project.pk]),
        {"name": "竣工验收", "planned_on": "2025-06-30"},
    )

    assert response.status_code == 302
    stage = MajorProjectStage.objects.get(project=project, name="竣工验收")
    assert (stage.created_by, stage.version) == (w.staff, 1)
