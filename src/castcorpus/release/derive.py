"""Deriving a release's rows in the validator's single pass over the corpus.

:func:`derive_pass` validates the corpus and, as it goes, derives every document's rows
(:func:`castcorpus.release.rows.document_rows`) and stages them (:mod:`castcorpus.release.stage`), so the
corpus is read and parsed once. With ``jobs > 1`` the documents are checked and derived in
worker processes, a contiguous chunk of ids each; the main process keeps the checks that
need the whole corpus (registries, orphan files, passes) and merges the chunks in id order,
so the release is the same whatever the number of jobs.

Rows are derived only while nothing is wrong with the corpus: once a finding is made, the
build will refuse the corpus, and rows of a document, annotation or registry that failed a
check could not be derived safely anyway. In one process deriving stops at the first
finding; with workers, a worker stops at a finding in its own chunk, and every worker stops
once the main process has received a chunk with a finding (chunks still being checked then
go on deriving until they hear of it; the documents are all checked either way, so that the
report is complete). Findings about hydrated copies in the cache are the exception: such a
document is left out of the release, with the finding as the reason.
"""

from __future__ import annotations

import gc
import shutil
import signal
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from castcorpus.corpus.reader import hydrated_text_path
from castcorpus.report import Issue, Report
from castcorpus.validation.run import CheckedDocument, DocumentFindings, RunState, ValidationRun
from .features import CONFIGS, encode_labels, features
from .rowcache import RowCache, registry_hash, row_key
from .rows import Registries, document_rows
from .stage import StagedConfig

#: Documents between explicit collections while the cyclic collector is paused.
COLLECT_EVERY = 5_000
#: Why a document without an available text is left out, when no finding says more.
NOT_HYDRATED = "text not available (external and not hydrated)"
#: Documents per chunk of work for a worker process.
CHUNK_DOCUMENTS = 1_000
#: Below this many documents a pass runs in one process (starting workers costs more).
MIN_PARALLEL_DOCUMENTS = 2 * CHUNK_DOCUMENTS


@dataclass
class DerivedChunk:
    """What deriving a chunk of documents produced (plain data: it crosses processes)."""

    positions: list[str] = field(default_factory=list)  # ids of the documents with rows, in order
    staged: dict[str, Path] = field(default_factory=dict)  # config -> staging file
    missing_text: list[tuple[str, str]] = field(default_factory=list)  # (document id, collection)
    issues: list[Issue] = field(default_factory=list)  # findings made deriving rows
    annotated: int = 0


