"""Reading the corpus tree: the registries, document metadata, annotations and texts.

``Corpus(root)`` loads the three registries eagerly (they are small) and reads documents
lazily: :meth:`Corpus.iter_documents` streams one :class:`DocumentRecord` at a time, so the
build never holds the whole corpus in memory; :meth:`Corpus.documents` is the eager form.
The reader expects a valid corpus (run :func:`castcorpus.validation.run.validate` first) and raises
:class:`CorpusError` naming the file when it meets one it cannot use.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator

from .jsonio import MAX_TEXT_BYTES, load_json, read_limited
from .schema import load_schema
from .texts import decode_canonical, text_sha256

#: Slug pattern of ids and keys, as the schema defines it.
SLUG = re.compile(load_schema("defs")["$defs"]["slug"]["pattern"])
SLUG_MAX = load_schema("defs")["$defs"]["slug"]["maxLength"]


class CorpusError(Exception):
    """A corpus file cannot be used; the message names the file."""


def is_slug(name: str) -> bool:
    """True when ``name`` is a valid document id / key (so also a safe file name)."""
    return len(name) <= SLUG_MAX and SLUG.fullmatch(name) is not None


def default_cache_dir() -> Path:
    """Where hydrated third-party texts live: ``$CASTCORPUS_CACHE`` if set, else the user
    cache folder (``$XDG_CACHE_HOME/castcorpus`` on Linux). Never inside the repository."""
    override = os.environ.get("CASTCORPUS_CACHE")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir  # here, not at the top: `castcorpus --help` imports this module

    return Path(user_cache_dir("castcorpus"))


@dataclass(frozen=True)
class Layout:
    """Where each kind of file lives under a corpus root."""

    root: Path

    @property
    def outlets(self) -> Path:
        return self.root / "outlets.json"

    @property
    def actors(self) -> Path:
        return self.root / "actors.json"

    @property
    def collections(self) -> Path:
        return self.root / "collections.json"

    @property
    def clusters(self) -> Path:
        return self.root / "clusters.json"

    @property
    def events(self) -> Path:
        return self.root / "events.json"

    @property
    def near_duplicates(self) -> Path:
        return self.root / "near-duplicates.json"

    @property
    def splits(self) -> Path:
        return self.root / "splits.json"

    @property
    def release(self) -> Path:
        return self.root / "release.json"

    @property
    def coverage_exceptions(self) -> Path:
        return self.root / "coverage-exceptions.json"

    @property
    def texts(self) -> Path:
        return self.root / "texts"

    @property
    def documents(self) -> Path:
        return self.root / "documents"

    @property
    def annotations(self) -> Path:
        return self.root / "annotations"

    @property
    def passes(self) -> Path:
        return self.root / "passes"

    def rel(self, path: str | Path) -> str:
        """``path`` relative to the corpus root, with forward slashes, for reports."""
        # A string prefix gives what Path.relative_to gives (both are lexical) at a fraction
        # of its cost, which showed in validating large corpora.
        text, prefix = str(path), self._prefix
        if text.startswith(prefix) and len(text) > len(prefix):
            return text[len(prefix):].replace(os.sep, "/")
        path = Path(path)
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    @cached_property
    def _prefix(self) -> str:
        root = str(self.root)
        if root == ".":
            return ""  # a relative path under "." is already relative to the root
        return root if root.endswith(os.sep) else root + os.sep


@dataclass
class DocumentRecord:
    """One document as read: metadata, gold annotation (or None) and text (or None when the
    text is external and not hydrated)."""

    id: str
    meta: dict[str, Any]
    annotation: dict[str, Any] | None
    text: str | None
    #: Why ``text`` is None although a hydrated copy exists (e.g. its hash does not match).
    text_problem: str | None = None


def hydrated_text_path(cache_dir: Path, collection: str, doc_id: str) -> Path:
    """Where the hydrated text of an external document is kept in the cache."""
    return cache_dir / collection / "texts" / f"{doc_id}.txt"


class Corpus:
    """A corpus tree on disk. ``cache_dir`` is where hydrated external texts are looked up."""

    def __init__(self, root: str | Path = "corpus", cache_dir: str | Path | None = None):
        self.layout = Layout(Path(root))
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        if not self.layout.root.is_dir():
            raise CorpusError(f"{self.layout.root}: not a corpus folder")

    def read(self, path: Path) -> Any:
        """Parse one JSON file of the corpus; raises :class:`CorpusError` naming it if unusable."""
        loaded = load_json(path, self.layout.rel(path))
        if not loaded.ok:
            raise CorpusError("; ".join(issue.line() for issue in loaded.issues))
        return loaded.value

    @cached_property
    def actors(self) -> dict[str, dict[str, Any]]:
        """Actor registry entries by key."""
        return {a["key"]: a for a in self.read(self.layout.actors)["actors"]}

    @cached_property
    def outlets(self) -> dict[str, dict[str, Any]]:
        """Outlet registry entries by key."""
        return {o["key"]: o for o in self.read(self.layout.outlets)["outlets"]}

    @cached_property
    def collections(self) -> dict[str, dict[str, Any]]:
        """Collections by key."""
        return {c["key"]: c for c in self.read(self.layout.collections)["collections"]}

    @cached_property
    def clusters(self) -> dict[str, dict[str, Any]]:
        """Claim clusters by key (empty when the corpus has no clusters.json)."""
        if not self.layout.clusters.exists():
            return {}
        return {c["key"]: c for c in self.read(self.layout.clusters)["clusters"]}

    @cached_property
    def events(self) -> dict[str, dict[str, Any]]:
        """Events by key (empty when the corpus has no events.json)."""
        if not self.layout.events.exists():
            return {}
        return {e["key"]: e for e in self.read(self.layout.events)["events"]}

    @cached_property
    def places(self) -> dict[str, dict[str, Any]]:
        """Places of the event registry by key."""
        if not self.layout.events.exists():
            return {}
        return {p["key"]: p for p in self.read(self.layout.events)["places"]}

    @cached_property
    def near_duplicate_pairs(self) -> list[tuple[str, str]]:
        """Pairs of documents with (nearly) the same text (empty without near-duplicates.json)."""
        if not self.layout.near_duplicates.exists():
            return []
        return [(p["a"], p["b"]) for p in self.read(self.layout.near_duplicates)["pairs"]]

    @cached_property
    def ledger(self) -> dict[str, dict[str, Any]] | None:
        """Split ledger entries by document id, or None when the corpus has no splits.json."""
        if not self.layout.splits.exists():
            return None
        return {d["id"]: d for d in self.read(self.layout.splits)["documents"]}

    @cached_property
    def release(self) -> dict[str, Any] | None:
        """The dataset's name, version and date (None when the corpus has no release.json)."""
        return self.read(self.layout.release) if self.layout.release.exists() else None

    def document_ids(self) -> list[str]:
        """Ids of all documents, sorted."""
        # Names, not pathlib objects: tens of thousands of them in a large corpus.
        try:
            names = os.listdir(self.layout.documents)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(name[:-5] for name in names if name.endswith(".json") and is_slug(name[:-5]))

    def meta(self, doc_id: str) -> dict[str, Any]:
        """Metadata of one document."""
        return self.read(self._doc_path(self.layout.documents, doc_id, ".json"))

    def annotation(self, doc_id: str) -> dict[str, Any] | None:
        """Gold annotation of one document, or None when it has none."""
        path = self._doc_path(self.layout.annotations, doc_id, ".json")
        return self.read(path) if path.exists() else None

    def text(self, meta: dict[str, Any]) -> str | None:
        """Canonical text of a document, or None when it is external and not hydrated.

        Raises :class:`CorpusError` when a text is there but not canonical or its hash differs.
        """
        path = self.text_path(meta)
        if not path.exists():
            return None
        data, issues = read_limited(path, str(path), MAX_TEXT_BYTES)
        text, problems = decode_canonical(data) if data is not None else (None, [])
        if issues or problems or text is None:
            reasons = [i.message for i in issues] + [p.message for p in problems]
            raise CorpusError(f"{path}: {'; '.join(reasons)}")
        if text_sha256(text) != meta["text_sha256"]:
            raise CorpusError(f"{path}: text does not match text_sha256 of document {meta['id']}")
        return text

    def text_path(self, meta: dict[str, Any]) -> Path:
        """Where the text of a document is: corpus/texts/ or the hydration cache."""
        collection = self.collections.get(meta["collection"], {})
        if collection.get("storage") == "external":
            return hydrated_text_path(self.cache_dir, meta["collection"], meta["id"])
        return self._doc_path(self.layout.texts, meta["id"], ".txt")

    def iter_documents(self, annotated_only: bool = False) -> Iterator[DocumentRecord]:
        """Stream the documents in id order, one record at a time."""
        for doc_id in self.document_ids():
            annotation = self.annotation(doc_id)
            if annotated_only and annotation is None:
                continue
            meta = self.meta(doc_id)
            yield self._record(doc_id, meta, annotation)

    def _record(self, doc_id: str, meta: dict[str, Any], annotation: dict[str, Any] | None) -> DocumentRecord:
        try:
            return DocumentRecord(doc_id, meta, annotation, self.text(meta))
        except CorpusError as err:
            # A bad hydrated copy is a problem of the cache, not of the corpus: the document is
            # left without text (and so out of a build), and the reason travels with it.
            if self.collections.get(meta["collection"], {}).get("storage") != "external":
                raise
            return DocumentRecord(doc_id, meta, annotation, None, str(err))

    def documents(self, annotated_only: bool = False) -> list[DocumentRecord]:
        """All documents, eagerly."""
        return list(self.iter_documents(annotated_only))

    def _doc_path(self, folder: Path, doc_id: str, suffix: str) -> Path:
        if not is_slug(doc_id):
            raise CorpusError(f"{doc_id!r} is not a valid document id")
        return folder / f"{doc_id}{suffix}"


def check_cache_folder(cache_dir: Path) -> None:
    """Raise :class:`CorpusError` when the cache path exists and is not a folder: hydrated texts
    would silently never be found there, and nothing could be written to it."""
    if cache_dir.exists() and not cache_dir.is_dir():
        raise CorpusError(f"{cache_dir}: the cache path is not a folder (give a folder with --cache, "
                          "or set CASTCORPUS_CACHE)")
