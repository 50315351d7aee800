"""What a baseline run produces: :class:`Result`, shared by the sentence/claim/stance baselines
(:mod:`castcorpus.scoring.baselines`) and the token baselines (:mod:`castcorpus.scoring.token_baselines`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Result:
    """One baseline on one config: scores on test, or the reason it was skipped."""

    config: str
    scheme: str
    baseline: str
    status: str = "ok"
    reason: str = ""
    params: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)  # split -> number of rows
    test_seen_in_train: int = 0  # test inputs whose text also occurs in train (leakage hint)
    scores: dict = field(default_factory=dict)
    intervals: dict = field(default_factory=dict)  # "claim/f1" -> (low, high): 95% bootstrap over test documents
    predictions: str = ""


def value_at(scores: dict, path: tuple[str, ...]) -> float:
    """The number at ``path`` inside a scores dict."""
    for part in path:
        scores = scores[part]
    return scores
