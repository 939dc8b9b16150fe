"""Stable codes of the plan-project area. Codes never change; labels are what people read."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    MAJOR = "major", _("Major (重大)")
    KEY = "key", _("Key (重点)")
    GENERAL = "general", _("General (一般)")


class Field(models.TextChoices):
    INDUSTRY = "industry", _("Industry (工业)")
    AGRICULTURE = "agriculture", _("Agriculture (农业)")
    SOCIAL = "social", _("Social development (社会发展)")


class State(models.TextChoices):
    """The states of a plan project, from application to closure (see domain/workflow.py)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    CHECK_REJECTED = "check_rejected", _("Rejected at the formal check")
    CHECKED = "checked", _("Formal check passed")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")
    RECOMMENDED = "recommended", _("Recommended")
    IN_REVIEW = "in_review", _("In expert review")
    NOT_APPROVED = "not_approved", _("Not approved")
    APPROVED = "approved", _("Approved for funding")
    PUBLICITY = "publicity", _("In publicity")
    IN_PROGRESS = "in_progress", _("Contract signed, in progress")
    RECTIFYING = "rectifying", _("Rectifying after the mid-term check")
    MIDTERM_PASSED = "midterm_passed", _("Mid-term check passed")
    ACCEPTANCE_APPLIED = "acceptance_applied", _("Acceptance applied for")
    ACCEPTED = "accepted", _("Accepted")
    RECONSIDER = "reconsider", _("Acceptance to be reconsidered")
    ACCEPTANCE_FAILED = "acceptance_failed", _("Failed the acceptance")
    CLOSED = "closed", _("Closed")
    TERMINATED = "terminated", _("Terminated")


class MidtermResult(models.TextChoices):
    PASS = "pass", _("Qualified (合格)")
    RECTIFY = "rectify", _("Rectification required (整改)")
    FAIL = "fail", _("Unqualified (不合格)")


class Conclusion(models.TextChoices):
    """The conclusion of an acceptance (验收结论)."""

    PASS = "pass", _("Passed (通过)")
    RECONSIDER = "reconsider", _("To be reconsidered (需要复议)")
    FAIL = "fail", _("Failed (不通过)")


class Aggregation(models.TextChoices):
    """How a call aggregates its experts' scores of one application."""

    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    TRIMMED_MEAN = "trimmed_mean", _("Mean without the highest and the lowest")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ExtensionState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class PanelRole(models.TextChoices):
    CHAIR = "chair", _("Chair (组长)")
    MEMBER = "member", _("Member")


class ProgrammeCode:
    """Special programmes the demo data and the indicators refer to (codes of a code list)."""

    HITECH_ZONE = "hitech_zone_key"
