"""Per-document rows of every config, as plain dicts (labels as names, no split columns).

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

    def event(self, key: str) -> dict[str, Any]:
        """An event of ``reports_on`` as the rows show it, with its place's name."""
        event = self.events[key]
        place = self.places.get(event["place"], {})
        return {"event": key, "kind": event["kind"], "start": event["start"], "end": event["end"],
                "place": place.get("name"), "governorate": place.get("governorate"),
                "description": event["description"]}

    def resolve(self, ref: str, meta: dict[str, Any]) -> tuple[str, str, str]:
        """``(key, name, type)`` of an actor reference; ``author`` is the document's voice,
        the actor of its original outlet (or of its outlet when it is no republication)."""
        if ref == "author":
            outlet = (meta.get("republication") or {}).get("original_outlet") or meta["outlet"]
            ref = self.outlets[outlet]["actor"]
        actor = self.actors[ref]
        return ref, actor["name"], actor["type"]


def _span(span: dict | None, text: str) -> dict | None:
    if span is None:
        return None
    return {"start": span["start"], "end": span["end"], "text": text[span["start"]:span["end"]]}


def _meta_columns(meta: dict[str, Any], text: str, reg: Registries) -> dict[str, Any]:
    record = meta.get("source_record")
    return {
        "id": meta["id"], "collection": meta["collection"], "outlet": meta["outlet"],
        "outlet_camp": reg.camp(meta),
        "original_outlet": (meta.get("republication") or {}).get("original_outlet"),
        "title": meta["title"], "authors": meta["authors"], "url": meta["url"],
        "date": meta["published"]["value"], "language": meta["language"],
        "text": text, "text_sha256": meta["text_sha256"],
        "rights": meta["rights"],
        "reports_on": [reg.event(key) for key in meta.get("reports_on", [])],
        "source_record": None if record is None else {
            "row": record["row"], "unit_id": record["unit_id"], "label": record["label"],
            "location": record.get("location"), "date": record.get("date")},
    }


def _document_row(meta, annotation, text, reg: Registries) -> dict[str, Any]:
    provenance = annotation["provenance"]
    return {
        **_meta_columns(meta, text, reg),
        "guidelines_version": annotation["guidelines_version"],
        "provenance": {"annotators": provenance["annotators"], "status": provenance["status"],
                       "passes": provenance.get("passes", []), "date": provenance["date"],
                       "note": provenance.get("note")},
        "actors": [{"actor": e["actor"], "name": reg.actors[e["actor"]]["name"],
                    "type": reg.actors[e["actor"]]["type"],
                    "mentions": [_span(m, text) for m in e["mentions"]]} for e in annotation["actors"]],
        "claims": [{**c, "span": _span(c["span"], text), "cue": _span(c["cue"], text),
                    "attribution": [{"source": s["source"], "cue": _span(s["cue"], text)} for s in c["attribution"]],
                    "other_clusters": c.get("other_clusters", []), "note": c.get("note")}
                   for c in annotation["claims"]],
        "stances": [{"id": s["id"], "holder": s["holder"],
                     "target": {"actor": s["target"].get("actor"), "claim": s["target"].get("claim")},
                     "polarity": s["polarity"], "explicit": s["explicit"],
                     "evidence": [_span(e, text) for e in s["evidence"]], "note": s.get("note")}
                    for s in annotation["stances"]],
    }


def raw_row(meta: dict[str, Any], annotated: bool, text: str, reg: Registries) -> dict[str, Any]:
    """The ``raw`` row of a document whose text is available."""
    record = meta.get("source_record") or {}
    events = [reg.event(key) for key in meta.get("reports_on", [])]
    return {
        "id": meta["id"], "collection": meta["collection"], "outlet": meta["outlet"],
        "outlet_camp": reg.camp(meta),
        "original_outlet": (meta.get("republication") or {}).get("original_outlet"),
        "date": meta["published"]["value"],
        # The source's own location when it gives one, else where the first reported event was.
        "location": record.get("location") or (events[0]["place"] if events else None),
        "events": [e["event"] for e in events],
        "fakes_label": record.get("label") if meta["collection"] == "fa-kes" else None,
        "annotated": annotated, "text": text, "text_sha256": meta["text_sha256"],
    }


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


def _claim_rows(meta, annotation, text, bounds, reg: Registries) -> list[dict]:
    rows = []
    for claim in annotation["claims"]:
        span = claim["span"]
        context, context_start = _context(text, bounds, [span])
        key, name, kind = reg.resolve(claim["speaker"], meta)
        rows.append({
            "claim_id": claim["id"], "text": text[span["start"]:span["end"]],
            "start": span["start"], "end": span["end"], "context": context, "context_start": context_start,
            "proposition": claim["proposition"], "type": claim["type"], "check_worthy": claim["check_worthy"],
            "certainty": claim["certainty"], "speaker": claim["speaker"], "speaker_actor": key,
            "speaker_name": name, "speaker_type": kind,
            "cue": None if claim["cue"] is None else text[claim["cue"]["start"]:claim["cue"]["end"]],
            "attribution": [_attribution_step(step, meta, text, reg) for step in claim["attribution"]],
            "agents": claim["agents"], "patients": claim["patients"], "cluster": claim["cluster"],
            "other_clusters": claim.get("other_clusters", []),
        })
    return rows


