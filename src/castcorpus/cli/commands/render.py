"""``castcorpus render``: static HTML pages of annotated documents, for reading and checking."""

from __future__ import annotations

import sys
from pathlib import Path

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "render",
                      "Write static HTML (works offline) showing documents with their mentions, claims and stances "
                      "highlighted, and an index with corpus charts. Needs the 'viewer' extra.",
                      "castcorpus render --out /tmp/cast-view && xdg-open /tmp/cast-view/index.html")
    cmd.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="documents to render (default: every annotated document)")
    options.corpus(cmd)
    options.cache(cmd)
    options.out(cmd, "the output folder (keep it out of the repository: it may hold third-party text)", "DIR",
                required=True)
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.corpus.reader import Corpus, CorpusError
    from castcorpus.viewer.render import RenderError, render

    try:
        corpus = Corpus(args.corpus, cache_dir=args.cache)
        result = render(corpus, Path(args.out), args.doc_ids or None)
    except (CorpusError, RenderError) as err:
        print(f"castcorpus render: {err}", file=sys.stderr)
        return 2
    print(f"wrote {result.index} and {len(result.pages)} document page(s)", file=sys.stderr)
    for doc_id, reason in result.unavailable.items():
        print(f"not rendered: {doc_id}: {reason}", file=sys.stderr)
    if result.notice:
        print(f"WARNING: {args.out} holds third-party text of {len(result.third_party)} document(s) "
              f"(see {result.notice}): do not commit, upload or share it.", file=sys.stderr)
    return 0
