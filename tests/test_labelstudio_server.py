"""The Label Studio round trip against a real server (tests/labelstudio_server.py).

The server comes from ``.venv-label-studio`` (made by .ci/run) or the executable named by
``CASTCORPUS_LABEL_STUDIO``. Without one the tests skip, except under CI, where they fail.
Make the environment by hand with
``python3 -m venv .venv-label-studio && .venv-label-studio/bin/pip install 'label-studio==1.23.2'``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from castcorpus.cli.main import main
from conftest import in_ci
from labelstudio_server import executable, running

DATA = Path(__file__).resolve().parent / "data"
SEED = "duran-2018-04-russian-airstrikes-damascus"
SYNTHETIC = "ls-relief-convoys"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    label_studio = executable()
    if label_studio is None:
        message = ("no Label Studio server: make .venv-label-studio (see this module's docstring) "
                   "or set CASTCORPUS_LABEL_STUDIO")
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    with running(label_studio, tmp_path_factory.mktemp("label-studio")) as started:
        yield started


def _round_trip(server, corpus: Path, cache: Path | None, document: str, out: Path) -> Path:
    options = ["--corpus", str(corpus)] + (["--cache", str(cache)] if cache else [])
    assert main(["export", "label-studio", "--document", document, "--out", str(out / "ls"), *options]) == 0
    answer = server.client("roundtrip", str(out / "ls" / "config.xml"), str(out / "ls" / "tasks.json"),
                           str(out / "export.json"))
    assert len(answer["tasks"]) == 1 and answer["annotations"] == 1
    assert main(["import", "label-studio", str(out / "export.json"), "--out", str(out / "back"), *options]) == 0
    return out / "back" / f"{document}.json"


def test_the_seed_goes_through_label_studio_unchanged(server, corpus_root, tmp_path):
    back = _round_trip(server, corpus_root, None, SEED, tmp_path)
    assert back.read_bytes() == (corpus_root / "annotations" / f"{SEED}.json").read_bytes()


def test_the_synthetic_document_goes_through_label_studio_unchanged(server, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "valid" / "minimal", corpus)
    shutil.copytree(DATA / "label-studio" / "corpus", corpus, dirs_exist_ok=True)
    back = _round_trip(server, corpus, DATA / "valid" / "hydrated", SYNTHETIC, tmp_path)
    assert back.read_bytes() == (corpus / "annotations" / f"{SYNTHETIC}.json").read_bytes()
    # What the server gave back is what the import checked: the file validates in the corpus.
    shutil.copy(back, corpus / "annotations" / back.name)
    assert main(["validate", "--corpus", str(corpus), "--cache", str(DATA / "valid" / "hydrated")]) == 0
