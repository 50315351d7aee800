"""A CAS in the corpus's type system back to an annotation file: the inverse of :mod:`.export`.

Findings name the XMI file and, as the pointer, the annotation they are about:
``/<layer>/<xmi:id>`` (``/Claim/42``); findings on the annotation file that would be written
(its schema, its spans against the text) point into that file, as ``validate`` does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from castcorpus.corpus.schema import bundle
from castcorpus.report import Issue
from . import typesystem as T


@dataclass(frozen=True)
class Target:
    """What an imported CAS is checked against: the document's canonical text, and whether spans
    carry their ``text`` (only for documents the corpus may redistribute)."""

    text: str
    keep_text: bool


def where(fs) -> str:
    """The pointer of one annotation: its layer's short name and its xmi:id."""
    return f"/{fs.type.name.rsplit('.', 1)[-1]}/{fs.xmiID}"


def from_cas(cas, target: Target, file: str) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The annotation file a CAS holds, or None with the findings that prevent reading it."""
    issues = _sofa_issues(cas, target, file)
    if issues:
        return None, issues
    reader = _Reader(cas, target, file)
    header, order = reader.document()
    if header is None:
        return None, reader.issues
    annotation = {**header, "actors": reader.actors(order["actor_order"])}
    annotation["claims"] = reader.claims(order["claim_order"])
    annotation["stances"] = reader.stances(order["stance_order"])
    if reader.issues:
        return None, reader.issues
    return annotation, []


def _sofa_issues(cas, target: Target, file: str) -> list[Issue]:
    sofa = cas.sofa_string or ""
    if sofa == target.text:
        return []
    at = next((i for i, (a, b) in enumerate(zip(sofa, target.text)) if a != b), min(len(sofa), len(target.text)))
    return [Issue(file, "/Sofa", "inception-text-mismatch",
                  f"the CAS text differs from the document's canonical text from code point {at} "
                  f"(lengths {len(sofa)} and {len(target.text)})")]


class _Reader:
    """Reads the layers of one CAS, collecting findings instead of failing on the first."""

    def __init__(self, cas, target: Target, file: str):
        self.cas, self.target, self.file = cas, target, file
        self.issues: list[Issue] = []

    def issue(self, fs, code: str, message: str) -> None:
        self.issues.append(Issue(self.file, where(fs) if fs is not None else "", code, message))

    def select(self, type_name: str) -> list:
        """The annotations of a layer whose offsets lie in the text, in text order."""
        if not self.cas.typesystem.contains_type(type_name):
            return []
        found = []
        for fs in self.cas.select(type_name):
            if 0 <= fs.begin <= fs.end <= len(self.target.text):
                found.append(fs)
            else:
                self.issue(fs, "inception-offsets-out-of-range",
                           f"offsets [{fs.begin}, {fs.end}) are not in the text of {len(self.target.text)} code points")
        return sorted(found, key=lambda fs: (fs.begin, fs.end, fs.xmiID))

    def span(self, fs) -> dict[str, Any]:
        span = {"start": fs.begin, "end": fs.end}
        if self.target.keep_text:
            span["text"] = self.target.text[fs.begin:fs.end]
        return span

    def document(self) -> tuple[dict | None, dict[str, list[str]]]:
        docs = list(self.cas.select(T.DOCUMENT)) if self.cas.typesystem.contains_type(T.DOCUMENT) else []
        order = {name: [] for name in ("actor_order", "claim_order", "stance_order")}
        if len(docs) != 1:
            self.issue(docs[1] if docs else None, "inception-header-missing",
                       f"the CAS has {len(docs)} {T.DOCUMENT} annotations; it needs exactly one, with the file's header")
            return None, order
        try:
            header = json.loads(docs[0].get("header") or "")
        except ValueError as err:
            header = err
        if not isinstance(header, dict):
            self.issue(docs[0], "inception-header-missing", f"the header feature is not a JSON object ({header})")
            return None, order
        for name in order:
            values = docs[0].get(name)
            order[name] = list(values.elements) if values is not None else []
        return {k: v for k, v in header.items() if k not in ("actors", "claims", "stances")}, order

    def actors(self, actor_order: list[str]) -> list[dict]:
        grouped: dict[str, list] = {}
        for fs in self.select(T.MENTION):
            grouped.setdefault(fs.get("actor"), []).append(self.span(fs))
        entries = [{"id": key, "actor": key, "mentions": spans} for key, spans in grouped.items()]
        return [{"actor": e["actor"], "mentions": e["mentions"]} for e in _ordered(entries, actor_order)]

    def claims(self, claim_order: list[str]) -> list[dict]:
        cues = self._cues()
        self._attributions_ok()
        found = [self._claim(fs, cues.pop(fs.get("id"), {})) for fs in self.select(T.CLAIM)]
        for (claim_id, steps) in cues.items():
            for cue in steps.values():
                self.issue(cue, "inception-reference-unknown", f"the cue names claim {claim_id!r}, which no readable claim of the CAS has")
        return _ordered(found, claim_order)

    def _cues(self) -> dict[str, dict[int, Any]]:
        cues: dict[str, dict[int, Any]] = {}
        for fs in self.select(T.CUE):
            cues.setdefault(fs.get("claim"), {})[fs.get("step") or 0] = fs
        return cues

    def _claim(self, fs, cues: dict[int, Any]) -> dict[str, Any]:
        values = {field.name: _value(fs, field) for field in T.fields("claim")}
        sources = values.get("attribution") or []
        steps = [{"source": source, "cue": self.span(cues.pop(i)) if i in cues else None}
                 for i, source in enumerate(sources)]
        for step, cue in cues.items():
            self.issue(cue, "inception-reference-unknown",
                       f"the cue is for step {step} of claim {values.get('id')!r}, whose chain has {len(steps)} steps")
        parts = {"span": self.span(fs), "cue": steps[-1]["cue"] if steps else None, "attribution": steps}
        return _in_schema_order("claim", {**values, **parts})

    def _attributions_ok(self) -> None:
        """Each Attribution relation goes from a claim to a mention of the source of its step."""
        for fs in self.select(T.ATTRIBUTION):
            governor, dependent = fs.get(T.GOVERNOR), fs.get(T.DEPENDENT)
            if not self._ends(fs, (governor, {T.CLAIM}), (dependent, {T.MENTION})):
                continue
            sources = _value(governor, _field("claim", "attribution")) or []
            step = fs.get("step") or 0
            source = sources[step] if 0 <= step < len(sources) else None
            if source != dependent.get("actor"):
                self.issue(fs, "inception-relation-mismatch",
                           f"the relation points to a mention of {dependent.get('actor')!r}, but step {step} of the "
                           f"claim's attribution chain is {source!r}")

    def _ends(self, fs, *ends: tuple[Any, set[str]]) -> bool:
        for (end, types), name in zip(ends, (T.GOVERNOR, T.DEPENDENT)):
            if end is None or end.type.name not in types:
                shown = "missing" if end is None else f"a {end.type.name}"
                self.issue(fs, "inception-relation-end-missing",
                           f"the relation's {name} is {shown}; it must be a {' or '.join(sorted(types))}")
                return False
        return True

    def stances(self, stance_order: list[str]) -> list[dict]:
        evidence: dict[str, list] = {}
        for fs in self.select(T.EVIDENCE):
            evidence.setdefault(fs.get("stance"), []).append(fs)
        found = [stance for fs in self.select(T.STANCE) if (stance := self._stance(fs, evidence)) is not None]
        ids = {stance["id"] for stance in found}
        for stance_id, spans in evidence.items():
            if stance_id not in ids:
                self.issue(spans[0], "inception-reference-unknown",
                           f"the evidence names stance {stance_id!r}, which no readable stance of the CAS has")
        return _ordered(found, stance_order)

    def _stance(self, fs, evidence: dict[str, list]) -> dict[str, Any] | None:
        governor, dependent = fs.get(T.GOVERNOR), fs.get(T.DEPENDENT)
        if not self._ends(fs, (governor, {T.MENTION, T.EVIDENCE}), (dependent, {T.MENTION, T.CLAIM})):
            return None
        values = {field.name: _value(fs, field) for field in T.fields("stance")}
        spans = sorted(evidence.get(values.get("id"), []), key=lambda e: (e.get("index") or 0, e.begin, e.end))
        holder = governor.get("actor") if governor.type.name == T.MENTION else "author"
        target = {"actor": dependent.get("actor")} if dependent.type.name == T.MENTION else {"claim": dependent.get("id")}
        parts = {"holder": holder, "target": target, "evidence": [self.span(e) for e in spans]}
        return _in_schema_order("stance", {**values, **parts})


def _field(kind: str, name: str) -> T.Field:
    return next(field for field in T.fields(kind) if field.name == name)


def _value(fs, field: T.Field):
    """A feature's value as the schema wants it: absent (None) for an unset optional property,
    [] for an unset required list, False for an unset boolean (UIMA's default)."""
    value = fs.get(field.feature)
    if field.range == T.STRINGS:
        value = list(value.elements) if value is not None else ([] if field.required else None)
    elif field.range == T.BOOLEAN and value is None:
        value = False
    return value


def _in_schema_order(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The item with the schema's property order; unset optional properties left out."""
    node = bundle("annotation")["properties"][f"{kind}s"]["items"]
    required = set(node.get("required", []))
    return {name: values.get(name) for name in node["properties"]
            if name in required or values.get(name) is not None}


def _ordered(items: list[dict], order: list[str]) -> list[dict]:
    """Claims or stances (in text order): those whose id ``order`` lists first, in its order,
    then the rest (added in INCEpTION) as they come."""
    rank = {key: i for i, key in reversed(list(enumerate(order)))}
    return sorted(items, key=lambda item: rank.get(item.get("id"), len(rank)))
