"""The views with a row per sentence are staged as Arrow straight from numpy columns (token and
sentence strings cut from the texts' UTF-8 bytes); the reference is the plain route: their rows
as dicts, labels encoded a row at a time, converted by ``Table.from_pylist``. Both must give the
same table, on any text."""

from pathlib import Path

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from castcorpus.corpus.segment import segmentation
from castcorpus.release.features import actor_types, claim_types, encode_labels, features
from castcorpus.release.columns import Cut, SharedColumns, TextBytes, _cut_strings, from_marshal, to_marshal, to_table
from castcorpus.release.rows import _sentence_views
from castcorpus.release.stage import DOC_COLUMN, StagedColumns
from castcorpus.release.token_rows import claim_span_rows, ner_rows, sentence_columns

# Words of several scripts and widths (1 to 4 UTF-8 bytes), punctuation and blank lines.
WORDS = st.sampled_from(["the", "army", "Aleppo", "حلب", "قوات", "Ḥamā", "𝔸", "😀", "-", ".", ",", "«", "»",
                         "x\u200by", "e\u0301", "\n\n", "\u00a0", "U.N.", "'s"])
TEXTS = st.lists(WORDS, min_size=1, max_size=40).map(" ".join)
TYPES = actor_types()


@st.composite
def documents(draw):
    """A text and an annotation whose spans start and end on arbitrary offsets (some on
    token boundaries, some not, some overlapping)."""
    text = draw(TEXTS)
    segmented = segmentation(text)
    edges = sorted(set(segmented.token_starts.tolist()) | set(segmented.token_ends.tolist()) | {0, len(text)})
    spans = st.tuples(st.sampled_from(edges), st.sampled_from(edges)).filter(lambda p: p[0] < p[1])
    mentions = draw(st.lists(spans, max_size=6))
    claims = draw(st.lists(spans, max_size=3))
    kinds = draw(st.lists(st.sampled_from(claim_types()), min_size=len(claims), max_size=len(claims)))
    worthy = draw(st.lists(st.booleans(), min_size=len(claims), max_size=len(claims)))
    actors = [{"actor": f"a{i}", "mentions": [{"start": a, "end": b}]} for i, (a, b) in enumerate(mentions)]
    annotation = {"actors": actors, "claims": [{"id": f"c{i}", "span": {"start": a, "end": b}, "type": kinds[i],
                                                "check_worthy": worthy[i]} for i, (a, b) in enumerate(claims)]}
    types = {f"a{i}": draw(st.sampled_from(TYPES)) for i in range(len(mentions))}
    return text, segmented, annotation, types


def _reference(view: str, rows_by_document: list) -> pa.Table:
    schema = features(view).arrow_schema
    encoded, positions = [], []
    for rows, document in rows_by_document:
        for row in rows.to_pylist():
            encoded.append(encode_labels(view, row))
            positions.append(document)
    table = pa.Table.from_pylist(encoded, schema=schema)
    return table.append_column(pa.field(DOC_COLUMN, pa.int32(), nullable=False), pa.array(positions, pa.int32()))


@settings(max_examples=150, deadline=None)
@given(st.lists(documents(), min_size=1, max_size=3))
def test_sentence_views_staged_from_numpy_equal_their_rows_converted_one_by_one(docs):
    common = {"doc_id": "d", "outlet": "o", "outlet_camp": None}
    for view in ("actor_ner", "claim_spans", "sentences", "checkworthiness"):
        pending = []
        for position, (text, segmented, annotation, types) in enumerate(docs):
            if view == "actor_ner":
                rows, _ = ner_rows(annotation, text, segmented, types, common, "a.json")
            elif view == "claim_spans":
                rows, _ = claim_span_rows(annotation, text, segmented, common, "a.json")
            else:
                rows = dict(zip(("sentences", "checkworthiness"), _sentence_views(annotation, text, segmented, common)))[view]
            assert from_marshal(to_marshal(rows)).to_pylist() == rows.to_pylist()  # the row cache's round trip
            pending.append((rows, position * 7))
        staged = StagedColumns(Path("never-written.arrows"), view)
        table = to_table(pending, staged.staged_schema, DOC_COLUMN)
        assert table.equals(_reference(view, pending))


def test_a_span_that_crosses_sentences_or_ends_inside_a_token_is_left_untagged():
    text = "The council met. The army left."
    segmented = segmentation(text)
    annotation = {"actors": [{"actor": "council", "mentions": [{"start": 4, "end": 11}, {"start": 4, "end": 25},
                                                               {"start": 21, "end": 24}]}],
                  "claims": []}
    rows, issues = ner_rows(annotation, text, segmented, {"council": "government"}, {}, "a.json")
    assert [i.code for i in issues] == ["mention-crosses-sentence", "mention-not-on-tokens"]
    first, second = rows.to_pylist()
    assert first["tokens"] == ["The", "council", "met", "."]
    assert first["ner_tags"] == ["O", "B-government", "O", "O"]
    assert first["actor_keys"] == [None, "council", None, None]
    assert set(second["ner_tags"]) == {"O"}


