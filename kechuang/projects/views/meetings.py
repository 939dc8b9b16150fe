"""Acceptance (验收) meetings: the list, the meeting's page with its sessions, agenda and panel,
the forms, the conclusions recorded per project, and the sign-in and score sheets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.accounts.scope import restrict
from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.domain.records import save_from_form
from kechuang.core.views import ScopedDetailView, ScopedListView

from ..domain import meetings
from ..domain.conflicts import conflict_pairs, conflict_reasons
from ..enums import Conclusion, PanelRole
from ..enums import State as S
from ..interfaces import exporters, sheets
from ..interfaces.review_forms import (
    ConclusionForm,
    MeetingFilter,
    MeetingForm,
    PanelForm,
    ScheduleForm,
    SessionForm,
)
from ..models import (
    AcceptanceMeeting,
    Application,
    Expert,
    MeetingSession,
    PanelMember,
    SessionProject,
)
from ..reference import EXPORT, MANAGE
from .common import VIEW_MEETING, export_url, take_step, xlsx


class MeetingList(ScopedListView):
    model = AcceptanceMeeting
    permission = VIEW_MEETING
    filterset_class = MeetingFilter
    template_name = "projects/meeting_list.html"
    table_template_name = "projects/meeting_list_table.html"
    sort_fields = {"held_on": ("held_on",), "name": ("name",), "year": ("year", "batch")}
    default_sort = "-held_on"
    export = exporters.MEETINGS
    export_permission = EXPORT

    def get_queryset(self):
        return meetings.with_counts(super().get_queryset().select_related("agency"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            list_url=reverse("projects:meeting-list"),
            create_url=reverse("projects:meeting-create")
            if self.request.user.has_perm(MANAGE)
            else "",
            export_url=export_url(self.request.user, "projects:meeting-export"),
        )
        return context


def _meeting(request, pk, perm=VIEW_MEETING) -> AcceptanceMeeting:
    meeting = get_object_or_404(
        restrict(AcceptanceMeeting.objects.select_related("agency"), request.user), pk=pk
    )
    if not request.user.has_perm(VIEW_MEETING, meeting):
        raise PermissionDenied
    if perm != VIEW_MEETING and not request.user.has_perm(perm):
        raise PermissionDenied
    return meeting


class MeetingDetail(ScopedDetailView):
    model = AcceptanceMeeting
    permission = VIEW_MEETING
    template_name = "projects/meeting_detail.html"

    def get_base_queryset(self):
        return AcceptanceMeeting.objects.select_related("agency")

    def history_children(self):
        meeting = self.object
        return [
            *meeting.sessions.all(),
            *SessionProject.objects.filter(session__meeting=meeting),
            *meeting.panel.all(),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(meeting_context(self.request, self.object))
        return context


def meeting_context(request, meeting) -> dict:
    user = request.user
    can_manage = user.has_perm(MANAGE)
    sessions = list(meeting.sessions.all())
    slots = list(
        SessionProject.objects.filter(session__meeting=meeting)
        .select_related("application__undertaker", "application__call")
        .order_by("sort", "id")
    )
    in_scope = set(
        restrict(
            Application.objects.filter(pk__in=[s.application_id for s in slots]), user
        ).values_list("pk", flat=True)
    )
    concluded_any = any(s.conclusion for s in slots)
    for session in sessions:
        session.slots = [s for s in slots if s.session_id == session.pk]
        for slot in session.slots:
            slot.can_conclude = (
                can_manage
                and not slot.conclusion
                and slot.application_id in in_scope
                and slot.application.state == S.ACCEPTANCE_APPLIED
            )
            slot.form = ConclusionForm(prefix=f"slot{slot.pk}") if slot.can_conclude else None
    panel = list(meeting.panel.select_related("expert__organisation", "expert__title"))
    found = []
    expert_q = (request.GET.get("expert_q") or "").strip()
    if can_manage and expert_q:
        experts = list(
            Expert.objects.filter(
                Q(name__ilike_contains=expert_q) | Q(organisation__name__ilike_contains=expert_q)
            )
            .exclude(pk__in=[m.expert_id for m in panel])
            .select_related("organisation")
            .order_by("name")[:20]
        )
        clashes = conflict_pairs([s.application_id for s in slots], [e.pk for e in experts])
        by_app = {s.application_id: s.application for s in slots}
        for expert in experts:
            conflicted = [by_app[a] for a, e in clashes if e == expert.pk]
            found.append(
                {
                    "expert": expert,
                    "conflicts": [
                        (application, conflict_reasons(expert, application))
                        for application in conflicted
                    ],
                }
            )
    today = timezone.localdate()
    return {
        "meeting": meeting,
        "sessions": sessions,
        "slot_count": len(slots),
        "panel": panel,
        "has_chair": any(m.role == PanelRole.CHAIR for m in panel),
        "can_manage": can_manage,
        "schedule_form": ScheduleForm(meeting, user=user) if can_manage and sessions else None,
        "expert_q": expert_q,
        "found_experts": found,
        "panel_roles": PanelRole.choices,
        "concluded_any": concluded_any,
        "held": meeting.held_on <= today,
        "conclusions": Conclusion.choices,
    }


@login_required
def meeting_edit(request, pk=None):
    if pk:
        meeting = _meeting(request, pk, MANAGE)
    else:
        if not request.user.has_perm(MANAGE):
            raise PermissionDenied
        meeting = AcceptanceMeeting()
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_from_form(form, request.user)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(saved.get_absolute_url())
    return render(
        request,
        "projects/meeting_form.html",
        {
            "form": form,
            "object": meeting if pk else None,
            "title": _("Edit the meeting") if pk else _("New acceptance meeting"),
            "cancel_url": meeting.get_absolute_url() if pk else reverse("projects:meeting-list"),
        },
    )


@login_required
def session_edit(request, pk, session_pk=None):
    meeting = _meeting(request, pk, MANAGE)
    if session_pk:
        session = get_object_or_404(MeetingSession, pk=session_pk, meeting=meeting)
    else:
        session = MeetingSession(meeting=meeting, sort=meeting.sessions.count() + 1)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Saved."))
        return redirect(meeting.get_absolute_url())
    return render(
        request,
        "projects/meeting_form.html",
        {
            "form": form,
            "object": session if session_pk else None,
            "title": _("Edit the session") if session_pk else _("New session"),
            "meeting": meeting,
            "cancel_url": meeting.get_absolute_url(),
        },
    )


@login_required
@require_POST
def session_delete(request, pk, session_pk):
    meeting = _meeting(request, pk, MANAGE)
    with transaction.atomic():
        session = get_object_or_404(
            MeetingSession.objects.select_for_update(), pk=session_pk, meeting=meeting
        )
        if session.projects.exists():
            messages.error(
                request,
                _("The session “%(session)s” has projects on its agenda; move them first.")
                % {"session": session.name},
            )
        else:
            session.delete()
            messages.success(
                request, _("Session “%(session)s” removed.") % {"session": session.name}
            )
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_schedule(request, pk):
    meeting = _meeting(request, pk, MANAGE)
    form = ScheduleForm(meeting, request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(meeting.get_absolute_url())
    application, session = form.cleaned_data["application"], form.cleaned_data["session"]
    return _step(
        request,
        meeting,
        lambda: meetings.schedule(session, application, request.user),
        lambda: (
            _("“%(project)s” is on the agenda of %(session)s.")
            % {"project": application.name, "session": session.name}
        ),
    )


@login_required
@require_POST
def meeting_unschedule(request, pk, slot_pk):
    meeting = _meeting(request, pk, MANAGE)
    slot = get_object_or_404(
        SessionProject.objects.select_related("application"), pk=slot_pk, session__meeting=meeting
    )
    return _step(
        request,
        meeting,
        lambda: meetings.unschedule(slot, request.user),
        lambda: _("“%(project)s” taken off the agenda.") % {"project": slot.application.name},
    )


@login_required
@require_POST
def meeting_panel_add(request, pk):
    meeting = _meeting(request, pk, MANAGE)
    form = PanelForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose an expert of the pool and the role."))
        return redirect(meeting.get_absolute_url())
    expert, role = form.cleaned_data["expert"], form.cleaned_data["role"]
    return _step(
        request,
        meeting,
        lambda: meetings.add_panel_member(meeting, expert, request.user, role=role),
        lambda: _("%(name)s joined the panel.") % {"name": expert.name},
    )


@login_required
@require_POST
def meeting_panel_remove(request, pk, member_pk):
    meeting = _meeting(request, pk, MANAGE)
    member = get_object_or_404(
        PanelMember.objects.select_related("expert"), pk=member_pk, meeting=meeting
    )
    return _step(
        request,
        meeting,
        lambda: meetings.remove_panel_member(member, request.user),
        lambda: _("%(name)s left the panel.") % {"name": member.expert.name},
    )


@login_required
@require_POST
def meeting_conclude(request, pk, slot_pk):
    meeting = _meeting(request, pk, MANAGE)
    slot = get_object_or_404(
        SessionProject.objects.select_related("application", "session__meeting"),
        pk=slot_pk,
        session__meeting=meeting,
    )
    if not restrict(Application.objects.filter(pk=slot.application_id), request.user).exists():
        raise Http404
    form = ConclusionForm(request.POST, prefix=f"slot{slot.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a conclusion."))
        return redirect(meeting.get_absolute_url())
    conclusion, opinion = form.cleaned_data["conclusion"], form.cleaned_data["opinion"]
    return _step(
        request,
        meeting,
        lambda: meetings.conclude(slot, conclusion, opinion, request.user),
        lambda: (
            _("“%(project)s”: %(conclusion)s, recorded on %(date)s.")
            % {
                "project": slot.application.name,
                "conclusion": slot.get_conclusion_display(),
                "date": meeting.held_on.isoformat(),
            }
        ),
    )


def _step(request, meeting, step, said):
    """Take a step of the meeting (a domain function): its refusal, or what ``said()`` says
    once it is taken, as a message on the meeting's page."""
    take_step(request, step, said)
    return redirect(meeting.get_absolute_url())


@login_required
def meeting_sign_in(request, pk):
    return _sheet(request, pk, sheets.sign_in_sheet, "sign-in", _("Sign-in sheet"))


@login_required
def meeting_score_sheet(request, pk):
    return _sheet(request, pk, sheets.score_sheet, "score-sheet", _("Score sheet"))


def _sheet(request, pk, make, kind: str, comment: str):
    """A printable sheet of the meeting (``make(meeting)``), audited as an export."""
    meeting = _meeting(request, pk)
    content = make(meeting)
    chain.record(AuditAction.EXPORT, meeting, comment=comment)
    return xlsx(content, f"{meeting.code}-{kind}-{meeting.held_on.strftime('%Y%m%d')}.xlsx")
