"""The monitoring dashboard across every complaint's recommendations, its CSV export and the
progress-report PDFs. Who may open them: `can_monitor_responses` (else 403). What they show: only
`RecommendationResponse.objects.visible_to(user)`, so a designated body sees its own complaints'
recommendations and nothing else (else 404)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts import permissions as perms
from accounts.models import Organisation, OrganisationKind
from investigations.models import Investigation
from recommendations import charts, page_cache, progress
from recommendations.csv_export import csv_response
from recommendations.models import RecommendationResponse
from recommendations.progress import Figures, Filters
from recommendations.progress_pdf import (
    render_complaint_progress_pdf,
    render_organisation_progress_pdf,
)
from workflow import deadlines

State = RecommendationResponse.State
# The ids of the page's state patterns (charts.shared_defs, drawn once), which every chart fills with.
PATTERNS = "pattern"
# Each recommendation's row and the organisations-by-recommendations grid are shown for a selection
# of at most this many recommendations (a complaint's report has a few dozen); beyond it the page
# asks for a narrower filter rather than draw thousands of rows.
DETAIL_LIMIT = 100


def response_url(pk: int) -> str:
    # The recipient's workspace page of one response (the responses app owns it).
    return f"/responses/{pk}/"


class MonitoringFilterForm(forms.Form):
    """What the dashboard (and its CSV) is narrowed to. Choices come from what the user can see."""

    complaint = forms.ModelChoiceField(
        label=gettext_lazy("Super-complaint"),
        queryset=Investigation.objects.none(),
        required=False,
        empty_label=gettext_lazy("All super-complaints"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of organisation"),
        choices=[("", gettext_lazy("All kinds"))]
        + [(k.value, k.label) for k in progress.RECIPIENT_KINDS],
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("All organisations"),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("All statuses")), *State.choices],
        required=False,
    )
    overdue = forms.BooleanField(
        label=gettext_lazy("Overdue responses only"), required=False
    )
    # Set by the drill-down links of the recommendations table.
    recommendation = forms.IntegerField(
        required=False, min_value=1, widget=forms.HiddenInput
    )

    def __init__(self, data: QueryDict, *, visible: Any) -> None:
        super().__init__(data)
        complaint = self.fields["complaint"]
        complaint.queryset = progress.investigations_with_responses(visible)
        complaint.label_from_instance = lambda i: (
            f"{i.complaint.reference}: {i.report_title}"
        )
        self.fields["organisation"].queryset = progress.organisations_with_responses(
            visible
        )
        for name in ("complaint", "kind", "organisation", "state"):
            self.fields[name].widget.attrs["class"] = "govuk-select"
        self.fields["overdue"].widget.attrs["class"] = "govuk-checkboxes__input"

    def filters(self) -> Filters:
        """The valid part of what was asked for; a field in error narrows nothing (and says so)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return Filters(
            investigation=data.get("complaint"),
            kind=data.get("kind") or "",
            organisation=data.get("organisation"),
            state=data.get("state") or "",
            overdue_only=bool(data.get("overdue")),
            recommendation_id=data.get("recommendation"),
        )


def _require_monitor(request: HttpRequest) -> None:
    if not perms.can_monitor_responses(request.user):
        raise PermissionDenied


def _filtered(
    user: Any, params: QueryDict, today: date
) -> tuple[MonitoringFilterForm, Filters, Any]:
    visible = progress.responses_for_monitoring(user, today=today)
    form = MonitoringFilterForm(params, visible=visible)
    filters = form.filters()
    return (
        form,
        filters,
        progress.responses_for_monitoring(user, filters=filters, today=today),
    )


def _query(params: QueryDict, **changes: Any) -> str:
    query = params.copy()
    for name, value in changes.items():
        query[name] = value
    return "?" + query.urlencode()


