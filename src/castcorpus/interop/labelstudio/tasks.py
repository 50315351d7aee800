"""Annotation files as Label Studio tasks: the text, the file's header carried in the task's data,
and every annotation as regions, per-region values and relations (docs/interop.md)."""

from __future__ import annotations

import json
from typing import Any

from castcorpus.corpus.schema import bundle
from castcorpus.interop.labelstudio import names
from castcorpus.interop.labelstudio.fields import CLAIM, STANCE, Field, fields
from castcorpus.interop.labelstudio.results import choices, region, relation, textarea

#: The header fields of an annotation file, carried in ``data.castcorpus`` of the task.
HEADER = ("schema_version", "document", "text_sha256", "guidelines_version", "provenance")


def task(annotation: dict[str, Any], text: str, span_text: bool, author: str, prefill: str = "annotations") -> dict[str, Any]:
    """The task of one annotated document. ``span_text`` says whether its spans repeat the text
    (redistributable documents); ``author`` names the document's voice for the annotators;
    ``prefill`` is ``annotations`` (ready to correct) or ``predictions`` (to accept or redo)."""
    carried = {key: annotation[key] for key in HEADER} | {"span_text": span_text, "key_order": key_order(annotation)}
    data = {"text": text, "document": annotation["document"],
            "author_note": f"author = {author} (claims and stances with no source or holder relation are the author's)",
            names.CARRIED: carried}
    result = annotation_results(annotation, text)
    entry: dict[str, Any] = {"result": result}
    if prefill == "predictions":
        entry["model_version"] = "castcorpus"
    return {"data": data, prefill: [entry]}


def key_order(annotation: dict[str, Any]) -> dict[str, list[str]]:
    """The order of the file's keys (``""``) and of each claim's and stance's (``claims/c1``),
    where it is not the schema's: the import writes them back in that order, so that an
    unchanged task gives back the same bytes."""
    orders = {"": list(annotation)}
    orders |= {f"{layer}/{item['id']}": list(item) for layer in ("claims", "stances") for item in annotation[layer]}
    return {where: keys for where, keys in orders.items() if keys != schema_ordered(where, keys)}


def schema_ordered(where: str, keys: list[str]) -> list[str]:
    """``keys`` in the order the schema lists them, for the file (``""``) or a claim or stance."""
    properties = bundle("annotation")["properties"]
    if where:
        properties = properties[where.split("/")[0]]["items"]["properties"]
    rank = {key: n for n, key in enumerate(properties)}
    return sorted(keys, key=lambda key: rank.get(key, len(rank)))


def annotation_results(annotation: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """Every result item of one annotation file, in file order (the import keeps that order)."""
    out: list[dict[str, Any]] = []
    mention_ids = _mentions(annotation, text, out)
    for claim in annotation["claims"]:
        _claim(claim, text, mention_ids, out)
    for stance in annotation["stances"]:
        _stance(stance, text, mention_ids, out)
    return out


def _mentions(annotation, text, out) -> dict[str, list[tuple[int, str]]]:
    """Mention regions; returns each actor's (start, region id) pairs, for relations to point at."""
    by_actor: dict[str, list[tuple[int, str]]] = {}
    for i, entry in enumerate(annotation["actors"]):
        for j, span in enumerate(entry["mentions"]):
            rid = f"m{i}-{j}"
            out += [region(rid, span, names.MENTION, text), choices(rid, span, names.MENTION_ACTOR, [entry["actor"]])]
            by_actor.setdefault(entry["actor"], []).append((span["start"], rid))
    return by_actor


def _nearest(mention_ids: dict[str, list[tuple[int, str]]], actor: str, offset: int) -> str:
    """The actor's last mention starting before ``offset`` (else its first): where the relation
    points. Which mention it is carries no meaning; the actor does."""
    places = sorted(mention_ids[actor])
    before = [rid for start, rid in places if start <= offset]
    return before[-1] if before else places[0][1]


def _fields(rid: str, span: dict, item: dict, layer: str) -> list[dict[str, Any]]:
    out = []
    for field in fields(layer):
        value = item.get(field.name)
        # A required list left empty needs no result (the import reads no result as empty).
        if value is not None and not (field.required and value == []):
            out.append(_value(rid, span, field, value))
    return out


def _value(rid: str, span: dict, field: Field, value: Any) -> dict[str, Any]:
    if field.kind == "text":
        return textarea(rid, span, field.tag, value)
    if field.boolean:
        return choices(rid, span, field.tag, [json.dumps(value)])
    return choices(rid, span, field.tag, value if field.kind == "choices" else [value])


def _claim(claim, text, mention_ids, out) -> None:
    cid, span = claim["id"], claim["span"]
    out.append(region(cid, span, names.CLAIM, text))
    out += _fields(cid, span, claim, CLAIM)
    for step_number, step in enumerate(claim["attribution"][1:], start=1):
        sid = f"{cid}-step{step_number}"
        out += [region(sid, step["cue"], names.CUE, text), relation(cid, sid, names.ATTRIBUTION)]
        if step["source"] != names.AUTHOR:
            out.append(relation(sid, _nearest(mention_ids, step["source"], step["cue"]["start"]), names.SOURCE))


def _stance(stance, text, mention_ids, out) -> None:
    head = f"{stance['id']}-e0"
    first = stance["evidence"][0]
    for j, span in enumerate(stance["evidence"]):
        out.append(region(f"{stance['id']}-e{j}", span, names.EVIDENCE, text))
        if j:
            out.append(relation(f"{stance['id']}-e{j}", head, names.MORE_EVIDENCE))
    out += _fields(head, first, stance, STANCE)
    target = stance["target"]
    to = target["claim"] if "claim" in target else _nearest(mention_ids, target["actor"], first["start"])
    out.append(relation(head, to, names.TARGET))
    if stance["holder"] != names.AUTHOR:
        out.append(relation(head, _nearest(mention_ids, stance["holder"], first["start"]), names.HOLDER))
