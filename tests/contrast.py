"""WCAG 2.x colour contrast: relative luminance and contrast ratio of sRGB colours.

Used to check that the viewer's text stays readable on every highlight colour (WCAG AA asks
for at least 4.5:1 for normal text, 3:1 for large text and graphical objects).
"""

from __future__ import annotations

#: WCAG AA minimum contrast for normal-size text.
AA_TEXT = 4.5
#: WCAG AA minimum contrast for graphical objects and large text.
AA_GRAPHICS = 3.0


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` (or ``#rgb``) as three 0..255 channels."""
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        raise ValueError(f"not a #rrggbb colour: {hex_colour!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """Relative luminance (0 black .. 1 white), as WCAG defines it."""
    r, g, b = (_linear(c) for c in rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """Contrast ratio (1..21) between two colours; symmetric."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
