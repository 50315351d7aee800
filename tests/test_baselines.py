"""Baselines end to end on a small synthetic release (invented sentences written straight to
Parquet with the release's features), scored by the official scorer."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from castcorpus.scoring import embeddings
from castcorpus.scoring.baselines import run_config
from castcorpus.cli.main import main
from castcorpus.scoring.evaluation import evaluate
from castcorpus.release.features import encode_labels, features

WORDS = {"claim": "officials said the strike killed civilians", "no_claim": "the weather was mild today",
         "check_worthy": "the monitor said 40 died in the raid", "not_check_worthy": "the minister praised his hosts"}
TYPES = {"casualties": "killed wounded dead civilians", "event": "convoy arrived shelling began"}
POLES = {"support": "praised welcomed backed", "oppose": "condemned denounced rejected"}
SPEAKERS = {"author": "the reporter wrote that", "ngo": "the monitoring group counted", "state": "the ministry announced"}
ARTICLES = {"fake": "rebels staged the attack claims channel", "credible": "monitor documents victims names"}


def _write(release: Path, config: str, split: str, rows: list[dict]) -> None:
    folder = release / "data" / config
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist([encode_labels(config, r) for r in rows], schema=features(config).arrow_schema)
    pq.write_table(table, folder / f"{split}-00000-of-00001.parquet")


def _sentence(doc, i, label):
    return {"doc_id": doc, "outlet": "o", "sentence_index": i, "start": 0, "end": 5,
            "text": f"{WORDS[label]} number {i}", "label": label, "claim_types": [], "claim_ids": []}


def _worthy(doc, i, label):
    return {"doc_id": doc, "outlet": "o", "sentence_index": i, "start": 0, "end": 5,
            "text": f"{WORDS[label]} number {i}", "label": label, "claim_ids": []}


def _claim(doc, i, kind):
    return {"doc_id": doc, "outlet": "o", "claim_id": f"c{i}", "text": f"{TYPES[kind]} {i}", "start": 0, "end": 5,
            "context": "", "context_start": 0, "proposition": "p", "type": kind, "check_worthy": True,
            "certainty": "asserted", "speaker": "author", "speaker_actor": "o", "speaker_name": "O",
            "speaker_type": "media", "cue": None, "attribution": [], "agents": [], "patients": [], "cluster": None}


def _stance(doc, i, polarity):
    return {"doc_id": doc, "outlet": "o", "stance_id": f"s{i}", "holder": "author", "holder_actor": "o",
            "holder_name": "O", "holder_type": "media", "target_kind": "actor", "target_actor": "un",
            "target_name": "UN", "target_type": "international_organization", "target_claim": None,
            "target_proposition": None, "target_claim_text": None, "target_text": "UN", "polarity": polarity, "explicit": True,
            "evidence": [], "context": f"the outlet {POLES[polarity]} the plan {i}"}


def _attribution(doc, i, label):
    return {"doc_id": doc, "outlet": "o", "claim_id": f"c{i}", "text": f"claim {i}", "start": 0, "end": 5,
            "context": f"{SPEAKERS[label]} claim {i}", "context_start": 0, "label": label,
            "speaker": "author" if label == "author" else "x", "speaker_actor": "x", "speaker_name": "X", "cue": None}


def _article(doc, i, label):
    return {"doc_id": f"{doc}-{i}", "outlet": "o", "date": "2016-01-01", "events": [],
            "text": f"{ARTICLES[label]} {i}", "label": label, "annotated": False}


def _tokens(doc, i, kind):
    """A sentence whose span (claim_spans) or mention (actor_ner) is the word after 'said'."""
    tokens = ["officials", "said", f"word{i}", "today"]
    if kind == "span":
        tags = ["O", "O", "B-claim", "I-claim"] if i % 2 else ["O", "O", "O", "O"]
        return {"doc_id": doc, "outlet": "o", "sentence_index": i, "start": 0, "end": 5, "tokens": tokens,
                "token_starts": [0, 1, 2, 3], "span_tags": tags, "claim_ids": [None] * 4}
    tags = ["B-government", "O", "O", "O"]
    return {"doc_id": doc, "outlet": "o", "sentence_index": i, "start": 0, "end": 5, "tokens": tokens,
            "token_starts": [0, 1, 2, 3], "ner_tags": tags, "actor_keys": ["gov", None, None, None]}


def _rows(make, labels, split, n):
    return [make(f"{split}-doc", i, labels[i % len(labels)]) for i in range(n)]


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic-release")
    for config, make, labels in (("sentences", _sentence, ["claim", "claim", "no_claim"]),
                                 ("checkworthiness", _worthy, ["check_worthy", "not_check_worthy", "not_check_worthy"]),
                                 ("claims", _claim, ["casualties", "event", "event"]),
                                 ("stances", _stance, ["support", "oppose", "oppose"]),
                                 ("attribution", _attribution, ["author", "ngo", "state"]),
                                 ("credibility", _article, ["fake", "credible", "credible"]),
                                 ("claim_spans", _tokens, ["span"]),
                                 ("actor_ner", _tokens, ["ner"])):
        for split, n in (("train", 12), ("validation", 6), ("test", 6)):
            _write(root, config, split, _rows(make, labels, split, n))
        # The cross-outlet twin: train has one class only, and there is no test split.
        _write(root, config + "_by_outlet", "train", _rows(make, labels[:1], "train", 4))
        _write(root, config + "_by_outlet", "validation", _rows(make, labels, "validation", 3))
    return root


@pytest.mark.parametrize("task", ["sentences", "checkworthiness", "claims", "attribution", "stances", "credibility"])
def test_baselines_run_end_to_end_and_write_valid_predictions(release, tmp_path, task):
    results = run_config(release, task, "random", tmp_path, ("majority", "tfidf-lr"))
    by_name = {r.baseline: r for r in results}
    assert [r.status for r in results] == ["ok", "ok"]
    learned, majority = by_name["tfidf-lr"], by_name["majority"]
    headline = (lambda s: s["type"]["macro_f1"]) if task == "claims" else (lambda s: s["macro_f1"])
    assert headline(learned.scores) == 1.0  # the invented classes are separable by their words
    assert headline(majority.scores) < 1.0
    assert learned.params["C"] in (0.1, 1.0, 10.0) and len(learned.params["validation_macro_f1"]) == 3
    outcome = evaluate(release, task, "test", learned.predictions)  # the file is in the official format
    assert outcome.valid and outcome.result["missing"] == []


def test_baselines_are_deterministic(release, tmp_path):
    first = run_config(release, "stances", "random", tmp_path / "a", ("tfidf-lr",))
    second = run_config(release, "stances", "random", tmp_path / "b", ("tfidf-lr",))
    assert first[0].scores == second[0].scores and first[0].params == second[0].params
    assert Path(first[0].predictions).read_text() == Path(second[0].predictions).read_text()


def test_missing_test_split_is_skipped_with_a_reason(release):
    results = run_config(release, "sentences", "outlet", None, ("majority", "tfidf-lr"))
    assert {r.status for r in results} == {"skipped"}
    assert all(r.reason == "no test rows in sentences_by_outlet" for r in results)


def test_single_class_train_skips_the_classifier(release, tmp_path):
    _write(tmp_path, "claims", "train", _rows(_claim, ["event"], "train", 5))
    _write(tmp_path, "claims", "test", _rows(_claim, ["event", "casualties"], "test", 4))
    majority, learned = run_config(tmp_path, "claims", "random", None, ("majority", "tfidf-lr"))
    assert majority.status == "ok" and majority.params == {"label": "event"}
    assert learned.status == "skipped" and "single class (event)" in learned.reason


def test_cli_report_has_fingerprint_numbers_and_reasons(release, tmp_path, capsys):
    report = tmp_path / "baselines.md"
    code = main(["baseline", "--all", "--release", str(release), "--baselines", "majority", "tfidf-lr",
                 "--out", str(tmp_path / "out"), "--report", str(report)])
    assert code == 0
    text = report.read_text(encoding="utf-8")
    from castcorpus.scoring.references import fingerprint
    assert f"sha256:{fingerprint(release)}" in text
    assert "| tfidf-lr | 100.0 | 100.0 | n/a | n/a |" in text
    assert "no test rows in stances_by_outlet" in text
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert len(results) == 8 * 2 * 2  # 8 tasks x 2 schemes x 2 baselines
    assert "skipped: no test rows" in capsys.readouterr().out


def test_cli_refuses_a_folder_that_is_no_release(tmp_path, capsys):
    assert main(["baseline", "--config", "claims", "--release", str(tmp_path)]) == 2
    assert "no release folder" in capsys.readouterr().err


def _stand_in_encode(texts):
    """A deterministic stand-in for the sentence encoder: normalized letter counts (26 columns)."""
    import numpy as np

    rows = np.zeros((len(texts), 26), dtype="float32")
    for i, text in enumerate(texts):
        for char in text.lower():
            if "a" <= char <= "z":
                rows[i, ord(char) - 97] += 1
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1)


def test_minilm_baseline_pipeline_runs_with_a_stand_in_encoder(release, tmp_path, monkeypatch):
    # What the embeddings baseline does around the model (features, classifier, predictions
    # file, scoring) runs everywhere, CI included; only the model needs the extra (docs/testing.md).
    monkeypatch.setattr(embeddings, "available", lambda: True)
    monkeypatch.setattr(embeddings, "encode", _stand_in_encode)
    (result,) = run_config(release, "stances", "random", tmp_path, ("minilm-lr",))
    assert result.status == "ok" and result.baseline == "minilm-lr"
    assert evaluate(release, "stances", "test", result.predictions).valid


def test_minilm_baseline_is_skipped_with_its_reason_without_the_extra(release, tmp_path, monkeypatch):
    monkeypatch.setattr(embeddings, "available", lambda: False)
    (result,) = run_config(release, "stances", "random", tmp_path, ("minilm-lr",))
    assert result.status == "skipped" and result.reason == "the embeddings extra is not installed"


@pytest.mark.skipif(not embeddings.available(), reason="the embeddings extra is not installed (docs/testing.md)")
def test_minilm_baseline_runs_offline(release, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    (result,) = run_config(release, "stances", "random", tmp_path, ("minilm-lr",))
    assert result.status == "ok"
    assert evaluate(release, "stances", "test", result.predictions).valid


def test_light_task_names_agree_with_the_heavy_modules():
    from castcorpus.scoring import tasks
    from castcorpus.scoring.baselines import TASKS
    from castcorpus.release.features import OUTLET_SUFFIX
    from castcorpus.scoring.predictions import TASKS as SCORED

    assert tasks.SCHEMES["outlet"] == OUTLET_SUFFIX
    assert tasks.SCORED == SCORED and tasks.BASELINE_TASKS == tuple(TASKS)


def _stance_rows(doc, polarities):
    return [_stance(doc, i, p) for i, p in enumerate(polarities)]


def test_intervals_resample_documents_not_rows():
    from castcorpus.scoring.baselines import intervals

    # Document a: every prediction right; document b: every one wrong. Resampling the two
    # documents gives accuracy 1, 0.5 or 0; resampling the 20 rows would rarely leave 0.3 to 0.7.
    rows = _stance_rows("a", ["support"] * 10) + _stance_rows("b", ["oppose"] * 10)
    found = intervals("stances", rows, ["support"] * 20)
    assert found["accuracy"] == (0.0, 1.0)
    low, high = found["macro_f1"]
    assert 0.0 <= low <= high <= 1.0


def test_intervals_hold_the_point_estimate_and_are_none_for_one_document():
    from castcorpus.scoring.baselines import intervals, value_at, _scores_of

    rows = [_claim(f"d{i % 5}", i, ["casualties", "event", "event"][i % 3]) for i in range(30)]
    predicted = ["event" if i % 4 else "casualties" for i in range(30)]
    point = _scores_of("claims", [(r["type"], p) for r, p in zip(rows, predicted)])
    for path, (low, high) in intervals("claims", rows, predicted).items():
        assert low <= value_at(point, tuple(path.split("/"))) <= high
    assert intervals("claims", rows, [r["type"] for r in rows])["type/accuracy"] == (1.0, 1.0)
    single = [dict(r, doc_id="only") for r in rows]
    assert intervals("claims", single, predicted) == {"type/macro_f1": None, "type/accuracy": None}


def test_intervals_are_those_of_each_number_bootstrapped_alone():
    from castcorpus.bootstrap import document_interval
    from castcorpus.scoring.baselines import REPORTED, _scores_of, intervals, value_at

    # Each resample is scored once for all the numbers: the same intervals as resampling
    # (with the same draws) for one number at a time.
    rows = [_claim(f"d{i % 4}", i, ["casualties", "event", "event"][i % 3]) for i in range(24)]
    predicted = ["event" if i % 5 else "casualties" for i in range(24)]
    per_document: dict[str, list] = {}
    for row, label in zip(rows, predicted):
        per_document.setdefault(row["doc_id"], []).append((row["type"], label))
    alone = {"/".join(path): document_interval(list(per_document.values()),
                                               lambda pairs, p=path: value_at(_scores_of("claims", pairs), p))
             for _, path in REPORTED["claims"]}
    assert intervals("claims", rows, predicted) == alone
    assert alone["type/macro_f1"][0] < alone["type/macro_f1"][1]


def test_report_prints_the_interval_beside_the_score():
    from castcorpus.scoring.baselines import Result
    from castcorpus.scoring.baselines_report import table

    result = Result("stances", "random", "majority", scores={"macro_f1": 0.5, "accuracy": 0.75},
                    intervals={"macro_f1": (0.25, 0.625), "accuracy": None}, rows={"test": 4})
    assert "| majority | 50.0 [25.0, 62.5] | 75.0 |" in table([result])


@pytest.mark.parametrize("task", ["claim_spans", "actor_ner"])
def test_token_baselines_score_through_the_official_scorer(release, tmp_path, task):
    majority, learned = run_config(release, task, "random", tmp_path, ("majority", "tfidf-lr"))
    assert (majority.status, learned.status) == ("ok", "ok")
    path = ("spans", "f1") if task == "claim_spans" else ("entities", "overall", "f1")
    from castcorpus.scoring.results import value_at
    # Every token tagged O finds no span; the spans of the invented sentences follow from their words.
    assert majority.params == {"tag": "O"} and value_at(majority.scores, path) == 0.0
    assert value_at(learned.scores, path) == 1.0
    assert evaluate(release, task, "test", learned.predictions).valid


def test_repair_bio_opens_a_span_where_an_inside_tag_continues_nothing():
    from castcorpus.scoring.token_baselines import repair_bio

    assert repair_bio(["I-claim", "I-claim", "O", "I-claim"]) == ["B-claim", "I-claim", "O", "B-claim"]
    assert repair_bio(["B-state", "I-ngo", "I-ngo"]) == ["B-state", "B-ngo", "I-ngo"]
    assert repair_bio(["O", "B-x", "I-x"]) == ["O", "B-x", "I-x"]


def test_token_f1_interval_matches_seqeval_on_the_full_sample():
    """The closed-form F1 from per-document counts equals seqeval's micro F1 on the same rows."""
    from castcorpus.scoring import metrics
    from castcorpus.scoring.token_baselines import document_counts

    rows = [{"doc_id": "a", "span_tags": ["B-claim", "I-claim", "O"]},
            {"doc_id": "a", "span_tags": ["O", "B-claim", "O"]},
            {"doc_id": "b", "span_tags": ["B-claim", "O", "O"]}]
    predicted = [["B-claim", "I-claim", "O"], ["O", "O", "O"], ["B-claim", "I-claim", "O"]]
    counts = document_counts(rows, "span_tags", predicted)
    matched, n_pred, n_gold = sum(counts.values())
    assert (matched, n_pred, n_gold) == (1, 2, 3)
    expected = metrics.entities([r["span_tags"] for r in rows], predicted)["overall"]["f1"]
    assert 2 * matched / (n_pred + n_gold) == pytest.approx(expected) == pytest.approx(0.4)
