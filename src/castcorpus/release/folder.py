"""The release folder as files: staging beside the target, safe replacement, the repository
files a release carries, the checksum manifest, and the marker that proves a folder is ours.

A build replaces only a folder it can prove is a castcorpus release: one holding the
release marker (:data:`MARKER`, written by the build, with the release's fingerprint) and
``SHA256SUMS``, whose data files give that fingerprint, and nothing the manifest does not list
(:func:`release_problem`). Anything else is refused (:class:`OutputFolderError`)."""

from __future__ import annotations

import hashlib
import re
import json
import os
import shutil
import stat
from pathlib import Path

#: Repository files copied into a release when present (licenses/ is copied whole).
REPOSITORY_FILES = ("LICENSE", "DATASHEET.md", "CITATION.cff")
#: The marker file of a release: written by the build, listed in SHA256SUMS, holding the
#: release's data fingerprint. A folder without it (or whose fingerprint does not match) is
#: never replaced.
MARKER = "castcorpus-release.json"
#: Before the marker existed, the build's record (``build-inputs.json``) carried the
#: fingerprint: accepted as the marker of releases built then.
_LEGACY_MARKER = "build-inputs.json"
#: A file in every staging folder while it is being built: only a folder holding it (or a
#: finished release) is removed as a killed build's leftover.
STAGING_TAG = ".castcorpus-staging"
#: Largest SHA256SUMS / marker a release can have (bytes): a bigger one is not ours.
_MAX_SUMS_BYTES = 16 * 1024 * 1024
_MAX_MARKER_BYTES = 1024 * 1024


class OutputFolderError(ValueError):
    """The output folder is not one a build may replace (or could not be replaced)."""


def check_output_folder(out_dir: Path, corpus_root: Path, repo_root: Path) -> None:
    """Refuse to build into a folder whose contents would be lost or that cannot be made:
    the corpus or anything in it, a folder holding the corpus or the repository, a symbolic
    link, a path under a file, or an existing folder that is neither empty nor provably a
    castcorpus release (:func:`release_problem`)."""
    out_dir = Path(os.path.abspath(out_dir))
    target, corpus, repo = out_dir.resolve(), corpus_root.resolve(), repo_root.resolve()
    if target.is_relative_to(corpus) or corpus.is_relative_to(target) or repo.is_relative_to(target):
        raise OutputFolderError(f"{out_dir}: refusing to build into or over the corpus or the repository")
    if out_dir.is_symlink():
        raise OutputFolderError(f"{out_dir}: is a symbolic link (to {os.readlink(out_dir)}); "
                                "give the folder itself as --out")
    ancestor = out_dir.parent
    while not ancestor.exists() and not ancestor.is_symlink() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputFolderError(f"{out_dir}: cannot be made, {ancestor} is not a folder")
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputFolderError(f"{out_dir}: exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        problem = release_problem(out_dir)
        if problem:
            raise OutputFolderError(f"{out_dir}: exists and is not provably a castcorpus release ({problem}); "
                                    "nothing was changed: choose an empty or new folder, or remove it yourself")


def release_problem(folder: Path) -> str | None:
    """Why ``folder`` is not provably a castcorpus release, or None when it is one.

    It is one when its ``SHA256SUMS`` parses, its marker's fingerprint is the fingerprint of
    the data files SHA256SUMS lists, and it holds nothing else than the files listed (missing
    listed files are allowed: a damaged release is still ours) and the folders above them.
    Cheap checks first: a large folder that is not a release is refused before it is walked."""
    listed = _listed(folder / "SHA256SUMS")
    if isinstance(listed, str):
        return listed
    marked = _marker_fingerprint(folder)
    if marked is None:
        return f"no readable {MARKER} marker"
    if marked != data_fingerprint({name: sha for name, sha in listed.items() if name.startswith("data/")}):
        return f"the fingerprint in its marker is not that of the data files SHA256SUMS lists"
    stray = _unlisted(folder, set(listed))
    return f"{stray} is not a file of the release" if stray else None


def _read_small(path: Path, limit: int) -> bytes | None:
    """A regular file's bytes (not through a symbolic link), or None."""
    try:
        status = os.lstat(path)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _listed(sums: Path) -> dict[str, str] | str:
    """The files ``SHA256SUMS`` lists (path -> hash), or why it is not a release's."""
    data = _read_small(sums, _MAX_SUMS_BYTES)
    if data is None:
        return "no readable SHA256SUMS"
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return "SHA256SUMS is not UTF-8"
    listed = {}
    for number, line in enumerate(lines, start=1):
        sha, sep, name = line.partition("  ")
        parts = name.split("/")
        if (not sep or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)
                or not name or any(p in ("", ".", "..") for p in parts) or name == "SHA256SUMS"):
            return f"line {number} of SHA256SUMS is not a release's"
        listed[name] = sha
    return listed


