"""What a document page of the viewer shows: header facts, highlighted text, claims, stances.

:func:`document_view` turns one document (metadata, gold annotation, text) into plain values
for the template; nothing here writes HTML except the highlighted text (see
:mod:`castcorpus.viewer.highlight`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from castcorpus.corpus.reader import Corpus
from castcorpus.network.discourse import AUTHOR
from castcorpus.splits.assign import voice_outlet
from .highlight import marks_of, to_html
from .palette import actor_types, claim_types, css_class


def outlet_name(corpus: Corpus, key: str | None) -> str:
    """Registry name of an outlet (its key when unknown)."""
    return corpus.outlets.get(key, {}).get("name", key) if key else ""


def actor_label(corpus: Corpus, meta: dict[str, Any], ref: str) -> str:
    """A readable name for an actor reference; ``author`` names the outlet it resolves to."""
    if ref == AUTHOR:
        return f"author ({outlet_name(corpus, voice_outlet(meta))})"
    return corpus.actors.get(ref, {}).get("name", ref)


def _quote(text: str | None, span: dict[str, Any] | None) -> str:
    if not span:
        return ""
    return text[span["start"]:span["end"]] if text is not None else f"[{span['start']}:{span['end']}]"


def claim_entry(corpus: Corpus, meta: dict[str, Any], text: str | None, claim: dict[str, Any]) -> dict[str, Any]:
    """One claim as the panel lists it."""
    return {
        "id": claim["id"], "type": claim["type"], "type_class": css_class(claim["type"]),
        "proposition": claim["proposition"], "certainty": claim["certainty"],
        "check_worthy": claim["check_worthy"], "speaker": actor_label(corpus, meta, claim["speaker"]),
        "attribution": [{"source": actor_label(corpus, meta, step["source"]), "cue": _quote(text, step.get("cue"))}
                        for step in claim["attribution"]],
        "agents": [actor_label(corpus, meta, a) for a in claim.get("agents", [])],
        "patients": [actor_label(corpus, meta, a) for a in claim.get("patients", [])],
        "clusters": [{"key": key, "question": corpus.clusters.get(key, {}).get("question", "")}
                     for key in ([claim["cluster"]] if claim.get("cluster") else []) + claim.get("other_clusters", [])],
        "note": claim.get("note"),
        "start": claim["span"]["start"], "end": claim["span"]["end"],
    }


def stance_entry(corpus: Corpus, meta: dict[str, Any], text: str | None, stance: dict[str, Any],
                 claims: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One stance as the panel lists it."""
    target = stance["target"]
    if "claim" in target:
        claim = claims.get(target["claim"], {})
        target_label = f"claim {target['claim']}: {claim.get('proposition', '')}"
    else:
        target_label = actor_label(corpus, meta, target["actor"])
    return {
        "id": stance["id"], "holder": actor_label(corpus, meta, stance["holder"]), "target": target_label,
        "target_claim": target.get("claim"), "polarity": stance["polarity"], "explicit": stance["explicit"],
        "evidence": [_quote(text, span) for span in stance["evidence"]], "note": stance.get("note"),
    }


def legend(corpus: Corpus, annotation: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """The claim and actor types the document uses, in schema order, with their CSS classes."""
    used_claims = {c["type"] for c in annotation.get("claims", [])}
    used_actors = {corpus.actors.get(a["actor"], {}).get("type", "other") for a in annotation.get("actors", [])}
    return {
        "claims": [{"label": t, "class": css_class(t)} for t in claim_types() if t in used_claims],
        "actors": [{"label": t, "class": css_class(t)} for t in actor_types() if t in used_actors],
    }


def document_view(corpus: Corpus, meta: dict[str, Any], annotation: dict[str, Any] | None, text: str,
                  split: str) -> dict[str, Any]:
    """Everything the document template needs."""
    collection = corpus.collections.get(meta["collection"], {})
    annotation = annotation or {}
    claims = {c["id"]: c for c in annotation.get("claims", [])}
    mention_counts = Counter({a["actor"]: len(a["mentions"]) for a in annotation.get("actors", [])})
    return {
        "id": meta["id"], "title": meta.get("title"), "split": split,
        "outlet": outlet_name(corpus, meta["outlet"]),
        "original_outlet": outlet_name(corpus, (meta.get("republication") or {}).get("original_outlet")),
        "published": (meta.get("published") or {}).get("value", ""),
        "collection": collection.get("name", meta["collection"]),
        "third_party": not collection.get("redistributable", False),
        "annotated": bool(annotation),
        "provenance": annotation.get("provenance", {}),
        "text_html": to_html(text, marks_of(annotation, corpus.actors)),
        "claims": [claim_entry(corpus, meta, text, c) for c in annotation.get("claims", [])],
        "stances": [stance_entry(corpus, meta, text, s, claims) for s in annotation.get("stances", [])],
        "actors": [{"name": actor_label(corpus, meta, key), "type": corpus.actors.get(key, {}).get("type", "other"),
                    "class": css_class(corpus.actors.get(key, {}).get("type", "other")), "mentions": n}
                   for key, n in sorted(mention_counts.items(), key=lambda kv: (-kv[1], kv[0]))],
        "legend": legend(corpus, annotation),
    }
