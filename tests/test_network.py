"""Discourse network export (castcorpus network) against hand-counted expectations.

The fixture is tests/data/discourse/corpus (invented texts). Statements, counted by hand from
its drafts (AW aid-watch, GA government-army, RF rebel-front, CC city-council, PM peace-mission,
RT river-times; MS cluster market-strike, CB cluster convoy-blocked):

np-market-strike (North Post): claims c1 AW+MS, c2 GA+#c2, c3 AW+CB, c4 GA+#c4, c5 GA+#c5;
  stances s1 RF+MS, s2 GA-MS; s3 (author toward an actor) is not about a claim: no statement.
rt-market-account (River Times): claims c1 AW+MS, c2 AW+#c2; stances s1 CC-MS, s2 PM+MS,
  s3 author(=RT) neutral MS.
np-convoy-republished (North Post, first published by River Times): claims c1 PM+CB, c2 GA+#c2;
  stances s1 CC-CB, s2 author(=RT, the original outlet, not North Post)+CB, s3 GA-CB.
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx

from castcorpus.cli.main import main
from castcorpus.network.discourse import Statement, document_statements

CORPUS = Path(__file__).parent / "data" / "discourse" / "corpus"
D1, D2, D3 = "np-market-strike", "rt-market-account", "np-convoy-republished"

TWO_MODE = {  # (actor, concept, agreement): statements
    ("aid-watch", "market-strike", "support"): 2,
    ("aid-watch", "convoy-blocked", "support"): 1,
    ("aid-watch", f"{D2}#c2", "support"): 1,
    ("government-army", f"{D1}#c2", "support"): 1,
    ("government-army", f"{D1}#c4", "support"): 1,
    ("government-army", f"{D1}#c5", "support"): 1,
    ("government-army", f"{D3}#c2", "support"): 1,
    ("government-army", "market-strike", "oppose"): 1,
    ("government-army", "convoy-blocked", "oppose"): 1,
    ("rebel-front", "market-strike", "support"): 1,
    ("city-council", "market-strike", "oppose"): 1,
    ("city-council", "convoy-blocked", "oppose"): 1,
    ("peace-mission", "market-strike", "support"): 1,
    ("peace-mission", "convoy-blocked", "support"): 1,
    ("river-times", "market-strike", "neutral"): 1,
    ("river-times", "convoy-blocked", "support"): 1,
}
ACTORS = {"aid-watch", "government-army", "rebel-front", "city-council", "peace-mission", "river-times"}
CONCEPTS = {"market-strike", "convoy-blocked", f"{D1}#c2", f"{D1}#c4", f"{D1}#c5", f"{D2}#c2", f"{D3}#c2"}
# Same agreement toward the same concept, weight = shared concepts.
CONGRUENCE = {
    ("aid-watch", "rebel-front"): 1, ("aid-watch", "peace-mission"): 2, ("peace-mission", "rebel-front"): 1,
    ("city-council", "government-army"): 2, ("aid-watch", "river-times"): 1, ("peace-mission", "river-times"): 1,
}
# Support against oppose on the same concept (neutral opposes nothing).
CONFLICT = {
    ("aid-watch", "government-army"): 2, ("aid-watch", "city-council"): 2,
    ("government-army", "rebel-front"): 1, ("city-council", "rebel-front"): 1,
    ("government-army", "peace-mission"): 2, ("city-council", "peace-mission"): 2,
    ("city-council", "river-times"): 1, ("government-army", "river-times"): 1,
}


def export(tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "net.graphml"
    assert main(["network", "--corpus", str(CORPUS), "--out", str(out), *extra]) == 0
    return out


def weights(graph) -> dict[tuple[str, str], int]:
    return {tuple(sorted((u, v))): w for u, v, w in graph.edges(data="weight")}


def test_two_mode_graphml_matches_hand_count(tmp_path):
    graph = nx.read_graphml(export(tmp_path), force_multigraph=True)
    kinds = dict(graph.nodes(data="kind"))
    assert {n for n, k in kinds.items() if k == "actor"} == ACTORS
    assert {n for n, k in kinds.items() if k == "concept"} == CONCEPTS
    ties = {}
    for u, v, attrs in graph.edges(data=True):
        actor, concept = (u, v) if kinds[u] == "actor" else (v, u)
        ties[(actor, concept, attrs["agreement"])] = attrs["count"]
    assert ties == TWO_MODE


def test_two_mode_node_attributes(tmp_path):
    graph = nx.read_graphml(export(tmp_path), force_multigraph=True)
    assert graph.nodes["peace-mission"]["name"] == "Peace Mission"
    assert graph.nodes["peace-mission"]["type"] == "international_organization"
    assert "wikidata" in graph.nodes["peace-mission"]
    # A cluster is named by its key and lists its documents; a lone claim by its proposition.
    assert graph.nodes["market-strike"]["documents"] == f"{D1};{D2}"
    assert graph.nodes["market-strike"]["name"] == "Did the army shell the Old Market?"  # clusters.json question
    assert graph.nodes["market-strike"]["event"] == "Invented event: shelling of the Old Market"
    assert graph.nodes["market-strike"]["claims"] == 2
    assert graph.nodes[f"{D3}#c2"]["name"] == "The crossing was closed for safety reasons."
    assert graph.nodes[f"{D3}#c2"]["type"] == "causal"


def test_author_resolves_to_original_outlet_and_actor_stances_are_left_out(tmp_path):
    graph = nx.read_graphml(export(tmp_path), force_multigraph=True)
    # The republished document's author is River Times; North Post states nothing about claims.
    assert "north-post" not in graph
    assert graph.has_edge("river-times", "convoy-blocked")


def test_projections_match_hand_count(tmp_path):
    out = export(tmp_path)
    congruence = nx.read_graphml(tmp_path / "net-congruence.graphml")
    conflict = nx.read_graphml(tmp_path / "net-conflict.graphml")
    assert weights(congruence) == CONGRUENCE
    assert weights(conflict) == CONFLICT
    assert congruence.edges["aid-watch", "peace-mission"]["concepts"] == "convoy-blocked;market-strike"
    assert set(congruence.nodes) == ACTORS and out.exists()


def test_by_claim_keeps_every_claim_apart(tmp_path):
    graph = nx.read_graphml(export(tmp_path, "--by", "claim"), force_multigraph=True)
    concepts = {n for n, k in graph.nodes(data="kind") if k == "concept"}
    assert concepts == {f"{D1}#c{i}" for i in range(1, 6)} | {f"{D2}#c1", f"{D2}#c2", f"{D3}#c1", f"{D3}#c2"}
    congruence = nx.read_graphml(tmp_path / "net-congruence.graphml")
    conflict = nx.read_graphml(tmp_path / "net-conflict.graphml")
    assert weights(congruence) == {("aid-watch", "rebel-front"): 1, ("aid-watch", "peace-mission"): 1,
                                   ("peace-mission", "river-times"): 1, ("city-council", "government-army"): 1}
    assert weights(conflict) == {
        ("aid-watch", "government-army"): 1, ("government-army", "rebel-front"): 1,
        ("aid-watch", "city-council"): 1, ("city-council", "peace-mission"): 2,
        ("government-army", "peace-mission"): 1, ("city-council", "river-times"): 1,
        ("government-army", "river-times"): 1,
    }


def test_csv_edge_lists(tmp_path):
    out = tmp_path / "net.csv"
    assert main(["network", "--corpus", str(CORPUS), "--format", "csv", "--out", str(out)]) == 0
    with open(out, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["actor"], r["concept"], r["agreement"]): int(r["count"]) for r in rows} == TWO_MODE
    with open(tmp_path / "net-conflict.csv", newline="") as handle:
        assert {(r["actor_a"], r["actor_b"]): int(r["weight"]) for r in csv.DictReader(handle)} == CONFLICT
    with open(tmp_path / "net-nodes.csv", newline="") as handle:
        nodes = {r["id"]: r for r in csv.DictReader(handle)}
    assert set(nodes) == ACTORS | CONCEPTS
    assert nodes["rebel-front"]["type"] == "armed_group"


def test_stdout_and_unusable_corpus(tmp_path, capsys):
    assert main(["network", "--corpus", str(CORPUS), "--out", "-", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("actor,concept,agreement,count,documents\n")
    assert main(["network", "--corpus", str(tmp_path / "missing"), "--out", str(tmp_path / "x.graphml")]) == 2


def test_a_claim_with_other_clusters_is_a_statement_about_each():
    meta = {"id": "d", "outlet": "north-post", "republication": None}
    claim = {"id": "c1", "speaker": "author", "cluster": "toll", "other_clusters": ["children-toll"]}
    annotation = {"claims": [claim], "stances": [
        {"id": "s1", "holder": "aid-watch", "target": {"claim": "c1"}, "polarity": "oppose"},
        {"id": "s2", "holder": "aid-watch", "target": {"actor": "rebel-front"}, "polarity": "oppose"}]}
    outlets = {"north-post": {"actor": "north-post"}}
    assert list(document_statements("d", meta, annotation, outlets)) == [
        Statement("north-post", "toll", "support", "d", "claim:c1"),
        Statement("north-post", "children-toll", "support", "d", "claim:c1"),
        Statement("aid-watch", "toll", "oppose", "d", "stance:s1"),
        Statement("aid-watch", "children-toll", "oppose", "d", "stance:s1"),
    ]
    by_claim = list(document_statements("d", meta, annotation, outlets, by="claim"))
    assert [s.concept for s in by_claim] == ["d#c1", "d#c1"]
