"""The card's token counts: the whitespace-separated items of a text, as Arrow counts them.

The card's statistics were defined by Arrow's ``utf8_split_whitespace``: the items it makes of
a text, empty ones included (one for an empty text, one where the text starts with whitespace,
one where it ends with whitespace, two where it ends with more than one whitespace character).
Splitting makes an array of every item only to count them, so both counts here work on the
text's UTF-8 bytes instead: where the bytes hold no whitespace beyond ASCII (nearly always),
a byte is space exactly when it is one of ASCII's whitespace characters, and the items are
counted from where runs of other bytes begin. Otherwise Python's split (one text) or Arrow's
(a column) counts them. The tests compare all three on every code point.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from castcorpus.corpus.segment import space_table

#: ``bytes.translate`` table of each byte's mark: ``b" "`` for ASCII whitespace, ``b"!"`` for
#: the first bytes of the whitespace characters beyond ASCII (C2, E1, E2 and E3: they begin other
#: characters too, the curly quotes for one), ``b"x"`` for any other byte.
_MARKS = bytes(0x20 if point < 0x80 and chr(point).isspace() else 0x21 if point in (0xC2, 0xE1, 0xE2, 0xE3) else 0x78
               for point in range(256))


@cache
def _wide_spaces() -> re.Pattern:
    """The UTF-8 bytes of any whitespace character beyond ASCII (each begins with a byte
    :data:`_MARKS` marks ``b"!"``: were one missed, its texts would be counted from their bytes
    and differ from Arrow's count, which the tests compare on every code point)."""
    wide = [chr(point).encode("utf-8") for point in np.flatnonzero(space_table()).tolist() if point >= 0x80]
    return re.compile(b"|".join(map(re.escape, wide)))


def _marks(raw: bytes) -> bytes | None:
    """Each byte of ``raw`` marked as space (``b" "``) or not, or None when ``raw`` holds
    whitespace beyond ASCII (looked for only where one of its first bytes is)."""
    marks = raw.translate(_MARKS)
    if b"!" in marks and _wide_spaces().search(raw):
        return None
    return marks


def whitespace_tokens(text: str | None) -> int | None:
    """The items Arrow's ``utf8_split_whitespace`` makes of ``text`` (see the module)."""
    if text is None:
        return None
    if not text:
        return 1
    marks = _marks(text.encode("utf-8"))
    if marks is None:
        return len(text.split()) + text[0].isspace() + text[-1].isspace() + (len(text) > 1 and text[-2:].isspace())
    # An item at each byte that is no space and follows one, one at the first byte (a word or
    # an empty item), one more where the text ends in a space and another where in two.
    return marks.count(b" x") + marks.count(b" !") + 1 + (marks[-1] == 0x20) + marks.endswith(b"  ")


def row_token_counts(table: pa.Table, column: str) -> pa.Array:
    """Each row's whitespace-separated tokens in ``column`` (a ``tokens`` list: its length)."""
    values = table.column(column)
    if column == "tokens":
        return pc.list_value_length(values)
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    counts = _byte_counts(values) if pa.types.is_string(values.type) else None
    return counts if counts is not None else _arrow_counts(values)


def _arrow_counts(values) -> pa.Array:
    # Split without the trailing whitespace, whose empty items are added back (one for one
    # character, two for more, as utf8_split_whitespace makes them): pyarrow 26's split of a
    # long text that ends in several kinds of whitespace answered differently from one call to
    # the next (docs/decisions.md); the split of the trimmed text and this count did not.
    trimmed = pc.utf8_rtrim_whitespace(values)
    trailing = pc.subtract(pc.utf8_length(values), pc.utf8_length(trimmed))
    return pc.add(pc.list_value_length(pc.utf8_split_whitespace(trimmed)), pc.min_element_wise(trailing, 2))


def _byte_counts(values: pa.StringArray) -> pa.Array | None:
    """The counts of a string array from its bytes, or None when they hold whitespace beyond
    ASCII. Ends and lengths are in bytes: a space is one byte, so a text that ends in two
    spaces ends in two bytes of them, and a text of any character has at least one byte."""
    _, offsets_buffer, data_buffer = values.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[values.offset:values.offset + len(values) + 1]
    first, last = int(offsets[0]), int(offsets[-1])
    marks = _marks(memoryview(data_buffer)[first:last].tobytes() if last > first else b"")
    if marks is None:
        return None
    space = np.frombuffer(marks, dtype=np.uint8) == 0x20
    starts, ends = offsets[:-1] - first, offsets[1:] - first
    lengths = ends - starts
    # Where an item begins after a space; those after a text's first byte are its own.
    begins = np.flatnonzero(space[:-1] & ~space[1:]) + 1
    counts = begins.searchsorted(ends) - begins.searchsorted(starts, side="right")
    some, two = lengths > 0, lengths > 1
    counts += some  # the item at a text's first byte (a word or an empty item)
    ends_in_space = np.zeros(len(lengths), dtype=bool)
    ends_in_space[some] = space[ends[some] - 1]
    counts += ends_in_space
    counts[two] += ends_in_space[two] & space[ends[two] - 2]
    counts[~some] = 1
    mask = values.is_null().to_numpy(zero_copy_only=False) if values.null_count else None
    return pa.array(counts.astype(np.int32), mask=mask)
