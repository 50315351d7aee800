"""A build with nothing to skip and no state (forced, or the first) takes the inputs' digest
from the validator's own reads (:class:`castcorpus.release.uptodate.PassDigest`): the same value
as reading every input again, and always the bytes the release was built from, so that a file
changed or added while the build ran makes the next build run."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from build_helpers import HYDRATED, copy_minimal
from castcorpus.corpus.files import read_regular, watching_reads
from castcorpus.release import uptodate
from castcorpus.release.build import build_release
from castcorpus.release.uptodate import RECORD, inputs_digest, is_up_to_date

REPO = Path(__file__).resolve().parent.parent


def _build(corpus, out, **kwargs):
    return build_release(corpus, out, cache_dir=HYDRATED, repo_root=REPO, jobs=1, incremental=False, **kwargs)


def _recorded(out: Path) -> str:
    return json.loads((out / RECORD).read_text(encoding="utf-8"))["inputs_sha256"]


def _now(corpus: Path) -> str:
    return inputs_digest(corpus, HYDRATED, REPO)


def _after_the_pass(monkeypatch, change) -> list:
    """Run ``change()`` once the pass is over, just before the digest is taken; the digests taken."""
    calls = []
    taken = uptodate.PassDigest.digest

    def digest(self, *args, **kwargs):
        calls.append(self)
        change()
        return taken(self, *args, **kwargs)

    monkeypatch.setattr(uptodate.PassDigest, "digest", digest)
    return calls


@pytest.fixture
def corpus(tmp_path):
    return copy_minimal(tmp_path / "corpus")


def test_the_digest_from_the_pass_is_the_digest_of_the_inputs(corpus, tmp_path, monkeypatch):
    calls = _after_the_pass(monkeypatch, lambda: None)
    _build(corpus, tmp_path / "out")
    reads = calls[0].reads
    documents = sorted(p.name for p in (corpus / "documents").glob("*.json"))
    assert sorted(rel[len("documents/"):] for rel in reads.corpus if rel.startswith("documents/")) == documents
    assert reads.other and all(path.startswith(str(HYDRATED)) for path in reads.other)  # hydrated copies
    assert _recorded(tmp_path / "out") == _now(corpus)
    assert _build(corpus, tmp_path / "out").up_to_date  # the next build has nothing to do


def test_a_corpus_given_as_the_working_folder_gets_the_same_digest(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(corpus)
    calls = _after_the_pass(monkeypatch, lambda: None)
    build_release(".", tmp_path / "out", cache_dir=HYDRATED, repo_root=REPO, jobs=1, incremental=False)
    assert "actors.json" in calls[0].reads.corpus  # the pass's paths were recognised as the corpus's
    assert _recorded(tmp_path / "out") == inputs_digest(Path("."), HYDRATED, REPO)


def test_a_file_changed_after_the_pass_read_it_makes_the_next_build_run(corpus, tmp_path, monkeypatch):
    annotation = sorted((corpus / "annotations").glob("*.json"))[0]
    before = _now(corpus)
    edited = json.loads(annotation.read_text(encoding="utf-8"))
    edited["claims"][0]["proposition"] = "An edit made while the release was being written."

    _after_the_pass(monkeypatch, lambda: annotation.write_text(json.dumps(edited), encoding="utf-8"))
    _build(corpus, tmp_path / "out")
    assert _recorded(tmp_path / "out") == before  # what the release was built from
    assert not is_up_to_date(tmp_path / "out", _now(corpus))
    monkeypatch.undo()
    assert not _build(corpus, tmp_path / "out").up_to_date  # built again, with the edit


def test_a_file_added_after_the_listing_and_not_read_is_left_out(corpus, tmp_path, monkeypatch):
    before = _now(corpus)
    _after_the_pass(monkeypatch, lambda: (corpus / "notes.txt").write_text("added late", encoding="utf-8"))
    _build(corpus, tmp_path / "out")
    assert _recorded(tmp_path / "out") == before
    assert not is_up_to_date(tmp_path / "out", _now(corpus))


def test_a_file_the_pass_read_but_the_listing_missed_counts(corpus, tmp_path, monkeypatch):
    # A file that appears between the listing and the pass and that the pass reads counts with
    # the bytes read: made here by hiding it from the listing.
    listed = uptodate._files

    def without_actors(folder):
        return [entry for entry in listed(folder) if entry[0] != "actors.json"]

    monkeypatch.setattr(uptodate, "_files", without_actors)
    _after_the_pass(monkeypatch, lambda: None)
    _build(corpus, tmp_path / "out")
    monkeypatch.undo()
    assert _recorded(tmp_path / "out") == _now(corpus)


def test_a_build_that_may_be_up_to_date_reads_its_inputs_first(corpus, tmp_path, monkeypatch):
    _build(corpus, tmp_path / "out")
    calls = _after_the_pass(monkeypatch, lambda: None)
    assert _build(corpus, tmp_path / "out").up_to_date
    assert calls == []  # not forced and a release recorded: the digest came first, and matched


def test_watching_sees_only_the_reads_of_its_own_thread_and_block(tmp_path):
    mine, other = tmp_path / "mine", tmp_path / "other"
    mine.write_bytes(b"m")
    other.write_bytes(b"o")
    seen = []
    with watching_reads(lambda path, status, data: seen.append((path, status.st_size, data))):
        read_regular(mine)
        thread = threading.Thread(target=read_regular, args=(other,))
        thread.start()
        thread.join()
    read_regular(mine)
    assert seen == [(str(mine), 1, b"m")]


def test_builds_with_a_state_keep_the_digest_up_front(corpus, tmp_path, monkeypatch):
    calls = _after_the_pass(monkeypatch, lambda: None)
    summary = build_release(corpus, tmp_path / "out", cache_dir=HYDRATED, repo_root=REPO, jobs=1)
    assert calls == []  # the state keys documents by their hashes before the pass
    assert _recorded(summary.out_dir) == _now(corpus)
