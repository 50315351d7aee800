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
from pathlib import Path
from string import Template

from datasets import DatasetInfo
from datasets.info import DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCardData

from castcorpus.corpus.segment import SEGMENTER
from castcorpus.splits.assign import SPLITS
from .features import CONFIGS, OUTLET_SUFFIX, features

PRETTY_NAME = "CAST-Syria: Claims, Actors and STances in news about the Syrian war"
#: The card's prose, with ``$name`` fields (:class:`string.Template`: no extra dependency).
_TEMPLATE = Path(__file__).parent / "templates" / "card.md"


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


def _ledger_sentence(info: CardInput) -> str:
    if info.ledger_sha256 is None:
        return ("This corpus has no split ledger: groups were placed by a stable hash of their key "
                "(about 70/15/15), so adding a document moves no other.")
    return (f"Every document's split is frozen in the split ledger `corpus/splits.json` of the repository "
            f"(SHA-256 `{info.ledger_sha256}`): assignments never move between versions except by a recorded "
            "move in CHANGELOG.md. The seed document is in train on purpose: the annotation guidelines' worked "
            "examples quote its annotations.")


def _body(info: CardInput) -> str:
    """The card's Markdown body: ``templates/card.md`` filled in, then the extra sections."""
    text = Template(_TEMPLATE.read_text(encoding="utf-8")).substitute(
        pretty_name=PRETTY_NAME, version=info.version, package_version=info.package_version or "unknown",
        documents=info.documents, annotated=info.annotated, left_out=info.left_out,
        ledger_sentence=_ledger_sentence(info), split_table=_split_table(info),
        mentions_off_tokens=info.mentions_off_tokens, claims_off_tokens=info.claims_off_tokens,
        fingerprint=info.fingerprint, segmenter=SEGMENTER)
    return "\n\n".join([text.rstrip("\n"), *info.extra_sections]) + "\n"


def append_section(readme, markdown: str) -> None:
    """Append a section to a written card (used by extra writers, e.g. the charts)."""
    with open(readme, "a", encoding="utf-8", newline="\n") as handle:
        handle.write("\n" + markdown.rstrip("\n") + "\n")
