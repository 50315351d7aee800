"""Hydration: bring the texts of an external collection into the local cache, verified.

For FA-KES, :func:`hydrate_fakes` (1) checks the size and SHA-256 of the published file
against ``corpus/collections.json`` before reading anything else, (2) decodes it
(:mod:`castcorpus.sources.fakes.reader`), (3) optionally (re)writes the document records
(:mod:`castcorpus.sources.fakes.documents`), (4) compares every canonical text with the
``text_sha256`` and ``text_length`` of its ``corpus/documents/<id>.json`` and (5) writes each
matching text atomically to ``hydrated_text_path(cache_dir, "fa-kes", id)``, outside the
repository. A text that does not match is reported by document id and never written. The
anomalies of the file are collected too (:mod:`castcorpus.sources.fakes.anomalies`).

Exceptions (:class:`HydrateError`, :class:`~castcorpus.sources.fakes.reader.FakesFormatError`) are for
input that cannot be used at all; per-document problems are issues in the result.
"""

from __future__ import annotations

import hashlib
import errno
import json
import os
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from castcorpus.corpus.files import NOT_REGULAR, InputFileError, iter_blocks
from castcorpus.corpus.jsonio import load_json, write_atomic
from castcorpus.corpus.reader import Corpus, CorpusError, hydrated_text_path
from castcorpus.corpus.texts import text_sha256
from castcorpus.report import Issue
from .anomalies import anomalies
from .documents import COLLECTION, write_documents
from .reader import FakesFormatError, FakesRow, crlf_line_ends, document_ids, read_fakes


class HydrateError(Exception):
    """The source cannot be used (missing, wrong checksum, collection unknown)."""


