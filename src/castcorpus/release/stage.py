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

from . import features

#: Rows per staged batch.
ROWS_PER_BATCH = 2_000
#: Name of the column that carries a row's document position (dropped before Parquet).
DOC_COLUMN = "__document"
_OPTIONS = pa.ipc.IpcWriteOptions(compression=None)


class StagedConfig:
    """The rows of one base config, in pass order, staged in an Arrow IPC file at ``path``.

    Rows arrive with label names; they are converted to Arrow under
    :func:`castcorpus.release.features.names_schema` and their ClassLabel columns encoded as
    ids a column at a time when a batch is flushed (a row at a time cost more than the
    conversion itself)."""

    def __init__(self, path: Path, config: str, rows_per_batch: int = ROWS_PER_BATCH):
        self.path, self.config = path, config
        self.schema = features.arrow_schema(config)
        self.names_schema = features.names_schema(config)
        self.staged_schema = self.schema.append(pa.field(DOC_COLUMN, pa.int32(), nullable=False))
        self.rows_per_batch = rows_per_batch
        self.rows: list[dict[str, Any]] = []
        self.documents: list[int] = []
        self.num_rows = 0
        self._sink: pa.OSFile | None = None
        self._writer: pa.ipc.RecordBatchStreamWriter | None = None

    def add_rows(self, rows: list[dict[str, Any]], document: int) -> None:
        """Queue the rows (ClassLabel columns as label names) of the document at ``document``."""
        self.rows.extend(rows)
        self.documents.extend([document] * len(rows))
        while len(self.rows) >= self.rows_per_batch:
            self.flush()

    def flush(self) -> None:
        """Convert the queued rows to Arrow and append them to the staging file."""
        if not self.rows:
            return
        rows, documents = self.rows[:self.rows_per_batch], self.documents[:self.rows_per_batch]
        table = pa.Table.from_pylist(rows, schema=self.names_schema)
        table = features.encode_label_columns(self.config, table)
        table = table.append_column(self.staged_schema.field(DOC_COLUMN), pa.array(documents, pa.int32()))
        del self.rows[:self.rows_per_batch], self.documents[:self.rows_per_batch]
        self._write(table)

    def _write(self, table: pa.Table) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._sink = pa.OSFile(str(self.path), "wb")
            self._writer = pa.ipc.new_stream(self._sink, self.staged_schema, options=_OPTIONS)
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


class StagedTokenConfig(StagedConfig):
    """A token view's rows (:class:`castcorpus.release.token_rows.TokenRows`, columns over a
    document's tokens), staged like :class:`StagedConfig`'s but built into Arrow with numpy:
    the token strings are cut from the documents' UTF-8 bytes, not made as Python strings."""

    def __init__(self, path: Path, config: str, rows_per_batch: int = ROWS_PER_BATCH):
        super().__init__(path, config, rows_per_batch)
        self.pending: list[tuple[Any, int]] = []  # (TokenRows, document)
        self.pending_rows = 0

    def add_rows(self, rows, document: int) -> None:
        """Queue one document's :class:`TokenRows`; a batch is written once it is large enough."""
        self.pending.append((rows, document))
        self.pending_rows += rows.num_rows
        if self.pending_rows >= self.rows_per_batch:
            self.flush()

    def flush(self) -> None:
        """Convert the queued documents' rows to Arrow and append them to the staging file."""
        if not self.pending:
            return
        table = _token_table(self.pending, self.staged_schema)
        self.pending, self.pending_rows = [], 0
        self._write(table)


def _token_table(pending: list, schema: pa.Schema) -> pa.Table:
    """The Arrow rows (with their document positions) of queued :class:`TokenRows`."""
    common: dict[str, list] = {}
    sentence_index, starts, ends, documents = [], [], [], []
    token_starts, tags, keys, cuts, texts, byte_starts, byte_ends = [], [], [], [], [], [], []
    tokens_before = bytes_before = 0
    for rows, document in pending:
        seg, count = rows.segmentation, rows.num_rows
        for name, value in rows.common.items():
            common.setdefault(name, []).extend([value] * count)
        sentence_index.append(np.arange(count))
        starts.append(seg.token_starts[seg.cuts[:-1]])
        ends.append(seg.token_ends[seg.cuts[1:] - 1])
        documents.append(np.full(count, document))
        token_starts.append(seg.token_starts)
        tags.append(rows.tags)
        keys.extend(rows.keys)
        cuts.append(seg.cuts[:-1] + tokens_before)
        raw = rows.text.encode("utf-8")
        first, last = _byte_offsets(rows.text, raw, seg.token_starts, seg.token_ends)
        byte_starts.append(first + bytes_before)
        byte_ends.append(last + bytes_before)
        texts.append(raw)
        tokens_before += len(seg.token_starts)
        bytes_before += len(raw)
    offsets = pa.array(np.concatenate(cuts + [[tokens_before]]).astype(np.int32))
    strings = _cut_strings(b"".join(texts), np.concatenate(byte_starts), np.concatenate(byte_ends))
    names = schema.names
    tag_name, key_name = pending[0][0].names
    columns = {
        **{name: pa.array(values, pa.string()) for name, values in common.items()},
        "sentence_index": pa.array(np.concatenate(sentence_index).astype(np.int32)),
        "start": pa.array(np.concatenate(starts).astype(np.int32)),
        "end": pa.array(np.concatenate(ends).astype(np.int32)),
        "tokens": pa.ListArray.from_arrays(offsets, strings, type=schema.field("tokens").type),
        "token_starts": pa.ListArray.from_arrays(offsets, pa.array(np.concatenate(token_starts).astype(np.int32)),
                                                 type=schema.field("token_starts").type),
        tag_name: pa.ListArray.from_arrays(offsets, pa.array(np.concatenate(tags).astype(np.int64)),
                                           type=schema.field(tag_name).type),
        key_name: pa.ListArray.from_arrays(offsets, pa.array(keys, pa.string()), type=schema.field(key_name).type),
        DOC_COLUMN: pa.array(np.concatenate(documents).astype(np.int32)),
    }
    return pa.Table.from_arrays([columns[name] for name in names], schema=schema)


def _byte_offsets(text: str, raw: bytes, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Code-point offsets into ``text`` as byte offsets into ``raw`` (its UTF-8)."""
    if len(raw) == len(text):
        return starts, ends
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    widths = 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000)
    before = np.concatenate(([0], np.cumsum(widths)))
    return before[starts], before[ends]


def _cut_strings(data: bytes, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
    """A string array of ``data[starts[i]:ends[i]]`` (valid UTF-8: cut at code-point bounds)."""
    lengths = (ends - starts).astype(np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    positions = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1] - starts, lengths)
    values = np.frombuffer(data, dtype=np.uint8)[positions]
    return pa.StringArray.from_buffers(len(lengths), pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(values))
