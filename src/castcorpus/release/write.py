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

import hashlib
import os
import shutil
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
from .incremental import BuildState, TaskMemo
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
    folders_written: int = 0  # config folders written (the others were linked from the previous release)


def write_configs(staging: Path, result: PassResult, splits: dict[str, tuple[str, str]], jobs: int = 1,
                  state: BuildState | None = None, previous: Path | None = None) -> Written:
    """Write every staged config of ``result`` under ``staging/data``; what was written.

    ``splits`` gives each document's ``(split, outlet_split)``. With a build ``state``, a config
    folder whose rows are those the previous build wrote is not written again: its shards are
    linked from the release at ``previous`` (after their SHA-256 is checked). On failure every
    writer is closed and the exception raised (the caller removes the staging folder)."""
    codes = split_codes(result.positions, splits)
    # One task per config and scheme, the largest configs first, so that threads stay busy.
    tasks = [(base, scheme) for base in sorted(result.staged, key=_size_rank) for scheme in (0, 1)]
    keys = _task_keys(result, codes, state) if state is not None else {}
    writers = {task: ConfigWriter(_folders(staging, *task), features(task[0])) for task in tasks}
    counters = {task: ReleaseCounter() for task in tasks}

    stop = threading.Event()  # set on failure: running tasks stop at their next batch
    failures: list[BaseException] = []
    written_tasks: list = []

    def run(task):
        try:
            memo = state.task(task, keys[task]) if state is not None else None
            if memo is not None and previous is not None and _linked(memo, previous, staging):
                return memo
            written_tasks.append(task)
            shards = _write_one(task[0], result, codes, writers[task], counters[task], task[1] == 0, stop)
            return _outcome(staging, writers[task], shards, keys.get(task, ""), counters[task].stats if task[1] == 0 else None)
        except _Stopped:
            raise
        except BaseException as err:
            failures.append(err)
            stop.set()  # at once: the main thread hears of it only when it reaches this task
            raise

    pool = ThreadPoolExecutor(max_workers=jobs) if jobs > 1 else None
    try:
        outcomes = list(pool.map(run, tasks)) if pool else [run(task) for task in tasks]
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
    written = Written(folders_written=len(written_tasks))
    for task, outcome in sorted(zip(tasks, outcomes), key=lambda pair: pair[0]):
        _record(outcome, written)
        if outcome.stats is not None:
            written.stats.merge(outcome.stats)
        if state is not None:
            state.keep_task(task, outcome)
    return written


def _task_keys(result: PassResult, codes, state: BuildState) -> dict[tuple[str, int], str]:
    """Key of each config folder's rows: the hash of every chunk's staging file of the config,
    in pass order, and every document's split under both schemes (both fill columns of
    either folder)."""
    splits = b"".join(np.ascontiguousarray(scheme, dtype=np.uint8).tobytes() for scheme in codes)
    keys = {}
    for base in result.staged:
        digest = hashlib.sha256(f"{state.code}\0{base}\0".encode())
        digest.update("\0".join(hashes.get(base, "-") for hashes in result.chunk_hashes).encode())
        digest.update(b"\0" + splits)
        for scheme in (0, 1):
            keys[(base, scheme)] = hashlib.sha256(f"{digest.hexdigest()}\0{scheme}".encode()).hexdigest()
    return keys


def _linked(memo: TaskMemo, previous: Path, staging: Path) -> bool:
    """Link (or copy) a config folder's shards from the previous release into ``staging``,
    when every one is there with its recorded SHA-256; whether it was done."""
    files = [rel for shards in memo.shards.values() for rel, _ in shards]
    expected = {rel: digest for shards in memo.shards.values() for rel, digest in shards}
    for rel in files:
        source = previous / rel
        if not source.is_file() or file_sha256(source) != expected[rel]:
            return False
    for rel in files:
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(previous / rel, target)
        except OSError:
            shutil.copyfile(previous / rel, target)
    return True


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


def _outcome(staging: Path, writer: ConfigWriter, shards: dict[tuple[str, str], list[tuple[Path, str]]], key: str,
             stats: Stats | None) -> TaskMemo:
    """What writing one config folder produced, as the build state records it."""
    kept, split_stats = {}, {}
    for (config, split), split_writer in sorted(writer.writers.items()):
        if not split_writer.num_rows:
            continue
        paths = shards[(config, split)]
        kept[(config, split)] = [(path.relative_to(staging).as_posix(), digest) for path, digest in paths]
        split_stats[(config, split)] = SplitStats(split_writer.num_rows, split_writer.num_bytes,
                                                  sum(path.stat().st_size for path, _ in paths),
                                                  f"data/{config}/{split}-*.parquet")
    return TaskMemo(key, kept, split_stats, stats)


def _record(outcome: TaskMemo, written: Written) -> None:
    for (config, split), split_stats in sorted(outcome.split_stats.items()):
        for rel, digest in outcome.shards[(config, split)]:
            written.file_hashes[rel] = digest
        written.splits.setdefault(config, {})[split] = split_stats
        written.rows.setdefault(config, {})[split] = split_stats.num_rows
