"""The public recommendation tracker (no login): every published report's recommendations and each
recipient's response to them, the same as open data (CSV and JSON), and how a super-complaint
works, drawn from the three state machines themselves.

Only published material is shown. A response's text and outcome are the recipient's draft until
the response is published (`RecommendationResponse.is_public`), so everything public is built from
`PublicResponse`, which leaves them out until then. Progress updates are public once posted; their
evidence files, action plans and extension requests never are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django_fsm import GET_STATE, RETURN_VALUE

from accounts.models import Organisation, OrganisationKind
from complaints.models import SuperComplaint
from investigations.models import Investigation
from recommendations import page_cache
from recommendations.csv_export import csv_response
from recommendations.models import (
    ProgressUpdate,
    Recommendation,
    RecommendationQuerySet,
    RecommendationResponse,
    ResponseQuerySet,
)

State = RecommendationResponse.State
PAGE_SIZE = 20
# Longest search text and filter value read from the query string.
MAX_FILTER_LENGTH = 200
# django-fsm's wildcard sources (not exported by the package).
ANY_STATE, ANY_OTHER_STATE = "*", "+"

TAG_CLASSES = {
    State.AWAITING_RESPONSE: "govuk-tag--grey",
    State.RESPONSE_PUBLISHED: "govuk-tag--blue",
    State.IN_PROGRESS: "govuk-tag--yellow",
    State.IMPLEMENTATION_REPORTED: "govuk-tag--purple",
    State.VERIFIED: "govuk-tag--green",
}


# --- What the public may see -----------------------------------------------------------------------
def public_responses() -> ResponseQuerySet:
    """Every response to a recommendation of a published report, in report and number order."""
    return RecommendationResponse.objects.published_report().order_by(
        "-recommendation__investigation__report_published_on",
        "-recommendation__investigation_id",
        "recommendation__number",
        "organisation__name",
    )


def with_public_details(responses: ResponseQuerySet) -> ResponseQuerySet:
    return responses.select_related(
        "organisation",
        "joint_with__organisation",
        "recommendation__investigation__complaint",
    )


@dataclass(frozen=True)
class PublicResponse:
    """What the public may know of one response. The outcome and text are the recipient's draft
    until the response is published, so they are empty until then."""

    pk: int
    complaint_reference: str
    report_title: str
    report_published_on: date | None
    recommendation_number: int
    recommendation_text: str
    organisation: str
    organisation_kind: str
    organisation_kind_label: str
    state: str
    state_label: str
    outcome: str
    outcome_label: str
    due_on: date
    published_on: date | None
    text: str
    joint_with: str

    @classmethod
    def of(cls, response: RecommendationResponse) -> PublicResponse:
        """`response` needs the relations of `with_public_details`."""
        public = response.is_public
        investigation = response.recommendation.investigation
        joint = response.joint_with if public and response.joint_with_id else None
        return cls(
            pk=response.pk,
            complaint_reference=investigation.complaint.reference or "",
            report_title=investigation.report_title,
            report_published_on=investigation.report_published_on,
            recommendation_number=response.recommendation.number,
            recommendation_text=response.recommendation.text,
            organisation=response.organisation.name,
            organisation_kind=response.organisation.kind,
            organisation_kind_label=str(response.organisation.get_kind_display()),
            state=response.state,
            state_label=str(response.get_state_display()),
            outcome=response.outcome if public else "",
            outcome_label=str(response.get_outcome_display()) if public else "",
            due_on=response.due_on,
            published_on=(
                timezone.localdate(response.published_at)
                if response.published_at
                else None
            ),
            text=response.response_text if public else "",
            joint_with=joint.organisation.name if joint else "",
        )

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES.get(self.state, "")


# --- Filters and search ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TrackerFilters:
    """The tracker's filters, read from the query string. A force and a PCC chosen together show
    both (a force area's responses); each other filter narrows the rows."""

    force: str = ""
    pcc: str = ""
    state: str = ""
    complaint: str = ""
    q: str = ""

    NAMES = ("force", "pcc", "state", "complaint", "q")

    @classmethod
    def from_query(cls, query: QueryDict) -> TrackerFilters:
        return cls(
            **{
                name: query.get(name, "").strip()[:MAX_FILTER_LENGTH]
                for name in cls.NAMES
            }
        )

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in self.NAMES)

    def apply(self, responses: ResponseQuerySet) -> ResponseQuerySet:
        organisations = Q()
        if self.force:
            organisations |= Q(
                organisation__slug=self.force,
                organisation__kind=OrganisationKind.POLICE_FORCE,
            )
        if self.pcc:
            organisations |= Q(
                organisation__slug=self.pcc,
                organisation__kind=OrganisationKind.LOCAL_POLICING_BODY,
            )
        responses = responses.filter(organisations)
        if self.state:
            responses = responses.filter(state=self.state)
        if self.complaint:
            responses = responses.filter(
                recommendation__investigation__complaint__reference=self.complaint
            )
        if self.q:
            responses = responses.filter(published_text_matches(self.q))
        return responses


