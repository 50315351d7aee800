"""``castcorpus audit fa-kes``: write the audit of the FA-KES file (docs/fa-kes-audit.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "audit",
                      "Audit the FA-KES file: duplicates, label conflicts, encoding repairs, debris, counts (no text).",
                      "castcorpus audit fa-kes --from ../shared/fa-kes/FA-KES-Dataset.csv --out docs/fa-kes-audit.md")
    cmd.add_argument("collection", choices=["fa-kes"], help="the external collection to audit")
    cmd.add_argument("--from", dest="source", metavar="PATH",
                     help="a local copy of the published file (default: the copy in the cache)")
    options.cache(cmd)
    options.corpus(cmd)
    options.out(cmd, "the Markdown audit")
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.corpus.jsonio import write_atomic
    from castcorpus.corpus.reader import default_cache_dir
    from castcorpus.sources.fakes.reader import FakesFormatError  # ftfy and the CSV reader: only when it runs
    from castcorpus.sources.fakes.audit import audit_markdown
    from castcorpus.sources.fakes.hydrate import HydrateError, collection_file, local_source, read_verified

    cache = Path(args.cache) if args.cache else default_cache_dir()
    try:
        source = local_source(Path(args.corpus), cache, args.source, args.collection)
        data = read_verified(source, collection_file(Path(args.corpus), args.collection))
        markdown = audit_markdown(data)
    except FakesFormatError as err:
        print(f"castcorpus audit: {source}: {err}", file=sys.stderr)  # the row's error, with its file
        return 2
    except HydrateError as err:
        print(f"castcorpus audit: {err}", file=sys.stderr)
        return 2
    if args.out:
        write_atomic(Path(args.out), markdown)
    else:
        sys.stdout.write(markdown)
    return 0
