"""Rows of a document as columns, and their conversion to Arrow a batch of documents at a time.

The views with many rows per document (a row per sentence: ``sentences``, ``checkworthiness``,
``actor_ner``, ``claim_spans``) are made as :class:`ColumnRows`, not as a dict per row: numbers
stay in numpy arrays, strings that are parts of the text (a sentence, a token) are kept as
offsets and cut from the texts' UTF-8 bytes by numpy when a batch is converted
(:func:`to_table`). Converting a dict per row, and a Python string per token, to Arrow was the
largest share of a build's staging.

A column is one of: a :class:`Same` value for every row, a numpy array (numbers, label ids),
a Python list (any value per row, label names included), :class:`Cut` (strings cut from the
text), :class:`Keys` (codes into a few distinct values) or :class:`Lists` (a list per row, over
values of one of the other kinds).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .features import label_names


@dataclass(frozen=True)
class Same:
    """One value for every row of the document."""

    value: Any


@dataclass(frozen=True)
class Cut:
    """Strings cut from the document's text: ``text[starts[i]:ends[i]]`` (code points)."""

    starts: np.ndarray
    ends: np.ndarray


@dataclass(frozen=True)
class Keys:
    """A value per row from a few distinct ones: ``values[codes[i]]``, None where the code is
    -1 (an actor key or claim id per token, mostly None: no Python object per token)."""

    codes: np.ndarray
    values: list


@dataclass(frozen=True)
class Lists:
    """A list per row: row ``i`` holds ``values[offsets[i]:offsets[i + 1]]``."""

    offsets: np.ndarray
    values: Any  # np.ndarray, list or Cut


class TextBytes:
    """A document's text and its UTF-8 bytes, encoded once and shared by every view cut from
    the text (:func:`_cut_strings` finds the byte offsets for a whole batch)."""

    def __init__(self, text: str):
        self.text = text
        self.raw = text.encode("utf-8")


@dataclass
class ColumnRows:
    """The rows of one config for one document, as columns (see the module)."""

    config: str
    num_rows: int
    text: str  # what Cut columns cut from
    columns: dict[str, Any]
    utf8: TextBytes | None = None  # the text's bytes, when shared with other views

    def __len__(self) -> int:
        return self.num_rows

    def to_pylist(self) -> list[dict[str, Any]]:
        """The rows as dicts (label columns as label names), as a Parquet row decodes."""
        names = {column: label_names(self.config, column) for column in self.columns}
        values = {column: _python(self.text, value, self.num_rows, names[column])
                  for column, value in self.columns.items()}
        return [{column: values[column][i] for column in self.columns} for i in range(self.num_rows)]


def _python(text: str, column, count: int, labels: list[str] | None) -> list:
    if isinstance(column, Same):
        return [column.value] * count
    if isinstance(column, Lists):
        flat = _python(text, column.values, int(column.offsets[-1]), labels)
        offsets = column.offsets.tolist()
        return [flat[a:b] for a, b in zip(offsets, offsets[1:])]
    if isinstance(column, Cut):
        return [text[a:b] for a, b in zip(column.starts.tolist(), column.ends.tolist())]
    if isinstance(column, Keys):
        return [column.values[code] if code >= 0 else None for code in column.codes.tolist()]
    values = column.tolist() if isinstance(column, np.ndarray) else list(column)
    if labels is not None and isinstance(column, np.ndarray):
        return [labels[v] for v in values]
    return values


def to_marshal(rows: ColumnRows) -> dict[str, Any]:
    """``rows`` as values :mod:`marshal` can write (for the row cache)."""
    return {"config": rows.config, "num_rows": rows.num_rows, "text": rows.text,
            "columns": {name: _plain(value) for name, value in rows.columns.items()}}


def from_marshal(data: dict[str, Any]) -> ColumnRows:
    """The rows :func:`to_marshal` wrote."""
    return ColumnRows(data["config"], data["num_rows"], data["text"],
                      {name: _unplain(value) for name, value in data["columns"].items()})