@dataclass(frozen=True)
class Row:
    """One line of a roll-up table: the figures, its two charts and where it drills down to."""

    rollup: Figures
    bar: SafeString
    elapsed: SafeString
    link: str


def _rows(rollups: Sequence[Figures], *, params: QueryDict, drill: str) -> list[Row]:
    longest = max((r.days_since_publication or 0 for r in rollups), default=0)
    rows = []
    for rollup in rollups:
        rows.append(
            Row(
                rollup=rollup,
                bar=charts.stacked_bar(rollup.state_counts(), patterns=PATTERNS),
                elapsed=charts.elapsed_bar(
                    rollup.days_since_publication, longest=longest
                ),
                link=_query(params, **{drill: rollup.key}),
            )
        )
    return rows


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_monitor(request)
    today = timezone.localdate()
    # Everything below the page's frame is the same for everyone who sees the same responses,
    # and is kept until the data changes (recommendations/page_cache.py).
    content = page_cache.visible_content(
        "monitoring-dashboard",
        request.user,
        request.GET,
        today=today,
        template="recommendations/monitoring/_dashboard_content.html",
        context=_dashboard_context,
    )
    response = render(
        request, "recommendations/monitoring/dashboard.html", {"content": content}
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _dashboard_context(user: Any, params: QueryDict, today: date) -> dict[str, Any]:
    """What the dashboard's content shows to `user` for the filters in `params`: nothing of the
    user but what they may see (it is shared by everyone with the same visibility)."""
    form, filters, queryset = _filtered(user, params, today)
    # The figures are counted by the database; the responses themselves are fetched only for a
    # selection small enough to list each recommendation and draw the grid.
    tallies = progress.tallies(queryset, today=today)
    show_detail = 0 < tallies.recommendations <= DETAIL_LIMIT
    responses = list(queryset) if show_detail else []
    overall = tallies.overall
    params = params.copy()
    drilled_recommendation = next(
        (
            r.recommendation
            for r in responses
            if r.recommendation_id == filters.recommendation_id
        ),
        None,
    )
    return {
        "form": form,
        "today": today,
        "responses": responses,
        "show_detail": show_detail,
        "recommendation_count": tallies.recommendations,
        "is_filtered": any(params.values()),
        "drilled_recommendation": drilled_recommendation,
        "without_recommendation": _query(params, recommendation=""),
        "csv_query": params.urlencode(),
        "headline": progress.headline(overall),
        "overall": overall,
        "overall_chart": charts.state_bars(
            overall.state_counts(),
            chart_id="monitoring-overall",
            title=_("Responses by status"),
            patterns=PATTERNS,
        ),
        "recommendation_rows": _rows(
            progress.by_recommendation(responses, today=today),
            params=params,
            drill="recommendation",
        ),
        "report_rows": _rows(
            tallies.by_report,
            params=params,
            drill="complaint",
        ),
        "organisation_rows": _rows(
            tallies.by_organisation,
            params=params,
            drill="organisation",
        ),
        "grid": _grid(progress.grid(responses), today),
        "pattern_defs": charts.shared_defs(PATTERNS),
        "legend": charts.legend(prefix=PATTERNS),
        "states": State.choices,
        "abbreviations": progress.STATE_ABBREVIATIONS,
        "kind_labels": dict(OrganisationKind.choices),
    }


@dataclass(frozen=True)
class GridCell:
    response: RecommendationResponse
    url: str
    swatch: SafeString
    abbreviation: str
    overdue: bool
    # Who and which recommendation, for screen readers: the column heading is abbreviated.
    label: str


def _grid(grid: progress.Grid, today: date) -> dict[str, Any]:
    rows = []
    for row in grid.rows:
        cells: list[GridCell | None] = []
        for response in row.cells:
            if response is None:
                cells.append(None)
                continue
            overdue = response.is_overdue(today)
            abbreviation = progress.STATE_ABBREVIATIONS[response.state]
            cells.append(
                GridCell(
                    response=response,
                    url=response_url(response.pk),
                    swatch=charts.swatch(
                        response.state,
                        prefix=PATTERNS,
                        text=abbreviation + ("!" if overdue else ""),
                        size=22,
                    ),
                    abbreviation=abbreviation,
                    overdue=overdue,
                    label=f"{row.organisation.name}, "
                    f"{progress.recommendation_label(response.recommendation)}",
                )
            )
        rows.append({"organisation": row.organisation, "cells": cells})
    return {"columns": grid.columns, "rows": rows}


def _local_day(moment: Any) -> str:
    return deadlines.local_date(moment).isoformat() if moment else ""


CSV_HEADER = (
    gettext_lazy("Complaint reference"),
    gettext_lazy("Report title"),
    gettext_lazy("Recommendation"),
    gettext_lazy("Recommendation text"),
    gettext_lazy("Organisation"),
    gettext_lazy("Kind of organisation"),
    gettext_lazy("Status"),
    gettext_lazy("Outcome"),
    gettext_lazy("Response"),
    gettext_lazy("Issued"),
    gettext_lazy("Due"),
    gettext_lazy("Originally due"),
    gettext_lazy("Response published"),
    gettext_lazy("Work started"),
    gettext_lazy("Implementation reported"),
    gettext_lazy("Verified"),
    gettext_lazy("Overdue"),
)


def _csv_rows(responses: Any, today: date) -> Iterator[tuple[str | int, ...]]:
    for r in responses.iterator(chunk_size=500):
        investigation = r.recommendation.investigation
        yield (
            investigation.complaint.reference or "",
            investigation.report_title,
            r.recommendation.number,
            r.recommendation.text,
            r.organisation.name,
            r.organisation.get_kind_display(),
            r.get_state_display(),
            # A draft is the recipient's own until published: only a published outcome and text go out.
            r.get_outcome_display() if r.published_at else "",
            r.response_text if r.published_at else "",
            _local_day(r.issued_at),
            r.due_on.isoformat(),
            r.original_due_on.isoformat(),
            _local_day(r.published_at),
            _local_day(r.work_started_at),
            _local_day(r.implementation_reported_at),
            _local_day(r.verified_at),
            _("yes") if r.is_overdue(today) else _("no"),
        )


@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    _require_monitor(request)
    today = timezone.localdate()
    _form, _filters, responses = _filtered(request.user, request.GET, today)
    response = csv_response(
        f"recommendation-responses-{today.isoformat()}.csv",
        [str(h) for h in CSV_HEADER],
        _csv_rows(responses, today),
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def complaint_pdf(request: HttpRequest, investigation_pk: int) -> HttpResponse:
    _require_monitor(request)
    today = timezone.localdate()
    investigation = get_object_or_404(
        Investigation.objects.select_related("complaint__organisation"),
        pk=investigation_pk,
        published_report__isnull=False,
    )
    responses = list(
        progress.responses_for_monitoring(
            request.user, filters=Filters(investigation=investigation), today=today
        )
    )
    if not responses:
        # Not one of the user's complaints (or nothing issued): as if it did not exist.
        raise Http404
    reference = investigation.complaint.reference or str(investigation.pk)
    return _pdf(
        render_complaint_progress_pdf(investigation, responses, today=today),
        f"progress-{reference}-{today.isoformat()}.pdf",
    )


@require_GET
def organisation_pdf(request: HttpRequest, org_pk: int) -> HttpResponse:
    _require_monitor(request)
    today = timezone.localdate()
    organisation = get_object_or_404(Organisation, pk=org_pk)
    responses = list(
        progress.responses_for_monitoring(
            request.user, filters=Filters(organisation=organisation), today=today
        )
    )
    if not responses:
        raise Http404
    return _pdf(
        render_organisation_progress_pdf(organisation, responses, today=today),
        f"progress-{organisation.slug}-{today.isoformat()}.pdf",
    )
