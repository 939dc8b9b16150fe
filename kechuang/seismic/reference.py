"""Reference data of earthquake prevention: the shelter facility code list, each town's seismic
zonation (GB 18306-2015) and what the shipped roles may do with the area's records."""

import datetime as dt

from kechuang.accounts.enums import RoleCode
from kechuang.core.domain.code_lists import upsert_items
from kechuang.core.enums import CodeList
from kechuang.registry.models import Town
from kechuang.registry.reference import TOWNS

from .enums import PINGHU_PGA, ShelterFacility

SHELTER_FACILITIES = [
    (ShelterFacility.WATER, "应急供水", "Emergency water supply"),
    (ShelterFacility.POWER, "应急供电", "Emergency power supply"),
    (ShelterFacility.TOILETS, "应急厕所", "Emergency toilets"),
    (ShelterFacility.MEDICAL, "医疗救护", "Medical aid"),
    (ShelterFacility.SUPPLIES, "物资储备", "Supply store"),
    (ShelterFacility.COMMAND, "应急指挥", "Emergency command"),
    (ShelterFacility.BROADCAST, "应急广播", "Emergency broadcasting"),
    (ShelterFacility.FIRE, "应急消防", "Emergency fire-fighting"),
]

ZONATION_SOURCE = "GB 18306-2015 《中国地震动参数区划图》"
ZONATION_EFFECTIVE = dt.date(2016, 6, 1)  # the day GB 18306-2015 came into force

# Model names, as in permission codenames.
RECORDS = (
    "townzonation",
    "constructionproject",
    "inspection",
    "safetyevaluation",
    "raisedfortification",
    "demonstrationsite",
    "shelter",
    "monitoringstation",
    "stationupgrade",
    "training",
    "housedesign",
    "outreachevent",
    "budgetline",
    "plandocument",
    "assessment",
)
# The city's public documents: whoever may view them sees every one (no data scope), as the
# projects area does with its published calls. Their models declare ``ScopePaths(public=True)``.
PUBLIC = ("housedesign", "plandocument", "assessment")
# Records for the bureau's staff and leaders only: no town officer sees them.
BUREAU_ONLY = ("budgetline",)
# Records that belong to a town: a town officer keeps their town's.
TOWN_RECORDS = (
    "constructionproject",
    "inspection",
    "safetyevaluation",
    "raisedfortification",
    "demonstrationsite",
    "shelter",
    "monitoringstation",
    "stationupgrade",
    "training",
    "outreachevent",
)


def perms(actions, models=RECORDS) -> list[str]:
    return [f"seismic.{action}_{model}" for model in models for action in actions]


FULL = [
    *perms(("view", "add", "change", "delete")),
    *perms(("import", "export")),  # every record of the area goes to and from Excel
]

# Given to the roles accounts/reference.py defines (it reads ROLE_GRANTS of every area).
ROLE_GRANTS = {
    RoleCode.ADMIN: FULL,
    RoleCode.LEADER: FULL,
    RoleCode.STAFF: FULL,
    RoleCode.TOWN_OFFICER: [
        *perms(("view",), tuple(m for m in RECORDS if m not in BUREAU_ONLY)),
        *perms(("add", "change"), TOWN_RECORDS),
    ],
    RoleCode.ORGANISATION: perms(
        ("view",), ("constructionproject", "inspection", "safetyevaluation")
    ),
}


def load_zonation() -> int:
    """Give every town of the city the GB 18306-2015 basic PGA (0.05g throughout 平湖市).

    Only towns without a setting get one: settings staff have edited since are kept. Returns
    how many were created.
    """
    from .models import TownZonation

    towns = Town.objects.filter(code__in=[code for code, *_rest in TOWNS], zonation__isnull=True)
    created = 0
    for town in towns.order_by("code"):
        TownZonation.objects.create(
            town=town,
            pga=PINGHU_PGA,
            source=ZONATION_SOURCE,
            effective_from=ZONATION_EFFECTIVE,
        )
        created += 1
    return created


def load() -> None:
    upsert_items(CodeList.SHELTER_FACILITY, SHELTER_FACILITIES)
    load_zonation()
