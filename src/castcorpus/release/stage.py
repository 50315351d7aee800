"""Staging derived rows on disk while the corpus is read, until every split is known.

A document's split depends on other documents (those that share a claim cluster or a text;
:mod:`castcorpus.splits.assign`), so it is known only after the last document has been read. Rather
than read and parse the corpus a second time, the build derives each document's rows in the
validator's single pass and stages them here: a :class:`StagedConfig` converts its rows to
Arrow in batches (once, under the config's explicit schema) and appends them to an Arrow IPC
file, each row tagged with its document's position in the pass. Once the
splits are known, :func:`staged_batches` streams the batches back with those positions,
and the Parquet writers route them by a lookup, without touching a Python row again. Memory
stays flat: one batch per config is held at a time. The files are not compressed (LZ4 made
staging five times as costly) and are read with plain file reads, not memory-mapped, so that
pages already routed do not count as the build's memory; they take about 24 kB per annotated
document on disk until the build ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pyarrow as pa

from . import columns, features, records
from .card_statistics import TOKEN_COLUMN, TOKENS_COLUMN
from .token_counts import row_token_counts, whitespace_tokens

#: Rows per staged batch.
ROWS_PER_BATCH = 2_000
#: Name of the column that carries a row's document position (dropped before Parquet).
DOC_COLUMN = "__document"
_OPTIONS = pa.ipc.IpcWriteOptions(compression=None)


class TextTokens:
    """The card's token count of the last text counted
    (:func:`castcorpus.release.token_counts.whitespace_tokens`). The configs with a row per
    document (``documents``, ``raw``, ``credibility``) hold the same text object for a document
    and are staged one after the other: shared by their :class:`StagedConfig`, the whole text
    is counted once, not once per config."""

    def __init__(self):
        self.text: str | None = None
        self.tokens: int | None = None

    def count(self, text: str | None) -> int | None:
        """The number of whitespace-separated tokens in ``text``."""
        if text is not self.text:
            self.text, self.tokens = text, whitespace_tokens(text)
        return self.tokens


class StagedConfig:
    """The rows of one base config, in pass order, staged in an Arrow IPC file at ``path``.

    Rows arrive as :class:`castcorpus.release.records.Records` (tuples, label names); they are
    converted to Arrow under :func:`castcorpus.release.features.names_schema` and their
    ClassLabel columns encoded as ids a column at a time when a batch is flushed (a row at a
    time cost more than the conversion itself). With ``tokens`` (a :class:`TextTokens` shared by the configs that hold
    the same texts), each row's token count is taken as it arrives; without, by Arrow for a
    whole batch when it is written (cheaper for many short texts)."""

    def __init__(self, path: Path, config: str, rows_per_batch: int = ROWS_PER_BATCH,
                 tokens: TextTokens | None = None):
        self.path, self.config = path, config
        self.schema = features.arrow_schema(config)
        self.names_schema = features.names_schema(config)
        self.staged_schema = self.schema.append(pa.field(DOC_COLUMN, pa.int32(), nullable=False))
        # Each row's token count for the card (card_statistics.TOKEN_COLUMN), staged beside the row.
        self.token_column = TOKEN_COLUMN.get(config)
        self.token_index = self.names_schema.get_field_index(self.token_column) if self.token_column else -1
        self.file_schema = (self.staged_schema.append(pa.field(TOKENS_COLUMN, pa.int32()))
                            if self.token_column else self.staged_schema)
        self.rows_per_batch = rows_per_batch
        self.rows: list[tuple] = []
        self.documents: list[int] = []
        self.text_tokens = tokens if self.token_column else None
        self.tokens: list[int | None] = []  # each queued row's token count (with text_tokens)
        self.num_rows = 0
        self._sink: pa.OSFile | None = None
        self._writer: pa.ipc.RecordBatchStreamWriter | None = None

    def add_rows(self, rows: records.Records, document: int) -> None:
        """Queue the rows (ClassLabel columns as label names) of the document at ``document``."""
        self.rows.extend(rows.rows)
        self.documents.extend([document] * len(rows.rows))
        if self.text_tokens is not None:
            index = self.token_index
            self.tokens.extend(self.text_tokens.count(row[index]) for row in rows.rows)
        while len(self.rows) >= self.rows_per_batch:
            self.flush()

    def flush(self) -> None:
        """Convert the queued rows to Arrow and append them to the staging file."""
        if not self.rows:
            return
        size = self.rows_per_batch
        table = records.to_table(self.rows[:size], self.config)
        table = features.encode_label_columns(self.config, table)
        table = table.append_column(self.staged_schema.field(DOC_COLUMN), pa.array(self.documents[:size], pa.int32()))
        counts = pa.array(self.tokens[:size], pa.int32()) if self.text_tokens is not None else None
        del self.rows[:size], self.documents[:size], self.tokens[:size]
        self._write(table, counts)

    def _token_counts(self, table: pa.Table) -> pa.Array:
        return row_token_counts(table, self.token_column).cast(pa.int32())

    def _write(self, table: pa.Table, token_counts: pa.Array | None = None) -> None:
        if self.token_column:
            counts = token_counts if token_counts is not None else self._token_counts(table)
            table = table.append_column(self.file_schema.field(TOKENS_COLUMN), counts)
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._sink = pa.OSFile(str(self.path), "wb")
            self._writer = pa.ipc.new_stream(self._sink, self.file_schema, options=_OPTIONS)
        self._writer.write_table(table)
        self.num_rows += table.num_rows

    def close(self) -> None:
        """Write what is queued and close the staging file."""
        self.flush()
        self._close_file()

    def discard(self) -> None:
        """Close without finishing and delete the staging file."""
        self._close_file()
        self.path.unlink(missing_ok=True)

    def _close_file(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._sink.close()
            self._writer = self._sink = None


def staged_batches(path: Path) -> Iterator[tuple[pa.Table, np.ndarray]]:
    """The rows staged in ``path`` in pass order, a batch at a time: ``(rows, positions)``,
    positions counted from the first document of the staging file's pass or chunk."""
    with pa.OSFile(str(path)) as source:
        for batch in pa.ipc.open_stream(source):
            positions = batch.column(DOC_COLUMN).to_numpy()
            yield pa.Table.from_batches([batch.drop_columns([DOC_COLUMN])]), positions


