"""Inline SVG charts: no script, no font files, no network; text escaped.

Every label is measured (glyphs.text_width, for the font the charts name) and wrapped onto a
second line or drawn smaller until it fits its box or its part of the chart, in any language."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from html import escape

from markupsafe import Markup

from advisor.report.glyphs import FONT_FAMILY, text_width

GREEN, BLUE, MAGENTA, AMBER, GREY = "#2e7d32", "#5c7cba", "#8e3b8e", "#d89b1d", "#9e9e9e"
SIZE, SMALLEST, LEADING = 13.0, 9.0, 1.2  # font size, the smallest it shrinks to, line height in ems


def _wrap(text: str, room: float, size: float, bold: bool) -> list[str]:
    """Words greedily onto lines no wider than `room` (a word wider than that gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


@lru_cache(maxsize=4096)  # `score --report-dir` draws the same labels in every report
def fit(text: str, room: float, lines: int = 2, size: float = SIZE,
        bold: bool = False) -> tuple[tuple[str, ...], float]:
    """`text` as at most `lines` lines no wider than `room` px: wrapped first, then drawn smaller;
    at the smallest size the last line is cut with an ellipsis rather than spill out."""
    while True:
        wrapped = _wrap(text, room, size, bold)
        if len(wrapped) <= lines and all(text_width(line, size, bold) <= room for line in wrapped):
            return tuple(wrapped), size
        if size <= SMALLEST:
            break
        size = max(SMALLEST, size - 0.5)
    kept = wrapped[:lines]
    if len(wrapped) > lines:
        kept[-1] = " ".join([kept[-1], *wrapped[lines:]])
    for i, line in enumerate(kept):
        while text_width(line, size, bold) > room and len(line) > 1:
            line = line[:-2].rstrip() + "…"
        kept[i] = line
    return tuple(kept), size


def _text(x: float, y: float, lines: Sequence[str], size: float, css: str, anchor: str = "start",
          bold: bool = False) -> str:
    """One <text>, a <tspan> a line, the first line's baseline at y."""
    weight = ' font-weight="700"' if bold else ""
    size_attr = f' font-size="{size:g}"' if size != SIZE else ""
    head = f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}"{size_attr}{weight}>'
    if len(lines) == 1:
        return f"{head}{escape(lines[0])}</text>"
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size * LEADING:.1f}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f"{head}{spans}</text>"


def _svg(svg_id: str, width: float, height: float, label: str) -> str:
    return (f'<svg class="chart" id="{svg_id}" role="img" viewBox="0 0 {width:g} {height:g}" width="100%" '
            f'xmlns="http://www.w3.org/2000/svg" font-family="{FONT_FAMILY}" font-size="{SIZE:g}" '
            f'aria-label="{escape(label)}">')


