"""``croissant.json``: the release described in Croissant 1.1 (MLCommons) JSON-LD.

Written by an extra writer of the build (:func:`write_croissant`), from the same
:class:`datasets.Features` as the Parquet files and the card, so the three cannot disagree.
Every Parquet file is a ``cr:FileObject`` with its SHA-256; each config is a ``cr:FileSet``
over its folder and a ``cr:RecordSet`` whose fields mirror the columns: structs become
``subField``s (read with a ``jsonPath`` transform), lists are ``isArray``, and lists of
structs are array fields with subFields. ``ClassLabel`` columns are integers in the Parquet
files; their label names are in the field's description and in a small enumeration record
set (``labels/<name>``) with inline data. A ``split`` field is read from each file's name.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml
from datasets import ClassLabel, Features, List, Value

from castcorpus.version import __version__
from .card import PRETTY_NAME, config_order
from .folder import file_sha256

CONTEXT = {
    "@language": "en", "@vocab": "https://schema.org/", "citeAs": "cr:citeAs", "column": "cr:column",
    "conformsTo": "dct:conformsTo", "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"}, "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/", "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract", "field": "cr:field", "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet", "format": "cr:format", "includes": "cr:includes", "isArray": "cr:isArray",
    "arrayShape": "cr:arrayShape", "isLiveDataset": "cr:isLiveDataset", "jsonPath": "cr:jsonPath",
    "key": "cr:key", "md5": "cr:md5", "parentField": "cr:parentField", "path": "cr:path",
    "recordSet": "cr:recordSet", "references": "cr:references", "regex": "cr:regex", "repeated": "cr:repeated",
    "replace": "cr:replace", "sc": "https://schema.org/", "separator": "cr:separator", "source": "cr:source",
    "subField": "cr:subField", "transform": "cr:transform", "containedIn": "cr:containedIn",
    "equivalentProperty": "cr:equivalentProperty", "samplingRate": "cr:samplingRate",
    "description": {"@container": "@language"}, "name": {"@container": "@language"},
}
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
PARQUET = "application/x-parquet"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
CITATION = ("The CAST-Syria maintainers. CAST-Syria: Claims, Actors and STances in news about the Syrian "
            "war (version {version}). Dataset, CC BY 4.0. See CITATION.cff.")
DESCRIPTION = (
    "English news about the war in Syria annotated with claims (span, normalized proposition, type, "
    "check-worthiness, certainty, speaker and attribution chain), actors (mentions linked to a registry "
    "of keyed, typed actors) and stances (holder, target, polarity, evidence). Each config comes in two "
    "split schemes: by document group, and with whole outlets held out (<config>_by_outlet). "
    "Content fingerprint sha256:{fingerprint}.")
_SCALARS = {"string": "sc:Text", "large_string": "sc:Text", "bool": "sc:Boolean",
            "float32": "sc:Float", "float64": "sc:Float"}


def _data_type(value: Value) -> str:
    if value.dtype in _SCALARS:
        return _SCALARS[value.dtype]
    if value.dtype.startswith(("int", "uint")):
        return "sc:Integer"
    raise ValueError(f"no Croissant data type for {value.dtype!r}")


def _label_set_id(label: ClassLabel) -> str:
    """``labels/<name>`` of a label list (shared by the columns that use it, e.g. actor types)."""
    from . import features as f

    named = {"claim_type": f.claim_types(), "certainty": f.certainties(), "polarity": f.polarities(),
             "actor_type": f.actor_types(), "ner_tag": f.ner_labels(), "sentence_label": list(f.SENTENCE_LABELS)}
    for name, names in named.items():
        if list(label.names) == list(names):
            return f"labels/{name}"
    return "labels/" + hashlib.sha256("\0".join(label.names).encode()).hexdigest()[:8]


def _field(field_id: str, name: str, feature, source: dict, steps: list[list[str]], labels: dict,
           in_list: bool = False) -> dict:
    """The Croissant field of one column (or of one key inside a column), recursively.

    ``steps`` are the jsonPath transforms from the column to this field: one chain of struct
    keys per list level crossed (mlcroissant applies a transform to each element of a list).
    ``in_list`` says whether a list lies between the column and this field.
    """
    is_array = isinstance(feature, List)
    inner = feature.feature if is_array else feature
    out = {"@type": "cr:Field", "@id": field_id, "name": name}
    if isinstance(inner, dict):
        # A struct (or list of structs): its keys are subFields read from the same column. The
        # elements of a list below the column are reached by a further transform.
        sub_steps = [*steps, []] if is_array and steps else (steps or [[]])
        out["description"] = f"{'list of records' if is_array else 'record'} with keys {', '.join(inner)}"
        out["subField"] = [_field(f"{field_id}/{key}", key, sub, source, [*sub_steps[:-1], [*sub_steps[-1], key]],
                                  labels, in_list or is_array)
                           for key, sub in inner.items() if not _list_of_records_in_list(sub, in_list or is_array)]
        skipped = [key for key, sub in inner.items() if _list_of_records_in_list(sub, in_list or is_array)]
        if skipped:
            out["description"] += (f"; not described field by field: {', '.join(skipped)} (a list of records "
                                   "inside a list, which the reference loader mlcroissant 1.1 cannot read; "
                                   "the Parquet column and the card's features have it)")
    else:
        transforms = [{"jsonPath": ".".join(step)} for step in steps if step]
        out["source"] = dict(source)
        if transforms:
            out["source"]["transform"] = transforms if len(transforms) > 1 else transforms[0]
        if isinstance(inner, ClassLabel):
            out["dataType"] = "sc:Integer"
            labels[_label_set_id(inner)] = inner.names
            out["description"] = ("class label id (ClassLabel): " +
                                  ", ".join(f"{i} = {n}" for i, n in enumerate(inner.names)) +
                                  f"; names also in record set {_label_set_id(inner)}")
        else:
            out["dataType"] = _data_type(inner)
    if is_array:
        out["isArray"] = True
        out["arrayShape"] = "-1"
    return out


def _list_of_records_in_list(feature, in_list: bool) -> bool:
    """A list of structs below a list (e.g. documents.claims[].attribution)."""
    return in_list and isinstance(feature, List) and isinstance(feature.feature, dict)


def _split_field(config: str) -> dict:
    return {"@type": "cr:Field", "@id": f"{config}/split", "name": "split", "dataType": "sc:Text",
            "description": "the split, read from the Parquet file's name",
            "source": {"fileSet": {"@id": f"files/{config}"}, "extract": {"fileProperty": "filename"},
                       "transform": {"regex": "^(train|validation|test)-.*\\.parquet$"}}}


def record_set(config: str, features: Features, labels: dict) -> dict:
    """The record set of one config: one field per column, plus the split."""
    fields = []
    for column, feature in features.items():
        source = {"fileSet": {"@id": f"files/{config}"}, "extract": {"column": column}}
        fields.append(_field(f"{config}/{column}", column, feature, source, [], labels))
    if "split" not in features:
        fields.append(_split_field(config))
    return {"@type": "cr:RecordSet", "@id": config, "name": config,
            "description": f"rows of the {config} config (all splits)", "field": fields}


def _label_record_set(set_id: str, names: list[str]) -> dict:
    return {"@type": "cr:RecordSet", "@id": set_id, "name": set_id, "dataType": "sc:Enumeration",
            "description": "label names of a ClassLabel column, by id",
            "key": {"@id": f"{set_id}/id"},
            "field": [{"@type": "cr:Field", "@id": f"{set_id}/id", "name": "id", "dataType": "sc:Integer"},
                      {"@type": "cr:Field", "@id": f"{set_id}/name", "name": "name", "dataType": "sc:Text"}],
            "data": [{f"{set_id}/id": i, f"{set_id}/name": n} for i, n in enumerate(names)]}


def distribution(release: Path, configs: list[str], known: dict[str, str] | None = None) -> list[dict]:
    """A FileObject per Parquet file (with SHA-256) and a FileSet per config folder.

    ``known`` maps release-relative paths to SHA-256 hashes already computed by the build."""
    known, out = known or {}, []
    for config in configs:
        for path in sorted((release / "data" / config).glob("*.parquet")):
            rel = path.relative_to(release).as_posix()
            out.append({"@type": "cr:FileObject", "@id": rel, "name": rel, "contentUrl": rel,
                        "contentSize": f"{path.stat().st_size} B", "encodingFormat": PARQUET,
                        "sha256": known.get(rel) or file_sha256(path)})
        out.append({"@type": "cr:FileSet", "@id": f"files/{config}", "name": f"files/{config}",
                    "description": f"the Parquet files of the {config} config, one or more per split",
                    "encodingFormat": PARQUET, "includes": f"data/{config}/*.parquet"})
    return out


def _citation_facts(release: Path) -> dict:
    """Release date and URL from the release's CITATION.cff, when it has them."""
    path = release / "CITATION.cff"
    if not path.is_file():
        return {}
    cff = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    facts = {}
    if cff.get("date-released"):
        facts["datePublished"] = str(cff["date-released"])
    for key in ("url", "repository-code"):
        if cff.get(key):
            facts["url"] = cff[key]
            break
    return facts


