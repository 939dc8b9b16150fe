"""The services' report exports: the follow-ups (with their visit and issue, and whether each is
overdue) and the policies (the version in force, the one under revision, the bodies yet to
reply). Their lists export them (``record_types.py``); every other list's export comes from its
declaration, in its import template's columns."""

from django.utils import timezone

from kechuang.core.interfaces.excel import Export, yes_no

from .. import models
from ..enums import VersionState
from .columns import FOLLOW_UP_COLUMNS, POLICY_COLUMNS


def name_of(item) -> str:
    """The name of a code-list item or town ("" for none)."""
    return item.name if item is not None else ""


def follow_up_row(f, today=None) -> dict:
    visit, owner = f.issue.visit, f.owner
    return {
        "visited_on": visit.visited_on,
        "host": visit.host,
        "town": name_of(visit.town),
        "issue": f.issue.description,
        "category": name_of(f.issue.category),
        "action": f.action,
        "owner": str(owner) if owner else "",
        "owner_body": f.owner_body,
        "due_on": f.due_on,
        "closed_on": f.closed_on,
        "result": f.result,
        "overdue": yes_no(f.is_overdue(today or timezone.localdate())),
    }


FOLLOW_UPS = Export(
    sheet="走访问题跟进",
    columns=FOLLOW_UP_COLUMNS,
    loader=lambda: models.FollowUp.objects.select_related(
        "owner",
        "issue__category",
        "issue__visit__town",
        "issue__visit__host_organisation",
    ),
    row=follow_up_row,
)


def policy_row(p) -> dict:
    versions = list(p.versions.all())  # prefetched, newest first
    adopted = next((v for v in versions if v.state == VersionState.ADOPTED), None)
    open_version = next((v for v in versions if v.is_open), None)
    outstanding = []
    if open_version is not None:
        outstanding = [o.body for o in open_version.opinions.all() if o.outstanding]
    return {
        "title": p.title,
        "domain": p.get_domain_display(),
        "issuer": p.issuer,
        "adopted_number": adopted.number if adopted else None,
        "adopted_title": adopted.title if adopted else "",
        "document_number": adopted.document_number if adopted else "",
        "adopted_on": adopted.adopted_on if adopted else None,
        "effective_from": adopted.effective_from if adopted else None,
        "effective_to": adopted.effective_to if adopted else None,
        "open_number": open_version.number if open_version else None,
        "open_state": open_version.get_state_display() if open_version else "",
        "outstanding": "、".join(outstanding),
        "note": p.note,
    }


POLICIES = Export(
    sheet="政策",
    columns=POLICY_COLUMNS,
    loader=lambda: models.Policy.objects.prefetch_related("versions__opinions"),
    row=policy_row,
)