class StagedColumns(StagedConfig):
    """A config whose rows come as :class:`castcorpus.release.columns.ColumnRows` (the views with
    a row per sentence), staged like :class:`StagedConfig`'s but converted to Arrow by
    :func:`castcorpus.release.columns.to_table`, a batch of documents at a time."""

    def __init__(self, path: Path, config: str, rows_per_batch: int = ROWS_PER_BATCH,
                 shared: columns.SharedColumns | None = None):
        super().__init__(path, config, rows_per_batch)
        self.pending: list[tuple[Any, int]] = []  # (ColumnRows, document)
        self.pending_rows = 0
        self.shared = shared  # arrays converted for another view of the same documents

    def add_rows(self, rows, document: int) -> None:
        """Queue one document's :class:`ColumnRows`; a batch is written once it is large enough."""
        self.pending.append((rows, document))
        self.pending_rows += rows.num_rows
        if self.pending_rows >= self.rows_per_batch:
            self.flush()

    def flush(self) -> None:
        """Convert the queued documents' rows to Arrow and append them to the staging file."""
        if not self.pending:
            return
        table = columns.to_table(self.pending, self.staged_schema, DOC_COLUMN, self.shared)
        counts = None
        if self.token_column and self.shared is not None:  # the same text, counted once
            parts = [rows.columns[self.token_column] for rows, _ in self.pending]
            counts = self.shared.get(parts, ("tokens",), lambda: self._token_counts(table))
        self.pending, self.pending_rows = [], 0
        self._write(table, counts)
