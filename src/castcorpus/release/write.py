"""The build's second phase: the staged rows of every config into its Parquet splits.

Once the pass (:mod:`castcorpus.release.derive`) has assigned every document its split, each config's
staged Arrow batches are read back in pass order, given their split columns and routed to
the split writers of both schemes (:class:`castcorpus.release.parquet.ConfigWriter`). Each config
and scheme is an independent task, so with ``jobs > 1`` they run in that many threads:
pyarrow releases the GIL while it filters, encodes and compresses, which is most of this
phase. A failing task stops the others at their next batch. Every shard
is hashed here, once (the fingerprint, Croissant and SHA256SUMS reuse the hashes); the
``raw`` and ``documents`` rows are counted for the charts as they pass.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from castcorpus.splits.assign import SPLITS
from .card import SplitStats
from .derive import PassResult
from .features import OUTLET_SUFFIX, features
from .folder import file_sha256
from .parquet import ConfigWriter
from .stage import staged_batches
from .stats import ReleaseCounter, Stats


@dataclass
class Written:
    """What the phase wrote: rows and card statistics per config and split, shard hashes,
    and the counts of the ``raw`` and ``documents`` rows."""

    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    splits: dict[str, dict[str, SplitStats]] = field(default_factory=dict)
    file_hashes: dict[str, str] = field(default_factory=dict)  # release-relative path -> SHA-256
    stats: Stats = field(default_factory=Stats)


def write_configs(staging: Path, result: PassResult, splits: dict[str, tuple[str, str]], jobs: int = 1) -> Written:
    """Write every staged config of ``result`` under ``staging/data``; what was written.

    ``splits`` gives each document's ``(split, outlet_split)``. On failure every writer is
    closed and the exception raised (the caller removes the staging folder)."""
    codes = split_codes(result.positions, splits)
    # One task per config and scheme, the largest configs first, so that threads stay busy.
    tasks = [(base, scheme) for base in sorted(result.staged, key=_size_rank) for scheme in (0, 1)]
    writers = {task: ConfigWriter(_folders(staging, *task), features(task[0])) for task in tasks}
    counters = {task: ReleaseCounter() for task in tasks}

    stop = threading.Event()  # set on failure: running tasks stop at their next batch
    failures: list[BaseException] = []

    def run(task):
        try:
            return _write_one(task[0], result, codes, writers[task], counters[task], task[1] == 0, stop)
        except _Stopped:
            raise
        except BaseException as err:
            failures.append(err)
            stop.set()  # at once: the main thread hears of it only when it reaches this task
            raise

    pool = ThreadPoolExecutor(max_workers=jobs) if jobs > 1 else None
    try:
        shards = list(pool.map(run, tasks)) if pool else [run(task) for task in tasks]
    except BaseException as err:
        stop.set()
        if pool:
            pool.shutdown(wait=True, cancel_futures=True)  # no writer is aborted while in use
        for writer in writers.values():
            writer.abort()
        if isinstance(err, _Stopped) and failures:
            raise failures[0] from None  # the failure itself, not a task it stopped
        raise
    if pool:
        pool.shutdown()
    written = Written()
    for task, task_shards in sorted(zip(tasks, shards)):
        _record(staging, writers[task], task_shards, written)
        written.stats.merge(counters[task].stats)
    return written


class _Stopped(Exception):
    """A task stopped because another one failed."""


#: Configs by the size of their rows (largest first), the order their tasks are started in.
_LARGEST_FIRST = ("actor_ner", "claim_spans", "documents", "sentences", "checkworthiness", "claims", "attribution",
                  "stances", "raw", "credibility")


def _size_rank(config: str) -> int:
    return _LARGEST_FIRST.index(config) if config in _LARGEST_FIRST else len(_LARGEST_FIRST)


def split_codes(positions: list[str], splits: dict[str, tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Each staged document's split in both schemes, as indices into SPLITS, by position."""
    index = {name: code for code, name in enumerate(SPLITS)}
    standard = np.array([index[splits[doc_id][0]] for doc_id in positions], dtype=np.uint8)
    by_outlet = np.array([index[splits[doc_id][1]] for doc_id in positions], dtype=np.uint8)
    return standard, by_outlet


def _folders(staging: Path, base: str, scheme: int) -> tuple[Path | None, Path | None]:
    """The folder of ``base`` under one scheme (0: by document group, 1: by outlet)."""
    folders = (staging / "data" / base, staging / "data" / (base + OUTLET_SUFFIX))
    return (folders[0], None) if scheme == 0 else (None, folders[1])


def _write_one(base: str, result: PassResult, codes, writer: ConfigWriter, counter: ReleaseCounter,
               count: bool, stop: threading.Event) -> dict[tuple[str, str], list[tuple[Path, str]]]:
    """Route one config's staged rows and close its split writers; each split's shards with
    their SHA-256, by ``(config folder, split)``. ``count``: count the rows too."""
    standard, by_outlet = codes
    for path, first in result.staged[base]:
        for table, positions in staged_batches(path):
            if stop.is_set():
                raise _Stopped("stopped: another config failed")
            positions = positions + first
            rows = writer.add_table(table, (standard[positions], by_outlet[positions]))
            if count:
                counter.add_table(base, rows)
    return {key: [(shard, file_sha256(shard)) for shard in split_writer.close()]
            for key, split_writer in writer.writers.items()}


def _record(staging: Path, writer: ConfigWriter, shards: dict[tuple[str, str], list[tuple[Path, str]]],
            written: Written) -> None:
    for (config, split), split_writer in sorted(writer.writers.items()):
        if not split_writer.num_rows:
            continue
        for path, digest in shards[(config, split)]:
            written.file_hashes[path.relative_to(staging).as_posix()] = digest
        written.splits.setdefault(config, {})[split] = SplitStats(
            split_writer.num_rows, split_writer.num_bytes, sum(path.stat().st_size for path, _ in shards[(config, split)]),
            f"data/{config}/{split}-*.parquet")
        written.rows.setdefault(config, {})[split] = split_writer.num_rows
