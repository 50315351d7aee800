"""Scoring predictions against reference rows: :func:`score` for every task config.

``score(config, predictions, references)`` is pure: ``predictions`` are the parsed JSON
objects of a predictions file, ``references`` the rows of the config (label columns as names,
as :func:`castcorpus.scoring.references.read_rows` returns them). Invalid predictions raise
:class:`PredictionError` with the issues; rows without a prediction are scored as wrong and
listed under ``"missing"``.
"""

from __future__ import annotations

from typing import Any, Iterable

from datasets import ClassLabel, List

from castcorpus.release.features import features
from castcorpus.report import Issue
from . import metrics
from .predictions import TASKS, Checked, check, key_of, missing
from .references import task_of


class PredictionError(ValueError):
    """The predictions cannot be scored; ``issues`` says why, line by line."""

    def __init__(self, issues: list[Issue]):
        super().__init__(f"{len(issues)} problem(s) in the predictions")
        self.issues = issues


def default_labels(task: str) -> dict[str, list[str]]:
    """ClassLabel names of a task's label columns, from the package's features."""
    out = {}
    for column, feature in features(task).items():
        inner = feature.feature if isinstance(feature, List) else feature
        if isinstance(inner, ClassLabel):
            out[column] = list(inner.names)
    return out


def score(config: str, predictions: Iterable[Any], references: Iterable[dict], *,
          documents: Iterable[str] | None = None, labels: dict[str, list[str]] | None = None,
          file: str = "<predictions>", text_lengths: dict[str, int] | None = None) -> dict:
    """Scores of ``predictions`` (one object per line of a predictions file, in file order)
    against ``references``. ``documents`` are the split's annotated documents (claim spans;
    default: those of the references); ``labels`` the release's label names (default: the
    package's); ``text_lengths`` the documents' text lengths, against which predicted claim
    spans are checked (``span-out-of-range``)."""
    task = task_of(config)
    if task not in TASKS:
        raise ValueError(f"config {config!r} has no scorer (tasks: {', '.join(TASKS)})")
    return score_records(config, list(enumerate(predictions, start=1)), list(references),
                         documents=documents, labels=labels, file=file, text_lengths=text_lengths)


def score_records(config: str, records: list[tuple[int, Any]], references: list[dict], *,
                  documents: Iterable[str] | None = None, labels: dict[str, list[str]] | None = None,
                  file: str = "<predictions>", text_lengths: dict[str, int] | None = None) -> dict:
    """:func:`score` over ``(line number, object)`` pairs, so issues name the file's lines."""
    task = task_of(config)
    labels = labels or default_labels(task)
    refs = {key_of(task, row): row for row in references}
    docs = set(documents) if documents is not None else {row["doc_id"] for row in references}
    checked = check(task, records, refs, docs, labels, file, text_lengths)
    if checked.issues:
        raise PredictionError(checked.issues)
    return {
        "config": config, "task": task, "references": len(refs), "predictions": checked.lines,
        "missing": missing(task, checked, refs, docs),
        "scores": _SCORERS[task](checked, refs, docs, labels),
    }


def _sentences(checked: Checked, refs, docs, labels) -> dict:
    gold = [row["label"] for row in refs.values()]
    pred = [(checked.by_key.get(k) or {}).get("label") for k in refs]
    result = metrics.classification(gold, pred, labels["label"], positive="claim")
    claim = result.pop("positive")
    return {"claim": claim, **result}


def _checkworthiness(checked: Checked, refs, docs, labels) -> dict:
    gold = [row["label"] for row in refs.values()]
    pred = [(checked.by_key.get(k) or {}).get("label") for k in refs]
    result = metrics.classification(gold, pred, labels["label"], positive="check_worthy")
    return {"check_worthy": result.pop("positive"), **result}


def _field(checked: Checked, refs, name: str) -> list:
    return [(checked.by_key.get(k) or {}).get(name) for k in refs]


def _speaker(checked: Checked, refs) -> dict:
    """Accuracy of predicted speakers: ``author`` and the actor it resolves to (the outlet's
    actor) name the same speaker."""
    hits = [p is not None and p in (r["speaker"], r["speaker_actor"])
            for r, p in zip(refs.values(), _field(checked, refs, "speaker"))]
    return {"accuracy": sum(hits) / len(hits) if hits else 0.0, "n": len(hits), "correct": sum(hits)}


def _attribution(checked: Checked, refs, docs, labels) -> dict:
    gold = [row["label"] for row in refs.values()]
    out = metrics.classification(gold, _field(checked, refs, "label"), labels["label"])
    if any("speaker" in p for p in checked.by_key.values()):
        out["speaker"] = _speaker(checked, refs)
    return out


def _credibility(checked: Checked, refs, docs, labels) -> dict:
    gold = [row["label"] for row in refs.values()]
    result = metrics.classification(gold, _field(checked, refs, "label"), labels["label"], positive="fake")
    return {"fake": result.pop("positive"), **result}


def _claims(checked: Checked, refs, docs, labels) -> dict:
    out: dict = {}
    if checked.spans:
        gold: dict[str, list] = {doc: [] for doc in docs}
        for row in refs.values():
            gold.setdefault(row["doc_id"], []).append((row["start"], row["end"]))
        out["spans"] = metrics.spans(gold, checked.spans)
    given = {name for p in checked.by_key.values() for name in p}
    if "type" in given:
        out["type"] = metrics.classification([r["type"] for r in refs.values()], _field(checked, refs, "type"),
                                             labels["type"])
    if "check_worthy" in given:
        as_name = {True: "true", False: "false", None: None}
        result = metrics.classification([as_name[r["check_worthy"]] for r in refs.values()],
                                        [as_name[v] for v in _field(checked, refs, "check_worthy")],
                                        ["false", "true"], positive="true")
        out["check_worthy"] = {**result.pop("positive"), "accuracy": result["accuracy"], "n": result["n"]}
    if "speaker" in given:
        out["speaker"] = _speaker(checked, refs)
    return out


def _stances(checked: Checked, refs, docs, labels) -> dict:
    gold = [row["polarity"] for row in refs.values()]
    pred = _field(checked, refs, "polarity")
    return {**metrics.classification(gold, pred, labels["polarity"]),
            "confusion": metrics.confusion(gold, pred, labels["polarity"])}


def _actor_ner(checked: Checked, refs, docs, labels) -> dict:
    gold = [row["ner_tags"] for row in refs.values()]
    predicted = [checked.by_key.get(k) for k in refs]
    pred = [p["ner_tags"] if p else ["O"] * len(row["tokens"]) for p, row in zip(predicted, refs.values())]
    out = {"entities": metrics.entities(gold, pred)}
    if any(p and "actor_keys" in p for p in predicted):
        out["linking"] = metrics.linking(gold, [row["actor_keys"] for row in refs.values()],
                                         [p.get("actor_keys") if p else None for p in predicted])
    return out


def _claim_spans(checked: Checked, refs, docs, labels) -> dict:
    gold = [row["span_tags"] for row in refs.values()]
    predicted = [checked.by_key.get(k) for k in refs]
    pred = [p["span_tags"] if p else ["O"] * len(row["tokens"]) for p, row in zip(predicted, refs.values())]
    return {"spans": metrics.entities(gold, pred)["overall"]}


_SCORERS = {"sentences": _sentences, "checkworthiness": _checkworthiness, "claims": _claims, "stances": _stances, "actor_ner": _actor_ner,
            "claim_spans": _claim_spans, "attribution": _attribution, "credibility": _credibility}
