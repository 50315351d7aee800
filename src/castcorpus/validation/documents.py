"""Checks of one document at a time: its metadata, text and annotations (gold and passes).

:func:`check_documents` is the per-document loop of :func:`castcorpus.validation.run.validate`,
kept apart so that the build can run it on chunks of documents in worker processes. The
functions take the run's :class:`~castcorpus.validation.context.Context`, whose registries and
report they use.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from castcorpus.corpus.jsonio import MAX_TEXT_BYTES, read_limited
from castcorpus.corpus.reader import hydrated_text_path
from castcorpus.corpus.schema import load_schema
from castcorpus.corpus.texts import bytes_sha256, decode_canonical, text_sha256
from castcorpus.report import Issue, pointer
from .annotations import AnnotationContext, annotation_issues, cluster_refs
from .context import CheckedDocument, Context, Opened, close, probe, status_of

#: The current guidelines version: the newest the annotation schema accepts.
CURRENT_GUIDELINES = load_schema("annotation")["properties"]["guidelines_version"]["enum"][-1]


def check_documents(run: Context, paths: list[Path]) -> None:
    """Check these document files (from :meth:`ValidationRun.document_files`), each with its text and
    annotations, calling ``on_document`` after each."""
    for path in paths:
        # Strings from here on: pathlib's work for every document showed in large corpora.
        path = os.fspath(path)
        stem, rel = os.path.basename(path).rpartition(".")[0], run.layout.rel(path)
        meta = run.load(path, "document", rel=rel)
        if meta is None:
            run.unusable_documents.add(stem)
            continue
        if meta["id"] != stem:
            run.issue(rel, "/id", "document-id-mismatch", f"id {meta['id']!r} differs from the file name {stem!r}")
            run.unusable_documents.add(stem)
            continue
        run.documents[meta["id"]] = _slim(meta)
        _check_document_refs(run, meta, rel)
        _check_document_text(run, meta, rel)
        # Check this document's annotations while its text is at hand, then let the text go:
        # memory stays flat however large the corpus.
        gold = _check_annotations_of(run, meta["id"])
        run.splits.add(meta, gold)
        text = run.texts.pop(meta["id"], None)
        if run.on_document is not None:
            run.on_document(CheckedDocument(meta, gold, text, run.report))


def _slim(meta: dict) -> dict:
    """What later checks need of a document's metadata (the rest is not kept in memory)."""
    return {key: meta[key] for key in ("id", "collection", "text_sha256", "text_length")}


def _check_annotations_of(run: Context, doc_id: str) -> dict | None:
    """Check a document's gold annotation and passes; the gold one when its schema holds."""
    # Paths and report names as plain strings: pathlib objects for every file showed in large corpora.
    # folder + separator + name: what os.path.join gives (Path text never ends with a
    # separator), without its cost.
    name = f"{doc_id}.json"
    candidates = [(run.folders.annotations, f"annotations/{name}", None)]
    candidates += [(folder, f"passes/{annotator}/{name}", annotator) for folder, annotator in run.pass_folder_names()]
    # Each file probed once (opened when it is no link): "is it there", the reading that
    # follows, and the gold file's check that the passes it was adjudicated from are there.
    found = [(folder, path, rel, annotator, probed) for folder, rel, annotator in candidates
             if (probed := _annotation_probe(path := folder + os.sep + name)) is not None]
    passes = {annotator: False for _, _, annotator in candidates[1:]}
    passes.update((annotator, True) for *_, annotator, _ in found if annotator is not None)
    gold = None
    for folder, path, rel, annotator, (opened, status) in found:
        run.checked.add(path)
        loaded = check_annotation_file(run, path, annotator, status, rel, passes, folder, opened)
        gold = loaded if annotator is None else gold
    return gold


def _annotation_probe(path: str) -> tuple[Opened | None, os.stat_result] | None:
    """What :func:`probe` gives for an annotation file that is there to be read (a regular
    file, or a link to one); None, and nothing left open, when there is none."""
    opened, status = probe(path)
    if opened is not None and not stat.S_ISREG(status.st_mode):  # a folder or a pipe: not one
        close(opened)
        return None
    if status is not None and (stat.S_ISREG(status.st_mode) or stat.S_ISLNK(status.st_mode) and os.path.isfile(path)):
        return opened, status
    return None


