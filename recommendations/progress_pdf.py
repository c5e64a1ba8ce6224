"""Progress reports on recommendations as PDFs, built with reportlab like the published report
(`investigations/report_pdf.py`): DejaVu Sans, user text printed literally, "Page n of N".

One report per complaint (every recommendation, by recipient) and one per recipient organisation
(its responses across complaints). Each opens with the headline figures and a stacked bar chart
drawn with reportlab.graphics; the chart's figures are repeated in a table beneath it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from accounts.models import Organisation
from complaints.letters import _register_fonts, literal
from investigations.models import Investigation
from investigations.report_pdf import (
    BODY,
    FRAME_WIDTH,
    ITEM,
    MARGIN,
    SECTION,
    SUBTITLE,
    TITLE,
    _NumberedCanvas,
)
from recommendations import progress
from recommendations.charts import STATE_STYLES
from recommendations.models import RecommendationResponse
from workflow import deadlines

State = RecommendationResponse.State

# The text before a table stays on the page of the table's first rows.
LEAD_IN = ParagraphStyle("progress-lead-in", parent=BODY, keepWithNext=True)
CELL = ParagraphStyle("progress-cell", parent=BODY, fontSize=8.5, leading=10.5)
CELL_BOLD = ParagraphStyle(
    "progress-cell-bold", parent=CELL, fontName="DejaVuSans-Bold"
)
TABLE_STYLE = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, "#0b0c0c"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, "#b1b4b6"),
    ]
)


def _cell(value: Any, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(literal("" if value is None else str(value)), style)


def _table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]
) -> Table:
    data = [[_cell(h, CELL_BOLD) for h in header]]
    data += [[_cell(v) for v in row] for row in rows]
    # splitInRow: a cell of long text (a recommendation) may run on to the next page rather
    # than be taller than a page, which reportlab refuses (LayoutError).
    return Table(
        data, colWidths=list(widths), repeatRows=1, style=TABLE_STYLE, splitInRow=1
    )


def _day(moment: Any, fmt: str = "DATE_FORMAT") -> str:
    if not moment:
        return "–"
    day = moment if type(moment) is date else deadlines.local_date(moment)
    return date_format(day, fmt)


def _short_day(moment: Any) -> str:
    """ "12 Mar 2026": narrow enough for a table column."""
    return _day(moment, "j M Y")


def _headline(rollup: progress.Rollup) -> Table:
    rows = progress.headline(rollup)
    return Table(
        [[_cell(label, CELL_BOLD), _cell(value)] for label, value in rows],
        colWidths=[110 * mm, FRAME_WIDTH - 110 * mm],
        style=TABLE_STYLE,
        hAlign="LEFT",
    )


def _state_chart(rollups: Sequence[progress.Rollup], labels: Sequence[str]) -> Drawing:
    """A stacked bar per rollup, one colour per state, with each segment's count written on it
    and a key beneath: the same colours as the dashboard's charts."""
    bar_height, gap = 16, 6
    chart_height = max(len(rollups), 1) * (bar_height + gap)
    legend_height = 18 * len(State.values) // 2 + 10
    width = FRAME_WIDTH
    drawing = Drawing(width, chart_height + legend_height + 30)
    chart = HorizontalBarChart()
    chart.x = 90
    chart.y = legend_height + 20
    chart.width = width - 100
    chart.height = chart_height
    # Top-to-bottom in the order given.
    chart.data = [
        [r.counts[value] for r in reversed(rollups)] for value in State.values
    ]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = "DejaVuSans"
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = "DejaVuSans"
    chart.valueAxis.labels.fontSize = 8
    largest = max((r.total for r in rollups), default=1) or 1
    chart.valueAxis.valueMax = largest
    chart.valueAxis.valueStep = max(1, round(largest / 5))
    chart.barWidth = bar_height
    chart.barSpacing = gap
    chart.bars.strokeColor = colors.white
    chart.bars.strokeWidth = 0.75
    for i, value in enumerate(State.values):
        chart.bars[i].fillColor = colors.HexColor(STATE_STYLES[value].colour)
    # A count is written on its segment only where it fits; the table beneath has them all.
    fits = largest * 14 / chart.width
    chart.barLabelFormat = lambda v: str(int(v)) if v and v >= fits else ""
    chart.barLabels.boxTarget = "mid"
    chart.barLabels.fontName = "DejaVuSans-Bold"
    chart.barLabels.fontSize = 8
    chart.barLabels.fillColor = colors.white
    chart.barLabels.boxAnchor = "c"
    drawing.add(chart)

    legend = Legend()
    legend.x = 90
    legend.y = legend_height
    legend.fontName = "DejaVuSans"
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 3
    legend.dxTextSpace = 4
    legend.deltax = 180
    legend.colorNamePairs = [
        (
            colors.HexColor(STATE_STYLES[value].colour),
            f"{progress.STATE_ABBREVIATIONS[value]} – {label}",
        )
        for value, label in State.choices
    ]
    drawing.add(legend)
    return drawing