def _plain(value):
    if isinstance(value, Same):
        return ("same", value.value)
    if isinstance(value, Cut):
        return ("cut", _int_bytes(value.starts), _int_bytes(value.ends))
    if isinstance(value, Lists):
        return ("lists", _int_bytes(value.offsets), _plain(value.values))
    if isinstance(value, Keys):
        return ("keys", _int_bytes(value.codes), list(value.values))
    if isinstance(value, np.ndarray):
        return ("array", _int_bytes(value))
    return ("list", list(value))


def _unplain(value):
    kind = value[0]
    if kind == "same":
        return Same(value[1])
    if kind == "cut":
        return Cut(_ints(value[1]), _ints(value[2]))
    if kind == "lists":
        return Lists(_ints(value[1]), _unplain(value[2]))
    if kind == "keys":
        return Keys(_ints(value[1]), list(value[2]))
    if kind == "array":
        return _ints(value[1])
    return list(value[1])


def _int_bytes(array: np.ndarray) -> bytes:
    return np.ascontiguousarray(array, dtype=np.int64).tobytes()


def _ints(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.int64)


class SharedColumns:
    """Arrow arrays already converted from column objects that several views share, by the
    identity of those objects. The four per-sentence views of a document hold the same column
    objects for the columns they have in common (:func:`castcorpus.release.token_rows.sentence_columns`)
    and, having a row per sentence each, are staged in batches of the same documents; the views
    staged after the first find the arrays here. An entry keeps its column objects alive, so
    that no identity it is keyed by can be reused while it is kept; the oldest go first."""

    def __init__(self, size: int = 64):
        self.size = size
        self.entries: OrderedDict[tuple, tuple[list, Any]] = OrderedDict()

    def get(self, parts: list, what: tuple, make) -> Any:
        """The value ``make()`` gives for ``parts`` (the column objects of a batch's documents)
        under ``what`` (the Arrow type and labels it is converted with), made once."""
        key = (what, tuple(map(id, parts)))
        entry = self.entries.get(key)
        if entry is None:
            entry = self.entries[key] = (parts, make())
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return entry[1]


def to_table(documents: list[tuple[ColumnRows, int]], schema: pa.Schema, position_column: str,
             shared: SharedColumns | None = None) -> pa.Table:
    """The Arrow rows of ``documents`` (each with its position in the pass, written to
    ``position_column``) under ``schema``, the config's Arrow schema plus that column.
    Label columns given as names are encoded as ids; a name that is no label raises KeyError.
    With ``shared``, a column whose objects another view of the same documents had is not
    converted again."""
    config = documents[0][0].config
    texts = [rows.utf8 or TextBytes(rows.text) for rows, _ in documents]
    counts = [rows.num_rows for rows, _ in documents]
    arrays = []
    for field in schema:
        name = field.name  # (a pyarrow property that decodes the name on every access)
        if name == position_column:
            arrays.append(pa.array(np.repeat([p for _, p in documents], counts).astype(np.int32)))
            continue
        parts = [rows.columns[name] for rows, _ in documents]
        labels = label_names(config, name)
        if shared is None:
            arrays.append(_arrow(parts, counts, texts, field.type, labels))
        else:
            arrays.append(shared.get(parts, (field.type, labels and tuple(labels)),
                                     lambda: _arrow(parts, counts, texts, field.type, labels)))
    return pa.Table.from_arrays(arrays, schema=schema)


def _arrow(parts: list, counts: list[int], texts: list[TextBytes], kind: pa.DataType,
           labels: list[str] | None) -> pa.Array:
    first = parts[0]
    if isinstance(first, Lists):
        offsets = _join_offsets([part.offsets for part in parts])
        sizes = [int(part.offsets[-1]) for part in parts]
        values = _arrow([part.values for part in parts], sizes, texts, kind.value_type, labels)
        return pa.ListArray.from_arrays(pa.array(offsets), values, type=kind)
    if isinstance(first, Same):  # a value per document, repeated by Arrow for its rows
        values = _encoded(pa.array([part.value for part in parts], _named(kind, labels)), kind, labels)
        return values.take(pa.array(np.repeat(np.arange(len(parts)), counts)))
    if isinstance(first, Cut):
        return _cut_strings(texts, parts)
    if isinstance(first, Keys):
        return _keys(parts, kind)
    if isinstance(first, np.ndarray):
        return pa.array(np.concatenate(parts) if parts else np.zeros(0), type=kind)
    flat = [value for part in parts for value in part]
    return _encoded(pa.array(flat, _named(kind, labels)), kind, labels)


