"""Object-level probe: every persona asks for every object of the world through every URL that takes
it (pages, downloads, PDFs, the API, the public pages), and is let in exactly when a plain rule,
written here from DESIGN's role table and not from the views, says so.

Aggregates too: every private text carries a marker (`tests.probe_world`; a draft's outcome is
marked by its label, which only drafts have there), and every body a persona is shown (lists,
dashboards, CSV and JSON exports, Atom feeds, the tracker, the API's lists, PDFs as text, download
headers) is scanned for the markers that persona may not read. The public search is
asked for every marker and must find nothing; filters by id never reach beyond what the persona sees;
and the counts Kent and Hestia are shown do not move when data of the Met's and CWJ's alone is added.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Organisation
from complaints.models import Evidence, SuperComplaint
from investigations.models import EvidenceAttachment, Investigation
from recommendations.models import (
    Recommendation,
    RecommendationResponse,
    ResponseEvidence,
)
from tests.probe_world import (
    AUTHORITY,
    BODIES,
    MONITORS,
    PERSONA_ACCOUNTS,
    PERSONAS,
    RECIPIENTS,
    World,
    add_hidden_data,
    ask,
    build_world,
    client_for,
    outcome,
)

ORG_OF = {
    persona: account[0]
    for persona, account in PERSONA_ACCOUNTS.items()
    if account is not None and account[0]
}
# The authorities' staff and the oversight bodies.
STAFF = set(AUTHORITY) | set(MONITORS)


# --- The rules (DESIGN's role table, in plain words) ----------------------------------------------
def org_of(persona: str) -> str | None:
    return ORG_OF.get(persona)


def owns(persona: str, complaint: SuperComplaint) -> bool:
    """A designated body's member, and the complaint is that body's."""
    return persona in BODIES and complaint.organisation.slug == org_of(persona)


def sees_complaint(persona: str, complaint: SuperComplaint) -> bool:
    """Its own body always (drafts too); once submitted, the authorities' staff and monitors."""
    return owns(persona, complaint) or (
        persona in STAFF and complaint.received_at is not None
    )


def is_public(complaint: SuperComplaint) -> bool:
    """Found eligible (an investigation is open): listed publicly, as GOV.UK lists them."""
    return hasattr(complaint, "investigation")


def is_reported(complaint: SuperComplaint) -> bool:
    return is_public(complaint) and hasattr(complaint.investigation, "published_report")


def on_team(world: World, persona: str, investigation: Investigation) -> bool:
    user = world.users[persona]
    return user is not None and investigation.team.filter(user=user).exists()


def sees_investigation(
    world: World, persona: str, investigation: Investigation
) -> bool:
    """The team named on it, and the monitors."""
    return persona in MONITORS or on_team(world, persona, investigation)


def responds(persona: str, response: RecommendationResponse) -> bool:
    """The recipient itself, or its partner once they have responded jointly."""
    org = org_of(persona)
    if persona not in RECIPIENTS:
        return False
    partner = response.joint_with
    return response.organisation.slug == org or (
        partner is not None and partner.organisation.slug == org
    )


def sees_response(persona: str, response: RecommendationResponse) -> bool:
    """The recipient (and joint partner), the body whose complaint it answers, and staff."""
    complaint = response.recommendation.investigation.complaint
    return responds(persona, response) or owns(persona, complaint) or persona in STAFF


def sees_response_evidence(persona: str, response: RecommendationResponse) -> bool:
    """Evidence files: not the designated body, and never the public."""
    return responds(persona, response) or persona in STAFF


def monitors_response(persona: str, response: RecommendationResponse) -> bool:
    """The monitoring dashboard and its PDFs: staff, and a body for its own complaints; only
    responses to published reports."""
    complaint = response.recommendation.investigation.complaint
    return is_reported(complaint) and (persona in STAFF or owns(persona, complaint))


# --- Every URL that takes an object ---------------------------------------------------------------
@dataclass(frozen=True)
class ObjectUrl:
    name: str
    kwargs: Callable[[Any], dict[str, Any]]
    allowed: Callable[[World, str, Any], bool]
    # Whether this object has this URL at all (a draft has no reference to look it up by).
    exists: Callable[[Any], bool] = lambda obj: True


def _pk(obj: Any) -> dict[str, Any]:
    return {"pk": obj.pk}


