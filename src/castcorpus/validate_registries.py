"""Checks on the three registries that a schema cannot express."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterator

from .report import Issue, pointer


def duplicate_keys(entries: list[dict[str, Any]], file: str, list_name: str) -> Iterator[Issue]:
    """Each entry's ``key`` must be unique in its registry."""
    first: dict[str, int] = {}
    for index, entry in enumerate(entries):
        key = entry.get("key")
        if key in first:
            yield Issue(file, pointer(list_name, index, "key"), "duplicate-key",
                        f"key {key!r} is already used by entry {first[key]}")
        else:
            first[key] = index


def actor_issues(actors: list[dict[str, Any]], file: str) -> Iterator[Issue]:
    """Actors: unique keys, part_of resolves without cycles, Wikidata ids and aliases unambiguous."""
    yield from duplicate_keys(actors, file, "actors")
    by_key = {a["key"]: a for a in actors}
    for index, actor in enumerate(actors):
        for j, parent in enumerate(actor.get("part_of", [])):
            if parent == actor["key"]:
                yield Issue(file, pointer("actors", index, "part_of", j), "actor-part-of-cycle",
                            f"actor {actor['key']!r} is part of itself")
            elif parent not in by_key:
                yield Issue(file, pointer("actors", index, "part_of", j), "unknown-actor",
                            f"part_of names {parent!r}, which is not in the actor registry")
    yield from _cycles(actors, by_key, file)
    yield from _shared_values(actors, file, "wikidata", "duplicate-wikidata")
    yield from _ambiguous_aliases(actors, file)


def _cycles(actors, by_key, file) -> Iterator[Issue]:
    for index, actor in enumerate(actors):
        seen, frontier = set(), list(actor.get("part_of", []))
        while frontier:
            key = frontier.pop()
            if key == actor["key"] and key not in actor.get("part_of", []):
                yield Issue(file, pointer("actors", index, "part_of"), "actor-part-of-cycle",
                            f"actor {actor['key']!r} is, through part_of, part of itself")
                break
            if key in seen or key not in by_key:
                continue
            seen.add(key)
            frontier.extend(by_key[key].get("part_of", []))


def _shared_values(entries, file, field, code) -> Iterator[Issue]:
    owners: dict[Any, str] = {}
    for index, entry in enumerate(entries):
        value = entry.get(field)
        if value is None:
            continue
        if value in owners:
            yield Issue(file, pointer("actors", index, field), code,
                        f"{field} {value} is also given to actor {owners[value]!r}")
        else:
            owners[value] = entry["key"]


def _ambiguous_aliases(actors, file) -> Iterator[Issue]:
    owners: dict[str, set[str]] = defaultdict(set)
    for actor in actors:
        for name in [actor.get("name", ""), *actor.get("aliases", [])]:
            owners[name.casefold()].add(actor["key"])
    for index, actor in enumerate(actors):
        for j, alias in enumerate(actor.get("aliases", [])):
            others = sorted(owners[alias.casefold()] - {actor["key"]})
            if others:
                yield Issue(file, pointer("actors", index, "aliases", j), "alias-ambiguous",
                            f"alias {alias!r} also names {', '.join(others)}")


def outlet_issues(outlets: list[dict[str, Any]], actors: dict[str, dict] | None, file: str) -> Iterator[Issue]:
    """Outlets: unique keys; each outlet's actor exists and is of type media (checked only
    when the actor registry is usable, ``actors`` not None)."""
    yield from duplicate_keys(outlets, file, "outlets")
    if actors is None:
        return
    for index, outlet in enumerate(outlets):
        actor = actors.get(outlet.get("actor"))
        where = pointer("outlets", index, "actor")
        if actor is None:
            yield Issue(file, where, "unknown-actor", f"outlet actor {outlet.get('actor')!r} is not in the actor registry")
        elif actor.get("type") != "media":
            yield Issue(file, where, "outlet-actor-not-media",
                        f"outlet actor {actor['key']!r} has type {actor.get('type')!r}, expected 'media'")


def event_issues(registry: dict[str, Any], file: str) -> Iterator[Issue]:
    """Events: unique keys, each event's place in the file's places, start not after end."""
    yield from duplicate_keys(registry["places"], file, "places")
    yield from duplicate_keys(registry["events"], file, "events")
    places = {p["key"] for p in registry["places"]}
    for index, event in enumerate(registry["events"]):
        if event["place"] not in places:
            yield Issue(file, pointer("events", index, "place"), "unknown-place",
                        f"place {event['place']!r} is not in this file's places")
        # Partial dates compare by their common precision: 2016-08 is not after 2016-08-03.
        start, end = event["start"], event["end"]
        width = min(len(start), len(end))
        if start[:width] > end[:width]:
            yield Issue(file, pointer("events", index, "end"), "event-dates-reversed",
                        f"event {event['key']!r} ends ({end}) before it starts ({start})")


def near_duplicate_issues(registry: dict[str, Any], documents: set[str], file: str) -> Iterator[Issue]:
    """Near-duplicate pairs: two different known documents, the smaller id first."""
    for index, pair in enumerate(registry["pairs"]):
        if pair["a"] >= pair["b"]:
            yield Issue(file, pointer("pairs", index), "near-duplicate-pair-order",
                        f"a pair names its smaller id first and two different documents ({pair['a']!r}, {pair['b']!r})")
        for side in ("a", "b"):
            if pair[side] not in documents:
                yield Issue(file, pointer("pairs", index, side), "unknown-document",
                            f"there is no document {pair[side]!r} in documents/")
