"""``build_release``: validate the corpus and write a self-contained release folder.

The release (by default ``dist/cast-syria/``) holds the dataset card ``README.md``,
``data/<config>/<split>-NNNNN-of-NNNNN.parquet``, the licenses, ``DATASHEET.md`` and
``CITATION.cff`` when the repository has them, whatever the extra writers add (Croissant,
charts) and ``SHA256SUMS``. The corpus is read once: the validator's pass derives each
document's rows and stages them as Arrow (:mod:`castcorpus.release.derive`, in worker processes when
``jobs > 1``); once every split is known, the staged rows are written as Parquet
(:mod:`castcorpus.release.write`). Memory stays flat: documents stream, rows go out in batches.
Everything is written into a staging folder beside the target, which replaces the previous
release only when the build has succeeded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from tqdm import tqdm

from castcorpus.corpus.reader import check_cache_folder, default_cache_dir
from castcorpus.report import Issue, Report
from castcorpus.version import __version__
from .card import CardInput, render
from .charts import write_charts
from .croissant import write_croissant
from .derive import MIN_PARALLEL_DOCUMENTS, derive_pass
from .folder import (check_output_folder, clear_leftovers, copy_repository_files, data_fingerprint, file_sha256,
                     make_parents, remove_made, replace_atomically, sha256sums, staging_folder, write_marker)
from .jobs import IdleCores
from .rowcache import RowCache
from .stats import Stats
from .filerecords import FileRecords, collector_paused, load_records, objects_frozen
from .incremental import INPUT_RECORDS, RELEASE_RECORDS, BuildState, remove_state, state_folder
from .uptodate import RECORD, code_digest, inputs_digest, is_up_to_date, record
from .write import write_configs

#: A writer of extra release files: ``writer(staging_folder, summary)``, called after the data
#: and card are written and before SHA256SUMS, so that its files are checksummed too. A writer
#: must not change anything under ``data/``: those files were hashed when they were written.
Writer = Callable[[Path, "BuildSummary"], None]

#: The writers every release gets (croissant.json, charts). The card's baselines section is
#: not among them: it needs the scorer, which sits above the build (the build never imports
#: castcorpus.scoring); ``castcorpus build`` and :func:`castcorpus.build` pass it as a
#: ``writers`` hook (:func:`castcorpus.scoring.card_baselines.write_card_section`).
EXTRA_WRITERS: list[Writer] = [write_croissant, write_charts]


class BuildError(Exception):
    """The corpus cannot be built; ``report`` holds the validation findings (if any)."""

    def __init__(self, message: str, report: Report | None = None):
        super().__init__(message)
        self.report = report


#: The dataset version of a corpus without release.json (e.g. a synthetic one).
UNVERSIONED = "0.0.0"


@dataclass
class BuildSummary:
    """What a build wrote: rows per config and split, documents left out, issues met."""

    out_dir: Path
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (document id, reason)
    issues: list[Issue] = field(default_factory=list)
    splits: dict[str, tuple[str, str]] = field(default_factory=dict)  # doc id -> (split, outlet_split)
    fingerprint: str = ""
    files: list[str] = field(default_factory=list)  # release-relative paths, sorted
    cache_hits: int = 0
    cache_misses: int = 0
    up_to_date: bool = False  # True when the release was already built from the same inputs
    stats: Stats | None = None  # counts of the rows written (raw and documents), for the charts
    file_hashes: dict[str, str] = field(default_factory=dict)  # release-relative path -> SHA-256 (data files)
    dataset_version: str = UNVERSIONED  # corpus/release.json's version
    ledger_sha256: str | None = None  # SHA-256 of the split ledger the splits came from
    documents_derived: int = 0  # documents checked and derived again (the others came from the build state)
    folders_written: int = 0  # config folders with shards written again (the others were linked from the previous release)
    shards_written: int = 0  # Parquet shards written again (the others were linked from the previous release)
    jobs: int = 1  # the jobs the build was given or chose (castcorpus.release.jobs)

    def essentials(self) -> dict:
        """What an up-to-date check needs to report the release again without rebuilding it."""
        return {"rows": self.rows, "left_out": [list(x) for x in self.left_out],
                "issues": [[i.file, i.pointer, i.code, i.message] for i in self.issues],
                "fingerprint": self.fingerprint, "dataset_version": self.dataset_version,
                "ledger_sha256": self.ledger_sha256}

    @classmethod
    def from_essentials(cls, out_dir: Path, data: dict) -> "BuildSummary":
        return cls(out_dir=out_dir, rows=data["rows"], left_out=[tuple(x) for x in data["left_out"]],
                   issues=[Issue(*x) for x in data["issues"]], fingerprint=data["fingerprint"], up_to_date=True,
                   dataset_version=data.get("dataset_version", UNVERSIONED), ledger_sha256=data.get("ledger_sha256"))


def build_release(corpus_root: str | Path = "corpus", out_dir: str | Path = "dist/cast-syria", *,
                  cache_dir: str | Path | None = None, progress: bool = False,
                  repo_root: str | Path | None = None, row_cache: bool = False,
                  row_cache_dir: str | Path | None = None,
                  extra_writers: list[Writer] | None = None, writers: Sequence[Writer] = (),
                  force: bool = False, jobs: int | None = None, incremental: bool = True) -> BuildSummary:
    """Validate ``corpus_root`` and build the release into ``out_dir``; return its summary.

    ``cache_dir`` is where hydrated external texts are (as for ``validate``; default
    :func:`castcorpus.corpus.reader.default_cache_dir`). With ``row_cache=True``, derived rows are
    cached in ``row_cache_dir`` (default ``<cache_dir>/rows``); off by default, because reading
    an entry back costs nearly as much as deriving the rows again (docs/benchmarks.md). A
    rebuild with nothing changed needs no cache: it is skipped by the inputs' digest.
    ``repo_root`` holds LICENSE, licenses/, DATASHEET.md and CITATION.cff (default: the
    corpus's parent). ``jobs`` worker processes check and derive the documents
    (:func:`castcorpus.release.derive.derive_pass`; one process under 2,000 documents or with the
    row cache) and as many threads write the Parquet configs; the default is
    one per core that other processes leave idle while the build reads its inputs, at most 8
    (:class:`castcorpus.release.jobs.IdleCores`; :attr:`BuildSummary.jobs` says how many were
    used). The release is the
    same for any number. Workers are spawned, so a script that builds a large corpus needs the
    ``if __name__ == "__main__":`` guard that multiprocessing asks for. ``writers`` run after
    :data:`EXTRA_WRITERS` and are part of the up-to-date check (by their qualified names: a build
    with other hooks rebuilds); ``extra_writers`` run last and make every build run.
    With ``incremental`` (the default) the build keeps a state beside the release
    (:mod:`castcorpus.release.incremental`) and the next build checks, derives and writes again
    only what changed; the release is the same bytes either way. ``force`` rebuilds everything
    (and makes a new state); ``incremental=False`` builds without a state and removes it.
    Raises :class:`BuildError` when the corpus is invalid; the previous release is then untouched.
    """
    workers: int | IdleCores = IdleCores.start() if jobs is None else jobs
    corpus_root, out_dir = Path(corpus_root), Path(out_dir)
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    repo = Path(repo_root) if repo_root else corpus_root.resolve().parent
    check_output_folder(out_dir, corpus_root, repo)
    check_cache_folder(cache)
    clear_leftovers(out_dir)  # a killed build's leftovers go even when this build has nothing to do
    # Custom writers are not part of the inputs' digest: a build with them always runs.
    # The digest's reads also give the incremental build its per-file hashes.
    file_hashes: dict[str, str] | None = {} if incremental else None
    kinds: dict[str, bytes] | None = {} if incremental else None
    records = load_records(state_folder(out_dir) / INPUT_RECORDS) if incremental and not force else FileRecords()
    digest = None
    if incremental or not extra_writers:
        # A record per input file, none of them garbage: automatic collections would only
        # re-scan them (some 0.1 CPU s at 20,000 documents).
        with collector_paused():
            digest = inputs_digest(corpus_root, cache, repo, [_name(w) for w in writers], file_hashes, records, kinds)
    digest = None if extra_writers else digest
    release_records = load_records(state_folder(out_dir) / RELEASE_RECORDS) if incremental and not force else None
    if digest and not force and out_dir.is_dir() and is_up_to_date(out_dir, digest, release_records):
        if incremental and state_folder(out_dir).is_dir():
            records.save(state_folder(out_dir) / INPUT_RECORDS)  # files no longer racy are not read again
        return BuildSummary.from_essentials(out_dir, json.loads((out_dir / RECORD).read_text(encoding="utf-8"))["summary"])
    made = make_parents(out_dir)
    staging, done, state = None, False, None
    try:
        # The objects alive now (the libraries' modules) are left out of the collector's scans.
        with objects_frozen():
            staging = staging_folder(out_dir)
            if incremental:
                state = BuildState(out_dir, code_digest(), corpus_root, cache, file_hashes, fresh=force,
                                   records=records, kinds=kinds)
            with closing(_row_cache(row_cache, row_cache_dir or cache / "rows")) as rows_cache:
                summary = _build_into(staging, corpus_root, cache, rows_cache, progress, out_dir, workers, state)
            copy_repository_files(repo, staging)
            if state is not None:
                _reuse_charts(staging, summary, state, out_dir)
            for writer in [*EXTRA_WRITERS, *writers, *(extra_writers or [])]:
                writer(staging, summary)
            if state is not None:
                _keep_charts(staging, summary, state)
            if digest:
                (staging / RECORD).write_text(record(digest, summary.essentials()), encoding="utf-8")
            write_marker(staging, summary.fingerprint, __version__)
            summary.files = sha256sums(staging, summary.file_hashes)
        replace_atomically(staging, out_dir)
        done = True
        if state is not None:
            state.commit(out_dir)
        else:
            remove_state(out_dir)
    finally:
        if state is not None and not done:
            state.abandon()
        if staging is not None and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        if not done:
            remove_made(made)  # a failed build leaves no new empty folders behind
    return summary


def _reuse_charts(staging: Path, summary: BuildSummary, state: BuildState, previous: Path) -> None:
    """Link each of the previous release's charts that was drawn from the same counts and is
    intact (:func:`castcorpus.release.charts.write_charts` then draws only the others)."""
    from .charts import chart_keys

    known = state.finished("charts", "") if summary.stats is not None else None
    if not isinstance(known, dict):
        return
    for rel, key in chart_keys(summary.stats).items():
        kept = known.get(rel)
        if kept is None or kept[0] != key or not state.intact(previous, rel, kept[1]):
            continue
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(previous / rel, staging / rel)
        except OSError:
            shutil.copyfile(previous / rel, staging / rel)


def _keep_charts(staging: Path, summary: BuildSummary, state: BuildState) -> None:
    """Record the charts in the state: each one's SHA-256, by the key of the counts it was drawn from."""
    from .charts import chart_keys

    if summary.stats is None:
        return
    keys = chart_keys(summary.stats)
    if all((staging / rel).is_file() for rel in keys):
        state.keep_finished("charts", "", {rel: (key, file_sha256(staging / rel)) for rel, key in keys.items()})


def _name(writer: Writer) -> str:
    return f"{writer.__module__}.{writer.__qualname__}"


def _row_cache(enabled: bool, folder: str | Path) -> RowCache:
    if not enabled:
        return RowCache(None)
    return RowCache(Path(folder))


def _build_into(staging: Path, corpus_root: Path, cache: Path, rows_cache: RowCache, progress: bool,
                out_dir: Path, workers: int | IdleCores, state: BuildState | None = None) -> BuildSummary:
    """Validate and derive in one pass, then write the staged rows by split; the summary.
    ``workers`` is the number of jobs, or the measurement that chooses it when the pass starts."""
    total = sum(1 for _ in (corpus_root / "documents").glob("*.json"))
    # Under MIN_PARALLEL_DOCUMENTS the pass stays in this process whatever the count, so the
    # cores are not measured (a measurement takes at least a tenth of a second).
    jobs = workers if isinstance(workers, int) else workers.jobs() if total >= MIN_PARALLEL_DOCUMENTS else 1
    with tqdm(total=total, disable=not progress, desc="build", unit="doc") as bar:
        # Rows are plain dicts and lists without reference cycles (reference counting frees
        # them), but each automatic collection would re-scan every row buffered for staging:
        # 10 to 15% of a build's CPU time on synthetic corpora. The deriver collects explicitly
        # every few thousand documents, so cyclic garbage of the libraries it calls cannot pile up.
        with collector_paused(freeze=True):
            result = derive_pass(corpus_root, cache, staging / STAGE, rows_cache, bar, jobs, state)
    try:
        report = result.report
        cache_findings = [issue for issue in report.issues if result.cache_finding(issue)]
        if len(cache_findings) < len(report.issues):
            raise BuildError(f"{corpus_root}: the corpus is invalid ({len(report.issues)} finding(s))", report)
        summary = BuildSummary(out_dir=out_dir, splits=result.splits,
                               dataset_version=(result.release or {}).get("version", UNVERSIONED),
                               ledger_sha256=result.ledger_sha256)
        summary.issues.extend(cache_findings + result.issues)
        summary.left_out = result.left_out()
        written = write_configs(staging, result, summary.splits, jobs, state, out_dir)
        statistics = _statistics_section(written)
        if state is not None:
            state.save()  # before the staged rows go: the state keeps its chunks' files
    finally:
        result.discard()
        if (staging / STAGE).exists():
            shutil.rmtree(staging / STAGE)  # no ignore_errors: staged rows must never ship
    summary.rows, summary.file_hashes, summary.stats = written.rows, written.file_hashes, written.stats
    summary.documents_derived, summary.folders_written = result.derived, written.folders_written
    summary.shards_written, summary.jobs = written.shards_written, jobs
    summary.cache_hits, summary.cache_misses = rows_cache.hits, rows_cache.misses
    summary.fingerprint = data_fingerprint(summary.file_hashes)
    card = CardInput(written.splits, summary.fingerprint, summary.dataset_version, len(result.positions),
                     result.annotated, len(summary.left_out), package_version=__version__,
                     ledger_sha256=summary.ledger_sha256,
                     mentions_off_tokens=sum(i.code == "mention-not-on-tokens" for i in summary.issues),
                     claims_off_tokens=sum(i.code.startswith("claim-") and i.message.endswith("claim_spans")
                                           for i in summary.issues),
                     extra_sections=[statistics, _agreement_section(corpus_root, state)])
    (staging / "README.md").write_text(render(card), encoding="utf-8", newline="\n")
    return summary


def _statistics_section(written) -> str:
    """The card's rows, tokens and label distributions per config and split, counted from the
    rows as they were written (per shard group, merged; :mod:`castcorpus.release.write`)."""
    from .card import config_order
    from .card_statistics import statistics_section

    return statistics_section(written.card, config_order(written.splits))


def _agreement_section(corpus_root: Path, state: BuildState | None = None) -> str:
    """The card's agreement figures, from the corpus's independent passes (with a build state,
    the previous build's section when the passes and the documents' ids are the same, else
    its figures of each document whose passes are the same)."""
    from castcorpus.annotation.agreement import card_section, corpus_agreement
    from castcorpus.corpus.reader import Corpus

    if state is None:
        return card_section(corpus_agreement(Corpus(corpus_root)))
    # The section reads the passes of the corpus's documents, nothing else.
    digest = hashlib.sha256()
    for rel, sha in sorted(state.file_hashes.items()):
        if rel.startswith(("passes/", "documents/")):
            digest.update(f"{rel}\0{sha if rel.startswith('passes/') else ''}\n".encode("utf-8", "surrogateescape"))
    key = digest.hexdigest()
    section = state.finished("agreement", key)
    if section is None:
        section = card_section(_agreement_by_document(Corpus(corpus_root), state))
    state.keep_finished("agreement", key, section)
    return section


def _agreement_by_document(corpus, state: BuildState) -> dict:
    """:func:`castcorpus.annotation.agreement.corpus_agreement`, each document's figures taken
    from the previous build when its pass files have the same SHA-256."""
    from castcorpus.annotation.agreement import compare

    root = corpus.layout.passes
    annotators = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    known = state.finished("agreement by document", "") or {}
    kept, results = {}, {}
    for doc_id in corpus.document_ids():
        rels = {a: f"passes/{a}/{doc_id}.json" for a in annotators}
        # The pass files the inputs' digest hashed (every regular file of the corpus), not a
        # second look at the disk for each of tens of thousands of documents.
        have = [a for a in annotators if rels[a] in state.file_hashes]
        if len(have) < 2:
            continue
        doc_key = tuple((a, state.file_hashes[rels[a]]) for a in have)
        previous = known.get(doc_id)
        if previous is not None and previous[0] == doc_key:
            figures = previous[1]
        else:
            loaded = {a: corpus.read(root / a / f"{doc_id}.json") for a in have}
            figures = {f"{left} vs {right}": compare(loaded[left], loaded[right])
                       for x, left in enumerate(have) for right in have[x + 1:]}
        kept[doc_id] = (doc_key, figures)
        results[doc_id] = figures
    state.keep_finished("agreement by document", "", kept)
    return results


#: Folder of the staging files inside the staging release (removed before the release is done).
STAGE = ".rows"
