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


def _files(folder: Path) -> list[tuple[str, str, os.stat_result]]:
    """``(relative posix path, path, status)`` of the files under ``folder``, in path order; symbolic
    links to folders are followed (as the build's readers follow them), links back to an
    enclosing folder are not. Paths are strings: a corpus has tens of thousands of files,
    and pathlib objects for each cost more than hashing them."""
    found = []
    for top, dirs, names in os.walk(folder, followlinks=True):
        real_top = os.path.realpath(top)
        dirs[:] = [d for d in dirs if d != "__pycache__" and not _loops_back(real_top, os.path.join(top, d))]
        rel = Path(top).relative_to(folder).as_posix()
        prefix = "" if rel == "." else rel + "/"
        base = top if top.endswith(os.sep) else top + os.sep  # os.path.join, without its cost per file
        for name in names:
            path = base + name
            status = _stat(path)
            if status is not None and stat.S_ISREG(status.st_mode):
                found.append((prefix + name, path, status))
    return sorted(found, key=lambda entry: entry[0])


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _read(path: str, size: int = 0) -> bytes:
    """The bytes of the file at ``path`` (``size``: its size as last seen). By ``os.open`` and
    ``os.read`` of the whole file at once: a buffered file object per file costs twice as much,
    and a corpus has tens of thousands of small files. Read until the end, should the file
    have grown since it was seen."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        data = os.read(handle, size + 1 if size > 0 else 1 << 16)
        rest = os.read(handle, 1 << 16) if data else b""
        if not rest:
            return data
        parts = [data, rest]
        while parts[-1]:
            parts.append(os.read(handle, 1 << 20))
        return b"".join(parts)
    finally:
        os.close(handle)


def _loops_back(real_top: str, child: str) -> bool:
    real_child = os.path.realpath(child)
    return real_top == real_child or real_top.startswith(real_child.rstrip(os.sep) + os.sep)


def _code(digest) -> None:
    package = Path(str(resources.files("castcorpus")))
    for rel, path, _ in _files(package):
        if rel.endswith((".py", ".json", ".j2", ".css", ".js", ".md")):  # code and its templates
            _update(digest, f"code:{rel}", _read(path))
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


def _external_collections(corpus_root: Path) -> set[str]:
    collections = load_json(corpus_root / "collections.json", "collections.json").value or {}
    return {c["key"] for c in collections.get("collections", [])
            if isinstance(c, dict) and c.get("storage") == "external"}


def _collection_of(data: bytes) -> str | None:
    """The ``collection`` of a document file's bytes (None when they are not a document: the
    validator reports that; the digest only needs to know which hydrated text to include)."""
    try:
        meta = json.loads(data)
    except (ValueError, RecursionError):
        return None
    collection = meta.get("collection") if isinstance(meta, dict) else None
    return collection if isinstance(collection, str) else None


def inputs_digest(corpus_root: Path, cache_dir: Path, repo_root: Path, writers: Sequence[str] = (),
                  file_hashes: dict[str, str] | None = None, records: FileRecords | None = None) -> str:
    """SHA-256 over everything a build of ``corpus_root`` reads, and the names of the ``writers``
    hooks it runs (a release built without the card's baselines is not up to date for a build
    that adds them). Corpus files and hydrated copies count by their SHA-256. When
    ``file_hashes`` is given, the SHA-256 of every corpus file is put in it by corpus-relative
    path, and of each external document's hydrated copy as ``hydrated:<id>`` (the incremental
    build's keys, from the same reads). With ``records``, a file whose recorded size, times and
    inode are unchanged is not read again (:mod:`castcorpus.release.filerecords`)."""
    digest = hashlib.sha256()
    _update(digest, "writers", "\n".join(writers).encode())
    records = records if records is not None else FileRecords()
    external, hydrated = _external_collections(corpus_root), []
    root = os.path.abspath(corpus_root) + os.sep  # records are keyed by absolute path
    for rel, path, status in _files(corpus_root):
        document = rel.startswith("documents/") and rel.endswith(".json")
        record = records.known(root + rel, status)
        if record is None:
            data = _read(path, status.st_size)
            record = records.note(root + rel, status, sha256_of(data), _collection_of(data) if document else None)
        _update(digest, f"corpus:{rel}", record.sha256.encode())
        if file_hashes is not None:
            file_hashes[rel] = record.sha256
        if external and document and record.extra in external:
            hydrated.append(hydrated_text_path(cache_dir, record.extra, Path(path).stem))
    for text in hydrated:  # each external document's hydrated copy, or its absence
        status = _stat(str(text))
        sha = None
        if status is not None and stat.S_ISREG(status.st_mode):
            key = os.path.abspath(text)
            record = records.known(key, status)
            if record is None:
                record = records.note(key, status, sha256_of(_read(key, status.st_size)))
            sha = record.sha256
        _update(digest, f"hydrated:{text.stem}", None if sha is None else sha.encode())
        if file_hashes is not None and sha is not None:
            file_hashes[f"hydrated:{text.stem}"] = sha
    for name in REPOSITORY_FILES:
        source = repo_root / name
        _update(digest, f"repo:{name}", source.read_bytes() if source.is_file() else None)
    if (repo_root / "licenses").is_dir():
        for rel, path, _ in _files(repo_root / "licenses"):
            _update(digest, f"repo:licenses/{rel}", _read(path))
    _code(digest)
    return digest.hexdigest()


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
