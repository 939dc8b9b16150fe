import pytest

from kechuang.accounts.enums import DataScope, DepartmentKind
from tests.factories import (
    DepartmentFactory,
    EnterpriseYearFactory,
    OrganisationFactory,
    PersonFactory,
    QualificationFactory,
    TownFactory,
    organisation_user,
    staff_user,
)


@pytest.fixture
def world(db):
    """Two towns with one enterprise each (with figures, a qualification and a person),
    a bureau staff member (all data), a town officer of the first town, and a user of each
    enterprise."""
    group = DepartmentFactory(name="镇街道科技办", kind=DepartmentKind.GROUP)
    east = TownFactory(name="东镇", office=DepartmentFactory(name="东镇科技办", parent=group))
    west = TownFactory(name="西镇", office=DepartmentFactory(name="西镇科技办", parent=group))
    ours = OrganisationFactory(name="东方材料有限公司", town=east)
    theirs = OrganisationFactory(name="西方电子有限公司", town=west)
    records = {}
    for org in (ours, theirs):
        records[org.pk] = {
            "year": EnterpriseYearFactory(organisation=org),
            "qualification": QualificationFactory(organisation=org),
            "person": PersonFactory(organisation=org),
        }

    class World:
        pass

    w = World()
    w.east, w.west, w.ours, w.theirs, w.records = east, west, ours, theirs, records
    w.staff = staff_user("staff", DataScope.ALL)
    w.officer = staff_user("officer", DataScope.DEPARTMENT, department=east.office)
    w.our_user = organisation_user(ours, "ours")
    w.their_user = organisation_user(theirs, "theirs")
    return w