def _check_document_refs(run: Context, meta: dict, rel: str) -> None:
    collection = _collection(run, meta)
    if collection is None and run.collections is not None:
        run.issue(rel, "/collection", "unknown-collection", f"collection {meta['collection']!r} is not in collections.json")
    for where, key in (("/outlet", meta["outlet"]),
                       ("/republication/original_outlet", (meta["republication"] or {}).get("original_outlet"))):
        if key is not None and run.outlets is not None and key not in run.outlets:
            run.issue(rel, where, "unknown-outlet", f"outlet {key!r} is not in outlets.json")
    _check_events_named(run, meta, rel)
    if collection and not collection["redistributable"]:
        if meta["title"] is not None:
            run.issue(rel, "/title", "title-stored-non-redistributable",
                      "the title of a document that is not redistributable must not be stored (use null)")
        if "source_record" not in meta:
            run.issue(rel, "", "source-record-missing", "an external document must give its source_record")


def _check_events_named(run: Context, meta: dict, rel: str) -> None:
    """With an event registry, every document names the events it reports, and they exist."""
    if run.events is None:
        return
    if not meta.get("reports_on"):
        run.issue(rel, "", "document-event-missing",
                  "the corpus has an event registry: name the events the document reports in reports_on")
    elif run.events:  # an empty set: events.json is unusable, its own findings say why
        for index, key in enumerate(meta["reports_on"]):
            if key not in run.events:
                run.issue(rel, f"/reports_on/{index}", "unknown-event", f"event {key!r} is not in events.json")


def _collection(run: Context, meta: dict) -> dict | None:
    """The document's collection, or None when it is unknown or collections.json is unusable."""
    return (run.collections or {}).get(meta["collection"])


def redistributable(run: Context, meta: dict) -> bool | None:
    """Whether the document's text may be stored; None when its collection is not known."""
    collection = _collection(run, meta)
    return None if collection is None else bool(collection["redistributable"])


def _check_document_text(run: Context, meta: dict, rel: str) -> None:
    name = f"{meta['id']}.txt"
    stored, stored_rel = run.folders.texts + os.sep + name, f"texts/{name}"  # strings, as in _check_annotations_of
    opened, status = probe(stored)  # None: neither a file nor a link (dangling or not) is there
    collection = _collection(run, meta)
    if collection is not None and collection["storage"] == "external":
        close(opened)
        if status is not None:
            run.issue(stored_rel, "", "text-stored-non-redistributable",
                      f"document {meta['id']} is not redistributable: its text must not be stored in the corpus")
        hydrated = str(hydrated_text_path(run.cache_dir, meta["collection"], meta["id"]))
        found = status_of(hydrated)  # the cache's links are followed; its status saves one more
        if found is not None:
            _check_text_file(run, meta, hydrated, hydrated, found)
        return
    if status is None:
        # Without a known collection, a missing text may be an external one: not reported.
        if collection is not None:
            run.issue(rel, "", "text-missing", f"text file texts/{meta['id']}.txt is missing")
        return
    if run.outside(stored, stored_rel, status, run.folders.texts):
        close(opened)
    else:
        _check_text_file(run, meta, stored, stored_rel, status, opened)


def _check_text_file(run: Context, meta: dict, path: str | Path, rel: str, status: os.stat_result | None = None,
                     opened: Opened | None = None) -> None:
    run.report.files_checked += 1
    data, issues = read_limited(path, rel, MAX_TEXT_BYTES, status, opened)
    run.report.extend(issues)
    if data is None:
        return
    text, problems = decode_canonical(data)
    for problem in problems:
        run.issue(rel, "", problem.code, problem.message)
    if text is None or problems:
        return
    if bytes_sha256(data) != meta["text_sha256"]:  # the bytes are the text's UTF-8: no need to encode it
        run.issue(rel, "", "text-hash-mismatch",
                  f"SHA-256 of the text is {text_sha256(text)}, document {meta['id']} says {meta['text_sha256']}")
        return
    if len(text) != meta["text_length"]:
        # The hash matched, so the text is the right one: the metadata is what is wrong.
        run.issue(f"documents/{meta['id']}.json", "/text_length", "text-length-mismatch",
                  f"{rel} has {len(text)} code points, text_length says {meta['text_length']}")
        return
    run.texts[meta["id"]] = text


