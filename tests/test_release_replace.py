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
from pathlib import Path

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
                                    "listed file now an empty folder",
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
    elif change == "listed file now an empty folder":
        listed = next((out / "data" / "claims").glob("*.parquet"))
        listed.unlink()
        listed.mkdir()
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
    expected = (r"cannot move the previous release aside \(No space left on device\); nothing was changed$" if step == 1
                else r"could not be moved in \(No space left on device\); the previous release is untouched$")
    with pytest.raises(OutputFolderError, match=expected):
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


class _FailAtTwoThenNoSpace(_FailAt):
    """Step 2 raises ``first``; the undo (call 3) fails for want of space."""

    def __init__(self, first):
        super().__init__(2, 3)
        self.first = first

    def __call__(self, source, target):
        if self.calls == 1:
            self.calls += 1
            raise self.first
        super().__call__(source, target)


@pytest.mark.parametrize("first, why", [(OSError(28, "No space left on device"), "No space left on device"),
                                        (KeyboardInterrupt(), "KeyboardInterrupt"),
                                        (OSError("no errno"), "OSError")])
def test_when_the_undo_fails_too_the_previous_release_is_kept_and_the_next_build_restores_it(tmp_path, monkeypatch,
                                                                                            first, why):
    out = tmp_path / "out"
    build(MINIMAL, out, tmp_path / "rows")
    before = _tree(out)
    monkeypatch.setattr(release, "_rename", _FailAtTwoThenNoSpace(first))  # neither the new one in, nor the old back
    with pytest.raises(OutputFolderError, match=rf"could not be moved in \({why}\) nor the previous one back "
                                                r"\(No space left on device\); it is intact at .*, and the next build puts it "
                                                r"back$") as caught:
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


def test_a_removal_of_the_old_release_cut_short_leaves_it_provably_ours_for_the_next_build(tmp_path, monkeypatch):
    corpus = copy_minimal(tmp_path / "corpus")
    out = tmp_path / "out"
    build(corpus, out, tmp_path / "rows")
    (corpus / "annotations" / "beta-ceasefire-talks.json").unlink()  # a different release
    real_rmtree, failed = release.shutil.rmtree, []

    def rmtree_failing_once_the_old_data_is_gone(path, *args, **kwargs):
        # The last step of the removal: all but the marker, SHA256SUMS and the record are gone.
        path = Path(path)
        if path.name.startswith(".out.old-") and not failed:
            failed.append(path)
            raise OSError(5, "Input/output error")
        real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(release.shutil, "rmtree", rmtree_failing_once_the_old_data_is_gone)
    second = build(corpus, out, tmp_path / "rows")
    monkeypatch.undo()
    kept = tmp_path / f".out.old-{os.getpid()}"
    assert kept.is_dir() and (kept / MARKER).is_file() and (kept / "SHA256SUMS").is_file()
    assert failed and sorted(p.name for p in kept.iterdir()) == ["SHA256SUMS", "build-inputs.json", MARKER]
    assert release_problem(kept) is None  # files gone, but what is left is still provably ours
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["fingerprint"] == second.fingerprint
    clear_leftovers(out)
    assert not kept.exists() and release_problem(out) is None


