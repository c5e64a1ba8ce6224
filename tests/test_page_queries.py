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


# (page, who looks, state of the complaints, queries whatever the number of complaints)
LIST_PAGES = [
    ("/complaints/intake/", "hmicfrs_triager", SuperComplaint.State.SUBMITTED, 4),
    ("/complaints/", "hestia_member", SuperComplaint.State.SUBMITTED, 3),
    ("/complaints/all/", "commissioner_monitor", SuperComplaint.State.ACKNOWLEDGED, 3),
]


@pytest.mark.parametrize("item_count", [1, 3])
@pytest.mark.parametrize(("url", "persona", "state", "queries"), LIST_PAGES)
def test_list_page_queries(
    request,
    client,
    hestia_member,
    django_assert_num_queries,
    item_count,
    url,
    persona,
    state,
    queries,
):
    make(hestia_member, item_count, state)
    client.force_login(request.getfixturevalue(persona))

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert len(response.context["complaints"]) == item_count


def test_intake_queue_is_sorted_by_due_date_marks_overdue_and_explains(
    client, hestia_member, hmicfrs_triager
):
    from datetime import timedelta

    today = timezone.localdate()
    for reference, due in (
        ("SC-2026-201", today + timedelta(days=3)),
        ("SC-2026-202", today - timedelta(days=1)),
    ):
        ComplaintFactory(
            organisation=hestia_member.organisation,
            created_by=hestia_member,
            state=SuperComplaint.State.SUBMITTED,
            reference=reference,
            received_at=timezone.now() - timedelta(days=10),
            acknowledgement_due_on=due,
        )
    client.force_login(hmicfrs_triager)

    response = client.get("/complaints/intake/")

    page = response.content.decode()
    assert [c.reference for c, _explanation in response.context["complaints"]] == [
        "SC-2026-202",
        "SC-2026-201",
    ]
    assert page.count("Overdue") == 1
    assert page.count("How this date was worked out") == 2
