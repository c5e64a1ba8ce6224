"""One world of real objects for the access-control probes (`test_route_matrix`, `test_object_probe`).

Every persona owns something the others must not see, and every private text carries a unique
marker (`MARK-…`), so a response body can be scanned for what its reader may not know. The world is
built through the real services (`tests.factories` walks them), once per test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from api.models import ApiToken
from complaints import services as complaint_services
from complaints.models import SuperComplaint
from investigations import services as investigation_services
from investigations.models import (
    EvidenceAttachment,
    EvidenceItem,
    FactCheckRequest,
    Investigation,
    Redaction,
    ReportAction,
    Task,
    TeamMember,
)
from recommendations import services as response_services
from recommendations.models import (
    ActionPlanItem,
    ExtensionRequest,
    RecommendationResponse,
    ResponseEvidence,
)
from tests.factories import (
    COLLEGE,
    HMICFRS,
    IOPC,
    MET,
    MOPAC,
    REPORT,
    EligibilityViewFactory,
    EligibleComplaintFactory,
    Team,
    UserFactory,
    investigation_in,
    org,
    published_report,
)
from workflow import clock
from workflow.models import ExtraHoliday

HESTIA = "hestia"
CWJ = "centre-for-womens-justice"
KENT = "kent-police"
COMMISSIONER = "victims-commissioner-for-england-and-wales"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
R = RecommendationResponse.State
DRAFT_OUTCOME = str(RecommendationResponse.Outcome.PARTLY_ACCEPTED.label)
S = Investigation.State

# --- Personas -------------------------------------------------------------------------------------
# (organisation slug, roles); None is the anonymous visitor, "staff_admin" a superuser of no body.
PERSONA_ACCOUNTS: dict[str, tuple[str, tuple[str, ...]] | None] = {
    "anon": None,
    "charity": (HESTIA, (Role.MEMBER,)),
    "other_charity": (CWJ, (Role.MEMBER,)),
    "triager": (HMICFRS, (Role.TRIAGER,)),
    "lead": (HMICFRS, (Role.INVESTIGATOR,)),
    "investigator_on_team": (COLLEGE, (Role.INVESTIGATOR,)),
    "investigator_off_team": (HMICFRS, (Role.INVESTIGATOR,)),
    "approver": (HMICFRS, (Role.APPROVER,)),
    "recipient_own": (MET, (Role.RECIPIENT,)),
    "recipient_partner": (MOPAC, (Role.RECIPIENT,)),
    "recipient_other": (KENT, (Role.RECIPIENT,)),
    "monitor": (HMICFRS, (Role.MONITOR,)),
    "commissioner": (COMMISSIONER, (Role.MONITOR,)),
    "staff_admin": ("", ()),
}
PERSONAS = tuple(PERSONA_ACCOUNTS)

# Named groups, for writing expectations compactly.
BODIES = ("charity", "other_charity")
TEAM = ("lead", "investigator_on_team", "approver")
WORKERS = ("lead", "investigator_on_team")
# Everyone in HMICFRS, the College or the IOPC with a working role (HMICFRS's monitor included).
AUTHORITY = (
    "triager",
    "lead",
    "investigator_on_team",
    "investigator_off_team",
    "approver",
    "monitor",
)
MONITORS = ("monitor", "commissioner")
RECIPIENTS = ("recipient_own", "recipient_partner", "recipient_other")
GROUPS: dict[str, tuple[str, ...]] = {
    "bodies": BODIES,
    "team": TEAM,
    "workers": WORKERS,
    "authority": AUTHORITY,
    "monitors": MONITORS,
    "recipients": RECIPIENTS,
    "signed_in": PERSONAS[1:],
}


@dataclass
class World:
    """The personas, the objects by name and the private markers with who may read each."""

    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)
    # marker -> the personas allowed to read it anywhere in the service
    markers: dict[str, frozenset[str]] = field(default_factory=dict)
    # persona -> an API token's secret
    tokens: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None

    def add(self, name: str, obj: Any) -> Any:
        self.objects[name] = obj
        return obj

    def mark(self, name: str, *audience: str) -> str:
        """A unique marker string for private text `name`, readable only by `audience`."""
        marker = f"MARK-{name}-Q7"
        self.markers[marker] = frozenset(expand(*audience))
        return marker


def expand(*names: str) -> list[str]:
    """Persona names, with group names replaced by their members."""
    found: list[str] = []
    for name in names:
        found.extend(GROUPS.get(name, (name,)))
    return found


def make_personas() -> dict[str, Any]:
    users: dict[str, Any] = {"anon": None}
    for name, account in PERSONA_ACCOUNTS.items():
        if account is None:
            continue
        slug, roles = account
        if name == "staff_admin":
            users[name] = UserFactory(
                username="probe_staff_admin", is_staff=True, is_superuser=True
            )
            continue
        users[name] = UserFactory(
            username=f"probe_{name}", organisation=org(slug), roles=list(roles)
        )
    return users


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- Complaints -----------------------------------------------------------------------------------
def _draft(world: World, owner: str, name: str, audience: tuple[str, ...]) -> Any:
    """A draft of `owner`'s body whose title, features and evidence file name are private."""
    user = world.users[owner]
    complaint = complaint_services.start_draft(by=user)
    complaint_services.update_draft(
        complaint,
        by=user,
        data={
            "title": world.mark(f"{name}-title", *audience),
            "features": world.mark(f"{name}-features", *audience),
            "harm_explanation": "Victims are left at risk.",
            "contact_name": "Pat Person",
            "contact_email": "pat@example.org",
        },
        forces=[org(MET)],
        expected_version=complaint.version,
    )
    evidence = complaint_services.attach_evidence(
        complaint,
        by=user,
        upload=upload(world.mark(f"{name}-file", *audience) + ".pdf"),
    )
    world.add(f"{name}_evidence", evidence)
    return world.add(name, SuperComplaint.objects.get(pk=complaint.pk))


