"""Inline SVG charts: no script, no font files, no network; text escaped."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

GREEN, BLUE, MAGENTA, AMBER, GREY = "#2e7d32", "#5c7cba", "#8e3b8e", "#d89b1d", "#9e9e9e"


def score_chart(scores: list[tuple[str, float, bool]], width: int = 640,
                ranges: list[tuple[float, float]] | None = None) -> Markup:
    """Horizontal bars, one per model: (label, points, is the winner); negative points go left of 0.
    With `ranges`, a whisker per bar spans what the unknown answers could still make of the score."""
    row, label_width, pad = 30, 230, 40
    ranges = ranges or [(s, s) for _, s, _ in scores]
    low = min(0.0, *(s for _, s, _ in scores), *(a for a, _ in ranges))
    high = max(1.0, *(s for _, s, _ in scores), *(b for _, b in ranges))
    span = (width - label_width - pad) / (high - low)
    zero = label_width + (0 - low) * span
    height = row * len(scores) + 10
    parts = [f'<svg class="chart" id="score-svg" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" aria-label="scores">']
    for i, (label, score, winner) in enumerate(scores):
        y = i * row + 5
        x0, x1 = sorted((zero, zero + score * span))
        colour = GREEN if winner else BLUE
        parts.append(f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" class="label'
                     f'{" win" if winner else ""}">{escape(label)}</text>')
        parts.append(f'<rect class="bar" x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 1):.1f}" height="20" '
                     f'fill="{colour}" rx="3"/>')
        lowest, highest = ranges[i]
        if highest - lowest > 1e-9:
            a, b = zero + lowest * span, zero + highest * span
            parts.append(f'<line class="range" x1="{a:.1f}" y1="{y + 14}" x2="{b:.1f}" y2="{y + 14}" '
                         f'stroke="#24292f" stroke-width="2"/>'
                         f'<line x1="{a:.1f}" y1="{y + 8}" x2="{a:.1f}" y2="{y + 20}" stroke="#24292f" stroke-width="2"/>'
                         f'<line x1="{b:.1f}" y1="{y + 8}" x2="{b:.1f}" y2="{y + 20}" stroke="#24292f" stroke-width="2"/>')
        shown = f"{score:.2f}".rstrip("0").rstrip(".")
        parts.append(f'<text x="{max(x1, zero, zero + highest * span) + 6:.1f}" y="{y + 18}" class="value">{shown}</text>')
    parts.append(f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{height}" stroke="{GREY}" stroke-width="1"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # the one place the charts are marked safe: every text above is escaped


def mix_chart(inside: float, inside_label: str, outside_label: str, width: int = 640) -> Markup:
    """One stacked bar: inside (remote) and outside (field) shares."""
    bar = width - 20
    cut = bar * inside
    return Markup(
        f'<svg class="chart" id="mix-svg" role="img" viewBox="0 0 {width} 70" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="inside and outside">'
        f'<rect class="bar" x="10" y="10" width="{cut:.1f}" height="28" fill="{MAGENTA}"/>'
        f'<rect class="bar" x="{10 + cut:.1f}" y="10" width="{bar - cut:.1f}" height="28" fill="{AMBER}"/>'
        f'<text x="10" y="58" class="label">{escape(inside_label)}</text>'
        f'<text x="{width - 10}" y="58" text-anchor="end" class="label">{escape(outside_label)}</text>'
        "</svg>"
    )


def org_chart(head: tuple[str, str], roles: list[tuple[str, str]], width: int = 720) -> Markup:
    """The head of sales on top, one box per role below, joined by lines: (title, headcount text)."""
    box_w, box_h, gap = 200, 62, 20
    count = max(len(roles), 1)
    box_w = min(box_w, (width - gap * (count + 1)) / count)
    total = count * box_w + (count - 1) * gap
    left = (width - total) / 2
    head_x = (width - 220) / 2
    parts = [f'<svg class="chart" id="org-svg" role="img" viewBox="0 0 {width} 200" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" aria-label="organisation chart">']

    def box(x: float, y: float, w: float, title: str, people: str, css: str) -> None:
        parts.append(f'<rect class="org {css}" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{box_h}" rx="6"/>')
        words, lines, line = title.split(), [], ""
        for word in words:  # wrap the title into at most two lines of the box's width
            if len(line) + len(word) + 1 > w / 7.2 and line:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
        for k, text in enumerate(lines[:2]):
            parts.append(f'<text x="{x + w / 2:.1f}" y="{y + 18 + k * 15}" text-anchor="middle" class="org-title">'
                         f'{escape(text)}</text>')
        parts.append(f'<text x="{x + w / 2:.1f}" y="{y + box_h - 9}" text-anchor="middle" class="org-count">'
                     f'{escape(people)}</text>')

    box(head_x, 10, 220, head[0], head[1], "head")
    for i, (title, people) in enumerate(roles):
        x = left + i * (box_w + gap)
        parts.append(f'<path d="M{width / 2:.1f} {10 + box_h} V{100} H{x + box_w / 2:.1f} V{120}" '
                     f'fill="none" stroke="{GREY}" stroke-width="1.5"/>')
        box(x, 120, box_w, title, people, "role")
    parts.append("</svg>")
    return Markup("".join(parts))  # the one place the charts are marked safe: every text above is escaped


def path_chart(months: list[int], people: list[int], payroll: list[float] | None, revenue: list[float] | None,
               labels: dict[str, str], width: int = 720) -> Markup:
    """Headcount bars (right scale) with payroll and revenue lines (left scale), month by month.

    labels: people, payroll, revenue, month (legend and axis words, already translated) and
    money_top / people_top (the scales' top values as text)."""
    height, left, right, top, bottom = 260, 130, 50, 34, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    count = max(len(months), 1)
    step = plot_w / count
    top_people = max(max(people, default=1), 1)
    money = [v for series in (payroll, revenue) if series for v in series]
    top_money = max(money, default=0) or 1
    parts = [f'<svg class="chart" id="path-svg" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(labels["title"])}">']
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{GREY}"/>')
    for i, (month, n) in enumerate(zip(months, people)):
        bar_h = plot_h * n / top_people
        x = left + i * step + step * 0.2
        parts.append(f'<rect class="bar people" x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{step * 0.6:.1f}" '
                     f'height="{bar_h:.1f}" fill="{BLUE}" opacity="0.35"><title>{n}</title></rect>')
        parts.append(f'<text x="{x + step * 0.3:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                     f'class="tick">{month}</text>')

    def line(series: list[float], colour: str, css: str, dash: str = "") -> None:
        points = " ".join(f"{left + (i + 0.5) * step:.1f},{top + plot_h - plot_h * v / top_money:.1f}"
                          for i, v in enumerate(series))
        parts.append(f'<polyline class="{css}" points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"'
                     f'{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>')

    if revenue:
        line(revenue, GREEN, "revenue", "6 4")
    if payroll:
        line(payroll, MAGENTA, "payroll")
    parts.append(f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" class="tick">{escape(labels["money_top"])}</text>')
    parts.append(f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" class="tick">0</text>')
    parts.append(f'<text x="{left + plot_w + 6}" y="{top + 4}" class="tick">{top_people}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" class="tick">'
                 f'{escape(labels["month"])}</text>')
    legend = [(BLUE, labels["people"], "rect"), (MAGENTA, labels["payroll"], "line"), (GREEN, labels["revenue"], "dash")]
    x = 10
    for colour, text, kind in legend:
        if kind == "rect":
            parts.append(f'<rect x="{x}" y="8" width="14" height="10" fill="{colour}" opacity="0.35"/>')
        else:
            dash = ' stroke-dasharray="6 4"' if kind == "dash" else ""
            parts.append(f'<line x1="{x}" y1="13" x2="{x + 14}" y2="13" stroke="{colour}" stroke-width="2.5"{dash}/>')
        parts.append(f'<text x="{x + 20}" y="18" class="legend">{escape(text)}</text>')
        x += 40 + 8.5 * len(text)  # Cyrillic runs wider than Latin at 13 px
    parts.append("</svg>")
    return Markup("".join(parts))  # the one place the charts are marked safe: every text above is escaped
