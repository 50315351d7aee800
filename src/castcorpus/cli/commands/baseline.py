"""``castcorpus baseline``: majority, TF-IDF + logistic regression (and embedding) baselines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from castcorpus.cli import options
from castcorpus.scoring.tasks import BASELINE_TASKS as TASKS
from castcorpus.scoring.tasks import BASELINES, SCHEMES
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "baseline",
                      "Train baselines on train, tune on validation, write test predictions and score them.",
                      "castcorpus baseline --all --release dist/cast-syria --report docs/baselines.md")
    which = cmd.add_mutually_exclusive_group(required=True)
    which.add_argument("--config", metavar="NAME", choices=list(TASKS),
                       help=f"task config: {', '.join(TASKS)}")
    which.add_argument("--all", action="store_true", help="every task config, in both split schemes")
    cmd.add_argument("--release", metavar="DIR", default="dist/cast-syria",
                     help="release folder (default: dist/cast-syria)")
    cmd.add_argument("--split-scheme", choices=list(SCHEMES), default="random",
                     help="random: the standard splits; outlet: the *_by_outlet configs (default: random)")
    options.out(cmd, "folder for the predictions (JSON Lines) and results.json", "DIR", default=None)
    cmd.add_argument("--baselines", nargs="+", choices=BASELINES, default=list(BASELINES),
                     help="which baselines (default: all; minilm-lr needs the embeddings extra)")
    cmd.add_argument("--report", metavar="FILE", help="write the Markdown report (e.g. docs/baselines.md)")
    options.json(cmd, "the results")
    cmd.set_defaults(func=run)


def _command_line(args) -> str:
    parts = ["castcorpus baseline", "--all" if args.all else f"--config {args.config}"]
    if not args.all:
        parts.append(f"--split-scheme {args.split_scheme}")
    if args.baselines != list(BASELINES):
        parts.append("--baselines " + " ".join(args.baselines))
    return " ".join(parts)


def run(args) -> int:
    from dataclasses import asdict
    from castcorpus.scoring.baselines import headline, run_all, run_config
    from castcorpus.scoring.baselines_report import markdown
    from castcorpus.scoring.references import ReleaseError, fingerprint

    if not (Path(args.release) / "data").is_dir():
        print(f"castcorpus baseline: {args.release} is no release folder (build one with 'castcorpus build')",
              file=sys.stderr)
        return 2
    try:
        results = (run_all(args.release, args.out, baselines=tuple(args.baselines)) if args.all else
                   run_config(args.release, args.config, args.split_scheme, args.out, tuple(args.baselines)))
    except ReleaseError as err:
        print(f"castcorpus baseline: {err}", file=sys.stderr)
        return 2
    if args.out:
        Path(args.out, "results.json").write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n",
                                                  encoding="utf-8")
    if args.report:
        Path(args.report).write_text(markdown(results, fingerprint(args.release), _command_line(args)),
                                     encoding="utf-8", newline="\n")
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
        return 0
    for r in results:
        if r.status == "ok":
            task = r.config.removesuffix("_by_outlet")
            measure = "entity F1" if task in ("claim_spans", "actor_ner") else "macro-F1"
            print(f"{r.config:<25} {r.baseline:<10} test {measure:<9} {100 * headline(task, r.scores):5.1f}"
                  + (f"  (C={r.params['C']})" if "C" in r.params else ""))
        else:
            print(f"{r.config:<25} {r.baseline:<10} skipped: {r.reason}")
    return 0
