"""Incremental builds: what the previous build derived and wrote, reused where its inputs are unchanged.

A build keeps a *state* folder beside the release (``.<release name>.state``): the staged
Arrow rows of every chunk of documents it derived (:mod:`castcorpus.release.stage`), what
checking each chunk found (:class:`castcorpus.validation.context.DocumentFindings`), a hash of
each chunk's staging file per config, for every shard group of every config folder the hashes of
its Parquet shards and the statistics taken while writing them, and records of the files' sizes,
times and inodes (:mod:`castcorpus.release.filerecords`). The next build

- cuts the documents into the same chunks (chunk boundaries are chosen by a hash of document
  ids, so that adding or removing a document changes one chunk, not all that follow), and
  reuses a chunk when the key of every document in it (the bytes of its metadata, text,
  annotation and passes), the registries it was checked against and the package's code are
  the same; only the other chunks are checked and derived again;
- cuts the chunks into shard groups (:func:`shard_groups`, about 2,000 documents, boundaries
  chosen by a second hash of ids) and writes a group's shards of a config folder again only
  when its rows would change (the hashes of its chunks' staging files of that config, in order,
  and both splits of each of its documents); otherwise it links the previous release's shards,
  after checking them against their recorded SHA-256 (by their stat record while unchanged);
- links the previous charts when the counts they are drawn from are the same.

The checks that need the whole corpus (registries, orphan files, passes, splits, the
ledger) run in every build, on the chunks' findings. Every key covers what the reused part
was made from, so a build with a state writes the same bytes as one without: the state is a
cache, never a source. Only clean chunks (no finding at all) are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import xxhash

from castcorpus.validation.context import DocumentFindings, RunState
from .filerecords import FileRecords, dump_pickle, load_pickle, load_records
from .uptodate import path_kind

#: Version of the state's layout; a state of another version is ignored (3: staging files'
#: digests by xxh3-128 instead of SHA-256).
STATE_VERSION = 3
#: A chunk ends after a document whose id hashes to 0 modulo this (about this many documents
#: per chunk): small enough that re-deriving one chunk is a few percent of a large build.
CHUNK_MODULUS = 256
#: A chunk never holds more documents than this (bounds the work one edit can cause).
MAX_CHUNK = 1_024
#: Shard groups: a group of chunks closes after a chunk whose last document id hashes to 0
#: modulo this, once it holds MIN_GROUP documents (with chunks of ~256 documents, groups of
#: about 1,500): an edit rewrites one group's shards, a group's rows never straddle two groups.
#: MIN_GROUP is above the 805 documents of the corpus itself, whose release stays one shard
#: per split.
GROUP_MODULUS = 2
MIN_GROUP = 1_000
#: A group never holds more documents than this (bounds the rewriting one edit can cause).
MAX_GROUP = 8_192
_INDEX = "index.pickle"
#: The records of the corpus files the inputs' digest read (:mod:`castcorpus.release.filerecords`).
INPUT_RECORDS = "inputs.pickle"
#: The records of the release's shards and charts, taken once it is in place.
RELEASE_RECORDS = "release.pickle"
_FINISHING = "finishing.pickle"


def state_folder(out_dir: Path) -> Path:
    """The state folder of the release at ``out_dir`` (beside it, on the same file system)."""
    out_dir = Path(os.path.abspath(out_dir))
    return out_dir.parent / f".{out_dir.name}.state"


def _ends_chunk(doc_id: str) -> bool:
    value = int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "big")
    return value % CHUNK_MODULUS == 0


def chunked(paths: list[Path]) -> list[list[Path]]:
    """The document files cut into chunks at content-chosen boundaries (see the module)."""
    chunks: list[list[Path]] = [[]]
    for path in paths:
        chunks[-1].append(path)
        if _ends_chunk(path.stem) or len(chunks[-1]) >= MAX_CHUNK:
            chunks.append([])
    return [chunk for chunk in chunks if chunk]


def _ends_group(doc_id: str) -> bool:
    digest = hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8, person=b"shard-group").digest()
    return int.from_bytes(digest, "big") % GROUP_MODULUS == 0


class Group(NamedTuple):
    """A shard group: its chunks (indices, in pass order) and their documents' positions."""

    chunks: range
    positions: range


