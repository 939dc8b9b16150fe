"""Structural choices of the services area (科技特派员, 科技类校外培训机构, 走访调研, 政策), and the
stable codes of the code-list items its code relies on. Labels people read live in translations
or in the code lists (administrators edit those)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Tech commissioners ----------------------------------------------------------------------------


class CommissionerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual commissioner")
    TEAM = "team", _("Commissioner team")
    LEGAL_ENTITY = "legal_entity", _("Legal-entity commissioner")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Team leader")
    MEMBER = "member", _("Team member")


class ActivityKind:
    """Codes of the commissioner activity kind list (政策宣传, 技术培训, 现场指导 …)."""

    POLICY_OUTREACH = "policy_outreach"
    TECHNICAL_TRAINING = "technical_training"
    ON_SITE_GUIDANCE = "on_site_guidance"
    TECHNICAL_CONSULTATION = "technical_consultation"
    OTHER = "other"


# Training institutions -------------------------------------------------------------------------


class InstitutionStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    RECTIFYING = "rectifying", _("Under rectification")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class Criterion:
    """Codes of the admission checklist's criteria (a code list administrators may extend)."""

    LEGAL_REGISTRATION = "legal_registration"
    SITE_SAFETY = "site_safety"
    FIRE_ACCEPTANCE = "fire_acceptance"
    TEACHER_QUALIFICATION = "teacher_qualification"
    COURSE_FILING = "course_filing"
    FEE_DISCLOSURE = "fee_disclosure"
    PREPAYMENT_SUPERVISION = "prepayment_supervision"


class CheckResult(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class AdmissionStatus(models.TextChoices):
    """An institution's overall admission status, computed from its checks (never stored)."""

    ADMITTED = "admitted", _("Admitted")
    NOT_ADMITTED = "not_admitted", _("Not admitted")
    PENDING = "pending", _("Checks pending")


# Field visits (走访调研 / 三服务) ---------------------------------------------------------------


class LeaderKind(models.TextChoices):
    INTERNAL = "internal", _("Bureau leader or staff")
    VISITING = "visiting", _("Visiting leader from another body")


class HostKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PARK = "park", _("Park")
    INCUBATOR = "incubator", _("Incubator")
    INSTITUTE = "institute", _("Research institute")
    OTHER = "other", _("Other")


class IssueCategory:
    """Codes of the field-visit issue category list."""

    FINANCING = "financing"
    TALENT = "talent"
    TECHNOLOGY = "technology"
    LAND_AND_PREMISES = "land_and_premises"
    POLICY = "policy"
    MARKET = "market"
    OTHER = "other"


# Policies ----------------------------------------------------------------------------------------


class PolicyDomain(models.TextChoices):
    SCIENCE_FINANCE = "science_finance", _("Science and technology finance")
    TALENT = "talent", _("Talent")
    INNOVATION = "innovation", _("Innovation")
    OTHER = "other", _("Other")


class VersionState(models.TextChoices):
    """States of a policy version (ids stable, labels separate).

    draft → consultation → adopted; an adopted version is superseded when a later one is
    adopted; a draft, a version in consultation or an adopted one may be withdrawn."""

    DRAFT = "draft", _("Draft")
    CONSULTATION = "consultation", _("In consultation")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_VERSION_STATES = (VersionState.DRAFT, VersionState.CONSULTATION)


class OpinionPosition(models.TextChoices):
    AGREE = "agree", _("Agree")
    AGREE_WITH_CHANGES = "agree_with_changes", _("Agree with changes")
    DISAGREE = "disagree", _("Disagree")