@dataclass
class PassResult:
    """A whole pass: the validation report and the derived chunks, merged in id order."""

    report: Report
    cache_dir: Path
    splits: dict[str, tuple[str, str]] = field(default_factory=dict)  # doc id -> (split, outlet_split)
    release: dict | None = None  # corpus/release.json, when there is one
    ledger_sha256: str | None = None  # SHA-256 of corpus/splits.json, when the splits come from it
    positions: list[str] = field(default_factory=list)
    staged: dict[str, list[tuple[Path, int]]] = field(default_factory=dict)  # config -> (file, first position)
    missing_text: list[tuple[str, str]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    annotated: int = 0

    def add(self, chunk: DerivedChunk) -> None:
        """Append a chunk (chunks must come in id order)."""
        for config, path in chunk.staged.items():
            self.staged.setdefault(config, []).append((path, len(self.positions)))
        self.positions.extend(chunk.positions)
        self.missing_text.extend(chunk.missing_text)
        self.issues.extend(chunk.issues)
        self.annotated += chunk.annotated

    def cache_finding(self, issue: Issue) -> bool:
        """Whether a finding is about a hydrated copy in the cache (not about the corpus)."""
        return _in_cache(issue, self.cache_dir)

    def left_out(self) -> list[tuple[str, str]]:
        """``(document id, reason)`` of the documents without text, the reason from the
        findings about their hydrated copy when there are any."""
        by_file: dict[str, list[Issue]] = {}
        for issue in self.report.issues:
            by_file.setdefault(issue.file, []).append(issue)
        left = []
        for doc_id, collection in self.missing_text:
            found = by_file.get(str(hydrated_text_path(self.cache_dir, collection, doc_id)), [])
            left.append((doc_id, "; ".join(f"{i.code}: {i.message}" for i in found) or NOT_HYDRATED))
        return left

    def discard(self) -> None:
        """Delete every staging file."""
        for files in self.staged.values():
            for path, _ in files:
                path.unlink(missing_ok=True)


def _in_cache(issue: Issue, cache_dir: Path) -> bool:
    return Path(issue.file).is_relative_to(cache_dir)


def derive_pass(corpus_root: Path, cache_dir: Path, stage_dir: Path, rows_cache: RowCache,
                progress=None, jobs: int = 1) -> PassResult:
    """Validate ``corpus_root`` and derive and stage the rows of its documents, in one pass.

    ``progress`` (a tqdm bar, or None) advances by one per document; ``jobs`` is the number
    of worker processes (1: in this process; the row cache needs one process). On failure
    the staging folder ``stage_dir`` is removed."""
    run = ValidationRun.begin(corpus_root, cache_dir)
    paths = run.document_files()
    clean = all(_in_cache(issue, cache_dir) for issue in run.report.issues)
    result = PassResult(run.report, cache_dir)
    try:
        if jobs > 1 and not rows_cache.enabled and len(paths) >= MIN_PARALLEL_DOCUMENTS:
            _in_workers(run, paths, clean, stage_dir, result, progress, jobs)
        else:
            deriver = PassDeriver(run.actors, run.outlets, cache_dir, stage_dir, rows_cache, progress, clean,
                                  len(run.report.issues), events=run.event_entries)
            run.on_document = deriver
            try:
                run.check_documents(paths)
            except BaseException:
                deriver.discard()
                raise
            result.add(deriver.outcome())
        run.finish()
        result.splits = run.split_assignment()
        result.release, result.ledger_sha256 = run.release, run.ledger_sha256
    except BaseException:
        result.discard()
        shutil.rmtree(stage_dir, ignore_errors=True)
        raise
    return result


def _in_workers(run, paths: list[Path], clean: bool, stage_dir: Path, result: PassResult, progress, jobs: int) -> None:
    chunks = [paths[i:i + CHUNK_DOCUMENTS] for i in range(0, len(paths), CHUNK_DOCUMENTS)]
    state = run.state()
    tasks = [_ChunkTask(state, stage_dir / f"{index:05d}", chunk, clean) for index, chunk in enumerate(chunks)]
    # spawn, not fork: forking a process that has started pyarrow's threads is not safe.
    context = get_context("spawn")
    stop = context.Event()  # set once a chunk brings a finding: the others stop deriving
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context,
                               initializer=_start_worker, initargs=(stop,))
    try:
        for task, (findings, chunk) in zip(tasks, pool.map(_derive_chunk, tasks)):
            run.absorb(findings)
            result.add(chunk)
            if not all(_in_cache(issue, run.cache_dir) for issue in findings.issues):
                stop.set()
            if progress is not None:
                progress.update(len(task.paths))
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # chunks not started are not run
        raise
    pool.shutdown()


@dataclass(frozen=True)
class _ChunkTask:
    state: RunState
    stage_dir: Path
    paths: list[Path]
    clean: bool


#: In a worker process: the event that tells it to stop deriving rows.
_STOP = None


def _start_worker(stop) -> None:
    """Worker initializer: Ctrl-C is the main process's to handle (it cancels the pool)."""
    global _STOP
    _STOP = stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _derive_chunk(task: _ChunkTask) -> tuple[DocumentFindings, DerivedChunk]:
    """Worker: check and derive one chunk of documents, with the main run's registries."""
    run = ValidationRun.resume(task.state)
    deriver = PassDeriver(run.actors, run.outlets, run.cache_dir, task.stage_dir, RowCache(None), None,
                          task.clean, 0, _STOP, events=run.event_entries)
    run.on_document = deriver
    gc.disable()  # as in the build's own process (see castcorpus.release.build)
    try:
        run.check_documents(task.paths)
    finally:
        gc.enable()
    return run.findings(), deriver.outcome()


