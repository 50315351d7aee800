"""The state of one validation run, shared by the run and the checks it calls.

:class:`Context` holds what a run knows (layout, registries, documents seen) and its report;
:class:`RunState` and :class:`DocumentFindings` are the plain data that cross process
boundaries when the build checks documents in worker processes.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from castcorpus.corpus.files import open_unlinked
from castcorpus.corpus.jsonio import load_json
from castcorpus.corpus.reader import Layout
from castcorpus.corpus.schema import schema_issues
from castcorpus.report import Issue, Report
from castcorpus.splits.assign import SplitCollector


@dataclass(frozen=True)
class CheckedDocument:
    """What ``validate(..., on_document=...)`` hands over for each document after its checks.

    ``annotation`` is the gold annotation when it passed its schema, else None. ``text`` is the
    document's canonical text when it was found and passed every text check (hash, length,
    encoding), else None. ``report`` is the run's report so far (live: a caller can tell
    whether anything has been found yet, and what).
    """

    meta: dict
    annotation: dict | None
    text: str | None
    report: Report


@dataclass
class RunState:
    """What a run knows once the registries are checked: enough for another process to check
    documents against the same registries, read once (see :meth:`Context.from_state`)."""

    root: Path
    cache_dir: Path
    actors: dict | None
    outlets: dict | None
    collections: dict | None
    clusters: set | None
    merged_clusters: dict
    pass_folders: list[Path]
    events: set | None = None
    event_entries: dict | None = None


@dataclass
class DocumentFindings:
    """What checking a chunk of documents adds to a run, for :meth:`Context.absorb` in another
    process's run (plain data: it crosses process boundaries)."""

    issues: list[Issue]
    files_checked: int
    documents: dict[str, dict]
    unusable: set[str]
    checked: set[str]
    splits: SplitCollector
    warnings: list[Issue]


_NO_CLUSTERS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Folders:
    """The folders the per-document checks read, as plain strings (joined with os.path)."""

    annotations: str
    texts: str


def lstat(path: str | Path) -> os.stat_result | None:
    """``os.lstat(path)``, or None when there is nothing there (the errors ``Path.exists``
    takes for "not there"; others are raised as it raises them). Taken once per file, it
    answers "is it there", "is it a link" and "is it a regular file" without more system calls."""
    return _status(os.lstat, path)


def status_of(path: str) -> os.stat_result | None:
    """``os.stat(path)`` (links followed), or None when ``Path.exists`` would say it is not there."""
    return _status(os.stat, path)


def _status(take, path: str | Path) -> os.stat_result | None:
    try:
        return take(path)
    except OSError as err:
        if err.errno in _NOT_THERE:
            return None
        raise
    except ValueError:  # an embedded NUL: Path.exists says False
        return None


_NOT_THERE = {errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP}

#: A file opened by :func:`open_unlinked`: its descriptor and the descriptor's ``fstat``.
Opened = tuple[int, os.stat_result]


def probe(path: str) -> tuple[Opened | None, os.stat_result | None]:
    """``(opened, status)`` of a file about to be read: opened when it is no symbolic link
    (``status`` the opened file's), else ``(None, lstat(path))``, so that a link, a loop or
    an error goes the way an ``lstat`` first took it. The caller reads or closes what is opened.

    Most corpus files are plain files: an open that follows no link saves their ``lstat``."""
    try:
        opened = open_unlinked(path)
    except FileNotFoundError:  # what lstat would have said: nothing there
        return None, None
    except OSError:  # lstat, and reading later, say what is wrong as they did
        opened = None
    return (None, lstat(path)) if opened is None else (opened, opened[1])


def close(opened: Opened | None) -> None:
    """Close a file :func:`probe` opened that is not going to be read."""
    if opened is not None:
        os.close(opened[0])


