"""Standoff spans to nested HTML: mentions, claims, cues and stance evidence over one text.

Spans may nest (a claim holding several mentions, a claim inside a claim) or cross (two
claims that share words). HTML elements can only nest, so :func:`to_html` walks the text from
boundary to boundary keeping a stack of open elements: a span that ends while spans opened
after it are still open closes them, closes itself and reopens them as new *fragments*. Each
element carries ``data-uid`` (one per annotation span) and ``data-frag`` (0, 1, ...), so the
fragments of a span can be found together and their texts, in document order, are exactly
``text[start:end]``. Spans that nest properly are never split.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any, Iterable

from .palette import css_class

#: Nesting preference when spans have the same extent: claims outside, mentions inside.
KIND_ORDER = {"claim": 0, "evidence": 1, "cue": 2, "mention": 3}


@dataclass(frozen=True)
class Mark:
    """One span to draw: ``kind`` (claim, mention, cue, evidence), a unique ``uid``, the CSS
    classes, ``data-*`` attributes and a tooltip."""

    uid: str
    kind: str
    start: int
    end: int
    classes: tuple[str, ...] = ()
    data: tuple[tuple[str, str], ...] = ()
    title: str = ""
    order: int = field(default=0, compare=False)


def marks_of(annotation: dict[str, Any], actors: dict[str, dict[str, Any]]) -> list[Mark]:
    """Every span of an annotation as marks: mentions, claims, their cues, stance evidence.

    Cues shared by several claims (and evidence shared by several stances) become one mark
    listing all of them, so the text is not wrapped twice in the same place.
    """
    marks: list[Mark] = []
    for entry in annotation.get("actors", []):
        actor = actors.get(entry["actor"], {})
        atype = actor.get("type", "other")
        name = actor.get("name", entry["actor"])
        for i, span in enumerate(entry["mentions"]):
            marks.append(Mark(f"m-{entry['actor']}-{i}", "mention", span["start"], span["end"],
                              ("k-mention", f"a-{css_class(atype)}"),
                              (("id", entry["actor"]), ("actor-type", atype)), f"{name} ({atype})"))
    cues: dict[tuple[int, int], list[str]] = {}
    for claim in annotation.get("claims", []):
        span = claim["span"]
        marks.append(Mark(f"claim-{claim['id']}", "claim", span["start"], span["end"],
                          ("k-claim", f"t-{css_class(claim['type'])}"),
                          (("id", claim["id"]), ("claim-type", claim["type"])),
                          f"claim {claim['id']}: {claim['type']}"))
        for cue in _cues(claim):
            owners = cues.setdefault((cue["start"], cue["end"]), [])
            if claim["id"] not in owners:
                owners.append(claim["id"])
    evidence: dict[tuple[int, int], list[str]] = {}
    for stance in annotation.get("stances", []):
        for span in stance["evidence"]:
            owners = evidence.setdefault((span["start"], span["end"]), [])
            if stance["id"] not in owners:
                owners.append(stance["id"])
    for (start, end), owners in sorted(cues.items()):
        marks.append(Mark(f"cue-{start}-{end}", "cue", start, end, ("k-cue",), (("claims", " ".join(owners)),),
                          f"attribution cue of {', '.join(owners)}"))
    for (start, end), owners in sorted(evidence.items()):
        marks.append(Mark(f"ev-{start}-{end}", "evidence", start, end, ("k-evidence",),
                          (("stances", " ".join(owners)),), f"evidence of stance {', '.join(owners)}"))
    return [Mark(m.uid, m.kind, m.start, m.end, m.classes, m.data, m.title, i) for i, m in enumerate(marks)]


def _cues(claim: dict[str, Any]) -> list[dict[str, Any]]:
    found = [step["cue"] for step in claim.get("attribution", []) if step.get("cue")]
    if claim.get("cue"):
        found.append(claim["cue"])
    return found


def _nesting_key(mark: Mark) -> tuple[int, int, int]:
    # Longer spans outside; at equal extent the kind order decides, then annotation order.
    return (-mark.end, KIND_ORDER.get(mark.kind, 9), mark.order)


def _open_tag(mark: Mark, frag: int) -> str:
    attrs = [f'class="{" ".join(mark.classes)}"', f'data-kind="{mark.kind}"', f'data-uid="{escape(mark.uid)}"',
             f'data-frag="{frag}"']
    attrs += [f'data-{name}="{escape(value)}"' for name, value in mark.data]
    if mark.title:
        attrs.append(f'title="{escape(mark.title)}"')
    return f"<span {' '.join(attrs)}>"


def to_html(text: str, marks: Iterable[Mark]) -> str:
    """``text`` escaped, with every mark drawn as one or more nested ``<span>`` elements."""
    marks = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    bounds = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    starting: dict[int, list[Mark]] = {}
    for mark in marks:
        starting.setdefault(mark.start, []).append(mark)
    frags: dict[str, int] = {}
    stack: list[Mark] = []
    out: list[str] = []

    def open_(mark: Mark) -> None:
        frag = frags.get(mark.uid, -1) + 1
        frags[mark.uid] = frag
        out.append(_open_tag(mark, frag))
        stack.append(mark)

    for here, after in zip(bounds, bounds[1:] + [None]):
        reopen: list[Mark] = []
        ending = [i for i, m in enumerate(stack) if m.end == here]
        if ending:
            cut = ending[0]
            reopen = [m for m in stack[cut:] if m.end != here]
            out.append("</span>" * (len(stack) - cut))
            del stack[cut:]
        for mark in sorted(reopen + starting.get(here, []), key=_nesting_key):
            open_(mark)
        if after is not None:
            out.append(escape(text[here:after], quote=False))
    return "".join(out)