def croissant(release: Path, configs: list[str], features_of, fingerprint: str, version: str = __version__,
              file_hashes: dict[str, str] | None = None) -> dict:
    """The Croissant JSON-LD of a release folder whose Parquet files (and CITATION.cff) are written."""
    labels: dict[str, list[str]] = {}
    record_sets = [record_set(config, features_of(config), labels) for config in configs]
    record_sets += [_label_record_set(set_id, names) for set_id, names in sorted(labels.items())]
    return {
        "@context": CONTEXT, "@type": "sc:Dataset", "conformsTo": CONFORMS_TO,
        "name": "cast-syria", "alternateName": PRETTY_NAME,
        "description": DESCRIPTION.format(fingerprint=fingerprint),
        "license": LICENSE_URL, "version": version,
        "citeAs": CITATION.format(version=version),
        "creator": {"@type": "sc:Organization", "name": "The CAST-Syria maintainers"},
        "inLanguage": "en", **_citation_facts(release),
        "keywords": ["claims", "stance", "actors", "attribution", "news", "Syria", "discourse networks"],
        "distribution": distribution(release, configs, file_hashes),
        "recordSet": record_sets,
    }


def write_croissant(staging: Path, summary) -> None:
    """Extra writer of the build: ``croissant.json`` for the configs the build wrote."""
    from .features import features

    configs = config_order(summary.rows)
    doc = croissant(staging, configs, features, summary.fingerprint, version=summary.dataset_version,
                    file_hashes=summary.file_hashes)
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    (staging / "croissant.json").write_text(text, encoding="utf-8", newline="\n")
