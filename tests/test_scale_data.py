"""The load-test data generator (`manage.py generate_scale_data`) and what `make bench` relies on:
the data's shape at small scales, the dashboard's database-counted figures, the bare baseline
view, and the same number of queries on every benched page however much data there is."""

from __future__ import annotations

import importlib.util
import io
import random
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone

from complaints.models import SuperComplaint
from investigations.models import Investigation
from recommendations import progress
from recommendations.models import (
    ProgressUpdate,
    Recommendation,
    RecommendationResponse,
)
from workflow.deadlines import LONDON
from workflow.integrity import verify_chain
from workflow.management.commands import generate_scale_data
from workflow.models import TransitionLog

R = RecommendationResponse.State
Outcome = RecommendationResponse.Outcome
# Each state and the transitions that lead to it from "awaiting response", in order.
PATHS = {
    R.AWAITING_RESPONSE: [],
    R.RESPONSE_PUBLISHED: ["publish_response"],
    R.IN_PROGRESS: ["publish_response", "start_work"],
    R.IMPLEMENTATION_REPORTED: [
        "publish_response",
        "start_work",
        "report_implementation",
    ],
    R.VERIFIED: ["publish_response", "start_work", "report_implementation", "verify"],
}
BENCH_TASKS = (
    Path(__file__).resolve().parents[1] / "scripts" / "bench" / "django_tasks.py"
)


