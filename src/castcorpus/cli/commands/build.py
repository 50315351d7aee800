"""``castcorpus build``: validate the corpus and write the Parquet release folder."""

from __future__ import annotations

import argparse
import sys

from castcorpus.corpus.reader import CorpusError
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "build",
                      "Validate the corpus and build the release folder (dataset card, Parquet configs, checksums).",
                      "castcorpus build corpus --out dist/cast-syria")
    cmd.add_argument("path", nargs="?", default="corpus", help="corpus folder (default: ./corpus)")
    cmd.add_argument("--out", metavar="DIR", default="dist/cast-syria", help="release folder (default: dist/cast-syria)")
    cmd.add_argument("--cache", metavar="DIR",
                     help="castcorpus cache: hydrated texts and derived rows (default: the user cache)")
    cmd.add_argument("--row-cache", action="store_true",
                     help="cache derived rows under <cache>/rows and reuse them (off by default: reading an entry "
                          "costs nearly as much as deriving the rows; see docs/benchmarks.md)")
    cmd.add_argument("--jobs", "-j", type=_jobs, metavar="N",
                     help="worker processes that check and derive documents (default: one per core; 1 builds "
                          "in this process; with --row-cache, or under 2,000 documents, always 1)")
    cmd.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    cmd.add_argument("--force", action="store_true",
                     help="build even when the release is up to date (same inputs, intact files)")
    cmd.set_defaults(func=run)


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes (1 or more)")
    return int(value)


def run(args) -> int:
    # Imported here: the build pulls in datasets and pyarrow, which other commands do not need.
    from concurrent.futures.process import BrokenProcessPool

    from castcorpus.release.build import BuildError, build_release
    from castcorpus.release.derive import default_jobs
    from castcorpus.release.folder import OutputFolderError
    from castcorpus.scoring.card_baselines import write_card_section

    try:
        summary = build_release(args.path, args.out, cache_dir=args.cache,
                                progress=not args.no_progress and sys.stderr.isatty(),
                                row_cache=args.row_cache, force=args.force, writers=[write_card_section],
                                jobs=default_jobs() if args.jobs is None else args.jobs)
    except BuildError as err:
        for line in err.report.lines() if err.report else []:
            print(line)
        print(f"castcorpus build: {err}", file=sys.stderr)
        return 1
    except (CorpusError, OutputFolderError) as err:
        print(f"castcorpus build: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # the output or cache folder cannot be written (disk full, permissions)
        where = f"{err.filename}: " if err.filename else ""
        print(f"castcorpus build: {where}{err.strerror or err}; nothing was replaced", file=sys.stderr)
        return 2
    except BrokenProcessPool:
        print("castcorpus build: a worker process died (out of memory?); nothing was written. "
              "Try again with --jobs 1.", file=sys.stderr)
        return 2
    for issue in sorted(summary.issues):
        print(issue.line())
    for reason, ids in _by_reason(summary.left_out).items():
        shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        print(f"left out {len(ids)} document(s), {reason}: {shown}", file=sys.stderr)
    if summary.left_out:
        cache = f" --cache {args.cache}" if args.cache else ""
        print(f"to include them, hydrate the external texts first: castcorpus hydrate fa-kes{cache} "
              "--from FA-KES-Dataset.csv (a local copy) or --download, then build again", file=sys.stderr)
    for config, splits in summary.rows.items():
        counts = ", ".join(f"{split} {n}" for split, n in splits.items())
        print(f"{config}: {counts}", file=sys.stderr)
    state = "up to date (same inputs; use --force to rebuild)" if summary.up_to_date else "built"
    print(f"{args.out}: {state}, fingerprint {summary.fingerprint[:16]}, "
          f"{len(summary.left_out)} document(s) left out, {len(summary.issues)} issue(s)", file=sys.stderr)
    return 0


def _by_reason(left_out: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for doc_id, reason in left_out:
        grouped.setdefault(reason, []).append(doc_id)
    return grouped
