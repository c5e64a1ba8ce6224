"""The published report on a super-complaint (SI 2018/748 reg 8) as a PDF, built with reportlab.

The caller passes a snapshot: a JSON-serialisable dict of the report as published, with withheld
passages already replaced. User text is escaped with `complaints.letters.literal`, so it prints
exactly as written, and is set in DejaVu Sans, which carries the Welsh letters ŵ and ŷ.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from complaints.letters import _register_fonts, literal

MARGIN = 20 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN
BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")

BODY = ParagraphStyle(
    "report-body", fontName="DejaVuSans", fontSize=10.5, leading=14, spaceAfter=6
)
LABEL = ParagraphStyle("report-label", parent=BODY, fontName="DejaVuSans-Bold")
SECTION = ParagraphStyle(
    "report-section",
    parent=BODY,
    fontName="DejaVuSans-Bold",
    fontSize=15,
    leading=19,
    spaceBefore=10,
    spaceAfter=8,
    keepWithNext=True,
)
ITEM = ParagraphStyle(
    "report-item",
    parent=BODY,
    fontName="DejaVuSans-Bold",
    fontSize=11.5,
    leading=15,
    spaceBefore=6,
    spaceAfter=4,
    keepWithNext=True,
)
TITLE = ParagraphStyle(
    "report-title",
    parent=BODY,
    fontName="DejaVuSans-Bold",
    fontSize=24,
    leading=30,
    spaceAfter=14,
)
SUBTITLE = ParagraphStyle(
    "report-subtitle", parent=BODY, fontSize=13, leading=18, spaceAfter=12
)

# The annex can run to hundreds of rows: plain strings, wrapped by measuring, lay out many times
# faster than a Paragraph per cell, and reportlab never parses them as markup, so they print literally.
ANNEX_FONT_SIZE = 9
ANNEX_LEADING = 11.5
ANNEX_PADDING = 4
ANNEX_WIDTHS = (85 * mm, 45 * mm, FRAME_WIDTH - 130 * mm)
ANNEX_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),
        ("FONTNAME", (0, 0), (-1, 0), "DejaVuSans-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), ANNEX_FONT_SIZE),
        ("LEADING", (0, 0), (-1, -1), ANNEX_LEADING),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), ANNEX_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), ANNEX_PADDING),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, "#0b0c0c"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, "#b1b4b6"),
    ]
)

SECTIONS = (
    ("summary", gettext_lazy("Summary")),
    ("steps_taken", gettext_lazy("Steps taken")),
    ("findings", gettext_lazy("Findings")),
    ("conclusions", gettext_lazy("Conclusions")),
    ("further_action", gettext_lazy("Further action by the authorities")),
)


class _NumberedCanvas(Canvas):
    """Holds every page back until the document is complete, so each footer can give the total."""

    def __init__(self, *args: Any, reference: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reference = reference
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self.saveState()
            self.setFont("DejaVuSans", 8)
            self.drawString(MARGIN, 10 * mm, self._reference)
            self.drawRightString(
                A4[0] - MARGIN,
                10 * mm,
                _("Page %(n)d of %(total)d") % {"n": number, "total": total},
            )
            self.restoreState()
            super().showPage()
        super().save()


def _long_date(iso: str) -> str:
    return date_format(date.fromisoformat(iso))


def _paragraphs(text: str | None, style: ParagraphStyle = BODY) -> list[Flowable]:
    """Blank lines separate paragraphs; a single newline is a line break within one."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return []
    return [Paragraph(literal(part), style) for part in BLANK_LINES.split(text)]


def _wrapped(text: str, width: float, font: str = "DejaVuSans") -> str:
    lines = simpleSplit(text, font, ANNEX_FONT_SIZE, width - 2 * ANNEX_PADDING)
    return "\n".join(lines)


