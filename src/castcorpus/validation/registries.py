"""Checks on the three registries that a schema cannot express."""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from typing import Any, Iterator

from castcorpus.corpus.schema import load_schema
from castcorpus.report import Issue, pointer


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


#: Words an actor reference means by itself (the document's own voice), read from the
#: schema's ``actor_ref`` pattern (``^(author|<slug>)$``): an actor cannot have one as its key.
RESERVED_ACTOR_KEYS = tuple(re.match(r"\^\(((?:[a-z]+\|)+)", load_schema("defs")["$defs"]["actor_ref"]["pattern"])
                            .group(1).rstrip("|").split("|"))


def actor_issues(actors: list[dict[str, Any]], file: str) -> Iterator[Issue]:
    """Actors: unique keys that are not reserved words, part_of resolves without cycles,
    Wikidata ids and aliases unambiguous."""
    yield from duplicate_keys(actors, file, "actors")
    for index, actor in enumerate(actors):
        if actor["key"] in RESERVED_ACTOR_KEYS:
            yield Issue(file, pointer("actors", index, "key"), "key-reserved",
                        f"{actor['key']!r} is a reserved word (an annotation's {actor['key']!r} means the document's "
                        "own voice), so it cannot be an actor key")
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
    """Every actor that is, through a chain of part_of, part of itself (a direct self-reference
    is reported on its own). Linear: the actors on cycles are the strongly connected components
    of more than one actor (Tarjan's algorithm, without recursion)."""
    cyclic = _on_cycles({key: [p for p in actor.get("part_of", []) if p in by_key and p != key]
                         for key, actor in by_key.items()})
    for index, actor in enumerate(actors):
        if actor["key"] in cyclic:
            yield Issue(file, pointer("actors", index, "part_of"), "actor-part-of-cycle",
                        f"actor {actor['key']!r} is, through part_of, part of itself")


def _on_cycles(graph: dict[str, list[str]]) -> set[str]:
    """The nodes of ``graph`` (node -> successors, all nodes) in a strongly connected
    component of more than one node: those on a cycle of length two or more."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cyclic: set[str] = set()
    for root in graph:
        if root in index_of:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index_of[node] = low[node] = len(index_of)
                stack.append(node)
                on_stack.add(node)
            successors = graph[node]
            while child < len(successors) and successors[child] in index_of:
                nxt = successors[child]
                if nxt in on_stack:
                    low[node] = min(low[node], index_of[nxt])
                child += 1
            if child < len(successors):
                work.append((node, child + 1))
                work.append((successors[child], 0))
                continue
            if low[node] == index_of[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cyclic.update(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return cyclic


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
    # At most a few other owners are named, from the smallest keys of each alias found once:
    # an alias shared by thousands of actors would otherwise make the check (and the report)
    # quadratic.
    first: dict[str, list[str]] = {}
    for index, actor in enumerate(actors):
        for j, alias in enumerate(actor.get("aliases", [])):
            owned = owners[alias.casefold()]
            others = len(owned) - (actor["key"] in owned)
            if not others:
                continue
            if alias.casefold() not in first:
                first[alias.casefold()] = heapq.nsmallest(_SHOWN + 1, owned)
            shown = [key for key in first[alias.casefold()] if key != actor["key"]][:_SHOWN]
            more = others - len(shown)
            yield Issue(file, pointer("actors", index, "aliases", j), "alias-ambiguous",
                        f"alias {alias!r} also names {', '.join(shown)}" + (f" and {more} more" if more > 0 else ""))


#: How many other owners of an ambiguous alias a finding names.
_SHOWN = 5


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


def cluster_issues(clusters: list[dict[str, Any]], file: str) -> Iterator[Issue]:
    """Clusters: unique keys; ``merged_into`` names another cluster that exists, and merges
    never go round in a cycle (each cluster merges into at most one, so following them from
    every cluster once is linear)."""
    yield from duplicate_keys(clusters, file, "clusters")
    target = {c["key"]: c.get("merged_into") for c in clusters}
    for index, cluster in enumerate(clusters):
        key, into = cluster["key"], cluster.get("merged_into")
        where = pointer("clusters", index, "merged_into")
        if into is None:
            continue
        if into == key:
            yield Issue(file, where, "cluster-merged-into-self", f"cluster {key!r} is merged into itself")
        elif into not in target:
            yield Issue(file, where, "cluster-merged-into-unknown",
                        f"cluster {key!r} is merged into {into!r}, which is not in {file}")
    cyclic = merge_cycles(target)
    for index, cluster in enumerate(clusters):
        if cluster["key"] in cyclic:
            yield Issue(file, pointer("clusters", index, "merged_into"), "cluster-merge-cycle",
                        f"cluster {cluster['key']!r} is, through merged_into, merged into itself")


def merge_cycles(target: dict[str, str | None]) -> set[str]:
    """The keys on a cycle of two or more merges (``key -> merged_into``)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cyclic: set[str] = set()
    for start in target:
        path, key = [], start
        while key in target and key not in state:
            state[key] = 1
            path.append(key)
            key = target[key]
        if key in state and state[key] == 1:  # the walk came back onto its own path
            loop = path[path.index(key):]
            if len(loop) > 1:
                cyclic.update(loop)
        for seen in path:
            state[seen] = 2
    return cyclic


def merge_ends(target: dict[str, str | None]) -> dict[str, str]:
    """For every merged key whose chain of merges (``key -> merged_into``) ends at a cluster
    that is not merged further, that cluster's key. Keys whose chain goes into itself, an
    unknown key or a cycle are left out: the registry's findings say what is wrong. Each key is
    followed once (results are shared along a chain), so a chain of n merges costs n steps."""
    resolved: dict[str, str | None] = {}
    for start in target:
        path, on_path, key = [], set(), start
        while True:
            if key in resolved:
                end = resolved[key]
                break
            if key not in target or key in on_path:  # an unknown key, or a cycle
                end = None
                break
            if target[key] is None:  # a cluster that is not merged: the end of the chain
                end = key
                break
            path.append(key)
            on_path.add(key)
            key = target[key]
        for key in path:
            resolved[key] = end
    return {key: end for key, end in resolved.items() if end is not None}
