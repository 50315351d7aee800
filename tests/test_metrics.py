"""Every metric on small cases computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import pytest

from castcorpus.scoring import metrics
from castcorpus.scoring.scorer import PredictionError, score


def test_classification_counts_a_missing_prediction_as_wrong_for_no_class():
    result = metrics.classification(["a", "a", "b", "c"], ["a", "b", "b", None], ["a", "b", "c"])
    # a: P 1/1, R 1/2 -> F1 2/3; b: P 1/2, R 1/1 -> 2/3; c: never predicted -> 0.
    assert result["per_class"]["a"] == pytest.approx({"precision": 1, "recall": 0.5, "f1": 2 / 3, "support": 2})
    assert result["per_class"]["b"] == pytest.approx({"precision": 0.5, "recall": 1, "f1": 2 / 3, "support": 1})
    assert result["per_class"]["c"]["f1"] == 0
    assert result["macro_f1"] == pytest.approx(4 / 9)
    assert result["accuracy"] == 0.5


def test_macro_f1_averages_only_over_classes_present():
    # c occurs neither in gold nor in predictions: it is not averaged in.
    result = metrics.classification(["a", "b"], ["a", "a"], ["a", "b", "c"])
    # a: P 1/2, R 1 -> 2/3; b: P 0, R 0 -> 0
    assert set(result["per_class"]) == {"a", "b"}
    assert result["macro_f1"] == pytest.approx(1 / 3)


def test_positive_class_scores():
    result = metrics.classification(["claim", "claim", "no_claim"], ["claim", "no_claim", "claim"],
                                    ["no_claim", "claim"], positive="claim")
    assert result["positive"] == pytest.approx({"label": "claim", "precision": 0.5, "recall": 0.5,
                                                "f1": 0.5, "support": 2})


def test_confusion_matrix_has_a_missing_column_only_when_needed():
    assert metrics.confusion(["a", "a", "b"], ["a", None, "a"], ["a", "b"]) == {
        "labels": ["a", "b"], "columns": ["a", "b", "missing"], "matrix": [[1, 0, 1], [1, 0, 0]]}
    assert metrics.confusion(["a", "b"], ["b", "b"], ["a", "b"])["columns"] == ["a", "b"]


def test_confusion_matrix_of_nothing_is_zeros():
    assert metrics.confusion([], [], ["a", "b"]) == {"labels": ["a", "b"], "columns": ["a", "b"],
                                                      "matrix": [[0, 0], [0, 0]]}


def test_no_entity_anywhere_scores_zero_with_zero_support():
    assert metrics.entities([["O", "O"]], [["O", "O"]]) == {
        "overall": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}, "per_type": {}}


def test_span_partial_credit_by_character_overlap():
    result = metrics.spans({"d": [(0, 10)]}, {"d": [(5, 15)]})
    # overlap 5 characters: P 5/10, R 5/10; no exact match
    assert result["partial"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5})
    assert result["exact"]["f1"] == 0


def test_span_scores_sum_over_documents():
    result = metrics.spans({"d": [(0, 10), (20, 30)], "e": [(0, 4)]}, {"d": [(0, 10)], "e": []})
    # exact: 1 hit, 1 predicted, 3 gold -> P 1, R 1/3, F1 1/2; partial the same here
    assert result["exact"] == pytest.approx({"precision": 1, "recall": 1 / 3, "f1": 0.5})
    assert result["partial"] == pytest.approx({"precision": 1, "recall": 1 / 3, "f1": 0.5})


def test_overlapping_predicted_spans_are_merged_for_partial_credit():
    result = metrics.spans({"d": [(0, 10)]}, {"d": [(0, 6), (4, 10)]})
    assert result["partial"]["f1"] == 1
    assert result["exact"]["precision"] == 0  # neither span has the gold offsets


def test_no_predicted_span_scores_zero():
    result = metrics.spans({"d": [(0, 10)]}, {})
    assert result["partial"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_entities_overall_and_per_type():
    gold = [["B-state", "I-state", "O", "B-person"]]
    result = metrics.entities(gold, [["B-state", "I-state", "O", "O"]])
    # 2 gold entities, 1 predicted and right: P 1, R 1/2, F1 2/3
    assert result["overall"] == pytest.approx({"precision": 1, "recall": 0.5, "f1": 2 / 3, "support": 2})
    assert result["per_type"]["state"]["f1"] == 1
    assert result["per_type"]["person"]["f1"] == 0


def test_entity_with_wrong_boundary_is_wrong():
    result = metrics.entities([["B-state", "I-state"]], [["B-state", "O"]])
    assert result["overall"]["f1"] == 0


def test_linking_needs_the_key_on_every_token():
    gold_tags = [["B-state", "I-state", "O", "B-person"]]
    gold_keys = [["syria", "syria", None, "assad"]]
    result = metrics.linking(gold_tags, gold_keys, [["syria", None, None, "assad"]])
    assert result == {"accuracy": 0.5, "mentions": 2, "correct": 1}
    assert metrics.linking(gold_tags, gold_keys, [None])["accuracy"] == 0


CLAIMS = [
    {"doc_id": "d", "claim_id": "c1", "start": 0, "end": 10, "type": "event", "check_worthy": True,
     "speaker": "author", "speaker_actor": "outlet-actor"},
    {"doc_id": "d", "claim_id": "c2", "start": 20, "end": 30, "type": "casualties", "check_worthy": False,
     "speaker": "un", "speaker_actor": "un"},
    {"doc_id": "e", "claim_id": "c1", "start": 5, "end": 9, "type": "event", "check_worthy": True,
     "speaker": "author", "speaker_actor": "other-actor"},
]


def test_claims_check_worthiness_speaker_and_type():
    predictions = [
        {"doc_id": "d", "claim_id": "c1", "type": "event", "check_worthy": True, "speaker": "outlet-actor"},
        {"doc_id": "d", "claim_id": "c2", "type": "event", "check_worthy": True, "speaker": "author"},
        {"doc_id": "e", "claim_id": "c1", "type": "event", "check_worthy": False, "speaker": "author"},
    ]
    scores = score("claims", predictions, CLAIMS)["scores"]
    # check-worthy (positive true): predicted true on c1, c2; gold true on d/c1, e/c1 -> P 1/2, R 1/2
    assert scores["check_worthy"]["f1"] == pytest.approx(0.5)
    # speaker: d/c1 right (the author's actor), d/c2 wrong, e/c1 right
    assert scores["speaker"] == pytest.approx({"accuracy": 2 / 3, "n": 3, "correct": 2})
    # type: event P 2/3 R 1 -> 0.8; casualties 0 -> macro 0.4
    assert scores["type"]["macro_f1"] == pytest.approx(0.4)
    assert "spans" not in scores


def test_claims_missing_field_is_wrong_and_listed():
    predictions = [{"doc_id": "d", "claim_id": "c1", "type": "event"},
                   {"doc_id": "d", "claim_id": "c2", "type": "casualties", "speaker": "un"}]
    result = score("claims", predictions, CLAIMS)
    assert result["missing"] == ["d/c1 (speaker)", "e/c1"]
    assert result["scores"]["speaker"]["correct"] == 1
    assert result["scores"]["type"]["accuracy"] == pytest.approx(2 / 3)


def test_claim_spans_scored_per_document_and_missing_documents_reported():
    predictions = [{"doc_id": "d", "spans": [{"start": 0, "end": 10}, {"start": 25, "end": 35}]}]
    result = score("claims", predictions, CLAIMS, documents=["d", "e", "f"])
    spans = result["scores"]["spans"]
    # exact: 1 hit of 2 predicted, 3 gold; partial P (1 + 5/10)/2, R (1 + 5/10)/3
    assert spans["exact"] == pytest.approx({"precision": 0.5, "recall": 1 / 3, "f1": 0.4})
    assert spans["partial"]["precision"] == pytest.approx(0.75)
    assert spans["partial"]["recall"] == pytest.approx(0.5)
    assert result["missing"] == ["e (spans)", "f (spans)"]


def test_span_line_for_unknown_document_is_an_error():
    with pytest.raises(PredictionError) as caught:
        score("claims", [{"doc_id": "zzz", "spans": []}], CLAIMS)
    assert [i.code for i in caught.value.issues] == ["unknown-id"]


def test_unknown_config_is_refused():
    with pytest.raises(ValueError):
        score("documents", [], [])


def test_predicted_claim_span_past_the_end_of_the_text_is_an_error():
    from castcorpus.scoring.scorer import PredictionError, score

    references = [{"doc_id": "d1", "claim_id": "c1", "start": 0, "end": 5, "type": "event",
                   "check_worthy": True, "speaker": "author", "speaker_actor": None}]
    predictions = [{"doc_id": "d1", "spans": [{"start": 0, "end": 99}]}]
    with pytest.raises(PredictionError) as caught:
        score("claims", predictions, references, documents=["d1"], text_lengths={"d1": 40})
    assert [issue.code for issue in caught.value.issues] == ["span-out-of-range"]
    inside = [{"doc_id": "d1", "spans": [{"start": 0, "end": 5}]}]
    assert score("claims", inside, references, documents=["d1"], text_lengths={"d1": 40})["scores"]
