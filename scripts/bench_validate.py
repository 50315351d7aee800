"""Benchmark: how long `castcorpus validate` takes on a corpus, with and without the fast path.

Usage: python scripts/bench_validate.py [CORPUS] [--repeat N]

Reports CPU seconds (process time, so other load on the machine matters less) for the
validator as shipped (compiled fast path, jsonschema only for rejected files) and for
jsonschema alone, each the best of N runs, and whether hydrated texts were checked too.
"""

from __future__ import annotations

import argparse
import time
from unittest import mock

from castcorpus.corpus import schema
from castcorpus.validation.run import validate


def best_cpu_seconds(corpus: str, repeat: int, **kwargs) -> tuple[float, int]:
    times, files = [], 0
    for _ in range(repeat):
        start = time.process_time()
        report = validate(corpus, **kwargs)
        times.append(time.process_time() - start)
        files = report.files_checked
        assert report.valid, report.lines()[:5]
    return min(times), files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default="corpus")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    validate(args.corpus)  # warm-up: compile schemas, fill the page cache
    rows = []
    for label, kwargs in (("without hydrated texts", {"cache_dir": "/nonexistent"}), ("with hydrated texts", {})):
        fast, files = best_cpu_seconds(args.corpus, args.repeat, **kwargs)
        with mock.patch.object(schema, "is_valid", lambda kind, instance: False):
            slow, _ = best_cpu_seconds(args.corpus, args.repeat, **kwargs)
        rows.append((label, files, fast, slow))
    print("| corpus | files checked | shipped (fast path) | jsonschema only | speed-up |")
    print("|---|---|---|---|---|")
    for label, files, fast, slow in rows:
        print(f"| {args.corpus}, {label} | {files} | {fast:.2f} s | {slow:.2f} s | {slow / fast:.1f}x |")


if __name__ == "__main__":
    main()
