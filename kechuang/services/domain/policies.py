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

The steps are a ``core.domain.workflow.Workflow`` (:data:`WORKFLOW`): each checks the user's
permission on the version (``rules.py``), then — under a lock on the policy's row, so of two
people acting at once one wins and the other is told — the state, and writes the step's fields
and one TRANSITION audit event per version it moves (the adopted one and the one it
supersedes), in one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.audit import chain  # noqa: F401 (the steps' events, written by the core's perform)
from kechuang.core.domain import workflow
from kechuang.core.domain.concurrency import save_versioned
from kechuang.core.domain.workflow import Move, Transition
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


class PolicyError(ServicesError):
    """A step refused for a reason the user can act on."""


class WrongStateError(PolicyError, workflow.WrongStateError):
    """The version is not (or no longer) in a state the step leaves from."""


class OutstandingOpinionsError(PolicyError):
    """Bodies consulted have not replied yet; ``bodies`` names them."""

    def __init__(self, message, bodies: list[str]):
        super().__init__(message)
        self.bodies = bodies


def _adopt(move: Move) -> None:
    """Adoption waits for every body consulted, and supersedes the version in force, which
    ends the day before the new one takes effect."""
    locked, effective_from = move.record, move.params["effective_from"]
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
        workflow.write(
            WORKFLOW,
            previous,
            SUPERSEDE,
            comment=_("Superseded by version %(number)s") % {"number": locked.number},
            values={"effective_to": ends},
        )
    move.values.update(adopted_on=move.on, effective_from=effective_from, effective_to=None)
    if move.params["document_number"]:
        move.values["document_number"] = move.params["document_number"]


def _withdraw(move: Move) -> None:
    """An adopted version withdrawn on a day is in force until the day before."""
    locked = move.record
    if locked.state == S.ADOPTED:
        last_day = move.on - dt.timedelta(days=1)
        if last_day >= locked.effective_from and (
            locked.effective_to is None or last_day < locked.effective_to
        ):
            move.values["effective_to"] = last_day


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "start_consultation",
        (S.DRAFT,),
        S.CONSULTATION,
        CHANGE,
        gettext_lazy("Start the consultation"),
    ),
    Transition("adopt", (S.CONSULTATION,), S.ADOPTED, ADOPT, gettext_lazy("Adopt"), guard=_adopt),
    Transition(
        "withdraw",
        (S.DRAFT, S.CONSULTATION, S.ADOPTED),
        S.WITHDRAWN,
        ADOPT,
        gettext_lazy("Withdraw"),
        needs_comment=True,
        guard=_withdraw,
    ),
)
# Not a step anyone takes: what adopting a later version does to the one in force.
SUPERSEDE = Transition("supersede", (S.ADOPTED,), S.SUPERSEDED, ADOPT, gettext_lazy("Supersede"))
# The input each step's date comes from (named in the refusal of a date in the future).
DATE_FIELDS = {"start_consultation": "requested_on", "adopt": "adopted_on", "withdraw": "on"}


def _lock_policy(version: PolicyVersion) -> None:
    """The lock of all the versions of a policy: its row."""
    Policy.objects.select_for_update().filter(pk=version.policy_id).values_list("pk").get()


WORKFLOW = workflow.Workflow(
    model=PolicyVersion,
    states=S,
    transitions=TRANSITIONS,
    wrong_state_message=gettext_lazy(
        "This version is now “%(state)s”; “%(action)s” is possible only when it is "
        "“%(allowed)s”. Someone may have acted on it before you: reload the page to see its "
        "current state."
    ),
    lock_first=_lock_policy,
    check_date=lambda step, on, today: not_in_future(on, DATE_FIELDS[step.id]),
    wrong_state_error=WrongStateError,
    comment_error=PolicyError,
    comment_field="comment",
)
BY_ID = WORKFLOW.by_id


def _state_label(state: str) -> str:
    return WORKFLOW.state_label(state)


def available(version: PolicyVersion, user) -> list[Transition]:
    """The steps ``user`` may take on ``version`` in its present state."""
    return WORKFLOW.available(version, user)


def _lock(version: PolicyVersion) -> PolicyVersion:
    """Lock the version's policy (the lock of all its versions), then read the version."""
    _lock_policy(version)
    return workflow.lock(WORKFLOW, version)


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
    require(user, BY_ID["start_consultation"].permission, version)
    bodies = _bodies(bodies)
    on = on or timezone.localdate()
    creator = user if user.is_authenticated else None
    with acting(user), transaction.atomic():
        workflow.perform(WORKFLOW, version, "start_consultation", user, comment=comment, on=on)
        for name, organisation in bodies:
            ConsultationOpinion.objects.create(
                policy_version=version,
                body=name,
                organisation=organisation,
                requested_on=on,
                created_by=creator,
            )
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
    require(user, BY_ID["adopt"].permission, version)
    if not isinstance(effective_from, dt.date):
        raise PolicyError(_("Give the date the version takes effect."), "effective_from")
    return workflow.perform(
        WORKFLOW,
        version,
        "adopt",
        user,
        comment=comment,
        on=on,
        effective_from=effective_from,
        document_number=document_number,
    )


def withdraw(
    version: PolicyVersion, user, *, comment: str, on: dt.date | None = None
) -> PolicyVersion:
    """Withdraw a draft, a version in consultation or the adopted one (giving the reason). An
    adopted version withdrawn on a day is in force until the day before."""
    return workflow.perform(WORKFLOW, version, "withdraw", user, comment=comment, on=on)
