"""Hostile uploads: every file and name in a corpus of hostile uploads (tests/hostile/corpus.py) is
refused with a message by each of the three upload forms, with nothing written anywhere; every
download of an uploaded file is an inert attachment; and headless Chromium runs no script from one."""

import html
import inspect
import io
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_started
from django.db import models
from django.test import RequestFactory
from django.urls import URLPattern, get_resolver, reverse
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from complaints.models import Evidence
from complaints.uploads import check_upload, inert_download
from investigations import services as investigation_services
from investigations.models import EvidenceAttachment
from recommendations.models import (
    ProgressUpdate,
    RecommendationResponse,
    ResponseEvidence,
)
from tests.factories import (
    MET,
    ComplaintFactory,
    S,
    investigation_in,
    org,
    published_report,
    response_in,
)
from tests.hostile import corpus
from tests.hostile.corpus import CORPUS, Hostile
from tests.test_browser_journey import page, sign_in  # noqa: F401

BOUNDARY = "hostile-upload-boundary-7f3a"
DJANGO_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
NAME_ITEMS = [item for item in CORPUS if item.id.startswith("name-")]


# --- Helpers --------------------------------------------------------------------------------------
def multipart(fields: dict[str, Any], file_field: str, item: Hostile) -> bytes:
    """A multipart body sending `item` under its name exactly as given, as a hand-made client
    would (Django's test client keeps only the last part of a file's path)."""
    if item.rfc2231:
        disposition = f"filename*=UTF-8''{quote(item.sent_name, safe='')}".encode()
    else:
        disposition = b'filename="' + item.sent_name.encode() + b'"'
    body = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n".encode()
        for name, value in fields.items()
    )
    body += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; '.encode()
        + disposition
        + b"\r\nContent-Type: application/octet-stream\r\n\r\n"
        + item.content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return body


def post_raw(client, url: str, body: bytes, **kwargs):
    return client.post(
        url,
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **kwargs,
    )


def error_summary(response) -> list[str]:
    """The messages listed in the page's GOV.UK error summary."""
    content = response.content.decode()
    blocks = re.findall(
        r'class="govuk-list govuk-error-summary__list">(.*?)</ul>', content, re.S
    )
    return [
        html.unescape(text)
        for block in blocks
        for text in re.findall(r"<li><a [^>]*>(.*?)</a></li>", block, re.S)
    ]


def banners(response) -> list[str]:
    """The messages shown in the page's notification banners."""
    content = response.content.decode()
    return [
        html.unescape(text.strip())
        for text in re.findall(
            r'<p class="govuk-notification-banner__heading">(.*?)</p>', content, re.S
        )
    ]


def files_under(root: Path) -> list[tuple[str, int]]:
    """Every file and folder under `root`, with sizes: a listing to compare before and after."""
    return sorted(
        (str(path.relative_to(root)), path.stat().st_size if path.is_file() else -1)
        for path in root.rglob("*")
    )


@dataclass
class Route:
    """One upload form: how to post a hostile file to it, where it says what went wrong, and how
    many files it has stored."""

    name: str
    post: Any  # (item) -> (status of the answer to the POST, the page finally shown)
    messages: Any
    stored: Any
    refused_status: int


