"""List pages cost the same number of queries whatever the number of complaints (no N+1)."""

import pytest
from django.utils import timezone

from complaints.models import SuperComplaint
from tests.factories import ComplaintFactory


def make(member, n, state):
    for i in range(n):
        ComplaintFactory(
            organisation=member.organisation,
            created_by=member,
            state=state,
            reference=f"SC-2026-{i + 100:03d}",
            received_at=timezone.now(),
            acknowledgement_due_on=timezone.localdate(),
        )


@pytest.mark.parametrize("item_count", [1, 3])
def test_intake_queue_queries(
    client, hestia_member, hmicfrs_triager, django_assert_num_queries, item_count
):
    make(hestia_member, item_count, SuperComplaint.State.SUBMITTED)
    client.force_login(hmicfrs_triager)

    with django_assert_num_queries(5):
        response = client.get("/complaints/intake/")

    assert len(response.context["complaints"]) == item_count


@pytest.mark.parametrize("item_count", [1, 3])
def test_body_list_queries(
    client, hestia_member, django_assert_num_queries, item_count
):
    make(hestia_member, item_count, SuperComplaint.State.SUBMITTED)
    client.force_login(hestia_member)

    with django_assert_num_queries(5):
        response = client.get("/complaints/")

    assert len(response.context["complaints"]) == item_count


@pytest.mark.parametrize("item_count", [1, 3])
def test_all_complaints_queries(
    client, hestia_member, commissioner_monitor, django_assert_num_queries, item_count
):
    make(hestia_member, item_count, SuperComplaint.State.ACKNOWLEDGED)
    client.force_login(commissioner_monitor)

    with django_assert_num_queries(5):
        response = client.get("/complaints/all/")

    assert len(response.context["complaints"]) == item_count