class Context:
    """What one validation run knows and has found so far: the corpus layout, the registries
    once they are checked (None when unusable), the documents seen, and the report.

    The per-document checks (:mod:`castcorpus.validation.documents`) take a context;
    :class:`castcorpus.validation.run.ValidationRun` adds the steps of a run on top of it.
    Kept apart so that the checks need not import the run that calls them.
    """

    def __init__(self, root: Path, cache_dir: Path | None, on_document: Callable[[CheckedDocument], None] | None):
        self.layout = Layout(root)
        self.folders = Folders(str(self.layout.annotations), str(self.layout.texts))
        self.on_document = on_document
        self.root_resolved = root.resolve()
        self.cache_dir = cache_dir
        self.report = Report()
        # A registry that cannot be used stays None, so that references into it are not
        # all reported as dangling: the registry's own findings say what is wrong.
        self.actors: dict[str, dict] | None = None
        self.outlets: dict[str, dict] | None = None
        self.collections: dict[str, dict] | None = None
        # clusters.json is optional; without it (EMPTY) every cluster key is dangling.
        self.clusters: set[str] | None = _NO_CLUSTERS
        self.merged_clusters: dict[str, str] = {}
        # events.json is optional; without it (None) documents need not name events.
        self.events: set[str] | None = None
        self.event_entries: dict | None = None  # {"events": by key, "places": by key} when usable
        self.near_pairs: list[tuple[str, str]] = []
        self.near_duplicates: dict | None = None
        self.release: dict | None = None  # release.json, when the corpus has a usable one
        self.ledger_sha256: str | None = None
        self.ledger: list[dict] | None = None  # splits.json entries, when the corpus has a ledger
        self.splits = SplitCollector()  # every usable document's split anchors, for the ledger check
        self.documents: dict[str, dict] = {}
        # Documents whose metadata file exists but cannot be used: their annotations are not
        # cross-checked (reporting them as "unknown-document" would blame the wrong file).
        self.unusable_documents: set[str] = set()
        self.texts: dict[str, str] = {}
        self.pass_folders: list[Path] = []
        self.checked: set[str] = set()  # annotation files already checked with their document (str(path))
        self.folders_inside: dict[str, bool] = {}  # by folder, as os.path.dirname gives it
        self._pass_names: tuple[list[Path], list[tuple[str, str]]] | None = None

    def absorb(self, findings: DocumentFindings) -> None:
        """Take in what another process found checking a chunk of this corpus's documents."""
        self.report.extend(findings.issues)
        self.report.warnings.extend(findings.warnings)
        self.report.files_checked += findings.files_checked
        self.documents.update(findings.documents)
        self.unusable_documents |= findings.unusable
        self.checked |= findings.checked
        self.splits.absorb(findings.splits)

    @classmethod
    def from_state(cls, state: RunState, on_document: Callable[[CheckedDocument], None] | None = None):
        """A context with the registries of ``state`` (as checked by another process's run)."""
        run = cls(state.root, state.cache_dir, on_document)
        run.actors, run.outlets, run.collections = state.actors, state.outlets, state.collections
        run.clusters, run.merged_clusters, run.pass_folders = state.clusters, state.merged_clusters, state.pass_folders
        run.events, run.event_entries = state.events, state.event_entries
        return run

    def state(self) -> RunState:
        """The registries and settings of a run that has begun (plain data: it crosses processes)."""
        return RunState(self.layout.root, self.cache_dir, self.actors, self.outlets, self.collections, self.clusters,
                        self.merged_clusters, self.pass_folders, self.events, self.event_entries)

    def findings(self) -> DocumentFindings:
        """What this run found in the documents it checked, for :meth:`absorb` in another process."""
        return DocumentFindings(self.report.issues, self.report.files_checked, self.documents,
                                self.unusable_documents, self.checked, self.splits, self.report.warnings)

    def pass_folder_names(self) -> list[tuple[str, str]]:
        """``(folder as text, annotator)`` of each pass folder, made once per run (a run's pass
        folders are set after it is made)."""
        if self._pass_names is None or self._pass_names[0] is not self.pass_folders:
            self._pass_names = (self.pass_folders, [(str(folder), folder.name) for folder in self.pass_folders])
        return self._pass_names[1]

    def _folder_inside(self, folder: str) -> bool:
        """Whether ``folder`` (as text) resolves inside the corpus folder; resolved once per run
        (OSError or RuntimeError when its links loop)."""
        inside = self.folders_inside.get(folder)
        if inside is None:
            inside = self.folders_inside[folder] = Path(folder).resolve().is_relative_to(self.root_resolved)
        return inside

    def issue(self, file: str, where: str, code: str, message: str) -> None:
        self.report.add(Issue(file, where, code, message))

    def load(self, path: str | Path, kind: str, status: os.stat_result | None = None, rel: str | None = None,
             folder: str | None = None, opened: Opened | None = None) -> Any:
        """Parse and schema-check one file; its value when usable, else None. ``status``: the
        file's ``os.lstat``, or with ``opened`` what :func:`probe` gave, when the caller has
        them (else they are taken here; ``opened`` is read or closed here); ``rel``: its name
        in reports, and ``folder``: the folder it is in, as text, when the caller has them."""
        rel = rel or self.layout.rel(path)
        self.report.files_checked += 1
        if status is None:
            try:
                opened, status = probe(path)
            except OSError:  # reading it will say what is wrong
                status = None
        if self.outside(path, rel, status, folder):
            close(opened)
            return None
        loaded = load_json(path, rel, status, opened)
        self.report.extend(loaded.issues)
        if loaded.issues:
            return None
        errors = list(schema_issues(kind, loaded.value, rel))
        self.report.extend(errors)
        return None if errors else loaded.value

    def outside(self, path: str | Path, rel: str, status: os.stat_result | None = None,
                folder: str | None = None) -> bool:
        """Report and return True when ``path`` resolves outside the corpus folder (through a
        symbolic link to the file or to any folder above it): the validator reads only the corpus.
        ``status``: the file's ``os.lstat``, and ``folder``: ``os.path.dirname(path)``, when the caller has them."""
        # A folder is resolved once per run; a file that is no link resolves into its folder
        # (plain strings and os.path: Path objects for each file showed in large corpora).
        try:
            if stat.S_ISLNK(status.st_mode) if status is not None else os.path.islink(path):
                inside = Path(path).resolve().is_relative_to(self.root_resolved)
            else:
                inside = self._folder_inside(folder if folder is not None else os.path.dirname(path))
        except (RuntimeError, OSError):  # a loop of symbolic links (RuntimeError before Python 3.13)
            self.issue(rel, "", "file-symlink-loop", "symbolic links loop: the file cannot be reached")
            return True
        if inside:
            return False
        self.issue(rel, "", "file-outside-corpus", "symbolic link points outside the corpus folder")
        return True