def _named(kind: pa.DataType, labels: list[str] | None) -> pa.DataType:
    """The type a label column has while it holds names."""
    return pa.string() if labels is not None else kind


def _encoded(names: pa.Array, kind: pa.DataType, labels: list[str] | None) -> pa.Array:
    if labels is None:
        return names
    ids = pc.index_in(names, value_set=pa.array(labels, pa.string()))
    if ids.null_count != names.null_count:
        unknown = pc.filter(names, pc.and_(pc.is_null(ids), pc.is_valid(names)))[0].as_py()
        raise KeyError(f"{unknown!r} is not a label")
    return ids.cast(kind)


def _keys(parts: list[Keys], kind: pa.DataType) -> pa.Array:
    """The values of :class:`Keys` columns one after another: each part's codes shifted past
    the values of the parts before it, looked up by Arrow."""
    sizes = [len(part.values) for part in parts]
    joined = np.concatenate([part.codes for part in parts]) if parts else np.zeros(0, dtype=np.int64)
    shifts = np.repeat(np.cumsum(sizes) - sizes, [len(part.codes) for part in parts])
    joined = np.where(joined >= 0, joined + shifts, -1)
    return pa.array([value for part in parts for value in part.values], kind).take(pa.array(joined, mask=joined < 0))


def _join_offsets(offsets: list[np.ndarray]) -> np.ndarray:
    """List offsets of documents one after another, as one array (int32, as Arrow's lists):
    each document's shifted by the values of the documents before it."""
    lasts = np.array([part[-1] for part in offsets], dtype=np.int64)
    shifts = np.repeat(np.cumsum(lasts) - lasts, [len(part) - 1 for part in offsets])
    joined = np.concatenate([part[1:] for part in offsets]) + shifts
    return np.concatenate(([0], joined)).astype(np.int32)


def _cut_strings(texts: list[TextBytes], cuts: list[Cut]) -> pa.Array:
    """A string array of every cut, in order: bytes gathered from the texts by numpy."""
    data = np.frombuffer(b"".join(text.raw for text in texts), dtype=np.uint8)
    start, end = _byte_offsets(texts, cuts, data)
    lengths = end - start
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    if (lengths > 0).all() and (start[1:] >= end[:-1]).all():
        # Tokens and sentences: non-empty and in order without overlap, so a mask of the bytes
        # they cover gathers them (half the cost of an index per byte).
        edges = np.zeros(len(data) + 1, dtype=np.int8)
        edges[start] = 1
        edges[end] -= 1  # where one cut ends as the next starts, the two cancel: still covered
        data = data[np.cumsum(edges[:-1], dtype=np.int8).view(bool)]
    else:
        data = data[np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1] - start, lengths)]
    return pa.StringArray.from_buffers(len(lengths), pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data))


def _byte_offsets(texts: list[TextBytes], cuts: list[Cut], data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cuts' starts and ends as byte offsets into ``data``, the texts' UTF-8 bytes one
    after another. The texts' code points are one after another there too, so each cut's
    offsets, shifted past the code points of the texts before it, index the positions of the
    code points in the whole batch: a few numpy calls for the batch, not a few per document
    (whose few hundred offsets cost less to convert than the calls)."""
    points = [len(text.text) for text in texts]
    shifts = np.repeat(np.cumsum(points) - points, [len(cut.starts) for cut in cuts])
    start = np.concatenate([cut.starts for cut in cuts]).astype(np.int64) + shifts
    end = np.concatenate([cut.ends for cut in cuts]).astype(np.int64) + shifts
    if len(data) == sum(points):  # ASCII only: a code point is a byte
        return start, end
    leads = np.append(np.flatnonzero((data & 0xC0) != 0x80), len(data))  # where each code point starts
    return leads[start], leads[end]
