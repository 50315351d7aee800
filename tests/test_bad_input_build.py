"""Bad input that used to pass validation and then crash the build, or crash it outright:
each is now a located finding and the build stops before pyarrow sees it."""

from __future__ import annotations

import json

import pytest

from build_helpers import build, copy_minimal
from castcorpus.release.build import BuildError
from castcorpus.cli.main import main
from castcorpus.corpus.jsonio import load_json, lone_surrogates


def _cli(args, capsys):
    code = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def test_a_file_name_that_is_not_utf8_is_a_finding_not_a_crash_of_the_build(tmp_path, capsys):
    corpus = copy_minimal(tmp_path / "corpus")
    (corpus / "texts" / "caf\udce9.txt").write_bytes(b"x")  # the bytes b"caf\xe9.txt"
    code, out, _ = _cli(["build", str(corpus), "--out", str(tmp_path / "out"), "--no-progress"], capsys)
    assert code == 1
    assert "texts/caf\\xe9.txt:: document-id-invalid:" in out
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["value", "key"])
def test_a_lone_surrogate_stops_the_build_with_its_place(tmp_path, where):
    corpus = copy_minimal(tmp_path / "corpus")
    path = corpus / "actors.json"
    text = path.read_text(encoding="utf-8")
    if where == "value":
        text = text.replace('"name": "', '"name": "\\udc80', 1)
    else:
        text = text.replace('"name": "', '"n\\ud800ame": "', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(corpus, tmp_path / "out", tmp_path / "rows")
    found = [(i.file, i.pointer, i.code) for i in caught.value.report.issues]
    pointer = "/actors/0/name" if where == "value" else "/actors/0/n\\ud800ame"
    assert found == [("actors.json", pointer, "json-lone-surrogate")]


def test_lone_surrogates_are_found_anywhere_and_pairs_are_not(tmp_path):
    value = json.loads('{"a": [{"b~/": "\\ud83d\\ude00 fine"}, "x\\udfff"], "\\udc00": {"deep": [[["\\ud800"]]]}}')
    assert sorted(lone_surrogates(value)) == [("/a/1", "\udfff"), ("/\udc00", "\udc00"),
                                              ("/\udc00/deep/0/0/0", "\ud800")]
    # An escaped backslash before "ud800" is no escape of a surrogate: the file is fine.
    path = tmp_path / "f.json"
    path.write_text('{"a": "\\\\ud800 and \\ud83d\\ude00"}', encoding="utf-8")
    assert load_json(path, "f.json").ok


@pytest.mark.parametrize("command", ["validate", "build", "hydrate"])
def test_a_cache_path_that_is_a_file_is_a_clear_error(tmp_path, capsys, command):
    from build_helpers import MINIMAL

    cache = tmp_path / "cache"
    cache.write_text("not a folder", encoding="utf-8")
    args = {"validate": ["validate", str(MINIMAL), "--cache", str(cache)],
            "build": ["build", str(MINIMAL), "--out", str(tmp_path / "out"), "--cache", str(cache), "--no-progress"],
            "hydrate": ["hydrate", "fa-kes", "--from", str(tmp_path / "none.csv"), "--corpus", "corpus",
                        "--cache", str(cache)]}[command]
    code, _, err = _cli(args, capsys)
    assert code == 2 and f"{cache}: the cache path is not a folder" in err
    assert not (tmp_path / "out").exists()


def test_a_corpus_with_pipes_and_loops_is_refused_by_the_build_without_blocking(tmp_path, capsys):
    import os

    corpus = copy_minimal(tmp_path / "corpus")
    (corpus / "texts" / "alpha-shelling-report.txt").unlink()
    os.mkfifo(corpus / "texts" / "alpha-shelling-report.txt")
    (corpus / "documents" / "loop.json").symlink_to("loop.json")
    (corpus / "annotations" / "sub").symlink_to("sub")
    code, out, _ = _cli(["build", str(corpus), "--out", str(tmp_path / "out"), "--no-progress"], capsys)
    assert code == 1
    assert "texts/alpha-shelling-report.txt:: file-unreadable: not a regular file" in out
    assert "documents/loop.json:: file-symlink-loop:" in out
