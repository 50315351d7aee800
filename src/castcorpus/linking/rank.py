"""Scoring candidate items against a registry entry, with the evidence for every point.

A candidate earns points on four criteria, each recorded as evidence (criterion, points,
detail) so that a reviewer sees why it ranks where it does:

* **name**: its label is the entry's name exactly (``label_exact``, 4), or after
  :func:`~castcorpus.linking.normalise.normalise` (``label_normalised``, 3); else its label or
  one of its aliases is one of the entry's names (``alias_match``, 2); else the search found it
  by a partial match (``name_partial``, 0).
* **type**: one of its P31 classes is listed for the entry's kind in ``wikidata-types.json``
  (``type_class``, 3), or a class label holds one of the kind's keywords (``type_keyword``, 2);
  classes that fit neither cost points (``type_mismatch``, -3); no P31 gives nothing.
* **country**: its country (P17, or P27 for people) is the entry's (``country_match``, 2), or
  Syria, the corpus's context, when the entry's country is another or unknown
  (``country_syria``, 1); countries that are neither cost a point (``country_other``, -1).
* **context**: its description names Syria (``description_syria``, 1).

The best candidate thus scores 10. Scores rank; they never decide: a reviewer does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .items import Item
from .normalise import normalise

SYRIA = "SY"
POINTS = {"label_exact": 4, "label_normalised": 3, "alias_match": 2, "name_partial": 0,
          "type_class": 3, "type_keyword": 2, "type_mismatch": -3,
          "country_match": 2, "country_syria": 1, "country_other": -1, "description_syria": 1}


@dataclass(frozen=True)
class Evidence:
    """One criterion a candidate met, its points and what matched."""

    criterion: str
    points: int
    detail: str

    def as_dict(self) -> dict:
        return {"criterion": self.criterion, "points": self.points, "detail": self.detail}


@cache
def type_rules() -> dict[str, dict]:
    """``wikidata-types.json``: per kind of entry, its classes (id -> label) and keywords."""
    text = resources.files("castcorpus.linking").joinpath("wikidata-types.json").read_text(encoding="utf-8")
    return json.loads(text)["types"]


def _evidence(criterion: str, detail: str) -> Evidence:
    return Evidence(criterion, POINTS[criterion], detail)


def name_evidence(names: list[str], item: Item) -> Evidence:
    """How the candidate's label or aliases match the entry's name (``names[0]``) and aliases."""
    name = names[0]
    if item.label == name:
        return _evidence("label_exact", f"label {item.label!r} is the entry's name")
    if item.label and normalise(item.label) == normalise(name):
        return _evidence("label_normalised", f"label {item.label!r} is the entry's name {name!r} "
                                             "but for case, accents or punctuation")
    ours = {normalise(n): n for n in names}
    for theirs in [item.label or "", *item.aliases]:
        if normalise(theirs) in ours:
            return _evidence("alias_match", f"{'label' if theirs == item.label else 'alias'} {theirs!r} "
                                            f"matches the entry's {ours[normalise(theirs)]!r}")
    return _evidence("name_partial", "found by the search on a partial or fuzzy match of a name")


def type_evidence(kind: str, item: Item, class_labels: dict[str, str]) -> Evidence | None:
    """Whether the candidate's classes fit the entry's kind; None when nothing can be said."""
    rules = type_rules().get(kind) or {}
    if not item.instance_of or not (rules.get("classes") or rules.get("keywords")):
        return None
    shown = ", ".join(f"{q} ({class_labels.get(q, '?')})" for q in item.instance_of)
    listed = [q for q in item.instance_of if q in rules["classes"]]
    if listed:
        return _evidence("type_class", f"instance of {listed[0]} ({rules['classes'][listed[0]]}), a class of {kind}")
    for qid in item.instance_of:
        label = (class_labels.get(qid) or "").casefold()
        word = next((w for w in rules["keywords"] if w in label), None)
        if word:
            return _evidence("type_keyword", f"instance of {qid} ({class_labels[qid]}), whose label says {word!r}")
    return _evidence("type_mismatch", f"instance of {shown}: no class of {kind}")


def country_evidence(country: str | None, item: Item, codes: dict[str, str]) -> Evidence | None:
    """Whether the candidate's country is the entry's or Syria; None when it has none."""
    theirs = [codes.get(q) for q in item.countries]
    if not item.countries:
        return None
    shown = ", ".join(f"{q} ({codes.get(q, '?')})" for q in item.countries)
    if country and country in theirs:
        return _evidence("country_match", f"country {shown} is the entry's {country}")
    if SYRIA in theirs:
        return _evidence("country_syria", f"country {shown} is Syria, the corpus's context"
                                          + (f" (the entry's country is {country})" if country else ""))
    return _evidence("country_other", f"country {shown} is neither the entry's ({country or 'none'}) nor Syria")


def context_evidence(item: Item) -> Evidence | None:
    """A description that names Syria."""
    if item.description and "syria" in item.description.casefold():
        return _evidence("description_syria", f"description {item.description!r} names Syria")
    return None


def score(names: list[str], kind: str, country: str | None, item: Item,
          class_labels: dict[str, str], codes: dict[str, str]) -> tuple[int, list[Evidence]]:
    """The candidate's score and its evidence."""
    found = [name_evidence(names, item), type_evidence(kind, item, class_labels),
             country_evidence(country, item, codes), context_evidence(item)]
    evidence = [e for e in found if e is not None]
    return sum(e.points for e in evidence), evidence
