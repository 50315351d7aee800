"""What a file's bytes hashed to, reused while the file is provably unchanged.

An incremental build reads every corpus file for the inputs' digest and checks every shard it
links from the previous release. Re-reading tens of thousands of unchanged files costs more
than the work they save, so the build state keeps, per file, its SHA-256 with the
``(size, mtime_ns, inode, ctime_ns)`` it had when hashed (any write, rename over, ``touch`` or
``utime`` changes one of them; ctime cannot be set back by a user). As git does with its index,
a record is not trusted when the file's mtime is not older than the moment the records were
taken (less a margin for file systems with coarse timestamps): such a file could have been
changed again within the same timestamp tick, so it is hashed again ("racy" files).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import NamedTuple

#: Margin for file systems whose timestamps are coarse (FAT: 2 s): a file modified less than
#: this before the records were taken is always hashed again.
RACY_NS = 2_000_000_000


class Record(NamedTuple):
    """A file's identity and content hash as of when it was hashed (``extra``: something else
    the reader took from the bytes, e.g. a document's collection). A named tuple: made for
    every corpus file, it costs half what a frozen dataclass does."""

    size: int
    mtime_ns: int
    ino: int
    ctime_ns: int
    sha256: str
    extra: object = None


class FileRecords:
    """The records of a previous build (read) and those of this one (being taken)."""

    def __init__(self, previous: dict[str, Record] | None = None, previous_taken: int = 0):
        self.previous, self.previous_taken = previous or {}, previous_taken
        self.taken = time.time_ns()  # before any file is looked at
        self.current: dict[str, Record] = {}
        self.hashed = 0  # files read and hashed (the others' records were reused)

    def known(self, key: str, status: os.stat_result) -> Record | None:
        """The previous record of ``key`` when the file (``status``, from ``os.stat``) is the
        same and was not racy; it is kept for the next build too."""
        record = self.previous.get(key)
        if (record is None or record.size != status.st_size or record.mtime_ns != status.st_mtime_ns
                or record.ino != status.st_ino or record.ctime_ns != status.st_ctime_ns
                or status.st_mtime_ns >= self.previous_taken - RACY_NS):
            return None
        self.current[key] = record
        return record

    def note(self, key: str, status: os.stat_result, sha256: str, extra: object = None) -> Record:
        """Record a file just hashed."""
        self.hashed += 1
        record = Record(status.st_size, status.st_mtime_ns, status.st_ino, status.st_ctime_ns, sha256, extra)
        self.current[key] = record
        return record

    def file_sha256(self, key: str, path: str | Path) -> str:
        """SHA-256 of the file at ``path``: recorded, or read (and recorded)."""
        status = os.stat(path)
        record = self.known(key, status)
        if record is not None:
            return record.sha256
        from .folder import file_sha256

        return self.note(key, status, file_sha256(Path(path))).sha256

    def save(self, path: Path) -> None:
        """Write this build's records (replacing the file atomically)."""
        partial = path.with_name(path.name + ".part")
        # As columns (the keys, then each field of the records in the same order): pickling
        # tens of thousands of named tuples one by one took twice as long.
        columns = [list(column) for column in zip(*self.current.values())] or [[] for _ in Record._fields]
        with open(partial, "wb") as handle:
            dump_pickle((self.taken, list(self.current), columns), handle)
        os.replace(partial, path)


def load_pickle(handle):
    """``pickle.load`` with the cyclic garbage collector paused: a build state holds hundreds
    of thousands of small objects, and every few hundred allocations would start a collection
    that scans all of them (a third of the loading time at 20,000 documents)."""
    with collector_paused():
        return pickle.load(handle)  # the user's own build state, written by this package


def dump_pickle(value, handle) -> None:
    """``pickle.dump`` with the cyclic garbage collector paused (see :func:`load_pickle`)."""
    with collector_paused():
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)


@contextmanager
def collector_paused(freeze: bool = False):
    """Pause Python's cyclic garbage collector for the block (and restore it as it was). With
    ``freeze``, the objects alive on entry are also left out of the collections run inside the
    block (:func:`objects_frozen`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        with objects_frozen() if freeze else nullcontext():
            yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def objects_frozen():
    """Leave the objects alive on entry out of the cyclic collector's scans during the block
    (:func:`gc.freeze`): a collection then scans what the block made, not the objects of every
    module imported before it (datasets, pandas, pyarrow and matplotlib hold over a million;
    a full collection of them all cost 0.14 CPU s of a build at 20,000 documents). Unfrozen at
    the end, unless a block around this one froze them first: that block unfreezes them."""
    outer = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not outer:
            gc.unfreeze()


def load_records(path: Path) -> FileRecords:
    """The records saved at ``path``, or none (a missing or unreadable file is no record)."""
    try:
        with open(path, "rb") as handle:
            taken, keys, columns = load_pickle(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return FileRecords()
    if (not isinstance(taken, int) or not isinstance(keys, list) or not isinstance(columns, list)
            or len(columns) != len(Record._fields) or any(len(column) != len(keys) for column in columns)):
        return FileRecords()
    with collector_paused():  # tens of thousands of records (see load_pickle)
        return FileRecords(dict(zip(keys, map(Record._make, zip(*columns)))), taken)


def sha256_of(data: bytes) -> str:
    """SHA-256 (hex) of bytes."""
    return hashlib.sha256(data).hexdigest()
