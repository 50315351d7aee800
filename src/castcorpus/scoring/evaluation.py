"""Evaluating a predictions file against a release: read, check, score, and show the result.

:func:`evaluate` returns an :class:`Evaluation` (issues or scores, never printed here);
:func:`table` and :func:`as_json` turn it into text for people and for programs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from castcorpus.corpus.files import iter_lines
from castcorpus.report import Issue
from .predictions import KEY_FIELDS, parse_lines
from .references import ReleaseError, documents, fingerprint, label_names, read_rows, task_of, text_lengths
from .scorer import PredictionError, score_records


@dataclass
class Evaluation:
    """The outcome of scoring one predictions file: ``issues`` (then no ``result``) or ``result``."""

    config: str
    split: str
    file: str
    fingerprint: str
    issues: list[Issue] = field(default_factory=list)
    result: dict | None = None

    @property
    def valid(self) -> bool:
        return not self.issues


def evaluate(release: str | Path, config: str, split: str, predictions: str | Path,
             release_fingerprint: str | None = None) -> Evaluation:
    """Score the predictions file against ``split`` of ``config`` in ``release``.

    ``release_fingerprint`` saves hashing the release again when the caller knows it.

    Raises :class:`castcorpus.scoring.references.ReleaseError` when the release has no such config
    or split, and ``OSError`` when the file cannot be read.
    """
    file = str(predictions)
    references = read_rows(release, config, split)
    needed = KEY_FIELDS.get(task_of(config), ())
    if references and any(name not in references[0] for name in needed):
        raise ReleaseError(f"{release}: the {split!r} rows of config {config!r} lack the columns "
                           f"{', '.join(n for n in needed if n not in references[0])}; not a castcorpus release")
    outcome = Evaluation(config, split, file, release_fingerprint or fingerprint(release))
    try:
        records, issues = parse_lines(_text_lines(Path(predictions)), file)
    except _NotUtf8 as err:
        outcome.issues = [Issue(file, "", "encoding-invalid", f"not UTF-8 (byte {err.offset})")]
        return outcome
    claims = task_of(config) == "claims"
    docs = documents(release, config, split) if claims else None
    lengths = text_lengths(release, config, split) if claims else None
    try:
        outcome.result = score_records(config, records, references, documents=docs,
                                       labels=label_names(release, config), file=file, text_lengths=lengths)
    except PredictionError as err:
        issues = issues + err.issues
    outcome.issues = sorted(issues, key=lambda i: (int(i.pointer) if i.pointer.isdigit() else 0, i.code))
    if outcome.issues:
        outcome.result = None
    return outcome


#: Largest predictions file read (bytes).
MAX_PREDICTIONS_BYTES = 1 << 30


class _NotUtf8(Exception):
    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


def _text_lines(path: Path) -> Iterator[str]:
    """The lines of a predictions file, read and decoded one at a time (the file is checked to
    be a regular file under the size limit before it is read: a named pipe or a device never
    blocks the scorer); raises ``OSError`` naming ``path``, or :class:`_NotUtf8` at the first
    byte that is not UTF-8 (its offset in the file). A leading byte-order mark is dropped."""
    for offset, raw in iter_lines(path, MAX_PREDICTIONS_BYTES):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise _NotUtf8(offset + err.start) from err
        yield line.removeprefix("\ufeff") if offset == 0 else line


def as_json(outcome: Evaluation) -> str:
    """The evaluation as a JSON document."""
    body = {"config": outcome.config, "split": outcome.split, "predictions_file": outcome.file,
            "release_fingerprint": outcome.fingerprint, "valid": outcome.valid,
            "issues": [asdict(i) for i in outcome.issues]}
    if outcome.result is not None:
        body.update(outcome.result)
    return json.dumps(body, indent=2, ensure_ascii=False)


def _pct(value: float) -> str:
    return f"{100 * value:5.1f}"


def _prf_line(name: str, scores: dict) -> str:
    support = f"  {scores['support']:>5}" if "support" in scores else ""
    return f"  {name:<28}{_pct(scores['precision'])}  {_pct(scores['recall'])}  {_pct(scores['f1'])}{support}"


def _header(title: str, support: bool = True) -> list[str]:
    return [title, f"  {'':<28}{'P':>5}  {'R':>5}  {'F1':>5}" + ("  support" if support else "")]


def _classification(title: str, result: dict) -> list[str]:
    lines = _header(title)
    lines += [_prf_line(label, s) for label, s in result["per_class"].items()]
    lines.append(f"  {'macro-F1':<28}{'':>14}{_pct(result['macro_f1'])}")
    lines.append(f"  {'accuracy':<28}{'':>14}{_pct(result['accuracy'])}  {result['n']:>5}")
    return lines


def _confusion(result: dict) -> list[str]:
    width = max(len(c) for c in result["columns"] + result["labels"]) + 2
    lines = ["confusion (rows gold, columns predicted)",
             "  " + " " * width + "".join(f"{c:>{width}}" for c in result["columns"])]
    for label, row in zip(result["labels"], result["matrix"]):
        lines.append(f"  {label:<{width}}" + "".join(f"{v:>{width}}" for v in row))
    return lines


def _task_lines(task: str, scores: dict) -> list[str]:
    if task == "sentences":
        return _header("claim detection") + [_prf_line("claim (positive class)", scores["claim"])] + \
            _classification("per class", scores)[2:]
    if task == "checkworthiness":
        return _header("check-worthiness") + [_prf_line("check_worthy (positive class)", scores["check_worthy"])] + \
            _classification("per class", scores)[2:]
    if task == "stances":
        return _classification("stance polarity", scores) + _confusion(scores["confusion"])
    if task == "credibility":
        return _header("document credibility") + [_prf_line("fake (positive class)", scores["fake"])] + \
            _classification("per class", scores)[2:]
    if task == "attribution":
        lines = _classification("attribution (author or speaker's actor type)", scores)
        if "speaker" in scores:
            sp = scores["speaker"]
            lines.append(f"speaker accuracy {_pct(sp['accuracy'])} ({sp['correct']} of {sp['n']})")
        return lines
    if task == "claim_spans":
        return _header("claim spans (entity level, BIO tokens)") + [_prf_line("claim", scores["spans"])]
    if task == "actor_ner":
        ent = scores["entities"]
        lines = _header("actor mentions (entity level)") + [_prf_line("all types", ent["overall"])]
        lines += [_prf_line(kind, s) for kind, s in ent["per_type"].items()]
        if "linking" in scores:
            link = scores["linking"]
            lines.append(f"actor linking accuracy {_pct(link['accuracy'])} ({link['correct']} of {link['mentions']} mentions)")
        return lines
    lines: list[str] = []
    if "spans" in scores:
        sp = scores["spans"]
        lines += _header("claim spans (SemEval-2020 Task 11 SI)", support=False)
        lines += [_prf_line("exact match", sp["exact"]), _prf_line("partial overlap", sp["partial"])]
    if "type" in scores:
        lines += _classification("claim type", scores["type"])
    if "check_worthy" in scores:
        lines += _header("check-worthiness") + [_prf_line("check_worthy", scores["check_worthy"])]
    if "speaker" in scores:
        sp = scores["speaker"]
        lines.append(f"attribution (speaker) accuracy {_pct(sp['accuracy'])} ({sp['correct']} of {sp['n']})")
    return lines or ["no claim attribute or span predicted"]


def table(outcome: Evaluation, shown_missing: int = 10) -> list[str]:
    """The scores as lines of text (percentages), with the missing predictions summarized."""
    result = outcome.result or {}
    lines = [f"{outcome.config} / {outcome.split}: {result['predictions']} prediction line(s), "
             f"{result['references']} reference row(s)"]
    gone = result["missing"]
    if gone:
        shown = ", ".join(gone[:shown_missing]) + (f" and {len(gone) - shown_missing} more" if len(gone) > shown_missing else "")
        lines.append(f"{len(gone)} missing prediction(s), scored as wrong: {shown}")
    return lines + _task_lines(result["task"], result["scores"])