def published_text_matches(words: str) -> Q:
    """Responses whose published words contain `words`: the report's title and summary as
    published (withheld passages already taken out), the recommendation, the response once
    published, and its progress updates. Never a draft. `icontains` works alike on SQLite and
    PostgreSQL."""
    investigation = "recommendation__investigation__"
    return (
        Q(**{f"{investigation}report_title__icontains": words})
        | Q(**{f"{investigation}published_report__snapshot__summary__icontains": words})
        | Q(recommendation__text__icontains=words)
        | Q(published_at__isnull=False, response_text__icontains=words)
        | Q(
            Exists(
                ProgressUpdate.objects.filter(
                    response=OuterRef("pk"), text__icontains=words
                )
            )
        )
    )


def filter_options() -> dict[str, Any]:
    """The choices of the filter form: only organisations and complaints with published
    recommendations, so that no choice leads to an empty page."""
    responding = RecommendationResponse.objects.published_report().values(
        "organisation_id"
    )

    def organisations(kind: str) -> list[tuple[str, str]]:
        return list(
            Organisation.objects.filter(kind=kind, pk__in=responding)
            .order_by("name")
            .values_list("slug", "name")
        )

    return {
        "forces": organisations(OrganisationKind.POLICE_FORCE),
        "pccs": organisations(OrganisationKind.LOCAL_POLICING_BODY),
        "states": [(str(value), str(label)) for value, label in State.choices],
        "complaints": list(
            SuperComplaint.objects.filter(investigation__published_report__isnull=False)
            .order_by("reference")
            .values_list("reference", "investigation__report_title")
        ),
    }


# --- Pages -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RecommendationSummary:
    """One recommendation on the tracker's front page, with how many of its (matching) recipients
    are at each stage, in process order."""

    recommendation: Recommendation
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


def recommendations_with(responses: ResponseQuerySet) -> RecommendationQuerySet:
    """The published recommendations with at least one of `responses`, newest report first."""
    return (
        Recommendation.objects.published()
        .filter(pk__in=responses.values("recommendation_id"))
        .select_related("investigation__complaint")
        .order_by("-investigation__report_published_on", "-investigation_id", "number")
    )


