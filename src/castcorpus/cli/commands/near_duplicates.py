"""``castcorpus near-duplicates``: find documents with (nearly) the same text.

Needs the hydrated texts and the ``dedup`` extra (datasketch). Writes ids and similarity
figures only (corpus/near-duplicates.json), never text.
"""

from __future__ import annotations

import sys
from pathlib import Path

from castcorpus.cli import options
from castcorpus.splits.defaults import THRESHOLD
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "near-duplicates",
                      "Find documents whose texts are the same or nearly the same (MinHash LSH, then exact Jaccard).",
                      "castcorpus near-duplicates --corpus corpus --out corpus/near-duplicates.json")
    options.corpus(cmd)
    options.cache(cmd)
    options.out(cmd, "the pairs (near-duplicates.json)")
    cmd.add_argument("--threshold", type=float, default=THRESHOLD, help=f"least Jaccard similarity (default {THRESHOLD})")
    cmd.add_argument("--histogram", action="store_true", help="print how many pairs fall in each similarity band instead")
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.corpus.jsonio import dump_json, write_atomic
    from castcorpus.corpus.reader import Corpus, CorpusError
    from castcorpus.splits.near_duplicates import BOILERPLATE_MIN_TEXTS, NUM_PERM, near_duplicate_pairs, registry, similarity_histogram

    try:
        corpus = Corpus(args.corpus, args.cache)
        texts, missing = _texts(corpus)
    except CorpusError as err:
        print(f"castcorpus near-duplicates: {err}", file=sys.stderr)
        return 2
    if missing:
        # Pairs found among some texts only would silently miss the others' copies.
        print(f"castcorpus near-duplicates: {len(missing)} document(s) have no text (first: {missing[0]}); "
              "hydrate them first (castcorpus hydrate)", file=sys.stderr)
        return 2
    if args.histogram:
        for band, count in similarity_histogram(texts).items():
            print(f"{band:.2f}\t{count}")
        return 0
    pairs = near_duplicate_pairs(texts, args.threshold)
    out = dump_json(registry(pairs, len(texts), args.threshold, BOILERPLATE_MIN_TEXTS, NUM_PERM))
    if args.out:
        write_atomic(Path(args.out), out)
        print(f"{args.out}: {len(pairs)} pair(s) among {len(texts)} document(s)", file=sys.stderr)
    else:
        sys.stdout.write(out)
    return 0


def _texts(corpus: Corpus) -> tuple[list[Text], list[str]]:
    from castcorpus.splits.near_duplicates import Text

    texts, missing = [], []
    for record in corpus.iter_documents():
        if record.text is None:
            missing.append(record.id)
        else:
            texts.append(Text(record.id, record.meta["outlet"], record.meta["text_sha256"], record.text))
    return texts, missing
