"""The cheap pass over a whole annotation file (spans, mentions, actor references) only ever
skips checks that would find nothing: with it and without it, the findings are the same."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from castcorpus.validation import annotations
from castcorpus.validation.annotations import AnnotationContext, annotation_issues, iter_spans, spans_of

# Invented characters that exercise every span check: spaces, a combining mark, a joiner,
# letters below and above U+0300.
TEXT = st.text(alphabet=["a", "b", " ", "\n", "\u00e9", "e", "\u0301", "\u200d", "\u0634"], min_size=0, max_size=12)
#: Texts of letters only, on which sound spans are easy to draw.
LETTERS = st.text(alphabet=["a", "b", "\u00e9", "\u0634"], min_size=1, max_size=12)
ACTORS = ["army", "council", "ministry"]
OFFSET = st.one_of(st.integers(min_value=0, max_value=14), st.sampled_from([1.0, 3.0]))
REF = st.sampled_from(["author", *ACTORS, "stranger"])
CLUSTER = st.sampled_from(["c1", "c2", "c9"])


@st.composite
def spans(draw, text):
    """Mostly spans that pass every check (else the fast path would seldom be taken), some not."""
    if text and draw(st.integers(0, 3)):
        start = draw(st.integers(0, len(text) - 1))
        span = {"start": start, "end": draw(st.integers(start + 1, len(text)))}
    else:
        span = {"start": draw(OFFSET), "end": draw(OFFSET)}
    if draw(st.booleans()):
        start, end = span["start"], span["end"]
        exact = type(start) is int and type(end) is int and draw(st.integers(0, 3))
        span["text"] = text[start:end] if exact else draw(st.sampled_from(["a", "b b", ""]))
    return span


@st.composite
def claims(draw, text, index):
    chain = [{"source": draw(REF), "cue": draw(st.none() | spans(text))} for _ in range(draw(st.integers(1, 3)))]
    return {"id": f"c{index}", "span": draw(spans(text)), "cue": draw(st.none() | spans(text)),
            "attribution": chain, "speaker": draw(REF), "agents": draw(st.lists(REF, max_size=2)),
            "patients": draw(st.lists(REF, max_size=1)), "certainty": draw(st.sampled_from(["asserted", "reported"])),
            "cluster": draw(st.none() | CLUSTER), "other_clusters": draw(st.lists(CLUSTER, max_size=2)),
            "proposition": "An invented proposition."}


@st.composite
def stances(draw, index, claim_count):
    target = ({"actor": draw(REF)} if draw(st.booleans())
              else {"claim": f"c{draw(st.integers(0, claim_count))}"})
    return {"id": f"s{index}", "holder": draw(REF), "target": target, "evidence": []}


@st.composite
def cases(draw):
    text = draw(TEXT | LETTERS)
    keys = draw(st.lists(st.sampled_from([*ACTORS, "stranger"]), max_size=3))
    actors = [{"actor": key, "mentions": draw(st.lists(spans(text), min_size=1, max_size=2))} for key in keys]
    claim_list = [draw(claims(text, i)) for i in range(draw(st.integers(0, 3)))]
    stance_list = [draw(stances(i, len(claim_list))) for i in range(draw(st.integers(0, 2)))]
    for stance in stance_list:
        stance["evidence"] = draw(st.lists(spans(text), max_size=2))
    annotation = {"provenance": {}, "actors": actors, "claims": claim_list, "stances": stance_list}
    known = None if draw(st.booleans()) else {key: {"key": key, "name": key} for key in ACTORS}
    ctx = AnnotationContext("annotations/x.json", draw(st.none() | st.just(text)), len(text),
                            draw(st.sampled_from([True, False, None])), known,
                            draw(st.none() | st.just({"c1", "c2"})))
    return annotation, ctx


def _without_fast_path(annotation, ctx):
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(annotations, "_spans_sound", lambda *_: False)
        patched.setattr(annotations, "_mentions_sound", lambda *_: False)
        patched.setattr(annotations, "_resolved_refs", lambda *_: frozenset())
        return list(annotation_issues(annotation, ctx))


@settings(max_examples=400, deadline=None)
@given(cases())
def test_the_fast_path_changes_no_finding(case):
    annotation, ctx = case
    assert list(annotation_issues(annotation, ctx)) == _without_fast_path(annotation, ctx)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_span_the_fast_path_passes_has_no_finding(data):
    # One span at a time, so that each of its checks is reached often.
    text = data.draw(TEXT)
    span = data.draw(spans(text))
    ctx = AnnotationContext("a.json", data.draw(st.none() | st.just(text)), len(text),
                            data.draw(st.sampled_from([True, False, None])), None)
    if annotations._spans_sound({"actors": [{"actor": "army", "mentions": [span]}]}, ctx):
        assert list(annotations.span_issues(span, ("actors", 0, "mentions", 0), ctx)) == []


@given(cases())
def test_spans_of_lists_the_spans_of_iter_spans(case):
    annotation, _ = case
    assert [id(span) for span in spans_of(annotation)] == [id(span) for _, span in iter_spans(annotation)]


def test_a_sound_file_takes_the_fast_path():
    # The property above holds trivially if the fast path never says "sound": it must, for a clean file.
    text = "The army spoke."
    annotation = {"actors": [{"actor": "army", "mentions": [{"start": 4, "end": 8, "text": "army"}]}],
                  "claims": [], "stances": []}
    ctx = AnnotationContext("a.json", text, len(text), True, {"army": {"key": "army"}})
    assert annotations._spans_sound(annotation, ctx) and annotations._mentions_sound(annotation, ctx)
    assert list(annotation_issues(annotation, ctx)) == []
