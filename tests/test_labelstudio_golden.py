"""Golden tests of ``castcorpus import label-studio``: one folder per bad export
(tests/data/label-studio-invalid/README.md), one parametrized test for all."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

from castcorpus.cli.main import main
from castcorpus.corpus.reader import Corpus
from castcorpus.interop.labelstudio.exporting import export

DATA = Path(__file__).resolve().parent / "data"
CASES = DATA / "label-studio-invalid"
MINIMAL, HYDRATED = DATA / "valid" / "minimal", DATA / "valid" / "hydrated"
BASE_DOCUMENT = "beta-ceasefire-talks"


def _tokens(path: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]]


def apply_patch(tasks: list, edits: list[dict]) -> list:
    """The edits of a case's patch.json applied to a copy of ``tasks``."""
    tasks = copy.deepcopy(tasks)
    for edit in edits:
        *parents, last = _tokens(edit["path"])
        node = tasks
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        if edit["op"] == "copy-task":
            tasks.append(copy.deepcopy(tasks[int(last)]))
        elif edit["op"] == "remove":
            del node[int(last) if isinstance(node, list) else last]
        elif edit["op"] == "add" and isinstance(node, list):
            node.append(edit["value"]) if last == "-" else node.insert(int(last), edit["value"])
        else:  # replace, or add to an object
            node[int(last) if isinstance(node, list) else last] = edit["value"]
    return tasks


@pytest.fixture(scope="module")
def base_tasks() -> list:
    return export(Corpus(MINIMAL, cache_dir=HYDRATED), [BASE_DOCUMENT]).tasks


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_bad_export(case, base_tasks, tmp_path, monkeypatch, capsys):
    folder = CASES / case
    monkeypatch.chdir(tmp_path)
    if (folder / "export.json").exists():
        Path("export.json").write_bytes((folder / "export.json").read_bytes())
    else:
        edits = json.loads((folder / "patch.json").read_text(encoding="utf-8"))
        Path("export.json").write_text(json.dumps(apply_patch(base_tasks, edits)), encoding="utf-8")
    code = main(["import", "label-studio", "export.json", "--corpus", str(MINIMAL), "--cache", str(HYDRATED),
                 "--out", "out"])
    printed = capsys.readouterr().out
    if os.environ.get("CASTCORPUS_REGEN"):
        (folder / "expected.txt").write_text(printed, encoding="utf-8")
    assert printed == (folder / "expected.txt").read_text(encoding="utf-8")
    assert code == int((folder / "expected_exit").read_text())
    assert not Path("out").exists(), "the import wrote files although it had findings"


def test_the_unpatched_base_imports(base_tasks, tmp_path, monkeypatch):
    # Every case's findings come from its edit: the base itself imports cleanly.
    monkeypatch.chdir(tmp_path)
    Path("export.json").write_text(json.dumps(base_tasks), encoding="utf-8")
    assert main(["import", "label-studio", "export.json", "--corpus", str(MINIMAL), "--cache", str(HYDRATED),
                 "--out", "out"]) == 0
    assert Path("out", f"{BASE_DOCUMENT}.json").read_text(encoding="utf-8") == \
        (MINIMAL / "annotations" / f"{BASE_DOCUMENT}.json").read_text(encoding="utf-8")
