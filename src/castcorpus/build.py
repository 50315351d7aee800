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
import hashlib
import json
import shutil
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from . import __version__
from .card import CardInput, SplitStats, render
from .charts import write_charts
from .card_baselines import write_card_section
from .corpus import Corpus, default_cache_dir
from .croissant import write_croissant
from .features import CONFIGS, OUTLET_SUFFIX, encode_labels, features
from .parquet import ConfigWriter
from .release import check_output_folder, copy_repository_files, replace_atomically, sha256sums, staging_folder
from .report import Issue, Report
from .rowcache import RowCache, registry_hash, row_key
from .splits import SplitCollector
from .stats import ReleaseCounter, Stats
from .uptodate import RECORD, inputs_digest, is_up_to_date, record
from .validate import validate
from .views import Registries, document_rows

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
    assignment = SplitCollector()  # splits need every document; the validator's pass reads them all
    report = validate(corpus_root, cache_dir=cache, on_document=assignment.add)
    # Findings about hydrated copies in the cache do not make the corpus invalid: those
    # documents are left out of the release, with the finding as the reason.
    cache_findings = [issue for issue in report.issues if Path(issue.file).is_relative_to(cache)]
    if len(cache_findings) < len(report.issues):
        raise BuildError(f"{corpus_root}: the corpus is invalid ({len(report.issues)} finding(s))", report)
    corpus = Corpus(corpus_root, cache_dir=cache)
    summary = BuildSummary(out_dir=out_dir, splits=assignment.splits())
    summary.issues.extend(cache_findings)
    staging = staging_folder(out_dir)
    try:
        with closing(_row_cache(row_cache, row_cache_dir or cache / "rows")) as rows_cache:
            _build_into(staging, corpus, summary, rows_cache, progress)
        copy_repository_files(repo, staging)
        for writer in [*EXTRA_WRITERS, *(extra_writers or [])]:
            writer(staging, summary)
        if digest:
            (staging / RECORD).write_text(record(digest, summary.essentials()), encoding="utf-8")
        summary.files = sha256sums(staging)
        replace_atomically(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return summary


def _row_cache(enabled: bool, folder: str | Path) -> RowCache:
    if not enabled:
        return RowCache(None)
    return RowCache(Path(folder))


def _build_into(staging: Path, corpus: Corpus, summary: BuildSummary, rows_cache: RowCache, progress: bool) -> None:
    reg = Registries(corpus.actors, corpus.outlets)
    registries = registry_hash(corpus.actors, corpus.outlets)
    writers: dict[str, ConfigWriter] = {}
    counter = ReleaseCounter()
    documents = annotated = 0
    try:
        with _cyclic_gc_paused():
            for record in tqdm(corpus.iter_documents(), total=len(summary.splits), disable=not progress,
                               desc="build", unit="doc"):
                if record.id not in summary.splits:
                    raise BuildError(f"documents/{record.id}.json appeared after validation: the corpus "
                                     "changed during the build; build again")
                if record.text is None:
                    reason = record.text_problem or "text not available (external and not hydrated)"
                    summary.left_out.append((record.id, reason))
                    continue
                rows, issues = _rows(record, reg, registries, rows_cache)
                summary.issues.extend(issues)
                documents += 1
                annotated += record.annotation is not None
                if documents % COLLECT_EVERY == 0:
                    gc.collect()  # whatever cyclic garbage the libraries left, now and then
                _write_rows(staging, writers, rows, summary.splits[record.id], counter)
        stats = _close(staging, writers, summary)
        summary.stats = counter.stats
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    summary.cache_hits, summary.cache_misses = rows_cache.hits, rows_cache.misses
    summary.fingerprint = _fingerprint(staging)
    card = CardInput(stats, summary.fingerprint, __version__, documents, annotated, len(summary.left_out))
    (staging / "README.md").write_text(render(card), encoding="utf-8", newline="\n")


#: Documents between explicit collections while the cyclic collector is paused.
COLLECT_EVERY = 5_000


@contextmanager
def _cyclic_gc_paused():
    """Pause the cyclic garbage collector while documents stream through.

    Rows are plain dicts and lists without reference cycles (reference counting frees them),
    but each automatic collection re-scans every row buffered in the split writers: on
    synthetic corpora that cost 10 to 15% of a build's CPU time. The loop collects explicitly
    every :data:`COLLECT_EVERY` documents, so that cyclic garbage of the libraries it calls
    cannot pile up.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rows(record, reg: Registries, registries: str, rows_cache: RowCache):
    if record.annotation is None:  # a raw row is cheap: caching it would only copy the text
        return document_rows(record.meta, None, record.text, reg, "")
    file = f"annotations/{record.id}.json"
    if not rows_cache.enabled:
        return document_rows(record.meta, record.annotation, record.text, reg, file)
    key = row_key(record.meta, record.annotation, record.text, registries)
    cached = rows_cache.get(key)
    if cached is not None:
        return cached
    rows, issues = document_rows(record.meta, record.annotation, record.text, reg, file)
    rows_cache.put(key, rows, issues)
    return rows, issues


def _write_rows(staging: Path, writers: dict, rows: dict[str, list[dict]], splits: tuple[str, str],
                counter: ReleaseCounter) -> None:
    split, by_outlet = splits
    for base in CONFIGS:
        for row in rows.get(base, []):
            if base in ("documents", "raw"):
                row = {**row, "split": split, "outlet_split": by_outlet}
                counter.add(base, row)
            writer = writers.get(base)
            if writer is None:
                folders = (staging / "data" / base, staging / "data" / (base + OUTLET_SUFFIX))
                writer = writers[base] = ConfigWriter(folders, features(base))
            writer.add(encode_labels(base, row), splits)


def _close(staging: Path, writers: dict, summary: BuildSummary) -> dict[str, dict[str, SplitStats]]:
    stats: dict[str, dict[str, SplitStats]] = {}
    for config_writer in writers.values():
        config_writer.flush()
    split_writers = {key: w for config_writer in writers.values() for key, w in config_writer.writers.items()}
    for (config, split), writer in sorted(split_writers.items()):
        paths = writer.close()
        if not writer.num_rows:
            continue
        stats.setdefault(config, {})[split] = SplitStats(
            writer.num_rows, writer.num_bytes, sum(p.stat().st_size for p in paths),
            f"data/{config}/{split}-*.parquet")
        summary.rows.setdefault(config, {})[split] = writer.num_rows
    return stats


def _fingerprint(staging: Path) -> str:
    """SHA-256 over the Parquet files' relative paths and bytes, in path order."""
    digest = hashlib.sha256()
    for path in sorted((staging / "data").rglob("*.parquet")):
        digest.update(path.relative_to(staging).as_posix().encode() + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
