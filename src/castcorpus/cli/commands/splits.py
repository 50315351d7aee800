"""``castcorpus splits``: the frozen split ledger (corpus/splits.json).

``freeze`` writes the first ledger, ``add`` places documents new to the corpus, ``move``
moves a document with its whole group (or outlet) and records it in CHANGELOG.md, ``show``
prints the counts per split.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

from castcorpus.cli import options
from castcorpus.splits.assign import SPLITS, corpus_collector
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "splits",
                      "Freeze, extend, move or show the split ledger (corpus/splits.json).",
                      "castcorpus splits add --corpus corpus")
    cmd.add_argument("action", choices=["freeze", "add", "move", "show"],
                     help="freeze: write the first ledger; add: place new documents; "
                          "move: move a document's group; show: counts per split")
    cmd.add_argument("document", nargs="?", help="with move: the document whose group (or outlet) moves")
    options.corpus(cmd)
    cmd.add_argument("--scheme", choices=["standard", "by_outlet"], default="standard", help="with move: which scheme")
    cmd.add_argument("--to", choices=list(SPLITS), help="with move: the split to move to")
    cmd.add_argument("--reason", help="with move: why (goes into CHANGELOG.md)")
    cmd.add_argument("--changelog", default="CHANGELOG.md", help="with move: the changelog to record it in")
    options.json(cmd, "the counts (with show)")
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.corpus.reader import Corpus, CorpusError
    try:
        corpus = Corpus(args.corpus)
        return ACTIONS[args.action](corpus, args)
    except (CorpusError, ValueError) as err:
        print(f"castcorpus splits {args.action}: {err}", file=sys.stderr)
        return 2


def _write(corpus: Corpus, ledger: dict) -> None:
    from castcorpus.corpus.jsonio import dump_json, write_atomic
    write_atomic(corpus.layout.splits, dump_json(ledger))


def _freeze(corpus: Corpus, args) -> int:
    from castcorpus.splits.ledger import freeze, strata
    if corpus.layout.splits.exists():
        raise ValueError(f"{corpus.layout.splits} exists: a ledger is frozen once (use add or move)")
    groups = corpus_collector(corpus).groups(corpus.near_duplicate_pairs)
    ledger = freeze(strata(corpus), groups, dt.date.today().isoformat())
    _write(corpus, ledger)
    print(f"{corpus.layout.splits}: {len(ledger['documents'])} document(s) frozen", file=sys.stderr)
    return 0


def _add(corpus: Corpus, args) -> int:
    from castcorpus.splits.ledger import extend
    if corpus.ledger is None:
        raise ValueError(f"{corpus.layout.splits} does not exist: run 'castcorpus splits freeze' first")
    ledger = corpus.read(corpus.layout.splits)
    added = extend(ledger, corpus_collector(corpus), corpus.near_duplicate_pairs)
    if added:
        _write(corpus, ledger)
    for doc_id in added:
        entry = next(e for e in ledger["documents"] if e["id"] == doc_id)
        print(f"{doc_id}: standard {entry['standard']}, by_outlet {entry['by_outlet']}")
    print(f"{corpus.layout.splits}: {len(added)} document(s) added", file=sys.stderr)
    return 0


def _move(corpus: Corpus, args) -> int:
    from castcorpus.corpus.jsonio import write_atomic
    from castcorpus.splits.ledger import move, record_move
    if not args.document or not args.to or not args.reason:
        raise ValueError("move needs a DOCUMENT, --to SPLIT and --reason")
    if corpus.ledger is None:
        raise ValueError(f"{corpus.layout.splits} does not exist")
    ledger = corpus.read(corpus.layout.splits)
    moved = move(ledger, corpus_collector(corpus), args.document, args.scheme, args.to, corpus.near_duplicate_pairs)
    if not moved:
        print(f"{args.document}: already in {args.to} ({args.scheme}); nothing moved", file=sys.stderr)
        return 0
    changelog = Path(args.changelog)
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else "# Changelog\n"
    line = f"{args.scheme}: {', '.join(moved)} moved to {args.to} ({dt.date.today().isoformat()}): {args.reason}"
    # The ledger first: a changelog line for a move that was not written would be worse.
    _write(corpus, ledger)
    write_atomic(changelog, record_move(text, line))
    print(f"{len(moved)} document(s) moved to {args.to}; recorded in {changelog}", file=sys.stderr)
    return 0


def _show(corpus: Corpus, args) -> int:
    if corpus.ledger is None:
        raise ValueError(f"{corpus.layout.splits} does not exist")
    annotated = {p.stem for p in corpus.layout.annotations.glob("*.json")}
    counts = {scheme: {split: Counter() for split in SPLITS} for scheme in ("standard", "by_outlet")}
    for doc_id, entry in corpus.ledger.items():
        for scheme in counts:
            counts[scheme][entry[scheme]]["documents"] += 1
            counts[scheme][entry[scheme]]["annotated"] += doc_id in annotated
    table = {scheme: {split: dict(c) for split, c in by.items()} for scheme, by in counts.items()}
    if args.json:
        print(json.dumps(table, indent=2))
    else:
        for scheme, by in table.items():
            for split, c in by.items():
                print(f"{scheme}\t{split}\t{c.get('documents', 0)} documents\t{c.get('annotated', 0)} annotated")
    return 0


ACTIONS = {"freeze": _freeze, "add": _add, "move": _move, "show": _show}
