"""The recipient's response to a recommendation: every transition from every state, who may take
it, the not-accepted outcome, sending back, four eyes, isolation and overdue at the day boundary."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from accounts.models import Role
from investigations.models import Investigation
from recommendations import services
from recommendations.models import RecommendationResponse
from tests.factories import MET, UserFactory, investigation_in, org
from workflow.models import TransitionLog

R = RecommendationResponse.State
O = RecommendationResponse.Outcome  # noqa: E741

# transition: (states it may be taken from, the state it leads to)
ALLOWED = {
    "publish_response": ({R.AWAITING_RESPONSE}, R.RESPONSE_PUBLISHED),
    "start_work": ({R.RESPONSE_PUBLISHED}, R.IN_PROGRESS),
    "report_implementation": ({R.IN_PROGRESS}, R.IMPLEMENTATION_REPORTED),
    "verify": ({R.IMPLEMENTATION_REPORTED}, R.VERIFIED),
    "send_back": ({R.IMPLEMENTATION_REPORTED}, R.IN_PROGRESS),
    "reopen": ({R.RESPONSE_PUBLISHED}, R.AWAITING_RESPONSE),
}
REASONS = {"send_back": "Send the training records.", "reopen": "New evidence."}


@pytest.fixture
def met_response(team):
    investigation = investigation_in(Investigation.State.PUBLISHED, team)
    return RecommendationResponse.objects.get(
        recommendation__investigation=investigation, organisation=org(MET)
    )


def move_to(response, state, *, recipient, monitor, outcome=O.ACCEPTED):
    """Take the response to `state` through the services, as a recipient and HMICFRS would."""
    if state == R.AWAITING_RESPONSE:
        return response
    services.save_response_draft(
        response,
        by=recipient,
        outcome=outcome,
        text="We accept it and will train every officer by March.",
        expected_version=response.version,
    )
    services.publish_response(response, by=recipient)
    if state == R.RESPONSE_PUBLISHED:
        return response
    services.start_work(response, by=recipient)
    if state == R.IN_PROGRESS:
        return response
    services.report_implementation(
        response, by=recipient, summary="All 3,200 officers trained; records attached."
    )
    if state == R.IMPLEMENTATION_REPORTED:
        return response
    services.verify(response, by=monitor)
    return response


def take(response, name, *, recipient, monitor):
    actor = monitor if name in ("verify", "send_back", "reopen") else recipient
    if name == "publish_response" and response.state == R.AWAITING_RESPONSE:
        services.save_response_draft(
            response,
            by=recipient,
            outcome=O.PARTLY_ACCEPTED,
            text="We accept part of it.",
            expected_version=response.version,
        )
    if name == "report_implementation":
        services.report_implementation(response, by=actor, summary="Done, see files.")
    elif name in REASONS:
        getattr(services, name)(response, by=actor, reason=REASONS[name])
    else:
        getattr(services, name)(response, by=actor)
    return actor


def test_the_table_covers_every_transition_of_the_model():
    transitions = RecommendationResponse._meta.get_field("state").transitions[
        RecommendationResponse
    ]

    assert set(transitions) == set(ALLOWED)


@pytest.mark.parametrize("name", ALLOWED)
@pytest.mark.parametrize("state", R.values)
def test_transition_from_every_state(
    name, state, met_response, met_recipient, hmicfrs_monitor
):
    # Reopening is for a response that did not accept the recommendation.
    outcome = O.NOT_ACCEPTED if name == "reopen" else O.ACCEPTED
    if state in (R.IN_PROGRESS, R.IMPLEMENTATION_REPORTED, R.VERIFIED):
        outcome = O.ACCEPTED
    response = move_to(
        met_response,
        state,
        recipient=met_recipient,
        monitor=hmicfrs_monitor,
        outcome=outcome,
    )
    logged = TransitionLog.objects.for_object(response).count()
    sources, target = ALLOWED[name]

    if state in sources:
        actor = take(response, name, recipient=met_recipient, monitor=hmicfrs_monitor)

        assert RecommendationResponse.objects.get(pk=response.pk).state == target
        rows = list(TransitionLog.objects.for_object(response).order_by("pk"))[logged:]
        assert [(r.transition, r.source, r.target, r.by, r.reason) for r in rows] == [
            (name, state, target, actor, REASONS.get(name, ""))
        ]
    else:
        with pytest.raises(TransitionNotAllowed):
            take(response, name, recipient=met_recipient, monitor=hmicfrs_monitor)

        assert RecommendationResponse.objects.get(pk=response.pk).state == state
        assert TransitionLog.objects.for_object(response).count() == logged


def test_not_accepted_is_terminal_until_hmicfrs_reopens_it(
    met_response, met_recipient, hmicfrs_monitor
):
    response = move_to(
        met_response,
        R.RESPONSE_PUBLISHED,
        recipient=met_recipient,
        monitor=hmicfrs_monitor,
        outcome=O.NOT_ACCEPTED,
    )

    assert response.is_closed
    assert not response.was_accepted()
    with pytest.raises(TransitionNotAllowed):
        services.start_work(response, by=met_recipient)
    with pytest.raises(PermissionDenied):
        services.reopen(response, by=met_recipient, reason="We changed our minds.")
    with pytest.raises(ValidationError):
        services.reopen(response, by=hmicfrs_monitor, reason=" ")

    services.reopen(
        response, by=hmicfrs_monitor, reason="The new Chief Constable asked."
    )

    response.refresh_from_db()
    assert response.state == R.AWAITING_RESPONSE
    assert response.published_at is None


def test_an_accepted_response_cannot_be_reopened(
    met_response, met_recipient, hmicfrs_monitor
):
    response = move_to(
        met_response,
        R.RESPONSE_PUBLISHED,
        recipient=met_recipient,
        monitor=hmicfrs_monitor,
    )

    with pytest.raises(TransitionNotAllowed):
        services.reopen(response, by=hmicfrs_monitor, reason="Why not.")
    assert response.was_not_accepted.why_not == (
        "Only a response that did not accept the recommendation can be reopened."
    )


def test_publishing_needs_an_outcome_and_the_text(met_response, met_recipient):
    from workflow.transitions import actions_for

    [action] = [
        a
        for a in actions_for(met_response, met_recipient)
        if a.name == "publish_response"
    ]

    assert action.blocked_because == (
        "Choose whether the recommendation is accepted, partly accepted or not accepted.",
        "Write the response.",
    )


def test_sending_back_returns_it_to_work_with_the_reasons(
    met_response, met_recipient, hmicfrs_monitor
):
    response = move_to(
        met_response,
        R.IMPLEMENTATION_REPORTED,
        recipient=met_recipient,
        monitor=hmicfrs_monitor,
    )

    services.send_back(
        response, by=hmicfrs_monitor, reason="Records for 2 BCUs missing."
    )

    response.refresh_from_db()
    last = TransitionLog.objects.for_object(response).order_by("pk").last()
    assert response.state == R.IN_PROGRESS
    assert response.implementation_reported_by is None
    assert last.reason == "Records for 2 BCUs missing."


def test_the_verifier_is_not_the_person_who_reported_implementation(
    met_response, met_recipient, hmicfrs_monitor
):
    response = move_to(
        met_response,
        R.IMPLEMENTATION_REPORTED,
        recipient=met_recipient,
        monitor=hmicfrs_monitor,
    )
    RecommendationResponse.objects.filter(pk=response.pk).update(
        implementation_reported_by=hmicfrs_monitor
    )
    response.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.verify(response, by=hmicfrs_monitor)

    assert refused.value.messages == [
        "You reported this implementation, so someone else must verify it."
    ]
    assert RecommendationResponse.objects.get(pk=response.pk).state == (
        R.IMPLEMENTATION_REPORTED
    )


def test_a_recipient_acts_only_on_its_own_organisations_responses(
    met_response, hmicfrs_monitor
):
    other_force = UserFactory(organisation=org("kent-police"), roles=[Role.RECIPIENT])

    with pytest.raises(PermissionDenied):
        services.save_response_draft(
            met_response,
            by=other_force,
            outcome=O.ACCEPTED,
            text="Not ours.",
            expected_version=met_response.version,
        )
    with pytest.raises(PermissionDenied):
        services.publish_response(met_response, by=other_force)
    assert list(RecommendationResponse.objects.visible_to(other_force)) == []
    assert RecommendationResponse.objects.get(pk=met_response.pk).response_text == ""


def test_a_stale_draft_save_is_refused_and_saves_nothing(met_response, met_recipient):
    version = met_response.version
    services.save_response_draft(
        met_response,
        by=met_recipient,
        outcome=O.ACCEPTED,
        text="First.",
        expected_version=version,
    )

    with pytest.raises(services.StaleEdit):
        services.save_response_draft(
            met_response,
            by=met_recipient,
            outcome=O.NOT_ACCEPTED,
            text="Second, from an old page.",
            expected_version=version,
        )
    assert RecommendationResponse.objects.get(pk=met_response.pk).response_text == (
        "First."
    )


@pytest.mark.parametrize(
    ("moment", "overdue"),
    [
        # 23:30 UTC on the due day is 00:30 the next day in BST: overdue.
        (datetime(2026, 7, 10, 23, 30, tzinfo=UTC), True),
        # In GMT it is still the due day: not overdue.
        (datetime(2026, 1, 10, 23, 30, tzinfo=UTC), False),
    ],
)
def test_overdue_turns_at_midnight_in_london_in_bst_and_gmt(
    met_response, moment, overdue
):
    RecommendationResponse.objects.filter(pk=met_response.pk).update(
        due_on=date(moment.year, moment.month, moment.day)
    )
    response = RecommendationResponse.objects.get(pk=met_response.pk)

    with time_machine.travel(moment, tick=False):
        assert response.is_overdue(timezone.localdate()) is overdue
