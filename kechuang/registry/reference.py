"""Reference data of the registry: its code lists (industry chains, GB/T 4754-2017 industry
classes, qualification kinds, titles, talent levels, degrees), towns and zones.

Runs after ``kechuang.accounts.reference`` (INSTALLED_APPS order), because each town points to
its town office in the department tree. Everything is keyed by a stable code, so running the
loader again updates in place.
"""

import json
from pathlib import Path

from kechuang.accounts.enums import RoleCode
from kechuang.accounts.reference import department, town_office_name
from kechuang.core.domain.code_lists import upsert_items
from kechuang.core.enums import CodeList

from .enums import (
    Degree,
    IndustryChain,
    QualificationKind,
    TalentLevel,
    Title,
    TownLevel,
    ZoneKind,
)
from .models import Town, Zone

# (code, Chinese name, English name), in display order.
INDUSTRY_CHAINS = [
    (IndustryChain.NEW_MATERIALS, "新材料", "New materials"),
    (IndustryChain.ELECTRONIC_INFO, "电子信息", "Electronic information"),
    (IndustryChain.AEROSPACE, "航空航天", "Aerospace"),
    (IndustryChain.DIGITAL_ECONOMY, "数字经济", "Digital economy"),
    (IndustryChain.ADVANCED_EQUIPMENT, "先进装备", "Advanced equipment"),
    (IndustryChain.BIOMEDICINE, "生物医药", "Biomedicine"),
    (IndustryChain.MODERN_AGRICULTURE, "现代农业", "Modern agriculture"),
    (IndustryChain.AUTO_PARTS, "汽车零部件", "Automotive parts"),
]

QUALIFICATION_KINDS = [
    (
        QualificationKind.NATIONAL_HIGH_TECH,
        "国家高新技术企业",
        "National high and new technology enterprise",
    ),
    (QualificationKind.TECH_SME, "科技型中小企业", "Technology-based SME"),
    (
        QualificationKind.PROVINCIAL_TECH,
        "省科技型企业",
        "Provincial science and technology enterprise",
    ),
]

TITLES = [
    (Title.PROFESSOR, "教授", "Professor"),
    (Title.ASSOCIATE_PROFESSOR, "副教授", "Associate professor"),
    (Title.PROFESSOR_LEVEL, "正高级(教授级)", "Professor-level senior title"),
    (Title.SENIOR_ENGINEER, "高级工程师", "Senior engineer"),
    (Title.ENGINEER, "工程师", "Engineer"),
]

TALENT_LEVELS = [
    (TalentLevel.NATIONAL, "国家级人才", "National-level talent"),
    (TalentLevel.PROVINCIAL, "省级人才", "Provincial-level talent"),
    (TalentLevel.JIAXING, "嘉兴市级人才", "Jiaxing city-level talent"),
    (TalentLevel.PINGHU, "平湖市级人才", "Pinghu city-level talent"),
]

DEGREES = [
    (Degree.DOCTORATE, "博士", "Doctorate"),
    (Degree.MASTER, "硕士", "Master's degree"),
    (Degree.BACHELOR, "学士", "Bachelor's degree"),
]

CODE_LISTS = {
    CodeList.INDUSTRY_CHAIN: INDUSTRY_CHAINS,
    CodeList.QUALIFICATION_KIND: QUALIFICATION_KINDS,
    CodeList.TITLE: TITLES,
    CodeList.TALENT_LEVEL: TALENT_LEVELS,
    CodeList.DEGREE: DEGREES,
}


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

# The people list to and from Excel (accounts/reference.py reads ROLE_GRANTS of every area). A
# person's data is personal: only the roles that export organisations export people, each as
# it does organisations (the town officer exports, only staff import; the administrator has
# every permission).
ROLE_GRANTS = {
    RoleCode.LEADER: ["registry.export_person", "registry.export_qualification"],
    RoleCode.STAFF: [
        "registry.import_person",
        "registry.export_person",
        "registry.import_qualification",
        "registry.export_qualification",
    ],
    RoleCode.TOWN_OFFICER: ["registry.export_person", "registry.export_qualification"],
}


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


def load_code_lists() -> None:
    for code_list, rows in CODE_LISTS.items():
        upsert_items(code_list, rows)


def load() -> None:
    load_code_lists()
    load_industry_classes()
    load_towns()
    load_zones()
