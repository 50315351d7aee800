"""An incremental build (the default) writes the same bytes as a full build, and redoes only
what changed: after an edit, an added or a removed document, the documents derived again and
the config folders written again are few, and SHA256SUMS is that of a build from scratch."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_helpers import sums, synthetic_corpus
from castcorpus.release import incremental
from castcorpus.release.build import BuildError, build_release
from castcorpus.release.charts import chart_keys
from castcorpus.release.filerecords import RACY_NS, FileRecords, Record
from castcorpus.release.incremental import state_folder

REPO = Path(__file__).resolve().parent.parent
DOCS = 40


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A synthetic corpus (invented text) of DOCS documents."""
    return synthetic_corpus(DOCS, tmp_path_factory.mktemp("synthetic") / "corpus", seed=11)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    # Chunks of about 4 documents (at most 12), so that a 40-document corpus has several.
    monkeypatch.setattr(incremental, "CHUNK_MODULUS", 4)
    monkeypatch.setattr(incremental, "MAX_CHUNK", 12)


def _build(corpus: Path, out: Path, cache: Path, **kwargs):
    return build_release(corpus, out, cache_dir=cache, repo_root=REPO, jobs=1, **kwargs)


def _same_as_full(corpus: Path, tmp_path: Path, incremental_out: Path, cache: Path) -> None:
    full = tmp_path / "full"
    shutil.rmtree(full, ignore_errors=True)
    _build(corpus, full, cache, incremental=False)
    assert sums(incremental_out) == sums(full)
    assert not state_folder(full).exists()  # a build without state removes none and keeps none


def _ids(corpus: Path) -> list[str]:
    return sorted(p.stem for p in (corpus / "documents").glob("*.json"))


def _files_of(corpus: Path, doc_id: str) -> list[Path]:
    return [p for p in corpus.rglob(f"{doc_id}.*") if p.is_file()]


def _edit_claim(corpus: Path, doc_id: str, text: str = " (edited)") -> None:
    path = corpus / "annotations" / f"{doc_id}.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    annotation["claims"][0]["proposition"] += text
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2), encoding="utf-8")


