"""``castcorpus validate``: check the corpus and print every finding."""

from __future__ import annotations

import sys

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "validate",
                      "Check every corpus file against its schema and the cross-file rules.",
                      "castcorpus validate --corpus corpus --json")
    options.corpus(cmd, legacy_positional=True)
    options.json(cmd, "the report")
    options.cache(cmd)
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.corpus.reader import CorpusError
    try:
        # Imported here: the validator loads every schema at import, which `--help` does not need.
        from castcorpus.validation.run import validate

        report = validate(args.corpus, cache_dir=args.cache)
    except CorpusError as err:
        print(f"castcorpus validate: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(report.to_json())
    else:
        for line in report.lines():
            print(line)
        # Warnings go to standard error: standard output stays the list of findings.
        for line in report.warning_lines():
            print(f"warning: {line}", file=sys.stderr)
        summary = "valid" if report.valid else f"{len(report.issues)} finding(s)"
        if report.warnings:
            summary += f", {len(report.warnings)} warning(s)"
        print(f"{args.corpus}: {report.files_checked} file(s) checked, {summary}", file=sys.stderr)
    return 0 if report.valid else 1
