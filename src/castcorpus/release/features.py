"""The columns of every Parquet config, described once as :class:`datasets.Features`.

From this one description come the Arrow schema the Parquet files are written with
(:func:`arrow_schema`) and the card's ``dataset_info.features`` (via ``datasets`` itself, in
:mod:`castcorpus.release.card`), so the files and the card cannot disagree. Label names are read from
the JSON Schemas, never restated here.

Task configs (sentences, checkworthiness, claim_spans, claims, attribution, stances, actor_ner,
credibility) carry labels as ``ClassLabel``; the
full-fidelity configs (documents, raw) keep the corpus's own strings, so that pandas and
DuckDB users read them as they appear in the JSON files.
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa
from datasets import ClassLabel, Features, List, Value

from castcorpus.corpus.schema import load_schema

#: Configs in card order; ``documents`` is the default.
CONFIGS = ("documents", "sentences", "checkworthiness", "claim_spans", "claims", "attribution", "stances",
           "actor_ner", "credibility", "raw")
#: Suffix of the configs that use the outlet hold-out split scheme.
OUTLET_SUFFIX = "_by_outlet"
#: Labels of the sentences config, in ClassLabel order.
SENTENCE_LABELS = ("no_claim", "claim")
#: Labels of the checkworthiness config, in ClassLabel order: does the sentence hold a claim
#: annotated ``check_worthy`` (the CheckThat! lab's sentence task).
CHECKWORTHY_LABELS = ("not_check_worthy", "check_worthy")
#: BIO tags of the claim_spans config, in ClassLabel order.
CLAIM_SPAN_TAGS = ("O", "B-claim", "I-claim")
#: Labels of the credibility config, in ClassLabel order: FA-KES's own coding, 0 fake and
#: 1 credible, so the ids equal the published file's ``labels`` column.
CREDIBILITY_LABELS = ("fake", "credible")
#: The attribution label of a claim the document's author states (its other labels are actor types).
AUTHOR = "author"


def _enum(schema: str, name: str) -> list[str]:
    return list(load_schema(schema)["$defs"][name]["enum"])


def claim_types() -> list[str]:
    """Claim types, from annotation.schema.json."""
    return _enum("annotation", "claim_type")


def certainties() -> list[str]:
    """Certainty values, from annotation.schema.json."""
    return _enum("annotation", "certainty")


def polarities() -> list[str]:
    """Stance polarities, from annotation.schema.json."""
    return list(load_schema("annotation")["$defs"]["stance"]["properties"]["polarity"]["enum"])


def actor_types() -> list[str]:
    """Actor types, from actors.schema.json."""
    return _enum("actors", "actor_type")


def speaker_classes() -> list[str]:
    """Attribution labels: ``author``, then the actor types (of the quoted speaker)."""
    return [AUTHOR] + actor_types()


def ner_labels() -> list[str]:
    """BIO tags by actor type: O, then B-<type>, I-<type> in the schema's order."""
    return ["O"] + [f"{prefix}-{kind}" for kind in actor_types() for prefix in ("B", "I")]


_STR = Value("string")
_INT = Value("int32")
_BOOL = Value("bool")
_SPAN = {"start": _INT, "end": _INT, "text": _STR}


def _split_columns() -> dict:
    return {"split": _STR, "outlet_split": _STR}


def _document_meta() -> dict:
    return {
        "id": _STR, "collection": _STR, "outlet": _STR, "outlet_camp": _STR, "original_outlet": _STR,
        "title": _STR, "authors": List(_STR), "url": _STR, "date": _STR, "language": _STR,
        "text": _STR, "text_sha256": _STR,
        "rights": {"license": _STR, "holder": _STR, "statement": _STR},
        "reports_on": List({"event": _STR, "kind": _STR, "start": _STR, "end": _STR, "place": _STR,
                            "governorate": _STR, "description": _STR}),
        "source_record": {"row": _INT, "unit_id": _STR, "label": _INT, "location": _STR, "date": _STR},
    }


