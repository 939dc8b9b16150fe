"""Conflicts of interest between experts and applications.

An expert is conflicted with an application when

* the expert works for the undertaking organisation or one of the cooperating organisations;
* the expert has declared a relation with one of those organisations (``declared_organisations``);
* the expert has declared a conflict on the assignment itself.

A conflicted expert is never assigned (manually or automatically), and if a conflict appears
after the assignment (a cooperator added, a declaration made) the assignment no longer shows:
the expert cannot list, open or export the application, through pages or the API. This module
is the one place that decides it; pages and the API ask :func:`expert_assignments`.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext as _

from ..models import Application, Assignment, Expert


def conflicted_assignments_q() -> Q:
    """Q on Assignment: the expert declared a conflict, or is conflicted with the application by
    organisation."""
    cooperators = Application.cooperators.through.objects.filter(
        application_id=OuterRef("application_id")
    )
    declared = Expert.declared_organisations.through.objects.filter(expert_id=OuterRef("expert_id"))
    return (
        Q(declared_conflict=True)
        | Q(expert__organisation_id=F("application__undertaker_id"))
        | Exists(cooperators.filter(organisation_id=OuterRef("expert__organisation_id")))
        | Exists(declared.filter(organisation_id=OuterRef("application__undertaker_id")))
        | Exists(cooperators.filter(organisation__declared_by_experts=OuterRef("expert_id")))
    )


def expert_assignments(user):
    """The assignments an expert user may see and work on: their own, none conflicted."""
    if not (user.is_authenticated and user.is_active):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(expert__user=user)
        .exclude(conflicted_assignments_q())
        .select_related("application", "phase", "phase__call", "expert")
    )


def assignment_visible(user, assignment: Assignment) -> bool:
    return expert_assignments(user).filter(pk=assignment.pk).exists()


def applications_for_expert(user):
    """Applications an expert user may open: those of their visible assignments."""
    return Application.objects.filter(pk__in=expert_assignments(user).values("application_id"))


def grouped(*pairs) -> dict[int, set[int]]:
    """The (key, value) pairs of every iterable given, as each key's set of values."""
    found: dict[int, set[int]] = {}
    for key, value in chain.from_iterable(pairs):
        found.setdefault(key, set()).add(value)
    return found


def conflict_pairs(
    application_ids: Iterable[int], expert_ids: Iterable[int]
) -> set[tuple[int, int]]:
    """Every (application id, expert id) pair among these that is conflicted by organisation,
    in four queries whatever the numbers."""
    application_ids, expert_ids = list(application_ids), list(expert_ids)
    orgs_of_app = grouped(
        Application.objects.filter(pk__in=application_ids).values_list("pk", "undertaker_id"),
        Application.cooperators.through.objects.filter(
            application_id__in=application_ids
        ).values_list("application_id", "organisation_id"),
    )
    orgs_of_expert = grouped(
        Expert.objects.filter(pk__in=expert_ids).values_list("pk", "organisation_id"),
        Expert.declared_organisations.through.objects.filter(expert_id__in=expert_ids).values_list(
            "expert_id", "organisation_id"
        ),
    )
    experts_of_org = grouped(
        (org_id, expert_id) for expert_id, orgs in orgs_of_expert.items() for org_id in orgs
    )
    pairs = set()
    for app_id, orgs in orgs_of_app.items():
        for org_id in orgs:
            for expert_id in experts_of_org.get(org_id, ()):
                pairs.add((app_id, expert_id))
    return pairs


def conflict_reasons(expert: Expert, application: Application) -> list[str]:
    """Why ``expert`` may not review ``application`` (empty: no conflict), for people to read."""
    return reasons_by_expert(application, [expert])[expert.pk]


def reasons_by_expert(application: Application, experts) -> dict[int, list[str]]:
    """:func:`conflict_reasons` of each of ``experts`` (by id), in two queries whatever their
    number."""
    partners = set(application.cooperators.values_list("pk", flat=True))
    declared: dict[int, set[int]] = {}
    for expert_id, org_id in Expert.declared_organisations.through.objects.filter(
        expert_id__in=[e.pk for e in experts]
    ).values_list("expert_id", "organisation_id"):
        declared.setdefault(expert_id, set()).add(org_id)
    found = {}
    for expert in experts:
        own = declared.get(expert.pk, set())
        reasons = []
        if expert.organisation_id == application.undertaker_id:
            reasons.append(_("The expert works for the undertaking organisation."))
        if expert.organisation_id in partners:
            reasons.append(_("The expert works for a cooperating organisation."))
        if application.undertaker_id in own or own & partners:
            reasons.append(
                _("The expert has declared a relation with an organisation of the project.")
            )
        found[expert.pk] = reasons
    return found
