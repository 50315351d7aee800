"""The standoff release: everything of a release but third-party text, and the step that hydrates it.

:func:`publish` builds the full release, then writes a folder without ``data/`` (whose Parquet
files hold the FA-KES texts, which this project does not redistribute): the dataset card,
Croissant, datasheet, licenses and charts of the full release, the standoff corpus (metadata,
annotations and registries, the texts this repository may carry, the FA-KES texts' hashes),
``hydrate.py`` and :data:`MANIFEST`, which lists the Parquet files the full release had with
their SHA-256. A user downloads it, gets the FA-KES file from its publisher, and runs
``python hydrate.py --fakes FA-KES-Dataset.csv``: :func:`hydrate_release` hydrates the texts
(each checked against its hash), builds the Parquet files with the same code, puts them under
``data/`` and says whether they are byte-identical to the published ones. After that the folder
is a full release: ``load_dataset(folder, config)`` works, and ``SHA256SUMS`` and the release
marker cover the new files.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Sequence

from castcorpus.version import __version__
from .build import BuildSummary, Writer, build_release
from .folder import (MARKER, check_output_folder, data_fingerprint, file_sha256, make_parents, remove_made,
                     replace_atomically, sha256sums, staging_folder, write_marker)
from .uptodate import RECORD

#: The standoff release's manifest: dataset version, the full release's fingerprint, and the
#: Parquet files hydration makes, with their SHA-256.
MANIFEST = "castcorpus-standoff.json"
HYDRATE_SCRIPT = "hydrate.py"
#: Corpus files never copied into a standoff release: a hydration cache a maintainer may keep there.
_NOT_COPIED = (".cache", "__pycache__")


class StandoffError(ValueError):
    """The folder is no standoff release, or hydrating it failed; the message says why."""


@dataclass
class Hydrated:
    """What :func:`hydrate_release` did: the Parquet files made and how they compare."""

    files: int
    fingerprint: str
    expected_fingerprint: str
    differing: list[str] = field(default_factory=list)  # Parquet files whose bytes differ from the published ones

    @property
    def identical(self) -> bool:
        return not self.differing and self.fingerprint == self.expected_fingerprint


def publish(corpus_root: str | Path, out_dir: str | Path, *, cache_dir: str | Path | None = None,
            writers: Sequence[Writer] = (), jobs: int | None = None,
            repo_root: str | Path | None = None) -> BuildSummary:
    """Build the release of ``corpus_root`` and write its standoff form to ``out_dir``.

    ``out_dir`` follows the rules of ``build --out``: new, empty, or provably a castcorpus
    release (a standoff release is one too); it is replaced only when everything was written.
    Returns the full build's summary (its fingerprint is the one hydration should reproduce).
    """
    corpus_root, out_dir = Path(corpus_root), Path(out_dir)
    repo = Path(repo_root) if repo_root else corpus_root.resolve().parent
    check_output_folder(out_dir, corpus_root, repo)
    made = make_parents(out_dir)
    staging, done = None, False
    try:
        staging = staging_folder(out_dir)
        with tempfile.TemporaryDirectory(dir=staging.parent, prefix=f".{out_dir.name}.full-") as tmp:
            full = Path(tmp) / "release"
            summary = build_release(corpus_root, full, cache_dir=cache_dir, writers=writers, jobs=jobs,
                                    repo_root=repo, force=True)
            if summary.left_out:  # hydration would then make a release other than the one described
                raise StandoffError(f"{corpus_root}: {len(summary.left_out)} document(s) have no text in the cache "
                                    f"(first: {summary.left_out[0][0]}); hydrate them first; nothing was written")
            _standoff_files(full, corpus_root, staging, summary)
        write_marker(staging, data_fingerprint({}), __version__)
        sha256sums(staging)
        replace_atomically(staging, out_dir)
        done = True
    finally:
        if staging is not None and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        if not done:
            remove_made(made)
    return summary


def _standoff_files(full: Path, corpus_root: Path, staging: Path, summary: BuildSummary) -> None:
    """Copy the full release but its data, the corpus, the hydration script and the manifest."""
    skip = {"data", "SHA256SUMS", MARKER, RECORD}
    for entry in sorted(full.iterdir()):
        if entry.name in skip:
            continue
        target = staging / entry.name
        shutil.copytree(entry, target) if entry.is_dir() else shutil.copyfile(entry, target)
    shutil.copytree(corpus_root, staging / "corpus", ignore=shutil.ignore_patterns(*_NOT_COPIED))
    script = resources.files("castcorpus.release").joinpath("templates", HYDRATE_SCRIPT + ".tmpl").read_text(encoding="utf-8")
    (staging / HYDRATE_SCRIPT).write_text(script, encoding="utf-8", newline="\n")
    parquet = {name: sha for name, sha in summary.file_hashes.items() if name.endswith(".parquet")}
    manifest = {"castcorpus_standoff": 1, "dataset_version": summary.dataset_version,
                "castcorpus_version": __version__, "fingerprint": summary.fingerprint, "parquet": parquet}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8",
                                    newline="\n")
    card = staging / "README.md"
    card.write_text(_with_hydration_note(card.read_text(encoding="utf-8")), encoding="utf-8", newline="\n")


def _with_hydration_note(card: str) -> str:
    """The card with a first section saying that ``data/`` is made by ``hydrate.py``."""
    note = ("> **Standoff release.** This folder holds no article text of FA-KES (CC BY 4.0, by its authors; "
            "not redistributed by this project), so its `data/` folder is made on your machine: get "
            "`FA-KES-Dataset.csv` from its publisher, install castcorpus, and run "
            "`python hydrate.py --fakes FA-KES-Dataset.csv` in this folder. It checks every text against "
            "the hash in `corpus/documents/`, builds the Parquet files with the code that built this release, "
            "and says whether they are byte-identical to the ones listed in `castcorpus-standoff.json`. "
            "Then every config below loads with `datasets.load_dataset`.\n\n")
    # After the YAML front matter, before the title.
    if card.startswith("---\n"):
        end = card.index("\n---\n", 4) + len("\n---\n")
        return card[:end] + "\n" + note + card[end:].lstrip("\n")
    return note + card


def read_manifest(folder: Path) -> dict:
    """The standoff manifest of ``folder``; :class:`StandoffError` when there is none."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StandoffError(f"{folder}: no {MANIFEST}; not a standoff release of castcorpus") from None
    except (OSError, ValueError) as err:
        raise StandoffError(f"{path}: cannot be read as JSON ({err})") from err
    if not isinstance(manifest, dict) or manifest.get("castcorpus_standoff") != 1 or \
            not isinstance(manifest.get("parquet"), dict):
        raise StandoffError(f"{path}: not a castcorpus standoff manifest")
    return manifest


