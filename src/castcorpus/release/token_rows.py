"""The token views: ``actor_ner`` (BIO tags by actor type) and ``claim_spans`` (BIO tags
over claim spans), over the segmenter's tokens.

A mention is tagged only when it covers whole tokens of one sentence. One that does not (it
starts or ends inside a token, or crosses a sentence boundary) is reported and left untagged,
never shifted to the nearest boundary: a silent shift would put a different string in the
training data than the annotator marked. Overlapping mentions cannot both be BIO-tagged; the
longer (then the earlier) is kept and the other is reported.

The views are made as columns (:class:`castcorpus.release.columns.ColumnRows` over numpy
arrays of the document's tokens, one row per sentence), not as a dict per sentence: a document
has hundreds of tokens, and converting them to Arrow one Python object at a time was a large
share of a build. ``.to_pylist()`` gives the rows as dicts (label names).
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from castcorpus.corpus.segment import Segmentation
from castcorpus.report import Issue, pointer
from .columns import ColumnRows, Cut, Keys, Lists, Same, TextBytes
from .features import CLAIM_SPAN_TAGS, ner_labels


@dataclass
class SentenceColumns:
    """The columns every view with a row per sentence has (document fields, sentence index,
    start and end), the token columns of the two token views, the lookup of tokens by offset
    and the text's UTF-8 bytes:
    made once per document and shared by the four views, so that staging converts them to
    Arrow once (:class:`castcorpus.release.columns.SharedColumns`)."""

    text: str
    count: int
    columns: dict[str, Any]
    tokens: Lists
    token_starts: Lists
    utf8: TextBytes
    lookup: "_Tokens"


def sentence_columns(text: str, segmentation: Segmentation, common: dict[str, Any],
                     utf8: TextBytes | None = None) -> SentenceColumns:
    """The shared columns of a document's per-sentence views (``common``: a value per document)."""
    seg, cuts = segmentation, segmentation.cuts
    count = len(cuts) - 1
    columns = {**{name: Same(value) for name, value in common.items()}, "sentence_index": np.arange(count),
               "start": seg.token_starts[cuts[:-1]], "end": seg.token_ends[cuts[1:] - 1]}
    return SentenceColumns(text, count, columns, Lists(cuts, Cut(seg.token_starts, seg.token_ends)),
                           Lists(cuts, seg.token_starts), utf8 or TextBytes(text), _Tokens(seg))


def _token_view(view: str, shared: SentenceColumns, segmentation: Segmentation, tags: np.ndarray,
                keys: Keys) -> ColumnRows:
    """The rows of a token view, one per sentence, as columns over the document's tokens:
    ``tags`` (label ids) and ``keys`` (actor key or claim id, or None) per token."""
    tag_name, key_name = ("ner_tags", "actor_keys") if view == "actor_ner" else ("span_tags", "claim_ids")
    cuts = segmentation.cuts
    return ColumnRows(view, shared.count, shared.text, {
        **shared.columns, "tokens": shared.tokens, "token_starts": shared.token_starts,
        tag_name: Lists(cuts, tags), key_name: Lists(cuts, keys),
    }, shared.utf8)


#: Why a span cannot be tagged (what :meth:`_Tokens.align` answers instead of its tokens).
OFF_TOKENS, CROSSES_SENTENCE = "off tokens", "crosses a sentence"


