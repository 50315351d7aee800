"""Per-document rows of every config (labels as names, split columns empty).

:func:`document_rows` is a pure function of the document (metadata, annotation, text) and
the registries, which is what lets :mod:`castcorpus.release.build` cache its result by content hash.
Split columns are added by the build, because a split depends on other documents too.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from castcorpus.corpus.segment import Segmentation, segmentation
from castcorpus.report import Issue
from .columns import ColumnRows, Cut, Lists, TextBytes
from .features import AUTHOR, CHECKWORTHY_LABELS, CREDIBILITY_LABELS, SENTENCE_LABELS, claim_types
from .records import Records
from .token_rows import SentenceColumns, claim_span_rows, ner_rows, sentence_columns


@dataclass(frozen=True)
class Registries:
    """What rows need from the registries: actor, outlet, event and place entries by key."""

    actors: dict[str, dict[str, Any]]
    outlets: dict[str, dict[str, Any]]
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    places: dict[str, dict[str, Any]] = field(default_factory=dict)

    @functools.cached_property
    def actor_types(self) -> dict[str, str]:
        """Each actor's type by key, made once rather than for every document."""
        return {key: actor["type"] for key, actor in self.actors.items()}

    def camp(self, meta: dict[str, Any]) -> str | None:
        """The media camp of the outlet that published the document (outlets.json ``camp``)."""
        return self.outlets[meta["outlet"]].get("camp")

    def event_fields(self, key: str) -> tuple:
        """An event of ``reports_on`` as the rows show it, with its place's name: ``event``,
        ``kind``, ``start``, ``end``, ``place``, ``governorate``, ``description``."""
        event = self.events[key]
        place = self.places.get(event["place"], {})
        return (key, event["kind"], event["start"], event["end"], place.get("name"), place.get("governorate"),
                event["description"])

    def place_name(self, key: str) -> str | None:
        """The name of the place where event ``key`` happened."""
        return self.places.get(self.events[key]["place"], {}).get("name")

    def resolve(self, ref: str, meta: dict[str, Any]) -> tuple[str, str, str]:
        """``(key, name, type)`` of an actor reference; ``author`` is the document's voice,
        the actor of its original outlet (or of its outlet when it is no republication)."""
        if ref == "author":
            outlet = (meta.get("republication") or {}).get("original_outlet") or meta["outlet"]
            ref = self.outlets[outlet]["actor"]
        actor = self.actors[ref]
        return ref, actor["name"], actor["type"]


def _span(span: dict | None, text: str) -> tuple | None:
    if span is None:
        return None
    return (span["start"], span["end"], text[span["start"]:span["end"]])  # start, end, text


def _lead(meta: dict[str, Any], reg: Registries) -> tuple:
    """``doc_id``, ``outlet``, ``outlet_camp``: the first fields of every task config's rows."""
    return meta["id"], meta["outlet"], reg.camp(meta)


# The rows below are tuples in the order of their config's fields (castcorpus.release.records);
# a comment names the fields where a line holds several.

def _meta_fields(meta: dict[str, Any], text: str, reg: Registries) -> tuple:
    record = meta.get("source_record")
    rights = meta["rights"]
    return (
        meta["id"], meta["collection"], meta["outlet"], reg.camp(meta),
        (meta.get("republication") or {}).get("original_outlet"),
        meta["title"], meta["authors"], meta["url"], meta["published"]["value"], meta["language"],
        text, meta["text_sha256"],
        (rights["license"], rights["holder"], rights["statement"]),
        [reg.event_fields(key) for key in meta.get("reports_on", [])],
        None if record is None else (  # row, unit_id, label, location, date
            record["row"], record["unit_id"], record["label"], record.get("location"), record.get("date")),
    )


def _document_row(meta, annotation, text, reg: Registries) -> tuple:
    provenance = annotation["provenance"]
    return (
        *_meta_fields(meta, text, reg),
        annotation["guidelines_version"],
        (provenance["annotators"], provenance["status"], provenance.get("passes", []),  # annotators, status, passes,
         provenance["date"], provenance.get("note")),  # date, note
        [_document_actor(entry, text, reg) for entry in annotation["actors"]],
        [_document_claim(claim, text) for claim in annotation["claims"]],
        [_document_stance(stance, text) for stance in annotation["stances"]],
        None, None,  # split, outlet_split: filled when the splits are known
    )


