"""The review results of a call: every application's scores per phase and criterion, ranked,
and their export."""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from kechuang.accounts.scope import restrict
from kechuang.audit import chain
from kechuang.audit.enums import AuditAction

from ..domain import scoring
from ..enums import State as S
from ..interfaces import exporters
from ..models import Call
from ..reference import APPROVE, ASSIGN, EXPORT, REVIEW
from .common import VIEW_CALL, stamp, xlsx


def _results_call(request, pk) -> Call:
    user = request.user
    if not (user.has_perm(REVIEW) or user.has_perm(APPROVE) or user.has_perm(ASSIGN)):
        raise PermissionDenied
    call = get_object_or_404(restrict(Call.objects.all(), user), pk=pk)
    if not user.has_perm(VIEW_CALL, call):
        raise PermissionDenied
    return call


def _results(request, call: Call):
    applications = restrict(call.applications.exclude(state=S.DRAFT), request.user)
    return scoring.call_results(call, applications)


@login_required
def call_results(request, pk):
    call = _results_call(request, pk)
    results = _results(request, call)
    rank = 0
    for result in results:
        if result.aggregate is not None:
            rank += 1
            result.rank = rank
        else:
            result.rank = None
    user = request.user
    return render(
        request,
        "projects/review_results.html",
        {
            "call": call,
            "results": results,
            "phases": list(call.phases.all()),
            "criteria": list(call.criteria.all()),
            "can_assign": user.has_perm(ASSIGN),
            "can_export": user.has_perm(EXPORT),
            "complete": sum(1 for r in results if r.complete),
        },
    )


@login_required
def call_results_export(request, pk):
    call = _results_call(request, pk)
    if not request.user.has_perm(EXPORT):
        raise PermissionDenied
    results = _results(request, call)
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    count = exporters.write_results(spool, results)
    chain.record(
        AuditAction.EXPORT,
        call,
        changes={"rows": count},
        comment=_("Review results export"),
    )
    spool.seek(0)
    return xlsx(spool, f"review-results-{call.code}-{stamp()}.xlsx")
