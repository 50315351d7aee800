"""Counts that describe the corpus (for DATASHEET.md) or a release (for its charts).

:func:`corpus_stats` reads the corpus's JSON files only (no texts, so it works before
hydration) and assigns splits as the build does; :func:`release_stats` reads a release's
``documents`` and ``raw`` Parquet files, i.e. what the release actually holds. Both fill the
same :class:`Stats`, from which the datasheet and the charts are drawn.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from castcorpus.corpus.reader import Corpus
from castcorpus.splits.assign import corpus_splits


@dataclass
class Stats:
    """Counts of documents, annotations and labels; Counters keyed by label or name."""

    documents: int = 0
    annotated: int = 0
    by_collection: Counter = field(default_factory=Counter)  # collection -> documents
    annotated_by_collection: Counter = field(default_factory=Counter)
    status: Counter = field(default_factory=Counter)  # provenance status -> annotated documents
    guidelines: Counter = field(default_factory=Counter)  # guideline version -> annotated documents
    double_annotated: int = 0  # annotated documents with two or more independent passes
    annotators: Counter = field(default_factory=Counter)  # annotator -> documents annotated
    claims: int = 0
    stances: int = 0
    mentions: int = 0
    claim_types: Counter = field(default_factory=Counter)
    certainty: Counter = field(default_factory=Counter)
    check_worthy: Counter = field(default_factory=Counter)  # "yes" / "no"
    polarity: Counter = field(default_factory=Counter)
    explicit: Counter = field(default_factory=Counter)  # "explicit" / "implicit"
    actor_types: Counter = field(default_factory=Counter)  # type -> distinct actors annotated
    actor_kinds: dict = field(default_factory=dict)  # actor -> type, of the distinct actors counted
    mention_types: Counter = field(default_factory=Counter)  # type -> mentions
    outlet_split: Counter = field(default_factory=Counter)  # (outlet, split) -> documents
    split: Counter = field(default_factory=Counter)  # (scheme, split, "all"|"annotated") -> documents
    annotated_by_outlet: Counter = field(default_factory=Counter)
    passes: dict = field(default_factory=dict)  # doc id -> annotators of independent passes (corpus only)
    gold_ids: set = field(default_factory=set)  # ids of the annotated documents

    def merge(self, other: "Stats") -> None:
        """Add the counts of ``other``, counted over other rows (coming after these). Distinct
        actors are counted once: an actor ``other`` saw that these rows saw already is not
        counted again (``actor_kinds`` keeps the type of its first mention)."""
        new_actors = {actor: kind for actor, kind in other.actor_kinds.items() if actor not in self.actor_kinds}
        for name in self.__dataclass_fields__:
            if name not in ("actor_types", "actor_kinds"):
                setattr(self, name, _merge_field(getattr(self, name), getattr(other, name)))
        self.actor_kinds = {**self.actor_kinds, **new_actors}
        self.actor_types = _merge_field(self.actor_types, Counter(new_actors.values()))


def _merge_field(mine, theirs):
    if isinstance(mine, set):
        return mine | theirs
    if isinstance(mine, dict) and not isinstance(mine, Counter):
        return {**mine, **theirs}
    if isinstance(mine, Counter):
        merged = Counter(mine)
        merged.update(theirs)  # unlike +, keeps zero counts
        return merged
    return mine + theirs


def _add_annotation(stats: Stats, annotation: dict, actor_type) -> None:
    """Count one gold annotation; ``annotation`` uses the corpus's own field names."""
    stats.annotated += 1
    provenance = annotation.get("provenance") or {}
    stats.status[provenance.get("status") or "unknown"] += 1
    stats.guidelines[annotation.get("guidelines_version") or "unknown"] += 1
    stats.double_annotated += len(provenance.get("passes") or []) >= 2
    for annotator in provenance.get("annotators") or []:
        stats.annotators[annotator] += 1
    for claim in annotation.get("claims") or []:
        stats.claims += 1
        stats.claim_types[claim["type"]] += 1
        stats.certainty[claim["certainty"]] += 1
        stats.check_worthy["yes" if claim["check_worthy"] else "no"] += 1
    for stance in annotation.get("stances") or []:
        stats.stances += 1
        stats.polarity[stance["polarity"]] += 1
        stats.explicit["explicit" if stance["explicit"] else "implicit"] += 1
    for actor in annotation.get("actors") or []:
        kind = actor_type(actor)
        n = len(actor.get("mentions") or [])
        stats.mentions += n
        stats.mention_types[kind] += n
        if actor["actor"] not in stats.actor_kinds:
            stats.actor_kinds[actor["actor"]] = kind
            stats.actor_types[kind] += 1


def _add_document(stats: Stats, collection: str, outlet: str, splits: tuple[str, str], annotated: bool) -> None:
    stats.documents += 1
    stats.by_collection[collection] += 1
    split, by_outlet = splits
    stats.outlet_split[(outlet, split)] += 1
    for scheme, which in (("document", split), ("outlet", by_outlet)):
        stats.split[(scheme, which, "all")] += 1
        stats.split[(scheme, which, "annotated")] += annotated
    if annotated:
        stats.annotated_by_collection[collection] += 1
        stats.annotated_by_outlet[outlet] += 1