def _document_actor(entry: dict, text: str, reg: Registries) -> tuple:
    actor = reg.actors[entry["actor"]]
    return entry["actor"], actor["name"], actor["type"], [_span(m, text) for m in entry["mentions"]]


def _document_claim(claim: dict, text: str) -> tuple:
    return (
        claim["id"], _span(claim["span"], text), claim["proposition"], claim["type"], claim["check_worthy"],
        claim["certainty"], claim["speaker"], _span(claim["cue"], text),
        [(step["source"], _span(step["cue"], text)) for step in claim["attribution"]],  # source, cue
        claim["agents"], claim["patients"], claim["cluster"], claim.get("other_clusters", []), claim.get("note"),
    )


def _document_stance(stance: dict, text: str) -> tuple:
    target = stance["target"]
    return (
        stance["id"], stance["holder"], (target.get("actor"), target.get("claim")),  # id, holder, target
        stance["polarity"], stance["explicit"], [_span(e, text) for e in stance["evidence"]], stance.get("note"),
    )


def raw_row(meta: dict[str, Any], annotated: bool, text: str, reg: Registries) -> tuple:
    """The ``raw`` row of a document whose text is available."""
    record = meta.get("source_record") or {}
    events = meta.get("reports_on", [])
    return (
        meta["id"], meta["collection"], meta["outlet"], reg.camp(meta),
        (meta.get("republication") or {}).get("original_outlet"), meta["published"]["value"],
        # The source's own location when it gives one, else where the first reported event was.
        record.get("location") or (reg.place_name(events[0]) if events else None),
        list(events),
        record.get("label") if meta["collection"] == "fa-kes" else None,  # fakes_label
        annotated, text, meta["text_sha256"],
        None, None,  # split, outlet_split
    )


def _context(text: str, bounds: tuple[list[int], list[int]], spans: list[dict]) -> tuple[str, int]:
    """The sentences around ``spans``: contiguous runs of sentences joined by `` [...] ``,
    and the offset where the first run starts. Falls back to the spans themselves.
    ``bounds``: the sentences' starts and ends (see :func:`_touching`)."""
    starts, ends = bounds
    indices = sorted({i for s in spans for i in _touching(bounds, s["start"], s["end"])})
    if not indices:
        return " [...] ".join(text[s["start"]:s["end"]] for s in spans), spans[0]["start"]
    runs, run = [], [indices[0]]
    for i in indices[1:]:
        if i == run[-1] + 1:
            run.append(i)
        else:
            runs.append(run)
            run = [i]
    runs.append(run)
    parts = [text[starts[r[0]]:ends[r[-1]]] for r in runs]
    return " [...] ".join(parts), starts[indices[0]]


def _touching(bounds: tuple[list[int], list[int]], start: int, end: int) -> range:
    """The indices of the sentences that share a code point with ``[start, end)``, as
    :func:`castcorpus.corpus.segment.overlapping` finds them. The sentences (``bounds``: their
    starts and their ends) are in order and do not overlap, so these are a run, found by two
    binary searches rather than a comparison with every sentence: from the first sentence that
    ends after ``start`` to the last that starts before ``end``."""
    starts, ends = bounds
    return range(bisect.bisect_right(ends, start), bisect.bisect_left(starts, end))


