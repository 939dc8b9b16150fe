"""The revision of a policy: its versions and their consultation.

    new version ─▶ draft ──start_consultation──▶ consultation ──adopt──▶ adopted ──▶ superseded
                     │                               │                      │   (when a later
                     └─────────────── withdraw ──────┴──────────────────────┘    version is
                                          ▼                                       adopted)
                                      withdrawn

A policy has at most one version in draft or consultation and at most one adopted version at a
time. Consultation asks named bodies (a registry organisation or just a name) for their opinion;
each reply is recorded with the body's position. Adoption is refused while a body has not
replied (the error names them), takes effect from a given date and supersedes the version in
force, which then ends the day before. A new version starts as a draft with the adopted text.

Every step checks the user's permission on the version (``rules.py``), then — under a lock on
the policy's row, so of two people acting at once one wins and the other is told — the state,
and writes the step's fields and one TRANSITION audit event per version it moves, in one
transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.concurrency import save_versioned
from kechuang.registry.models import Organisation

from ..enums import OPEN_VERSION_STATES, OpinionPosition, PolicyDomain
from ..enums import VersionState as S
from ..models import ConsultationOpinion, Policy, PolicyVersion
from .common import acting, not_in_future, reload, require
from .errors import ServicesError

ADD_POLICY = "services.add_policy"
CHANGE_POLICY = "services.change_policy"
ADD = "services.add_policyversion"
CHANGE = "services.change_policyversion"
ADOPT = "services.adopt_policyversion"
DRAFT_FIELDS = ("title", "summary", "text", "document_number")


@dataclass(frozen=True)
class Transition:
    id: str
    from_states: tuple[str, ...]
    to_state: str
    permission: str
    label: Promise
    needs_comment: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "start_consultation",
        (S.DRAFT,),
        S.CONSULTATION,
        CHANGE,
        gettext_lazy("Start the consultation"),
    ),
    Transition("adopt", (S.CONSULTATION,), S.ADOPTED, ADOPT, gettext_lazy("Adopt")),
    Transition(
        "withdraw",
        (S.DRAFT, S.CONSULTATION, S.ADOPTED),
        S.WITHDRAWN,
        ADOPT,
        gettext_lazy("Withdraw"),
        needs_comment=True,
    ),
)
BY_ID = {t.id: t for t in TRANSITIONS}
# Not a step anyone takes: what adopting a later version does to the one in force.
SUPERSEDE = Transition("supersede", (S.ADOPTED,), S.SUPERSEDED, ADOPT, gettext_lazy("Supersede"))


class PolicyError(ServicesError):
    """A step refused for a reason the user can act on."""


class WrongStateError(PolicyError):
    """The version is not (or no longer) in a state the step leaves from."""


class OutstandingOpinionsError(PolicyError):
    """Bodies consulted have not replied yet; ``bodies`` names them."""

    def __init__(self, message, bodies: list[str]):
        super().__init__(message)
        self.bodies = bodies


def _state_label(state: str) -> str:
    return str(S(state).label)


def _wrong_state(step: Transition, state: str) -> WrongStateError:
    allowed = "”“".join(_state_label(s) for s in step.from_states)
    return WrongStateError(
        _(
            "This version is now “%(state)s”; “%(action)s” is possible only when it is "
            "“%(allowed)s”. Someone may have acted on it before you: reload the page to see its "
            "current state."
        )
        % {"state": _state_label(state), "action": step.label, "allowed": allowed}
    )


def available(version: PolicyVersion, user) -> list[Transition]:
    """The steps ``user`` may take on ``version`` in its present state."""
    return [
        t
        for t in TRANSITIONS
        if version.state in t.from_states and user.has_perm(t.permission, version)
    ]


def _lock(version: PolicyVersion) -> PolicyVersion:
    """Lock the version's policy (the lock of all its versions), then read the version."""
    Policy.objects.select_for_update().filter(pk=version.policy_id).values_list("pk").get()
    return PolicyVersion.objects.select_for_update().get(pk=version.pk)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _move(locked: PolicyVersion, step: Transition, comment: str = "", **values) -> None:
    """Write the step: the state and ``values``, the next version number, one audit event."""
    if locked.state not in step.from_states:
        raise _wrong_state(step, locked.state)
    changes = {"state": [locked.state, step.to_state]}
    for name, value in values.items():
        before = getattr(locked, name)
        if before != value:
            changes[name] = [
                _iso(before) if isinstance(before, dt.date) else before,
                _iso(value) if isinstance(value, dt.date) else value,
            ]
    PolicyVersion.objects.filter(pk=locked.pk).update(
        state=step.to_state, **values, version=F("version") + 1, updated_at=timezone.now()
    )
    chain.record(
        AuditAction.TRANSITION, locked, changes=changes, comment=comment or str(step.label)
    )


