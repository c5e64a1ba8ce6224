"""Sign-off: each authority approves the exact version of the report (its content hash); any edit
voids every standing approval; the draft's authors cannot approve it; publishing needs all three.
Also the guards on editing: stale edits save nothing, and withheld passages need a lawful ground."""

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from accounts.models import Role
from investigations import services
from investigations.models import (
    Investigation,
    PublishedReport,
    Redaction,
    SignOff,
)
from investigations.services import StaleEdit
from tests.factories import (
    COLLEGE,
    MET,
    REPORT,
    Team,
    UserFactory,
    investigation_in,
    move_on,
    org,
    prepare_to_leave,
)
from workflow.deadlines import LONDON
from workflow.models import TransitionLog
from workflow.transitions import actions_for

S = Investigation.State
APPROVED_AT = datetime(2026, 10, 5, 11, tzinfo=LONDON)
EDITED_AT = datetime(2026, 10, 6, 15, 30, tzinfo=LONDON)
SECRET = "The witness now lives at 4 Mill Lane."
DRAFT_REPORT = {**REPORT, "findings": f"Referrals were made late. {SECRET}"}
ALL_THREE_MISSING = ("Needs the sign-off of: HMICFRS, College of Policing, IOPC.",)


def draft():
    """The draft used here: two recommendations, an action and a withheld passage, so that each
    kind of edit has something to change or remove."""
    return {
        "report": DRAFT_REPORT,
        "recommendations": [
            {
                "text": "Record every referral.",
                "recipient_kinds": ["chief_constables"],
                "named_recipients": [],
            },
            {
                "text": "Publish the referral figures.",
                "recipient_kinds": [],
                "named_recipients": [org(MET)],
            },
        ],
        "actions": [{"body": org(COLLEGE), "text": "Update the guidance."}],
        "redactions": [
            {
                "section": "findings",
                "passage": SECRET,
                "ground": Redaction.Ground.SAFETY,
                "explanation": "The witness could be found.",
            }
        ],
    }


@pytest.fixture
def signed(team):
    """At sign-off, approved by all three authorities."""
    with time_machine.travel(APPROVED_AT, tick=False):
        return investigation_in(S.SIGN_OFF, team, ready=True, **draft())


def standing(investigation):
    return {
        s.authority.kind: s.content_hash
        for s in SignOff.objects.filter(investigation=investigation, voided_at=None)
    }


def publish_blocked_because(investigation, user):
    actions = {a.name: a for a in actions_for(investigation, user)}
    return actions["publish"].blocked_because


def test_each_approval_binds_to_the_content_hash(signed, team):
    current = signed.content_hash()

    assert standing(signed) == {"hmicfrs": current, "college": current, "iopc": current}
    assert [(s.approved_by, s.approved_at) for s in signed.sign_offs.all()] == [
        (approver, APPROVED_AT) for approver in team.approvers
    ]
    assert publish_blocked_because(signed, team.lead) == ()


EDITS = {
    "update_report": lambda inv, by: services.update_report(
        inv, by=by, data={"summary": "A new summary."}, expected_version=inv.version
    ),
    "add_recommendation": lambda inv, by: services.add_recommendation(
        inv,
        by=by,
        text="Commission training.",
        recipient_kinds=["local_policing_bodies"],
        named_recipients=[],
    ),
    "update_recommendation": lambda inv, by: services.update_recommendation(
        inv.recommendations.get(number=1),
        by=by,
        text="Record every referral within a day.",
        recipient_kinds=["chief_constables"],
        named_recipients=[],
    ),
    "remove_recommendation": lambda inv, by: services.remove_recommendation(
        inv.recommendations.get(number=2), by=by
    ),
    "add_action": lambda inv, by: services.add_action(
        inv, by=by, body=org(COLLEGE), text="Publish new guidance."
    ),
    "remove_action": lambda inv, by: services.remove_action(inv.actions.get(), by=by),
    "add_redaction": lambda inv, by: services.add_redaction(
        inv,
        by=by,
        section="findings",
        passage="Referrals were made late.",
        ground=Redaction.Ground.NATIONAL_SECURITY,
        explanation="It names an operation.",
    ),
    "remove_redaction": lambda inv, by: services.remove_redaction(
        inv.redactions.get(), by=by
    ),
}


@pytest.mark.parametrize("edit", EDITS)
def test_any_edit_voids_every_standing_approval(edit, signed, team):
    editor = team.investigators[0]
    approved_hash = signed.content_hash()
    version = signed.version

    with time_machine.travel(EDITED_AT, tick=False):
        EDITS[edit](signed, editor)

    investigation = Investigation.objects.get(pk=signed.pk)
    assert investigation.content_hash() != approved_hash
    assert investigation.version == version + 1
    assert [
        (s.authority.kind, s.voided_at, s.void_reason)
        for s in SignOff.objects.filter(investigation=signed)
    ] == [
        (kind, EDITED_AT, "The report changed after this approval.")
        for kind in ("hmicfrs", "college", "iopc")
    ]
    assert editor in investigation.draft_contributors.all()
    assert publish_blocked_because(investigation, team.lead) == ALL_THREE_MISSING
    with pytest.raises(TransitionNotAllowed):
        services.publish_report(investigation, by=team.lead)
    assert PublishedReport.objects.count() == 0


