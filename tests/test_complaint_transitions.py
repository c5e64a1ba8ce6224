"""Every transition of the complaint from every state: allowed ones work, the rest are refused and
leave no trace."""

import pytest
from django.core.exceptions import PermissionDenied
from django_fsm import TransitionNotAllowed

from complaints.models import EligibilityView, SuperComplaint
from tests.factories import (
    COLLEGE,
    HMICFRS,
    IOPC,
    ComplaintFactory,
    EligibilityViewFactory,
    EvidenceFactory,
    org,
)
from workflow.models import TransitionLog
from workflow.transitions import perform

S = SuperComplaint.State
ALLOWED = {
    "submit": ({S.DRAFT}, S.SUBMITTED),
    "acknowledge": ({S.SUBMITTED}, S.ACKNOWLEDGED),
    "start_assessment": ({S.ACKNOWLEDGED}, S.UNDER_ASSESSMENT),
    "decide_eligible": ({S.UNDER_ASSESSMENT}, S.ELIGIBLE),
    "decide_not_eligible": ({S.UNDER_ASSESSMENT}, S.NOT_ELIGIBLE),
    "withdraw": (
        {S.DRAFT, S.SUBMITTED, S.ACKNOWLEDGED, S.UNDER_ASSESSMENT},
        S.WITHDRAWN,
    ),
}
CASES = [(name, state) for name in ALLOWED for state in S.values]


def complaint_in(state, member, view):
    complaint = ComplaintFactory(
        state=state, organisation=member.organisation, created_by=member
    )
    EvidenceFactory(complaint=complaint)
    for slug in (HMICFRS, COLLEGE, IOPC):
        EligibilityViewFactory(complaint=complaint, authority=org(slug), view=view)
    return SuperComplaint.objects.get(pk=complaint.pk)


@pytest.mark.parametrize(("name", "state"), CASES)
def test_transition_from_every_state(name, state, hestia_member, hmicfrs_triager):
    view = (
        EligibilityView.View.NOT_ELIGIBLE
        if name == "decide_not_eligible"
        else EligibilityView.View.ELIGIBLE
    )
    complaint = complaint_in(state, hestia_member, view)
    actor = hestia_member if name in ("submit", "withdraw") else hmicfrs_triager
    sources, target = ALLOWED[name]

    if state in sources:
        perform(getattr(complaint, name), by=actor, reason="Because.")

        complaint.refresh_from_db()
        assert complaint.state == target
        log = TransitionLog.objects.for_object(complaint).get()
        assert (
            log.transition,
            log.source,
            log.target,
            log.by,
            log.organisation,
            log.reason,
        ) == (
            name,
            state,
            target,
            actor,
            actor.organisation,
            "Because.",
        )
    else:
        with pytest.raises(TransitionNotAllowed):
            perform(getattr(complaint, name), by=actor, reason="Because.")

        complaint.refresh_from_db()
        assert complaint.state == state
        assert TransitionLog.objects.for_object(complaint).count() == 0


@pytest.mark.parametrize(
    "name",
    ["acknowledge", "start_assessment", "decide_eligible", "decide_not_eligible"],
)
def test_body_member_cannot_take_hmicfrs_actions(name, hestia_member):
    complaint = complaint_in(
        S.UNDER_ASSESSMENT if name.startswith("decide") else S.SUBMITTED,
        hestia_member,
        "eligible",
    )

    with pytest.raises(PermissionDenied):
        perform(getattr(complaint, name), by=hestia_member, reason="x")


@pytest.mark.parametrize("name", ["submit", "withdraw"])
def test_hmicfrs_cannot_take_the_bodys_actions(name, hestia_member, hmicfrs_triager):
    complaint = complaint_in(S.DRAFT, hestia_member, "eligible")

    with pytest.raises(PermissionDenied):
        perform(getattr(complaint, name), by=hmicfrs_triager, reason="x")

    complaint.refresh_from_db()
    assert complaint.state == S.DRAFT


def test_another_body_cannot_submit_or_withdraw(hestia_member, cwj_member):
    complaint = complaint_in(S.DRAFT, hestia_member, "eligible")

    for name in ("submit", "withdraw"):
        with pytest.raises(PermissionDenied):
            perform(getattr(complaint, name), by=cwj_member, reason="x")


def test_inactive_user_cannot_act(hestia_member):
    complaint = complaint_in(S.DRAFT, hestia_member, "eligible")
    hestia_member.is_active = False
    hestia_member.save()

    with pytest.raises(PermissionDenied):
        perform(complaint.submit, by=hestia_member)


def test_withdraw_needs_a_reason(hestia_member):
    complaint = complaint_in(S.SUBMITTED, hestia_member, "eligible")

    with pytest.raises(ValueError, match="reason"):
        perform(complaint.withdraw, by=hestia_member, reason="  ")

    complaint.refresh_from_db()
    assert complaint.state == S.SUBMITTED
    assert TransitionLog.objects.for_object(complaint).count() == 0


def test_terminal_states_have_no_way_out(hestia_member, hmicfrs_triager):
    for state in (S.ELIGIBLE, S.NOT_ELIGIBLE, S.WITHDRAWN):
        complaint = complaint_in(state, hestia_member, "eligible")
        for name in ALLOWED:
            actor = hestia_member if name in ("submit", "withdraw") else hmicfrs_triager
            with pytest.raises(TransitionNotAllowed):
                perform(getattr(complaint, name), by=actor, reason="x")


def test_state_cannot_be_assigned_directly(hestia_member):
    complaint = complaint_in(S.DRAFT, hestia_member, "eligible")

    with pytest.raises(AttributeError):
        complaint.state = S.ELIGIBLE
