"""The release folder as files: staging beside the target, atomic replacement, the
repository files a release carries, and the checksum manifest."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

#: Repository files copied into a release when present (licenses/ is copied whole).
REPOSITORY_FILES = ("LICENSE", "DATASHEET.md", "CITATION.cff")


class OutputFolderError(ValueError):
    """The output folder is not one a build may replace."""


def check_output_folder(out_dir: Path, corpus_root: Path, repo_root: Path) -> None:
    """Refuse to build into a folder whose contents would be lost: the corpus or anything in
    it, a folder holding the corpus or the repository, or an existing folder that is neither
    empty nor a previous release (a release has SHA256SUMS)."""
    target, corpus, repo = out_dir.resolve(), corpus_root.resolve(), repo_root.resolve()
    if target.is_relative_to(corpus) or corpus.is_relative_to(target) or repo.is_relative_to(target):
        raise OutputFolderError(f"{out_dir}: refusing to build into or over the corpus or the repository")
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputFolderError(f"{out_dir}: exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "SHA256SUMS").is_file():
        raise OutputFolderError(f"{out_dir}: exists and is not a castcorpus release (no SHA256SUMS); "
                                "choose an empty or new folder")


def staging_folder(out_dir: Path) -> Path:
    """A fresh, empty folder beside ``out_dir`` (same file system, so the final rename is atomic).

    Staging folders of earlier builds whose process no longer runs (a killed build) are
    removed first: they can hold gigabytes of staged rows."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.parent.glob(f".{out_dir.name}.building-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    staging = out_dir.parent / f".{out_dir.name}.building-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    return staging


def _running(pid: int) -> bool:
    if os.name != "posix":
        return True  # signal 0 probes a process only on POSIX (on Windows os.kill terminates it)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process, or cannot tell: leave its folder alone
    return True


def replace_atomically(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` in the place of ``out_dir``.

    The previous release is first renamed aside, then the new one renamed in, then the old
    one deleted: at no point is a half-written release at ``out_dir``. (Between the two
    renames ``out_dir`` is briefly absent; POSIX has no atomic exchange of folders.)
    """
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        os.rename(out_dir, old)
    try:
        os.rename(staging, out_dir)
    except OSError:
        if old.exists():
            os.rename(old, out_dir)
        raise
    if old.exists():
        shutil.rmtree(old)


def copy_repository_files(repo_root: Path, staging: Path) -> list[str]:
    """Copy LICENSE, licenses/, DATASHEET.md and CITATION.cff when present; the names copied."""
    copied = []
    for name in REPOSITORY_FILES:
        source = repo_root / name
        if source.is_file():
            shutil.copyfile(source, staging / name)
            copied.append(name)
    licenses = repo_root / "licenses"
    if licenses.is_dir():
        for source in sorted(licenses.iterdir()):
            if source.is_file() and not source.name.startswith("."):
                (staging / "licenses").mkdir(exist_ok=True)
                shutil.copyfile(source, staging / "licenses" / source.name)
                copied.append(f"licenses/{source.name}")
    return copied


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256sums(staging: Path, known: dict[str, str] | None = None) -> list[str]:
    """Write ``SHA256SUMS`` (``sha256sum -c`` format) over every other file; the paths listed.

    ``known`` maps release-relative paths to hashes already computed (of files not written
    since), so that large files are not read again."""
    known = known or {}
    files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*")
                   if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{known.get(name) or file_sha256(staging / name)}  {name}\n" for name in files]
    (staging / "SHA256SUMS").write_text("".join(lines), encoding="utf-8", newline="\n")
    return files


def data_fingerprint(file_hashes: dict[str, str]) -> str:
    """The release's content fingerprint: SHA-256 of its Parquet files' lines in ``sha256sum``
    format (``<hash>  <path>``), in path order. In a release folder,
    ``find data -name '*.parquet' | LC_ALL=C sort | xargs sha256sum | sha256sum`` gives it too."""
    lines = "".join(f"{file_hashes[name]}  {name}\n" for name in sorted(file_hashes) if name.endswith(".parquet"))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def folder_fingerprint(release: Path) -> str:
    """:func:`data_fingerprint` of a release folder on disk (hashes every Parquet file)."""
    release = Path(release)
    return data_fingerprint({path.relative_to(release).as_posix(): file_sha256(path)
                             for path in (release / "data").rglob("*.parquet")})
