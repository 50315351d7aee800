"""Discourse statements: who agrees or disagrees with which claim, across the corpus.

This is the coding step of Discourse Network Analysis (Leifeld 2016): every statement is an
actor, a *concept* and an *agreement* qualifier. In CAST-Syria

* a concept is a claim cluster (the same claim about the same event, across documents); a
  claim without a cluster is its own concept, keyed ``doc-id#claim-id``; a claim that also
  answers ``other_clusters`` belongs to each of them. With ``by="claim"`` every claim is its
  own concept, clusters or not;
* a claim is a statement of its speaker: the speaker supports what it claims;
* a stance whose target is a claim is a statement of its holder with the stance's polarity
  (support / oppose / neutral). Stances toward actors are not statements about concepts and
  are left out.

``"author"`` resolves to the actor of the document's voice: the original outlet of a
republication, else the publishing outlet (outlets.json ``actor``). Only pure Python here;
:mod:`castcorpus.network.graphs` turns the statements into networkx graphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from castcorpus.corpus.reader import Corpus
from castcorpus.splits.assign import voice_outlet

#: Concept granularities: claim clusters (unclustered claims stand alone) or single claims.
BY = ("cluster", "claim")
AUTHOR = "author"


@dataclass(frozen=True)
class Statement:
    """One actor's agreement with one concept, as read from one claim or stance."""

    actor: str
    concept: str
    agreement: str
    document: str
    source: str  # "claim:<id>" or "stance:<id>", where in the document it was read


@dataclass
class Concept:
    """A node of the concept mode: a cluster or a single claim, with what describes it."""

    key: str
    claims: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (doc id, claim)
    cluster: dict[str, Any] = field(default_factory=dict)  # its clusters.json entry, if any

    @property
    def name(self) -> str:
        """The cluster's question (else its key), or the proposition of a lone claim."""
        if "#" in self.key and self.claims:
            return self.claims[0][1]["proposition"]
        return self.cluster.get("question") or self.key

    @property
    def types(self) -> list[str]:
        """Claim types of the concept's claims, sorted and unique."""
        return sorted({claim["type"] for _, claim in self.claims})

    @property
    def propositions(self) -> list[str]:
        """Propositions of the concept's claims in corpus order, unique."""
        return list(dict.fromkeys(claim["proposition"] for _, claim in self.claims))

    @property
    def documents(self) -> list[str]:
        return sorted({doc for doc, _ in self.claims})


def voice_actor(meta: dict[str, Any], outlets: dict[str, dict[str, Any]]) -> str:
    """Actor key of a document's voice: the original outlet's actor, else the outlet's."""
    return outlets[voice_outlet(meta)]["actor"]


def concept_keys(doc_id: str, claim: dict[str, Any], by: str = "cluster") -> list[str]:
    """The concepts a claim belongs to: its cluster and other clusters, or ``doc-id#claim-id``."""
    if by not in BY:
        raise ValueError(f"unknown concept granularity {by!r}; expected one of {', '.join(BY)}")
    clusters = [claim["cluster"]] if claim.get("cluster") else []
    clusters += [c for c in claim.get("other_clusters", []) if c not in clusters]
    if by == "cluster" and clusters:
        return clusters
    return [f"{doc_id}#{claim['id']}"]


def document_statements(doc_id: str, meta: dict[str, Any], annotation: dict[str, Any],
                        outlets: dict[str, dict[str, Any]], by: str = "cluster") -> Iterator[Statement]:
    """The statements of one annotated document: claims first, then stances toward claims."""
    voice = voice_actor(meta, outlets)

    def resolve(ref: str) -> str:
        return voice if ref == AUTHOR else ref

    concepts = {claim["id"]: concept_keys(doc_id, claim, by) for claim in annotation["claims"]}
    for claim in annotation["claims"]:
        for concept in concepts[claim["id"]]:
            yield Statement(resolve(claim["speaker"]), concept, "support", doc_id, f"claim:{claim['id']}")
    for stance in annotation["stances"]:
        target = stance["target"].get("claim")
        for concept in concepts.get(target, []) if target is not None else []:
            yield Statement(resolve(stance["holder"]), concept, stance["polarity"], doc_id, f"stance:{stance['id']}")


@dataclass
class Discourse:
    """All statements of a corpus and the concepts they are about."""

    statements: list[Statement]
    concepts: dict[str, Concept]


def collect(corpus: Corpus, by: str = "cluster") -> Discourse:
    """Statements and concepts of every annotated document, in document order."""
    statements: list[Statement] = []
    concepts: dict[str, Concept] = {}
    registry = corpus.clusters
    for record in corpus.iter_documents(annotated_only=True):
        annotation = record.annotation
        for claim in annotation["claims"]:
            for key in concept_keys(record.id, claim, by):
                concept = concepts.setdefault(key, Concept(key, cluster=registry.get(key, {})))
                concept.claims.append((record.id, claim))
        statements.extend(document_statements(record.id, record.meta, annotation, corpus.outlets, by))
    return Discourse(statements, concepts)