def generate(scale: float) -> str:
    out = io.StringIO()
    call_command("generate_scale_data", scale=scale, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_reports(db):
    """Scale 0.25: two published complaints, with 18 and 24 recommendations."""
    generate(0.25)


@pytest.mark.parametrize(
    ("scale", "complaints", "recommendations"),
    [(0.125, 1, 18), (0.25, 2, 18 + 24), (0.5, 4, 18 + 24 + 30 + 36)],
)
def test_counts_follow_the_scale(db, scale, complaints, recommendations):
    printed = generate(scale)

    assert SuperComplaint.objects.count() == complaints
    assert (
        Investigation.objects.filter(
            state=Investigation.State.PUBLISHED, published_report__isnull=False
        ).count()
        == complaints
    )
    assert Recommendation.objects.count() == recommendations
    # One response per recommendation and recipient, as publication issues them: about 21 each,
    # so scale 10 (80 complaints, 2,400 recommendations) has about 50,000.
    for recommendation in Recommendation.objects.prefetch_related("named_recipients"):
        assert recommendation.responses.count() == len(
            recommendation.recipient_organisations()
        )
    per_recommendation = RecommendationResponse.objects.count() / recommendations
    assert 12 <= per_recommendation <= 32
    if complaints >= 4:
        # Reports spread over six years: responses at every stage.
        assert set(
            RecommendationResponse.objects.values_list("state", flat=True)
        ) == set(R.values)
    assert f"complaints {complaints}, recommendations {recommendations}," in printed


def test_it_refuses_a_database_that_already_has_complaints(two_reports):
    with pytest.raises(CommandError, match="already has super-complaints"):
        generate(0.125)


def test_complaints_and_reports_have_dates_in_order_over_six_years(two_reports):
    today = timezone.localdate()

    for complaint in SuperComplaint.objects.select_related("investigation"):
        published_on = complaint.investigation.report_published_on
        assert (
            complaint.received_at
            < complaint.acknowledged_at
            < complaint.assessment_started_at
            < complaint.decided_at
            < complaint.investigation.published_at
        )
        assert today - timedelta(days=6 * 365) <= published_on
        assert published_on <= today - timedelta(days=generate_scale_data.RECENT_DAYS)
        assert published_on.weekday() < 5


def test_each_response_is_in_a_valid_state_with_dates_in_order(two_reports):
    now = timezone.now()
    states = Counter()

    for r in RecommendationResponse.objects.all():
        states[r.state] += 1
        path = PATHS[r.state]
        published = "publish_response" in path
        assert (r.published_at is not None) == published
        assert (r.published_by_id is not None) == published
        assert bool(r.outcome) == published
        assert bool(r.response_text) == published
        assert (r.work_started_at is not None) == ("start_work" in path)
        assert (r.implementation_reported_at is not None) == (
            "report_implementation" in path
        )
        assert (r.verified_at is not None) == ("verify" in path)
        if r.outcome == Outcome.NOT_ACCEPTED:
            assert r.state == R.RESPONSE_PUBLISHED
        moments = [
            m
            for m in (
                r.issued_at,
                r.published_at,
                r.work_started_at,
                r.implementation_reported_at,
                r.verified_at,
            )
            if m is not None
        ]
        assert moments == sorted(moments)
        assert moments[-1] < now
        for moment in moments[1:]:
            assert 9 <= moment.astimezone(LONDON).hour < 17
    # A report six years old (closed or refused) and one ten days old (awaiting responses).
    assert {R.AWAITING_RESPONSE, R.RESPONSE_PUBLISHED, R.VERIFIED} <= set(states)


def test_each_history_is_in_the_transition_log_and_the_chain_holds(two_reports):
    response_type = ContentType.objects.get_for_model(RecommendationResponse)
    logged: dict[int, list[TransitionLog]] = {}
    for log in TransitionLog.objects.filter(content_type=response_type).order_by(
        "at", "pk"
    ):
        logged.setdefault(log.object_id, []).append(log)

    for r in RecommendationResponse.objects.select_related("published_by"):
        logs = logged.get(r.pk, [])
        assert [log.transition for log in logs] == PATHS[r.state]
        assert [log.target for log in logs] == [
            {
                "publish_response": R.RESPONSE_PUBLISHED,
                "start_work": R.IN_PROGRESS,
                "report_implementation": R.IMPLEMENTATION_REPORTED,
                "verify": R.VERIFIED,
            }[log.transition]
            for log in logs
        ]
        when = {log.transition: log.at for log in logs}
        assert when.get("publish_response") == r.published_at
        assert when.get("start_work") == r.work_started_at
        assert when.get("verify") == r.verified_at
        for log in logs:
            if log.transition != "verify":
                assert log.organisation_id == r.organisation_id
    report = verify_chain()
    assert report.intact, report.broken
    assert report.verified == TransitionLog.objects.count()


def test_progress_updates_fall_while_the_work_goes_on(two_reports):
    updates = ProgressUpdate.objects.select_related("response")

    assert updates.exists()
    per_response = Counter(u.response_id for u in updates)
    assert max(per_response.values()) <= generate_scale_data.MAX_UPDATES
    for update in updates:
        response = update.response
        assert response.work_started_at is not None
        assert update.posted_at > response.work_started_at
        if response.implementation_reported_at is not None:
            assert update.posted_at.date() <= response.implementation_reported_at.date()
        assert update.posted_by.organisation_id == response.organisation_id


def test_dashboard_figures_counted_in_the_database_equal_those_counted_in_python(
    two_reports,
):
    """The dashboard counts in SQL (`progress.tallies`) what the progress reports count from
    the responses themselves (`Rollup`): the same figures, group by group."""
    today = timezone.localdate()
    # In the dashboard's order: reports as published, then recommendation, then organisation.
    responses = RecommendationResponse.objects.select_related(
        "organisation", "recommendation__investigation"
    ).order_by(
        "recommendation__investigation__report_published_on",
        "recommendation__investigation_id",
        "recommendation__number",
        "organisation__name",
    )
    rows = list(responses)

    tallies = progress.tallies(responses, today=today)

    def figures(rollup: progress.Figures) -> tuple:
        return (
            rollup.key,
            rollup.label,
            {state: n for state, n in rollup.counts.items() if n},
            rollup.overdue,
            rollup.median_days_to_response,
            rollup.median_days_to_verification,
            rollup.published_on,
        )

    overall = progress.overall(rows, today=today)
    assert figures(tallies.overall)[2:] == figures(overall)[2:]
    assert [figures(t) for t in tallies.by_report] == [
        figures(r) for r in progress.by_report(rows, today=today)
    ]
    assert [figures(t) for t in tallies.by_organisation] == [
        figures(r) for r in progress.by_organisation(rows, today=today)
    ]
    assert tallies.recommendations == 18 + 24
    assert tallies.overall.overdue > 0
    assert tallies.overall.median_days_to_verification is not None


def test_the_baseline_is_public_plain_text_and_reads_no_database(
    db, client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def bench_tasks():
    spec = importlib.util.spec_from_file_location("bench_django_tasks", BENCH_TASKS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_benched_page_makes_the_same_queries_with_three_times_the_data(
    db, figure
):
    """What `make bench` checks at scale 1 and 10, here with one report and then three: the
    same count, page by page (the bench's own counting, through the test client)."""
    tasks = bench_tasks()
    generate(0.125)
    small = tasks.queries()
    generate_scale_data.Generator(
        rng=random.Random(7), today=timezone.localdate(), password=""
    ).run(complaints=2, first=1)
    large = tasks.queries()

    lines = [
        f"queries per page with {small['responses']} and {large['responses']} responses:"
    ] + [
        f"  {name:<28} {count:>3} {large['queries'][name]:>3}"
        for name, count in small["queries"].items()
    ]
    figure("\n" + "\n".join(lines))
    assert large["responses"] > 2.5 * small["responses"]
    assert large["queries"] == small["queries"]
    assert small["queries"]["baseline (/healthz)"] == 0
    assert set(small["queries"]) == {page["name"] for page in tasks.all_pages()}
