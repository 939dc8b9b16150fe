import pytest

from kechuang.accounts.enums import DataScope, DepartmentKind, UserKind
from kechuang.registry.models import EnterpriseYear, Organisation
from tests.factories import (
    DepartmentFactory,
    EnterpriseYearFactory,
    OrganisationFactory,
    TownFactory,
    organisation_user,
    staff_user,
    user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns():
    group = DepartmentFactory(name="镇街道", kind=DepartmentKind.GROUP)
    east = TownFactory(name="东镇", office=DepartmentFactory(name="东镇办", parent=group))
    west = TownFactory(name="西镇", office=DepartmentFactory(name="西镇办", parent=group))
    return group, east, west


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_all_scope_sees_everything(towns):
    _, east, west = towns
    OrganisationFactory(name="甲", town=east)
    OrganisationFactory(name="乙", town=west)
    leader = staff_user("leader", DataScope.ALL)

    assert names(Organisation.objects.visible_to(leader)) == ["乙", "甲"]


def test_own_department_scope_sees_its_town_only(towns):
    _, east, west = towns
    OrganisationFactory(name="甲", town=east)
    OrganisationFactory(name="乙", town=west)
    officer = staff_user("officer", DataScope.DEPARTMENT, department=east.office)

    assert names(Organisation.objects.visible_to(officer)) == ["甲"]


def test_department_and_below_reaches_child_offices(towns):
    group, east, west = towns
    OrganisationFactory(name="甲", town=east)
    OrganisationFactory(name="乙", town=west)
    OrganisationFactory(name="丙", town=None)
    head = staff_user("head", DataScope.DEPARTMENT_AND_BELOW, department=group)

    assert names(Organisation.objects.visible_to(head)) == ["乙", "甲"]


def test_custom_departments(towns):
    _, east, west = towns
    OrganisationFactory(name="甲", town=east)
    OrganisationFactory(name="乙", town=west)
    liaison = staff_user("liaison", DataScope.CUSTOM, custom_departments=[west.office])

    assert names(Organisation.objects.visible_to(liaison)) == ["乙"]


def test_self_scope_sees_own_creations_only(towns):
    _, east, _ = towns
    creator = staff_user("creator", DataScope.SELF)
    OrganisationFactory(name="甲", town=east, created_by=creator)
    OrganisationFactory(name="乙", town=east)

    assert names(Organisation.objects.visible_to(creator)) == ["甲"]


def test_roles_combine_as_union(towns):
    _, east, west = towns
    OrganisationFactory(name="甲", town=east)
    OrganisationFactory(name="乙", town=west)
    officer = staff_user("officer", DataScope.DEPARTMENT, department=east.office)
    officer.roles.add(
        staff_user("other", DataScope.CUSTOM, custom_departments=[west.office]).roles.get()
    )
    officer = type(officer).objects.get(pk=officer.pk)

    assert names(Organisation.objects.visible_to(officer)) == ["乙", "甲"]


def test_organisation_user_sees_only_own_organisation_and_its_children(towns):
    _, east, _ = towns
    own = OrganisationFactory(name="甲", town=east)
    other = OrganisationFactory(name="乙", town=east)
    EnterpriseYearFactory(organisation=own)
    EnterpriseYearFactory(organisation=other)
    member = organisation_user(own)

    assert names(Organisation.objects.visible_to(member)) == ["甲"]
    assert list(
        EnterpriseYear.objects.visible_to(member).values_list("organisation__name", flat=True)
    ) == ["甲"]


def test_user_without_roles_or_inactive_sees_nothing(towns):
    _, east, _ = towns
    OrganisationFactory(name="甲", town=east)
    nobody = user("nobody", kind=UserKind.STAFF)
    inactive = staff_user("inactive", DataScope.ALL)
    inactive.is_active = False

    assert names(Organisation.objects.visible_to(nobody)) == []
    assert names(Organisation.objects.visible_to(inactive)) == []


def test_expert_without_registry_role_sees_nothing(towns):
    _, east, _ = towns
    OrganisationFactory(name="甲", town=east)
    expert = user("expert", kind=UserKind.EXPERT)

    assert names(Organisation.objects.visible_to(expert)) == []


def test_public_records_are_not_limited_by_data_scope(towns):
    """``ScopePaths(public=True)``: every active user's scope reaches every record (the role
    permission alone decides whether they see the kind at all); inactive users still nothing."""
    from django.contrib.auth.models import AnonymousUser

    from kechuang.accounts.scope import ScopePaths, scope_filter

    class PublicDocument:
        scope_paths = ScopePaths(public=True)

    class OwnDocument:
        scope_paths = ScopePaths()

    _, east, _ = towns
    officer = staff_user("officer", DataScope.DEPARTMENT, department=east.office)
    own = staff_user("own", DataScope.SELF)
    company = organisation_user(OrganisationFactory(name="甲", town=east))
    inactive = staff_user("inactive", DataScope.ALL)
    inactive.is_active = False

    for reader in (officer, own, company):
        assert scope_filter(PublicDocument, reader) is None
        assert scope_filter(OwnDocument, reader) is not None
    for reader in (inactive, AnonymousUser()):
        assert scope_filter(PublicDocument, reader) is not None