def _marker_fingerprint(folder: Path) -> str | None:
    for name, path in ((MARKER, ("fingerprint",)), (_LEGACY_MARKER, ("summary", "fingerprint"))):
        data = _read_small(folder / name, _MAX_MARKER_BYTES)
        if data is None:
            continue
        try:
            value = json.loads(data)
            for key in path:
                value = value[key]
        except (ValueError, KeyError, TypeError, RecursionError):
            return None
        return value if isinstance(value, str) else None
    return None


def _unlisted(folder: Path, listed: set[str]) -> str | None:
    """The first entry (in path order) of ``folder`` that is not a listed regular file or a
    folder above one; symbolic links and unreadable folders are never the release's."""
    folders = {"/".join(name.split("/")[:i]) for name in listed for i in range(1, name.count("/") + 1)}
    unreadable: list[str] = []
    for top, dirs, files in os.walk(folder, onerror=lambda err: unreadable.append(err.filename)):
        rel = Path(top).relative_to(folder).as_posix()
        prefix = "" if rel == "." else rel + "/"
        for name in sorted(dirs):
            if os.path.islink(os.path.join(top, name)) or prefix + name not in folders:
                return prefix + name
        for name in sorted(files):
            path = os.path.join(top, name)
            if prefix + name not in listed and prefix + name != "SHA256SUMS":
                return prefix + name
            if not stat.S_ISREG(os.lstat(path).st_mode):
                return prefix + name
    return str(unreadable[0]) if unreadable else None


def make_parents(out_dir: Path) -> list[Path]:
    """Create the missing folders above ``out_dir``; those created, outermost first (for
    :func:`remove_made`, so that a failed build leaves no new empty folders)."""
    missing, folder = [], Path(os.path.abspath(out_dir)).parent
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    made = []
    try:
        for folder in reversed(missing):
            folder.mkdir()
            made.append(folder)
    except OSError as err:
        remove_made(made)
        raise OutputFolderError(f"{out_dir}: cannot make {folder}: {err.strerror}") from err
    return made


def remove_made(made: list[Path]) -> None:
    """Remove the folders :func:`make_parents` made, innermost first, where still empty."""
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:
            return


def _leftovers(out_dir: Path, kind: str) -> list[tuple[Path, int]]:
    """``(path, pid)`` of the ``.<name>.<kind>-<pid>`` folders beside ``out_dir``."""
    prefix = f".{out_dir.name}.{kind}-"
    try:
        with os.scandir(out_dir.parent) as scan:
            names = sorted(entry.name for entry in scan if entry.name.startswith(prefix))
    except OSError:
        return []
    found = []
    for name in names:
        pid = name[len(prefix):]
        if pid.isdigit():
            found.append((out_dir.parent / name, int(pid)))
    return found


def _gone(pid: int) -> bool:
    """True when the build of process ``pid`` cannot still be running (this process is not
    building yet when leftovers are cleared)."""
    return pid == os.getpid() or not _running(pid)


def clear_leftovers(out_dir: Path) -> None:
    """Clear what killed builds left beside ``out_dir`` (called by every build, up to date or
    not): staging folders of processes no longer running are removed (they can hold gigabytes
    of staged rows), and a previous release set aside by a replace that was killed is put back
    when ``out_dir`` is missing, removed otherwise. Only folders provably ours are touched: a
    staging folder with its tag, or a release (:func:`release_problem`)."""
    out_dir = Path(os.path.abspath(out_dir))
    for stale, pid in _leftovers(out_dir, "building"):
        if _gone(pid) and not stale.is_symlink() and ((stale / STAGING_TAG).is_file() or release_problem(stale) is None):
            shutil.rmtree(stale, ignore_errors=True)
    for old, pid in _leftovers(out_dir, "old"):
        if not _gone(pid) or old.is_symlink() or not old.is_dir():
            continue
        if any(old.iterdir()) and release_problem(old) is not None:
            continue
        if not out_dir.exists() and not out_dir.is_symlink():
            _rename(old, out_dir)
        else:
            _remove_release(old)


def staging_folder(out_dir: Path) -> Path:
    """A fresh, empty folder beside ``out_dir`` (same file system, so the final rename is
    atomic), tagged as a staging folder (:data:`STAGING_TAG`, removed by :func:`sha256sums`).
    A folder of that name that is not a tagged leftover is refused (:class:`OutputFolderError`)."""
    out_dir = Path(os.path.abspath(out_dir))
    clear_leftovers(out_dir)
    staging = out_dir.parent / f".{out_dir.name}.building-{os.getpid()}"
    if staging.exists() or staging.is_symlink():
        # Not a tagged leftover (clear_leftovers removed those): not provably ours.
        raise OutputFolderError(f"{staging}: is in the way of the build's staging folder; nothing was changed")
    staging.mkdir()
    (staging / STAGING_TAG).write_bytes(b"")
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


def _rename(source: Path, target: Path) -> None:
    """``os.rename``, one step of a replace (a seam for the tests that fail each step)."""
    os.rename(source, target)