@pytest.fixture
def watched(settings, tmp_path):
    """Uploads over 1 KB go to temporary files in a folder of tmp_path, so the listings see them."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return tmp_path


@pytest.fixture
def complaint_route(client, hestia_member):
    draft = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    client.force_login(hestia_member)

    def post(item: Hostile):
        draft.refresh_from_db()  # the draft's own fields are saved, so its version moves on
        fields = {
            "version": draft.version,
            "title": draft.title,
            "contact_email": "a@b.example",
        }
        body = multipart(fields, "evidence", item)
        response = post_raw(client, reverse("complaints:edit", args=[draft.pk]), body)
        return response.status_code, response

    return Route(
        "draft complaint", post, error_summary, lambda: Evidence.objects.count(), 400
    )


@pytest.fixture
def response_route(client, team, met_recipient):
    report = published_report(team, MET)
    met = RecommendationResponse.objects.get(
        recommendation__investigation=report, organisation=org(MET)
    )
    response_in(met, RecommendationResponse.State.IN_PROGRESS, recipient=met_recipient)
    client.force_login(met_recipient)

    def post(item: Hostile):
        body = multipart({"progress-text": "Half trained."}, "progress-files", item)
        response = post_raw(
            client, reverse("responses:post_update", args=[met.pk]), body
        )
        return response.status_code, response

    return Route(
        "response progress update",
        post,
        error_summary,
        lambda: ResponseEvidence.objects.count() + ProgressUpdate.objects.count(),
        400,
    )


@pytest.fixture
def investigation_route(client, team):
    investigation = investigation_in(S.EVIDENCE_GATHERING, team)
    item_logged = investigation_services.add_evidence_item(
        investigation,
        by=team.lead,
        kind="case_file_review",
        title="Case files from two forces",
        owner=team.lead,
    )
    client.force_login(team.lead)
    url = reverse("investigations:attach", args=[investigation.pk, item_logged.pk])

    def post(item: Hostile):
        response = post_raw(client, url, multipart({}, "file", item), follow=True)
        return response.redirect_chain[0][1], response

    return Route(
        "investigation evidence log",
        post,
        banners,
        lambda: EvidenceAttachment.objects.count(),
        302,  # then the evidence tab, with the message in a banner
    )


# --- The corpus is real ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "item_id",
    [
        "png-html-appended",
        "png-html-text-chunk",
        "jpeg-html-appended",
        "jpeg-html-comment",
    ],
)
def test_polyglot_images_are_real_images_that_carry_a_web_page(item_id):
    content = corpus.BY_ID[item_id].content

    with Image.open(io.BytesIO(content)) as image:
        image.verify()  # what the upload check relied on before: it passes

    assert b"<html><script>alert(1)</script></html>" in content


@pytest.mark.parametrize(
    ("item_id", "action"),
    [
        ("pdf-javascript", "/JavaScript"),
        ("pdf-javascript-escaped", "/JavaScript"),
        ("pdf-javascript-object-stream", "/JavaScript"),
        ("pdf-launch", "/Launch"),
    ],
)
def test_hostile_pdfs_really_open_with_their_action(item_id, action):
    content = corpus.BY_ID[item_id].content

    reader = PdfReader(io.BytesIO(content))

    assert reader.trailer["/Root"]["/OpenAction"]["/S"] == action
    assert len(reader.pages) == 1


def test_the_object_stream_pdf_hides_its_action_from_a_plain_search():
    content = corpus.BY_ID["pdf-javascript-object-stream"].content

    assert b"JavaScript" not in content
    assert b"/ObjStm" in content


def test_the_zip_bomb_really_expands_to_600_mb_of_zeros():
    archive = zipfile.ZipFile(io.BytesIO(corpus.zip_bomb_docx()))
    [part] = [i for i in archive.infolist() if i.filename == "word/media/image1.bin"]
    with archive.open(part) as stream:
        first_megabyte = stream.read(1024 * 1024)

    assert part.file_size == 600 * 1024 * 1024
    assert len(corpus.zip_bomb_docx()) < 1024 * 1024
    assert first_megabyte == bytes(1024 * 1024)
    assert len(archive.infolist()) == 3


# --- Refused by every upload form, nothing written ------------------------------------------------
def print_corpus_table(figure, route: Route, rows: list, elapsed: float) -> None:
    """The figure: N hostile files, N refused; for the draft complaint's form, the whole table."""
    refused_count = sum(refused for _, refused, _ in rows)
    lines = [
        f"{len(rows)} hostile files, {refused_count} refused, through the {route.name} "
        f"form ({elapsed:.1f} s)"
    ]
    if route.name == "draft complaint":
        lines.append(f"{'file as sent':<34} {'what it is':<66} refused  message")
        for item, refused, messages in rows:
            name = item.sent_name.encode("unicode_escape").decode()
            name = name if len(name) <= 32 else name[:20] + "…" + name[-8:]
            lines.append(
                f"{name:<34} {item.what:<66} {'yes' if refused else 'NO':<8} "
                f"{' / '.join(messages)}"
            )
    figure("\n\n" + "\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "route_fixture", ["complaint_route", "response_route", "investigation_route"]
)
def test_every_hostile_upload_is_refused_with_its_message_and_nothing_is_written(
    request, db, watched, figure, route_fixture
):
    route = request.getfixturevalue(route_fixture)
    # tmp_path holds MEDIA_ROOT (tests/conftest.py) and the upload temporary folder; its parent,
    # every test folder of this run. A published report's PDF is already there for responses.
    stored_before = files_under(watched.parent)
    seen, expected, rows = [], [], []
    started = time.perf_counter()

    for item in CORPUS:
        before = files_under(watched.parent)
        status, response = route.post(item)
        after = files_under(watched.parent)
        messages, stored = route.messages(response), route.stored()
        seen.append((item.id, status, messages, stored, after == before))
        expected.append((item.id, route.refused_status, [item.message], 0, True))
        refused = status == route.refused_status and stored == 0 and bool(messages)
        rows.append((item, refused, messages))
    print_corpus_table(figure, route, rows, time.perf_counter() - started)

    assert seen == expected
    assert files_under(watched.parent) == stored_before
    assert list((watched / "upload-tmp").iterdir()) == []
    assert not Path("/etc/passwd.pdf").exists()