def _documents() -> Features:
    claim = {
        "id": _STR, "span": _SPAN, "proposition": _STR, "type": _STR, "check_worthy": _BOOL,
        "certainty": _STR, "speaker": _STR, "cue": _SPAN,
        "attribution": List({"source": _STR, "cue": _SPAN}),
        "agents": List(_STR), "patients": List(_STR), "cluster": _STR, "other_clusters": List(_STR),
        "note": _STR,
    }
    stance = {
        "id": _STR, "holder": _STR, "target": {"actor": _STR, "claim": _STR}, "polarity": _STR,
        "explicit": _BOOL, "evidence": List(_SPAN), "note": _STR,
    }
    return Features({
        **_document_meta(),
        "guidelines_version": _STR,
        "provenance": {"annotators": List(_STR), "status": _STR, "passes": List(_STR), "date": _STR, "note": _STR},
        "actors": List({"actor": _STR, "name": _STR, "type": _STR, "mentions": List(_SPAN)}),
        "claims": List(claim),
        "stances": List(stance),
        **_split_columns(),
    })


def _sentences() -> Features:
    return Features({
        "doc_id": _STR, "outlet": _STR, "outlet_camp": _STR, "sentence_index": _INT, "start": _INT, "end": _INT,
        "text": _STR, "label": ClassLabel(names=list(SENTENCE_LABELS)),
        "claim_types": List(ClassLabel(names=claim_types())), "claim_ids": List(_STR),
    })


def _checkworthiness() -> Features:
    return Features({
        "doc_id": _STR, "outlet": _STR, "outlet_camp": _STR, "sentence_index": _INT, "start": _INT, "end": _INT,
        "text": _STR, "label": ClassLabel(names=list(CHECKWORTHY_LABELS)), "claim_ids": List(_STR),
    })


def _claims() -> Features:
    actor_type = ClassLabel(names=actor_types())
    return Features({
        "doc_id": _STR, "outlet": _STR, "outlet_camp": _STR, "claim_id": _STR, "text": _STR, "start": _INT, "end": _INT,
        "context": _STR, "context_start": _INT, "proposition": _STR,
        "type": ClassLabel(names=claim_types()), "check_worthy": _BOOL,
        "certainty": ClassLabel(names=certainties()),
        "speaker": _STR, "speaker_actor": _STR, "speaker_name": _STR, "speaker_type": actor_type,
        "cue": _STR,
        "attribution": List({"source": _STR, "actor": _STR, "name": _STR, "cue": _STR}),
        "agents": List(_STR), "patients": List(_STR), "cluster": _STR, "other_clusters": List(_STR),
    })


def _attribution() -> Features:
    return Features({
        "doc_id": _STR, "outlet": _STR, "outlet_camp": _STR, "claim_id": _STR, "text": _STR, "start": _INT, "end": _INT,
        "context": _STR, "context_start": _INT,
        "label": ClassLabel(names=speaker_classes()),
        "speaker": _STR, "speaker_actor": _STR, "speaker_name": _STR, "cue": _STR,
    })


def _credibility() -> Features:
    return Features({
        "doc_id": _STR, "outlet": _STR, "outlet_camp": _STR, "date": _STR, "events": List(_STR),
        "text": _STR, "label": ClassLabel(names=list(CREDIBILITY_LABELS)), "annotated": _BOOL,
    })


def _stances() -> Features:
    actor_type = ClassLabel(names=actor_types())
    return Features({
        "doc_id": _STR, "outlet": _STR, "outlet_camp": _STR, "stance_id": _STR,
        "holder": _STR, "holder_actor": _STR, "holder_name": _STR, "holder_type": actor_type,
        "target_kind": _STR, "target_actor": _STR, "target_name": _STR, "target_type": actor_type,
        "target_claim": _STR, "target_proposition": _STR, "target_claim_text": _STR, "target_text": _STR,
        "polarity": ClassLabel(names=polarities()), "explicit": _BOOL,
        "evidence": List(_STR), "context": _STR,
    })


def _actor_ner() -> Features:
    return Features({
        "doc_id": _STR, "outlet": _STR, "outlet_camp": _STR, "sentence_index": _INT, "start": _INT, "end": _INT,
        "tokens": List(_STR), "token_starts": List(_INT),
        "ner_tags": List(ClassLabel(names=ner_labels())), "actor_keys": List(_STR),
    })


def _claim_spans() -> Features:
    return Features({
        "doc_id": _STR, "outlet": _STR, "outlet_camp": _STR, "sentence_index": _INT, "start": _INT, "end": _INT,
        "tokens": List(_STR), "token_starts": List(_INT),
        "span_tags": List(ClassLabel(names=list(CLAIM_SPAN_TAGS))), "claim_ids": List(_STR),
    })


