"""``castcorpus error-codes``: the catalogue of issue codes as Markdown (docs/errors.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "error-codes",
                      "Write every issue code with its severity, meaning and test case, as Markdown.",
                      "castcorpus error-codes --out docs/errors.md")
    options.out(cmd, "the Markdown catalogue")
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.corpus.jsonio import write_atomic
    from castcorpus.issue_codes import markdown

    text = markdown()
    if args.out:
        write_atomic(Path(args.out), text)
    else:
        sys.stdout.write(text)
    return 0
