"""`seed_demo` builds the demo through the real services, and can be run again safely."""

from django.core.management import call_command

from accounts.models import Role, User
from complaints.models import SuperComplaint
from investigations.models import Investigation
from workflow.models import TransitionLog


def test_seed_demo_is_complete_and_idempotent(db):
    call_command("seed_demo")
    counts = (
        SuperComplaint.objects.count(),
        TransitionLog.objects.count(),
        User.objects.count(),
    )
    call_command("seed_demo")

    assert (
        SuperComplaint.objects.count(),
        TransitionLog.objects.count(),
        User.objects.count(),
    ) == counts
    assert set(SuperComplaint.objects.values_list("state", flat=True)) == set(
        SuperComplaint.State.values
    )
    roles = set(User.objects.values_list("role_grants__role", flat=True))
    assert roles >= set(Role.values)
    hestia = SuperComplaint.objects.get(title__startswith="Underground lives")
    assert (hestia.reference, hestia.received_on.isoformat()) == (
        "SC-2019-002",
        "2019-05-31",
    )
    assert hestia.investigation.report_published_on.isoformat() == "2021-05-26"
    assert (
        Investigation.objects.filter(state=Investigation.State.PUBLISHED).count() == 7
    )
    for complaint in SuperComplaint.objects.exclude(state=SuperComplaint.State.DRAFT):
        assert TransitionLog.objects.for_object(complaint).exists()


def test_demo_users_can_sign_in(client, db):
    call_command("seed_demo")

    assert client.login(username="hestia", password="demo-password-2026")
    assert client.get("/complaints/").status_code == 200
