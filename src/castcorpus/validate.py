"""``validate(root)``: every schema on every file, then the checks a schema cannot express.

The validator only reads: it never changes a file. Problems with the input become issues in
the returned :class:`~castcorpus.report.Report`; only a root that is not a corpus folder
at all raises :class:`~castcorpus.corpus.CorpusError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .corpus import CorpusError, Layout, default_cache_dir, hydrated_text_path, is_slug
from .jsonio import MAX_TEXT_BYTES, load_json, read_limited
from .report import Issue, Report, pointer
from .schema import schema_issues
from .texts import decode_canonical, text_sha256
from .validate_annotations import AnnotationContext, annotation_issues, cluster_refs
from .validate_registries import actor_issues, duplicate_keys, outlet_issues

_TOP_LEVEL = {"outlets.json", "actors.json", "collections.json", "clusters.json", "texts", "documents", "annotations", "passes"}
_PASS_FOLDER = "annotator-"


_NO_CLUSTERS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CheckedDocument:
    """What ``validate(..., on_document=...)`` hands over for each document after its checks.

    ``annotation`` is the gold annotation when it passed its schema, else None. ``text`` is the
    document's canonical text when it was found and passed every text check (hash, length,
    encoding), else None. ``report`` is the run's report so far (live: a caller can tell
    whether anything has been found yet, and what).
    """

    meta: dict
    annotation: dict | None
    text: str | None
    report: Report


class _Run:
    """State of one validation run."""

    def __init__(self, root: Path, cache_dir: Path | None, on_document: Callable[[CheckedDocument], None] | None):
        self.layout = Layout(root)
        self.on_document = on_document
        self.root_resolved = root.resolve()
        self.cache_dir = cache_dir
        self.report = Report()
        # A registry that cannot be used stays None, so that references into it are not
        # all reported as dangling: the registry's own findings say what is wrong.
        self.actors: dict[str, dict] | None = None
        self.outlets: dict[str, dict] | None = None
        self.collections: dict[str, dict] | None = None
        # clusters.json is optional; without it (EMPTY) every cluster key is dangling.
        self.clusters: set[str] | None = _NO_CLUSTERS
        self.merged_clusters: dict[str, str] = {}
        self.documents: dict[str, dict] = {}
        # Documents whose metadata file exists but cannot be used: their annotations are not
        # cross-checked (reporting them as "unknown-document" would blame the wrong file).
        self.unusable_documents: set[str] = set()
        self.texts: dict[str, str] = {}
        self.pass_folders: list[Path] = []
        self.checked: set[Path] = set()  # annotation files already checked with their document
        self.resolved_folders: dict[Path, Path] = {}

    def absorb(self, findings: "DocumentFindings") -> None:
        """Take in what another process found checking a chunk of this corpus's documents."""
        self.report.extend(findings.issues)
        self.report.files_checked += findings.files_checked
        self.documents.update(findings.documents)
        self.unusable_documents |= findings.unusable
        self.checked |= findings.checked

    def _resolved_folder(self, folder: Path) -> Path:
        if folder not in self.resolved_folders:
            self.resolved_folders[folder] = folder.resolve()
        return self.resolved_folders[folder]

    def issue(self, file: str, where: str, code: str, message: str) -> None:
        self.report.add(Issue(file, where, code, message))

    def load(self, path: Path, kind: str) -> Any:
        """Parse and schema-check one file; its value when usable, else None."""
        rel = self.layout.rel(path)
        self.report.files_checked += 1
        if self.outside(path, rel):
            return None
        loaded = load_json(path, rel)
        self.report.extend(loaded.issues)
        if loaded.issues:
            return None
        errors = list(schema_issues(kind, loaded.value, rel))
        self.report.extend(errors)
        return None if errors else loaded.value

    def outside(self, path: Path, rel: str) -> bool:
        """Report and return True when ``path`` resolves outside the corpus folder (through a
        symbolic link to the file or to any folder above it): the validator reads only the corpus."""
        # A folder is resolved once per run; a file that is no link resolves into its folder.
        resolved = path.resolve() if path.is_symlink() else self._resolved_folder(path.parent) / path.name
        if resolved.is_relative_to(self.root_resolved):
            return False
        self.issue(rel, "", "file-outside-corpus", "symbolic link points outside the corpus folder")
        return True


