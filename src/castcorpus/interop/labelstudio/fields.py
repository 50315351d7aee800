"""The per-region fields of claims and stances, read off the annotation schema.

A claim or stance property whose schema is an enum, a boolean or free text becomes a Choices or
TextArea tag of the region; a property that holds registry keys becomes a Choices tag listing
that registry. Only which registry a key property draws on is said here: the schema knows a key
only as a slug. The structural properties (spans, ids, speakers, chains, holders, targets) are
regions and relations instead, and are named in :data:`STRUCTURAL`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from castcorpus.corpus.schema import bundle

#: The region label a layer's regions carry, by layer.
CLAIM, STANCE = "claim", "stance"
#: Properties carried by regions and relations rather than by per-region tags.
STRUCTURAL = {CLAIM: {"id", "span", "speaker", "cue", "attribution"},
              STANCE: {"id", "holder", "target", "evidence"}}
#: Which registry a key-valued property lists: the one thing the schema cannot say.
REGISTRY_OF = {"agents": "actors", "patients": "actors", "cluster": "clusters", "other_clusters": "clusters"}


@dataclass(frozen=True)
class Field:
    """One per-region tag: ``kind`` is ``choice`` (one value), ``choices`` (several) or ``text``.

    ``values`` are the fixed choices (enum members, ``true``/``false``); ``registry`` names the
    registry whose keys are the choices instead. ``nullable`` fields are null when no choice is
    made; ``required`` fields must be given; ``boolean`` fields hold JSON booleans."""

    layer: str
    name: str
    kind: str
    values: tuple[str, ...] = ()
    registry: str | None = None
    nullable: bool = False
    required: bool = True
    boolean: bool = False

    @property
    def tag(self) -> str:
        """The tag's name in the labeling config (``claim_type``, ``stance_polarity``, ...)."""
        return f"{self.layer}_{self.name}"


@cache
def fields(layer: str) -> tuple[Field, ...]:
    """The per-region fields of ``layer`` (:data:`CLAIM` or :data:`STANCE`), in schema order."""
    schema = bundle("annotation")["properties"][f"{layer}s"]["items"]
    required = set(schema.get("required", []))
    return tuple(_field(layer, name, prop, name in required)
                 for name, prop in schema["properties"].items() if name not in STRUCTURAL[layer])


def _field(layer: str, name: str, prop: dict, required: bool) -> Field:
    branches = prop.get("oneOf", [prop])
    nullable = {"type": "null"} in branches
    prop = next(b for b in branches if b != {"type": "null"})
    if name in REGISTRY_OF:
        kind = "choices" if prop.get("type") == "array" else "choice"
        return Field(layer, name, kind, registry=REGISTRY_OF[name], nullable=nullable, required=required)
    if "enum" in prop:
        return Field(layer, name, "choice", tuple(prop["enum"]), required=required)
    if prop.get("type") == "boolean":
        return Field(layer, name, "choice", (json.dumps(True), json.dumps(False)), required=required, boolean=True)
    if prop.get("type") == "string":
        return Field(layer, name, "text", required=required)
    raise ValueError(f"annotation schema: {layer}s' property {name!r} has no Label Studio tag")