def build_complaints(world: World) -> None:
    u = world.users
    # Submitted complaints are seen by their body, every authority's staff and the monitors.
    submitted_audience = ("charity", "authority", "monitors")
    _draft(world, "charity", "hestia_draft", ("charity",))
    _draft(world, "other_charity", "cwj_draft", ("other_charity",))
    for name in ("hestia_submitted", "hestia_acknowledged", "hestia_assessing"):
        complaint = _draft(world, "charity", name, submitted_audience)
        complaint_services.submit_complaint(complaint, by=u["charity"])
        if name != "hestia_submitted":
            complaint_services.acknowledge_complaint(complaint, by=u["triager"])
        if name == "hestia_assessing":
            complaint_services.start_assessment(complaint, by=u["triager"])
        world.add(name, SuperComplaint.objects.get(pk=complaint.pk))
    withdrawn = _draft(world, "charity", "hestia_withdrawn", submitted_audience)
    complaint_services.submit_complaint(withdrawn, by=u["charity"])
    complaint_services.withdraw_complaint(
        withdrawn, by=u["charity"], reason="We are working with the force instead."
    )
    world.add("hestia_withdrawn", SuperComplaint.objects.get(pk=withdrawn.pk))
    cwj = _draft(
        world,
        "other_charity",
        "cwj_submitted",
        ("other_charity", "authority", "monitors"),
    )
    complaint_services.submit_complaint(cwj, by=u["other_charity"])
    world.add("cwj_submitted", SuperComplaint.objects.get(pk=cwj.pk))
    world.add(
        "hestia_not_eligible",
        EligibleComplaintFactory(
            organisation=org(HESTIA),
            created_by=u["charity"],
            state=SuperComplaint.State.NOT_ELIGIBLE,
        ),
    )


# --- Investigations -------------------------------------------------------------------------------
def team_of(world: World) -> Team:
    u = world.users
    college = UserFactory(organisation=org(COLLEGE), roles=[Role.APPROVER])
    iopc = UserFactory(organisation=org(IOPC), roles=[Role.APPROVER])
    return Team(
        lead=u["lead"],
        investigators=(u["investigator_on_team"],),
        approvers=(u["approver"], college, iopc),
    )


