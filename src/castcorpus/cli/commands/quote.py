"""``castcorpus quote``: turn an annotation file's offsets back into quotes, for editing."""

from __future__ import annotations

import sys
from pathlib import Path

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "quote",
                      "Print an annotation file as a draft whose spans are quotes (the inverse of 'anchor').",
                      "castcorpus quote corpus/annotations/my-doc.json > drafts/annotator-1/my-doc.json")
    cmd.add_argument("annotation", help="annotation file with offsets")
    options.corpus(cmd)
    options.cache(cmd)
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.annotation.anchor import quote_annotation
    from castcorpus.corpus.jsonio import dump_json, load_json
    from castcorpus.corpus.reader import Corpus, CorpusError
    loaded = load_json(Path(args.annotation), args.annotation)
    if loaded.value is None or not isinstance(loaded.value, dict):
        for issue in loaded.issues:
            print(issue.line(), file=sys.stderr)
        return 2
    try:
        corpus = Corpus(args.corpus, cache_dir=args.cache)
        meta = corpus.meta(str(loaded.value.get("document")))
        text = corpus.text(meta)
    except CorpusError as err:
        print(f"castcorpus quote: {err}", file=sys.stderr)
        return 2
    if text is None:
        print(f"castcorpus quote: the text of {meta['id']} is not hydrated; run 'castcorpus hydrate' first", file=sys.stderr)
        return 2
    sys.stdout.write(dump_json(quote_annotation(loaded.value, text)))
    return 0
