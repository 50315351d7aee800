"""The synthetic corpus generator (scripts/synth_corpus.py) writes corpora the validator accepts."""

from __future__ import annotations

import json

import pytest

from build_helpers import synth_module
from castcorpus.validation.run import validate



@pytest.fixture(scope="module")
def synth():
    with synth_module() as module:
        yield module


def test_generated_corpus_is_valid(synth, tmp_path):
    root = synth.write_corpus(50, tmp_path / "corpus", seed=3)
    report = validate(root, cache_dir=tmp_path / "cache")
    assert report.lines() == []
    assert len(list((root / "annotations").glob("*.json"))) == 50
    assert list((root / "passes" / "annotator-2").glob("*.json"))


def test_documents_have_about_twenty_annotations(synth, tmp_path):
    root = synth.write_corpus(20, tmp_path / "corpus")
    chain_lengths, targets = set(), set()
    for path in (root / "annotations").glob("*.json"):
        annotation = json.loads(path.read_text(encoding="utf-8"))
        mentions = sum(len(entry["mentions"]) for entry in annotation["actors"])
        total = mentions + len(annotation["claims"]) + len(annotation["stances"])
        assert 10 <= total <= 45
        chain_lengths |= {len(claim["attribution"]) for claim in annotation["claims"]}
        targets |= {next(iter(stance["target"])) for stance in annotation["stances"]}
    assert chain_lengths == {1, 2, 3}   # author claims, reported claims, nested attribution
    assert targets == {"actor", "claim"}


def test_same_seed_same_bytes(synth, tmp_path):
    first = synth.write_corpus(5, tmp_path / "a", seed=7)
    second = synth.write_corpus(5, tmp_path / "b", seed=7)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes()