def _reference(complaint: SuperComplaint) -> dict[str, Any]:
    return {"reference": complaint.reference}


def _has_reference(complaint: SuperComplaint) -> bool:
    return bool(complaint.reference)


COMPLAINT_URLS = [
    ObjectUrl("complaints:detail", _pk, lambda w, p, c: sees_complaint(p, c)),
    ObjectUrl(
        "complaints:edit",
        _pk,
        lambda w, p, c: owns(p, c) and c.state == SuperComplaint.State.DRAFT,
    ),
    ObjectUrl(
        "complaints:check",
        _pk,
        lambda w, p, c: owns(p, c) and c.state == SuperComplaint.State.DRAFT,
    ),
    ObjectUrl(
        "complaints:confirmation",
        _pk,
        lambda w, p, c: owns(p, c) and c.received_at is not None,
    ),
    ObjectUrl(
        "complaints:letter",
        _pk,
        lambda w, p, c: sees_complaint(p, c) and c.acknowledged_at is not None,
    ),
    ObjectUrl("api:complaint-detail", _pk, lambda w, p, c: sees_complaint(p, c)),
    ObjectUrl("api:complaints-transitions", _pk, lambda w, p, c: sees_complaint(p, c)),
    ObjectUrl(
        "public:report", _reference, lambda w, p, c: is_public(c), _has_reference
    ),
    ObjectUrl(
        "public:report_pdf", _reference, lambda w, p, c: is_reported(c), _has_reference
    ),
    ObjectUrl(
        "tracker:complaint", _reference, lambda w, p, c: is_reported(c), _has_reference
    ),
    ObjectUrl(
        "api:public-report", _reference, lambda w, p, c: is_reported(c), _has_reference
    ),
]
EVIDENCE_URLS = [
    ObjectUrl(
        "complaints:evidence",
        lambda e: {"pk": e.complaint_id, "evidence_pk": e.pk},
        lambda w, p, e: sees_complaint(p, e.complaint),
    )
]
INVESTIGATION_TABS = (
    "overview",
    "team",
    "evidence",
    "tasks",
    "progress",
    "draft",
    "sign_off",
    "timeline",
)
INVESTIGATION_URLS = [
    *(
        ObjectUrl(f"investigations:{tab}", _pk, sees_investigation)
        for tab in INVESTIGATION_TABS
    ),
    ObjectUrl("api:investigation-detail", _pk, sees_investigation),
    ObjectUrl("api:investigations-transitions", _pk, sees_investigation),
    ObjectUrl(
        "monitoring:complaint_pdf",
        lambda i: {"investigation_pk": i.pk},
        lambda w, p, i: any(monitors_response(p, r) for r in responses_of(i)),
    ),
]
ATTACHMENT_URLS = [
    ObjectUrl(
        "investigations:attachment",
        lambda a: {
            "pk": a.item.investigation_id,
            "item_pk": a.item_id,
            "attachment_pk": a.pk,
        },
        lambda w, p, a: sees_investigation(w, p, a.item.investigation),
    )
]
RECOMMENDATION_URLS = [
    ObjectUrl(
        "api:recommendation-detail",
        _pk,
        lambda w, p, r: (
            org_of(p) is not None
            and (
                is_reported(r.investigation.complaint)
                or sees_investigation(w, p, r.investigation)
            )
        ),
    )
]
RESPONSE_URLS = [
    ObjectUrl("responses:detail", _pk, lambda w, p, r: sees_response(p, r)),
    ObjectUrl("api:response-detail", _pk, lambda w, p, r: sees_response(p, r)),
    ObjectUrl("api:responses-transitions", _pk, lambda w, p, r: sees_response(p, r)),
    # Every response to a published report has its public page (a draft's text left out).
    ObjectUrl("tracker:response", _pk, lambda w, p, r: True),
    ObjectUrl("api:public-response", _pk, lambda w, p, r: True),
]
RESPONSE_EVIDENCE_URLS = [
    ObjectUrl(
        "responses:evidence",
        lambda e: {"pk": e.response_id, "evidence_pk": e.pk},
        lambda w, p, e: sees_response_evidence(p, e.response),
    )
]
ORGANISATION_URLS = [
    ObjectUrl(
        "monitoring:organisation_pdf",
        lambda o: {"org_pk": o.pk},
        lambda w, p, o: any(
            monitors_response(p, r)
            for r in RecommendationResponse.objects.filter(organisation=o)
        ),
    )
]
PDF_ROUTES = {
    "complaints:letter",
    "public:report_pdf",
    "monitoring:complaint_pdf",
    "monitoring:organisation_pdf",
}


