"""Reading and checking a predictions file (JSON Lines) against the reference rows.

Every finding is an :class:`~castcorpus.report.Issue` whose ``pointer`` is the 1-based line
number, so the CLI prints ``file:line: code: message``. The structure of a line is checked
against ``schema/predictions-<task>.schema.json``; label names against the release's own
ClassLabel names (never restated here); ids against the reference rows. Errors make the file
unusable for scoring; rows without a prediction are not errors: they are scored as wrong and
listed by :func:`missing`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Iterable

from jsonschema import Draft202012Validator

from castcorpus.corpus.jsonio import _DuplicateKey, _no_duplicates, lone_surrogates
from castcorpus.corpus.schema import _issues_of, load_schema
from castcorpus.report import Issue

#: Task (base config) -> the reference columns that identify a row.
KEY_FIELDS = {  # in the order of castcorpus.scoring.tasks.SCORED (a test checks they agree)
    "sentences": ("doc_id", "sentence_index"),
    "checkworthiness": ("doc_id", "sentence_index"),
    "claim_spans": ("doc_id", "sentence_index"),
    "claims": ("doc_id", "claim_id"),
    "attribution": ("doc_id", "claim_id"),
    "stances": ("doc_id", "stance_id"),
    "actor_ner": ("doc_id", "sentence_index"),
    "credibility": ("doc_id",),
}
#: Task -> prediction field -> reference ClassLabel column whose names it must use.
LABEL_FIELDS = {
    "sentences": {"label": "label"},
    "checkworthiness": {"label": "label"},
    "claims": {"type": "type"},
    "attribution": {"label": "label"},
    "credibility": {"label": "label"},
    "stances": {"polarity": "polarity"},
    "actor_ner": {"ner_tags": "ner_tags"},
    "claim_spans": {"span_tags": "span_tags"},
}
#: Token tasks -> the prediction fields that hold one item per token.
TOKEN_FIELDS = {"actor_ner": ("ner_tags", "actor_keys"), "claim_spans": ("span_tags",)}
TASKS = tuple(KEY_FIELDS)


def key_of(task: str, row: dict) -> tuple:
    """The id of a reference row or a prediction, as a tuple of its key fields."""
    return tuple(row[name] for name in KEY_FIELDS[task])


def show_key(key: tuple) -> str:
    """An id as people read it: ``doc/claim`` or ``doc/3``."""
    return "/".join(str(part) for part in key)


@dataclass
class Checked:
    """A predictions file after checking: predictions by id, span lines by document, errors."""

    by_key: dict[tuple, dict] = field(default_factory=dict)
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    lines: int = 0


@cache
def _validator(task: str, part: str | None = None) -> Draft202012Validator:
    schema = load_schema(f"predictions-{task}")
    return Draft202012Validator(schema["$defs"][part] if part else schema)


def _structure_issues(task: str, obj: Any, file: str, line: int) -> list[Issue]:
    if not isinstance(obj, dict):
        return [Issue(file, str(line), "schema-type", f"expected a JSON object, got {type(obj).__name__}")]
    part = None
    if task == "claims":  # pick the branch by shape, for errors about the branch meant
        part = "span_line" if "spans" in obj and "claim_id" not in obj else "claim_line"
    issues = []
    for error in _validator(task, part).iter_errors(obj):
        for issue in _issues_of(error, file):
            where = f"{issue.pointer}: " if issue.pointer else ""
            message = issue.message
            if issue.code == "schema-min-properties":  # the claims schema's "predict something"
                message = "a claim line predicts nothing: give type, check_worthy or speaker"
            issues.append(Issue(file, str(line), issue.code, where + message))
    return issues


def parse_lines(text: str | Iterable[str], file: str) -> tuple[list[tuple[int, Any]], list[Issue]]:
    """``(line number, parsed object)`` of every non-blank line of ``text`` (a whole file, or
    its lines one by one as they are read), and the lines that are not
    JSON or cannot be trusted: duplicate keys in an object (which value would count?),
    NaN/Infinity, integers longer than Python converts, nesting too deep to parse, strings
    with lone surrogates. No line raises."""
    records, issues = [], []
    lines = text.split("\n") if isinstance(text, str) else text
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        value, problem = _parse_line(raw)
        if problem is None:
            records.append((number, value))
        else:
            issues.append(Issue(file, str(number), *problem))
    if not records and not issues:
        issues.append(Issue(file, "", "predictions-empty", "the file holds no predictions"))
    return records, issues


def _no_constants(name: str):
    raise ValueError(f"{name} is not a JSON value")


def _parse_line(raw: str) -> tuple[Any, tuple[str, str] | None]:
    """One line's value, or ``(code, message)`` of why it cannot be used."""
    try:
        value = json.loads(raw, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except _DuplicateKey as err:
        return None, ("json-duplicate-key", f"key {str(err)!r} occurs twice in one object")
    except json.JSONDecodeError as err:
        return None, ("json-malformed", f"not a JSON value: {err.msg} (column {err.colno})")
    except RecursionError:
        return None, ("json-malformed", "not a JSON value: nesting is too deep")
    except ValueError as err:  # NaN/Infinity, or an integer longer than Python converts
        return None, ("json-malformed", f"not a JSON value: {str(err).split(';')[0]}")
    for where, char in lone_surrogates(value):
        return None, ("json-lone-surrogate", f"{where or '/'}: string holds U+{ord(char):04X}, half of a "
                      "surrogate pair (from a \\u escape)")
    return value, None


def _label_issues(task, obj, labels: dict[str, list[str]], file, line) -> list[Issue]:
    issues = []
    for name, column in LABEL_FIELDS[task].items():
        if name not in obj:
            continue
        known = set(labels[column])
        values = obj[name] if isinstance(obj[name], list) else [obj[name]]
        for value in dict.fromkeys(v for v in values if v not in known):
            issues.append(Issue(file, str(line), "unknown-label",
                                f"{name}: {value!r} is not a label of this release ({', '.join(labels[column])})"))
    return issues


def _length_issues(task, obj, ref, file, line) -> list[Issue]:
    """Token tasks: one tag (and key) per token of the reference row."""
    if task not in TOKEN_FIELDS:
        return []
    issues = []
    for name in TOKEN_FIELDS[task]:
        if name in obj and len(obj[name]) != len(ref["tokens"]):
            issues.append(Issue(file, str(line), "length-mismatch",
                                f"{name} has {len(obj[name])} item(s), the row has {len(ref['tokens'])} token(s)"))
    return issues


def _span_issues(obj, file, line, length: int | None = None) -> list[Issue]:
    issues = [Issue(file, str(line), "span-invalid", f"spans/{i}: start {s['start']} is not before end {s['end']}")
              for i, s in enumerate(obj["spans"]) if s["start"] >= s["end"]]
    if length is not None:
        issues += [Issue(file, str(line), "span-out-of-range",
                         f"spans/{i}: end {s['end']} is past the end of the text ({length} code points)")
                   for i, s in enumerate(obj["spans"]) if s["end"] > length]
    return issues


def check(task: str, records: Iterable[tuple[int, Any]], references: dict[tuple, dict],
          documents: set[str], labels: dict[str, list[str]], file: str,
          text_lengths: dict[str, int] | None = None) -> Checked:
    """Check parsed lines against the references (``key -> row``); ``documents`` are the
    annotated documents of the split (for claim span lines)."""
    out = Checked()
    seen: dict[Any, int] = {}
    for line, obj in records:
        out.lines += 1
        issues = _structure_issues(task, obj, file, line)
        if issues:
            out.issues.extend(issues)
            continue
        is_span = task == "claims" and "spans" in obj
        key = ("spans", obj["doc_id"]) if is_span else key_of(task, obj)
        known = obj["doc_id"] in documents if is_span else key in references
        shown = obj["doc_id"] if is_span else show_key(key)
        if key in seen:
            out.issues.append(Issue(file, str(line), "duplicate-id",
                                    f"{shown} was already predicted on line {seen[key]}"))
            continue
        seen[key] = line
        if not known:
            what = "annotated document" if is_span else "row"
            out.issues.append(Issue(file, str(line), "unknown-id", f"{shown} is no {what} of this split"))
            continue
        found = (_span_issues(obj, file, line, (text_lengths or {}).get(obj["doc_id"])) if is_span else
                 _label_issues(task, obj, labels, file, line) + _length_issues(task, obj, references[key], file, line))
        out.issues.extend(found)
        if is_span:
            out.spans[obj["doc_id"]] = [(s["start"], s["end"]) for s in obj["spans"]]
        else:
            out.by_key[key] = obj
    return out


def missing(task: str, checked: Checked, references: dict[tuple, dict], documents: set[str]) -> list[str]:
    """Ids of reference rows (and, for claim spans, documents) that got no prediction.

    For ``claims``, a field (type, check_worthy, speaker) that some claim line gives is
    expected on every claim; spans are expected for every document once any span line is given.
    """
    out = []
    fields = _claim_fields(checked) if task == "claims" else ()
    for key in references:
        prediction = checked.by_key.get(key)
        if prediction is None and (task != "claims" or fields):
            out.append(show_key(key))
        elif prediction is not None and any(name not in prediction for name in fields):
            out.append(show_key(key) + " (" + ", ".join(n for n in fields if n not in prediction) + ")")
    if task == "claims" and checked.spans:
        out.extend(f"{doc} (spans)" for doc in sorted(documents - set(checked.spans)))
    return out


def _claim_fields(checked: Checked) -> tuple[str, ...]:
    """The claim attributes a file predicts: those any claim line gives."""
    return tuple(name for name in ("type", "check_worthy", "speaker")
                 if any(name in p for p in checked.by_key.values()))