# --- Refused by check_upload itself ---------------------------------------------------------------
@pytest.mark.parametrize("item", CORPUS, ids=lambda item: item.id)
def test_check_upload_refuses_each_hostile_upload(item):
    # As SentNameUploadHandler hands it over: Django's name on the file, the name as sent beside it.
    upload = SimpleUploadedFile(
        "unnamed" if item.sent_name == ".." else item.sent_name, item.content
    )
    upload.sent_name = html.unescape(item.sent_name)

    with pytest.raises(ValidationError) as refused:
        check_upload(upload, already_stored_bytes=0)

    assert refused.value.messages == [item.message]


@pytest.mark.parametrize(
    ("sent_name", "kept_by_django", "message"),
    [
        ("..\\..\\Windows\\win.ini.pdf", "..\\..\\Windows\\win.ini.pdf", corpus.FOLDER),
        ("report\x00.pdf", "report\x00.pdf", corpus.CONTROL),
        ("evidence\u202egpj.pdf", "evidence\u202egpj.pdf", corpus.INVISIBLE),
        (corpus.LONG_NAME, "a" * 251 + ".pdf", None),
    ],
    ids=["backslash-path", "nul", "rlo", "300-characters"],
)
def test_names_django_lets_through_are_refused_without_the_name_as_sent(
    sent_name, kept_by_django, message
):
    """Without SentNameUploadHandler (a file made in code): Django's UploadedFile keeps these names
    (a 300-character one cut to 255), and check_upload refuses them on what it has."""
    upload = SimpleUploadedFile(sent_name, corpus.classic_pdf())

    with pytest.raises(ValidationError) as refused:
        check_upload(upload, already_stored_bytes=0)

    assert upload.name == kept_by_django
    message = message or (
        "its name is 255 characters long. Rename the file to 200 characters or fewer and "
        "send it again."
    )
    shown = {corpus.LONG_NAME: corpus.SHOWN_LONG_NAME}.get(
        sent_name, "".join(ch for ch in sent_name if ch.isprintable()).split("\\")[-1]
    )
    assert refused.value.messages == [f"“{shown}”: {message}"]


