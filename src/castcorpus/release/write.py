"""The build's second phase: the staged rows of every config into its Parquet splits.

Once the pass (:mod:`castcorpus.release.derive`) has assigned every document its split, each config's
staged Arrow batches are read back in pass order, given their split columns and routed to
the split writers of both schemes (:class:`castcorpus.release.parquet.ConfigWriter`). The unit of
writing is a *shard group* (:func:`castcorpus.release.incremental.shard_groups`: whole chunks, about
2,000 documents): each split of a config is written as the shards of its groups, in group order,
then numbered across the split. With a build state, a group whose rows are those the previous
build wrote is not written again: its shards are linked from the previous release (under their
new names when a split's shard count changed). Each config, scheme and group is an independent
task, so with ``jobs > 1`` they run in that many threads: pyarrow releases the GIL while it
filters, encodes and compresses, which is most of this phase. A failing task stops the others
at their next batch. Every shard is hashed here, once (the fingerprint, Croissant and SHA256SUMS
reuse the hashes); the card's statistics of every split and the ``raw`` and ``documents`` counts
of the charts are taken per group from the rows as they pass, and merged.
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
import pyarrow as pa

from castcorpus.splits.assign import SPLITS
from .card import SplitStats
from .card_statistics import SplitCounter, merge_entries
from .derive import PassResult
from .features import OUTLET_SUFFIX, arrow_schema
from .folder import file_sha256
from .incremental import BuildState, Group, GroupMemo, ShardMemo, shard_groups
from .parquet import ConfigWriter, rows_per_group, shard_name
from .stage import ROWS_PER_BATCH, staged_batches
from .stats import ReleaseCounter, Stats


@dataclass
class Written:
    """What the phase wrote: rows and card statistics per config and split, shard hashes,
    and the counts of the ``raw`` and ``documents`` rows."""

    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    splits: dict[str, dict[str, SplitStats]] = field(default_factory=dict)
    file_hashes: dict[str, str] = field(default_factory=dict)  # release-relative path -> SHA-256
    stats: Stats = field(default_factory=Stats)
    card: dict[str, dict[str, dict]] = field(default_factory=dict)  # config -> split -> card statistics
    folders_written: int = 0  # config folders with a group written (the others were linked from the previous release)
    shards_written: int = 0  # shard files written (the others were linked)


def write_configs(staging: Path, result: PassResult, splits: dict[str, tuple[str, str]], jobs: int = 1,
                  state: BuildState | None = None, previous: Path | None = None) -> Written:
    """Write every staged config of ``result`` under ``staging/data``; what was written.

    ``splits`` gives each document's ``(split, outlet_split)``. With a build ``state``, a shard
    group whose rows are those the previous build wrote is not written again: its shards are
    linked from the release at ``previous`` (when they still have their recorded SHA-256). On
    failure every writer is closed and the exception raised (the caller removes the staging folder)."""
    codes = split_codes(result.positions, splits)
    groups = shard_groups(result.chunk_starts, result.positions)
    entries = _group_entries(result, groups)
    # One task per config, scheme and group, the largest configs first, so that threads stay busy.
    tasks = [(base, scheme, index) for base in sorted(result.staged, key=_size_rank) for scheme in (0, 1)
             for index in range(len(groups))]
    keys = _group_keys(result, codes, groups, state.code) if state is not None else {}
    writers: dict[tuple[str, int, int], ConfigWriter] = {}

    stop = threading.Event()  # set on failure: running tasks stop at their next batch
    failures: list[BaseException] = []

    def run(task):
        try:
            memo = state.group(keys[task]) if state is not None else None
            if memo is not None and previous is not None and _intact(memo, previous, state):
                return memo, False
            base, scheme, index = task
            writer = writers[task] = ConfigWriter(_folders(staging, base, scheme), arrow_schema(base),
                                                  rows_per_group(base), prefix=f"g{index:05d}-",
                                                  counter_type=SplitCounter)
            counter = ReleaseCounter() if scheme == 0 else None
            shards = _write_one(base, entries[base][index], codes, writer, counter, stop)
            return _outcome(staging, writer, shards, keys.get(task, ""), counter.stats if counter else None), True
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
        for writer in list(writers.values()):
            writer.abort()
        if isinstance(err, _Stopped) and failures:
            raise failures[0] from None  # the failure itself, not a task it stopped
        raise
    if pool:
        pool.shutdown()
    return _assemble(staging, previous, sorted(zip(tasks, outcomes), key=lambda pair: pair[0]), state)


def _group_entries(result: PassResult, groups: list[Group]) -> dict[str, list[list[tuple[Path, int]]]]:
    """Each config's staged files (with their first position), per group."""
    entries: dict[str, list[list[tuple[Path, int]]]] = {}
    for base, staged in result.staged.items():
        entries[base] = [[entry for entry in staged if entry[1] in group.positions] for group in groups]
    return entries


def _group_keys(result: PassResult, codes, groups: list[Group], code: str) -> dict[tuple[str, int, int], str]:
    """Key of each config's rows in each group: the group's first document, the hash of each of
    its chunks' staging file of the config, in order, and every document's split under both
    schemes (both fill columns of either folder)."""
    keys = {}
    for index, group in enumerate(groups):
        first = result.positions[group.positions.start] if len(group.positions) else ""
        splits = b"".join(np.ascontiguousarray(scheme[group.positions.start:group.positions.stop], dtype=np.uint8)
                          .tobytes() for scheme in codes)
        for base in result.staged:
            digest = hashlib.sha256(f"{code}\0{base}\0{first}\0".encode())
            digest.update("\0".join(result.chunk_hashes[c].get(base, "-") for c in group.chunks).encode())
            digest.update(b"\0" + splits)
            for scheme in (0, 1):
                keys[(base, scheme, index)] = hashlib.sha256(f"{digest.hexdigest()}\0{scheme}".encode()).hexdigest()
    return keys


