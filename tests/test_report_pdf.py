"""The published report: a PDF whose text is the snapshot's text, literally, with numbered pages."""

import io
import re

from pypdf import PdfReader

from investigations.report_pdf import render_report_pdf

HOSTILE = "<b>not bold</b> & <script>alert(1)</script>"
WELSH = "Heddlu Dyfed-Powys ŵ ŷ"


def snapshot(annex_rows: int = 3) -> dict:
    return {
        "reference": "SC-2019-003",
        "designated_body": "Hestia",
        "complaint_title": "Underground lives: police response to victims of modern slavery",
        "title": "The hidden victims",
        "published_on": "2021-05-26",
        "summary": "Victims were not always recognised.\n\nReferrals were late.",
        "steps_taken": "",
        "findings": f"We found this:\n{HOSTILE}",
        "conclusions": "Forces should do better.",
        "further_action": "",
        "recommendations": [
            {
                "number": 1,
                "text": "Chief constables should record every referral.",
                "due_on": "2021-11-26",
                "recipients": ["All chief constables", "Home Office"],
            },
            {
                "number": 2,
                "text": f"{WELSH} should publish its referral figures.",
                "due_on": None,
                "recipients": [WELSH],
            },
        ],
        "actions": [
            {
                "number": 1,
                "body": "College of Policing",
                "text": "Update the guidance.",
                "due_on": None,
            }
        ],
        "annex": [
            {
                "organisation": f"Example Constabulary {i}",
                "kind": "Police force",
                "recommendations": [1, 2],
            }
            for i in range(1, annex_rows + 1)
        ],
    }


def pages_of(pdf: bytes) -> list[str]:
    return [
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


def test_report_prints_the_snapshot_text_literally():
    pdf = render_report_pdf(snapshot())

    text = " ".join(pages_of(pdf))
    assert pdf.startswith(b"%PDF")
    assert "The hidden victims" in text
    assert (
        "Report on Hestia's super-complaint SC-2019-003: Underground lives: police response to victims of modern slavery"
        in text
    )
    assert "Published 26 May 2021" in text
    assert "HMICFRS, College of Policing and IOPC" in text
    assert (
        "Made under regulation 8 of the Police Super-complaints (Designation and Procedure) Regulations 2018"
        in text
    )
    assert f"We found this: {HOSTILE}" in text
    assert f"{WELSH} should publish its referral figures." in text
    assert f"To: {WELSH}" in text


def test_report_numbers_recommendations_actions_and_lists_the_annex():
    pdf = render_report_pdf(snapshot())

    text = " ".join(pages_of(pdf))
    assert (
        "Recommendation 1 Chief constables should record every referral. "
        "To: All chief constables, Home Office Due by 26 November 2021 Recommendation 2"
    ) in text
    assert "Action 1 By: College of Policing Update the guidance." in text
    assert "Annex: recipients of recommendations" in text
    assert "Organisation Kind Recommendations" in text
    for i in (1, 2, 3):
        assert f"Example Constabulary {i} Police force 1, 2" in text


def test_empty_sections_are_left_out():
    text = " ".join(pages_of(render_report_pdf(snapshot())))

    assert "Steps taken" not in text
    assert "Further action by the authorities" not in text


def test_every_page_is_numbered_out_of_the_total_and_the_annex_header_repeats():
    pages = pages_of(render_report_pdf(snapshot(annex_rows=150)))

    total = len(pages)
    footers = [re.findall(r"Page \d+ of \d+", page) for page in pages]
    assert total > 3
    assert footers == [[f"Page {n} of {total}"] for n in range(1, total + 1)]
    assert all("SC-2019-003" in page for page in pages)
    assert "Page 1 of" in pages[0]
    assert pages[-1].startswith("Organisation Kind Recommendations")
    assert "Example Constabulary 150 Police force 1, 2" in pages[-1]
