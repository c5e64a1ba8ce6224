"""The receipt-acknowledgement letter (SI 2018/748 reg 5) as a PDF, built with reportlab.

User text is escaped before it reaches reportlab's paragraph markup, so it is printed literally;
the DejaVu Sans font carries Welsh letters (ŵ, ŷ) that the PDF base fonts lack.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from complaints.models import SuperComplaint

FONT_DIR = Path(getattr(settings, "PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))


def _register_fonts() -> None:
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(
        TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    )


def literal(text: str) -> str:
    """User text as reportlab paragraph markup that prints exactly the characters given."""
    return escape(text).replace("\n", "<br/>")


def acknowledgement_letter(complaint: SuperComplaint) -> bytes:
    """The letter HMICFRS sends to the designated body on acknowledging its super-complaint."""
    _register_fonts()
    body = ParagraphStyle(
        "body", fontName="DejaVuSans", fontSize=11, leading=15, spaceAfter=8
    )
    heading = ParagraphStyle(
        "heading", parent=body, fontName="DejaVuSans-Bold", fontSize=15, leading=19
    )
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=12)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=_("Acknowledgement of super-complaint %(ref)s")
        % {"ref": complaint.reference},
        author="HMICFRS super-complaints team",
    )
    acknowledged_on = (
        timezone.localdate(complaint.acknowledged_at)
        if complaint.acknowledged_at
        else None
    )
    details = [
        [_("Reference"), complaint.reference or ""],
        [_("Designated body"), complaint.organisation.name],
        [_("Title"), complaint.title],
        [
            _("Received"),
            date_format(complaint.received_on) if complaint.received_on else "",
        ],
        [
            _("Acknowledgement due"),
            date_format(complaint.acknowledgement_due_on)
            if complaint.acknowledgement_due_on
            else "",
        ],
        [_("Acknowledged"), date_format(acknowledged_on) if acknowledged_on else ""],
    ]
    table = Table(
        [
            [Paragraph(literal(str(label)), body), Paragraph(literal(str(value)), body)]
            for label, value in details
        ],
        colWidths=[50 * mm, 120 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#b1b4b6"),
            ]
        )
    )
    story = [
        Paragraph(
            literal(_("HM Inspectorate of Constabulary and Fire & Rescue Services")),
            small,
        ),
        Paragraph(literal(_("Super-complaints team")), small),
        Spacer(1, 8 * mm),
        Paragraph(literal(_("Acknowledgement of your super-complaint")), heading),
        Paragraph(
            literal(_("Dear %(name)s,") % {"name": complaint.contact_name}), body
        ),
        Paragraph(
            literal(
                _(
                    "We acknowledge receipt of the super-complaint below, made under section 29A of the Police "
                    "Reform Act 2002. This acknowledgement is given under regulation 5 of the Police "
                    "Super-complaints (Designation and Procedure) Regulations 2018."
                )
            ),
            body,
        ),
        table,
        Spacer(1, 4 * mm),
        Paragraph(
            literal(
                _(
                    "HM Chief Inspector of Constabulary, the Director General of the Independent Office for "
                    "Police Conduct and the College of Policing will now decide whether the complaint is "
                    "eligible to be investigated. We will write to you with their decision."
                )
            ),
            body,
        ),
        Paragraph(
            literal(
                _("Please quote the reference %(ref)s in any correspondence.")
                % {"ref": complaint.reference}
            ),
            body,
        ),
        Spacer(1, 6 * mm),
        Paragraph(literal(_("HMICFRS super-complaints team")), body),
    ]

    def number_pages(canvas, doc) -> None:  # noqa: ANN001 - reportlab's callback signature
        canvas.saveState()
        canvas.setFont("DejaVuSans", 8)
        canvas.drawRightString(190 * mm, 10 * mm, _("Page %(n)d") % {"n": doc.page})
        canvas.restoreState()

    document.build(story, onFirstPage=number_pages, onLaterPages=number_pages)
    return buffer.getvalue()
