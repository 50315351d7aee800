"""The catalogue of issue codes (castcorpus.issue_codes) is complete and every code has a case.

The source is read with :mod:`ast`: every kebab-case string constant in ``src/castcorpus`` is
an issue code unless :data:`NOT_CODES` says it is something else (a config name, a CSS class,
a debris kind). A new code therefore fails :func:`test_every_code_in_the_source_is_catalogued`
until it is catalogued, with a case that shows it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from castcorpus import issue_codes
from castcorpus.issue_codes import CODES, ERROR, SCHEMA_FAMILY, WARNING, lookup
from castcorpus.report import Issue

REPO = Path(__file__).resolve().parent.parent
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
#: Kebab-case strings of the source that are not issue codes.
NOT_CODES = {
    "utf-8", "utf-32-le", "latin-1", "sloppy-windows-1252",  # encodings
    "fa-kes", "cast-syria", "cast-seed", "duran-2018-04-russian-airstrikes-damascus",  # names and ids
    "near-duplicates", "coverage-exceptions", "partial-date", "source-record", "wikidata-review",  # schema kinds, formats
    "schema-doc", "error-codes", "link-wikidata", "two-mode", "tfidf-lr", "minilm-lr", "scikit-learn",
    "f1-score",  # commands, baselines
    "actor-type", "claim-type", "k-mention", "k-claim", "k-cue", "k-evidence", "font-size",  # viewer CSS
    "actor-types", "claim-types", "stance-polarity", "check-worthiness", "outlets-splits",  # chart names
    "check-worthy", "multi-outlet", "date-released", "repository-code", "discourse-networks", "fact-checking",
    "named-entity-recognition", "text-classification", "token-classification",  # card and Croissant words
    "copyright-line", "last-update-stamp", "read-more-related", "share-print-buttons", "social-follow",
    "standards-footer", "tags-footer", "view-counter",  # kinds of FA-KES page debris
    "label-studio", "region-selected",  # an interop format, a Label Studio config value
}


def _source_strings() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (REPO / "src" / "castcorpus").rglob("*.py"):
        if path.name == "issue_codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEBAB.match(node.value):
                found.setdefault(node.value, set()).add(path.relative_to(REPO).as_posix())
    return found


def _golden_codes() -> set[str]:
    codes = set()
    for folder in ("invalid", "predictions-invalid", "inception-invalid"):
        for expected in (REPO / "tests" / "data" / folder).glob("*/expected.txt"):
            codes |= set(re.findall(r"^[^\n]*?: ([a-z0-9]+(?:-[a-z0-9]+)+): ", expected.read_text(encoding="utf-8"), re.M))
    return codes


def test_every_code_in_the_source_is_catalogued():
    missing = {code: sorted(files) for code, files in _source_strings().items()
               if code not in NOT_CODES and lookup(code) is None}
    assert missing == {}, "add these codes to src/castcorpus/issue_codes.py (or, if not codes, to NOT_CODES)"


def test_not_codes_are_still_in_the_source():
    # An entry that is gone from the source would hide a code that comes to be spelt the same.
    assert NOT_CODES - set(_source_strings()) == set()


def test_every_code_the_golden_cases_show_is_catalogued():
    assert {code for code in _golden_codes() if lookup(code) is None} == set()


def test_entries_are_well_formed():
    codes = [entry.code for entry in CODES]
    assert len(codes) == len(set(codes))
    for entry in CODES:
        assert entry.code == SCHEMA_FAMILY or KEBAB.match(entry.code), entry.code
        assert entry.severity in (ERROR, WARNING)
        assert set(entry.commands.split(", ")) <= set(issue_codes.COMMANDS), entry.code
        assert entry.description.endswith(".") and "\n" not in entry.description


@pytest.mark.parametrize("entry", CODES, ids=lambda entry: entry.code)
def test_every_catalogued_code_has_a_case_that_shows_it(entry):
    shown = "schema-" if entry.code == SCHEMA_FAMILY else entry.code
    if "::" in entry.case:
        file, test = entry.case.split("::")
        source = (REPO / file).read_text(encoding="utf-8")
        assert re.search(rf"^def {test}\(", source, re.M), f"{entry.case}: no such test"
        assert shown in source, f"{entry.case} does not mention {shown}"
    else:
        expected = (REPO / entry.case / "expected.txt").read_text(encoding="utf-8")
        assert f": {shown}" in expected, f"{entry.case}/expected.txt does not show {shown}"


def test_docs_errors_md_is_generated_from_the_catalogue():
    assert (REPO / "docs" / "errors.md").read_text(encoding="utf-8") == issue_codes.markdown()


def test_the_command_writes_the_catalogue(tmp_path, capsys):
    from castcorpus.cli.main import main

    assert main(["error-codes", "--out", str(tmp_path / "errors.md")]) == 0
    assert (tmp_path / "errors.md").read_text(encoding="utf-8") == issue_codes.markdown()
    assert main(["error-codes"]) == 0
    assert capsys.readouterr().out == issue_codes.markdown()


# --- cases of the codes that no other test shows ----------------------------------------------

def test_token_views_report_spans_they_cannot_tag():
    from castcorpus.corpus.segment import segmentation
    from castcorpus.release.token_rows import claim_span_rows, ner_rows

    text = "The council met. The army left."
    segmented = segmentation(text)
    assert len(segmented.sentences) == 2
    crossing = {"start": 4, "end": 25}  # "council met. The army": over the sentence boundary
    off_tokens = {"start": 4, "end": 10}  # "counci": ends inside a token
    annotation = {"actors": [{"actor": "council", "mentions": [crossing]}],
                  "claims": [{"id": "c1", "span": off_tokens}, {"id": "c2", "span": crossing}]}
    _, issues = ner_rows(annotation, text, segmented, {"council": "government"}, {}, "a.json")
    assert [i.code for i in issues] == ["mention-crosses-sentence"]
    _, issues = claim_span_rows(annotation, text, segmented, {}, "a.json")
    assert [(i.code, i.pointer) for i in issues] == [("claim-not-on-tokens", "/claims/0/span"),
                                                     ("claim-crosses-sentence", "/claims/1/span")]


def test_a_build_without_matplotlib_has_no_charts(tmp_path, monkeypatch):
    from castcorpus.release import charts
    from castcorpus.release.build import BuildSummary

    def no_matplotlib(*args):
        raise ImportError("No module named 'matplotlib'", name="matplotlib")

    monkeypatch.setattr(charts, "draw", no_matplotlib)
    summary = BuildSummary(out_dir=tmp_path)
    charts.write_charts(tmp_path, summary)
    assert [i.code for i in summary.issues] == ["charts-skipped"]


def test_the_card_says_why_it_has_no_baselines(tmp_path, monkeypatch):
    from castcorpus.release.build import BuildSummary
    from castcorpus.scoring import baselines, card_baselines

    def failing(*args, **kwargs):
        raise RuntimeError("injected")

    summary = BuildSummary(out_dir=tmp_path, rows={"sentences": {"train": 3}})
    monkeypatch.setattr(card_baselines, "MAX_SENTENCE_ROWS", 2)
    card_baselines.write_card_section(tmp_path, summary)  # too many rows: not even tried
    monkeypatch.setattr(card_baselines, "MAX_SENTENCE_ROWS", 10)
    monkeypatch.setattr(baselines, "run_all", failing)
    card_baselines.write_card_section(tmp_path, summary)  # the baselines fail: the card says so
    assert [i.code for i in summary.issues] == ["baselines-skipped", "baselines-skipped"]
    assert "too many" in summary.issues[0].message and "not computed" in summary.issues[1].message


def test_hydration_names_documents_it_cannot_check(tmp_path):
    from castcorpus.sources.fakes.hydrate import _mismatch
    from castcorpus.sources.fakes.reader import read_fakes

    [row] = read_fakes(b"unit_id,article_title,article_content,source,date,location,labels,,,,\r\n"
                       b'101,Invented headline,"Invented body.",sana,4/5/2017,idlib,1,,,,\r\n')
    assert _mismatch(row, "fa-kes-101", tmp_path).code == "document-missing"
    (tmp_path / "fa-kes-101.json").write_text('{"id": "fa-kes-101"}', encoding="utf-8")
    assert _mismatch(row, "fa-kes-101", tmp_path).code == "document-unusable"


def test_trailing_columns_of_the_fakes_file_are_reported():
    from castcorpus.sources.fakes.anomalies import anomalies
    from castcorpus.sources.fakes.reader import read_fakes

    rows = read_fakes(b"unit_id,article_title,article_content,source,date,location,labels,,,,\r\n"
                      b'101,Invented headline,"Invented body.",sana,4/5/2017,idlib,1,,,,\r\n')
    found = anomalies(rows, ["fa-kes-101"], crlf=False)
    assert Issue("FA-KES-Dataset.csv", "/0", "fakes-trailing-columns",
                 "the header has 4 unnamed columns after labels; they are empty on 1 of 1 rows") in found
