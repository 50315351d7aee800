"""Bad FA-KES inputs: clear errors naming the row or document, nothing half-written.

Bad files are made at run time, from invented text or by mutating a temporary copy of the
real file; none is committed.
"""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from castcorpus.cli.main import main
from castcorpus.corpus.reader import hydrated_text_path
from castcorpus.sources.fakes.reader import FakesFormatError, document_ids, read_fakes
from castcorpus.sources.fakes.hydrate import HydrateError, collection_file, hydrate_fakes, read_verified

HEADER = b"unit_id,article_title,article_content,source,date,location,labels,,,,\r\n"


def invented(*records: bytes) -> bytes:
    return HEADER + b"".join(records)


GOOD = b'101,Invented headline,"Invented body, with a comma.",sana,4/5/2017,idlib,1,,,,\r\n'


def test_invented_file_reads():
    rows = read_fakes(invented(GOOD, GOOD.replace(b"101", b"102")))
    assert [r.unit_id for r in rows] == ["101", "102"]
    assert rows[0].date.isoformat() == "2017-04-05" and rows[0].label == 1
    assert document_ids(rows) == ["fa-kes-101", "fa-kes-102"]


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"\r\n\r\n", "empty"),
    (b"name,age\r\nx,1\r\n", "row 0 (header): column(s) unit_id"),
    (HEADER.replace(b"location,", b""), "column(s) location missing"),
    (HEADER, "no data rows"),
    (invented(GOOD, b'102,Headline,"Body cut off in the mid'), "row 2: not valid CSV"),
    (invented(GOOD, b"102,Headline,Body,sana"), "row 2: has 4 columns"),
    (invented(GOOD[:-2]), "row 1: the last record has no line end"),
    (invented(GOOD.replace(b",1,,,,", b",yes,,,,")), "row 1 (unit_id 101): label 'yes'"),
    (invented(GOOD.replace(b"4/5/2017", b"2017-04-05")), "row 1 (unit_id 101): date"),
    (invented(GOOD.replace(b"101", b"1a")), "row 1: unit_id '1a'"),
    (invented(GOOD.replace(b"sana", b"Al Sana")), "row 1 (unit_id 101): source"),
])
def test_unusable_files_name_the_row(data, message):
    with pytest.raises(FakesFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_fakes(data)


def test_missing_column_in_a_copy_of_the_real_file(fakes_csv):
    records = list(csv.reader(io.StringIO(fakes_csv.read_bytes().decode("latin-1"), newline="")))
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([r[:5] + r[6:] for r in records])
    with pytest.raises(FakesFormatError, match="location missing"):
        read_fakes(out.getvalue().encode("latin-1"))


def test_truncated_real_file_is_refused_before_anything_is_written(fakes_csv, corpus_root, tmp_path, capsys):
    bad = tmp_path / "FA-KES-Dataset.csv"
    bad.write_bytes(fakes_csv.read_bytes()[:700_000])
    cache = tmp_path / "cache"
    assert main(["hydrate", "fa-kes", "--from", str(bad), "--corpus", str(corpus_root), "--cache", str(cache)]) == 2
    err = capsys.readouterr().err
    assert "not the published FA-KES-Dataset.csv" in err and "700000 bytes" in err
    assert not cache.exists()
    with pytest.raises(FakesFormatError, match=r"row \d+: "):
        read_fakes(bad.read_bytes())


def test_empty_file_is_refused(corpus_root, tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(HydrateError, match="0 bytes"):
        read_verified(empty, collection_file(corpus_root))
    assert main(["hydrate", "fa-kes", "--from", str(empty), "--corpus", str(corpus_root),
                 "--cache", str(tmp_path / "cache")]) == 2
    assert "empty.csv" in capsys.readouterr().err


def test_changed_text_is_reported_by_document_and_not_written(fakes_csv, corpus_root, tmp_path):
    data = fakes_csv.read_bytes()
    rows = read_fakes(data)
    target = 10  # row 10: change one letter of its text, keep every other byte
    ids = document_ids(rows)
    records = data.split(b"\r\n")
    line = records[target]
    at = line.index(b",", line.index(b",") + 1) + 5  # inside article_content
    changed = line[:at] + (b"Q" if line[at:at + 1] != b"Q" else b"R") + line[at + 1:]
    records[target] = changed
    bad = tmp_path / "changed.csv"
    bad.write_bytes(b"\r\n".join(records))
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_root, corpus)
    cache = tmp_path / "cache"
    with pytest.raises(HydrateError):  # the checksum catches it first
        hydrate_fakes(bad, corpus, cache)
    result = hydrate_fakes(bad, corpus, cache, verify=False)  # later stage: per-document check
    assert [(e.code, e.file) for e in result.errors] == [("text-hash-mismatch", f"documents/{ids[target - 1]}.json")]
    assert ids[target - 1] in result.errors[0].message and "row 10" in result.errors[0].message
    assert not hydrated_text_path(cache, "fa-kes", ids[target - 1]).exists()
    assert len(result.written) == 803


def test_mismatching_document_fails_the_cli(fakes_csv, corpus_root, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_root, corpus)
    doc = corpus / "documents" / "fa-kes-1914947530.json"
    doc.write_text(doc.read_text(encoding="utf-8").replace('"text_length": ', '"text_length": 1'), encoding="utf-8")
    extra = corpus / "documents" / "fa-kes-1.json"
    extra.write_text(doc.read_text(encoding="utf-8").replace("fa-kes-1914947530", "fa-kes-1"), encoding="utf-8")
    cache = tmp_path / "cache"
    assert main(["hydrate", "fa-kes", "--from", str(fakes_csv), "--corpus", str(corpus), "--cache", str(cache),
                 "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "documents/fa-kes-1914947530.json:/text_length: text-length-mismatch" in out
    assert "documents/fa-kes-1.json:: document-not-in-source" in out
    assert not hydrated_text_path(cache, "fa-kes", "fa-kes-1914947530").exists()


def test_a_row_error_names_the_file_as_well_as_the_row(corpus_root, tmp_path):
    bad = tmp_path / "copy.csv"
    bad.write_bytes(invented(GOOD, b"102,Headline,Body,sana\r\n"))
    with pytest.raises(FakesFormatError) as caught:
        hydrate_fakes(bad, corpus_root, tmp_path / "cache", verify=False)
    assert str(caught.value).startswith(f"{bad}: row 2: has 4 columns")
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_source_that_is_not_a_regular_file_is_refused_without_reading(corpus_root, tmp_path, kind):
    # In a child process with a time limit: a regression would block on the pipe, not hang the suite.
    import os
    import subprocess
    import sys
    from pathlib import Path

    source = tmp_path / "FA-KES-Dataset.csv"
    os.mkfifo(source) if kind == "fifo" else source.mkdir()
    script = Path(sys.executable).parent / "castcorpus"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "castcorpus.cli.main"]
    result = subprocess.run([*command, "hydrate", "fa-kes", "--from", str(source), "--corpus", str(corpus_root),
                             "--cache", str(tmp_path / "cache")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{source}: not a regular file" in result.stderr


def test_a_damaged_byte_sequence_is_recorded_with_its_column_and_replacement():
    from castcorpus.sources.fakes.reader import Repair

    rows = read_fakes(invented(GOOD.replace(b"Invented body", b"Invented \x95\x81body")))
    assert rows[0].text == "Invented \ufffdbody, with a comma."
    assert rows[0].repairs == (Repair("article_content", b"\x95\x81", "\ufffd"),)


def test_anomalies_of_an_invented_file_by_hand():
    from castcorpus.sources.fakes.anomalies import anomalies, groups
    from castcorpus.sources.fakes.reader import crlf_line_ends

    # Rows 1 and 2 share a unit id with opposite labels; rows 1 and 3 share a text and a label;
    # row 4 shares nothing. By hand: 2 repeated unit ids, 1 duplicated text (row 3), 1 conflict.
    data = invented(GOOD, GOOD.replace(b",1,,,,", b",0,,,,").replace(b"Invented body", b"Other body"),
                    GOOD.replace(b"101", b"103"), GOOD.replace(b"101", b"104").replace(b"Invented body", b"Third body"))
    rows = read_fakes(data)
    ids = document_ids(rows)
    assert groups(rows, lambda r: r.unit_id) == [[0, 1]] and groups(rows, lambda r: r.text) == [[0, 2]]
    found = [(i.pointer, i.code) for i in anomalies(rows, ids, crlf_line_ends(data))
             if i.code in ("fakes-crlf", "fakes-unit-id-repeated", "fakes-text-duplicated", "fakes-label-conflict")]
    assert found == [("", "fakes-crlf"), ("/1/unit_id", "fakes-unit-id-repeated"), ("/2/unit_id", "fakes-unit-id-repeated"),
                     ("/3/article_content", "fakes-text-duplicated"), ("/1/labels", "fakes-label-conflict")]
    # Opposite labels on one text are a conflict too.
    rows = read_fakes(invented(GOOD, GOOD.replace(b"101", b"105").replace(b",1,,,,", b",0,,,,")))
    conflicts = [i for i in anomalies(rows, document_ids(rows), False) if i.code == "fakes-label-conflict"]
    assert [(i.pointer, i.message.split(":")[0]) for i in conflicts] == [
        ("/1/labels", "rows with the same text have opposite labels")]


def test_the_audit_of_an_invented_file_says_how_its_lines_end():
    from castcorpus.sources.fakes.audit import audit_markdown

    crlf = invented(GOOD, GOOD.replace(b"101", b"102"))
    assert "- Line ends: CRLF on every line\n" in audit_markdown(crlf)
    assert "- Line ends: not all CRLF\n" in audit_markdown(crlf.replace(b"\r\n", b"\n"))
