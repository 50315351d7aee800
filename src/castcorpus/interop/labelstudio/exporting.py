"""Choosing the documents to export and making their tasks and the labeling config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from castcorpus.corpus.reader import Corpus
from castcorpus.interop.labelstudio.config import labeling_config
from castcorpus.interop.labelstudio.tasks import task


class ExportError(ValueError):
    """A chosen document cannot be exported (unknown, not annotated, text not hydrated)."""


@dataclass
class Export:
    config: str
    tasks: list[dict[str, Any]]
    third_party: list[str]  # documents whose text the repository may not redistribute


def export(corpus: Corpus, documents: list[str] | None = None, prefill: str = "annotations") -> Export:
    """The labeling config and the tasks of ``documents`` (default: every annotated document)."""
    chosen = documents or [doc for doc in corpus.document_ids() if corpus.annotation(doc) is not None]
    tasks, third_party = [], []
    for doc in chosen:
        if doc not in set(corpus.document_ids()):
            raise ExportError(f"document {doc!r} is not in the corpus")
        annotation, meta = corpus.annotation(doc), corpus.meta(doc)
        if annotation is None:
            raise ExportError(f"document {doc!r} has no annotation file")
        text = corpus.text(meta)
        if text is None:
            raise ExportError(f"the text of {doc!r} is not hydrated; run 'castcorpus hydrate' first")
        redistributable = bool(corpus.collections[meta["collection"]]["redistributable"])
        if not redistributable:
            third_party.append(doc)
        tasks.append(task(annotation, text, redistributable, _author(corpus, meta), prefill))
    config = labeling_config(sorted(corpus.actors), sorted(corpus.clusters))
    return Export(config, tasks, third_party)


def _author(corpus: Corpus, meta: dict[str, Any]) -> str:
    """The outlet whose voice ``author`` is: the original outlet of a republished text."""
    outlet = (meta.get("republication") or {}).get("original_outlet") or meta["outlet"]
    return corpus.outlets.get(outlet, {}).get("name", outlet)