def validate(root: str | Path = "corpus", cache_dir: str | Path | None = None, *,
             on_document: Callable[[CheckedDocument], None] | None = None) -> Report:
    """Validate the corpus under ``root`` and return the report of all findings.

    ``cache_dir`` is where hydrated external texts are looked for (default: the user cache);
    when a hydrated text is there, annotations of its document are checked against it too.
    ``on_document(CheckedDocument)`` is called for every document whose metadata passed its
    schema, in id order, after its checks, with its gold annotation and verified text: the
    build derives its rows and split anchors from this one pass instead of reading the files
    again.
    """
    run = begin(root, cache_dir, on_document)
    check_documents(run, document_files(run))
    return finish(run)


def begin(root: str | Path, cache_dir: str | Path | None = None,
          on_document: Callable[[CheckedDocument], None] | None = None) -> _Run:
    """Start a validation run: check the top level and the registries (the first steps of
    :func:`validate`). With :func:`document_files`, :func:`check_documents` and :func:`finish`,
    this lets the build check the documents in several processes, a chunk each."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError(f"{root}: not a folder")
    if not (root / "documents").is_dir() and not (root / "actors.json").exists():
        raise CorpusError(f"{root}: not a corpus folder (no documents/ and no actors.json)")
    run = _Run(root, Path(cache_dir) if cache_dir else default_cache_dir(), on_document)
    _check_top_level(run)
    _check_registries(run)
    run.pass_folders = _pass_folders(run)
    return run


def document_files(run: _Run) -> list[Path]:
    """The document files to check, in id order (badly named files are reported here)."""
    return list(_json_files(run, run.layout.documents))


def finish(run: _Run) -> Report:
    """The checks after the documents' (orphan texts, annotation folders, passes); the report."""
    _check_orphan_texts(run)
    _check_annotation_folder(run, run.layout.annotations, expected_annotator=None)
    _check_passes(run)
    return run.report


@dataclass
class DocumentFindings:
    """What checking a chunk of documents adds to a run, for :meth:`_Run.absorb` in another
    process's run (plain data: it crosses process boundaries)."""

    issues: list[Issue]
    files_checked: int
    documents: dict[str, dict]
    unusable: set[str]
    checked: set[Path]


def findings_after(run: _Run, issues_before: int, files_before: int) -> DocumentFindings:
    """What ``run`` found after it had ``issues_before`` findings and ``files_before`` files."""
    return DocumentFindings(run.report.issues[issues_before:], run.report.files_checked - files_before,
                            run.documents, run.unusable_documents, run.checked)


def _check_top_level(run: _Run) -> None:
    for entry in sorted(run.layout.root.iterdir()):
        if entry.name not in _TOP_LEVEL and not entry.name.startswith("."):
            run.issue(entry.name, "", "file-unexpected", "not part of the corpus layout (a typo?)")
    for name in ("outlets.json", "actors.json", "collections.json"):
        if not (run.layout.root / name).exists():
            run.issue(name, "", "file-missing", "registry file is missing")


def _check_registries(run: _Run) -> None:
    layout = run.layout
    actors = run.load(layout.actors, "actors") if layout.actors.exists() else None
    if actors:
        run.report.extend(actor_issues(actors["actors"], "actors.json"))
        run.actors = {a["key"]: a for a in actors["actors"]}
    outlets = run.load(layout.outlets, "outlets") if layout.outlets.exists() else None
    if outlets:
        run.report.extend(outlet_issues(outlets["outlets"], run.actors, "outlets.json"))
        run.outlets = {o["key"]: o for o in outlets["outlets"]}
    collections = run.load(layout.collections, "collections") if layout.collections.exists() else None
    if collections:
        run.report.extend(duplicate_keys(collections["collections"], "collections.json", "collections"))
        run.collections = {c["key"]: c for c in collections["collections"]}
    if layout.clusters.exists():
        clusters = run.load(layout.clusters, "clusters")
        run.clusters = None
        if clusters:
            run.report.extend(duplicate_keys(clusters["clusters"], "clusters.json", "clusters"))
            run.clusters = {c["key"] for c in clusters["clusters"]}
            run.merged_clusters = {c["key"]: c["merged_into"] for c in clusters["clusters"] if c.get("merged_into")}


def _entries(folder: Path) -> list[Path]:
    """A folder's entries in name order; hidden files (.gitkeep) are not corpus files."""
    return [folder / name for name, _ in _scan(folder)]


def _scan(folder: Path) -> list[tuple[str, bool]]:
    """``(name, is a folder)`` of a folder's entries in name order, hidden ones left out.

    One ``scandir`` gives both without a ``stat`` per entry (a large corpus has tens of
    thousands of files per folder)."""
    with os.scandir(folder) as scan:
        return sorted((entry.name, entry.is_dir()) for entry in scan if not entry.name.startswith("."))


