"""Label Studio result items: the regions, per-region values and relations of one annotation."""

from __future__ import annotations

from typing import Any

from castcorpus.interop.labelstudio import names


def _where(span: dict[str, Any]) -> dict[str, int]:
    return {"start": span["start"], "end": span["end"]}


def region(rid: str, span: dict[str, Any], label: str, text: str) -> dict[str, Any]:
    """A region of the text labelled ``label`` (one of :data:`names.REGION_LABELS`)."""
    value = {**_where(span), "text": text[span["start"]:span["end"]], "labels": [label]}
    return {"id": rid, "from_name": names.LAYER, "to_name": names.TEXT, "type": "labels", "value": value}


def choices(rid: str, span: dict[str, Any], tag: str, values: list[str]) -> dict[str, Any]:
    """The choices of a per-region Choices tag on region ``rid``."""
    return {"id": rid, "from_name": tag, "to_name": names.TEXT, "type": "choices",
            "value": {**_where(span), "choices": list(values)}}


def textarea(rid: str, span: dict[str, Any], tag: str, value: str) -> dict[str, Any]:
    """The text of a per-region TextArea on region ``rid``."""
    return {"id": rid, "from_name": tag, "to_name": names.TEXT, "type": "textarea",
            "value": {**_where(span), "text": [value]}}


def relation(from_id: str, to_id: str, label: str) -> dict[str, Any]:
    """A relation from one region to another, labelled ``label`` (:data:`names.RELATION_LABELS`)."""
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": "right", "labels": [label]}