def shard_groups(chunk_starts: list[int], positions: list[str]) -> list[Group]:
    """The chunks of a pass (``chunk_starts``: each chunk's first position in ``positions``, in
    order) cut into shard groups of whole chunks: a group closes after a chunk whose last
    document's id hashes to 0 modulo :data:`GROUP_MODULUS` once it holds :data:`MIN_GROUP`
    documents, or when it holds :data:`MAX_GROUP`. A small corpus has one group."""
    groups, first_chunk, start = [], 0, 0
    ends = chunk_starts[1:] + [len(positions)]
    for chunk, end in enumerate(ends):
        size = end - start
        if size >= MAX_GROUP or (size >= MIN_GROUP and _ends_group(positions[end - 1])):
            groups.append(Group(range(first_chunk, chunk + 1), range(start, end)))
            first_chunk, start = chunk + 1, end
    if first_chunk < len(chunk_starts) or not groups:
        groups.append(Group(range(first_chunk, len(chunk_starts)), range(start, len(positions))))
    return groups


def _canonical(value) -> bytes:
    def default(obj):
        if isinstance(obj, (set, frozenset)):
            return sorted(obj)
        return str(obj)

    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=default).encode("utf-8")


def state_digest(state: RunState, layout_folders: list[Path]) -> str:
    """Hash of what a document's checks and rows depend on beyond its own files: the run's
    registries and settings, and where the corpus's folders really are (a folder that becomes a
    symbolic link to somewhere else changes what the checks say)."""
    data = {"root": str(state.root), "cache": str(state.cache_dir), "actors": state.actors,
            "outlets": state.outlets, "collections": state.collections, "clusters": state.clusters,
            "merged": state.merged_clusters, "passes": [str(p) for p in state.pass_folders],
            "events": state.events, "event_entries": state.event_entries,
            "real": [os.path.realpath(folder) for folder in layout_folders]}
    return hashlib.sha256(_canonical(data)).hexdigest()


@dataclass
class ChunkMemo:
    """One clean chunk of a previous build: its findings, derived chunk and staging files' hashes."""

    findings: DocumentFindings
    positions: list[str]
    staged: dict[str, str]  # config -> file name inside the chunk's folder
    annotated: int
    missing_text: list[tuple[str, str]]
    file_hashes: dict[str, str]  # config -> staged_digest of its staging file


@dataclass
class ShardMemo:
    """One Parquet shard a build wrote or linked: where it is in the release, and what it holds."""

    rel: str  # release-relative path
    sha256: str
    size: int  # bytes on disk
    num_rows: int
    num_bytes: int  # uncompressed size of its column data (from its footer)


@dataclass
class GroupMemo:
    """The shards of one shard group of one config folder, as written (see
    :mod:`castcorpus.release.write`), with the statistics taken of their rows while writing."""

    key: str
    shards: dict[tuple[str, str], list[ShardMemo]]  # (config folder, split) -> shards, in order
    card: dict[tuple[str, str], dict]  # (config folder, split) -> card statistics of these rows
    stats: object | None  # stats.Stats counted while writing (scheme 0), or None


@dataclass
class Memo:
    """The index of a state folder."""

    version: int = STATE_VERSION
    code: str = ""
    chunks: dict[str, ChunkMemo] = field(default_factory=dict)
    groups: dict[str, GroupMemo] = field(default_factory=dict)  # by key
    finishing: dict[str, tuple[str, object]] = field(default_factory=dict)  # name -> (key, value); own file


