"""``validate(root)``: every schema on every file, then the checks a schema cannot express.

The validator only reads: it never changes a file. Problems with the input become issues in
the returned :class:`~castcorpus.report.Report`; only a root that is not a corpus folder
at all raises :class:`~castcorpus.corpus.reader.CorpusError`.
"""

from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from castcorpus.corpus.reader import CorpusError, Layout, default_cache_dir, is_slug
from castcorpus.corpus.jsonio import load_json
from castcorpus.report import Issue, Report, shown_name
from castcorpus.corpus.schema import schema_issues
from .documents import CheckedDocument, _check_annotation_file, check_documents
from castcorpus.splits.ledger import ledger_issues
from castcorpus.splits.assign import SplitCollector
from .registries import (actor_issues, cluster_issues, duplicate_keys, event_issues, merge_ends,
                                  near_duplicate_issues, outlet_issues)

__all__ = ["CheckedDocument", "DocumentFindings", "RunState", "begin", "check_documents", "document_files",
           "findings", "finish", "resume", "split_assignment", "state_of", "validate"]

_TOP_LEVEL = {"outlets.json", "actors.json", "collections.json", "clusters.json", "events.json", "near-duplicates.json",
              "splits.json", "release.json", "coverage-exceptions.json", "texts", "documents", "annotations", "passes"}
_PASS_FOLDER = "annotator-"


_NO_CLUSTERS: frozenset[str] = frozenset()


class _Run:
    """State of one validation run."""

    def __init__(self, root: Path, cache_dir: Path | None, on_document: Callable[[CheckedDocument], None] | None):
        self.layout = Layout(root)
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
        self.checked: set[Path] = set()  # annotation files already checked with their document
        self.resolved_folders: dict[Path, Path] = {}

    def absorb(self, findings: "DocumentFindings") -> None:
        """Take in what another process found checking a chunk of this corpus's documents."""
        self.report.extend(findings.issues)
        self.report.warnings.extend(findings.warnings)
        self.report.files_checked += findings.files_checked
        self.documents.update(findings.documents)
        self.unusable_documents |= findings.unusable
        self.checked |= findings.checked
        self.splits.absorb(findings.splits)

    def _resolved_folder(self, folder: Path) -> Path:
        if folder not in self.resolved_folders:
            self.resolved_folders[folder] = folder.resolve()
        return self.resolved_folders[folder]

    def issue(self, file: str, where: str, code: str, message: str) -> None:
        self.report.add(Issue(file, where, code, message))

    def load(self, path: Path, kind: str) -> Any:
        """Parse and schema-check one file; its value when usable, else None."""
        rel = self.layout.rel(path)
        self.report.files_checked += 1
        if self.outside(path, rel):
            return None
        loaded = load_json(path, rel)
        self.report.extend(loaded.issues)
        if loaded.issues:
            return None
        errors = list(schema_issues(kind, loaded.value, rel))
        self.report.extend(errors)
        return None if errors else loaded.value

    def outside(self, path: Path, rel: str) -> bool:
        """Report and return True when ``path`` resolves outside the corpus folder (through a
        symbolic link to the file or to any folder above it): the validator reads only the corpus."""
        # A folder is resolved once per run; a file that is no link resolves into its folder.
        try:
            resolved = path.resolve() if path.is_symlink() else self._resolved_folder(path.parent) / path.name
        except (RuntimeError, OSError):  # a loop of symbolic links (RuntimeError before Python 3.13)
            self.issue(rel, "", "file-symlink-loop", "symbolic links loop: the file cannot be reached")
            return True
        if resolved.is_relative_to(self.root_resolved):
            return False
        self.issue(rel, "", "file-outside-corpus", "symbolic link points outside the corpus folder")
        return True


