"""Turning an annotator's quotes into offsets, so that offsets are never typed by hand.

An annotator writes a *draft*: an annotation file in which every span is given as
``{"quote": "...", "occurrence": n}`` instead of offsets (``occurrence`` counts from 1 and is
needed only when the quote occurs more than once). Instead of counting, a repeated quote can be
pinned by a short surrounding phrase that occurs once: ``{"quote": "said", "within": "the
monitor said on Monday"}`` (``occurrence`` then counts inside the phrase). :func:`anchor_draft` replaces each quote
with its ``start``/``end`` offsets. A quote that is missing, ambiguous or out of range is an
error, never a guess.
"""

from __future__ import annotations

from typing import Any

from castcorpus.report import Issue, pointer


class AnchorError(ValueError):
    """A quote cannot be anchored; ``code`` is a stable kebab-case reason."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every (possibly overlapping) occurrence of ``quote`` in ``text``."""
    starts, at = [], text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def anchor_quote(text: str, quote: str, occurrence: int | None = None, within: str | None = None) -> tuple[int, int]:
    """The ``[start, end)`` code-point offsets of ``quote`` in ``text``.

    ``occurrence`` (1-based) picks one of several occurrences; without it, a quote that occurs
    more than once is ambiguous. ``within`` is a phrase that holds the quote and occurs once in
    the text; the quote is then looked for inside it. Raises :class:`AnchorError`.
    """
    if within is not None:
        if quote not in within:
            raise AnchorError("quote-not-within", f"quote {quote!r} is not part of the phrase {within!r}")
        places = occurrences(text, within)
        if len(places) != 1:
            raise AnchorError("quote-missing" if not places else "quote-ambiguous",
                              f"phrase {within!r} occurs {len(places)} times; it must occur exactly once")
        start, end = anchor_quote(within, quote, occurrence)
        return places[0] + start, places[0] + end
    if not quote or quote != quote.strip():
        raise AnchorError("quote-whitespace-edge", f"quote {quote!r} is empty or starts or ends on whitespace")
    starts = occurrences(text, quote)
    if not starts:
        raise AnchorError("quote-missing", f"quote {quote!r} does not occur in the text")
    if occurrence is None:
        if len(starts) > 1:
            raise AnchorError("quote-ambiguous",
                              f"quote {quote!r} occurs {len(starts)} times; give \"occurrence\" (1 to {len(starts)})")
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise AnchorError("quote-occurrence-out-of-range",
                          f"quote {quote!r} occurs {len(starts)} times, so occurrence {occurrence} does not exist")
    start = starts[occurrence - 1]
    return start, start + len(quote)


def is_quote(value: Any) -> bool:
    return isinstance(value, dict) and "quote" in value


def anchor_draft(draft: Any, text: str, keep_text: bool, file: str = "<draft>") -> tuple[Any, list[Issue]]:
    """Replace every quote object in ``draft`` by a span; return the result and the problems.

    ``keep_text`` stores the quoted text in the span (only for redistributable documents).
    """
    issues: list[Issue] = []

    def walk(value: Any, path: tuple) -> Any:
        if is_quote(value):
            return _span(value, path)
        if isinstance(value, dict):
            return {k: walk(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, (*path, i)) for i, v in enumerate(value)]
        return value

    def _span(value: dict, path: tuple) -> Any:
        extra = set(value) - {"quote", "occurrence", "within"}
        occurrence = value.get("occurrence")
        # bool is an int in Python; "occurrence": true or "2" is a mistake, not a number.
        bad_occurrence = occurrence is not None and (type(occurrence) is not int)
        bad_within = "within" in value and not isinstance(value["within"], str)
        if extra or not isinstance(value["quote"], str) or bad_occurrence or bad_within:
            issues.append(Issue(file, pointer(*path), "quote-malformed",
                                "a quote object has a string \"quote\" and optionally an integer \"occurrence\" "
                                "and a string \"within\", nothing else"))
            return value
        try:
            start, end = anchor_quote(text, value["quote"], value.get("occurrence"), value.get("within"))
        except AnchorError as err:
            issues.append(Issue(file, pointer(*path), err.code, str(err)))
            return value
        span = {"start": start, "end": end}
        if keep_text:
            span["text"] = text[start:end]
        return span

    return walk(draft, ()), issues


def quote_annotation(annotation: Any, text: str) -> Any:
    """The inverse of :func:`anchor_draft`: spans back into quote objects (for editing)."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"start", "end", "text"} and {"start", "end"} <= set(value):
            quote = text[value["start"]:value["end"]]
            starts = occurrences(text, quote)
            out = {"quote": quote}
            if len(starts) > 1:
                out["occurrence"] = starts.index(value["start"]) + 1
            return out
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return walk(annotation)