def test_approving_again_binds_to_the_new_version(signed, team):
    EDITS["update_report"](signed, team.lead)
    investigation = Investigation.objects.get(pk=signed.pk)

    for approver in team.approvers:
        services.approve_report(investigation, by=approver)

    current = investigation.content_hash()
    assert standing(investigation) == dict.fromkeys(
        ("hmicfrs", "college", "iopc"), current
    )
    assert SignOff.objects.filter(investigation=signed).count() == 6
    assert publish_blocked_because(investigation, team.lead) == ()


def test_an_approval_from_a_copy_read_before_an_edit_is_refused(team, approvers):
    """The approver's copy was read, then an edit landed: approving it would record a hash that no
    longer stands, and then the College could not sign off the new version either."""
    investigation = investigation_in(S.SIGN_OFF, team)
    approvers_copy = Investigation.objects.get(pk=investigation.pk)
    EDITS["update_report"](investigation, team.lead)

    with pytest.raises(ValidationError) as refused:
        services.approve_report(approvers_copy, by=approvers["college"])
    services.approve_report(
        Investigation.objects.get(pk=investigation.pk), by=approvers["college"]
    )

    assert refused.value.messages == [
        "The report changed after you opened this page. Read this version, then sign it off."
    ]
    assert standing(investigation) == {
        "college": Investigation.objects.get(pk=investigation.pk).content_hash()
    }


def test_two_approvals_are_not_enough(team, approvers):
    investigation = investigation_in(S.SIGN_OFF, team)
    services.approve_report(investigation, by=approvers["hmicfrs"])
    services.approve_report(investigation, by=approvers["college"])
    logged = TransitionLog.objects.for_object(investigation).count()

    with pytest.raises(TransitionNotAllowed):
        services.publish_report(investigation, by=team.lead)

    assert publish_blocked_because(investigation, team.lead) == (
        "Needs the sign-off of: IOPC.",
    )
    assert Investigation.objects.get(pk=investigation.pk).state == S.SIGN_OFF
    assert TransitionLog.objects.for_object(investigation).count() == logged
    assert PublishedReport.objects.count() == 0


def test_the_author_of_the_draft_cannot_approve_it(hmicfrs_investigator, approvers):
    writer = UserFactory(
        organisation=org(COLLEGE), roles=[Role.INVESTIGATOR, Role.APPROVER]
    )
    team = Team(
        lead=hmicfrs_investigator,
        investigators=(writer,),
        approvers=(approvers["hmicfrs"], approvers["iopc"]),
    )
    investigation = investigation_in(S.DRAFTING, team)
    services.add_action(
        investigation, by=writer, body=org(COLLEGE), text="Update the guidance."
    )
    prepare_to_leave(investigation, team)
    move_on(investigation, team)
    prepare_to_leave(investigation, team)
    move_on(investigation, team)
    # The writer leaves the team and comes back as the College's approver.
    services.remove_team_member(
        investigation.team.get(user=writer), by=hmicfrs_investigator
    )
    services.add_team_member(
        investigation, by=hmicfrs_investigator, user=writer, role="approver"
    )

    with pytest.raises(ValidationError) as refused:
        services.approve_report(investigation, by=writer)

    assert refused.value.messages == [
        "You wrote part of this draft, so you cannot be its approver."
    ]
    assert set(investigation.draft_contributors.all()) == {writer, hmicfrs_investigator}
    assert SignOff.objects.filter(investigation=investigation).count() == 0


def test_an_approver_not_on_the_team_is_refused(team):
    outsider = UserFactory(organisation=org(COLLEGE), roles=[Role.APPROVER])
    investigation = investigation_in(S.SIGN_OFF, team)

    with pytest.raises(PermissionDenied):
        services.approve_report(investigation, by=outsider)

    assert SignOff.objects.filter(investigation=investigation).count() == 0


def test_investigators_on_the_team_do_not_sign_off(team):
    investigation = investigation_in(S.SIGN_OFF, team)

    for user in (team.lead, *team.investigators):
        with pytest.raises(PermissionDenied):
            services.approve_report(investigation, by=user)

    assert SignOff.objects.filter(investigation=investigation).count() == 0


def test_one_standing_approval_per_authority(team):
    second = UserFactory(organisation=org(COLLEGE), roles=[Role.APPROVER])
    team = Team(
        lead=team.lead,
        investigators=team.investigators,
        approvers=(*team.approvers, second),
    )
    investigation = investigation_in(S.SIGN_OFF, team)
    services.approve_report(investigation, by=team.approvers[1])

    with pytest.raises(ValidationError) as refused:
        services.approve_report(investigation, by=second)

    assert refused.value.messages == [
        "College of Policing has already signed off this version."
    ]
    assert SignOff.objects.filter(investigation=investigation).count() == 1


