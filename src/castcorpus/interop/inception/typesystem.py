"""The UIMA type system of the corpus's layers, generated from the annotation schema.

INCEpTION takes a direct subtype of ``uima.tcas.Annotation`` whose features are primitives or
string arrays as a *span layer*, and such a subtype with exactly two references named
``Governor`` and ``Dependent`` of one range as a *relation layer*; the layers a project defines
live under ``webanno.custom.``. The features of claims and stances, their ranges and their
descriptions are read from ``schema/annotation.schema.json``: a property the schema adds
becomes a feature here without a change to this module (a property whose shape has no UIMA
counterpart fails loudly in :func:`fields`). Sentence, Token and DocumentMetaData are the DKPro
Core types INCEpTION itself uses, declared with the features it reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from castcorpus.corpus.schema import bundle

CUSTOM = "webanno.custom."
MENTION = CUSTOM + "ActorMention"
CLAIM = CUSTOM + "Claim"
CUE = CUSTOM + "AttributionCue"
EVIDENCE = CUSTOM + "StanceEvidence"
ATTRIBUTION = CUSTOM + "Attribution"
STANCE = CUSTOM + "Stance"
DOCUMENT = CUSTOM + "CastDocument"
SENTENCE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
TOKEN = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"
METADATA = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"

ANNOTATION = "uima.tcas.Annotation"
ANNOTATION_BASE = "uima.cas.AnnotationBase"
DOCUMENT_ANNOTATION = "uima.tcas.DocumentAnnotation"
GOVERNOR, DEPENDENT = "Governor", "Dependent"
STRING, BOOLEAN, INTEGER, STRINGS = "uima.cas.String", "uima.cas.Boolean", "uima.cas.Integer", "uima.cas.StringArray"

#: Properties of a claim that are spans of their own (the claim's offsets, its cue), not features.
CLAIM_SPANS = ("span", "cue")
#: Properties of a stance carried by the relation's ends and its evidence spans, not features.
STANCE_PARTS = ("holder", "target", "evidence")

#: Feature names INCEpTION refuses for a layer (they clash with what every annotation has):
#: a property of that name is carried as ``<kind>_<name>`` (a claim's ``type`` as ``claim_type``).
RESERVED = frozenset({"address", "begin", "end", "type", "sofa", "coveredText", "view"})

#: Every type the corpus's layers add, with what it stands for (the type's description).
LAYERS = {
    MENTION: "CAST-Syria layer 1: a mention of a registry actor (span).",
    CLAIM: "CAST-Syria layer 2: a claim (span) with its labels; its attribution chain lists the sources.",
    CUE: "CAST-Syria: the words that attribute a claim to one source of its chain (span).",
    EVIDENCE: "CAST-Syria layer 3: a span a stance is read from.",
    ATTRIBUTION: "CAST-Syria: relation from a claim to a mention of a source of its attribution chain.",
    STANCE: "CAST-Syria layer 3: relation from the holder (a mention; the first evidence span for the author) "
            "to the target (a mention of the target actor, or the target claim).",
    DOCUMENT: "CAST-Syria: what a layer does not hold (header fields, the order of actors, claims and stances).",
}


@dataclass(frozen=True)
class Field:
    """One property of the annotation schema carried as a UIMA feature of the same name."""

    name: str
    range: str
    description: str
    required: bool
    nullable: bool
    #: The feature's name: the property's, unless UIMA or INCEpTION reserves it.
    feature: str = ""


def _definition(kind: str) -> dict[str, Any]:
    """The bundled schema of one claim, stance or actor entry."""
    lists = {"claim": "claims", "stance": "stances", "actor": "actors"}
    return bundle("annotation")["properties"][lists[kind]]["items"]


def _range(name: str, node: dict[str, Any]) -> tuple[str, bool]:
    """The UIMA range of a schema property and whether it may be null."""
    branches = node.get("oneOf")
    if branches:
        others = [b for b in branches if b.get("type") != "null"]
        if len(others) == 1:
            return _range(name, others[0])[0], len(others) < len(branches)
    ranges = {"string": STRING, "boolean": BOOLEAN, "integer": INTEGER, "array": STRINGS}
    if node.get("type") in ranges:
        return ranges[node["type"]], False
    raise ValueError(f"the schema property {name!r} has no UIMA counterpart: map it in {__name__}")


def fields(kind: str) -> tuple[Field, ...]:
    """The features of a claim (``kind="claim"``) or a stance, in schema order, from the schema.

    An attribution chain (an array of steps) is carried as the string array of its sources;
    its cues are :data:`CUE` spans."""
    node = _definition(kind)
    skipped = CLAIM_SPANS if kind == "claim" else STANCE_PARTS
    required = set(node.get("required", []))
    out = []
    for name, prop in node["properties"].items():
        if name in skipped:
            continue
        uima_range, nullable = _range(name, prop)
        feature = f"{kind}_{name}" if name in RESERVED else name
        out.append(Field(name, uima_range, prop.get("description", ""), name in required, nullable, feature))
    return tuple(out)


def actor_field() -> Field:
    """The ``actor`` feature of a mention: the registry key."""
    prop = _definition("actor")["properties"]["actor"]
    return Field("actor", STRING, prop["description"], True, False, "actor")


#: Features of the helper layers, which the schema has no property for: (type, name, range, description).
_HELPER_FEATURES = (
    (CUE, "claim", STRING, "Id of the claim whose attribution chain the cue belongs to."),
    (CUE, "step", INTEGER, "Position of the step in the claim's attribution chain (0: the outermost)."),
    (EVIDENCE, "stance", STRING, "Id of the stance the span is evidence of."),
    (EVIDENCE, "index", INTEGER, "Position of the span in the stance's evidence list."),
    (ATTRIBUTION, "step", INTEGER, "Position of the step in the claim's attribution chain whose source the mention names."),
    (DOCUMENT, "header", STRING, "JSON object: the annotation file's fields outside the three layers "
                                 "(schema_version, document, text_sha256, guidelines_version, provenance)."),
    (DOCUMENT, "actor_order", STRINGS, "Actor keys in the order of the file's actors list."),
    (DOCUMENT, "claim_order", STRINGS, "Claim ids in the order of the file's claims list."),
    (DOCUMENT, "stance_order", STRINGS, "Stance ids in the order of the file's stances list."),
)

#: DKPro Core features INCEpTION reads: (type, name, range).
_DKPRO_FEATURES = (
    (SENTENCE, "id", STRING),
    *((METADATA, name, STRING) for name in ("documentTitle", "documentId", "documentUri", "collectionId",
                                            "documentBaseUri")),
    (METADATA, "isLastSegment", BOOLEAN),
)


@cache
def typesystem_xml() -> str:
    """The type system as UIMA TypeSystem XML (what INCEpTION's layer import reads), indented."""
    from lxml import etree

    root = etree.fromstring(build_typesystem().to_xml().encode("utf-8"))
    etree.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def build_typesystem():
    """A fresh :class:`cassis.TypeSystem` holding the corpus's layers and the DKPro Core types."""
    import warnings

    import cassis

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # cassis renames the Python accessor of 'type'
        return _build(cassis.TypeSystem())


def _build(ts):
    ts.create_type(SENTENCE, ANNOTATION, "A sentence (DKPro Core).")
    ts.create_type(TOKEN, ANNOTATION, "A token (DKPro Core).")
    ts.create_type(METADATA, DOCUMENT_ANNOTATION, "Document metadata (DKPro Core).")
    for name, description in LAYERS.items():
        ts.create_type(name, ANNOTATION_BASE if name == DOCUMENT else ANNOTATION, description)
    for type_name, name, uima_range in _DKPRO_FEATURES:
        ts.create_feature(ts.get_type(type_name), name, uima_range)
    feature = actor_field()
    ts.create_feature(ts.get_type(MENTION), feature.name, feature.range, description=feature.description)
    for type_name, kind in ((CLAIM, "claim"), (STANCE, "stance")):
        for field in fields(kind):
            _feature(ts, type_name, field.feature, field.range, field.description)
    for type_name, name, uima_range, description in _HELPER_FEATURES:
        _feature(ts, type_name, name, uima_range, description)
    for type_name, (governor, dependent) in ((ATTRIBUTION, ("the claim", "a mention of the step's source")),
                                             (STANCE, ("the holder", "the target"))):
        _feature(ts, type_name, GOVERNOR, ANNOTATION, f"Governor: {governor}.")
        _feature(ts, type_name, DEPENDENT, ANNOTATION, f"Dependent: {dependent}.")
    return ts


def _feature(ts, type_name: str, name: str, uima_range: str, description: str) -> None:
    element = STRING if uima_range == STRINGS else None
    ts.create_feature(ts.get_type(type_name), name, uima_range, elementType=element, description=description)
