"""The lifecycle of an enterprise R&D institution's certification, and the queries the indicator
engine and the pages read.

A certification is one :class:`RDInstitution` record from its certification to its end. Each
step below runs in one transaction with the records it changes locked, refuses to touch a record
that has already ended, writes an :class:`RDInstitutionEvent` (what happened, for people) and an
``AuditAction.TRANSITION`` audit event (the lifecycle step, besides the automatic audit of the
saves):

- :func:`certify` creates a record (event ``certified``);
- :func:`upgrade` ends it (``upgraded``) and certifies its successor at a higher level (the new
  record gets a ``certified`` event naming the level it came from);
- :func:`rename` changes the name of a record in force (``renamed``);
- :func:`merge` ends it in favour of another record in force (``merged``);
- :func:`revoke` ends it (``revoked``), with the reason.

A record ended "on" a date is no longer in force on that date, and its successor is in force from
it, so "in force at a date" is a plain filter (``RDInstitution.objects.in_force``).
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils.translation import gettext as _

from kechuang.audit import chain
from kechuang.audit.context import acting_as, current_actor
from kechuang.audit.enums import AuditAction
from kechuang.audit.tracking import field_values
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.registry.models import Organisation

from ..enums import RDEnd, RDEventKind
from ..models import RDInstitution, RDInstitutionEvent

# Writing -----------------------------------------------------------------------------------------


def _acting(actor):
    """Attribute the audit events to ``actor`` unless a request or command already names one."""
    if actor is None or current_actor().user_id is not None:
        return nullcontext()
    return acting_as(actor)


def _level(level) -> CodeItem:
    """A kind-and-level item of the R&D level list, given as an item or by its stable code."""
    if isinstance(level, CodeItem):
        item = level
    else:
        item = CodeItem.objects.filter(code_list=CodeList.RD_LEVEL, code=level).first()
        if item is None:
            raise ValidationError(
                _("“%(level)s” is not an R&D institution level.") % {"level": level}
            )
    if item.code_list != CodeList.RD_LEVEL or item.parent_id is None:
        raise ValidationError(_("“%(level)s” is not an R&D institution level.") % {"level": item})
    return item


def _locked(institution: RDInstitution) -> RDInstitution:
    """The record as stored, locked for this transaction."""
    return RDInstitution.objects.select_for_update().get(pk=institution.pk)


def ensure_in_force(record: RDInstitution) -> None:
    """Refuse (``ValidationError``, saying when and why it ended) a record that has ended."""
    if record.ended_on is not None:
        raise ValidationError(
            _(
                "“%(name)s” is no longer in force: it ended on %(date)s (%(reason)s). "
                "Only a certification in force can change."
            )
            % {
                "name": record.name,
                "date": record.ended_on.isoformat(),
                "reason": record.get_end_reason_display(),
            }
        )


def _refuse_before_certified(record: RDInstitution, on: dt.date) -> None:
    if on < record.certified_on:
        raise ValidationError(
            _("The date %(date)s is before “%(name)s” was certified (%(certified)s).")
            % {
                "date": on.isoformat(),
                "name": record.name,
                "certified": record.certified_on.isoformat(),
            }
        )


def _refresh(instance: RDInstitution) -> None:
    """Bring the caller's instance up to date with what was saved (and its audit snapshot, so
    a later save of it records only its own changes)."""
    instance.refresh_from_db()
    instance._audit_snapshot = field_values(instance)
    instance.__dict__.pop("_audit_loaded", None)


def _event(record, kind, on, **fields) -> RDInstitutionEvent:
    return RDInstitutionEvent.objects.create(
        institution=record, kind=kind, happened_on=on, **fields
    )


def _end(record: RDInstitution, on: dt.date, reason: str, successor=None) -> None:
    record.ended_on = on
    record.end_reason = reason
    record.successor = successor
    record.version += 1
    record.save()


def certify(
    host: Organisation,
    name: str,
    level,
    year: int,
    on: dt.date,
    batch: str = "",
    document_number: str = "",
    actor=None,
    *,
    note: str = "",
) -> RDInstitution:
    """Certify ``host``'s R&D institution ``name`` at ``level`` (an item or its code) in the
    batch of ``year``, in force from ``on``."""
    level = _level(level)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("An R&D institution needs a name."))
    with _acting(actor), transaction.atomic():
        record = RDInstitution.objects.create(
            host=host,
            name=name,
            level=level,
            certified_year=year,
            certified_on=on,
            batch=batch,
            document_number=document_number,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _event(
            record,
            RDEventKind.CERTIFIED,
            on,
            new_name=name,
            document_number=document_number,
            note=note,
        )
        chain.record(
            AuditAction.TRANSITION,
            record,
            comment=_("Certified as %(level)s on %(date)s")
            % {"level": level, "date": on.isoformat()},
        )
    return record


def upgrade(
    institution: RDInstitution,
    new_level,
    year: int,
    on: dt.date,
    document_number: str = "",
    actor=None,
    name: str | None = None,
    *,
    batch: str = "",
) -> RDInstitution:
    """End ``institution`` as upgraded on ``on`` and certify its successor at ``new_level``
    (a higher rank: a lower ``sort``), under ``name`` or its present name. Returns the new
    record."""
    new_level = _level(new_level)
    with _acting(actor), transaction.atomic():
        old = _locked(institution)
        ensure_in_force(old)
        _refuse_before_certified(old, on)
        old_level = CodeItem.objects.get(pk=old.level_id)
        if new_level.sort >= old_level.sort:
            raise ValidationError(
                _("An upgrade must be to a higher level: “%(new)s” does not rank above “%(old)s”.")
                % {"new": new_level, "old": old_level}
            )
        new_name = (name or "").strip() or old.name
        new = RDInstitution.objects.create(
            host_id=old.host_id,
            name=new_name,
            level=new_level,
            certified_year=year,
            certified_on=on,
            batch=batch,
            document_number=document_number,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _end(old, on, RDEnd.UPGRADED, successor=new)
        _event(
            old,
            RDEventKind.UPGRADED,
            on,
            old_name=old.name,
            new_name=new_name,
            document_number=document_number,
            note=_("Upgraded to %(level)s") % {"level": new_level},
        )
        _event(
            new,
            RDEventKind.CERTIFIED,
            on,
            new_name=new_name,
            document_number=document_number,
            note=_("Upgraded from %(level)s") % {"level": old_level},
        )
        chain.record(
            AuditAction.TRANSITION,
            old,
            comment=_("Upgraded from %(old)s to %(new)s on %(date)s")
            % {"old": old_level, "new": new_level, "date": on.isoformat()},
        )
    _refresh(institution)
    return new


def rename(institution: RDInstitution, new_name: str, on: dt.date, actor=None) -> RDInstitution:
    """Rename a certification in force from ``on`` (it stays the same certification)."""
    new_name = (new_name or "").strip()
    if not new_name:
        raise ValidationError(_("An R&D institution needs a name."))
    with _acting(actor), transaction.atomic():
        record = _locked(institution)
        ensure_in_force(record)
        _refuse_before_certified(record, on)
        if new_name == record.name:
            raise ValidationError(_("“%(name)s” already has this name.") % {"name": record.name})
        old_name = record.name
        record.name = new_name
        record.version += 1
        record.save()
        _event(record, RDEventKind.RENAMED, on, old_name=old_name, new_name=new_name)
        chain.record(
            AuditAction.TRANSITION,
            record,
            comment=_("Renamed from “%(old)s” to “%(new)s” on %(date)s")
            % {"old": old_name, "new": new_name, "date": on.isoformat()},
        )
    _refresh(institution)
    return record


def merge(
    institution: RDInstitution, into: RDInstitution, on: dt.date, actor=None
) -> RDInstitution:
    """End ``institution`` on ``on``: merged into ``into``, which stays in force."""
    if institution.pk == into.pk:
        raise ValidationError(_("A certification cannot be merged into itself."))
    with _acting(actor), transaction.atomic():
        # Lock both in a fixed order, so two merges of the same pair cannot deadlock.
        locked = {
            r.pk: r
            for r in RDInstitution.objects.select_for_update()
            .filter(pk__in=[institution.pk, into.pk])
            .order_by("pk")
        }
        record, target = locked[institution.pk], locked[into.pk]
        ensure_in_force(record)
        ensure_in_force(target)
        _refuse_before_certified(record, on)
        _refuse_before_certified(target, on)
        _end(record, on, RDEnd.MERGED, successor=target)
        _event(
            record,
            RDEventKind.MERGED,
            on,
            old_name=record.name,
            new_name=target.name,
            note=_("Merged into %(name)s") % {"name": target.name},
        )
        chain.record(
            AuditAction.TRANSITION,
            record,
            comment=_("Merged into “%(name)s” on %(date)s")
            % {"name": target.name, "date": on.isoformat()},
        )
    _refresh(institution)
    return record


def revoke(institution: RDInstitution, on: dt.date, reason: str, actor=None) -> RDInstitution:
    """End ``institution`` on ``on``: its certification was revoked for ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for revoking the certification."))
    with _acting(actor), transaction.atomic():
        record = _locked(institution)
        ensure_in_force(record)
        _refuse_before_certified(record, on)
        _end(record, on, RDEnd.REVOKED)
        _event(record, RDEventKind.REVOKED, on, old_name=record.name, note=reason)
        chain.record(
            AuditAction.TRANSITION,
            record,
            comment=_("Certification revoked on %(date)s: %(reason)s")
            % {"date": on.isoformat(), "reason": reason},
        )
    _refresh(institution)
    return record


# Reading -----------------------------------------------------------------------------------------


def in_force(on: dt.date) -> QuerySet:
    """Certifications in force on ``on``."""
    return RDInstitution.objects.in_force(on)


def highest_per_host(on: dt.date) -> QuerySet:
    """For each host with a certification in force on ``on``, the rank of its best level
    (``best``: the lowest ``sort``): ``[{"host": pk, "best": rank}, …]`` in one query.

    Counting hosts by their best level counts each enterprise once, at its highest level.
    """
    return in_force(on).values("host").annotate(best=Min("level__sort")).order_by("host")


def certified_in(first_year: int, last_year: int | None = None) -> QuerySet:
    """Certifications of the batches of ``first_year`` to ``last_year`` (one year if omitted),
    upgrades included: an upgrade is a new certification at the higher level."""
    return RDInstitution.objects.certified_in(first_year, last_year)
