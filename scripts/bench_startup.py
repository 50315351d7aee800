"""How long ``castcorpus --help`` and ``castcorpus validate --help`` take, wall clock (issue 16, item 4).

Runs each command ``--runs`` times as a fresh process and prints the fastest, median and slowest
time and how many runs took longer than ``--limit`` seconds. Measure an installed copy,
byte-compiled as pip leaves it (docs/benchmarks.md, "How to reproduce"), on a quiet machine.

    python scripts/bench_startup.py /tmp/v/bin/castcorpus --runs 20 --json /tmp/startup.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time

COMMANDS = (["--help"], ["validate", "--help"])


def timings(executable: str, args: list[str], runs: int) -> list[float]:
    """Wall-clock seconds of ``runs`` fresh runs of ``executable args`` (output discarded)."""
    measured = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([executable, *args], stdout=subprocess.DEVNULL, check=True)
        measured.append(time.perf_counter() - started)
    return measured


def summary(measured: list[float], limit: float) -> dict:
    """Fastest, median and slowest of ``measured``, and how many runs took longer than ``limit``."""
    return {"runs": len(measured), "min_s": round(min(measured), 3), "median_s": round(statistics.median(measured), 3),
            "max_s": round(max(measured), 3), "over_limit": sum(t > limit for t in measured), "limit_s": limit}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="example:\n  python scripts/bench_startup.py .venv/bin/castcorpus --runs 20",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("executable", help="the castcorpus console script to time")
    parser.add_argument("--runs", type=int, default=20, help="runs of each command (default 20)")
    parser.add_argument("--limit", type=float, default=0.15, help="the target, in seconds (default 0.15)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()
    results = {}
    for command in COMMANDS:
        name = " ".join(["castcorpus", *command])
        results[name] = summary(timings(args.executable, command, args.runs), args.limit)
        r = results[name]
        print(f"{name}: {r['min_s']:.3f} to {r['max_s']:.3f} s, median {r['median_s']:.3f}; "
              f"{r['over_limit']} of {r['runs']} over {r['limit_s']} s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