class _Tokens:
    """Looks up the token that starts (or ends) at an offset. Tokens are in order and do not
    overlap, so a binary search of all of them finds the same token as one within its sentence."""

    def __init__(self, segmentation: Segmentation):
        self.starts, self.ends = segmentation.token_starts, segmentation.token_ends
        self.cuts = segmentation.cuts.tolist()  # sentence j holds tokens cuts[j] to cuts[j + 1] - 1
        self._bounds: tuple[list[int], list[int]] | None = None

    def align(self, span: dict) -> tuple[int, int] | str:
        """``(first token, last token)`` of a span that covers whole tokens of one sentence, or
        :data:`OFF_TOKENS` / :data:`CROSSES_SENTENCE`."""
        return self.align_all([span])[0]

    def align_all(self, spans: list[dict]) -> list[tuple[int, int] | str]:
        """:meth:`align` of each span. A document has a few dozen spans: a binary search of
        plain lists each costs less than numpy's per-call overhead on the arrays; the lists
        are made once, for the first spans looked up."""
        if not len(self.starts):
            return [OFF_TOKENS] * len(spans)
        if self._bounds is None:
            self._bounds = (self.starts.tolist(), self.ends.tolist())
        starts, ends = self._bounds
        last_token, cuts, places = len(starts) - 1, self.cuts, []
        for span in spans:
            begin, end = span["start"], span["end"]
            a, b = bisect.bisect_left(starts, begin), bisect.bisect_left(ends, end)
            # The token at each index found (the last one where the search ran off the end):
            # a span edge is on a token boundary where it equals that token's edge.
            if starts[min(a, last_token)] != begin or ends[min(b, last_token)] != end or b < a:
                places.append(OFF_TOKENS)
            elif a != b and bisect.bisect_right(cuts, a) != bisect.bisect_right(cuts, b):  # a cut in (a, b]
                places.append(CROSSES_SENTENCE)
            else:
                places.append((a, b))
        return places


def _issue(problem: str, kind: str, span: dict, what: str, where: tuple, file: str, view: str) -> Issue:
    if problem == OFF_TOKENS:
        return Issue(file, pointer(*where), f"{kind}-not-on-tokens",
                     f"{kind} [{span['start']}, {span['end']}) of {what} does not start and end on "
                     f"token boundaries; left out of {view}")
    return Issue(file, pointer(*where), f"{kind}-crosses-sentence",
                 f"{kind} [{span['start']}, {span['end']}) of {what} crosses a sentence boundary; "
                 f"left out of {view}")


def claim_span_rows(annotation: dict[str, Any], text: str, segmentation: Segmentation, common: dict[str, Any],
                    file: str, utf8: TextBytes | None = None, *,
                    shared: SentenceColumns | None = None) -> tuple[ColumnRows, list[Issue]]:
    """The ``claim_spans`` view: one row per sentence with BIO tags over the claim spans
    (``B-claim``, ``I-claim``, ``O``) and the claim id per token. Claim spans never overlap
    (guidelines 3.3); one that does not cover whole tokens of one sentence is reported.
    ``shared``: the document's :func:`sentence_columns` when the caller has them (then
    ``common`` and ``utf8`` are not used)."""
    shared = shared or sentence_columns(text, segmentation, common, utf8)
    tokens = shared.lookup
    size = len(tokens.starts)
    tags = np.zeros(size, dtype=np.int64)
    ids = np.full(size, -1, dtype=np.int64)  # into the claims, -1 outside every span
    issues = []
    places = tokens.align_all([claim["span"] for claim in annotation["claims"]])
    for i, (claim, place) in enumerate(zip(annotation["claims"], places)):
        if isinstance(place, str):
            issues.append(_issue(place, "claim", claim["span"], repr(claim["id"]), ("claims", i, "span"), file,
                                 "claim_spans"))
            continue
        first, last = place
        tags[first], tags[first + 1:last + 1] = CLAIM_SPAN_TAGS.index("B-claim"), CLAIM_SPAN_TAGS.index("I-claim")
        ids[first:last + 1] = i
    keys = Keys(ids, [claim["id"] for claim in annotation["claims"]])
    return _token_view("claim_spans", shared, segmentation, tags, keys), issues


@functools.cache
def _ner_label_ids() -> dict[str, int]:
    return {name: index for index, name in enumerate(ner_labels())}


