"""Rows as tuples in the order of their config's Arrow fields, nested structs as tuples too.

Arrow converts a tuple to a struct by position, where a dict must be looked up a field at a
time by name: the rows with a struct per row or nested structs (``documents``, ``claims``,
``attribution``, ``stances``, ``raw``, ``credibility``) convert in about half the time as
tuples (docs/decisions.md, Build, session 10). :func:`castcorpus.release.rows.document_rows` makes
them in the field order of :func:`castcorpus.release.features.names_schema` (label columns
as names); Arrow refuses a tuple with too few or too many values, and the tests compare
every field with the metadata and the annotation it comes from. :meth:`Records.to_pylist`
gives the rows as dicts, as a Parquet row decodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import pyarrow as pa

from .features import names_schema


@dataclass
class Records:
    """The rows of one config for one document, each a tuple in the config's field order."""

    config: str
    rows: list[tuple]

    def __len__(self) -> int:
        return len(self.rows)

    def to_pylist(self) -> list[dict[str, Any]]:
        """The rows as dicts (label columns as label names)."""
        kind = row_type(self.config)
        return [_python(row, kind) for row in self.rows]


@cache
def row_type(config: str) -> pa.StructType:
    """A row of ``config`` as one Arrow struct (label columns as names)."""
    return pa.struct(list(names_schema(config)))


def to_table(rows: list[tuple], config: str) -> pa.Table:
    """Rows (tuples, as :class:`Records` holds them) of ``config`` as a table under its
    :func:`castcorpus.release.features.names_schema`."""
    array = pa.array(rows, type=row_type(config))
    return pa.Table.from_batches([pa.RecordBatch.from_struct_array(array)], schema=names_schema(config))


def _python(value, kind: pa.DataType):
    if value is None:
        return None
    if pa.types.is_struct(kind):
        return {field.name: _python(item, field.type) for field, item in zip(kind, value, strict=True)}
    if pa.types.is_list(kind):
        return [_python(item, kind.value_type) for item in value]
    return value
