"""The record on a complaint's page, kept until it changes (complaints/page_cache.py): used, never
stale whatever changes (and however), never shared between people who get different links, and
never shown to someone who may not see the complaint."""

import re
from datetime import date, datetime

import pytest
import time_machine

from accounts.models import Organisation, User
from complaints import services
from complaints.models import SuperComplaint
from investigations import services as investigation_services
from investigations.models import Investigation
from tests.factories import (
    HMICFRS,
    ComplaintFactory,
    EligibleComplaintFactory,
    EvidenceFactory,
    investigation_in,
    submitted_on,
)
from workflow.deadlines import LONDON
from workflow.services import add_extra_holiday

S = SuperComplaint.State
# A Monday: the acknowledgement is due five working days later, the decision target later still.
RECEIVED = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)

pytestmark = pytest.mark.usefixtures("records_cache")


@pytest.fixture
def assessed(hestia_member, hmicfrs_triager):
    """Received, acknowledged and under assessment: awaiting the authorities' views."""
    complaint = submitted_on(hestia_member, RECEIVED)
    services.acknowledge_complaint(complaint, by=hmicfrs_triager)
    services.start_assessment(
        SuperComplaint.objects.get(pk=complaint.pk), by=hmicfrs_triager
    )
    return SuperComplaint.objects.get(pk=complaint.pk)


