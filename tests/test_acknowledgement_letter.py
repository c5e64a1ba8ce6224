"""The receipt-acknowledgement letter: a PDF whose text is the user's text, literally."""

import io
from datetime import datetime

import time_machine
from pypdf import PdfReader

from complaints import services
from complaints.letters import acknowledgement_letter
from complaints.models import SuperComplaint
from tests.factories import ComplaintFactory, EvidenceFactory
from workflow.deadlines import LONDON

HOSTILE_TITLE = (
    "Heddlu <b>Gwŷr</b> & <script>alert('ŵ')</script> </para><font size=40>big</font>"
)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_letter_text_is_extracted_and_matches(hestia_member, hmicfrs_triager):
    complaint = ComplaintFactory(
        organisation=hestia_member.organisation,
        created_by=hestia_member,
        title=HOSTILE_TITLE,
        contact_name="Siân Ŵyn",
    )
    EvidenceFactory(complaint=complaint)
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=LONDON), tick=False):
        services.submit_complaint(
            SuperComplaint.objects.get(pk=complaint.pk), by=hestia_member
        )
    with time_machine.travel(datetime(2026, 11, 25, 15, 0, tzinfo=LONDON), tick=False):
        services.acknowledge_complaint(
            SuperComplaint.objects.get(pk=complaint.pk), by=hmicfrs_triager
        )

    pdf = acknowledgement_letter(SuperComplaint.objects.get(pk=complaint.pk))

    text = " ".join(text_of(pdf).split())
    assert pdf.startswith(b"%PDF-")
    assert "Acknowledgement of your super-complaint" in text
    assert "Dear Siân Ŵyn," in text
    assert (
        "Heddlu <b>Gwŷr</b> & <script>alert('ŵ')</script> </para><font size=40>big</font>"
        in text
    )
    assert "Reference SC-2026-001" in text
    assert "Received 23 November 2026" in text
    assert "Acknowledgement due 27 November 2026" in text
    assert "Acknowledged 25 November 2026" in text
    assert "Page 1" in text


def test_letter_is_downloaded_as_an_attachment(client, hestia_member):
    complaint = ComplaintFactory(
        organisation=hestia_member.organisation,
        created_by=hestia_member,
        state=SuperComplaint.State.ACKNOWLEDGED,
        reference="SC-2026-009",
        received_at=datetime(2026, 11, 23, 9, 0, tzinfo=LONDON),
        acknowledged_at=datetime(2026, 11, 24, 9, 0, tzinfo=LONDON),
    )
    client.force_login(hestia_member)

    response = client.get(f"/complaints/{complaint.pk}/acknowledgement.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="SC-2026-009-acknowledgement.pdf"'
    )
    assert "SC-2026-009" in text_of(response.content)