def _remove_release(folder: Path) -> None:
    """Remove a release folder, its marker and SHA256SUMS last: a removal cut short leaves a
    folder that is still provably ours, which the next build clears."""
    keep = {"SHA256SUMS", MARKER, _LEGACY_MARKER}
    for entry in sorted(folder.iterdir()):
        if entry.name not in keep:
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    shutil.rmtree(folder)


def replace_atomically(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` in the place of ``out_dir``, never losing the previous release.

    Three steps: the previous release is renamed aside (``.<name>.old-<pid>``), the new one
    renamed in, the old one removed. At no point is a half-written release at ``out_dir``.
    If the second step fails, the first is undone; if undoing it fails too, the error says
    where the previous release is, and the next build puts it back. If the third fails, the
    new release stands and the next build removes the old one. (Between the two renames
    ``out_dir`` is briefly absent; POSIX has no portable atomic exchange of folders.) The
    folder is checked again just before: it may have changed during a long build.
    """
    out_dir = Path(os.path.abspath(out_dir))
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if old.exists() or old.is_symlink():
        raise OutputFolderError(f"{old}: is in the way of replacing {out_dir}; nothing was changed")
    had = out_dir.exists() or out_dir.is_symlink()
    if had:
        problem = ("it is no longer a folder" if out_dir.is_symlink() or not out_dir.is_dir()
                   else release_problem(out_dir) if any(out_dir.iterdir()) else None)
        if problem:
            raise OutputFolderError(f"{out_dir}: changed during the build and is no longer provably a castcorpus "
                                    f"release ({problem}); nothing was changed")
    if had:
        try:
            _rename(out_dir, old)
        except OSError as err:
            raise OutputFolderError(f"{out_dir}: cannot move the previous release aside ({err.strerror}); "
                                    "nothing was changed") from err
    try:
        _rename(staging, out_dir)
    except BaseException as err:
        if had:
            try:
                _rename(old, out_dir)
            except OSError as undo:
                raise OutputFolderError(f"{out_dir}: the new release could not be moved in ({_why(err)}) nor the "
                                        f"previous one back ({undo.strerror}); it is intact at {old}, and the "
                                        "next build puts it back") from err
        if isinstance(err, OSError):
            raise OutputFolderError(f"{out_dir}: the new release could not be moved in ({err.strerror}); "
                                    "the previous release is untouched") from err
        raise
    if had:
        try:
            _remove_release(old)
        except OSError:
            pass  # the new release stands; the next build removes the old one (clear_leftovers)


def _why(err: BaseException) -> str:
    return err.strerror if isinstance(err, OSError) and err.strerror else type(err).__name__


_LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


def linked_files(markdown: str) -> list[str]:
    """The relative paths a Markdown text links to or shows (no addresses, no anchors alone)."""
    return sorted({target for target in _LINK.findall(markdown) if "://" not in target and not target.startswith("/")})


def _copy_linked(repo_root: Path, staging: Path, name: str, copied: list[str]) -> None:
    """Copy the repository files a copied Markdown file links to, at the same paths, and the
    files they link to in turn, so that every link of the release resolves inside it."""
    pending = [name]
    while pending:
        current = pending.pop()
        folder = Path(current).parent
        for target in linked_files((staging / current).read_text(encoding="utf-8")):
            relative = (folder / target).as_posix()
            source = (repo_root / relative).resolve()
            if (relative in copied or ".." in Path(relative).parts or not source.is_file()
                    or not source.is_relative_to(repo_root.resolve())):
                continue
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, staging / relative)
            copied.append(relative)
            if relative.endswith(".md"):
                pending.append(relative)


def copy_repository_files(repo_root: Path, staging: Path) -> list[str]:
    """Copy LICENSE, licenses/, DATASHEET.md and CITATION.cff when present, and the documents
    and pictures DATASHEET.md links to (docs/...), so that its links work in the release; the
    names copied."""
    copied = []
    for name in REPOSITORY_FILES:
        source = repo_root / name
        if source.is_file():
            shutil.copyfile(source, staging / name)
            copied.append(name)
    if "DATASHEET.md" in copied:
        _copy_linked(repo_root, staging, "DATASHEET.md", copied)
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
    (staging / STAGING_TAG).unlink(missing_ok=True)  # the folder is now a release, provably ours by its marker
    files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*")
                   if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{known.get(name) or file_sha256(staging / name)}  {name}\n" for name in files]
    (staging / "SHA256SUMS").write_text("".join(lines), encoding="utf-8", newline="\n")
    return files


def write_marker(staging: Path, fingerprint: str, version: str) -> None:
    """Write the release marker (:data:`MARKER`): what made the folder and its fingerprint."""
    body = {"castcorpus_release": 1, "fingerprint": fingerprint, "castcorpus_version": version}
    (staging / MARKER).write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8", newline="\n")


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