def test_a_release_changed_during_the_build_is_not_replaced(tmp_path, monkeypatch):
    from castcorpus.release import build as build_module

    corpus = copy_minimal(tmp_path / "corpus")
    out = tmp_path / "out"
    build(corpus, out, tmp_path / "rows")
    real_sums = build_module.sha256sums

    def user_writes_into_out_meanwhile(staging, known=None):
        (out / "notes.txt").write_text("written during the build", encoding="utf-8")
        return real_sums(staging, known)

    monkeypatch.setattr(build_module, "sha256sums", user_writes_into_out_meanwhile)
    before_change = _tree(out)
    with pytest.raises(OutputFolderError, match=r"changed during the build .*notes\.txt is not a file of the release"
                                                r".*nothing was changed"):
        build(corpus, out, tmp_path / "rows", force=True)
    assert _tree(out) == {**before_change, "notes.txt": b"written during the build"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.state", "corpus", "out", "rows"]


@pytest.mark.parametrize("change", ["a file", "a symbolic link"])
def test_an_out_that_stops_being_a_folder_during_the_build_is_not_replaced(tmp_path, monkeypatch, change):
    from castcorpus.release import build as build_module

    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    real_sums = build_module.sha256sums

    def out_is_made_meanwhile(staging, known=None):
        if change == "a file":
            out.write_text("a user's file", encoding="utf-8")
        else:
            out.symlink_to(elsewhere, target_is_directory=True)
        return real_sums(staging, known)

    monkeypatch.setattr(build_module, "sha256sums", out_is_made_meanwhile)
    with pytest.raises(OutputFolderError, match=r"changed during the build .*\(it is no longer a folder\); nothing was changed$"):
        build(MINIMAL, out, tmp_path / "rows")
    assert out.is_symlink() if change == "a symbolic link" else out.read_text(encoding="utf-8") == "a user's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "out", "rows"]


def test_an_existing_empty_folder_is_built_into_and_its_marker_is_as_documented(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    summary = build(MINIMAL, out, tmp_path / "rows")
    from castcorpus.version import __version__

    assert (out / MARKER).read_text(encoding="utf-8") == (
        '{\n  "castcorpus_release": 1,\n  "fingerprint": "' + summary.fingerprint + '",\n'
        '  "castcorpus_version": "' + __version__ + '"\n}\n')


def test_a_folder_in_the_way_of_the_replace_is_left_alone(tmp_path):
    out = tmp_path / "out"
    build(MINIMAL, out, tmp_path / "rows")
    before = _tree(out)
    in_the_way = tmp_path / f".out.old-{os.getpid()}"
    in_the_way.mkdir()
    (in_the_way / "keep.txt").write_text("someone's", encoding="utf-8")
    with pytest.raises(OutputFolderError, match="is in the way of replacing .*; nothing was changed"):
        build(MINIMAL, out, tmp_path / "rows", force=True)
    assert _tree(out) == before and (in_the_way / "keep.txt").read_text(encoding="utf-8") == "someone's"
    assert sorted(p.name for p in tmp_path.iterdir()) == [in_the_way.name, ".out.state", "out", "rows"]


# --- the pieces the replace relies on, with answers known another way ------------------------

@pytest.mark.parametrize("error, running", [(ProcessLookupError, False), (PermissionError, True), (OSError, True),
                                            (None, True)])
def test_a_build_process_counts_as_running_unless_it_is_known_to_be_gone(monkeypatch, error, running):
    # Another user's process (PermissionError) or one that cannot be probed may still be
    # building: its folders are left alone.
    def kill(pid, signal):
        assert signal == 0
        if error:
            raise error
    monkeypatch.setattr(release.os, "kill", kill)
    assert release._running(12345) is running


def test_the_fingerprint_is_what_the_documented_shell_pipeline_gives(tmp_path):
    # The docstring's recipe, run with GNU coreutils: an answer computed without castcorpus.
    out = tmp_path / "out"
    summary = build(MINIMAL, out, tmp_path / "rows")
    shell = subprocess.run("find data -name '*.parquet' | LC_ALL=C sort | xargs sha256sum | sha256sum",
                           shell=True, cwd=out, capture_output=True, text=True, check=True).stdout.split()[0]
    assert release.folder_fingerprint(out) == shell == summary.fingerprint


def test_linked_files_are_relative_paths_without_anchors():
    markdown = ("See [the guide](docs/guide.md#scope), ![a chart](docs/charts/a.png), [the same](docs/guide.md), "
                "[a site](https://example.org/x.md), [root](/etc/x.md), [top](#top) and [b](b.md).")
    assert release.linked_files(markdown) == ["b.md", "docs/charts/a.png", "docs/guide.md"]


def test_repository_files_and_what_the_datasheet_links_to_are_copied_and_nothing_outside(tmp_path):
    repo, staging = tmp_path / "repo", tmp_path / "staging"
    (repo / "docs" / "charts").mkdir(parents=True)
    (repo / "licenses").mkdir()
    staging.mkdir()
    (repo / "LICENSE").write_text("licence", encoding="utf-8")
    (repo / "DATASHEET.md").write_text("[guide](docs/guide.md) [gone](docs/missing.md) [up](../secret.md) "
                                       "[more](docs/more.md) ![deep](docs/charts/c.png)", encoding="utf-8")
    (repo / "docs" / "more.md").write_text("beside the guide", encoding="utf-8")
    (repo / "docs" / "guide.md").write_text("![c](charts/c.png) [back](../DATASHEET.md) [out](../../secret.md)",
                                            encoding="utf-8")
    (repo / "docs" / "charts" / "c.png").write_bytes(b"png")
    (tmp_path / "secret.md").write_text("not the repository's", encoding="utf-8")
    (repo / "licenses" / "CC-BY-4.0.txt").write_text("cc", encoding="utf-8")
    (repo / "licenses" / ".hidden").write_text("x", encoding="utf-8")
    copied = release.copy_repository_files(repo, staging)
    # docs/charts/c.png first (in path order), two folders deep before docs/ exists
    assert copied == ["LICENSE", "DATASHEET.md", "docs/charts/c.png", "docs/guide.md", "docs/more.md",
                      "licenses/CC-BY-4.0.txt"]
    assert sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()) == sorted(copied)
    assert (staging / "docs" / "charts" / "c.png").read_bytes() == b"png"


def test_a_folder_in_the_way_of_the_staging_folder_is_left_alone(tmp_path):
    out = tmp_path / "out"
    in_the_way = tmp_path / f".out.building-{os.getpid()}"
    in_the_way.mkdir()
    (in_the_way / "keep.txt").write_text("no staging tag: not ours", encoding="utf-8")
    with pytest.raises(OutputFolderError, match=r"is in the way of the build's staging folder; nothing was changed$"):
        build(MINIMAL, out, tmp_path / "rows")
    assert (in_the_way / "keep.txt").read_text(encoding="utf-8") == "no staging tag: not ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == [in_the_way.name]


@pytest.mark.parametrize("where", ["inside the corpus", "holding the corpus"])
def test_an_out_inside_or_around_the_corpus_is_refused(tmp_path, capsys, where):
    corpus = copy_minimal(tmp_path / "work" / "corpus")
    out = corpus / "release" if where == "inside the corpus" else tmp_path / "work"
    before = _tree(tmp_path)
    code, err = _cli_build(corpus, out, capsys)
    assert code == 2 and str(out) in err
    assert _tree(tmp_path) == before


def test_a_marker_of_exactly_the_size_limit_is_read_and_one_byte_more_is_not(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(MINIMAL, out, tmp_path / "rows")
    size = (out / MARKER).stat().st_size
    monkeypatch.setattr(release, "_MAX_MARKER_BYTES", size)
    assert release_problem(out) is None
    monkeypatch.setattr(release, "_MAX_MARKER_BYTES", size - 1)
    assert release_problem(out) == f"no readable {MARKER} marker"


def test_every_leftover_set_aside_is_considered_not_only_those_before_one_not_ours(tmp_path):
    out = tmp_path / "out"
    build(MINIMAL, out, tmp_path / "rows")
    before = _tree(out)
    dead = sorted([_dead_pid(), _dead_pid()], key=str)
    not_ours, ours = tmp_path / f".out.old-{dead[0]}", tmp_path / f".out.old-{dead[1]}"
    not_ours.mkdir()
    (not_ours / "keep.txt").write_text("someone's", encoding="utf-8")
    out.rename(ours)  # a replace killed between its two renames
    clear_leftovers(out)
    assert _tree(out) == before and not ours.exists()
    assert (not_ours / "keep.txt").read_text(encoding="utf-8") == "someone's"
