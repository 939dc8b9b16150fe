from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeList(models.TextChoices):
    """The code lists (字典) the platform keeps; their items are data, editable by admins."""

    INDUSTRY_CHAIN = "industry_chain", _("Industry chain")
    INDUSTRY_CLASS = "industry_class", _("Industry classification (GB/T 4754-2017)")
    QUALIFICATION_KIND = "qualification_kind", _("Qualification kind")
    TITLE = "title", _("Professional title")
    TALENT_LEVEL = "talent_level", _("Talent level")
    DEGREE = "degree", _("Degree")
    RD_LEVEL = "rd_level", _("R&D institution kind and level")
    SIGNING_FIELD = "signing_field", _("Signed project field")
    SIGNING_ORIGIN = "signing_origin", _("Signed project origin")
    PROJECT_PROGRAMME = "project_programme", _("Plan-project special programme")
    TECH_FIELD = "tech_field", _("Technical field")
    SERVICE_ACTIVITY_KIND = "service_activity_kind", _("Tech commissioner activity kind")
    INSTITUTION_CRITERION = "institution_criterion", _("Training institution admission criterion")
    VISIT_ISSUE_CATEGORY = "visit_issue_category", _("Field visit issue category")
    SHELTER_FACILITY = "shelter_facility", _("Emergency shelter facility")


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("Checking the file")
    READY = "ready", _("Checked: ready to import")
    INVALID = "invalid", _("Has errors: nothing imported")
    COMMITTING = "committing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed: nothing imported")
