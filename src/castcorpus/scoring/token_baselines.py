"""Baselines for the token configs (``claim_spans``, ``actor_ner``), scored with the official scorer.

* ``majority``: every token gets the most frequent tag of train (``O``), so it finds no span:
  the floor a tagger must clear.
* ``tfidf-lr``: the token-level form of the TF-IDF baseline of the other tasks: each token is
  described by features of itself and its neighbours (two words either side: the word, its lower
  case and shape, prefix and suffix), weighted by TF-IDF over the training tokens (scikit-learn's
  ``DictVectorizer`` and ``TfidfTransformer``), and tagged by logistic regression trained on train
  with ``C`` chosen on validation from :data:`C_GRID` by entity F1; predicted tags are repaired
  into valid BIO (an ``I-`` that continues no span of its type opens one).

Intervals resample test documents like the other baselines; entity F1 is summed from
per-document counts (matched, predicted, gold entities), so a resample costs no re-scoring.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np

from castcorpus.bootstrap import RESAMPLES, multiplicities, percentile_interval
from .evaluation import evaluate
from .references import SCHEMES, available_splits, fingerprint, read_rows
from .results import Result

#: Token task -> (tag column, the path of its headline F1 in the official scores).
TOKEN_TASKS = {"claim_spans": ("span_tags", ("spans", "f1")),
               "actor_ner": ("ner_tags", ("entities", "overall", "f1"))}
TOKEN_BASELINES = ("majority", "tfidf-lr")
C_GRID = (0.1, 1.0, 10.0)
SEED = 0


def _shape(word: str) -> str:
    """Letters, digits and other characters as X/x/d/-, runs collapsed: ``Al-Nusra`` -> ``Xx-Xx``."""
    out = []
    for char in word:
        kind = "X" if char.isupper() else "x" if char.isalpha() else "d" if char.isdigit() else char
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


def token_features(tokens: list[str], i: int) -> dict[str, float]:
    """One-hot features of token ``i`` of a sentence and its neighbours."""
    word = tokens[i]
    feats = {"bias": 1.0, f"w={word.lower()}": 1.0, f"shape={_shape(word)}": 1.0,
             f"pre3={word[:3].lower()}": 1.0, f"suf3={word[-3:].lower()}": 1.0}
    for offset in (-2, -1, 1, 2):
        j = i + offset
        neighbour = tokens[j].lower() if 0 <= j < len(tokens) else ("<s>" if j < 0 else "</s>")
        feats[f"w{offset:+d}={neighbour}"] = 1.0
    if i == 0:
        feats["first"] = 1.0
    return feats


def repair_bio(tags: list[str]) -> list[str]:
    """Valid BIO: an ``I-T`` that does not continue a span of type ``T`` becomes ``B-T``."""
    out: list[str] = []
    for tag in tags:
        if tag.startswith("I-") and not (out and out[-1] != "O" and out[-1][2:] == tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


def _entities(tags: list[str]) -> set[tuple[str, int, int]]:
    from seqeval.metrics.sequence_labeling import get_entities

    return {(kind, start, end) for kind, start, end in get_entities(list(tags))}


def document_counts(rows: list[dict], column: str, predicted: list[list[str]]) -> dict[str, np.ndarray]:
    """Per document: (matched, predicted, gold) entity counts, as seqeval's CoNLL chunking finds them."""
    counts: dict[str, np.ndarray] = {}
    for row, tags in zip(rows, predicted):
        gold, pred = _entities(row[column]), _entities(tags)
        counts.setdefault(row["doc_id"], np.zeros(3, dtype=np.int64))
        counts[row["doc_id"]] += (len(gold & pred), len(pred), len(gold))
    return counts


