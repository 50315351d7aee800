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
from .columns import SharedColumns
from .features import CONFIGS
from .incremental import BuildState, ChunkMemo, chunked, staged_digest, state_digest
from .rowcache import RowCache, registry_hash, row_key
from .rows import Registries, document_rows
from .stage import StagedColumns, StagedConfig, TextTokens

#: The configs whose rows come as columns (castcorpus.release.columns.ColumnRows), not as dicts.
COLUMN_VIEWS = ("sentences", "checkworthiness", "actor_ner", "claim_spans")
#: The configs with a row per document whose token column is the document's whole text.
TEXT_CONFIGS = ("documents", "credibility", "raw")

#: Documents between explicit collections while the cyclic collector is paused.
COLLECT_EVERY = 5_000
#: Why a document without an available text is left out, when no finding says more.
NOT_HYDRATED = "text not available (external and not hydrated)"
#: Below this many documents to derive, a pass runs in one process (starting workers costs more).
MIN_PARALLEL_DOCUMENTS = 2_000


@dataclass
class DerivedChunk:
    """What deriving a chunk of documents produced (plain data: it crosses processes)."""

    positions: list[str] = field(default_factory=list)  # ids of the documents with rows, in order
    staged: dict[str, Path] = field(default_factory=dict)  # config -> staging file
    missing_text: list[tuple[str, str]] = field(default_factory=list)  # (document id, collection)
    issues: list[Issue] = field(default_factory=list)  # findings made deriving rows
    annotated: int = 0
    clean: bool = False  # every document of the chunk had its rows derived
    file_hashes: dict[str, str] = field(default_factory=dict)  # config -> staged_digest of its staging file (with a state)


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
    chunk_hashes: list[dict[str, str]] = field(default_factory=list)  # each chunk's file_hashes, in order
    chunk_starts: list[int] = field(default_factory=list)  # each chunk's first position, in order
    borrowed: set[Path] = field(default_factory=set)  # staged files of the state's chunks: never deleted here
    derived: int = 0  # documents checked and derived in this pass (the others came from the build state)

    def add(self, chunk: DerivedChunk, borrowed: bool = False) -> None:
        """Append a chunk (chunks must come in id order); ``borrowed``: its staged files
        belong to the build state (:meth:`discard` leaves them)."""
        for config, path in chunk.staged.items():
            self.staged.setdefault(config, []).append((path, len(self.positions)))
            if borrowed:
                self.borrowed.add(path)
        self.chunk_hashes.append(chunk.file_hashes)
        self.chunk_starts.append(len(self.positions))
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
        """Delete every staging file (but the build state's)."""
        for files in self.staged.values():
            for path, _ in files:
                if path not in self.borrowed:
                    path.unlink(missing_ok=True)


def _in_cache(issue: Issue, cache_dir: Path) -> bool:
    return Path(issue.file).is_relative_to(cache_dir)


def derive_pass(corpus_root: Path, cache_dir: Path, stage_dir: Path, rows_cache: RowCache,
                progress=None, jobs: int = 1, state: BuildState | None = None) -> PassResult:
    """Validate ``corpus_root`` and derive and stage the rows of its documents, in one pass.

    ``progress`` (a tqdm bar, or None) advances by one per document; ``jobs`` is the number
    of worker processes (1: in this process; the row cache needs one process). The documents
    go in chunks (:func:`castcorpus.release.incremental.chunked`); with a ``state``, a chunk the
    previous build derived from the same inputs is taken from it instead of being checked and
    derived again, and the clean chunks of this pass are recorded in it. On failure the
    staging folder ``stage_dir`` is removed."""
    run = ValidationRun.begin(corpus_root, cache_dir)
    paths = run.document_files()
    result = PassResult(run.report, cache_dir)
    try:
        chunks = _planned(run, chunked(paths), state)
        fresh = result.derived = sum(len(chunk.paths) for chunk in chunks if chunk.memo is None)
        if jobs > 1 and not rows_cache.enabled and fresh >= MIN_PARALLEL_DOCUMENTS:
            _in_workers(run, chunks, stage_dir, result, progress, jobs, state)
        else:
            _in_process(run, chunks, stage_dir, result, progress, rows_cache, state)
        run.finish()
        result.splits = run.split_assignment()
        result.release, result.ledger_sha256 = run.release, run.ledger_sha256
    except BaseException:
        result.discard()
        shutil.rmtree(stage_dir, ignore_errors=True)
        raise
    return result


@dataclass
class _Planned:
    paths: list[Path]
    key: str | None  # the chunk's key when there is a state
    memo: ChunkMemo | None  # the previous build's chunk with that key, when reusable


def _planned(run, chunks: list[list[Path]], state: BuildState | None) -> list[_Planned]:
    if state is None:
        return [_Planned(chunk, None, None) for chunk in chunks]
    layout = run.layout
    run_digest = state_digest(run.state(), [layout.root, layout.documents, layout.texts, layout.annotations,
                                            layout.passes, *run.pass_folders])
    planned = []
    for chunk in chunks:
        key = state.chunk_key(run_digest, [state.doc_key(path, run.pass_folders) for path in chunk])
        planned.append(_Planned(chunk, key, state.reusable(key)))
    return planned


def _clean(run) -> bool:
    return all(_in_cache(issue, run.cache_dir) for issue in run.report.issues)


def _reuse(run, planned: _Planned, result: PassResult, state: BuildState) -> None:
    memo = planned.memo
    folder = state.chunk_folder(planned.key)
    run.absorb(memo.findings)
    chunk = DerivedChunk(list(memo.positions), {config: folder / name for config, name in memo.staged.items()},
                         list(memo.missing_text), [], memo.annotated, True, memo.file_hashes)
    result.add(chunk, borrowed=True)
    state.keep_chunk(planned.key, memo, folder)


