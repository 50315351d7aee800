"""The metadata the repository keeps per FA-KES article: ``corpus/documents/<id>.json``.

:func:`document_meta` turns one decoded row into a document record (valid against
``schema/document.schema.json``) that holds facts, the hash and the length of the canonical
text, and the source record; never the title or the text. :func:`write_documents` writes them
all; it is deterministic (same file, same outlet registry: same bytes) so it can be re-run.
"""

from __future__ import annotations

import json

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from castcorpus.corpus.jsonio import dump_json, write_atomic
from castcorpus.corpus.texts import text_sha256
from .reader import FakesRow

COLLECTION = "fa-kes"


@dataclass
class WrittenDocuments:
    """What :func:`write_documents` did: ids written (changed or new), unchanged, and the
    outlets that were not in the registry (their key stands in for the rights holder)."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unregistered_outlets: list[str] = field(default_factory=list)


def _statement(holder: str) -> str:
    return (f"Third-party article published by {holder} and distributed in the FA-KES dataset "
            "(Abu Salem et al. 2019; Zenodo, doi:10.5281/zenodo.2607278) under CC BY 4.0. "
            "The repository does not store its title or text; 'castcorpus hydrate fa-kes' brings "
            "the text in from the FA-KES file and verifies it against text_sha256.")


def document_meta(row: FakesRow, doc_id: str, outlet_name: str | None,
                  reports_on: list[str] | None = None) -> dict[str, Any]:
    """The document record of one row. ``outlet_name`` is the outlet's registry name (the
    rights holder); when the outlet is not registered yet its key is used instead.
    ``reports_on`` (the events a reviewer found the article reports) is kept when given."""
    holder = outlet_name or row.source
    meta = {
        "schema_version": "1.0",
        "id": doc_id,
        "collection": COLLECTION,
        "title": None,
        "authors": [],
        "outlet": row.source,
        "republication": None,
        "url": None,
        "published": {"value": row.date.isoformat(), "basis": "source-record",
                      "note": "The date column of the FA-KES record."},
        "language": "en",
        "text_sha256": text_sha256(row.text),
        "text_length": len(row.text),
        "rights": {"license": "CC-BY-4.0", "holder": holder, "statement": _statement(holder)},
        "source_record": {"row": row.row, "unit_id": row.unit_id, "label": row.label,
                          "location": row.location or None, "date": row.date.isoformat()},
    }
    if reports_on:
        meta["reports_on"] = reports_on
    return meta


def write_documents(rows: list[FakesRow], ids: list[str], documents_dir: Path,
                    outlets: dict[str, dict[str, Any]]) -> WrittenDocuments:
    """Write the record of every row into ``documents_dir`` (atomically, one file at a time),
    leaving files whose content is already right untouched. The events a file already names
    (``reports_on``, from the event review) are facts the FA-KES file does not hold: kept."""
    result = WrittenDocuments()
    for row, doc_id in zip(rows, ids):
        outlet = outlets.get(row.source)
        if outlet is None and row.source not in result.unregistered_outlets:
            result.unregistered_outlets.append(row.source)
        path = documents_dir / f"{doc_id}.json"
        existing = path.read_text(encoding="utf-8") if path.exists() else None
        reports_on = json.loads(existing).get("reports_on") if existing else None
        content = dump_json(document_meta(row, doc_id, outlet["name"] if outlet else None, reports_on))
        if existing == content:
            result.unchanged.append(doc_id)
            continue
        write_atomic(path, content)
        result.written.append(doc_id)
    return result
