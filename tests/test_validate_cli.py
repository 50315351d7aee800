"""The validator's command line and library entry points: exit codes, --json, help, anchor/quote,
the real corpus, and the file-size guard."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from castcorpus.corpus import jsonio
from castcorpus.annotation.anchor import anchor_draft
from castcorpus.cli.main import command_names, main
from castcorpus.corpus.reader import CorpusError
from castcorpus.corpus.jsonio import MAX_TEXT_BYTES, load_json, read_limited
from castcorpus.validation.run import validate

VALID = Path(__file__).parent / "data" / "valid"
MINIMAL = VALID / "minimal"
HYDRATED = VALID / "hydrated"
ALPHA = "alpha-shelling-report"


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A private copy of the minimal corpus that a test may break."""
    root = tmp_path / "corpus"
    shutil.copytree(MINIMAL, root)
    return root


# --- validate: exit codes and output ---------------------------------------------------------

def test_valid_corpus_exits_0_and_prints_nothing(capsys):
    assert main(["validate", str(MINIMAL)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "valid" in err


def test_invalid_corpus_exits_1(corpus, capsys):
    (corpus / "notes.md").write_text("stray\n")
    assert main(["validate", str(corpus)]) == 1
    assert capsys.readouterr().out == "notes.md:: file-unexpected: not part of the corpus layout (a typo?)\n"


def test_missing_folder_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "not a folder" in err and "Traceback" not in err


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["validate", "--no-such-option"])
    assert exit_.value.code == 2


def test_no_command_exits_2(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_json_output_is_json_with_the_same_findings(corpus, capsys):
    (corpus / "notes.md").write_text("stray\n")
    (corpus / "texts" / "orphan-text.txt").write_text("An orphan.\n")
    assert main(["validate", str(corpus)]) == 1
    text_lines = capsys.readouterr().out.splitlines()
    assert main(["validate", str(corpus), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert report["files_checked"] > 0
    assert [f"{i['file']}:{i['pointer']}: {i['code']}: {i['message']}" for i in report["issues"]] == text_lines
    assert {i["code"] for i in report["issues"]} == {"file-unexpected", "text-orphan"}


def test_json_output_of_a_valid_corpus(capsys):
    assert main(["validate", str(MINIMAL), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {"valid": True, "files_checked": report["files_checked"], "issues": [],
                      "warnings": report["warnings"]}
    # The minimal corpus's gold files were made under older guidelines: warnings, not findings.
    assert {w["code"] for w in report["warnings"]} == {"guidelines-outdated"}


def test_hydrated_text_is_checked_against_its_hash(corpus, tmp_path, capsys):
    cache = tmp_path / "cache"
    shutil.copytree(HYDRATED, cache)
    text = cache / "test-external" / "texts" / "gamma-aid-convoy.txt"
    text.write_bytes(text.read_bytes().replace(b"Monday", b"Sunday"))
    assert main(["validate", str(corpus), "--cache", str(cache)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{text}:: text-hash-mismatch: ")


@pytest.mark.parametrize("command", command_names())
def test_every_subcommand_help_shows_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command.replace("_", "-"), "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "example:" in out and "castcorpus " in out.split("example:")[1]


def test_the_real_corpus_validates(corpus_root, capsys):
    code = main(["validate", str(corpus_root)])
    out = capsys.readouterr().out
    assert out == "" and code == 0, f"corpus/ does not validate:\n{out}"


def test_validate_raises_only_for_an_unusable_root(tmp_path):
    with pytest.raises(CorpusError):
        validate(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError):
        validate(tmp_path / "empty")


def test_non_utf8_file_name_is_reported_not_a_crash(corpus, capsys):
    bad = bytes(corpus / "documents") + b"/bad\xff.json"
    with open(bad, "wb") as handle:
        handle.write(b"{}")
    assert main(["validate", str(corpus)]) == 1
    out = capsys.readouterr().out
    assert out == ("documents/bad\\xff.json:: document-id-invalid: file name 'bad\\xff' is not a valid id "
                   "(lowercase ASCII slug, at most 64 characters)\n")


# --- the size guard --------------------------------------------------------------------------

def test_oversized_file_is_refused_without_being_read(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)

    def refuse(*args, **kwargs):
        raise AssertionError("an oversized file was read")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr("builtins.open", refuse)
    data, issues = read_limited(big, "big.txt", MAX_TEXT_BYTES)
    assert data is None
    assert [i.code for i in issues] == ["file-too-large"]


def test_json_limit_applies(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonio, "MAX_JSON_BYTES", 10)
    path = tmp_path / "a.json"
    path.write_text('{"key": "a long enough value"}')
    assert [i.code for i in load_json(path, "a.json").issues] == ["file-too-large"]


@pytest.mark.parametrize("content, code", [
    ("null", None), ('{"a": 1, "a": 2}', "json-duplicate-key"), ("[NaN]", "json-malformed"),
    ("[Infinity]", "json-malformed"), ("1" * 5000, "json-malformed"), ("[" * 100000, "json-malformed"),
    ("\ufeff{}", "json-bom"), ("{", "json-malformed"),
])
def test_load_json_problems(tmp_path, content, code):
    path = tmp_path / "f.json"
    path.write_text(content, encoding="utf-8")
    loaded = load_json(path, "f.json")
    assert [i.code for i in loaded.issues] == ([code] if code else [])
    assert loaded.ok is (code is None)


# --- anchor and quote ------------------------------------------------------------------------

def _draft(tmp_path, spans) -> Path:
    draft = json.loads((VALID / "drafts" / f"{ALPHA}.json").read_text(encoding="utf-8"))
    draft["actors"] = [{"actor": "civilians", "mentions": spans}]
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(draft), encoding="utf-8")
    return path


def test_anchor_writes_the_output(tmp_path, capsys):
    out = tmp_path / "sub" / "out.json"
    code = main(["anchor", str(_draft(tmp_path, [{"quote": "civilians"}])), "--corpus", str(MINIMAL), "--out", str(out)])
    assert code == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    text = (MINIMAL / "texts" / f"{ALPHA}.txt").read_text(encoding="utf-8")
    span = written["actors"][0]["mentions"][0]
    assert text[span["start"]:span["end"]] == span["text"] == "civilians"
    assert [p.name for p in out.parent.iterdir()] == ["out.json"], "no temporary file is left behind"


@pytest.mark.parametrize("quote, code", [({"quote": "the army"}, "quote-ambiguous"),
                                         ({"quote": "Wire Agency"}, "quote-missing"),
                                         ({"quote": "the army", "occurrence": 3}, "quote-occurrence-out-of-range"),
                                         ({"quote": " civilians"}, "quote-whitespace-edge"),
                                         ({"quote": "civilians", "occurrence": "1"}, "quote-malformed")])
def test_anchor_refuses_bad_quotes_and_writes_nothing(tmp_path, capsys, quote, code):
    out = tmp_path / "out.json"
    out.write_text("previous content\n")
    status = main(["anchor", str(_draft(tmp_path, [quote])), "--corpus", str(MINIMAL), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 1
    assert f": {code}: " in err and "/actors/0/mentions/0" in err
    assert out.read_text() == "previous content\n", "a refused draft must not touch the output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.json", "out.json"]


def test_anchor_of_an_external_document_needs_its_hydrated_text(tmp_path, capsys):
    draft = VALID / "drafts" / "gamma-aid-convoy.json"
    assert main(["anchor", str(draft), "--corpus", str(MINIMAL), "--cache", str(tmp_path / "empty")]) == 2
    assert "not hydrated" in capsys.readouterr().err
    assert main(["anchor", str(draft), "--corpus", str(MINIMAL), "--cache", str(HYDRATED)]) == 0
    anchored = json.loads(capsys.readouterr().out)
    assert "text" not in anchored["actors"][0]["mentions"][0], "no span text for a non-redistributable document"


def test_quote_prints_the_draft_back(capsys):
    assert main(["quote", str(MINIMAL / "annotations" / f"{ALPHA}.json"), "--corpus", str(MINIMAL)]) == 0
    printed = json.loads(capsys.readouterr().out)
    draft = json.loads((VALID / "drafts" / f"{ALPHA}.json").read_text(encoding="utf-8"))
    assert printed == {**draft, "text_sha256": printed["text_sha256"]}


def test_anchor_draft_reports_every_bad_quote():
    text = "one two one"
    _, issues = anchor_draft({"a": [{"quote": "one"}, {"quote": "three"}, {"quote": "two", "x": 1}]}, text, False)
    assert [(i.pointer, i.code) for i in issues] == [("/a/0", "quote-ambiguous"), ("/a/1", "quote-missing"),
                                                     ("/a/2", "quote-malformed")]