@functools.cache
def _bio_ids() -> dict[str, tuple[int, int]]:
    """The ids of ``B-<type>`` and ``I-<type>`` of each actor type."""
    label = _ner_label_ids()
    kinds = [name[2:] for name in label if name.startswith("B-")]
    return {kind: (label[f"B-{kind}"], label[f"I-{kind}"]) for kind in kinds}


def _disjoint(found: list[tuple]) -> bool:
    """Whether no two of the ``(first, last, ...)`` token ranges share a token (each range has
    ``first <= last``): in order of their first tokens, each must start after every earlier one
    ends. Ranges with the same first token share it, so their order among themselves does not
    matter."""
    reach = -1
    for first, last in sorted((m[0], m[1]) for m in found):
        if first <= reach:
            return False
        reach = max(reach, last)
    return True


def _tag_lists(kept: list[tuple], actor_types: dict[str, str]) -> tuple[list, list, list, dict[str, int]]:
    """Every token of the ``(first, last, actor, where)`` mentions, one mention after another,
    with its tag id (``B-`` then ``I-`` of the actor's type) and actor code (the actor's index
    in the returned dict, by first mention): plain lists for one numpy assignment each, as a
    document has a few dozen mentions of a few tokens, too few for numpy to pay per mention."""
    bio = _bio_ids()
    inside, tag_ids, owners, actors = [], [], [], {}
    for first, last, actor, _ in kept:
        begin, inner = bio[actor_types[actor]]
        length = last - first + 1
        inside.extend(range(first, last + 1))
        tag_ids.append(begin)
        tag_ids.extend([inner] * (length - 1))
        owners.extend([actors.setdefault(actor, len(actors))] * length)
    return inside, tag_ids, owners, actors


def _longest_kept(found: list[tuple], size: int, file: str, issues: list[Issue]) -> list[tuple]:
    """The mentions kept where some overlap: longest first, then earliest, so that the kept
    mention of an overlapping pair is well defined; each one left out is reported."""
    taken = np.zeros(size, dtype=bool)
    kept = []
    for first, last, actor, where in sorted(found, key=lambda m: (m[0] - m[1], m[0])):
        if taken[first:last + 1].any():
            issues.append(Issue(file, pointer(*where), "mention-overlap",
                                f"mention of {actor!r} overlaps a longer or earlier mention; left out of actor_ner"))
            continue
        taken[first:last + 1] = True
        kept.append((first, last, actor, where))
    return kept


def ner_rows(annotation: dict[str, Any], text: str, segmentation: Segmentation, actor_types: dict[str, str],
             common: dict[str, Any], file: str, utf8: TextBytes | None = None, *,
             shared: SentenceColumns | None = None) -> tuple[ColumnRows, list[Issue]]:
    """The ``actor_ner`` view: one row per sentence (tokens, BIO tags by actor type, actor key
    per token) and the issues of mentions that could not be tagged. ``shared`` as for
    :func:`claim_span_rows`."""
    shared = shared or sentence_columns(text, segmentation, common, utf8)
    tokens = shared.lookup
    found, issues = [], []
    mentions = [(span, entry["actor"], ("actors", i, "mentions", j))  # where: a JSON pointer only for an issue
                for i, entry in enumerate(annotation["actors"]) for j, span in enumerate(entry["mentions"])]
    for (span, actor, where), place in zip(mentions, tokens.align_all([m[0] for m in mentions])):
        if isinstance(place, str):
            issues.append(_issue(place, "mention", span, repr(actor), where, file, "actor_ner"))
        else:
            found.append((*place, actor, where))
    size = len(tokens.starts)
    tags = np.zeros(size, dtype=np.int64)
    codes = np.full(size, -1, dtype=np.int64)  # into ``actors``, -1 outside every kept mention
    kept = found if _disjoint(found) else _longest_kept(found, size, file, issues)
    inside, tag_ids, owners, actors = _tag_lists(kept, actor_types)
    tags[inside], codes[inside] = tag_ids, owners
    return _token_view("actor_ner", shared, segmentation, tags, Keys(codes, list(actors))), issues
