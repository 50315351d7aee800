"""``castcorpus publish``: the standoff release, without third-party text, ready to upload."""

from __future__ import annotations

import sys

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "publish",
                      "Build the release and write its standoff form: card, Croissant, datasheet, annotations and "
                      "hydrate.py, but no third-party text (no data/: users make it with hydrate.py).",
                      "castcorpus publish --corpus corpus --out dist/cast-syria-standoff")
    options.corpus(cmd)
    options.out(cmd, "the standoff release folder", "DIR", default="dist/cast-syria-standoff")
    options.cache(cmd)
    options.jobs(cmd)
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.corpus.reader import CorpusError
    from castcorpus.release.build import BuildError
    from castcorpus.release.folder import OutputFolderError
    from castcorpus.release.standoff import StandoffError, publish
    from castcorpus.scoring.card_baselines import write_card_section

    try:
        summary = publish(args.corpus, args.out, cache_dir=args.cache, writers=[write_card_section], jobs=args.jobs)
    except BuildError as err:
        for line in err.report.lines() if err.report else []:
            print(line)
        print(f"castcorpus publish: {err}", file=sys.stderr)
        return 1
    except (CorpusError, OutputFolderError, StandoffError) as err:
        print(f"castcorpus publish: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        print(f"castcorpus publish: {where}{err.strerror or err}; nothing was replaced", file=sys.stderr)
        return 2
    print(f"{args.out}: standoff release of dataset version {summary.dataset_version} written (no data/; "
          f"hydrate.py makes it, fingerprint {summary.fingerprint[:16]})", file=sys.stderr)
    return 0
