"""The README's evaluate and baseline examples run exactly as written, on the real release,
and print scores (needs the FA-KES file: the standard test split holds FA-KES articles)."""

from __future__ import annotations

import json
import re
import shlex

from castcorpus.release.build import build_release
from castcorpus.cli.main import main
from castcorpus.sources.fakes.hydrate import hydrate_fakes
from castcorpus.scoring.references import read_rows


def _readme_command(repo, name: str) -> list[str]:
    readme = (repo / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in readme.splitlines() if ln.startswith(f"castcorpus {name} "))
    return shlex.split(line.split("#")[0])[1:]


def test_readme_evaluate_and_baseline_examples_print_scores(repo, fakes_csv, corpus_root, tmp_path, monkeypatch, capsys):
    hydrate_fakes(fakes_csv, corpus_root, tmp_path / "cache")
    release = tmp_path / "dist" / "cast-syria"  # the commands' default --release, relative to the cwd
    summary = build_release(corpus_root, release, cache_dir=tmp_path / "cache")
    for config in ("documents", "sentences", "claims", "stances", "actor_ner"):
        assert set(summary.rows[config]) == {"train", "validation", "test"}, config
    monkeypatch.chdir(tmp_path)

    evaluate = _readme_command(repo, "evaluate")
    test_claims = read_rows(release, "claims", "test")
    assert test_claims
    with open(tmp_path / "preds.jsonl", "w", encoding="utf-8") as out:  # a majority-type system
        for row in test_claims:
            out.write(json.dumps({"doc_id": row["doc_id"], "claim_id": row["claim_id"], "type": "event"}) + "\n")
    capsys.readouterr()
    assert main(evaluate) == 0
    printed = capsys.readouterr().out
    # A majority-type system: "event" is recalled in full, the macro-F1 is a number.
    assert re.search(r"^\s*event\s+[\d.]+\s+100\.0\s", printed, re.M), printed
    assert re.search(r"macro-F1\s+\d+\.\d", printed), printed

    baseline = _readme_command(repo, "baseline")
    assert main(baseline) == 0
    printed = capsys.readouterr().out
    # Every baseline prints a score; only the embedding one may be skipped (its extra is not in CI).
    skipped = [ln for ln in printed.splitlines() if "skipped" in ln]
    assert all("minilm" in ln and "extra is not installed" in ln for ln in skipped), printed
    assert len(re.findall(r"macro-F1\s+\d", printed)) >= 2, printed