def build_drafting_investigation(world: World, team: Team) -> Investigation:
    """Hestia's eligible complaint being drafted: its report, recommendation, tasks, evidence log and
    files are the team's (and the monitors') alone."""
    audience = ("team", "monitors")
    lead = team.lead
    report = {
        "report_title": world.mark("draft-report-title", *audience),
        "summary": world.mark("draft-report-summary", *audience),
        "steps_taken": "We read 120 case files.",
        "findings": "Referrals were made late. "
        + world.mark("draft-findings", *audience),
        "conclusions": "Forces should refer sooner.",
        "further_action": "",
    }
    complaint = EligibleComplaintFactory(
        organisation=org(HESTIA),
        created_by=world.users["charity"],
        title="Referrals of victims of trafficking",
    )
    investigation = investigation_in(
        S.DRAFTING,
        team,
        ready=True,
        complaint=complaint,
        report=report,
        recommendations=[
            {
                "text": world.mark("draft-recommendation", *audience),
                "recipient_kinds": [],
                "named_recipients": [org(MET)],
            }
        ],
        actions=[{"body": org(COLLEGE), "text": world.mark("draft-action", *audience)}],
        redactions=[
            {
                "section": "findings",
                "passage": "Referrals were made late.",
                "ground": Redaction.Ground.SAFETY,
                "explanation": world.mark("draft-redaction-reason", *audience),
            }
        ],
    )
    investigation_services.update_terms_of_reference(
        investigation, by=lead, text=world.mark("draft-terms", *audience)
    )
    item = investigation_services.add_evidence_item(
        investigation,
        by=lead,
        kind=EvidenceItem.Kind.INTERVIEW,
        title=world.mark("draft-evidence-item", *audience),
        owner=lead,
    )
    attachment = investigation_services.attach_to_evidence_item(
        item, by=lead, upload=upload(world.mark("draft-attachment", *audience) + ".pdf")
    )
    task = investigation_services.add_task(
        investigation,
        by=lead,
        title=world.mark("draft-task", *audience),
        owner=lead,
        due_on=clock.today() + timedelta(days=10),
    )
    investigation = Investigation.objects.get(pk=investigation.pk)
    world.add("drafting", investigation)
    world.add("drafting_complaint", investigation.complaint)
    world.add("drafting_item", EvidenceItem.objects.get(pk=item.pk))
    world.add("drafting_attachment", EvidenceAttachment.objects.get(pk=attachment.pk))
    world.add("drafting_task", Task.objects.get(pk=task.pk))
    world.add(
        "drafting_member",
        TeamMember.objects.get(investigation=investigation, user=team.investigators[0]),
    )
    world.add("drafting_recommendation", investigation.recommendations.get())
    world.add("drafting_action", ReportAction.objects.get(investigation=investigation))
    world.add("drafting_redaction", Redaction.objects.get(investigation=investigation))
    world.add(
        "drafting_fact_check", FactCheckRequest.objects.get(investigation=investigation)
    )
    return investigation


