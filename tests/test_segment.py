"""Sentences and tokens: properties that both segmenters must keep on any canonical text, and
BlingFire's offsets checked against its own (slower) Python wrapper."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from castcorpus.corpus import segment as seg
from castcorpus.corpus.texts import canonicalize

# News-like pieces plus the characters that make offsets hard: multi-byte letters, combining
# marks, emoji, zero-width and control characters, non-breaking and other Unicode spaces.
pieces = st.sampled_from(["The", "army", "said", ".", ",", "U.S.", "al-Assad", "didn't", "(SAA)", "“", "”",
                          "1,200", "3.5km", "été", "e\u0301", "😀", "\u200b", "\x00", "\u00a0", "\u2009",
                          " ", " ", "\n", "\n\n", "Dr.", "?", "!", "—", "Übung"])
printable = st.lists(st.one_of(pieces.filter(lambda p: p != "\x00"),
                               st.characters(exclude_categories=("Cs", "Cc"))), max_size=60).map("".join)
texts = st.one_of(st.lists(pieces, max_size=60).map("".join),
                  st.text(st.characters(exclude_categories=("Cs",)), max_size=80)).map(canonicalize)

BACKENDS = [pytest.param(lambda text: seg._segment_syntok(text).sentences, id="syntok")]
if seg._BLINGFIRE:
    BACKENDS.insert(0, pytest.param(lambda text: seg._segment_blingfire(text).sentences, id="blingfire"))


@pytest.mark.parametrize("segment", BACKENDS)
@settings(max_examples=300, deadline=None)
@given(texts)
def test_every_non_space_character_is_in_exactly_one_token(segment, text):
    sentences = segment(text)
    covered = [i for s in sentences for start, end in s.tokens for i in range(start, end)]
    assert covered == [i for i, ch in enumerate(text) if not ch.isspace()]


@pytest.mark.parametrize("segment", BACKENDS)
@settings(max_examples=300, deadline=None)
@given(texts)
def test_sentences_are_ordered_span_their_tokens_and_never_cross_a_blank_line(segment, text):
    sentences = segment(text)
    previous_end = 0
    for sentence in sentences:
        assert sentence.tokens and previous_end <= sentence.start
        assert (sentence.start, sentence.end) == (sentence.tokens[0][0], sentence.tokens[-1][1])
        assert "\n\n" not in text[sentence.start:sentence.end].replace(" ", "")
        previous_end = sentence.end


@pytest.mark.parametrize("segment", BACKENDS)
@settings(max_examples=1000, deadline=None)
@given(texts)
def test_a_sentence_of_invisible_characters_only_is_a_whole_paragraph(segment, text):
    # A right-to-left mark or zero-width space before a paragraph's first sentence belongs to it.
    sentences = segment(text)
    paragraphs = set(seg._paragraph_starts(text))
    for index, sentence in enumerate(sentences):
        if not any(map(seg._visible, text[sentence.start:sentence.end])):
            assert sentence.start in paragraphs
            assert index + 1 == len(sentences) or sentences[index + 1].start in paragraphs


def test_an_invisible_mark_opening_a_paragraph_joins_its_first_sentence():
    text = "\u200fThe army said it won. Others disagreed.\u200f\n\n\u200bA second paragraph.\x7f"
    sentences = [text[s.start:s.end] for s in seg.segment(text)]
    assert sentences == ["\u200fThe army said it won.", "Others disagreed.\u200f", "\u200bA second paragraph.\x7f"]


def test_the_segmenter_in_use_is_named():
    assert seg.SEGMENTER.startswith("blingfire-" if seg._BLINGFIRE else "syntok-")


needs_blingfire = pytest.mark.skipif(not seg._BLINGFIRE, reason="BlingFire's native library is not loadable here")


@needs_blingfire
@settings(max_examples=300, deadline=None)
@given(printable)
def test_word_offsets_equal_blingfires_own_wrapper(text):
    # (On control characters the wrapper's own byte-to-character mapping is off by one.)
    import blingfire

    words_fn, _ = seg._BLINGFIRE
    raw = text.encode("utf-8")
    before = seg._code_points(raw)
    ours = [] if not text.strip() else list(zip(*(seg._to_points(before, part).tolist()
                                                  for part in seg._native_spans(raw, words_fn, ord(" ")))))
    words, spans = blingfire.text_to_words_with_offsets(text) if text else ("", [])  # it fails on ""
    if words:
        assert ours == [tuple(span) for span in spans]
    else:  # the wrapper reports one span even when BlingFire found no word
        assert ours == []


@needs_blingfire
def test_a_headline_byline_and_sentences_are_split_as_a_reader_would():
    text = "Army advances in the south\n\nby A. Writer, The Outlet:\n\nThe army said it won. Others disagreed."
    sentences = [text[s.start:s.end] for s in seg.segment(text)]
    assert sentences == ["Army advances in the south", "by A. Writer, The Outlet:", "The army said it won.",
                         "Others disagreed."]
    text = "al-Assad's forces didn't fire."
    tokens = [text[a:b] for a, b in seg.segment(text)[0].tokens]
    assert tokens == ["al", "-", "Assad", "'s", "forces", "did", "n't", "fire", "."]


@pytest.mark.parametrize("segment", BACKENDS)
@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_the_token_views_align_spans_as_an_index_of_every_token_does(segment, text, data):
    # The token views look span edges up by binary search over all tokens; an index of every
    # token, sentence by sentence, is the reference.
    from castcorpus.release.token_rows import CROSSES_SENTENCE, OFF_TOKENS, _Tokens

    sentences = segment(text)
    starts = {a: (si, ti) for si, s in enumerate(sentences) for ti, (a, _) in enumerate(s.tokens)}
    ends = {b: (si, ti) for si, s in enumerate(sentences) for ti, (_, b) in enumerate(s.tokens)}
    number = {(si, ti): n for n, (si, ti) in enumerate((si, ti) for si, s in enumerate(sentences)
                                                        for ti in range(len(s.tokens)))}
    tokens = _Tokens(seg.segmentation(text) if segment is BACKENDS[0].values[0] else seg._segment_syntok(text))
    offsets = data.draw(st.lists(st.integers(-1, len(text) + 1), max_size=20)) + list(starts) + list(ends)
    for start in offsets:
        for end in offsets:
            first, last = starts.get(start), ends.get(end)
            if first is None or last is None or number[last] < number[first]:
                expected = OFF_TOKENS
            elif first[0] != last[0]:
                expected = CROSSES_SENTENCE
            else:
                expected = (number[first], number[last])
            assert tokens.align({"start": start, "end": end}) == expected
