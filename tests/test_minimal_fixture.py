"""The minimal valid corpus (tests/data/valid/minimal) is valid and was produced by ``anchor``."""

from __future__ import annotations

from pathlib import Path

import pytest

from castcorpus.cli.main import main
from castcorpus.validation.run import validate

VALID = Path(__file__).parent / "data" / "valid"
MINIMAL = VALID / "minimal"
HYDRATED = VALID / "hydrated"

#: draft file -> the annotation file it anchors to
DRAFTS = {
    "alpha-shelling-report": "annotations/alpha-shelling-report.json",
    "beta-ceasefire-talks": "annotations/beta-ceasefire-talks.json",
    "gamma-aid-convoy": "annotations/gamma-aid-convoy.json",
    "pass-annotator-1-alpha-shelling-report": "passes/annotator-1/alpha-shelling-report.json",
}


@pytest.mark.parametrize("cache", [None, HYDRATED], ids=["not-hydrated", "hydrated"])
def test_minimal_corpus_is_valid(cache):
    report = validate(MINIMAL, cache_dir=cache)
    assert report.lines() == []
    assert report.valid


def test_hydrated_text_is_checked_when_present():
    # one file more is read when the external text is hydrated
    assert validate(MINIMAL, cache_dir=HYDRATED).files_checked == validate(MINIMAL).files_checked + 1


@pytest.mark.parametrize("draft", sorted(DRAFTS))
def test_annotations_are_the_anchored_drafts(draft, tmp_path):
    out = tmp_path / "out.json"
    code = main(["anchor", str(VALID / "drafts" / f"{draft}.json"), "--corpus", str(MINIMAL),
                 "--cache", str(HYDRATED), "--out", str(out)])
    assert code == 0
    assert out.read_bytes() == (MINIMAL / DRAFTS[draft]).read_bytes()


def test_minimal_corpus_has_what_the_golden_cases_need():
    collections = {p.name for p in (MINIMAL / "texts").iterdir()}
    assert collections == {"alpha-shelling-report.txt", "beta-ceasefire-talks.txt"}
    assert not any('"text"' in line for line in (MINIMAL / "annotations/gamma-aid-convoy.json").read_text().splitlines())
