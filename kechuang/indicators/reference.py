"""Which shipped roles see the indicators (read by accounts' role loader)."""

from kechuang.accounts.enums import RoleCode

from .rules import VIEW_INDICATORS

ROLE_GRANTS = {
    RoleCode.LEADER: [VIEW_INDICATORS],
    RoleCode.STAFF: [VIEW_INDICATORS],
    RoleCode.TOWN_OFFICER: [VIEW_INDICATORS],
}


def load() -> None:
    """Nothing to load: the grants are applied with the roles."""