def _sentence_views(annotation, text: str, segmented: Segmentation, common: dict[str, Any],
                    utf8: TextBytes | None = None, *,
                    shared: SentenceColumns | None = None) -> tuple[ColumnRows, ColumnRows]:
    """The ``sentences`` and ``checkworthiness`` rows, a row per sentence, as columns: the
    claims a sentence shares a character with (in annotation order), their types (in the
    schema's order, so equal sets give equal lists) and the check-worthy ones among them.
    Labels are ids (numpy), lists are offsets over the sentence-claim pairs: no Python object
    per sentence. ``shared``: the document's :func:`sentence_columns`, when the caller has them."""
    shared = shared or sentence_columns(text, segmented, common, utf8)
    count, starts, ends = shared.count, shared.columns["start"], shared.columns["end"]
    claims = annotation["claims"]
    # A document has a few claims over a few dozen sentences: plain lists and bisect cost less
    # than numpy's per-call overhead on arrays that small.
    pairs = _claim_sentences(claims, starts.tolist(), ends.tolist()) if claims else []
    order = {kind: index for index, kind in enumerate(claim_types())}
    kinds = sorted({(row, order[claims[which]["type"]]) for row, which in pairs})  # the schema's order
    worthy = [(row, which) for row, which in pairs if claims[which]["check_worthy"]]
    ids = [c["id"] for c in claims]
    columns = {**shared.columns, "text": Cut(starts, ends)}  # one object: converted once for both views
    with_claim = _sizes([row for row, _ in pairs], count)
    with_worthy = _sizes([row for row, _ in worthy], count)
    sentences = ColumnRows("sentences", count, text, {
        **columns, "label": _label_ids(SENTENCE_LABELS, "no_claim", "claim", with_claim > 0),
        "claim_types": Lists(_offsets(_sizes([row for row, _ in kinds], count)),
                             np.array([kind for _, kind in kinds], dtype=np.int64)),
        "claim_ids": Lists(_offsets(with_claim), [ids[which] for _, which in pairs])}, shared.utf8)
    checkworthiness = ColumnRows("checkworthiness", count, text, {
        **columns, "label": _label_ids(CHECKWORTHY_LABELS, "not_check_worthy", "check_worthy", with_worthy > 0),
        "claim_ids": Lists(_offsets(with_worthy), [ids[which] for _, which in worthy])}, shared.utf8)
    return sentences, checkworthiness


def _claim_sentences(claims: list[dict], starts: list[int], ends: list[int]) -> list[tuple[int, int]]:
    """``(sentence, claim)`` of each sentence and claim that share a character
    (:func:`_touching`), sentence by sentence, claims in annotation order."""
    bounds = (starts, ends)
    return sorted((row, which) for which, claim in enumerate(claims)
                  for row in _touching(bounds, claim["span"]["start"], claim["span"]["end"]))


def _sizes(rows: list[int], count: int) -> np.ndarray:
    """How many of ``rows`` are each of ``0 .. count - 1``."""
    return np.bincount(np.array(rows, dtype=np.int64), minlength=count)


def _label_ids(labels: tuple[str, ...], no: str, yes: str, where: np.ndarray) -> np.ndarray:
    """The id of label ``yes`` where ``where`` holds, else of ``no``."""
    return np.where(where, labels.index(yes), labels.index(no)).astype(np.int64)


def _offsets(sizes: np.ndarray) -> np.ndarray:
    """List offsets from the size of each list."""
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    offsets[1:] = sizes.cumsum()  # (cheaper than cumsum's ``out`` into a view)
    return offsets


def _claim_rows(meta, annotation, text, bounds, reg: Registries) -> list[tuple]:
    lead = _lead(meta, reg)
    rows = []
    for claim in annotation["claims"]:
        span = claim["span"]
        context, context_start = _context(text, bounds, [span])
        key, name, kind = reg.resolve(claim["speaker"], meta)
        cue = claim["cue"]
        rows.append((
            *lead, claim["id"], text[span["start"]:span["end"]], span["start"], span["end"],  # claim_id, text, start, end
            context, context_start, claim["proposition"], claim["type"], claim["check_worthy"], claim["certainty"],
            claim["speaker"], key, name, kind,  # speaker, speaker_actor, speaker_name, speaker_type
            None if cue is None else text[cue["start"]:cue["end"]],
            [_attribution_step(step, meta, text, reg) for step in claim["attribution"]],
            claim["agents"], claim["patients"], claim["cluster"], claim.get("other_clusters", []),
        ))
    return rows


def _attribution_rows(claim_rows: list[tuple]) -> list[tuple]:
    """The attribution task's rows: each claim with who states it, ``author`` or the speaker's
    actor type, taken from the claim rows so that the two configs cannot disagree."""
    rows = []
    for (doc_id, outlet, camp, claim_id, text, start, end, context, context_start, _proposition, _type,
         _check_worthy, _certainty, speaker, actor, name, kind, cue, *_) in claim_rows:
        label = AUTHOR if speaker == AUTHOR else kind
        rows.append((doc_id, outlet, camp, claim_id, text, start, end, context, context_start, label,
                     speaker, actor, name, cue))
    return rows


