"""Cache of derived per-document rows, keyed by the hash of everything the rows depend on.

The key covers the document's metadata, annotation and text, the registries (names and
types of actors, outlet actors) and the code that derives rows (the source of the modules
involved, the JSON Schemas and the segmenter version). A cache entry can therefore never be stale: anything
that could change the rows changes the key. Entries are written with :mod:`marshal` and
compressed with zlib (level 1), then renamed into place: on a cold build, encoding the entries
as JSON cost about as much as deriving the rows. marshal's format belongs to one Python
version, so the version is part of the key; the cache is the user's own folder, read by the
user's own interpreter, so the usual warning about unmarshalling untrusted data does not
apply to it.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
import zlib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__
from .report import Issue
from .segment import SEGMENTER

#: Modules whose source decides the rows.
_ROW_MODULES = ("views.py", "ner.py", "segment.py", "features.py", "rowcache.py")


@cache
def code_version() -> str:
    """Hash of the row-deriving code, the schemas and the segmenter version."""
    digest = hashlib.sha256(f"{__version__}\0{SEGMENTER}\0{sys.version}\0{marshal.version}".encode())
    package = resources.files("castcorpus")
    for name in _ROW_MODULES:
        digest.update((package / name).read_bytes())
    # Label orders come from the schemas.
    schemas = resources.files("castcorpus.schemas")
    for entry in sorted(schemas.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".schema.json"):
            digest.update(entry.name.encode() + entry.read_bytes())
    return digest.hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def registry_hash(actors: dict, outlets: dict) -> str:
    """Hash of the registries as the rows use them."""
    return hashlib.sha256(_canonical({"actors": actors, "outlets": outlets})).hexdigest()


def row_key(meta: dict, annotation: dict | None, text: str, registries: str) -> str:
    """The cache key of one document's rows."""
    digest = hashlib.sha256(code_version().encode())
    for part in (_canonical(meta), _canonical(annotation), text.encode("utf-8"), registries.encode()):
        digest.update(len(part).to_bytes(8, "big"))  # length-prefixed: no ambiguous joins
        digest.update(part)
    return digest.hexdigest()


class RowCache:
    """Rows by key under ``folder`` (``None``: no caching)."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.hits = self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.rows"

    def get(self, key: str) -> tuple[dict, list[Issue]] | None:
        """Cached rows and issues, or None (an unreadable entry counts as a miss)."""
        if self.folder is None:
            return None
        try:
            entry = marshal.loads(zlib.decompress(self._path(key).read_bytes()))
            result = entry["rows"], [Issue(*issue) for issue in entry["issues"]]
        except (OSError, ValueError, KeyError, TypeError, EOFError, zlib.error):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, rows: dict, issues: list[Issue]) -> None:
        """Store rows and issues (best effort: a cache that cannot be written is skipped)."""
        if self.folder is None:
            return
        entry = {"rows": rows, "issues": [[i.file, i.pointer, i.code, i.message] for i in issues]}
        path = self._path(key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(zlib.compress(marshal.dumps(entry), 1))
            # Renamed into place, not fsynced: a torn entry after a crash fails zlib's
            # checksum, which get() treats as a miss, and a cache does not need durability.
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)
