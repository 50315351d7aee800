"""Select the FA-KES articles of the annotation batch, reproducibly, and write docs/sampling.md.

A maintainers' script (issue: annotate 200 FA-KES articles). It reads only the corpus's JSON
files (events, split ledger, document metadata, existing annotations): no texts, no randomness,
so the same corpus gives the same selection. See docs/sampling.md (written by this script) for
the rule; in short:

1. **Whole events first.** Events reported by three or more outlets, with every article that
   reports them, picked one at a time: each pick is the event that best serves what is still
   missing (validation and test each need 30 annotated articles, train its 70%; years and
   governorates not yet covered count too), cheaper events first among equals, until at least 25
   such events are in and the splits have their articles.
2. **Fill by outlet and label.** Then single articles, so that every outlet has at least 8
   annotated articles (all 5 of TASS) with both FA-KES labels where the outlet has both, up to 200
   annotated FA-KES articles in all.
3. **Exact duplicates** (the same text under two ids) are annotated once: only the smallest id is
   selected, and the others are listed as linked to it.

The selection is cut into tranches of about 25 articles in pick order; an event is never cut.

Usage: python scripts/select_batch.py [--corpus corpus] [--out docs/sampling.md] [--total 200]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

SPLITS = ("train", "validation", "test")
SHARES = {"train": 0.70, "validation": 0.15, "test": 0.15}
MIN_EVENTS = 25
MIN_OUTLETS = 3
MIN_PER_OUTLET = 8
TRANCHE = 25


def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load(corpus: Path):
    docs = {}
    for path in sorted((corpus / "documents").glob("fa-kes-*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        docs[meta["id"]] = meta
    registry = json.loads((corpus / "events.json").read_text(encoding="utf-8"))
    events = {e["key"]: e for e in registry["events"]}
    places = {p["key"]: p for p in registry["places"]}
    ledger = {e["id"]: e for e in json.loads((corpus / "splits.json").read_text(encoding="utf-8"))["documents"]}
    annotated = {p.stem for p in (corpus / "annotations").glob("fa-kes-*.json")}
    return docs, events, places, ledger, annotated


def duplicates(docs: dict) -> dict[str, str]:
    """Each exact duplicate's id -> the smallest id with the same text."""
    first: dict[str, str] = {}
    linked = {}
    for doc_id in sorted(docs):
        sha = docs[doc_id]["text_sha256"]
        if sha in first:
            linked[doc_id] = first[sha]
        else:
            first[sha] = doc_id
    return linked


class Selection:
    def __init__(self, docs, events, places, ledger, annotated, total):
        self.docs, self.events, self.places, self.ledger = docs, events, places, ledger
        self.total = total
        self.linked = duplicates(docs)
        self.chosen: list[tuple[str, str, str]] = []  # (doc id, reason, event or "")
        self.have = set(annotated)
        self.by_event = defaultdict(list)
        for doc_id, meta in docs.items():
            if doc_id not in self.linked:
                for key in meta.get("reports_on", []):
                    self.by_event[key].append(doc_id)

    def split(self, doc_id):
        return self.ledger[doc_id]["standard"]

    def count(self, split=None):
        return sum(1 for d in self.have if split is None or self.split(d) == split)

    def need(self, split):
        return SHARES[split] * self.total - self.count(split)

    def add(self, doc_id, reason, event=""):
        if doc_id not in self.have:
            self.have.add(doc_id)
            self.chosen.append((doc_id, reason, event))

    def year(self, key):
        return self.events[key]["start"][:4]

    def governorate(self, key):
        return self.places[self.events[key]["place"]]["governorate"]

    def cross_outlet_events(self):
        return sorted(k for k, ids in self.by_event.items()
                      if len({self.docs[d]["outlet"] for d in ids}) >= MIN_OUTLETS)

    def whole_events(self, budget):
        picked = []
        candidates = self.cross_outlet_events()
        while candidates:
            years = Counter(self.year(k) for k in picked)
            govs = Counter(self.governorate(k) for k in picked)

            def score(key):
                new = [d for d in self.by_event[key] if d not in self.have]
                split = self.split(self.by_event[key][0])
                need = max(0.0, self.need(split)) / (SHARES[split] * self.total)
                return (need * 4 + (years[self.year(key)] == 0) + (govs[self.governorate(key)] == 0)
                        - len(new) / 10, _h(key))

            key = max(candidates, key=score)
            candidates.remove(key)
            new = [d for d in self.by_event[key] if d not in self.have]
            if len(self.have) + len(new) > budget:
                continue
            picked.append(key)
            for doc_id in sorted(self.by_event[key]):
                self.add(doc_id, "whole event", key)
            done = (len(picked) >= MIN_EVENTS and self.count("validation") >= SHARES["validation"] * self.total
                    and self.count("test") >= SHARES["test"] * self.total)
            if done:
                break
        return picked

    def fill(self):
        outlets = sorted({m["outlet"] for m in self.docs.values()})
        for outlet in outlets:
            pool = sorted((d for d, m in self.docs.items() if m["outlet"] == outlet and d not in self.linked),
                          key=lambda d: _h(d))
            want = min(MIN_PER_OUTLET, len(pool))
            labels = {self.docs[d]["source_record"]["label"] for d in pool}
            for label in sorted(labels, key=str):  # both labels where the outlet has both
                if not any(self.docs[d]["source_record"]["label"] == label for d in self.have if self.docs[d]["outlet"] == outlet):
                    self._take(pool, lambda d: self.docs[d]["source_record"]["label"] == label, "fill: outlet label")
            while sum(1 for d in self.have if self.docs[d]["outlet"] == outlet) < want:
                if not self._take(pool, lambda d: True, "fill: outlet count"):
                    break
        while len(self.have) < self.total:
            pool = sorted((d for d in self.docs if d not in self.linked and d not in self.have), key=_h)
            if not self._take(pool, lambda d: True, "fill: split share"):
                break

    def _take(self, pool, ok, reason):
        # Prefer the split furthest below its share, then the outlet's less represented label.
        candidates = [d for d in pool if d not in self.have and ok(d)]
        if not candidates:
            return False
        best = max(candidates, key=lambda d: (self.need(self.split(d)) / SHARES[self.split(d)], _h(d)))
        self.add(best, reason)
        return True


