"""The ``actor_ner`` view: BIO tags by actor type over the segmenter's tokens.

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

from .report import Issue, pointer
from .segment import Sentence


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


def _candidates(annotation, sentences, file) -> tuple[list[tuple], list[Issue]]:
    """Mentions that align with whole tokens of one sentence, and issues for the others."""
    finder = _TokenFinder(sentences)
    found, issues = [], []
    for i, entry in enumerate(annotation["actors"]):
        for j, span in enumerate(entry["mentions"]):
            where = ("actors", i, "mentions", j)  # made a JSON pointer only for an issue
            first, last = finder.starting_at(span["start"]), finder.ending_at(span["end"])
            if first is None or last is None:
                issues.append(Issue(file, pointer(*where), "mention-not-on-tokens",
                                    f"mention [{span['start']}, {span['end']}) of {entry['actor']!r} does not "
                                    "start and end on token boundaries; left out of actor_ner"))
            elif first[0] != last[0]:
                issues.append(Issue(file, pointer(*where), "mention-crosses-sentence",
                                    f"mention [{span['start']}, {span['end']}) of {entry['actor']!r} crosses a "
                                    "sentence boundary; left out of actor_ner"))
            else:
                found.append((first[0], first[1], last[1], entry["actor"], where))
    return found, issues


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
    rows = [{
        "sentence_index": si, "start": s.start, "end": s.end,
        "tokens": [text[a:b] for a, b in s.tokens], "token_starts": [a for a, _ in s.tokens],
        "ner_tags": tags[si], "actor_keys": keys[si],
    } for si, s in enumerate(sentences)]
    return rows, issues
