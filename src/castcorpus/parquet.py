"""Writing config splits as Parquet shards, incrementally, in row groups.

A :class:`ConfigWriter` takes the rows of one config for both split schemes (the config and
its ``_by_outlet`` twin). It converts each batch of rows to Arrow once, under the config's
explicit Arrow schema (never inferred: pandas 3 and inference would give ``large_string``),
and routes the rows of each split to that split's :class:`SplitWriter`, which writes row
groups of a fixed size with :class:`pyarrow.parquet.ParquetWriter`. Converting Python rows
to Arrow is the costly part, so doing it once for both schemes halves it. Shards are numbered
at the end (``train-00000-of-00002.parquet``), when their count is known; nothing is written
for a split that never receives a row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datasets import Features

#: Rows per row group and per shard. Small row groups keep memory flat while streaming.
ROWS_PER_GROUP = 2_000
ROWS_PER_SHARD = 200_000


class SplitWriter:
    """Writes the rows of one split of one config into ``folder``, from Arrow tables."""

    def __init__(self, folder: Path, split: str, schema: pa.Schema,
                 rows_per_group: int = ROWS_PER_GROUP, rows_per_shard: int = ROWS_PER_SHARD):
        self.folder, self.split, self.schema = folder, split, schema
        self.rows_per_group, self.rows_per_shard = rows_per_group, rows_per_shard
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        self.parts: list[Path] = []
        self.writer: pq.ParquetWriter | None = None
        self.shard_rows = 0
        self.num_rows = 0
        self.num_bytes = 0  # Arrow (in-memory) size, as datasets reports it

    def add_table(self, table: pa.Table) -> None:
        """Queue rows (ClassLabel columns already as ids); full row groups are written."""
        self.pending.append(table)
        self.pending_rows += table.num_rows
        while self.pending_rows >= self.rows_per_group:
            self._write_group(self.rows_per_group)

    def _write_group(self, size: int) -> None:
        queued = pa.concat_tables(self.pending)
        group, rest = queued.slice(0, size).combine_chunks(), queued.slice(size)
        self.pending, self.pending_rows = ([rest] if rest.num_rows else []), rest.num_rows
        if self.writer is None or self.shard_rows >= self.rows_per_shard:
            self._open_shard()
        self.writer.write_table(group, row_group_size=group.num_rows)
        self.num_rows += group.num_rows
        self.shard_rows += group.num_rows
        self.num_bytes += group.nbytes

    def _open_shard(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        part = self.folder / f".{self.split}-{len(self.parts):05d}.part"
        self.parts.append(part)
        self.writer = pq.ParquetWriter(part, self.schema, compression="zstd")
        self.shard_rows = 0

    def close(self) -> list[Path]:
        """Write what is queued, close and give the shards their final names; the paths written."""
        if self.pending_rows:
            self._write_group(self.pending_rows)
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        total = len(self.parts)
        final = []
        for index, part in enumerate(self.parts):
            target = self.folder / f"{self.split}-{index:05d}-of-{total:05d}.parquet"
            part.rename(target)
            final.append(target)
        return final

    def abort(self) -> None:
        """Close without finishing (the staging folder is removed by the caller)."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None


class ConfigWriter:
    """Rows of one config for its folders under both split schemes, e.g. ``data/claims`` and
    ``data/claims_by_outlet``; :attr:`writers` maps ``(config folder, split)`` to its writer."""

    def __init__(self, folders: tuple[Path, Path], features: Features, rows_per_group: int = ROWS_PER_GROUP):
        self.folders, self.schema = folders, features.arrow_schema
        self.rows_per_group = rows_per_group
        self.rows: list[dict[str, Any]] = []
        self.splits: tuple[list[str], list[str]] = ([], [])
        self.writers: dict[tuple[str, str], SplitWriter] = {}

    def add(self, row: dict[str, Any], splits: tuple[str, str]) -> None:
        """Queue one row (ClassLabel columns already as ids) with its split in each scheme."""
        self.rows.append(row)
        self.splits[0].append(splits[0])
        self.splits[1].append(splits[1])
        if len(self.rows) >= self.rows_per_group:
            self.flush()

    def flush(self) -> None:
        """Convert the queued rows to Arrow and hand each split its rows."""
        if not self.rows:
            return
        table = pa.Table.from_pylist(self.rows, schema=self.schema)
        for folder, labels in zip(self.folders, self.splits):
            names = sorted(set(labels))
            column = pa.array(labels) if len(names) > 1 else None
            for split in names:
                part = table if column is None else table.filter(pc.equal(column, split))
                self._writer(folder, split).add_table(part)
        self.rows, self.splits = [], ([], [])

    def _writer(self, folder: Path, split: str) -> SplitWriter:
        writer = self.writers.get((folder.name, split))
        if writer is None:
            writer = self.writers[(folder.name, split)] = SplitWriter(folder, split, self.schema, self.rows_per_group)
        return writer

    def abort(self) -> None:
        """Close every split writer without finishing."""
        for writer in self.writers.values():
            writer.abort()
