"""From the regions and relations of one task back to an annotation file.

Claims, stances and actors keep the order of their regions in the result list (a task exported
and imported unchanged gives back the same file); regions drawn in Label Studio come after.
"""

from __future__ import annotations

from typing import Any

from castcorpus.interop.labelstudio import names
from castcorpus.interop.labelstudio.fields import CLAIM, STANCE, fields
from castcorpus.interop.labelstudio.regions import Parsed, Region
from castcorpus.interop.labelstudio.tasks import schema_ordered
from castcorpus.report import Issue

#: Which region labels a relation may join: label -> (from, allowed targets).
RELATION_ENDS = {
    names.ATTRIBUTION: (names.CLAIM, {names.CUE}),
    names.SOURCE: (names.CUE, {names.MENTION}),
    names.TARGET: (names.EVIDENCE, {names.MENTION, names.CLAIM}),
    names.HOLDER: (names.EVIDENCE, {names.MENTION}),
    names.MORE_EVIDENCE: (names.EVIDENCE, {names.EVIDENCE}),
}
#: Relations a region may have at most one of (going out).
SINGLE = {names.SOURCE, names.TARGET, names.HOLDER, names.MORE_EVIDENCE}


class Builder:
    """Turns one task's parsed result into an annotation; findings collect in ``issues``."""

    def __init__(self, parsed: Parsed, header: dict[str, Any], text: str, span_text: bool, file: str,
                 key_order: dict[str, list[str]] | None = None):
        self.regions, self.text, self.span_text, self.file = parsed.regions, text, span_text, file
        self.key_order = key_order or {}
        self.header, self.issues, self.broken = header, list(parsed.issues), parsed.broken
        self.out: dict[str, dict[str, list[Region]]] = {rid: {} for rid in self.regions}
        self.into: dict[str, dict[str, list[Region]]] = {rid: {} for rid in self.regions}
        for rel in parsed.relations:
            self._link(rel)
        self.ordered = sorted(self.regions.values(), key=lambda r: r.order)
        self.claim_ids: dict[str, str] = {}

    def _issue(self, where: str, code: str, message: str, rid: str | None = None) -> None:
        if rid not in self.broken:
            self.issues.append(Issue(self.file, where, code, message))

    def _link(self, rel) -> None:
        problem = self._relation_problem(rel)
        if problem is None:
            a, b = self.regions[rel.from_id], self.regions[rel.to_id]
            self.out[a.rid].setdefault(rel.label, []).append(b)
            self.into[b.rid].setdefault(rel.label, []).append(a)
        elif not {rel.from_id, rel.to_id} & self.broken:  # else the region's own finding says enough
            self._issue(rel.where, "ls-relation-invalid", problem)

    def _relation_problem(self, rel) -> str | None:
        ends = RELATION_ENDS[rel.label]
        a, b = self.regions.get(rel.from_id), self.regions.get(rel.to_id)
        if a is None or b is None:
            return f"{rel.label} relation names region {rel.from_id if a is None else rel.to_id!r}, which does not exist"
        if a.label != ends[0] or b.label not in ends[1]:
            return (f"{rel.label} relations go from a {ends[0]} region to a {' or '.join(sorted(ends[1]))} region; "
                    f"this one goes from a {a.label} to a {b.label}")
        if rel.label in SINGLE and self.out[a.rid].get(rel.label):
            return f"region {a.rid!r} has more than one {rel.label} relation"
        return None

    def annotation(self) -> dict[str, Any]:
        """The annotation file, keys in schema order."""
        body = {"actors": self._actors(), "claims": self._claims(), "stances": self._stances()}
        return self._ordered("", {**self.header, **body})

    def _ordered(self, where: str, item: dict[str, Any]) -> dict[str, Any]:
        """``item`` with its keys in the order the task carried for it, else the schema's."""
        carried = self.key_order.get(where)
        keys = carried if carried is not None and sorted(carried) == sorted(item) else schema_ordered(where, list(item))
        return {key: item[key] for key in keys}

    def _span(self, reg: Region) -> dict[str, Any]:
        span: dict[str, Any] = {"start": reg.start, "end": reg.end}
        if self.span_text:
            span["text"] = self.text[reg.start:reg.end]
        return span

    def _of(self, label: str) -> list[Region]:
        return [r for r in self.ordered if r.label == label]

    def _actor(self, reg: Region, report: bool = False) -> str | None:
        actor = reg.values.get(names.MENTION_ACTOR)
        if actor is None and report:
            self._issue(reg.where, "ls-field-missing", f"mention {reg.rid!r} has no {names.MENTION_ACTOR}", reg.rid)
        return actor

    def _actors(self) -> list[dict[str, Any]]:
        grouped: dict[str, list[Region]] = {}
        for reg in self._of(names.MENTION):
            actor = self._actor(reg, report=True)
            if actor is not None:
                grouped.setdefault(actor, []).append(reg)
        return [{"actor": actor, "mentions": [self._span(r) for r in sorted(regs, key=lambda r: (r.start, r.end))]}
                for actor, regs in grouped.items()]

    def _ids(self, regs: list[Region], letter: str, own_id) -> list[str]:
        """Each region's local id: the one its region id carries, else the next free number."""
        wanted = [own_id(r) for r in regs]
        taken = {w for w in wanted if w}
        ids, n = [], 0
        for reg, want in zip(regs, wanted):
            if want and want not in ids:
                ids.append(want)
                continue
            n += 1
            while f"{letter}{n}" in taken or f"{letter}{n}" in ids:
                n += 1
            ids.append(f"{letter}{n}")
        return ids

    def _fields(self, reg: Region, layer: str) -> dict[str, Any]:
        values = {}
        for spec in fields(layer):
            value = reg.values.get(spec.tag)
            if spec.tag not in reg.values and spec.kind == "choices" and spec.required:
                value = []  # an empty multiple choice is often left out by Label Studio
            elif value is None and spec.required and not spec.nullable:
                self._issue(reg.where, "ls-field-missing", f"{layer} region {reg.rid!r} has no {spec.tag}", reg.rid)
                continue
            elif spec.tag not in reg.values and not spec.required:
                continue
            values[spec.name] = value
        return values

    def _claims(self) -> list[dict[str, Any]]:
        regs = self._of(names.CLAIM)
        ids = self._ids(regs, "c", lambda r: r.rid if names.LOCAL_ID.match(r.rid) and r.rid[0] == "c" else None)
        claims = []
        for reg, cid in zip(regs, ids):
            self.claim_ids[reg.rid] = cid
            chain = self._chain(reg, cid)
            claim = {"id": cid, "span": self._span(reg), **self._fields(reg, CLAIM),
                     "speaker": chain[-1]["source"], "cue": chain[-1]["cue"], "attribution": chain}
            claims.append(self._ordered(f"claims/{cid}", claim))
        return claims

    def _chain(self, reg: Region, cid: str) -> list[dict[str, Any]]:
        def rank(cue: Region) -> tuple:
            match = names.STEP_ID.match(cue.rid)
            own = match and match["claim"] == reg.rid
            return (0, int(match["step"]), 0) if own else (1, cue.start, cue.end)

        chain: list[dict[str, Any]] = [{"source": names.AUTHOR, "cue": None}]
        for cue in sorted(self.out[reg.rid].get(names.ATTRIBUTION, []), key=rank):
            sources = self.out[cue.rid].get(names.SOURCE, [])
            source = self._actor(sources[0]) if sources else names.AUTHOR
            chain.append({"source": source or names.AUTHOR, "cue": self._span(cue)})
        return chain

    def _stances(self) -> list[dict[str, Any]]:
        for reg in self._of(names.CUE):
            if not self.into[reg.rid].get(names.ATTRIBUTION):
                self._issue(reg.where, "ls-relation-invalid", f"cue {reg.rid!r} has no attribution relation from a claim",
                            reg.rid)
        heads = [r for r in self._of(names.EVIDENCE) if not self.out[r.rid].get(names.MORE_EVIDENCE)]
        self._check_secondary_evidence()

        def own_id(r: Region) -> str | None:
            match = names.EVIDENCE_ID.match(r.rid)
            return match["stance"] if match and match["stance"][0] == "s" else None

        stances = []
        for head, sid in zip(heads, self._ids(heads, "s", own_id)):
            stance = self._stance(head, sid)
            if stance is not None:
                stances.append(self._ordered(f"stances/{sid}", stance))
        return stances

    def _check_secondary_evidence(self) -> None:
        """A further evidence span points at its stance's first span and carries no fields."""
        tags = {spec.tag for spec in fields(STANCE)}
        for reg in self._of(names.EVIDENCE):
            [*heads] = self.out[reg.rid].get(names.MORE_EVIDENCE, [])
            if heads and self.out[heads[0].rid].get(names.MORE_EVIDENCE):
                self._issue(reg.where, "ls-relation-invalid",
                            f"evidence {reg.rid!r} points at {heads[0].rid!r}, which is not the first span of a stance")
            if heads and tags & reg.values.keys():
                self._issue(reg.where, "ls-result-invalid", f"evidence {reg.rid!r} is a further span of a stance "
                            f"but has {', '.join(sorted(tags & reg.values.keys()))}: set them on the first span")

    def _stance(self, head: Region, sid: str) -> dict[str, Any] | None:
        targets = self.out[head.rid].get(names.TARGET, [])
        if not targets:
            self._issue(head.where, "ls-relation-invalid", f"stance evidence {head.rid!r} has no target relation", head.rid)
            return None
        target = targets[0]
        to = {"claim": self.claim_ids[target.rid]} if target.label == names.CLAIM else {"actor": self._actor(target)}
        holders = self.out[head.rid].get(names.HOLDER, [])
        holder = self._actor(holders[0]) if holders else names.AUTHOR

        def rank(r: Region) -> tuple:
            match = names.EVIDENCE_ID.match(r.rid)
            return (0, int(match["index"]), 0) if match else (1, r.start, r.end)

        more = sorted(self.into[head.rid].get(names.MORE_EVIDENCE, []), key=rank)
        return {"id": sid, "holder": holder or names.AUTHOR, "target": to, **self._fields(head, STANCE),
                "evidence": [self._span(r) for r in [head, *more]]}
