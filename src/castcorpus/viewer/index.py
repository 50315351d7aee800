"""What the viewer's index page shows: one row per document and the corpus-level charts.

The charts count every annotated document of the corpus (annotations need no text), by the
outlet whose voice the document is (the original outlet of a republication): claims per
outlet and claim type, and stance polarity per outlet toward the principal actors (the actors
most often targeted by stances), once for the outlet's own voice (holder ``author``) and once
for every holder the outlet's documents report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

from castcorpus.corpus.reader import Corpus
from castcorpus.network.discourse import AUTHOR
from castcorpus.splits.assign import anchors, assign, voice_outlet
from .charts import polarity_grid, stacked_bars
from .palette import POLARITY_BARS, claim_colours, polarities

#: How many actors the stance chart shows.
PRINCIPAL_ACTORS = 6
NO_SPLIT = "-"


@dataclass
class DocInfo:
    """One document as the index needs it."""

    meta: dict[str, Any]
    annotation: dict[str, Any] | None
    page: str | None = None  # file name of its page, when rendered
    missing: str | None = None  # why it was not rendered


def document_splits(docs: Iterable[DocInfo]) -> dict[str, str]:
    """Standard split of each document, by the build's own assignment (castcorpus.splits.assign)."""
    return assign((d.meta["id"], anchors(d.meta, d.annotation)) for d in docs)


def counts(annotation: dict[str, Any] | None) -> dict[str, int]:
    """Mentions, claims and stances of an annotation."""
    annotation = annotation or {}
    return {"mentions": sum(len(a["mentions"]) for a in annotation.get("actors", [])),
            "claims": len(annotation.get("claims", [])), "stances": len(annotation.get("stances", []))}


def rows(corpus: Corpus, docs: list[DocInfo], splits: dict[str, str]) -> list[dict[str, Any]]:
    """Table rows of the index, in document order."""
    result = []
    for d in docs:
        meta = d.meta
        redistributable = corpus.collections.get(meta["collection"], {}).get("redistributable", False)
        result.append({
            "id": meta["id"], "page": d.page, "missing": d.missing,
            "title": meta.get("title") if redistributable else None,
            "outlet": corpus.outlets.get(meta["outlet"], {}).get("name", meta["outlet"]),
            "original_outlet": corpus.outlets.get(voice_outlet(meta), {}).get("name") if voice_outlet(meta) != meta["outlet"] else None,
            "published": (meta.get("published") or {}).get("value", ""),
            "split": splits.get(meta["id"], NO_SPLIT),
            "status": ((d.annotation or {}).get("provenance") or {}).get("status", "not annotated"),
            "third_party": not redistributable,
            # What a reader filters FA-KES articles by: the events they report and the label the
            # source gives (FA-KES: 1 credible, 0 fake), which the id alone does not show.
            "events": list(meta.get("reports_on") or []),
            "source_label": (meta.get("source_record") or {}).get("label"),
            **counts(d.annotation),
        })
    return result


def _outlet(corpus: Corpus, meta: dict[str, Any]) -> str:
    key = voice_outlet(meta)
    return corpus.outlets.get(key, {}).get("name", key)


def claims_per_outlet(corpus: Corpus, docs: list[DocInfo]) -> dict[str, Counter]:
    """Claim types counted per voice outlet."""
    table: dict[str, Counter] = {}
    for d in docs:
        for claim in (d.annotation or {}).get("claims", []):
            table.setdefault(_outlet(corpus, d.meta), Counter())[claim["type"]] += 1
    return dict(sorted(table.items()))


def stances_toward_actors(corpus: Corpus, docs: list[DocInfo], own_voice: bool) -> dict[tuple[str, str], Counter]:
    """Polarities per (voice outlet, target actor name); ``own_voice`` keeps author stances only."""
    cells: dict[tuple[str, str], Counter] = {}
    for d in docs:
        outlet_actor = corpus.outlets.get(voice_outlet(d.meta), {}).get("actor")
        for stance in (d.annotation or {}).get("stances", []):
            target = stance["target"].get("actor")
            if target is None or (own_voice and stance["holder"] not in (AUTHOR, outlet_actor)):
                continue
            name = corpus.actors.get(target, {}).get("name", target)
            cells.setdefault((_outlet(corpus, d.meta), name), Counter())[stance["polarity"]] += 1
    return cells


def principal(cells: dict[tuple[str, str], Counter], limit: int = PRINCIPAL_ACTORS) -> list[str]:
    """The actors with the most stances toward them (ties by name)."""
    totals: Counter = Counter()
    for (_, actor), c in cells.items():
        totals[actor] += sum(c.values())
    return [a for a, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def charts(corpus: Corpus, docs: list[DocInfo]) -> dict[str, Any]:
    """The index charts as inline SVG plus the numbers behind them."""
    annotated = [d for d in docs if d.annotation]
    per_outlet = claims_per_outlet(corpus, annotated)
    claim_cats = list(claim_colours().items())
    pol_cats = [(p, POLARITY_BARS[p]) for p in polarities()]
    everyone = stances_toward_actors(corpus, annotated, own_voice=False)
    actors = principal(everyone)
    result = {"claim_types": [t for t, _ in claim_cats], "polarities": [p for p, _ in pol_cats],
              "claims_svg": stacked_bars(list(per_outlet.items()), claim_cats, "Claims per outlet and claim type"),
              "claims_table": per_outlet, "actors": actors, "stance_charts": []}
    for own, label in ((True, "the outlet's own voice (author)"), (False, "every holder in the outlet's documents")):
        cells = stances_toward_actors(corpus, annotated, own_voice=own) if own else everyone
        outlets = sorted({o for o, a in cells if a in actors})
        result["stance_charts"].append({
            "label": label, "outlets": outlets, "cells": cells,
            "svg": polarity_grid(outlets, actors, cells, pol_cats, f"Stance polarity toward the principal actors: {label}"),
        })
    return result