def _in_process(run, chunks: list[_Planned], stage_dir: Path, result: PassResult, progress, rows_cache: RowCache,
                state: BuildState | None) -> None:
    run_state = run.state()
    for index, planned in enumerate(chunks):
        if planned.memo is not None:
            _reuse(run, planned, result, state)
            if progress is not None:
                progress.update(len(planned.paths))
            continue
        folder = stage_dir / (planned.key or f"{index:05d}")
        task = _ChunkTask(run_state, folder, planned.paths, _clean(run), state is not None)
        findings, chunk = _check_chunk(task, rows_cache, progress)
        run.absorb(findings)
        result.add(chunk)
        if state is not None:
            _kept_in(folder, findings, chunk, state, planned.key)


def _kept_in(folder: Path, findings: DocumentFindings, chunk: DerivedChunk, state: BuildState, key: str) -> None:
    """Record a freshly derived chunk in the state when it is clean (nothing found, every row derived)."""
    if findings.issues or chunk.issues or not chunk.clean:
        return
    memo = ChunkMemo(findings, list(chunk.positions), {config: path.name for config, path in chunk.staged.items()},
                     chunk.annotated, list(chunk.missing_text), chunk.file_hashes)
    state.keep_chunk(key, memo, folder)


def _in_workers(run, chunks: list[_Planned], stage_dir: Path, result: PassResult, progress, jobs: int,
                state: BuildState | None) -> None:
    run_state, clean = run.state(), _clean(run)
    fresh = [(index, planned) for index, planned in enumerate(chunks) if planned.memo is None]
    tasks = {index: _ChunkTask(run_state, stage_dir / (planned.key or f"{index:05d}"), planned.paths, clean,
                               state is not None)
             for index, planned in fresh}
    # spawn, not fork: forking a process that has started pyarrow's threads is not safe.
    context = get_context("spawn")
    stop = context.Event()  # set once a chunk brings a finding: the others stop deriving
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context,
                               initializer=_start_worker, initargs=(stop,))
    try:
        outcomes = pool.map(_derive_chunk, list(tasks.values()))
        for index, planned in enumerate(chunks):
            if planned.memo is not None:
                _reuse(run, planned, result, state)
                findings = None
            else:
                findings, chunk = next(outcomes)
                run.absorb(findings)
                result.add(chunk)
                if state is not None:
                    _kept_in(tasks[index].stage_dir, findings, chunk, state, planned.key)
                if not all(_in_cache(issue, run.cache_dir) for issue in findings.issues):
                    stop.set()
            if progress is not None:
                progress.update(len(planned.paths))
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
    hashes: bool = False  # hash each staging file (for an incremental build)


#: In a worker process: the event that tells it to stop deriving rows.
_STOP = None


def _start_worker(stop) -> None:
    """Worker initializer: Ctrl-C is the main process's to handle (it cancels the pool)."""
    global _STOP
    _STOP = stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _derive_chunk(task: _ChunkTask) -> tuple[DocumentFindings, DerivedChunk]:
    """Worker: check and derive one chunk of documents, with the main run's registries."""
    gc.disable()  # as in the build's own process (see castcorpus.release.build)
    try:
        return _check_chunk(task, RowCache(None), None, _STOP)
    finally:
        gc.enable()


def _check_chunk(task: _ChunkTask, rows_cache: RowCache, progress, stop=None) -> tuple[DocumentFindings, DerivedChunk]:
    """Check and derive one chunk of documents in a run of its own, with the main run's registries."""
    run = ValidationRun.resume(task.state)
    deriver = PassDeriver(run.actors, run.outlets, run.cache_dir, task.stage_dir, rows_cache, progress,
                          task.clean, 0, stop, events=run.event_entries, hashes=task.hashes)
    run.on_document = deriver
    try:
        run.check_documents(task.paths)
    except BaseException:
        deriver.discard()
        raise
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
                 events: dict | None = None, hashes: bool = False):
        self.actors, self.outlets = actors, outlets
        self.hashes = hashes
        self.events = events or {}  # {"events": by key, "places": by key}, as the run checked them
        self.cache_dir, self.stage_dir = cache_dir, stage_dir
        self.rows_cache, self.progress, self.stop = rows_cache, progress, stop
        self.staged: dict[str, StagedConfig] = {}
        self.shared = SharedColumns()  # the per-sentence views' common columns, converted once
        self.text_tokens = TextTokens()  # a document's text, counted once for the configs that hold it
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
            if rows.get(base):
                self._staged(base).add_rows(rows[base], position)
        if len(self.chunk.positions) % COLLECT_EVERY == 0:
            gc.collect()  # whatever cyclic garbage the libraries left, now and then

    def outcome(self) -> DerivedChunk:
        """Close the staging files; what this deriver produced."""
        for staged in self.staged.values():
            staged.close()
        self.chunk.staged = {config: staged.path for config, staged in self.staged.items() if staged.num_rows}
        self.chunk.clean = self.clean
        if self.hashes:
            # A staging file is the same bytes whenever its rows are (one schema, batches of a
            # fixed size): its hash stands for the rows of the chunk's documents in that config.
            self.chunk.file_hashes = {config: staged_digest(path) for config, path in self.chunk.staged.items()}
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
            path = self.stage_dir / f"{base}.arrows"
            tokens = self.text_tokens if base in TEXT_CONFIGS else None
            staged = self.staged[base] = (StagedColumns(path, base, shared=self.shared) if base in COLUMN_VIEWS
                                          else StagedConfig(path, base, tokens=tokens))
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