@settings(max_examples=100, deadline=None)
@given(documents())
def test_sentence_rows_hold_the_claims_each_sentence_shares_a_character_with(doc):
    # The reference: every sentence against every claim, one at a time.
    text, segmented, annotation, _ = doc
    sentences, checkworthiness = _sentence_views(annotation, text, segmented, {})
    expected, expected_worthy = [], []
    for index, sentence in enumerate(segmented.sentences):
        inside = [c for c in annotation["claims"]
                  if c["span"]["start"] < sentence.end and sentence.start < c["span"]["end"]]
        kinds = {c["type"] for c in inside}
        worthy = [c["id"] for c in inside if c["check_worthy"]]
        bounds = {"sentence_index": index, "start": sentence.start, "end": sentence.end,
                  "text": text[sentence.start:sentence.end]}
        expected.append({**bounds, "label": "claim" if inside else "no_claim",
                         "claim_types": [t for t in claim_types() if t in kinds], "claim_ids": [c["id"] for c in inside]})
        expected_worthy.append({**bounds, "label": "check_worthy" if worthy else "not_check_worthy",
                                "claim_ids": worthy})
    assert sentences.to_pylist() == expected
    assert checkworthiness.to_pylist() == expected_worthy


@settings(max_examples=150, deadline=None)
@given(documents())
def test_ner_tags_follow_the_longest_then_earliest_rule_token_by_token(doc):
    # The reference: mentions on whole tokens of one sentence, longest first then earliest, each
    # kept unless it shares a token with one kept before; then B- on its first token, I- after.
    text, segmented, annotation, types = doc
    rows, issues = ner_rows(annotation, text, segmented, types, {}, "a.json")
    sentences = segmented.sentences
    tokens = [(start, end, index) for index, s in enumerate(sentences) for start, end in s.tokens]
    spans = []
    for entry in annotation["actors"]:
        for span in entry["mentions"]:
            first = [i for i, t in enumerate(tokens) if t[0] == span["start"]]
            last = [i for i, t in enumerate(tokens) if t[1] == span["end"]]
            if first and last and first[0] <= last[0] and tokens[first[0]][2] == tokens[last[0]][2]:
                spans.append((first[0], last[0], entry["actor"]))
    tags, keys, overlaps = ["O"] * len(tokens), [None] * len(tokens), 0
    for first, last, actor in sorted(spans, key=lambda m: (m[0] - m[1], m[0])):
        if any(keys[i] is not None for i in range(first, last + 1)):
            overlaps += 1
            continue
        for i in range(first, last + 1):
            tags[i] = ("B-" if i == first else "I-") + types[actor]
            keys[i] = actor
    produced = rows.to_pylist()
    assert [tag for row in produced for tag in row["ner_tags"]] == tags
    assert [key for row in produced for key in row["actor_keys"]] == keys
    assert sum(issue.code == "mention-overlap" for issue in issues) == overlaps


@settings(max_examples=60, deadline=None)
@given(st.lists(documents(), min_size=1, max_size=3))
def test_views_staged_together_convert_their_shared_columns_once_and_equal_the_views_alone(docs):
    common = {"doc_id": "d", "outlet": "o", "outlet_camp": None}
    views = {"actor_ner": [], "claim_spans": [], "sentences": [], "checkworthiness": []}
    for position, (text, segmented, annotation, types) in enumerate(docs):
        shared = sentence_columns(text, segmented, common)
        views["actor_ner"].append((ner_rows(annotation, text, segmented, types, common, "a.json", shared=shared)[0], position))
        views["claim_spans"].append((claim_span_rows(annotation, text, segmented, common, "a.json", shared=shared)[0], position))
        sentences, checkworthiness = _sentence_views(annotation, text, segmented, common, shared=shared)
        views["sentences"].append((sentences, position))
        views["checkworthiness"].append((checkworthiness, position))
    memo, made = SharedColumns(), []
    original = memo.get

    def counting(parts, what, make):
        return original(parts, what, lambda: made.append(what) or make())

    memo.get = counting
    for view, pending in views.items():
        schema = StagedColumns(Path("never-written.arrows"), view).staged_schema
        assert to_table(pending, schema, DOC_COLUMN, memo).equals(to_table(pending, schema, DOC_COLUMN))
    # 39 columns in the four views; doc_id, outlet, outlet_camp, sentence_index, start and end
    # converted once for the four (18 saved), the sentence text once for two (1 saved), tokens and
    # token_starts once for two (2 saved).
    assert len(made) == 39 - 18 - 1 - 2


@st.composite
def texts_with_cuts(draw):
    """Texts and, for each, cuts that may be empty, overlap or come in any order."""
    texts = draw(st.lists(TEXTS, min_size=1, max_size=3))
    cuts = []
    for text in texts:
        pairs = draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))), max_size=6))
        pairs = [(min(a, b), max(a, b)) for a, b in pairs]
        if draw(st.booleans()):  # tokens' shape too: in order, non-empty, no overlap
            pairs = sorted({(a, b) for a, b in pairs if a < b})
            pairs = [p for i, p in enumerate(pairs) if all(p[0] >= q[1] for q in pairs[:i])]
        cuts.append(Cut(np.array([a for a, _ in pairs], dtype=np.int64), np.array([b for _, b in pairs], dtype=np.int64)))
    return texts, cuts


@settings(max_examples=200, deadline=None)
@given(texts_with_cuts())
def test_strings_cut_from_the_texts_bytes_equal_python_slices(case):
    texts, cuts = case
    array = _cut_strings([TextBytes(text) for text in texts], cuts)
    expected = [text[a:b] for text, cut in zip(texts, cuts) for a, b in zip(cut.starts.tolist(), cut.ends.tolist())]
    assert array.to_pylist() == expected