def build_published_report(world: World, team: Team) -> Investigation:
    """Hestia's published report: recommendation 1 is answered in drafts by the Met, MOPAC and Kent
    (each draft its own); recommendation 2 has the Met's and MOPAC's joint response, published, with
    the Met's action plan, a progress update and its evidence file."""
    u = world.users
    complaint = EligibleComplaintFactory(
        organisation=org(HESTIA),
        created_by=u["charity"],
        title="Police response to modern slavery",
    )
    # A passage withheld on publication (reg 8(3)) stays the team's and the monitors'.
    withheld = "Two informants were named. " + world.mark(
        "published-withheld", "team", "monitors"
    )
    published = published_report(
        team,
        MET,
        MOPAC,
        KENT,
        recommendations=2,
        complaint=complaint,
        report={**REPORT, "findings": f"Referrals were made late. {withheld}"},
        redactions=[
            {
                "section": "findings",
                "passage": withheld,
                "ground": Redaction.Ground.SAFETY,
                "explanation": "Naming them would put them at risk.",
            }
        ],
    )
    world.add("published", published)
    world.add("published_complaint", published.complaint)
    responses = RecommendationResponse.objects.filter(
        recommendation__investigation=published
    )

    def response(number: int, slug: str) -> RecommendationResponse:
        return responses.get(recommendation__number=number, organisation=org(slug))

    # Who sees one of these responses: its recipient (and a joint partner), the body whose complaint
    # it answers, every authority's staff and the monitors.
    seen_by = ("charity", "authority", "monitors")
    for slug, persona in (
        (MET, "recipient_own"),
        (MOPAC, "recipient_partner"),
        (KENT, "recipient_other"),
    ):
        draft = response(1, slug)
        response_services.save_response_draft(
            draft,
            by=u[persona],
            outcome=RecommendationResponse.Outcome.PARTLY_ACCEPTED,
            # A draft is its recipient's alone.
            text=world.mark(f"draft-response-{persona}", persona),
            expected_version=draft.version,
        )
        world.add(f"rec1_{persona}", RecommendationResponse.objects.get(pk=draft.pk))
    # A draft's outcome is as private as its text. "Partly accepted" is only ever a draft's here
    # (the published responses accept), so the label itself is the marker.
    world.markers[DRAFT_OUTCOME] = frozenset(RECIPIENTS)
    met_draft = world.objects["rec1_recipient_own"]
    extension = response_services.request_extension(
        met_draft,
        by=u["recipient_own"],
        new_due_on=met_draft.due_on + timedelta(days=28),
        reason=world.mark("extension-reason", "recipient_own", *seen_by),
    )
    world.add("extension", ExtensionRequest.objects.get(pk=extension.pk))

    met, _mopac = response_services.publish_joint_response(
        response(2, MET),
        by=u["recipient_own"],
        outcome=RecommendationResponse.Outcome.ACCEPTED,
        text="Joint response: we accept it and will train every officer.",
    )
    response_services.start_work(met, by=u["recipient_own"])
    joint_audience = ("recipient_own", "recipient_partner", *seen_by)
    action = response_services.add_action(
        met,
        by=u["recipient_own"],
        description=world.mark("action-plan", *joint_audience),
        owner="Head of Public Protection",
        target_on=clock.today() + timedelta(days=60),
    )
    response_services.update_action(
        action,
        by=u["recipient_own"],
        status=ActionPlanItem.Status.IN_PROGRESS,
        target_on=action.target_on + timedelta(days=14),
        reason="The trainers start later.",
    )
    # Evidence files: the recipient and the authorities and monitors only, not the body.
    response_services.post_progress_update(
        met,
        by=u["recipient_own"],
        text="Training has started in two boroughs.",
        files=[
            upload(
                world.mark(
                    "response-evidence",
                    "recipient_own",
                    "recipient_partner",
                    "authority",
                    "monitors",
                )
                + ".pdf"
            )
        ],
    )
    world.add("rec2_recipient_own", RecommendationResponse.objects.get(pk=met.pk))
    world.add("rec2_recipient_partner", response(2, MOPAC))
    # Kent has answered recommendation 2 and reported it implemented, for HMICFRS to verify.
    kent = response(2, KENT)
    response_services.save_response_draft(
        kent,
        by=u["recipient_other"],
        outcome=RecommendationResponse.Outcome.ACCEPTED,
        text="Kent accepts it.",
        expected_version=kent.version,
    )
    response_services.publish_response(kent, by=u["recipient_other"])
    response_services.start_work(kent, by=u["recipient_other"])
    response_services.report_implementation(
        kent, by=u["recipient_other"], summary="Every officer in Kent is trained."
    )
    world.add("rec2_recipient_other", RecommendationResponse.objects.get(pk=kent.pk))
    world.add("action_item", ActionPlanItem.objects.get(pk=action.pk))
    world.add("response_evidence", ResponseEvidence.objects.get(response=met))
    world.add("rec1", published.recommendations.get(number=1))
    world.add("rec2", published.recommendations.get(number=2))
    return published


