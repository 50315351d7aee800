"""Is a release already built from exactly these inputs? A digest of everything a build reads.

A rebuild with nothing changed should cost next to nothing. The build records a digest of its
inputs in the release (``build-inputs.json``): every corpus file's bytes, the hydrated copy of
every external document (or its absence), the repository files it copies, the package's own
source and schemas, and the versions of the libraries that shape the output. When the digest
matches and the release's files still match its SHA256SUMS, the release is up to date and the
build does nothing. Any change anywhere gives a new digest and a full build; so the shortcut
can never serve a stale release.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Sequence
from importlib import metadata, resources
from pathlib import Path

import orjson

from castcorpus.corpus.jsonio import load_json
from castcorpus.corpus.reader import hydrated_text_path
from castcorpus.corpus.segment import SEGMENTER
from .filerecords import FileRecords, sha256_of
from .folder import REPOSITORY_FILES, file_sha256

#: The file the digest is recorded in, inside the release.
RECORD = "build-inputs.json"
#: Libraries whose version changes what a build writes.
_LIBRARIES = ("datasets", "pyarrow", "blingfire", "syntok", "scikit-learn", "matplotlib", "mlcroissant", "jsonschema")


def _update(digest, label: str, data: bytes | None) -> None:
    # surrogateescape: a file name that is not UTF-8 is hashed as its bytes, not a crash
    # (the validator reports the name).
    part = label.encode("utf-8", "surrogateescape") + b"\0" + (b"-" if data is None else b"+" + data)
    digest.update(len(part).to_bytes(8, "big"))
    digest.update(part)


def _files(folder: Path, kinds: dict[str, bytes] | None = None) -> list[tuple[str, str, os.stat_result | None]]:
    """``(relative posix path, path, status)`` of the files under ``folder``, in path order; symbolic
    links to folders are followed (as the build's readers follow them), links back to an
    enclosing folder are not. ``status`` is None for a file its folder's entry says is regular
    (no link): it is taken when the file is opened (:func:`_read`), one system call less per file.
    Paths are strings: a corpus has tens of thousands of files, and pathlib objects for each
    cost more than hashing them. With ``kinds``, the :func:`path_kind` of every entry listed
    (folders included) is put in it by relative path, most of them from the folder's entry."""
    found: list[tuple[str, str, os.stat_result | None]] = []
    _scan(str(folder), "", found, kinds)
    found.sort(key=lambda entry: entry[0])
    return found


def path_kind(path: str) -> bytes:
    """What kind of file ``path`` is: absent, a regular file, a symbolic link (with its target:
    a link out of the corpus is a finding), or something else."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return b"absent"
    if stat.S_ISLNK(mode):
        return b"link:" + os.path.realpath(path).encode("utf-8", "surrogateescape")
    return b"file" if stat.S_ISREG(mode) else b"other"


def _scan(top: str, prefix: str, found: list, kinds: dict[str, bytes] | None = None) -> None:
    """Add the files under ``top`` to ``found`` (what ``os.walk(top, followlinks=True)`` lists,
    ``__pycache__`` and links back up left out), and to ``kinds`` the kind of every entry; a
    folder that cannot be listed is skipped."""
    try:
        with os.scandir(top) as scan:
            entries = list(scan)
    except OSError:
        return
    base = top if top.endswith(os.sep) else top + os.sep  # os.path.join, without its cost per file
    folders = []
    for entry in entries:
        if _is_plain_file(entry):  # from the folder's entry: no system call
            found.append((prefix + entry.name, base + entry.name, None))
            if kinds is not None:
                kinds[prefix + entry.name] = b"file"
            continue
        if kinds is not None:  # a link, a folder or another type: a few per corpus
            kinds[prefix + entry.name] = path_kind(base + entry.name)
        if _is_dir(entry):
            folders.append(entry.name)
        else:  # a link to a file, or a type the entry does not tell
            status = _stat(base + entry.name)
            if status is not None and stat.S_ISREG(status.st_mode):
                found.append((prefix + entry.name, base + entry.name, status))
    real_top = os.path.realpath(top) if folders else ""
    for name in folders:
        if name != "__pycache__" and not _loops_back(real_top, base + name):
            _scan(base + name, prefix + name + "/", found, kinds)


def _is_plain_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:  # on a file system whose entries do not tell the type: an lstat that failed
        return False


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows a link, as os.walk does
    except OSError:
        return False


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


#: Binary (on Windows), and without waiting on a named pipe.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


def _read(path: str) -> tuple[bytes, os.stat_result] | None:
    """The bytes of the file at ``path`` and its status as opened (None when it is gone or no
    regular file by then, as if it had not been listed). By ``os.open`` and ``os.read`` of the
    whole file at once: a buffered file object per file costs twice as much, and a corpus has
    tens of thousands of small files. Opened without blocking, so that a named pipe put in its
    place is not waited on."""
    try:
        handle = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        return None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            return None
        return _read_whole(handle, status.st_size), status
    finally:
        os.close(handle)


def _read_whole(handle: int, size: int) -> bytes:
    """Everything from the open file ``handle`` whose size was ``size`` when last seen: one read
    when it still is (a regular file reads short only at its end), else reads until the end,
    should the file have grown or shrunk since."""
    data = os.read(handle, size + 1)
    if len(data) == size:
        return data
    parts = [data]
    while parts[-1]:
        parts.append(os.read(handle, 1 << 20))
    return b"".join(parts)


def _loops_back(real_top: str, child: str) -> bool:
    real_child = os.path.realpath(child)
    return real_top == real_child or real_top.startswith(real_child.rstrip(os.sep) + os.sep)


def _code(digest) -> None:
    package = Path(str(resources.files("castcorpus")))
    for rel, path, _ in _files(package):
        if rel.endswith((".py", ".json", ".j2", ".css", ".js", ".md")):  # code and its templates
            _update_file(digest, f"code:{rel}", path)
    # The schemas decide label orders; in a development install they live outside the package.
    schemas = resources.files("castcorpus.schemas")
    for entry in sorted(schemas.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".schema.json"):
            _update(digest, f"schema:{entry.name}", entry.read_bytes())
    _update(digest, "segmenter", SEGMENTER.encode())  # BlingFire or the syntok fallback
    for name in _LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = None
        _update(digest, f"library:{name}", None if version is None else version.encode())


def _update_file(digest, label: str, path: str) -> None:
    """A listed file's bytes (left out, as if not listed, should it be no regular file by now)."""
    read = _read(path)
    if read is not None:
        _update(digest, label, read[0])


def _external_collections(corpus_root: Path) -> set[str]:
    collections = load_json(corpus_root / "collections.json", "collections.json").value or {}
    return {c["key"] for c in collections.get("collections", [])
            if isinstance(c, dict) and c.get("storage") == "external"}


#: Opening brackets past which orjson might accept a nesting that ``json.loads`` refuses (its
#: limit is the interpreter's recursion limit less the calls already on the stack).
_SHALLOW = 500


def _collection_of(data: bytes) -> str | None:
    """The ``collection`` of a document file's bytes (None when they are not a document: the
    validator reports that; the digest only needs to know which hydrated text to include).

    What ``json.loads`` gives, which the records of earlier builds hold: orjson (some five times
    faster) gives the same value for whatever it accepts, when the nesting is shallow (it refuses
    bad UTF-8, a byte-order mark, NaN and lone surrogates, which ``json.loads`` may take, and
    keeps the last of two equal keys as ``json.loads`` does); whatever it refuses goes to
    ``json.loads``."""
    try:
        if data.count(b"[") + data.count(b"{") < _SHALLOW:
            return _collection_in(orjson.loads(data))
    except orjson.JSONDecodeError:
        pass
    try:
        return _collection_in(json.loads(data))
    except (ValueError, RecursionError):
        return None


def _collection_in(meta) -> str | None:
    collection = meta.get("collection") if isinstance(meta, dict) else None
    return collection if isinstance(collection, str) else None


def inputs_digest(corpus_root: Path, cache_dir: Path, repo_root: Path, writers: Sequence[str] = (),
                  file_hashes: dict[str, str] | None = None, records: FileRecords | None = None,
                  kinds: dict[str, bytes] | None = None) -> str:
    """SHA-256 over everything a build of ``corpus_root`` reads, and the names of the ``writers``
    hooks it runs (a release built without the card's baselines is not up to date for a build
    that adds them). Corpus files and hydrated copies count by their SHA-256. When
    ``file_hashes`` is given, the SHA-256 of every corpus file is put in it by corpus-relative
    path, and of each external document's hydrated copy as ``hydrated:<id>`` (the incremental
    build's keys, from the same reads). With ``records``, a file whose recorded size, times and
    inode are unchanged is not read again (:mod:`castcorpus.release.filerecords`). With
    ``kinds``, the :func:`path_kind` of every entry under ``corpus_root`` is put in it, by
    corpus-relative path (what the incremental build's document keys record)."""
    digest = hashlib.sha256()
    _update(digest, "writers", "\n".join(writers).encode())
    records = records if records is not None else FileRecords()
    file_hashes = file_hashes if file_hashes is not None else {}
    hydrated = _corpus_files(digest, corpus_root, cache_dir, records, file_hashes, kinds)
    for text in hydrated:  # each external document's hydrated copy, or its absence
        status = _stat(str(text))
        record = None
        if status is not None and stat.S_ISREG(status.st_mode):
            record = _record(records, os.path.abspath(text), str(text), status, False)
        _update(digest, f"hydrated:{text.stem}", None if record is None else record.sha256.encode())
        if record is not None:
            file_hashes[f"hydrated:{text.stem}"] = record.sha256
    for name in REPOSITORY_FILES:
        source = repo_root / name
        _update(digest, f"repo:{name}", source.read_bytes() if source.is_file() else None)
    if (repo_root / "licenses").is_dir():
        for rel, path, _ in _files(repo_root / "licenses"):
            _update_file(digest, f"repo:licenses/{rel}", path)
    _code(digest)
    return digest.hexdigest()


def _corpus_files(digest, corpus_root: Path, cache_dir: Path, records: FileRecords,
                  file_hashes: dict[str, str], kinds: dict[str, bytes] | None = None) -> list[Path]:
    """Add every corpus file's SHA-256 to ``digest`` and ``file_hashes``; the hydrated copies
    that the external documents among them name."""
    external, hydrated = _external_collections(corpus_root), []
    root = os.path.abspath(corpus_root) + os.sep  # records are keyed by absolute path
    for rel, path, status in _files(corpus_root, kinds):
        document = rel.startswith("documents/") and rel.endswith(".json")
        record = _record(records, root + rel, path, status, document)
        if record is None:
            continue  # no longer a regular file: as if it had not been listed
        _update(digest, "corpus:" + rel, record.sha256.encode())
        file_hashes[rel] = record.sha256
        if external and document and record.extra in external:
            hydrated.append(hydrated_text_path(cache_dir, record.extra, Path(path).stem))
    return hydrated


def _record(records: FileRecords, key: str, path: str, status: os.stat_result | None, document: bool):
    """The record of the file at ``path``: reused when its ``status`` (taken here when None and
    there are records to reuse) matches, else read and hashed; None when it is no regular file."""
    if status is None and records.previous:
        status = _stat(path)
        if status is None or not stat.S_ISREG(status.st_mode):
            return None
    record = None if status is None else records.known(key, status)
    if record is not None:
        return record
    read = _read(path)
    if read is None:
        return None
    data, status = read
    return records.note(key, status, sha256_of(data), _collection_of(data) if document else None)


def code_digest() -> str:
    """SHA-256 of the package's code and schemas and of the libraries' versions (the part of
    :func:`inputs_digest` that does not depend on the corpus)."""
    digest = hashlib.sha256()
    _code(digest)
    return digest.hexdigest()


def record(digest: str, summary: dict) -> str:
    """The content of ``build-inputs.json``: the digest and the summary of the build."""
    return json.dumps({"inputs_sha256": digest, "summary": summary}, indent=2, ensure_ascii=False) + "\n"


def is_up_to_date(release: Path, digest: str, records: FileRecords | None = None) -> bool:
    """True when ``release`` was built from inputs with ``digest`` and is intact (every file
    has the SHA-256 its SHA256SUMS lists; with ``records``, a file whose recorded size, times
    and inode are unchanged is not read again)."""
    recorded = load_json(release / RECORD, RECORD).value
    if not isinstance(recorded, dict) or recorded.get("inputs_sha256") != digest:
        return False
    return _intact(release, records if records is not None else FileRecords())


def _intact(release: Path, records: FileRecords) -> bool:
    sums = release / "SHA256SUMS"
    if not sums.is_file():
        return False
    for line in sums.read_text(encoding="utf-8").splitlines():
        expected, _, name = line.partition("  ")
        path = release / name
        try:
            if not path.is_file() or records.file_sha256(os.path.abspath(path), path) != expected:
                return False
        except OSError:
            return False
    return True
