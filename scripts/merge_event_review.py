"""Merge the event reviewers' files into corpus/events.json and the documents' reports_on.

A maintainers' script, run once after the event review (docs/events.md): each reviewer read
the hydrated texts of a share of the proposed runs (castcorpus events propose) and wrote
events and, per document, the events it reports. Events that two reviewers named with the
same key (an incident reported in round-ups of two places) become one event with the union
of their documents. Prints what it merged; writes nothing when the files disagree with the
corpus.

Then the reconciliation files (--merges) are applied: a second reading of the events of one
governorate that two reviewers dated within two days of each other, naming those that are one
incident. A merged event keeps its key and place, spans the dates of all it absorbed, and each
document that reported a dropped key reports the kept one instead.

Usage: python scripts/merge_event_review.py REVIEW_FILE... [--merges FILE...] [--corpus corpus] [--date YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

GOVERNORATES = {"Aleppo", "Damascus", "Rif Dimashq", "Idlib", "Hama", "Homs", "Latakia", "Tartus", "Deir ez-Zor",
                "Raqqa", "Hasakah", "Daraa", "Quneitra", "As-Suwayda"}


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


FOREIGN = {"Turkey": "TR", "Lebanon": "LB", "Iraq": "IQ", "Jordan": "JO", "Russia": "RU", "Switzerland": "CH",
           "United States": "US", "Israel": "IL", "Iran": "IR", "Kazakhstan": "KZ", "Egypt": "EG",
           "Saudi Arabia": "SA", "France": "FR", "United Kingdom": "GB", "Belgium": "BE", "Germany": "DE"}


def country_of(place: dict) -> str:
    """ISO code of the place's country: reviewers gave a foreign country as the governorate."""
    for value in (place.get("governorate"), place["name"].strip()):
        if value in FOREIGN:
            return FOREIGN[value]
    return "SY"


def merge(reviews: list[dict], date: str):
    places: dict[str, dict] = {}
    events: dict[str, dict] = {}
    reports: dict[str, list[str]] = {}
    merged_keys = []
    for review in reviews:
        reviewer = review["reviewer"]
        place_keys = {}
        for event in review["events"]:
            place = event["place"]
            governorate = place.get("governorate")
            if governorate not in GOVERNORATES:
                governorate = None
            country = country_of(place)
            key = slug(place["name"]) or "syria"
            if key in places and (places[key]["name"], places[key]["governorate"]) != (place["name"], governorate):
                key = f"{key}-{slug(governorate or country)}"
            places.setdefault(key, {"key": key, "name": place["name"], "governorate": governorate,
                                    "country": country, "coordinates": None, "wikidata": None,
                                    "wikidata_status": "unlinked",
                                    "sources": [{"fact": "name, governorate",
                                                 "source": f"the reports of the events held there, read by {reviewer} "
                                                           f"in the event review of {date} (docs/events.md)"}]})
            ekey = event["key"]
            entry = {"key": ekey, "kind": event["kind"].replace("-", "_"), "start": event["date_start"],
                     "end": event["date_end"], "date_basis": event["date_basis"], "place": key,
                     "description": event["description"], "wikidata": None, "wikidata_status": "unlinked",
                     "documents": set(event["documents"]),
                     "reviewer": reviewer}
            if ekey in events:
                merged_keys.append((ekey, events[ekey]["reviewer"], reviewer))
                events[ekey]["documents"] |= entry["documents"]
            else:
                events[ekey] = entry
        for doc_id, info in review["documents"].items():
            if doc_id in reports:
                raise SystemExit(f"{doc_id} is reviewed twice")
            reports[doc_id] = info["reports_on"]
    for event in events.values():
        ids = sorted(event.pop("documents"))
        reviewer = event.pop("reviewer")
        event["sources"] = [{"fact": "kind, start, end, place, description",
                             "source": f"event review of {date} by {reviewer}, from the texts of {', '.join(ids)} "
                                       "(FA-KES, Zenodo 10.5281/zenodo.2607278); dates as date_basis says"}]
    return places, events, reports, merged_keys


def reconcile(events: dict[str, dict], reports: dict[str, list[str]], merges: list[dict]) -> list[str]:
    """Apply merges in place; the lines that say what was merged."""
    said = []
    for merge_ in merges:
        keep = merge_["keep"]
        for drop in merge_["drop"]:
            if drop not in events or keep not in events:
                raise SystemExit(f"merge names an unknown event: {keep} <- {drop}")
            gone = events.pop(drop)
            kept = events[keep]
            kept["start"] = min(kept["start"], gone["start"])
            kept["end"] = max(kept["end"], gone["end"])
            kept["date_basis"] += f" Merged at reconciliation with {drop} (one incident)."
            kept["sources"] += gone["sources"]
            for doc_id, keys in reports.items():
                if drop in keys:
                    reports[doc_id] = list(dict.fromkeys(keep if k == drop else k for k in keys))
            said.append(f"reconciled: {drop} -> {keep}: {merge_['reason']}")
    return said


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reviews", nargs="+", type=Path)
    parser.add_argument("--merges", nargs="*", type=Path, default=[])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--date", default="2026-12-06")
    args = parser.parse_args(argv)
    reviews = [json.loads(path.read_text(encoding="utf-8")) for path in args.reviews]
    places, events, reports, merged_keys = merge(reviews, args.date)
    merges = [m for path in args.merges for m in json.loads(path.read_text(encoding="utf-8"))["merges"]]
    reconciled = reconcile(events, reports, merges)
    used = {key for keys in reports.values() for key in keys}
    places = {key: place for key, place in places.items() if key in {e["place"] for e in events.values()}}
    registry_path = args.corpus / "events.json"
    registry = json.loads(registry_path.read_text(encoding="utf-8"))
    for place in registry["places"]:
        places.setdefault(place["key"], place)
    for event in registry["events"]:
        events.setdefault(event["key"], event)
    unknown = [doc_id for doc_id in reports if not (args.corpus / "documents" / f"{doc_id}.json").exists()]
    dangling = sorted({key for keys in reports.values() for key in keys if key not in events})
    if unknown or dangling:
        print(f"unknown documents: {unknown[:5]}; unknown events: {dangling[:5]}", file=sys.stderr)
        return 1
    registry["places"] = [places[k] for k in sorted(places)]
    registry["events"] = [events[k] for k in sorted(events)]
    registry_path.write_text(json.dumps(registry, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for doc_id, keys in sorted(reports.items()):
        path = args.corpus / "documents" / f"{doc_id}.json"
        meta = json.loads(path.read_text(encoding="utf-8"))
        meta["reports_on"] = keys
        path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for key, first, second in merged_keys:
        print(f"merged: {key} ({first} and {second})")
    for line in reconciled:
        print(line)
    unused = sorted(set(events) - used - {e["key"] for e in registry["events"] if e["key"] in used})
    if unused:
        print(f"events no document reports: {unused}", file=sys.stderr)
    print(f"{len(places)} places, {len(events)} events, {len(reports)} documents", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