def test_an_edit_rebuilds_little_and_gives_the_bytes_of_a_full_build(source, tmp_path):
    corpus, out, cache = shutil.copytree(source, tmp_path / "corpus"), tmp_path / "out", tmp_path / "cache"
    first = _build(corpus, out, cache)
    assert first.documents_derived == DOCS and state_folder(out).is_dir()
    annotated = sorted(p.stem for p in (corpus / "annotations").glob("*.json"))
    _edit_claim(corpus, annotated[len(annotated) // 2])
    second = _build(corpus, out, cache)
    assert 0 < second.documents_derived <= 12
    assert 0 < second.folders_written < first.folders_written  # the claims configs, not every config
    _same_as_full(corpus, tmp_path, out, cache)


@pytest.mark.parametrize("change", ["add", "remove"])
def test_adding_or_removing_a_document_gives_the_bytes_of_a_full_build(source, tmp_path, change):
    corpus, out, cache = shutil.copytree(source, tmp_path / "corpus"), tmp_path / "out", tmp_path / "cache"
    doc_id = _ids(corpus)[DOCS // 3]
    aside = tmp_path / "aside"
    if change == "add":  # build without the document first, then put it back
        for path in _files_of(corpus, doc_id):
            target = aside / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
    _build(corpus, out, cache)
    if change == "add":
        shutil.copytree(aside, corpus, dirs_exist_ok=True)
    else:
        for path in _files_of(corpus, doc_id):
            path.unlink()
    second = _build(corpus, out, cache)
    assert second.documents_derived < DOCS // 2  # the chunk that holds it (and its neighbour)
    _same_as_full(corpus, tmp_path, out, cache)


def test_a_registry_change_rederives_everything(source, tmp_path):
    corpus, out, cache = shutil.copytree(source, tmp_path / "corpus"), tmp_path / "out", tmp_path / "cache"
    _build(corpus, out, cache)
    actors = json.loads((corpus / "actors.json").read_text(encoding="utf-8"))
    actors["actors"][0]["name"] += " Renamed"
    (corpus / "actors.json").write_text(json.dumps(actors, ensure_ascii=False, indent=2), encoding="utf-8")
    second = _build(corpus, out, cache)
    assert second.documents_derived == DOCS
    _same_as_full(corpus, tmp_path, out, cache)


def test_a_failed_build_keeps_no_stale_state_in_use(source, tmp_path):
    corpus, out, cache = shutil.copytree(source, tmp_path / "corpus"), tmp_path / "out", tmp_path / "cache"
    _build(corpus, out, cache)
    doc_id = _ids(corpus)[5]
    text = corpus / "texts" / f"{doc_id}.txt"
    original = text.read_bytes()
    text.write_bytes(original + b" ")  # the hash no longer matches: a finding
    with pytest.raises(BuildError):
        _build(corpus, out, cache)
    text.write_bytes(original)
    assert _build(corpus, out, cache, force=True).documents_derived == DOCS  # force: no state used
    _edit_claim(corpus, sorted(p.stem for p in (corpus / "annotations").glob("*.json"))[0])
    assert _build(corpus, out, cache).documents_derived <= 12
    _same_as_full(corpus, tmp_path, out, cache)


def test_a_tampered_previous_shard_or_chart_is_written_again(source, tmp_path, small_groups):
    corpus, out, cache = shutil.copytree(source, tmp_path / "corpus"), tmp_path / "out", tmp_path / "cache"
    _build(corpus, out, cache)
    for tampered in (sorted((out / "data" / "raw").glob("*.parquet"))[0], out / "charts" / "claim-types.png"):
        tampered.write_bytes(tampered.read_bytes() + b"x")
    _edit_claim(corpus, sorted(p.stem for p in (corpus / "annotations").glob("*.json"))[1])
    _build(corpus, out, cache)
    _same_as_full(corpus, tmp_path, out, cache)


_EDITS = st.lists(st.tuples(st.integers(0, DOCS - 1), st.sampled_from(["proposition", "polarity", "cluster", "delete"])),
                  min_size=1, max_size=3)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=_EDITS)
def test_random_edits_give_the_bytes_of_a_full_build(source, tmp_path_factory, small_groups, edits):
    tmp_path = tmp_path_factory.mktemp("edits")
    corpus, out, cache = shutil.copytree(source, tmp_path / "corpus"), tmp_path / "out", tmp_path / "cache"
    _build(corpus, out, cache)
    annotated = sorted(p.stem for p in (corpus / "annotations").glob("*.json"))
    for index, kind in edits:
        doc_id = annotated[index % len(annotated)]
        path = corpus / "annotations" / f"{doc_id}.json"
        if not path.exists():
            continue
        annotation = json.loads(path.read_text(encoding="utf-8"))
        if kind == "delete":
            path.unlink()
            for passed in (corpus / "passes").glob(f"*/{doc_id}.json"):
                passed.unlink()
            continue
        if kind == "proposition":
            annotation["claims"][0]["proposition"] += " (edited)"
        elif kind == "polarity" and annotation["stances"]:
            stance = annotation["stances"][0]
            stance["polarity"] = "oppose" if stance["polarity"] != "oppose" else "support"
        elif kind == "cluster":  # moves the document to another group: splits may change
            annotation["claims"][0]["cluster"] = annotation["claims"][-1]["cluster"]
        path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2), encoding="utf-8")
    _build(corpus, out, cache)
    _same_as_full(corpus, tmp_path, out, cache)


def _same_size_edit(path: Path) -> None:
    """Change one character of a file, keeping its size and its mtime."""
    before = os.stat(path)
    data = path.read_bytes()
    index = data.index(b'"proposition": "') + len(b'"proposition": "')
    path.write_bytes(data[:index] + (b"Y" if data[index:index + 1] != b"Y" else b"Z") + data[index + 1:])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size and os.stat(path).st_mtime_ns == before.st_mtime_ns


