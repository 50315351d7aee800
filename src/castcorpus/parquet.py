"""Writing one config split as Parquet shards, incrementally, in row groups.

Rows are buffered up to one row group and written with :class:`pyarrow.parquet.ParquetWriter`
under the config's explicit Arrow schema (never inferred: pandas 3 and inference would give
``large_string``). Shards are numbered at the end (``train-00000-of-00002.parquet``), when
their count is known; nothing is written for a split that never receives a row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features

#: Rows per row group and per shard. Small row groups keep memory flat while streaming.
ROWS_PER_GROUP = 2_000
ROWS_PER_SHARD = 200_000


class SplitWriter:
    """Writes the rows of one split of one config into ``folder``."""

    def __init__(self, folder: Path, split: str, features: Features,
                 rows_per_group: int = ROWS_PER_GROUP, rows_per_shard: int = ROWS_PER_SHARD):
        self.folder, self.split, self.features = folder, split, features
        self.schema = features.arrow_schema
        self.rows_per_group, self.rows_per_shard = rows_per_group, rows_per_shard
        self.buffer: list[dict[str, Any]] = []
        self.parts: list[Path] = []
        self.writer: pq.ParquetWriter | None = None
        self.shard_rows = 0
        self.num_rows = 0
        self.num_bytes = 0  # Arrow (in-memory) size, as datasets reports it

    def add(self, row: dict[str, Any]) -> None:
        """Queue one row, ClassLabel columns already as ids (see ``features.encode_labels``)."""
        self.buffer.append(row)
        if len(self.buffer) >= self.rows_per_group:
            self._flush()

    def _flush(self) -> None:
        if not self.buffer:
            return
        if self.writer is None or self.shard_rows >= self.rows_per_shard:
            self._open_shard()
        table = pa.Table.from_pylist(self.buffer, schema=self.schema)
        self.writer.write_table(table, row_group_size=len(self.buffer))
        self.num_rows += table.num_rows
        self.shard_rows += table.num_rows
        self.num_bytes += table.nbytes
        self.buffer = []

    def _open_shard(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        part = self.folder / f".{self.split}-{len(self.parts):05d}.part"
        self.parts.append(part)
        self.writer = pq.ParquetWriter(part, self.schema, compression="zstd")
        self.shard_rows = 0

    def close(self) -> list[Path]:
        """Flush, close and give the shards their final names; the paths written."""
        self._flush()
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
