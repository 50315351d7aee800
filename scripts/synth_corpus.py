"""Generate a schema-valid synthetic CAST-Syria corpus of N documents, for scale tests.

    python scripts/synth_corpus.py N OUT_DIR [--seed S] [--passes-every K]

Every word of the texts is invented here (syllables put together by a seeded random
generator, plus a handful of English function words), so nothing is drawn from any real
article. Offsets are never typed by hand: the generator builds each text piece by piece and
records where it put every mention, claim, cue and piece of stance evidence.

The output is deterministic for a seed (each document has its own generator seeded from the
seed and its index) and streamed: each document's three files are written before the next
one is made, so N=100,000 needs no more memory than N=10. Never commit an output folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA_VERSION = "1.0"
IN_REPO = "synth-texts"
EXTERNAL = "synth-external"

# Syllables to invent words from; a few carry precomposed (NFC) accents so that code-point
# offsets differ from byte offsets, as they do in real transliterated names.
_SYLLABLES = ("ka", "lo", "ven", "tar", "mi", "su", "dra", "pel", "nor", "zi", "ba", "reth",
              "o", "ul", "sa", "quen", "fi", "mar", "do", "lek", "há", "rö", "şa", "nī", "té")
_ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_FUNCTION_WORDS = ("the", "of", "and", "in", "near", "with", "after", "before", "across", "on")

# Actor types and how many of each the registry gets (media are the outlets' actors).
_TYPE_COUNTS = {"state": 3, "government": 3, "military": 4, "armed_group": 5,
                "political_organization": 3, "international_organization": 2, "ngo": 3,
                "media": 8, "person": 5, "civilians": 2, "anonymous_source": 2, "other": 1}
_SUFFIX = {"state": "Republic", "government": "Ministry", "military": "Army", "armed_group": "Brigade",
           "political_organization": "Party", "international_organization": "Council", "ngo": "Watch",
           "media": "News", "civilians": "residents", "other": "Company"}
_COUNTRIES = ("SY", "RU", "TR", "IR", "US", "GB", "FR", "LB", None)

_CLAIM_TYPES = ("event", "casualties", "responsibility", "territorial_control", "causal",
                "evaluative", "predictive", "other")
_CUES_SAID = ("said", "reported", "claimed", "stated", "announced")
_STANCE_VERBS = {"condemned": "oppose", "denounced": "oppose", "praised": "support",
                 "welcomed": "support", "met with": "neutral", "spoke about": "neutral"}
_CLAIM_VERDICTS = {"rejected": "oppose", "disputed": "oppose", "confirmed": "support",
                   "echoed": "support", "noted": "neutral"}


class Vocabulary:
    """A fixed stock of invented words, the same for every document of a seed."""

    def __init__(self, seed: int, size: int = 3000):
        rng = random.Random(f"vocabulary:{seed}")
        words: set[str] = set()
        while len(words) < size:
            words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.words = sorted(words)
        self.arabic = ["".join(rng.choice(_ARABIC_LETTERS) for _ in range(rng.randint(3, 6)))
                       for _ in range(200)]
        # One list to draw from in a single call: about 3% Arabic-script words, 20% function words.
        self.pool = self.words + self.arabic * 1 + list(_FUNCTION_WORDS) * 75

    def word(self, rng: random.Random) -> str:
        """One invented word; now and then in Arabic script or a function word."""
        return rng.choice(self.pool)

    def name(self, rng: random.Random) -> str:
        """An invented proper name (capitalized, Latin script)."""
        return rng.choice(self.words).capitalize()

    def phrase(self, rng: random.Random, low: int, high: int) -> str:
        return " ".join(rng.choices(self.pool, k=rng.randint(low, high)))


# --- registries -----------------------------------------------------------------------

@dataclass
class Registry:
    """The registries and, per actor, the surface forms the texts may use for it."""

    actors: list[dict]
    outlets: list[dict]
    collections: list[dict]
    surfaces: dict[str, list[str]] = field(default_factory=dict)

    @property
    def speakers(self) -> list[str]:
        """Actors that appear in texts (every actor but the outlets' own)."""
        return [a["key"] for a in self.actors if a["type"] != "media" or a["key"].endswith("-wire")]


def make_registry(seed: int, vocab: Vocabulary) -> Registry:
    """A few dozen actors of every type, eight outlets, an in-repo and an external collection."""
    rng = random.Random(f"registry:{seed}")
    taken: set[str] = set()   # casefolded names and aliases: they must name one actor only
    actors: list[dict] = []
    for actor_type, count in _TYPE_COUNTS.items():
        for n in range(1, count + 1):
            actors.append(_actor(rng, vocab, actor_type, n, taken))
    _link_part_of(actors)
    actors.sort(key=lambda a: a["key"])
    media = [a for a in actors if a["type"] == "media" and not a["key"].endswith("-wire")]
    outlets = [_outlet(rng, actor, i) for i, actor in enumerate(media)]
    registry = Registry(actors, outlets, _collections())
    registry.surfaces = {a["key"]: [a["name"], *a["aliases"]] for a in actors}
    return registry


def _unique(rng: random.Random, taken: set[str], make) -> str:
    while True:
        candidate = make()
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate


def _actor(rng, vocab, actor_type: str, n: int, taken: set[str]) -> dict:
    key = f"{actor_type.replace('_', '-')}-{n}"
    if actor_type == "media" and n > 6:
        key = f"media-{n}-wire"   # two news agencies that are quoted, not publishers here
    if actor_type == "person":
        name = _unique(rng, taken, lambda: f"{vocab.name(rng)} {vocab.name(rng)}")
        aliases = [_unique(rng, taken, lambda: f"{vocab.name(rng)} {name.split()[1]}")]
    elif actor_type == "anonymous_source":
        name = _unique(rng, taken, lambda: f"a {vocab.word(rng)} source")
        aliases = []
    else:
        name = _unique(rng, taken, lambda: f"{vocab.name(rng)} {vocab.name(rng)} {_SUFFIX[actor_type]}")
        aliases = [_unique(rng, taken, lambda: "".join(w[0] for w in name.split()).upper() + str(rng.randint(1, 99)))]
    qid = f"Q{900000000 + len(taken)}" if rng.random() < 0.5 else None
    return {
        "key": key, "name": name, "type": actor_type, "wikidata": qid,
        "wikidata_status": "linked" if qid else "not-applicable" if actor_type == "anonymous_source" else "unlinked",
        "part_of": [], "country": rng.choice(_COUNTRIES), "aliases": aliases,
        "description": f"Invented {actor_type.replace('_', ' ')} of the synthetic corpus.",
    }


def _link_part_of(actors: list[dict]) -> None:
    """Militaries and governments belong to the first state; persons to the first government."""
    by_type: dict[str, list[dict]] = {}
    for actor in actors:
        by_type.setdefault(actor["type"], []).append(actor)
    for child_type, parent_type in (("military", "state"), ("government", "state"), ("person", "government")):
        for actor in by_type[child_type][:2]:
            actor["part_of"] = [by_type[parent_type][0]["key"]]


def _outlet(rng, actor: dict, index: int) -> dict:
    return {
        "key": f"outlet-{index + 1}", "name": actor["name"], "actor": actor["key"],
        "country": actor["country"] or "SY", "ownership": rng.choice(("state", "private", "party", "unknown")),
        "affiliation": None, "fakes_category": None, "camp": None, "language": "en",
        "url": f"https://outlet-{index + 1}.example.org/", "wikidata": actor["wikidata"],
        "wikidata_status": actor["wikidata_status"],
        "sources": [{"fact": "all", "source": "invented by scripts/synth_corpus.py"}],
    }


def _collections() -> list[dict]:
    return [
        {"key": EXTERNAL, "name": "Synthetic external collection (no documents)", "storage": "external",
         "redistributable": False, "description": "Present so that the layout has both kinds of collection.",
         "license": "CC0-1.0", "doi": None, "citation": None,
         "file": {"name": "synthetic.csv", "bytes": 1, "md5": "0" * 32, "sha256": "0" * 64,
                  "url": "https://example.org/synthetic.csv"}},
        {"key": IN_REPO, "name": "Synthetic texts", "storage": "in-repo", "redistributable": True,
         "description": "Invented texts made by scripts/synth_corpus.py for scale tests.",
         "license": "CC0-1.0", "doi": None, "citation": None},
    ]


# --- texts and annotations --------------------------------------------------------------

class TextBuilder:
    """Appends pieces of text and returns the code-point span of each piece it places."""

    def __init__(self):
        self.parts: list[str] = []
        self.length = 0

    def put(self, piece: str) -> dict:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return {"start": start, "end": self.length, "text": piece}

    def text(self) -> str:
        return "".join(self.parts)

    def trim(self) -> None:
        """Drop the last piece (the separator after the final sentence)."""
        self.length -= len(self.parts.pop())


def _join(first: dict, last: dict, builder: TextBuilder) -> dict:
    """The span from the start of ``first`` to the end of ``last``, with its text."""
    start, end = first["start"], last["end"]
    return {"start": start, "end": end, "text": builder.text()[start:end]}


class DocumentMaker:
    """Writes one document: its text sentence by sentence, and the annotations as it goes."""

    def __init__(self, rng: random.Random, vocab: Vocabulary, registry: Registry, index: int):
        self.rng, self.vocab, self.registry, self.index = rng, vocab, registry, index
        self.builder = TextBuilder()
        self.cast = rng.sample(registry.speakers, rng.randint(4, 6))
        self.mentions: dict[str, list[dict]] = {}
        self.claims: list[dict] = []
        self.stances: list[dict] = []

    # pieces ---------------------------------------------------------------------------

    def mention(self, key: str, initial: bool = False) -> dict:
        surface = self.rng.choice(self.registry.surfaces[key])
        if initial:
            surface = surface[0].upper() + surface[1:]
        span = self.builder.put(surface)
        self.mentions.setdefault(key, []).append(span)
        return span

    def words(self, low: int, high: int) -> dict:
        return self.builder.put(self.vocab.phrase(self.rng, low, high))

    def end_sentence(self) -> None:
        self.builder.put(".")
        self.builder.put("\n\n" if self.rng.random() < 0.25 else " ")

    # sentences ------------------------------------------------------------------------

    def filler(self) -> None:
        first = self.vocab.name(self.rng)
        self.builder.put(f"{first} {self.vocab.phrase(self.rng, 6, 14)}")
        self.end_sentence()

    def clause(self, agent: str, patient: str | None, initial: bool = False) -> tuple[dict, dict]:
        """'<agent> <verb> <words> [of <patient>] in <place>': returns its span and the proposition."""
        start = self.mention(agent, initial)
        verb = self.rng.choice(self.vocab.words) + "ed"
        self.builder.put(f" {verb} ")
        last = self.words(1, 3)
        if patient:
            self.builder.put(" of ")
            last = self.mention(patient)
        place = self.vocab.name(self.rng)
        last = self.builder.put(f" in {place}")
        return _join(start, last, self.builder), {"verb": verb, "place": place}

    def claim(self) -> None:
        rng = self.rng
        agent, patient = rng.sample(self.cast, 2)
        patient = patient if rng.random() < 0.6 else None
        depth = rng.choice((0, 0, 1, 1, 2))
        chain: list[dict] = [{"source": "author", "cue": None}]
        if depth == 0:
            certainty = rng.choice(("asserted", "hedged"))
            span, facts = self.clause(agent, patient, initial=True)
        else:
            certainty = rng.choice(("reported", "hedged", "denied", "questioned"))
            sources = rng.sample([k for k in self.cast if k not in (agent, patient)], depth)
            if depth == 2:
                self.mention(sources[0], initial=True)
                self.builder.put(" ")
                chain.append({"source": sources[0], "cue": self.builder.put(rng.choice(_CUES_SAID))})
                self.builder.put(" that, ")
                chain.append({"source": sources[1], "cue": self.builder.put("according to")})
                self.builder.put(" ")
                self.mention(sources[1])
                self.builder.put(", ")
            elif rng.random() < 0.5:
                chain.append({"source": sources[0], "cue": self.builder.put("According to")})
                self.builder.put(" ")
                self.mention(sources[0])
                self.builder.put(", ")
            else:
                self.mention(sources[0], initial=True)
                self.builder.put(" ")
                chain.append({"source": sources[0], "cue": self.builder.put(rng.choice(_CUES_SAID))})
                self.builder.put(" that ")
            span, facts = self.clause(agent, patient)
        self.end_sentence()
        speaker = chain[-1]["source"]
        number = len(self.claims) + 1
        self.claims.append({
            "id": f"c{number}", "span": span,
            "proposition": f"{self._name(agent)} {facts['verb']} in {facts['place']}.",
            "type": rng.choice(_CLAIM_TYPES), "check_worthy": rng.random() < 0.7,
            "certainty": certainty, "speaker": speaker, "cue": chain[-1]["cue"], "attribution": chain,
            "agents": [agent], "patients": [patient] if patient else [],
            # Clusters join claims of neighbouring documents only (blocks of 50), so that split
            # groups stay small; four per block keep clusters.json far under the 5 MB file limit
            # even for N=100,000.
            "cluster": f"event-{self.index // 50}-{rng.randint(1, 4)}" if rng.random() < 0.3 else None,
        })

    def stance(self) -> None:
        rng = self.rng
        holder = rng.choice(["author", *self.cast])
        if self.claims and rng.random() < 0.4:
            target = {"claim": rng.choice(self.claims)["id"]}
            verb = rng.choice(tuple(_CLAIM_VERDICTS))
            polarity = _CLAIM_VERDICTS[verb]
            first = self._holder(holder)
            last = self.builder.put(f"{verb} that account")
        else:
            other = rng.choice([k for k in self.cast if k != holder])
            target = {"actor": other}
            verb = rng.choice(tuple(_STANCE_VERBS))
            polarity = _STANCE_VERBS[verb]
            first = self._holder(holder)
            self.builder.put(f"{verb} ")
            last = self.mention(other)
        self.builder.put(f" {self.vocab.phrase(rng, 2, 6)}")
        self.end_sentence()
        self.stances.append({
            "id": f"s{len(self.stances) + 1}", "holder": holder, "target": target,
            "polarity": polarity, "explicit": holder != "author",
            "evidence": [_join(first, last, self.builder)],
        })

    def _holder(self, holder: str) -> dict:
        """The sentence opening that names the holder; the author's voice has no mention."""
        if holder == "author":
            first = self.builder.put("This outlet")   # the author speaks of itself
            self.builder.put(" ")
            return first
        first = self.mention(holder, initial=True)
        self.builder.put(" ")
        return first

    def _name(self, key: str) -> str:
        return self.registry.surfaces[key][0]

    # whole document -----------------------------------------------------------------------

    def build(self, target_length: int) -> tuple[str, dict]:
        """Write the text; returns it and the annotation lists."""
        plan = ["claim"] * self.rng.randint(3, 5) + ["stance"] * self.rng.randint(3, 5)
        self.rng.shuffle(plan)
        plan.sort(key=lambda kind: kind != "claim" and not self.claims)  # a claim before any stance
        for kind in plan:
            self.filler()
            getattr(self, kind)()
        while self.builder.length < target_length:
            self.filler()
        self.builder.trim()   # no whitespace after the last sentence
        actors = [{"actor": key, "mentions": spans} for key, spans in sorted(self.mentions.items())]
        return self.builder.text(), {"actors": actors, "claims": self.claims, "stances": self.stances}


def make_document(index: int, seed: int, vocab: Vocabulary, registry: Registry) -> tuple[str, str, dict, dict]:
    """Document ``index``: its id, canonical text, metadata and gold annotation."""
    rng = random.Random(f"document:{seed}:{index}")
    doc_id = f"synth-{index:07d}"
    text, lists = DocumentMaker(rng, vocab, registry, index).build(rng.randint(1800, 2200))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    meta = _metadata(rng, vocab, registry, doc_id, text, digest)
    annotation = {
        "schema_version": SCHEMA_VERSION, "document": doc_id, "text_sha256": digest,
        "guidelines_version": "1.0",
        "provenance": {"annotators": ["annotator-1"], "status": "single", "date": "2025-01"},
        **lists,
    }
    return doc_id, text, meta, annotation


def _metadata(rng, vocab, registry, doc_id: str, text: str, digest: str) -> dict:
    outlet = rng.choice(registry.outlets)
    republished = rng.random() < 0.1
    original = rng.choice([o for o in registry.outlets if o is not outlet])
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    date = f"{rng.randint(2011, 2024)}-{month:02d}-{day:02d}"
    # Synthetic corpora have no event registry, so documents name no events; the two draws an
    # invented event once took are still made, so that a seed gives the corpus it always gave.
    vocab.name(rng), vocab.name(rng)
    return {
        "schema_version": SCHEMA_VERSION, "id": doc_id, "collection": IN_REPO,
        "title": f"{vocab.name(rng)} {vocab.phrase(rng, 3, 7)}",
        "authors": [f"{vocab.name(rng)} {vocab.name(rng)}"] if rng.random() < 0.7 else [],
        "outlet": outlet["key"],
        "republication": {"original_outlet": original["key"], "original_url": None} if republished else None,
        "url": f"{outlet['url']}{doc_id}", "published": {"value": date, "basis": "byline"},
        "language": "en", "text_sha256": digest, "text_length": len(text),
        "rights": {"license": "CC0-1.0", "holder": "CAST-Syria synthetic generator",
                   "statement": "Invented text for scale tests; no rights are held."},
    }


def as_pass(annotation: dict, annotator: str) -> dict:
    """An independent pass: the same annotations under another annotator's name."""
    return {**annotation, "provenance": {"annotators": [annotator], "status": "pass", "date": "2025-01"}}


# --- writing -------------------------------------------------------------------------------

def _dump(value: dict) -> str:
    """One top-level key per line and one list item per line: readable like the real files,
    but written by the C encoder (``indent`` makes json.dumps fall back to pure Python)."""
    lines = []
    for key, item in value.items():
        if isinstance(item, list) and item:
            inner = ",\n    ".join(json.dumps(x, ensure_ascii=False) for x in item)
            lines.append(f'  "{key}": [\n    {inner}\n  ]')
        else:
            lines.append(f'  "{key}": {json.dumps(item, ensure_ascii=False)}')
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def write_registries(out: Path, registry: Registry) -> None:
    for name in ("texts", "documents", "annotations", "passes/annotator-2"):
        (out / name).mkdir(parents=True, exist_ok=True)
    _write(out / "actors.json", _dump({"schema_version": SCHEMA_VERSION, "license": "CC-BY-4.0", "actors": registry.actors}))
    _write(out / "outlets.json", _dump({"schema_version": SCHEMA_VERSION, "license": "CC-BY-4.0", "outlets": registry.outlets}))
    _write(out / "collections.json", _dump({"schema_version": SCHEMA_VERSION, "collections": registry.collections}))


def write_corpus(n: int, out: str | Path, seed: int = 0, passes_every: int = 20, progress: bool = False) -> Path:
    """Write a corpus of ``n`` documents under ``out``, one document at a time."""
    out = Path(out)
    vocab = Vocabulary(seed)
    registry = make_registry(seed, vocab)
    write_registries(out, registry)
    started = time.perf_counter()
    clusters: set[str] = set()   # one short key per few claims: small even for N=100,000
    for index in range(n):
        doc_id, text, meta, annotation = make_document(index, seed, vocab, registry)
        clusters.update(c["cluster"] for c in annotation["claims"] if c["cluster"])
        _write(out / "texts" / f"{doc_id}.txt", text)
        _write(out / "documents" / f"{doc_id}.json", _dump(meta))
        _write(out / "annotations" / f"{doc_id}.json", _dump(annotation))
        if passes_every and index % passes_every == 0:
            _write(out / "passes" / "annotator-2" / f"{doc_id}.json", _dump(as_pass(annotation, "annotator-2")))
        if progress and (index + 1) % 10000 == 0:
            rate = (index + 1) / (time.perf_counter() - started)
            print(f"{index + 1} documents ({rate:.0f}/s)", file=sys.stderr)
    write_clusters(out, clusters)
    return out


def write_clusters(out: Path, keys: set[str]) -> None:
    """The cluster registry, written last: it lists the keys the claims ended up citing."""
    entries = [{"key": key, "event": f"invented event {key.split('-')[1]}", "date": "2018-04",
                "question": f"Invented question {key.split('-')[2]} about it?", "event_wikidata": None}
               for key in sorted(keys)]
    _write(out / "clusters.json", _dump({"schema_version": SCHEMA_VERSION, "license": "CC-BY-4.0", "clusters": entries}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("out", help="output folder (the corpus root); never commit it")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--passes-every", type=int, default=20, metavar="K",
                        help="write an annotator-2 pass for every K-th document (0: none; default 20)")
    parser.add_argument("--progress", action="store_true", help="print progress to stderr")
    args = parser.parse_args(argv)
    write_corpus(args.n, args.out, args.seed, args.passes_every, args.progress)
    return 0


if __name__ == "__main__":
    sys.exit(main())