class BuildState:
    """The previous build's state (read) and this build's (being made).

    ``file_hashes`` maps corpus-relative paths (and ``hydrated:<id>``) to the SHA-256 of their
    bytes, as :func:`castcorpus.release.uptodate.inputs_digest` read them, and ``kinds`` (when
    given) what kind of file each path was as it listed them: a path it did not list is
    absent (without ``kinds``, each path is looked at when its document's key is made). With
    ``fresh``, the previous state is not used (but replaced by this build's)."""

    def __init__(self, out_dir: Path, code: str, corpus_root: Path, cache_dir: Path, file_hashes: dict[str, str],
                 fresh: bool = False, records: FileRecords | None = None, kinds: dict[str, bytes] | None = None):
        self.folder = state_folder(out_dir)
        self.code, self.corpus_root, self.cache_dir = code, corpus_root, cache_dir
        self.file_hashes, self.records, self.kinds = file_hashes, records, kinds
        self._root = os.path.join(str(corpus_root), "")  # paths as strings: tens of thousands per build
        self._passes: tuple[list[Path], list[str]] | None = None
        self.previous = Memo(code=code) if fresh else _load(self.folder, code)
        self.release_records = FileRecords() if fresh else load_records(self.folder / RELEASE_RECORDS)
        self.previous.finishing = {} if fresh else _load_finishing(self.folder / _FINISHING, code)
        self.new = Memo(code=code)
        self.new_folder = self.folder.parent / f"{self.folder.name}-new-{os.getpid()}"
        self._moves: list[tuple[Path, Path]] = []  # chunk folders to keep: (from, to)
        _clear_new_leftovers(self.folder)

    # -- chunks -----------------------------------------------------------------------------

    def doc_key(self, path: Path, pass_folders: list[Path]) -> bytes:
        """Hash of every file a document's checks and rows read, by content and kind."""
        doc_id, root = path.stem, self._root
        rels = [f"documents/{doc_id}.json", f"texts/{doc_id}.txt", f"annotations/{doc_id}.json"]
        rels += [f"passes/{name}/{doc_id}.json" for name in self._pass_names(pass_folders)]
        digest = hashlib.blake2b(doc_id.encode("utf-8"), digest_size=20)
        kinds = self.kinds
        for rel in rels:
            kind = kinds.get(rel, b"absent") if kinds is not None else path_kind(root + rel)
            digest.update(b"\0" + rel.encode("utf-8") + b"\0" + kind + b"\0" + self.file_hashes.get(rel, "-").encode())
        digest.update(b"\0hydrated\0" + self.file_hashes.get(f"hydrated:{doc_id}", "-").encode())
        return digest.digest()

    def _pass_names(self, pass_folders: list[Path]) -> list[str]:
        if self._passes is None or self._passes[0] != pass_folders:
            self._passes = (pass_folders, [folder.name for folder in pass_folders])
        return self._passes[1]

    def chunk_key(self, run_digest: str, keys: list[bytes]) -> str:
        """Key of a chunk: the code, the run's registries and its documents' keys, in order."""
        digest = hashlib.sha256(f"{self.code}\0{run_digest}\0".encode())
        for key in keys:
            digest.update(key)
        return digest.hexdigest()

    def reusable(self, key: str) -> ChunkMemo | None:
        """The previous build's chunk with this key, when all its staged files are still there."""
        memo = self.previous.chunks.get(key)
        if memo is None:
            return None
        folder = self.folder / "chunks" / key
        if not all((folder / name).is_file() for name in memo.staged.values()):
            return None
        return memo

    def chunk_folder(self, key: str) -> Path:
        """Where a reused chunk's staged files are."""
        return self.folder / "chunks" / key

    def keep_chunk(self, key: str, memo: ChunkMemo, folder: Path) -> None:
        """Record a clean chunk of this build, whose staged files are in ``folder``."""
        self.new.chunks[key] = memo
        self._moves.append((folder, self.new_folder / "chunks" / key))

    # -- shard groups and charts ----------------------------------------------------------------

    def group(self, key: str) -> GroupMemo | None:
        """The previous build's writing of a shard group with this key, or None."""
        return self.previous.groups.get(key)

    def keep_group(self, memo: GroupMemo) -> None:
        self.new.groups[memo.key] = memo

    def intact(self, release: Path, rel: str, sha256: str) -> bool:
        """Whether the previous release's file ``rel`` still has this SHA-256 (by its recorded
        size, times and inode, or read again when they changed)."""
        path = release / rel
        try:
            return self.release_records.file_sha256(os.path.abspath(path), path) == sha256
        except OSError:
            return False

    def finished(self, name: str, key: str):
        """What the previous build's finishing step ``name`` (e.g. the charts) made from inputs
        with this key, or None."""
        known = self.previous.finishing.get(name)
        return known[1] if known is not None and known[0] == key else None

    def keep_finished(self, name: str, key: str, value) -> None:
        self.new.finishing[name] = (key, value)

    # -- saving ------------------------------------------------------------------------------------

    def save(self) -> None:
        """Move the kept chunks into the new state folder and write its index (before the
        release is replaced: the staged files of new chunks are inside the staging folder)."""
        shutil.rmtree(self.new_folder, ignore_errors=True)
        (self.new_folder / "chunks").mkdir(parents=True)
        for source, target in self._moves:
            if source.is_dir():
                os.replace(source, target)
            else:  # a chunk without rows (no document with a text) has no files
                target.mkdir()
        with open(self.new_folder / _INDEX, "wb") as handle:
            dump_pickle(self.new, handle)
        if self.records is not None:
            self.records.save(self.new_folder / INPUT_RECORDS)

    def commit(self, release: Path | None = None) -> None:
        """Put the new state in the place of the previous one (after the release is in place),
        with the records of the ``release``'s shards and charts as they are now."""
        if release is not None:
            self._record_release(release)
        shutil.rmtree(self.folder, ignore_errors=True)
        os.replace(self.new_folder, self.folder)

    def _record_release(self, release: Path) -> None:
        records = FileRecords()
        files = [(shard.rel, shard.sha256) for memo in self.new.groups.values()
                 for shards in memo.shards.values() for shard in shards]
        files += [(rel, sha256) for rel, (_, sha256) in (self.new.finishing.get("charts") or ("", {}))[1].items()]
        for rel, sha256 in files:
            path = os.path.abspath(release / rel)
            try:
                records.note(path, os.stat(path), sha256)
            except OSError:
                continue  # not recorded: checked by its bytes next time
        records.save(self.new_folder / RELEASE_RECORDS)
        # The finishing steps run after the index is saved (with the staged rows): a file of their own.
        with open(self.new_folder / _FINISHING, "wb") as handle:
            dump_pickle((self.code, self.new.finishing), handle)

    def abandon(self) -> None:
        """Drop the new state (the build failed); the previous one stays as it was, except for
        the chunks already moved out of it, which its index then no longer finds."""
        shutil.rmtree(self.new_folder, ignore_errors=True)


