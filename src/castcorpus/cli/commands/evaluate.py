"""``castcorpus evaluate``: score a predictions file against a release's reference rows."""

from __future__ import annotations

import sys

from castcorpus.cli import options
from castcorpus.scoring.tasks import SCORED as TASKS
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "evaluate",
                      "Score predictions (JSON Lines, schema/predictions-<task>.schema.json) against a release split.",
                      "castcorpus evaluate --config stances --split test --predictions stances.jsonl --release dist/cast-syria")
    cmd.add_argument("--config", required=True, metavar="NAME",
                     help=f"config to score: {', '.join(TASKS)} or a *_by_outlet twin")
    cmd.add_argument("--split", default="test", help="split of the references (default: test)")
    cmd.add_argument("--predictions", required=True, metavar="FILE", help="predictions file (JSON Lines)")
    cmd.add_argument("--release", metavar="DIR", default="dist/cast-syria",
                     help="release folder built by 'castcorpus build' (default: dist/cast-syria)")
    options.json(cmd)
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.scoring.evaluation import as_json, evaluate, table
    from castcorpus.scoring.references import ReleaseError, task_of

    if task_of(args.config) not in TASKS:
        print(f"castcorpus evaluate: config {args.config!r} has no scorer; choose one of "
              f"{', '.join(TASKS)} (or a *_by_outlet twin)", file=sys.stderr)
        return 2
    try:
        outcome = evaluate(args.release, args.config, args.split, args.predictions)
    except ReleaseError as err:
        print(f"castcorpus evaluate: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"castcorpus evaluate: cannot read {err.filename or args.predictions}: {err.strerror or err}",
              file=sys.stderr)
        return 2
    if args.json:
        print(as_json(outcome))
    elif outcome.issues:
        for issue in outcome.issues:
            print(issue.line())
    else:
        print("\n".join(table(outcome)))
    if outcome.issues:
        print(f"castcorpus evaluate: {args.predictions}: {len(outcome.issues)} problem(s); nothing scored",
              file=sys.stderr)
        return 1
    print(f"scored against release fingerprint {outcome.fingerprint[:16]}", file=sys.stderr)
    return 0
