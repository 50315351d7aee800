"""The standoff release (`castcorpus publish`): no third-party text, and `hydrate.py` turns it into
the full release, byte for byte, that loads with `datasets`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from datasets import load_dataset

from build_helpers import HYDRATED, copy_minimal
from castcorpus.cli.main import main
from castcorpus.release.build import build_release
from castcorpus.release.folder import release_problem
from castcorpus.release.standoff import MANIFEST, StandoffError, hydrate_release, publish

EXTERNAL = "gamma-aid-convoy"  # the minimal corpus's document of an external collection (texts hydrated)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("standoff")
    corpus = copy_minimal(root / "repo" / "corpus")
    full = root / "full"
    build_release(corpus, full, cache_dir=HYDRATED)
    summary = publish(corpus, root / "standoff", cache_dir=HYDRATED)
    return root, full, summary


def _external_text() -> str:
    (path,) = [p for p in (HYDRATED / "test-external" / "texts").iterdir() if p.stem == EXTERNAL]
    return path.read_text(encoding="utf-8")


def test_the_standoff_release_holds_no_external_text(published):
    root, _, _ = published
    standoff = root / "standoff"
    assert not (standoff / "data").exists()
    assert (standoff / "hydrate.py").is_file() and (standoff / "corpus" / "annotations").is_dir()
    text = _external_text()
    probe = text[20:80]  # any stretch of the hydrated text would do
    for path in standoff.rglob("*"):
        if path.is_file():
            assert probe.encode("utf-8") not in path.read_bytes(), path.relative_to(standoff)
    # In-repo texts (invented, CC0) are part of the standoff corpus; the external one is not.
    assert not list((standoff / "corpus").rglob(f"{EXTERNAL}.txt"))


def test_the_manifest_lists_the_full_releases_parquet_files(published):
    root, full, summary = published
    manifest = json.loads((root / "standoff" / MANIFEST).read_text(encoding="utf-8"))
    built = {p.relative_to(full).as_posix() for p in (full / "data").rglob("*.parquet")}
    assert set(manifest["parquet"]) == built
    assert manifest["fingerprint"] == summary.fingerprint
    card = (root / "standoff" / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n") and "python hydrate.py --fakes FA-KES-Dataset.csv" in card
    assert release_problem(root / "standoff") is None  # provably ours: publish may replace it


def test_hydrate_script_makes_the_full_release_byte_for_byte(published, tmp_path):
    root, full, _ = published
    folder = tmp_path / "downloaded"
    import shutil
    shutil.copytree(root / "standoff", folder)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "hydrate.py", "--cache", str(HYDRATED)], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "byte-identical to the published release" in done.stdout
    for path in (full / "data").rglob("*.parquet"):
        assert (folder / path.relative_to(full)).read_bytes() == path.read_bytes()
    assert release_problem(folder) is None  # SHA256SUMS and the marker now cover data/
    for config in ("documents", "claims", "attribution", "credibility"):
        hydrated = load_dataset(str(folder), config, cache_dir=str(tmp_path / "hf" / config))
        original = load_dataset(str(full), config, cache_dir=str(tmp_path / "hf-full" / config))
        assert {s: ds.to_list() for s, ds in hydrated.items()} == {s: ds.to_list() for s, ds in original.items()}


def test_hydration_without_the_texts_says_which_are_missing(published, tmp_path):
    root, _, _ = published
    import shutil
    folder = shutil.copytree(root / "standoff", tmp_path / "downloaded")
    with pytest.raises(StandoffError, match=f"have no text.*{EXTERNAL}"):
        hydrate_release(folder, cache_dir=tmp_path / "empty-cache")
    assert not (folder / "data").exists()


def test_publish_refuses_a_corpus_whose_external_texts_are_not_hydrated(tmp_path, capsys):
    corpus = copy_minimal(tmp_path / "repo" / "corpus")
    code = main(["publish", "--corpus", str(corpus), "--out", str(tmp_path / "out"),
                 "--cache", str(tmp_path / "empty-cache"), "--jobs", "1"])
    assert code == 2
    assert f"(first: {EXTERNAL}); hydrate them first" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_folder_without_manifest_is_no_standoff_release(tmp_path):
    with pytest.raises(StandoffError, match="not a standoff release"):
        hydrate_release(tmp_path)
