from django.db import models
from django.utils.translation import gettext_lazy as _


class DataScope(models.TextChoices):
    """Which records a role may see (the convention of RuoYi and its Django ports)."""

    ALL = "all", _("All data")
    CUSTOM = "custom", _("Custom departments")
    DEPARTMENT = "department", _("Own department")
    DEPARTMENT_AND_BELOW = "department_and_below", _("Own department and below")
    SELF = "self", _("Own records only")


class UserKind(models.TextChoices):
    STAFF = "staff", _("Bureau or town staff")
    ORGANISATION = "organisation", _("Organisation user")
    EXPERT = "expert", _("Expert")


class DepartmentKind(models.TextChoices):
    BUREAU = "bureau", _("Bureau")
    SECTION = "section", _("Bureau section")
    TOWN_OFFICE = "town_office", _("Town office")
    GROUP = "group", _("Group")


class RoleCode(models.TextChoices):
    """Roles the platform ships with; administrators may add more."""

    ADMIN = "admin", _("Administrator")
    LEADER = "leader", _("Bureau leader")
    STAFF = "staff", _("Bureau staff")
    TOWN_OFFICER = "town_officer", _("Town officer")
    ORGANISATION = "organisation", _("Enterprise or institution user")
    EXPERT = "expert", _("Expert")
    COMMISSIONER = "commissioner", _("Tech commissioner")
