"""Roll-ups of recipients' responses for the monitoring dashboard and progress reports: counts by
state, response rate, overdue and median times, by recommendation, by report and by organisation.

Everything here works on one list of responses fetched by `responses_for_monitoring`, so a page
costs the same number of queries however many complaints, recommendations and recipients it shows.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    FloatField,
    Func,
    IntegerField,
    Min,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationKind
from investigations.models import Investigation
from recommendations.models import (
    Recommendation,
    RecommendationResponse,
    ResponseQuerySet,
)
from workflow import deadlines
from workflow.deadlines import LONDON

State = RecommendationResponse.State

# Short labels for cells too small for the full name; always shown with the full name for
# assistive technology (an <abbr> and visually hidden text) and explained in the key.
STATE_ABBREVIATIONS: dict[str, str] = {
    State.AWAITING_RESPONSE: "AR",
    State.RESPONSE_PUBLISHED: "RP",
    State.IN_PROGRESS: "IP",
    State.IMPLEMENTATION_REPORTED: "IR",
    State.VERIFIED: "V",
}

# Organisations that receive recommendations: the kinds offered by the dashboard's filter.
RECIPIENT_KINDS = (
    OrganisationKind.POLICE_FORCE,
    OrganisationKind.LOCAL_POLICING_BODY,
    OrganisationKind.NATIONAL_BODY,
    OrganisationKind.COLLEGE,
)


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to; every field optional."""

    investigation: Investigation | None = None
    kind: str = ""
    organisation: Organisation | None = None
    state: str = ""
    overdue_only: bool = False
    recommendation_id: int | None = None


def responses_for_monitoring(
    user: Any, *, filters: Filters | None = None, today: date
) -> ResponseQuerySet:
    """Every response the user may see (`visible_to`), narrowed by `filters`, with what the
    dashboard, CSV and PDFs print already joined in."""
    filters = filters or Filters()
    responses = (
        RecommendationResponse.objects.visible_to(user)
        .published_report()
        .select_related(
            "organisation",
            "recommendation__investigation__complaint__organisation",
        )
        .order_by(
            "recommendation__investigation__report_published_on",
            "recommendation__investigation_id",
            "recommendation__number",
            "organisation__name",
        )
    )
    if filters.investigation is not None:
        responses = responses.filter(
            recommendation__investigation=filters.investigation
        )
    if filters.recommendation_id is not None:
        responses = responses.filter(recommendation_id=filters.recommendation_id)
    if filters.kind:
        responses = responses.filter(organisation__kind=filters.kind)
    if filters.organisation is not None:
        responses = responses.filter(organisation=filters.organisation)
    if filters.state:
        responses = responses.filter(state=filters.state)
    if filters.overdue_only:
        responses = responses.overdue(today)
    return responses


def days_between(start: Any, end: Any) -> int:
    """Whole days between two instants (or dates), counted on the calendar in England."""
    start_day = start if type(start) is date else deadlines.local_date(start)
    end_day = end if type(end) is date else deadlines.local_date(end)
    return (end_day - start_day).days


def days_to_response(response: RecommendationResponse) -> int | None:
    """Issue to published response; None while there is no published response."""
    if response.published_at is None:
        return None
    return days_between(response.issued_at, response.published_at)


def days_to_verification(response: RecommendationResponse) -> int | None:
    """Published response to verified implementation; None until verified."""
    if response.published_at is None or response.verified_at is None:
        return None
    return days_between(response.published_at, response.verified_at)


