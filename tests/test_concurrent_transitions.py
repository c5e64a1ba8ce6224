"""A lost race is a clear message and never a half-done change."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone
from django_fsm import ConcurrentTransition

from complaints import services
from complaints.models import SuperComplaint
from tests.factories import ComplaintFactory, EvidenceFactory
from workflow.models import TransitionLog


def submitted_complaint(member):
    complaint = ComplaintFactory(
        organisation=member.organisation,
        created_by=member,
        state=SuperComplaint.State.SUBMITTED,
        reference="SC-2026-070",
        received_at=timezone.now(),
    )
    EvidenceFactory(complaint=complaint)
    return complaint


def test_stale_copy_loses_and_leaves_no_trace(
    hestia_member, hmicfrs_triager, django_capture_on_commit_callbacks
):
    from django.core import mail

    complaint = submitted_complaint(hestia_member)
    first = SuperComplaint.objects.get(pk=complaint.pk)
    second = SuperComplaint.objects.get(pk=complaint.pk)

    services.acknowledge_complaint(first, by=hmicfrs_triager)
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ConcurrentTransition),
    ):
        services.withdraw_complaint(
            second, by=hestia_member, reason="Changed our minds."
        )

    complaint.refresh_from_db()
    assert complaint.state == SuperComplaint.State.ACKNOWLEDGED
    assert complaint.withdrawal_reason == ""
    assert list(
        TransitionLog.objects.for_object(complaint).values_list("transition", flat=True)
    ) == ["acknowledge"]
    assert mail.outbox == []


def test_lost_race_shows_a_clear_message(client, hestia_member, hmicfrs_triager):
    from django_fsm.signals import pre_transition

    complaint = submitted_complaint(hestia_member)
    client.force_login(hmicfrs_triager)

    def another_request_commits_first(sender, instance, name, **kwargs):
        # What a second server process does between this request loading the row and saving it.
        if name == "acknowledge":
            SuperComplaint.objects.filter(pk=instance.pk).update(
                state=SuperComplaint.State.WITHDRAWN
            )

    pre_transition.connect(another_request_commits_first, sender=SuperComplaint)
    try:
        response = client.post(
            f"/complaints/{complaint.pk}/actions/acknowledge/", follow=True
        )
    finally:
        pre_transition.disconnect(another_request_commits_first, sender=SuperComplaint)

    assert "Someone else changed this a moment ago" in response.content.decode()
    complaint.refresh_from_db()
    # The simulated other write ran inside this request's transaction, so it rolled back with it;
    # what matters is that the acknowledgement was not half-done.
    assert (complaint.state, complaint.acknowledged_at) == (
        SuperComplaint.State.SUBMITTED,
        None,
    )
    assert TransitionLog.objects.for_object(complaint).count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_simultaneous_acknowledgements_one_succeeds(
    hestia_member, hmicfrs_triager
):
    complaint = submitted_complaint(hestia_member)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        close_old_connections()
        try:
            copy = SuperComplaint.objects.get(pk=complaint.pk)
            barrier.wait(timeout=10)
            try:
                services.acknowledge_complaint(copy, by=hmicfrs_triager)
                outcome = "ok"
            except ConcurrentTransition:
                outcome = "lost"
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert connection.vendor == "postgresql"
    assert sorted(outcomes) == ["lost"] * 7 + ["ok"]
    assert TransitionLog.objects.for_object(complaint).count() == 1
    assert (
        SuperComplaint.objects.get(pk=complaint.pk).state
        == SuperComplaint.State.ACKNOWLEDGED
    )