def hydrate_release(folder: str | Path, *, fakes_csv: str | Path | None = None,
                    cache_dir: str | Path | None = None, jobs: int | None = 1) -> Hydrated:
    """Make ``data/`` of a standoff release: hydrate (FA-KES from ``fakes_csv``, into
    ``cache_dir``, default castcorpus's user cache folder, never the release folder: the
    texts are no file of the release), build, move the Parquet files in, and rewrite
    SHA256SUMS and the marker so that the folder is a full release."""
    from castcorpus.corpus.reader import default_cache_dir
    from castcorpus.sources.fakes.hydrate import hydrate_fakes

    folder = Path(folder).resolve()
    manifest = read_manifest(folder)
    corpus, cache = folder / "corpus", Path(cache_dir) if cache_dir else default_cache_dir()
    if fakes_csv is not None:
        hydrate_fakes(Path(fakes_csv), corpus, cache)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".hydrate-") as tmp:
        summary = build_release(corpus, Path(tmp) / "release", cache_dir=cache, repo_root=folder, jobs=jobs,
                                force=True)
        if summary.left_out:
            raise StandoffError(f"{folder}: {len(summary.left_out)} document(s) have no text (first: "
                                f"{summary.left_out[0][0]}); give the FA-KES file with --fakes")
        data = folder / "data"
        if data.exists():
            shutil.rmtree(data)
        (Path(tmp) / "release" / "data").rename(data)
    hashes = {p.relative_to(folder).as_posix(): file_sha256(p) for p in sorted(data.rglob("*.parquet"))}
    expected = manifest["parquet"]
    differing = sorted(n for n in set(hashes) | set(expected) if hashes.get(n) != expected.get(n))
    write_marker(folder, data_fingerprint(hashes), __version__)
    sha256sums(folder)
    return Hydrated(len(hashes), data_fingerprint(hashes), manifest["fingerprint"], differing)