def _json_files(run: _Run, folder: Path):
    """The JSON files of a folder with a valid id as name; anything else is reported."""
    if not folder.is_dir():
        return
    for name, is_dir in _scan(folder):
        path = folder / name
        rel = run.layout.rel(path)
        if path.suffix != ".json" or is_dir:
            run.issue(rel, "", "file-unexpected", "only <id>.json files belong in this folder")
        elif not is_slug(path.stem):
            # ascii() shows look-alikes (a Cyrillic 'е' prints as \u0435) that repr() would hide.
            run.issue(rel, "", "document-id-invalid",
                      f"file name {ascii(path.stem)} is not a valid id (lowercase ASCII slug, at most 64 characters)")
        else:
            yield path


def check_documents(run: _Run, paths: list[Path]) -> None:
    """Check these document files (from :func:`document_files`), each with its text and
    annotations, calling ``on_document`` after each."""
    for path in paths:
        meta = run.load(path, "document")
        if meta is None:
            run.unusable_documents.add(path.stem)
            continue
        rel = run.layout.rel(path)
        if meta["id"] != path.stem:
            run.issue(rel, "/id", "document-id-mismatch", f"id {meta['id']!r} differs from the file name {path.stem!r}")
            run.unusable_documents.add(path.stem)
            continue
        run.documents[meta["id"]] = _slim(meta)
        _check_document_refs(run, meta, rel)
        _check_document_text(run, meta, rel)
        # Check this document's annotations while its text is at hand, then let the text go:
        # memory stays flat however large the corpus.
        gold = _check_annotations_of(run, meta["id"])
        text = run.texts.pop(meta["id"], None)
        if run.on_document is not None:
            run.on_document(CheckedDocument(meta, gold, text, run.report))


def _slim(meta: dict) -> dict:
    """What later checks need of a document's metadata (the rest is not kept in memory)."""
    return {key: meta[key] for key in ("id", "collection", "text_sha256", "text_length")}


def _pass_folders(run: _Run) -> list[Path]:
    """The well-named annotator folders under passes/ (the others are reported by _check_passes)."""
    if not run.layout.passes.is_dir():
        return []
    return [folder for folder in _entries(run.layout.passes)
            if folder.is_dir() and folder.name.startswith(_PASS_FOLDER) and folder.name[len(_PASS_FOLDER):].isdigit()]


def _check_annotations_of(run: _Run, doc_id: str) -> dict | None:
    """Check a document's gold annotation and passes; the gold one when its schema holds."""
    candidates = [(run.layout.annotations / f"{doc_id}.json", None)]
    candidates += [(folder / f"{doc_id}.json", folder.name) for folder in run.pass_folders]
    gold = None
    for path, annotator in candidates:
        if path.is_file():
            run.checked.add(path)
            loaded = _check_annotation_file(run, path, annotator)
            gold = loaded if annotator is None else gold
    return gold


def _check_document_refs(run: _Run, meta: dict, rel: str) -> None:
    collection = _collection(run, meta)
    if collection is None and run.collections is not None:
        run.issue(rel, "/collection", "unknown-collection", f"collection {meta['collection']!r} is not in collections.json")
    for where, key in (("/outlet", meta["outlet"]),
                       ("/republication/original_outlet", (meta["republication"] or {}).get("original_outlet"))):
        if key is not None and run.outlets is not None and key not in run.outlets:
            run.issue(rel, where, "unknown-outlet", f"outlet {key!r} is not in outlets.json")
    if collection and not collection["redistributable"]:
        if meta["title"] is not None:
            run.issue(rel, "/title", "title-stored-non-redistributable",
                      "the title of a document that is not redistributable must not be stored (use null)")
        if "source_record" not in meta:
            run.issue(rel, "", "source-record-missing", "an external document must give its source_record")


def _collection(run: _Run, meta: dict) -> dict | None:
    """The document's collection, or None when it is unknown or collections.json is unusable."""
    return (run.collections or {}).get(meta["collection"])


def redistributable(run: _Run, meta: dict) -> bool | None:
    """Whether the document's text may be stored; None when its collection is not known."""
    collection = _collection(run, meta)
    return None if collection is None else bool(collection["redistributable"])


