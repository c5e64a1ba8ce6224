"""Cross-site scripting and injection (issue 6): "Cross-site scripting payloads through every text
field reach pages, PDFs, e-mails and CSV inert."

Two routes in. Every free-text column of every model (found by walking the models, so a new field is
covered without editing this file) is set to hostile text on the full demo world, round after
round, and every page, PDF, e-mail, CSV file, JSON document and feed that shows them is read back.
And the main forms are posted with hostile text, through the real views and services, from a draft
complaint to an implementation report sent back, so the form layer and the services' own e-mails and PDFs are
exercised too. Each check also proves the text got there (shown, escaped), or it would prove
nothing."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django_fsm import FSMField
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from accounts.models import Organisation, User
from api.models import ApiToken
from complaints import emails as complaint_emails
from complaints.models import SuperComplaint
from investigations import emails as investigation_emails
from investigations import services as investigation_services
from investigations.models import (
    EvidenceItem,
    FactCheckRequest,
    Investigation,
    ProgressReport,
    PublishedReport,
    SignOff,
)
from investigations.report_pdf import render_report_pdf
from investigations.services import published_content
from recommendations import emails as response_emails
from recommendations import services as response_services
from recommendations.models import ExtensionRequest, RecommendationResponse
from tests.factories import HMICFRS, MET, MOPAC, investigation_in, org
from workflow import clock
from workflow.models import AppendOnlyModel, ExtraHoliday, SentReminder, TransitionLog
from workflow.reminders import send_reminders

# --- The payloads ----------------------------------------------------------------------------------
PAYLOADS = {
    "script element": "<script>alert(1)</script>",
    "attribute break-out": '"><img src=x onerror=alert(1)>',
    "javascript: URL": "javascript:alert(1)",
    "textarea break-out": "</textarea><svg onload=alert(1)>",
    "template expression": "{{ 7*7 }}",
    "template tag": "{% debug %}",
    "SQL": "'; DROP TABLE x;--",
    "right-to-left override": "\u202egnp.exe",
    "reportlab markup": (
        '<para><font color=red>x</font><a href="javascript:alert(1)">y</a><b>bold'
    ),
    "CSV =HYPERLINK": '=HYPERLINK("http://evil","x")',
    "CSV +DDE": "+cmd|' /C calc'!A0",
    "CSV @": "@SUM(1)",
    "CSV -": "-2+3",
    "CSV tab": "\t=1+1",
    "header injection": "\r\nBcc: evil@example.com\r\n",
    # Longer than a page of a PDF's table cell; an unbroken word wider than any column.
    "very long": "W" * 300 + " " + "long words " * 160,
}
P = PAYLOADS
MARKUP = [
    P[name]
    for name in (
        "script element",
        "attribute break-out",
        "textarea break-out",
        "template expression",
        "template tag",
        "SQL",
        "right-to-left override",
        "reportlab markup",
    )
]


def _markup_from(start: int) -> str:
    return " ".join(MARKUP[start:] + MARKUP[:start])


# Each round's text goes into every column at once. Its first characters are what a spreadsheet or
# a link would act on, so each round leads with a different one; the markup follows, in a rotated
# order so that short columns (cut to their length) get different payloads in different rounds.
# Full rounds are read back from every channel; a spreadsheet-only round only from the CSV files
# (what a page, PDF or e-mail makes of text does not depend on its first character).
FULL_ROUNDS = (
    f"{P['CSV =HYPERLINK']} {_markup_from(0)}",
    f"{P['javascript: URL']} {_markup_from(3)}",
    f"{P['header injection']}{_markup_from(6)} {P['very long']}",
)
CSV_ROUNDS = (
    f"{P['CSV +DDE']} {_markup_from(1)}",
    f"{P['CSV @']} {_markup_from(2)}",
    f"{P['CSV -']} {_markup_from(4)}",
    f"{P['CSV tab']} {_markup_from(5)}",
)

OUR_APPS = (
    "accounts",
    "workflow",
    "complaints",
    "investigations",
    "recommendations",
    "api",
)
# Made by the service, never typed by anyone: references, hashes, keys, file types, section names.
SERVER_MADE = {
    "complaints.SuperComplaint.reference",
    "complaints.Evidence.content_type",
    "complaints.Evidence.kind_label",
    "complaints.Evidence.sha256",
    "investigations.EvidenceAttachment.content_type",
    "investigations.EvidenceAttachment.kind_label",
    "investigations.EvidenceAttachment.sha256",
    "investigations.FactCheckComment.content_hash",
    "investigations.SignOff.content_hash",
    "investigations.PublishedReport.content_hash",
    "investigations.Redaction.section",
    "recommendations.ResponseEvidence.content_type",
    "recommendations.ResponseEvidence.kind_label",
    "recommendations.ResponseEvidence.sha256",
    "workflow.TransitionLog.transition",
    "workflow.TransitionLog.source",
    "workflow.TransitionLog.target",
    "workflow.DueDateChange.deadline",
    "workflow.SentReminder.key",
    "workflow.SentReminder.kind",
    "workflow.SentReminder.recipients",
    "accounts.User.username",
    "accounts.User.password",
}


def normalised(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class TextField:
    """One free-text column and the marker that tells its text apart on a page."""

    model: type[models.Model]
    field: models.Field
    marker: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    def value(self, text: str, pk: int) -> str:
        """What is stored: `text` cut to the column's length, then the marker (and for a unique
        column the row's number). A URL column gets a URL that passes its validator but carries
        the text, unspaced, into the link."""
        if isinstance(self.field, models.URLField):
            text = "https://example.org/?" + "".join(text.split())
        limit = self.field.max_length or len(text) + len(self.marker)
        suffix = f"/{pk:06d}" if self.field.unique else ""
        return text[: limit - len(self.marker) - len(suffix)] + self.marker + suffix

    def needle(self, text: str) -> str:
        """What must be found wherever the column is shown (normalised whitespace)."""
        return normalised(self.value(text, 0).removesuffix("/000000"))


def text_fields() -> list[TextField]:
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for column in model._meta.concrete_fields:
            label = f"{model._meta.label}.{column.name}"
            if (
                not isinstance(column, models.CharField | models.TextField)
                or isinstance(column, FSMField | models.SlugField | models.EmailField)
                or column.choices
                or not column.editable  # hashes and keys the model makes itself
                or label in SERVER_MADE
            ):
                continue
            found.append(TextField(model, column, f"~f{len(found):02d}~"))
    return found


# --- Reading the channels back ---------------------------------------------------------------------
LIVE_TAGS = {"iframe", "object", "embed", "base", "frame", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


def _is_javascript_url(value: str) -> bool:
    squeezed = "".join(ch for ch in value if ch > " " and not ch.isspace()).lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:text/html"))


class PageInspector(HTMLParser):
    """Collects what a browser would run (scripts other than our own static files, event-handler
    attributes, javascript: links, frames and plugins) and what it would show as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script" and not values.get("src", "").startswith(OWN_SCRIPTS):
            self.live.append(f"<script> element {values}")
        if tag in LIVE_TAGS:
            self.live.append(f"<{tag}> element")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.live.append("<meta http-equiv=refresh>")
        for name, value in values.items():
            if name.startswith("on"):
                self.live.append(f"<{tag} {name}=…> event handler")
            if name in URL_ATTRIBUTES and _is_javascript_url(value):
                self.live.append(f"<{tag} {name}={value[:40]!r}> javascript: URL")
            self.texts.append(value)

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


