"""``build_release``: validate the corpus and write a self-contained release folder.

The release (by default ``dist/cast-syria/``) holds the dataset card ``README.md``,
``data/<config>/<split>-NNNNN-of-NNNNN.parquet``, the licenses, ``DATASHEET.md`` and
``CITATION.cff`` when the repository has them, whatever the extra writers add (Croissant,
charts) and ``SHA256SUMS``. Documents are streamed: rows go to Parquet in row groups as they
are derived. Everything is written into a staging folder beside the target, which replaces
the previous release only when the build has succeeded.
"""

from __future__ import annotations

import gc
import json
import shutil
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from tqdm import tqdm

from . import __version__
from .card import CardInput, SplitStats, render
from .charts import write_charts
from .card_baselines import write_card_section
from .corpus import default_cache_dir
from .croissant import write_croissant
from .derive import PassDeriver
from .features import OUTLET_SUFFIX, features
from .parquet import ConfigWriter
from .release import (check_output_folder, copy_repository_files, data_fingerprint, file_sha256, replace_atomically,
                      sha256sums, staging_folder)
from .report import Issue, Report
from .rowcache import RowCache
from .splits import SPLITS
from .stats import Stats
from .uptodate import RECORD, inputs_digest, is_up_to_date, record
from .validate import validate

#: Writers of extra release files (e.g. croissant.json, charts), called as
#: ``writer(staging_folder, summary)`` after the data and card are written and before
#: SHA256SUMS, so that their files are checksummed too. Append to add one.
EXTRA_WRITERS: list[Callable[[Path, "BuildSummary"], None]] = [write_croissant, write_charts, write_card_section]


class BuildError(Exception):
    """The corpus cannot be built; ``report`` holds the validation findings (if any)."""

    def __init__(self, message: str, report: Report | None = None):
        super().__init__(message)
        self.report = report


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

    def essentials(self) -> dict:
        """What an up-to-date check needs to report the release again without rebuilding it."""
        return {"rows": self.rows, "left_out": [list(x) for x in self.left_out],
                "issues": [[i.file, i.pointer, i.code, i.message] for i in self.issues],
                "fingerprint": self.fingerprint}

    @classmethod
    def from_essentials(cls, out_dir: Path, data: dict) -> "BuildSummary":
        return cls(out_dir=out_dir, rows=data["rows"], left_out=[tuple(x) for x in data["left_out"]],
                   issues=[Issue(*x) for x in data["issues"]], fingerprint=data["fingerprint"], up_to_date=True)


