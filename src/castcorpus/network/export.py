"""Serializing discourse networks: GraphML (networkx) and CSV edge and node lists.

``export(graphs, out, fmt)`` writes the two-mode network to ``out`` and each projection beside
it (``<stem>-congruence<suffix>``, ``<stem>-conflict<suffix>``); CSV adds ``<stem>-nodes.csv``
because an edge list cannot carry node attributes. It returns the paths written.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx

from castcorpus.corpus.jsonio import write_atomic

FORMATS = ("graphml", "csv")
NODE_COLUMNS = ("id", "kind", "name", "type", "wikidata", "propositions", "claims", "documents")
TWO_MODE_COLUMNS = ("actor", "concept", "agreement", "count", "documents")
PROJECTION_COLUMNS = ("actor_a", "actor_b", "weight", "concepts")


def graphml_text(graph: nx.Graph) -> str:
    """The graph as GraphML."""
    return "\n".join(nx.generate_graphml(graph)) + "\n"


def _csv(rows, columns) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def two_mode_csv(graph: nx.MultiGraph) -> str:
    """Edge list of the two-mode network, one row per actor, concept and agreement."""
    rows = []
    for u, v, attrs in graph.edges(data=True):
        actor, concept = (u, v) if graph.nodes[u]["kind"] == "actor" else (v, u)
        rows.append((actor, concept, attrs["agreement"], attrs["count"], attrs["documents"]))
    return _csv(sorted(rows), TWO_MODE_COLUMNS)


def projection_csv(graph: nx.Graph) -> str:
    """Edge list of a one-mode projection."""
    rows = [(*sorted((u, v)), attrs["weight"], attrs["concepts"]) for u, v, attrs in graph.edges(data=True)]
    return _csv(sorted(rows), PROJECTION_COLUMNS)


def nodes_csv(graph: nx.Graph) -> str:
    """Node list with the attributes an edge list cannot carry."""
    rows = [(node, *(attrs.get(c, "") for c in NODE_COLUMNS[1:])) for node, attrs in sorted(graph.nodes(data=True))]
    return _csv(rows, NODE_COLUMNS)


def sibling(out: Path, name: str) -> Path:
    """``out`` with ``-<name>`` appended to its stem."""
    return out.with_name(f"{out.stem}-{name}{out.suffix}")


def export(graphs: dict[str, nx.Graph], out: Path, fmt: str) -> list[Path]:
    """Write every graph of :func:`castcorpus.network.graphs.networks`; returns the paths written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    files: dict[Path, str] = {}
    for name, graph in graphs.items():
        path = out if name == "two-mode" else sibling(out, name)
        if fmt == "graphml":
            files[path] = graphml_text(graph)
        else:
            files[path] = two_mode_csv(graph) if name == "two-mode" else projection_csv(graph)
    if fmt == "csv":
        files[out.with_name(f"{out.stem}-nodes.csv")] = nodes_csv(graphs["two-mode"])
    for path, text in files.items():
        write_atomic(path, text)
    return list(files)
