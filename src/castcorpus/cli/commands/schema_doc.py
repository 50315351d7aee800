"""``castcorpus schema-doc``: regenerate the file-format reference from the schemas."""

from __future__ import annotations

import sys
from pathlib import Path

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "schema-doc",
                      "Write the Markdown reference of every file format, generated from schema/.",
                      "castcorpus schema-doc --out docs/schema.md")
    options.corpus(cmd, "corpus folder to take examples from")
    options.out(cmd, "the Markdown reference")
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.corpus.jsonio import write_atomic
    from castcorpus.corpus.schemadoc import render
    text = render(args.corpus)
    if args.out:
        write_atomic(Path(args.out), text)
    else:
        sys.stdout.write(text)
    return 0