def inspect_html(markup: str) -> tuple[list[str], str]:
    """(what would run, the text shown, whitespace normalised)."""
    inspector = PageInspector()
    inspector.feed(markup)
    inspector.close()
    return inspector.live, normalised(" ".join(inspector.texts))


def pdf_text(content: bytes) -> tuple[list[str], str]:
    """(active content found, the text with whitespace and invisible format characters removed:
    reportlab wraps lines wherever it likes)."""
    active = [
        f"PDF {name.decode()}"
        for name in (b"/JavaScript", b"/Launch", b"/URI")
        if name in content
    ]
    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]
    active += [f"PDF catalog {key}" for key in ("/OpenAction", "/AA") if key in catalog]
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            active.append(f"PDF annotation {annotation.get_object().get('/Subtype')}")
    text = "".join(page.extract_text() for page in reader.pages)
    return active, squeezed(text)


def squeezed(text: str) -> str:
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf"
    )


# --- Tallies ---------------------------------------------------------------------------------------
@dataclass
class Tally:
    """What reached each channel, and anything that would run."""

    fields_reached: dict[str, set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    documents: Counter = field(default_factory=Counter)
    live: list[str] = field(default_factory=list)
    formula_cells: list[str] = field(default_factory=list)
    neutralised_cells: int = 0
    injected_headers: list[str] = field(default_factory=list)
    this_round: set[str] = field(default_factory=set)
    subjects: list[str] = field(default_factory=list)
    evaluated: list[str] = field(default_factory=list)
    pairs: set[tuple[str, str]] = field(default_factory=set)

    def reached(self, channel: str, where: str, found: list[str]) -> None:
        self.documents[channel] += 1
        for label in found:
            self.fields_reached[label].add(channel)
        self.this_round.update(found)

    def check_not_evaluated(self, where: str, text: str) -> None:
        """`{{ 7*7 }}` is shown as typed (each needle found proves it); a template engine that ran
        it would leave 49 where it stood, after the textarea payload."""
        if "onload=alert(1)> 49" in text:
            self.evaluated.append(where)

    def end_round(self, needles: dict[str, str]) -> None:
        """Count the payloads each field shown this round carried whole (short columns are cut)."""
        for label in self.this_round:
            self.pairs.update(
                (label, name)
                for name, payload in PAYLOADS.items()
                if normalised(payload) in needles[label]
            )
        self.this_round = set()

    def summary(self, fields: int, payloads: int) -> str:
        d = self.documents
        return (
            f"XSS: {fields} fields × {payloads} payloads ({len(self.pairs)} field–payload pairs "
            f"shown whole) reached {d['page']} pages, "
            f"{d['pdf']} PDFs, {d['e-mail']} e-mails, {d['csv']} CSV files "
            f"(and {d['json']} JSON documents, {d['feed']} Atom feeds); "
            f"{len(self.live)} live scripts, {len(self.formula_cells)} formula cells, "
            f"{len(self.injected_headers)} injected headers"
        )


def found_in(text: str, needles: dict[str, str]) -> list[str]:
    return [label for label, needle in needles.items() if needle in text]


# --- The world: the demo data, every free-text column rewritten each round --------------------------
BODIES = ("hestia", "cwj", "liberty", "cja", "slt", "tvip")
RECIPIENTS = ("met", "mopac", "kent")


def _plain(model: type[models.Model]) -> models.QuerySet:
    """A plain QuerySet: the append-only managers refuse `update()`, which is right for the app,
    but this test plays the database as an attacker who got text into every column."""
    return models.QuerySet(model)


class Clients:
    """One signed-in test client per person (None: the public)."""

    def __init__(self, users: dict[str, User]) -> None:
        self.users = users
        self._clients: dict[str | None, Client] = {}

    def __call__(self, username: str | None) -> Client:
        if username not in self._clients:
            client = Client()
            if username is not None:
                client.force_login(self.users[username])
            self._clients[username] = client
        return self._clients[username]


class World:
    """The demo world (`seed_demo`), with hostile text written into every free-text column."""

    def __init__(self, fields: list[TextField]) -> None:
        self.fields = fields
        self.by_model: dict[type[models.Model], list[TextField]] = defaultdict(list)
        for text_field in fields:
            self.by_model[text_field.model].append(text_field)
        # Append-only rows are never changed: each round appends a copy of the originals instead.
        self.originals = {
            model: list(_plain(model).order_by("pk"))
            for model in self.by_model
            if issubclass(model, AppendOnlyModel)
        }
        self.users = {
            u.username: u for u in User.objects.select_related("organisation")
        }
        self.clients = Clients(self.users)
        self.pdf_reports = self._pdf_reports()

    def needles(self, text: str) -> dict[str, str]:
        return {f.label: f.needle(text) for f in self.fields}

    def write(self, text: str, *, pdfs: bool = True) -> None:
        for model, fields in self.by_model.items():
            if issubclass(model, AppendOnlyModel):
                self._append_copies(model, fields, text)
                continue
            unique = [f for f in fields if f.field.unique]
            common = [f for f in fields if not f.field.unique]
            if common:
                _plain(model).update(**{f.field.name: f.value(text, 0) for f in common})
            for pk in _plain(model).values_list("pk", flat=True) if unique else ():
                _plain(model).filter(pk=pk).update(
                    **{f.field.name: f.value(text, pk) for f in unique}
                )
        self._republish(pdfs)

    def _append_copies(
        self, model: type[models.Model], fields: list[TextField], text: str
    ) -> None:
        for row in self.originals[model]:
            values = {f.field.name: f.value(text, 0) for f in fields}
            if model is TransitionLog:
                # Through the log's own writer, so that its hash chain stays whole.
                TransitionLog.record(
                    row.subject,
                    row.transition,
                    row.source,
                    row.target,
                    by=row.by,
                    reason=values["reason"],
                    at=clock.now(),
                )
                continue
            copy = _plain(model).get(pk=row.pk)
            copy.pk = None
            copy._state.adding = True
            for name, value in values.items():
                setattr(copy, name, value)
            copy.save()

    def _republish(self, pdfs: bool) -> None:
        """Publication fixes the report's content as it then stood: fix it again from the
        rewritten columns, as `publish_report` would, and re-render the PDFs that are read."""
        for report in PublishedReport.objects.select_related("investigation"):
            snapshot = published_content(report.investigation)
            _plain(PublishedReport).filter(pk=report.pk).update(snapshot=snapshot)
            if pdfs and report.pk in self.pdf_reports:
                report.pdf.save(
                    "report.pdf", ContentFile(render_report_pdf(snapshot)), save=True
                )

    @staticmethod
    def _pdf_reports() -> set[int]:
        """The published reports whose PDF is read: the one with most recommendations and the
        one with actions for the College and HMICFRS (each column of the PDF is in one of them)."""
        reports = PublishedReport.objects.annotate(
            recs=models.Count("investigation__recommendations", distinct=True),
            actions=models.Count("investigation__actions", distinct=True),
        )
        most = reports.order_by("-recs", "pk").first()
        with_actions = reports.filter(actions__gt=0).order_by("-actions", "pk").first()
        return {r.pk for r in (most, with_actions) if r is not None}


# --- Where the text is shown -----------------------------------------------------------------------
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


S = Investigation.State
TABS_BY_STAGE = {
    S.SCOPING: ("team",),
    S.EVIDENCE_GATHERING: ("evidence",),
    S.ANALYSIS: ("tasks", "progress"),
    S.DRAFTING: ("draft",),
    S.FACT_CHECKING: ("draft",),
    S.SIGN_OFF: ("draft", "sign_off"),
    S.PUBLISHED: INVESTIGATION_TABS[1:],
    S.PAUSED: ("timeline",),
}


def pages(world: World) -> list[tuple[str | None, str]]:
    """The pages that show what people wrote, each as the persona who sees most of it: every kind
    of page once for each state its object can be in, and every list."""
    found: list[tuple[str | None, str]] = []

    def add(username: str | None, name: str, *args: Any) -> None:
        found.append((username, reverse(name, args=args)))

    # The public.
    add(None, "home")
    add(None, "public:list")
    add(None, "tracker:index")
    add(None, "tracker:how_it_works")
    for complaint in SuperComplaint.objects.filter(investigation__isnull=False):
        add(None, "public:report", complaint.reference)
    for complaint in SuperComplaint.objects.filter(
        investigation__published_report__isnull=False
    ):
        add(None, "tracker:complaint", complaint.reference)
    public = RecommendationResponse.objects.filter(published_at__isnull=False)
    for pk in public.values_list("pk", flat=True):
        add(None, "tracker:response", pk)

    # Designated bodies: their lists, and a complaint of theirs in each state (drafts with their
    # edit and check pages), as its owner sees it.
    owners = {world.users[name].organisation_id: name for name in BODIES}
    for username in BODIES:
        add(username, "complaints:list")
        add(username, "responses:list")
    for state in SuperComplaint.State.values:
        complaint = SuperComplaint.objects.filter(
            state=state, organisation__in=owners
        ).last()
        if complaint is None:
            continue
        username = owners[complaint.organisation_id]
        add(username, "complaints:detail", complaint.pk)
        if complaint.is_draft:
            add(username, "complaints:edit", complaint.pk)
            add(username, "complaints:check", complaint.pk)
        elif state == SuperComplaint.State.SUBMITTED:
            add(username, "complaints:confirmation", complaint.pk)

    # HMICFRS's intake, and each complaint as its triager sees it (with the decision forms).
    add("triager", "complaints:intake")
    add("triager", "complaints:all")
    for state in SuperComplaint.State.values:
        complaint = SuperComplaint.objects.filter(
            state=state, received_at__isnull=False
        ).first()
        if complaint is not None:
            add("triager", "complaints:detail", complaint.pk)

    # Investigations, as the lead (or a monitor where there is none): the overview of one in each
    # stage (its actions and reason boxes differ), and each other tab in the stages where what it
    # shows differs (forms while the work is open, read-only after).
    lead = world.users["hmicfrs-lead"]
    led = set(Investigation.objects.visible_to(lead).values_list("pk", flat=True))
    add("hmicfrs-lead", "investigations:dashboard")
    add("hmicfrs-monitor", "investigations:dashboard")
    for state in Investigation.State.values:
        investigation = (
            Investigation.objects.filter(state=state).order_by("-pk").first()
        )
        if investigation is None:
            continue
        username = "hmicfrs-lead" if investigation.pk in led else "hmicfrs-monitor"
        for tab in ("overview", *TABS_BY_STAGE.get(state, ())):
            add(username, f"investigations:{tab}", investigation.pk)
        if state == Investigation.State.SIGN_OFF:
            add("college-approver", "investigations:sign_off", investigation.pk)

    # Responses: each recipient's own with anything written on them (drafts only it sees), one
    # other response of each, the monitors' lists and the monitoring dashboard.
    busy = RecommendationResponse.objects.filter(
        ~Q(state=RecommendationResponse.State.AWAITING_RESPONSE)
        | ~Q(response_text="")
        | Q(actions__isnull=False)
        | Q(updates__isnull=False)
        | Q(extension_requests__isnull=False)
    ).distinct()
    for username in RECIPIENTS:
        add(username, "responses:list")
        organisation = world.users[username].organisation
        mine = RecommendationResponse.objects.filter(organisation=organisation)
        for pk in {
            *busy.filter(organisation=organisation).values_list("pk", flat=True)
        } | {*mine.order_by("pk").values_list("pk", flat=True)[:1]}:
            add(username, "responses:detail", pk)
    others = busy.exclude(organisation__users__username__in=RECIPIENTS)
    for pk in others.values_list("pk", flat=True):
        add("hmicfrs-monitor", "responses:detail", pk)
    add("hmicfrs-monitor", "responses:list")
    add("monitor", "complaints:all")

    # API tokens, and the admin (where organisations and people are named).
    add("met", "api_tokens:list")
    add("admin", "admin:index")
    for model, _model_admin in admin_site_registry():
        meta = model._meta
        add("admin", f"admin:{meta.app_label}_{meta.model_name}_changelist")
    return found


def admin_site_registry() -> list[tuple[type[models.Model], Any]]:
    from django.contrib import admin

    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS
    ]