def f1_interval(counts: dict[str, np.ndarray]) -> tuple[float, float] | None:
    """95% percentile bootstrap interval of entity F1, resampling documents."""
    if len(counts) < 2:
        return None
    table = np.stack(list(counts.values()))  # documents x (matched, predicted, gold)
    sums = multiplicities(len(table)) @ table
    matched, predicted, gold = sums[:, 0], sums[:, 1], sums[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(predicted + gold > 0, 2 * matched / (predicted + gold), 0.0)
    return percentile_interval(list(f1), RESAMPLES)


@cache
def _fingerprint(release: str) -> str:
    return fingerprint(release)


class _TokenRun:
    """One token config of one release: its splits' rows and where predictions go."""

    def __init__(self, release, task: str, scheme: str, out_dir: Path):
        self.release, self.task, self.scheme = release, task, scheme
        self.config = task + SCHEMES[scheme]
        self.column = TOKEN_TASKS[task][0]
        self.out_dir = out_dir / self.config
        self.rows = {s: read_rows(release, self.config, s) for s in available_splits(release, self.config)}

    def result(self, baseline: str, **kwargs) -> Result:
        return Result(self.config, self.scheme, baseline, rows={s: len(r) for s, r in self.rows.items()}, **kwargs)

    def score(self, split: str, predicted: list[list[str]], name: str) -> tuple[dict, str]:
        path = self.out_dir / f"{name}-{split}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [{"doc_id": r["doc_id"], "sentence_index": r["sentence_index"], self.column: tags}
                 for r, tags in zip(self.rows[split], predicted)]
        path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in lines), encoding="utf-8")
        outcome = evaluate(self.release, self.config, split, path, release_fingerprint=_fingerprint(str(self.release)))
        if not outcome.valid:  # our own predictions: a failure here is a bug, not bad input
            raise RuntimeError("; ".join(i.line() for i in outcome.issues))
        return outcome.result["scores"], str(path)

    def finish(self, name: str, predicted: list[list[str]], params: dict) -> Result:
        scores, path = self.score("test", predicted, name)
        interval = f1_interval(document_counts(self.rows["test"], self.column, predicted))
        key = "/".join(TOKEN_TASKS[self.task][1])
        return self.result(name, params=params, scores=scores, predictions=path, intervals={key: interval})


def _headline(task: str, scores: dict) -> float:
    for part in TOKEN_TASKS[task][1]:
        scores = scores[part]
    return scores


def _majority(run: _TokenRun) -> Result:
    counts = Counter(tag for row in run.rows["train"] for tag in row[run.column])
    tag = min(counts, key=lambda t: (-counts[t], t))
    predicted = [[tag] * len(row["tokens"]) for row in run.rows["test"]]
    return run.finish("majority", predicted, {"tag": tag})


def _featurize(rows: list[dict]) -> list[dict]:
    return [token_features(row["tokens"], i) for row in rows for i in range(len(row["tokens"]))]


def _split_back(rows: list[dict], flat: list[str]) -> list[list[str]]:
    out, at = [], 0
    for row in rows:
        out.append(repair_bio(flat[at:at + len(row["tokens"])]))
        at += len(row["tokens"])
    return out


def _tfidf_lr(run: _TokenRun) -> Result:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from threadpoolctl import threadpool_limits

    train, validation, test = (run.rows.get(s, []) for s in ("train", "validation", "test"))
    y = [tag for row in train for tag in row[run.column]]
    if len(set(y)) < 2:
        return run.result("tfidf-lr", status="skipped", reason="train has a single tag: nothing to learn")
    vectorizer = make_pipeline(DictVectorizer(), TfidfTransformer(sublinear_tf=True))
    x_train = vectorizer.fit_transform(_featurize(train))

    def predict(c: float, rows: list[dict]) -> list[list[str]]:
        if not rows:
            return []
        model = LogisticRegression(C=c, max_iter=300, random_state=SEED)
        with threadpool_limits(limits=1):  # tiny problems; threads only contend on a busy machine
            model.fit(x_train, y)
            return _split_back(rows, [str(t) for t in model.predict(vectorizer.transform(_featurize(rows)))])

    params: dict = {"C_grid": list(C_GRID)}
    if validation:
        tuned = {c: _headline(run.task, run.score("validation", predict(c, validation), f"tfidf-lr-C{c}")[0])
                 for c in C_GRID}
        params["C"] = max(C_GRID, key=lambda c: (tuned[c], -c))
        params["validation_f1"] = {str(c): v for c, v in tuned.items()}
    else:
        params["C"], params["note"] = 1.0, "no validation rows: C=1 untuned"
    return run.finish("tfidf-lr", predict(params["C"], test), params)


def run_token_config(release: str | Path, task: str, scheme: str, out_dir: Path,
                     baselines: tuple[str, ...] = TOKEN_BASELINES) -> list[Result]:
    """The token baselines named in ``baselines`` on one token task and split scheme."""
    run = _TokenRun(release, task, scheme, Path(out_dir))
    missing = [s for s in ("train", "test") if not run.rows.get(s)]
    results = []
    for name in (b for b in baselines if b in TOKEN_BASELINES):
        if missing:
            results.append(run.result(name, status="skipped", reason=f"no {missing[0]} rows in {run.config}"))
        else:
            results.append(_majority(run) if name == "majority" else _tfidf_lr(run))
    return results