def validate(root: str | Path = "corpus", cache_dir: str | Path | None = None, *,
             on_document: Callable[[CheckedDocument], None] | None = None) -> Report:
    """Validate the corpus under ``root`` and return the report of all findings.

    ``cache_dir`` is where hydrated external texts are looked for (default: the user cache);
    when a hydrated text is there, annotations of its document are checked against it too.
    ``on_document(CheckedDocument)`` is called for every document whose metadata passed its
    schema, in id order, after its checks, with its gold annotation and verified text: the
    build derives its rows and split anchors from this one pass instead of reading the files
    again.
    """
    run = begin(root, cache_dir, on_document)
    check_documents(run, document_files(run))
    return finish(run)


def begin(root: str | Path, cache_dir: str | Path | None = None,
          on_document: Callable[[CheckedDocument], None] | None = None) -> _Run:
    """Start a validation run: check the top level and the registries (the first steps of
    :func:`validate`). With :func:`document_files`, :func:`check_documents` and :func:`finish`,
    this lets the build check the documents in several processes, a chunk each."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError(f"{root}: not a folder")
    if not (root / "documents").is_dir() and not (root / "actors.json").exists():
        raise CorpusError(f"{root}: not a corpus folder (no documents/ and no actors.json)")
    run = _Run(root, Path(cache_dir) if cache_dir else default_cache_dir(), on_document)
    check_cache_folder(run.cache_dir)
    _check_top_level(run)
    _check_registries(run)
    run.pass_folders = _pass_folders(run)
    return run


@dataclass
class RunState:
    """What a run knows once the registries are checked: enough for another process to check
    documents against the same registries, read once (see :func:`resume`)."""

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


def state_of(run: _Run) -> RunState:
    """The registries and settings of a run that has begun."""
    return RunState(run.layout.root, run.cache_dir, run.actors, run.outlets, run.collections, run.clusters,
                    run.merged_clusters, run.pass_folders, run.events, run.event_entries)


def resume(state: RunState, on_document: Callable[[CheckedDocument], None] | None = None) -> _Run:
    """A run with the registries of ``state`` (as checked by another process's run), ready
    for :func:`check_documents`; its report holds only what the documents add."""
    run = _Run(state.root, state.cache_dir, on_document)
    run.actors, run.outlets, run.collections = state.actors, state.outlets, state.collections
    run.clusters, run.merged_clusters, run.pass_folders = state.clusters, state.merged_clusters, state.pass_folders
    run.events, run.event_entries = state.events, state.event_entries
    return run


def document_files(run: _Run) -> list[Path]:
    """The document files to check, in id order (badly named files are reported here)."""
    return list(_json_files(run, run.layout.documents))


def finish(run: _Run) -> Report:
    """The checks after the documents' (orphan texts, annotation folders, passes); the report."""
    _check_orphan_texts(run)
    _check_annotation_folder(run, run.layout.annotations, expected_annotator=None)
    _check_passes(run)
    _check_split_files(run)
    return run.report


def split_assignment(run: _Run) -> dict[str, tuple[str, str]]:
    """``(split, outlet_split)`` of every usable document of a finished run: the ledger's when
    the corpus has one, else the hash rule's (with the near-duplicate pairs)."""
    ledger = None if run.ledger is None else {e["id"]: e for e in run.ledger}
    return run.splits.splits(run.near_pairs, ledger)


def _check_split_files(run: _Run) -> None:
    """The near-duplicate pairs and the ledger, against the documents (once all are checked)."""
    known = set(run.documents) | run.unusable_documents
    if run.near_duplicates is not None:
        run.report.extend(near_duplicate_issues(run.near_duplicates, known, "near-duplicates.json"))
    if run.ledger is not None and not run.unusable_documents:
        run.report.extend(ledger_issues(run.ledger, run.splits, run.near_pairs, "splits.json"))


@dataclass
class DocumentFindings:
    """What checking a chunk of documents adds to a run, for :meth:`_Run.absorb` in another
    process's run (plain data: it crosses process boundaries)."""

    issues: list[Issue]
    files_checked: int
    documents: dict[str, dict]
    unusable: set[str]
    checked: set[Path]
    splits: SplitCollector
    warnings: list[Issue]


def findings(run: _Run) -> DocumentFindings:
    """What a run made by :func:`resume` found in the documents it checked."""
    return DocumentFindings(run.report.issues, run.report.files_checked, run.documents, run.unusable_documents,
                            run.checked, run.splits, run.report.warnings)


def _check_top_level(run: _Run) -> None:
    looping = set()
    for entry in sorted(run.layout.root.iterdir()):
        if entry.name not in _TOP_LEVEL and not entry.name.startswith("."):
            run.issue(entry.name, "", "file-unexpected", "not part of the corpus layout (a typo?)")
        elif entry.name in _TOP_LEVEL and entry.is_symlink() and _loops(entry):
            # Otherwise a looping documents/ or passes/ would be skipped as absent, silently.
            run.issue(entry.name, "", "file-symlink-loop", "symbolic links loop: it cannot be reached")
            looping.add(entry.name)
    for name in ("outlets.json", "actors.json", "collections.json"):
        if name not in looping and not (run.layout.root / name).exists():
            run.issue(name, "", "file-missing", "registry file is missing")


def _loops(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python before 3.13
        return True
    except OSError as err:
        return err.errno == errno.ELOOP
    return False


def check_cache_folder(cache_dir: Path) -> None:
    """Raise :class:`CorpusError` when the cache path exists and is not a folder: hydrated texts
    would silently never be found there, and nothing could be written to it."""
    if cache_dir.exists() and not cache_dir.is_dir():
        raise CorpusError(f"{cache_dir}: the cache path is not a folder (give a folder with --cache, "
                          "or set CASTCORPUS_CACHE)")


def _check_registries(run: _Run) -> None:
    layout = run.layout
    actors = run.load(layout.actors, "actors") if layout.actors.exists() else None
    if actors:
        run.report.extend(actor_issues(actors["actors"], "actors.json"))
        run.actors = {a["key"]: a for a in actors["actors"]}
    outlets = run.load(layout.outlets, "outlets") if layout.outlets.exists() else None
    if outlets:
        run.report.extend(outlet_issues(outlets["outlets"], run.actors, "outlets.json"))
        run.outlets = {o["key"]: o for o in outlets["outlets"]}
    collections = run.load(layout.collections, "collections") if layout.collections.exists() else None
    if collections:
        run.report.extend(duplicate_keys(collections["collections"], "collections.json", "collections"))
        run.collections = {c["key"]: c for c in collections["collections"]}
    if layout.clusters.exists():
        clusters = run.load(layout.clusters, "clusters")
        run.clusters = None
        if clusters:
            run.report.extend(cluster_issues(clusters["clusters"], "clusters.json"))
            run.clusters = {c["key"] for c in clusters["clusters"]}
            target = {c["key"]: c.get("merged_into") for c in clusters["clusters"]}
            # A merge chain (a into b, b into c) tells a gold annotation the key at its end; a
            # merge that ends nowhere (into itself, an unknown key, a cycle) is the registry's
            # finding alone, not one more on every annotation that cites the key.
            run.merged_clusters = merge_ends(target)
    _check_split_registries(run)


def _check_split_registries(run: _Run) -> None:
    """events.json, near-duplicates.json and splits.json: each optional, each schema-checked."""
    layout = run.layout
    if layout.events.exists():
        events = run.load(layout.events, "events")
        run.events = set()  # an unusable registry: references into it are not reported as dangling
        if events:
            run.report.extend(event_issues(events, "events.json"))
            run.events = {e["key"] for e in events["events"]}
            run.event_entries = {"events": {e["key"]: e for e in events["events"]},
                                 "places": {p["key"]: p for p in events["places"]}}
    if layout.near_duplicates.exists():
        run.near_duplicates = run.load(layout.near_duplicates, "near-duplicates")
        if run.near_duplicates:
            run.near_pairs = [(p["a"], p["b"]) for p in run.near_duplicates["pairs"]]
    if layout.release.exists():
        run.release = run.load(layout.release, "release")
    if layout.coverage_exceptions.exists():
        run.load(layout.coverage_exceptions, "coverage-exceptions")
    if layout.splits.exists():
        ledger = run.load(layout.splits, "splits")
        run.ledger = ledger["documents"] if ledger else None
        run.ledger_sha256 = hashlib.sha256(layout.splits.read_bytes()).hexdigest() if ledger else None


def _entries(folder: Path) -> list[Path]:
    """A folder's entries in name order; hidden files (.gitkeep) are not corpus files."""
    return [folder / name for name, _ in _scan(folder)]


def _scan(folder: Path) -> list[tuple[str, bool]]:
    """``(name, is a folder)`` of a folder's entries in name order, hidden ones left out.

    One ``scandir`` gives both without a ``stat`` per entry (a large corpus has tens of
    thousands of files per folder)."""
    with os.scandir(folder) as scan:
        return sorted((entry.name, _is_dir(entry)) for entry in scan if not entry.name.startswith("."))


def _is_dir(entry: os.DirEntry) -> bool:
    """Whether an entry is a folder; a symbolic link that loops or dangles is not one."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _json_files(run: _Run, folder: Path):
    """The JSON files of a folder with a valid id as name; anything else is reported."""
    if not folder.is_dir():
        return
    for name, is_dir in _scan(folder):
        path = folder / name
        rel = run.layout.rel(path)
        if path.suffix != ".json" or is_dir:
            run.issue(rel, "", "file-unexpected", "only <id>.json files belong in this folder")
        elif not is_slug(path.stem):
            # ascii() shows look-alikes (a Cyrillic 'е' prints as \u0435) that repr() would hide.
            run.issue(rel, "", "document-id-invalid",
                      f"file name {shown_name(path.stem)} is not a valid id (lowercase ASCII slug, at most 64 characters)")
        else:
            yield path


def _pass_folders(run: _Run) -> list[Path]:
    """The well-named annotator folders under passes/ (the others are reported by _check_passes)."""
    if not run.layout.passes.is_dir():
        return []
    return [folder for folder in _entries(run.layout.passes)
            if folder.is_dir() and folder.name.startswith(_PASS_FOLDER) and folder.name[len(_PASS_FOLDER):].isdigit()]


def _check_orphan_texts(run: _Run) -> None:
    if not run.layout.texts.is_dir():
        return
    for path in _entries(run.layout.texts):
        rel = run.layout.rel(path)
        if path.suffix != ".txt" or not is_slug(path.stem):
            run.issue(rel, "", "document-id-invalid", "text files must be named <id>.txt with a valid id")
        elif path.stem not in run.documents and not (run.layout.documents / f"{path.stem}.json").exists():
            run.issue(rel, "", "text-orphan", f"no document {path.stem!r} in documents/")


def _check_passes(run: _Run) -> None:
    if not run.layout.passes.is_dir():
        return
    for folder in _entries(run.layout.passes):
        name = folder.name
        if not folder.is_dir() or not name.startswith(_PASS_FOLDER) or not name[len(_PASS_FOLDER):].isdigit():
            run.issue(run.layout.rel(folder), "", "pass-annotator-invalid",
                      "passes/ holds one folder per annotator, named annotator-<n>")
            continue
        _check_annotation_folder(run, folder, expected_annotator=name)


def _check_annotation_folder(run: _Run, folder: Path, expected_annotator: str | None) -> None:
    """The files of an annotation folder that no document's check has reached (bad names,
    annotations of documents that do not exist)."""
    for path in _json_files(run, folder):
        if path not in run.checked:
            _check_annotation_file(run, path, expected_annotator)
