"""``castcorpus events propose``: group articles into proposed events for a person to review."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from castcorpus.cli import options
from castcorpus.splits.defaults import DEFAULT_WINDOW
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "events",
                      "Propose events: runs of articles from one FA-KES location within a few days (a reviewer then "
                      "splits and joins them; see docs/events.md).",
                      "castcorpus events propose --corpus corpus --out /tmp/event-proposals.json")
    cmd.add_argument("action", choices=["propose"], help="propose: write the proposed runs")
    options.corpus(cmd)
    cmd.add_argument("--window", type=int, default=DEFAULT_WINDOW,
                     help=f"days between consecutive articles that still chain them (default {DEFAULT_WINDOW})")
    options.out(cmd, "the proposed events (JSON)")
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.corpus.jsonio import dump_json, write_atomic
    from castcorpus.corpus.reader import Corpus, CorpusError
    from castcorpus.splits.events import propose, proposal_summary
    if args.window < 0:
        print("castcorpus events: --window must be 0 or more", file=sys.stderr)
        return 2
    try:
        corpus = Corpus(args.corpus)
        proposals = propose((corpus.meta(doc_id) for doc_id in corpus.document_ids()), args.window)
    except CorpusError as err:
        print(f"castcorpus events: {err}", file=sys.stderr)
        return 2
    summary = proposal_summary(proposals)
    out = dump_json({"window_days": args.window, "summary": summary, "proposals": [p.as_dict() for p in proposals]})
    if args.out:
        write_atomic(Path(args.out), out)
    else:
        sys.stdout.write(out)
    print(json.dumps(summary), file=sys.stderr)
    return 0