def build_world() -> World:
    """Every persona, and something each may or may not see. Takes about two seconds."""
    world = World(users=make_personas())
    build_complaints(world)
    team = team_of(world)
    build_drafting_investigation(world, team)
    build_published_report(world, team)
    # A scoping investigation of CWJ's (its team is the same people; the body is the other one).
    world.add(
        "cwj_scoping",
        investigation_in(
            S.SCOPING,
            team,
            complaint=EligibleComplaintFactory(
                organisation=org(CWJ), created_by=world.users["other_charity"]
            ),
        ),
    )
    for persona in ("charity", "recipient_other"):
        token, secret = ApiToken.issue(world.users[persona], f"{persona} dashboard")
        world.add(f"{persona}_token", token)
        world.tokens[persona] = secret
    # One row of each kind the admin lists that the services above did not make.
    world.add("group", Group.objects.create(name="Probe group"))
    world.add(
        "extra_holiday",
        ExtraHoliday.objects.create(day=date(2099, 12, 30), name="Probe"),
    )
    world.add(
        "eligibility_view", EligibilityViewFactory(complaint=world.hestia_assessing)
    )
    world.add("met", org(MET))
    world.add("kent", org(KENT))
    world.add("mopac", org(MOPAC))
    world.add("hestia_org", org(HESTIA))
    return world


def add_hidden_data(world: World, team: Team | None = None) -> None:
    """More data that only the Met (and CWJ, whose complaint it answers) may see: a published
    report of CWJ's with two recommendations to the Met alone, one answered and one awaiting."""
    u = world.users
    team = team or team_of(world)
    complaint = EligibleComplaintFactory(
        organisation=org(CWJ), created_by=u["other_charity"]
    )
    hidden = published_report(team, MET, recommendations=2, complaint=complaint)
    first = RecommendationResponse.objects.get(
        recommendation__investigation=hidden, recommendation__number=1
    )
    response_services.save_response_draft(
        first,
        by=u["recipient_own"],
        outcome=RecommendationResponse.Outcome.ACCEPTED,
        text="We accept it.",
        expected_version=first.version,
    )
    response_services.publish_response(first, by=u["recipient_own"])
    world.add("hidden", hidden)


# --- Asking as each persona -----------------------------------------------------------------------
CSRF_TOKEN = (
    "probeCsrfToken0123456789abcdefgh"  # 32 letters and digits: a valid CSRF secret
)
LOGIN = "login"  # a 302 to the sign-in page
ADMIN_LOGIN = "admin_login"  # a 302 to the admin's sign-in page


def client_for(world: World, persona: str) -> Client:
    """A browser for `persona`, signed in, that enforces CSRF and holds a valid CSRF cookie."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_TOKEN
    user = world.users[persona]
    if user is not None:
        client.force_login(user)
    return client


def _read(response: HttpResponse) -> HttpResponse:
    """Read a streamed body (CSV, downloads) at once, while its queries can still run. (The test
    client closes the response when the stream ends; closing it again here would send a second
    request_finished, which closes the database connection.)"""
    if response.streaming:
        response.body = b"".join(response.streaming_content)
    else:
        response.body = response.content
    return response


def ask(
    client: Client,
    method: str,
    url: str,
    *,
    data: dict[str, Any] | None = None,
    json: bool = False,
    **headers: Any,
) -> HttpResponse:
    """One request; a POST's or PATCH's writes are rolled back, so every persona meets the same
    world (a GET writes nothing but a session's idle clock). The throttles' counters are cleared first: this
    probes access, not rates."""
    cache.clear()
    if method == "get":
        return _read(client.get(url, **headers))
    with transaction.atomic():
        if method == "patch":
            response = client.patch(
                url,
                data or {},
                content_type="application/json",
                HTTP_X_CSRFTOKEN=CSRF_TOKEN,
                **headers,
            )
        elif json:
            response = client.post(
                url,
                data or {},
                content_type="application/json",
                HTTP_X_CSRFTOKEN=CSRF_TOKEN,
                **headers,
            )
        else:
            response = client.post(
                url, data or {}, HTTP_X_CSRFTOKEN=CSRF_TOKEN, **headers
            )
        _read(response)
        transaction.set_rollback(True)
    return response


def outcome(response: HttpResponse) -> int | str:
    """The status, with a redirect to a sign-in page named as such."""
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("login")):
            return LOGIN
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
    return response.status_code
