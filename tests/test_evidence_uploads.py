"""Evidence is checked by content, stored under server names, and served only as an attachment to
those who may see the complaint."""

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from complaints.models import Evidence, SuperComplaint
from tests.factories import ComplaintFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def draft(hestia_member):
    return ComplaintFactory(
        organisation=hestia_member.organisation, created_by=hestia_member
    )


def upload(client, complaint, *files, **fields):
    data = {
        "version": complaint.version,
        "title": complaint.title,
        "contact_email": "a@b.example",
        **fields,
    }
    data["evidence"] = list(files)
    return client.post(reverse("complaints:edit", args=[complaint.pk]), data)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("report.pdf", PDF, "PDF document"),
        ("Adroddiad ŵ ŷ.docx", docx_bytes(), "Word document"),
        ("photo.png", png_bytes(), "PNG image"),
        ("figures.csv", b"force,count\nKent,12\n", "CSV file"),
        ("notes.txt", "Tystiolaeth gan ddioddefwyr – ŵ".encode(), "text file"),
    ],
)
def test_allowed_files_are_attached(client, hestia_member, draft, name, content, kind):
    client.force_login(hestia_member)

    response = upload(client, draft, SimpleUploadedFile(name, content))

    assert response.status_code == 302
    evidence = Evidence.objects.get(complaint=draft)
    assert (evidence.original_name, evidence.kind_label, evidence.size) == (
        name,
        kind,
        len(content),
    )
    assert name not in evidence.file.name
    assert evidence.file.name.startswith("evidence/")
    assert evidence.file.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "report.pdf",
            b"<html><body><script>alert(1)</script></body></html>",
            "“report.pdf”: the file is a web page or contains script, which we do not accept.",
        ),
        (
            "chart.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "“chart.svg”: files ending “.svg” are not accepted. Send PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text or CSV files.",
        ),
        (
            "chart.txt",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "“chart.txt”: the file contains web page or script markup, which we do not accept.",
        ),
        (
            "chart.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "“chart.png”: the file is a web page or contains script, which we do not accept.",
        ),
        (
            "letter.pdf",
            docx_bytes(),
            "“letter.pdf”: its name ends “.pdf” but its contents are a Word document. Rename it or send the right file.",
        ),
        (
            "setup.docx",
            b"MZ\x90\x00" + b"\x00" * 200,
            "“setup.docx”: the file's contents are not one of the types we accept: PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text or CSV.",
        ),
        (
            "bomb.docx",
            docx_bytes({"word/media/big.bin": b"\x00" * 5_000_000}),
            "“bomb.docx”: the document expands to far more than its size (a “zip bomb”).",
        ),
        (
            "parts.docx",
            docx_bytes({f"word/p{i}.xml": b"x" for i in range(5_001)}),
            "“parts.docx”: the document contains too many parts to be a real document.",
        ),
        (
            "escape.docx",
            docx_bytes({"../../etc/passwd": b"x"}),
            "“escape.docx”: the document contains a part with an unsafe name.",
        ),
        (
            "broken.png",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,
            "“broken.png”: the image is damaged or not really an image.",
        ),
        ("empty.pdf", b"", "“empty.pdf”: the file is empty."),
    ],
)
def test_hostile_or_wrong_files_are_refused_with_a_reason(
    client, hestia_member, draft, name, content, message
):
    client.force_login(hestia_member)

    response = upload(client, draft, SimpleUploadedFile(name, content))

    assert response.status_code == 400
    assert response.context["form"].errors["evidence"] == [message]
    assert escape(message) in response.content.decode()
    assert Evidence.objects.count() == 0


def test_oversized_file_is_refused(client, hestia_member, draft, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024
    client.force_login(hestia_member)

    response = upload(
        client, draft, SimpleUploadedFile("big.pdf", PDF + b"%" * 2000 + b"\n%%EOF")
    )

    assert response.context["form"].errors["evidence"] == [
        "“big.pdf”: the file is 2.0\xa0KB; each file must be 1.0\xa0KB or smaller."
    ]
    assert Evidence.objects.count() == 0


def test_total_per_complaint_is_limited(client, hestia_member, draft, settings):
    settings.EVIDENCE_MAX_TOTAL_BYTES = len(PDF) * 2
    client.force_login(hestia_member)

    response = upload(
        client, draft, *(SimpleUploadedFile(f"r{i}.pdf", PDF) for i in range(3))
    )

    assert Evidence.objects.filter(complaint=draft).count() == 2
    assert (
        response.context["form"]
        .errors["evidence"][0]
        .startswith("“r2.pdf”: a super-complaint's evidence can total at most")
    )


def test_hostile_names_are_refused(client, hestia_member, draft):
    client.force_login(hestia_member)
    name = "../../etc/\u202etxt.pdf"

    response = upload(client, draft, SimpleUploadedFile(name, PDF))

    assert response.context["form"].errors["evidence"] == [
        "“txt.pdf”: its name contains invisible characters that change how it reads (such as a "
        "right-to-left override), which can disguise what kind of file it is. Rename the file "
        "and send it again."
    ]
    assert Evidence.objects.count() == 0


def test_long_names_are_refused(client, hestia_member, draft):
    client.force_login(hestia_member)

    response = upload(client, draft, SimpleUploadedFile("a" * 300 + ".pdf", PDF))

    assert response.context["form"].errors["evidence"] == [
        f"“{'a' * 56}….pdf”: its name is 255 characters long. Rename the file to 200 "
        "characters or fewer and send it again."
    ]
    assert Evidence.objects.count() == 0


def test_files_are_kept_when_another_field_has_an_error(client, hestia_member, draft):
    client.force_login(hestia_member)

    response = upload(
        client,
        draft,
        SimpleUploadedFile("report.pdf", PDF),
        contact_email="not an e-mail",
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["contact_email"]
    assert [e.original_name for e in Evidence.objects.filter(complaint=draft)] == [
        "report.pdf"
    ]
    assert "report.pdf" in response.content.decode()


def test_download_is_an_attachment_that_cannot_run(client, hestia_member, draft):
    client.force_login(hestia_member)
    upload(client, draft, SimpleUploadedFile("report.pdf", PDF))
    evidence = Evidence.objects.get()

    response = client.get(reverse("complaints:evidence", args=[draft.pk, evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == PDF


def test_another_bodys_evidence_is_not_found(client, hestia_member, cwj_member, draft):
    client.force_login(hestia_member)
    upload(client, draft, SimpleUploadedFile("report.pdf", PDF))
    evidence = Evidence.objects.get()
    client.force_login(cwj_member)

    assert (
        client.get(
            reverse("complaints:evidence", args=[draft.pk, evidence.pk])
        ).status_code
        == 404
    )


def test_evidence_can_be_removed_from_a_draft(
    client, hestia_member, draft, django_capture_on_commit_callbacks
):
    client.force_login(hestia_member)
    upload(client, draft, SimpleUploadedFile("report.pdf", PDF))
    evidence = Evidence.objects.get()
    path = evidence.file.path

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("complaints:evidence_remove", args=[draft.pk, evidence.pk]))

    assert Evidence.objects.count() == 0
    assert not os.path.exists(path)


def test_evidence_cannot_be_added_after_submission(client, hestia_member, draft):
    SuperComplaint.objects.filter(pk=draft.pk).update(
        state=SuperComplaint.State.SUBMITTED
    )
    client.force_login(hestia_member)

    response = upload(client, draft, SimpleUploadedFile("late.pdf", PDF))

    assert response.status_code == 403
    assert Evidence.objects.count() == 0
