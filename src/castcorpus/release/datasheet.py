"""DATASHEET.md (Gebru et al., "Datasheets for Datasets"), with its numbers generated.

:func:`render` fills the project's own prose (``templates/datasheet.md``) with counts and tables from
:func:`castcorpus.release.stats.corpus_stats` (the corpus's JSON files and the build's split
assignment; no texts needed). ``castcorpus datasheet --out DATASHEET.md`` writes it and
redraws the committed charts (docs/charts/); a test regenerates the text and compares it with
the committed file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from castcorpus.corpus.reader import Corpus
from castcorpus.splits.assign import SPLITS
from .charts import markdown as chart_links
from .features import actor_types, certainties, claim_types, polarities
from .stats import Stats, corpus_stats

CHARTS_DIR = "docs/charts"
#: The datasheet's prose, with ``$name`` fields (:class:`string.Template`, as for the card).
_TEMPLATE = Path(__file__).parent / "templates" / "datasheet.md"


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _dist(title: str, counts: Counter, order: list[str]) -> str:
    total = sum(counts.values())
    rows = [[f"`{k}`", counts[k], f"{100 * counts[k] / total:.1f}%" if total else "-"] for k in order]
    return _table([title, "count", "share"], rows + [["total", total, ""]])


def _splits(stats: Stats) -> str:
    rows = []
    for scheme, label in (("document", "by document group (`<config>`)"), ("outlet", "outlets held out (`<config>_by_outlet`)")):
        for split in SPLITS:
            rows.append([label, split, stats.split[(scheme, split, "all")], stats.split[(scheme, split, "annotated")]])
    return _table(["scheme", "split", "documents", "annotated"], rows)


def _outlets(stats: Stats, names: dict[str, str]) -> str:
    outlets = sorted({o for o, _ in stats.outlet_split}, key=lambda o: (-sum(stats.outlet_split[(o, s)] for s in SPLITS), o))
    rows = [[names.get(o, o), f"`{o}`", *(stats.outlet_split[(o, s)] for s in SPLITS),
             sum(stats.outlet_split[(o, s)] for s in SPLITS), stats.annotated_by_outlet[o]] for o in outlets]
    return _table(["outlet", "key", *SPLITS, "documents", "annotated"], rows)


@dataclass
class Camps:
    """Per media camp of the outlets (outlets.json ``camp``): articles, annotated articles and
    FA-KES labels."""

    articles: Counter = field(default_factory=Counter)
    annotated: Counter = field(default_factory=Counter)
    credible: Counter = field(default_factory=Counter)
    fake: Counter = field(default_factory=Counter)


CAMP_ORDER = ("pro_government", "against", "neutral", None)


def camp_counts(corpus: Corpus) -> Camps:
    """Counts per camp, from metadata only (no texts needed)."""
    camps = Camps()
    annotated = {p.stem for p in corpus.layout.annotations.glob("*.json")}
    for doc_id in corpus.document_ids():
        meta = corpus.meta(doc_id)
        camp = corpus.outlets[meta["outlet"]].get("camp")
        camps.articles[camp] += 1
        camps.annotated[camp] += doc_id in annotated
        label = (meta.get("source_record") or {}).get("label")
        camps.credible[camp] += label == 1
        camps.fake[camp] += label == 0
    return camps


def _camps(camps: Camps) -> str:
    rows = [[f"`{c}`" if c else "none (outside FA-KES)", camps.articles[c], camps.annotated[c], camps.credible[c],
             camps.fake[c]] for c in CAMP_ORDER if camps.articles[c]]
    return _table(["camp", "articles", "annotated", "FA-KES credible (1)", "FA-KES fake (0)"], rows)


def _annotation_fields(stats: Stats) -> dict[str, object]:
    """The numbers of the annotation process section."""
    double = sorted(d for d, who in stats.passes.items() if len(who) >= 2)
    adjudicated = [d for d in double if d in stats.gold_ids]
    pass_counts = Counter(a for who in stats.passes.values() for a in who)
    return {
        "guideline_versions": ", ".join(f"{v}: {n}" for v, n in sorted(stats.guidelines.items())),
        "status": ", ".join(f"{s}: {n}" for s, n in sorted(stats.status.items())),
        "gold_by": ", ".join(f"{a} {n}" for a, n in sorted(stats.annotators.items(), key=lambda x: (-x[1], x[0]))),
        "passes_by": ", ".join(f"{a} {n}" for a, n in sorted(pass_counts.items(), key=lambda x: (-x[1], x[0])))
        or "none",
        "double": len(double),
        "adjudicated": len(adjudicated),
        "single": stats.annotated - len(adjudicated),
    }


def render(stats: Stats, outlet_names: dict[str, str], camps: Camps | None = None,
           release: dict | None = None, events: int = 0) -> str:
    """The full DATASHEET.md for ``stats``: ``templates/datasheet.md`` filled in."""
    camps = camps or Camps()
    return Template(_TEMPLATE.read_text(encoding="utf-8")).substitute(
        version=(release or {}).get("version", "unversioned"),
        documents=stats.documents, annotated=stats.annotated,
        by_collection=", ".join(f"`{c}` {n} ({stats.annotated_by_collection[c]} annotated)"
                                for c, n in sorted(stats.by_collection.items())),
        claims=stats.claims, stances=stats.stances, mentions=stats.mentions,
        actors=sum(stats.actor_types.values()),
        claim_type_table=_dist("type", stats.claim_types, claim_types()),
        certainty_table=_dist("certainty", stats.certainty, certainties()),
        check_worthy_table=_dist("check-worthy", stats.check_worthy, ["yes", "no"]),
        polarity_table=_dist("polarity", stats.polarity, polarities()),
        explicitness_table=_dist("explicitness", stats.explicit, ["explicit", "implicit"]),
        actor_table=_table(["type", "distinct actors", "mentions"],
                           [[f"`{t}`", stats.actor_types[t], stats.mention_types[t]] for t in actor_types()]
                           + [["total", sum(stats.actor_types.values()), stats.mentions]]),
        events=events, split_table=_splits(stats), outlet_table=_outlets(stats, outlet_names),
        camp_table=_camps(camps), chart_links=chart_links(CHARTS_DIR),
        **_annotation_fields(stats))


def generate(corpus_root: str | Path = "corpus") -> tuple[str, Stats]:
    """The datasheet text of a corpus, and the counts it was made from."""
    stats = corpus_stats(corpus_root)
    corpus = Corpus(corpus_root)
    names = {key: outlet.get("name", key) for key, outlet in corpus.outlets.items()}
    return render(stats, names, camp_counts(corpus), corpus.release, len(corpus.events)), stats
