"""The transition log is append-only: not through the app, not through the admin."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints import services
from complaints.models import SuperComplaint
from tests.factories import ComplaintFactory, EvidenceFactory, UserFactory
from workflow.models import AppendOnlyError, TransitionLog


@pytest.fixture
def log_row(hestia_member):
    complaint = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    EvidenceFactory(complaint=complaint)
    with time_machine.travel(
        datetime(2026, 7, 1, 10, 30, tzinfo=ZoneInfo("Europe/London")), tick=False
    ):
        services.submit_complaint(
            SuperComplaint.objects.get(pk=complaint.pk), by=hestia_member
        )
    return TransitionLog.objects.get()


def test_log_rows_cannot_be_changed_or_deleted(log_row):
    log_row.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        log_row.save()
    with pytest.raises(AppendOnlyError):
        log_row.delete()
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.filter(pk=log_row.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.all().delete()

    assert TransitionLog.objects.get().reason == ""


def test_admin_can_read_but_not_change_the_log(client, log_row):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    listing = client.get("/admin/workflow/transitionlog/")
    change = client.post(
        f"/admin/workflow/transitionlog/{log_row.pk}/change/", {"reason": "rewritten"}
    )
    delete = client.post(
        f"/admin/workflow/transitionlog/{log_row.pk}/delete/", {"post": "yes"}
    )
    add = client.get("/admin/workflow/transitionlog/add/")

    assert listing.status_code == 200
    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert TransitionLog.objects.get().reason == ""


def test_log_records_who_for_which_organisation_when(log_row, hestia_member):
    assert (log_row.transition, log_row.source, log_row.target) == (
        "submit",
        "draft",
        "submitted",
    )
    assert (log_row.by, log_row.organisation) == (
        hestia_member,
        hestia_member.organisation,
    )
    assert (
        log_row.at
        == SuperComplaint.objects.get().received_at
        == datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("UTC"))
    )


def test_timeline_shows_the_log_on_the_complaint_page(client, log_row, hestia_member):
    client.force_login(hestia_member)

    page = client.get(f"/complaints/{log_row.object_id}/").content.decode()

    assert "Draft → Submitted" in page
    assert "1 July 2026, 10:30 BST" in page
    assert hestia_member.get_full_name() in page
