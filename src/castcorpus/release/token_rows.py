"""The token views: ``actor_ner`` (BIO tags by actor type) and ``claim_spans`` (BIO tags
over claim spans), over the segmenter's tokens.

A mention is tagged only when it covers whole tokens of one sentence. One that does not (it
starts or ends inside a token, or crosses a sentence boundary) is reported and left untagged,
never shifted to the nearest boundary: a silent shift would put a different string in the
training data than the annotator marked. Overlapping mentions cannot both be BIO-tagged; the
longer (then the earlier) is kept and the other is reported.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import itemgetter
from typing import Any

from castcorpus.corpus.segment import Sentence
from castcorpus.report import Issue, pointer


class _TokenFinder:
    """Finds the token that starts (or ends) at an offset, by bisection: a document has a few
    dozen mentions but hundreds of tokens, so indexing every token would cost more."""

    def __init__(self, sentences: list[Sentence]):
        self.sentences = sentences
        self.starts = [s.start for s in sentences]

    def starting_at(self, offset: int) -> tuple[int, int] | None:
        """``(sentence, token)`` of the token that starts at ``offset``."""
        return self._find(bisect_right(self.starts, offset) - 1, offset, 0)

    def ending_at(self, offset: int) -> tuple[int, int] | None:
        """``(sentence, token)`` of the token that ends at ``offset``."""
        return self._find(bisect_left(self.starts, offset) - 1, offset, 1)

    def _find(self, si: int, offset: int, side: int) -> tuple[int, int] | None:
        if si < 0:
            return None
        tokens = self.sentences[si].tokens
        ti = bisect_left(tokens, offset, key=itemgetter(side))
        return (si, ti) if ti < len(tokens) and tokens[ti][side] == offset else None


def _align(finder: _TokenFinder, span: dict, kind: str, what: str, where: tuple, file: str,
           view: str) -> tuple[tuple[int, int, int] | None, Issue | None]:
    """``(sentence, first token, last token)`` of a span that covers whole tokens of one
    sentence, or the issue (code ``<kind>-not-on-tokens`` or ``<kind>-crosses-sentence``) that
    says why it cannot be tagged in ``view``."""
    first, last = finder.starting_at(span["start"]), finder.ending_at(span["end"])
    if first is None or last is None:
        return None, Issue(file, pointer(*where), f"{kind}-not-on-tokens",
                           f"{kind} [{span['start']}, {span['end']}) of {what} does not start and end on "
                           f"token boundaries; left out of {view}")
    if first[0] != last[0]:
        return None, Issue(file, pointer(*where), f"{kind}-crosses-sentence",
                           f"{kind} [{span['start']}, {span['end']}) of {what} crosses a sentence boundary; "
                           f"left out of {view}")
    return (first[0], first[1], last[1]), None


def _candidates(annotation, sentences, file) -> tuple[list[tuple], list[Issue]]:
    """Mentions that align with whole tokens of one sentence, and issues for the others."""
    finder = _TokenFinder(sentences)
    found, issues = [], []
    for i, entry in enumerate(annotation["actors"]):
        for j, span in enumerate(entry["mentions"]):
            where = ("actors", i, "mentions", j)  # made a JSON pointer only for an issue
            place, issue = _align(finder, span, "mention", repr(entry["actor"]), where, file, "actor_ner")
            if issue:
                issues.append(issue)
            else:
                found.append((*place, entry["actor"], where))
    return found, issues


def _rows(text: str, sentences: list[Sentence], tags: list[list[str]], keys: list[list], names: tuple[str, str]):
    tag_name, key_name = names
    return [{
        "sentence_index": si, "start": s.start, "end": s.end,
        "tokens": [text[a:b] for a, b in s.tokens], "token_starts": [a for a, _ in s.tokens],
        tag_name: tags[si], key_name: keys[si],
    } for si, s in enumerate(sentences)]


def claim_span_rows(annotation: dict[str, Any], text: str, sentences: list[Sentence],
                    file: str) -> tuple[list[dict], list[Issue]]:
    """The ``claim_spans`` view: one row per sentence with BIO tags over the claim spans
    (``B-claim``, ``I-claim``, ``O``) and the claim id per token. Claim spans never overlap
    (guidelines 3.3); one that does not cover whole tokens of one sentence is reported."""
    finder = _TokenFinder(sentences)
    tags = [["O"] * len(s.tokens) for s in sentences]
    ids: list[list[str | None]] = [[None] * len(s.tokens) for s in sentences]
    issues = []
    for i, claim in enumerate(annotation["claims"]):
        place, issue = _align(finder, claim["span"], "claim", repr(claim["id"]), ("claims", i, "span"), file,
                              "claim_spans")
        if issue:
            issues.append(issue)
            continue
        si, first, last = place
        for ti in range(first, last + 1):
            tags[si][ti] = "B-claim" if ti == first else "I-claim"
            ids[si][ti] = claim["id"]
    return _rows(text, sentences, tags, ids, ("span_tags", "claim_ids")), issues


def ner_rows(annotation: dict[str, Any], text: str, sentences: list[Sentence],
             actor_types: dict[str, str], file: str) -> tuple[list[dict], list[Issue]]:
    """One row per sentence (tokens, BIO tags as label names, actor key per token) and the
    issues of mentions that could not be tagged."""
    found, issues = _candidates(annotation, sentences, file)
    tags = [["O"] * len(s.tokens) for s in sentences]
    keys: list[list[str | None]] = [[None] * len(s.tokens) for s in sentences]
    # Longest first, then earliest: the kept mention of an overlapping pair is well defined.
    for si, first, last, actor, where in sorted(found, key=lambda m: (m[1] - m[2], m[0], m[1])):
        if any(key is not None for key in keys[si][first:last + 1]):
            issues.append(Issue(file, pointer(*where), "mention-overlap",
                                f"mention of {actor!r} overlaps a longer or earlier mention; left out of actor_ner"))
            continue
        kind = actor_types[actor]
        for ti in range(first, last + 1):
            tags[si][ti] = f"{'B' if ti == first else 'I'}-{kind}"
            keys[si][ti] = actor
    rows = _rows(text, sentences, tags, keys, ("ner_tags", "actor_keys"))
    return rows, issues
