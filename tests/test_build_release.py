"""The release as files: byte-identical rebuilds, atomic replacement, a cache that cannot be
stale, issues for mentions off token boundaries, the CLI and the extra-writer hook."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3

import pyarrow.parquet as pq
import pytest
from datasets import load_dataset
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCard

from build_helpers import HYDRATED, MINIMAL, build, copy_minimal, sums
from castcorpus.release import parquet
from castcorpus.release.build import BuildError, build_release
from castcorpus.cli.main import main


def _read(release, config):
    return pq.read_table(sorted((release / "data" / config).glob("*.parquet"))).to_pylist()


def _edit_annotation(corpus, doc_id, change):
    path = corpus / "annotations" / f"{doc_id}.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    change(annotation)
    path.write_text(json.dumps(annotation, indent=2), encoding="utf-8")


def test_two_builds_are_byte_identical(tmp_path):
    first = build(MINIMAL, tmp_path / "a", tmp_path / "rows")
    second = build(MINIMAL, tmp_path / "b", tmp_path / "rows")       # warm row cache
    third = build(MINIMAL, tmp_path / "c", tmp_path / "rows", row_cache=False)
    assert first.cache_misses > 0 and second.cache_hits == first.cache_misses and second.cache_misses == 0
    assert sums(tmp_path / "a") == sums(tmp_path / "b") == sums(tmp_path / "c")
    assert first.fingerprint == second.fingerprint == third.fingerprint
    listed = [line.split("  ", 1)[1] for line in sums(tmp_path / "a").splitlines()]
    assert "README.md" in listed and any(name.startswith("data/documents/train-") for name in listed)


def test_damaged_row_cache_entries_are_misses_and_change_nothing(tmp_path):
    first = build(MINIMAL, tmp_path / "a", tmp_path / "rows")
    with sqlite3.connect(tmp_path / "rows" / "rows.sqlite") as db:
        keys = [key for (key,) in db.execute("SELECT key FROM rows ORDER BY key")]
        assert len(keys) == first.cache_misses > 1
        entry = db.execute("SELECT entry FROM rows WHERE key = ?", (keys[0],)).fetchone()[0]
        db.execute("UPDATE rows SET entry = ? WHERE key = ?", (entry[:-7], keys[0]))  # torn
        db.execute("UPDATE rows SET entry = ? WHERE key = ?", (b"not an entry", keys[1]))
    db.close()
    second = build(MINIMAL, tmp_path / "b", tmp_path / "rows")
    assert (second.cache_hits, second.cache_misses) == (first.cache_misses - 2, 2)
    assert sums(tmp_path / "a") == sums(tmp_path / "b")


def test_a_row_cache_that_is_not_a_database_is_skipped_not_fatal(tmp_path):
    first = build(MINIMAL, tmp_path / "a", tmp_path / "rows-ok")
    (tmp_path / "rows").mkdir()
    (tmp_path / "rows" / "rows.sqlite").write_bytes(b"this is not SQLite" * 100)
    second = build(MINIMAL, tmp_path / "b", tmp_path / "rows")
    assert second.cache_hits == 0 and second.cache_misses == first.cache_misses
    assert sums(tmp_path / "a") == sums(tmp_path / "b")


@pytest.mark.parametrize("where", ["staging rows during the pass", "writing Parquet after it"])
def test_failed_build_leaves_previous_release_untouched(tmp_path, monkeypatch, where):
    from castcorpus.release import stage

    out = tmp_path / "out"
    build(MINIMAL, out, tmp_path / "rows")
    before = sums(out)
    calls = {"n": 0}
    owner, name = (stage.StagedConfig, "add_rows") if where.startswith("staging") else (parquet.ConfigWriter, "add_table")
    original = getattr(owner, name)

    def failing(self, *args):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("injected failure")
        return original(self, *args)

    monkeypatch.setattr(owner, name, failing)
    with pytest.raises(RuntimeError, match="injected"):
        build(MINIMAL, out, tmp_path / "rows", force=True)
    assert calls["n"] == 5
    assert sums(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.state", "out", "rows"]  # no staging folder left


def test_invalid_corpus_is_refused_with_its_report(tmp_path):
    out = tmp_path / "out"
    corpus = copy_minimal(tmp_path / "corpus")
    build(corpus, out, tmp_path / "rows")
    before = sums(out)
    _edit_annotation(corpus, "alpha-shelling-report", lambda a: a["claims"][0].update(type="rumour"))
    with pytest.raises(BuildError) as caught:
        build(corpus, out, tmp_path / "rows")
    assert not caught.value.report.valid
    assert any(i.file == "annotations/alpha-shelling-report.json" for i in caught.value.report.issues)
    assert sums(out) == before


def test_changed_annotation_changes_output_through_the_cache(tmp_path):
    corpus = copy_minimal(tmp_path / "corpus")
    build(corpus, tmp_path / "out", tmp_path / "rows")
    _edit_annotation(corpus, "alpha-shelling-report",
                     lambda a: a["claims"][0].update(proposition="An invented, edited proposition."))
    summary = build(corpus, tmp_path / "out", tmp_path / "rows")
    assert summary.cache_misses == 1  # only the edited document was derived again
    propositions = [r["proposition"] for r in _read(tmp_path / "out", "claims")]
    assert "An invented, edited proposition." in propositions


def test_rebuilt_release_never_loads_stale_from_a_warm_datasets_cache(tmp_path):
    corpus = copy_minimal(tmp_path / "corpus")
    out, hf_cache = tmp_path / "out", str(tmp_path / "hf")
    build(corpus, out, tmp_path / "rows")
    first = load_dataset(str(out), "claims", cache_dir=hf_cache)
    times = {p: (p.stat().st_atime_ns, p.stat().st_mtime_ns) for p in (out / "data").rglob("*.parquet")}
    # Same length, so that row counts and Arrow sizes in the card stay the same.
    _edit_annotation(corpus, "alpha-shelling-report",
                     lambda a: a["claims"][0].update(proposition=a["claims"][0]["proposition"].upper()))
    build(corpus, out, tmp_path / "rows")
    # Same paths and modification times, as after `cp -p`, `rsync -t` or unpacking an archive:
    # only the card's fingerprint tells datasets that the bytes changed.
    for path, (atime, mtime) in times.items():
        os.utime(path, ns=(atime, mtime))
    again = load_dataset(str(out), "claims", cache_dir=hf_cache)
    propositions = [r["proposition"] for split in again.values() for r in split]
    assert "SHELLING KILLED" in " ".join(propositions)
    assert first["train"].cache_files != again["train"].cache_files


def test_fingerprint_is_in_what_datasets_hashes(tmp_path):
    # datasets keys a local folder's cache on the card's dataset_info (and file mtimes), not
    # on the Parquet bytes; the fingerprint must survive datasets' own parsing of the card.
    summary = build(MINIMAL, tmp_path / "out", tmp_path / "rows")
    card = DatasetCard.load(tmp_path / "out" / "README.md")
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    assert set(infos) == set(summary.rows)
    assert all(summary.fingerprint in info.description for info in infos.values())


def test_fingerprint_is_what_sha256sum_gives_over_the_data_files(tmp_path):
    # The card says a user can recompute it: sha256sum of the Parquet files in path order,
    # hashed again. Recomputed here from the bytes, and checked against SHA256SUMS too.
    import hashlib

    out = tmp_path / "out"
    summary = build(MINIMAL, out, tmp_path / "rows")
    files = sorted(p.relative_to(out).as_posix() for p in (out / "data").rglob("*.parquet"))
    lines = "".join(f"{hashlib.sha256((out / f).read_bytes()).hexdigest()}  {f}\n" for f in files)
    assert summary.fingerprint == hashlib.sha256(lines.encode()).hexdigest()
    listed = dict(line.split("  ")[::-1] for line in (out / "SHA256SUMS").read_text().splitlines())
    assert all(listed[f] == hashlib.sha256((out / f).read_bytes()).hexdigest() for f in files)


def test_mention_off_token_boundaries_is_reported_not_shifted(tmp_path):
    corpus = copy_minimal(tmp_path / "corpus")

    def cut(annotation):  # "Opposition Council" -> "Opposition Counci": ends inside a token
        mention = annotation["actors"][2]["mentions"][0]
        mention["end"] -= 1
        mention["text"] = mention["text"][:-1]

    _edit_annotation(corpus, "beta-ceasefire-talks", cut)
    summary = build(corpus, tmp_path / "out", tmp_path / "rows")
    [issue] = [i for i in summary.issues if i.code == "mention-not-on-tokens"]
    assert issue.file == "annotations/beta-ceasefire-talks.json" and issue.pointer == "/actors/2/mentions/0"
    rows = [r for r in _read(tmp_path / "out", "actor_ner") if r["doc_id"] == "beta-ceasefire-talks"]
    keys = [k for r in rows for k in r["actor_keys"]]
    assert keys.count("opposition-council") == 3  # only the untouched mention, "The Opposition Council"


def test_extra_writer_files_are_checksummed(tmp_path):
    def croissant(staging, summary):
        (staging / "croissant.json").write_text(json.dumps({"fingerprint": summary.fingerprint}), encoding="utf-8")

    summary = build(MINIMAL, tmp_path / "out", tmp_path / "rows", extra_writers=[croissant])
    assert "croissant.json" in summary.files
    assert any(line.endswith("  croissant.json") for line in sums(tmp_path / "out").splitlines())


def test_cli_exit_codes(tmp_path, capsys):
    out, rows = str(tmp_path / "out"), str(tmp_path / "rows")
    args = ["--out", out, "--cache", str(HYDRATED), "--no-progress"]
    corpus = copy_minimal(tmp_path / "corpus")
    assert main(["build", str(corpus), *args]) == 0
    assert "documents: train" in capsys.readouterr().err
    (corpus / "texts" / "alpha-shelling-report.txt").unlink()
    assert main(["build", str(corpus), *args]) == 1
    assert "text-missing" in capsys.readouterr().out
    assert main(["build", str(tmp_path / "nowhere"), *args]) == 2
    assert not (tmp_path / "rows").exists() and not (HYDRATED / "rows").exists()


def test_card_reports_baselines_with_the_release_fingerprint(tmp_path):
    from castcorpus.release.build import build_release
    from castcorpus.scoring.card_baselines import write_card_section

    out = tmp_path / "rel"
    summary = build_release(MINIMAL, out, cache_dir=HYDRATED, row_cache=False, writers=[write_card_section])
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "## Baselines" in card
    assert summary.fingerprint[:16] in card.split("## Baselines", 1)[1]


def test_a_changed_hydrated_text_is_left_out_by_id_not_built(tmp_path):

    from castcorpus.release.build import build_release

    cache = tmp_path / "cache"
    shutil.copytree(HYDRATED, cache)
    text = next(cache.glob("*/texts/*.txt"))
    text.write_text(text.read_text(encoding="utf-8") + " Changed.", encoding="utf-8")
    summary = build_release(MINIMAL, tmp_path / "rel", cache_dir=cache, row_cache=False)
    reasons = dict(summary.left_out)
    assert text.stem in reasons and reasons[text.stem].startswith("text-hash-mismatch: SHA-256 of the text is")
    assert any(issue.code == "text-hash-mismatch" for issue in summary.issues)
    raw = pq.read_table(tmp_path / "rel" / "data" / "raw").column("id").to_pylist()
    assert text.stem not in raw and len(raw) > 0


def test_a_rebuild_with_nothing_changed_is_skipped_and_any_change_rebuilds(tmp_path):
    corpus = copy_minimal(tmp_path / "corpus")
    out = tmp_path / "out"
    first = build(corpus, out, tmp_path / "rows")
    assert not first.up_to_date
    again = build(corpus, out, tmp_path / "rows")
    assert again.up_to_date and again.fingerprint == first.fingerprint and again.rows == first.rows
    # a damaged release is rebuilt even with the same inputs
    damaged = next((out / "data" / "claims").glob("*.parquet"))
    damaged.write_bytes(b"not parquet")
    repaired = build(corpus, out, tmp_path / "rows")
    assert not repaired.up_to_date and repaired.fingerprint == first.fingerprint
    # a changed annotation is never served from the old release
    _edit_annotation(corpus, "alpha-shelling-report",
                     lambda a: a["claims"][0].update(proposition="A changed proposition."))
    changed = build(corpus, out, tmp_path / "rows")
    assert not changed.up_to_date and changed.fingerprint != first.fingerprint


@pytest.mark.parametrize("where", ["user-folder", "corpus", "inside-corpus", "parent-of-corpus"])
def test_build_refuses_an_output_folder_it_would_destroy(tmp_path, where):
    from castcorpus.release.folder import OutputFolderError

    corpus = copy_minimal(tmp_path / "repo" / "corpus")
    user = tmp_path / "notes"
    user.mkdir()
    (user / "notes.txt").write_text("keep me", encoding="utf-8")
    out = {"user-folder": user, "corpus": corpus, "inside-corpus": corpus / "annotations",
           "parent-of-corpus": tmp_path / "repo"}[where]
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    with pytest.raises(OutputFolderError):
        build(corpus, out, tmp_path / "rows")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before


def test_cli_row_cache_is_opt_in(tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(HYDRATED, cache)
    args = ["build", str(MINIMAL), "--cache", str(cache), "--no-progress"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert not (cache / "rows").exists()
    assert main([*args, "--out", str(tmp_path / "b"), "--row-cache"]) == 0
    assert (cache / "rows" / "rows.sqlite").is_file()
    assert sums(tmp_path / "a") == sums(tmp_path / "b")


def test_digest_follows_a_symlinked_documents_folder_to_the_hydrated_texts(tmp_path):
    # The build reads documents/ through the link; the up-to-date check must see what it reads.
    corpus, cache = copy_minimal(tmp_path / "corpus"), tmp_path / "cache"
    shutil.copytree(HYDRATED, cache)
    (corpus / "documents").rename(corpus / ".docs")
    (corpus / "documents").symlink_to(".docs", target_is_directory=True)
    first = build_release(corpus, tmp_path / "out", cache_dir=cache)
    assert not first.left_out
    for text in cache.glob("*/texts/*.txt"):
        text.unlink()
    second = build_release(corpus, tmp_path / "out", cache_dir=cache)
    assert not second.up_to_date and second.left_out


def test_row_cache_holds_no_write_transaction_between_batches(tmp_path):
    # Two builds may share a cache: one must not lock the file while it derives rows.
    from castcorpus.release.records import Records
    from castcorpus.release.rowcache import RowCache

    first, second = RowCache(tmp_path), RowCache(tmp_path)
    first.put("a" * 64, {"claims": Records("claims", [])}, [])
    assert not first._db.in_transaction
    for index in range(RowCache.BATCH):
        second.put(f"{index:064x}", {"claims": Records("claims", [(f"c{index}",)])}, [])
    first.close()
    second.close()
    reader = RowCache(tmp_path)
    assert reader.get("a" * 64) == ({"claims": Records("claims", [])}, [])
    assert reader.get(f"{7:064x}") == ({"claims": Records("claims", [("c7",)])}, [])
    reader.close()


def test_a_document_added_after_the_pass_is_not_built_and_the_next_build_sees_it(tmp_path, monkeypatch):
    # The build reads the corpus once: a document that appears after that pass is not in this
    # release, and the release's record (digest taken before the pass) does not claim it is.
    import castcorpus.release.build as build_module

    corpus = copy_minimal(tmp_path / "corpus")
    real_pass = build_module.derive_pass

    def pass_then_add(root, *args, **kwargs):
        result = real_pass(root, *args, **kwargs)
        source = sorted((corpus / "documents").glob("*.json"))[0]
        meta = json.loads(source.read_text(encoding="utf-8"))
        meta["id"] = "zz-late-arrival"
        (corpus / "documents" / "zz-late-arrival.json").write_text(json.dumps(meta), encoding="utf-8")
        return result

    monkeypatch.setattr(build_module, "derive_pass", pass_then_add)
    first = build(corpus, tmp_path / "out", tmp_path / "rows")
    assert "zz-late-arrival" not in first.splits
    monkeypatch.setattr(build_module, "derive_pass", real_pass)
    # The next build is not skipped as up to date: it reads the new document (whose text is
    # missing, so the corpus is refused, naming it).
    with pytest.raises(BuildError) as caught:
        build(corpus, tmp_path / "out", tmp_path / "rows")
    assert any("zz-late-arrival" in issue.file for issue in caught.value.report.issues)


def test_a_killed_builds_staging_folder_is_removed_by_the_next_build(tmp_path):
    # A build killed midway leaves its staging folder (with staged rows) beside the release;
    # the next build removes it when its process is gone, and leaves a running one's alone.
    import subprocess
    import sys

    out = tmp_path / "out"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".out.building-{gone.stdout.strip()}"
    (stale / ".rows").mkdir(parents=True)
    (stale / ".rows" / "claims.arrows").write_bytes(b"staged rows")
    (stale / ".castcorpus-staging").write_bytes(b"")  # the tag every staging folder carries
    alive = tmp_path / f".out.building-{os.getppid()}"
    alive.mkdir()
    build(MINIMAL, out, tmp_path / "rows")
    assert not stale.exists() and alive.exists() and (out / "SHA256SUMS").is_file()


def test_cli_counts_findings_by_code_and_lists_them_with_verbose(tmp_path, capsys):
    corpus = copy_minimal(tmp_path / "corpus")

    def cut(annotation):  # a mention that ends inside a token: one build finding
        mention = annotation["actors"][2]["mentions"][0]
        mention["end"] -= 1
        mention["text"] = mention["text"][:-1]

    _edit_annotation(corpus, "beta-ceasefire-talks", cut)
    args = ["build", str(corpus), "--cache", str(HYDRATED), "--no-progress", "--force"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    captured = capsys.readouterr()
    assert "mention-not-on-tokens: 1" in captured.err and "--verbose lists each" in captured.err
    assert "annotations/beta-ceasefire-talks.json:/actors/2/mentions/0" not in captured.out
    assert main([*args, "--out", str(tmp_path / "b"), "--verbose"]) == 0
    captured = capsys.readouterr()
    assert "annotations/beta-ceasefire-talks.json:/actors/2/mentions/0: mention-not-on-tokens:" in captured.out
    assert "by code" not in captured.err
