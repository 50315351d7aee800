"""The metrics, as pure functions over gold and predicted values.

A missing prediction is passed as ``None`` and always counts as wrong: it is a false negative
for its gold class and a false positive for no class (so it lowers recall, accuracy and F1,
never another class's precision). Classification metrics come from scikit-learn, entity
metrics from seqeval; only span overlap (SemEval-2020 Task 11) is computed here, because no
maintained library implements it.
"""

from __future__ import annotations

import warnings
from typing import Sequence

from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

#: Stands for a missing prediction inside the label sequences handed to scikit-learn.
MISSING = "\0missing"


def _prf(precision: float, recall: float, f1: float, support: int | None = None) -> dict:
    out = {"precision": float(precision), "recall": float(recall), "f1": float(f1)}
    if support is not None:
        out["support"] = int(support)
    return out


def classification(gold: Sequence[str], pred: Sequence[str | None], labels: Sequence[str],
                   positive: str | None = None) -> dict:
    """Accuracy, macro-F1 and per-class precision / recall / F1 / support.

    ``labels`` gives the label order (the ClassLabel names); the macro average runs over the
    labels that occur in ``gold`` or ``pred`` (scikit-learn's default), so a class absent from
    a split neither helps nor hurts. With ``positive`` the result also has that class's scores
    under ``"positive"`` (0 when it occurs nowhere).
    """
    pred = [MISSING if p is None else p for p in pred]
    scored = [label for label in labels if label in set(gold) | set(pred)]
    out: dict = {"n": len(gold), "accuracy": _accuracy(gold, pred)}
    if scored:
        p, r, f, s = precision_recall_fscore_support(gold, pred, labels=scored, zero_division=0)
        out["per_class"] = {label: _prf(*values) for label, *values in zip(scored, p, r, f, s)}
        out["macro_f1"] = float(sum(f) / len(f))
    else:
        out["per_class"], out["macro_f1"] = {}, 0.0
    if positive is not None:
        # A class's scores do not depend on the other labels asked for: the positive class's
        # are its per-class entry (one scikit-learn call fewer, which the bootstrap makes a
        # thousand times), or zeros when it occurs nowhere.
        out["positive"] = {"label": positive, **out["per_class"].get(positive, _prf(0, 0, 0, 0))}
    return out


def _accuracy(gold: Sequence, pred: Sequence) -> float:
    return sum(g == p for g, p in zip(gold, pred)) / len(gold) if gold else 0.0


def confusion(gold: Sequence[str], pred: Sequence[str | None], labels: Sequence[str]) -> dict:
    """Confusion matrix: rows gold labels, columns predicted labels (plus ``missing`` when any
    prediction is missing), in ``labels`` order."""
    pred = [MISSING if p is None else p for p in pred]
    columns = list(labels) + ([MISSING] if MISSING in pred else [])
    matrix = confusion_matrix(gold, pred, labels=columns) if gold else [[0] * len(columns) for _ in columns]
    names = ["missing" if c == MISSING else c for c in columns]
    return {"labels": list(labels), "columns": names,
            "matrix": [[int(v) for v in row[:len(columns)]] for row in list(matrix)[:len(labels)]]}


def _merge(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans of one document merged into one (as the SemEval SI scorer does)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def spans(gold: dict[str, Sequence[tuple[int, int]]], pred: dict[str, Sequence[tuple[int, int]]]) -> dict:
    """Span identification scores over documents (``doc -> [(start, end)]``).

    ``exact``: a predicted span counts when a gold span of its document has the same offsets.
    ``partial`` (SemEval-2020 Task 11 SI): within each document, after merging overlapping
    spans, P = sum over predicted s and gold t of |s & t| / |s|, divided by the number of
    predicted spans; R the same with |t| over the number of gold spans; both summed over all
    documents before dividing. A measure with nothing to divide by is 0.
    """
    docs = set(gold) | set(pred)
    exact_hits = sum(len(set(gold.get(d, ())) & set(pred.get(d, ()))) for d in docs)
    n_gold = sum(len(set(gold.get(d, ()))) for d in docs)
    n_pred = sum(len(set(pred.get(d, ()))) for d in docs)
    p_sum = r_sum = 0.0
    m_gold = m_pred = 0
    for doc in docs:
        g, p = _merge(gold.get(doc, ())), _merge(pred.get(doc, ()))
        m_gold, m_pred = m_gold + len(g), m_pred + len(p)
        for s in p:
            for t in g:
                shared = _overlap(s, t)
                p_sum += shared / (s[1] - s[0])
                r_sum += shared / (t[1] - t[0])
    exact_p = exact_hits / n_pred if n_pred else 0.0
    exact_r = exact_hits / n_gold if n_gold else 0.0
    part_p = p_sum / m_pred if m_pred else 0.0
    part_r = r_sum / m_gold if m_gold else 0.0
    return {"exact": _prf(exact_p, exact_r, _f1(exact_p, exact_r)),
            "partial": _prf(part_p, part_r, _f1(part_p, part_r)),
            "gold_spans": n_gold, "predicted_spans": n_pred}


def entities(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict:
    """Entity-level precision / recall / F1 (seqeval, CoNLL-style chunking), micro over all
    entities and per entity type."""
    from seqeval.metrics import classification_report

    if not any(tag != "O" for tags in [*gold, *pred] for tag in tags):
        return {"overall": _prf(0, 0, 0, 0), "per_type": {}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # seqeval warns on classes with no prediction
        report = classification_report(list(map(list, gold)), list(map(list, pred)),
                                       output_dict=True, zero_division=0)
    micro = report.pop("micro avg")
    per_type = {kind: _prf(v["precision"], v["recall"], v["f1-score"], v["support"])
                for kind, v in report.items() if not kind.endswith(" avg")}
    return {"overall": _prf(micro["precision"], micro["recall"], micro["f1-score"], micro["support"]),
            "per_type": per_type}


def gold_mentions(tags: Sequence[str], keys: Sequence[str | None]) -> list[tuple[int, int, str | None]]:
    """``(first token, last token, actor key)`` of every gold entity of one sentence."""
    from seqeval.metrics.sequence_labeling import get_entities

    return [(start, end, keys[start]) for _, start, end in get_entities(list(tags))]


def linking(gold_tags: Sequence[Sequence[str]], gold_keys: Sequence[Sequence[str | None]],
            pred_keys: Sequence[Sequence[str | None] | None]) -> dict:
    """Actor linking accuracy: the share of gold mentions on every token of which the
    predicted actor key is the gold key (a missing row links nothing)."""
    total = correct = 0
    for tags, keys, predicted in zip(gold_tags, gold_keys, pred_keys):
        for first, last, key in gold_mentions(tags, keys):
            total += 1
            correct += predicted is not None and all(predicted[i] == key for i in range(first, last + 1))
    return {"accuracy": correct / total if total else 0.0, "mentions": total, "correct": correct}
