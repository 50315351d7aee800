"""Property tests (hypothesis) of canonical text, hashing, anchoring and report order."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from castcorpus.annotation.anchor import AnchorError, anchor_draft, anchor_quote, occurrences, quote_annotation
from castcorpus.report import Issue, Report
from castcorpus.corpus.texts import BOM, canonicalize, decode_canonical, text_sha256

# Text with the characters that make canonicalization interesting: BOMs, CR, LF, combining
# marks, precomposed letters, and ordinary ASCII.
tricky = st.lists(st.one_of(st.sampled_from(["\ufeff", "\r", "\n", "\r\n", "e", "\u0301", "\u00e9", "A", " ", "\u212b"]),
                            st.characters(exclude_categories=("Cs",)))).map("".join)
words = st.text(st.sampled_from("ab c\n"), min_size=1, max_size=40)


@given(tricky)
def test_canonicalize_is_idempotent(text):
    once = canonicalize(text)
    assert canonicalize(once) == once


@given(tricky)
def test_canonical_text_has_no_cr_no_leading_bom_and_is_nfc(text):
    canonical = canonicalize(text)
    assert "\r" not in canonical
    assert not canonical.startswith(BOM)
    assert unicodedata.is_normalized("NFC", canonical)


@given(tricky)
def test_text_sha256_is_stable(text):
    canonical = canonicalize(text)
    assert text_sha256(canonical) == text_sha256(canonicalize(text)) == text_sha256(str(canonical))
    assert len(text_sha256(canonical)) == 64


@given(tricky)
def test_decode_canonical_accepts_canonical_bytes(text):
    canonical = canonicalize(text)
    decoded, problems = decode_canonical(canonical.encode("utf-8"))
    assert decoded == canonical
    # The only thing canonicalization does not fix is a text with nothing in it.
    assert [p.code for p in problems] == ([] if canonical.strip() else ["text-empty"])


@given(tricky)
def test_decode_canonical_flags_every_non_canonical_text(text):
    decoded, problems = decode_canonical(text.encode("utf-8"))
    if canonicalize(text) != text:
        assert {p.code for p in problems} & {"text-bom", "text-crlf", "text-not-nfc"}


@st.composite
def text_and_quote(draw):
    """A text and a non-empty substring of it that does not start or end on whitespace."""
    text = draw(words)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    assume(quote == quote.strip())
    return text, quote, start


@given(text_and_quote())
def test_anchor_quote_with_the_right_occurrence_slices_back(case):
    text, quote, start = case
    starts = occurrences(text, quote)
    occurrence = starts.index(start) + 1
    got = anchor_quote(text, quote, occurrence)
    assert got == (start, start + len(quote))
    assert text[got[0]:got[1]] == quote


@given(text_and_quote())
def test_ambiguous_quote_without_occurrence_is_refused(case):
    text, quote, _ = case
    if len(occurrences(text, quote)) > 1:
        with pytest.raises(AnchorError) as err:
            anchor_quote(text, quote)
        assert err.value.code == "quote-ambiguous"
    else:
        start, end = anchor_quote(text, quote)
        assert text[start:end] == quote


@given(text_and_quote(), st.data())
def test_a_unique_surrounding_phrase_anchors_a_repeated_quote(case, data):
    text, quote, start = case
    # Widen the quote to a phrase around it; when that phrase occurs once, it pins the quote.
    left = data.draw(st.integers(0, start))
    right = data.draw(st.integers(start + len(quote), len(text)))
    within = text[left:right]
    if len(occurrences(text, within)) == 1:
        inside = occurrences(within, quote).index(start - left) + 1
        got = anchor_quote(text, quote, inside if len(occurrences(within, quote)) > 1 else None, within)
        assert got == (start, start + len(quote))
    else:
        with pytest.raises(AnchorError) as err:
            anchor_quote(text, quote, 1, within)
        assert err.value.code == "quote-ambiguous"


def test_within_names_a_phrase_that_holds_the_quote():
    text = "The monitor said on Monday. The army said on Tuesday."
    assert anchor_quote(text, "said", within="army said on") == (37, 41)
    for within, code in (("navy said on", "quote-missing"), ("said on", "quote-ambiguous"), ("army", "quote-not-within")):
        with pytest.raises(AnchorError) as err:
            anchor_quote(text, "said", within=within)
        assert err.value.code == code


@given(words, st.text(st.sampled_from("xyz"), min_size=1, max_size=5))
def test_missing_quote_is_refused(text, quote):
    with pytest.raises(AnchorError) as err:
        anchor_quote(text, quote)
    assert err.value.code == "quote-missing"


@st.composite
def text_and_draft(draw):
    """A text and a draft whose quotes occur in it, with occurrence given only when needed
    (the form quote_annotation produces)."""
    text = draw(words)
    quotes = []
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        quote = text[start:end]
        assume(quote == quote.strip())
        starts = occurrences(text, quote)
        entry = {"quote": quote}
        if len(starts) > 1:
            entry["occurrence"] = starts.index(start) + 1
        quotes.append(entry)
    draft = {"document": "x", "actors": [{"actor": "a", "mentions": quotes[:-1]}],
             "claims": [{"id": "c1", "span": quotes[-1], "cue": None}]}
    return text, draft


@settings(max_examples=200)
@given(text_and_draft(), st.booleans())
def test_anchor_then_quote_round_trips(case, keep_text):
    text, draft = case
    anchored, issues = anchor_draft(draft, text, keep_text=keep_text)
    assert issues == []
    assert quote_annotation(anchored, text) == draft
    # and anchoring the quoted form again gives the same offsets
    again, issues = anchor_draft(quote_annotation(anchored, text), text, keep_text=keep_text)
    assert issues == [] and again == anchored


issue_strategy = st.builds(
    Issue,
    file=st.sampled_from(["actors.json", "annotations/a.json", "documents/a.json"]),
    pointer=st.lists(st.one_of(st.integers(0, 12).map(str), st.sampled_from(["claims", "span", "a~b"])), max_size=3)
    .map(lambda parts: "".join("/" + p for p in parts)),
    code=st.sampled_from(["span-reversed", "unknown-actor", "schema-type"]),
    message=st.text(max_size=5),
)


@given(st.lists(issue_strategy, max_size=20), st.randoms())
def test_report_lines_do_not_depend_on_input_order(issues, random):
    shuffled = list(issues)
    random.shuffle(shuffled)
    assert Report(issues).lines() == Report(shuffled).lines()
    assert Report(issues).to_json() == Report(shuffled).to_json()