def staged_digest(path: Path) -> str:
    """The digest the state keeps of a staging file, to tell whether a chunk's rows of a config
    changed: xxh3-128, not SHA-256. It detects changes in a cache of the build's own (no one
    checks a release against it, and a false match takes two files of different rows with the
    same 128-bit digest); it costs a quarter of SHA-256 on the 790 MB of staging files of a
    20,000-document build (docs/decisions.md)."""
    with open(path, "rb", buffering=0) as handle:
        return xxhash.xxh3_128_hexdigest(handle.read())


def _load(folder: Path, code: str) -> Memo:
    """The state in ``folder``, or an empty one when there is none or it is of other code."""
    try:
        with open(folder / _INDEX, "rb") as handle:
            memo = load_pickle(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return Memo(code=code)
    if not isinstance(memo, Memo) or memo.version != STATE_VERSION or memo.code != code:
        return Memo(code=code)
    return memo


def _load_finishing(path: Path, code: str) -> dict[str, tuple[str, object]]:
    """What the previous build's finishing steps made, when it ran this ``code``: their keys
    cover their inputs, not the code that drew or wrote them (a chart of the same counts drawn
    by another matplotlib is another file)."""
    try:
        with open(path, "rb") as handle:
            saved = load_pickle(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return {}
    if not (isinstance(saved, tuple) and len(saved) == 2 and saved[0] == code and isinstance(saved[1], dict)):
        return {}
    return saved[1]


def _clear_new_leftovers(folder: Path) -> None:
    """Remove new-state folders of builds that were killed."""
    from .folder import _gone

    prefix = f"{folder.name}-new-"
    try:
        names = [name for name in os.listdir(folder.parent) if name.startswith(prefix)]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):]
        if pid.isdigit() and _gone(int(pid)):
            shutil.rmtree(folder.parent / name, ignore_errors=True)


def remove_state(out_dir: Path) -> None:
    """Delete the state kept beside the release at ``out_dir`` (a build without state)."""
    shutil.rmtree(state_folder(out_dir), ignore_errors=True)

