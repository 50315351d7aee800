"""The labeling config (Label Studio's XML) for the three layers, made from the annotation
schema (:mod:`castcorpus.interop.labelstudio.fields`) and the actor and cluster registries."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from castcorpus.interop.labelstudio import names
from castcorpus.interop.labelstudio.fields import CLAIM, STANCE, Field, fields

#: Region label -> highlight colour (the viewer's palette family, readable on white).
COLOURS = {names.MENTION: "#4e79a7", names.CLAIM: "#f28e2b", names.CUE: "#59a14f", names.EVIDENCE: "#e15759"}
#: Which region label shows a layer's per-region tags.
SHOWN_ON = {CLAIM: names.CLAIM, STANCE: names.EVIDENCE}


def labeling_config(actors: list[str], clusters: list[str]) -> str:
    """The XML config: the text with its four region labels, the relation labels, and the
    per-region tags (a mention's actor, a claim's and a stance's fields), each shown while a
    region of its layer is selected. Required fields are checked on import, not by Label
    Studio, so that a half-done task can be saved."""
    registries = {"actors": actors, "clusters": clusters}
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="$document", size="4")
    ET.SubElement(view, "Header", value="$author_note", size="6")
    labels = ET.SubElement(view, "Labels", name=names.LAYER, toName=names.TEXT)
    for label in names.REGION_LABELS:
        ET.SubElement(labels, "Label", value=label, background=COLOURS[label])
    ET.SubElement(view, "Text", name=names.TEXT, value="$text", granularity="symbol")
    relations = ET.SubElement(view, "Relations")
    for label in names.RELATION_LABELS:
        ET.SubElement(relations, "Relation", value=label)
    _choices(_panel(view, names.MENTION), names.MENTION_ACTOR, names.MENTION, actors, multiple=False)
    for layer in (CLAIM, STANCE):
        panel = _panel(view, SHOWN_ON[layer])
        for field in fields(layer):
            _tag(panel, field, registries)
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def _panel(view: ET.Element, label: str) -> ET.Element:
    """A block of the page shown only while a region of ``label`` is selected."""
    return ET.SubElement(view, "View", visibleWhen="region-selected", whenLabelValue=label)


def _tag(view: ET.Element, field: Field, registries: dict[str, list[str]]) -> None:
    shown_on = SHOWN_ON[field.layer]
    if field.kind == "text":
        ET.SubElement(view, "Header", value=field.tag, size="6")
        ET.SubElement(view, "TextArea", name=field.tag, toName=names.TEXT, perRegion="true", editable="true",
                      maxSubmissions="1", rows="2", visibleWhen="region-selected", whenLabelValue=shown_on)
        return
    values = list(field.values) if field.registry is None else registries[field.registry]
    _choices(view, field.tag, shown_on, values, multiple=field.kind == "choices")


def _choices(view: ET.Element, name: str, shown_on: str, values: list[str], multiple: bool) -> None:
    ET.SubElement(view, "Header", value=name, size="6")
    attrs = {"name": name, "toName": names.TEXT, "perRegion": "true", "visibleWhen": "region-selected",
             "whenLabelValue": shown_on, "choice": "multiple" if multiple else "single"}
    if len(values) > 8:
        attrs["layout"] = "select"  # a drop-down: registries have dozens of keys
    choices = ET.SubElement(view, "Choices", attrs)
    for value in values:
        ET.SubElement(choices, "Choice", value=value)
