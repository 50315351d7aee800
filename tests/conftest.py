"""Shared fixtures: the repository, the corpus, and the FA-KES copy in ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FAKES_CSV = SHARED / "fa-kes" / "FA-KES-Dataset.csv"


def in_ci() -> bool:
    """True under continuous integration: ``CI`` set to anything but empty, ``false`` or ``0``
    (GitHub Actions and GitLab set ``true``, others ``1`` or ``yes``). What CI needs and lacks
    then fails instead of being skipped."""
    return os.environ.get("CI", "").strip().lower() not in ("", "false", "0")


def need_shared(path: Path) -> Path:
    """Return ``path``; when it is missing, fail under CI (:func:`in_ci`) and skip elsewhere."""
    if not path.exists():
        message = f"{path} is missing (tests that read ../shared need it)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def corpus_root() -> Path:
    return REPO / "corpus"


@pytest.fixture
def fakes_csv() -> Path:
    """The FA-KES file as published (../shared/fa-kes/FA-KES-Dataset.csv)."""
    return need_shared(FAKES_CSV)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Keep every test away from the user's real hydration cache."""
    monkeypatch.setenv("CASTCORPUS_CACHE", str(tmp_path_factory.mktemp("cache")))
