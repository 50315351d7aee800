"""DATASHEET.md is generated: the committed file must match the corpus, and its charts exist."""

from __future__ import annotations

import re

from build_helpers import MINIMAL
from castcorpus.release.charts import CHARTS
from castcorpus.cli.main import main
from castcorpus.release.datasheet import generate


def test_committed_datasheet_matches_the_corpus(repo):
    text, _ = generate(repo / "corpus")
    committed = (repo / "DATASHEET.md").read_text(encoding="utf-8")
    assert committed == text, "DATASHEET.md is stale: run castcorpus datasheet --out DATASHEET.md"


def test_committed_charts_exist_and_are_linked(repo):
    committed = (repo / "DATASHEET.md").read_text(encoding="utf-8")
    for name in CHARTS:
        assert (repo / "docs" / "charts" / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
        assert f"](docs/charts/{name}.png)" in committed
    for link in re.findall(r"\]\((docs/[^)#]+)\)", committed):
        assert (repo / link).exists(), link


def test_datasheet_numbers_come_from_the_corpus(tmp_path):
    out = tmp_path / "DATASHEET.md"
    assert main(["datasheet", str(MINIMAL), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "3 in total, of which 3 are annotated" in text
    assert "9 claims, 7 stances and 18 actor mentions" in text
    assert "| `reported` | 5 | 55.6% |" in text
    assert sorted(p.name for p in (tmp_path / "docs" / "charts").iterdir()) == sorted(f"{n}.png" for n in CHARTS)
