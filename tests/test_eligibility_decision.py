"""Reg 6: the three authorities' views, the joint decision, repeats and material change."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from complaints import services
from complaints.models import EligibilityView, SuperComplaint
from investigations.models import Investigation
from tests.factories import ComplaintFactory, EvidenceFactory
from workflow.transitions import actions_for, perform

S = SuperComplaint.State
ELIGIBLE = EligibilityView.View.ELIGIBLE
NOT_ELIGIBLE = EligibilityView.View.NOT_ELIGIBLE


@pytest.fixture
def assessed(hestia_member):
    complaint = ComplaintFactory(
        state=S.UNDER_ASSESSMENT,
        organisation=hestia_member.organisation,
        created_by=hestia_member,
        reference="SC-2026-010",
    )
    EvidenceFactory(complaint=complaint)
    return complaint


def record(complaint, approvers, views):
    for kind, view in views.items():
        services.record_eligibility_view(
            complaint, by=approvers[kind], view=view, reasons=f"{kind} reasons"
        )
    return SuperComplaint.objects.get(pk=complaint.pk)


def test_eligible_needs_all_three_and_opens_the_investigation(
    assessed, approvers, hmicfrs_triager, django_capture_on_commit_callbacks
):
    complaint = record(
        assessed,
        approvers,
        {"hmicfrs": ELIGIBLE, "college": ELIGIBLE, "iopc": ELIGIBLE},
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_eligibility(complaint, by=hmicfrs_triager, eligible=True)

    complaint.refresh_from_db()
    assert complaint.state == S.ELIGIBLE
    assert (
        Investigation.objects.get(complaint=complaint).state
        == Investigation.State.SCOPING
    )
    assert [m.subject for m in mail.outbox] == [
        "Super-complaint SC-2026-010: decision (Eligible)"
    ]


def test_missing_view_blocks_the_decision_and_says_whose(
    assessed, approvers, hmicfrs_triager
):
    complaint = record(assessed, approvers, {"hmicfrs": ELIGIBLE, "college": ELIGIBLE})

    with pytest.raises(TransitionNotAllowed):
        services.decide_eligibility(complaint, by=hmicfrs_triager, eligible=True)
    decide = {a.name: a for a in actions_for(complaint, hmicfrs_triager)}[
        "decide_eligible"
    ]
    assert decide.blocked_because == ("Needs the view of: IOPC.",)
    assert Investigation.objects.count() == 0


def test_disagreement_blocks_both_decisions(assessed, approvers, hmicfrs_triager):
    complaint = record(
        assessed,
        approvers,
        {"hmicfrs": ELIGIBLE, "college": ELIGIBLE, "iopc": NOT_ELIGIBLE},
    )

    actions = {a.name: a for a in actions_for(complaint, hmicfrs_triager)}
    assert actions["decide_eligible"].blocked_because == (
        "These authorities' recorded view differs: IOPC.",
    )
    assert actions["decide_not_eligible"].blocked_because == (
        "These authorities' recorded view differs: HMICFRS, College of Policing.",
    )


def test_a_later_view_replaces_the_earlier_one(assessed, approvers, hmicfrs_triager):
    record(
        assessed,
        approvers,
        {"hmicfrs": ELIGIBLE, "college": ELIGIBLE, "iopc": NOT_ELIGIBLE},
    )
    complaint = record(assessed, approvers, {"iopc": ELIGIBLE})

    services.decide_eligibility(complaint, by=hmicfrs_triager, eligible=True)

    assert SuperComplaint.objects.get(pk=assessed.pk).state == S.ELIGIBLE
    assert EligibilityView.objects.filter(complaint=assessed).count() == 4


def test_not_eligible_needs_written_reasons(
    assessed, approvers, hmicfrs_triager, django_capture_on_commit_callbacks
):
    complaint = record(
        assessed, approvers, dict.fromkeys(("hmicfrs", "college", "iopc"), NOT_ELIGIBLE)
    )

    with pytest.raises(ValidationError):
        services.decide_eligibility(
            complaint, by=hmicfrs_triager, eligible=False, reasons=""
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_eligibility(
            complaint,
            by=hmicfrs_triager,
            eligible=False,
            reasons="Repeats SC-2025-001.",
        )

    complaint.refresh_from_db()
    assert (complaint.state, complaint.decision_reasons) == (
        S.NOT_ELIGIBLE,
        "Repeats SC-2025-001.",
    )
    assert "Repeats SC-2025-001." in mail.outbox[0].body


def test_not_eligible_transition_refuses_empty_reasons_even_if_called_directly(
    assessed, approvers, hmicfrs_triager
):
    complaint = record(
        assessed, approvers, dict.fromkeys(("hmicfrs", "college", "iopc"), NOT_ELIGIBLE)
    )

    with pytest.raises(ValueError, match="reasons"):
        perform(complaint.decide_not_eligible, by=hmicfrs_triager, reason="")

    assert SuperComplaint.objects.get(pk=assessed.pk).state == S.UNDER_ASSESSMENT


def test_only_an_authority_approver_records_a_view(
    assessed, hmicfrs_triager, iopc_investigator, hestia_member
):
    for user in (hmicfrs_triager, iopc_investigator, hestia_member):
        with pytest.raises(PermissionDenied):
            services.record_eligibility_view(
                assessed, by=user, view=ELIGIBLE, reasons="x"
            )


def test_view_is_recorded_for_the_approvers_own_authority(assessed, college_approver):
    view = services.record_eligibility_view(
        assessed, by=college_approver, view=ELIGIBLE, reasons="Meets reg 4."
    )

    assert view.authority == college_approver.organisation


def test_views_only_during_assessment(hestia_member, college_approver):
    complaint = ComplaintFactory(
        state=S.ACKNOWLEDGED,
        organisation=hestia_member.organisation,
        created_by=hestia_member,
    )

    with pytest.raises(ValidationError):
        services.record_eligibility_view(
            complaint, by=college_approver, view=ELIGIBLE, reasons="x"
        )


def _earlier(hestia_member, *, concluded):
    earlier = ComplaintFactory(
        state=S.ELIGIBLE,
        organisation=hestia_member.organisation,
        created_by=hestia_member,
        reference="SC-2019-001",
    )
    Investigation.objects.create(
        complaint=earlier,
        state=Investigation.State.PUBLISHED
        if concluded
        else Investigation.State.SCOPING,
    )
    return earlier


def test_repeat_of_a_complaint_being_investigated_cannot_be_eligible(
    assessed, approvers, hmicfrs_triager, hestia_member
):
    earlier = _earlier(hestia_member, concluded=False)
    services.link_repeat(
        assessed,
        by=hmicfrs_triager,
        earlier=earlier,
        material_change="Much has changed.",
    )
    complaint = record(
        assessed, approvers, dict.fromkeys(("hmicfrs", "college", "iopc"), ELIGIBLE)
    )

    decide = {a.name: a for a in actions_for(complaint, hmicfrs_triager)}[
        "decide_eligible"
    ]
    assert decide.blocked_because == (
        "It repeats the substance of SC-2019-001, which is still being investigated.",
    )
    with pytest.raises(TransitionNotAllowed):
        services.decide_eligibility(complaint, by=hmicfrs_triager, eligible=True)


def test_repeat_of_an_investigated_complaint_needs_a_material_change(
    assessed, approvers, hmicfrs_triager, hestia_member
):
    earlier = _earlier(hestia_member, concluded=True)
    services.link_repeat(
        assessed, by=hmicfrs_triager, earlier=earlier, material_change=""
    )
    complaint = record(
        assessed, approvers, dict.fromkeys(("hmicfrs", "college", "iopc"), ELIGIBLE)
    )

    with pytest.raises(TransitionNotAllowed):
        services.decide_eligibility(complaint, by=hmicfrs_triager, eligible=True)

    services.link_repeat(
        complaint,
        by=hmicfrs_triager,
        earlier=earlier,
        material_change="New legislation in 2025.",
    )
    complaint = SuperComplaint.objects.get(pk=assessed.pk)
    services.decide_eligibility(complaint, by=hmicfrs_triager, eligible=True)
    assert SuperComplaint.objects.get(pk=assessed.pk).state == S.ELIGIBLE


def test_only_hmicfrs_triager_links_repeats(assessed, college_approver, hestia_member):
    earlier = _earlier(hestia_member, concluded=True)

    with pytest.raises(PermissionDenied):
        services.link_repeat(
            assessed, by=college_approver, earlier=earlier, material_change=""
        )
