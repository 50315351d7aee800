"""``castcorpus agreement``: agreement between independent annotation passes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "agreement",
                      "Measure agreement between the independent passes in corpus/passes/.",
                      "castcorpus agreement --out docs/agreement.md")
    options.corpus(cmd)
    options.json(cmd, "the results")
    options.out(cmd, "the Markdown report")
    cmd.add_argument("--preface", metavar="FILE", help="Markdown file whose text goes before the tables")
    cmd.set_defaults(func=run)


def run(args) -> int:
    from dataclasses import asdict
    from castcorpus.corpus.jsonio import write_atomic
    from castcorpus.corpus.reader import Corpus, CorpusError
    from castcorpus.annotation.agreement import corpus_agreement, render_markdown  # numpy and krippendorff: only when it runs

    try:
        results = corpus_agreement(Corpus(args.corpus))
    except CorpusError as err:
        print(f"castcorpus agreement: {err}", file=sys.stderr)
        return 2
    if args.json:
        plain = {doc: {pair: {k: {f: v for f, v in asdict(layer).items() if f != "label_pairs"}
                              for k, layer in layers.items()} for pair, layers in pairs.items()}
                 for doc, pairs in results.items()}
        print(json.dumps(plain, indent=2))
    elif args.out:
        write_atomic(Path(args.out), render_markdown(results, _preface(args)))
    else:
        sys.stdout.write(render_markdown(results, _preface(args)))
    return 0


def _preface(args) -> str:
    return Path(args.preface).read_text(encoding="utf-8") if args.preface else ""
