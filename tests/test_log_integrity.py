"""The transition log is tamper-evident everywhere (each entry's hash covers the one before it, and
`manage.py verify_log` names the first broken link) and append-only in PostgreSQL itself."""

import contextlib
import threading
import time
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from complaints import services as complaint_services
from complaints.models import SuperComplaint
from recommendations import services as response_services
from recommendations.models import RecommendationResponse
from tests.factories import (
    MET,
    ComplaintFactory,
    EvidenceFactory,
    UserFactory,
    published_report,
)
from workflow.integrity import CHAIN_LOCK_KEY, GENESIS_HASH, entry_hash, verify_chain
from workflow.models import TransitionLog

TABLE = TransitionLog._meta.db_table


def submitted(member):
    complaint = ComplaintFactory(organisation=member.organisation, created_by=member)
    EvidenceFactory(complaint=complaint)
    complaint_services.submit_complaint(complaint, by=member)
    return SuperComplaint.objects.get(pk=complaint.pk)


@pytest.fixture
def log(hestia_member, cwj_member, hmicfrs_triager):
    """Five entries about two complaints, written by the real services."""
    first = submitted(hestia_member)
    second = submitted(cwj_member)
    complaint_services.acknowledge_complaint(first, by=hmicfrs_triager)
    complaint_services.acknowledge_complaint(second, by=hmicfrs_triager)
    complaint_services.withdraw_complaint(
        SuperComplaint.objects.get(pk=second.pk),
        by=cwj_member,
        reason="We will raise it with the force first.",
    )
    return entries()


def entries():
    return list(TransitionLog.objects.order_by("pk"))


@contextlib.contextmanager
def triggers_off():
    """What a superuser can do: write as a replication process does, with triggers not firing."""
    if connection.vendor != "postgresql":
        yield
        return
    raw("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        raw("SET LOCAL session_replication_role = DEFAULT")


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_log():
    out = StringIO()
    call_command("verify_log", stdout=out)
    return out.getvalue()


# --- The hash chain -------------------------------------------------------------------------------
def test_an_entry_hash_is_the_sha256_of_its_content_and_the_previous_hash(
    hestia_member,
):
    moment = datetime(2026, 7, 1, 10, 30, 0, 123456, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=False):
        complaint = submitted(hestia_member)

    entry = TransitionLog.objects.get()

    assert entry.prev_hash == GENESIS_HASH == "0" * 64
    assert entry.row_hash == entry_hash(
        prev_hash="0" * 64,
        content_type="complaints.supercomplaint",
        object_id=complaint.pk,
        transition="submit",
        source="draft",
        target="submitted",
        by=hestia_member.pk,
        organisation=hestia_member.organisation_id,
        at=datetime(2026, 7, 1, 9, 30, 0, 123456, tzinfo=ZoneInfo("UTC")),
        reason="",
    )
    assert len(entry.row_hash) == 64
    assert int(entry.row_hash, 16) >= 0


def test_the_hash_changes_with_every_hashed_field():
    content = {
        "prev_hash": GENESIS_HASH,
        "content_type": "complaints.supercomplaint",
        "object_id": 1,
        "transition": "submit",
        "source": "draft",
        "target": "submitted",
        "by": 1,
        "organisation": 1,
        "at": datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("UTC")),
        "reason": "",
    }
    changed = {
        "prev_hash": "f" * 64,
        "content_type": "investigations.investigation",
        "object_id": 2,
        "transition": "withdraw",
        "source": "submitted",
        "target": "withdrawn",
        "by": 2,
        "organisation": None,
        "at": datetime(2026, 7, 1, 9, 30, 0, 1, tzinfo=ZoneInfo("UTC")),
        "reason": " ",
    }
    original = entry_hash(**content)

    hashes = {entry_hash(**{**content, name: value}) for name, value in changed.items()}

    assert len(hashes) == len(changed)
    assert original not in hashes
    # The same instant in another zone is the same content.
    same_moment = datetime(2026, 7, 1, 10, 30, tzinfo=ZoneInfo("Europe/London"))
    assert entry_hash(**{**content, "at": same_moment}) == original


def test_entries_chain_in_id_order_across_real_transitions(log):
    assert [entry.transition for entry in log] == [
        "submit",
        "submit",
        "acknowledge",
        "acknowledge",
        "withdraw",
    ]
    assert log[0].prev_hash == GENESIS_HASH
    for before, entry in zip(log, log[1:], strict=False):
        assert entry.prev_hash == before.row_hash
    for entry in log:
        assert entry.row_hash == entry.compute_hash()
    assert len({entry.row_hash for entry in log}) == 5


