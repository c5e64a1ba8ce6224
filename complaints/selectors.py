"""Screen-shaped reads. Each returns what its page needs, related rows already loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from complaints.models import EligibilityView, SuperComplaint
from workflow.models import DueDateChange, TransitionLog


def complaints_visible_to(user: Any) -> QuerySet[SuperComplaint]:
    return SuperComplaint.objects.visible_to(user).select_related("organisation")


def complaint_for_page(user: Any, pk: int) -> QuerySet[SuperComplaint]:
    """The complaint with its body and investigation, restricted to what `user` may see. What
    only its record reads is loaded when the record is rendered (`load_record`); the rest (the
    repeated complaint, the team) is read only by the few pages and people that need it."""
    return (
        SuperComplaint.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("organisation", "investigation")
    )


def _views() -> Prefetch:
    return Prefetch(
        "eligibility_views",
        queryset=EligibilityView.objects.select_related(
            "authority", "recorded_by"
        ).order_by("recorded_at", "pk"),
    )


def load_views(complaint: SuperComplaint) -> None:
    """Loads the authorities' views of the complaint (once, however often they are read)."""
    prefetch_related_objects([complaint], _views())


def load_record(complaint: SuperComplaint) -> None:
    """Loads what the record on the complaint's page shows beyond the rows read with it (what
    is loaded already is not read again)."""
    prefetch_related_objects(
        [complaint],
        "evidence",
        "forces_concerned",
        "investigation__progress_reports",
        _views(),
    )


def intake_queue(user: Any) -> QuerySet[SuperComplaint]:
    """HMICFRS's queue: everything awaiting a decision, the soonest acknowledgement due first."""
    return (
        SuperComplaint.objects.visible_to(user)
        .awaiting_triage()
        .select_related("organisation")
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    by: str
    organisation: str
    text: str


def timeline_for(complaint: SuperComplaint) -> list[TimelineEntry]:
    """Every recorded event on the complaint, oldest first: transitions, views, moved due dates."""
    states = dict(SuperComplaint.State.choices)
    entries = [
        TimelineEntry(
            at=log.at,
            title=f"{states.get(log.source, log.source)} → {states.get(log.target, log.target)}",
            by=str(log.by),
            organisation=log.organisation.name if log.organisation else "",
            text=log.reason,
        )
        for log in TransitionLog.objects.for_object(complaint).select_related(
            "by", "organisation"
        )
    ]
    entries += [
        TimelineEntry(
            at=view.recorded_at,
            title=f"{view.authority.display_name}: {view.get_view_display()}",
            by=str(view.recorded_by),
            organisation=view.authority.name,
            text=view.reasons,
        )
        for view in complaint.eligibility_views.all()
    ]
    entries += [
        TimelineEntry(
            at=change.at,
            title=f"{change.old_date:%d %B %Y} → {change.new_date:%d %B %Y}",
            by="",
            organisation="",
            text=change.reason,
        )
        for change in DueDateChange.objects.for_object(complaint)
    ]
    return sorted(entries, key=lambda entry: entry.at)
