"""Charts of response progress as inline SVG, drawn on the server: no script, nothing fetched.

A chart that stands on its own is an `<svg role="img">` with a `<title>` and a `<desc>` that give
its figures in words, and the page always shows the same figures in a table. The small bars drawn
in a table's rows, beside the cells that give their figures, are hidden from assistive technology
instead: a screen reader would otherwise read every figure of the row twice. States are told apart by more than colour:
each has a pattern as well as a colour, counts are written on the bars, and the key gives every
state's abbreviation. Every colour has at least 4.5:1 contrast with white text and 3:1 with the
white page behind it.

A dashboard draws hundreds of charts, so each is kept small: the patterns are defined once for the
page (`shared_defs`) and every chart refers to them, and attributes shared by a chart's parts are
set once on a group around them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recommendations.models import RecommendationResponse
from recommendations.progress import STATE_ABBREVIATIONS, StateCount

State = RecommendationResponse.State

TEXT = "#0b0c0c"
TRACK = "#f3f2f1"
TRACK_BORDER = "#505a5f"
ELAPSED = "#1d70b8"
OVERDUE = "#d4351c"


@dataclass(frozen=True)
class StateStyle:
    colour: str
    # "solid", "dots", "diagonal" or "vertical": drawn in white over the colour.
    pattern: str


STATE_STYLES: dict[str, StateStyle] = {
    State.AWAITING_RESPONSE: StateStyle("#505a5f", "solid"),
    State.RESPONSE_PUBLISHED: StateStyle("#1d70b8", "dots"),
    State.IN_PROGRESS: StateStyle("#912b88", "diagonal"),
    State.IMPLEMENTATION_REPORTED: StateStyle("#b35900", "vertical"),
    State.VERIFIED: StateStyle("#00703c", "solid"),
}


def _join(parts: Sequence[str]) -> SafeString:
    """The parts one after another, each escaped unless it is already safe markup (format_html's)."""
    return format_html_join("", "{}", ((part,) for part in parts))


def pattern_id(prefix: str, state: str) -> str:
    return f"{prefix}-{state}"


def fill(prefix: str, state: str) -> str:
    style = STATE_STYLES[state]
    if style.pattern == "solid":
        return style.colour
    return f"url(#{pattern_id(prefix, state)})"


def _pattern(prefix: str, state: str) -> SafeString:
    style = STATE_STYLES[state]
    if style.pattern == "dots":
        mark = format_html(
            '<circle cx="3" cy="3" r="1.3" fill="{}" fill-opacity="0.55"/>', "#ffffff"
        )
    else:
        mark = format_html(
            '<rect width="1.5" height="6" fill="{}" fill-opacity="0.45"/>', "#ffffff"
        )
    return format_html(
        '<pattern id="{}" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate({})"><rect width="6" height="6" fill="{}"/>{}</pattern>',
        pattern_id(prefix, state),
        45 if style.pattern == "diagonal" else 0,
        style.colour,
        mark,
    )


def shared_defs(prefix: str) -> SafeString:
    """An invisible SVG holding every state's pattern, once for the whole page: every chart and
    swatch of the page fills with them (ids are page-wide in HTML). Not `display: none`, which
    would stop browsers painting the patterns."""
    return format_html(
        '<svg width="0" height="0" aria-hidden="true" focusable="false" '
        'class="app-svg-defs"><defs>{}</defs></svg>',
        _join(
            [
                _pattern(prefix, state)
                for state, style in STATE_STYLES.items()
                if style.pattern != "solid"
            ]
        ),
    )


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def describe(counts: Sequence[StateCount]) -> str:
    """The figures of a bar in words, for its `<desc>`."""
    total = sum(c.count for c in counts)
    if not total:
        return _("No responses.")
    each = _("%(label)s: %(count)d (%(percent)s)")
    parts = [
        each % {"label": c.label, "count": c.count, "percent": _percent(c.share)}
        for c in counts
        if c.count
    ]
    return (
        ngettext("%(n)d response. ", "%(n)d responses. ", total) % {"n": total}
        + "; ".join(parts)
        + "."
    )


def _svg(
    chart_id: str, width: float, height: float, title: str, desc: str, body: SafeString
) -> SafeString:
    # Inline in HTML, an `<svg>` needs no `xmlns`.
    return format_html(
        '<svg class="app-chart" role="img" '
        'width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        'aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{body}</svg>",
        body=body,
        w=_number(width),
        h=_number(height),
        id=chart_id,
        title=title,
        desc=desc,
    )


def _decorative_svg(width: float, height: float, body: SafeString) -> SafeString:
    """A chart beside the figures it draws: hidden from assistive technology, without a title."""
    return format_html(
        '<svg class="app-chart" aria-hidden="true" focusable="false" '
        'width="{w}" height="{h}" viewBox="0 0 {w} {h}">{body}</svg>',
        body=body,
        w=_number(width),
        h=_number(height),
    )


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _labels(labels: Sequence[tuple[float, float, str]]) -> SafeString:
    """White figures centred on (x, y), in one group that styles them all."""
    if not labels:
        return _join([])
    # A dark halo behind white figures keeps them legible over every colour and pattern.
    return format_html(
        '<g text-anchor="middle" font-family="Arial, sans-serif" font-size="12" '
        'font-weight="bold" fill="#ffffff" stroke="{}" stroke-width="3" '
        'paint-order="stroke" stroke-linejoin="round">{}</g>',
        TEXT,
        format_html_join(
            "",
            '<text x="{}" y="{}">{}</text>',
            ((_number(x), _number(y), text) for x, y, text in labels),
        ),
    )


def stacked_bar(
    counts: Sequence[StateCount],
    *,
    patterns: str,
    width: int = 180,
    height: int = 24,
) -> SafeString:
    """One bar split into the share of responses at each state, in workflow order, for a table
    row whose cells give the counts (so decorative: see the module's docstring). `patterns` is the
    prefix of the page's `shared_defs`."""
    shown = [c for c in counts if c.count]
    if not shown:
        body = format_html(
            '<rect x="0.5" y="0.5" width="{}" height="{}" fill="{}" stroke="{}"/>',
            width - 1,
            height - 1,
            TRACK,
            TRACK_BORDER,
        )
        return _decorative_svg(width, height, body)
    segments = []
    labels = []
    x = 0.0
    for i, count in enumerate(shown):
        # The last segment ends exactly at the right edge, whatever the rounding.
        segment = width - x if i == len(shown) - 1 else width * count.share
        segments.append(
            (_number(x), _number(segment), height, fill(patterns, count.state))
        )
        if segment >= 18:
            labels.append((x + segment / 2, height / 2 + 4, str(count.count)))
        x += segment
    body = format_html(
        '<g stroke="#ffffff">{}</g>{}',
        format_html_join(
            "", '<rect x="{}" width="{}" height="{}" fill="{}"/>', segments
        ),
        _labels(labels),
    )
    return _decorative_svg(width, height, body)


def elapsed_bar(
    days: int | None,
    *,
    longest: int,
    width: int = 160,
    height: int = 12,
) -> SafeString:
    """A bar as long as the time since publication, on a scale shared by every row of a table,
    beside the time in words (so decorative: see the module's docstring)."""
    days = days or 0
    scale = max(longest, 1)
    body = format_html(
        '<rect x="0.5" y="0.5" width="{}" height="{}" fill="{}" stroke="{}"/>'
        '<rect width="{}" height="{}" fill="{}"/>',
        width - 1,
        height - 1,
        TRACK,
        TRACK_BORDER,
        _number(width * min(days / scale, 1)),
        height,
        ELAPSED,
    )
    return _decorative_svg(width, height, body)


def state_bars(
    counts: Sequence[StateCount],
    *,
    chart_id: str,
    title: str,
    patterns: str,
    width: int = 560,
) -> SafeString:
    """A bar per state, labelled with the state's name and count: the headline distribution.
    `patterns` is the prefix of the page's `shared_defs`."""
    row, gap, label_width, count_width = 26, 8, 220, 40
    height = len(counts) * (row + gap)
    largest = max((c.count for c in counts), default=0) or 1
    room = width - label_width - count_width
    parts = []
    for i, count in enumerate(counts):
        y = i * (row + gap)
        length = room * count.count / largest
        parts.append(
            format_html(
                '<text x="{lx}" y="{ty}" text-anchor="end" font-family="Arial, sans-serif" '
                'font-size="14" fill="{text}">{label} ({abbr})</text>'
                '<rect x="{bx}" y="{y}" width="{len}" height="{row}" fill="{fill}"/>'
                '<text x="{cx}" y="{ty}" font-family="Arial, sans-serif" font-size="14" '
                'font-weight="bold" fill="{text}">{count}</text>',
                lx=label_width - 8,
                ty=_number(y + row / 2 + 5),
                text=TEXT,
                label=count.label,
                abbr=count.abbreviation,
                bx=label_width,
                y=y,
                len=_number(length),
                row=row,
                fill=fill(patterns, count.state),
                cx=_number(label_width + length + 6),
                count=count.count,
            )
        )
    return _svg(chart_id, width, height, title, describe(counts), _join(parts))


def swatch(state: str, *, prefix: str, text: str = "", size: int = 16) -> SafeString:
    """A small decorative square of a state's colour and pattern (its patterns in `shared_defs`),
    optionally with short text on it. Hidden from assistive technology: say the state in text."""
    width = max(size, 12 + 8 * len(text)) if text else size
    label = _labels([(width / 2, size / 2 + 4, text)] if text else [])
    return format_html(
        '<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-hidden="true" '
        'class="app-chart-swatch">'
        '<rect width="{w}" height="{h}" fill="{fill}"/>{label}</svg>',
        w=width,
        h=size,
        fill=fill(prefix, state),
        label=label,
    )


def legend(*, prefix: str) -> SafeString:
    """The key: each state's swatch, abbreviation and name (patterns in `shared_defs(prefix)`)."""
    return format_html(
        '<ul class="govuk-list app-chart-legend">{}</ul>',
        format_html_join(
            "",
            '<li>{} <abbr title="{}">{}</abbr> – {}</li>',
            (
                (
                    swatch(value, prefix=prefix),
                    label,
                    STATE_ABBREVIATIONS[value],
                    label,
                )
                for value, label in State.choices
            ),
        ),
    )