def test_the_chain_follows_ids_not_the_recorded_times(hestia_member, cwj_member):
    # The demo records past events through the real services, so `at` need not rise with id.
    later = datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(later, tick=False):
        submitted(hestia_member)
    with time_machine.travel(later - timedelta(days=400), tick=False):
        submitted(cwj_member)

    first, second = entries()

    assert first.at > second.at
    assert second.prev_hash == first.row_hash
    assert verify_chain().intact


def test_verify_log_passes_on_a_clean_log(log):
    assert verify_log() == (
        "Verified 5 transition log entries; the chain is intact.\n"
        f"Latest entry #{log[-1].pk}, hash {log[-1].row_hash}.\n"
    )
    assert verify_chain() == verify_chain(chunk_size=2)


def test_verify_log_passes_on_an_empty_log(db):
    assert verify_log() == "Verified 0 transition log entries; the chain is intact.\n"


# --- Tampering is found --------------------------------------------------------------------------
def test_a_reason_rewritten_in_sql_is_reported_at_that_entry(log):
    target = log[2]
    with triggers_off():
        raw(
            f"UPDATE {TABLE} SET reason = %s WHERE id = %s",
            ["Acknowledged late.", target.pk],
        )

    with pytest.raises(CommandError) as error:
        verify_log()

    complaint_id = target.object_id
    assert str(error.value) == (
        f"The transition log entry #{target.pk} (acknowledge of complaints.supercomplaint "
        f"#{complaint_id}) has been altered: its content no longer matches its hash. "
        "2 entries before it verified."
    )
    report = verify_chain()
    assert (report.verified, report.broken.entry_id, report.broken.altered) == (
        2,
        target.pk,
        True,
    )


def test_a_deleted_entry_breaks_the_chain_at_the_next_one(log):
    removed, following = log[1], log[2]
    with triggers_off():
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [removed.pk])

    with pytest.raises(CommandError) as error:
        verify_log()

    assert str(error.value) == (
        f"The chain is broken at transition log entry #{following.pk} (acknowledge of "
        f"complaints.supercomplaint #{following.object_id}): it does not link to entry "
        f"#{log[0].pk} before it (an entry between them was removed, or one of them was "
        "rewritten with a new hash). 1 entries before it verified."
    )
    report = verify_chain()
    assert (report.broken.entry_id, report.broken.altered) == (following.pk, False)


def test_a_rewrite_that_also_recomputes_the_hash_breaks_the_next_link(log):
    target = log[3]
    target.reason = "Acknowledged late."
    forged = target.compute_hash()
    with triggers_off():
        raw(
            f"UPDATE {TABLE} SET reason = %s, row_hash = %s WHERE id = %s",
            [target.reason, forged, target.pk],
        )

    report = verify_chain()

    assert (report.verified, report.broken.entry_id, report.broken.altered) == (
        4,
        log[4].pk,
        False,
    )


def test_removing_the_first_entry_is_reported(log):
    with triggers_off():
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [log[0].pk])

    report = verify_chain()

    assert (report.verified, report.broken.entry_id, report.broken.previous_id) == (
        0,
        log[1].pk,
        None,
    )
    assert "does not link to the start of the log" in str(report.broken)


def test_an_entry_moved_to_another_object_is_reported(log):
    with triggers_off():
        raw(
            f"UPDATE {TABLE} SET object_id = %s WHERE id = %s",
            [log[0].object_id, log[4].pk],
        )

    report = verify_chain()

    assert (report.broken.entry_id, report.broken.altered) == (log[4].pk, True)


# --- Append-only in the database (PostgreSQL) ------------------------------------------------------
@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_of_a_log_row(log):
    target = log[2]
    for sql, params in [
        (f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["rewritten", target.pk]),
        (f"DELETE FROM {TABLE} WHERE id = %s", [target.pk]),
        (f"DELETE FROM {TABLE}", []),
    ]:
        with pytest.raises(DatabaseError) as error, transaction.atomic():
            raw(sql, params)
        assert "transition log rows are append-only" in str(error.value)

    unchanged = TransitionLog.objects.get(pk=target.pk)
    assert (unchanged.reason, unchanged.row_hash) == ("", target.row_hash)
    assert TransitionLog.objects.count() == 5
    assert verify_chain().intact


@pytest.mark.postgres
def test_postgresql_still_takes_new_entries(log, hmicfrs_triager):
    complaint = SuperComplaint.objects.get(pk=log[0].object_id)

    complaint_services.start_assessment(complaint, by=hmicfrs_triager)

    assert TransitionLog.objects.count() == 6
    assert verify_chain().verified == 6