def reflected_pages(text: str) -> list[tuple[str | None, str]]:
    """Pages that echo what is typed into the address: search boxes, filters, the sign-in page's
    next address, and the not-found page. (A filter that is not valid narrows nothing: the
    monitoring dashboard and the response list show everything, and are read for it.)"""
    q = quote(text, safe="")
    return [
        (
            None,
            f"{reverse('tracker:index')}?q={q}&force={q}&pcc={q}&state={q}&complaint={q}",
        ),
        (
            "hmicfrs-monitor",
            f"{reverse('monitoring:dashboard')}?kind={q}&state={q}&organisation={q}",
        ),
        ("met", f"{reverse('responses:list')}?state={q}&complaint={q}"),
        (None, f"{reverse('login')}?next={q}"),
        (None, f"/super-complaints/{q}/"),
    ]


# --- Reading each channel back ---------------------------------------------------------------------
OWN_SCRIPTS = ("/static/", "/admin/jsi18n/")
# OWASP "CSV injection": a spreadsheet reads a cell starting with any of these as a formula.
FORMULA = ("=", "+", "-", "@", "\t", "\r")
MAIL_HEADERS = {
    "content-type",
    "mime-version",
    "content-transfer-encoding",
    "subject",
    "from",
    "to",
    "date",
    "message-id",
}