@dataclass
class HydrationResult:
    """What one hydration run did and found."""

    source: str
    sha256: str
    rows: int
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    documents_written: list[str] = field(default_factory=list)
    anomalies: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every text matched its document."""
        return not self.errors

    def to_json(self) -> str:
        """The result as a JSON document for programs."""
        value = asdict(self)
        value["ok"] = self.ok
        return json.dumps(value, indent=2, ensure_ascii=False)


def collection_file(corpus_root: Path, key: str = COLLECTION) -> dict[str, Any]:
    """The ``file`` entry (name, bytes, md5, sha256, url) of an external collection."""
    try:
        collection = Corpus(corpus_root).collections.get(key)
    except CorpusError as err:
        raise HydrateError(str(err)) from err
    if collection is None or "file" not in collection:
        raise HydrateError(f"{corpus_root}/collections.json: no external collection {key!r} with a file")
    return collection["file"]


def cached_source(cache_dir: Path, spec: dict[str, Any], key: str = COLLECTION) -> Path:
    """Where a downloaded copy of the published file is kept in the cache."""
    return Path(cache_dir) / key / spec["name"]


def local_source(corpus_root: Path, cache_dir: Path, source: str | Path | None = None,
                 key: str = COLLECTION) -> Path:
    """The file to read: ``source`` when given, else the copy already in the cache."""
    if source:
        return Path(source)
    spec = collection_file(Path(corpus_root), key)
    cached = cached_source(cache_dir, spec, key)
    if not cached.exists():
        raise HydrateError(f"no copy of {spec['name']} in {cached.parent}; pass --from PATH "
                           f"(a local copy) or run 'castcorpus hydrate {key} --download' (from {spec['url']})")
    return cached


def read_verified(path: Path, spec: dict[str, Any]) -> bytes:
    """The bytes of ``path`` once its size and SHA-256 equal ``spec``'s; else HydrateError.
    Read in blocks, hashed as they come, and never more than the published size."""
    digest, blocks = hashlib.sha256(), []
    for block in _blocks(path, spec):
        digest.update(block)
        blocks.append(block)
    data = b"".join(blocks)
    if len(data) != spec["bytes"] or digest.hexdigest() != spec["sha256"]:
        raise HydrateError(f"{path}: not the published {spec['name']}: {len(data)} bytes, SHA-256 "
                           f"{digest.hexdigest()}; expected {spec['bytes']} bytes, SHA-256 {spec['sha256']}")
    return data


def read_source(path: Path, spec: dict[str, Any] | None = None) -> bytes:
    """The bytes of a source file, checked for type (and, with ``spec``, size) before it is read:
    a named pipe or a device would block, a file of the wrong size is not the published one."""
    return b"".join(_blocks(path, spec))


def _blocks(path: Path, spec: dict[str, Any] | None) -> Iterator[bytes]:
    """The blocks of a source file (:func:`castcorpus.corpus.files.iter_blocks`); a file that
    is not regular, or (with ``spec``) not of the published size, raises HydrateError unread."""
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise InputFileError(errno.EINVAL, NOT_REGULAR, str(path))
        if spec is not None and status.st_size != spec["bytes"]:
            raise HydrateError(f"{path}: not the published {spec['name']}: {status.st_size} bytes; "
                               f"expected {spec['bytes']} bytes, SHA-256 {spec['sha256']}")
        yield from iter_blocks(path, None if spec is None else spec["bytes"])
    except InputFileError as err:
        raise HydrateError(f"{path}: {err.strerror}" + (" (a pipe, device or folder is not read)"
                                                         if err.errno == errno.EINVAL else "")) from err
    except OSError as err:
        raise HydrateError(f"{path}: cannot read the file ({err.strerror})") from err


def hydrate_fakes(source: Path, corpus_root: Path, cache_dir: Path, *, verify: bool = True,
                  documents: bool = False) -> HydrationResult:
    """Hydrate the FA-KES texts from ``source`` into ``cache_dir``.

    ``verify=False`` skips the file checksum (for tests of later stages only; the CLI always
    verifies). ``documents=True`` first (re)writes ``corpus/documents/`` from the file.
    """
    corpus_root, cache_dir = Path(corpus_root), Path(cache_dir)
    if cache_dir.exists() and not cache_dir.is_dir():
        raise HydrateError(f"{cache_dir}: the cache path is not a folder; nothing was read or written")
    spec = collection_file(corpus_root)
    if verify:
        data = read_verified(source, spec)
    else:
        data = read_source(source)
    try:
        rows = read_fakes(data)
    except FakesFormatError as err:
        raise FakesFormatError(f"{source}: {err}") from err  # every error names its file
    ids = document_ids(rows)
    result = HydrationResult(str(source), hashlib.sha256(data).hexdigest(), len(rows))
    result.anomalies = anomalies(rows, ids, crlf_line_ends(data))
    documents_dir = corpus_root / "documents"
    if documents:
        outlets = Corpus(corpus_root).outlets
        result.documents_written = write_documents(rows, ids, documents_dir, outlets).written
    _hydrate_texts(rows, ids, documents_dir, cache_dir, result)
    _unknown_documents(ids, documents_dir, result)
    return result


def _hydrate_texts(rows: list[FakesRow], ids: list[str], documents_dir: Path, cache_dir: Path,
                   result: HydrationResult) -> None:
    for row, doc_id in zip(rows, ids):
        issue = _mismatch(row, doc_id, documents_dir)
        if issue:
            result.errors.append(issue)
            continue
        path = hydrated_text_path(cache_dir, COLLECTION, doc_id)
        if path.exists() and path.read_bytes() == row.text.encode("utf-8"):
            result.unchanged.append(doc_id)
            continue
        write_atomic(path, row.text)
        result.written.append(doc_id)


def _mismatch(row: FakesRow, doc_id: str, documents_dir: Path) -> Issue | None:
    """Why the text of ``row`` cannot be hydrated as document ``doc_id``, or None."""
    rel = f"documents/{doc_id}.json"
    path = documents_dir / f"{doc_id}.json"
    if not path.exists():
        return Issue(rel, "", "document-missing",
                     f"row {row.row} (unit_id {row.unit_id}) has no document {doc_id}; "
                     "run 'castcorpus hydrate fa-kes --write-documents'")
    loaded = load_json(path, rel)
    meta = loaded.value if loaded.ok else None
    if not isinstance(meta, dict) or not isinstance(meta.get("text_sha256"), str):
        return Issue(rel, "", "document-unusable", f"document {doc_id} cannot be read or has no text_sha256")
    digest = text_sha256(row.text)
    if digest != meta["text_sha256"]:
        return Issue(rel, "/text_sha256", "text-hash-mismatch",
                     f"document {doc_id}: the text of row {row.row} has SHA-256 {digest}, "
                     f"the document says {meta['text_sha256']}; not hydrated")
    if len(row.text) != meta.get("text_length"):
        return Issue(rel, "/text_length", "text-length-mismatch",
                     f"document {doc_id}: the text of row {row.row} has {len(row.text)} code points, "
                     f"the document says {meta.get('text_length')}; not hydrated")
    return None


def _unknown_documents(ids: list[str], documents_dir: Path, result: HydrationResult) -> None:
    """FA-KES documents of the corpus that no row of the file yields."""
    known = set(ids)
    for path in sorted(documents_dir.glob("fa-kes-*.json")):
        if path.stem in known:
            continue
        loaded = load_json(path, f"documents/{path.name}")
        if loaded.ok and isinstance(loaded.value, dict) and loaded.value.get("collection") == COLLECTION:
            result.errors.append(Issue(f"documents/{path.name}", "", "document-not-in-source",
                                       f"document {path.stem} is not produced by any row of the file"))