# Policies and drafts ---------------------------------------------------------------------------


def create_policy(
    user,
    *,
    title: str,
    domain: str = PolicyDomain.OTHER,
    issuer: str = "",
    note: str = "",
    summary: str = "",
    text: str = "",
) -> Policy:
    """A new policy with its first version, a draft of ``text``."""
    require(user, ADD_POLICY)
    require(user, ADD)
    title = (title or "").strip()
    if not title:
        raise PolicyError(_("A policy needs a title."), "title")
    if domain not in PolicyDomain.values:
        raise PolicyError(_("“%(value)s” is not a policy domain.") % {"value": domain}, "domain")
    creator = user if user.is_authenticated else None
    with acting(user), transaction.atomic():
        policy = Policy.objects.create(
            title=title, domain=domain, issuer=issuer, note=note, created_by=creator
        )
        PolicyVersion.objects.create(
            policy=policy, number=1, title=title, summary=summary, text=text, created_by=creator
        )
    return policy


def save_draft(version: PolicyVersion, user, expected_version: int, **fields) -> PolicyVersion:
    """Edit a draft's title, summary, text or document number; only a draft may be edited, and
    the edit names the version it started from (``ConcurrentEditError`` otherwise)."""
    require(user, CHANGE, version)
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with acting(user), transaction.atomic():
        state = _lock(version).state
        if state != S.DRAFT:
            raise WrongStateError(
                _("Only a draft can be edited; this version is now “%(state)s”.")
                % {"state": _state_label(state)}
            )
        for name, value in fields.items():
            setattr(version, name, value)
        if not version.title.strip():
            raise PolicyError(_("A version needs a title."), "title")
        save_versioned(version, expected_version)
    return version


def new_version(policy: Policy, user) -> PolicyVersion:
    """Start the next version of ``policy`` as a draft with the adopted version's text (or,
    with none adopted, the latest version's). Refused while a version is a draft or in
    consultation."""
    require(user, ADD)
    require(user, CHANGE_POLICY, policy)
    with acting(user), transaction.atomic():
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        versions = PolicyVersion.objects.filter(policy=locked)
        open_version = versions.filter(state__in=OPEN_VERSION_STATES).first()
        if open_version is not None:
            raise WrongStateError(
                _(
                    "Version %(number)s of this policy is still “%(state)s”: adopt or withdraw "
                    "it before starting another."
                )
                % {"number": open_version.number, "state": _state_label(open_version.state)}
            )
        source = versions.filter(state=S.ADOPTED).first() or versions.order_by("-number").first()
        number = (versions.aggregate(last=Max("number"))["last"] or 0) + 1
        draft = PolicyVersion.objects.create(
            policy=locked,
            number=number,
            title=source.title if source else locked.title,
            summary=source.summary if source else "",
            text=source.text if source else "",
            created_by=user if user.is_authenticated else None,
        )
    return draft


# The steps -----------------------------------------------------------------------------------------


def _bodies(bodies) -> list[tuple[str, Organisation | None]]:
    found: list[tuple[str, Organisation | None]] = []
    for body in bodies or ():
        if isinstance(body, Organisation):
            found.append((body.name, body))
        else:
            name = str(body or "").strip()
            if name:
                found.append((name, None))
    if not found:
        raise PolicyError(_("Name at least one body to consult."), "bodies")
    names = [name for name, _organisation in found]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise PolicyError(
            _("A body is consulted once: %(names)s named more than once.")
            % {"names": "、".join(repeated)},
            "bodies",
        )
    return found


def start_consultation(
    version: PolicyVersion, bodies, user, *, on: dt.date | None = None, comment: str = ""
) -> PolicyVersion:
    """Send the draft to ``bodies`` (names or registry organisations) for their opinions."""
    step = BY_ID["start_consultation"]
    require(user, step.permission, version)
    bodies = _bodies(bodies)
    on = not_in_future(on or timezone.localdate(), "requested_on")
    creator = user if user.is_authenticated else None
    with acting(user), transaction.atomic():
        locked = _lock(version)
        _move(locked, step, comment)
        for name, organisation in bodies:
            ConsultationOpinion.objects.create(
                policy_version=locked,
                body=name,
                organisation=organisation,
                requested_on=on,
                created_by=creator,
            )
    reload(version)
    return version