def check_annotation_file(run: Context, path: str | Path, expected_annotator: str | None,
                          status: os.stat_result | None = None, rel: str | None = None,
                          passes: dict[str, bool] | None = None, folder: str | None = None,
                          opened: Opened | None = None) -> dict | None:
    """Check one annotation file (gold when ``expected_annotator`` is None, else a pass of that
    annotator); its value when its schema holds. ``status``: its ``os.lstat`` (or with
    ``opened``, what :func:`~castcorpus.validation.context.probe` gave), ``rel``: its
    name in reports, ``passes``: whether each pass folder has this document's pass, and
    ``folder``: its folder as text, when known."""
    rel = rel or run.layout.rel(path)
    annotation = run.load(path, "annotation", status, rel, folder, opened)
    if annotation is None:
        return None
    stem = os.path.basename(path).rpartition(".")[0]  # a <id>.json file
    if expected_annotator and annotation["provenance"]["annotators"] != [expected_annotator]:
        run.issue(rel, "/provenance/annotators", "pass-annotator-mismatch",
                  f"a pass in passes/{expected_annotator}/ must name exactly that annotator")
    if expected_annotator is None:
        _check_merged_clusters(run, annotation, rel)
        _check_guidelines_version(run, annotation, rel)
        _check_adjudicated_passes(run, annotation, stem, rel, passes or {})
    _check_annotation(run, annotation, stem, rel)
    return annotation


def _check_guidelines_version(run: Context, annotation: dict, rel: str) -> None:
    """A gold file made under older guidelines is a warning: it should be re-checked under the
    current ones (passes keep the version they were made under: they are records)."""
    if annotation["guidelines_version"] != CURRENT_GUIDELINES:
        run.report.warn(Issue(rel, "/guidelines_version", "guidelines-outdated",
                              f"made under guidelines {annotation['guidelines_version']}; re-check it under "
                              f"{CURRENT_GUIDELINES} (docs/guidelines.md, changelog) and update the version"))


def _check_adjudicated_passes(run: Context, annotation: dict, stem: str, rel: str, passes: dict[str, bool]) -> None:
    """An adjudicated file merged passes that are in the corpus: passes/<annotator>/<id>.json
    (``passes``: what is known of them already, by annotator)."""
    provenance = annotation["provenance"]
    if provenance["status"] != "adjudicated":
        return
    for index, annotator in enumerate(provenance.get("passes", [])):
        there = passes.get(annotator)
        if there is None:
            there = (run.layout.passes / annotator / f"{stem}.json").is_file()
        if not there:
            run.issue(rel, pointer("provenance", "passes", index), "adjudicated-pass-missing",
                      f"adjudicated from the pass of {annotator}, but there is no passes/{annotator}/{stem}.json")


def _check_merged_clusters(run: Context, annotation: dict, rel: str) -> None:
    """Gold annotations use the key a merged cluster key was merged into (passes may keep it)."""
    for index, claim in enumerate(annotation["claims"]):
        for path, key in cluster_refs(claim, ("claims", index)):
            if key in run.merged_clusters:
                run.issue(rel, pointer(*path), "cluster-merged",
                          f"cluster {key!r} was merged into {run.merged_clusters[key]!r}; use that key")


def _check_annotation(run: Context, annotation: dict, stem: str, rel: str) -> None:
    doc_id = annotation["document"]
    if doc_id != stem:
        run.issue(rel, "/document", "annotation-document-mismatch", f"document {doc_id!r} differs from the file name {stem!r}")
        return
    meta = run.documents.get(doc_id)
    if meta is None and doc_id in run.unusable_documents:
        return
    if meta is None:
        run.issue(rel, "/document", "unknown-document", f"there is no document {doc_id!r} in documents/")
        return
    if annotation["text_sha256"] != meta["text_sha256"]:
        run.issue(rel, "/text_sha256", "annotation-hash-mismatch",
                  f"annotations were made on text {annotation['text_sha256'][:12]}..., "
                  f"document {doc_id} now has text {meta['text_sha256'][:12]}...")
        return
    ctx = AnnotationContext(rel, run.texts.get(doc_id), meta["text_length"], redistributable(run, meta), run.actors, run.clusters)
    run.report.extend(annotation_issues(annotation, ctx))
