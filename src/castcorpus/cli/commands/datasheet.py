"""``castcorpus datasheet``: write DATASHEET.md and its charts from the corpus."""

from __future__ import annotations

import sys
from pathlib import Path

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "datasheet",
                      "Write the datasheet (Gebru et al.) with numbers counted from the corpus, and redraw its charts.",
                      "castcorpus datasheet --out DATASHEET.md")
    options.corpus(cmd, legacy_positional=True)
    options.out(cmd, "the datasheet", default="DATASHEET.md")
    cmd.add_argument("--charts", metavar="DIR",
                     help="folder for the PNG charts (default: docs/charts beside --out)")
    cmd.add_argument("--no-charts", action="store_true", help="write the text only")
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.corpus.reader import CorpusError
    from castcorpus.release.datasheet import CHARTS_DIR, generate

    try:
        text, stats = generate(args.corpus)
    except CorpusError as err:
        print(f"castcorpus datasheet: {err}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.write_text(text, encoding="utf-8", newline="\n")
    print(f"{out}: {stats.documents} documents, {stats.annotated} annotated, {stats.claims} claims", file=sys.stderr)
    if not args.no_charts:
        try:
            from castcorpus.release.charts import draw
            paths = draw(stats, Path(args.charts) if args.charts else out.parent / CHARTS_DIR)
        except ImportError:
            print("castcorpus datasheet: matplotlib is not installed (pip install 'castcorpus[charts]')", file=sys.stderr)
            return 2
        print(f"{len(paths)} charts in {paths[0].parent}", file=sys.stderr)
    return 0