def _title_page(snapshot: dict[str, Any]) -> list[Flowable]:
    lines = [
        _("Report on %(body)s's super-complaint %(ref)s: %(title)s")
        % {
            "body": snapshot["designated_body"],
            "ref": snapshot["reference"],
            "title": snapshot["complaint_title"],
        },
        _("Published %(date)s") % {"date": _long_date(snapshot["published_on"])},
        _("HMICFRS, College of Policing and IOPC"),
        _(
            "Made under regulation 8 of the Police Super-complaints (Designation and Procedure) "
            "Regulations 2018"
        ),
    ]
    return [
        Spacer(1, 50 * mm),
        Paragraph(literal(snapshot["title"]), TITLE),
        *(Paragraph(literal(line), SUBTITLE) for line in lines),
        PageBreak(),
    ]


def _recommendations(recommendations: Iterable[dict[str, Any]]) -> list[Flowable]:
    story: list[Flowable] = []
    for recommendation in recommendations:
        story.append(
            Paragraph(
                literal(_("Recommendation %(n)d") % {"n": recommendation["number"]}),
                ITEM,
            )
        )
        story += _paragraphs(recommendation["text"])
        story.append(
            Paragraph(
                literal(
                    _("To: %(recipients)s")
                    % {"recipients": ", ".join(recommendation["recipients"])}
                ),
                BODY,
            )
        )
        if recommendation.get("due_on"):
            story.append(
                Paragraph(
                    literal(
                        _("Due by %(date)s")
                        % {"date": _long_date(recommendation["due_on"])}
                    ),
                    BODY,
                )
            )
    return story


def _actions(actions: Iterable[dict[str, Any]]) -> list[Flowable]:
    story: list[Flowable] = []
    for action in actions:
        story.append(
            Paragraph(literal(_("Action %(n)d") % {"n": action["number"]}), ITEM)
        )
        story.append(
            Paragraph(literal(_("By: %(body)s") % {"body": action["body"]}), LABEL)
        )
        story += _paragraphs(action["text"])
        if action.get("due_on"):
            story.append(
                Paragraph(
                    literal(
                        _("Due by %(date)s") % {"date": _long_date(action["due_on"])}
                    ),
                    BODY,
                )
            )
    return story


def _annex(rows: Iterable[dict[str, Any]]) -> Table:
    organisation_width, kind_width, numbers_width = ANNEX_WIDTHS
    data = [
        [
            _wrapped(_("Organisation"), organisation_width, "DejaVuSans-Bold"),
            _wrapped(_("Kind"), kind_width, "DejaVuSans-Bold"),
            _wrapped(_("Recommendations"), numbers_width, "DejaVuSans-Bold"),
        ]
    ]
    data += [
        [
            _wrapped(row["organisation"], organisation_width),
            _wrapped(row["kind"], kind_width),
            _wrapped(", ".join(str(n) for n in row["recommendations"]), numbers_width),
        ]
        for row in rows
    ]
    return Table(data, colWidths=ANNEX_WIDTHS, repeatRows=1, style=ANNEX_STYLE)


def render_report_pdf(snapshot: dict[str, Any]) -> bytes:
    """The published report as an A4 PDF: a title page, the report's sections, and the annex."""
    _register_fonts()
    story = _title_page(snapshot)
    for key, heading in SECTIONS:
        paragraphs = _paragraphs(snapshot.get(key))
        if paragraphs:
            story += [Paragraph(literal(str(heading)), SECTION), *paragraphs]
    if snapshot.get("recommendations"):
        story.append(Paragraph(literal(_("Recommendations")), SECTION))
        story += _recommendations(snapshot["recommendations"])
    if snapshot.get("actions"):
        story.append(
            Paragraph(
                literal(_("Actions for the College of Policing and HMICFRS")), SECTION
            )
        )
        story += _actions(snapshot["actions"])
    if snapshot.get("annex"):
        story.append(
            Paragraph(literal(_("Annex: recipients of recommendations")), SECTION)
        )
        story.append(_annex(snapshot["annex"]))

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=snapshot["title"],
        author=_("HMICFRS, College of Policing and IOPC"),
        subject=snapshot["reference"],
    )
    document.build(
        story, canvasmaker=partial(_NumberedCanvas, reference=snapshot["reference"])
    )
    return buffer.getvalue()
