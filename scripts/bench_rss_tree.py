"""Peak memory of a build with worker processes: the summed RSS of its whole process tree.

    python scripts/bench_rss_tree.py CORPUS OUT [--jobs 2] [--cache DIR] [--interval 0.5]

``bench_build.py`` reports each process's own peak (VmHWM), which for a build with workers
gives the main process's peak and the largest worker's, not what they hold together. This
runs ``castcorpus build --jobs N --force`` and samples ``VmRSS`` of the build's process and
all its descendants every ``--interval`` seconds (Linux ``/proc``), and prints the largest
sum as JSON. Sampling can miss a peak shorter than the interval.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in children:
        found += descendants(int(child))
    return found


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("out")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cache", help="castcorpus cache folder (default: the user cache)")
    parser.add_argument("--interval", type=float, default=0.5)
    args = parser.parse_args(argv)
    castcorpus = shutil.which("castcorpus") or str(Path(sys.executable).parent / "castcorpus")
    command = [castcorpus, "build", args.corpus, "--out", args.out, "--jobs", str(args.jobs), "--force", "--no-progress"]
    if args.cache:
        command += ["--cache", args.cache]
    started = time.perf_counter()
    build = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak, peak_at, processes, samples = 0.0, 0.0, 0, 0
    while build.poll() is None:
        pids = descendants(build.pid)
        total = sum(rss_mib(pid) for pid in pids)
        samples += 1
        if total > peak:
            peak, peak_at, processes = total, time.perf_counter() - started, len(pids)
        time.sleep(args.interval)
    print(json.dumps({"jobs": args.jobs, "peak_total_rss_mib": round(peak, 1), "at_s": round(peak_at, 1),
                      "processes_at_peak": processes, "samples": samples,
                      "wall_s": round(time.perf_counter() - started, 1), "exit_code": build.returncode}))
    return build.returncode


if __name__ == "__main__":
    sys.exit(main())