def summarise(
    recommendations: Iterable[Recommendation], responses: ResponseQuerySet
) -> list[RecommendationSummary]:
    """Each recommendation with how many of `responses` are at each stage (one query)."""
    recommendations = list(recommendations)
    found: dict[int, Counter[str]] = {r.pk: Counter() for r in recommendations}
    rows = (
        responses.filter(recommendation_id__in=list(found))
        .order_by()
        .values("recommendation_id", "state")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        found[row["recommendation_id"]][row["state"]] = row["n"]
    return [
        RecommendationSummary(
            recommendation=r,
            counts=tuple(found[r.pk][state] for state in State.values),
        )
        for r in recommendations
    ]


@login_not_required
@require_GET
@cache_control(public=True, max_age=300)
def index(request: HttpRequest) -> HttpResponse:
    filters = TrackerFilters.from_query(request.GET)
    # The same for everyone: worked out once per data version and query (page_cache.py).
    content = page_cache.cached_content(
        "tracker-index",
        page_cache.responses_version(with_progress_updates=bool(filters.q)),
        request.GET.urlencode(),
        today=timezone.localdate(),
        render=lambda: render_to_string(
            "recommendations/tracker/_index_content.html",
            _index_context(request.GET, filters),
        ),
    )
    return render(request, "recommendations/tracker/index.html", {"content": content})


def _index_context(query: QueryDict, filters: TrackerFilters) -> dict[str, Any]:
    matching = filters.apply(public_responses())
    page = Paginator(recommendations_with(matching), PAGE_SIZE).get_page(
        query.get("page")
    )
    return {
        "query": query,
        "filters": filters,
        "options": filter_options(),
        "page": page,
        "page_numbers": list(page.paginator.get_elided_page_range(page.number)),
        "ellipsis": Paginator.ELLIPSIS,
        "summaries": summarise(page.object_list, matching),
        "state_labels": State.labels,
        "open_data_fields": OPEN_DATA_FIELDS,
        "drill_down_query": _query_without(query, "page", "complaint"),
    }


def _query_without(query: QueryDict, *names: str) -> str:
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


@login_not_required
@require_GET
@cache_control(public=True, max_age=300)
def complaint(request: HttpRequest, reference: str) -> HttpResponse:
    super_complaint = get_object_or_404(
        SuperComplaint.objects.filter(
            investigation__published_report__isnull=False
        ).select_related("organisation", "investigation__published_report"),
        reference=reference,
    )
    investigation = super_complaint.investigation
    # The page is the complaint: a complaint filter carried over from the front page is moot.
    filters = replace(TrackerFilters.from_query(request.GET), complaint="")
    matching = with_public_details(
        filters.apply(public_responses()).filter(
            recommendation__investigation=investigation
        )
    )
    recommendations = investigation.recommendations.order_by("number").prefetch_related(
        Prefetch("responses", queryset=matching, to_attr="matching_responses")
    )
    rows = [
        (r, [PublicResponse.of(response) for response in r.matching_responses])
        for r in recommendations
    ]
    return render(
        request,
        "recommendations/tracker/complaint.html",
        {
            "complaint": super_complaint,
            "investigation": investigation,
            "snapshot": investigation.published_report.snapshot,
            "filters": filters,
            "options": filter_options(),
            "rows": rows,
        },
    )


@login_not_required
@require_GET
@cache_control(public=True, max_age=300)
def response(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(with_public_details(public_responses()), pk=pk)
    # Only the text and date of each update: its evidence files are never public.
    updates = ProgressUpdate.objects.filter(response=found).only(
        "pk", "text", "posted_at"
    )
    return render(
        request,
        "recommendations/tracker/response.html",
        {
            "response": PublicResponse.of(found),
            "updates": list(updates),
        },
    )


# --- Open data -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenDataField:
    key: str
    description: str


OPEN_DATA_FIELDS = (
    OpenDataField("id", _("The response's number on this tracker.")),
    OpenDataField("url", _("The response's page on this tracker.")),
    OpenDataField("complaint_reference", _("The super-complaint, e.g. SC-2026-004.")),
    OpenDataField("report_title", _("The title of the published report.")),
    OpenDataField(
        "report_published_on", _("The date the report was published (YYYY-MM-DD).")
    ),
    OpenDataField(
        "recommendation_number", _("The recommendation's number in the report.")
    ),
    OpenDataField("recommendation_text", _("The recommendation as published.")),
    OpenDataField("organisation", _("The organisation that must respond.")),
    OpenDataField(
        "organisation_kind",
        _(
            "police_force, local_policing_body (a PCC or equivalent), national_body or college."
        ),
    ),
    OpenDataField(
        "state",
        _(
            "awaiting_response, response_published, in_progress, implementation_reported or verified."
        ),
    ),
    OpenDataField(
        "outcome",
        _(
            "accepted, partly_accepted or not_accepted; empty until the response is published."
        ),
    ),
    OpenDataField("due_on", _("The date the response is due (YYYY-MM-DD).")),
    OpenDataField(
        "response_published_on",
        _("The date the response was published (YYYY-MM-DD); empty until then."),
    ),
    OpenDataField(
        "response_text",
        _("The response as published; empty until the response is published."),
    ),
)


def open_data_rows(request: HttpRequest) -> Iterator[dict[str, Any]]:
    """One dict per response matching the query string's filters, keyed as `OPEN_DATA_FIELDS`."""
    responses = with_public_details(
        TrackerFilters.from_query(request.GET).apply(public_responses())
    )
    for found in responses.iterator(chunk_size=1000):
        public = PublicResponse.of(found)
        yield {
            "id": public.pk,
            "url": request.build_absolute_uri(
                reverse("tracker:response", args=[public.pk])
            ),
            "complaint_reference": public.complaint_reference,
            "report_title": public.report_title,
            "report_published_on": _iso(public.report_published_on),
            "recommendation_number": public.recommendation_number,
            "recommendation_text": public.recommendation_text,
            "organisation": public.organisation,
            "organisation_kind": public.organisation_kind,
            "state": public.state,
            "outcome": public.outcome,
            "due_on": _iso(public.due_on),
            "response_published_on": _iso(public.published_on),
            "response_text": public.text,
        }


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


@login_not_required
@require_GET
def responses_csv(request: HttpRequest) -> HttpResponse:
    keys = [field.key for field in OPEN_DATA_FIELDS]
    return csv_response(
        "recommendation-responses.csv",
        keys,
        ([row[key] for key in keys] for row in open_data_rows(request)),
    )


@login_not_required
@require_GET
def responses_json(request: HttpRequest) -> JsonResponse:
    """`{"count": n, "results": [{...}, ...]}`, each result keyed as `OPEN_DATA_FIELDS`."""
    results = list(open_data_rows(request))
    return JsonResponse(
        {"count": len(results), "results": results},
        json_dumps_params={"ensure_ascii": False},
    )


# --- How a super-complaint works, from the state machines themselves --------------------------------
@dataclass(frozen=True)
class Step:
    """Something that can happen at a stage, and the stage (or stages) it leads to."""

    label: str
    to: tuple[str, ...]


@dataclass(frozen=True)
class Stage:
    value: str
    label: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Process:
    key: str
    title: str
    intro: str
    stages: tuple[Stage, ...]


def _definition_order(model: type[models.Model]) -> dict[str, int]:
    names: dict[str, int] = {}
    for klass in reversed(model.__mro__):
        for name in vars(klass):
            names.setdefault(name, len(names))
    return names


def stages_of(model: type[models.Model], field_name: str = "state") -> list[Stage]:
    """The stages of `model`'s state machine in the order of its `State` choices, each with the
    transitions that leave it, labelled as on the buttons, in the order they are defined."""
    field = model._meta.get_field(field_name)
    labels = {str(value): str(label) for value, label in field.choices}
    order = list(labels)
    steps: dict[str, list[Step]] = {value: [] for value in order}
    # django-fsm lists transitions by name; the model's class body has them in process order.
    defined = _definition_order(model)
    transitions = sorted(
        field.get_all_transitions(model), key=lambda t: defined.get(t.name, 0)
    )
    for transition in transitions:
        if isinstance(transition.target, RETURN_VALUE | GET_STATE):
            # RETURN_VALUE / GET_STATE: decided when it happens, among the allowed states.
            allowed = {str(s) for s in transition.target.allowed_states} or set(order)
            targets = [value for value in order if value in allowed]
        elif transition.target is None:
            targets = []
        else:
            targets = [str(transition.target)]
        if transition.source == ANY_STATE:
            sources = order
        elif transition.source == ANY_OTHER_STATE:
            sources = [value for value in order if value not in targets]
        else:
            sources = [str(transition.source)]
        label = str(transition.custom.get("label", transition.name))
        for source in sources:
            to = targets or [source]
            steps[source].append(Step(label, tuple(labels[t] for t in to)))
    return [Stage(value, labels[value], tuple(steps[value])) for value in order]


PROCESSES = (
    (
        "complaint",
        SuperComplaint,
        _("1. The super-complaint"),
        _(
            "A designated body submits a super-complaint to HMICFRS, which acknowledges it and, "
            "with the College of Policing and the IOPC, decides whether it is eligible."
        ),
    ),
    (
        "investigation",
        Investigation,
        _("2. The investigation"),
        _(
            "An eligible super-complaint is investigated jointly by HMICFRS, the College of "
            "Policing and the IOPC. Publishing their report issues its recommendations."
        ),
    ),
    (
        "response",
        RecommendationResponse,
        _("3. Each recipient's response to each recommendation"),
        _(
            "Every police force, police and crime commissioner or national body a recommendation "
            "is addressed to publishes its response, reports its progress and, once it has "
            "implemented the recommendation, HMICFRS verifies it."
        ),
    ),
)


def processes() -> list[Process]:
    return [
        Process(key, str(title), str(intro), tuple(stages_of(model)))
        for key, model, title, intro in PROCESSES
    ]


@login_not_required
@require_GET
@cache_control(public=True, max_age=3600)
def how_it_works(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "recommendations/tracker/how_it_works.html",
        {"processes": processes()},
    )
