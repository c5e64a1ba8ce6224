"""Screen-shaped reads of investigations. Each returns what its page needs, related rows loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet

from complaints.models import SuperComplaint
from complaints.selectors import TimelineEntry
from investigations.models import (
    EvidenceItem,
    FactCheckRequest,
    Investigation,
    SignOff,
    TeamMember,
)
from recommendations.models import Recommendation
from workflow import clock
from workflow.models import TransitionLog


def investigation_for_page(user: Any, pk: int) -> QuerySet[Investigation]:
    """The investigation with everything its pages read, restricted to what `user` may see."""
    return (
        Investigation.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("complaint__organisation")
        .prefetch_related(
            Prefetch(
                "team",
                queryset=TeamMember.objects.select_related("user__organisation"),
            ),
            "stage_periods",
            "themes",
            "progress_reports",
            "tasks__owner",
            "draft_contributors",
            Prefetch(
                "evidence_items",
                queryset=EvidenceItem.objects.select_related(
                    "owner", "organisation"
                ).prefetch_related("attachments"),
            ),
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.prefetch_related("named_recipients"),
            ),
            "actions__body",
            "redactions",
            Prefetch(
                "fact_check_requests",
                queryset=FactCheckRequest.objects.select_related(
                    "organisation"
                ).prefetch_related("comments__recorded_by"),
            ),
            Prefetch(
                "sign_offs",
                queryset=SignOff.objects.select_related("authority", "approved_by"),
            ),
        )
    )


def dashboard(user: Any) -> list[Investigation]:
    """The investigations on the user's teams (every one, for a monitor), soonest-due first."""
    return list(
        Investigation.objects.visible_to(user)
        .exclude(state=Investigation.State.PUBLISHED)
        .select_related("complaint__organisation")
        .prefetch_related("stage_periods", "progress_reports", "tasks", "team")
        .order_by("opened_at", "pk")
    )


@dataclass(frozen=True)
class StageDuration:
    stage: str
    days: int
    current: bool


def stage_durations(investigation: Investigation) -> list[StageDuration]:
    """Days spent in each stage, in the order the stages were entered (a stage entered twice, as
    after a pause, adds up)."""
    now = clock.now()
    totals: dict[str, timedelta] = {}
    current = ""
    for period in investigation.stage_periods.all():
        totals[period.stage] = totals.get(period.stage, timedelta()) + period.duration(
            now
        )
        if period.ended_at is None:
            current = period.stage
    labels = dict(Investigation.State.choices)
    return [
        StageDuration(str(labels[stage]), total.days, stage == current)
        for stage, total in totals.items()
    ]


def timeline_for(investigation: Investigation) -> list[TimelineEntry]:
    """Every recorded event, oldest first: stage changes, progress reports, fact-check comments
    and sign-offs."""
    states = dict(Investigation.State.choices)
    entries = [
        TimelineEntry(
            at=log.at,
            title=f"{states.get(log.source, log.source)} → {states.get(log.target, log.target)}",
            by=str(log.by),
            organisation=log.organisation.name if log.organisation else "",
            text=log.reason,
        )
        for log in TransitionLog.objects.for_object(investigation).select_related(
            "by", "organisation"
        )
    ]
    entries += [
        TimelineEntry(
            at=report.created_at,
            title=f"Progress report sent to {investigation.complaint.organisation.name}",
            by=str(report.written_by),
            organisation="",
            text=report.text,
        )
        for report in investigation.progress_reports.select_related("written_by")
    ]
    for request in investigation.fact_check_requests.all():
        entries += [
            TimelineEntry(
                at=comment.recorded_at,
                title=f"Fact-check comments from {request.organisation.name}",
                by=str(comment.recorded_by),
                organisation="",
                text=comment.text,
            )
            for comment in request.comments.all()
        ]
    entries += [
        TimelineEntry(
            at=sign_off.approved_at,
            title=f"Signed off for {sign_off.authority.name}",
            by=str(sign_off.approved_by),
            organisation=sign_off.authority.name,
            text=f"Voided: {sign_off.void_reason}" if sign_off.voided_at else "",
        )
        for sign_off in investigation.sign_offs.all()
    ]
    return sorted(entries, key=lambda entry: entry.at)


def public_complaints() -> QuerySet[SuperComplaint]:
    """Super-complaints the public may see: those being investigated or reported on (as GOV.UK lists
    them once they are found eligible)."""
    return (
        SuperComplaint.objects.filter(investigation__isnull=False)
        .select_related("organisation", "investigation__published_report")
        .order_by("-received_at")
    )


def overdue_summary(investigation: Investigation, today: date) -> dict[str, Any]:
    return {
        "tasks": investigation.overdue_tasks(today),
        "progress_report": investigation.is_progress_report_overdue(today),
    }