def credibility_rows(meta: dict[str, Any], annotated: bool, text: str, reg: Registries) -> list[tuple]:
    """The credibility task's row of a document whose source record carries a credibility label
    (FA-KES's 0 fake / 1 credible); none for other documents."""
    record = meta.get("source_record")
    if record is None or record.get("label") is None:
        return []
    return [(*_lead(meta, reg), meta["published"]["value"], list(meta.get("reports_on", [])),  # ..., date, events
             text, CREDIBILITY_LABELS[record["label"]], annotated)]  # text, label, annotated


def _attribution_step(step, meta, text, reg: Registries) -> tuple:
    key, name, _ = reg.resolve(step["source"], meta)
    cue = step["cue"]
    return step["source"], key, name, None if cue is None else text[cue["start"]:cue["end"]]  # source, actor, name, cue


def _stance_rows(meta, annotation, text, bounds, reg: Registries) -> list[tuple]:
    claims = {c["id"]: c for c in annotation["claims"]}
    lead = _lead(meta, reg)
    rows = []
    for stance in annotation["stances"]:
        key, name, kind = reg.resolve(stance["holder"], meta)
        target = stance["target"]
        if "actor" in target:
            _, target_name, target_type = reg.resolve(target["actor"], meta)
            # target_kind, target_actor, target_name, target_type, target_claim, target_proposition,
            # target_claim_text, then target_text: one text for the target, whatever its kind, so
            # that a cross-encoder can pair it with the holder and the context: the actor's
            # registry name or the claim's proposition.
            about = ("actor", target["actor"], target_name, target_type, None, None, None, target_name)
        else:
            claim = claims[target["claim"]]
            span = claim["span"]
            about = ("claim", None, None, None, claim["id"], claim["proposition"], text[span["start"]:span["end"]],
                     claim["proposition"])
        rows.append((
            *lead, stance["id"], stance["holder"], key, name, kind,  # stance_id, holder, holder_actor, _name, _type
            *about, stance["polarity"], stance["explicit"],
            [text[e["start"]:e["end"]] for e in stance["evidence"]], _context(text, bounds, stance["evidence"])[0],
        ))
    return rows


def document_rows(meta: dict[str, Any], annotation: dict[str, Any] | None, text: str,
                  reg: Registries, file: str) -> tuple[dict[str, Records | ColumnRows], list[Issue]]:
    """Rows of every base config for one document with text, and the issues met: per config,
    :class:`castcorpus.release.records.Records` (tuples in the config's field order, labels as
    names), but the views with a row per sentence (``sentences``, ``checkworthiness``,
    ``actor_ner``, ``claim_spans``) as :class:`castcorpus.release.columns.ColumnRows`; the
    ``.to_pylist()`` of either gives the rows as dicts.

    Unannotated documents yield only a ``raw`` row (and a FA-KES article its ``credibility`` row). ``file`` names the annotation file in issues.
    """
    rows: dict[str, Records | ColumnRows] = {
        "raw": Records("raw", [raw_row(meta, annotation is not None, text, reg)]),
        "credibility": Records("credibility", credibility_rows(meta, annotation is not None, text, reg))}
    if annotation is None:
        return rows, []
    segmented = segmentation(text)
    common = {"doc_id": meta["id"], "outlet": meta["outlet"], "outlet_camp": reg.camp(meta)}
    shared = sentence_columns(text, segmented, common)  # the four per-sentence views' common columns
    bounds = (shared.columns["start"].tolist(), shared.columns["end"].tolist())  # the sentences, for contexts
    ner, issues = ner_rows(annotation, text, segmented, reg.actor_types, common, file, shared=shared)
    rows["documents"] = Records("documents", [_document_row(meta, annotation, text, reg)])
    rows["sentences"], rows["checkworthiness"] = _sentence_views(annotation, text, segmented, common, shared=shared)
    claims = _claim_rows(meta, annotation, text, bounds, reg)
    rows["claims"] = Records("claims", claims)
    rows["attribution"] = Records("attribution", _attribution_rows(claims))
    rows["stances"] = Records("stances", _stance_rows(meta, annotation, text, bounds, reg))
    rows["actor_ner"] = ner
    rows["claim_spans"], span_issues = claim_span_rows(annotation, text, segmented, common, file, shared=shared)
    return rows, issues + span_issues
