"""The card's per-split statistics: rows, tokens and label distributions of exactly what
ships, counted from the Arrow tables as they are written (:class:`SplitCounter`, merged over a
split's shard groups) or read back from the Parquet files (:func:`split_statistics`)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from castcorpus.splits.assign import SPLITS
from .features import OUTLET_SUFFIX, features

#: The columns a learner predicts, per base config (the card shows their distribution).
TASK_LABELS = {
    "sentences": ("label",),
    "checkworthiness": ("label",),
    "claims": ("type", "check_worthy", "certainty", "speaker_type"),
    "attribution": ("label",),
    "credibility": ("label", "annotated"),
    "stances": ("polarity", "explicit"),
    "actor_ner": ("ner_tags",),
    "claim_spans": ("span_tags",),
    "raw": ("fakes_label", "annotated"),
}

#: The column whose whitespace-separated tokens are counted, per base config.
TOKEN_COLUMN = {"documents": "text", "sentences": "text", "checkworthiness": "text", "claims": "text",
                "attribution": "context", "credibility": "text", "stances": "context",
                "actor_ner": "tokens", "claim_spans": "tokens", "raw": "text"}


def _base(config: str) -> str:
    return config[: -len(OUTLET_SUFFIX)] if config.endswith(OUTLET_SUFFIX) else config


def _read(release: Path, pattern: str, columns: list[str]):
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = [pq.read_table(path, columns=columns) for path in sorted(release.glob(pattern))]
    return pa.concat_tables(tables) if tables else None


#: A column of the staged rows (not of the release): each row's token count, counted once when
#: the rows are staged rather than again for each split scheme's files.
TOKENS_COLUMN = "__tokens"


def _token_count(table, column: str) -> int:
    import pyarrow.compute as pc

    from .token_counts import row_token_counts

    counts = table.column(TOKENS_COLUMN) if TOKENS_COLUMN in table.column_names else row_token_counts(table, column)
    return int(pc.sum(counts).as_py() or 0)


def label_counts(config: str, column: str, values) -> Counter:
    """Counts of one label column's values (an Arrow column), by label name (``ner_tags``:
    mentions, i.e. B- tags, by actor type). Counted by Arrow, without converting rows to Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    feature = features(_base(config))[column]
    names = getattr(getattr(feature, "feature", feature), "names", None)
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    sequence = pa.types.is_list(values.type) or pa.types.is_large_list(values.type)
    if sequence:
        values = pc.list_flatten(values)
    counts: Counter = Counter()
    for entry in pc.value_counts(values).to_pylist():
        value, count = entry["values"], entry["counts"]
        if sequence:  # a sequence of BIO tags: count the mentions (B- tags) by type
            if value is not None and names[value].startswith("B-"):
                counts[names[value][2:]] += count
        elif value is None:
            counts["(none)"] += count
        else:
            counts[names[value] if names else str(value).lower()] += count
    return counts


def split_statistics(release: Path, patterns: dict[str, dict[str, str]], known: dict | None = None) -> dict:
    """``{config: {split: {"rows", "tokens", "labels": {column: Counter}}}}`` for the written files.

    ``patterns`` maps config -> split -> the data_files pattern relative to ``release``;
    ``known`` maps ``(config, split)`` to statistics already taken of the same files (not read again).
    """
    stats: dict = {}
    known = known or {}
    for config, splits in patterns.items():
        base = _base(config)
        labels = list(TASK_LABELS.get(base, ()))
        token_column = TOKEN_COLUMN.get(base)
        columns = labels + ([token_column] if token_column else [])
        for split, pattern in splits.items():
            if (config, split) in known:
                stats.setdefault(config, {})[split] = known[(config, split)]
                continue
            table = _read(release, pattern, columns)
            if table is None:
                continue
            stats.setdefault(config, {})[split] = {
                "rows": table.num_rows,
                "tokens": _token_count(table, token_column) if token_column else 0,
                "labels": {column: label_counts(config, column, table.column(column))
                           for column in labels},
            }
    return stats


class SplitCounter:
    """The card's statistics of one config split, counted from the Arrow tables written (so
    that the files need not be read back): add tables, then take :meth:`entry`."""

    def __init__(self, config: str):
        base = _base(config)
        self.config, self.labels, self.token_column = config, TASK_LABELS.get(base, ()), TOKEN_COLUMN.get(base)
        self.rows = self.tokens = 0
        self.counts = {column: Counter() for column in self.labels}

    def add(self, table) -> None:
        """Count the rows of an Arrow table of the config."""
        self.rows += table.num_rows
        if self.token_column:
            self.tokens += _token_count(table, self.token_column)
        for column in self.labels:
            self.counts[column].update(label_counts(self.config, column, table.column(column)))

    def entry(self) -> dict:
        """``{"rows", "tokens", "labels": {column: Counter}}``, as :func:`split_statistics` gives."""
        return {"rows": self.rows, "tokens": self.tokens, "labels": {c: Counter(n) for c, n in self.counts.items()}}


def merge_entries(entries: list[dict]) -> dict:
    """The statistics of the rows of several entries together (e.g. a split's shard groups)."""
    merged = {"rows": 0, "tokens": 0, "labels": {}}
    for entry in entries:
        merged["rows"] += entry["rows"]
        merged["tokens"] += entry["tokens"]
        for column, counts in entry["labels"].items():
            merged["labels"].setdefault(column, Counter()).update(counts)
    return merged


def _cell(counts: Counter) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def statistics_section(stats: dict, order: list[str]) -> str:
    """The card section: one table row per config and split."""
    lines = ["## Rows, tokens and labels per split", "",
             "Tokens are whitespace-separated tokens of each config's text column (`context` for `stances`, "
             "`tokens` for `actor_ner`). Labels are the columns a learner predicts; `ner_tags` counts mentions "
             "(B- tags) by actor type; `fakes_label` is FA-KES's label (1 credible, 0 fake; none for the seed).",
             "", "| config | split | rows | tokens | labels |", "|---|---|---|---|---|"]
    for config in order:
        for split in SPLITS:
            entry = stats.get(config, {}).get(split)
            if entry is None:
                continue
            labels = "; ".join(f"`{column}`: {_cell(counts)}" for column, counts in entry["labels"].items())
            lines.append(f"| `{config}` | {split} | {entry['rows']} | {entry['tokens']} | {labels or '-'} |")
    return "\n".join(lines)