def record_opinion(
    opinion: ConsultationOpinion,
    user,
    *,
    position: str,
    text: str = "",
    replied_on: dt.date | None = None,
) -> ConsultationOpinion:
    """Record a consulted body's reply while its version is in consultation."""
    require(user, CHANGE, opinion.policy_version)
    if position not in OpinionPosition.values:
        raise PolicyError(_("Choose the body's position."), "position")
    replied_on = not_in_future(replied_on or timezone.localdate(), "replied_on")
    with acting(user), transaction.atomic():
        version = _lock(opinion.policy_version)
        if version.state != S.CONSULTATION:
            raise WrongStateError(
                _(
                    "Opinions are recorded while the version is in consultation; it is now "
                    "“%(state)s”."
                )
                % {"state": _state_label(version.state)}
            )
        locked = ConsultationOpinion.objects.select_for_update().get(pk=opinion.pk)
        if locked.replied_on is not None:
            raise PolicyError(
                _("%(body)s already replied on %(date)s.")
                % {"body": locked.body, "date": locked.replied_on.isoformat()}
            )
        if replied_on < locked.requested_on:
            raise PolicyError(
                _("The reply cannot come before the request (%(date)s).")
                % {"date": locked.requested_on.isoformat()},
                "replied_on",
            )
        locked.replied_on = replied_on
        locked.position = position
        locked.opinion = text
        locked.version += 1
        locked.save()
    reload(opinion)
    return opinion


def adopt(
    version: PolicyVersion,
    user,
    effective_from: dt.date,
    *,
    on: dt.date | None = None,
    document_number: str = "",
    comment: str = "",
) -> PolicyVersion:
    """Adopt a version in consultation once every consulted body replied; it takes effect on
    ``effective_from`` and supersedes the version in force, which ends the day before."""
    step = BY_ID["adopt"]
    require(user, step.permission, version)
    if not isinstance(effective_from, dt.date):
        raise PolicyError(_("Give the date the version takes effect."), "effective_from")
    on = not_in_future(on or timezone.localdate(), "adopted_on")
    with acting(user), transaction.atomic():
        locked = _lock(version)
        if locked.state not in step.from_states:
            raise _wrong_state(step, locked.state)
        waiting = list(locked.opinions.outstanding().values_list("body", flat=True))
        if waiting:
            raise OutstandingOpinionsError(
                _("The version cannot be adopted before every body consulted replied: %(bodies)s.")
                % {"bodies": "、".join(waiting)},
                waiting,
            )
        previous = (
            PolicyVersion.objects.select_for_update()
            .filter(policy_id=locked.policy_id, state=S.ADOPTED)
            .exclude(pk=locked.pk)
            .first()
        )
        if previous is not None:
            if effective_from <= previous.effective_from:
                raise PolicyError(
                    _(
                        "The new version must take effect after version %(number)s, in effect "
                        "from %(date)s."
                    )
                    % {"number": previous.number, "date": previous.effective_from.isoformat()},
                    "effective_from",
                )
            ends = effective_from - dt.timedelta(days=1)
            if previous.effective_to is not None:
                ends = min(ends, previous.effective_to)
            _move(
                previous,
                SUPERSEDE,
                _("Superseded by version %(number)s") % {"number": locked.number},
                effective_to=ends,
            )
        values = {"adopted_on": on, "effective_from": effective_from, "effective_to": None}
        if document_number:
            values["document_number"] = document_number
        _move(locked, step, comment, **values)
    reload(version)
    return version


def withdraw(
    version: PolicyVersion, user, *, comment: str, on: dt.date | None = None
) -> PolicyVersion:
    """Withdraw a draft, a version in consultation or the adopted one (giving the reason). An
    adopted version withdrawn on a day is in force until the day before."""
    step = BY_ID["withdraw"]
    require(user, step.permission, version)
    comment = (comment or "").strip()
    if not comment:
        raise PolicyError(
            _("Give the reason: “%(action)s” needs a comment.") % {"action": step.label},
            "comment",
        )
    on = not_in_future(on or timezone.localdate(), "on")
    with acting(user), transaction.atomic():
        locked = _lock(version)
        values = {}
        if locked.state == S.ADOPTED:
            last_day = on - dt.timedelta(days=1)
            if last_day >= locked.effective_from and (
                locked.effective_to is None or last_day < locked.effective_to
            ):
                values["effective_to"] = last_day
        _move(locked, step, comment, **values)
    reload(version)
    return version