def responses_of(investigation: Investigation) -> list[RecommendationResponse]:
    return list(
        RecommendationResponse.objects.filter(
            recommendation__investigation=investigation
        )
    )


def objects_and_urls(world: World) -> list[tuple[Any, list[ObjectUrl]]]:
    """Every object of the world with the URLs that take it."""
    related = ("organisation",)
    return [
        *((c, COMPLAINT_URLS) for c in SuperComplaint.objects.select_related(*related)),
        *(
            (e, EVIDENCE_URLS)
            for e in Evidence.objects.select_related("complaint__organisation")
        ),
        *(
            (i, INVESTIGATION_URLS)
            for i in Investigation.objects.select_related("complaint")
        ),
        *(
            (a, ATTACHMENT_URLS)
            for a in EvidenceAttachment.objects.select_related("item__investigation")
        ),
        *(
            (r, RECOMMENDATION_URLS)
            for r in Recommendation.objects.select_related("investigation__complaint")
        ),
        *(
            (r, RESPONSE_URLS)
            for r in RecommendationResponse.objects.select_related(
                "organisation",
                "joint_with__organisation",
                "recommendation__investigation__complaint__organisation",
            )
        ),
        *(
            (e, RESPONSE_EVIDENCE_URLS)
            for e in ResponseEvidence.objects.select_related(
                "response__organisation",
                "response__joint_with__organisation",
                "response__recommendation__investigation__complaint__organisation",
            )
        ),
        # Every recipient asked to respond, and a body that never is.
        *(
            (o, ORGANISATION_URLS)
            for o in Organisation.objects.filter(
                slug__in=[
                    "metropolitan-police-service",
                    "mayors-office-for-policing-and-crime",
                    "kent-police",
                    "hestia",
                ]
            )
        ),
    ]


# --- Reading bodies -------------------------------------------------------------------------------
_pdf_text: dict[str, str] = {}


def readable(response: Any, route: str = "") -> tuple[str, bool]:
    """What the reader is shown: the body (a PDF's text, without its whitespace, since a PDF may
    break a marker across lines), with the download headers; and whether it was a PDF."""
    body: bytes = response.body
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    if route in PDF_ROUTES and body.startswith(b"%PDF"):
        digest = hashlib.sha256(body).hexdigest()
        if digest not in _pdf_text:
            reader = PdfReader(io.BytesIO(body))
            text = "".join(page.extract_text() for page in reader.pages)
            _pdf_text[digest] = re.sub(r"\s+", "", text)
        return f"{_pdf_text[digest]} {headers}", True
    return f"{body.decode('utf-8', errors='replace')} {headers}", False


@dataclass
class Probe:
    world: World
    requests: int = 0
    scanned: int = 0
    leaks: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    # marker -> personas that were shown it (to prove every marker is shown somewhere)
    shown: dict[str, set[str]] = field(default_factory=dict)

    def get(self, persona: str, client: Any, url: str) -> Any:
        self.requests += 1
        return ask(client, "get", url)

    def scan(self, persona: str, url: str, response: Any, route: str = "") -> None:
        """Every marker in the body must be one `persona` may read."""
        self.scanned += 1
        text, pdf = readable(response, route)
        for marker, audience in self.world.markers.items():
            if (re.sub(r"\s+", "", marker) if pdf else marker) in text:
                self.shown.setdefault(marker, set()).add(persona)
                if persona not in audience:
                    self.leaks.append(f"{persona} was shown {marker} at {url}")


def _context_ids(response: Any, name: str) -> set[int]:
    return {row.pk for row in response.context[name]}


def _api_ids(probe: Probe, persona: str, client: Any, url: str) -> set[int]:
    """The ids of every page of an API list, each page scanned."""
    found: set[int] = set()
    while url:
        response = probe.get(persona, client, url)
        probe.scan(persona, url, response)
        assert response.status_code == 200, (persona, url, response.status_code)
        page = json.loads(response.body)
        found |= {row["id"] for row in page["results"]}
        url = page["next"]
    return found


