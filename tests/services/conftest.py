import datetime as dt

import pytest
from django.utils import translation

from kechuang.accounts.enums import RoleCode
from kechuang.services.enums import MemberRole
from tests.factories import TownFactory

from .factories import (
    ActivityFactory,
    CommissionerFactory,
    CommissionerMemberFactory,
    ServiceAssignmentFactory,
    TeamFactory,
)


class World:
    """Two towns; two individual commissioners (东 and 西) and a team serving the east, each
    with its login; two of the team's three members have logins of their own. Each town's
    officer, bureau staff and a leader, all from the shipped roles and their grants."""

    def __init__(self, make_user):
        self.east, self.west = TownFactory(name="东服镇"), TownFactory(name="西服镇")
        self.east_officer = make_user(RoleCode.TOWN_OFFICER, department=self.east.office)
        self.west_officer = make_user(RoleCode.TOWN_OFFICER, department=self.west.office)
        self.staff = make_user(RoleCode.STAFF)
        self.leader = make_user(RoleCode.LEADER)

        self.a_user = make_user(RoleCode.COMMISSIONER)
        self.b_user = make_user(RoleCode.COMMISSIONER)
        self.a = CommissionerFactory(name="东特派员", user=self.a_user)
        self.b = CommissionerFactory(name="西特派员", user=self.b_user)
        self.team_user = make_user(RoleCode.COMMISSIONER)
        self.team = TeamFactory(name="东团队", user=self.team_user)
        self.m1_user = make_user(RoleCode.COMMISSIONER)
        self.m2_user = make_user(RoleCode.COMMISSIONER)
        self.m1 = CommissionerMemberFactory(
            commissioner=self.team, name="组长", role=MemberRole.LEADER, user=self.m1_user
        )
        self.m2 = CommissionerMemberFactory(commissioner=self.team, name="组员", user=self.m2_user)
        self.m3 = CommissionerMemberFactory(commissioner=self.team, name="无账号组员")

        self.a_east = ServiceAssignmentFactory(commissioner=self.a, town=self.east)
        self.b_west = ServiceAssignmentFactory(commissioner=self.b, town=self.west)
        self.team_east = ServiceAssignmentFactory(commissioner=self.team, town=self.east)
        # A second assignment in the same town: the team must still be listed once.
        self.team_east2 = ServiceAssignmentFactory(
            commissioner=self.team, town=self.east, village="新港花苑社区"
        )

        self.a_acts = [
            ActivityFactory(commissioner=self.a, assignment=self.a_east, town=self.east),
            ActivityFactory(
                commissioner=self.a,
                assignment=self.a_east,
                town=self.east,
                held_on=dt.date(2020, 7, 1),
            ),
        ]
        self.b_acts = [ActivityFactory(commissioner=self.b, assignment=self.b_west, town=self.west)]
        self.team_acts = [
            ActivityFactory(commissioner=self.team, assignment=self.team_east, town=self.east),
            ActivityFactory(commissioner=self.team, town=self.east, held_on=dt.date(2020, 9, 9)),
        ]


@pytest.fixture
def w(reference_data, make_user):
    return World(make_user)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids), whatever the catalogues hold."""
    with translation.override("en"):
        yield
