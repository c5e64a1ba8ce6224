"""One boring factory per model. Organisations come from the reference data the migrations load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import factory
import time_machine

from accounts.models import Organisation, Role, RoleGrant, User
from complaints import services as complaint_services
from complaints.models import EligibilityView, Evidence, SuperComplaint
from investigations import services
from investigations.models import EvidenceItem, Investigation, TeamMember
from recommendations import services as response_services
from recommendations.models import RecommendationResponse
from workflow import clock


def org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


HMICFRS = "his-majestys-inspectorate-of-constabulary-and-fire-rescue-services"
COLLEGE = "college-of-policing"
IOPC = "independent-office-for-police-conduct"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(
        self, create: bool, extracted: list[str] | None, **kwargs: object
    ) -> None:
        for role in extracted or []:
            RoleGrant.objects.create(user=self, role=role)


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A draft with everything reg 4 needs except evidence (add an EvidenceFactory)."""

    class Meta:
        model = SuperComplaint

    organisation = factory.LazyFunction(lambda: org("hestia"))
    created_by = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..organisation")
    )
    title = "Police response to victims of modern slavery"
    features = "Officers miss signs of exploitation."
    harm_explanation = "Victims are left at risk of re-exploitation."
    contact_name = "Hannah Evans"
    contact_email = "hannah@hestia.example"


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    complaint = factory.SubFactory(ComplaintFactory)
    file = factory.django.FileField(filename="upload.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "report.pdf"
    content_type = "application/pdf"
    kind_label = "PDF document"
    size = 15
    sha256 = "0" * 64
    uploaded_by = factory.SelfAttribute("complaint.created_by")


class EligibilityViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityView

    complaint = factory.SubFactory(ComplaintFactory)
    authority = factory.LazyFunction(lambda: org(HMICFRS))
    view = EligibilityView.View.ELIGIBLE
    reasons = "Complies with reg 4."
    recorded_by = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..authority")
    )


def submitted_on(member: User, moment: datetime) -> SuperComplaint:
    """A complaint of `member`'s body, with its evidence, submitted by them at `moment`."""
    complaint = ComplaintFactory(organisation=member.organisation, created_by=member)
    EvidenceFactory(complaint=complaint)
    with time_machine.travel(moment, tick=False):
        complaint_services.submit_complaint(
            SuperComplaint.objects.get(pk=complaint.pk), by=member
        )
    return SuperComplaint.objects.get(pk=complaint.pk)


class EligibleComplaintFactory(ComplaintFactory):
    """A complaint received and found eligible, as the decision leaves it."""

    state = SuperComplaint.State.ELIGIBLE
    reference = factory.Sequence(lambda n: f"SC-2026-{n + 100:03d}")
    received_at = factory.LazyFunction(clock.now)
    decided_at = factory.LazyFunction(clock.now)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    """A row on the team written directly, for teams the services would not build (no lead)."""

    class Meta:
        model = TeamMember

    role = TeamMember.Role.INVESTIGATOR
    added_by = factory.SelfAttribute("user")


@dataclass(frozen=True)
class Team:
    """The people named on an investigation: its lead, investigators and approvers."""

    lead: User
    investigators: tuple[User, ...] = ()
    approvers: tuple[User, ...] = ()


MET = "metropolitan-police-service"
MOPAC = "mayors-office-for-policing-and-crime"
S = Investigation.State
REPORT = {
    "report_title": "The hidden victims",
    "summary": "Victims were not always recognised.",
    "steps_taken": "We visited six forces and read 120 case files.",
    "findings": "Referrals were made late.",
    "conclusions": "Forces should refer sooner, because delay harms victims.",
    "further_action": "",
}
NEXT_STAGE = {
    S.SCOPING: services.start_evidence_gathering,
    S.EVIDENCE_GATHERING: services.start_analysis,
    S.ANALYSIS: services.start_drafting,
    S.DRAFTING: services.send_for_fact_check,
    S.FACT_CHECKING: services.send_for_sign_off,
    S.SIGN_OFF: services.publish_report,
}


