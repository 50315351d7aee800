"""croissant.json of a release: valid for mlcroissant, and every record set loads with the
rows of its Parquet files; the charts are drawn and shown in the card."""

from __future__ import annotations

import hashlib
import json

import pyarrow.parquet as pq
import pytest

from build_helpers import MINIMAL, build
from castcorpus.release.stats import release_stats

import mlcroissant as mlc  # in the test extra: missing, it must fail, not skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("croissant")
    return build(MINIMAL, root / "release", root / "rows")


@pytest.fixture(scope="module")
def release(built):
    return built.out_dir


@pytest.fixture(scope="module")
def jsonld(release):
    return json.loads((release / "croissant.json").read_text(encoding="utf-8"))


def test_croissant_passes_mlcroissant_validation(release):
    # Dataset() runs the same checks as `mlcroissant validate` and raises on an error.
    dataset = mlc.Dataset(jsonld=str(release / "croissant.json"))
    assert dataset.metadata.name == "cast-syria"


def test_every_parquet_file_is_a_file_object_with_its_checksum(release, jsonld):
    objects = {d["contentUrl"]: d for d in jsonld["distribution"] if d["@type"] == "cr:FileObject"}
    parquet = sorted(p.relative_to(release).as_posix() for p in release.glob("data/*/*.parquet"))
    assert sorted(objects) == parquet
    for rel, entry in objects.items():
        assert entry["encodingFormat"] == "application/x-parquet"
        assert entry["sha256"] == hashlib.sha256((release / rel).read_bytes()).hexdigest()


def test_nested_columns_have_sub_fields(jsonld):
    documents = next(r for r in jsonld["recordSet"] if r["@id"] == "documents")
    claims = next(f for f in documents["field"] if f["name"] == "claims")
    assert claims["isArray"] is True
    span = next(f for f in claims["subField"] if f["name"] == "span")
    assert [f["name"] for f in span["subField"]] == ["start", "end", "text"]
    assert span["subField"][0]["dataType"] == "sc:Integer"


def test_class_labels_name_their_labels(jsonld):
    claims = next(r for r in jsonld["recordSet"] if r["@id"] == "claims")
    kind = next(f for f in claims["field"] if f["name"] == "type")
    assert kind["dataType"] == "sc:Integer" and "0 = event" in kind["description"]
    labels = next(r for r in jsonld["recordSet"] if r["@id"] == "labels/claim_type")
    assert labels["data"][0] == {"labels/claim_type/id": 0, "labels/claim_type/name": "event"}


def test_records_of_every_record_set_load_with_the_parquet_row_counts(release, jsonld):
    dataset = mlc.Dataset(jsonld=str(release / "croissant.json"))
    configs = [r["@id"] for r in jsonld["recordSet"] if not r["@id"].startswith("labels/")]
    assert "documents" in configs and "claims_by_outlet" in configs
    for record_set in jsonld["recordSet"]:
        name = record_set["@id"]
        records = list(dataset.records(name))
        if name in configs:
            files = sorted((release / "data" / name).glob("*.parquet"))
            expected = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
            split = next(f for f in record_set["field"] if f["name"] == "split")
            if "fileProperty" in split["source"]["extract"]:  # documents and raw have their own split columns
                splits = sorted({r[f"{name}/split"].decode() for r in records})
                assert splits == sorted({f.name.split("-")[0] for f in files}), name
        else:
            expected = len(record_set["data"])
        assert len(records) == expected, name


def test_release_has_charts_and_the_card_shows_them(release):
    card = (release / "README.md").read_text(encoding="utf-8")
    for name in ("claim-types", "certainty", "stance-polarity", "actor-types", "outlets-splits"):
        png = release / "charts" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"](charts/{name}.png)" in card
    assert "charts/claim-types.png" in (release / "SHA256SUMS").read_text(encoding="utf-8")


def test_counts_taken_while_writing_equal_the_counts_read_back_from_parquet(built, release):
    # The charts are drawn from the build's running counts; they must be what the files hold.
    counted, read_back = built.stats, release_stats(release)
    assert counted.documents == read_back.documents > 0
    assert counted.claims == read_back.claims > 0
    assert counted == read_back
