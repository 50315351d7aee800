"""Reading the FA-KES file (``FA-KES-Dataset.csv``, Zenodo record 2607278) as it is published.

The file is read as bytes and parsed as CSV over its Latin-1 image (a lossless byte-to-char
mapping, so every field can be turned back into its exact bytes); each field is then decoded
on its own with ONE deterministic policy, :func:`decode_field`:

1. If the field's bytes are valid UTF-8, they are decoded as UTF-8. (On the real file this is
   every field but 53 (39 texts, 14 titles): the file is ASCII apart from 71 damaged
   sequences.)
2. Otherwise every byte 0x95 together with the trail byte after it (0x40-0xFE, the trail
   range of a double-byte code page) is one character lost in an earlier conversion and
   becomes U+FFFD REPLACEMENT CHARACTER. The real file has exactly three such sequences:
   0x95 0x81 (49 times; stood for a quotation mark or a copyright sign), 0x95 0x5F (19; an
   apostrophe or a dash) and 0x95 0xB5 (3; a copyright sign). Which character stood there
   cannot be known, so none is guessed; U+FFFD says "a character was here".
3. Any other non-UTF-8 byte is decoded as Windows-1252, with Latin-1 for the five bytes
   Windows-1252 leaves undefined (ftfy's ``sloppy-windows-1252`` codec). The real file has
   none left after step 2; the step makes the policy total.

ftfy.fix_text is deliberately not part of the policy: measured on the real file (default
config, after Windows-1252 decoding), it changes no field at all, because the damage is not
reversible mojibake. Leaving it out keeps the text hashes independent of ftfy's heuristics.
Each decoded field is finally canonicalized (:func:`castcorpus.corpus.texts.canonicalize`: NFC, LF).
Texts are otherwise kept verbatim: page debris, tabs and duplicates are reported
(:mod:`castcorpus.sources.fakes.anomalies`), never removed, since removing them would make the text
differ from the published one.

Document ids (:func:`document_ids`) are ``fa-kes-<unit_id>``; a unit_id that occurs on more
than one row gives every one of its rows ``fa-kes-<unit_id>-r<row>``. Because the file is
fixed by its SHA-256, these ids never change.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass

import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)

from castcorpus.corpus.reader import is_slug
from castcorpus.corpus.texts import canonicalize

#: The named columns of the file, in order; four unnamed (empty-headed) columns follow.
COLUMNS = ("unit_id", "article_title", "article_content", "source", "date", "location", "labels")
TRAILING_COLUMNS = 4
#: A damaged sequence: the lead byte 0x95 and, when present, its trail byte.
_LOST = re.compile(rb"\x95[\x40-\xfe]?")
REPLACEMENT = "\ufffd"


class FakesFormatError(ValueError):
    """The file cannot be used as FA-KES; the message names the row (the header is row 0)."""


@dataclass(frozen=True)
class Repair:
    """One damaged byte sequence replaced while decoding a field."""

    column: str
    sequence: bytes
    replacement: str


@dataclass(frozen=True)
class FakesRow:
    """One data row, decoded and canonical. ``row`` is 1-based (the header is row 0)."""

    row: int
    unit_id: str
    title: str
    text: str
    source: str
    date: dt.date
    location: str
    label: int
    trailing: tuple[str, ...]
    repairs: tuple[Repair, ...]


def decode_field(raw: bytes) -> tuple[str, list[bytes]]:
    """Decode one field's bytes by the module's policy; return the text (not yet canonical)
    and the damaged byte sequences that became U+FFFD, in order."""
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    parts, lost, last = [], [], 0
    for match in _LOST.finditer(raw):
        parts.append(raw[last:match.start()].decode("sloppy-windows-1252"))
        parts.append(REPLACEMENT)
        lost.append(match.group())
        last = match.end()
    parts.append(raw[last:].decode("sloppy-windows-1252"))
    return "".join(parts), lost


def read_fakes(data: bytes) -> list[FakesRow]:
    """Parse the bytes of an FA-KES file into rows; raise :class:`FakesFormatError` (naming the
    row) when it is not one: empty, wrong or missing columns, a truncated record, a bad value."""
    if not data.strip():
        raise FakesFormatError("the file is empty")
    records = csv.reader(io.StringIO(data.decode("latin-1"), newline=""), strict=True)
    try:
        _check_header(next(records))
        rows = [_row(number, record) for number, record in enumerate(records, start=1)]
    except csv.Error as err:
        raise FakesFormatError(f"row {records.line_num - 1}: not valid CSV ({err}); is the file truncated?") from err
    if not rows:
        raise FakesFormatError("the file has a header but no data rows")
    _check_line_ends(data, rows)
    return rows


def _check_header(header: list[str]) -> None:
    named = tuple(header[:len(COLUMNS)])
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise FakesFormatError(f"row 0 (header): column(s) {', '.join(missing)} missing; "
                               f"expected {', '.join(COLUMNS)} and {TRAILING_COLUMNS} unnamed columns")
    if named != COLUMNS or len(header) != len(COLUMNS) + TRAILING_COLUMNS or any(header[len(COLUMNS):]):
        raise FakesFormatError(f"row 0 (header): columns are {header}, expected {list(COLUMNS)} "
                               f"and {TRAILING_COLUMNS} unnamed columns")


def _row(number: int, record: list[str]) -> FakesRow:
    width = len(COLUMNS) + TRAILING_COLUMNS
    if len(record) != width:
        raise FakesFormatError(f"row {number}: has {len(record)} columns, expected {width}; is the file truncated?")
    fields, repairs = {}, []
    for column, value in zip(COLUMNS, record):
        text, lost = decode_field(value.encode("latin-1"))
        fields[column] = canonicalize(text)
        repairs.extend(Repair(column, seq, REPLACEMENT) for seq in lost)
    unit_id = fields["unit_id"]
    if not unit_id.isascii() or not unit_id.isdigit():
        raise FakesFormatError(f"row {number}: unit_id {unit_id!r} is not a number")
    if not is_slug(fields["source"]):
        raise FakesFormatError(f"row {number} (unit_id {unit_id}): source {fields['source']!r} is not an outlet key")
    if fields["labels"] not in ("0", "1"):
        raise FakesFormatError(f"row {number} (unit_id {unit_id}): label {fields['labels']!r} is not 0 or 1")
    if not fields["article_content"].strip():
        raise FakesFormatError(f"row {number} (unit_id {unit_id}): article_content is empty")
    return FakesRow(number, unit_id, fields["article_title"], fields["article_content"], fields["source"],
                    _date(number, unit_id, fields["date"]), fields["location"], int(fields["labels"]),
                    tuple(record[len(COLUMNS):]), tuple(repairs))


def _date(number: int, unit_id: str, value: str) -> dt.date:
    """The ``date`` column, M/D/YYYY."""
    try:
        month, day, year = (int(part) for part in value.split("/"))
        return dt.date(year, month, day)
    except ValueError:
        raise FakesFormatError(f"row {number} (unit_id {unit_id}): date {value!r} is not M/D/YYYY") from None


def _check_line_ends(data: bytes, rows: list[FakesRow]) -> None:
    """The file must end with a complete record: a final line end. (A file cut at a line end
    is only caught by its checksum, which :mod:`castcorpus.sources.fakes.hydrate` verifies first.)"""
    if not data.endswith(b"\n"):
        raise FakesFormatError(f"row {rows[-1].row}: the last record has no line end; is the file truncated?")


def crlf_line_ends(data: bytes) -> bool:
    """True when every line of the file ends with CRLF."""
    return data.count(b"\n") == data.count(b"\r\n")


def document_ids(rows: list[FakesRow]) -> list[str]:
    """The stable document id of each row (see the module docstring)."""
    counts = Counter(r.unit_id for r in rows)
    ids = [f"fa-kes-{r.unit_id}" if counts[r.unit_id] == 1 else f"fa-kes-{r.unit_id}-r{r.row}" for r in rows]
    bad = [i for i in ids if not is_slug(i)]
    if bad:
        raise FakesFormatError(f"document id {bad[0]!r} is not a valid slug")
    return ids
