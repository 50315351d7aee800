"""Label Studio's JSON export back to annotation files, checked before anything is written:
the export's shape, each task against the corpus (document, text), each region and relation,
and the annotation that results against the schema and the validator's rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from castcorpus.corpus.jsonio import load_json
from castcorpus.corpus.reader import Corpus, CorpusError
from castcorpus.corpus.schema import schema_issues
from castcorpus.corpus.texts import text_sha256
from castcorpus.interop.labelstudio import names
from castcorpus.interop.labelstudio.build import Builder
from castcorpus.interop.labelstudio.regions import parse
from castcorpus.interop.labelstudio.tasks import HEADER
from castcorpus.report import Issue
from castcorpus.validation.annotations import AnnotationContext, annotation_issues


class ExportUnreadable(ValueError):
    """The export file cannot be read as JSON, or is not a list of tasks; ``issues`` say why."""

    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(issue.line() for issue in issues))
        self.issues = issues


@dataclass
class Imported:
    """The annotation files an export gives, by document id, and the findings; write nothing
    unless ``issues`` is empty."""

    annotations: dict[str, dict[str, Any]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def read_export(path: Path, rel: str) -> list[Any]:
    """The tasks of an export file; raises :class:`ExportUnreadable`."""
    loaded = load_json(path, rel)
    if not loaded.ok:
        raise ExportUnreadable(loaded.issues)
    if not isinstance(loaded.value, list):
        raise ExportUnreadable([Issue(rel, "", "ls-export-invalid",
                                      "a Label Studio JSON export is a list of tasks; this file holds "
                                      f"a {type(loaded.value).__name__}")])
    return loaded.value


def import_tasks(tasks: list[Any], corpus: Corpus, file: str) -> Imported:
    """Every task of ``tasks`` as an annotation file, checked against ``corpus``."""
    result = Imported()
    registries = {"actors": set(corpus.actors), "clusters": set(corpus.clusters)}
    seen: dict[str, int] = {}
    for i, task in enumerate(tasks):
        annotation, issues = _one(task, i, corpus, registries, file)
        result.issues += issues
        if annotation is None:
            continue
        doc = annotation["document"]
        if doc in seen:
            result.issues.append(Issue(file, f"/{i}", "ls-duplicate-document",
                                       f"document {doc!r} is also the document of task /{seen[doc]}"))
            continue
        seen[doc] = i
        result.annotations[doc] = annotation
    return result


def _header(task: Any, i: int, file: str) -> tuple[dict | None, str | None, Issue | None]:
    data = task.get("data") if isinstance(task, dict) else None
    carried = data.get(names.CARRIED) if isinstance(data, dict) else None
    if not isinstance(carried, dict) or not isinstance(data.get("text"), str):
        return None, None, Issue(file, f"/{i}/data", "ls-task-invalid",
                                 f"the task has no data.text or data.{names.CARRIED} (was it made by "
                                 "'castcorpus export label-studio'?)")
    missing = [key for key in (*HEADER, "span_text") if key not in carried]
    if missing or not isinstance(carried["document"], str):
        return None, None, Issue(file, f"/{i}/data/{names.CARRIED}", "ls-task-invalid",
                                 f"data.{names.CARRIED} lacks {', '.join(missing) or 'a document id'}")
    return carried, data["text"], None


def _latest(task: dict, i: int, file: str) -> tuple[Any, str] | Issue:
    """The result list of the task's latest annotation that was not cancelled, and its pointer."""
    entries = task.get("annotations")
    kept = [(k, a) for k, a in enumerate(entries) if isinstance(a, dict) and not a.get("was_cancelled")] \
        if isinstance(entries, list) else []
    if not kept:
        return Issue(file, f"/{i}/annotations", "ls-task-unannotated",
                     "the task has no annotation that was submitted and not cancelled (a prediction alone is "
                     "not imported: submit it in Label Studio first)")
    k, entry = max(kept, key=lambda pair: (str(pair[1].get("updated_at") or ""), pair[0]))
    return entry.get("result"), f"/{i}/annotations/{k}/result"


def _one(task: Any, i: int, corpus: Corpus, registries, file: str) -> tuple[dict | None, list[Issue]]:
    carried, text, problem = _header(task, i, file)
    if problem:
        return None, [problem]
    problem = _check_text(carried, text, corpus, i, file)
    if problem:
        return None, [problem]
    latest = _latest(task, i, file)
    if isinstance(latest, Issue):
        return None, [latest]
    result, base = latest
    header = {key: carried[key] for key in HEADER}
    order = carried.get("key_order") if isinstance(carried.get("key_order"), dict) else {}
    builder = Builder(parse(result, text, registries, file, base), header, text, bool(carried["span_text"]), file, order)
    annotation = builder.annotation()
    if builder.issues:
        return None, builder.issues
    found = _validate(annotation, text, corpus, f"{annotation['document']}.json")
    return annotation, [Issue(x.file, x.pointer, x.code, f"{x.message} (in the file made from task /{i} of {file})")
                        for x in found]


def _check_text(carried: dict, text: str, corpus: Corpus, i: int, file: str) -> Issue | None:
    doc = carried["document"]
    try:
        meta = corpus.meta(doc)
    except CorpusError:
        return Issue(file, f"/{i}/data/{names.CARRIED}/document", "ls-unknown-document",
                     f"document {doc!r} is not in the corpus")
    if text_sha256(text) != meta["text_sha256"] or carried["text_sha256"] != meta["text_sha256"]:
        return Issue(file, f"/{i}/data/text", "ls-text-mismatch",
                     f"the task's text is not the canonical text of {doc!r} (its SHA-256 differs from the document's)")
    return None


def _validate(annotation: dict, text: str, corpus: Corpus, where: str) -> list[Issue]:
    """What ``castcorpus validate`` would say of the file: schema first, then its own rules."""
    issues = list(schema_issues("annotation", annotation, where))
    if issues:
        return issues
    meta = corpus.meta(annotation["document"])
    redistributable = corpus.collections.get(meta["collection"], {}).get("redistributable")
    ctx = AnnotationContext(where, text, len(text), redistributable, corpus.actors, set(corpus.clusters))
    return list(annotation_issues(annotation, ctx))