def test_approval_waits_for_the_sign_off_stage(team, approvers):
    investigation = investigation_in(S.FACT_CHECKING, team, ready=True)

    with pytest.raises(ValidationError) as refused:
        services.approve_report(investigation, by=approvers["iopc"])

    assert refused.value.messages == ["The report is not waiting for sign-off."]
    assert SignOff.objects.filter(investigation=investigation).count() == 0


# --- Editing guards -------------------------------------------------------------------------------
def test_a_stale_edit_saves_nothing(team):
    investigation = investigation_in(S.DRAFTING, team, ready=True)
    editor = team.investigators[0]
    loaded_at_version = investigation.version
    services.update_report(
        investigation,
        by=team.lead,
        data={"findings": "The lead's findings."},
        expected_version=loaded_at_version,
    )

    with pytest.raises(StaleEdit):
        services.update_report(
            investigation,
            by=editor,
            data={"findings": "Overwritten.", "summary": "Overwritten."},
            expected_version=loaded_at_version,
        )

    saved = Investigation.objects.get(pk=investigation.pk)
    assert (saved.findings, saved.summary, saved.version) == (
        "The lead's findings.",
        REPORT["summary"],
        loaded_at_version + 1,
    )
    assert editor not in saved.draft_contributors.all()


def test_a_stale_edit_leaves_the_approvals_standing(signed, team):
    approved_hash = signed.content_hash()

    with pytest.raises(StaleEdit):
        services.update_report(
            signed,
            by=team.investigators[0],
            data={"summary": "Overwritten."},
            expected_version=signed.version - 1,
        )

    assert standing(signed) == dict.fromkeys(
        ("hmicfrs", "college", "iopc"), approved_hash
    )
    assert Investigation.objects.get(pk=signed.pk).summary == REPORT["summary"]


@pytest.fixture
def drafted(team):
    return investigation_in(S.DRAFTING, team, ready=True, report=DRAFT_REPORT)


ONLY_EXACT_PASSAGES = (
    "The passage must be copied exactly from that section of the draft."
)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"ground": "public_interest"},
            "A passage can be withheld only for national security or someone's safety.",
        ),
        (
            {"ground": ""},
            "A passage can be withheld only for national security or someone's safety.",
        ),
        ({"explanation": "  "}, "Explain why the ground applies."),
        ({"passage": SECRET.lower()}, ONLY_EXACT_PASSAGES),
        ({"passage": SECRET.replace(" ", "  ")}, ONLY_EXACT_PASSAGES),
        ({"passage": ""}, ONLY_EXACT_PASSAGES),
        ({"section": "summary"}, ONLY_EXACT_PASSAGES),
        ({"section": "report_title"}, "Choose the section the passage is in."),
    ],
)
def test_a_withheld_passage_needs_a_lawful_ground_a_reason_and_the_exact_words(
    changes, message, drafted, team
):
    version = drafted.version
    redaction = {
        "section": "findings",
        "passage": SECRET,
        "ground": Redaction.Ground.SAFETY,
        "explanation": "The witness could be found.",
        **changes,
    }

    with pytest.raises(ValidationError) as refused:
        services.add_redaction(drafted, by=team.lead, **redaction)

    assert refused.value.messages == [message]
    assert Redaction.objects.filter(investigation=drafted).count() == 0
    assert Investigation.objects.get(pk=drafted.pk).version == version


@pytest.mark.parametrize("ground", Redaction.Ground.values)
def test_a_passage_copied_exactly_is_withheld_on_either_ground(ground, drafted, team):
    services.add_redaction(
        drafted,
        by=team.lead,
        section="findings",
        passage=SECRET,
        ground=ground,
        explanation="The witness could be found.",
    )

    assert [
        (r.section, r.passage, r.ground, r.explanation, r.recorded_by)
        for r in Redaction.objects.filter(investigation=drafted)
    ] == [("findings", SECRET, ground, "The witness could be found.", team.lead)]


def test_a_withheld_passage_edited_away_blocks_publishing(team):
    from investigations import services
    from investigations.models import Investigation
    from tests.factories import REPORT, investigation_in

    investigation = investigation_in(
        Investigation.State.SIGN_OFF,
        team,
        redactions=[
            {
                "section": "findings",
                "passage": "made late",
                "ground": "safety",
                "explanation": "It would identify a witness.",
            }
        ],
    )
    services.update_report(
        investigation,
        by=team.lead,
        data={**REPORT, "findings": "Referrals were made very late."},
        expected_version=investigation.version,
    )
    investigation.refresh_from_db()

    assert investigation.stale_redactions() == list(investigation.redactions.all())
    assert not investigation.redactions_apply()
    assert investigation.redactions_apply.why_not(investigation) == (
        "A passage to withhold is no longer in the findings as written: withhold it again or remove it."
    )
