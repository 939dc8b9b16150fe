"""Reference data of the platform: the code lists (字典) every installation starts with.

Items are keyed by their stable ``code`` (the constants code relies on); running the loader
again updates names in place and never duplicates an item. Administrators may add items later.

The stable codes of the registry's lists live in ``kechuang.registry.enums``; importing those
constants here is the one place the platform layer looks up at the registry. The GB/T 4754
industry classes are loaded by ``kechuang.registry.reference``, which owns their data file.
"""

from kechuang.registry.enums import Degree, IndustryChain, QualificationKind, TalentLevel, Title

from .enums import CodeList
from .models import CodeItem

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


def upsert_items(code_list: str, rows, parent: CodeItem | None = None) -> list[CodeItem]:
    """Create or update the items of one list (or of one parent within it).

    A row is ``(code, name, name_en)`` or ``(code, name, name_en, sort)``; without a sort the
    row order is kept, so a list reads the way it is written here.
    """
    items = []
    for position, (code, name, name_en, *sort) in enumerate(rows, start=1):
        item, _ = CodeItem.objects.update_or_create(
            code_list=code_list,
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "parent": parent,
                "sort": sort[0] if sort else position,
                "active": True,
            },
        )
        items.append(item)
    return items


def load() -> None:
    for code_list, rows in CODE_LISTS.items():
        upsert_items(code_list, rows)
