from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kechuang.audit.tracking import AuditedModel

from .enums import CodeList, ImportStatus


def optional_fk(to, **options) -> models.ForeignKey:
    """A reference a record may leave empty (``null`` and ``blank``); ``on_delete`` and the rest
    as for any ``ForeignKey``."""
    return models.ForeignKey(to, null=True, blank=True, **options)


class NotBefore(models.CheckConstraint):
    """A date of a record that may not come before another of its dates (an end before its
    start, a review before its report): one declaration for the database's check constraint
    and for the message validation gives on the ``later`` field — forms, API and imports alike
    (``Model.full_clean`` and ``validate_constraints`` call ``validate``). An empty ``later``
    passes; so does an empty ``earlier`` where it may be empty (``earlier_optional``).

    Migrations see a plain ``CheckConstraint`` with the same condition (``deconstruct``; it
    compares equal to one): the message is not part of the database."""

    def __init__(self, later: str, earlier: str, *, name: str, message, earlier_optional=False):
        condition = Q(**{f"{later}__isnull": True})
        if earlier_optional:
            condition |= Q(**{f"{earlier}__isnull": True})
        condition |= Q(**{f"{later}__gte": F(earlier)})
        super().__init__(condition=condition, name=name)
        self.later, self.earlier, self.message = later, earlier, message
        self.earlier_optional = earlier_optional

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs

    def clone(self):
        options = {"message": self.message, "earlier_optional": self.earlier_optional}
        return type(self)(self.later, self.earlier, name=self.name, **options)

    def validate(self, model, instance, exclude=None, using=None):
        """The message stands on the later date, or on the earlier one where only that one is
        being validated (a form without the later date: a closed rectification's visit moved
        past its closing is refused on the visit's date, not by the database)."""
        exclude = exclude or ()
        on = self.earlier if self.later in exclude else self.later
        if on in exclude:
            return
        later, earlier = getattr(instance, self.later), getattr(instance, self.earlier)
        if later is not None and earlier is not None and later < earlier:
            raise ValidationError({on: ValidationError(self.message, code="not_before")})


def date_order_errors(record, exclude=()) -> dict[str, str]:
    """What the record's :class:`NotBefore` constraints say of it, by field (no query): for an
    import, which checks rows without the database's other constraints."""
    found = {}
    for constraint in record._meta.constraints:
        if not isinstance(constraint, NotBefore):
            continue
        if {constraint.later, constraint.earlier} & (set(exclude) | set(found)):
            continue  # a date already refused is not refused twice
        try:
            constraint.validate(type(record), record)
        except ValidationError as error:
            found.update((name, messages[0]) for name, messages in error.message_dict.items())
    return found


class CodeItemQuerySet(models.QuerySet):
    def of(self, code_list: str):
        return self.filter(code_list=code_list, active=True)


class CodeItem(AuditedModel):
    """An item of a code list (字典项): industry chains, GB/T 4754 classes, titles …

    Code refers to items by their stable ``code``; what people read is ``name`` (Chinese) or
    ``name_en``. Hierarchical lists (GB/T 4754 sections and divisions) use ``parent``.
    """

    code_list = models.CharField(_("code list"), max_length=40, choices=CodeList.choices)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    parent = optional_fk(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, related_name="children"
    )
    sort = models.PositiveIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = CodeItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("code list item")
        verbose_name_plural = _("code list items")
        ordering = ["code_list", "sort", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code"], name="codeitem_unique_code")
        ]

    def __str__(self):
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


def code_item(verbose, code_list, **extra):
    """A foreign key to an item of ``code_list`` (``limit={...}`` narrows the choices further,
    e.g. to the items below a parent)."""
    return models.ForeignKey(
        CodeItem,
        verbose_name=verbose,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list": code_list, **extra.pop("limit", {})},
        **extra,
    )


def code_items(verbose, code_list, **extra):
    """Several items of ``code_list`` (``blank=True`` where a record may have none)."""
    return models.ManyToManyField(
        CodeItem,
        verbose_name=verbose,
        related_name="+",
        limit_choices_to={"code_list": code_list},
        **extra,
    )


class TrackedModel(AuditedModel):
    """A record that knows its creator, times and version (for detecting concurrent edits)."""

    created_by = optional_fk(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Synthetic record of the demo data set (演示数据)."),
    )

    class Meta:
        abstract = True

    def get_absolute_url(self):
        """The record's page, ``<app>:<model>-detail``: a model whose page is named otherwise
        says so; for one without a page this raises ``NoReverseMatch`` (``record_url``: none)."""
        return reverse(f"{self._meta.app_label}:{self._meta.model_name}-detail", args=[self.pk])


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An import is its uploader's working file: only they (and administrators) see it."""
        if user.is_active and user.is_superuser:
            return self
        return self.filter(created_by_id=user.pk) if user.is_authenticated else self.none()


class ImportJob(models.Model):
    """One Excel import: the uploaded file, its check (preview and row errors) and its commit."""

    importer = models.CharField(_("import kind"), max_length=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    file = models.CharField(_("stored file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    language = models.CharField(
        _("language"),
        max_length=10,
        default="zh-hans",
        help_text=_("The uploader's language: errors are written in it."),
    )
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    message = models.TextField(_("message"), blank=True)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status == ImportStatus.VALIDATING else 100
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in {ImportStatus.VALIDATING, ImportStatus.COMMITTING}


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in a user's in-app inbox (e.g. "your application was returned for changes").

    Written by ``core.domain.notify`` together with the change it reports (same transaction);
    the e-mail copy is sent once that transaction commits.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
        ]

    def __str__(self):
        return self.title


class Attachment(models.Model):
    """A file attached to a record (an application's documents, a call's guide …).

    Files live under MEDIA_ROOT (outside the web root, never served directly) with random names;
    they are read back only through a view that checks access to the record they belong to. See
    ``core.domain.attachments`` for what is accepted.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    purpose = models.CharField(_("purpose"), max_length=50, blank=True)
    file = models.CharField(_("stored file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_owner_idx")]

    def __str__(self):
        return self.original_name