class PassDeriver:
    """The validator's ``on_document`` callback: the staged rows of each document.

    ``actors`` and ``outlets`` are the run's checked registries (None when unusable: then the
    run has a finding and nothing is derived). ``clean`` says whether the run had no finding
    (but about the cache) before the first document; ``seen_issues`` is how many findings its
    report already had then; ``stop`` (an event, in a worker) says another chunk had one.
    """

    def __init__(self, actors: dict | None, outlets: dict | None, cache_dir: Path, stage_dir: Path,
                 rows_cache: RowCache, progress=None, clean: bool = True, seen_issues: int = 0, stop=None,
                 events: dict | None = None):
        self.actors, self.outlets = actors, outlets
        self.events = events or {}  # {"events": by key, "places": by key}, as the run checked them
        self.cache_dir, self.stage_dir = cache_dir, stage_dir
        self.rows_cache, self.progress, self.stop = rows_cache, progress, stop
        self.staged: dict[str, StagedConfig] = {}
        self.chunk = DerivedChunk()
        self.clean, self._seen_issues = clean, seen_issues
        self._registries: Registries | None = None
        self._hash: str | None = None

    def __call__(self, doc: CheckedDocument) -> None:
        if self.progress is not None:
            self.progress.update()
        if not self._still_clean(doc.report):
            return
        if doc.text is None:
            self.chunk.missing_text.append((doc.meta["id"], doc.meta["collection"]))
            return
        rows, issues = self._rows(doc)
        self.chunk.issues.extend(issues)
        position = len(self.chunk.positions)
        self.chunk.positions.append(doc.meta["id"])
        self.chunk.annotated += doc.annotation is not None
        for base in CONFIGS:
            for row in rows.get(base, ()):
                self._staged(base).add(encode_labels(base, row), position)
        if len(self.chunk.positions) % COLLECT_EVERY == 0:
            gc.collect()  # whatever cyclic garbage the libraries left, now and then

    def outcome(self) -> DerivedChunk:
        """Close the staging files; what this deriver produced."""
        for staged in self.staged.values():
            staged.close()
        self.chunk.staged = {config: staged.path for config, staged in self.staged.items() if staged.num_rows}
        return self.chunk

    def _still_clean(self, report: Report) -> bool:
        if self.clean:
            new = report.issues[self._seen_issues:]
            self._seen_issues = len(report.issues)
            self.clean = all(_in_cache(issue, self.cache_dir) for issue in new)
            if self.stop is not None and self.stop.is_set():
                self.clean = False
            if not self.clean:  # the build will refuse the corpus: staged rows are of no use
                self.discard()
        return self.clean

    def discard(self) -> None:
        """Close and delete this deriver's staging files."""
        for staged in self.staged.values():
            staged.discard()
        self.staged = {}

    def _staged(self, base: str) -> StagedConfig:
        staged = self.staged.get(base)
        if staged is None:
            staged = self.staged[base] = StagedConfig(self.stage_dir / f"{base}.arrows",
                                                      features(base).arrow_schema)
        return staged

    def _rows(self, doc: CheckedDocument):
        if self._registries is None:  # the registries the run checked, read once by the main run
            self._registries = Registries(self.actors, self.outlets, self.events.get("events", {}),
                                          self.events.get("places", {}))
        reg = self._registries
        meta, annotation, text = doc.meta, doc.annotation, doc.text
        if annotation is None:  # a raw row is cheap: caching it would only copy the text
            return document_rows(meta, None, text, reg, "")
        file = f"annotations/{meta['id']}.json"
        if not self.rows_cache.enabled:
            return document_rows(meta, annotation, text, reg, file)
        key = row_key(meta, annotation, text, self._registry_hash())
        cached = self.rows_cache.get(key)
        if cached is not None:
            return cached
        rows, issues = document_rows(meta, annotation, text, reg, file)
        self.rows_cache.put(key, rows, issues)
        return rows, issues

    def _registry_hash(self) -> str:
        if self._hash is None:
            self._hash = registry_hash(self.actors, self.outlets, self.events)
        return self._hash
