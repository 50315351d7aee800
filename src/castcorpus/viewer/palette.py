"""Colours of the HTML viewer: one per actor type, claim type and stance polarity.

The label sets come from the schema (never restated here): a type the palette does not know
gets the fallback colour, so adding a type to the schema never breaks rendering, and the
palette test names the type that needs a colour. All highlight colours are light, so the one
text colour reads on each of them at WCAG AA (tests/test_render.py computes the ratios).
"""

from __future__ import annotations

from castcorpus.corpus.schema import load_schema

#: Colour of all text in the viewer, highlighted or not.
TEXT = "#1a1a1a"
#: Background of the page and of unhighlighted text.
PAGE = "#ffffff"
#: Background of the span(s) of the selected claim or stance.
ACTIVE = "#ffd23f"
#: Outline of the selected span and the keyboard focus ring (graphics: 3:1 against the page).
ACTIVE_OUTLINE = "#000000"
FOCUS = "#0b57d0"
FALLBACK = "#e0e0e0"

_CLAIMS = {
    "event": "#cfe3ff",
    "casualties": "#ffd3d3",
    "responsibility": "#ffdcb5",
    "territorial_control": "#d6f0c2",
    "causal": "#e6d8ff",
    "evaluative": "#fff0a8",
    "predictive": "#c6eeeb",
    "other": "#e4e4e4",
}

_ACTORS = {
    "state": "#a9c9f2",
    "government": "#b5dba8",
    "military": "#f2b99f",
    "armed_group": "#f5a3a3",
    "political_organization": "#d2b6f2",
    "international_organization": "#9fe0e0",
    "ngo": "#cfe89a",
    "media": "#f2d98c",
    "person": "#f2bfdc",
    "civilians": "#d9cfbd",
    "anonymous_source": "#c4c4c4",
    "other": "#dedede",
}

#: Polarity badges (text) and chart bars (graphics against the page).
POLARITY = {"support": "#cdeed3", "neutral": "#e4e4e4", "oppose": "#f7cccc"}
POLARITY_BARS = {"support": "#2e7d32", "neutral": "#767676", "oppose": "#c62828"}


def actor_types() -> list[str]:
    """Actor types in schema order."""
    return list(load_schema("actors")["$defs"]["actor_type"]["enum"])


def claim_types() -> list[str]:
    """Claim types in schema order."""
    return list(load_schema("annotation")["$defs"]["claim_type"]["enum"])


def polarities() -> list[str]:
    """Stance polarities in schema order."""
    return list(load_schema("annotation")["$defs"]["stance"]["properties"]["polarity"]["enum"])


def actor_colours() -> dict[str, str]:
    """Highlight colour of every actor type of the schema."""
    return {t: _ACTORS.get(t, FALLBACK) for t in actor_types()}


def claim_colours() -> dict[str, str]:
    """Highlight colour of every claim type of the schema."""
    return {t: _CLAIMS.get(t, FALLBACK) for t in claim_types()}


def unknown_types() -> list[str]:
    """Schema types that have no colour of their own (they fall back to grey)."""
    return [t for t in actor_types() if t not in _ACTORS] + [t for t in claim_types() if t not in _CLAIMS]


def css_class(label: str) -> str:
    """A label as a CSS class fragment (``territorial_control`` -> ``territorial-control``)."""
    return label.replace("_", "-")


def css_variables() -> str:
    """CSS rules colouring every type, for the page's style sheet."""
    rules = [f":root {{ --text: {TEXT}; --page: {PAGE}; --active: {ACTIVE}; --active-outline: {ACTIVE_OUTLINE}; "
             f"--focus: {FOCUS}; }}"]
    rules += [f".k-claim.t-{css_class(t)} {{ background-color: {c}; }}" for t, c in claim_colours().items()]
    rules += [f".k-mention.a-{css_class(t)} {{ background-color: {c}; }}" for t, c in actor_colours().items()]
    rules += [f".swatch.t-{css_class(t)} {{ background-color: {c}; }}" for t, c in claim_colours().items()]
    rules += [f".swatch.a-{css_class(t)} {{ background-color: {c}; }}" for t, c in actor_colours().items()]
    rules += [f".pol-{p} {{ background-color: {c}; }}" for p, c in POLARITY.items()]
    rules += [f".swatch.bar-{p} {{ background-color: {c}; }}" for p, c in POLARITY_BARS.items()]
    return "\n".join(rules)