@pytest.mark.parametrize("old_files", [False, True], ids=["racy", "settled"])
def test_a_same_size_same_mtime_edit_is_seen(source, tmp_path, old_files):
    corpus, out, cache = shutil.copytree(source, tmp_path / "corpus"), tmp_path / "out", tmp_path / "cache"
    if old_files:  # files older than the records: their records are trusted, and ctime shows the edit
        hour_ago = time.time_ns() - 3_600 * 10**9
        for path in corpus.rglob("*"):
            os.utime(path, ns=(hour_ago, hour_ago))
    _build(corpus, out, cache)
    annotated = sorted(p.stem for p in (corpus / "annotations").glob("*.json"))
    _same_size_edit(corpus / "annotations" / f"{annotated[0]}.json")
    second = _build(corpus, out, cache)
    assert not second.up_to_date and second.documents_derived > 0
    _same_as_full(corpus, tmp_path, out, cache)


def test_a_touched_identical_file_changes_nothing(source, tmp_path):
    corpus, out, cache = shutil.copytree(source, tmp_path / "corpus"), tmp_path / "out", tmp_path / "cache"
    _build(corpus, out, cache)
    os.utime(corpus / "documents" / f"{_ids(corpus)[0]}.json")  # now: a new mtime, the same bytes
    assert _build(corpus, out, cache).up_to_date