def _raw() -> Features:
    return Features({
        "id": _STR, "collection": _STR, "outlet": _STR, "outlet_camp": _STR, "original_outlet": _STR,
        "date": _STR, "location": _STR, "events": List(_STR), "fakes_label": _INT, "annotated": _BOOL,
        "text": _STR, "text_sha256": _STR, **_split_columns(),
    })


@cache
def features(config: str) -> Features:
    """The features of a base config (``documents``, ``sentences``, ...); a ``*_by_outlet``
    config has the features of its base."""
    base = config.removesuffix(OUTLET_SUFFIX)
    builders = {"documents": _documents, "sentences": _sentences, "checkworthiness": _checkworthiness,
                "claim_spans": _claim_spans, "claims": _claims, "attribution": _attribution,
                "credibility": _credibility,
                "stances": _stances, "actor_ner": _actor_ner, "raw": _raw}
    if base not in builders:
        raise KeyError(f"unknown config {config!r}")
    return builders[base]()


@cache
def arrow_schema(config: str) -> pa.Schema:
    """The Arrow schema the config's Parquet files are written with (it also carries the
    features as ``huggingface`` metadata, so the files load with labels even without a card).
    Made once per config: ``Features.arrow_schema`` converts every feature again on each call."""
    return features(config).arrow_schema


@cache
def _label_maps(config: str) -> dict[str, tuple[bool, dict[str, int]]]:
    """ClassLabel columns of a config: name -> (is a list, label name -> id)."""
    maps = {}
    for column, feature in features(config).items():
        is_list = isinstance(feature, List)
        label = feature.feature if is_list else feature
        if isinstance(label, ClassLabel):
            maps[column] = (is_list, {name: i for i, name in enumerate(label.names)})
    return maps


@cache
def names_schema(config: str) -> pa.Schema:
    """The config's Arrow schema with its ClassLabel columns as label names (strings), the
    form rows are staged in before :func:`encode_label_columns` turns them into ids."""
    schema = arrow_schema(config)
    for column, (is_list, _) in _label_maps(config).items():
        index = schema.get_field_index(column)
        kind = pa.list_(pa.string()) if is_list else pa.string()
        schema = schema.set(index, pa.field(column, kind, schema.field(index).nullable))
    return schema


def encode_label_columns(config: str, table: pa.Table) -> pa.Table:
    """``table`` (of :func:`names_schema`) with its ClassLabel columns turned from names into
    ids, by Arrow, a column at a time: what :func:`encode_labels` does a row at a time.
    A name that is not a label raises KeyError (the corpus is validated, so one means a bug)."""
    import pyarrow.compute as pc

    schema = arrow_schema(config)
    for column, (is_list, ids) in _label_maps(config).items():
        index = schema.get_field_index(column)
        values = table.column(index).combine_chunks()
        names = values.values if is_list else values  # the whole child: offsets index into it
        encoded = pc.index_in(names, value_set=pa.array(list(ids), pa.string()))
        if encoded.null_count != names.null_count:
            unknown = pc.filter(names, pc.and_(pc.is_null(encoded), pc.is_valid(names)))[0].as_py()
            raise KeyError(f"{config}.{column}: {unknown!r} is not a label")
        target = schema.field(index).type
        if is_list:
            encoded = pa.ListArray.from_arrays(values.offsets, encoded.cast(target.value_type),
                                               mask=values.is_null() if values.null_count else None)
        else:
            encoded = encoded.cast(target)
        table = table.set_column(index, schema.field(index), encoded)
    return table.cast(schema) if table.schema != schema else table


def label_names(config: str, column: str) -> list[str] | None:
    """The label names of a ClassLabel column (or a list of them) of a config, in id order;
    None for any other column."""
    found = _label_maps(config).get(column)
    return list(found[1]) if found is not None else None


def encode_labels(config: str, row: dict) -> dict:
    """``row`` with its ClassLabel columns turned from names into ids.

    Does what ``Features.encode_example`` does for these flat label columns, without its
    generic recursion over every value (which dominated build time). Unknown names raise
    KeyError: the corpus is validated, so one means a bug.
    """
    maps = _label_maps(config)
    if not maps:
        return row
    row = dict(row)
    for column, (is_list, ids) in maps.items():
        value = row[column]
        if value is not None:
            row[column] = [ids[v] for v in value] if is_list else ids[value]
    return row