def build_release(corpus_root: str | Path = "corpus", out_dir: str | Path = "dist/cast-syria", *,
                  cache_dir: str | Path | None = None, progress: bool = False,
                  repo_root: str | Path | None = None, row_cache: bool = False,
                  row_cache_dir: str | Path | None = None,
                  extra_writers: list[Callable[[Path, BuildSummary], None]] | None = None,
                  force: bool = False) -> BuildSummary:
    """Validate ``corpus_root`` and build the release into ``out_dir``; return its summary.

    ``cache_dir`` is where hydrated external texts are (as for ``validate``; default
    :func:`castcorpus.corpus.default_cache_dir`). With ``row_cache=True``, derived rows are
    cached in ``row_cache_dir`` (default ``<cache_dir>/rows``); off by default, because reading
    an entry back costs nearly as much as deriving the rows again (docs/benchmarks.md). A
    rebuild with nothing changed needs no cache: it is skipped by the inputs' digest.
    ``repo_root`` holds LICENSE, licenses/, DATASHEET.md and CITATION.cff (default: the
    corpus's parent).
    Raises :class:`BuildError` when the corpus is invalid; the previous release is then untouched.
    """
    corpus_root, out_dir = Path(corpus_root), Path(out_dir)
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    repo = Path(repo_root) if repo_root else corpus_root.resolve().parent
    check_output_folder(out_dir, corpus_root, repo)
    # Custom writers are not part of the inputs' digest: a build with them always runs.
    digest = None if extra_writers else inputs_digest(corpus_root, cache, repo)
    if digest and not force and out_dir.is_dir() and is_up_to_date(out_dir, digest):
        return BuildSummary.from_essentials(out_dir, json.loads((out_dir / RECORD).read_text(encoding="utf-8"))["summary"])
    staging = staging_folder(out_dir)
    try:
        with closing(_row_cache(row_cache, row_cache_dir or cache / "rows")) as rows_cache:
            summary = _build_into(staging, corpus_root, cache, rows_cache, progress, out_dir)
        copy_repository_files(repo, staging)
        for writer in [*EXTRA_WRITERS, *(extra_writers or [])]:
            writer(staging, summary)
        if digest:
            (staging / RECORD).write_text(record(digest, summary.essentials()), encoding="utf-8")
        summary.files = sha256sums(staging, summary.file_hashes)
        replace_atomically(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return summary


def _row_cache(enabled: bool, folder: str | Path) -> RowCache:
    if not enabled:
        return RowCache(None)
    return RowCache(Path(folder))


def _build_into(staging: Path, corpus_root: Path, cache: Path, rows_cache: RowCache, progress: bool,
                out_dir: Path) -> BuildSummary:
    """Validate and derive in one pass, then write the staged rows by split; the summary."""
    total = sum(1 for _ in (corpus_root / "documents").glob("*.json"))
    with tqdm(total=total, disable=not progress, desc="build", unit="doc") as bar:
        deriver = PassDeriver(corpus_root, cache, staging / STAGE, rows_cache, bar)
        try:
            with _cyclic_gc_paused():
                report = validate(corpus_root, cache_dir=cache, on_document=deriver)
        except BaseException:
            deriver.discard()
            raise
    cache_findings = [issue for issue in report.issues if deriver.cache_finding(issue)]
    if len(cache_findings) < len(report.issues):
        deriver.discard()
        raise BuildError(f"{corpus_root}: the corpus is invalid ({len(report.issues)} finding(s))", report)
    summary = BuildSummary(out_dir=out_dir, splits=deriver.collector.splits())
    summary.issues.extend(cache_findings + deriver.issues)
    summary.left_out = deriver.left_out(cache_findings)
    try:
        stats = _write_configs(staging, deriver, summary)
    finally:
        deriver.discard()
        shutil.rmtree(staging / STAGE, ignore_errors=True)
    summary.stats = deriver.counter.stats
    summary.cache_hits, summary.cache_misses = rows_cache.hits, rows_cache.misses
    summary.fingerprint = data_fingerprint(summary.file_hashes)
    documents = len(deriver.positions)
    card = CardInput(stats, summary.fingerprint, __version__, documents, deriver.annotated, len(summary.left_out))
    (staging / "README.md").write_text(render(card), encoding="utf-8", newline="\n")
    return summary


#: Folder of the staging files inside the staging release (removed before the release is done).
STAGE = ".rows"


@contextmanager
def _cyclic_gc_paused():
    """Pause the cyclic garbage collector while documents stream through.

    Rows are plain dicts and lists without reference cycles (reference counting frees them),
    but each automatic collection re-scans every row buffered for staging: on synthetic
    corpora that cost 10 to 15% of a build's CPU time. The deriver collects explicitly every
    few thousand documents, so that cyclic garbage of the libraries it calls cannot pile up.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _split_codes(deriver: PassDeriver, splits: dict[str, tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Each staged document's split in both schemes, as indices into SPLITS, by position."""
    index = {name: code for code, name in enumerate(SPLITS)}
    standard = np.array([index[splits[doc_id][0]] for doc_id in deriver.positions], dtype=np.uint8)
    by_outlet = np.array([index[splits[doc_id][1]] for doc_id in deriver.positions], dtype=np.uint8)
    return standard, by_outlet


def _write_configs(staging: Path, deriver: PassDeriver, summary: BuildSummary) -> dict[str, dict[str, SplitStats]]:
    """Route the staged rows of every config to its Parquet splits; the card's split stats."""
    standard, by_outlet = _split_codes(deriver, summary.splits)
    writers: dict[str, ConfigWriter] = {}
    try:
        for base, staged in deriver.staged.items():
            folders = (staging / "data" / base, staging / "data" / (base + OUTLET_SUFFIX))
            writer = writers[base] = ConfigWriter(folders, features(base))
            for table, positions in staged.batches():
                codes = (standard[positions], by_outlet[positions])
                written = writer.add_table(table, codes)
                if base == "raw":
                    deriver.counter.add_table(base, written)
            staged.discard()
        return _close(staging, writers, summary)
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise


def _close(staging: Path, writers: dict, summary: BuildSummary) -> dict[str, dict[str, SplitStats]]:
    """Close every split writer; record rows per split and each shard's SHA-256 (hashed once,
    here: the fingerprint, Croissant and SHA256SUMS reuse it)."""
    stats: dict[str, dict[str, SplitStats]] = {}
    split_writers = {key: w for config_writer in writers.values() for key, w in config_writer.writers.items()}
    for (config, split), writer in sorted(split_writers.items()):
        paths = writer.close()
        if not writer.num_rows:
            continue
        for path in paths:
            summary.file_hashes[path.relative_to(staging).as_posix()] = file_sha256(path)
        stats.setdefault(config, {})[split] = SplitStats(
            writer.num_rows, writer.num_bytes, sum(p.stat().st_size for p in paths),
            f"data/{config}/{split}-*.parquet")
        summary.rows.setdefault(config, {})[split] = writer.num_rows
    return stats
