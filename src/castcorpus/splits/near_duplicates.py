"""Near-duplicate texts: republished wire copy and repeated records must share a split.

Each text becomes a set of lowercased word 5-grams (shingles). Shingles that occur in at
least ``boilerplate_min_texts`` distinct texts of one outlet are that outlet's page furniture
(share buttons, standard footers) and are left out, so that two articles of one outlet are not
taken for copies because both end with the same footer. A MinHash LSH index (``datasketch``)
proposes candidate pairs, and each candidate is measured exactly: a pair is kept when the
Jaccard similarity of the two shingle sets reaches ``threshold``. docs/splits.md says how the
threshold was chosen from the measured pairs.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

#: Word n-gram length of a shingle.
SHINGLE_WORDS = 5
#: A shingle in this many distinct texts of one outlet is boilerplate.
BOILERPLATE_MIN_TEXTS = 5
from .defaults import THRESHOLD  # noqa: F401 (least Jaccard similarity of a pair; re-exported)
#: MinHash permutations of the LSH index.
NUM_PERM = 256

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Text:
    """One document's text with what the method needs to know about it."""

    id: str
    outlet: str
    sha256: str
    text: str


def shingles(text: str, n: int = SHINGLE_WORDS) -> set[str]:
    """The lowercased word n-grams of ``text`` (the whole text when it has fewer than n words)."""
    words = _WORD.findall(text.lower())
    return {" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def _boilerplate(texts: list[Text], sets: dict[str, set[str]], min_texts: int) -> dict[str, set[str]]:
    counts: dict[str, Counter] = defaultdict(Counter)
    seen = set()
    for t in texts:
        if (t.outlet, t.sha256) not in seen:  # an exact duplicate is one text, not two
            seen.add((t.outlet, t.sha256))
            counts[t.outlet].update(sets[t.id])
    return {outlet: {s for s, n in c.items() if n >= min_texts} for outlet, c in counts.items()}


def jaccard(a: set[str], b: set[str]) -> float:
    """|a & b| / |a | b| (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def near_duplicate_pairs(texts: Iterable[Text], threshold: float = THRESHOLD,
                         min_texts: int = BOILERPLATE_MIN_TEXTS, num_perm: int = NUM_PERM) -> list[tuple[str, str, float]]:
    """``(a, b, jaccard)`` for every pair of documents at or above ``threshold``, a < b, sorted."""
    from datasketch import MinHash, MinHashLSH  # optional dependency: only this command needs it

    texts = sorted(texts, key=lambda t: t.id)
    raw = {t.id: shingles(t.text) for t in texts}
    boiler = _boilerplate(texts, raw, min_texts)
    sets = {t.id: (raw[t.id] - boiler[t.outlet]) or raw[t.id] for t in texts}
    # The LSH threshold sits below the kept one and its bands are weighted toward recall:
    # MinHash estimates err both ways, a missed pair is a leak while a false candidate only
    # costs one exact measurement. On the FA-KES texts this finds every pair an exact all-pairs
    # comparison finds (docs/splits.md).
    lsh = MinHashLSH(threshold=max(0.01, threshold * 0.5), num_perm=num_perm, weights=(0.05, 0.95))
    signatures = {}
    for doc_id, shingle_set in sets.items():
        m = MinHash(num_perm=num_perm, seed=1)
        m.update_batch([s.encode("utf-8") for s in shingle_set])
        signatures[doc_id] = m
        lsh.insert(doc_id, m)
    pairs = set()
    for doc_id, m in signatures.items():
        for other in lsh.query(m):
            if other != doc_id:
                a, b = sorted((doc_id, other))
                score = jaccard(sets[a], sets[b])
                if score >= threshold:
                    pairs.add((a, b, round(score, 4)))
    return sorted(pairs)


def registry(pairs: list[tuple[str, str, float]], documents: int, threshold: float = THRESHOLD,
             min_texts: int = BOILERPLATE_MIN_TEXTS, num_perm: int = NUM_PERM) -> dict:
    """The content of corpus/near-duplicates.json for these pairs."""
    return {"schema_version": "1.0", "license": "CC-BY-4.0",
            "method": {"shingle_words": SHINGLE_WORDS, "boilerplate_min_texts": min_texts, "threshold": threshold,
                       "num_perm": num_perm, "documents": documents},
            "pairs": [{"a": a, "b": b, "jaccard": score} for a, b, score in pairs]}


def similarity_histogram(texts: Iterable[Text], min_texts: int = BOILERPLATE_MIN_TEXTS,
                         width: float = 0.05) -> dict[float, int]:
    """How many pairs sharing at least one shingle fall in each Jaccard band (exact, all
    pairs: for choosing the threshold on a corpus of hundreds of texts, not for a large one)."""
    texts = sorted(texts, key=lambda t: t.id)
    raw = {t.id: shingles(t.text) for t in texts}
    boiler = _boilerplate(texts, raw, min_texts)
    sets = [(raw[t.id] - boiler[t.outlet]) or raw[t.id] for t in texts]
    bands: Counter = Counter()
    for i, a in enumerate(sets):
        for b in sets[i + 1:]:
            if not a.isdisjoint(b):
                bands[round(int(jaccard(a, b) / width) * width, 2)] += 1
    return dict(sorted(bands.items()))
