"""Reference data of the registry: GB/T 4754-2017 industry classes, towns and zones.

Runs after ``kechuang.accounts.reference`` (INSTALLED_APPS order), because each town points to
its town office in the department tree. Everything is keyed by a stable code, so running the
loader again updates in place.
"""

import json
from pathlib import Path

from kechuang.accounts.reference import department, town_office_name
from kechuang.core.enums import CodeList
from kechuang.core.reference import upsert_items

from .enums import TownLevel, ZoneKind
from .models import Town, Zone

GBT4754_FILE = Path(__file__).resolve().parent / "data" / "gbt4754_2017.json"

CITY_CODE = "330482"
# (division code, name, English name, level) of the city's subdistricts and towns (GB/T 2260
# county code + three-digit township code).
TOWNS = [
    ("330482001", "当湖街道", "Danghu Subdistrict", TownLevel.SUBDISTRICT),
    ("330482002", "钟埭街道", "Zhongdai Subdistrict", TownLevel.SUBDISTRICT),
    ("330482003", "曹桥街道", "Caoqiao Subdistrict", TownLevel.SUBDISTRICT),
    ("330482101", "乍浦镇", "Zhapu Town", TownLevel.TOWN),
    ("330482102", "新埭镇", "Xindai Town", TownLevel.TOWN),
    ("330482103", "新仓镇", "Xincang Town", TownLevel.TOWN),
    ("330482106", "广陈镇", "Guangchen Town", TownLevel.TOWN),
    ("330482107", "林埭镇", "Lindai Town", TownLevel.TOWN),
    ("330482108", "独山港镇", "Dushangang Town", TownLevel.TOWN),
]

ETDZ = "PHETDZ"
HIGH_TECH_ZONE = "PHHTZ"
ZONES = [
    (
        ETDZ,
        "平湖经济技术开发区",
        "Pinghu Economic and Technological Development Zone",
        ZoneKind.NATIONAL_ETDZ,
    ),
    (
        HIGH_TECH_ZONE,
        "平湖先进装备智造省级高新技术产业园区",
        "Pinghu Advanced Equipment Intelligent Manufacturing Provincial High-tech Industrial Park",
        ZoneKind.PROVINCIAL_HIGH_TECH,
    ),
]


def load_industry_classes() -> None:
    """Sections (门类, code = letter) with their divisions (大类, two-digit code) below them.

    One list holds both levels, so ``sort`` interleaves them: a section sorts just before its
    first division (A=9, 01=10, 02=20 … B=59, 06=60 …).
    """
    for section in json.loads(GBT4754_FILE.read_text(encoding="utf-8")):
        divisions = [
            (d["code"], d["name"], d["name_en"], int(d["code"]) * 10) for d in section["divisions"]
        ]
        section_row = (section["code"], section["name"], section["name_en"], divisions[0][3] - 1)
        (item,) = upsert_items(CodeList.INDUSTRY_CLASS, [section_row])
        upsert_items(CodeList.INDUSTRY_CLASS, divisions, parent=item)


def load_towns() -> None:
    city, _ = Town.objects.update_or_create(
        code=CITY_CODE,
        defaults={
            "name": "平湖市",
            "name_en": "Pinghu City",
            "level": TownLevel.CITY,
            "parent": None,
            "office": None,
        },
    )
    for code, name, name_en, level in TOWNS:
        Town.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "level": level,
                "parent": city,
                "office": department(town_office_name(name)),
            },
        )


def load_zones() -> None:
    for code, name, name_en, kind in ZONES:
        Zone.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": kind}
        )


def load() -> None:
    load_industry_classes()
    load_towns()
    load_zones()
