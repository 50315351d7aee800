"""Split assignment by stable hashes, so that adding a document never moves another.

Two schemes:

* ``split`` (the standard configs): documents are grouped so that no event or text leaks
  across splits. Each document has *anchors*: ``event:<key>`` for every event it reports
  (``reports_on``), ``cluster:<key>`` for every claim cluster it annotates, ``text:<sha256>``
  for its text and ``unit:<collection>:<unit_id>`` for the record id of an external source
  (FA-KES repeats unit_ids). Documents that share an anchor, or that are a near-duplicate pair
  (corpus/near-duplicates.json), are in one group (transitively); a group's key is its
  smallest anchor, and ``sha256(key) mod 100`` picks the split (0-69 train, 70-84
  validation, 85-99 test).
* ``outlet_split`` (the ``*_by_outlet`` configs): whole outlets are held out. The outlet is
  the document's voice (the original outlet of a republication, else the publishing outlet);
  ``sha256("outlet:" + key) mod 100`` picks the split (0-69 train, 70-84 validation, 85-99
  test; wider held-out bands because there are few outlets).

A corpus with a split ledger (corpus/splits.json, :mod:`castcorpus.splits.ledger`) takes every split
from the ledger; the hash rule then only places documents new to the ledger whose group has no
document in it yet.

Limits (of the rule alone): a document's split depends only on its own group, so a new document moves nothing
unless it joins an existing group *and* brings an anchor that sorts before the group's key,
or links two existing groups into one; then the merged group follows the smallest key (the
documents of the other group move, so that the event still does not leak). A change of a
document's text changes its ``text:`` anchor and may move it.
"""

from __future__ import annotations

from typing import Any, Iterable

#: Split names in card order.
SPLITS = ("train", "validation", "test")
#: Upper bucket bounds (exclusive) of train and validation for each scheme.
DOCUMENT_BANDS = (70, 85)
OUTLET_BANDS = (70, 85)


def bucket(key: str) -> int:
    """A stable bucket 0..99 for ``key`` (first 8 bytes of its SHA-256)."""
    import hashlib  # here: `castcorpus --help` imports this module, and hashlib loads OpenSSL

    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % 100


def split_of(key: str, bands: tuple[int, int] = DOCUMENT_BANDS) -> str:
    """The split a group key falls in."""
    value = bucket(key)
    return SPLITS[0] if value < bands[0] else SPLITS[1] if value < bands[1] else SPLITS[2]


def voice_outlet(meta: dict[str, Any]) -> str:
    """The outlet whose voice a document is: the original outlet of a republication."""
    return (meta.get("republication") or {}).get("original_outlet") or meta["outlet"]


def outlet_split(meta: dict[str, Any]) -> str:
    """The split of a document in the outlet hold-out scheme."""
    return split_of(f"outlet:{voice_outlet(meta)}", OUTLET_BANDS)


def anchors(meta: dict[str, Any], annotation: dict[str, Any] | None) -> list[str]:
    """The keys that tie a document to others that must share its split."""
    keys = [f"text:{meta['text_sha256']}"]
    keys.extend(f"event:{key}" for key in meta.get("reports_on", []))
    record = meta.get("source_record")
    if record:
        keys.append(f"unit:{meta['collection']}:{record['unit_id']}")
    for claim in (annotation or {}).get("claims", []):
        for key in [claim.get("cluster"), *claim.get("other_clusters", [])]:
            if key:
                keys.append(f"cluster:{key}")
    return sorted(set(keys))


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller anchor becomes the root, so a root is its group's key.
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def group_keys(doc_anchors: Iterable[tuple[str, list[str]]],
               linked: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """Group key of every document, from ``(doc_id, anchors)`` pairs and pairs of document
    ids that must share a group (near-duplicates; pairs naming an unknown id are ignored)."""
    uf = _UnionFind()
    firsts = {}
    for doc_id, keys in doc_anchors:
        for key in keys:
            uf.union(keys[0], key)
        firsts[doc_id] = keys[0]
    for a, b in linked:
        if a in firsts and b in firsts:
            uf.union(firsts[a], firsts[b])
    return {doc_id: uf.find(first) for doc_id, first in firsts.items()}


def assign(doc_anchors: Iterable[tuple[str, list[str]]], linked: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """The split of every document in the standard scheme, by the hash rule."""
    return {doc_id: split_of(key) for doc_id, key in group_keys(doc_anchors, linked).items()}


def corpus_splits(corpus) -> dict[str, tuple[str, str]]:
    """Both splits of every document of a :class:`~castcorpus.corpus.reader.Corpus` (standard, by
    outlet): the ledger's when the corpus has one, else the hash rule's, from one light pass
    over metadata and annotations: the one assignment the build, the datasheet and the
    viewer all use."""
    return corpus_collector(corpus).splits(corpus.near_duplicate_pairs, corpus.ledger)


class SplitCollector:
    """Collects what split assignment needs of each document (its anchors and outlet split),
    one document at a time; :meth:`splits` then gives what :func:`corpus_splits` gives."""

    def __init__(self):
        self.pairs: list[tuple[str, list[str]]] = []
        self.by_outlet: dict[str, str] = {}
        self.voices: dict[str, str] = {}

    def add(self, meta: dict, annotation: dict | None) -> None:
        """Record one document (its metadata and gold annotation, if any)."""
        self.by_outlet[meta["id"]] = outlet_split(meta)
        self.voices[meta["id"]] = voice_outlet(meta)
        self.pairs.append((meta["id"], anchors(meta, annotation)))

    def absorb(self, other: "SplitCollector") -> None:
        """Take in what another collector (a chunk checked elsewhere, in id order) recorded."""
        self.pairs.extend(other.pairs)
        self.by_outlet.update(other.by_outlet)
        self.voices.update(other.voices)

    def groups(self, linked: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
        """Group key of every document recorded (``linked``: near-duplicate pairs)."""
        return group_keys(self.pairs, linked)

    def splits(self, linked: Iterable[tuple[str, str]] = (),
               ledger: dict[str, dict[str, Any]] | None = None) -> dict[str, tuple[str, str]]:
        """``(split, outlet_split)`` by document id: from ``ledger`` (entries by id) when
        given, for the documents it lists; by the hash rule otherwise."""
        if ledger is not None:
            return {doc_id: (ledger[doc_id]["standard"], ledger[doc_id]["by_outlet"])
                    for doc_id, _ in self.pairs if doc_id in ledger}
        standard = assign(self.pairs, linked)
        return {doc_id: (standard[doc_id], self.by_outlet[doc_id]) for doc_id in standard}


def corpus_collector(corpus) -> SplitCollector:
    """A :class:`SplitCollector` holding every document of a corpus, in id order."""
    collector = SplitCollector()
    for doc_id in corpus.document_ids():
        collector.add(corpus.meta(doc_id), corpus.annotation(doc_id))
    return collector
