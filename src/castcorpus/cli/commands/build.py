"""``castcorpus build``: validate the corpus and write the Parquet release folder."""

from __future__ import annotations

import sys

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "build",
                      "Validate the corpus and build the release folder (dataset card, Parquet configs, checksums).",
                      "castcorpus build --corpus corpus --out dist/cast-syria")
    options.corpus(cmd, legacy_positional=True)
    options.out(cmd, "the release folder", "DIR", default="dist/cast-syria")
    options.cache(cmd)
    cmd.add_argument("--row-cache", action="store_true",
                     help="cache derived rows under <cache>/rows and reuse them (off by default: reading an entry "
                          "costs nearly as much as deriving the rows; see docs/benchmarks.md)")
    options.jobs(cmd)
    cmd.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    options.verbose(cmd, "finding of the build (spans the token configs cannot carry, skipped card sections)")
    cmd.add_argument("--force", action="store_true",
                     help="build even when the release is up to date (same inputs, intact files), "
                          "and without reusing the previous build's state")
    cmd.add_argument("--no-incremental", action="store_true",
                     help="keep no build state beside the release (.<name>.state, about 24 kB per annotated "
                          "document) and remove it; by default the next build re-checks, re-derives and "
                          "re-writes only what changed (the release is the same bytes either way)")
    cmd.set_defaults(func=run)


def run(args) -> int:
    # Imported here: the build pulls in datasets and pyarrow, which other commands do not need.
    from concurrent.futures.process import BrokenProcessPool

    from castcorpus.corpus.reader import CorpusError

    from castcorpus.release.build import BuildError, build_release
    from castcorpus.release.folder import OutputFolderError
    from castcorpus.scoring.card_baselines import write_card_section

    try:
        summary = build_release(args.corpus, args.out, cache_dir=args.cache,
                                progress=not args.no_progress and sys.stderr.isatty(),
                                row_cache=args.row_cache, force=args.force, writers=[write_card_section],
                                jobs=args.jobs, incremental=not args.no_incremental)
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
    if args.verbose:
        for issue in sorted(summary.issues):
            print(issue.line())
    elif summary.issues:
        print(options.counts_by_code(summary.issues, "findings of the build", "docs/errors.md"), file=sys.stderr)
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
