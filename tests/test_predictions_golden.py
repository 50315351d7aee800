"""Golden tests of ``castcorpus evaluate`` on bad prediction files: one folder per case.

Each ``tests/data/predictions-invalid/<case>/`` holds ``input.jsonl`` (the predictions),
``args`` (the evaluate options besides ``--predictions`` and ``--release``), ``about.txt``,
``expected.txt`` (exactly what the command prints on standard output) and ``expected_exit``.
The references are a release built from ``tests/data/valid/minimal`` (invented texts).
Regenerate after a deliberate change with ``CASTCORPUS_REGEN=1`` and read the diff.
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import pytest

from build_helpers import MINIMAL, build
from castcorpus.cli.main import main

CASES_DIR = Path(__file__).parent / "data" / "predictions-invalid"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())
REGEN = os.environ.get("CASTCORPUS_REGEN") == "1"


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("minimal-release")
    build(MINIMAL, root / "release", root / "rows")
    return root / "release"


def _run(case: Path, release: Path, capsys, monkeypatch, *extra: str) -> tuple[int, str]:
    monkeypatch.chdir(case)  # issues name the file as given: input.jsonl
    args = shlex.split((case / "args").read_text(encoding="utf-8"))
    code = main(["evaluate", *args, "--predictions", "input.jsonl", "--release", str(release), *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    if (case / "expected_stderr.txt").exists():  # for exit 2: what standard error must contain
        assert (case / "expected_stderr.txt").read_text(encoding="utf-8").strip() in captured.err
    return code, captured.out


def test_every_case_is_complete():
    for case in CASES:
        names = {p.name for p in (CASES_DIR / case).iterdir()}
        assert {"about.txt", "args", "input.jsonl", "expected.txt", "expected_exit"} <= names, case


@pytest.mark.parametrize("case", CASES)
def test_evaluate_reports_exactly_the_expected(case, release, capsys, monkeypatch):
    folder = CASES_DIR / case
    code, out = _run(folder, release, capsys, monkeypatch)
    if REGEN:
        (folder / "expected.txt").write_text(out, encoding="utf-8")
        (folder / "expected_exit").write_text(f"{code}\n", encoding="utf-8")
    assert out == (folder / "expected.txt").read_text(encoding="utf-8")
    assert code == int((folder / "expected_exit").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES)
def test_json_output_agrees(case, release, capsys, monkeypatch):
    folder = CASES_DIR / case
    code, out = _run(folder, release, capsys, monkeypatch, "--json")
    expected_exit = int((folder / "expected_exit").read_text(encoding="utf-8"))
    assert code == expected_exit
    if expected_exit == 2:  # nothing could be scored: no JSON body, and nothing on standard output
        assert out == ""
        return
    body = json.loads(out)
    assert body["valid"] is (expected_exit == 0)
    lines = [f"{i['file']}:{i['pointer']}: {i['code']}: {i['message']}" for i in body["issues"]]
    if expected_exit == 1:
        assert lines == (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
        assert "scores" not in body
    else:
        assert "scores" in body