# A drawing cannot break across pages: a long list is charted in parts that each fit on one.
BARS_PER_CHART = 24


def _state_charts(
    rollups: Sequence[progress.Rollup], labels: Sequence[str]
) -> list[Flowable]:
    return [
        _state_chart(rollups[i : i + BARS_PER_CHART], labels[i : i + BARS_PER_CHART])
        for i in range(0, max(len(rollups), 1), BARS_PER_CHART)
    ]


def _state_table(rollups: Sequence[progress.Rollup], labels: Sequence[str]) -> Table:
    """The chart's figures as a table, so nothing depends on reading colours."""
    abbreviations = [progress.STATE_ABBREVIATIONS[v] for v in State.values]
    header = ["", *abbreviations, _("Response rate"), _("Overdue")]
    rows = []
    for label, rollup in zip(labels, rollups, strict=True):
        rate = rollup.response_rate_percent
        rows.append(
            [
                label,
                *(rollup.counts[v] for v in State.values),
                "–" if rate is None else f"{rate}%",
                rollup.overdue,
            ]
        )
    first = FRAME_WIDTH - 5 * 12 * mm - 2 * 22 * mm
    return _table(header, rows, [first, *([12 * mm] * 5), 22 * mm, 22 * mm])


def _build(story: list[Flowable], *, title: str, footer: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=_("HMICFRS, College of Policing and IOPC"),
        subject=footer,
    )
    document.build(story, canvasmaker=partial(_NumberedCanvas, reference=footer))
    return buffer.getvalue()


def _overdue(response: RecommendationResponse, today: date) -> str:
    return _("Yes") if response.is_overdue(today) else ""


RESPONSE_HEADER = (
    gettext_lazy("Organisation"),
    gettext_lazy("Status"),
    gettext_lazy("Outcome"),
    gettext_lazy("Due"),
    gettext_lazy("Response published"),
    gettext_lazy("Verified"),
    gettext_lazy("Overdue"),
)
# Organisation, status, outcome, three dates; "overdue" takes what is left of the frame.
RESPONSE_WIDTHS = (37 * mm, 25 * mm, 20 * mm, 22 * mm, 22 * mm, 22 * mm)