def test_django_alone_would_store_hostile_names_quietly_changed(settings):
    """Why the first upload handler exists: with Django's handlers only, each hostile name reaches
    the app already changed (folders, NUL, RLO and line breaks dropped; `..` loses the file), so
    nothing could be refused for its name. With ours, the name as sent travels beside it."""
    factory = RequestFactory()

    def parsed(item: Hostile) -> list[tuple[str, str | None]]:
        request = factory.post(
            "/",
            multipart({}, "evidence", item),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        )
        return [
            (upload.name, getattr(upload, "sent_name", None))
            for upload in request.FILES.getlist("evidence")
        ]

    settings.FILE_UPLOAD_HANDLERS = DJANGO_HANDLERS
    django_only = {item.id: parsed(item) for item in NAME_ITEMS}
    settings.FILE_UPLOAD_HANDLERS = [
        "complaints.uploads.SentNameUploadHandler",
        *DJANGO_HANDLERS,
    ]
    with_ours = {item.id: parsed(item) for item in NAME_ITEMS}

    assert django_only == {
        "name-path": [("passwd.pdf", None)],
        "name-path-rfc2231": [("passwd.pdf", None)],
        "name-path-entities": [("passwd.pdf", None)],
        "name-windows-path": [("win.ini.pdf", None)],
        "name-dot-dot": [],
        "name-nul": [("report.pdf", None)],
        "name-newline": [("report.pdf", None)],
        "name-rlo": [("evidencegpj.pdf", None)],
        "name-rlo-exe": [("invoicefdp.exe", None)],
        "name-300": [("a" * 251 + ".pdf", None)],
    }
    assert with_ours == {
        item_id: [(names[0][0] if names else "unnamed", sent)]
        for (item_id, names), sent in zip(
            django_only.items(),
            [html.unescape(item.sent_name) for item in NAME_ITEMS],
            strict=True,
        )
    }


# --- What must still be accepted ------------------------------------------------------------------
def _reportlab_pdf() -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    document.drawString(72, 720, "Evidence of the harm: see the attached figures.")
    document.showPage()
    document.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("report.pdf", _reportlab_pdf, "PDF document"),
        (
            "objects.pdf",
            lambda: corpus.object_stream_pdf(
                b"<< /S /URI /URI (https://www.gov.uk/) >>"
            ),
            "PDF document",
        ),
        ("Adroddiad – ŵ ŷ (drafft 2).pdf", corpus.classic_pdf, "PDF document"),
        ("scan.png", lambda: corpus.png({"Software": "GIMP 2.10"}), "PNG image"),
        ("photo.jpg", lambda: corpus.jpeg(b"Taken at Kent HQ"), "JPEG image"),
        # A phone's gain map or second picture follows the first image's end: still accepted.
        ("iphone.jpg", lambda: corpus.jpeg() + corpus.jpeg(), "JPEG image"),
        ("notes.txt", lambda: b"Visit notes: a < b and x > y.\n", "text file"),
    ],
)
def test_ordinary_files_are_still_accepted_through_the_form(
    client, hestia_member, name, make, kind
):
    draft = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    client.force_login(hestia_member)
    content = make()

    response = client.post(
        reverse("complaints:edit", args=[draft.pk]),
        {
            "version": draft.version,
            "title": draft.title,
            "contact_email": "a@b.example",
            "evidence": SimpleUploadedFile(name, content),
        },
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.kind_label) == (name, kind)
    assert evidence.file.read() == content


# --- Downloads are inert attachments --------------------------------------------------------------
PNG_BYTES = corpus.png()
TEXT_BYTES = b"Notes of a visit to the custody suite, 3 March.\n"
ACCEPTED = [
    ("notes.txt", TEXT_BYTES, "text/plain"),
    ("photo.png", PNG_BYTES, "image/png"),
]


