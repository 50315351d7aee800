"""DATASHEET.md (Gebru et al., "Datasheets for Datasets"), with its numbers generated.

:func:`render` fills the project's own prose with counts from :func:`castcorpus.release.stats.corpus_stats`
(the corpus's JSON files and the build's split assignment; no texts needed). ``castcorpus
datasheet --out DATASHEET.md`` writes it and redraws the committed charts (docs/charts/);
a test regenerates the text and compares it with the committed file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from castcorpus.corpus.reader import Corpus
from castcorpus.splits.assign import SPLITS
from .charts import markdown as chart_links
from .features import actor_types, certainties, claim_types, polarities
from .stats import Stats, corpus_stats

CHARTS_DIR = "docs/charts"


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


def _annotation_process(stats: Stats) -> str:
    double = sorted(d for d, who in stats.passes.items() if len(who) >= 2)
    adjudicated = [d for d in double if d in stats.gold_ids]
    versions = ", ".join(f"{v}: {n}" for v, n in sorted(stats.guidelines.items()))
    status = ", ".join(f"{s}: {n}" for s, n in sorted(stats.status.items()))
    gold_by = ", ".join(f"{a} {n}" for a, n in sorted(stats.annotators.items(), key=lambda x: (-x[1], x[0])))
    pass_counts = Counter(a for who in stats.passes.values() for a in who)
    passes_by = ", ".join(f"{a} {n}" for a, n in sorted(pass_counts.items(), key=lambda x: (-x[1], x[0])))
    return (
        "- **Who annotated.** Every annotation in this corpus was made by **language-model annotators** "
        "(sessions of a large language model, each given a pseudonym, the codebook and its documents), "
        "not by people, and **no human annotator has reviewed them yet**. Each annotator read the "
        "hydrated texts and wrote drafts that `castcorpus anchor` turned into offsets; the validator checked "
        "every file. Nothing else about the annotators (model version, prompts beyond the codebook) is "
        "recorded in the corpus.\n"
        f"- **Gold files per annotator pseudonym** (an adjudicated file counts for each annotator named in "
        f"it): {gold_by}. **Independent passes per pseudonym:** {passes_by or 'none'}.\n"
        f"- **Guidelines.** docs/guidelines.md (the codebook). Gold files by guideline version: {versions}. "
        "The seed was annotated under 1.0 and the FA-KES pilot under 1.1 and 1.2; the batch of 2026-12 under "
        "1.3. `castcorpus validate` warns about every gold file made under an older version until it is "
        "re-checked.\n"
        f"- **Status.** {status}. `single`: one annotator's file, checked by the validator and by the "
        "maintainers' reading of a sample of its spans, propositions and clusters (the maintainers' sessions are "
        "language-model sessions too), not by a second annotator. `adjudicated`: merged from two independent "
        "passes by a third annotator (the adjudicator, named in the file's `provenance`), who decided each "
        "difference by the codebook and noted the decisions.\n"
        f"- **Double annotation.** {len(double)} documents have two or more independent passes in "
        f"`corpus/passes/` ({len(adjudicated)} of them adjudicated into the gold files); the other "
        f"{stats.annotated - len(adjudicated)} gold documents are single-annotated. A second annotator never "
        "saw the first pass of its document, but many saw registry entries (actor keys, cluster questions) "
        "that the first pass had added to the shared registries: in tranches 2 and 3, and for the eight "
        "earlier gold files that became first passes in tranche 9, every second annotator worked from "
        "registries that already held them (docs/agreement.md says which documents), so agreement on cluster "
        "keys is not fully independent there. In tranche 9 the other documents' two passes were made at the "
        "same time from the same registry, fully independently.\n"
        "- **Later rules applied to finished files.** When the codebook gained a rule, the files it changes "
        "were revised: by the maintainers, or by a reviewer session (a language-model session with a "
        "pseudonym) whose changes the maintainers checked by sample before merging; each changed claim's `note` names "
        "the rule. Passes in `corpus/passes/` are not revised under later rules (a few propositions in them were "
        "reworded for the redistribution check), so agreement is measured on what the "
        "annotators made.\n"
        "- **Agreement** is measured on those passes by `castcorpus agreement` (span F1, exact and by "
        "overlap; raw agreement and Krippendorff's alpha with 95% bootstrap intervals on labels): see "
        "[docs/agreement.md](docs/agreement.md). The guidelines' worked examples are drawn from the seed "
        "document, so agreement on the seed overstates agreement on unseen text; the FA-KES documents are the "
        "better estimate. Agreement between two language-model annotators measures consistency with the "
        "codebook, not accuracy against human judgement."
    )


def render(stats: Stats, outlet_names: dict[str, str], camps: Camps | None = None,
           release: dict | None = None, events: int = 0) -> str:
    """The full DATASHEET.md for ``stats``."""
    camps = camps or Camps()
    version = (release or {}).get("version", "unversioned")
    parts = [
        "# Datasheet for CAST-Syria",
        f"Dataset version **{version}** (corpus/release.json; what each version changed is in CHANGELOG.md, "
        f"and the git tag `dataset-v{version}` rebuilds it).",
        "Generated by `castcorpus datasheet --out DATASHEET.md` from the corpus; do not edit by hand (edit "
        "`src/castcorpus/release/datasheet.py`). Structured after Gebru et al., *Datasheets for Datasets* (2021). "
        "Every number below is counted from `corpus/` by code.",
        "## Motivation",
        "- **Purpose.** To study how news about the war in Syria reports claims: who claims what, through which "
        "chain of sources, with how much certainty, and which side each voice takes toward actors and claims. "
        "It supports claim detection, sentence check-worthiness and claim typing, attribution, actor recognition and linking, stance "
        "classification, and discourse network analysis across outlets of different alignment.\n"
        "- **Who made it.** The CAST-Syria maintainers (see CITATION.cff). No external funding is recorded.",
        "## Composition",
        f"- **Instances** are news documents: {stats.documents} in total, of which {stats.annotated} are annotated "
        f"(the rest are texts with metadata only, usable as raw text). By collection: "
        + ", ".join(f"`{c}` {n} ({stats.annotated_by_collection[c]} annotated)" for c, n in sorted(stats.by_collection.items()))
        + ".\n"
        f"- **Annotations.** {stats.claims} claims, {stats.stances} stances and {stats.mentions} actor mentions of "
        f"{sum(stats.actor_types.values())} distinct registry actors. Sentence counts need the texts: the build "
        "reports them per split in the release card (`sentences` config).\n"
        f"- **This is small.** {stats.annotated} annotated documents, most single-annotated by language models, "
        "make a small corpus: test splits hold a few dozen documents, so scores move with every document "
        "added; report confidence intervals over documents.\n"
        "- **Sample.** The FA-KES documents are all 804 articles of FA-KES (Abu Salem et al., 2019), itself a "
        "sample of casualty reporting from 15 outlets. Ten annotated articles are a pilot chosen by hand; the "
        "others come from the annotation batch that `scripts/select_batch.py` selects (whole events reported "
        "by three or more outlets first, then a fill balanced by outlet, FA-KES label and split: "
        "[docs/sampling.md](docs/sampling.md)), annotated in tranches, so the annotated set is a "
        "stratified selection, not a random sample. The seed is a single article, annotated first, from which the "
        "guidelines' worked examples are drawn.\n"
        "- **Labels in the raw data.** FA-KES rows carry `fakes_label` (1 credible, 0 fake): a credibility "
        "label assigned in the 2019 study by comparing casualty figures with a violations database. It is "
        "their judgement of an article, not ours, and not a judgement of the outlet.\n"
        "- **Known problems** of the FA-KES file (encoding damage, duplicated texts and ids, conflicting labels, "
        "page debris) are documented in [docs/fa-kes-audit.md](docs/fa-kes-audit.md).\n"
        "- **Sensitive content.** Reports of violence, casualties and accusations against named people and "
        "groups; claims are annotated as claims, never as facts. Annotators' identities are pseudonymous.",
        "### Claims",
        _dist("type", stats.claim_types, claim_types()),
        _dist("certainty", stats.certainty, certainties()),
        _dist("check-worthy", stats.check_worthy, ["yes", "no"]),
        "### Stances",
        _dist("polarity", stats.polarity, polarities()),
        _dist("explicitness", stats.explicit, ["explicit", "implicit"]),
        "### Actors",
        _table(["type", "distinct actors", "mentions"],
               [[f"`{t}`", stats.actor_types[t], stats.mention_types[t]] for t in actor_types()]
               + [["total", sum(stats.actor_types.values()), stats.mentions]]),
        "### Events",
        f"Every document names the events it reports (`reports_on`), keys of the {events} events in "
        "`corpus/events.json`; how they were proposed, reviewed and reconciled is in "
        "[docs/events.md](docs/events.md).",
        "### Splits",
        "Frozen per document in the split ledger `corpus/splits.json`: documents that report one event or share "
        "a (near-)identical text or a claim cluster are one group, and a group never spans two splits "
        "([docs/splits.md](docs/splits.md)). A document counts here whether or not its text is hydrated; a "
        "build without hydrated FA-KES texts leaves those out.",
        _splits(stats),
        "### Outlets",
        _outlets(stats, outlet_names),
        "### Media camps",
        "The FA-KES authors group the 15 FA-KES outlets into camps in their code (repository "
        "`fakenewssyria/fake_news_detection`, `feature_extraction/consistency_score.py`): pro-government "
        "(SANA, Al-Alam, Al-Manar, Sputnik, TASS), against the government (Al Arabiya, Jordan Times, Al-Ahram, "
        "Asharq Al-Awsat, NNA, Etilaf, Al-Araby, TRT, Daily Sabah) and neutral (Reuters). The registry records "
        "it as `camp`; the `documents` and task configs carry it as `outlet_camp`. The paper's abstract also "
        "names three press categories (mobilisation, loyalist, diverse print media), but no available source "
        "maps outlets to them, so `fakes_category` stays null.",
        _camps(camps),
        "### Charts",
        "Redrawn by `castcorpus datasheet`; the release has its own copies, drawn from what it holds.\n\n"
        + chart_links(CHARTS_DIR),
        "## Collection process",
        "- **FA-KES texts** come from the published FA-KES file (Zenodo record 2607278), collected by its "
        "authors from the outlets' websites. We did not scrape anything; `castcorpus hydrate fa-kes` reads "
        "that file, canonicalizes each text (UTF-8, NFC, LF; encoding damage repaired as documented) and checks "
        "it against the SHA-256 stored in `corpus/documents/`.\n"
        "- **The seed** was copied verbatim from a public web page (a republished copy; the original outlet is "
        "in its metadata), with its rights statement.\n"
        "- **Metadata** (outlet, date, reported events) was entered by hand with a basis for each fact; the "
        "outlet and actor registries cite their sources. Dates of FA-KES articles come from the file and are "
        "not verified.",
        "## Preprocessing, cleaning, labeling",
        "- Texts are stored or hydrated verbatim apart from canonicalization; offsets are code points into the "
        "canonical text. Sentences and tokens are derived at build time (BlingFire; syntok where BlingFire's "
        "native library is unavailable; the release card names the segmenter used), never hand-edited.\n"
        "- Annotators write drafts with quotes; `castcorpus anchor` turns quotes into offsets, and "
        "`castcorpus validate` checks every file against the JSON Schemas and cross-references.\n"
        + _annotation_process(stats),
        "## Uses",
        "- **Intended:** research on claim detection, attribution, stance, actor linking and discourse networks; "
        "comparing how outlets report the same events; teaching.\n"
        "- **Not intended:** automated fact-checking decisions or credibility ratings of outlets or people; "
        "treating `fakes_label` as ground truth about an article or as our judgement; surveillance or "
        "profiling of the people named; any decision about individuals. Claims are what a text says, not "
        "what happened.\n"
        "- **Limits:** English only; few annotated documents, most single-annotated; outlets are unevenly "
        "represented; the annotation reflects one codebook's choices.",
        "## Distribution",
        "- Built releases (`castcorpus build`) contain Parquet configs, a dataset card, `croissant.json`, "
        "this datasheet, CITATION.cff, the licenses and SHA256SUMS.\n"
        "- **Licenses per source:** annotations, registries, metadata and documentation CC BY 4.0; code MIT; "
        "FA-KES texts CC BY 4.0 by their authors but third-party articles, so the repository never ships them "
        "(they are hydrated from the published file; cite FA-KES); the seed text keeps the rights "
        "statement recorded in its metadata (no license is stated by the publisher). "
        "See licenses/README.md.",
        "## Maintenance",
        "- Maintained by the CAST-Syria maintainers through the repository's issues. Corrections are new "
        "commits; files are never silently changed under the same version, and every release carries a "
        "content fingerprint.\n"
        "- **Versions.** The dataset has its own semantic version (corpus/release.json), separate from the "
        "package's, in the card, croissant.json, CITATION.cff and this datasheet; CHANGELOG.md records per "
        "version the documents added, splits moved, guideline version and schema changes.\n"
        "- **Splits never move silently.** The ledger fixes every document's split; a new document joins its "
        "group's split, and a move happens only by `castcorpus splits move`, recorded in CHANGELOG.md.\n"
        "- A rights holder can ask for a text to be removed; its annotations then stay as standoff data only.",
    ]
    return "\n\n".join(parts) + "\n"


def generate(corpus_root: str | Path = "corpus") -> tuple[str, Stats]:
    """The datasheet text of a corpus, and the counts it was made from."""
    stats = corpus_stats(corpus_root)
    corpus = Corpus(corpus_root)
    names = {key: outlet.get("name", key) for key, outlet in corpus.outlets.items()}
    return render(stats, names, camp_counts(corpus), corpus.release, len(corpus.events)), stats
