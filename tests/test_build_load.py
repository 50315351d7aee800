"""The release loads offline with real clients: datasets (also streaming), pyarrow, pandas, DuckDB.

Built from the minimal fixture corpus (invented texts); row counts are checked against counts
taken from the corpus files directly, labels against the JSON Schemas.
"""

from __future__ import annotations

from collections import Counter

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from datasets import ClassLabel, List, load_dataset

from build_helpers import MINIMAL, annotations, build
from castcorpus.corpus.schema import load_schema

BASES = ("documents", "sentences", "checkworthiness", "claim_spans", "claims", "attribution", "stances", "actor_ner",
         "credibility", "raw")


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("release")
    summary = build(MINIMAL, tmp / "cast-syria", tmp / "rows")
    return tmp / "cast-syria", summary


def _front_matter(release_dir):
    text = (release_dir / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def _declared(release_dir) -> dict[str, list[str]]:
    return {c["config_name"]: [f["split"] for f in c["data_files"]] for c in _front_matter(release_dir)["configs"]}


def _expected_rows(summary) -> dict[str, int]:
    gold = annotations(MINIMAL)
    return {
        "documents": len(gold),
        "claims": sum(len(a["claims"]) for a in gold.values()),
        "stances": sum(len(a["stances"]) for a in gold.values()),
        "raw": len(list((MINIMAL / "documents").glob("*.json"))) - len(summary.left_out),
    }


def test_card_declares_every_written_split_and_default(release):
    release_dir, summary = release
    meta = _front_matter(release_dir)
    declared = _declared(release_dir)
    assert set(declared) == {b + s for b in BASES for s in ("", "_by_outlet")}
    assert [c["config_name"] for c in meta["configs"] if c.get("default")] == ["documents"]
    for config, splits in declared.items():
        assert splits and set(splits) <= {"train", "validation", "test"}
        for split in splits:  # every declared split has a file; no empty split is declared
            assert list((release_dir / "data" / config).glob(f"{split}-*-of-*.parquet"))
            assert summary.rows[config][split] > 0
    assert meta["license"] == "cc-by-4.0" and meta["language"] == ["en"]
    assert all(info["description"].endswith(summary.fingerprint) for info in meta["dataset_info"])


@pytest.mark.parametrize("base", BASES)
def test_load_dataset_every_config_and_split(release, base, tmp_path):
    release_dir, summary = release
    expected = _expected_rows(summary)
    for config in (base, base + "_by_outlet"):
        loaded = load_dataset(str(release_dir), config, cache_dir=str(tmp_path / config))
        assert set(loaded) == set(_declared(release_dir)[config])
        counts = {split: len(ds) for split, ds in loaded.items()}
        assert counts == summary.rows[config]
        if base in expected:
            assert sum(counts.values()) == expected[base]
    # Both schemes hold the same rows.
    assert sum(summary.rows[base].values()) == sum(summary.rows[base + "_by_outlet"].values())


def test_sentences_and_tokens_agree(release):
    _, summary = release
    assert summary.rows["sentences"] == summary.rows["actor_ner"] == summary.rows["checkworthiness"] \
        == summary.rows["claim_spans"]


def test_class_labels_are_the_schema_enums(release, tmp_path):
    release_dir, _ = release
    annotation, actors = load_schema("annotation")["$defs"], load_schema("actors")["$defs"]
    claims = load_dataset(str(release_dir), "claims", cache_dir=str(tmp_path / "c"))["train"].features
    assert claims["type"].names == annotation["claim_type"]["enum"]
    assert claims["certainty"].names == annotation["certainty"]["enum"]
    assert claims["speaker_type"].names == actors["actor_type"]["enum"]
    stances = load_dataset(str(release_dir), "stances", cache_dir=str(tmp_path / "s"))["train"].features
    assert stances["polarity"].names == annotation["stance"]["properties"]["polarity"]["enum"]
    ner = load_dataset(str(release_dir), "actor_ner", cache_dir=str(tmp_path / "n"))["train"].features
    assert isinstance(ner["ner_tags"], List) and isinstance(ner["ner_tags"].feature, ClassLabel)
    tags = ner["ner_tags"].feature.names
    assert tags[0] == "O" and tags[1:] == [f"{p}-{t}" for t in actors["actor_type"]["enum"] for p in "BI"]
    sentences = load_dataset(str(release_dir), "sentences", cache_dir=str(tmp_path / "t"))["train"].features
    assert sentences["label"].names == ["no_claim", "claim"]
    assert sentences["claim_types"].feature.names == annotation["claim_type"]["enum"]


def test_documents_nest_lists_of_structs(release, tmp_path):
    release_dir, _ = release
    docs = load_dataset(str(release_dir), "documents", cache_dir=str(tmp_path))
    rows = [row for split in docs.values() for row in split]
    features = next(iter(docs.values())).features
    for column in ("actors", "claims", "stances"):
        assert isinstance(features[column], List) and isinstance(features[column].feature, dict)
    gold = annotations(MINIMAL)
    for row in rows:
        annotation = gold[row["id"]]
        assert [c["proposition"] for c in row["claims"]] == [c["proposition"] for c in annotation["claims"]]
        for entry in row["actors"]:
            for mention in entry["mentions"]:
                assert row["text"][mention["start"]:mention["end"]] == mention["text"]
        assert row["split"] in {"train", "validation", "test"} and row["outlet_split"]


def test_streaming_gives_the_same_rows(release):
    release_dir, summary = release
    for config in ("claims", "actor_ner", "documents_by_outlet"):
        streamed = load_dataset(str(release_dir), config, streaming=True)
        assert {split: sum(1 for _ in ds) for split, ds in streamed.items()} == summary.rows[config]
    first = next(iter(load_dataset(str(release_dir), "claims", streaming=True)["train"]))
    assert isinstance(first["type"], int) and first["text"]


def test_pyarrow_pandas_duckdb_read_the_files(release):
    release_dir, summary = release
    for config, splits in summary.rows.items():
        files = sorted((release_dir / "data" / config).glob("*.parquet"))
        table = pq.read_table(files)
        assert table.num_rows == sum(splits.values())
        assert not any(pa.types.is_large_string(f.type) for f in table.schema)
        assert len(pd.read_parquet(files[0])) == pq.ParquetFile(files[0]).metadata.num_rows
    pattern = str(release_dir / "data" / "claims" / "*.parquet")
    [(count,)] = duckdb.sql(f"select count(*) from read_parquet('{pattern}')").fetchall()
    assert count == sum(summary.rows["claims"].values())
    speakers = duckdb.sql(f"select distinct speaker_actor from read_parquet('{pattern}') order by 1").fetchall()
    assert ("karam-monitoring-group",) in speakers


def _card_rows(release_dir) -> dict[tuple[str, str], list[str]]:
    """The card's per-split statistics table: (config, split) -> [rows, tokens, labels]."""
    text = (release_dir / "README.md").read_text(encoding="utf-8")
    table = text.split("## Rows, tokens and labels per split")[1].split("\n## ")[0]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| `"):
            rows[(cells[0].strip("`"), cells[1])] = cells[2:]
    return rows


def test_card_states_rows_tokens_and_label_distribution_per_split(release):
    release_dir, summary = release
    card = _card_rows(release_dir)
    assert {config for config, _ in card} == {b + s for b in BASES for s in ("", "_by_outlet")}
    for (config, split), (rows, tokens, labels) in card.items():
        assert int(rows) == summary.rows[config][split]
        assert int(tokens) > 0
    gold = annotations(MINIMAL)
    polarity = Counter(s["polarity"] for a in gold.values() for s in a["stances"])
    stated = Counter()
    for (config, _), (_, _, labels) in card.items():
        if config == "stances":
            cell = labels.split("`polarity`: ")[1].split(";")[0]
            stated.update({name: int(n) for name, n in (item.rsplit(" ", 1) for item in cell.split(", "))})
    assert stated == polarity
    claim_tokens = sum(len(t.split()) for t in pq.read_table(release_dir / "data" / "claims").column("text").to_pylist())
    assert sum(int(tokens) for (config, _), (_, tokens, _) in card.items() if config == "claims") == claim_tokens
