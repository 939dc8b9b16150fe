"""Structural choices of the registry, and the stable codes of code-list items code relies on.

Labels people read live in translations (choices) or in the code lists themselves (items).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    RESEARCH_ORG = "research_org", _("Research organisation")
    SCHOOL = "school", _("School")
    AGENCY = "agency", _("Agency or public body")


class TownLevel(models.TextChoices):
    CITY = "city", _("City")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    TOWN = "town", _("Town")


class ZoneKind(models.TextChoices):
    NATIONAL_ETDZ = "national_etdz", _("National economic and technological development zone")
    PROVINCIAL_HIGH_TECH = "provincial_high_tech", _("Provincial high-tech industrial park")


class QualificationStatus(models.TextChoices):
    """Where a qualification stands on a given day."""

    VALID = "valid", _("valid")
    NOT_YET_VALID = "not_yet_valid", _("not yet valid")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")


class IndustryChain:
    """Codes of the industry-chain code list items."""

    NEW_MATERIALS = "new_materials"
    ELECTRONIC_INFO = "electronic_info"
    AEROSPACE = "aerospace"
    DIGITAL_ECONOMY = "digital_economy"
    ADVANCED_EQUIPMENT = "advanced_equipment"
    BIOMEDICINE = "biomedicine"
    MODERN_AGRICULTURE = "modern_agriculture"
    AUTO_PARTS = "auto_parts"


class QualificationKind:
    """Codes of the qualification-kind code list items."""

    NATIONAL_HIGH_TECH = "national_high_tech"
    TECH_SME = "tech_sme"
    PROVINCIAL_TECH = "provincial_tech"


class Title:
    PROFESSOR = "professor"
    ASSOCIATE_PROFESSOR = "associate_professor"
    PROFESSOR_LEVEL = "professor_level"
    SENIOR_ENGINEER = "senior_engineer"
    ENGINEER = "engineer"


class TalentLevel:
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    JIAXING = "jiaxing"
    PINGHU = "pinghu"


class Degree:
    DOCTORATE = "doctorate"
    MASTER = "master"
    BACHELOR = "bachelor"
