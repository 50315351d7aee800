"""Discourse networks (Leifeld's Discourse Network Analysis) as networkx graphs.

* The **two-mode** (affiliation) network links actors to concepts. It is a ``MultiGraph``:
  one edge per actor, concept and agreement (keyed by the agreement), so an actor that both
  supports and opposes a concept keeps both ties. Edge attributes: ``agreement``, ``count``
  (statements), ``documents`` (ids, ``;``-joined).
* The one-mode **congruence** projection ties two actors that share an agreement toward a
  concept, weighted by the number of such concepts; the **conflict** projection ties two actors
  of which one supports and the other opposes a concept (neutral is opposite to nothing),
  weighted likewise. Edge attributes: ``weight``, ``concepts`` (``;``-joined).

Node ids are actor keys and concept keys (see :mod:`castcorpus.network.discourse`). Node attributes
are GraphML-safe (no None): ``kind`` (actor / concept), ``bipartite`` (0 / 1), ``name``,
``type``, ``wikidata`` ("" when none; for a cluster, its event's item); concepts also carry
``event`` (from clusters.json), ``propositions``, ``claims`` and ``documents``.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

import networkx as nx

from .discourse import Discourse

PROJECTIONS = ("congruence", "conflict")


class NetworkError(Exception):
    """The network cannot be built (e.g. a concept key is also an actor key)."""


def two_mode(discourse: Discourse, actors: dict[str, dict[str, Any]]) -> nx.MultiGraph:
    """The actor x concept network of the statements."""
    graph = nx.MultiGraph(name="CAST-Syria discourse network (actor x concept)")
    ties: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for s in discourse.statements:
        ties[(s.actor, s.concept, s.agreement)].append(s.document)
    for actor in sorted({a for a, _, _ in ties}):
        graph.add_node(actor, **_actor_attrs(actor, actors))
    for key, concept in sorted(discourse.concepts.items()):
        if key in graph:
            raise NetworkError(f"concept {key!r} has the key of an actor; rename the claim cluster")
        graph.add_node(key, kind="concept", bipartite=1, name=concept.name, type=";".join(concept.types),
                       wikidata=concept.cluster.get("event_wikidata") or "", event=concept.cluster.get("event") or "",
                       propositions=" | ".join(concept.propositions),
                       claims=len(concept.claims), documents=";".join(concept.documents))
    for (actor, concept, agreement), docs in sorted(ties.items()):
        graph.add_edge(actor, concept, key=agreement, agreement=agreement, count=len(docs),
                       documents=";".join(sorted(set(docs))))
    return graph


def _actor_attrs(key: str, actors: dict[str, dict[str, Any]]) -> dict[str, Any]:
    entry = actors.get(key, {})
    return {"kind": "actor", "bipartite": 0, "name": entry.get("name", key),
            "type": entry.get("type", ""), "wikidata": entry.get("wikidata") or ""}


def projection(graph: nx.MultiGraph, kind: str) -> nx.Graph:
    """The congruence or conflict network among the actors of a two-mode network."""
    if kind not in PROJECTIONS:
        raise ValueError(f"unknown projection {kind!r}; expected one of {', '.join(PROJECTIONS)}")
    result = nx.Graph(name=f"CAST-Syria actor {kind} network")
    for node, attrs in graph.nodes(data=True):
        if attrs["kind"] == "actor":
            result.add_node(node, **{k: v for k, v in attrs.items() if k != "bipartite"})
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for concept, attrs in graph.nodes(data=True):
        if attrs["kind"] != "concept":
            continue
        for a, b in _pairs(graph, concept, kind):
            shared[(a, b)].add(concept)
    for (a, b), concepts in sorted(shared.items()):
        result.add_edge(a, b, weight=len(concepts), concepts=";".join(sorted(concepts)))
    return result


def _pairs(graph: nx.MultiGraph, concept: str, kind: str) -> set[tuple[str, str]]:
    """Actor pairs (sorted) tied through ``concept`` in the way ``kind`` counts."""
    by_agreement: dict[str, set[str]] = defaultdict(set)
    for _, actor, agreement in graph.edges(concept, keys=True):
        by_agreement[agreement].add(actor)
    pairs: set[tuple[str, str]] = set()
    if kind == "congruence":
        for group in by_agreement.values():
            pairs.update(combinations(sorted(group), 2))
    else:
        for a in by_agreement.get("support", ()):
            for b in by_agreement.get("oppose", ()):
                if a != b:  # an ambivalent actor is not in conflict with itself
                    pairs.add(tuple(sorted((a, b))))
    return pairs


def networks(discourse: Discourse, actors: dict[str, dict[str, Any]]) -> dict[str, nx.Graph]:
    """The two-mode network and both projections, by name."""
    graph = two_mode(discourse, actors)
    return {"two-mode": graph, **{kind: projection(graph, kind) for kind in PROJECTIONS}}
