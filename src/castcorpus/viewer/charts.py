"""Inline SVG charts for the viewer's index page (no plotting library, no scripts).

Each chart is a self-contained ``<svg>`` with a ``<title>`` per bar (read by screen readers
and shown on hover); the index page also gives the numbers as a table, so nothing is only in
the picture. Bars get a dark outline so that light fills still stand out from the page.
"""

from __future__ import annotations

from collections import Counter
from html import escape

ROW = 26
BAR_W = 380
PAD = 8
CHAR_W = 7.5  # average advance of a 13px sans-serif character, to size label columns
LINE = 16


def label_width(labels: list[str]) -> int:
    """Width of a label column that fits the longest label. Not capped: a cap cut the longest
    outlet names ("National Coalition for Syrian Revolutionary and Opposition Forces"); the SVG
    scales down to the page instead (viewer.css)."""
    return int(16 + CHAR_W * max((len(x) for x in labels), default=4))


def wrap(label: str, width: int = 18) -> list[str]:
    """A column heading broken into lines of about ``width`` characters (at most three)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines[:2] + [" ".join(lines[2:])] if len(lines) > 3 else lines


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
    left = label_width([name for name, _ in rows])
    height = PAD * 2 + ROW * max(len(rows), 1)
    body = []
    for i, (name, counts) in enumerate(rows):
        y = PAD + i * ROW
        body.append(_text(left - 6, y + ROW / 2, name, "end"))
        body += _segments(counts, categories, left, y + 4, scale, ROW - 8, name)
        body.append(_text(left + sum(counts.values()) * scale + 6, y + ROW / 2, str(sum(counts.values()))))
    if not rows:
        body.append(_text(PAD, PAD + ROW / 2, "no data"))
    return _svg(left + BAR_W + 50, height, label, body)


def polarity_grid(outlets: list[str], actors: list[str], cells: dict[tuple[str, str], Counter],
                  categories: list[tuple[str, str]], label: str) -> str:
    """A grid of small stacked bars: one row per outlet, one column per actor, each cell the
    polarities of the outlet's stances toward the actor (bar length by count)."""
    cell_w = 150
    headings = [wrap(name) for name in actors]
    head = LINE * max((len(h) for h in headings), default=1) + 12
    left = label_width(outlets)
    peak = max((sum(c.values()) for c in cells.values()), default=0) or 1
    scale = (cell_w - 30) / peak
    width = left + cell_w * max(len(actors), 1) + PAD
    height = head + ROW * max(len(outlets), 1) + PAD
    body = []
    for j, lines in enumerate(headings):
        x = left + j * cell_w + cell_w / 2
        body += [_text(x, 4 + LINE / 2 + k * LINE, line, "middle", "col") for k, line in enumerate(lines)]
    for i, outlet in enumerate(outlets):
        y = head + i * ROW
        body.append(_text(left - 6, y + ROW / 2, outlet, "end"))
        for j, actor in enumerate(actors):
            counts = cells.get((outlet, actor), Counter())
            x = left + j * cell_w + 4
            body += _segments(counts, categories, x, y + 5, scale, ROW - 10, f"{outlet} toward {actor}")
            if counts:
                body.append(_text(x + sum(counts.values()) * scale + 4, y + ROW / 2, str(sum(counts.values()))))
    if not outlets or not actors:
        body.append(_text(PAD, head + ROW / 2, "no stances toward actors yet"))
    return _svg(width, height, label, body)
