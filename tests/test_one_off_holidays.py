"""A proclaimed one-off bank holiday moves the due dates of open items, and says so."""

from datetime import date, datetime

from complaints import services
from complaints.models import SuperComplaint
from tests.factories import UserFactory, submitted_on
from workflow.deadlines import LONDON
from workflow.models import DueDateChange, ExtraHoliday
from workflow.services import add_extra_holiday, remove_extra_holiday


def test_adding_a_holiday_recomputes_open_due_dates_and_logs_them(
    hestia_member, hmicfrs_triager
):
    open_one = submitted_on(hestia_member, datetime(2026, 11, 23, 9, 0, tzinfo=LONDON))
    acknowledged = submitted_on(
        hestia_member, datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
    )
    services.acknowledge_complaint(acknowledged, by=hmicfrs_triager)

    _holiday, moved = add_extra_holiday(
        day=date(2026, 11, 25), name="Proclaimed bank holiday"
    )

    assert moved == 1
    assert SuperComplaint.objects.get(pk=open_one.pk).acknowledgement_due_on == date(
        2026, 11, 30
    )
    assert SuperComplaint.objects.get(
        pk=acknowledged.pk
    ).acknowledgement_due_on == date(2026, 11, 27)
    change = DueDateChange.objects.get()
    assert (change.subject, change.old_date, change.new_date) == (
        open_one,
        date(2026, 11, 27),
        date(2026, 11, 30),
    )
    assert "Proclaimed bank holiday" in change.reason


def test_removing_it_moves_them_back(hestia_member):
    complaint = submitted_on(hestia_member, datetime(2026, 11, 23, 9, 0, tzinfo=LONDON))
    holiday, _moved = add_extra_holiday(
        day=date(2026, 11, 25), name="Proclaimed bank holiday"
    )

    assert remove_extra_holiday(holiday) == 1

    assert SuperComplaint.objects.get(pk=complaint.pk).acknowledgement_due_on == date(
        2026, 11, 27
    )
    assert DueDateChange.objects.count() == 2


def test_admin_adds_a_holiday_through_the_service(client, hestia_member):
    complaint = submitted_on(hestia_member, datetime(2026, 11, 23, 9, 0, tzinfo=LONDON))
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/workflow/extraholiday/add/", {"day": "2026-11-26", "name": "Proclaimed"}
    )

    assert response.status_code == 302
    assert ExtraHoliday.objects.get().name == "Proclaimed"
    assert SuperComplaint.objects.get(pk=complaint.pk).acknowledgement_due_on == date(
        2026, 11, 30
    )


def test_the_page_explains_the_due_date(client, hestia_member):
    complaint = submitted_on(
        hestia_member, datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)
    )
    client.force_login(hestia_member)

    page = client.get(f"/complaints/{complaint.pk}/").content.decode()

    assert "How this date was worked out" in page
    assert "Friday 25 December 2026" in page
    assert "not counted: Christmas Day" in page
    assert "not counted: bank holiday: Boxing Day (observed)" in page
    assert "working day 5" in page
    assert "SI 2018/748, regulation 5" in page
    assert "service target, not a statutory deadline" in page