def _get(client: Client, url: str) -> Any:
    response = client.get(url)
    if getattr(response, "streaming", False):
        response.content_bytes = b"".join(response.streaming_content)
    else:
        response.content_bytes = response.content
    return response


class Reader:
    """Fetches each document, checks that nothing in it would run, and tallies what reached it."""

    def __init__(self, clients: Clients, tally: Tally) -> None:
        self.client = clients
        self.tally = tally
        self.needles: dict[str, str] = {}

    def page(self, username: str | None, url: str, *, status: int = 200) -> str:
        response = _get(self.client(username), url)
        assert response.status_code == status, (url, username, response.status_code)
        assert response["Content-Type"].startswith("text/html"), url
        return self.html(f"{url} as {username}", response.content_bytes.decode())

    def html(self, where: str, markup: str) -> str:
        live, text = inspect_html(markup)
        self.tally.live += [f"{where}: {what}" for what in live]
        self.tally.reached("page", where, found_in(text, self.needles))
        self.tally.check_not_evaluated(where, text)
        return text

    def pdf(self, where: str, content: bytes) -> None:
        active, text = pdf_text(content)
        self.tally.live += [f"{where}: {what}" for what in active]
        squeezed_needles = {label: squeezed(n) for label, n in self.needles.items()}
        self.tally.reached("pdf", where, found_in(text, squeezed_needles))

    def pdf_at(self, username: str | None, url: str) -> None:
        response = _get(self.client(username), url)
        assert response.status_code == 200, (url, username, response.status_code)
        assert response["Content-Type"] == "application/pdf", url
        self.pdf(url, response.content_bytes)

    def emails(self, messages: list[Any]) -> None:
        for message in messages:
            where = f"e-mail {message.subject!r}"
            self.tally.subjects.append(message.subject)
            body = normalised(f"{message.subject}\n{message.body}")
            self.tally.reached("e-mail", where, found_in(body, self.needles))
            self.tally.check_not_evaluated(where, body)
            for content, mimetype in message.alternatives:
                assert mimetype == "text/html", mimetype
                live, _text = inspect_html(content)
                self.tally.live += [f"{where}: {what}" for what in live]
            # Building the message is where a newline in a header would raise BadHeaderError.
            built = message.message()
            extra = {name.lower() for name in built} - MAIL_HEADERS
            lines = built.as_bytes().split(b"\n\n", 1)[0].splitlines()
            if (
                extra
                or message.cc
                or message.bcc
                or any(line.lower().startswith(b"bcc") for line in lines)
                or "\n" in message.subject
                or "\r" in message.subject
            ):
                self.tally.injected_headers.append(f"{where}: {sorted(extra)}")
            for _name, content, mimetype in message.attachments:
                if mimetype == "application/pdf":
                    self.pdf(f"{where} attachment", content)

    def csv(self, username: str | None, url: str) -> None:
        response = _get(self.client(username), url)
        assert response.status_code == 200, (url, username, response.status_code)
        assert response["Content-Type"].startswith("text/csv"), url
        text = response.content_bytes.decode("utf-8-sig")
        cells = [
            cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row
        ]
        for cell in cells:
            if cell.startswith(FORMULA):
                self.tally.formula_cells.append(f"{url}: {cell[:40]!r}")
            elif cell.startswith("'") and cell[1:].startswith(FORMULA):
                self.tally.neutralised_cells += 1
        shown = "\n".join(normalised(cell) for cell in cells)
        self.tally.reached("csv", url, found_in(shown, self.needles))

    def json(self, username: str | None, url: str) -> None:
        response = _get(self.client(username), url)
        assert response.status_code == 200, (url, username, response.status_code)
        self.json_document(url, response)

    def json_error(self, url: str) -> None:
        """An address the API does not know, typed with the attack: a JSON 404, never a page."""
        response = _get(self.client(None), url)
        assert response.status_code == 404, url
        assert response["Content-Type"].split(";")[0] == "application/json", url
        self.tally.documents["json"] += 1

    def json_document(self, where: str, response: Any) -> None:
        """Text comes back as JSON strings, never as a page a browser would render."""
        assert response["Content-Type"].split(";")[0] == "application/json", where
        data = json.loads(response.content)
        strings = "\n".join(normalised(s) for s in _strings(data))
        self.tally.reached("json", where, found_in(strings, self.needles))

    def feed(self, url: str) -> None:
        response = _get(self.client(None), url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/atom+xml"), url
        shown = []
        for element in ElementTree.fromstring(response.content_bytes).iter():
            if _is_javascript_url(element.get("href", "")):
                self.tally.live.append(f"{url}: javascript: link")
            text = element.text or ""
            if element.get("type") == "html":
                live, text = inspect_html(text)
                self.tally.live += [f"{url}: {what}" for what in live]
            shown.append(normalised(text))
        self.tally.reached("feed", url, found_in("\n".join(shown), self.needles))


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


# --- One round: every channel read once ------------------------------------------------------------
def send_every_email(world: World, text: str) -> None:
    """Each e-mail the service sends, of the rewritten world (the services send the same ones on
    commit; the form test below sends them that way)."""
    decided = SuperComplaint.objects.filter(acknowledged_at__isnull=False)
    eligible = decided.filter(state=SuperComplaint.State.ELIGIBLE).first()
    complaint_emails.send_submitted(eligible.pk)
    complaint_emails.send_acknowledged(eligible.pk)
    complaint_emails.send_decision(eligible.pk)
    not_eligible = decided.filter(state=SuperComplaint.State.NOT_ELIGIBLE).first()
    complaint_emails.send_decision(not_eligible.pk)
    investigation_emails.send_progress_report(ProgressReport.objects.latest("pk").pk)
    published = PublishedReport.objects.get(pk=min(world.pdf_reports))
    investigation_emails.send_report_published(published.investigation_id)
    _plain(FactCheckRequest).filter(sent_at__isnull=False).update(notified_at=None)
    for pk in FactCheckRequest.objects.values_list(
        "investigation", flat=True
    ).distinct():
        investigation_emails.send_fact_check_requests(pk)
    for pk in ExtensionRequest.objects.exclude(state="pending").values_list(
        "pk", flat=True
    ):
        response_emails.send_extension_decision(pk)
    in_progress = RecommendationResponse.objects.filter(
        state=RecommendationResponse.State.IN_PROGRESS
    ).first()
    reason = next(f for f in world.fields if f.label == "workflow.TransitionLog.reason")
    response_emails.send_sent_back(in_progress.pk, reason.value(text, 0))
    SentReminder.objects.all().delete()
    send_reminders(today=clock.today(), days=60)


def read_csv_files(reader: Reader, *, each_recipient: bool = True) -> None:
    """The monitoring export, the response list's export (of every response, and of each
    recipient's own), the tracker's open data and the public API's."""
    reader.csv("hmicfrs-monitor", reverse("monitoring:export_csv"))
    for username in ("monitor", *(RECIPIENTS if each_recipient else ())):
        reader.csv(username, reverse("responses:export"))
    reader.csv(None, reverse("tracker:responses_csv"))
    for name in ("reports", "recommendations", "responses", "updates"):
        reader.csv(None, reverse(f"api:public-{name}") + "?format=csv")


def read_everything(
    world: World, reader: Reader, page_list: list[tuple[str | None, str]], text: str
) -> None:
    for username, url in page_list:
        reader.page(username, url)
    # What is typed into the address comes back inert too (and is shown, on the search page).
    for username, url in reflected_pages(text):
        status = 404 if url.startswith("/super-complaints/") else 200
        shown = reader.page(username, url, status=status)
        if url.startswith(reverse("tracker:index")):
            assert normalised(text)[:20] in shown
    reader.json_error(f"/api/v1/{quote(text, safe='')}/")

    # PDFs: the acknowledgement letter, the published reports, the monitoring progress reports.
    letter = SuperComplaint.objects.filter(acknowledged_at__isnull=False).first()
    owner = next(
        name
        for name in BODIES
        if world.users[name].organisation_id == letter.organisation_id
    )
    reader.pdf_at(owner, reverse("complaints:letter", args=[letter.pk]))
    for report in PublishedReport.objects.filter(
        pk__in=world.pdf_reports
    ).select_related("investigation__complaint"):
        reference = report.investigation.complaint.reference
        reader.pdf_at(None, reverse("public:report_pdf", args=[reference]))
    # The monitoring PDFs of the smallest published report and recipient (they list every
    # response, and every one carries the same columns).
    smallest = (
        Investigation.objects.filter(published_report__isnull=False)
        .annotate(responses=models.Count("recommendations__responses"))
        .order_by("responses", "pk")
        .first()
    )
    reader.pdf_at(
        "hmicfrs-monitor", reverse("monitoring:complaint_pdf", args=[smallest.pk])
    )
    recipient = (
        Organisation.objects.filter(users__username__in=RECIPIENTS)
        .annotate(responses=models.Count("recommendation_responses"))
        .order_by("responses", "pk")
        .first()
    )
    reader.pdf_at(
        "hmicfrs-monitor", reverse("monitoring:organisation_pdf", args=[recipient.pk])
    )

    mail.outbox = []
    send_every_email(world, text)
    reader.emails(mail.outbox)

    read_csv_files(reader)

    # JSON: the tracker's open data, the public API and the signed-in API.
    reader.json(None, reverse("tracker:responses_json"))
    for name in ("reports", "recommendations", "responses", "updates"):
        reader.json(None, reverse(f"api:public-{name}"))
    published = SuperComplaint.objects.filter(
        investigation__published_report__isnull=False
    ).first()
    reader.json(None, reverse("api:public-report", args=[published.reference]))
    for name in ("organisation", "complaint", "investigation", "recommendation"):
        reader.json("hmicfrs-monitor", reverse(f"api:{name}-list") + "?page_size=200")
    reader.json("met", reverse("api:response-list") + "?page_size=200")
    for state in Investigation.State.values:
        investigation = (
            Investigation.objects.filter(state=state).order_by("-pk").first()
        )
        if investigation is not None:
            reader.json(
                "hmicfrs-monitor",
                reverse("api:investigation-detail", args=[investigation.pk]),
            )
    for username in ("hestia", "met"):
        reader.json(username, reverse("api:me"))
    for username in RECIPIENTS:
        organisation = world.users[username].organisation
        drafted = RecommendationResponse.objects.filter(organisation=organisation)
        for pk in drafted.exclude(response_text="").values_list("pk", flat=True)[:3]:
            reader.json(username, reverse("api:response-detail", args=[pk]))

    for name in ("reports", "responses", "updates"):
        reader.feed(reverse(f"tracker:feed_{name}"))


def small_pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Evidence")
    page.save()
    return SimpleUploadedFile(name, buffer.getvalue(), "application/pdf")


def add_what_the_demo_lacks() -> None:
    """Rows of the kinds the demo has none of, each made as the service makes it, so that every
    column has something to show: a one-off holiday, an API token, files on an evidence log item
    and on a progress update, a voided sign-off, and contact addresses for the organisations asked
    to fact-check (without one they get no e-mail)."""
    users = {u.username: u for u in User.objects.all()}
    ExtraHoliday.objects.create(name="Coronation", day=date(2099, 5, 8))
    ApiToken.issue(users["met"], "Dashboard")
    lead = users["hmicfrs-lead"]
    item = (
        EvidenceItem.objects.filter(
            investigation__in=Investigation.objects.visible_to(lead)
        )
        .filter(investigation__state=Investigation.State.EVIDENCE_GATHERING)
        .order_by("-investigation__pk", "pk")
        .first()
    )
    investigation_services.attach_to_evidence_item(item, by=lead, upload=small_pdf())
    in_progress = RecommendationResponse.objects.filter(
        organisation=users["met"].organisation,
        state=RecommendationResponse.State.IN_PROGRESS,
    ).first()
    response_services.post_progress_update(
        in_progress, by=users["met"], text="Training started.", files=[small_pdf()]
    )
    signing = Investigation.objects.filter(state=Investigation.State.SIGN_OFF).order_by(
        "-pk"
    )
    sign_off = (
        SignOff.objects.filter(investigation=signing.first()).order_by("pk").first()
    )
    _plain(SignOff).filter(pk=sign_off.pk).update(
        voided_at=clock.now(), void_reason=investigation_services.VOIDED_BY_EDIT
    )
    for request in FactCheckRequest.objects.select_related("organisation"):
        if not request.organisation.email:
            _plain(Organisation).filter(pk=request.organisation_id).update(
                email=f"{request.organisation.slug}@example.org"
            )


def test_every_text_field_reaches_every_channel_inert(db, figure):
    started = time.process_time()
    rounds = FULL_ROUNDS + CSV_ROUNDS
    assert all(any(p in text for text in rounds) for p in PAYLOADS.values())
    call_command("seed_demo", verbosity=0)
    add_what_the_demo_lacks()
    fields = text_fields()
    world = World(fields)
    page_list = pages(world)
    tally = Tally()
    reader = Reader(world.clients, tally)
    timings = []
    for text in FULL_ROUNDS + CSV_ROUNDS:
        begun = time.process_time()
        world.write(text, pdfs=text in FULL_ROUNDS)
        cache.clear()  # the API's throttles count in the cache
        reader.needles = world.needles(text)
        if text in FULL_ROUNDS:
            read_everything(world, reader, page_list, text)
        else:
            read_csv_files(reader, each_recipient=False)
        tally.end_round(reader.needles)
        timings.append(round(time.process_time() - begun, 1))

    shown = {label for label, channels in tally.fields_reached.items() if channels}
    lines = [
        tally.summary(len(fields), len(PAYLOADS)),
        f"  rounds took {timings} s of CPU; all {time.process_time() - started:.1f} s",
        f"  never shown: {sorted({f.label for f in fields} - shown)}",
    ]
    figure("\n" + "\n".join(lines))

    assert tally.live == []
    assert tally.formula_cells == []
    assert tally.injected_headers == []
    # The formula check was not vacuous: hostile cells were there, and neutralised.
    assert tally.neutralised_cells > 0
    # Nor the header check: a name with a line break and a Bcc: in it went into a subject, on one line.
    assert any("Bcc: evil@example.com" in subject for subject in tally.subjects)
    # Nothing evaluated a template in what people wrote.
    assert not tally.evaluated
    # And every column was shown somewhere, or the checks above would prove nothing for it.
    assert sorted({f.label for f in fields} - shown) == []


# --- The same, typed into the forms ----------------------------------------------------------------
# Every markup payload at once, with a line break and a Bcc: header in the middle: what an attacker
# would type into each box.
HOSTILE = (
    f"{P['CSV =HYPERLINK']} {P['script element']} {P['attribute break-out']}"
    f"{P['header injection']}{P['textarea break-out']} {P['template expression']} "
    f"{P['template tag']} {P['SQL']} {P['right-to-left override']} {P['reportlab markup']}"
)


class Typed:
    """The hostile text for each form field, cut to the field's length and marked, so that where
    it turns up can be told."""

    def __init__(self) -> None:
        self.needles: dict[str, str] = {}

    def __call__(
        self, label: str, max_length: int = 5000, *, long: bool = False
    ) -> str:
        """With `long`, as long as the field takes, words and all."""
        marker = f"~p{len(self.needles):02d}~"
        text = f"{HOSTILE} {P['very long'] * 5}" if long else HOSTILE
        value = text[: max_length - len(marker)] + marker
        self.needles[label] = normalised(value)
        return value

    def file(self, label: str) -> SimpleUploadedFile:
        """An evidence file whose name is the attack (a name keeps no folders or control
        characters: `clean_display_name`)."""
        name = f'"><img src=x onerror=alert(1)> {{{{ 7*7 }}}} ~p{len(self.needles):02d}~.pdf'
        self.needles[label] = normalised(name)
        return small_pdf(name)


def test_hostile_text_typed_into_the_forms_reaches_every_channel_inert(
    hestia_member,
    hmicfrs_triager,
    approvers,
    team,
    met_recipient,
    mopac_recipient,
    hmicfrs_monitor,
    django_capture_on_commit_callbacks,
    figure,
):
    started = time.process_time()
    people = [hestia_member, hmicfrs_triager, *approvers.values(), met_recipient]
    people += [team.lead, *team.investigators, mopac_recipient, hmicfrs_monitor]
    clients = Clients({u.username: u for u in people})
    typed = Typed()
    lead = team.lead.username
    today = clock.today()

    def post(who: str, url: str, data: dict, *, status: int = 302) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            response = clients(who).post(url, data)
        assert response.status_code == status, (url, response.status_code)
        return response

    tally = Tally()
    reader = Reader(clients, tally)

    # The designated body's draft: first with a bad address (the page comes back with the
    # text in its boxes), then as it should be, with a file whose name is an attack.
    complaint = start_draft(post, hestia_member)
    draft = {
        "title": typed("DraftForm.title", 200),
        "features": typed("DraftForm.features"),
        "harm_explanation": typed("DraftForm.harm_explanation"),
        "contact_name": typed("DraftForm.contact_name", 150),
        "contact_phone": typed("DraftForm.contact_phone", 40),
        "harms": typed("DraftForm.harms"),
        "affected_groups": typed("DraftForm.affected_groups"),
        "co_submitters": typed("DraftForm.co_submitters"),
        "on_behalf_of": typed("DraftForm.on_behalf_of", 200),
        "version": complaint.version,
    }
    edit = reverse("complaints:edit", args=[complaint.pk])
    refused = post(
        "hestia_member",
        edit,
        {**draft, "contact_email": "x@example.org\r\nBcc: evil@example.com"},
        status=400,
    )
    reader.html(f"{edit} (refused)", refused.content.decode())
    post(
        "hestia_member",
        edit,
        {
            **draft,
            "contact_email": "hannah@hestia.example",
            "evidence": typed.file("DraftForm.evidence"),
        },
    )

    def act(who: str, name: str, action: str, obj: Any, reason: str = "") -> None:
        data = {f"{action}-reason": reason, "tab": "overview"} if reason else {}
        post(who, reverse(name, args=[obj.pk, action]), data)

    act("hestia_member", "complaints:transition", "submit", complaint)
    act(hmicfrs_triager.username, "complaints:transition", "acknowledge", complaint)
    act(
        hmicfrs_triager.username, "complaints:transition", "start_assessment", complaint
    )
    for approver in approvers.values():
        post(
            approver.username,
            reverse("complaints:record_view", args=[complaint.pk]),
            {
                "view": "eligible",
                "reasons": typed(f"EligibilityViewForm.reasons {approver}"),
            },
        )
    act(
        hmicfrs_triager.username,
        "complaints:transition",
        "decide_eligible",
        complaint,
        typed("ReasonForm decide_eligible"),
    )
    complaint.refresh_from_db()
    investigation = Investigation.objects.get(complaint=complaint)

    # The joint team (a choice of people, no text) as the services make it; then every text box.
    investigation_services.appoint_lead(
        investigation, by=hmicfrs_triager, user=team.lead
    )
    for user in team.investigators:
        investigation_services.add_team_member(
            investigation, by=team.lead, user=user, role="investigator"
        )
    for user in team.approvers:
        investigation_services.add_team_member(
            investigation, by=team.lead, user=user, role="approver"
        )

    def work(name: str, data: dict, *, extra: tuple = ()) -> None:
        post(
            lead,
            reverse(f"investigations:{name}", args=[investigation.pk, *extra]),
            data,
        )

    def stage(action: str, reason: str = "") -> None:
        act(lead, "investigations:transition", action, investigation, reason)

    work(
        "terms_of_reference", {"tor-terms_of_reference": typed("TermsOfReferenceForm")}
    )
    work(
        "add_theme",
        {
            "theme-title": typed("ThemeForm.title", 200),
            "theme-description": typed("ThemeForm.description"),
        },
    )
    stage("start_evidence_gathering")
    work(
        "add_evidence_item",
        {
            "item-kind": "data_request",
            "item-title": typed("EvidenceItemForm.title", 300),
            "item-owner": team.lead.pk,
            "item-notes": typed("EvidenceItemForm.notes"),
        },
    )
    item = investigation.evidence_items.get()
    work("attach", {"file": typed.file("AttachmentForm.file")}, extra=(item.pk,))
    work(
        "add_task",
        {
            "task-title": typed("TaskForm.title", 300),
            "task-owner": team.lead.pk,
            "task-due_on": (today + timedelta(days=7)).isoformat(),
        },
    )
    work("send_progress_report", {"progress-text": typed("ProgressReportForm.text")})
    stage("start_analysis")
    stage("start_drafting")
    investigation.refresh_from_db()
    report = {
        "report_title": typed("ReportForm.report_title", 300),
        "summary": typed("ReportForm.summary"),
        "steps_taken": typed("ReportForm.steps_taken"),
        "findings": typed("ReportForm.findings"),
        "conclusions": typed("ReportForm.conclusions"),
        "further_action": typed("ReportForm.further_action"),
    }
    work("save_report", {**report, "version": investigation.version})
    met, mopac = org(MET), org(MOPAC)
    # The second recommendation is as long as the form takes: it must still print in a table cell
    # of the monitoring PDF (taller than a page, it used to stop reportlab).
    for n in (1, 2):
        work(
            "add_recommendation",
            {
                "rec-text": typed(f"RecommendationForm.text {n}", 10000, long=n == 2),
                "rec-named_recipients": [met.pk, mopac.pk],
            },
        )
    work(
        "add_action",
        {"action-body": org(HMICFRS).pk, "action-text": typed("ActionForm.text")},
    )
    # A passage withheld under reg 8(3): the whole of the further action, copied exactly.
    work(
        "add_redaction",
        {
            "redaction-section": "further_action",
            "redaction-passage": report["further_action"],
            "redaction-ground": "safety",
            "redaction-explanation": typed("RedactionForm.explanation"),
        },
    )
    work(
        "add_fact_check",
        {
            "factcheck-organisation": met.pk,
            "factcheck-due_on": (today + timedelta(days=14)).isoformat(),
        },
    )
    stage("send_for_fact_check")
    fact_check = investigation.fact_check_requests.get()
    work(
        "fact_check_comment",
        {"text": typed("FactCheckCommentForm.text")},
        extra=(fact_check.pk,),
    )
    stage("pause", typed("ReasonForm pause"))
    stage("resume")
    stage("send_for_sign_off")
    investigation.refresh_from_db()
    for approver in team.approvers:
        post(
            approver.username,
            reverse("investigations:approve", args=[investigation.pk]),
            {"content_hash": investigation.content_hash()},
        )
    stage("publish")
    investigation.refresh_from_db()
    assert investigation.state == Investigation.State.PUBLISHED

    # The recipients: a response published, an action plan, a moved target date, a progress
    # update with a file, an implementation report sent back; a draft; extensions decided.
    responses = RecommendationResponse.objects.filter(
        recommendation__investigation=investigation
    ).order_by("recommendation__number")
    met_1, met_2 = responses.filter(organisation=met)
    mopac_1, mopac_2 = responses.filter(organisation=mopac)

    def respond(who: str, name: str, response: Any, data: dict, *extra: Any) -> None:
        post(who, reverse(f"responses:{name}", args=[response.pk, *extra]), data)

    respond(
        met_recipient.username,
        "save_draft",
        met_1,
        {
            "response-version": met_1.version,
            "response-outcome": "accepted",
            "response-text": typed("ResponseDraftForm.text (published)"),
            "publish": "1",
        },
    )
    respond(
        met_recipient.username,
        "add_action",
        met_1,
        {
            "action-description": typed("ActionForm.description"),
            "action-owner": typed("ActionForm.owner", 200),
            "action-target_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    action = met_1.actions.get()
    prefix = f"update-{action.pk}"
    respond(
        met_recipient.username,
        "update_action",
        met_1,
        {
            f"{prefix}-status": "in_progress",
            f"{prefix}-target_on": (today + timedelta(days=60)).isoformat(),
            f"{prefix}-reason": typed("ActionUpdateForm.reason"),
        },
        action.pk,
    )
    respond(met_recipient.username, "transition", met_1, {}, "start_work")
    respond(
        met_recipient.username,
        "post_update",
        met_1,
        {
            "progress-text": typed("ProgressUpdateForm.text"),
            "progress-files": typed.file("ProgressUpdateForm.files"),
        },
    )
    respond(
        met_recipient.username,
        "report_implementation",
        met_1,
        {"implementation-summary": typed("ImplementationForm.summary")},
    )
    respond(
        hmicfrs_monitor.username,
        "transition",
        met_1,
        {"send_back-reason": typed("ReasonForm send_back")},
        "send_back",
    )
    respond(
        met_recipient.username,
        "save_draft",
        met_2,
        {
            "response-version": met_2.version,
            "response-outcome": "partly_accepted",
            "response-text": typed("ResponseDraftForm.text (draft)"),
        },
    )
    for response, decision in ((mopac_1, "grant"), (mopac_2, "refuse")):
        respond(
            mopac_recipient.username,
            "request_extension",
            response,
            {
                "extension-new_due_on": (
                    response.due_on + timedelta(days=14)
                ).isoformat(),
                "extension-reason": typed(f"ExtensionRequestForm.reason {decision}"),
            },
        )
        request = response.extension_requests.get()
        data = {f"{decision}-reason": typed(f"{decision.title()}ExtensionForm.reason")}
        if decision == "grant":
            data["grant-new_due_on"] = (
                response.due_on + timedelta(days=14)
            ).isoformat()
        respond(
            hmicfrs_monitor.username,
            f"{decision}_extension",
            response,
            data,
            request.pk,
        )

    # A complaint withdrawn, and one found not eligible, each with its reasons.
    withdrawn = start_draft(post, hestia_member)
    act(
        "hestia_member",
        "complaints:transition",
        "withdraw",
        withdrawn,
        typed("ReasonForm withdraw"),
    )
    refused_complaint = start_draft(post, hestia_member)
    post(
        "hestia_member",
        reverse("complaints:edit", args=[refused_complaint.pk]),
        {
            **draft,
            "version": refused_complaint.version,
            "contact_email": "hannah@hestia.example",
            "evidence": small_pdf(),
        },
    )
    act("hestia_member", "complaints:transition", "submit", refused_complaint)
    for action_name in ("acknowledge", "start_assessment"):
        act(
            hmicfrs_triager.username,
            "complaints:transition",
            action_name,
            refused_complaint,
        )
    # It repeats the first, now reported on: the change of circumstances is typed too.
    post(
        hmicfrs_triager.username,
        reverse("complaints:link_repeat", args=[refused_complaint.pk]),
        {
            "earlier": complaint.pk,
            "material_change": typed("RepeatForm.material_change"),
        },
    )
    for approver in approvers.values():
        post(
            approver.username,
            reverse("complaints:record_view", args=[refused_complaint.pk]),
            {"view": "not_eligible", "reasons": "Repeats an earlier complaint."},
        )
    act(
        hmicfrs_triager.username,
        "complaints:transition",
        "decide_not_eligible",
        refused_complaint,
        typed("ReasonForm decide_not_eligible"),
    )

    # An API token named with the attack, and a draft written through the API with it.
    page = post(
        "hestia_member",
        reverse("api_tokens:list"),
        {"token-name": typed("TokenForm.name", 100)},
        status=200,
    ).content.decode()
    reader.html("api token page", page)
    secret = re.search(r"sct_[A-Za-z0-9_-]+", page).group(0)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    created = api.post(
        reverse("api:complaint-list"),
        {"title": typed("API complaint title", 200), "features": typed("API features")},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created["Content-Type"] == "application/json"
    invalid = api.post(
        reverse("api:complaint-list"),
        {"title": HOSTILE[:200], "contact_email": HOSTILE},
        content_type="application/json",
    )
    assert invalid.status_code == 400
    assert invalid["Content-Type"] == "application/json"
    api_draft = SuperComplaint.objects.get(pk=created.json()["id"])

    # Read back every channel.
    reader.needles = typed.needles
    for username, url in flow_pages(
        complaint,
        withdrawn,
        refused_complaint,
        api_draft,
        investigation,
        met_1,
        met_2,
        mopac_1,
        mopac_2,
        lead,
        hmicfrs_triager.username,
        approvers["college"].username,
    ):
        reader.page(username, url)
    reader.pdf_at("hestia_member", reverse("complaints:letter", args=[complaint.pk]))
    reader.pdf_at(None, reverse("public:report_pdf", args=[complaint.reference]))
    reader.pdf_at(
        hmicfrs_monitor.username,
        reverse("monitoring:complaint_pdf", args=[investigation.pk]),
    )
    reader.pdf_at(
        hmicfrs_monitor.username, reverse("monitoring:organisation_pdf", args=[met.pk])
    )
    reader.emails(mail.outbox)
    reader.csv(hmicfrs_monitor.username, reverse("monitoring:export_csv"))
    reader.csv(met_recipient.username, reverse("responses:export"))
    reader.csv(None, reverse("tracker:responses_csv"))
    for name in ("reports", "recommendations", "responses", "updates"):
        reader.csv(None, reverse(f"api:public-{name}") + "?format=csv")
        reader.json(None, reverse(f"api:public-{name}"))
    reader.json(None, reverse("tracker:responses_json"))
    reader.json("hestia_member", reverse("api:complaint-list"))
    reader.json(lead, reverse("api:investigation-detail", args=[investigation.pk]))
    for response in (met_1, met_2):
        reader.json(
            met_recipient.username, reverse("api:response-detail", args=[response.pk])
        )
    reader.json_document("API draft created", created)
    reader.json_document("API draft refused", invalid)
    for name in ("reports", "responses", "updates"):
        reader.feed(reverse(f"tracker:feed_{name}"))

    tally.end_round(typed.needles)
    carried = [p for p in PAYLOADS.values() if normalised(p) in normalised(HOSTILE)]
    shown = {label for label, channels in tally.fields_reached.items() if channels}
    lines = [
        tally.summary(len(typed.needles), len(carried)).replace(
            "XSS:", "XSS through the forms:"
        ),
        f"  took {time.process_time() - started:.1f} s of CPU",
        f"  never shown: {sorted(set(typed.needles) - shown)}",
    ]
    figure("\n" + "\n".join(lines))
    assert tally.live == []
    assert tally.formula_cells == []
    assert tally.injected_headers == []
    assert tally.neutralised_cells > 0
    assert not tally.evaluated
    assert sorted(set(typed.needles) - shown) == []


def start_draft(post: Callable[..., Any], member: User) -> SuperComplaint:
    post(member.username, reverse("complaints:start"), {})
    return SuperComplaint.objects.filter(created_by=member).latest("pk")


def flow_pages(
    complaint: SuperComplaint,
    withdrawn: SuperComplaint,
    refused: SuperComplaint,
    api_draft: SuperComplaint,
    investigation: Investigation,
    met_1: RecommendationResponse,
    met_2: RecommendationResponse,
    mopac_1: RecommendationResponse,
    mopac_2: RecommendationResponse,
    lead: str,
    triager: str,
    approver: str,
) -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = []

    def add(username: str | None, name: str, *args: Any) -> None:
        found.append((username, reverse(name, args=args)))

    for each in (complaint, withdrawn, refused, api_draft):
        add("hestia_member", "complaints:detail", each.pk)
    add("hestia_member", "complaints:edit", api_draft.pk)
    add("hestia_member", "complaints:check", api_draft.pk)
    add("hestia_member", "complaints:list")
    add("hestia_member", "responses:list")
    for each in (complaint, refused):
        add(triager, "complaints:detail", each.pk)
    add(triager, "complaints:all")
    for tab in INVESTIGATION_TABS:
        add(lead, f"investigations:{tab}", investigation.pk)
    add(approver, "investigations:sign_off", investigation.pk)
    add(lead, "investigations:dashboard")
    add(None, "public:list")
    add(None, "public:report", complaint.reference)
    add(None, "tracker:index")
    add(None, "tracker:complaint", complaint.reference)
    add(None, "tracker:response", met_1.pk)
    for response in (met_1, met_2):
        add("met_recipient", "responses:detail", response.pk)
    for response in (mopac_1, mopac_2):
        add("mopac_recipient", "responses:detail", response.pk)
        add("hmicfrs_monitor", "responses:detail", response.pk)
    add("hmicfrs_monitor", "responses:detail", met_1.pk)
    add("met_recipient", "responses:list")
    add("hmicfrs_monitor", "monitoring:dashboard")
    add("met_recipient", "api_tokens:list")
    add("hestia_member", "api_tokens:list")
    return found


# --- Links, and the checks themselves --------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_a_report_link_is_a_web_address_never_a_script(client, hmicfrs_triager, url):
    """The public report page links to `report_url`; the one service that writes it refuses
    anything but a web address."""
    investigation = investigation_in(Investigation.State.SCOPING)

    with pytest.raises(ValidationError):
        investigation_services.record_historical_report(
            investigation,
            by=hmicfrs_triager,
            title="Old report",
            published_on=date(2019, 9, 1),
            url=url,
        )

    assert PublishedReport.objects.count() == 0
    assert Investigation.objects.get().state == Investigation.State.SCOPING


def test_a_web_address_carrying_markup_links_inert(client, hmicfrs_triager):
    investigation = investigation_in(Investigation.State.SCOPING)
    url = 'https://example.org/report?q="><script>alert(1)</script>'
    investigation_services.record_historical_report(
        investigation,
        by=hmicfrs_triager,
        title=P["script element"],
        published_on=date(2019, 9, 1),
        url=url,
    )
    reference = investigation.complaint.reference

    page = client.get(reverse("public:report", args=[reference])).content.decode()

    live, text = inspect_html(page)
    assert live == []
    assert P["script element"] in text
    links = re.findall(r'href="([^"]*)" rel="noopener"', page)
    assert [html.unescape(link) for link in links] == [url]


def test_the_checks_see_what_would_run():
    """The inspectors above find each thing they look for, so their silence means something."""
    live = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        '<a href=" javascript:alert(1)">x</a>',
        '<iframe src="/x"></iframe>',
        '<script src="https://evil.example/x.js"></script>',
    ]
    for snippet in live:
        assert inspect_html(f"<p>{snippet}</p>")[0] != [], snippet
    inert = '<p>&lt;script&gt;alert(1)&lt;/script&gt; <script src="/static/js/app.mjs"></script>'
    assert inspect_html(inert) == ([], "<script>alert(1)</script> /static/js/app.mjs")

    # reportlab left to read markup makes a link: the PDF check sees it.
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build(
        [Paragraph('<a href="javascript:alert(1)">y</a>', ParagraphStyle("x"))]
    )
    active, text = pdf_text(buffer.getvalue())
    assert "PDF /URI" in active
    assert text == "y"
