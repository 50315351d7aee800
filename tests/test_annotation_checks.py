"""Checks added for the annotation batch: copied prose, nested versus crossing claim spans,
and the warning for gold files made under older guidelines."""

from __future__ import annotations

import json

from build_helpers import HYDRATED, copy_minimal
from castcorpus.cli.main import main
from castcorpus.validation.run import validate
from castcorpus.validation.documents import CURRENT_GUIDELINES

GAMMA = "annotations/gamma-aid-convoy.json"  # an external (non-redistributable) document


def _edit(corpus, rel, change):
    path = corpus / rel
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _codes(corpus):
    return [(i.file, i.pointer, i.code) for i in validate(corpus, cache_dir=HYDRATED).issues]


def test_a_proposition_that_repeats_six_words_of_a_third_party_text_is_a_finding(tmp_path):
    corpus = copy_minimal(tmp_path / "corpus")
    # Six consecutive words of gamma's hydrated text (invented test text), in a proposition.
    _edit(corpus, GAMMA, lambda a: a["claims"][1].update(proposition="Officials said more than two hundred families had received food."))
    assert _codes(corpus) == [(GAMMA, "/claims/1/proposition", "prose-copies-text")]


def test_five_words_names_and_figures_are_not_copied_prose(tmp_path):
    corpus = copy_minimal(tmp_path / "corpus")
    # five words of the text; an actor's registered name; a run of figures
    _edit(corpus, GAMMA, lambda a: a["claims"][1].update(proposition="Of two hundred families had received aid."))
    _edit(corpus, GAMMA, lambda a: a["claims"][0].update(note="The Relief Network is named in the last sentence."))
    assert _codes(corpus) == []


def test_copied_prose_is_not_checked_without_the_text(tmp_path):
    corpus = copy_minimal(tmp_path / "corpus")
    _edit(corpus, GAMMA, lambda a: a["claims"][1].update(proposition="Officials said more than two hundred families had received food."))
    assert validate(corpus, cache_dir=tmp_path / "empty-cache").valid


def test_claim_spans_never_overlap_nested_ones_included(tmp_path):
    corpus = copy_minimal(tmp_path / "corpus")
    # c2 is [105, 161). Stretching c1 over it nests c2 inside c1; ending c1 inside c2 makes them
    # cross. Both are overlaps (3.3: annotate the larger claim).
    _edit(corpus, GAMMA, lambda a: a["claims"][0].update(span={"start": 0, "end": 161}))
    assert (GAMMA, "/claims/1/span", "claim-spans-overlap") in _codes(corpus)
    _edit(corpus, GAMMA, lambda a: a["claims"][0].update(span={"start": 0, "end": 120}))
    assert (GAMMA, "/claims/1/span", "claim-spans-overlap") in _codes(corpus)
    _edit(corpus, GAMMA, lambda a: a["claims"][0].update(span={"start": 0, "end": 104}))
    assert "claim-spans-overlap" not in [c for _, _, c in _codes(corpus)]


def test_gold_files_under_older_guidelines_warn_without_failing(tmp_path, capsys):
    corpus = copy_minimal(tmp_path / "corpus")
    for path in (corpus / "annotations").glob("*.json"):
        _edit(corpus, f"annotations/{path.name}", lambda a: a.update(guidelines_version=CURRENT_GUIDELINES))
    assert validate(corpus).warnings == []
    _edit(corpus, GAMMA, lambda a: a.update(guidelines_version="1.0"))
    report = validate(corpus)
    assert report.valid and [(w.file, w.code) for w in report.warnings] == [(GAMMA, "guidelines-outdated")]
    assert main(["validate", str(corpus)]) == 0
    captured = capsys.readouterr()
    assert "guidelines-outdated" in captured.err and "guidelines-outdated" not in captured.out
