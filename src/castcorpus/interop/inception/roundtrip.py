"""Export corpus documents for INCEpTION and import what comes back, against the corpus.

:func:`export_documents` makes the XMI of annotated documents (their texts read as every command
reads them: in-repository texts from ``texts/``, external ones from the hydration cache);
:func:`import_bundle` reads an export folder or zip back into annotation files and checks them
as ``validate`` checks a gold file. Both return findings; nothing is written here.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from castcorpus.corpus.reader import Corpus
from castcorpus.corpus.schema import schema_issues
from castcorpus.report import Issue
from castcorpus.validation.annotations import AnnotationContext, annotation_issues
from . import files, typesystem as T
from .export import Unrepresentable, load_typesystem, to_cas
from .restore import Target, from_cas


class TextUnavailable(Exception):
    """A document's text is not at hand (an external text that is not hydrated)."""


def _text(corpus: Corpus, meta: dict[str, Any]) -> str:
    text = corpus.text(meta)
    if text is None:
        raise TextUnavailable(f"the text of {meta['id']} is not hydrated; run 'castcorpus hydrate' first")
    return text


def export_documents(corpus: Corpus, doc_ids: list[str]) -> tuple[dict[str, bytes], list[Issue]]:
    """The XMI (UTF-8 bytes) of each document's gold annotation, by document id.

    Raises :class:`TextUnavailable` for a text that is not hydrated and
    :class:`~castcorpus.corpus.reader.CorpusError` for a document or annotation that cannot be read."""
    ts = load_typesystem()
    out, issues = {}, []
    for doc_id in doc_ids:
        annotation = corpus.annotation(doc_id)
        if annotation is None:
            issues.append(Issue(f"annotations/{doc_id}.json", "", "inception-document-unknown",
                                f"document {doc_id!r} has no gold annotation file to export"))
            continue
        meta = corpus.meta(doc_id)
        try:
            cas = to_cas(annotation, _text(corpus, meta), meta.get("language", "en"),
                         f"annotations/{doc_id}.json", typesystem=ts)
        except Unrepresentable as err:
            issues.extend(err.issues)
            continue
        out[doc_id] = cas.to_xmi(pretty_print=True).encode("utf-8")
    return out, issues


def import_bundle(bundle: files.Bundle, corpus: Corpus) -> tuple[dict[str, dict], list[Issue]]:
    """The annotation file each XMI file of ``bundle`` holds, by document id, and the findings.

    Raises :class:`TextUnavailable` when a document's text is not at hand."""
    ours = load_typesystem()
    results: dict[str, dict] = {}
    issues: list[Issue] = []
    sources: dict[str, str] = {}
    for name, data in sorted(bundle.xmi.items()):
        annotation, found = _import_one(bundle, name, data, corpus, ours)
        issues.extend(found)
        if annotation is None:
            continue
        doc_id = annotation["document"]
        if doc_id in sources:
            issues.append(Issue(name, "", "inception-document-repeated",
                                f"document {doc_id!r} is also in {sources[doc_id]}; import one file per document"))
            continue
        sources[doc_id] = name
        results[doc_id] = annotation
    return results, issues


def _import_one(bundle, name: str, data: bytes, corpus: Corpus, ours) -> tuple[dict | None, list[Issue]]:
    ts, issues = files.load_typesystem(bundle, name, ours)
    if ts is None:
        return None, issues
    cas, issues = files.load_cas(data, ts, name)
    if cas is None:
        return None, issues
    doc_id = document_id(cas, name)
    if doc_id not in corpus.document_ids():
        return None, [Issue(name, "", "inception-document-unknown",
                            f"the CAS is of document {doc_id!r}, which is not in the corpus")]
    meta = corpus.meta(doc_id)
    keep_text = bool(corpus.collections.get(meta["collection"], {}).get("redistributable"))
    text = _text(corpus, meta)
    annotation, issues = from_cas(cas, Target(text, keep_text), name)
    if annotation is None:
        return None, issues
    return annotation, list(_checks(annotation, meta, text, keep_text, corpus, name))


def document_id(cas, name: str) -> str:
    """The document a CAS is of: the ``document`` of its header, else the XMI file's name."""
    if cas.typesystem.contains_type(T.DOCUMENT):
        for fs in cas.select(T.DOCUMENT):
            try:
                header = json.loads(fs.get("header") or "")
            except ValueError:
                break
            if isinstance(header, dict) and isinstance(header.get("document"), str):
                return header["document"]
    return PurePosixPath(name).name.removesuffix(".xmi")


def _checks(annotation: dict, meta: dict, text: str, keep_text: bool, corpus: Corpus, file: str):
    """What ``validate`` finds in the annotation file an import would write."""
    schema = list(schema_issues("annotation", annotation, file))
    if schema:
        yield from schema
        return
    if annotation["text_sha256"] != meta["text_sha256"]:
        yield Issue(file, "/text_sha256", "annotation-hash-mismatch",
                    "the annotations were made on another text than the document's")
    ctx = AnnotationContext(file, text, meta["text_length"], keep_text, corpus.actors, set(corpus.clusters))
    yield from annotation_issues(annotation, ctx)