def _compare(probe: Probe, what: str, persona: str, got: set[int], expected: set[int]):
    if got - expected:
        probe.leaks.append(f"{what} shows {persona} ids {sorted(got - expected)}")
    if expected - got:
        probe.mismatches.append(
            f"{what} leaves out for {persona} ids {sorted(expected - got)}"
        )


# --- The probe ------------------------------------------------------------------------------------
LIST_URLS = (
    "home",
    "complaints:list",
    "complaints:intake",
    "complaints:all",
    "investigations:dashboard",
    "responses:list",
    "responses:export",
    "monitoring:dashboard",
    "monitoring:export_csv",
    "public:list",
    "tracker:index",
    "tracker:responses_csv",
    "tracker:responses_json",
    "tracker:feed_reports",
    "tracker:feed_responses",
    "tracker:feed_updates",
    "api:me",
    "api:public-reports",
    "api:public-recommendations",
    "api:public-responses",
    "api:public-updates",
    "api_tokens:list",
)
API_LISTS = {
    "complaint": lambda w, p: {
        c.pk for c in SuperComplaint.objects.all() if sees_complaint(p, c)
    },
    "investigation": lambda w, p: {
        i.pk for i in Investigation.objects.all() if sees_investigation(w, p, i)
    },
    "recommendation": lambda w, p: {
        r.pk
        for r in Recommendation.objects.all()
        if RECOMMENDATION_URLS[0].allowed(w, p, r)
    },
    "response": lambda w, p: {
        r.pk for r in RecommendationResponse.objects.all() if sees_response(p, r)
    },
}


def probe_objects(probe: Probe, clients: dict[str, Any]) -> tuple[int, int]:
    """Every persona × every object × every URL of it."""
    targets = objects_and_urls(probe.world)
    names: set[str] = set()
    for persona in PERSONAS:
        for obj, urls in targets:
            for spec in urls:
                if not spec.exists(obj):
                    continue
                names.add(spec.name)
                url = reverse(spec.name, kwargs=spec.kwargs(obj))
                response = probe.get(persona, clients[persona], url)
                got = outcome(response)
                allowed = spec.allowed(probe.world, persona, obj)
                let_in = isinstance(got, int) and 200 <= got < 300
                if let_in and not allowed:
                    probe.leaks.append(f"{persona} got {got} at {url} ({obj!r})")
                elif allowed and not let_in:
                    probe.mismatches.append(
                        f"{persona} was refused ({got}) at {url} ({obj!r})"
                    )
                elif not let_in and got not in (401, 403, 404, "login"):
                    probe.mismatches.append(f"{persona} got {got} at {url}")
                probe.scan(persona, url, response, spec.name)
    return len(targets), len(names)


def probe_lists(probe: Probe, clients: dict[str, Any]) -> None:
    """Every list, dashboard, export and feed as each persona, scanned; the lists' rows compared
    with the rules."""
    world = probe.world
    responses = list(
        RecommendationResponse.objects.select_related(
            "organisation",
            "joint_with__organisation",
            "recommendation__investigation__complaint__organisation",
        )
    )
    for persona in PERSONAS:
        client = clients[persona]
        for name in LIST_URLS:
            url = reverse(name)
            response = probe.get(persona, client, url)
            probe.scan(persona, url, response)
            if response.status_code != 200 or response.context is None:
                continue
            if name == "responses:list":
                _compare(
                    probe,
                    url,
                    persona,
                    _context_ids(response, "responses"),
                    {r.pk for r in responses if sees_response(persona, r)},
                )
            elif name == "monitoring:dashboard":
                _compare(
                    probe,
                    url,
                    persona,
                    {r.pk for r in response.context["responses"]},
                    {r.pk for r in responses if monitors_response(persona, r)},
                )
            elif name == "complaints:all":
                _compare(
                    probe,
                    url,
                    persona,
                    _context_ids(response, "complaints"),
                    {
                        c.pk
                        for c in SuperComplaint.objects.all()
                        if sees_complaint(persona, c)
                    },
                )
            elif name == "investigations:dashboard":
                _compare(
                    probe,
                    url,
                    persona,
                    {row["investigation"].pk for row in response.context["rows"]},
                    {
                        i.pk
                        for i in Investigation.objects.exclude(
                            state=Investigation.State.PUBLISHED
                        )
                        if sees_investigation(world, persona, i)
                    },
                )
        if world.users[persona] is None:
            continue
        for resource, rule in API_LISTS.items():
            url = reverse(f"api:{resource}-list") + "?page_size=2"
            _compare(
                probe,
                url,
                persona,
                _api_ids(probe, persona, client, url),
                rule(world, persona),
            )