def corpus_stats(corpus_root: str | Path) -> Stats:
    """Counts over the corpus's JSON files (texts are not needed)."""
    corpus = Corpus(corpus_root)
    types = {key: actor["type"] for key, actor in corpus.actors.items()}
    stats = Stats()
    splits = corpus_splits(corpus)
    for doc_id in corpus.document_ids():
        meta, annotation = corpus.meta(doc_id), corpus.annotation(doc_id)
        _add_document(stats, meta["collection"], meta["outlet"], splits[doc_id], annotation is not None)
        if annotation is not None:
            stats.gold_ids.add(doc_id)
            _add_annotation(stats, annotation, lambda a: types.get(a["actor"], "unknown"))
    for path in sorted(corpus.layout.passes.glob("*/*.json")):
        stats.passes.setdefault(path.stem, []).append(path.parent.name)
    return stats


class ReleaseCounter:
    """Counts a release's ``raw`` and ``documents`` rows one at a time: the build feeds it the
    rows it writes, so that its statistics never need the configs read back into memory."""

    def __init__(self):
        self.stats = Stats()

    def add(self, config: str, row: dict) -> None:
        """Count one row of ``config`` (rows of other configs are ignored)."""
        if config == "raw":
            _add_document(self.stats, row["collection"], row["outlet"], (row["split"], row["outlet_split"]),
                          row["annotated"])
        elif config == "documents":
            _add_annotation(self.stats, row, lambda a: a["type"])

    def add_table(self, config: str, table) -> None:
        """Count the rows of an Arrow table of ``config`` (only the columns counted are read).
        ``documents`` rows are counted by Arrow, column by column: converting their nested
        actors, claims and stances to Python only to count a few fields was most of the cost."""
        if config == "documents":
            _add_annotations_table(self.stats, table)
        elif config in _COUNTED:
            for row in table.select(_COUNTED[config]).to_pylist():
                self.add(config, row)


def _value_counts(values, missing: str | None = None) -> Counter:
    """Counts of an Arrow array's values (None counted as ``missing`` when given)."""
    import pyarrow.compute as pc

    counts = Counter()
    for entry in pc.value_counts(values).to_pylist():
        value = entry["values"]
        if value is None:
            if missing is None:
                continue
            value = missing
        counts[value] += entry["counts"]
    return counts


def _add_annotations_table(stats: Stats, table) -> None:
    """What :func:`_add_annotation` counts, for every ``documents`` row of an Arrow table, in
    row order (the first type seen of an actor is its type, as row by row)."""
    import pyarrow.compute as pc

    if not table.num_rows:
        return
    provenance, claims, stances, actors = (table.column(name).combine_chunks()
                                           for name in ("provenance", "claims", "stances", "actors"))
    stats.annotated += table.num_rows
    stats.status.update(_value_counts(pc.struct_field(provenance, "status"), "unknown"))
    stats.guidelines.update(_value_counts(table.column("guidelines_version"), "unknown"))
    passes = pc.fill_null(pc.list_value_length(pc.struct_field(provenance, "passes")), 0)
    stats.double_annotated += int(pc.sum(pc.greater_equal(passes, 2)).as_py() or 0)
    stats.annotators.update(_value_counts(pc.list_flatten(pc.struct_field(provenance, "annotators"))))
    claim_rows = pc.list_flatten(claims)
    stats.claims += len(claim_rows)
    stats.claim_types.update(_value_counts(pc.struct_field(claim_rows, "type")))
    stats.certainty.update(_value_counts(pc.struct_field(claim_rows, "certainty")))
    worthy = _value_counts(pc.struct_field(claim_rows, "check_worthy"))
    stats.check_worthy.update({("yes" if value else "no"): count for value, count in worthy.items()})
    stance_rows = pc.list_flatten(stances)
    stats.stances += len(stance_rows)
    stats.polarity.update(_value_counts(pc.struct_field(stance_rows, "polarity")))
    explicit = _value_counts(pc.struct_field(stance_rows, "explicit"))
    stats.explicit.update({("explicit" if value else "implicit"): count for value, count in explicit.items()})
    actor_rows = pc.list_flatten(actors)
    keys, kinds = pc.struct_field(actor_rows, "actor"), pc.struct_field(actor_rows, "type")
    mentions = pc.fill_null(pc.list_value_length(pc.struct_field(actor_rows, "mentions")), 0)
    stats.mentions += int(pc.sum(mentions).as_py() or 0)
    for kind, count in zip(kinds.to_pylist(), mentions.to_pylist()):
        stats.mention_types[kind] += count
    first = pc.unique(keys)  # in the order of first appearance
    first_kinds = pc.take(kinds, pc.index_in(first, value_set=keys))
    for key, kind in zip(first.to_pylist(), first_kinds.to_pylist()):
        if key not in stats.actor_kinds:
            stats.actor_kinds[key] = kind
            stats.actor_types[kind] += 1


#: The columns :class:`ReleaseCounter` reads of each config it counts.
_COUNTED = {"raw": ["collection", "outlet", "split", "outlet_split", "annotated"],
            "documents": ["guidelines_version", "provenance", "actors", "claims", "stances"]}


def release_stats(release: str | Path) -> Stats:
    """Counts over a release's ``raw`` (every document with text) and ``documents`` Parquet files,
    read one row group at a time."""
    release, counter = Path(release), ReleaseCounter()
    for config, columns in _COUNTED.items():
        for row in _rows(release, config, columns):
            counter.add(config, row)
    return counter.stats


def _rows(release: Path, config: str, columns: list[str]):
    for path in sorted((release / "data" / config).glob("*.parquet")):
        for batch in pq.ParquetFile(path).iter_batches(columns=columns):
            yield from batch.to_pylist()
