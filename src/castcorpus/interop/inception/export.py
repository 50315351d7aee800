"""One annotation file and its canonical text as a UIMA CAS in the corpus's type system.

What maps to what (docs/interop.md has the table):

- the text is the CAS's sofa; DocumentMetaData names the document; Sentence and Token come
  from :func:`castcorpus.corpus.segment.segment`, as in the release;
- each actor mention is an ``ActorMention`` span whose ``actor`` is the registry key;
- each claim is a ``Claim`` span with the claim's labels as features; its attribution chain is
  the string array of the steps' sources, each step's cue an ``AttributionCue`` span, and each
  step whose source is an actor an ``Attribution`` relation from the claim to a mention of it;
- each stance is a ``Stance`` relation from a mention of its holder (the author has none: its
  first evidence span stands for it) to a mention of its target actor or to its target claim;
  its evidence spans are ``StanceEvidence`` spans;
- what no layer holds (the header fields, the order of actors, claims and stances) is in the
  document-level ``CastDocument``.

Where a relation needs a mention of an actor and the actor has several, the mention nearest to
the place the relation is read from is taken; which one it is carries no information.
"""

from __future__ import annotations

import json
import re
from typing import Any

from castcorpus.corpus.segment import segment
from castcorpus.report import Issue, pointer
from . import typesystem as T

#: The annotation file's fields that the layers hold; every other one goes into the header.
LAYER_FIELDS = ("actors", "claims", "stances")
#: Characters XML 1.0 cannot hold, not even escaped (the header's JSON escapes them itself).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Unrepresentable(Exception):
    """The annotation file holds something the CAS cannot carry (see :func:`to_cas`)."""

    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(issue.line() for issue in issues))
        self.issues = issues


def load_typesystem():
    """The corpus's type system, fresh (cassis type systems are mutable)."""
    return T.build_typesystem()


def to_cas(annotation: dict[str, Any], text: str, language: str = "en", file: str = "", typesystem=None):
    """The CAS of one valid annotation file over its canonical ``text``.

    Raises :class:`Unrepresentable` (findings ``inception-not-representable``) when the file
    holds what the CAS cannot carry: a claim whose cue is not the cue of its chain's last step,
    a stance whose holder or target actor has no mention (the validator refuses both), or a
    text, proposition or note with a control character that XML 1.0 cannot hold."""
    from cassis import Cas

    ts = typesystem or load_typesystem()
    cas = Cas(typesystem=ts)
    cas.sofa_string = text
    builder = _Builder(cas, ts, file)
    if NOT_XML.search(text):
        builder.not_xml("", "the text", text)
    builder.metadata(annotation["document"], language, len(text))
    builder.header(annotation)
    builder.mentions(annotation.get("actors", []))
    builder.claims(annotation.get("claims", []))
    builder.stances(annotation.get("stances", []))
    # Segmentation last: the layers' xmi:ids then do not depend on the segmenter in use.
    builder.segmentation(text)
    if builder.issues:
        raise Unrepresentable(builder.issues)
    return cas


