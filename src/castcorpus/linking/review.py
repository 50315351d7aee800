"""The review file: for every unlinked entry, its candidates ranked with their evidence.

``schema/wikidata-review.schema.json`` describes it. A reviewer sets ``accepted`` to the QID
of the candidate that is the entry (or leaves it null); :mod:`.accept` then writes only those.
"""

from __future__ import annotations

import datetime
from typing import Iterable, Protocol

from castcorpus.report import Issue
from .items import Item
from .rank import score
from .targets import Target, where

SCHEMA_VERSION = "1.0"


class Source(Protocol):
    """Where candidates come from: the API (:class:`~.api.ApiSource`) or a dump
    (:class:`~.dump.DumpSource`)."""

    def describe(self) -> dict: ...
    def prepare(self, targets: list[Target]) -> None: ...
    def find(self, target: Target) -> list[Item]: ...
    def class_labels(self, qids: set[str]) -> dict[str, str]: ...
    def country_codes(self, qids: set[str]) -> dict[str, str]: ...


def propose(targets: Iterable[Target], source: Source, keep: int = 5,
            today: datetime.date | None = None) -> tuple[dict, list[Issue]]:
    """The review file for ``targets`` (at most ``keep`` candidates each, best first) and a
    ``wikidata-no-candidate`` warning for every target nothing was found for. Raises
    :class:`~.client.WikidataError` when the source fails."""
    targets = list(targets)
    source.prepare(targets)
    found = {(t.registry, t.key): source.find(t) for t in targets}
    items = [item for candidates in found.values() for item in candidates]
    labels = source.class_labels({q for item in items for q in item.instance_of})
    codes = source.country_codes({q for item in items for q in item.countries})
    proposals, warnings = [], []
    for target in targets:
        candidates = _ranked(target, found[(target.registry, target.key)], labels, codes)[:keep]
        if not candidates:
            file, pointer = where(target)
            warnings.append(Issue(file, pointer, "wikidata-no-candidate",
                                  f"no Wikidata item found for {target.key!r} under {_names(target)}; "
                                  "it stays unlinked (link it by hand if an item exists under another name)"))
        proposals.append({"registry": target.registry, "key": target.key, "name": target.name, "kind": target.kind,
                          "country": target.country, "searched": target.names, "candidates": candidates,
                          "accepted": None})
    review = {"schema_version": SCHEMA_VERSION, "created": (today or datetime.date.today()).isoformat(),
              "source": source.describe(), "proposals": proposals}
    return review, warnings


def _names(target: Target) -> str:
    shown = ", ".join(repr(n) for n in target.names[:4])
    return shown + (f" and {len(target.names) - 4} more names" if len(target.names) > 4 else "")


def _ranked(target: Target, items: list[Item], labels: dict[str, str], codes: dict[str, str]) -> list[dict]:
    rows = []
    for item in items:
        points, evidence = score(target.names, target.kind, target.country, item, labels, codes)
        rows.append({"qid": item.qid, "label": item.label, "description": item.description,
                     "instance_of": [{"qid": q, "label": labels.get(q)} for q in item.instance_of],
                     "countries": [{"qid": q, "code": codes.get(q)} for q in item.countries],
                     "score": points, "evidence": [e.as_dict() for e in evidence]})
    # Best first; among equals by item id, so that the order never depends on the search's.
    return sorted(rows, key=lambda r: (-r["score"], int(r["qid"][1:])))
