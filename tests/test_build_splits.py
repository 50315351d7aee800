"""Split assignment: stable hashes, groups kept together, adding documents moves nothing."""

from __future__ import annotations

import json
import shutil

import pyarrow.parquet as pq

from build_helpers import MINIMAL, build, copy_minimal
from castcorpus.splits import SPLITS, anchors, assign, bucket, group_keys, split_of
from castcorpus.texts import text_sha256


def test_bucket_is_stable_and_in_range():
    assert bucket("cluster:tel-karam-shelling") == bucket("cluster:tel-karam-shelling")
    assert all(0 <= bucket(f"text:{i}") < 100 for i in range(500))
    # Roughly 80/10/10 over many keys.
    counts = {s: 0 for s in SPLITS}
    for i in range(5000):
        counts[split_of(f"doc:{i}")] += 1
    assert 3800 < counts["train"] < 4200 and 350 < counts["validation"] < 650 and 350 < counts["test"] < 650


def test_shared_cluster_text_or_unit_keeps_documents_together():
    docs = [
        ("a", ["cluster:x", "text:1"]), ("b", ["cluster:x", "text:2"]),      # same cluster
        ("c", ["text:3", "unit:fa-kes:9"]), ("d", ["text:4", "unit:fa-kes:9"]),  # same unit id
        ("e", ["text:5"]), ("f", ["text:5"]),                                 # same text
        ("g", ["text:6"]),
    ]
    keys = group_keys(docs)
    assert keys["a"] == keys["b"] == "cluster:x"
    assert keys["c"] == keys["d"] == "text:3"
    assert keys["e"] == keys["f"] == "text:5"
    assert keys["g"] == "text:6"


def test_adding_documents_moves_nothing():
    before = [(f"d{i}", sorted([f"text:{i}", *([f"cluster:k{i % 7}"] if i % 3 == 0 else [])])) for i in range(300)]
    added = [("new-1", ["text:new-1"]),                         # unrelated
             ("new-2", ["cluster:k0", "text:new-2"]),           # joins a group with its key
             ("new-3", ["text:5"])]                             # repeats a text
    old, new = assign(before), assign(before + added)
    assert all(new[doc] == old[doc] for doc in old)
    assert new["new-2"] == old["d0"] and new["new-3"] == old["d5"]


def test_linking_two_groups_follows_the_smaller_key():
    # The documented limit: a document that links two groups merges them under the smaller key.
    before = [("a", ["cluster:aaa", "text:1"]), ("b", ["cluster:zzz", "text:2"])]
    after = group_keys(before + [("c", ["cluster:aaa", "cluster:zzz", "text:3"])])
    assert after["a"] == after["b"] == after["c"] == "cluster:aaa"


def test_anchors_of_a_document():
    meta = {"collection": "fa-kes", "text_sha256": "ab", "source_record": {"unit_id": "7"}}
    annotation = {"claims": [{"cluster": "z"}, {"cluster": None}, {"cluster": "z"}]}
    assert anchors(meta, annotation) == ["cluster:z", "text:ab", "unit:fa-kes:7"]


def _splits(release):
    table = pq.read_table(sorted((release / "data" / "raw").glob("*.parquet")), columns=["id", "split", "outlet_split"])
    return {row["id"]: (row["split"], row["outlet_split"]) for row in table.to_pylist()}


def _add_document(corpus, source_id, new_id, text=None):
    """Add a document: a copy of ``source_id`` (same text) or, with ``text``, an unannotated one."""
    meta = json.loads((corpus / "documents" / f"{source_id}.json").read_text(encoding="utf-8"))
    meta["id"] = new_id
    if text is None:
        shutil.copyfile(corpus / "texts" / f"{source_id}.txt", corpus / "texts" / f"{new_id}.txt")
        annotation = json.loads((corpus / "annotations" / f"{source_id}.json").read_text(encoding="utf-8"))
        annotation["document"] = new_id
        (corpus / "annotations" / f"{new_id}.json").write_text(json.dumps(annotation), encoding="utf-8")
    else:
        (corpus / "texts" / f"{new_id}.txt").write_text(text, encoding="utf-8")
        meta.update(text_sha256=text_sha256(text), text_length=len(text))
    (corpus / "documents" / f"{new_id}.json").write_text(json.dumps(meta), encoding="utf-8")


def test_rebuild_after_adding_documents_keeps_every_assignment(tmp_path):
    corpus = copy_minimal(tmp_path / "corpus")
    before = _splits(build(corpus, tmp_path / "out", tmp_path / "rows").out_dir)
    _add_document(corpus, "beta-ceasefire-talks", "beta-copy")
    _add_document(corpus, "alpha-shelling-report", "zeta-new", text="An invented sentence about nothing at all.\n")
    summary = build(corpus, tmp_path / "out", tmp_path / "rows")
    after = _splits(summary.out_dir)
    assert {doc: after[doc] for doc in before} == before
    assert after["beta-copy"][0] == before["beta-ceasefire-talks"][0]  # same text, same group
    assert set(after) == set(before) | {"beta-copy", "zeta-new"}
    assert summary.splits == after


def test_documents_sharing_a_cluster_share_a_split(tmp_path):
    summary = build(copy_minimal(tmp_path / "corpus"), tmp_path / "out", tmp_path / "rows")
    # alpha and beta both annotate cluster tel-karam-shelling.
    assert summary.splits["alpha-shelling-report"][0] == summary.splits["beta-ceasefire-talks"][0]
    # The outlet scheme follows the voice: beta republishes coastal-tribune, like gamma's outlet.
    assert summary.splits["beta-ceasefire-talks"][1] == summary.splits["gamma-aid-convoy"][1]


def test_splits_collected_during_validation_equal_the_corpus_reader_splits(repo):
    # The build takes its split assignment from the validator's pass; the datasheet and the
    # viewer read the corpus again. Both must give every document the same splits.
    from castcorpus.corpus import Corpus
    from castcorpus.splits import SplitCollector, corpus_splits
    from castcorpus.validate import validate

    for root in (repo / "corpus", MINIMAL):
        collector = SplitCollector()
        validate(root, on_document=lambda doc: collector.add(doc.meta, doc.annotation))
        expected = corpus_splits(Corpus(root))
        assert collector.splits() == expected and len(expected) > 1