def render_complaint_progress_pdf(
    investigation: Investigation,
    responses: Sequence[RecommendationResponse],
    *,
    today: date,
) -> bytes:
    """Progress on one complaint's recommendations: headline figures, a chart of the status of
    each recommendation, then each recommendation with its recipients' responses."""
    _register_fonts()
    complaint = investigation.complaint
    reference = complaint.reference or ""
    overall = progress.overall(responses, today=today)
    rollups = progress.by_recommendation(responses, today=today)
    labels = [_("Recommendation %(n)d") % {"n": r.subject.number} for r in rollups]
    title = _("Progress on recommendations")
    story: list[Flowable] = [
        Paragraph(literal(title), TITLE),
        Paragraph(literal(investigation.report_title), SUBTITLE),
        Paragraph(
            literal(
                _("Super-complaint %(ref)s by %(body)s")
                % {"ref": reference, "body": complaint.organisation.name}
            ),
            BODY,
        ),
        Paragraph(
            literal(
                _("Report published %(date)s (%(elapsed)s)")
                % {
                    "date": _day(investigation.report_published_on),
                    "elapsed": overall.since_publication,
                }
            ),
            BODY,
        ),
        Paragraph(literal(_("Position on %(date)s") % {"date": _day(today)}), BODY),
        Spacer(1, 4 * mm),
        Paragraph(literal(_("Headline figures")), SECTION),
        _headline(overall),
        Paragraph(literal(_("Status of each recommendation")), SECTION),
        *_state_charts(rollups, labels),
        _state_table(rollups, labels),
    ]
    last = FRAME_WIDTH - sum(RESPONSE_WIDTHS)
    for rollup in rollups:
        recommendation = rollup.subject
        story.append(
            Paragraph(
                literal(_("Recommendation %(n)d") % {"n": recommendation.number}),
                ITEM,
            )
        )
        story.append(Paragraph(literal(recommendation.text), LEAD_IN))
        story.append(
            _table(
                [str(h) for h in RESPONSE_HEADER],
                [
                    (
                        r.organisation.name,
                        r.get_state_display(),
                        # A draft's outcome is the recipient's own until published.
                        (r.get_outcome_display() if r.published_at else "") or "–",
                        _short_day(r.due_on),
                        _short_day(r.published_at),
                        _short_day(r.verified_at),
                        _overdue(r, today),
                    )
                    for r in rollup.responses
                ],
                [*RESPONSE_WIDTHS, last],
            )
        )
    return _build(
        story, title=f"{title}: {investigation.report_title}", footer=reference
    )


ORGANISATION_HEADER = (
    gettext_lazy("Recommendation"),
    *RESPONSE_HEADER[1:],
)


def render_organisation_progress_pdf(
    organisation: Organisation,
    responses: Sequence[RecommendationResponse],
    *,
    today: date,
) -> bytes:
    """One recipient's responses across complaints: headline figures, a chart by complaint, and
    each complaint's recommendations with the status and dates of the response."""
    _register_fonts()
    overall = progress.overall(responses, today=today)
    reports = progress.by_report(responses, today=today)
    labels = [progress.complaint_reference(r.subject) for r in reports]
    title = _("Responses to super-complaint recommendations")
    story: list[Flowable] = [
        Paragraph(literal(organisation.name), TITLE),
        Paragraph(literal(title), SUBTITLE),
        Paragraph(literal(_("Position on %(date)s") % {"date": _day(today)}), BODY),
        Spacer(1, 4 * mm),
        Paragraph(literal(_("Headline figures")), SECTION),
        _headline(overall),
        Paragraph(literal(_("Status by super-complaint")), SECTION),
        *_state_charts(reports, labels),
        _state_table(reports, labels),
    ]
    last = FRAME_WIDTH - sum(RESPONSE_WIDTHS)
    for report in reports:
        investigation = report.subject
        story.append(
            Paragraph(
                literal(
                    f"{progress.complaint_reference(investigation)}: "
                    f"{investigation.report_title}"
                ),
                ITEM,
            )
        )
        story.append(
            Paragraph(
                literal(
                    _("Report published %(date)s (%(elapsed)s)")
                    % {
                        "date": _day(investigation.report_published_on),
                        "elapsed": report.since_publication,
                    }
                ),
                LEAD_IN,
            )
        )
        story.append(
            _table(
                [str(h) for h in ORGANISATION_HEADER],
                [
                    (
                        f"{r.recommendation.number}. {r.recommendation.text}",
                        r.get_state_display(),
                        (r.get_outcome_display() if r.published_at else "") or "–",
                        _short_day(r.due_on),
                        _short_day(r.published_at),
                        _short_day(r.verified_at),
                        _overdue(r, today),
                    )
                    for r in report.responses
                ],
                [*RESPONSE_WIDTHS, last],
            )
        )
    return _build(
        story, title=f"{organisation.name}: {title}", footer=organisation.name
    )
