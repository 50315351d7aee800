"""Reading one Label Studio annotation's result list into regions and relations, with a finding
for every item that cannot be read (unknown tag or label, span out of range, text that differs)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from castcorpus.interop.labelstudio import names
from castcorpus.interop.labelstudio.fields import CLAIM, STANCE, Field, fields
from castcorpus.report import Issue


@dataclass
class Region:
    """One region: its id, span, layer label, per-region values by tag, and where it was read."""

    rid: str
    start: int
    end: int
    order: int
    where: str
    label: str | None = None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Relation:
    from_id: str
    to_id: str
    label: str
    where: str


@dataclass
class Parsed:
    """The regions and relations of one result list; ``broken`` are the ids of regions one of
    whose items had a finding (what depends on them is not reported again)."""

    regions: dict[str, Region]
    relations: list[Relation]
    issues: list[Issue]
    broken: set[str] = field(default_factory=set)


def _tags() -> dict[str, Field | None]:
    tags: dict[str, Field | None] = {names.LAYER: None, names.MENTION_ACTOR: None}
    for layer in (CLAIM, STANCE):
        tags |= {f.tag: f for f in fields(layer)}
    return tags


def parse(result: Any, text: str, registries: dict[str, set[str]], file: str, base: str) -> Parsed:
    """The regions and relations of ``result`` (a Label Studio result list) on ``text``.
    ``registries`` holds the actor and cluster keys choices may name; ``base`` is the JSON
    pointer of the result list in ``file``."""
    parsed = Parsed({}, [], [])
    if not isinstance(result, list):
        parsed.issues.append(Issue(file, base, "ls-result-invalid", "the annotation's result is not a list"))
        return parsed
    tags = _tags()
    for k, item in enumerate(result):
        where = f"{base}/{k}"
        problem = _read_item(item, k, where, text, tags, registries, parsed)
        if problem:
            parsed.issues.append(Issue(file, where, *problem))
            # What hangs on a bad item is not reported again (a cue whose relation was unreadable).
            ids = (item.get("id"), item.get("from_id"), item.get("to_id")) if isinstance(item, dict) else ()
            parsed.broken |= {rid for rid in ids if isinstance(rid, str)}
    for rid, reg in parsed.regions.items():
        if reg.label is None and rid not in parsed.broken:
            parsed.issues.append(Issue(file, reg.where, "ls-result-invalid",
                                       f"region {rid!r} has values but no layer label ({'/'.join(names.REGION_LABELS)})"))
    return parsed


def _read_item(item, k, where, text, tags, registries, parsed) -> tuple[str, str] | None:
    if not isinstance(item, dict):
        return "ls-result-invalid", "a result item is not an object"
    if item.get("type") == "relation":
        return _read_relation(item, where, parsed)
    name, value, rid = item.get("from_name"), item.get("value"), item.get("id")
    if name not in tags:
        return "ls-unknown-label", f"tag {name!r} is not in the labeling config"
    if not isinstance(rid, str) or not isinstance(value, dict):
        return "ls-result-invalid", "a region result needs an id and a value object"
    start, end = value.get("start"), value.get("end")
    if type(start) is not int or type(end) is not int:
        return "ls-result-invalid", "a region's start and end must be integers (offsets into the text)"
    if not 0 <= start < end <= len(text):
        return "ls-span-out-of-range", f"span [{start}, {end}) is not inside the text (length {len(text)})"
    reg = parsed.regions.setdefault(rid, Region(rid, start, end, k, where))
    if (reg.start, reg.end) != (start, end):
        return "ls-result-invalid", f"region {rid!r} is [{reg.start}, {reg.end}) in {reg.where} but [{start}, {end}) here"
    if name == names.LAYER:
        return _read_label(reg, value, text, where)
    if name in reg.values:
        return "ls-result-invalid", f"region {rid!r} has {name} twice"
    return _read_value(reg, name, tags[name], value, registries)


def _read_relation(item, where, parsed) -> tuple[str, str] | None:
    labels = item.get("labels")
    if not isinstance(item.get("from_id"), str) or not isinstance(item.get("to_id"), str):
        return "ls-result-invalid", "a relation needs from_id and to_id"
    if not isinstance(labels, list) or len(labels) != 1 or labels[0] not in names.RELATION_LABELS:
        return "ls-unknown-label", (f"a relation needs exactly one label of {', '.join(names.RELATION_LABELS)}; "
                                    f"it has {labels!r}")
    parsed.relations.append(Relation(item["from_id"], item["to_id"], labels[0], where))
    return None


def _read_label(reg: Region, value: dict, text: str, where: str) -> tuple[str, str] | None:
    labels = value.get("labels")
    if not isinstance(labels, list) or len(labels) != 1 or labels[0] not in names.REGION_LABELS:
        return "ls-unknown-label", f"a region needs exactly one label of {', '.join(names.REGION_LABELS)}; it has {labels!r}"
    if reg.label is not None:
        return "ls-result-invalid", f"region {reg.rid!r} is labelled twice"
    covered = value.get("text")
    if covered is not None and covered != text[reg.start:reg.end]:
        return "ls-span-text-mismatch", (f"the region's text {covered!r} is not the task text at "
                                         f"[{reg.start}, {reg.end}) ({text[reg.start:reg.end]!r})")
    reg.label, reg.where = labels[0], where
    return None


def _read_value(reg: Region, name: str, spec: Field | None, value: dict, registries) -> tuple[str, str] | None:
    if spec is not None and spec.kind == "text":
        lines = value.get("text")
        if not isinstance(lines, list) or len(lines) != 1 or not isinstance(lines[0], str):
            return "ls-result-invalid", f"{name} must hold one text"
        reg.values[name] = lines[0]
        return None
    picked = value.get("choices")
    if not isinstance(picked, list) or not all(isinstance(c, str) for c in picked):
        return "ls-result-invalid", f"{name} must hold a list of choices"
    allowed = registries["actors"] if spec is None else (registries[spec.registry] if spec.registry else set(spec.values))
    unknown = [c for c in picked if c not in allowed]
    if unknown:
        return "ls-unknown-label", f"{name}: {', '.join(map(repr, unknown))} is not a choice of the labeling config"
    if (spec is None or spec.kind == "choice") and len(picked) > 1:
        return "ls-result-invalid", f"{name} takes one choice; it has {len(picked)}"
    if spec is None:
        reg.values[name] = picked[0] if picked else None
    elif spec.kind == "choices":
        reg.values[name] = picked
    elif spec.boolean:
        reg.values[name] = json.loads(picked[0]) if picked else None
    else:
        reg.values[name] = picked[0] if picked else None
    return None
