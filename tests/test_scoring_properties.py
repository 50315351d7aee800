"""Properties of the scorer (hypothesis): perfect predictions score 1, the order of the
predictions does not matter, and a single wrong label lowers the score."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from castcorpus.scoring.scorer import default_labels, score

POLARITIES = default_labels("stances")["polarity"]
SENTENCE_LABELS = default_labels("sentences")["label"]
WORTHY_LABELS = default_labels("checkworthiness")["label"]
TYPES = ["state", "person", "military"]

stance_refs = st.lists(st.sampled_from(POLARITIES), min_size=1, max_size=30).map(
    lambda labels: [{"doc_id": f"d{i % 3}", "stance_id": f"s{i}", "polarity": p} for i, p in enumerate(labels)])
sentence_refs = st.lists(st.sampled_from(SENTENCE_LABELS), min_size=1, max_size=30).map(
    lambda labels: [{"doc_id": "d", "sentence_index": i, "label": lab} for i, lab in enumerate(labels)])

worthy_refs = st.lists(st.sampled_from(WORTHY_LABELS), min_size=1, max_size=30).map(
    lambda labels: [{"doc_id": "d", "sentence_index": i, "label": lab} for i, lab in enumerate(labels)])


def _stance_predictions(refs):
    return [{"doc_id": r["doc_id"], "stance_id": r["stance_id"], "polarity": r["polarity"]} for r in refs]


def _sentence_predictions(refs):
    return [{"doc_id": r["doc_id"], "sentence_index": r["sentence_index"], "label": r["label"]} for r in refs]


@st.composite
def ner_refs(draw):
    """Sentences of BIO-tagged tokens with at least one entity."""
    rows = []
    for i in range(draw(st.integers(1, 5))):
        tags = []
        for _ in range(draw(st.integers(1, 6))):
            if draw(st.booleans()):
                kind = draw(st.sampled_from(TYPES))
                tags += [f"B-{kind}"] + [f"I-{kind}"] * draw(st.integers(0, 2))
            else:
                tags.append("O")
        rows.append({"doc_id": "d", "sentence_index": i, "tokens": ["w"] * len(tags), "ner_tags": tags,
                     "actor_keys": [None if t == "O" else "k" for t in tags]})
    if all(t == "O" for r in rows for t in r["ner_tags"]):
        rows[0]["ner_tags"][0], rows[0]["actor_keys"][0] = "B-state", "k"
    return rows


NER_LABELS = {"ner_tags": ["O"] + [f"{p}-{k}" for k in TYPES for p in "BI"]}


def _ner_predictions(refs):
    return [{"doc_id": r["doc_id"], "sentence_index": r["sentence_index"], "ner_tags": list(r["ner_tags"]),
             "actor_keys": list(r["actor_keys"])} for r in refs]


@settings(max_examples=40, deadline=None)
@given(stance_refs)
def test_stances_perfect_scores_one(refs):
    scores = score("stances", _stance_predictions(refs), refs)["scores"]
    assert scores["macro_f1"] == 1.0 and scores["accuracy"] == 1.0


@settings(max_examples=40, deadline=None)
@given(stance_refs, st.randoms(use_true_random=False), st.data())
def test_stances_order_does_not_matter_and_a_flip_lowers(refs, rnd, data):
    predictions = _stance_predictions(refs)
    index = data.draw(st.integers(0, len(refs) - 1))
    predictions[index]["polarity"] = data.draw(st.sampled_from([p for p in POLARITIES if p != refs[index]["polarity"]]))
    shuffled = list(predictions)
    rnd.shuffle(shuffled)
    a, b = score("stances", predictions, refs)["scores"], score("stances", shuffled, refs)["scores"]
    assert a == b
    assert a["macro_f1"] < 1.0 and a["accuracy"] < 1.0


@settings(max_examples=40, deadline=None)
@given(sentence_refs, st.randoms(use_true_random=False), st.data())
def test_sentences_properties(refs, rnd, data):
    perfect = _sentence_predictions(refs)
    assert score("sentences", perfect, refs)["scores"]["macro_f1"] == 1.0
    shuffled = list(perfect)
    rnd.shuffle(shuffled)
    assert score("sentences", shuffled, refs) == score("sentences", perfect, refs)
    index = data.draw(st.integers(0, len(refs) - 1))
    perfect[index]["label"] = "claim" if refs[index]["label"] == "no_claim" else "no_claim"
    assert score("sentences", perfect, refs)["scores"]["macro_f1"] < 1.0


@settings(max_examples=40, deadline=None)
@given(ner_refs(), st.randoms(use_true_random=False), st.data())
def test_actor_ner_properties(refs, rnd, data):
    perfect = _ner_predictions(refs)
    scores = score("actor_ner", perfect, refs, labels=NER_LABELS)["scores"]
    assert scores["entities"]["overall"]["f1"] == 1.0 and scores["linking"]["accuracy"] == 1.0
    shuffled = list(perfect)
    rnd.shuffle(shuffled)
    assert score("actor_ner", shuffled, refs, labels=NER_LABELS)["scores"] == scores
    # Drop one B- tag: that entity is lost (or cut), so F1 falls.
    spots = [(i, j) for i, r in enumerate(refs) for j, t in enumerate(r["ner_tags"]) if t.startswith("B-")]
    i, j = data.draw(st.sampled_from(spots))
    perfect[i]["ner_tags"][j] = "O"
    assert score("actor_ner", perfect, refs, labels=NER_LABELS)["scores"]["entities"]["overall"]["f1"] < 1.0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20)), min_size=1, max_size=8, unique_by=lambda t: t[0]),
       st.randoms(use_true_random=False))
def test_claim_spans_perfect_and_order_free(starts, rnd):
    refs = [{"doc_id": f"d{i % 2}", "claim_id": f"c{i}", "start": s, "end": s + n, "type": "event",
             "check_worthy": True, "speaker": "author", "speaker_actor": "a"} for i, (s, n) in enumerate(starts)]
    by_doc: dict[str, list] = {}
    for r in refs:
        by_doc.setdefault(r["doc_id"], []).append({"start": r["start"], "end": r["end"]})
    lines = [{"doc_id": d, "spans": s} for d, s in by_doc.items()]
    lines += [{"doc_id": r["doc_id"], "claim_id": r["claim_id"], "type": "event"} for r in refs]
    scores = score("claims", lines, refs)["scores"]
    assert scores["spans"]["exact"]["f1"] == 1.0 and scores["spans"]["partial"]["f1"] == 1.0
    rnd.shuffle(lines)
    for line in lines:
        if "spans" in line:
            rnd.shuffle(line["spans"])
    assert score("claims", lines, refs)["scores"] == scores


@settings(max_examples=40, deadline=None)
@given(worthy_refs, st.randoms(use_true_random=False), st.data())
def test_checkworthiness_properties(refs, rnd, data):
    perfect = _sentence_predictions(refs)
    scores = score("checkworthiness", perfect, refs)["scores"]
    assert scores["macro_f1"] == 1.0 and scores["accuracy"] == 1.0
    shuffled = list(perfect)
    rnd.shuffle(shuffled)
    assert score("checkworthiness", shuffled, refs) == score("checkworthiness", perfect, refs)
    index = data.draw(st.integers(0, len(refs) - 1))
    other = {"check_worthy": "not_check_worthy", "not_check_worthy": "check_worthy"}
    perfect[index]["label"] = other[refs[index]["label"]]
    flipped = score("checkworthiness", perfect, refs)["scores"]
    assert flipped["accuracy"] < 1.0
    if any(r["label"] == "check_worthy" for r in refs):  # F1 of the positive class is defined
        assert flipped["check_worthy"]["f1"] < 1.0


@settings(max_examples=40, deadline=None)
@given(ner_refs(), st.data())
def test_claim_spans_properties(refs, data):
    refs = [{"doc_id": r["doc_id"], "sentence_index": r["sentence_index"], "tokens": r["tokens"],
             "span_tags": [t[:2] + "claim" if t != "O" else "O" for t in r["ner_tags"]]} for r in refs]
    perfect = [{"doc_id": r["doc_id"], "sentence_index": r["sentence_index"], "span_tags": list(r["span_tags"])}
               for r in refs]
    labels = {"span_tags": ["O", "B-claim", "I-claim"]}
    assert score("claim_spans", perfect, refs, labels=labels)["scores"]["spans"]["f1"] == 1.0
    # A span whose first token is missed is lost: F1 falls.
    spots = [(i, j) for i, r in enumerate(refs) for j, t in enumerate(r["span_tags"]) if t == "B-claim"]
    i, j = data.draw(st.sampled_from(spots))
    perfect[i]["span_tags"][j] = "O"
    assert score("claim_spans", perfect, refs, labels=labels)["scores"]["spans"]["f1"] < 1.0
    # No predictions at all: every row counts as all O, recall 0.
    assert score("claim_spans", [], refs, labels=labels)["scores"]["spans"]["recall"] == 0.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["a", "b", "c", None])), max_size=20),
       st.sampled_from("abcd"))
def test_the_positive_class_scores_are_those_asked_of_scikit_learn_alone(pairs, positive):
    from sklearn.metrics import precision_recall_fscore_support

    from castcorpus.scoring.metrics import MISSING, classification

    gold, pred = [g for g, _ in pairs], [p for _, p in pairs]
    result = classification(gold, pred, ["a", "b", "c", "d"], positive=positive)["positive"]
    if not gold:  # nothing to score: zeros (scikit-learn refuses empty input)
        assert result == {"label": positive, "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
        return
    p, r, f, s = precision_recall_fscore_support(gold, [MISSING if x is None else x for x in pred],
                                                 labels=[positive], zero_division=0)
    assert result == {"label": positive, "precision": p[0], "recall": r[0], "f1": f[0], "support": s[0]}
