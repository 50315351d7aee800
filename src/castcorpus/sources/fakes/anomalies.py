"""The known defects of the FA-KES file, found and reported as data, never hidden or fixed.

:func:`anomalies` returns one :class:`~castcorpus.report.Issue` per finding. The issue's
``file`` is the published file name and its ``pointer`` is ``/<row>`` or ``/<row>/<column>``
(rows 1-based; the header is row 0). Messages name rows, unit_ids and document ids, never
any text of the file. These are notes about the source: they do not make hydration fail.
"""

from __future__ import annotations

import re
from collections import defaultdict

from castcorpus.report import Issue
from .reader import COLUMNS, TRAILING_COLUMNS, FakesRow

FILE = "FA-KES-Dataset.csv"
#: Texts shorter than this (code points) are reported: the shortest real articles are a
#: headline and a date, far below the next shortest (223).
SHORT_TEXT = 200
#: Page furniture left in the texts by the scraper, by kind. Each pattern is a marker of a
#: kind of debris (a button label, a counter, a footer word), not a quotation of any text.
DEBRIS = {
    "share-print-buttons": re.compile(r"\bPrint Tweet\b|\bShare on\b|\bGet short URL\b"),
    "view-counter": re.compile(r"\bViews \d+\b"),
    "social-follow": re.compile(r"\bLike Follow\b|\bComment via Facebook|\bFollow us\b", re.I),
    "copyright-line": re.compile(r"\bCopyright\b|\bAll rights reserved\b", re.I),
    "font-size": re.compile(r"\bfont size\b", re.I),
    "read-more-related": re.compile(r"\bRead more\b|\bViews \d+ Related\b", re.I),
    "tags-footer": re.compile(r"\bTags\b.{0,200}\bCommunity standards", re.S),
    "last-update-stamp": re.compile(r"\bLast Update:|\bLast updated at\b"),
    "standards-footer": re.compile(r"\bOur Standards:"),
}


def anomalies(rows: list[FakesRow], ids: list[str], crlf: bool) -> list[Issue]:
    """Every anomaly of the file, in a stable order (by kind, then row)."""
    found = [*_file_level(rows, crlf)]
    found += _repeated_unit_ids(rows, ids)
    found += _duplicated_texts(rows, ids)
    found += _label_conflicts(rows, ids)
    for row, doc_id in zip(rows, ids):
        found += _row_level(row, doc_id)
    return found


def debris_kinds(text: str) -> list[str]:
    """The kinds of page debris found in ``text``, in the order of :data:`DEBRIS`."""
    return [kind for kind, pattern in DEBRIS.items() if pattern.search(text)]


def groups(rows: list[FakesRow], key) -> list[list[int]]:
    """Indexes of rows sharing ``key(row)``, for keys that occur more than once, in row order."""
    by_key: dict = defaultdict(list)
    for index, row in enumerate(rows):
        by_key[key(row)].append(index)
    return [members for members in by_key.values() if len(members) > 1]


def _where(rows: list[FakesRow], ids: list[str], members: list[int]) -> str:
    return ", ".join(f"row {rows[i].row} ({ids[i]}, label {rows[i].label})" for i in members)


def _file_level(rows: list[FakesRow], crlf: bool) -> list[Issue]:
    found = []
    if crlf:
        found.append(Issue(FILE, "", "fakes-crlf", "records end with CRLF; field texts are canonicalized to LF"))
    empty = sum(1 for r in rows if not any(r.trailing))
    found.append(Issue(FILE, "/0", "fakes-trailing-columns",
                       f"the header has {TRAILING_COLUMNS} unnamed columns after {COLUMNS[-1]}; "
                       f"they are empty on {empty} of {len(rows)} rows"))
    return found


def _repeated_unit_ids(rows, ids) -> list[Issue]:
    found = []
    for members in groups(rows, lambda r: r.unit_id):
        for i in members:
            found.append(Issue(FILE, f"/{rows[i].row}/unit_id", "fakes-unit-id-repeated",
                               f"unit_id {rows[i].unit_id} occurs on {len(members)} rows: {_where(rows, ids, members)}"))
    return found


def _duplicated_texts(rows, ids) -> list[Issue]:
    found = []
    for members in groups(rows, lambda r: r.text):
        first = members[0]
        for i in members[1:]:
            found.append(Issue(FILE, f"/{rows[i].row}/article_content", "fakes-text-duplicated",
                               f"text of row {rows[i].row} ({ids[i]}) is identical to that of row "
                               f"{rows[first].row} ({ids[first]})"))
    return found


def _label_conflicts(rows, ids) -> list[Issue]:
    found = []
    for what, key in (("unit_id", lambda r: r.unit_id), ("text", lambda r: r.text)):
        for members in groups(rows, key):
            if len({rows[i].label for i in members}) > 1:
                found.append(Issue(FILE, f"/{rows[members[0]].row}/labels", "fakes-label-conflict",
                                   f"rows with the same {what} have opposite labels: {_where(rows, ids, members)}"))
    return found


def _row_level(row: FakesRow, doc_id: str) -> list[Issue]:
    found = []
    for column in COLUMNS:
        lost = [r.sequence for r in row.repairs if r.column == column]
        if lost:
            sequences = ", ".join(sorted({" ".join(f"0x{b:02X}" for b in seq) for seq in lost}))
            found.append(Issue(FILE, f"/{row.row}/{column}", "fakes-encoding-repaired",
                               f"{doc_id}: {len(lost)} damaged byte sequence(s) ({sequences}) decoded as U+FFFD"))
    kinds = debris_kinds(row.text)
    if kinds:
        found.append(Issue(FILE, f"/{row.row}/article_content", "fakes-debris",
                           f"{doc_id}: text carries page debris: {', '.join(kinds)}"))
    if len(row.text) < SHORT_TEXT:
        found.append(Issue(FILE, f"/{row.row}/article_content", "fakes-text-short",
                           f"{doc_id}: text has only {len(row.text)} code points"))
    for offset, value in enumerate(row.trailing):
        if value:
            found.append(Issue(FILE, f"/{row.row}/{len(COLUMNS) + offset}", "fakes-trailing-column-value",
                               f"{doc_id}: unnamed column {len(COLUMNS) + offset + 1} holds a value "
                               f"({len(value)} characters) where the others are empty"))
    return found