def _attribution_rows(claim_rows: list[dict]) -> list[dict]:
    """The attribution task's rows: each claim with who states it, ``author`` or the speaker's
    actor type, taken from the claim rows so that the two configs cannot disagree."""
    return [{"claim_id": r["claim_id"], "text": r["text"], "start": r["start"], "end": r["end"],
             "context": r["context"], "context_start": r["context_start"],
             "label": AUTHOR if r["speaker"] == AUTHOR else r["speaker_type"],
             "speaker": r["speaker"], "speaker_actor": r["speaker_actor"], "speaker_name": r["speaker_name"],
             "cue": r["cue"]} for r in claim_rows]


def credibility_rows(meta: dict[str, Any], annotated: bool, text: str, reg: Registries) -> list[dict]:
    """The credibility task's row of a document whose source record carries a credibility label
    (FA-KES's 0 fake / 1 credible); none for other documents."""
    record = meta.get("source_record")
    if record is None or record.get("label") is None:
        return []
    return [{"doc_id": meta["id"], "outlet": meta["outlet"], "outlet_camp": reg.camp(meta),
             "date": meta["published"]["value"], "events": list(meta.get("reports_on", [])),
             "text": text, "label": CREDIBILITY_LABELS[record["label"]], "annotated": annotated}]


def _attribution_step(step, meta, text, reg: Registries) -> dict:
    key, name, _ = reg.resolve(step["source"], meta)
    cue = step["cue"]
    return {"source": step["source"], "actor": key, "name": name,
            "cue": None if cue is None else text[cue["start"]:cue["end"]]}


def _stance_rows(meta, annotation, text, bounds, reg: Registries) -> list[dict]:
    claims = {c["id"]: c for c in annotation["claims"]}
    rows = []
    for stance in annotation["stances"]:
        key, name, kind = reg.resolve(stance["holder"], meta)
        target = stance["target"]
        row = {"stance_id": stance["id"], "holder": stance["holder"], "holder_actor": key,
               "holder_name": name, "holder_type": kind, "target_kind": "actor" if "actor" in target else "claim",
               "target_actor": None, "target_name": None, "target_type": None,
               "target_claim": None, "target_proposition": None, "target_claim_text": None}
        if "actor" in target:
            _, row["target_name"], row["target_type"] = reg.resolve(target["actor"], meta)
            row["target_actor"] = target["actor"]
        else:
            claim = claims[target["claim"]]
            row.update(target_claim=claim["id"], target_proposition=claim["proposition"],
                       target_claim_text=text[claim["span"]["start"]:claim["span"]["end"]])
        # One text for the target, whatever its kind, so that a cross-encoder can pair it with
        # the holder and the context: the actor's registry name or the claim's proposition.
        row["target_text"] = row["target_name"] if "actor" in target else row["target_proposition"]
        row.update(polarity=stance["polarity"], explicit=stance["explicit"],
                   evidence=[text[e["start"]:e["end"]] for e in stance["evidence"]],
                   context=_context(text, bounds, stance["evidence"])[0])
        rows.append(row)
    return rows


def document_rows(meta: dict[str, Any], annotation: dict[str, Any] | None, text: str,
                  reg: Registries, file: str) -> tuple[dict[str, list[dict]], list[Issue]]:
    """Rows of every base config for one document with text, and the issues met: a list of
    dicts per config (labels as names), but the views with a row per sentence (``sentences``,
    ``checkworthiness``, ``actor_ner``, ``claim_spans``) as
    :class:`castcorpus.release.columns.ColumnRows` (``.to_pylist()`` gives their dicts).

    Unannotated documents yield only a ``raw`` row (and a FA-KES article its ``credibility`` row). ``file`` names the annotation file in issues.
    """
    rows: dict[str, list[dict]] = {"raw": [raw_row(meta, annotation is not None, text, reg)],
                                   "credibility": credibility_rows(meta, annotation is not None, text, reg)}
    if annotation is None:
        return rows, []
    segmented = segmentation(text)
    common = {"doc_id": meta["id"], "outlet": meta["outlet"], "outlet_camp": reg.camp(meta)}
    shared = sentence_columns(text, segmented, common)  # the four per-sentence views' common columns
    bounds = (shared.columns["start"].tolist(), shared.columns["end"].tolist())  # the sentences, for contexts
    ner, issues = ner_rows(annotation, text, segmented, reg.actor_types, common, file, shared=shared)
    rows["documents"] = [_document_row(meta, annotation, text, reg)]
    rows["sentences"], rows["checkworthiness"] = _sentence_views(annotation, text, segmented, common, shared=shared)
    claims = _claim_rows(meta, annotation, text, bounds, reg)
    rows["claims"] = [{**common, **r} for r in claims]
    rows["attribution"] = [{**common, **r} for r in _attribution_rows(claims)]
    rows["stances"] = [{**common, **r} for r in _stance_rows(meta, annotation, text, bounds, reg)]
    rows["actor_ner"] = ner
    rows["claim_spans"], span_issues = claim_span_rows(annotation, text, segmented, common, file, shared=shared)
    return rows, issues + span_issues
