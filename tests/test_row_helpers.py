"""The per-document helpers that find sentences and tokens by binary search on plain lists
give what the plain definitions give: a comparison with every sentence, numpy's searchsorted
over the token arrays, and each offset's UTF-8 prefix length."""

import bisect

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from castcorpus.corpus.segment import overlapping, segmentation
from castcorpus.release.columns import Cut, TextBytes, _byte_offsets
from castcorpus.release.rows import _touching
from castcorpus.release.token_rows import CROSSES_SENTENCE, OFF_TOKENS, _Tokens

WORDS = st.sampled_from(["the", "army", "حلب", "Ḥamā", "𝔸", "😀", ".", "«", "\n\n", "U.N.", "e\u0301", "x"])
TEXTS = st.lists(WORDS, max_size=40).map(" ".join)


@st.composite
def texts_and_spans(draw):
    """A text and spans on any offsets within it (empty ones too)."""
    text = draw(TEXTS)
    offsets = st.integers(0, len(text))
    spans = draw(st.lists(st.tuples(offsets, offsets).map(sorted), max_size=8))
    return text, [{"start": a, "end": b} for a, b in spans]


def _aligned_by_numpy(tokens: _Tokens, spans: list[dict]) -> list:
    """The alignment as numpy's searchsorted over the token arrays finds it."""
    if not len(tokens.starts):
        return [OFF_TOKENS] * len(spans)
    places = []
    for span in spans:
        first = int(tokens.starts.searchsorted(span["start"]))
        last = int(tokens.ends.searchsorted(span["end"]))
        if (tokens.starts.take(first, mode="clip") != span["start"]
                or tokens.ends.take(last, mode="clip") != span["end"] or last < first):
            places.append(OFF_TOKENS)
        elif first != last and bisect.bisect_right(tokens.cuts, first) != bisect.bisect_right(tokens.cuts, last):
            places.append(CROSSES_SENTENCE)
        else:
            places.append((first, last))
    return places


@settings(max_examples=200, deadline=None)
@given(texts_and_spans())
def test_touching_finds_the_sentences_overlapping_finds(doc):
    text, spans = doc
    sentences = segmentation(text).bounds()
    bounds = ([s.start for s in sentences], [s.end for s in sentences])
    for span in spans:
        assert list(_touching(bounds, span["start"], span["end"])) == overlapping(sentences, span["start"], span["end"])


@settings(max_examples=200, deadline=None)
@given(texts_and_spans())
def test_tokens_align_as_numpy_searchsorted_does(doc):
    text, spans = doc
    tokens = _Tokens(segmentation(text))
    # Spans on token edges too, since arbitrary offsets rarely land on both.
    edges = [{"start": a, "end": b} for a, b in zip(tokens.starts.tolist(), tokens.ends.tolist()[1:] + [len(text)])]
    spans = spans + edges
    assert tokens.align_all(spans) == _aligned_by_numpy(tokens, spans)
    assert [tokens.align(span) for span in spans] == _aligned_by_numpy(tokens, spans)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts_and_spans(), min_size=1, max_size=4))
def test_byte_offsets_of_a_batch_are_each_offsets_utf8_prefix_length(docs):
    texts = [TextBytes(text) for text, _ in docs]
    cuts = [Cut(np.array([s["start"] for s in spans], dtype=np.int64), np.array([s["end"] for s in spans], dtype=np.int64))
            for _, spans in docs]
    data = np.frombuffer(b"".join(text.raw for text in texts), dtype=np.uint8)
    before = 0
    expected_starts, expected_ends = [], []
    for text, (_, spans) in zip(texts, docs):
        expected_starts += [before + len(text.text[:s["start"]].encode()) for s in spans]
        expected_ends += [before + len(text.text[:s["end"]].encode()) for s in spans]
        before += len(text.raw)
    starts, ends = _byte_offsets(texts, cuts, data)
    assert starts.tolist() == expected_starts and ends.tolist() == expected_ends
