"""Micro-measurements for bench_build.py, on one core: per-file schema validation,
per-document sentence splitting, and writing 100,000 article rows with pyarrow.

Each figure is the best of three passes over the same sample, divided by the sample size.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from bench_naive import validators

SAMPLE = 200


def _best_ms(function, items, repeat: int = 3) -> float:
    """Milliseconds per item, best of ``repeat`` passes."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for item in items:
            function(item)
        best = min(best, time.perf_counter() - started)
    return round(best / len(items) * 1000, 4)


def _fastjsonschema(schema_dir: Path):
    import fastjsonschema

    schemas = {}
    for path in schema_dir.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        schemas[schema["$id"]] = schema
    resolve = {"urn": lambda uri: schemas[uri.split("#")[0]]}
    return fastjsonschema.compile(schemas["urn:cast-syria:schema:1:annotation"], handlers=resolve)


def schema_costs(annotations: list[dict], schema_dir: Path) -> dict:
    from castcorpus.corpus.schema import validator

    plain = validators(schema_dir)["annotation"]
    ours = validator("annotation")
    fast = _fastjsonschema(schema_dir)
    return {
        "jsonschema_ms_per_annotation_file": _best_ms(lambda a: list(plain.iter_errors(a)), annotations),
        "jsonschema_with_formats_ms_per_annotation_file": _best_ms(lambda a: list(ours.iter_errors(a)), annotations),
        "fastjsonschema_ms_per_annotation_file": _best_ms(fast, annotations),
    }


def splitter_costs(texts: list[str]) -> dict:
    import blingfire
    import pysbd
    from syntok import segmenter

    from castcorpus.corpus.segment import _segment_syntok, segment

    spans = pysbd.Segmenter(language="en", clean=False, char_span=True)
    plain = pysbd.Segmenter(language="en", clean=False)
    return {
        "pysbd_char_span_ms_per_doc": _best_ms(spans.segment, texts),
        "pysbd_ms_per_doc": _best_ms(plain.segment, texts),
        "syntok_process_ms_per_doc": _best_ms(lambda t: [list(s) for p in segmenter.process(t) for s in p], texts),
        "castcorpus_segment_ms_per_doc": _best_ms(segment, texts),
        "castcorpus_segment_syntok_fallback_ms_per_doc": _best_ms(_segment_syntok, texts),
        "blingfire_offsets_ms_per_doc": _best_ms(blingfire.text_to_sentences_and_offsets, texts),
    }


def pyarrow_cost(texts: list[str], count: int = 100_000) -> dict:
    """Seconds for pyarrow to write ``count`` article rows (id, outlet, date, text) to Parquet."""
    import tempfile

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"id": f"doc-{i:07d}", "outlet": f"outlet-{i % 6}", "date": "2018-04-19",
             "text": texts[i % len(texts)]} for i in range(count)]
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        table = pa.Table.from_pylist(rows)
        pq.write_table(table, Path(folder) / "rows.parquet", compression="zstd", row_group_size=2000)
        return {"pyarrow_write_100k_article_rows_s": round(time.perf_counter() - started, 3)}


def run_micro(corpus: Path, repo: Path) -> dict:
    """All micro-measurements, pinned to one core."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    paths = sorted((corpus / "annotations").glob("*.json"))[:SAMPLE]
    annotations = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    texts = [(corpus / "texts" / f"{p.stem}.txt").read_text(encoding="utf-8") for p in paths]
    result = {"sample": len(paths), "synthetic_mean_chars": round(sum(map(len, texts)) / len(texts))}
    result.update(schema_costs(annotations, repo / "schema"))
    result["synthetic_texts"] = splitter_costs(texts)
    seed_texts = sorted((repo / "corpus" / "texts").glob("*.txt"))
    if seed_texts:   # the real in-repo article (about 2,200 characters)
        seed = seed_texts[0].read_text(encoding="utf-8")
        result["seed_article_chars"] = len(seed)
        result["seed_article"] = splitter_costs([seed] * 20)
    result.update(pyarrow_cost(texts))
    return {"total_s": None, "stages": {}, "micro": result}