def probe_filters(probe: Probe, clients: dict[str, Any]) -> None:
    """Filters by another's id never widen what a persona sees."""
    world = probe.world
    complaints = list(SuperComplaint.objects.all())
    investigations = list(Investigation.objects.all())
    organisations = list(
        Organisation.objects.filter(recommendation_responses__isnull=False).distinct()
    )
    recommendations = list(Recommendation.objects.all())
    responses = list(RecommendationResponse.objects.all())
    for persona in PERSONAS[1:]:
        client = clients[persona]
        visible = API_LISTS["response"](world, persona)
        monitored = {r.pk for r in responses if monitors_response(persona, r)}
        asks: list[tuple[str, set[int]]] = [
            *(
                (f"/api/v1/responses/?investigation={i.pk}", visible)
                for i in investigations
            ),
            *(
                (f"/api/v1/responses/?organisation={o.pk}", visible)
                for o in organisations
            ),
            *(
                (f"/api/v1/responses/?recommendation={r.pk}", visible)
                for r in recommendations
            ),
            *(
                (
                    f"/api/v1/complaints/?organisation={o.pk}",
                    API_LISTS["complaint"](world, persona),
                )
                for o in Organisation.objects.filter(
                    slug__in=["hestia", "centre-for-womens-justice"]
                )
            ),
            *(
                (
                    f"/api/v1/recommendations/?investigation={i.pk}",
                    API_LISTS["recommendation"](world, persona),
                )
                for i in investigations
            ),
        ]
        for url, allowed in asks:
            got = _api_ids(probe, persona, client, url)
            if got - allowed:
                probe.leaks.append(f"{url} shows {persona} ids {sorted(got - allowed)}")
        for complaint in complaints:
            url = f"{reverse('responses:list')}?complaint={complaint.pk}"
            response = probe.get(persona, client, url)
            probe.scan(persona, url, response)
            got = _context_ids(response, "responses")
            if got - visible:
                probe.leaks.append(f"{url} shows {persona} ids {sorted(got - visible)}")
        if persona not in STAFF and persona not in BODIES:
            continue  # refused the monitoring pages (the route matrix proves it)
        narrowed = [f"complaint={i.pk}" for i in investigations] + [
            f"organisation={o.pk}" for o in organisations
        ]
        for query in narrowed:
            url = f"{reverse('monitoring:dashboard')}?{query}"
            response = probe.get(persona, client, url)
            probe.scan(persona, url, response)
            got = {r.pk for r in response.context["responses"]}
            if got - monitored:
                probe.leaks.append(
                    f"{url} shows {persona} ids {sorted(got - monitored)}"
                )
            # Its export has the same rows, no more.
            url = f"{reverse('monitoring:export_csv')}?{query}"
            export = probe.get(persona, client, url)
            probe.scan(persona, url, export)
            rows = len(export.body.decode().strip().splitlines()) - 1
            if rows != len(got):
                probe.leaks.append(
                    f"{url} has {rows} rows for {persona}, the page {len(got)}"
                )


def probe_search(probe: Probe, clients: dict[str, Any]) -> int:
    """The public search, in every form, finds no private text (the query is echoed on the page,
    so what is checked is what was found)."""
    client = clients["anon"]
    searches = 0
    for marker in probe.world.markers:
        for url in (
            f"{reverse('tracker:index')}?q={marker}",
            f"{reverse('tracker:responses_json')}?q={marker}",
            f"{reverse('tracker:responses_csv')}?q={marker}",
            f"{reverse('api:public-responses')}?q={marker}",
            f"{reverse('api:public-recommendations')}?q={marker}",
            f"{reverse('api:public-reports')}?q={marker}",
            f"{reverse('api:public-updates')}?q={marker}",
        ):
            searches += 1
            response = probe.get("anon", client, url)
            found = _found(url, response)
            if found:
                probe.leaks.append(f"searching {url} found {found} row(s)")
    return searches


