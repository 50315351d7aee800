"""Inline SVG charts for the viewer's index page (no plotting library, no scripts).

Each chart is a self-contained ``<svg>`` with a ``<title>`` per bar (read by screen readers
and shown on hover); the index page also gives the numbers as a table, so nothing is only in
the picture. Bars get a dark outline so that light fills still stand out from the page.
"""

from __future__ import annotations

from collections import Counter
from html import escape

ROW = 26
LABEL_W = 170
BAR_W = 380
PAD = 8


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{escape(label)}" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f"<title>{escape(label)}</title>{''.join(body)}</svg>")


def _text(x: float, y: float, content: str, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" dominant-baseline="middle"{klass}>'
            f"{escape(content)}</text>")


def _segments(counts: Counter, categories: list[tuple[str, str]], x0: float, y: float, scale: float,
              height: float, who: str) -> list[str]:
    """One stacked bar: a rectangle per non-zero category, left to right."""
    parts, x = [], x0
    for key, colour in categories:
        n = counts.get(key, 0)
        if not n:
            continue
        w = n * scale
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{height:.1f}" fill="{colour}" '
                     f'stroke="#333333" stroke-width="0.75"><title>{escape(f"{who}: {key} {n}")}</title></rect>')
        x += w
    return parts


def stacked_bars(rows: list[tuple[str, Counter]], categories: list[tuple[str, str]], label: str) -> str:
    """Horizontal stacked bars, one row per label, categories as ``(key, colour)``; the total
    is printed after each bar."""
    peak = max((sum(c.values()) for _, c in rows), default=0) or 1
    scale = BAR_W / peak
    height = PAD * 2 + ROW * max(len(rows), 1)
    body = []
    for i, (name, counts) in enumerate(rows):
        y = PAD + i * ROW
        body.append(_text(LABEL_W - 6, y + ROW / 2, name, "end"))
        body += _segments(counts, categories, LABEL_W, y + 4, scale, ROW - 8, name)
        body.append(_text(LABEL_W + sum(counts.values()) * scale + 6, y + ROW / 2, str(sum(counts.values()))))
    if not rows:
        body.append(_text(PAD, PAD + ROW / 2, "no data"))
    return _svg(LABEL_W + BAR_W + 50, height, label, body)


def polarity_grid(outlets: list[str], actors: list[str], cells: dict[tuple[str, str], Counter],
                  categories: list[tuple[str, str]], label: str) -> str:
    """A grid of small stacked bars: one row per outlet, one column per actor, each cell the
    polarities of the outlet's stances toward the actor (bar length by count)."""
    cell_w, head = 120, 40
    peak = max((sum(c.values()) for c in cells.values()), default=0) or 1
    scale = (cell_w - 30) / peak
    width = LABEL_W + cell_w * max(len(actors), 1) + PAD
    height = head + ROW * max(len(outlets), 1) + PAD
    body = [_text(LABEL_W + j * cell_w + cell_w / 2, head / 2, name, "middle", "col") for j, name in enumerate(actors)]
    for i, outlet in enumerate(outlets):
        y = head + i * ROW
        body.append(_text(LABEL_W - 6, y + ROW / 2, outlet, "end"))
        for j, actor in enumerate(actors):
            counts = cells.get((outlet, actor), Counter())
            x = LABEL_W + j * cell_w + 4
            body += _segments(counts, categories, x, y + 5, scale, ROW - 10, f"{outlet} toward {actor}")
            if counts:
                body.append(_text(x + sum(counts.values()) * scale + 4, y + ROW / 2, str(sum(counts.values()))))
    if not outlets or not actors:
        body.append(_text(PAD, head + ROW / 2, "no stances toward actors yet"))
    return _svg(width, height, label, body)
