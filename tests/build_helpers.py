"""Helpers shared by the build tests: the minimal fixture corpus and expected counts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from castcorpus.release.build import build_release

DATA = Path(__file__).resolve().parent / "data" / "valid"
MINIMAL = DATA / "minimal"
HYDRATED = DATA / "hydrated"


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
