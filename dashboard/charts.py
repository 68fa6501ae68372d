"""Server-side SVG charts: horizontal bars for breakdowns, lines for months.

Nothing runs in the browser and nothing loads from elsewhere. Each chart is an ``<svg role="img">``
labelled by its title and described by a text alternative; the page always shows the same
numbers as a table next to it. A suppressed cell (under 10) gets no bar — a bar's length would
give the number away — only the text "<10".
"""

from __future__ import annotations

import itertools

from django.utils.html import escape
from django.utils.safestring import mark_safe

PALETTE = ("#1f5fa8", "#1d7a46", "#9a6a00", "#b3261e", "#6b4fa0")
_ids = itertools.count(1)


def _svg(width: int, height: int, title: str, description: str, body: list[str]) -> str:
    uid = f"chart{next(_ids)}"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{uid}-t {uid}-d" font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(description)}</desc>'
        + "".join(body) + "</svg>"
    )


def bar_chart(title: str, bars: list[tuple[str, int | None]], *, description: str, width: int = 640) -> str:
    """``bars`` are (label, value); value None means suppressed (shown as "<10", no bar)."""
    label_width, row, pad = 210, 22, 6
    plot = width - label_width - 70
    biggest = max((v for _, v in bars if v), default=0) or 1
    body = []
    for i, (label, value) in enumerate(bars):
        y = pad + i * row
        short = label if len(label) <= 32 else label[:31] + "…"
        body.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(short)}</text>')
        if value is None:
            body.append(f'<text x="{label_width + 4}" y="{y + 15}" fill="#5a6472">&lt;10</text>')
            continue
        length = round(plot * value / biggest)
        body.append(f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="{row - 6}" fill="{PALETTE[0]}"/>')
        body.append(f'<text x="{label_width + length + 4}" y="{y + 15}">{value:,}</text>')
    if not bars:
        body.append(f'<text x="{pad}" y="{pad + 15}" fill="#5a6472">No data in this period.</text>')
    return _svg(width, pad * 2 + row * max(len(bars), 1), title, description, body)


def line_chart(title: str, points: list[str], series: dict[str, list[int]], *, description: str,
               width: int = 640, height: int = 240) -> str:
    """``points`` are x labels (months); ``series`` maps a name to one value per point."""
    left, right, top, bottom = 50, 150, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    biggest = max((v for values in series.values() for v in values), default=0) or 1
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#9aa4b1"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#9aa4b1"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{biggest:,}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    step = plot_w / max(len(points) - 1, 1)

    def xy(i, v):
        return round(left + i * step, 1), round(top + plot_h - plot_h * v / biggest, 1)

    every = max(1, len(points) // 8)
    for i, label in enumerate(points):
        if i % every == 0 or i == len(points) - 1:
            x, _ = xy(i, 0)
            body.append(f'<text x="{x}" y="{height - 12}" text-anchor="middle">{escape(label)}</text>')
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        coords = " ".join(f"{x},{y}" for x, y in (xy(i, v) for i, v in enumerate(values)))
        if len(values) == 1:
            x, y = xy(0, values[0])
            body.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>')
        elif values:
            body.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        legend_y = top + 14 + n * 18
        body.append(f'<rect x="{left + plot_w + 12}" y="{legend_y - 9}" width="12" height="4" fill="{colour}"/>')
        body.append(f'<text x="{left + plot_w + 30}" y="{legend_y - 3}">{escape(name)}</text>')
    if not points:
        body.append(f'<text x="{left + 8}" y="{top + 20}" fill="#5a6472">No data in this period.</text>')
    return _svg(width, height, title, description, body)