def tranches(chosen, size=TRANCHE):
    """Tranche number of each chosen id, in pick order, never cutting an event."""
    out, number, filled, current_event = {}, 1, 0, None
    for doc_id, _, event in chosen:
        if filled >= size and (not event or event != current_event):
            number, filled = number + 1, 0
        out[doc_id] = number
        filled += 1
        current_event = event or None
    return out


def render(sel: Selection, picked: list[str]) -> str:
    tr = tranches(sel.chosen)
    docs = sel.docs
    lines = ["# Sampling of the annotation batch", "",
             "Generated by `python scripts/select_batch.py` from the corpus's JSON files (events, the split "
             "ledger, document metadata, existing annotations); do not edit by hand. The script's docstring "
             "gives the rule; this page gives the result.", ""]
    per_split = Counter(sel.split(d) for d in sel.have)
    per_outlet = Counter((docs[d]["outlet"], docs[d]["source_record"]["label"]) for d in sel.have)
    lines += ["## Summary", "",
              f"- Annotated FA-KES articles after the batch: {len(sel.have)} "
              f"({len(sel.have) - len(sel.chosen)} annotated before, {len(sel.chosen)} selected).",
              f"- Whole events (three or more outlets): {len(picked)}, with "
              f"{sum(1 for _, r, _ in sel.chosen if r == 'whole event')} selected articles.",
              "- Standard split of the annotated articles: " + ", ".join(f"{s} {per_split[s]}" for s in SPLITS) + ".",
              f"- Exact duplicates linked, not annotated again: {len(sel.linked)} "
              "(" + ", ".join(f"{d} = {t}" for d, t in sorted(sel.linked.items())) + ").", "",
              "## Per outlet", "", "| outlet | annotated | credible (1) | fake (0) |", "|---|---:|---:|---:|"]
    for outlet in sorted({o for o, _ in per_outlet}):
        lines.append(f"| {outlet} | {per_outlet[(outlet, 1)] + per_outlet[(outlet, 0)]} | {per_outlet[(outlet, 1)]} | "
                     f"{per_outlet[(outlet, 0)]} |")
    lines += ["", "## Whole events", "", "| event | start | governorate | split | articles |", "|---|---|---|---|---:|"]
    for key in picked:
        lines.append(f"| `{key}` | {sel.events[key]['start']} | {sel.governorate(key) or '-'} | "
                     f"{sel.split(sel.by_event[key][0])} | {len(sel.by_event[key])} |")
    lines += ["", "## Selected articles, in pick order", "",
              "| tranche | document | outlet | label | split | reason | event |", "|---:|---|---|---:|---|---|---|"]
    for doc_id, reason, event in sel.chosen:
        meta = docs[doc_id]
        lines.append(f"| {tr[doc_id]} | {doc_id} | {meta['outlet']} | {meta['source_record']['label']} | "
                     f"{sel.split(doc_id)} | {reason} | {event and f'`{event}`'} |")
    return "\n".join(lines) + "\n"


def select(corpus: Path, total: int):
    docs, events, places, ledger, annotated = load(corpus)
    sel = Selection(docs, events, places, ledger, annotated, total)
    picked = sel.whole_events(budget=int(total * 0.7))
    sel.fill()
    return sel, picked


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--out", type=Path, default=Path("docs/sampling.md"))
    parser.add_argument("--total", type=int, default=200)
    args = parser.parse_args(argv)
    sel, picked = select(args.corpus, args.total)
    args.out.write_text(render(sel, picked), encoding="utf-8")
    print(f"{args.out}: {len(sel.chosen)} selected, {len(picked)} whole events", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
