"""Golden tests of the validator: one folder per bad input, one parametrized test for all.

Each ``tests/data/invalid/<case>/`` describes only how its corpus differs from the valid base
``tests/data/valid/minimal/``; the test copies the base to a temporary folder, applies the case,
runs ``castcorpus validate`` and compares what it prints with the case's expected report.

A case folder holds (all optional but ``about.txt``, ``expected.txt`` and ``expected_exit``):

``about.txt``
    One line: what the case breaks and why the expected report is right.
``overlay/``
    Files copied over the base, byte for byte (for BOMs, CRLF, invalid UTF-8, bad JSON).
``delete.txt``
    Paths (relative to the corpus root) to remove, one a line; folders are removed whole.
``patch.json``
    A list of edits applied in order. JSON edits name a ``file`` and a JSON ``path`` (RFC 6901):
    ``{"op": "replace"|"add"|"remove", "file": ..., "path": ..., "value": ...}`` (``add`` with
    the last token ``-`` appends to a list); the file is written back in the corpus's JSON style.
    File edits: ``{"op": "rename"|"copy", "file": ..., "to": ...}``.
``generate.json``
    ``{"path": ..., "bytes": n}`` or a list of them: files made at run time (sparse, so a 50 MB
    file costs no disk), never committed.
``symlinks.json``
    ``[{"path": ..., "target": ...}]``: symbolic links made at run time. The test also copies
    the case's ``outside/`` folder next to the corpus, as ``<tmp>/outside``, for links to escape to.
``fifos.json``
    ``["texts/x.txt", ...]``: named pipes made at run time in place of those paths (a pipe
    opened for reading blocks until a writer comes: the validator must never open one).
``root.txt``
    The folder, relative to the corpus copy, to pass to ``validate`` (default: the corpus root).
``expected.txt``
    Exactly the lines ``castcorpus validate`` prints on standard output.
``expected_exit``
    The exit code: 1 for an invalid corpus, 2 for one that cannot be used at all.
``expected_stderr.txt``
    For exit code 2: text that standard error must contain (``<root>`` stands for the path).

To regenerate every expected report after a deliberate change, run::

    CASTCORPUS_REGEN=1 /work/.venv/bin/pytest tests/test_invalid_golden.py

then read the diff (``git diff tests/data/invalid``) line by line before committing it: an
expected report must be the one that is right, not merely the one the code prints today.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from castcorpus.cli.main import main
from castcorpus.corpus.jsonio import dump_json

DATA = Path(__file__).parent / "data"
BASE = DATA / "valid" / "minimal"
INVALID = DATA / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir()) if INVALID.is_dir() else []
REGEN = os.environ.get("CASTCORPUS_REGEN") == "1"
#: Cases with a report (exit 1): an unusable corpus (exit 2) has no JSON report to compare.
REPORT_CASES = [c for c in CASES if (INVALID / c / "expected_exit").exists()
                and (INVALID / c / "expected_exit").read_text(encoding="utf-8").strip() == "1"]

#: Cases also run through the installed console script, to cover the real process boundary.
SUBPROCESS_CASES = ["json-malformed", "text-invalid-utf8", "not-a-corpus", "file-too-large", "symlink-outside"]


# --- applying a case -------------------------------------------------------------------------

def _resolve_pointer(doc, path: str):
    """The container and last token that JSON pointer ``path`` designates in ``doc``."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]]
    parent = doc
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    return parent, tokens[-1]


def _json_edit(root: Path, edit: dict) -> None:
    path = root / edit["file"]
    doc = json.loads(path.read_text(encoding="utf-8"))
    parent, last = _resolve_pointer(doc, edit["path"])
    if isinstance(parent, list):
        if edit["op"] == "add":
            parent.insert(len(parent) if last == "-" else int(last), edit["value"])
        elif edit["op"] == "replace":
            parent[int(last)] = edit["value"]
        else:
            del parent[int(last)]
    elif edit["op"] == "remove":
        del parent[last]
    else:
        parent[last] = edit["value"]
    path.write_text(dump_json(doc), encoding="utf-8")


def _apply_patch(root: Path, edits: list[dict]) -> None:
    for edit in edits:
        source = root / edit["file"]
        if edit["op"] in ("rename", "copy"):
            target = root / edit["to"]
            target.parent.mkdir(parents=True, exist_ok=True)
            (shutil.move if edit["op"] == "rename" else shutil.copyfile)(source, target)
        else:
            _json_edit(root, edit)


