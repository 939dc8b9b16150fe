"""What a town officer's forms offer and accept: only their own town (a record filed under
another town would leave their sight, and enter another officer's), and only organisations
within their data scope (the API refuses the same)."""

import pytest
from django.urls import reverse

from kechuang.services.enums import HostKind, InstitutionStatus, LeaderKind
from kechuang.services.models import FieldVisit, TrainingInstitution
from tests.factories import OrganisationFactory

from .factories import TrainingInstitutionFactory

pytestmark = pytest.mark.django_db


def url(name, *args) -> str:
    return reverse(f"services:{name}", args=args)


def institution(town, name="新科技培训学校") -> dict:
    return {
        "name": name,
        "operator": "某教育科技有限公司",
        "address": "某路1号",
        "town": town.pk,
        "status": InstitutionStatus.OPERATING,
    }


def field_visit(town, **values) -> dict:
    data = {
        "visited_on": "2021-03-01",
        "leader_name": "局长",
        "leader_kind": LeaderKind.INTERNAL,
        "host_kind": HostKind.ENTERPRISE,
        "host_name": "某企业",
        "town": town.pk if town else "",
    }
    data.update(values)
    return data


def test_a_town_officers_forms_offer_only_their_town(client, w):
    client.force_login(w.east_officer)

    for name in ("traininginstitution-create", "fieldvisit-create"):
        towns = client.get(url(name)).context["form"].fields["town"].queryset
        assert list(towns) == [w.east], name


def test_a_town_officer_cannot_file_an_institution_under_another_town(client, w):
    client.force_login(w.east_officer)

    refused = client.post(url("traininginstitution-create"), institution(w.west, "越界学校"))
    accepted = client.post(url("traininginstitution-create"), institution(w.east, "本镇学校"))

    assert refused.status_code == 200 and "town" in refused.context["form"].errors
    assert not TrainingInstitution.objects.filter(name="越界学校").exists()
    assert accepted.status_code == 302
    assert TrainingInstitution.objects.get(name="本镇学校").town == w.east


def test_a_town_officer_cannot_move_an_institution_to_another_town(client, w):
    record = TrainingInstitutionFactory(name="东镇学校", town=w.east)
    client.force_login(w.east_officer)
    data = {**institution(w.west, "东镇学校"), "version": record.version}

    response = client.post(url("traininginstitution-edit", record.pk), data)

    assert response.status_code == 200 and "town" in response.context["form"].errors
    record.refresh_from_db()
    assert record.town == w.east


def test_a_town_officers_field_visit_names_the_town_and_a_host_within_scope(client, w):
    client.force_login(w.east_officer)
    west_firm = OrganisationFactory(name="西镇企业", town=w.west)
    east_firm = OrganisationFactory(name="东镇企业", town=w.east)

    no_town = client.post(url("fieldvisit-create"), field_visit(None, purpose="无镇"))
    west = client.post(url("fieldvisit-create"), field_visit(w.west, purpose="西镇"))
    west_host = client.post(
        url("fieldvisit-create"),
        field_visit(w.east, purpose="西镇企业", host_name="", host_organisation=west_firm.name),
    )
    east_host = client.post(
        url("fieldvisit-create"),
        field_visit(w.east, purpose="东镇企业", host_name="", host_organisation=east_firm.name),
    )

    assert "town" in no_town.context["form"].errors
    assert "town" in west.context["form"].errors
    assert "host_organisation" in west_host.context["form"].errors
    assert east_host.status_code == 302
    assert list(FieldVisit.objects.values_list("purpose", flat=True)) == ["东镇企业"]


def test_staff_still_choose_any_town_and_may_leave_a_visit_without_one(client, w):
    client.force_login(w.staff)

    towns = client.get(url("fieldvisit-create")).context["form"].fields["town"].queryset
    response = client.post(url("fieldvisit-create"), field_visit(None, purpose="全市"))

    assert {w.east, w.west} <= set(towns)
    assert response.status_code == 302
    assert FieldVisit.objects.get(purpose="全市").town is None


def test_the_activity_form_offers_only_assignments_within_scope(client, w):
    """A town office's clerk who may log activities for the commissioners serving in the town
    is not offered (nor accepts) their assignments in another town."""
    from kechuang.accounts.enums import DataScope, UserKind
    from kechuang.core.enums import CodeList
    from tests.factories import role, user

    from .factories import ServiceAssignmentFactory, item

    a_west = ServiceAssignmentFactory(commissioner=w.a, town=w.west, village="西村")
    clerk = user(
        "east-clerk",
        kind=UserKind.STAFF,
        department=w.east.office,
        roles=[
            role(
                "east-activity-clerk",
                DataScope.DEPARTMENT,
                [
                    "services.view_commissioner",
                    "services.change_commissioner",
                    *(f"services.{a}_activity" for a in ("view", "add", "change")),
                ],
            )
        ],
    )
    client.force_login(clerk)

    offered = client.get(url("activity-create")).context["form"].fields["assignment"].queryset
    refused = client.post(
        url("activity-create"),
        {
            "commissioner": w.a.pk,
            "assignment": a_west.pk,
            "held_on": "2020-08-01",
            "kind": item(CodeList.SERVICE_ACTIVITY_KIND, "technical_training").pk,
            "town": w.east.pk,
            "trainees": 1,
            "materials": 0,
        },
    )

    assert w.a_east in offered and a_west not in offered
    assert "assignment" in refused.context["form"].errors
