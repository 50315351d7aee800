"""``validate(root)``: every schema on every file, then the checks a schema cannot express.

The validator only reads: it never changes a file. Problems with the input become issues in
the returned :class:`~castcorpus.report.Report`; only a root that is not a corpus folder
at all raises :class:`~castcorpus.corpus.reader.CorpusError`.
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path
from typing import Callable

from castcorpus.corpus.reader import CorpusError, check_cache_folder, default_cache_dir, is_slug
from castcorpus.report import Report, shown_name
from castcorpus.splits.ledger import ledger_issues

from .context import CheckedDocument, Context, DocumentFindings, RunState
from .documents import check_annotation_file, check_documents
from .registries import (actor_issues, cluster_issues, duplicate_keys, event_issues, merge_ends,
                         near_duplicate_issues, outlet_issues)

__all__ = ["CheckedDocument", "DocumentFindings", "RunState", "ValidationRun", "check_cache_folder", "validate"]

_TOP_LEVEL = {"outlets.json", "actors.json", "collections.json", "clusters.json", "events.json", "near-duplicates.json",
              "splits.json", "release.json", "coverage-exceptions.json", "texts", "documents", "annotations", "passes"}
_PASS_FOLDER = "annotator-"


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
    run = ValidationRun.begin(root, cache_dir, on_document)
    run.check_documents(run.document_files())
    return run.finish()


class ValidationRun(Context):
    """One validation run, in steps, for callers that need more than :func:`validate`.

    ``ValidationRun.begin(root)`` checks the top level and the registries;
    :meth:`document_files` lists the documents, :meth:`check_documents` checks some of them
    and :meth:`finish` runs the checks that need them all and returns the report. The build
    checks chunks of documents in worker processes: each worker makes a run with
    :meth:`resume` from the main run's :meth:`~Context.state`, and hands its
    :meth:`~Context.findings` back to the main run's :meth:`~Context.absorb`.
    """

    @classmethod
    def begin(cls, root: str | Path, cache_dir: str | Path | None = None,
              on_document: Callable[[CheckedDocument], None] | None = None) -> ValidationRun:
        """Start a run: check the top level and the registries.

        Raises :class:`~castcorpus.corpus.reader.CorpusError` when ``root`` is not a corpus
        folder or the cache path is not a folder."""
        root = Path(root)
        if not root.is_dir():
            raise CorpusError(f"{root}: not a folder")
        if not (root / "documents").is_dir() and not (root / "actors.json").exists():
            raise CorpusError(f"{root}: not a corpus folder (no documents/ and no actors.json)")
        run = cls(root, Path(cache_dir) if cache_dir else default_cache_dir(), on_document)
        check_cache_folder(run.cache_dir)
        _check_top_level(run)
        _check_registries(run)
        run.pass_folders = _pass_folders(run)
        return run

    @classmethod
    def resume(cls, state: RunState, on_document: Callable[[CheckedDocument], None] | None = None) -> ValidationRun:
        """A run with the registries of ``state`` (as checked by another process's run), ready
        for :meth:`check_documents`; its report holds only what the documents add."""
        return cls.from_state(state, on_document)

    def document_files(self) -> list[Path]:
        """The document files to check, in id order (badly named files are reported here)."""
        folder = self.layout.documents
        return [folder / name for name in _json_names(self, folder)]

    def check_documents(self, paths: list[Path]) -> None:
        """Check these document files, each with its text and annotations, calling
        ``on_document`` after each."""
        check_documents(self, paths)

    def finish(self) -> Report:
        """The checks after the documents' (orphan texts, annotation folders, passes); the report."""
        _check_orphan_texts(self)
        _check_annotation_folder(self, self.layout.annotations, expected_annotator=None)
        _check_passes(self)
        _check_split_files(self)
        return self.report

    def split_assignment(self) -> dict[str, tuple[str, str]]:
        """``(split, outlet_split)`` of every usable document of a finished run: the ledger's when
        the corpus has one, else the hash rule's (with the near-duplicate pairs)."""
        ledger = None if self.ledger is None else {e["id"]: e for e in self.ledger}
        return self.splits.splits(self.near_pairs, ledger)


def _check_split_files(run: Context) -> None:
    """The near-duplicate pairs and the ledger, against the documents (once all are checked)."""
    known = set(run.documents) | run.unusable_documents
    if run.near_duplicates is not None:
        run.report.extend(near_duplicate_issues(run.near_duplicates, known, "near-duplicates.json"))
    if run.ledger is not None and not run.unusable_documents:
        run.report.extend(ledger_issues(run.ledger, run.splits, run.near_pairs, "splits.json"))


def _check_top_level(run: Context) -> None:
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


def _check_registries(run: Context) -> None:
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


def _check_split_registries(run: Context) -> None:
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


def _json_names(run: Context, folder: Path):
    """The names of the JSON files of a folder with a valid id as name; anything else is reported."""
    if not folder.is_dir():
        return
    for name, is_dir in _scan(folder):
        # Names are looked at as strings, and the relative path made only for a finding: a
        # large corpus has tens of thousands of files here, and pathlib objects cost more
        # than the checks.
        stem, dot, suffix = name.rpartition(".")
        if not dot or suffix != "json" or not stem or is_dir:
            run.issue(run.layout.rel(folder / name), "", "file-unexpected", "only <id>.json files belong in this folder")
        elif not is_slug(stem):
            # ascii() shows look-alikes (a Cyrillic 'е' prints as \u0435) that repr() would hide.
            run.issue(run.layout.rel(folder / name), "", "document-id-invalid",
                      f"file name {shown_name(stem)} is not a valid id (lowercase ASCII slug, at most 64 characters)")
        else:
            yield name


def _pass_folders(run: Context) -> list[Path]:
    """The well-named annotator folders under passes/ (the others are reported by _check_passes)."""
    if not run.layout.passes.is_dir():
        return []
    return [folder for folder in _entries(run.layout.passes)
            if folder.is_dir() and folder.name.startswith(_PASS_FOLDER) and folder.name[len(_PASS_FOLDER):].isdigit()]


def _check_orphan_texts(run: Context) -> None:
    if not run.layout.texts.is_dir():
        return
    for name, _ in _scan(run.layout.texts):
        # Names as strings, a path made only for a finding (as in _json_names).
        stem, dot, suffix = name.rpartition(".")
        if not dot or suffix != "txt" or not is_slug(stem):
            run.issue(run.layout.rel(run.layout.texts / name), "", "document-id-invalid",
                      "text files must be named <id>.txt with a valid id")
        elif stem not in run.documents and not (run.layout.documents / f"{stem}.json").exists():
            run.issue(run.layout.rel(run.layout.texts / name), "", "text-orphan", f"no document {stem!r} in documents/")


def _check_passes(run: Context) -> None:
    if not run.layout.passes.is_dir():
        return
    for folder in _entries(run.layout.passes):
        name = folder.name
        if not folder.is_dir() or not name.startswith(_PASS_FOLDER) or not name[len(_PASS_FOLDER):].isdigit():
            run.issue(run.layout.rel(folder), "", "pass-annotator-invalid",
                      "passes/ holds one folder per annotator, named annotator-<n>")
            continue
        _check_annotation_folder(run, folder, expected_annotator=name)


def _check_annotation_folder(run: Context, folder: Path, expected_annotator: str | None) -> None:
    """The files of an annotation folder that no document's check has reached (bad names,
    annotations of documents that do not exist)."""
    for name in _json_names(run, folder):
        path = os.path.join(folder, name)  # a string, as the document checks record it in run.checked
        if path not in run.checked:
            check_annotation_file(run, path, expected_annotator)
