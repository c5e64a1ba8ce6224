"""Every transition of the investigation from every stage: allowed ones work and are logged once, the
rest are refused and leave no trace. What a held-back step still needs, in plain words; pause and
resume; the stage periods; and who may move the investigation on."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from investigations import services
from investigations.models import Investigation, StagePeriod, TeamMember
from tests.factories import (
    MET,
    Team,
    TeamMemberFactory,
    investigation_in,
    move_on,
    org,
    prepare_to_leave,
)
from workflow.deadlines import LONDON
from workflow.models import TransitionLog
from workflow.transitions import actions_for, perform

S = Investigation.State
PAUSE_REASON = "Waiting for the forces' data."
ALLOWED = {
    "start_evidence_gathering": ({S.SCOPING}, S.EVIDENCE_GATHERING),
    "start_analysis": ({S.EVIDENCE_GATHERING}, S.ANALYSIS),
    "start_drafting": ({S.ANALYSIS}, S.DRAFTING),
    "send_for_fact_check": ({S.DRAFTING}, S.FACT_CHECKING),
    "send_for_sign_off": ({S.FACT_CHECKING}, S.SIGN_OFF),
    "publish": ({S.SIGN_OFF}, S.PUBLISHED),
    "pause": (set(Investigation.WORKING), S.PAUSED),
    # investigation_in pauses at analysis.
    "resume": ({S.PAUSED}, S.ANALYSIS),
    "record_historical_report": ({S.SCOPING}, S.PUBLISHED),
}
CASES = [(name, state) for name in ALLOWED for state in S.values]
STAGE_MOVES = [
    (S.SCOPING, services.start_evidence_gathering),
    (S.EVIDENCE_GATHERING, services.start_analysis),
    (S.ANALYSIS, services.start_drafting),
    (S.DRAFTING, services.send_for_fact_check),
    (S.FACT_CHECKING, services.send_for_sign_off),
]


def take(investigation, name, *, by):
    """Take the transition through its service, the one path views use."""
    if name == "publish":
        services.publish_report(investigation, by=by)
    elif name == "pause":
        services.pause(investigation, by=by, reason=PAUSE_REASON)
    elif name == "record_historical_report":
        services.record_historical_report(
            investigation, by=by, title="Old report", published_on=date(2024, 3, 5)
        )
    else:
        getattr(services, name)(investigation, by=by)


def test_the_table_covers_every_transition_of_the_model():
    transitions = Investigation._meta.get_field("state").transitions[Investigation]

    assert set(transitions) == set(ALLOWED)
    assert sorted(S.values) == sorted([*Investigation.WORKING, S.PAUSED, S.PUBLISHED])


@pytest.mark.parametrize(("name", "state"), CASES)
def test_transition_from_every_stage(name, state, team, hmicfrs_triager):
    investigation = investigation_in(state, team, ready=True)
    actor = hmicfrs_triager if name == "record_historical_report" else team.lead
    reason = {
        "pause": PAUSE_REASON,
        "record_historical_report": "Report published before this service existed.",
    }.get(name, "")
    logged = TransitionLog.objects.for_object(investigation).count()
    periods = StagePeriod.objects.filter(investigation=investigation).count()
    sources, target = ALLOWED[name]

    if state in sources:
        take(investigation, name, by=actor)

        assert Investigation.objects.get(pk=investigation.pk).state == target
        new_rows = list(TransitionLog.objects.for_object(investigation).order_by("pk"))[
            logged:
        ]
        assert [
            (r.transition, r.source, r.target, r.by, r.organisation, r.reason)
            for r in new_rows
        ] == [(name, state, target, actor, actor.organisation, reason)]
        assert StagePeriod.objects.filter(investigation=investigation).count() == (
            periods + 1
        )
    else:
        with pytest.raises(TransitionNotAllowed):
            take(investigation, name, by=actor)

        assert Investigation.objects.get(pk=investigation.pk).state == state
        assert TransitionLog.objects.for_object(investigation).count() == logged
        assert StagePeriod.objects.filter(investigation=investigation).count() == (
            periods
        )


# --- What a held-back step still needs ------------------------------------------------------------
def blocked(investigation, user):
    """What `user` may do now, each action with the reasons it is held back (none: enabled)."""
    return {a.name: a.blocked_because for a in actions_for(investigation, user)}


def test_scoping_needs_a_lead_terms_of_reference_and_a_theme(college_investigator):
    investigation = investigation_in(S.SCOPING)
    TeamMemberFactory(investigation=investigation, user=college_investigator)

    assert blocked(investigation, college_investigator) == {
        "start_evidence_gathering": (
            "Appoint a lead for the investigation team.",
            "Write the terms of reference and at least one investigative theme.",
        )
    }


def test_scoping_needs_both_terms_of_reference_and_a_theme(team):
    investigation = investigation_in(S.SCOPING, team)
    lead = team.lead
    needs_scope = (
        "Write the terms of reference and at least one investigative theme.",
    )

    assert blocked(investigation, lead) == {
        "start_evidence_gathering": needs_scope,
        "pause": (),
    }
    services.update_terms_of_reference(investigation, by=lead, text="Terms.")
    assert blocked(investigation, lead)["start_evidence_gathering"] == needs_scope
    services.add_theme(investigation, by=lead, title="Identifying victims")
    assert blocked(investigation, lead)["start_evidence_gathering"] == ()


def test_evidence_gathering_needs_an_item_in_the_log(team):
    investigation = investigation_in(S.EVIDENCE_GATHERING, team)

    assert blocked(investigation, team.lead) == {
        "start_analysis": ("Record at least one item in the evidence log.",),
        "pause": (),
    }


def test_drafting_names_every_gap_in_the_draft(team):
    investigation = investigation_in(S.DRAFTING, team)

    assert blocked(investigation, team.lead) == {
        "send_for_fact_check": (
            "The draft needs: a title; the steps taken; findings; conclusions with reasons; "
            "at least one recommendation.",
            "Choose at least one organisation to fact-check the draft.",
        ),
        "pause": (),
    }
    services.update_report(
        investigation,
        by=team.lead,
        data={"report_title": "The hidden victims", "findings": "Late referrals."},
        expected_version=investigation.version,
    )
    assert blocked(investigation, team.lead)["send_for_fact_check"] == (
        "The draft needs: the steps taken; conclusions with reasons; at least one "
        "recommendation.",
        "Choose at least one organisation to fact-check the draft.",
    )


def test_fact_checking_waits_for_comments_or_the_due_date(team):
    waiting_for_both = (
        "Waiting for fact-check comments from: Dyfed-Powys Police, "
        "Metropolitan Police Service (or their due dates to pass).",
    )
    waiting_for_dyfed_powys = (
        "Waiting for fact-check comments from: Dyfed-Powys Police "
        "(or their due dates to pass).",
    )
    with time_machine.travel(datetime(2026, 9, 1, 10, tzinfo=LONDON), tick=False):
        investigation = investigation_in(S.DRAFTING, team, ready=True)
        services.add_fact_check_request(
            investigation,
            by=team.lead,
            organisation=org("dyfed-powys-police"),
            due_on=date(2026, 9, 10),
        )
        move_on(investigation, team)

        assert blocked(investigation, team.lead)["send_for_sign_off"] == (
            waiting_for_both
        )
        services.record_fact_check_comment(
            investigation.fact_check_requests.get(organisation=org(MET)),
            by=team.lead,
            text="Figure 3 is wrong.",
        )
        assert blocked(investigation, team.lead)["send_for_sign_off"] == (
            waiting_for_dyfed_powys
        )

    # Due on 10 September: still awaited that whole day, no longer the next.
    with time_machine.travel(datetime(2026, 9, 10, 23, tzinfo=LONDON), tick=False):
        assert blocked(investigation, team.lead)["send_for_sign_off"] == (
            waiting_for_dyfed_powys
        )
    with time_machine.travel(datetime(2026, 9, 11, 0, 5, tzinfo=LONDON), tick=False):
        assert blocked(investigation, team.lead)["send_for_sign_off"] == ()


def test_sign_off_names_the_authorities_still_to_approve(team, approvers):
    investigation = investigation_in(S.SIGN_OFF, team)

    assert blocked(investigation, team.lead) == {
        "publish": ("Needs the sign-off of: HMICFRS, College of Policing, IOPC.",),
        "pause": (),
    }
    services.approve_report(investigation, by=approvers["hmicfrs"])
    services.approve_report(investigation, by=approvers["iopc"])
    assert blocked(investigation, team.lead)["publish"] == (
        "Needs the sign-off of: College of Policing.",
    )


# --- Pause and resume -----------------------------------------------------------------------------
def test_pause_needs_a_reason(team):
    investigation = investigation_in(S.ANALYSIS, team)
    logged = TransitionLog.objects.for_object(investigation).count()

    with pytest.raises(ValidationError) as refused:
        services.pause(investigation, by=team.lead, reason="  ")
    with pytest.raises(ValueError, match="a pause needs a recorded reason"):
        perform(investigation.pause, by=team.lead, reason="")

    assert refused.value.messages == ["Say why the investigation is paused."]
    investigation = Investigation.objects.get(pk=investigation.pk)
    assert (investigation.state, investigation.paused_from) == (S.ANALYSIS, "")
    assert TransitionLog.objects.for_object(investigation).count() == logged


@pytest.mark.parametrize("stage", Investigation.WORKING)
def test_resume_returns_to_exactly_the_stage_it_stopped_at(stage, team):
    investigation = investigation_in(stage, team)

    services.pause(investigation, by=team.lead, reason=PAUSE_REASON)
    paused = Investigation.objects.get(pk=investigation.pk)
    assert (paused.state, paused.paused_from, paused.pause_reason) == (
        S.PAUSED,
        stage,
        PAUSE_REASON,
    )
    services.resume(paused, by=team.lead)

    resumed = Investigation.objects.get(pk=investigation.pk)
    assert (resumed.state, resumed.paused_from, resumed.pause_reason) == (
        stage,
        "",
        "",
    )
    log = TransitionLog.objects.for_object(investigation).order_by("pk")
    assert [(r.transition, r.source, r.target, r.reason) for r in log][-2:] == [
        ("pause", stage, S.PAUSED, PAUSE_REASON),
        ("resume", S.PAUSED, stage, ""),
    ]


# --- Stage periods --------------------------------------------------------------------------------
def test_each_stage_change_closes_one_period_and_opens_the_next(team):
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    moments = [start + timedelta(days=10 * n, hours=n) for n in range(9)]

    with time_machine.travel(moments[0], tick=False) as traveller:
        investigation = investigation_in(S.SCOPING, team, ready=True)
        for moment in moments[1:5]:
            traveller.move_to(moment)
            move_on(investigation, team)
            prepare_to_leave(investigation, team)
        traveller.move_to(moments[5])
        services.pause(investigation, by=team.lead, reason=PAUSE_REASON)
        traveller.move_to(moments[6])
        services.resume(investigation, by=team.lead)
        traveller.move_to(moments[7])
        move_on(investigation, team)
        prepare_to_leave(investigation, team)
        traveller.move_to(moments[8])
        move_on(investigation, team)

    periods = list(StagePeriod.objects.filter(investigation=investigation))
    assert [(p.stage, p.started_at, p.ended_at) for p in periods] == [
        (S.SCOPING, moments[0], moments[1]),
        (S.EVIDENCE_GATHERING, moments[1], moments[2]),
        (S.ANALYSIS, moments[2], moments[3]),
        (S.DRAFTING, moments[3], moments[4]),
        (S.FACT_CHECKING, moments[4], moments[5]),
        (S.PAUSED, moments[5], moments[6]),
        (S.FACT_CHECKING, moments[6], moments[7]),
        (S.SIGN_OFF, moments[7], moments[8]),
        (S.PUBLISHED, moments[8], None),
    ]
    later = moments[8] + timedelta(days=3)
    assert [p.duration(later) for p in periods] == [timedelta(days=10, hours=1)] * 8 + [
        timedelta(days=3)
    ]


# --- Who may move the investigation on ------------------------------------------------------------
def test_only_the_lead_pauses_and_resumes(team, approvers):
    investigation = investigation_in(S.ANALYSIS, team)
    investigator = team.investigators[0]

    for user in (investigator, approvers["college"]):
        with pytest.raises(PermissionDenied):
            services.pause(investigation, by=user, reason=PAUSE_REASON)
    services.pause(investigation, by=team.lead, reason=PAUSE_REASON)
    for user in (investigator, approvers["college"]):
        with pytest.raises(PermissionDenied):
            services.resume(investigation, by=user)

    log = TransitionLog.objects.for_object(investigation).order_by("pk")
    assert [(r.transition, r.by) for r in log][-1:] == [("pause", team.lead)]
    assert Investigation.objects.get(pk=investigation.pk).state == S.PAUSED


@pytest.mark.parametrize(("stage", "move"), STAGE_MOVES)
@pytest.mark.parametrize(
    "outsider", ["hmicfrs_investigator_not_on_team", "hmicfrs_approver"]
)
def test_people_not_working_on_the_team_cannot_move_stages(
    stage, move, outsider, request, team
):
    """Another HMICFRS investigator is not on the team; the HMICFRS approver is, but only to sign off."""
    user = request.getfixturevalue(outsider)
    investigation = investigation_in(stage, team, ready=True)
    logged = TransitionLog.objects.for_object(investigation).count()

    with pytest.raises(PermissionDenied):
        move(investigation, by=user)

    assert investigation.team_role(user) == (
        TeamMember.Role.APPROVER if outsider == "hmicfrs_approver" else None
    )
    assert Investigation.objects.get(pk=investigation.pk).state == stage
    assert TransitionLog.objects.for_object(investigation).count() == logged


def test_an_investigator_on_the_team_moves_stages(team):
    investigation = investigation_in(S.SCOPING, team, ready=True)

    services.start_evidence_gathering(investigation, by=team.investigators[0])

    assert Investigation.objects.get(pk=investigation.pk).state == S.EVIDENCE_GATHERING


@pytest.mark.parametrize(
    ("persona", "may_publish"),
    [
        ("hmicfrs_investigator", True),
        ("hmicfrs_colleague", True),
        ("college_investigator", False),
        ("iopc_investigator", False),
        ("hmicfrs_approver", False),
        ("hmicfrs_investigator_not_on_team", False),
        ("hmicfrs_triager", False),
    ],
)
def test_only_hmicfrs_lead_or_investigator_on_the_team_publishes(
    persona, may_publish, request, team, hmicfrs_colleague
):
    team = Team(
        lead=team.lead,
        investigators=(*team.investigators, hmicfrs_colleague),
        approvers=team.approvers,
    )
    user = request.getfixturevalue(persona)
    investigation = investigation_in(S.SIGN_OFF, team, ready=True)

    if may_publish:
        services.publish_report(investigation, by=user)
        assert Investigation.objects.get(pk=investigation.pk).state == S.PUBLISHED
    else:
        with pytest.raises(PermissionDenied):
            services.publish_report(investigation, by=user)
        assert Investigation.objects.get(pk=investigation.pk).state == S.SIGN_OFF


def test_a_lead_from_the_iopc_cannot_publish(iopc_investigator, approvers):
    team = Team(
        lead=iopc_investigator,
        approvers=(approvers["hmicfrs"], approvers["college"], approvers["iopc"]),
    )
    investigation = investigation_in(S.SIGN_OFF, team, ready=True)

    with pytest.raises(PermissionDenied):
        services.publish_report(investigation, by=iopc_investigator)
    assert blocked(investigation, iopc_investigator) == {"pause": ()}


def test_a_transition_on_an_old_copy_keeps_a_newer_edit(team):
    """perform() writes only what the transition changed, so an edit saved meanwhile survives."""
    investigation = investigation_in(S.DRAFTING, team)
    old_copy = Investigation.objects.get(pk=investigation.pk)
    services.update_terms_of_reference(
        investigation, by=team.lead, text="Revised terms."
    )

    services.pause(old_copy, by=team.lead, reason=PAUSE_REASON)

    saved = Investigation.objects.get(pk=investigation.pk)
    assert saved.state == S.PAUSED
    assert saved.terms_of_reference == "Revised terms."
