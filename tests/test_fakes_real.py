"""FA-KES hydration against the real file in ../shared (read at run time, never committed)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from castcorpus.cli.main import main
from castcorpus.corpus.reader import Corpus, hydrated_text_path
from castcorpus.sources.fakes.reader import crlf_line_ends, document_ids, read_fakes
from castcorpus.sources.fakes.anomalies import anomalies, groups
from castcorpus.sources.fakes.audit import audit_markdown
from castcorpus.sources.fakes.documents import write_documents
from castcorpus.sources.fakes.hydrate import hydrate_fakes
from castcorpus.corpus.texts import decode_canonical, text_sha256
from castcorpus.validation.run import validate


@pytest.fixture(scope="module")
def real_bytes():
    from conftest import FAKES_CSV, need_shared
    return need_shared(FAKES_CSV).read_bytes()


@pytest.fixture(scope="module")
def rows(real_bytes):
    return read_fakes(real_bytes)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def oracle():
    """The counts the tests below state, found with another reader of the same file: pandas'
    CSV parser (C engine) over the bytes as Latin-1 (one character per byte, so that nothing
    fails to decode), with none of castcorpus's decoding. 804 articles is also the count the
    FA-KES paper gives (Salem et al., 2019, ICWSM)."""
    import pandas as pd

    from conftest import FAKES_CSV

    df = pd.read_csv(FAKES_CSV, encoding="latin-1", dtype=str, keep_default_na=False)

    def repeated(column):
        counts = df[column].value_counts()
        return len(counts[counts > 1]), int((counts[counts > 1] - 1).sum())

    def not_utf8(value):
        try:
            value.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            return True
        return False

    return {"rows": len(df), "unit_id": repeated("unit_id"), "text": repeated("article_content"),
            "ahram": int(df["source"].value_counts()["ahram"]), "sources": df["source"].nunique(),
            "label_conflicts": sum(len(g) > 1 and g["labels"].nunique() > 1
                                   for column in ("unit_id", "article_content") for _, g in df.groupby(column)),
            "fields_not_utf8": sum(not_utf8(v) for c in df.columns[1:6] for v in df[c]),
            "trailing_values": int(sum((df[c] != "").sum() for c in df.columns[7:]))}


def test_the_stated_counts_are_those_another_reader_finds(oracle):
    assert oracle == {"rows": 804, "unit_id": (9, 12), "text": (12, 15), "ahram": 149, "sources": 15,
                      "label_conflicts": 18, "fields_not_utf8": 53, "trailing_values": 2}


def test_rows_ids_and_duplicates(rows):
    # The counts: see the oracle fixture (pandas over the same file), checked above.
    assert len(rows) == 804
    assert [r.row for r in rows] == list(range(1, 805))
    by_id = groups(rows, lambda r: r.unit_id)
    assert len(by_id) == 9 and sum(len(g) - 1 for g in by_id) == 12  # 12 repeated occurrences
    by_text = groups(rows, lambda r: r.text)
    assert len(by_text) == 12 and sum(len(g) - 1 for g in by_text) == 15  # 15 duplicated texts
    ids = document_ids(rows)
    assert len(set(ids)) == 804
    assert sum(i.endswith(f"-r{r.row}") for i, r in zip(ids, rows)) == 21
    assert Counter(r.source for r in rows)["ahram"] == 149 and len({r.source for r in rows}) == 15


def test_decoding_is_deterministic_and_canonical(real_bytes, rows):
    assert read_fakes(real_bytes) == rows
    for row in rows:
        for field in (row.text, row.title):
            text, problems = decode_canonical(field.encode("utf-8"))
            assert text == field and not problems
    repairs = Counter(rep.sequence for r in rows for rep in r.repairs)
    assert repairs == {b"\x95\x81": 49, b"\x95_": 19, b"\x95\xb5": 3}
    assert sum(r.text.count("\ufffd") + r.title.count("\ufffd") for r in rows) == 71
    assert all(ch < "\x80" or ch == "\ufffd" for r in rows for ch in r.text + r.title)


def test_anomalies_are_reported(real_bytes, rows):
    # unit ids: 9 ids on 21 rows (12 repeats); texts: 15 repeats; 18 groups with both labels;
    # 53 fields that are not UTF-8; 2 trailing values: all from the oracle fixture above.
    found = Counter(i.code for i in anomalies(rows, document_ids(rows), crlf_line_ends(real_bytes)))
    assert found["fakes-unit-id-repeated"] == 21
    assert found["fakes-text-duplicated"] == 15
    assert found["fakes-label-conflict"] == 18
    assert found["fakes-encoding-repaired"] == 53
    assert found["fakes-text-short"] == 3
    assert found["fakes-trailing-column-value"] == 2
    assert found["fakes-crlf"] == 1 and found["fakes-debris"] > 100


def test_committed_documents_are_what_the_generator_writes(rows, corpus_root, tmp_path):
    ids = document_ids(rows)
    committed = {k: v for k, v in snapshot(corpus_root / "documents").items() if k.startswith("fa-kes-")}
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    result = write_documents(rows, ids, fresh, Corpus(corpus_root).outlets)
    assert sorted(result.written) == sorted(ids) and not result.unregistered_outlets
    # A fresh file is the committed one without the reviewed events, which the FA-KES file lacks.
    for doc_id in ids:
        meta = json.loads((corpus_root / "documents" / f"{doc_id}.json").read_text(encoding="utf-8"))
        assert meta.pop("reports_on")
        assert json.loads((fresh / f"{doc_id}.json").read_text(encoding="utf-8")) == meta
    # Over the committed files the generator changes nothing: it keeps each file's events.
    kept = tmp_path / "kept"
    shutil.copytree(corpus_root / "documents", kept)
    assert write_documents(rows, ids, kept, Corpus(corpus_root).outlets).written == []
    assert {k: v for k, v in snapshot(kept).items() if k.startswith("fa-kes-")} == committed


def test_hydration_writes_only_the_cache_and_every_hash_matches(fakes_csv, corpus_root, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_root, corpus)
    before = snapshot(corpus)
    cache = tmp_path / "cache"
    result = hydrate_fakes(fakes_csv, corpus, cache)
    assert result.ok and len(result.written) == 804
    assert snapshot(corpus) == before
    assert {p.relative_to(cache).parent.as_posix() for p in cache.rglob("*") if p.is_file()} == {"fa-kes/texts"}
    reader = Corpus(corpus, cache_dir=cache)
    for doc_id in result.written:
        meta = reader.meta(doc_id)
        text = hydrated_text_path(cache, "fa-kes", doc_id).read_bytes().decode("utf-8")
        assert text_sha256(text) == meta["text_sha256"] and len(text) == meta["text_length"]
    report = validate(corpus, cache_dir=cache)
    assert report.valid, report.lines()[:5]
    again = hydrate_fakes(fakes_csv, corpus, cache)
    assert again.written == [] and len(again.unchanged) == 804


def test_cli_hydrate_and_json(fakes_csv, corpus_root, tmp_path, capsys):
    cache = tmp_path / "cache"
    assert main(["hydrate", "fa-kes", "--from", str(fakes_csv), "--corpus", str(corpus_root),
                 "--cache", str(cache), "--json"]) == 0
    out = capsys.readouterr().out
    assert '"ok": true' in out and '"fakes-label-conflict"' in out
    # the copy in the cache is not there: without --from the command says how to pass it
    assert main(["hydrate", "fa-kes", "--corpus", str(corpus_root), "--cache", str(cache)]) == 2
    assert "--from PATH" in capsys.readouterr().err


def test_committed_audit_is_generated(real_bytes, repo):
    assert (repo / "docs" / "fa-kes-audit.md").read_text(encoding="utf-8") == audit_markdown(real_bytes)


def test_cli_audit_writes_the_same_page(fakes_csv, corpus_root, repo, tmp_path):
    out = tmp_path / "audit.md"
    assert main(["audit", "fa-kes", "--from", str(fakes_csv), "--corpus", str(corpus_root), "--out", str(out)]) == 0
    assert out.read_bytes() == (repo / "docs" / "fa-kes-audit.md").read_bytes()


def test_cli_hydrate_summarises_anomalies_by_code_unless_verbose(fakes_csv, corpus_root, tmp_path, capsys):
    cache = tmp_path / "cache"
    assert main(["hydrate", "fa-kes", "--from", str(fakes_csv), "--corpus", str(corpus_root), "--cache", str(cache)]) == 0
    out = capsys.readouterr().out
    counts = dict(re.findall(r"^  (fakes-[a-z-]+): (\d+)$", out, flags=re.M))
    # Far fewer lines than notes; the counts add up to every note the --verbose listing prints.
    assert len(out.splitlines()) < 20 and counts["fakes-label-conflict"] == "18"
    assert main(["hydrate", "fa-kes", "--from", str(fakes_csv), "--corpus", str(corpus_root), "--cache", str(cache),
                 "--verbose"]) == 0
    verbose = capsys.readouterr().out.splitlines()
    assert len(verbose) == sum(int(n) for n in counts.values())
    assert all(": fakes-" in line for line in verbose)