def median(values: Iterable[int]) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end` (31 January to 28 February is 0)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def elapsed_label(start: date, end: date) -> str:
    """ "1 year 3 months", "5 months" or "12 days": the time from `start` to `end`, roughly."""
    months = months_between(start, end)
    if months == 0:
        days = max((end - start).days, 0)
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    years, months = divmod(months, 12)
    parts = []
    if years:
        parts.append(ngettext("%(n)d year", "%(n)d years", years) % {"n": years})
    if months:
        parts.append(ngettext("%(n)d month", "%(n)d months", months) % {"n": months})
    return " ".join(parts)


_STATE_LABELS: dict[str, list[tuple[str, str]]] = {}


def state_labels() -> list[tuple[str, str]]:
    """(value, label) of each state in the active language, translated once per language: a
    dashboard asks for them twice for each of its hundreds of rows, and each lookup of an
    untranslated string walks every fallback catalogue."""
    language = get_language()
    if language not in _STATE_LABELS:
        _STATE_LABELS[language] = [
            (value, str(label)) for value, label in State.choices
        ]
    return _STATE_LABELS[language]


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    abbreviation: str
    count: int
    share: float


class Figures:
    """What the dashboard and the progress reports print of a group of responses, derived from
    its counts by state, its overdue count and its medians (see `Rollup` and `Tally`)."""

    key: Hashable
    label: str
    today: date
    published_on: date | None
    subject: Any
    counts: Counter[str]
    overdue: int
    median_days_to_response: float | None
    median_days_to_verification: float | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def state_counts(self) -> list[StateCount]:
        """Every state in workflow order, including those with no responses."""
        counts = self.counts
        total = self.total
        return [
            StateCount(
                state=value,
                label=label,
                abbreviation=STATE_ABBREVIATIONS[value],
                count=counts[value],
                share=counts[value] / total if total else 0.0,
            )
            for value, label in state_labels()
        ]

    @property
    def responded(self) -> int:
        """Responses published (whatever happened since): all but those awaiting a response."""
        return self.total - self.counts[State.AWAITING_RESPONSE]

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.total if self.total else None

    @property
    def response_rate_percent(self) -> int | None:
        rate = self.response_rate
        return None if rate is None else round(rate * 100)

    @property
    def days_since_publication(self) -> int | None:
        if self.published_on is None:
            return None
        return max((self.today - self.published_on).days, 0)

    @property
    def since_publication(self) -> str:
        if self.published_on is None:
            return ""
        return _("%(elapsed)s since publication") % {
            "elapsed": elapsed_label(self.published_on, self.today)
        }


@dataclass
class Rollup(Figures):
    """The responses of one group (a recommendation, a report, an organisation, or all of them)
    and the figures derived from them on `today`."""

    key: Hashable
    label: str
    today: date
    responses: list[RecommendationResponse] = field(default_factory=list)
    # When the report(s) behind the group were published: the earliest, for "time since".
    published_on: date | None = None
    # The object behind the group, for links and headings (a Recommendation, Investigation…).
    subject: Any = None

    @property
    def total(self) -> int:
        return len(self.responses)

    @property
    def counts(self) -> Counter[str]:
        return Counter(r.state for r in self.responses)

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.responses if r.is_overdue(self.today))

    @property
    def median_days_to_response(self) -> float | None:
        return median(
            d for r in self.responses if (d := days_to_response(r)) is not None
        )

    @property
    def median_days_to_verification(self) -> float | None:
        return median(
            d for r in self.responses if (d := days_to_verification(r)) is not None
        )


@dataclass
class Tally(Figures):
    """The same figures as a `Rollup`, counted by the database instead of from the responses
    themselves: for groups too large to fetch (the whole dashboard at 50,000 responses)."""

    key: Hashable
    label: str
    today: date
    published_on: date | None = None
    subject: Any = None
    counts: Counter[str] = field(default_factory=Counter)
    overdue: int = 0
    median_days_to_response: float | None = None
    median_days_to_verification: float | None = None


def _published_on(response: RecommendationResponse) -> date | None:
    return response.recommendation.investigation.report_published_on


def group(
    responses: Sequence[RecommendationResponse],
    *,
    today: date,
    key: Callable[[RecommendationResponse], Hashable],
    label: Callable[[RecommendationResponse], str],
    subject: Callable[[RecommendationResponse], Any],
) -> list[Rollup]:
    """Roll `responses` up by `key`, keeping the order in which each group first appears."""
    groups: dict[Hashable, Rollup] = {}
    for response in responses:
        k = key(response)
        rollup = groups.get(k)
        if rollup is None:
            rollup = groups[k] = Rollup(
                key=k, label=label(response), today=today, subject=subject(response)
            )
        rollup.responses.append(response)
        published_on = _published_on(response)
        if published_on is not None and (
            rollup.published_on is None or published_on < rollup.published_on
        ):
            rollup.published_on = published_on
    return list(groups.values())


def complaint_reference(investigation: Investigation) -> str:
    return investigation.complaint.reference or ""


def recommendation_label(recommendation: Recommendation) -> str:
    return _("%(ref)s recommendation %(n)d") % {
        "ref": complaint_reference(recommendation.investigation),
        "n": recommendation.number,
    }


def overall(responses: Sequence[RecommendationResponse], *, today: date) -> Rollup:
    rollup = Rollup(key="all", label=_("All responses"), today=today)
    rollup.responses = list(responses)
    published = [d for r in responses if (d := _published_on(r)) is not None]
    rollup.published_on = min(published) if published else None
    return rollup


def by_recommendation(
    responses: Sequence[RecommendationResponse], *, today: date
) -> list[Rollup]:
    return group(
        responses,
        today=today,
        key=lambda r: r.recommendation_id,
        label=lambda r: recommendation_label(r.recommendation),
        subject=lambda r: r.recommendation,
    )


def by_report(
    responses: Sequence[RecommendationResponse], *, today: date
) -> list[Rollup]:
    return group(
        responses,
        today=today,
        key=lambda r: r.recommendation.investigation_id,
        label=lambda r: r.recommendation.investigation.report_title,
        subject=lambda r: r.recommendation.investigation,
    )


def by_organisation(
    responses: Sequence[RecommendationResponse], *, today: date
) -> list[Rollup]:
    rollups = group(
        responses,
        today=today,
        key=lambda r: r.organisation_id,
        label=lambda r: r.organisation.name,
        subject=lambda r: r.organisation,
    )
    return sorted(rollups, key=lambda r: r.label)


@dataclass(frozen=True)
class GridColumn:
    recommendation: Recommendation
    label: str
    short_label: str


@dataclass(frozen=True)
class GridRow:
    organisation: Organisation
    cells: list[RecommendationResponse | None]


@dataclass(frozen=True)
class Grid:
    """Organisations (rows) by recommendations (columns); each cell is that organisation's
    response to that recommendation, or None where it was not a recipient."""

    columns: list[GridColumn]
    rows: list[GridRow]


def grid(responses: Sequence[RecommendationResponse]) -> Grid:
    recommendations: dict[int, Recommendation] = {}
    organisations: dict[int, Organisation] = {}
    cells: dict[tuple[int, int], RecommendationResponse] = {}
    for response in responses:
        recommendations.setdefault(response.recommendation_id, response.recommendation)
        organisations.setdefault(response.organisation_id, response.organisation)
        cells[(response.organisation_id, response.recommendation_id)] = response
    columns = [
        GridColumn(
            recommendation=r,
            label=recommendation_label(r),
            short_label=f"{complaint_reference(r.investigation)} R{r.number}",
        )
        for r in recommendations.values()
    ]
    kind_order = {kind: i for i, kind in enumerate(RECIPIENT_KINDS)}
    rows = [
        GridRow(
            organisation=o,
            cells=[cells.get((o.pk, c.recommendation.pk)) for c in columns],
        )
        for o in sorted(
            organisations.values(),
            key=lambda o: (kind_order.get(o.kind, len(kind_order)), o.name),
        )
    ]
    return Grid(columns=columns, rows=rows)


HEADLINE_LABELS = {
    "total": gettext_lazy("Responses"),
    "response_rate": gettext_lazy("Response rate"),
    "overdue": gettext_lazy("Overdue"),
    "median_days_to_response": gettext_lazy(
        "Median days from issue to published response"
    ),
    "median_days_to_verification": gettext_lazy(
        "Median days from response to verified implementation"
    ),
}


def format_days(value: float | None) -> str:
    if value is None:
        return "–"
    if value == int(value):
        return str(int(value))
    return f"{value:.1f}"


def headline(rollup: Rollup) -> list[tuple[str, str]]:
    """The headline figures as (label, value) text, the same on the page and in the PDFs."""
    rate = rollup.response_rate_percent
    return [
        (str(HEADLINE_LABELS["total"]), str(rollup.total)),
        (
            str(HEADLINE_LABELS["response_rate"]),
            "–" if rate is None else f"{rate}%",
        ),
        (str(HEADLINE_LABELS["overdue"]), str(rollup.overdue)),
        (
            str(HEADLINE_LABELS["median_days_to_response"]),
            format_days(rollup.median_days_to_response),
        ),
        (
            str(HEADLINE_LABELS["median_days_to_verification"]),
            format_days(rollup.median_days_to_verification),
        ),
    ]


def organisations_with_responses(responses: QuerySet[Any]) -> QuerySet[Organisation]:
    """The organisations among `responses` (for the filter's choices), in one query."""
    return Organisation.objects.filter(
        pk__in=responses.order_by().values("organisation_id")
    ).order_by("name")


def investigations_with_responses(
    responses: QuerySet[Any],
) -> QuerySet[Investigation]:
    return (
        Investigation.objects.filter(
            pk__in=responses.order_by().values("recommendation__investigation_id")
        )
        .select_related("complaint")
        .order_by("report_published_on", "pk")
    )


# --- Figures counted by the database ------------------------------------------------------------
class Median(Aggregate):
    """The median of the non-null values, as `statistics.median` gives it (the mean of the middle
    two of an even count): PostgreSQL's percentile_cont(0.5); on SQLite the `median` aggregate
    that `register_sqlite_median` adds to each connection."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            function="MEDIAN",
            template="%(function)s(%(expressions)s)",
            **extra,
        )


class _SqliteMedian:
    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return median(self.values)


def register_sqlite_median(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver (see RecommendationsConfig.ready)."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("median", 1, _SqliteMedian)


class DaysBetween(Func):
    """Whole days from the date `start` to the date `end` (`days_between` in SQL)."""

    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, start: Any, end: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _local_days(start: str, end: str) -> DaysBetween:
    return DaysBetween(TruncDate(start, tzinfo=LONDON), TruncDate(end, tzinfo=LONDON))


def _figures(today: date) -> dict[str, Any]:
    """The aggregates behind a `Tally`; overdue is `ResponseQuerySet.overdue` as a condition."""
    return {
        **{f"n_{value}": Count("pk", filter=Q(state=value)) for value in State.values},
        "n_overdue": Count(
            "pk",
            filter=Q(
                state=State.AWAITING_RESPONSE,
                extension_pending=False,
                due_on__lt=today,
            ),
        ),
        "median_response": Median(_local_days("issued_at", "published_at")),
        "median_verification": Median(_local_days("published_at", "verified_at")),
        "published_on": Min("recommendation__investigation__report_published_on"),
    }


def _tally(
    row: dict[str, Any], *, key: Hashable, label: str, today: date, subject: Any
) -> Tally:
    return Tally(
        key=key,
        label=label,
        today=today,
        subject=subject,
        published_on=row["published_on"],
        counts=Counter({value: row[f"n_{value}"] for value in State.values}),
        overdue=row["n_overdue"],
        median_days_to_response=row["median_response"],
        median_days_to_verification=row["median_verification"],
    )


@dataclass(frozen=True)
class Tallies:
    """The dashboard's figures for a selection of responses: all of them, by report and by
    organisation, and how many recommendations the selection spans."""

    overall: Tally
    by_report: list[Tally]
    by_organisation: list[Tally]
    recommendations: int


def tallies(responses: QuerySet[Any], *, today: date) -> Tallies:
    """Count `responses` in the database: five queries however many responses there are."""
    responses = responses.order_by()
    figures = _figures(today)
    overall_row = responses.aggregate(
        **figures, recommendations=Count("recommendation_id", distinct=True)
    )
    overall = _tally(
        overall_row, key="all", label=_("All responses"), today=today, subject=None
    )
    report_rows = {
        row["recommendation__investigation_id"]: row
        for row in responses.values("recommendation__investigation_id").annotate(
            **figures
        )
    }
    investigations = (
        Investigation.objects.filter(pk__in=list(report_rows))
        .select_related("complaint__organisation")
        .order_by("report_published_on", "pk")
    )
    organisation_rows = {
        row["organisation_id"]: row
        for row in responses.values("organisation_id").annotate(**figures)
    }
    organisations = Organisation.objects.filter(
        pk__in=list(organisation_rows)
    ).order_by("name")
    return Tallies(
        overall=overall,
        by_report=[
            _tally(
                report_rows[i.pk],
                key=i.pk,
                label=i.report_title,
                today=today,
                subject=i,
            )
            for i in investigations
        ],
        by_organisation=[
            _tally(
                organisation_rows[o.pk],
                key=o.pk,
                label=o.name,
                today=today,
                subject=o,
            )
            for o in organisations
        ],
        recommendations=overall_row["recommendations"],
    )
