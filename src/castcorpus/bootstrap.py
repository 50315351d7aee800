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


def document_interval(per_document: Sequence[Sequence[T]], statistic: Callable[[list[T]], float | None],
                      resamples: int = RESAMPLES, seed: int = SEED) -> tuple[float, float] | None:
    """95% percentile interval of ``statistic`` over the pooled items of resampled documents.

    None when fewer than two documents have items, or when the statistic is undefined (None or
    NaN) in more than half of the resamples.
    """
    documents = [list(items) for items in per_document if items]
    if len(documents) < 2:
        return None
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        picked = rng.integers(0, len(documents), len(documents))
        value = statistic([item for k in picked for item in documents[k]])
        if value is not None and not np.isnan(value):
            values.append(value)
    if len(values) < resamples / 2:
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)
