"""Drafting and submitting: reg 4's requirements, the reference, due dates, the e-mail."""

from datetime import date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django_fsm import TransitionNotAllowed

from complaints import services
from complaints.models import SuperComplaint
from tests.factories import ComplaintFactory, EvidenceFactory
from workflow.deadlines import LONDON


@pytest.fixture
def ready_draft(hestia_member):
    complaint = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    EvidenceFactory(complaint=complaint)
    return SuperComplaint.objects.get(pk=complaint.pk)


@time_machine.travel(datetime(2026, 11, 23, 9, 30, tzinfo=LONDON), tick=False)
def test_submit_gives_reference_due_dates_and_email(
    ready_draft, hestia_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_complaint(ready_draft, by=hestia_member)

    ready_draft.refresh_from_db()
    assert ready_draft.state == SuperComplaint.State.SUBMITTED
    assert ready_draft.reference == "SC-2026-001"
    assert ready_draft.received_at == datetime(2026, 11, 23, 9, 30, tzinfo=LONDON)
    assert ready_draft.acknowledgement_due_on == date(2026, 11, 27)
    assert ready_draft.decision_target_on == date(2027, 2, 21)
    assert [m.subject for m in mail.outbox] == ["Super-complaint SC-2026-001 received"]
    assert mail.outbox[0].to == ["hannah@hestia.example", hestia_member.email]
    assert "27 November 2026" in mail.outbox[0].body


def test_references_count_up_within_a_year(hestia_member):
    references = []
    for _ in range(3):
        complaint = ComplaintFactory(
            organisation=hestia_member.organisation, created_by=hestia_member
        )
        EvidenceFactory(complaint=complaint)
        with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=LONDON)):
            services.submit_complaint(
                SuperComplaint.objects.get(pk=complaint.pk), by=hestia_member
            )
        references.append(SuperComplaint.objects.get(pk=complaint.pk).reference)

    assert references == ["SC-2026-001", "SC-2026-002", "SC-2026-003"]


def test_email_is_not_sent_when_the_submission_rolls_back(
    ready_draft, hestia_member, django_capture_on_commit_callbacks
):
    ready_draft.title = ""
    ready_draft.save()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(TransitionNotAllowed),
    ):
        services.submit_complaint(ready_draft, by=hestia_member)

    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("features", "", "Describe the feature or features of policing."),
        (
            "harm_explanation",
            " ",
            "Explain why the features are, or appear to be, significantly harming the interests of the public.",
        ),
        (
            "contact_name",
            "",
            "Name a contact person at your organisation, with an e-mail address.",
        ),
        (
            "contact_email",
            "",
            "Name a contact person at your organisation, with an e-mail address.",
        ),
        ("title", "", "Give the super-complaint a title."),
    ],
)
def test_reg_4_content_is_required_to_submit(
    ready_draft, hestia_member, field, value, message
):
    from workflow.transitions import actions_for

    setattr(ready_draft, field, value)
    ready_draft.save()

    with pytest.raises(TransitionNotAllowed):
        services.submit_complaint(ready_draft, by=hestia_member)
    (submit,) = [
        a for a in actions_for(ready_draft, hestia_member) if a.name == "submit"
    ]
    assert submit.blocked_because == (message,)


def test_evidence_is_required_to_submit(hestia_member):
    from workflow.transitions import actions_for

    complaint = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )

    with pytest.raises(TransitionNotAllowed):
        services.submit_complaint(complaint, by=hestia_member)
    (submit,) = actions_for(complaint, hestia_member)[:1]
    assert submit.blocked_because == ("Attach at least one evidence file.",)


def test_recommended_fields_are_not_required(ready_draft, hestia_member):
    assert (
        ready_draft.harms,
        ready_draft.affected_groups,
        ready_draft.co_submitters,
    ) == ("", "", "")

    services.submit_complaint(ready_draft, by=hestia_member)

    assert (
        SuperComplaint.objects.get(pk=ready_draft.pk).state
        == SuperComplaint.State.SUBMITTED
    )


def test_revoked_designation_blocks_submission(ready_draft, hestia_member):
    body = hestia_member.organisation
    body.designation_revoked_on = date(2026, 1, 1)
    body.save()
    complaint = SuperComplaint.objects.get(pk=ready_draft.pk)

    with pytest.raises(TransitionNotAllowed):
        services.submit_complaint(complaint, by=hestia_member)
    with pytest.raises(ValidationError, match="not currently a designated body"):
        services.start_draft(by=hestia_member)


def test_start_draft_belongs_to_the_users_own_body(hestia_member):
    complaint = services.start_draft(by=hestia_member)

    assert complaint.organisation == hestia_member.organisation
    assert complaint.state == SuperComplaint.State.DRAFT
    assert complaint.reference is None


def test_stale_draft_edit_saves_nothing(ready_draft, hestia_member, hestia_colleague):
    services.update_draft(
        ready_draft,
        by=hestia_colleague,
        data={"title": "Colleague's title"},
        forces=[],
        expected_version=1,
    )

    with pytest.raises(services.StaleEdit):
        services.update_draft(
            ready_draft,
            by=hestia_member,
            data={"title": "My title"},
            forces=[],
            expected_version=1,
        )

    assert SuperComplaint.objects.get(pk=ready_draft.pk).title == "Colleague's title"


def test_acknowledgement_emails_the_letter(
    ready_draft, hestia_member, hmicfrs_triager, django_capture_on_commit_callbacks
):
    services.submit_complaint(ready_draft, by=hestia_member)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge_complaint(
            SuperComplaint.objects.get(pk=ready_draft.pk), by=hmicfrs_triager
        )

    (message,) = mail.outbox
    assert message.subject.endswith("acknowledged")
    (filename, content, mimetype) = message.attachments[0]
    assert (filename.endswith("-acknowledgement.pdf"), content[:5], mimetype) == (
        True,
        b"%PDF-",
        "application/pdf",
    )