class _Builder:
    """Adds the annotations of one file to a CAS, keeping what the relations point to."""

    def __init__(self, cas, ts, file: str):
        self.cas, self.ts, self.file = cas, ts, file
        self.by_actor: dict[str, list] = {}
        self.by_claim: dict[str, Any] = {}
        self.issues: list[Issue] = []

    def new(self, type_name: str, **features):
        fs = self.ts.get_type(type_name)(**{k: v for k, v in features.items() if k in ("begin", "end")})
        for name, value in features.items():
            if name not in ("begin", "end"):
                fs.set(name, value)
        self.cas.add(fs)
        return fs

    def strings(self, values: list[str]):
        return self.ts.get_type(T.STRINGS)(elements=list(values))

    def metadata(self, doc_id: str, language: str, length: int) -> None:
        # The title stays the id: a third-party title must not travel with the export.
        self.new(T.METADATA, begin=0, end=length, language=language, documentId=doc_id, documentTitle=doc_id,
                 isLastSegment=False)

    def segmentation(self, text: str) -> None:
        for sentence in segment(text):
            self.new(T.SENTENCE, begin=sentence.start, end=sentence.end)
            for start, end in sentence.tokens:
                self.new(T.TOKEN, begin=start, end=end)

    def header(self, annotation: dict[str, Any]) -> None:
        header = {key: value for key, value in annotation.items() if key not in LAYER_FIELDS}
        self.new(T.DOCUMENT, header=json.dumps(header, ensure_ascii=False),
                 actor_order=self.strings([a["actor"] for a in annotation.get("actors", [])]),
                 claim_order=self.strings([c["id"] for c in annotation.get("claims", [])]),
                 stance_order=self.strings([s["id"] for s in annotation.get("stances", [])]))

    def mentions(self, actors: list[dict]) -> None:
        for entry in actors:
            for span in entry["mentions"]:
                mention = self.new(T.MENTION, begin=span["start"], end=span["end"], actor=entry["actor"])
                self.by_actor.setdefault(entry["actor"], []).append(mention)

    def claims(self, claims: list[dict]) -> None:
        for index, claim in enumerate(claims):
            fs = self.new(T.CLAIM, begin=claim["span"]["start"], end=claim["span"]["end"])
            for field in T.fields("claim"):
                fs.set(field.feature, self.value(claim, field, pointer("claims", index)))
            self.by_claim[claim["id"]] = fs
            self.chain(claim, index, fs)

    def not_xml(self, where: str, what: str, value: str) -> None:
        at = NOT_XML.search(value).start()
        self.issues.append(Issue(self.file, where, "inception-not-representable",
                                 f"{what} holds U+{ord(value[at]):04X} at {at}, which XML 1.0 cannot hold"))

    def value(self, item: dict, field: T.Field, where: str = ""):
        if field.name not in item or item[field.name] is None:
            return None
        value = item[field.name]
        if isinstance(value, str) and NOT_XML.search(value):
            self.not_xml(f"{where}/{field.name}", f"the {field.name}", value)
        if field.name == "attribution":
            value = [step["source"] for step in value]
        return self.strings(value) if field.range == T.STRINGS else value

    def chain(self, claim: dict, index: int, fs) -> None:
        steps = claim["attribution"]
        last_cue = steps[-1]["cue"] if steps else None
        if claim.get("cue") != last_cue:
            self.issues.append(Issue(self.file, pointer("claims", index, "cue"), "inception-not-representable",
                                     "the claim's cue is not the cue of the last attribution step, and the CAS "
                                     "holds one cue per step"))
        for step, entry in enumerate(steps):
            cue = entry["cue"]
            if cue is not None:
                self.new(T.CUE, begin=cue["start"], end=cue["end"], claim=claim["id"], step=step)
            if entry["source"] == "author":
                continue
            near = cue["start"] if cue else claim["span"]["start"]
            mention = self.nearest(entry["source"], near)
            if mention is not None:
                self.new(T.ATTRIBUTION, begin=mention.begin, end=mention.end, Governor=fs, Dependent=mention,
                         step=step)

    def stances(self, stances: list[dict]) -> None:
        for index, stance in enumerate(stances):
            evidence = [self.new(T.EVIDENCE, begin=span["start"], end=span["end"], stance=stance["id"], index=i)
                        for i, span in enumerate(stance["evidence"])]
            near = evidence[0].begin
            governor = evidence[0] if stance["holder"] == "author" else self.nearest(stance["holder"], near)
            target = stance["target"]
            dependent = self.by_claim.get(target["claim"]) if "claim" in target else self.nearest(target["actor"], near)
            if governor is None or dependent is None:
                missing = "holder" if governor is None else "target"
                self.issues.append(Issue(self.file, pointer("stances", index, missing), "inception-not-representable",
                                         f"the stance's {missing} has no mention (or claim) in the file for the "
                                         "relation to point to"))
                continue
            fs = self.new(T.STANCE, begin=dependent.begin, end=dependent.end, Governor=governor, Dependent=dependent)
            for field in T.fields("stance"):
                fs.set(field.feature, self.value(stance, field, pointer("stances", index)))

    def nearest(self, actor: str, offset: int):
        """The mention of ``actor`` nearest to ``offset`` (the first of equals), or None."""
        mentions = self.by_actor.get(actor, [])
        return min(mentions, key=lambda m: (abs(m.begin - offset), m.begin), default=None)
