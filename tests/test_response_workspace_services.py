"""The recipient's work on a response beyond its state machine: joint responses of a PCC and its
force, the action plan's reasoned target dates, progress updates with evidence, and extensions of
the response deadline (asked before it is due, decided by HMICFRS, never overdue while pending)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from recommendations import services
from recommendations.models import (
    ActionPlanItem,
    ExtensionRequest,
    ProgressUpdate,
    RecommendationResponse,
    ResponseEvidence,
)
from tests.factories import MET, MOPAC, published_report, response_in
from workflow import clock
from workflow.models import DueDateChange, TransitionLog

R = RecommendationResponse.State
O = RecommendationResponse.Outcome  # noqa: E741
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def responses(team):
    investigation = published_report(team, MET, MOPAC, "kent-police")
    found = RecommendationResponse.objects.filter(
        recommendation__investigation=investigation
    ).select_related("organisation")
    return {r.organisation.slug: r for r in found}


def logged(obj):
    return list(
        TransitionLog.objects.for_object(obj).values_list("transition", flat=True)
    )


# --- Joint responses -------------------------------------------------------------------------------
def test_a_force_and_its_pcc_publish_one_response_recorded_against_both(
    responses, met_recipient
):
    met, mopac = responses[MET], responses[MOPAC]

    services.publish_joint_response(
        met, by=met_recipient, outcome=O.ACCEPTED, text="Jointly: we accept it."
    )

    for one, other in ((met, mopac), (mopac, met)):
        one.refresh_from_db()
        assert one.state == R.RESPONSE_PUBLISHED
        assert one.response_text == "Jointly: we accept it."
        assert one.joint_with_id == other.pk
        assert logged(one) == ["publish_response"]


def test_after_a_joint_response_the_pcc_sees_and_works_on_it(
    responses, met_recipient, mopac_recipient
):
    met = responses[MET]
    services.publish_joint_response(
        met, by=met_recipient, outcome=O.ACCEPTED, text="Jointly."
    )
    met.refresh_from_db()

    services.start_work(met, by=mopac_recipient)

    assert met in RecommendationResponse.objects.visible_to(mopac_recipient)


def test_a_joint_response_needs_a_force_and_its_own_pcc(
    responses, kent_recipient, met_recipient
):
    # Kent Police's partner is Kent's PCC, who was not asked: there is no joint partner.
    with pytest.raises(ValidationError):
        services.publish_joint_response(
            responses["kent-police"], by=kent_recipient, outcome=O.ACCEPTED, text="x"
        )
    # And no recipient can publish a joint response on another force's behalf.
    with pytest.raises(PermissionDenied):
        services.publish_joint_response(
            responses[MET], by=kent_recipient, outcome=O.ACCEPTED, text="x"
        )
    assert responses[MET].state == R.AWAITING_RESPONSE


def test_no_joint_response_once_one_partner_has_published(
    responses, met_recipient, mopac_recipient
):
    response_in(responses[MOPAC], R.RESPONSE_PUBLISHED, recipient=mopac_recipient)

    with pytest.raises(ValidationError):
        services.publish_joint_response(
            responses[MET], by=met_recipient, outcome=O.ACCEPTED, text="x"
        )
    responses[MET].refresh_from_db()
    assert responses[MET].state == R.AWAITING_RESPONSE


# --- Action plan -----------------------------------------------------------------------------------
def test_moving_a_target_date_needs_a_reason_and_keeps_the_first_date(
    responses, met_recipient
):
    first = clock.today() + timedelta(days=30)
    action = services.add_action(
        responses[MET],
        by=met_recipient,
        description="Train call handlers",
        owner="Head of Contact",
        target_on=first,
    )

    with pytest.raises(ValidationError) as refused:
        services.update_action(
            action,
            by=met_recipient,
            status=ActionPlanItem.Status.IN_PROGRESS,
            target_on=first + timedelta(days=60),
        )
    assert "reason" in refused.value.message_dict
    action.refresh_from_db()
    assert (action.target_on, action.status) == (
        first,
        ActionPlanItem.Status.NOT_STARTED,
    )

    services.update_action(
        action,
        by=met_recipient,
        status=ActionPlanItem.Status.IN_PROGRESS,
        target_on=first + timedelta(days=60),
        reason="The training contract was re-let.",
    )

    action.refresh_from_db()
    assert action.original_target_on == first
    assert action.target_on == first + timedelta(days=60)
    assert action.target_moved
    [change] = services.target_changes(action)
    assert (change.old_date, change.new_date) == (first, first + timedelta(days=60))
    assert "re-let" in change.reason


def test_a_status_change_alone_needs_no_reason(responses, met_recipient):
    target = clock.today() + timedelta(days=30)
    action = services.add_action(
        responses[MET], by=met_recipient, description="x", owner="y", target_on=target
    )

    services.update_action(
        action, by=met_recipient, status=ActionPlanItem.Status.DONE, target_on=target
    )

    action.refresh_from_db()
    assert action.status == ActionPlanItem.Status.DONE
    assert services.target_changes(action) == []


def test_another_force_cannot_touch_the_met_action_plan(
    responses, met_recipient, kent_recipient
):
    target = clock.today() + timedelta(days=30)
    with pytest.raises(PermissionDenied):
        services.add_action(
            responses[MET],
            by=kent_recipient,
            description="x",
            owner="y",
            target_on=target,
        )
    action = services.add_action(
        responses[MET], by=met_recipient, description="x", owner="y", target_on=target
    )
    with pytest.raises(PermissionDenied):
        services.update_action(
            action,
            by=kent_recipient,
            status=ActionPlanItem.Status.DONE,
            target_on=target,
        )


# --- Progress updates and evidence -----------------------------------------------------------------
def test_a_progress_update_keeps_its_evidence_checked_by_content(
    responses, met_recipient
):
    response = response_in(responses[MET], R.IN_PROGRESS, recipient=met_recipient)

    update = services.post_progress_update(
        response,
        by=met_recipient,
        text="Half of the officers are trained.",
        files=[SimpleUploadedFile("register.pdf", PDF)],
    )

    [evidence] = update.evidence.all()
    assert evidence.kind_label == "PDF document"
    assert evidence.original_name == "register.pdf"
    assert "register" not in evidence.file.name


def test_a_disguised_file_refuses_the_whole_update(responses, met_recipient):
    response = response_in(responses[MET], R.IN_PROGRESS, recipient=met_recipient)

    with pytest.raises(ValidationError):
        services.post_progress_update(
            response,
            by=met_recipient,
            text="See the attached.",
            files=[
                SimpleUploadedFile("ok.pdf", PDF),
                SimpleUploadedFile("notes.pdf", b"<html><script>alert(1)</script>"),
            ],
        )

    assert ProgressUpdate.objects.count() == 0
    assert ResponseEvidence.objects.count() == 0


def test_no_progress_update_before_the_response_is_published(responses, met_recipient):
    with pytest.raises(ValidationError):
        services.post_progress_update(responses[MET], by=met_recipient, text="Early.")


def test_no_progress_update_on_a_closed_response(responses, met_recipient):
    response = response_in(
        responses[MET],
        R.RESPONSE_PUBLISHED,
        recipient=met_recipient,
        outcome=O.NOT_ACCEPTED,
    )

    with pytest.raises(ValidationError):
        services.post_progress_update(response, by=met_recipient, text="x")


def test_implementation_is_reported_with_evidence(responses, met_recipient):
    response = response_in(responses[MET], R.IN_PROGRESS, recipient=met_recipient)

    services.report_implementation(
        response,
        by=met_recipient,
        summary="Everyone trained.",
        files=[SimpleUploadedFile("certificates.pdf", PDF)],
    )

    [evidence] = response.evidence.all()
    assert evidence.for_implementation
    assert response.state == R.IMPLEMENTATION_REPORTED


# --- Extensions ------------------------------------------------------------------------------------
def ask(response, recipient, days=28):
    return services.request_extension(
        response,
        by=recipient,
        new_due_on=response.due_on + timedelta(days=days),
        reason="Our board meets after the due date.",
    )


def test_an_extension_asked_in_time_holds_off_overdue_until_decided(
    responses, met_recipient
):
    response = responses[MET]
    request = ask(response, met_recipient)
    day_after_due = response.due_on + timedelta(days=1)

    response.refresh_from_db()
    assert response.extension_pending
    assert not response.is_overdue(day_after_due)
    assert response not in RecommendationResponse.objects.overdue(day_after_due)
    assert logged(request) == ["request_extension"]


def test_granting_moves_the_due_date_and_keeps_the_original(
    responses, met_recipient, hmicfrs_monitor, django_capture_on_commit_callbacks
):
    response = responses[MET]
    original = response.due_on
    request = ask(response, met_recipient)

    with django_capture_on_commit_callbacks(execute=True):
        services.grant_extension(
            request,
            by=hmicfrs_monitor,
            new_due_on=original + timedelta(days=21),
            reason="A board meeting is a fair reason; three weeks.",
        )

    response.refresh_from_db()
    assert response.due_on == original + timedelta(days=21)
    assert response.original_due_on == original
    assert response.was_extended
    assert not response.extension_pending
    assert not response.is_overdue(original + timedelta(days=21))
    assert response.is_overdue(original + timedelta(days=22))
    [change] = DueDateChange.objects.for_object(response)
    assert (change.old_date, change.new_date) == (original, response.due_on)
    assert logged(request) == ["request_extension", "grant"]
    [email] = mail.outbox
    assert "granted" in email.subject.lower()
    assert email.to == [met_recipient.email]


def test_refusing_leaves_the_due_date_and_overdue_returns(
    responses, met_recipient, hmicfrs_monitor, django_capture_on_commit_callbacks
):
    response = responses[MET]
    request = ask(response, met_recipient)

    with django_capture_on_commit_callbacks(execute=True):
        services.refuse_extension(
            request, by=hmicfrs_monitor, reason="Eight weeks is the statutory period."
        )

    response.refresh_from_db()
    assert response.due_on == response.original_due_on
    assert response.is_overdue(response.due_on + timedelta(days=1))
    request.refresh_from_db()
    assert request.state == ExtensionRequest.State.REFUSED
    assert "statutory" in mail.outbox[0].body


def test_an_extension_cannot_be_asked_for_after_the_due_date(responses, met_recipient):
    response = responses[MET]
    response.due_on = clock.today() - timedelta(days=1)
    RecommendationResponse.objects.filter(pk=response.pk).update(due_on=response.due_on)

    with pytest.raises(ValidationError):
        ask(response, met_recipient)


def test_one_extension_request_at_a_time(responses, met_recipient):
    ask(responses[MET], met_recipient)

    with pytest.raises(ValidationError):
        ask(responses[MET], met_recipient, days=40)
    assert ExtensionRequest.objects.count() == 1


def test_only_hmicfrs_decides_and_always_with_a_reason(
    responses, met_recipient, hmicfrs_monitor, commissioner_monitor
):
    request = ask(responses[MET], met_recipient)

    for who in (met_recipient, commissioner_monitor):
        with pytest.raises(PermissionDenied):
            services.refuse_extension(request, by=who, reason="No.")
    with pytest.raises(ValidationError):
        services.refuse_extension(request, by=hmicfrs_monitor, reason=" ")
    request.refresh_from_db()
    assert request.state == ExtensionRequest.State.PENDING


def test_another_force_cannot_ask_for_more_time_for_the_met(responses, kent_recipient):
    with pytest.raises(PermissionDenied):
        ask(responses[MET], kent_recipient)


def test_sending_back_e_mails_only_the_recipient(
    responses,
    met_recipient,
    kent_recipient,
    hmicfrs_monitor,
    django_capture_on_commit_callbacks,
):
    response = response_in(
        responses[MET], R.IMPLEMENTATION_REPORTED, recipient=met_recipient
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.send_back(
            response, by=hmicfrs_monitor, reason="Send the training register."
        )

    [email] = mail.outbox
    assert email.to == [met_recipient.email]
    assert kent_recipient.email not in email.to
    assert "training register" in email.body


def test_a_historical_due_date_change_is_dated_by_the_service_clock(
    responses, met_recipient
):
    from datetime import UTC, datetime

    target = clock.today() + timedelta(days=30)
    action = services.add_action(
        responses[MET], by=met_recipient, description="x", owner="y", target_on=target
    )
    moment = datetime(2022, 3, 1, 10, 0, tzinfo=UTC)

    with clock.fixed_at(moment):
        services.update_action(
            action,
            by=met_recipient,
            status=ActionPlanItem.Status.IN_PROGRESS,
            target_on=target + timedelta(days=7),
            reason="Recorded from the 2022 plan.",
        )

    assert services.target_changes(action)[0].at == moment


def test_the_implementation_summary_is_kept(responses, met_recipient):
    response = response_in(responses[MET], R.IN_PROGRESS, recipient=met_recipient)

    services.report_implementation(
        response, by=met_recipient, summary="Every call handler trained by June."
    )

    response.refresh_from_db()
    assert response.implementation_summary == "Every call handler trained by June."
