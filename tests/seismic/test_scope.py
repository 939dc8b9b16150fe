"""Data scope of earthquake-prevention records: a town officer sees and edits only their town's
records; an organisation user sees only the construction projects it owns and their
inspections; bureau staff see everything."""

import pytest
from django.urls import reverse

from kechuang.seismic import models
from kechuang.seismic.reference import PUBLIC, RECORDS, TOWN_RECORDS

from .factories import (
    ConstructionProjectFactory,
    DemonstrationSiteFactory,
    InspectionFactory,
    MonitoringStationFactory,
    OutreachEventFactory,
    RaisedFortificationFactory,
    SafetyEvaluationFactory,
    ShelterFactory,
    StationUpgradeFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db


def make(model_name, town):
    """One record of the kind in the town."""
    match model_name:
        case "constructionproject":
            return ConstructionProjectFactory(town=town)
        case "inspection":
            return InspectionFactory(project=ConstructionProjectFactory(town=town))
        case "safetyevaluation":
            return SafetyEvaluationFactory(project=ConstructionProjectFactory(town=town))
        case "raisedfortification":
            return RaisedFortificationFactory(town=town)
        case "demonstrationsite":
            return DemonstrationSiteFactory(town=town)
        case "shelter":
            return ShelterFactory(town=town)
        case "monitoringstation":
            return MonitoringStationFactory(town=town)
        case "stationupgrade":
            return StationUpgradeFactory(station=MonitoringStationFactory(town=town))
        case "training":
            return TrainingFactory(town=town)
        case "outreachevent":
            return OutreachEventFactory(town=town)
        case "townzonation":
            return town.zonation
    raise AssertionError(model_name)


@pytest.fixture
def two_towns(reference_data):
    return reference_data.town("当湖街道"), reference_data.town("乍浦镇")


@pytest.mark.parametrize("model_name", [*TOWN_RECORDS, "townzonation"])
def test_a_town_officer_sees_and_edits_only_the_towns_records(make_user, two_towns, model_name):
    own_town, other_town = two_towns
    officer = make_user("town_officer", department=own_town.office)
    own, other = make(model_name, own_town), make(model_name, other_town)
    model = type(own)

    assert list(model.objects.visible_to(officer)) == [own]
    assert officer.has_perm(f"seismic.view_{model_name}", own)
    assert not officer.has_perm(f"seismic.view_{model_name}", other)
    may_change = model_name != "townzonation"
    assert officer.has_perm(f"seismic.change_{model_name}", own) is may_change
    assert not officer.has_perm(f"seismic.change_{model_name}", other)
    assert not officer.has_perm(f"seismic.delete_{model_name}", own)

    staff = make_user("staff")
    assert set(model.objects.visible_to(staff)) >= {own, other}
    assert staff.has_perm(f"seismic.change_{model_name}", other)
    assert staff.has_perm(f"seismic.delete_{model_name}", other)


PUBLIC_DOCUMENTS = {
    "housedesign": ("house-designs", "HouseDesignFactory"),
    "plandocument": ("plan-documents", "PlanDocumentFactory"),
    "assessment": ("assessments", "AssessmentFactory"),
}


@pytest.mark.parametrize("model_name", PUBLIC)
def test_every_town_officer_sees_the_citys_public_documents(
    client, make_user, two_towns, model_name
):
    """House designs, plans and the yearly assessments have no town: a town officer sees every
    one (list, page, API) entered by the bureau, but changes none."""
    from . import factories

    endpoint, factory = PUBLIC_DOCUMENTS[model_name]
    staff = make_user("staff")
    record = getattr(factories, factory)(created_by=staff)
    officer = make_user("town_officer", department=two_towns[1].office)
    model = type(record)

    assert list(model.objects.visible_to(officer)) == [record]
    assert officer.has_perm(f"seismic.view_{model_name}", record)
    assert not officer.has_perm(f"seismic.change_{model_name}", record)
    assert not officer.has_perm(f"seismic.delete_{model_name}", record)

    client.force_login(officer)
    listed = client.get(reverse(f"seismic:{model_name}-list"))
    assert listed.status_code == 200
    assert record in listed.context["object_list"]
    assert client.get(record.get_absolute_url()).status_code == 200
    api = client.get(f"/api/v1/seismic/{endpoint}/")
    assert [row["id"] for row in api.json()["results"]] == [record.pk]
    assert client.get(f"/api/v1/seismic/{endpoint}/{record.pk}/").status_code == 200
    assert client.post(reverse(f"seismic:{model_name}-create")).status_code == 403


@pytest.mark.parametrize("model_name", PUBLIC)
def test_public_documents_are_still_behind_the_view_permission(make_user, two_towns, model_name):
    """No data scope does not mean no permission: an organisation user, whose role does not
    view them, sees none."""
    from . import factories

    record = getattr(factories, PUBLIC_DOCUMENTS[model_name][1])()
    user = make_user("organisation")
    assert not user.has_perm(f"seismic.view_{model_name}", record)


def test_budget_lines_are_for_the_bureau_only(client, make_user, two_towns):
    from .factories import BudgetLineFactory

    line = BudgetLineFactory()
    officer = make_user("town_officer", department=two_towns[0].office)
    assert not officer.has_perm("seismic.view_budgetline")
    assert not officer.has_perm("seismic.view_budgetline", line)

    client.force_login(officer)
    home = client.get(reverse("seismic:inspection-list")).content.decode()
    assert reverse("seismic:housedesign-list") in home  # the menu still has the public ones
    assert reverse("seismic:budgetline-list") not in home
    assert client.get(reverse("seismic:budgetline-list")).status_code == 403
    assert client.get(line.get_absolute_url()).status_code in (403, 404)
    assert client.get("/api/v1/seismic/budget-lines/").status_code == 403

    staff = make_user("staff")
    assert staff.has_perm("seismic.view_budgetline", line)
    client.force_login(staff)
    assert (
        reverse("seismic:budgetline-list")
        in client.get(reverse("seismic:inspection-list")).content.decode()
    )


def test_an_organisation_sees_only_its_own_projects_and_their_inspections(make_user, two_towns):
    user = make_user("organisation")
    own = ConstructionProjectFactory(town=two_towns[0], owner=user.organisation)
    other = ConstructionProjectFactory(town=two_towns[0])
    own_inspection = InspectionFactory(project=own)
    InspectionFactory(project=other)

    assert list(models.ConstructionProject.objects.visible_to(user)) == [own]
    assert list(models.Inspection.objects.visible_to(user)) == [own_inspection]
    assert user.has_perm("seismic.view_constructionproject", own)
    assert not user.has_perm("seismic.view_constructionproject", other)
    assert not user.has_perm("seismic.change_constructionproject", own)
    shelter = ShelterFactory(town=two_towns[0])
    assert not user.has_perm("seismic.view_shelter", shelter)
    assert not models.Shelter.objects.visible_to(user).exists()


@pytest.mark.parametrize("role", ["staff", "leader", "admin"])
def test_staff_leaders_and_administrators_hold_every_permission(make_user, role):
    user = make_user(role)
    for model_name in RECORDS:
        for action in ("view", "add", "change", "delete"):
            assert user.has_perm(f"seismic.{action}_{model_name}"), (role, action, model_name)
    assert user.has_perm("seismic.import_inspection")
    assert user.has_perm("seismic.export_shelter")


def test_a_town_officer_must_give_the_town_of_a_training_or_outreach_event(make_user, two_towns):
    """A record without a town is city-wide: a town officer who left it empty would file a
    record outside their own sight. Staff, who reach every town, may leave it empty."""
    from kechuang.seismic.record_types import OutreachEventType, TrainingType

    forms = (OutreachEventType.instance.Form, TrainingType.instance.Form)

    own_town, _other = two_towns
    officer = make_user("town_officer", department=own_town.office)
    staff = make_user("staff")
    training = {
        "held_on": "2020-07-15",
        "kind": "rural_builders",
        "title": "工匠培训",
        "attendees": 30,
    }
    event = {
        "title": "5·12宣传",
        "kind": "prevention_week",
        "held_on": "2020-05-12",
        "participants": 9,
    }

    for form_class, data in zip(forms, (event, training), strict=True):
        form = form_class(data, user=officer)
        assert not form.is_valid()
        assert "town" in form.errors
        assert form_class({**data, "town": own_town.pk}, user=officer).is_valid()
        assert form_class(data, user=staff).is_valid(), form_class(data, user=staff).errors


@pytest.mark.parametrize(
    "parent_name, child_field",
    [("constructionproject", "project"), ("monitoringstation", "station")],
)
def test_a_records_history_shows_only_the_children_the_reader_sees(
    client, make_user, two_towns, parent_name, child_field
):
    """Someone who sees only what they created sees their project's (station's) page, but not
    the history of inspections (upgrades) others recorded on it."""
    from kechuang.accounts.enums import DataScope, UserKind
    from kechuang.seismic.reference import perms
    from tests.factories import role, user

    reader = user(
        "seismic-self-reader",
        kind=UserKind.STAFF,
        roles=[role("seismic-self", DataScope.SELF, perms(("view",)))],
    )
    parent = make(parent_name, two_towns[0])
    parent.created_by = reader
    parent.save()
    if parent_name == "constructionproject":
        child = InspectionFactory(project=parent, inspectors="王保密")
    else:
        child = StationUpgradeFactory(station=parent, description="王保密")
    child.description = child.inspectors = "王保密改"  # an edit the history would show
    child.save()
    assert not type(child).objects.visible_to(reader).exists()

    client.force_login(reader)
    response = client.get(parent.get_absolute_url())

    assert response.status_code == 200
    assert "王保密" not in response.content.decode()


def test_a_projects_latest_design_is_judged_from_the_inspections_the_reader_sees(
    client, make_user, two_towns
):
    """A reader who sees the project (they created it) but not an inspection others recorded
    on it does not learn that inspection's design: not in the list, the page or the API."""
    from kechuang.accounts.enums import DataScope, UserKind
    from kechuang.seismic.reference import perms
    from tests.factories import role, user

    reader = user(
        "seismic-self-reader",
        kind=UserKind.STAFF,
        roles=[role("seismic-self", DataScope.SELF, perms(("view",)))],
    )
    project = ConstructionProjectFactory(town=two_towns[0], created_by=reader)
    InspectionFactory(project=project, designed_measures_intensity=6)  # below: 乙 needs 7
    assert project.evaluation().below_requirement  # as staff would see it
    client.force_login(reader)

    listed = client.get(reverse("seismic:constructionproject-list")).context["object_list"]
    assert [(p.pk, p.latest_designed_intensity, p.below_requirement) for p in listed] == [
        (project.pk, None, None)
    ]
    page = client.get(project.get_absolute_url()).context["requirement"]
    assert page["below"] is None
    api = client.get(f"/api/v1/seismic/construction-projects/{project.pk}/").json()
    assert api["evaluation"]["designed_measures_intensity"] is None
    assert api["evaluation"]["below_requirement"] is None