def score_chart(scores: list[tuple[str, float, bool]], width: int = 640,
                ranges: list[tuple[float, float]] | None = None, title: str = "scores",
                shown: list[str] | None = None) -> Markup:
    """Horizontal bars, one per model: (label, points, is the winner); negative points go left of 0.
    With `ranges`, a whisker per bar spans what the unknown answers could still make of the score;
    `shown`, the points as the report's language writes them. The label column is as wide as the longest label needs, up to 45% of the chart; a longer
    label takes two lines (every row grows to hold them)."""
    ranges = ranges or [(s, s) for _, s, _ in scores]
    shown = shown or [f"{score:.2f}".rstrip("0").rstrip(".") for _, score, _ in scores]
    widest = max((text_width(label, SIZE, winner) for label, _, winner in scores), default=0)
    label_width = min(max(widest + 16, 120), width * 0.45)
    labels = [fit(label, label_width - 16, 2, SIZE, winner) for label, _, winner in scores]
    two_lines = any(len(lines) > 1 for lines, _ in labels)
    row = 42 if two_lines else 30
    pad = max(40, max((text_width(s, SIZE) for s in shown), default=0) + 12)
    low = min(0.0, *(s for _, s, _ in scores), *(a for a, _ in ranges))
    high = max(1.0, *(s for _, s, _ in scores), *(b for _, b in ranges))
    span = (width - label_width - pad) / (high - low)
    zero = label_width + (0 - low) * span
    height = row * len(scores) + 10
    parts = [_svg("score-svg", width, height, title)]
    for i, (label, score, winner) in enumerate(scores):
        middle = i * row + 5 + row / 2  # the bar's centre line
        x0, x1 = sorted((zero, zero + score * span))
        colour = GREEN if winner else BLUE
        lines, size = labels[i]
        first = middle + size * 0.35 - (len(lines) - 1) * size * LEADING / 2
        parts.append(_text(label_width - 8, first, lines, size, "label win" if winner else "label", "end", winner))
        parts.append(f'<rect class="bar" x="{x0:.1f}" y="{middle - 10:.1f}" width="{max(x1 - x0, 1):.1f}" height="20" '
                     f'fill="{colour}" rx="3"/>')
        lowest, highest = ranges[i]
        if highest - lowest > 1e-9:
            a, b = zero + lowest * span, zero + highest * span
            ink = 'stroke="#24292f" stroke-width="2"'
            parts.append(f'<line class="range" x1="{a:.1f}" y1="{middle:.1f}" x2="{b:.1f}" y2="{middle:.1f}" {ink}/>'
                         f'<line x1="{a:.1f}" y1="{middle - 6:.1f}" x2="{a:.1f}" y2="{middle + 6:.1f}" {ink}/>'
                         f'<line x1="{b:.1f}" y1="{middle - 6:.1f}" x2="{b:.1f}" y2="{middle + 6:.1f}" {ink}/>')
        parts.append(_text(max(x1, zero, zero + highest * span) + 6, middle + SIZE * 0.35, [shown[i]], SIZE, "value"))
    parts.append(f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{height}" stroke="{GREY}" stroke-width="1"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # the one place the charts are marked safe: every text above is escaped


def mix_chart(inside: float, inside_label: str, outside_label: str, width: int = 640,
              title: str = "inside and outside") -> Markup:
    """One stacked bar: inside (remote) and outside (field) shares, each labelled under its end;
    the two labels share the width (a longer one gets more) and shrink to fit it."""
    bar = width - 20
    cut = bar * inside
    room = bar - 16  # a gap between the two labels
    wide = text_width(inside_label, SIZE) + text_width(outside_label, SIZE)
    size = SIZE if wide <= room else max(SMALLEST, SIZE * room / wide)
    left_room = room * text_width(inside_label, SIZE) / wide if wide else room / 2
    left, left_size = fit(inside_label, left_room, 1, size)
    right, right_size = fit(outside_label, room - left_room, 1, size)
    return Markup(
        _svg("mix-svg", width, 70, title)
        + f'<rect class="bar" x="10" y="10" width="{cut:.1f}" height="28" fill="{MAGENTA}"/>'
        f'<rect class="bar" x="{10 + cut:.1f}" y="10" width="{bar - cut:.1f}" height="28" fill="{AMBER}"/>'
        + _text(10, 58, left, left_size, "label")
        + _text(width - 10, 58, right, right_size, "label", "end")
        + "</svg>"
    )


def org_chart(head: tuple[str, str], roles: list[tuple[str, str]], width: int = 720,
              title: str = "organisation chart") -> Markup:
    """The head of sales on top, one box per role below, joined by lines: (title, headcount text).
    A title takes up to three lines of its box, drawn smaller if it must; every box of a row
    grows to the tallest title."""
    box_w, gap, inner, head_w = 200, 20, 12, 220
    count = max(len(roles), 1)
    box_w = min(box_w, (width - gap * (count + 1)) / count)
    total = count * box_w + (count - 1) * gap
    left = (width - total) / 2
    head_x = (width - head_w) / 2
    head_title = fit(head[0], head_w - 2 * inner, 3)
    titles = [fit(title, box_w - 2 * inner, 3) for title, _ in roles]

    def height(fitted: list[tuple[tuple[str, ...], float]]) -> float:
        # the title's lines, then the headcount in bold on a line of its own
        title = max((len(lines) * size * LEADING for lines, size in fitted), default=SIZE * LEADING)
        return title + SIZE * LEADING + 18

    head_h = max(62, height([head_title]))
    role_h = max(62, height(titles))
    top_of_roles = 10 + head_h + 48
    parts = [_svg("org-svg", width, top_of_roles + role_h + 10, title)]

    def box(x: float, y: float, w: float, h: float, fitted: tuple[tuple[str, ...], float], people: str,
            css: str) -> None:
        lines, size = fitted
        parts.append(f'<g class="org-box"><rect class="org {css}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
                     f'height="{h:.1f}" rx="6"/>')
        parts.append(_text(x + w / 2, y + 8 + size, lines, size, "org-title", "middle"))
        parts.append(_text(x + w / 2, y + h - 9, [people], SIZE, "org-count", "middle", bold=True))
        parts.append("</g>")

    box(head_x, 10, head_w, head_h, head_title, head[1], "head")
    for i, (fitted, (_, people)) in enumerate(zip(titles, roles)):
        x = left + i * (box_w + gap)
        parts.append(f'<path d="M{width / 2:.1f} {10 + head_h:.1f} V{top_of_roles - 20:.1f} H{x + box_w / 2:.1f} '
                     f'V{top_of_roles:.1f}" fill="none" stroke="{GREY}" stroke-width="1.5"/>')
        box(x, top_of_roles, box_w, role_h, fitted, people, "role")
    parts.append("</svg>")
    return Markup("".join(parts))  # the one place the charts are marked safe: every text above is escaped


def path_chart(months: list[int], people: list[int], payroll: list[float] | None, revenue: list[float] | None,
               labels: dict[str, str], width: int = 720) -> Markup:
    """Headcount bars (right scale) with payroll and revenue lines (left scale), month by month.

    labels: people, payroll, revenue, month (legend and axis words, already translated) and
    money_top (the money scale's top value as text)."""
    height, right, top, bottom = 260, 50, 34, 40
    left = max(130, text_width(labels["money_top"], SIZE) + 16)  # the money scale's top value fits left of the plot
    plot_w, plot_h = width - left - right, height - top - bottom
    count = max(len(months), 1)
    step = plot_w / count
    top_people = max(max(people, default=1), 1)
    money = [v for series in (payroll, revenue) if series for v in series]
    top_money = max(money, default=0) or 1
    parts = [_svg("path-svg", width, height, labels["title"])]
    parts.append(f'<line x1="{left:.1f}" y1="{top + plot_h}" x2="{left + plot_w:.1f}" y2="{top + plot_h}" stroke="{GREY}"/>')
    tick = min(SIZE, max(SMALLEST, step * 0.9 / max(text_width(str(max(months, default=0)), 1), 1)))
    for i, (month, n) in enumerate(zip(months, people)):
        bar_h = plot_h * n / top_people
        x = left + i * step + step * 0.2
        parts.append(f'<rect class="bar people" x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{step * 0.6:.1f}" '
                     f'height="{bar_h:.1f}" fill="{BLUE}" opacity="0.35"><title>{n}</title></rect>')
        parts.append(_text(x + step * 0.3, top + plot_h + 16, [str(month)], tick, "tick", "middle"))

    def line(series: list[float], colour: str, css: str, dash: str = "") -> None:
        points = " ".join(f"{left + (i + 0.5) * step:.1f},{top + plot_h - plot_h * v / top_money:.1f}"
                          for i, v in enumerate(series))
        parts.append(f'<polyline class="{css}" points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"'
                     f'{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>')

    if revenue:
        line(revenue, GREEN, "revenue", "6 4")
    if payroll:
        line(payroll, MAGENTA, "payroll")
    parts.append(_text(left - 6, top + 4, [labels["money_top"]], SIZE, "tick", "end"))
    parts.append(_text(left - 6, top + plot_h, ["0"], SIZE, "tick", "end"))
    parts.append(_text(left + plot_w + 6, top + 4, [str(top_people)], SIZE, "tick"))
    parts.append(_text(left + plot_w / 2, height - 4, [labels["month"]], SIZE, "tick", "middle"))
    legend = [(BLUE, labels["people"], "rect"), (MAGENTA, labels["payroll"], "line"), (GREEN, labels["revenue"], "dash")]
    # each entry: a 14 px key, 6 px, its text, 24 px to the next; all of it shrinks to the chart's width
    natural = sum(14 + 6 + text_width(text, SIZE) + 24 for _, text, _ in legend)
    size = SIZE if natural <= width - 20 else max(SMALLEST, SIZE * (width - 20) / natural)
    x = 10.0
    for colour, text, kind in legend:
        if kind == "rect":
            parts.append(f'<rect x="{x:.1f}" y="8" width="14" height="10" fill="{colour}" opacity="0.35"/>')
        else:
            dash = ' stroke-dasharray="6 4"' if kind == "dash" else ""
            parts.append(f'<line x1="{x:.1f}" y1="13" x2="{x + 14:.1f}" y2="13" stroke="{colour}" stroke-width="2.5"{dash}/>')
        parts.append(_text(x + 20, 18, [text], size, "legend"))
        x += 14 + 6 + text_width(text, size) + 24
    parts.append("</svg>")
    return Markup("".join(parts))  # the one place the charts are marked safe: every text above is escaped
