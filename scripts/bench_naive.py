"""The naive reference pipeline of bench_build.py: what a user would write by hand.

json.load per file, jsonschema ``iter_errors`` per file (Draft202012Validator over the
repository's schemas), pysbd per document for sentences (with character spans), rows built
as plain dicts for the same six configs as the release (documents, raw, sentences, claims,
stances, actor_ner), each under both split schemes, and
``datasets.Dataset.from_list(rows).to_parquet(...)`` per config and split. It keeps every
row in memory until the end, as such a script would. It checks only what the schemas say
(none of the cross-file checks of ``castcorpus validate``), so it does less than the build.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from bench_stages import Stages

_TOKEN = re.compile(r"\w+|[^\w\s]")
_SPLITS = ((80, "train"), (90, "validation"), (100, "test"))


def validators(schema_dir: Path) -> dict:
    """A Draft 2020-12 validator per file kind, with every schema resolvable by its $id."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schemas = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        schemas[path.name.split(".")[0]] = json.loads(path.read_text(encoding="utf-8"))
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    return {kind: Draft202012Validator(schema, registry=registry) for kind, schema in schemas.items()}


def _bucket(key: str) -> int:
    return int(hashlib.md5(key.encode()).hexdigest(), 16) % 100


def split_of(doc_id: str) -> str:
    bucket = _bucket(doc_id)
    return next(name for limit, name in _SPLITS if bucket < limit)


def outlet_split_of(outlet: str) -> str:
    return "validation" if _bucket(outlet) < 20 else "train"


def run_naive(corpus: Path, out: Path, schema_dir: Path) -> dict:
    """Run the whole naive pipeline; returns total time, stages and row count."""
    import pysbd

    stages = Stages()
    with stages.timed("validate"):
        check = validators(schema_dir)
    registries = {}
    for kind, name in (("actors", "actors"), ("outlets", "outlets"), ("collections", "collections")):
        with stages.timed("parse"):
            registries[kind] = json.load(open(corpus / f"{name}.json", encoding="utf-8"))
        with stages.timed("validate"):
            errors = list(check[kind].iter_errors(registries[kind]))
    actors = {a["key"]: a for a in registries["actors"]["actors"]}
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    rows: dict[str, list[dict]] = {c: [] for c in ("documents", "raw", "sentences", "claims", "stances", "actor_ner")}
    for meta_path in sorted((corpus / "documents").glob("*.json")):
        errors += _document(corpus, meta_path, check, segmenter, actors, rows, stages)
    for pass_path in sorted((corpus / "passes").glob("*/*.json")):
        with stages.timed("parse"):
            annotation = json.load(open(pass_path, encoding="utf-8"))
        with stages.timed("validate"):
            errors += list(check["annotation"].iter_errors(annotation))
    with stages.timed("write"):
        written = _write(rows, out)
    return stages.result(rows=written, schema_errors=len(errors))


def _document(corpus, meta_path, check, segmenter, actors, rows, stages) -> list:
    with stages.timed("parse"):
        meta = json.load(open(meta_path, encoding="utf-8"))
        annotation_path = corpus / "annotations" / meta_path.name
        annotation = json.load(open(annotation_path, encoding="utf-8")) if annotation_path.exists() else None
        text = open(corpus / "texts" / f"{meta_path.stem}.txt", encoding="utf-8").read()
    with stages.timed("validate"):
        errors = list(check["document"].iter_errors(meta))
        if annotation is not None:
            errors += list(check["annotation"].iter_errors(annotation))
    with stages.timed("segment"):
        sentences = [(s.start, s.end) for s in segmenter.segment(text)]
    with stages.timed("views"):
        _rows(meta, annotation, text, sentences, actors, rows)
    return errors


