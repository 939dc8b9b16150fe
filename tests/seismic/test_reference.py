"""Reference data of earthquake prevention: towns' zonation loaded without overwriting edits,
the shelter facility list, and the role grants resolving to real permissions."""

from decimal import Decimal

import pytest

from kechuang.accounts.reference import named
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.registry.reference import TOWNS
from kechuang.seismic import reference
from kechuang.seismic.models import TownZonation

pytestmark = pytest.mark.django_db


def test_every_town_of_the_city_has_its_zonation(reference_data):
    settings = TownZonation.objects.select_related("town")
    assert sorted(z.town.code for z in settings) == sorted(code for code, *_ in TOWNS)
    assert {z.pga for z in settings} == {Decimal("0.05")}
    assert {z.site_intensity for z in settings} == {6}
    assert all(z.source.startswith("GB 18306-2015") for z in settings)


def test_loading_again_creates_missing_settings_and_keeps_edits(reference_data):
    edited = TownZonation.objects.get(town__name="乍浦镇")
    edited.pga = Decimal("0.10")
    edited.save()
    TownZonation.objects.filter(town__name="广陈镇").delete()

    reference.load()
    reference.load()

    assert TownZonation.objects.get(town__name="乍浦镇").pga == Decimal("0.10")
    assert TownZonation.objects.get(town__name="广陈镇").pga == Decimal("0.05")
    assert TownZonation.objects.count() == len(TOWNS)
    assert reference.load_zonation() == 0


def test_shelter_facilities_are_a_code_list(reference_data):
    names = list(CodeItem.objects.of(CodeList.SHELTER_FACILITY).values_list("name", flat=True))
    assert names[:6] == ["应急供水", "应急供电", "应急厕所", "医疗救护", "物资储备", "应急指挥"]


def test_role_grants_name_existing_permissions(reference_data):
    for perms in reference.ROLE_GRANTS.values():
        assert named(*perms)().count() == len(set(perms))


def test_shipped_roles_hold_the_grants(reference_data):
    staff = reference_data.role("staff")
    codenames = set(
        staff.permissions.filter(content_type__app_label="seismic").values_list(
            "codename", flat=True
        )
    )
    assert {"import_inspection", "export_shelter", "delete_assessment"} <= codenames
    officer = reference_data.role("town_officer")
    officer_perms = set(
        officer.permissions.filter(content_type__app_label="seismic").values_list(
            "codename", flat=True
        )
    )
    assert {"view_inspection", "add_inspection", "change_shelter"} <= officer_perms
    assert {"view_housedesign", "view_plandocument", "view_assessment"} <= officer_perms
    assert not {"delete_inspection", "change_townzonation", "add_budgetline"} & officer_perms
    assert "view_budgetline" not in officer_perms  # the budget is for the bureau only
