"""The scorer trusts nothing: not the split or config name, not the release's Parquet files,
not the kind of file it is given. Each gets a located error and exit 2, never a score."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_helpers import MINIMAL, build
from castcorpus.cli.main import main
from castcorpus.scoring.evaluation import evaluate
from castcorpus.scoring.references import ReleaseError

PREDICTION = '{"doc_id": "alpha-shelling-report", "sentence_index": 0, "label": "claim"}\n'


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("release")
    build(MINIMAL, root / "release", root / "rows")
    return root / "release"


@pytest.fixture
def release(built, tmp_path) -> Path:
    copy = tmp_path / "release"
    shutil.copytree(built, copy)
    return copy


def _evaluate(release, predictions, capsys, split="train", config="sentences"):
    code = main(["evaluate", "--config", config, "--split", split, "--predictions", str(predictions),
                 "--release", str(release)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


@pytest.mark.parametrize("split", ["*", "t*", "[tv]*", "train/../test", "train-00000", ""])
def test_a_split_name_is_checked_never_globbed(release, tmp_path, capsys, split):
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(PREDICTION, encoding="utf-8")
    code, out, err = _evaluate(release, predictions, capsys, split=split)
    assert code == 2 and out == ""
    assert f"{split!r} is not a split" in err


@pytest.mark.parametrize("config", ["../sentences", "sentences/../claims", "*", "claims*"])
def test_a_config_name_cannot_reach_outside_data(release, tmp_path, config):
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(PREDICTION, encoding="utf-8")
    with pytest.raises(ReleaseError, match="is not a config name"):
        evaluate(release, config, "train", predictions)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_corrupt_release_file_is_named_and_nothing_is_scored(release, tmp_path, capsys, damage):
    shard = sorted((release / "data" / "sentences").glob("train-*.parquet"))[0]
    data = shard.read_bytes()
    shard.write_bytes({"truncated": data[: len(data) // 2], "garbage": b"PAR1" + b"\x00" * 100,
                       "empty": b""}[damage])
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(PREDICTION, encoding="utf-8")
    code, out, err = _evaluate(release, predictions, capsys)
    assert code == 2 and out == ""
    assert str(shard) in err and "not a readable Parquet file" in err


def test_a_release_without_the_key_columns_is_refused(release, tmp_path, capsys):
    import pyarrow.parquet as pq

    shard = sorted((release / "data" / "sentences").glob("train-*.parquet"))[0]
    pq.write_table(pq.read_table(shard).drop_columns(["sentence_index"]), shard)
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(PREDICTION, encoding="utf-8")
    code, out, err = _evaluate(release, predictions, capsys)
    assert code == 2 and out == "" and "lack the columns sentence_index" in err


def test_a_predictions_folder_is_named(release, tmp_path, capsys):
    code, out, err = _evaluate(release, tmp_path, capsys)
    assert code == 2 and out == "" and f"cannot read {tmp_path}: not a regular file" in err


def test_a_named_pipe_as_predictions_is_refused_without_blocking(built, tmp_path):
    # In a child process with a time limit: a regression would block on the pipe, not hang the suite.
    pipe = tmp_path / "p.jsonl"
    os.mkfifo(pipe)
    script = Path(sys.executable).parent / "castcorpus"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "castcorpus.cli.main"]
    result = subprocess.run([*command, "evaluate", "--config", "sentences", "--split", "train",
                             "--predictions", str(pipe), "--release", str(built)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert f"cannot read {pipe}: not a regular file" in result.stderr and "Traceback" not in result.stderr
