"""Candidates from a local Wikidata JSON dump (or a subset of one), read as a stream.

The dump format is Wikidata's: a JSON array with one entity per line (``[``, then lines of
``{...},``, then ``]``), plain or compressed with gzip or bzip2. The file is never held in
memory: a first pass keeps the items whose label or alias (in the language asked, or ``mul``)
is one of the names searched, and the ISO code of every country item (P297); a second pass,
only when needed, reads the labels of the classes those items are instances of.
"""

from __future__ import annotations

import bz2
import gzip
import json
from pathlib import Path
from typing import IO, Iterable, Iterator

from .client import WikidataError
from .items import ISO_ALPHA2, Item, claim_values, is_item, item_of
from .normalise import normalise
from .targets import Target


def _open(path: Path) -> IO[str]:
    opener = {".gz": gzip.open, ".bz2": bz2.open}.get(path.suffix, open)
    return opener(path, "rt", encoding="utf-8")


def entities(path: Path) -> Iterator[dict]:
    """The entities of the dump at ``path``, one at a time."""
    try:
        with _open(path) as handle:
            for number, line in enumerate(handle, 1):
                text = line.strip().rstrip(",")
                if text in ("", "[", "]"):
                    continue
                try:
                    yield json.loads(text)
                except ValueError as err:
                    raise WikidataError("wikidata-dump-malformed",
                                        f"{path}: line {number} is not one JSON entity ({err})") from err
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise WikidataError("wikidata-dump-malformed", f"{path}: cannot read the dump ({err})") from err


class DumpSource:
    """Candidate items, class labels and country codes read from a dump."""

    def __init__(self, path: str | Path, language: str = "en"):
        self.path, self.language = Path(path), language
        self._index: dict[str, list[str]] = {}
        self._items: dict[str, Item] = {}
        self._codes: dict[str, str] = {}
        self._labels: dict[str, str] = {}

    def describe(self) -> dict:
        return {"kind": "dump", "file": self.path.name, "language": self.language}

    def prepare(self, targets: Iterable[Target]) -> None:
        """The first pass: items named like any target, and the country codes."""
        wanted = {normalise(name) for target in targets for name in target.names}
        for entity in entities(self.path):
            if not is_item(entity):
                continue
            for code in claim_values(entity, ISO_ALPHA2)[:1]:
                self._codes[entity["id"]] = code
            item = item_of(entity, self.language)
            keys = {normalise(n) for n in [item.label or "", *item.aliases]} & wanted
            for key in keys:
                self._index.setdefault(key, []).append(item.qid)
            if keys:
                self._items[item.qid] = item
        self._labels = {q: i.label for q, i in self._items.items() if i.label}

    def find(self, target: Target) -> list[Item]:
        """The items whose label or an alias is one of the target's names."""
        qids = dict.fromkeys(q for name in target.names for q in self._index.get(normalise(name), []))
        return [self._items[q] for q in qids]

    def class_labels(self, qids: set[str]) -> dict[str, str]:
        """Labels of ``qids`` (a second pass over the dump for those not met yet)."""
        missing = set(qids) - set(self._labels)
        if missing:
            for entity in entities(self.path):
                if is_item(entity) and entity["id"] in missing:
                    label = item_of(entity, self.language).label
                    if label:
                        self._labels[entity["id"]] = label
        return {q: self._labels[q] for q in qids if q in self._labels}

    def country_codes(self, qids: set[str]) -> dict[str, str]:
        """ISO 3166-1 alpha-2 codes of the country items among ``qids`` that the dump holds."""
        return {q: self._codes[q] for q in qids if q in self._codes}
