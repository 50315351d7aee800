"""Tables for docs/benchmarks.md from the JSON results of ``scripts/bench_rounds.sh``.

    python scripts/bench_report.py RESULTS_FOLDER

Reads the files ``bench_rounds.sh`` writes (``naive20k-r<i>.json``, ``ours20k-r<i>.json``,
``s<size>-r<i>.json``, ``busy<size>-r<i>.json``, ``free<size>-r<i>.json``; each is the
``--json`` output of ``bench_build.py``) and prints, in Markdown: the paired rounds at 20,000
documents (ours against naive and the floor, CPU seconds), the incremental builds as shares of a
full build, the scaling table with a fitted growth exponent per column (least squares of
log time on log N), and workers against one process (wall clock). Missing files are skipped.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import numpy as np


def _load(folder: Path, name: str) -> dict | None:
    path = folder / f"{name}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text())["variants"]


def _cpu(result: dict | None, key: str | None = None) -> float | None:
    if not result or not result.get("total_cpu_s"):
        return None
    return (result[key] if key else result)["total_cpu_s"]


def paired(folder: Path) -> str:
    """Round by round at 20,000 documents: CPU seconds and the ratios of the issue's targets."""
    lines = ["| round | naive | full build (no state) | first build (keeps a state) | floor | naive / full | "
             "naive / first | full / floor | first / floor |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    ratios: dict[str, list[float]] = {"naive / full": [], "naive / first": [], "full / floor": [], "first / floor": []}
    for i in range(1, 10):
        naive, ours = _load(folder, f"naive20k-r{i}"), _load(folder, f"ours20k-r{i}")
        if not naive or not ours:
            continue
        n, full, first, floor = (_cpu(naive.get("naive")), _cpu(ours.get("full")), _cpu(ours.get("ours")),
                                 _cpu(ours.get("floor")))
        row = {"naive / full": n / full, "naive / first": n / first, "full / floor": full / floor,
               "first / floor": first / floor}
        for name, value in row.items():
            ratios[name].append(value)
        lines.append(f"| {i} | {n:.1f} | {full:.1f} | {first:.1f} | {floor:.1f} | "
                     + " | ".join(f"{value:.2f}" for value in row.values()) + " |")
    if ratios["naive / full"]:
        lines.append("| **median** | | | | | " + " | ".join(f"**{statistics.median(v):.2f}**" for v in ratios.values())
                     + " |")
    return "\n".join(lines)


def _size_runs(folder: Path, size: int) -> list[dict]:
    names = [f"ours{size // 1000}k-r{i}" for i in range(1, 10)] if size == 20_000 else []
    names += [f"s{_label(size)}-r{i}" for i in range(1, 10)]
    return [runs for runs in (_load(folder, name) for name in names) if runs]


def _label(size: int) -> str:
    return f"{size // 1000}k"


def scaling(folder: Path, sizes=(1_000, 5_000, 20_000, 100_000)) -> str:
    """Medians per size of the runs at that size, incremental builds as % of the full build,
    and the fitted exponent of each column."""
    columns = ("full", "ours", "edit", "remove", "add", "validate")
    lines = ["| N | runs | full build | first build with state | edit | remove | add | validate | "
             "peak RSS, full (MiB) | peak RSS, validate (MiB) |", "|---:|---:|" + "---:|" * 8]
    medians: dict[str, list[tuple[int, float]]] = {column: [] for column in columns}
    rss: dict[str, list[tuple[int, float]]] = {"full": [], "validate": []}
    for size in sizes:
        runs = _size_runs(folder, size)
        if not runs:
            continue
        values = {"full": [_cpu(r.get("full")) for r in runs], "ours": [_cpu(r.get("ours")) for r in runs],
                  "edit": [_cpu(r.get("edit")) for r in runs],
                  "remove": [_cpu(r.get("remove-add")) for r in runs],
                  "add": [_cpu(r.get("remove-add"), "add") if r.get("remove-add") else None for r in runs],
                  "validate": [_cpu(r.get("validate")) for r in runs]}
        cells = {}
        for column, found in values.items():
            found = [v for v in found if v]
            cells[column] = statistics.median(found) if found else None
            if found:
                medians[column].append((size, cells[column]))
        for column in rss:
            peaks = [r[column]["peak_rss_mb"] for r in runs if r.get(column)]
            if peaks:
                rss[column].append((size, statistics.median(peaks)))
        full = cells["full"]

        def shown(column):
            value = cells[column]
            if value is None:
                return ""
            share = f" ({100 * value / full:.1f}%)" if full and column in ("edit", "remove", "add") else ""
            return f"{value:.2f}{share}"

        peaks = [f"{dict(rss[c]).get(size, 0):.0f}" if dict(rss[c]).get(size) else "" for c in rss]
        lines.append(f"| {size:,} | {len(runs)} | " + " | ".join(shown(c) for c in columns) + " | " + " | ".join(peaks) + " |")
    exponents = [_exponent(medians[c]) for c in columns] + [_exponent(rss[c]) for c in rss]
    lines.append("| fitted exponent | | " + " | ".join("" if e is None else f"{e:.2f}" for e in exponents) + " |")
    return "\n".join(lines)


def _exponent(points: list[tuple[int, float]]) -> float | None:
    """Slope of log(value) on log(N), least squares, when there are at least three sizes."""
    if len(points) < 3:
        return None
    sizes, values = zip(*points)
    return float(np.polyfit(np.log(sizes), np.log(values), 1)[0])


def workers(folder: Path) -> str:
    """One process, two workers and the build's own choice (wall clock), with the second core
    busy and free; the choice's column says how many jobs it took."""
    lines = ["| second core | N | round | one process: wall s (CPU s) | 2 workers: wall s (CPU s) | "
             "2 workers / one process | default: jobs chosen, wall s (CPU s) | default / one process |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for condition in ("busy", "free"):
        for size in (5_000, 20_000):
            for i in range(1, 10):
                runs = _load(folder, f"{condition}{_label(size)}-r{i}")
                if not runs or not runs.get("full"):
                    continue
                one, two, chosen = runs["full"], runs.get("jobs2"), runs.get("default")
                cells = [condition, f"{size:,}", str(i), f"{one['total_s']:.1f} ({one['total_cpu_s']:.1f})"]
                cells += ([f"{two['total_s']:.1f} ({two['total_cpu_s']:.1f})", f"**{two['total_s'] / one['total_s']:.2f}**"]
                          if two else ["", ""])
                cells += ([f"{chosen['jobs']}, {chosen['total_s']:.1f} ({chosen['total_cpu_s']:.1f})",
                           f"**{chosen['total_s'] / one['total_s']:.2f}**"] if chosen else ["", ""])
                lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    folder = Path(sys.argv[1])
    for title, table in (("Paired rounds at 20,000 documents (CPU s)", paired(folder)),
                         ("Scaling (medians; CPU s)", scaling(folder)), ("Workers", workers(folder))):
        print(f"### {title}\n\n{table}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
