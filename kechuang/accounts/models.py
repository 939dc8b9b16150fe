from django.contrib.auth.models import AbstractUser, Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from kechuang.audit.tracking import AuditedModel

from .enums import DataScope, DepartmentKind, UserKind


class Department(AuditedModel):
    """A node of the department tree: the bureau, its sections (科室) and the towns' offices."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="department_unique_name")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        node = self.parent
        while node is not None:
            if node.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A department cannot be its own ancestor.")})
            node = node.parent

    def descendant_ids(self) -> set[int]:
        """This department and every department below it (the tree is small: one query)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found, stack = set(), [self.pk]
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(children.get(pk, []))
        return found


class Role(AuditedModel):
    """A role carries model permissions and a data scope."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    data_scope = models.CharField(
        _("data scope"), max_length=30, choices=DataScope.choices, default=DataScope.SELF
    )
    custom_departments = models.ManyToManyField(
        Department, verbose_name=_("custom departments"), blank=True, related_name="+"
    )
    permissions = models.ManyToManyField(
        Permission, verbose_name=_("permissions"), blank=True, related_name="roles"
    )
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class User(AuditedModel, AbstractUser):
    """A person who logs in: bureau or town staff, an organisation's user, or an expert."""

    # Logins are audited as events of their own; a password's hash never enters the log.
    audit_exclude = ("password", "last_login")

    kind = models.CharField(
        _("kind"), max_length=20, choices=UserKind.choices, default=UserKind.STAFF
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=UserKind.ORGANISATION)
                | models.Q(organisation__isnull=False),
                name="user_organisation_kind_has_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=UserKind.ORGANISATION)
                | models.Q(organisation__isnull=True),
                name="user_organisation_only_for_organisation_kind",
            ),
        ]

    def __str__(self):
        return self.display_name or self.username

    def clean(self):
        super().clean()
        if self.kind == UserKind.ORGANISATION and not self.organisation_id:
            raise ValidationError(
                {"organisation": _("An organisation user needs an organisation.")}
            )
        if self.kind != UserKind.ORGANISATION and self.organisation_id:
            raise ValidationError(
                {"organisation": _("Only organisation users belong to an organisation.")}
            )

    def audit_changes(self, created: bool) -> dict:
        changes = super().audit_changes(created)
        before = getattr(self, "_audit_password", None)
        if not created and before is not None and before != self.password:
            changes["password"] = ["***", "*** (changed)"]
        self._audit_password = self.password
        return changes

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._audit_password = instance.__dict__.get("password")
        return instance

    @cached_property
    def role_list(self) -> list[Role]:
        """The user's roles with their custom departments, loaded once per request."""
        return list(self.roles.prefetch_related("custom_departments"))

    @cached_property
    def role_permissions(self) -> frozenset[str]:
        """Model permissions ("app_label.codename") granted through the user's roles."""
        if not self.is_active:
            return frozenset()
        rows = Permission.objects.filter(roles__users=self).values_list(
            "content_type__app_label", "codename"
        )
        return frozenset(f"{app}.{codename}" for app, codename in rows)
