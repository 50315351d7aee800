"""Bring annotators' finished workspaces into the corpus (a maintainers' script).

Each annotator works in a copy of the corpus (``<workspace>/corpus``) and writes anchored
passes to ``corpus/passes/<annotator>/``, adding the actors and clusters it needs to its copy of
the registries. This script, for each workspace:

* adds the registry entries the workspace added (actors, clusters); an entry whose key is
  already in the corpus with other content is a conflict, reported, and nothing is written;
* with ``--single``: moves each pass into ``corpus/annotations/<doc>.json`` with status
  ``single`` (one annotator; the pass itself is not kept, it would only repeat the file);
* without it: copies the passes to ``corpus/passes/<annotator>/`` (documents with a second pass,
  adjudicated later).

Two annotators may add one actor under two keys: ``--rename OLD=NEW`` drops OLD from the
registry additions and rewrites every reference to it in the passes (mentions, speakers,
chains, agents, patients, stance holders and targets), and says so in the file's provenance.

Usage: python scripts/merge_annotations.py WORKSPACE... [--single DOC...] [--rename OLD=NEW...] [--corpus corpus]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _dump(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _reconcile(have: dict, new: dict) -> dict | None:
    """Two annotators added the same key: one entry when they differ only in aliases, sources
    and wording of free text (the first one's wording kept); None when a fact differs."""
    # A cluster's event and question are wording (two annotators word one question differently);
    # its key names the question. An actor's name, type and place in the registry are facts.
    facts = ("name", "type", "part_of", "country", "date", "event_wikidata")
    if any(have.get(f) != new.get(f) for f in facts if f in have or f in new):
        return None
    if have.get("wikidata") and new.get("wikidata") and have["wikidata"] != new["wikidata"]:
        return None
    merged = dict(have)
    if "wikidata" in have:  # a QID one annotator found (with its source) and the other left null
        merged["wikidata"] = have["wikidata"] or new.get("wikidata")
        if merged["wikidata"]:
            merged["wikidata_status"] = "linked"
    if "aliases" in have:
        merged["aliases"] = sorted(set(have["aliases"]) | set(new.get("aliases", [])))
    if "sources" in have:
        merged["sources"] = have["sources"] + [s for s in new.get("sources", []) if s not in have["sources"]]
    return merged


def rename_actors(annotation: dict, renames: dict[str, str]) -> bool:
    """Rewrite actor references by ``renames`` in place; whether anything changed."""
    changed = False

    def swap(key):
        nonlocal changed
        if key in renames:
            changed = True
            return renames[key]
        return key

    for entry in annotation["actors"]:
        entry["actor"] = swap(entry["actor"])
    for claim in annotation["claims"]:
        claim["speaker"] = swap(claim["speaker"])
        claim["agents"] = [swap(k) for k in claim["agents"]]
        claim["patients"] = [swap(k) for k in claim["patients"]]
        for step in claim["attribution"]:
            step["source"] = swap(step["source"])
    for stance in annotation["stances"]:
        stance["holder"] = swap(stance["holder"])
        if "actor" in stance["target"]:
            stance["target"]["actor"] = swap(stance["target"]["actor"])
    return changed


def merge_registry(corpus: Path, workspaces: list[Path], name: str, list_name: str,
                   renames: dict[str, str] | None = None) -> list[str]:
    registry = _load(corpus / name)
    entries = {e["key"]: e for e in registry[list_name]}
    conflicts = []
    for ws in workspaces:
        for entry in _load(ws / "corpus" / name)[list_name]:
            if entry["key"] in (renames or {}):
                continue
            have = entries.get(entry["key"])
            if have is None:
                entries[entry["key"]] = entry
            elif have != entry:
                merged = _reconcile(have, entry)
                if merged is None:
                    conflicts.append(f"{ws.name}: {name} entry {entry['key']!r} differs from the corpus's "
                                     f"in more than aliases and sources")
                else:
                    entries[entry["key"]] = merged
    registry[list_name] = [entries[k] for k in sorted(entries)]
    if not conflicts:
        _dump(corpus / name, registry)
    return conflicts


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspaces", nargs="+", type=Path)
    parser.add_argument("--single", nargs="*", default=[], help="documents annotated once: become gold (single)")
    parser.add_argument("--hold", nargs="*", default=[], help="documents left out for now (awaiting a second pass)")
    parser.add_argument("--rename", nargs="*", default=[], metavar="OLD=NEW", help="one actor added under two keys")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    args = parser.parse_args(argv)
    renames = dict(pair.split("=", 1) for pair in args.rename)
    conflicts = []
    for name, list_name in (("actors.json", "actors"), ("clusters.json", "clusters")):
        conflicts += merge_registry(args.corpus, args.workspaces, name, list_name,
                                    renames if list_name == "actors" else None)
    if conflicts:
        print("\n".join(conflicts), file=sys.stderr)
        return 1
    for ws in args.workspaces:
        annotator = ws.name
        for path in sorted((ws / "corpus" / "passes" / annotator).glob("*.json")):
            if path.stem in args.hold:
                continue
            annotation = _load(path)
            if rename_actors(annotation, renames):
                note = ("Actor keys unified at merge by the maintainers: "
                        + ", ".join(f"{old} -> {new}" for old, new in sorted(renames.items())) + ".")
                annotation["provenance"]["note"] = (annotation["provenance"].get("note", "") + " " + note).strip()
            if path.stem in args.single:
                annotation["provenance"]["status"] = "single"
                _dump(args.corpus / "annotations" / path.name, annotation)
            else:
                _dump(args.corpus / "passes" / annotator / path.name, annotation)
            print(f"{annotator}: {path.stem} -> {'annotations' if path.stem in args.single else 'passes'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
