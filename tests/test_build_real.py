"""Building the real corpus (FA-KES hydrated from ../shared into a temporary cache).

One test, because hydrating and building the real corpus is the expensive part."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict

from datasets import load_dataset

from castcorpus.release.build import build_release
from castcorpus.sources.fakes.hydrate import hydrate_fakes


def _metas(corpus_root):
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus_root / "documents").glob("*.json"))]


def test_real_corpus_builds_and_loads(fakes_csv, corpus_root, tmp_path):
    hydrate_fakes(fakes_csv, corpus_root, tmp_path / "cache")
    summary = build_release(corpus_root, tmp_path / "cast-syria", cache_dir=tmp_path / "cache")
    release, metas = tmp_path / "cast-syria", _metas(corpus_root)
    assert summary.left_out == []

    # The dataset's own version and the ledger it was built from are named in card and Croissant.
    version = json.loads((corpus_root / "release.json").read_text(encoding="utf-8"))["version"]
    assert json.loads((release / "croissant.json").read_text(encoding="utf-8"))["version"] == version
    card = (release / "README.md").read_text(encoding="utf-8")
    ledger_sha = hashlib.sha256((corpus_root / "splits.json").read_bytes()).hexdigest()
    assert f"**Version {version}**" in card and ledger_sha in card
    # A self-contained release: every relative link of its Markdown files resolves inside it.
    from castcorpus.release.folder import linked_files
    for page in sorted(release.rglob("*.md")):
        for target in linked_files(page.read_text(encoding="utf-8")):
            assert (page.parent / target).resolve().is_file(), f"{page.relative_to(release)} links to missing {target}"
    assert (release / "docs" / "charts").is_dir() and (release / "docs" / "agreement.md").is_file()

    # The card says who annotated and how well two passes agree, with intervals.
    assert "language-model annotators" in card and "no human annotator has reviewed them" in card
    assert re.search(r"\| claims \| type \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+ to [\d.]+ \|", card)
    off_tokens = sum(i.code == "mention-not-on-tokens" for i in summary.issues)
    assert f"{off_tokens} gold actor mention(s) do not start and end on token boundaries" in card
    # The build's splits are the ledger's.
    ledger = json.loads((corpus_root / "splits.json").read_text(encoding="utf-8"))["documents"]
    assert summary.splits == {e["id"]: (e["standard"], e["by_outlet"]) for e in ledger}

    # raw: every document, FA-KES labels only for FA-KES, split column = split.
    raw = load_dataset(str(release), "raw", cache_dir=str(tmp_path / "hf-raw"))
    rows = [row for split in raw.values() for row in split]
    assert sorted(r["id"] for r in rows) == sorted(m["id"] for m in metas)
    fakes = [r for r in rows if r["collection"] == "fa-kes"]
    assert fakes and all(r["fakes_label"] in (0, 1) for r in fakes)
    assert all(r["fakes_label"] is None for r in rows if r["collection"] != "fa-kes")
    assert all(r["split"] == split for split, ds in raw.items() for r in ds)
    # credibility: one row per FA-KES article, its label FA-KES's own (0 fake, 1 credible), same split as raw.
    credibility = load_dataset(str(release), "credibility", cache_dir=str(tmp_path / "hf-cred"))
    names = credibility["train"].features["label"].names
    assert names == ["fake", "credible"]
    fakes_by_id = {r["id"]: (r["fakes_label"], r["split"]) for r in fakes}
    cred = {r["doc_id"]: (r["label"], split) for split, ds in credibility.items() for r in ds}
    assert cred == fakes_by_id

    # Identical texts and repeated FA-KES unit_ids share a split.
    groups = defaultdict(set)
    for meta in metas:
        split = summary.splits[meta["id"]][0]
        groups[("text", meta["text_sha256"])].add(split)
        if meta.get("source_record"):
            groups[("unit", meta["source_record"]["unit_id"])].add(split)
    assert all(len(splits) == 1 for splits in groups.values())
    assert len({key for key in groups if key[0] == "unit"}) < len(fakes)  # some unit_ids do repeat

    # The annotated configs hold exactly the annotated documents.
    annotated = sorted(p.stem for p in (corpus_root / "annotations").glob("*.json"))
    if annotated:
        docs = load_dataset(str(release), "documents", cache_dir=str(tmp_path / "hf-docs"))
        assert sorted(r["id"] for split in docs.values() for r in split) == annotated
    else:
        assert "documents" not in summary.rows
