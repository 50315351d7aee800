"""``build --out`` never destroys what is not ours, and replacing a release never loses it.

A folder is replaced only when it is provably a castcorpus release (its marker holds the
fingerprint of the data files its SHA256SUMS lists, and it holds nothing SHA256SUMS does not
list); the replace is tested with a failure injected at each of its steps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from build_helpers import MINIMAL, build, copy_minimal, sums
from castcorpus.release import folder as release
from castcorpus.release.build import BuildError
from castcorpus.cli.main import main
from castcorpus.release.folder import MARKER, OutputFolderError, clear_leftovers, release_problem


def _tree(top):
    """Every path under ``top`` with the bytes of each file: what must not change."""
    state = {}
    for path in sorted(top.rglob("*")):
        rel = path.relative_to(top).as_posix()
        state[rel] = ("link", os.readlink(path)) if path.is_symlink() else (
            path.read_bytes() if path.is_file() else "dir")
    return state


def _cli_build(corpus, out, capsys):
    code = main(["build", str(corpus), "--out", str(out), "--no-progress"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


# --- what is not ours is refused -----------------------------------------------------------

def test_a_folder_holding_a_sha256sums_file_is_not_taken_for_a_release(tmp_path, capsys):
    # The reported data loss: SHA256SUMS was all it took to be replaced.
    user = tmp_path / "downloads"
    user.mkdir()
    (user / "SHA256SUMS").write_text("0" * 64 + "  thesis.pdf\n", encoding="utf-8")
    (user / "thesis.pdf").write_bytes(b"years of work")
    before = _tree(tmp_path)
    code, err = _cli_build(MINIMAL, user, capsys)
    assert code == 2
    assert "not provably a castcorpus release" in err and f"no readable {MARKER}" in err
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("change", ["user file added", "user folder added", "symlink added", "fifo added",
                                    "marker removed", "marker fingerprint edited", "data line edited",
                                    "sums line escapes"])
def test_a_release_with_anything_not_its_own_is_refused(tmp_path, change):
    out = tmp_path / "out"
    build(MINIMAL, out, tmp_path / "rows")
    if change == "user file added":
        (out / "my-notes.txt").write_text("keep me", encoding="utf-8")
    elif change == "user folder added":
        (out / "data" / "mine").mkdir()
    elif change == "symlink added":
        (out / "data" / "link").symlink_to(tmp_path)
    elif change == "fifo added":
        os.mkfifo(out / "pipe")
    elif change == "marker removed":
        (out / MARKER).unlink()
        (out / "build-inputs.json").unlink()  # the marker of releases built before there was one
    elif change == "marker fingerprint edited":
        marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
        (out / MARKER).write_text(json.dumps({**marker, "fingerprint": "0" * 64}), encoding="utf-8")
    elif change == "data line edited":
        lines = sums(out).splitlines(keepends=True)
        index = next(i for i, line in enumerate(lines) if "  data/" in line)
        lines[index] = "f" * 64 + lines[index][64:]
        (out / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
    else:
        (out / "SHA256SUMS").write_text(sums(out) + "0" * 64 + "  ../outside.txt\n", encoding="utf-8")
    assert release_problem(out) is not None
    before = _tree(tmp_path)
    with pytest.raises(OutputFolderError, match="not provably a castcorpus release"):
        build(MINIMAL, out, tmp_path / "rows", force=True)
    assert _tree(tmp_path) == before


def test_a_release_is_provably_ours_and_is_replaced(tmp_path):
    out = tmp_path / "out"
    first = build(MINIMAL, out, tmp_path / "rows")
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert marker["fingerprint"] == first.fingerprint and f"  {MARKER}\n" in sums(out)
    assert release_problem(out) is None
    # A listed file gone missing (a damaged release) is still ours, and is rebuilt.
    next((out / "data" / "claims").glob("*.parquet")).unlink()
    assert release_problem(out) is None
    again = build(MINIMAL, out, tmp_path / "rows")
    assert not again.up_to_date and again.fingerprint == first.fingerprint


def test_a_release_built_before_the_marker_is_still_recognised_by_its_record(tmp_path):
    out = tmp_path / "out"
    build(MINIMAL, out, tmp_path / "rows")
    (out / MARKER).unlink()
    lines = [line for line in sums(out).splitlines(keepends=True) if not line.endswith(f"  {MARKER}\n")]
    (out / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
    assert release_problem(out) is None
    build(MINIMAL, out, tmp_path / "rows", force=True)
    assert (out / MARKER).is_file()


# --- odd --out paths: clear errors, no traceback, nothing left behind ------------------------

def test_a_symlinked_out_is_refused(tmp_path, capsys):
    real = tmp_path / "real"
    build(MINIMAL, real, tmp_path / "rows")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    before = _tree(tmp_path)
    code, err = _cli_build(MINIMAL, tmp_path / "link", capsys)
    assert code == 2 and "is a symbolic link" in err
    assert _tree(tmp_path) == before


def test_an_out_under_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    code, err = _cli_build(MINIMAL, tmp_path / "afile" / "sub" / "release", capsys)
    assert code == 2 and "afile is not a folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_a_failed_build_into_a_new_nested_out_leaves_no_folders(tmp_path, capsys):
    corpus = copy_minimal(tmp_path / "corpus")
    (corpus / "texts" / "alpha-shelling-report.txt").unlink()  # invalid: text-missing
    before = _tree(tmp_path)
    code, _ = _cli_build(corpus, tmp_path / "a" / "b" / "c", capsys)
    assert code == 1
    assert _tree(tmp_path) == before


def test_a_build_into_a_new_nested_out_makes_its_folders(tmp_path):
    build(MINIMAL, tmp_path / "a" / "b" / "c", tmp_path / "rows")
    assert release_problem(tmp_path / "a" / "b" / "c") is None


def test_an_up_to_date_build_clears_a_killed_builds_staging_folder(tmp_path):
    out = tmp_path / "out"
    build(MINIMAL, out, tmp_path / "rows")
    stale = tmp_path / f".out.building-{_dead_pid()}"
    stale.mkdir()
    (stale / release.STAGING_TAG).write_bytes(b"")
    not_ours = tmp_path / f".out.building-{_dead_pid()}"
    not_ours.mkdir()
    (not_ours / "keep.txt").write_text("someone's", encoding="utf-8")
    assert build(MINIMAL, out, tmp_path / "rows").up_to_date
    assert not stale.exists()
    assert (not_ours / "keep.txt").read_text(encoding="utf-8") == "someone's"


# --- the replace, with a failure at every step -----------------------------------------------

class _FailAt:
    """Replaces ``release._rename``: the calls numbered in ``fail`` (from 1) raise ``error``."""

    def __init__(self, *fail, error=OSError(28, "No space left on device")):
        self.fail, self.error, self.calls = set(fail), error, 0
        self.real = release._rename

    def __call__(self, source, target):
        self.calls += 1
        if self.calls in self.fail:
            raise self.error
        self.real(source, target)


@pytest.mark.parametrize("step", [1, 2])
def test_a_replace_failing_at_a_rename_keeps_the_previous_release(tmp_path, monkeypatch, step):
    corpus = copy_minimal(tmp_path / "corpus")
    out = tmp_path / "out"
    build(corpus, out, tmp_path / "rows")
    before = _tree(out)
    failing = _FailAt(step)
    monkeypatch.setattr(release, "_rename", failing)
    with pytest.raises(OutputFolderError, match="nothing was changed" if step == 1 else "previous release is untouched"):
        build(corpus, out, tmp_path / "rows", force=True)
    assert failing.calls == (1 if step == 1 else 3)  # step 2 failed, then the undo ran
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.state", "corpus", "out", "rows"]


def test_an_interrupt_between_the_renames_puts_the_previous_release_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(MINIMAL, out, tmp_path / "rows")
    before = _tree(out)
    monkeypatch.setattr(release, "_rename", _FailAt(2, error=KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        build(MINIMAL, out, tmp_path / "rows", force=True)
    assert _tree(out) == before


def test_when_the_undo_fails_too_the_previous_release_is_kept_and_the_next_build_restores_it(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(MINIMAL, out, tmp_path / "rows")
    before = _tree(out)
    monkeypatch.setattr(release, "_rename", _FailAt(2, 3))  # the new one cannot come in, the old one back
    with pytest.raises(OutputFolderError, match="it is intact at") as caught:
        build(MINIMAL, out, tmp_path / "rows", force=True)
    kept = tmp_path / f".out.old-{os.getpid()}"
    assert str(kept) in str(caught.value) and not out.exists() and _tree(kept) == before
    monkeypatch.undo()
    clear_leftovers(out)  # what the next build does first (this process is not building now)
    assert _tree(out) == before and not kept.exists()


def test_when_removing_the_old_release_fails_the_new_one_stands_and_the_next_build_removes_it(tmp_path, monkeypatch):
    corpus = copy_minimal(tmp_path / "corpus")
    out = tmp_path / "out"
    first = build(corpus, out, tmp_path / "rows")
    (corpus / "annotations" / "beta-ceasefire-talks.json").unlink()  # a different release
    real_remove = release._remove_release

    def failing_remove(folder):
        raise OSError(16, "Device or resource busy")

    monkeypatch.setattr(release, "_remove_release", failing_remove)
    second = build(corpus, out, tmp_path / "rows")
    assert second.fingerprint != first.fingerprint
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["fingerprint"] == second.fingerprint
    kept = tmp_path / f".out.old-{os.getpid()}"
    assert json.loads((kept / MARKER).read_text(encoding="utf-8"))["fingerprint"] == first.fingerprint
    monkeypatch.setattr(release, "_remove_release", real_remove)
    assert build(corpus, out, tmp_path / "rows").up_to_date
    assert not kept.exists()


def test_a_killed_replace_is_repaired_by_the_next_build(tmp_path):
    # Killed between the two renames: the previous release is aside and out/ is missing.
    out = tmp_path / "out"
    first = build(MINIMAL, out, tmp_path / "rows")
    before = _tree(out)
    aside = tmp_path / f".out.old-{_dead_pid()}"
    out.rename(aside)
    second = build(MINIMAL, out, tmp_path / "rows")
    assert second.up_to_date and second.fingerprint == first.fingerprint
    assert _tree(out) == before and not aside.exists()
    # Killed after the second rename: the new release stands, the old one is removed.
    aside.mkdir()
    for path, content in before.items():
        target = aside / path
        if content == "dir":
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    assert release_problem(aside) is None
    build(MINIMAL, out, tmp_path / "rows")
    assert not aside.exists() and _tree(out) == before


def test_a_folder_set_aside_that_is_not_ours_is_never_touched(tmp_path):
    out = tmp_path / "out"
    aside = tmp_path / f".out.old-{_dead_pid()}"
    aside.mkdir()
    (aside / "keep.txt").write_text("someone's", encoding="utf-8")
    clear_leftovers(out)
    assert not out.exists() and (aside / "keep.txt").read_text(encoding="utf-8") == "someone's"


def test_an_invalid_corpus_leaves_a_release_and_its_folder_untouched(tmp_path):
    corpus = copy_minimal(tmp_path / "corpus")
    out = tmp_path / "out"
    build(corpus, out, tmp_path / "rows")
    before = _tree(tmp_path / "out")
    (corpus / "texts" / "alpha-shelling-report.txt").unlink()
    with pytest.raises(BuildError):
        build(corpus, out, tmp_path / "rows")
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.state", "corpus", "out", "rows"]