def _intact(memo: GroupMemo, previous: Path, state: BuildState) -> bool:
    """Whether every shard of a previous group is still in the previous release, unchanged."""
    return all(state.intact(previous, shard.rel, shard.sha256) for shards in memo.shards.values() for shard in shards)


def _assemble(staging: Path, previous: Path | None, outcomes, state: BuildState | None) -> Written:
    """Name every split's shards across its groups (renaming those written, linking the others
    from ``previous``) and gather what was written; ``outcomes``: ``((base, scheme, group),
    (memo, written))`` in task order."""
    by_split: dict[tuple[str, str], list[tuple[ShardMemo, bool]]] = {}
    for _, (memo, wrote) in outcomes:
        for key in sorted(memo.shards):
            by_split.setdefault(key, []).extend((shard, wrote) for shard in memo.shards[key])
    renamed: dict[tuple[str, str, str], str] = {}  # (folder, split, old rel) -> new rel
    written = Written()
    for (config, split), shards in sorted(by_split.items()):
        for number, (shard, wrote) in enumerate(shards):
            rel = f"data/{config}/{shard_name(split, number, len(shards))}"
            _place(staging / shard.rel if wrote else previous / shard.rel, staging / rel, wrote)
            renamed[(config, split, shard.rel)] = rel
            written.file_hashes[rel] = shard.sha256
        written.shards_written += sum(wrote for _, wrote in shards)
        written.rows.setdefault(config, {})[split] = sum(shard.num_rows for shard, _ in shards)
        written.splits.setdefault(config, {})[split] = SplitStats(
            written.rows[config][split], sum(shard.num_bytes for shard, _ in shards),
            sum(shard.size for shard, _ in shards), f"data/{config}/{split}-*.parquet")
    folders, cards = set(), {}
    for (base, scheme, _), (memo, wrote) in outcomes:
        if wrote:
            folders.add((base, scheme))
        for key, entry in memo.card.items():
            cards.setdefault(key, []).append(entry)
        if memo.stats is not None:
            written.stats.merge(memo.stats)
        if state is not None:
            state.keep_group(GroupMemo(memo.key, {key: [ShardMemo(renamed[(*key, s.rel)], s.sha256, s.size, s.num_rows,
                                                                  s.num_bytes) for s in shards]
                                                  for key, shards in memo.shards.items()}, memo.card, memo.stats))
    written.folders_written = len(folders)
    for (config, split), entries in sorted(cards.items()):
        written.card.setdefault(config, {})[split] = merge_entries(entries)
    return written


def _place(source: Path, target: Path, written: bool) -> None:
    """Put a shard at its final name: a shard written here is renamed; one of the previous
    release is hard-linked (or copied, on a file system without links)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if written:
        os.rename(source, target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


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


def _write_one(base: str, entries: list[tuple[Path, int]], codes, writer: ConfigWriter,
               counter: ReleaseCounter | None, stop: threading.Event):
    """Route one group's staged rows of one config and close its split writers; each split's
    shards as ``(part file, rows, bytes)``, by ``(config folder, split)``. With a ``counter``,
    count the rows too."""
    standard, by_outlet = codes
    for table, positions in _joined(_group_batches(entries, stop)):
        rows = writer.add_table(table, (standard[positions], by_outlet[positions]))
        if counter is not None:
            counter.add_table(base, rows)
    return {key: split_writer.close() for key, split_writer in writer.writers.items()}


def _group_batches(entries: list[tuple[Path, int]], stop: threading.Event):
    """The staged batches of a group's chunks, in order, with their positions in the pass."""
    for path, first in entries:
        for table, positions in staged_batches(path):
            if stop.is_set():
                raise _Stopped("stopped: another config failed")
            yield table, positions + first


def _joined(batches, rows: int = ROWS_PER_BATCH):
    """The batches put together, without copying, until each holds at least ``rows`` rows
    (the last may hold fewer): each chunk of an incremental build is staged in files of its
    own, so its last batch of a config is short (a chunk of 256 documents stages 256
    ``documents`` rows), and routing and writing cost per batch as well as per row."""
    tables, positions, held = [], [], 0
    for table, where in batches:
        tables.append(table)
        positions.append(where)
        held += table.num_rows
        if held >= rows:
            yield _together(tables, positions)
            tables, positions, held = [], [], 0
    if tables:
        yield _together(tables, positions)


def _together(tables: list[pa.Table], positions: list[np.ndarray]) -> tuple[pa.Table, np.ndarray]:
    if len(tables) == 1:
        return tables[0], positions[0]
    return pa.concat_tables(tables), np.concatenate(positions)


def _outcome(staging: Path, writer: ConfigWriter, shards, key: str, stats: Stats | None) -> GroupMemo:
    """What writing one group of one config folder produced (shards under their part names)."""
    kept, card = {}, {}
    for (config, split), split_writer in sorted(writer.writers.items()):
        if not split_writer.num_rows:
            continue
        kept[(config, split)] = [ShardMemo(path.relative_to(staging).as_posix(), file_sha256(path), path.stat().st_size,
                                           rows, size) for path, rows, size in shards[(config, split)]]
        card[(config, split)] = split_writer.counter.entry()
    return GroupMemo(key, kept, card, stats)
