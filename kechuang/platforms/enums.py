"""Structural choices of the innovation-platforms area, and the stable codes of the code-list
items its code relies on. Labels people read live in translations or in the code lists."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RDTier:
    """Codes of the top items of the R&D level list: how the bureau groups levels in reports."""

    PROVINCIAL_OR_HIGHER = "provincial_or_higher"
    JIAXING = "jiaxing"
    PINGHU = "pinghu"


class RDLevel:
    """Codes of the R&D institution kinds and levels; their ``sort`` is the rank (1 highest)."""

    NATIONAL = "national"
    PROVINCIAL_KEY_RESEARCH_INSTITUTE = "provincial_key_research_institute"
    PROVINCIAL_RESEARCH_INSTITUTE = "provincial_research_institute"
    PROVINCIAL_KEY_AGRI_RESEARCH_INSTITUTE = "provincial_key_agri_research_institute"
    PROVINCIAL_RD_CENTRE = "provincial_rd_centre"
    JIAXING_RD_CENTRE = "jiaxing_rd_centre"
    PINGHU_RD_CENTRE = "pinghu_rd_centre"


class RDEnd(models.TextChoices):
    """Why a certification stopped being in force."""

    UPGRADED = "upgraded", _("Upgraded")
    MERGED = "merged", _("Merged")
    REVOKED = "revoked", _("Revoked")


class RDEventKind(models.TextChoices):
    CERTIFIED = "certified", _("Certified")
    UPGRADED = "upgraded", _("Upgraded")
    RENAMED = "renamed", _("Renamed")
    MERGED = "merged", _("Merged")
    REVOKED = "revoked", _("Revoked")


class DatePrecision(models.TextChoices):
    """How much of a date a source gives (newspapers often give only the month)."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class TalentRole(models.TextChoices):
    INTRODUCED = "introduced", _("Introduced professional (引进)")
    ENGAGED = "engaged", _("Engaged from outside (聘请)")
    OFFICE_STAFF = "office_staff", _("Office staff")


class IncubationStatus(models.TextChoices):
    NEGOTIATING = "negotiating", _("Negotiating (在谈)")
    SIGNED = "signed", _("Signed (已签约)")
    LANDED = "landed", _("Landed (已落户)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InstituteRecordKind(models.TextChoices):
    """What an institute reports besides talents and incubation projects."""

    RESEARCH_TEAM = "research_team", _("Research team")
    SUB_INSTITUTE = "sub_institute", _("Sub-institute")
    JOINT_LAB = "joint_lab", _("Joint laboratory with an enterprise")
    SERVICE = "service", _("Service to an enterprise")
    CONTRACT = "contract", _("Cooperation contract")
    APPROVED_PROJECT = "approved_project", _("Approved project")
    GRADUATE_STUDENT = "graduate_student", _("Graduate student in training")
    TRAINING_BASE = "training_base", _("Graduate training base")
    MILESTONE = "milestone", _("Milestone")


class ReportPeriod(models.TextChoices):
    """The period an institute's KPI report covers."""

    FIRST_HALF = "h1", _("First half")
    YEAR = "year", _("Full year")


class ProjectLevel(models.TextChoices):
    """Level of a project approved to an institute (or of a training base)."""

    NATIONAL_KEY_RD = "national_key_rd", _("National key R&D programme")
    PROVINCIAL_KEY_RD = "provincial_key_rd", _("Provincial key R&D programme")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")


class IncubatorKind(models.TextChoices):
    INCUBATOR = "incubator", _("Incubator (孵化器)")
    MAKER_SPACE = "maker_space", _("Maker space (众创空间)")
    STARTUP_PARK = "startup_park", _("Start-up park (创业园)")
    OFF_SITE = "off_site", _("Off-site incubator (域外孵化器)")


class PlatformLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    JIAXING = "jiaxing", _("Jiaxing")
    PINGHU = "pinghu", _("Pinghu")
    NONE = "none", _("Not rated")


class TenancyEnd(models.TextChoices):
    GRADUATED = "graduated", _("Graduated")
    MOVED_OUT = "moved_out", _("Moved out")
    CLOSED = "closed", _("Closed down")


class ApplicationState(models.TextChoices):
    """States of an R&D institution certification application (ids stable, labels separate)."""

    DRAFT = "draft", _("Draft")
    APPLIED = "applied", _("Applied")
    RECOMMENDED = "recommended", _("Recommended by the town")
    REVIEWED = "reviewed", _("Reviewed by the bureau")
    PUBLICITY = "publicity", _("In publicity")
    CERTIFIED = "certified", _("Certified")
    REJECTED = "rejected", _("Rejected")


class SigningField:
    """Codes of the signed-project field list."""

    DIGITAL_ECONOMY = "digital_economy"
    SMART_EQUIPMENT = "smart_equipment"
    OTHER = "other"


class SigningOrigin:
    """Codes of the signed-project origin list."""

    YANGTZE_DELTA = "yangtze_delta"
    EUROPE_AMERICA = "europe_america"
    CHAMBER_OF_COMMERCE = "chamber_of_commerce"
    DOMESTIC_OTHER = "domestic_other"


class AgriPlatformKind(models.TextChoices):
    PLATFORM = "platform", _("Agricultural S&T platform")
    HIGH_LEVEL = "high_level", _("High-level modern agricultural innovation platform")
    KEY_AGRI_INSTITUTE = "key_agri_institute", _("Key agricultural enterprise research institute")
