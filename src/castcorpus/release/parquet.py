"""Writing config splits as Parquet shards, incrementally, in row groups.

A :class:`ConfigWriter` takes the staged Arrow batches of one config (:mod:`castcorpus.release.stage`)
for both split schemes (the config and its ``_by_outlet`` twin): it fills the split columns,
and routes the rows of each split (as slices of a batch where a split's rows come in long runs,
else by one take that puts them in split order) to that split's :class:`SplitWriter`, which writes row groups of a
fixed size with :class:`pyarrow.parquet.ParquetWriter`. Rows reach this module as Arrow,
converted once for both schemes. A writer writes one shard group's rows
(:mod:`castcorpus.release.write`); its shards are named at the end
(``train-00000-of-00002.parquet``), when the count of the whole split is known; nothing is
written for a split that never receives a row. Each split writer can hand its rows to a
counter as they pass (the card's statistics), a row group at a time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from castcorpus.splits.assign import SPLITS
from .card_statistics import TOKENS_COLUMN

#: Rows per row group and per shard. Small row groups keep memory flat while streaming.
ROWS_PER_GROUP = 2_000
ROWS_PER_SHARD = 200_000
#: The configs with a row per document carry its whole text (and ``documents`` its annotations):
#: their row groups stay at :data:`ROWS_PER_GROUP`. The others have a row per sentence, claim
#: or stance, a few hundred bytes: row groups ten times as long cost a fifth less to write
#: (each group's column chunks have their own pages, statistics and compressor) and make
#: smaller files (docs/benchmarks.md, session 6).
WHOLE_DOCUMENT_CONFIGS = ("documents", "raw", "credibility")
ROWS_PER_SMALL_ROW_GROUP = 20_000


def leaf_columns(schema: pa.Schema) -> list[tuple[str, pa.DataType, bool]]:
    """``(Parquet column path, type, inside a list)`` of every leaf column of ``schema``, in
    the writer's order; paths as Parquet spells them (``claims.list.element.span.start``)."""
    leaves: list[tuple[str, pa.DataType, bool]] = []

    def walk(path: str, typ: pa.DataType, in_list: bool) -> None:
        if pa.types.is_struct(typ):
            for child in typ:
                walk(f"{path}.{child.name}", child.type, in_list)
        elif pa.types.is_list(typ) or pa.types.is_large_list(typ):
            walk(f"{path}.list.element", typ.value_type, True)
        else:
            leaves.append((path, typ, in_list))

    for field in schema:
        walk(field.name, field.type, False)
    return leaves


@lru_cache(maxsize=None)
def writer_options(schema: pa.Schema) -> dict:
    """The :class:`pyarrow.parquet.ParquetWriter` options for a config's ``schema``.

    Offsets and indices (``int32`` columns: ``start``, ``end``, ``token_starts``,
    ``sentence_index``...) grow along a file, so they are delta-encoded rather than put in a
    dictionary; the ClassLabel ids (``int64``, a few distinct values) and the strings keep
    dictionary encoding. Statistics (min and max) are written for the columns outside lists
    only: a reader can skip row groups by ``doc_id`` or ``start``, while min and max over a
    list's elements say nothing useful. Together, a tenth less CPU time writing and files 6%
    smaller at 20,000 documents (docs/benchmarks.md, session 8)."""
    leaves = leaf_columns(schema)
    delta = {path: "DELTA_BINARY_PACKED" for path, typ, _ in leaves if pa.types.is_int32(typ)}
    return {"compression": "zstd",
            "use_dictionary": [path for path, _, _ in leaves if path not in delta],
            "column_encoding": delta or None,
            "write_statistics": [path for path, _, in_list in leaves if not in_list]}


def rows_per_group(config: str) -> int:
    """Rows per row group in the Parquet files of base config ``config``."""
    return ROWS_PER_GROUP if config in WHOLE_DOCUMENT_CONFIGS else ROWS_PER_SMALL_ROW_GROUP


