"""Who sees an investigation and its working material (the team, and monitors read-only), and who
staffs it: HMICFRS's triagers appoint the lead, the lead names the rest of the team."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from investigations import services
from investigations.models import EvidenceItem, Investigation, Task, TeamMember, Theme
from tests.factories import (
    HMICFRS,
    EligibleComplaintFactory,
    Team,
    UserFactory,
    investigation_in,
    org,
)

S = Investigation.State
PARTS = (TeamMember, Theme, EvidenceItem, Task)
TEAM_PERSONAS = [
    "hmicfrs_investigator",
    "college_investigator",
    "iopc_investigator",
    "hmicfrs_approver",
    "college_approver",
    "iopc_approver",
]


def with_material(investigation, lead):
    """A task on top of the theme and evidence item the stages put in place."""
    services.add_task(
        investigation,
        by=lead,
        title="Book the fieldwork visits",
        owner=lead,
        due_on=date(2026, 12, 1),
    )
    return investigation


@pytest.fixture
def ours(team, hestia_member):
    complaint = EligibleComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    investigation = investigation_in(S.ANALYSIS, team, ready=True, complaint=complaint)
    return with_material(investigation, team.lead)


@pytest.fixture
def theirs(db):
    """Another investigation, run by a different HMICFRS team."""
    lead = UserFactory(organisation=org(HMICFRS), roles=[Role.INVESTIGATOR])
    investigation = investigation_in(S.ANALYSIS, Team(lead=lead), ready=True)
    return with_material(investigation, lead)


def visible(user):
    """Everything `user` sees: the investigations, then each kind of working material."""
    return [set(Investigation.objects.visible_to(user))] + [
        set(model.objects.visible_to(user)) for model in PARTS
    ]


def material_of(*investigations):
    return [set(investigations)] + [
        set(model.objects.filter(investigation__in=investigations)) for model in PARTS
    ]


@pytest.mark.parametrize("persona", TEAM_PERSONAS)
def test_the_team_sees_its_investigation_and_nothing_else(
    persona, request, ours, theirs
):
    user = request.getfixturevalue(persona)

    seen = visible(user)

    assert seen == material_of(ours)
    assert [len(rows) for rows in seen] == [1, 6, 1, 1, 1]


def test_a_monitor_sees_every_investigation(commissioner_monitor, ours, theirs):
    assert visible(commissioner_monitor) == material_of(ours, theirs)


@pytest.mark.parametrize(
    "persona",
    [
        "hmicfrs_investigator_not_on_team",
        "hestia_member",
        "hestia_colleague",
        "met_recipient",
    ],
)
def test_people_off_the_team_see_nothing(persona, request, ours, theirs):
    user = request.getfixturevalue(persona)

    assert visible(user) == [set()] * 5
    assert ours.complaint.organisation == org("hestia")


def test_anonymous_visitors_see_nothing(ours, theirs):
    assert visible(AnonymousUser()) == [set()] * 5


def test_a_deactivated_team_member_sees_nothing(team, ours):
    team.lead.is_active = False
    team.lead.save()

    assert visible(team.lead) == [set()] * 5


# --- Appointing the lead ------------------------------------------------------------------------
def test_an_hmicfrs_triager_appoints_the_lead_and_the_old_lead_stays_on(
    hmicfrs_triager, hmicfrs_investigator, college_investigator
):
    investigation = investigation_in(S.SCOPING)

    services.appoint_lead(investigation, by=hmicfrs_triager, user=hmicfrs_investigator)
    services.appoint_lead(investigation, by=hmicfrs_triager, user=college_investigator)

    assert {(m.user, m.role, m.added_by) for m in investigation.team.all()} == {
        (hmicfrs_investigator, TeamMember.Role.INVESTIGATOR, hmicfrs_triager),
        (college_investigator, TeamMember.Role.LEAD, hmicfrs_triager),
    }
    assert investigation.lead.user == college_investigator


@pytest.mark.parametrize(
    "persona",
    [
        "hmicfrs_investigator",
        "hmicfrs_approver",
        "commissioner_monitor",
        "college_investigator",
        "hestia_member",
    ],
)
def test_only_an_hmicfrs_triager_appoints_the_lead(persona, request, iopc_investigator):
    investigation = investigation_in(S.SCOPING)
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        services.appoint_lead(investigation, by=user, user=iopc_investigator)

    assert list(investigation.team.all()) == []


@pytest.mark.parametrize(
    ("persona", "message"),
    [
        (
            "hmicfrs_approver",
            "{name} does not hold the Investigator role in their organisation.",
        ),
        (
            "met_recipient",
            "The team is drawn from HMICFRS, the College of Policing and the IOPC.",
        ),
        (
            "hestia_member",
            "The team is drawn from HMICFRS, the College of Policing and the IOPC.",
        ),
    ],
)
def test_the_lead_must_be_an_investigator_of_an_authority(
    persona, message, request, hmicfrs_triager
):
    investigation = investigation_in(S.SCOPING)
    user = request.getfixturevalue(persona)

    with pytest.raises(ValidationError) as refused:
        services.appoint_lead(investigation, by=hmicfrs_triager, user=user)

    assert refused.value.messages == [message.format(name=user.get_full_name())]
    assert list(investigation.team.all()) == []


# --- The lead names the team ----------------------------------------------------------------------
@pytest.fixture
def led(hmicfrs_investigator):
    return investigation_in(S.SCOPING, Team(lead=hmicfrs_investigator))


def test_the_lead_adds_investigators_and_approvers(
    led, hmicfrs_investigator, iopc_investigator, college_approver
):
    services.add_team_member(
        led, by=hmicfrs_investigator, user=iopc_investigator, role="investigator"
    )
    services.add_team_member(
        led, by=hmicfrs_investigator, user=college_approver, role="approver"
    )

    assert {(m.user, m.role) for m in led.team.all()} == {
        (hmicfrs_investigator, "lead"),
        (iopc_investigator, "investigator"),
        (college_approver, "approver"),
    }
    assert {m.added_by for m in led.team.exclude(role="lead")} == {hmicfrs_investigator}


@pytest.mark.parametrize(
    "persona", ["college_investigator", "hmicfrs_approver", "hmicfrs_triager"]
)
def test_only_the_lead_adds_to_the_team(
    persona, request, led, hmicfrs_investigator, iopc_investigator
):
    user = request.getfixturevalue(persona)
    if persona != "hmicfrs_triager":
        role = "approver" if persona == "hmicfrs_approver" else "investigator"
        services.add_team_member(led, by=hmicfrs_investigator, user=user, role=role)
    members = set(led.team.all())

    with pytest.raises(PermissionDenied):
        services.add_team_member(
            led, by=user, user=iopc_investigator, role="investigator"
        )

    assert set(led.team.all()) == members


@pytest.mark.parametrize(
    ("persona", "role", "message"),
    [
        (
            "college_investigator",
            "approver",
            "{name} does not hold the Approver role in their organisation.",
        ),
        (
            "iopc_approver",
            "investigator",
            "{name} does not hold the Investigator role in their organisation.",
        ),
        (
            "met_recipient",
            "investigator",
            "The team is drawn from HMICFRS, the College of Policing and the IOPC.",
        ),
        (
            "commissioner_monitor",
            "approver",
            "The team is drawn from HMICFRS, the College of Policing and the IOPC.",
        ),
        (
            "hestia_member",
            "investigator",
            "The team is drawn from HMICFRS, the College of Policing and the IOPC.",
        ),
        ("iopc_investigator", "lead", "Choose investigator or approver."),
        (
            "hmicfrs_investigator",
            "investigator",
            "That person is already on the team.",
        ),
    ],
)
def test_the_lead_cannot_add_people_without_the_right_role(
    persona, role, message, request, led, hmicfrs_investigator
):
    user = request.getfixturevalue(persona)

    with pytest.raises(ValidationError) as refused:
        services.add_team_member(led, by=hmicfrs_investigator, user=user, role=role)

    assert refused.value.messages == [message.format(name=user.get_full_name())]
    assert [(m.user, m.role) for m in led.team.all()] == [
        (hmicfrs_investigator, "lead")
    ]


def test_a_college_investigator_who_is_also_an_approver_can_take_either_place(
    led, hmicfrs_investigator
):
    both = UserFactory(
        organisation=org("college-of-policing"),
        roles=[Role.INVESTIGATOR, Role.APPROVER],
    )

    member = services.add_team_member(
        led, by=hmicfrs_investigator, user=both, role="approver"
    )

    assert (member.user, member.role) == (both, "approver")
