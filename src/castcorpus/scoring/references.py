"""Reference rows read from a release folder: the same Parquet files ``load_dataset`` reads.

ClassLabel columns are turned back into label names with the features stored in the files
themselves, so scoring uses exactly the label set of the release it scores against.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import ClassLabel, Features, List

from castcorpus.release.features import OUTLET_SUFFIX
from castcorpus.release.folder import folder_fingerprint
from castcorpus.splits.assign import SPLITS

from .tasks import SCHEMES  # noqa: F401  (re-exported: scheme -> config suffix)


class ReleaseError(Exception):
    """The release folder cannot be used (no such config or split)."""


def task_of(config: str) -> str:
    """The base config (task) of a config name: ``claims_by_outlet`` -> ``claims``."""
    return config.removesuffix(OUTLET_SUFFIX)


#: What a config name can look like: nothing that reaches outside ``data/`` or globs.
_CONFIG_NAME = re.compile(r"[a-z][a-z_]*")
#: Read errors of a Parquet file that is corrupt, truncated or not a release's.
_UNREADABLE = (pa.ArrowException, OSError, ValueError, KeyError, IndexError, TypeError)


def _files(release: Path, config: str, split: str) -> list[Path]:
    """The Parquet shards of one split of a config. The names are checked first and the
    folder is listed, never globbed: a split named ``*`` must not match every split."""
    if not _CONFIG_NAME.fullmatch(config):
        raise ReleaseError(f"{release}: {config!r} is not a config name")
    if split not in SPLITS:
        raise ReleaseError(f"{release}: {split!r} is not a split (splits: {', '.join(SPLITS)})")
    folder = Path(release) / "data" / config
    shard = re.compile(re.escape(split) + r"-[0-9]{5}-of-[0-9]{5}\.parquet")
    try:
        names = os.listdir(folder) if folder.is_dir() else []
    except OSError as err:
        raise ReleaseError(f"{folder}: cannot be read ({err.strerror})") from err
    return sorted(folder / name for name in names if shard.fullmatch(name))


def available_splits(release: str | Path, config: str) -> list[str]:
    """The splits a config has in the release (empty splits are not written)."""
    return [split for split in SPLITS if _files(Path(release), config, split)]


def _label_maps(features: Features) -> dict[str, tuple[bool, list[str]]]:
    maps = {}
    for column, feature in features.items():
        inner = feature.feature if isinstance(feature, List) else feature
        if isinstance(inner, ClassLabel):
            maps[column] = (isinstance(feature, List), list(inner.names))
    return maps


def label_names(release: str | Path, config: str) -> dict[str, list[str]]:
    """ClassLabel names of every label column of a config, from the release's own files."""
    files = [f for split in SPLITS for f in _files(Path(release), config, split)]
    if not files:
        raise ReleaseError(f"{release}: no Parquet files for config {config!r}")
    try:
        features = Features.from_arrow_schema(pq.read_schema(files[0]))
    except _UNREADABLE as err:
        raise _unreadable(files[0], err) from err
    return {column: names for column, (_, names) in _label_maps(features).items()}


def _unreadable(path: Path, err: BaseException) -> ReleaseError:
    detail = str(err).splitlines()[0] if str(err) else type(err).__name__
    return ReleaseError(f"{path}: not a readable Parquet file of a castcorpus release ({detail}); "
                        "rebuild or download the release again")


def read_rows(release: str | Path, config: str, split: str, columns: list[str] | None = None) -> list[dict]:
    """The rows of one split of a config, label columns as names."""
    files = _files(Path(release), config, split)
    if not files:
        have = available_splits(release, config)
        raise ReleaseError(f"{release}: config {config!r} has no {split!r} split"
                           + (f" (it has: {', '.join(have)})" if have else " (no such config in this release)"))
    rows: list[dict] = []
    for path in files:
        try:
            rows.extend(_rows_of(path, columns))
        except _UNREADABLE as err:
            raise _unreadable(path, err) from err
    return rows


def _rows_of(path: Path, columns: list[str] | None) -> list[dict]:
    table = pq.read_table(path, columns=columns)
    maps = _label_maps(Features.from_arrow_schema(pq.read_schema(path)))
    rows = table.to_pylist()
    for row in rows:
        for column, (is_list, names) in maps.items():
            value = row.get(column)
            if value is not None and column in row:
                row[column] = [_name(names, v) for v in value] if is_list else _name(names, value)
    return rows


def _name(names: list[str], value: int) -> str:
    if not 0 <= value < len(names):  # a negative id would silently index from the end
        raise IndexError(f"label id {value} is not one of the {len(names)} labels")
    return names[value]


def documents(release: str | Path, config: str, split: str) -> set[str]:
    """The annotated documents of a split: those with sentence rows in the same scheme."""
    suffix = OUTLET_SUFFIX if config.endswith(OUTLET_SUFFIX) else ""
    if not _files(Path(release), f"sentences{suffix}", split):
        return set()
    return {row["doc_id"] for row in read_rows(release, f"sentences{suffix}", split, ["doc_id"])}


def text_lengths(release: str | Path, config: str, split: str) -> dict[str, int]:
    """Length (code points) of each annotated document's text in a split, from the
    ``documents`` config of the same scheme: predicted claim spans must lie inside it."""
    suffix = OUTLET_SUFFIX if config.endswith(OUTLET_SUFFIX) else ""
    if not _files(Path(release), f"documents{suffix}", split):
        return {}
    return {row["id"]: len(row["text"]) for row in read_rows(release, f"documents{suffix}", split, ["id", "text"])}


def fingerprint(release: str | Path) -> str:
    """The release's content fingerprint (as the build computes it: SHA-256 over the Parquet files)."""
    try:
        return folder_fingerprint(Path(release))
    except OSError as err:
        raise ReleaseError(f"{err.filename or release}: cannot be read ({err.strerror})") from err