def _found(url: str, response: Any) -> int:
    assert response.status_code == 200, (url, response.status_code)
    if "/tracker/?" in url:
        return response.context["page"].paginator.count
    if "responses.csv" in url:
        return len(response.body.decode().strip().splitlines()) - 1
    return json.loads(response.body)["count"]


def test_no_persona_reaches_an_object_or_text_it_may_not_see(db, figure):
    started = time.monotonic()
    world = build_world()
    probe = Probe(world)
    clients = {persona: client_for(world, persona) for persona in PERSONAS}

    cpu = time.process_time()
    objects, url_names = probe_objects(probe, clients)
    object_requests, object_scans = probe.requests, probe.scanned
    probe_lists(probe, clients)
    probe_filters(probe, clients)
    searches = probe_search(probe, clients)

    figure(
        f"\nObject probe: {len(PERSONAS)} personas × {objects} objects × {url_names} URLs "
        f"= {object_requests} requests; {probe.scanned - object_scans} list/export/search "
        f"bodies scanned for {len(world.markers)} markers (and every object page), "
        f"{searches} searches of the public data for them; {len(probe.leaks)} leaks "
        f"({probe.requests} requests in all, {time.monotonic() - started:.1f} s, "
        f"{time.process_time() - cpu:.1f} s CPU)"
    )
    assert not probe.leaks, "\n".join(probe.leaks)
    assert not probe.mismatches, "\n".join(probe.mismatches)
    # Every marker reached someone allowed to read it: the scan looks where the text is shown.
    unseen = set(world.markers) - set(probe.shown)
    assert not unseen, f"markers never shown to anyone: {sorted(unseen)}"


# --- Counts: what others may not see does not move what Kent and Hestia are shown ----------------
def _counts(world: World, persona: str) -> dict[str, Any]:
    client = client_for(world, persona)
    shown: dict[str, Any] = {}
    workspace = ask(client, "get", reverse("responses:list"))
    shown["workspace"] = (
        workspace.context["state_counts"],
        workspace.context["overdue_count"],
        workspace.context["total"],
        sorted(_context_ids(workspace, "responses")),
    )
    api = ask(client, "get", reverse("api:response-list"))
    shown["api"] = json.loads(api.body)["count"]
    export = ask(client, "get", reverse("responses:export"))
    shown["export rows"] = len(export.body.decode().strip().splitlines())
    monitoring = ask(client, "get", reverse("monitoring:dashboard"))
    if monitoring.status_code == 200:
        overall = monitoring.context["overall"]
        shown["monitoring"] = (
            overall.state_counts(),
            monitoring.context["headline"],
            len(monitoring.context["responses"]),
        )
        csv = ask(client, "get", reverse("monitoring:export_csv"))
        shown["monitoring rows"] = len(csv.body.decode().strip().splitlines())
    else:
        shown["monitoring"] = monitoring.status_code
    return shown


def test_counts_do_not_move_for_data_others_may_not_see(db, figure):
    world = build_world()
    who = (
        "recipient_other",
        "charity",
        "recipient_partner",
        "recipient_own",
        "commissioner",
    )
    before = {persona: _counts(world, persona) for persona in who}

    add_hidden_data(world)
    after = {persona: _counts(world, persona) for persona in who}

    # Kent, Hestia and MOPAC see nothing of a CWJ report addressed to the Met alone.
    for persona in ("recipient_other", "charity", "recipient_partner"):
        assert after[persona] == before[persona], persona
    # The Met and the Victims' Commissioner do: the added data is real and counted.
    assert after["recipient_own"]["api"] == before["recipient_own"]["api"] + 2
    assert after["commissioner"]["api"] == before["commissioner"]["api"] + 2
    assert after["commissioner"]["monitoring"] != before["commissioner"]["monitoring"]
    assert after["commissioner"]["monitoring rows"] == (
        before["commissioner"]["monitoring rows"] + 2
    )
    figure(
        f"\nCounts: Kent {before['recipient_other']['api']} responses, Hestia "
        f"{before['charity']['api']}, MOPAC {before['recipient_partner']['api']}, before and "
        f"after 2 of the Met's alone were added (the Met: {before['recipient_own']['api']} → "
        f"{after['recipient_own']['api']})"
    )