class SplitWriter:
    """Writes the rows of one split of one config into ``folder``, from Arrow tables."""

    def __init__(self, folder: Path, split: str, schema: pa.Schema,
                 rows_per_group: int = ROWS_PER_GROUP, rows_per_shard: int = ROWS_PER_SHARD,
                 prefix: str = "", counter=None):
        self.folder, self.split, self.schema = folder, split, schema
        self.prefix, self.counter = prefix, counter
        self.rows_per_group, self.rows_per_shard = rows_per_group, rows_per_shard
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        self.parts: list[Path] = []
        self.footers: list[pq.FileMetaData] = []  # of each shard closed, in order
        self.writer: pq.ParquetWriter | None = None
        self.shard_rows = 0
        self.num_rows = 0
        # Uncompressed size of the column data, from the files' footers: unlike the Arrow
        # tables' nbytes, it does not depend on how the rows were batched on their way here
        # (validity bitmaps come and go with the batches), so a release is the same bytes
        # whatever the number of build processes.
        self.num_bytes = 0

    def add_table(self, table: pa.Table) -> None:
        """Queue rows (ClassLabel columns already as ids); full row groups are written. The
        staged rows' token counts (card_statistics.TOKENS_COLUMN) go to the counter, not to the file."""
        self.pending.append(table)
        self.pending_rows += table.num_rows
        while self.pending_rows >= self.rows_per_group:
            self._write_group(self.rows_per_group)
        if len(self.pending) > MAX_PENDING_PIECES:
            self.pending = [pa.concat_tables(self.pending).combine_chunks()]

    def _write_group(self, size: int) -> None:
        queued = pa.concat_tables(self.pending)
        group, rest = queued.slice(0, size).combine_chunks(), queued.slice(size)
        self.pending, self.pending_rows = ([rest] if rest.num_rows else []), rest.num_rows
        # The card's statistics are counted here, a row group at a time, rather than for each
        # piece of a batch as it arrives: the same rows, in a tenth of the calls.
        if self.counter is not None:
            self.counter.add(group)
        if TOKENS_COLUMN in group.column_names:
            group = group.drop_columns([TOKENS_COLUMN])
        if self.writer is None or self.shard_rows >= self.rows_per_shard:
            self._open_shard()
        self.writer.write_table(group, row_group_size=group.num_rows)
        self.num_rows += group.num_rows
        self.shard_rows += group.num_rows

    def _open_shard(self) -> None:
        self._close_shard()
        self.folder.mkdir(parents=True, exist_ok=True)
        part = self.folder / f".{self.split}-{self.prefix}{len(self.parts):05d}.part"
        self.parts.append(part)
        self.writer = pq.ParquetWriter(part, self.schema, **writer_options(self.schema))
        self.shard_rows = 0

    def close(self) -> list[tuple[Path, int, int]]:
        """Write what is queued and close; each shard written, in order, as ``(part file, rows,
        uncompressed bytes)``. The part files are named by the caller (:func:`shard_name`)."""
        if self.pending_rows:
            self._write_group(self.pending_rows)
        self._close_shard()
        shards = []
        for part, metadata in zip(self.parts, self.footers):
            size = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
            self.num_bytes += size
            shards.append((part, metadata.num_rows, size))
        return shards

    def _close_shard(self) -> None:
        """Close the shard being written, keeping its footer (the file need not be read back)."""
        if self.writer is not None:
            self.writer.close()
            # The footer as the writer wrote it; read back only should pyarrow not expose it.
            footer = getattr(getattr(self.writer, "writer", None), "metadata", None)
            self.footers.append(footer if footer is not None else pq.read_metadata(self.parts[-1]))
            self.writer = None

    def abort(self) -> None:
        """Close without finishing (the staging folder is removed by the caller)."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None


class ConfigWriter:
    """Rows of one config for its folders under both split schemes, e.g. ``data/claims`` and
    ``data/claims_by_outlet``; :attr:`writers` maps ``(config folder, split)`` to its writer.
    A folder given as None is not written (so that each scheme can have a writer of its own,
    in its own thread)."""

    def __init__(self, folders: tuple[Path | None, Path | None], schema: pa.Schema,
                 rows_per_group: int = ROWS_PER_GROUP, prefix: str = "", counter_type=None):
        self.folders, self.schema = folders, schema  # the config's, features.arrow_schema
        self.rows_per_group, self.prefix, self.counter_type = rows_per_group, prefix, counter_type
        self.writers: dict[tuple[str, str], SplitWriter] = {}

    def add_table(self, table: pa.Table, codes: tuple[np.ndarray, np.ndarray]) -> pa.Table:
        """Hand each split its rows of ``table``; ``codes`` gives every row's split in each
        scheme, as an index into :data:`castcorpus.splits.assign.SPLITS`. Returns the rows as written
        (with the split columns filled, in the configs that have them)."""
        table = _with_split_columns(table, codes)
        for folder, scheme_codes in zip(self.folders, codes):
            if folder is None:
                continue
            for code, part in _routed(table, scheme_codes):
                self._writer(folder, SPLITS[code]).add_table(part)
        return table

    def _writer(self, folder: Path, split: str) -> SplitWriter:
        writer = self.writers.get((folder.name, split))
        if writer is None:
            counter = self.counter_type(folder.name) if self.counter_type is not None else None
            writer = self.writers[(folder.name, split)] = SplitWriter(folder, split, self.schema, self.rows_per_group,
                                                                      prefix=self.prefix, counter=counter)
        return writer

    def abort(self) -> None:
        """Close every split writer without finishing."""
        for writer in self.writers.values():
            writer.abort()


def shard_name(split: str, index: int, total: int) -> str:
    """A shard's file name, by the Hub's convention: ``train-00000-of-00002.parquet``."""
    return f"{split}-{index:05d}-of-{total:05d}.parquet"


_SPLIT_NAMES = pa.array(SPLITS, pa.string())


#: Bytes per run of one split, on average, from which a batch is routed as slices rather than
#: by a take: a take copies every row, while a slice copies nothing (the split writer copies
#: the rows once, into its row group) but costs a few calls per run and column. The token
#: views (``actor_ner``, ``claim_spans``: some 40 kB per run) are mostly sliced; claims and
#: stances (5 to 8 kB) and the configs with a row per document (a run of one or a few
#: documents with many nested columns) are taken. On the same staged rows at 20,000
#: documents the Parquet phase took 8.6 to 8.9 CPU s with this threshold, 8.9 to 9.1 with a
#: take always, 8.8 to 9.0 at 16 kB and 64 kB (docs/benchmarks.md, session 9).
MIN_BYTES_PER_RUN = 32_768
#: Pieces a split writer queues before joining them (the slices of a batch keep the whole
#: batch in memory until written; joined, only the split's own rows stay).
MAX_PENDING_PIECES = 32


def _routed(table: pa.Table, codes: np.ndarray) -> list[tuple[int, pa.Table]]:
    """``(split code, rows)`` of the splits present in ``table`` (``codes``: each row's split),
    each split's rows in their order, in pieces. Rows come a document at a time, so a split's
    rows are runs: long runs are sliced (no copy); otherwise the rows are put in split order by
    one take (a stable sort keeps their order within a split) and each split's rows are a
    slice of it: one pass over the columns instead of a filter per split."""
    counts = np.bincount(codes, minlength=len(SPLITS))
    present = np.flatnonzero(counts)
    if len(present) == 1:
        return [(int(present[0]), table)]
    changes = (np.flatnonzero(codes[1:] != codes[:-1]) + 1).tolist()
    # The size of the buffers, not of the part of them the rows use (``nbytes``, which walks
    # every list's offsets to find it): a staged batch uses its buffers whole, and this costs
    # a tenth as much (the same choice in every batch of a 20,000-document build).
    if table.get_total_buffer_size() >= MIN_BYTES_PER_RUN * (len(changes) + 1):
        starts, ends = [0, *changes], [*changes, len(codes)]
        runs = sorted(zip(codes[starts].tolist(), starts, ends), key=lambda run: run[0])  # stable: in order within a split
        return [(code, table.slice(start, end - start)) for code, start, end in runs]
    ordered = table.take(pa.array(np.argsort(codes, kind="stable")))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return [(int(code), ordered.slice(int(starts[code]), int(counts[code]))) for code in present]


def _with_split_columns(table: pa.Table, codes: tuple[np.ndarray, np.ndarray]) -> pa.Table:
    """Fill the ``split`` and ``outlet_split`` columns of the configs that have them."""
    for name, scheme_codes in zip(("split", "outlet_split"), codes):
        index = table.schema.get_field_index(name)
        if index >= 0:
            table = table.set_column(index, table.schema.field(index), _SPLIT_NAMES.take(pa.array(scheme_codes)))
    return table