def prepare_to_leave(
    investigation: Investigation,
    team: Team,
    *,
    report: dict[str, str] | None = None,
    recommendations: list[dict] | None = None,
    actions: list[dict] | None = None,
    redactions: list[dict] | None = None,
) -> None:
    """Put in place, through the services, what the current stage needs before it can be left."""
    lead = team.lead
    stage = investigation.state
    if stage == S.SCOPING:
        services.update_terms_of_reference(
            investigation, by=lead, text="How forces identify victims of slavery."
        )
        services.add_theme(investigation, by=lead, title="Identifying victims")
    elif stage == S.EVIDENCE_GATHERING:
        services.add_evidence_item(
            investigation,
            by=lead,
            kind=EvidenceItem.Kind.DATA_REQUEST,
            title="Referral figures from every force",
            owner=lead,
        )
    elif stage == S.DRAFTING:
        services.update_report(
            investigation,
            by=lead,
            data=REPORT if report is None else report,
            expected_version=investigation.version,
        )
        if recommendations is None:
            recommendations = [
                {
                    "text": "Record every referral.",
                    "recipient_kinds": [],
                    "named_recipients": [org(MET)],
                }
            ]
        for recommendation in recommendations:
            services.add_recommendation(investigation, by=lead, **recommendation)
        for action in actions or []:
            services.add_action(investigation, by=lead, **action)
        for redaction in redactions or []:
            services.add_redaction(investigation, by=lead, **redaction)
        services.add_fact_check_request(
            investigation,
            by=lead,
            organisation=org(MET),
            due_on=clock.today() + timedelta(days=14),
        )
    elif stage == S.FACT_CHECKING:
        for request in investigation.fact_check_requests.all():
            services.record_fact_check_comment(
                request, by=lead, text="No factual errors."
            )
    elif stage == S.SIGN_OFF:
        for approver in team.approvers:
            services.approve_report(investigation, by=approver)


def move_on(investigation: Investigation, team: Team) -> None:
    """Take the current stage's forward transition as the lead."""
    NEXT_STAGE[investigation.state](investigation, by=team.lead)


def investigation_in(
    stage: str,
    team: Team | None = None,
    *,
    ready: bool = False,
    complaint: SuperComplaint | None = None,
    paused_from: str = S.ANALYSIS,
    **draft: object,
) -> Investigation:
    """An eligible complaint's investigation, opened as its decision opens it, staffed with `team`
    (the lead appointed by an HMICFRS triager) and moved through the real services to `stage`.
    With `ready`, what `stage` needs before it can be left is in place too (at sign-off: every
    approver on the team has approved). `draft` goes to `prepare_to_leave` for the drafting stage."""
    investigation = services.open_investigation(complaint or EligibleComplaintFactory())
    if team is None:
        assert stage == S.SCOPING, "moving on needs a team"
        assert not ready, "moving on needs a team"
        return Investigation.objects.get(pk=investigation.pk)
    triager = UserFactory(organisation=org(HMICFRS), roles=[Role.TRIAGER])
    services.appoint_lead(investigation, by=triager, user=team.lead)
    for user in team.investigators:
        services.add_team_member(
            investigation, by=team.lead, user=user, role=TeamMember.Role.INVESTIGATOR
        )
    for user in team.approvers:
        services.add_team_member(
            investigation, by=team.lead, user=user, role=TeamMember.Role.APPROVER
        )
    working_stage = {S.PAUSED: paused_from, S.PUBLISHED: S.SIGN_OFF}.get(stage, stage)
    while investigation.state != working_stage:
        prepare_to_leave(investigation, team, **draft)
        move_on(investigation, team)
    if ready or stage == S.PUBLISHED:
        prepare_to_leave(investigation, team, **draft)
    if stage == S.PUBLISHED:
        move_on(investigation, team)
    elif stage == S.PAUSED:
        services.pause(investigation, by=team.lead, reason="Waiting for the data.")
    return Investigation.objects.get(pk=investigation.pk)


R = RecommendationResponse.State


def response_in(
    response: RecommendationResponse,
    state: str,
    *,
    recipient: object,
    monitor: object = None,
    outcome: str = RecommendationResponse.Outcome.ACCEPTED,
    text: str = "We accept it and will train every officer by March.",
) -> RecommendationResponse:
    """Take `response` to `state` through the real services, as the recipient and HMICFRS would."""
    if state == R.AWAITING_RESPONSE:
        return response
    response_services.save_response_draft(
        response,
        by=recipient,
        outcome=outcome,
        text=text,
        expected_version=response.version,
    )
    response_services.publish_response(response, by=recipient)
    if state == R.RESPONSE_PUBLISHED:
        return response
    response_services.start_work(response, by=recipient)
    if state == R.IN_PROGRESS:
        return response
    response_services.report_implementation(
        response, by=recipient, summary="All 3,200 officers trained; records attached."
    )
    if state == R.IMPLEMENTATION_REPORTED:
        return response
    assert monitor is not None, "verifying needs an HMICFRS monitor"
    response_services.verify(response, by=monitor)
    return response


def published_report(
    team: Team, *recipients: str, recommendations: int = 1, **draft: object
) -> Investigation:
    """A report published through the real services with `recommendations` numbered
    recommendations, each named to the organisations with slugs `recipients` (default: the Met and
    MOPAC), so each has one response per recipient awaiting a response."""
    named = [org(slug) for slug in (recipients or (MET, MOPAC))]
    return investigation_in(
        S.PUBLISHED,
        team,
        recommendations=[
            {
                "text": f"Recommendation {n}: record every referral.",
                "recipient_kinds": [],
                "named_recipients": named,
            }
            for n in range(1, recommendations + 1)
        ],
        **draft,
    )
