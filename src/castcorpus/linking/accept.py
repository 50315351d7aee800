"""Writing the QIDs a reviewer accepted into the registries, with the reviewer in ``sources``.

Nothing is written unless everything holds: the review file follows its schema, every
accepted QID is one of its proposal's candidates, every entry exists and is not linked to
another item, and the registries, once edited, still pass their schemas and checks. Each
registry file is then replaced whole (written to a temporary file and renamed).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from castcorpus.corpus.jsonio import dump_json
from castcorpus.corpus.schema import _issues_of, load_schema, schema_issues
from castcorpus.report import Issue, pointer
from castcorpus.validation.registries import actor_issues, event_issues, outlet_issues
from .targets import REGISTRIES, read_registries

#: Reviewer pseudonyms, as the annotation passes name their annotators.
REVIEWER = re.compile(r"^annotator-[1-9][0-9]*$")
_KIND = {"actors.json": "actors", "outlets.json": "outlets", "events.json": "events"}


@dataclass
class Acceptance:
    """The outcome: the registry files to write (name -> text), what was linked, the issues."""

    files: dict[str, str] = field(default_factory=dict)
    linked: list[tuple[str, str, str]] = field(default_factory=list)  # (registry, key, QID)
    unchanged: int = 0
    issues: list[Issue] = field(default_factory=list)


def review_issues(review: Any, file: str) -> list[Issue]:
    """The review file's breaches of ``schema/wikidata-review.schema.json``."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(load_schema("wikidata-review"))
    return [issue for error in validator.iter_errors(review) for issue in _issues_of(error, file)]


def accept(review: Any, review_file: str, corpus_root: Path, reviewer: str,
           today: datetime.date | None = None) -> Acceptance:
    """Apply the accepted proposals of ``review`` to the registries under ``corpus_root`` (in
    memory: the caller writes :attr:`Acceptance.files` when there are no issues)."""
    if not REVIEWER.match(reviewer):
        raise ValueError(f"reviewer {reviewer!r} is not a pseudonym annotator-<n>")
    result = Acceptance(issues=review_issues(review, review_file))
    if result.issues:
        return result
    chosen = [(i, p) for i, p in enumerate(review["proposals"]) if p["accepted"] is not None]
    files, result.issues = read_registries(corpus_root, tuple({p["registry"] for _, p in chosen}))
    if result.issues:
        return result
    day = (today or datetime.date.today()).isoformat()
    for index, proposal in chosen:
        _apply(files, index, proposal, review_file, reviewer, day, result)
    result.issues += [i for name, value in files.items() for i in _registry_issues(name, value)]
    if not result.issues and result.linked:
        result.files = {name: dump_json(value) for name, value in files.items()}
    return result


def _apply(files, index, proposal, review_file, reviewer, day, result: Acceptance) -> None:
    qid, here = proposal["accepted"], pointer("proposals", index)
    candidate = next((c for c in proposal["candidates"] if c["qid"] == qid), None)
    if candidate is None:
        result.issues.append(Issue(review_file, here + "/accepted", "wikidata-not-a-candidate",
                                   f"{qid} is not among the candidates of {proposal['key']!r}; accept one of them "
                                   "(an item found otherwise is linked by hand, with its source)"))
        return
    file, list_name = REGISTRIES[proposal["registry"]]
    entry = next((e for e in files[file].get(list_name, []) if e.get("key") == proposal["key"]), None)
    if entry is None:
        result.issues.append(Issue(review_file, here + "/key", "wikidata-entry-unknown",
                                   f"{file} has no {list_name[:-1]} {proposal['key']!r}"))
    elif entry.get("wikidata") == qid:
        result.unchanged += 1  # accepted before: nothing to do
    elif entry.get("wikidata") is not None or entry.get("wikidata_status") != "unlinked":
        state = entry.get("wikidata") or entry.get("wikidata_status")
        result.issues.append(Issue(review_file, here + "/accepted", "wikidata-entry-not-unlinked",
                                   f"{proposal['key']!r} in {file} is {state}, not unlinked: it was changed since "
                                   "the proposals were made; propose again"))
    else:
        entry["wikidata"], entry["wikidata_status"] = qid, "linked"
        entry.setdefault("sources", []).append({
            "fact": "wikidata",
            "source": f"https://www.wikidata.org/wiki/{qid} (accepted by {reviewer} on {day} among the candidates "
                      f"castcorpus link-wikidata proposed: label {candidate['label']!r}, score {candidate['score']})"})
        result.linked.append((proposal["registry"], proposal["key"], qid))


def _registry_issues(name: str, value: dict) -> list[Issue]:
    kind = _KIND[name]
    issues = list(schema_issues(kind, value, name))
    if issues:
        return issues
    if kind == "actors":
        return list(actor_issues(value["actors"], name))
    if kind == "outlets":
        return list(outlet_issues(value["outlets"], None, name))
    return list(event_issues(value, name))