def test_a_racy_record_is_not_trusted(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("some bytes", encoding="utf-8")
    status = os.stat(path)
    stale = {"k": Record(status.st_size, status.st_mtime_ns, status.st_ino, status.st_ctime_ns, "0" * 64)}
    # Records taken just after the file was written: it may change again within the same tick.
    assert FileRecords(stale, status.st_mtime_ns + 1).known("k", status) is None
    # Taken well after: the same size, times and inode mean the same bytes.
    assert FileRecords(stale, status.st_mtime_ns + 3 * RACY_NS).known("k", status).sha256 == "0" * 64
    records = FileRecords(stale, 0)
    assert records.file_sha256("k", path) == hashlib.sha256(b"some bytes").hexdigest() and records.hashed == 1


_RECORDS = st.dictionaries(
    st.text(min_size=1, max_size=20),
    st.builds(Record, st.integers(0, 2**40), st.integers(0, 2**62), st.integers(0, 2**62), st.integers(0, 2**62),
              st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
              st.one_of(st.none(), st.text(max_size=10))),
    max_size=20)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(current=_RECORDS, taken=st.integers(0, 2**62))
def test_records_saved_are_the_records_loaded(tmp_path, current, taken):
    from castcorpus.release.filerecords import load_records

    records = FileRecords()
    records.taken, records.current = taken, dict(current)
    records.save(tmp_path / "records.pickle")
    loaded = load_records(tmp_path / "records.pickle")
    assert (loaded.previous, loaded.previous_taken) == (current, taken)
    assert all(type(record) is Record for record in loaded.previous.values())


@pytest.mark.parametrize("saved", [
    ({"k": None}, 1),  # the records of an older format: a dict
    (1, [], []),  # too few columns
    (1, ["k"], [[1]] * 5),
    (1, ["k", "j"], [[1]] * 6),  # columns shorter than the keys
    (1.5, [], [[]] * 6),  # not a time in nanoseconds
], ids=["older-format", "no-columns", "five-columns", "short-columns", "float-time"])
def test_unreadable_records_are_no_records(tmp_path, saved):
    import pickle

    from castcorpus.release.filerecords import load_records

    for content in (pickle.dumps(saved), b"not a pickle", b""):
        (tmp_path / "records.pickle").write_bytes(content)
        loaded = load_records(tmp_path / "records.pickle")
        assert loaded.previous == {} and loaded.previous_taken == 0


@pytest.fixture
def small_groups(monkeypatch):
    # Shard groups of a few chunks (6 to 20 documents), so that a 40-document corpus has several.
    monkeypatch.setattr(incremental, "GROUP_MODULUS", 2)
    monkeypatch.setattr(incremental, "MIN_GROUP", 6)
    monkeypatch.setattr(incremental, "MAX_GROUP", 20)


def _inodes(release: Path) -> dict[str, int]:
    return {p.relative_to(release).as_posix(): p.stat().st_ino for p in (release / "data").rglob("*.parquet")}


def _new_shards(before: dict[str, int], release: Path) -> list[str]:
    """The shards of ``release`` that are not links of a shard of the previous release."""
    old = set(before.values())
    return sorted(rel for rel, inode in _inodes(release).items() if inode not in old)


def _one_group_written(before: dict[str, int], out: Path, summary) -> None:
    new = _new_shards(before, out)
    assert 0 < len(new) == summary.shards_written
    folders_and_splits = [(rel.split("/")[1], rel.split("/")[2].split("-")[0]) for rel in new]
    assert len(folders_and_splits) == len(set(folders_and_splits))  # one group: one shard per split at most


@pytest.mark.parametrize("change", ["edit", "add", "remove"])
def test_a_change_rewrites_the_shards_of_one_group(source, tmp_path, small_groups, change):
    corpus, out, cache = shutil.copytree(source, tmp_path / "corpus"), tmp_path / "out", tmp_path / "cache"
    # Not a document that closes a group: adding or removing one of those joins or parts two groups.
    doc_id = _ids(corpus)[DOCS // 3]
    aside = tmp_path / "aside"
    if change == "add":  # built first without the document
        for path in _files_of(corpus, doc_id):
            target = aside / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
    first = _build(corpus, out, cache)
    assert len(list((out / "data" / "raw").glob("train-*.parquet"))) > 1  # several groups
    before = _inodes(out)
    if change == "edit":
        annotated = sorted(p.stem for p in (corpus / "annotations").glob("*.json"))
        _edit_claim(corpus, annotated[len(annotated) // 2])
    elif change == "add":
        shutil.copytree(aside, corpus, dirs_exist_ok=True)
    else:
        for path in _files_of(corpus, doc_id):
            path.unlink()
    charts = {p.name: p.stat().st_ino for p in (out / "charts").glob("*.png")}
    second = _build(corpus, out, cache)
    _one_group_written(before, out, second)
    assert second.shards_written < first.shards_written
    # A chart is drawn again exactly when its counts changed (a claim's text: none of them).
    before_keys, after_keys = chart_keys(first.stats), chart_keys(second.stats)
    kept = {rel for rel in after_keys if after_keys[rel] == before_keys[rel]}
    # An added or removed document: the outlets chart changes, the distinct actors' types do not.
    assert len(charts) == 6 and (kept == set(after_keys) if change == "edit"
                                 else "charts/outlets-splits.png" not in kept and "charts/actor-types.png" in kept)
    assert {f"charts/{p.name}" for p in (out / "charts").glob("*.png") if p.stat().st_ino == charts[p.name]} == kept
    _same_as_full(corpus, tmp_path, out, cache)


def test_charts_of_another_code_are_not_reused(source, tmp_path, monkeypatch):
    # The charts' keys cover their counts; the code that drew them is the state's code key.
    import castcorpus.release.build as build

    corpus, out, cache = shutil.copytree(source, tmp_path / "corpus"), tmp_path / "out", tmp_path / "cache"
    _build(corpus, out, cache)
    charts = {p.name: p.stat().st_ino for p in (out / "charts").glob("*.png")}
    monkeypatch.setattr(build, "code_digest", lambda: "another version of the package")
    _edit_claim(corpus, sorted(p.stem for p in (corpus / "annotations").glob("*.json"))[0])  # the same counts
    _build(corpus, out, cache)
    assert len(charts) == 6 and all(p.stat().st_ino != charts[p.name] for p in (out / "charts").glob("*.png"))


def test_statistics_counted_per_group_are_those_of_the_files(source, tmp_path, small_groups):
    from castcorpus.release.card import config_order
    from castcorpus.release.card_statistics import split_statistics, statistics_section
    from castcorpus.release.stats import release_stats

    out = tmp_path / "out"
    summary = _build(source, out, tmp_path / "cache")
    assert len(list((out / "data" / "documents").glob("train-*.parquet"))) > 1
    assert summary.stats == release_stats(out)  # distinct actors counted once across groups
    patterns = {folder.name: {p.name.split("-")[0]: f"data/{folder.name}/{p.name.split('-')[0]}-*.parquet"
                              for p in folder.glob("*.parquet")} for folder in (out / "data").iterdir()}
    read_back = statistics_section(split_statistics(out, patterns), config_order(summary.rows))
    assert read_back in (out / "README.md").read_text(encoding="utf-8")


def test_the_agreement_section_is_that_of_the_passes(source, tmp_path):
    from castcorpus.annotation.agreement import card_section, corpus_agreement
    from castcorpus.corpus.reader import Corpus

    corpus, out, cache = shutil.copytree(source, tmp_path / "corpus"), tmp_path / "out", tmp_path / "cache"
    _build(corpus, out, cache)
    passed = sorted((corpus / "passes").glob("*/*.json"))
    assert passed  # the synthetic corpus has independent passes
    data = json.loads(passed[0].read_text(encoding="utf-8"))
    data["claims"][0]["check_worthy"] = not data["claims"][0]["check_worthy"]  # a label the figures compare
    passed[0].write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    _build(corpus, out, cache)  # figures of the other documents from the state, this one's again
    assert card_section(corpus_agreement(Corpus(corpus))) in (out / "README.md").read_text(encoding="utf-8")
    _same_as_full(corpus, tmp_path, out, cache)


def test_document_keys_from_the_digests_listing_equal_those_from_each_file(source, tmp_path):
    # The keys take each file's kind from the listing the inputs' digest made; looking at each
    # file instead (path_kind) must give the same keys: plain files, a text that is a link, an
    # annotation that is a folder, a link out of the corpus, missing pass files.
    from castcorpus.release.uptodate import inputs_digest, path_kind

    corpus = tmp_path / "corpus"
    shutil.copytree(source, corpus, symlinks=True)
    ids = sorted(p.stem for p in (corpus / "documents").glob("*.json"))
    outside = tmp_path / "elsewhere.txt"
    outside.write_bytes((corpus / "texts" / f"{ids[0]}.txt").read_bytes())
    (corpus / "texts" / f"{ids[0]}.txt").unlink()
    (corpus / "texts" / f"{ids[0]}.txt").symlink_to(outside)
    (corpus / "annotations" / f"{ids[1]}.json").unlink(missing_ok=True)
    (corpus / "annotations" / f"{ids[1]}.json").mkdir()
    pass_folders = sorted(p for p in (corpus / "passes").iterdir() if p.is_dir()) if (corpus / "passes").is_dir() else []
    hashes, kinds = {}, {}
    inputs_digest(corpus, tmp_path / "cache", REPO, (), hashes, FileRecords(), kinds)
    assert kinds[f"texts/{ids[0]}.txt"].startswith(b"link:") and kinds[f"annotations/{ids[1]}.json"] == b"other"
    listed = incremental.BuildState(tmp_path / "a", "code", corpus, tmp_path / "cache", hashes, kinds=kinds)
    looked = incremental.BuildState(tmp_path / "b", "code", corpus, tmp_path / "cache", hashes)
    paths = sorted((corpus / "documents").glob("*.json"))
    assert [listed.doc_key(p, pass_folders) for p in paths] == [looked.doc_key(p, pass_folders) for p in paths]
    assert path_kind(str(corpus / "annotations" / "no-such-document.json")) == b"absent"
