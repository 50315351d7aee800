"""Helpers shared by the build tests: the minimal fixture corpus and expected counts."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

from castcorpus.release.build import build_release

DATA = Path(__file__).resolve().parent / "data" / "valid"
MINIMAL = DATA / "minimal"
HYDRATED = DATA / "hydrated"
SYNTH_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "synth_corpus.py"


@contextmanager
def synth_module():
    """scripts/synth_corpus.py as a module (it is a script, not part of the package); dataclasses
    look their module up in sys.modules while it runs, so it is registered for the duration."""
    spec = importlib.util.spec_from_file_location("synth_corpus", SYNTH_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def synthetic_corpus(documents: int, folder: Path, seed: int) -> Path:
    """A synthetic corpus (invented text) of ``documents`` documents written to ``folder``."""
    with synth_module() as module:
        return module.write_corpus(documents, folder, seed=seed)


def copy_minimal(target: Path) -> Path:
    """A writable copy of the minimal corpus (invented texts) at ``target``."""
    shutil.copytree(MINIMAL, target)
    return target


def build(corpus: Path, out: Path, rows: Path, **kwargs):
    """Build ``corpus`` (hydrated texts from the fixture) into ``out`` with row cache ``rows``."""
    kwargs.setdefault("row_cache", True)
    return build_release(corpus, out, cache_dir=HYDRATED, row_cache_dir=rows, **kwargs)


def annotations(corpus: Path) -> dict[str, dict]:
    """Gold annotation files by document id."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus / "annotations").glob("*.json"))}


def sums(release: Path) -> str:
    return (release / "SHA256SUMS").read_text(encoding="utf-8")
