"""Percentile bootstrap intervals over documents.

Items of one document (sentences, claims, stances, coded units) are not independent, so the
resampling unit is the document: each resample draws documents with replacement and pools their
items. Used for agreement figures and for baseline scores.
"""

from __future__ import annotations

from typing import Callable, Sequence, TypeVar

import numpy as np

RESAMPLES = 1000
SEED = 0
T = TypeVar("T")
S = TypeVar("S")


def multiplicities(n_documents: int, resamples: int = RESAMPLES, seed: int = SEED) -> np.ndarray:
    """How often each document is drawn in each resample (``resamples`` x ``n_documents``):
    the draws of :func:`document_interval`, for statistics computed from per-document sums."""
    rng = np.random.default_rng(seed)
    return np.stack([np.bincount(rng.integers(0, n_documents, n_documents), minlength=n_documents)
                     for _ in range(resamples)])


def percentile_interval(values: Sequence[float | None], resamples: int) -> tuple[float, float] | None:
    """95% percentile interval of the defined values; None when more than half are undefined."""
    defined = [v for v in values if v is not None and not np.isnan(v)]
    if len(defined) < resamples / 2:
        return None
    low, high = np.percentile(defined, [2.5, 97.5])
    return float(low), float(high)


def resampled(per_document: Sequence[Sequence[T]], statistic: Callable[[list[T]], S],
              resamples: int = RESAMPLES, seed: int = SEED) -> list[S] | None:
    """``statistic`` of the pooled items of each resample of the documents (the draws of
    :func:`multiplicities`), in order; None when fewer than two documents have items. One
    statistic may return several numbers (a scorer's whole report), each then read off the
    same resamples instead of scoring them again."""
    documents = [list(items) for items in per_document if items]
    if len(documents) < 2:
        return None
    return [statistic([item for k, times in enumerate(row) for _ in range(times) for item in documents[k]])
            for row in multiplicities(len(documents), resamples, seed)]


def document_interval(per_document: Sequence[Sequence[T]], statistic: Callable[[list[T]], float | None],
                      resamples: int = RESAMPLES, seed: int = SEED) -> tuple[float, float] | None:
    """95% percentile interval of ``statistic`` over the pooled items of resampled documents.

    None when fewer than two documents have items, or when the statistic is undefined (None or
    NaN) in more than half of the resamples.
    """
    values = resampled(per_document, statistic, resamples, seed)
    return None if values is None else percentile_interval(values, resamples)