def _rows(meta, annotation, text, sentences, actors, rows) -> None:
    base = {"id": meta["id"], "outlet": meta["outlet"], "split": split_of(meta["id"]),
            "outlet_split": outlet_split_of(meta["outlet"])}
    rows["raw"].append({**meta, **base, "text": text})
    if annotation is None:
        return
    rows["documents"].append({**meta, **base, "text": text, "actors": annotation["actors"],
                              "claims": annotation["claims"], "stances": annotation["stances"]})
    claims = [(c["span"]["start"], c["span"]["end"]) for c in annotation["claims"]]
    mentions = sorted((m["start"], m["end"], actors[e["actor"]]["type"])
                      for e in annotation["actors"] for m in e["mentions"])
    for index, (start, end) in enumerate(sentences):
        has_claim = any(s < end and start < e for s, e in claims)
        rows["sentences"].append({**base, "sentence": index, "text": text[start:end],
                                  "label": "claim" if has_claim else "no_claim"})
        tokens, tags = _ner(text, start, end, mentions)
        rows["actor_ner"].append({**base, "sentence": index, "tokens": tokens, "ner_tags": tags})
    for claim in annotation["claims"]:
        rows["claims"].append({**base, **_claim_row(claim, text, sentences, actors)})
    for stance in annotation["stances"]:
        rows["stances"].append({**base, **_stance_row(stance, text, sentences, actors)})


def _context(text, sentences, start) -> str:
    return next((text[s:e] for s, e in sentences if s <= start < e), "")


def _cue(span, text):
    return None if span is None else text[span["start"]:span["end"]]


def _claim_row(claim, text, sentences, actors) -> dict:
    speaker = claim["speaker"]
    return {"claim_id": claim["id"], "claim": text[claim["span"]["start"]:claim["span"]["end"]],
            "proposition": claim["proposition"], "type": claim["type"], "check_worthy": claim["check_worthy"],
            "certainty": claim["certainty"], "speaker": speaker,
            "speaker_type": "author" if speaker == "author" else actors[speaker]["type"],
            "cue": _cue(claim["cue"], text),
            "attribution": [{"source": s["source"], "cue": _cue(s["cue"], text)} for s in claim["attribution"]],
            "agents": claim["agents"], "patients": claim["patients"], "cluster": claim["cluster"],
            "context": _context(text, sentences, claim["span"]["start"])}


def _stance_row(stance, text, sentences, actors) -> dict:
    evidence = [text[e["start"]:e["end"]] for e in stance["evidence"]]
    return {"stance_id": stance["id"], "holder": stance["holder"],
            "target_actor": stance["target"].get("actor"), "target_claim": stance["target"].get("claim"),
            "polarity": stance["polarity"], "explicit": stance["explicit"], "evidence": evidence,
            "context": _context(text, sentences, stance["evidence"][0]["start"])}


def _ner(text, start, end, mentions) -> tuple[list[str], list[str]]:
    tokens, tags = [], []
    inside = [m for m in mentions if m[0] < end and start < m[1]]
    for match in _TOKEN.finditer(text, start, end):
        tokens.append(match.group())
        tag = "O"
        for m_start, m_end, kind in inside:
            if m_start <= match.start() < m_end:
                tag = ("B-" if match.start() == m_start else "I-") + kind
                break
        tags.append(tag)
    return tokens, tags


def _write(rows: dict[str, list[dict]], out: Path) -> int:
    from datasets import Dataset, disable_progress_bars

    disable_progress_bars()
    written = 0
    for config, config_rows in rows.items():
        for suffix, column in (("", "split"), ("_by_outlet", "outlet_split")):
            by_split: dict[str, list[dict]] = {}
            for row in config_rows:
                by_split.setdefault(row[column], []).append(row)
            for split, split_rows in sorted(by_split.items()):
                folder = out / (config + suffix)
                folder.mkdir(parents=True, exist_ok=True)
                Dataset.from_list(split_rows).to_parquet(str(folder / f"{split}.parquet"))
                written += len(split_rows)
    return written