def _check_document_text(run: _Run, meta: dict, rel: str) -> None:
    stored = run.layout.texts / f"{meta['id']}.txt"
    collection = _collection(run, meta)
    if collection is not None and collection["storage"] == "external":
        if stored.exists() or stored.is_symlink():
            run.issue(run.layout.rel(stored), "", "text-stored-non-redistributable",
                      f"document {meta['id']} is not redistributable: its text must not be stored in the corpus")
        hydrated = hydrated_text_path(run.cache_dir, meta["collection"], meta["id"])
        if hydrated.exists():
            _check_text_file(run, meta, hydrated, str(hydrated))
        return
    if not stored.exists() and not stored.is_symlink():
        # Without a known collection, a missing text may be an external one: not reported.
        if collection is not None:
            run.issue(rel, "", "text-missing", f"text file texts/{meta['id']}.txt is missing")
        return
    stored_rel = run.layout.rel(stored)
    if not run.outside(stored, stored_rel):
        _check_text_file(run, meta, stored, stored_rel)


def _check_text_file(run: _Run, meta: dict, path: Path, rel: str) -> None:
    run.report.files_checked += 1
    data, issues = read_limited(path, rel, MAX_TEXT_BYTES)
    run.report.extend(issues)
    if data is None:
        return
    text, problems = decode_canonical(data)
    for problem in problems:
        run.issue(rel, "", problem.code, problem.message)
    if text is None or problems:
        return
    if text_sha256(text) != meta["text_sha256"]:
        run.issue(rel, "", "text-hash-mismatch",
                  f"SHA-256 of the text is {text_sha256(text)}, document {meta['id']} says {meta['text_sha256']}")
        return
    if len(text) != meta["text_length"]:
        # The hash matched, so the text is the right one: the metadata is what is wrong.
        run.issue(f"documents/{meta['id']}.json", "/text_length", "text-length-mismatch",
                  f"{rel} has {len(text)} code points, text_length says {meta['text_length']}")
        return
    run.texts[meta["id"]] = text


def _check_orphan_texts(run: _Run) -> None:
    if not run.layout.texts.is_dir():
        return
    for path in _entries(run.layout.texts):
        rel = run.layout.rel(path)
        if path.suffix != ".txt" or not is_slug(path.stem):
            run.issue(rel, "", "document-id-invalid", "text files must be named <id>.txt with a valid id")
        elif path.stem not in run.documents and not (run.layout.documents / f"{path.stem}.json").exists():
            run.issue(rel, "", "text-orphan", f"no document {path.stem!r} in documents/")


def _check_passes(run: _Run) -> None:
    if not run.layout.passes.is_dir():
        return
    for folder in _entries(run.layout.passes):
        name = folder.name
        if not folder.is_dir() or not name.startswith(_PASS_FOLDER) or not name[len(_PASS_FOLDER):].isdigit():
            run.issue(run.layout.rel(folder), "", "pass-annotator-invalid",
                      "passes/ holds one folder per annotator, named annotator-<n>")
            continue
        _check_annotation_folder(run, folder, expected_annotator=name)


def _check_annotation_folder(run: _Run, folder: Path, expected_annotator: str | None) -> None:
    """The files of an annotation folder that no document's check has reached (bad names,
    annotations of documents that do not exist)."""
    for path in _json_files(run, folder):
        if path not in run.checked:
            _check_annotation_file(run, path, expected_annotator)


def _check_annotation_file(run: _Run, path: Path, expected_annotator: str | None) -> dict | None:
    annotation = run.load(path, "annotation")
    if annotation is None:
        return None
    rel = run.layout.rel(path)
    if expected_annotator and annotation["provenance"]["annotators"] != [expected_annotator]:
        run.issue(rel, "/provenance/annotators", "pass-annotator-mismatch",
                  f"a pass in passes/{expected_annotator}/ must name exactly that annotator")
    if expected_annotator is None:
        _check_merged_clusters(run, annotation, rel)
    _check_annotation(run, annotation, path.stem, rel)
    return annotation


def _check_merged_clusters(run: _Run, annotation: dict, rel: str) -> None:
    """Gold annotations use the key a merged cluster key was merged into (passes may keep it)."""
    for index, claim in enumerate(annotation["claims"]):
        for path, key in cluster_refs(claim, ("claims", index)):
            if key in run.merged_clusters:
                run.issue(rel, pointer(*path), "cluster-merged",
                          f"cluster {key!r} was merged into {run.merged_clusters[key]!r}; use that key")


def _check_annotation(run: _Run, annotation: dict, stem: str, rel: str) -> None:
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