def assert_inert(response, name: str, content: bytes, content_type: str) -> None:
    directives = {
        part.strip() for part in response["Content-Security-Policy"].split(";")
    }
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"sandbox", "default-src 'none'"} <= directives
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content", "content_type"), ACCEPTED, ids=["text", "png"]
)
def test_complaint_evidence_downloads_are_inert(
    client, hestia_member, name, content, content_type
):
    draft = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    client.force_login(hestia_member)
    client.post(
        reverse("complaints:edit", args=[draft.pk]),
        {
            "version": draft.version,
            "title": draft.title,
            "contact_email": "a@b.example",
            "evidence": SimpleUploadedFile(name, content),
        },
    )
    evidence = Evidence.objects.get()

    response = client.get(reverse("complaints:evidence", args=[draft.pk, evidence.pk]))

    assert_inert(response, name, content, content_type)


@pytest.mark.parametrize(
    ("name", "content", "content_type"), ACCEPTED, ids=["text", "png"]
)
def test_investigation_attachment_downloads_are_inert(
    client, team, name, content, content_type
):
    investigation = investigation_in(S.EVIDENCE_GATHERING, team)
    item = investigation_services.add_evidence_item(
        investigation,
        by=team.lead,
        kind="case_file_review",
        title="Case files",
        owner=team.lead,
    )
    client.force_login(team.lead)
    client.post(
        reverse("investigations:attach", args=[investigation.pk, item.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )
    attachment = EvidenceAttachment.objects.get()

    response = client.get(
        reverse(
            "investigations:attachment",
            args=[investigation.pk, item.pk, attachment.pk],
        )
    )

    assert_inert(response, name, content, content_type)


@pytest.mark.parametrize(
    ("name", "content", "content_type"), ACCEPTED, ids=["text", "png"]
)
def test_response_evidence_downloads_are_inert(
    client, team, met_recipient, hmicfrs_monitor, name, content, content_type
):
    report = published_report(team, MET)
    met = RecommendationResponse.objects.get(
        recommendation__investigation=report, organisation=org(MET)
    )
    response_in(met, RecommendationResponse.State.IN_PROGRESS, recipient=met_recipient)
    client.force_login(met_recipient)
    client.post(
        reverse("responses:post_update", args=[met.pk]),
        {
            "progress-text": "Half trained.",
            "progress-files": [SimpleUploadedFile(name, content)],
        },
    )
    evidence = ResponseEvidence.objects.get()
    url = reverse("responses:evidence", args=[met.pk, evidence.pk])

    for user in (met_recipient, hmicfrs_monitor):
        client.force_login(user)
        assert_inert(client.get(url), name, content, content_type)


def test_every_uploaded_file_model_is_served_only_through_the_tested_downloads():
    """Guards the three tests above: the only models holding uploaded files are these three, and the
    only URLs that serve them (through inert_download) are the three tested."""
    uploaded = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and field.name == "file"
    }

    def views(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLPattern):
                yield f"{namespace}{entry.name}", entry.callback
            else:
                inner = (
                    f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                )
                yield from views(entry.url_patterns, inner)

    def source(callback) -> str:
        target = inspect.unwrap(callback)
        if not (inspect.isroutine(target) or inspect.isclass(target)):
            target = type(target)  # a callable instance, such as a feed
        return inspect.getsource(target)

    serving = {
        name
        for name, callback in views(get_resolver().url_patterns)
        if "inert_download(" in source(callback)
    }

    assert uploaded == {
        "complaints.Evidence",
        "investigations.EvidenceAttachment",
        "recommendations.ResponseEvidence",
    }
    assert serving == {
        "complaints:evidence",
        "investigations:attachment",
        "responses:evidence",
    }
    assert "inert_download" in inspect.getsource(inert_download)


# --- Headless Chromium runs no script from a download ---------------------------------------------
CANARY_PAGE = b"""<!doctype html><html><head><title>hostile</title></head><body>
<p id="shown">A web page that slipped through an older upload rule.</p>
<script>
console.log("canary: script ran");
document.title = "script ran";
fetch("/canary/fetch");
alert("canary");
</script>
<img src="/canary/image" onerror="console.log('canary: onerror ran')">
</body></html>"""


@pytest.fixture
def reached_server():
    """The paths under /canary/ that the live server (a thread of this process) received."""
    paths = []

    def record(environ: dict, **kwargs: Any) -> None:
        if environ["PATH_INFO"].startswith("/canary/"):
            paths.append(environ["PATH_INFO"])

    request_started.connect(record, weak=False)
    yield paths
    request_started.disconnect(record)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_stored_web_page_downloads_and_runs_no_script_in_chromium(
    page,  # noqa: F811
    live_server,
    reached_server,
    hestia_member,
):
    draft = ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )
    # Stored directly, as if an older rule had let it through: HTML bytes, and a text/html type.
    evidence = Evidence(
        complaint=draft,
        original_name="statement.html",
        content_type="text/html",
        kind_label="Web page",
        size=len(CANARY_PAGE),
        sha256="0" * 64,
        uploaded_by=hestia_member,
    )
    evidence.file.save("upload.html", ContentFile(CANARY_PAGE), save=False)
    evidence.save()
    url = live_server.url + reverse("complaints:evidence", args=[draft.pk, evidence.pk])
    console, dialogs, answered = [], [], []
    page.on("console", lambda message: console.append(message.text))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # Chromium reports a request it blocks by CSP as a request that failed: count the answered ones.
    page.on(
        "response",
        lambda response: "/canary/" in response.url and answered.append(response.url),
    )
    sign_in(page, live_server.url, "hestia_member")
    signed_in_at = (page.url, page.title())

    # 1. Going to the download URL: a download starts, and the page stays as it was.
    with page.expect_download() as download_info:
        try:
            page.goto(url)
        except PlaywrightError as error:  # a download aborts the navigation
            navigation = str(error).splitlines()[0]
        else:
            navigation = "navigated"
    download = download_info.value
    downloaded = Path(download.path()).read_bytes()
    after_download = (page.url, page.title())

    # 2. The same response shown inline instead (its Content-Disposition changed in the browser):
    #    the sandboxing Content-Security-Policy alone must stop the script and the image.
    def inline(route, *, keep_csp: bool) -> None:
        fetched = route.fetch()
        headers = {**fetched.headers, "content-disposition": "inline"}
        if not keep_csp:
            headers.pop("content-security-policy")
        route.fulfill(response=fetched, headers=headers)

    page.route(url, lambda route: inline(route, keep_csp=True))
    page.goto(url)
    page.wait_for_timeout(
        500
    )  # time enough for a script, or the image, to have been tried
    inline_with_csp = (
        page.locator("#shown").inner_text(),
        page.title(),
        list(dialogs),
        [text for text in console if text.startswith("canary:")],
        list(answered),
        list(reached_server),
    )
    page.unroute(url)

    # 3. Control: without that Content-Security-Policy the same page runs its script, and every
    #    listener above sees it.
    page.route(url, lambda route: inline(route, keep_csp=False))
    page.goto(url)
    page.wait_for_function("document.title === 'script ran'")
    page.wait_for_timeout(500)
    without_csp = (
        page.title(),
        dialogs,
        sorted({text for text in console if text.startswith("canary:")}),
        sorted({address.rsplit("/", 1)[-1] for address in answered}),
        sorted(set(reached_server)),
    )

    assert navigation.startswith(
        ("Page.goto: Download is starting", "Page.goto: net::ERR_ABORTED")
    )
    assert download.suggested_filename == "statement.html"
    assert downloaded == CANARY_PAGE
    assert after_download == signed_in_at
    assert inline_with_csp == (
        "A web page that slipped through an older upload rule.",
        "hostile",
        [],
        [],
        [],
        [],
    )
    assert without_csp == (
        "script ran",
        ["canary"],
        ["canary: onerror ran", "canary: script ran"],
        ["fetch", "image"],
        ["/canary/fetch", "/canary/image"],
    )