# --- The migration -------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_chains_existing_entries_as_they_were_written(
    hestia_member, cwj_member, hmicfrs_triager
):
    first = submitted(hestia_member)
    submitted(cwj_member)
    complaint_services.acknowledge_complaint(first, by=hmicfrs_triager)
    written = list(TransitionLog.objects.order_by("pk").values_list("pk", "row_hash"))
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("workflow", "0003_due_date_change_clock")])
    old_columns = [
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), TABLE
        )
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    assert "row_hash" not in old_columns
    assert (
        list(TransitionLog.objects.order_by("pk").values_list("pk", "row_hash"))
        == written
    )
    assert verify_chain().verified == 3
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            raw(f"DELETE FROM {TABLE}")
        assert TransitionLog.objects.count() == 3


# --- Concurrent writers (PostgreSQL) --------------------------------------------------------------
class Writer(threading.Thread):
    """A job run in its own thread, so on its own connection; keeps what it raised, if anything."""

    def __init__(self, job):
        super().__init__()
        self.job, self.error = job, None

    def run(self):
        close_old_connections()
        try:
            self.job()
        except Exception as error:  # reported by finish()
            self.error = error
        finally:
            connection.close()

    def finish(self):
        self.join(timeout=30)
        assert not self.is_alive(), "a writer hung"
        return self.error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_writers_never_fork_the_chain(hestia_member, cwj_member):
    complaints = [
        ComplaintFactory(organisation=hestia_member.organisation, created_by=who)
        for who in (hestia_member, cwj_member)
    ]
    per_writer = 30
    start = threading.Barrier(2)

    def writer(complaint, who):
        def write():
            start.wait(timeout=10)
            for n in range(per_writer):
                with transaction.atomic():
                    TransitionLog.record(
                        complaint,
                        "submit",
                        "draft",
                        "submitted",
                        by=who,
                        reason=f"attempt {n}",
                        at=datetime.now(tz=ZoneInfo("UTC")),
                    )

        return write

    writers = [
        Writer(writer(complaints[0], hestia_member)),
        Writer(writer(complaints[1], cwj_member)),
    ]
    for thread in writers:
        thread.start()
    errors = [thread.finish() for thread in writers]

    assert connection.vendor == "postgresql"
    assert errors == [None, None]
    log = entries()
    assert len(log) == 2 * per_writer
    assert len({entry.prev_hash for entry in log}) == 2 * per_writer
    # The two writers really did interleave, and the chain held across them.
    switches = sum(
        before.object_id != entry.object_id
        for before, entry in zip(log, log[1:], strict=False)
    )
    assert switches > 1
    assert verify_chain().verified == 2 * per_writer


def waiting_on_locks():
    with connection.cursor() as cursor:
        # Inside a transaction the activity view is a snapshot unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_until_waiting(count, *writers, timeout=10):
    deadline = time.monotonic() + timeout
    while waiting_on_locks() < count:
        assert time.monotonic() < deadline, (
            f"expected {count} writers to be waiting",
            [(w.is_alive(), w.error) for w in writers],
        )
        time.sleep(0.02)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deciding_an_extension_while_the_response_is_published_does_not_deadlock(
    team, met_recipient, hmicfrs_monitor
):
    # The extension decision logs first and then changes the response; publishing changes the
    # response first and then logs. Both must take their locks in the same order.
    published_report(team, MET)
    response = RecommendationResponse.objects.get(organisation__slug=MET)
    response_services.save_response_draft(
        response,
        by=met_recipient,
        outcome=RecommendationResponse.Outcome.ACCEPTED,
        text="We accept it.",
        expected_version=response.version,
    )
    request = response_services.request_extension(
        response,
        by=met_recipient,
        new_due_on=response.due_on + timedelta(days=28),
        reason="Our board meets after the due date.",
    )
    new_due_on = response.due_on + timedelta(days=21)

    def grant():
        response_services.grant_extension(
            type(request).objects.get(pk=request.pk),
            by=hmicfrs_monitor,
            new_due_on=new_due_on,
            reason="Board dates are fixed.",
        )

    def publish():
        response_services.publish_response(
            RecommendationResponse.objects.get(pk=response.pk), by=met_recipient
        )

    decision, publication = Writer(grant), Writer(publish)
    # Hold the chain lock so the decision queues for it first, then the publication.
    with transaction.atomic():
        raw("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        decision.start()
        wait_until_waiting(1, decision)
        publication.start()
        wait_until_waiting(2, decision, publication)
    errors = [decision.finish(), publication.finish()]

    assert errors == [None, None]
    response.refresh_from_db()
    assert (response.state, response.due_on, response.extension_pending) == (
        RecommendationResponse.State.RESPONSE_PUBLISHED,
        new_due_on,
        False,
    )
    assert verify_chain().intact


def test_the_admin_shows_each_entry_with_its_hashes(client, log):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get(f"/admin/workflow/transitionlog/{log[1].pk}/change/")

    assert page.status_code == 200
    content = page.content.decode()
    assert log[0].row_hash in content
    assert log[1].row_hash in content
