"""Reference data of the innovation platforms: the R&D institution kinds and levels (a
two-level code list: reporting tiers, and under each the kinds and levels, whose ``sort`` is
the rank), and the fields and origins of signed investment projects."""

from kechuang.accounts.enums import RoleCode
from kechuang.core.domain.code_lists import upsert_items
from kechuang.core.enums import CodeList

from .enums import RDLevel, RDTier, SigningField, SigningOrigin

RD_TIERS = {
    RDTier.PROVINCIAL_OR_HIGHER: (
        "省级以上",
        "Provincial or higher",
        [
            (RDLevel.NATIONAL, "国家级研发机构", "National-level R&D institution", 1),
            (
                RDLevel.PROVINCIAL_KEY_RESEARCH_INSTITUTE,
                "省重点企业研究院",
                "Provincial key enterprise research institute",
                2,
            ),
            (
                RDLevel.PROVINCIAL_RESEARCH_INSTITUTE,
                "省企业研究院",
                "Provincial enterprise research institute",
                3,
            ),
            (
                RDLevel.PROVINCIAL_KEY_AGRI_RESEARCH_INSTITUTE,
                "省重点农业企业研究院",
                "Provincial key agricultural enterprise research institute",
                4,
            ),
            (
                RDLevel.PROVINCIAL_RD_CENTRE,
                "省高新技术企业研究开发中心",
                "Provincial high-tech enterprise R&D centre",
                5,
            ),
        ],
    ),
    RDTier.JIAXING: (
        "嘉兴市级",
        "Jiaxing level",
        [(RDLevel.JIAXING_RD_CENTRE, "嘉兴市级研发中心", "Jiaxing R&D centre", 6)],
    ),
    RDTier.PINGHU: (
        "平湖市级",
        "Pinghu level",
        [(RDLevel.PINGHU_RD_CENTRE, "平湖市级研发中心", "Pinghu R&D centre", 7)],
    ),
}

SIGNING_FIELDS = [
    (SigningField.DIGITAL_ECONOMY, "数字经济", "Digital economy"),
    (SigningField.SMART_EQUIPMENT, "智能装备制造", "Smart equipment manufacturing"),
    (SigningField.OTHER, "其他", "Other"),
]

SIGNING_ORIGINS = [
    (SigningOrigin.YANGTZE_DELTA, "长三角地区", "Yangtze River Delta"),
    (SigningOrigin.EUROPE_AMERICA, "欧美", "Europe and America"),
    (SigningOrigin.CHAMBER_OF_COMMERCE, "国际商会", "International chamber of commerce"),
    (SigningOrigin.DOMESTIC_OTHER, "国内其他地区", "Elsewhere in China"),
]


RECORDS = (
    "rdinstitution",
    "rdinstitutionevent",
    "certificationapplication",
    "institute",
    "institutetalent",
    "incubationproject",
    "instituterecord",
    "institutereport",
    "incubator",
    "tenancy",
    "incubatortalent",
    "zoneevaluation",
    "agriplatform",
    "academiciancooperation",
    "signingevent",
    "signedproject",
    "majorproject",
    "majorprojectstage",
)
# What an institute's manager or an incubator's operator reports through their own login.
REPORTED = (
    "institutetalent",
    "incubationproject",
    "instituterecord",
    "institutereport",
    "tenancy",
    "incubatortalent",
)
EXPORT = "platforms.export_rdinstitution"
IMPORT = "platforms.import_rdinstitution"
# The new-type R&D institutes' own, given to the roles that export and import the other lists.
EXPORT_INSTITUTES = "platforms.export_institute"
IMPORT_INSTITUTES = "platforms.import_institute"


def perms(actions, models=RECORDS) -> list[str]:
    return [f"platforms.{action}_{model}" for model in models for action in actions]


# Given to the roles accounts/reference.py defines (it reads ROLE_GRANTS of every area).
ROLE_GRANTS = {
    RoleCode.LEADER: [*perms(("view",)), EXPORT, EXPORT_INSTITUTES],
    RoleCode.STAFF: [
        *perms(("view", "add", "change", "delete")),
        IMPORT,
        EXPORT,
        IMPORT_INSTITUTES,
        EXPORT_INSTITUTES,
        "platforms.review_certificationapplication",
        "platforms.decide_certificationapplication",
    ],
    RoleCode.TOWN_OFFICER: [*perms(("view",)), "platforms.recommend_certificationapplication"],
    RoleCode.ORGANISATION: [
        *perms(("view",), ("rdinstitution", "rdinstitutionevent", "institute", "incubator")),
        *perms(("view", "add", "change"), ("certificationapplication", *REPORTED)),
    ],
}


def load() -> None:
    tiers = upsert_items(
        CodeList.RD_LEVEL,
        [
            (code, name, name_en, 100 + i)
            for i, (code, (name, name_en, _)) in enumerate(RD_TIERS.items())
        ],
    )
    for tier, (_name, _name_en, levels) in zip(tiers, RD_TIERS.values(), strict=True):
        upsert_items(CodeList.RD_LEVEL, levels, parent=tier)
    upsert_items(CodeList.SIGNING_FIELD, SIGNING_FIELDS)
    upsert_items(CodeList.SIGNING_ORIGIN, SIGNING_ORIGINS)
