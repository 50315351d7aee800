"""Quotes become offsets: every outcome of anchor_quote and anchor_draft, with offsets counted
by hand on an invented text."""

from __future__ import annotations

import pytest

from castcorpus.annotation.anchor import AnchorError, anchor_draft, anchor_quote, occurrences, quote_annotation

#          0         1         2         3         4         5
#          012345678901234567890123456789012345678901234567890123456
TEXT = "The monitor said on Monday that the council said nothing."


def test_occurrences_overlap_and_count_from_zero():
    assert occurrences("aaaa", "aa") == [0, 1, 2]
    assert occurrences(TEXT, "said") == [12, 44]
    assert occurrences(TEXT, "absent") == []


@pytest.mark.parametrize("quote, occurrence, within, expected", [
    ("monitor", None, None, (4, 11)),
    ("said", 1, None, (12, 16)),
    ("said", 2, None, (44, 48)),
    ("said", None, "the council said", (44, 48)),         # pinned by a phrase that occurs once
    ("said", None, "monitor said on", (12, 16)),
    ("the", 1, "that the council", (32, 35)),             # occurrence counts inside the phrase
])
def test_anchor_quote_by_hand(quote, occurrence, within, expected):
    assert anchor_quote(TEXT, quote, occurrence, within) == expected
    assert TEXT[expected[0]:expected[1]] == quote


@pytest.mark.parametrize("quote, occurrence, within, code, message", [
    ("said", None, "the board said", "quote-missing", "phrase 'the board said' occurs 0 times; it must occur exactly once"),
    ("said", None, "said", "quote-ambiguous", "phrase 'said' occurs 2 times; it must occur exactly once"),
    ("told", None, "the council said", "quote-not-within", "quote 'told' is not part of the phrase 'the council said'"),
    (" said", None, None, "quote-whitespace-edge", "quote ' said' is empty or starts or ends on whitespace"),
    ("", None, None, "quote-whitespace-edge", "quote '' is empty or starts or ends on whitespace"),
    ("told", None, None, "quote-missing", "quote 'told' does not occur in the text"),
    ("said", None, None, "quote-ambiguous", 'quote \'said\' occurs 2 times; give "occurrence" (1 to 2)'),
    ("said", 3, None, "quote-occurrence-out-of-range", "quote 'said' occurs 2 times, so occurrence 3 does not exist"),
    ("said", 0, None, "quote-occurrence-out-of-range", "quote 'said' occurs 2 times, so occurrence 0 does not exist"),
    ("monitor", 2, None, "quote-occurrence-out-of-range",
     "quote 'monitor' occurs 1 times, so occurrence 2 does not exist"),
])
def test_anchor_quote_errors_say_why(quote, occurrence, within, code, message):
    with pytest.raises(AnchorError) as caught:
        anchor_quote(TEXT, quote, occurrence, within)
    assert caught.value.code == code and str(caught.value) == message


def test_anchor_draft_replaces_quotes_with_spans_and_reports_each_problem_at_its_place():
    draft = {"claims": [{"span": {"quote": "said", "within": "the council said"}, "n": 1},
                        {"span": {"quote": "monitor"}}],
             "actors": [{"mentions": [{"quote": "said"}, {"quote": "council", "extra": 1},
                                      {"quote": "said", "within": 3}, {"quote": "said", "occurrence": True},
                                      {"quote": 5}, {"quote": "said", "occurrence": "2"}]}]}
    anchored, issues = anchor_draft(draft, TEXT, keep_text=True, file="a.json")
    assert anchored["claims"] == [{"span": {"start": 44, "end": 48, "text": "said"}, "n": 1},
                                  {"span": {"start": 4, "end": 11, "text": "monitor"}}]
    assert anchored["actors"][0]["mentions"] == draft["actors"][0]["mentions"]  # left as they were
    malformed = ('a quote object has a string "quote" and optionally an integer "occurrence" '
                 'and a string "within", nothing else')
    assert [(i.file, i.pointer, i.code, i.message) for i in issues] == [
        ("a.json", "/actors/0/mentions/0", "quote-ambiguous", 'quote \'said\' occurs 2 times; give "occurrence" (1 to 2)'),
        *[("a.json", f"/actors/0/mentions/{k}", "quote-malformed", malformed) for k in range(1, 6)],
    ]


def test_anchor_draft_keeps_text_only_when_asked():
    anchored, issues = anchor_draft({"s": {"quote": "said", "occurrence": 2}}, TEXT, keep_text=False)
    assert anchored == {"s": {"start": 44, "end": 48}} and issues == []


def test_quote_annotation_is_the_inverse_of_anchor_draft():
    annotation = {"a": [{"start": 44, "end": 48}, {"start": 4, "end": 11, "text": "monitor"}], "b": 2}
    quoted = quote_annotation(annotation, TEXT)
    assert quoted == {"a": [{"quote": "said", "occurrence": 2}, {"quote": "monitor"}], "b": 2}
    assert anchor_draft(quoted, TEXT, keep_text=False)[0] == {"a": [{"start": 44, "end": 48},
                                                                      {"start": 4, "end": 11}], "b": 2}


def test_a_draft_without_a_file_name_is_named_draft_in_its_findings():
    _, issues = anchor_draft({"s": {"quote": "told"}}, TEXT, keep_text=False)
    assert [(i.file, i.pointer, i.code) for i in issues] == [("<draft>", "/s", "quote-missing")]
