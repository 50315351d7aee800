"""Cache of derived per-document rows, keyed by the hash of everything the rows depend on.

The key covers the document's metadata, annotation and text, the registries (names and
types of actors, outlet actors) and the code that derives rows (the source of the modules
involved, the JSON Schemas and the segmenter version). A cache entry can therefore never be stale: anything
that could change the rows changes the key. Entries are encoded with :mod:`marshal`: on a
cold build, encoding them as JSON cost about as much as deriving the rows (and compressing
them with zlib would add half again to marshal's cost). marshal's format belongs to one Python
version, so the version is part of the key; the cache is the user's own folder, read by the
user's own interpreter, so the usual warning about unmarshalling untrusted data does not
apply to it.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sqlite3
import sys
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from castcorpus.corpus.segment import SEGMENTER
from castcorpus.report import Issue
from castcorpus.version import __version__
from .columns import ColumnRows, from_marshal, to_marshal
from .records import Records

#: Modules whose source decides the rows.
_ROW_MODULES = ("release/rows.py", "release/token_rows.py", "release/columns.py", "release/records.py",
                "corpus/segment.py", "release/features.py", "release/rowcache.py")


@cache
def code_version() -> str:
    """Hash of the row-deriving code, the schemas and the segmenter version."""
    digest = hashlib.sha256(f"{__version__}\0{SEGMENTER}\0{sys.version}\0{marshal.version}".encode())
    package = resources.files("castcorpus")
    for name in _ROW_MODULES:
        digest.update(package.joinpath(*name.split("/")).read_bytes())
    # Label orders come from the schemas.
    schemas = resources.files("castcorpus.schemas")
    for entry in sorted(schemas.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".schema.json"):
            digest.update(entry.name.encode() + entry.read_bytes())
    return digest.hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def registry_hash(actors: dict, outlets: dict, events: dict | None = None) -> str:
    """Hash of the registries as the rows use them."""
    return hashlib.sha256(_canonical({"actors": actors, "outlets": outlets, "events": events or {}})).hexdigest()


def row_key(meta: dict, annotation: dict | None, text: str, registries: str) -> str:
    """The cache key of one document's rows."""
    digest = hashlib.sha256(code_version().encode())
    for part in (_canonical(meta), _canonical(annotation), text.encode("utf-8"), registries.encode()):
        digest.update(len(part).to_bytes(8, "big"))  # length-prefixed: no ambiguous joins
        digest.update(part)
    return digest.hexdigest()


class RowCache:
    """Rows by key in ``folder``/rows.sqlite (``None``: no caching).

    One SQLite file rather than a file per document: on a cold build of 20,000 documents,
    creating and renaming 20,000 small files cost more than encoding them. Entries are
    committed in short transactions of a batch each and on :meth:`close`; a build killed
    midway loses only its uncommitted entries. A cache that cannot be opened, read or written
    is skipped (every lookup a miss): it never fails a build.
    """

    #: Entries per transaction (held in memory until then: about 25 kB each).
    BATCH = 200

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.hits = self.misses = 0
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, bytes]] = []
        if folder is not None:
            self._db = self._open(folder / "rows.sqlite")

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection | None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=30)
            # A cache needs no durability, only atomic commits: WAL with synchronous=NORMAL.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS rows (key TEXT PRIMARY KEY, entry BLOB NOT NULL) WITHOUT ROWID")
            return db
        except (OSError, sqlite3.Error):
            return None

    @property
    def enabled(self) -> bool:
        """Whether entries are looked up at all (a folder was given)."""
        return self.folder is not None

    def get(self, key: str) -> tuple[dict, list[Issue]] | None:
        """Cached rows and issues, or None (an unreadable entry counts as a miss)."""
        if self.folder is None:
            return None
        result = None
        try:
            found = self._db.execute("SELECT entry FROM rows WHERE key = ?", (key,)).fetchone() if self._db else None
            if found is not None:
                entry = marshal.loads(found[0])
                rows = {config: from_marshal(value) if isinstance(value, dict) else Records(*value)
                        for config, value in entry["rows"].items()}
                result = rows, [Issue(*issue) for issue in entry["issues"]]
        except (sqlite3.Error, ValueError, KeyError, TypeError, EOFError):
            result = None
        if result is None:
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, rows: dict, issues: list[Issue]) -> None:
        """Store rows and issues (best effort: a cache that cannot be written is skipped).
        Entries are written in batches, each in one short transaction, so that another build
        sharing the cache waits for a commit, not for a batch of documents to be derived."""
        if self._db is None:
            return
        plain = {config: to_marshal(value) if isinstance(value, ColumnRows) else (value.config, value.rows)
                 for config, value in rows.items()}
        entry = {"rows": plain, "issues": [[i.file, i.pointer, i.code, i.message] for i in issues]}
        self._pending.append((key, marshal.dumps(entry)))
        if len(self._pending) >= self.BATCH:
            self._commit()

    def _commit(self) -> None:
        if self._db is None or not self._pending:
            return
        try:
            with self._db:  # BEGIN ... COMMIT, or ROLLBACK on error
                self._db.executemany("INSERT OR REPLACE INTO rows (key, entry) VALUES (?, ?)", self._pending)
        except sqlite3.Error:
            self._give_up()
        self._pending = []

    def _give_up(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db, self._pending = None, []

    def close(self) -> None:
        """Commit what is pending and close the database."""
        self._commit()
        self._give_up()
