"""The dataset card (README.md of a release): YAML front matter and a short body.

The YAML is produced by ``datasets`` and ``huggingface_hub`` themselves
(:class:`datasets.info.DatasetInfosDict`, :class:`huggingface_hub.DatasetCardData`) from
the features in :mod:`castcorpus.release.features`, so it is exactly what ``load_dataset`` parses.
Each config's ``dataset_info.description`` carries the release's content fingerprint:
``datasets`` hashes ``dataset_info`` into its cache key for a local folder but not the Parquet
bytes, so without it a rebuilt release could load stale rows from a warm cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from datasets import DatasetInfo
from datasets.info import DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCardData

from castcorpus.corpus.segment import SEGMENTER
from castcorpus.splits.assign import SPLITS
from .features import CONFIGS, OUTLET_SUFFIX, features

PRETTY_NAME = "CAST-Syria: Claims, Actors and STances in news about the Syrian war"


@dataclass
class SplitStats:
    """What the card says about one written split."""

    num_rows: int
    num_bytes: int
    parquet_bytes: int
    pattern: str  # data_files path relative to the release root


@dataclass
class CardInput:
    """Everything the card is made from."""

    splits: dict[str, dict[str, SplitStats]]  # config -> split -> stats (written splits only)
    fingerprint: str
    version: str
    documents: int
    annotated: int
    left_out: int
    package_version: str = ""
    ledger_sha256: str | None = None
    mentions_off_tokens: int = 0  # gold mentions actor_ner leaves out (not on token boundaries)
    claims_off_tokens: int = 0  # gold claim spans claim_spans leaves out (off tokens, or across sentences)
    extra_sections: list[str] = field(default_factory=list)


def config_order(configs) -> list[str]:
    """Configs in card order: each base config, then its ``_by_outlet`` twin."""
    order = [name for base in CONFIGS for name in (base, base + OUTLET_SUFFIX)]
    return [name for name in order if name in configs]


def _size_category(rows: int) -> str:
    for bound, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                         (1_000_000, "100K<n<1M")):
        if rows < bound:
            return label
    return "1M<n<10M"


def card_data(info: CardInput) -> DatasetCardData:
    """The YAML front matter of the card."""
    names = config_order(info.splits)
    default = "documents" if "documents" in names else (names[0] if names else None)
    configs, infos = [], {}
    for name in names:
        splits = [s for s in SPLITS if s in info.splits[name]]
        entry = {"config_name": name,
                 "data_files": [{"split": s, "path": info.splits[name][s].pattern} for s in splits]}
        if name == default:
            entry["default"] = True
        configs.append(entry)
        split_dict = SplitDict()
        for s in splits:
            stats = info.splits[name][s]
            split_dict.add(SplitInfo(name=s, num_bytes=stats.num_bytes, num_examples=stats.num_rows))
        infos[name] = DatasetInfo(
            features=features(name), config_name=name, splits=split_dict,
            download_size=sum(st.parquet_bytes for st in info.splits[name].values()),
            dataset_size=sum(st.num_bytes for st in info.splits[name].values()))
    largest = max((sum(st.num_rows for st in by_split.values()) for by_split in info.splits.values()), default=0)
    data = DatasetCardData(
        pretty_name=PRETTY_NAME, license="cc-by-4.0", language=["en"],
        task_categories=["text-classification", "token-classification"],
        task_ids=["fact-checking", "named-entity-recognition"],
        size_categories=[_size_category(largest)],
        tags=["claims", "stance", "actors", "attribution", "news", "syria", "discourse-networks"],
        configs=configs)
    DatasetInfosDict(infos).to_dataset_card_data(data)
    # Not emitted by DatasetInfosDict, but read back into DatasetInfo and hashed by datasets.
    for entry in _as_list(data["dataset_info"]):
        entry["description"] = f"CAST-Syria {info.version}, content fingerprint sha256:{info.fingerprint}"
    return data


def _as_list(value):
    return value if isinstance(value, list) else [value]


def render(info: CardInput) -> str:
    """The full README.md of a release."""
    return f"---\n{card_data(info).to_yaml()}\n---\n\n{_body(info)}"


def _split_table(info: CardInput) -> str:
    lines = ["| config | " + " | ".join(SPLITS) + " |", "|---|" + "---|" * len(SPLITS)]
    for name in config_order(info.splits):
        cells = [str(info.splits[name][s].num_rows) if s in info.splits[name] else "-" for s in SPLITS]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _ner_note(info: CardInput) -> str:
    return ("## Spans left out of the token configs\n\n"
            f"{info.mentions_off_tokens} gold actor mention(s) do not start and end on token boundaries, so BIO "
            "tags cannot carry them and `actor_ner` leaves them out; the `documents` config keeps every mention. "
            "Most are a name inside a longer token, such as a possessive whose apostrophe the source file lost. "
            "The build lists each one (`mention-not-on-tokens`). Likewise `claim_spans` leaves out "
            f"{info.claims_off_tokens} gold claim span(s) that are not on token boundaries or cross a sentence "
            "boundary as the segmenter draws it (`claim-not-on-tokens`, `claim-crosses-sentence`); the `claims` "
            "config keeps every claim.")


def _ledger_sentence(info: CardInput) -> str:
    if info.ledger_sha256 is None:
        return ("This corpus has no split ledger: groups were placed by a stable hash of their key "
                "(about 70/15/15), so adding a document moves no other.")
    return (f"Every document's split is frozen in the split ledger `corpus/splits.json` of the repository "
            f"(SHA-256 `{info.ledger_sha256}`): assignments never move between versions except by a recorded "
            "move in CHANGELOG.md. The seed document is in train on purpose: the annotation guidelines' worked "
            "examples quote its annotations.")


def _body(info: CardInput) -> str:
    sections = [
        f"# {PRETTY_NAME}",
        "CAST-Syria is a corpus of English news about the war in Syria annotated with **claims** "
        "(span, normalized proposition, type, check-worthiness, certainty, speaker and attribution chain), "
        "**actors** (mentions linked to a registry of keyed, typed actors) and **stances** (holder, target, "
        "polarity, evidence).",
        f"**Version {info.version}** of the dataset (CHANGELOG.md in the repository says what each version "
        f"changed; rebuild exactly this release from the git tag `dataset-v{info.version}`), built with "
        f"castcorpus {info.package_version or 'unknown'}. "
        f"This release: {info.documents} documents with text, {info.annotated} of them annotated; "
        f"{info.left_out} left out because their text was not available at build time.",
        "## Configs\n\n"
        "| config | one row per | for |\n|---|---|---|\n"
        "| `documents` (default) | annotated document, annotations nested | full fidelity |\n"
        "| `sentences` | sentence of an annotated document | claim detection (`label`: no_claim / claim) |\n"
        "| `checkworthiness` | sentence of an annotated document | check-worthiness, the CheckThat! sentence task "
        "(`label`: not_check_worthy / check_worthy: the sentence holds a claim annotated check-worthy) |\n"
        "| `claim_spans` | sentence of an annotated document | claim span detection as token classification: "
        "`tokens`, `span_tags` (BIO over claim spans), `claim_ids` |\n"
        "| `claims` | claim | claim typing, check-worthiness, certainty, attribution |\n"
        "| `stances` | stance | stance classification (`polarity`) with holder, target and context |\n"
        "| `actor_ner` | sentence | token classification: `tokens`, `ner_tags` (BIO by actor type), `actor_keys` |\n"
        "| `raw` | document with text, annotated or not | language modelling, FA-KES credibility (`fakes_label`) |",
        "## Splits\n\nTwo schemes, as separate configs with the same columns:\n\n"
        "- `<config>` (e.g. `claims`): train / validation / test by document group. Documents that report one "
        "event, share a claim cluster, an identical or nearly identical text (republished wire copy), or a "
        "source record id (FA-KES `unit_id`) are in one group, so no event or text leaks across splits. "
        + _ledger_sentence(info) + "\n"
        "- `<config>_by_outlet` (e.g. `claims_by_outlet`): whole outlets held out. The outlets of `test` (and of "
        "`validation`) never occur in `train`: use it to measure cross-outlet generalization. The outlet is the "
        "original publisher of a republished text. Events may recur across these splits.\n\n"
        "Each document's split in both schemes is in the `split` and `outlet_split` columns of `documents` and "
        "`raw`. Splits with no rows are left out.\n\n" + _split_table(info),
        _ner_note(info),
        "## Loading\n\n```python\nfrom datasets import load_dataset\n"
        "claims = load_dataset(\"path/to/cast-syria\", \"claims\")\n"
        "print(claims[\"train\"].features[\"type\"].names)\n```",
        "## Licensing\n\nThe annotations, registries and card are licensed **CC BY 4.0** (`licenses/CC-BY-4.0.txt`); "
        "the `castcorpus` code is MIT (`LICENSE`). The texts keep their own licenses, recorded per document in "
        "`documents.rights`: texts from FA-KES (Abu Salem et al., 2019, Zenodo 10.5281/zenodo.2607278) are "
        "CC BY 4.0 by their authors and were hydrated from the published file, not redistributed by the "
        "repository; the seed texts carry their own rights statements. Check a text's rights before "
        "redistributing it.",
        f"## Fingerprint\n\nContent fingerprint (SHA-256 over the Parquet files): `{info.fingerprint}`. "
        "To recompute it in the release folder: "
        "`find data -name '*.parquet' | LC_ALL=C sort | xargs sha256sum | sha256sum`. "
        "`SHA256SUMS` lists every file of the release. Sentences and tokens (`sentences`, `actor_ner`) were "
        f"derived by `{SEGMENTER}` (see `castcorpus.corpus.segment`).",
        *info.extra_sections,
    ]
    return "\n\n".join(sections) + "\n"


def append_section(readme, markdown: str) -> None:
    """Append a section to a written card (used by extra writers, e.g. the charts)."""
    with open(readme, "a", encoding="utf-8", newline="\n") as handle:
        handle.write("\n" + markdown.rstrip("\n") + "\n")