def record(client, complaint):
    """The record column of the complaint's page, as `client` is shown it."""
    response = client.get(f"/complaints/{complaint.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<div class="govuk-grid-column-two-thirds">')
    return html[start : html.index('<div class="govuk-grid-column-one-third">')]


def cached(client, complaint):
    """The record, read twice: the second time it must come from the cache."""
    first = record(client, complaint)
    assert record(client, complaint) == first
    return first


# --- The cache is used ----------------------------------------------------------------------------
def test_a_second_request_reads_the_record_from_the_cache(
    client, assessed, hmicfrs_monitor, django_assert_num_queries, records_cache
):
    client.force_login(hmicfrs_monitor)
    first = record(client, assessed)

    # The session, the user with their organisation and roles, the complaint, its views (the
    # decision's conditions read them) and the record's version: nothing else the record shows.
    with django_assert_num_queries(5):
        second = record(client, assessed)
    records_cache.clear()
    # Worked out again: evidence, forces, the authorities, the one-off holidays, the timeline's
    # log entries and moved dates.
    with django_assert_num_queries(11):
        third = record(client, assessed)

    assert first == second == third
    assert "csrfmiddlewaretoken" not in first


def test_the_version_query_runs_on_this_database(assessed):
    """One query of text columns from many tables: the same on SQLite and PostgreSQL."""
    from complaints.page_cache import record_version

    complaint = SuperComplaint.objects.select_related(
        "organisation", "investigation", "repeats"
    ).get(pk=assessed.pk)

    assert re.fullmatch(r"[0-9a-f]{32}", record_version(complaint))
    assert record_version(complaint) == record_version(complaint)


# --- Never stale ----------------------------------------------------------------------------------
def test_a_recorded_view_shows_at_once(client, assessed, hmicfrs_triager, approvers):
    client.force_login(hmicfrs_triager)
    assert "Reg 4 is met in full." not in cached(client, assessed)

    services.record_eligibility_view(
        assessed,
        by=approvers["college"],
        view="eligible",
        reasons="Reg 4 is met in full.",
    )

    assert "Reg 4 is met in full." in record(client, assessed)


def test_a_transition_shows_at_once(client, assessed, hmicfrs_triager):
    client.force_login(hmicfrs_triager)
    assert "Withdrawn" not in cached(client, assessed)

    services.withdraw_complaint(
        assessed, by=assessed.created_by, reason="We will bring it again with more."
    )

    page = record(client, assessed)
    assert "We will bring it again with more." in page
    assert "Under assessment → Withdrawn" in page


def test_a_linked_repeat_shows_at_once(client, assessed, hmicfrs_triager):
    earlier = EligibleComplaintFactory(organisation=assessed.organisation)
    client.force_login(hmicfrs_triager)
    assert "Repeats the substance" not in cached(client, assessed)

    services.link_repeat(
        assessed, by=hmicfrs_triager, earlier=earlier, material_change="New guidance."
    )

    page = record(client, assessed)
    assert f"Repeats the substance of {earlier.reference}." in page
    assert "New guidance." in page


def test_a_renamed_organisation_shows_at_once(client, assessed, hmicfrs_triager):
    """Reference data is edited in place, with no log entry or timestamp (as in the admin)."""
    client.force_login(hmicfrs_triager)
    assert "HM Inspectorate (renamed)" not in cached(client, assessed)

    Organisation.objects.filter(slug=HMICFRS).update(
        short_name="HM Inspectorate (renamed)"
    )

    assert "HM Inspectorate (renamed)" in record(client, assessed)


def test_a_renamed_person_shows_at_once(client, assessed, hmicfrs_triager):
    client.force_login(hmicfrs_triager)
    assert "by Tamsin Renamed" not in cached(client, assessed)

    User.objects.filter(pk=hmicfrs_triager.pk).update(
        first_name="Tamsin", last_name="Renamed"
    )

    assert "by Tamsin Renamed" in record(client, assessed)


def test_a_one_off_holiday_shows_at_once_in_the_explanations(
    client, assessed, hmicfrs_triager
):
    """The decision target's explanation counts the calendar as it is now, though the complaint
    itself does not change."""
    client.force_login(hmicfrs_triager)
    assert "Proclaimed bank holiday" not in cached(client, assessed)

    add_extra_holiday(day=date(2026, 11, 26), name="Proclaimed bank holiday")

    assert SuperComplaint.objects.get(pk=assessed.pk).version == assessed.version
    assert "Proclaimed bank holiday" in record(client, assessed)


def test_a_moved_due_date_shows_at_once(client, hestia_member):
    complaint = submitted_on(hestia_member, RECEIVED)
    client.force_login(hestia_member)
    assert "27 November 2026 → 30 November 2026" not in cached(client, complaint)

    add_extra_holiday(day=date(2026, 11, 25), name="Proclaimed bank holiday")

    assert "27 November 2026 → 30 November 2026" in record(client, complaint)


def test_evidence_added_and_removed_while_drafting_shows_at_once(client, hestia_member):
    draft = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    client.force_login(hestia_member)
    assert "minutes.pdf" not in cached(client, draft)

    evidence = EvidenceFactory(complaint=draft, original_name="minutes.pdf")
    assert "minutes.pdf" in cached(client, draft)

    services.remove_evidence(evidence, by=hestia_member)
    assert "minutes.pdf" not in record(client, draft)


def test_an_edited_draft_shows_at_once(client, hestia_member):
    draft = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    client.force_login(hestia_member)
    assert "Strip-searches of children" not in cached(client, draft)

    services.update_draft(
        draft,
        by=hestia_member,
        data={"features": "Strip-searches of children"},
        forces=[],
        expected_version=draft.version,
    )

    assert "Strip-searches of children" in record(client, draft)


def test_the_investigation_and_its_progress_reports_show_at_once(
    client, team, hmicfrs_monitor
):
    investigation = investigation_in(Investigation.State.SCOPING, team, ready=True)
    complaint = investigation.complaint
    client.force_login(hmicfrs_monitor)
    assert "Evidence gathering" not in cached(client, complaint)

    investigation_services.start_evidence_gathering(investigation, by=team.lead)
    assert "Evidence gathering" in cached(client, complaint)

    investigation_services.send_progress_report(
        Investigation.objects.get(pk=investigation.pk),
        by=team.lead,
        text="Fieldwork in six forces has begun.",
    )
    assert "Fieldwork in six forces has begun." in record(client, complaint)


def test_the_next_day_is_worked_out_afresh(client, hestia_member):
    """Overdue is worked out for today: a record is kept for one day at most."""
    complaint = submitted_on(hestia_member, RECEIVED)
    # Due on Friday 27 November; overdue the next working day.
    with time_machine.travel(datetime(2026, 11, 27, 16, 0, tzinfo=LONDON), tick=False):
        client.force_login(hestia_member)
        assert "Overdue" not in cached(client, complaint)
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=LONDON), tick=False):
        client.force_login(hestia_member)
        assert "Overdue" in record(client, complaint)


# --- Never shared between different links, never shown to who may not see it -------------------
def test_the_link_to_the_investigation_is_shown_only_to_who_may_open_it(
    client, team, hmicfrs_triager, records_cache
):
    investigation = investigation_in(Investigation.State.SCOPING, team)
    link = f'href="/investigations/{investigation.pk}/"'
    for first, second in ((team.lead, hmicfrs_triager), (hmicfrs_triager, team.lead)):
        records_cache.clear()
        client.force_login(first)
        first_sees = cached(client, investigation.complaint)
        client.force_login(second)
        second_sees = cached(client, investigation.complaint)

        assert (link in first_sees, link in second_sees) == (
            first == team.lead,
            second == team.lead,
        )


def test_who_may_not_see_the_complaint_is_refused_though_its_record_is_kept(
    client, hestia_member, cwj_member, met_recipient
):
    draft = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    client.force_login(hestia_member)
    cached(client, draft)

    for outsider in (cwj_member, met_recipient):
        client.force_login(outsider)
        assert client.get(f"/complaints/{draft.pk}/").status_code == 404