def _generate(root: Path, spec) -> None:
    for entry in spec if isinstance(spec, list) else [spec]:
        path = root / entry["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.truncate(entry["bytes"])


def build_case(case_dir: Path, tmp: Path) -> Path:
    """The base corpus copied under ``tmp`` with the case applied; returns the corpus root."""
    root = tmp / "corpus"
    shutil.copytree(BASE, root, symlinks=True)
    if (case_dir / "outside").is_dir():
        shutil.copytree(case_dir / "outside", tmp / "outside")
    if (case_dir / "overlay").is_dir():
        shutil.copytree(case_dir / "overlay", root, dirs_exist_ok=True)
    if (case_dir / "delete.txt").exists():
        for line in (case_dir / "delete.txt").read_text(encoding="utf-8").splitlines():
            target = root / line.strip()
            if line.strip():
                shutil.rmtree(target) if target.is_dir() else target.unlink()
    if (case_dir / "patch.json").exists():
        _apply_patch(root, json.loads((case_dir / "patch.json").read_text(encoding="utf-8")))
    if (case_dir / "generate.json").exists():
        _generate(root, json.loads((case_dir / "generate.json").read_text(encoding="utf-8")))
    if (case_dir / "symlinks.json").exists():
        for link in json.loads((case_dir / "symlinks.json").read_text(encoding="utf-8")):
            path = root / link["path"]
            if path.exists() or path.is_symlink():
                path.unlink()
            path.symlink_to(link["target"])
    if (case_dir / "fifos.json").exists():
        for rel in json.loads((case_dir / "fifos.json").read_text(encoding="utf-8")):
            path = root / rel
            if path.exists() or path.is_symlink():
                path.unlink()
            os.mkfifo(path)
    return root


def tree_state(top: Path) -> dict[str, str]:
    """Every entry under ``top`` with a digest of what it is: the validator must change none."""
    state = {}
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(top).as_posix()
            if path.is_symlink():
                state[rel] = "link:" + os.readlink(path)
            elif path.is_fifo():
                state[rel] = "fifo"
            elif path.is_dir():
                state[rel] = "dir"
            else:
                digest = hashlib.sha256()
                with open(path, "rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
                state[rel] = f"{path.stat().st_size}:{path.stat().st_mode:o}:{digest.hexdigest()}"
    return state


def _validate_root(case_dir: Path, root: Path) -> Path:
    rel = case_dir / "root.txt"
    return root / rel.read_text(encoding="utf-8").strip() if rel.exists() else root


# --- the tests -------------------------------------------------------------------------------

def test_there_are_enough_cases():
    assert len(CASES) >= 35


@pytest.mark.parametrize("case", CASES)
def test_invalid_case(case, tmp_path, capsys):
    case_dir = INVALID / case
    assert (case_dir / "about.txt").read_text(encoding="utf-8").strip(), "every case says what it tests"
    root = build_case(case_dir, tmp_path)
    target = _validate_root(case_dir, root)
    before = tree_state(tmp_path)

    code = main(["validate", str(target)])
    out, err = capsys.readouterr()

    assert tree_state(tmp_path) == before, "the validator changed a file"
    assert "Traceback" not in err
    if REGEN:
        (case_dir / "expected.txt").write_text(out, encoding="utf-8")
        (case_dir / "expected_exit").write_text(f"{code}\n", encoding="utf-8")
        return
    assert out == (case_dir / "expected.txt").read_text(encoding="utf-8")
    assert code == int((case_dir / "expected_exit").read_text(encoding="utf-8"))
    assert code in (1, 2)
    if code == 1:
        assert out, "an invalid corpus must produce at least one finding"
    if (case_dir / "expected_stderr.txt").exists():
        wanted = (case_dir / "expected_stderr.txt").read_text(encoding="utf-8").strip()
        assert wanted.replace("<root>", str(target)) in err


@pytest.mark.parametrize("case", REPORT_CASES)
def test_invalid_case_json_agrees(case, tmp_path, capsys):
    """``--json`` reports the same findings as the text output, as valid JSON."""
    case_dir = INVALID / case
    root = build_case(case_dir, tmp_path)
    code = main(["validate", str(_validate_root(case_dir, root)), "--json"])
    out, _ = capsys.readouterr()
    report = json.loads(out)
    assert code == 1 and report["valid"] is False
    lines = [f"{i['file']}:{i['pointer']}: {i['code']}: {i['message']}\n" for i in report["issues"]]
    assert "".join(lines) == (case_dir / "expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", SUBPROCESS_CASES)
def test_invalid_case_through_the_console_script(case, tmp_path):
    case_dir = INVALID / case
    root = build_case(case_dir, tmp_path)
    script = Path(sys.executable).parent / "castcorpus"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "castcorpus.cli.main"]
    result = subprocess.run([*command, "validate", str(_validate_root(case_dir, root))],
                            capture_output=True, text=True, encoding="utf-8", errors="backslashreplace")
    assert "Traceback" not in result.stderr
    assert result.stdout == (case_dir / "expected.txt").read_text(encoding="utf-8")
    assert result.returncode == int((case_dir / "expected_exit").read_text(encoding="utf-8"))
