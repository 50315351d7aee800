"""Benchmark: the validator on adversarial input just under the size limits, at n and 4n.

Usage: python scripts/bench_adversarial.py [--scale S] [--compare REV] [--cases A,B]

Each case is a copy of ``tests/data/valid/minimal`` with one file made adversarial (invented
content only), validated whole with :func:`castcorpus.validation.run.validate` at size n and 4n.
The ratio of the two CPU times says how a check grows: about 4 for linear (or n log n), about
16 for quadratic. A check passes when the ratio is under 6 and 4n takes under 10 s.

Cases:

``part-of-chain``   actors.json with n actors, each part of the next, the last two a cycle
``alias-shared``    actors.json with n actors sharing one alias
``merge-chain``     clusters.json with n clusters, each merged into the next
``mentions-nested`` one annotation with n mentions of 13 actors, nearly all overlapping
``actors-by-documents`` n actors with long names and n/100 annotated documents of an external
                    collection, hydrated (each such document is checked for prose copied from
                    its text, which excludes the actors' names: both grow with n)

With ``--compare REV`` the same inputs are also given to the checks as they were at git
revision REV (loaded from ``git show``), at n and 2n only, with a time limit, to show what
was fixed. Timing stays here, never in tests (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from castcorpus.validation.run import validate

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "data" / "valid" / "minimal"
#: n per case at --scale 1: 4n stays under the 5 MB file limit.
SIZES = {"part-of-chain": 5_000, "alias-shared": 5_000, "merge-chain": 5_000, "mentions-nested": 2_500,
         "actors-by-documents": 5_000}
HYDRATED = REPO / "tests" / "data" / "valid" / "hydrated"
EXTERNAL = "gamma-aid-convoy"  # the minimal corpus's document of an external collection


def _actor(key: str, **extra) -> dict:
    return {"key": key, "name": key.replace("-", " ").title(), "type": "other", "wikidata": None,
            "wikidata_status": "unlinked", "part_of": [], "country": None, "aliases": [],
            "description": "Invented benchmark actor.", **extra}


def make_case(case: str, n: int, root: Path) -> None:
    """Write the adversarial file of ``case`` at size ``n`` into the corpus copy ``root``."""
    if case in ("part-of-chain", "alias-shared"):
        path = root / "actors.json"
        registry = json.loads(path.read_text(encoding="utf-8"))
        keys = [f"bench-actor-{i}" for i in range(n)]
        for i, key in enumerate(keys):
            if case == "part-of-chain":
                parent = keys[i + 1] if i + 1 < n else keys[n - 2]
                registry["actors"].append(_actor(key, part_of=[parent]))
            else:
                registry["actors"].append(_actor(key, aliases=["Bench Alias"]))
        path.write_text(json.dumps(registry), encoding="utf-8")
    elif case == "merge-chain":
        path = root / "clusters.json"
        registry = json.loads(path.read_text(encoding="utf-8"))
        for i in range(n):
            into = f"bench-cluster-{i + 1}" if i + 1 < n else "tel-karam-shelling"
            registry["clusters"].append({"key": f"bench-cluster-{i}", "event": "Invented", "date": "2026-01",
                                         "question": "What happened?", "event_wikidata": None,
                                         "merged_into": into})
        path.write_text(json.dumps(registry), encoding="utf-8")
    elif case == "actors-by-documents":
        path = root / "actors.json"
        registry = json.loads(path.read_text(encoding="utf-8"))
        registry["actors"].extend(_actor(f"bench-actor-{i}", name=f"Invented Council of the Northern Bench Region {i}")
                                  for i in range(n))
        path.write_text(json.dumps(registry), encoding="utf-8")
        cache = root.parent / "cache"
        shutil.copytree(HYDRATED, cache)
        texts = cache / "test-external" / "texts"
        for i in range(n // 100):
            copy = f"{EXTERNAL}-copy-{i}"
            for folder in ("documents", "annotations"):
                body = (root / folder / f"{EXTERNAL}.json").read_text(encoding="utf-8")
                (root / folder / f"{copy}.json").write_text(body.replace(f'"{EXTERNAL}"', f'"{copy}"'),
                                                            encoding="utf-8")
            shutil.copyfile(texts / f"{EXTERNAL}.txt", texts / f"{copy}.txt")
    elif case == "mentions-nested":
        path = root / "annotations" / "alpha-shelling-report.json"
        annotation = json.loads(path.read_text(encoding="utf-8"))
        length = len((root / "texts" / "alpha-shelling-report.txt").read_text(encoding="utf-8"))
        listed = [entry["actor"] for entry in annotation["actors"]]
        spans: dict[str, list] = {key: [] for key in listed}
        pairs = [(s, e) for s in range(0, 150) for e in range(length - 100, length)]
        for i in range(n):
            start, end = pairs[(i * 7919) % len(pairs)]
            spans[listed[i % len(listed)]].append({"start": start, "end": end})
        for entry in annotation["actors"]:
            entry["mentions"] = sorted({(m["start"], m["end"]): m for m in spans[entry["actor"]]}.values(),
                                       key=lambda m: (m["start"], m["end"]))
        path.write_text(json.dumps(annotation), encoding="utf-8")


def cpu_seconds(root: Path) -> tuple[float, int]:
    start = time.process_time()
    report = validate(root, cache_dir=root.parent / "cache")  # absent but for actors-by-documents
    return time.process_time() - start, len(report.issues)


#: Old flat module names (before issue 14) -> where the same code is now.
_FLAT_NAMES = {"schema": "corpus.schema", "jsonio": "corpus.jsonio", "texts": "corpus.texts", "segment": "corpus.segment"}


def _old_module(rev: str, name: str):
    """The module ``castcorpus.<name>`` as it was at ``rev``."""
    source = subprocess.run(["git", "show", f"{rev}:src/castcorpus/{name}.py"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader(f"castcorpus._old_{name}", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "castcorpus"
    # Before issue 14 the modules were flat: the old module's relative imports (from .schema
    # import ...) find today's modules under their old names.
    for old, new in _FLAT_NAMES.items():
        sys.modules.setdefault(f"castcorpus.{old}", importlib.import_module(f"castcorpus.{new}"))
    sys.modules[module.__name__] = module  # dataclasses look their module up there
    exec(compile(source, f"{rev}:{name}.py", "exec"), module.__dict__)
    return module


def old_seconds(case: str, root: Path, rev: str, limit: float) -> float | None:
    """CPU time of the check at ``rev`` on the case's adversarial file (None past ``limit``,
    NaN when ``rev`` had no such check)."""
    import signal

    if case in ("part-of-chain", "alias-shared"):
        registry = json.loads((root / "actors.json").read_text(encoding="utf-8"))["actors"]
        module = _old_module(rev, "validate_registries")
        run = lambda: list(module.actor_issues(registry, "actors.json"))  # noqa: E731
    elif case == "mentions-nested":
        annotation = json.loads((root / "annotations" / "alpha-shelling-report.json").read_text(encoding="utf-8"))
        module = _old_module(rev, "validate_annotations")
        ctx = module.AnnotationContext("a.json", None, 409, True, None)
        run = lambda: sum(1 for _ in module._mention_layout_issues(annotation, ctx))  # noqa: E731
    else:
        return float("nan")  # merge chains were not followed before; actors-by-documents: see docs/benchmarks.md

    def stop(*_):
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.process_time()
    try:
        run()
    except TimeoutError:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every n (default 1)")
    parser.add_argument("--compare", metavar="REV", help="also time the checks as at this git revision")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds allowed to each old check")
    parser.add_argument("--cases", default=",".join(SIZES), help="comma-separated cases (default: all)")
    args = parser.parse_args()
    validate(BASE)  # warm-up: compile the schemas
    failed = False
    print("| case | n | CPU s at n | CPU s at 4n | ratio | findings at 4n | file at 4n |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    old_rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            size = SIZES[case]
            n = int(size * args.scale)
            times, findings, size_bytes = [], 0, 0
            for k, m in enumerate((n, 4 * n)):
                root = Path(tmp) / f"{case}-{m}" / "corpus"
                shutil.copytree(BASE, root)
                make_case(case, m, root)
                seconds, findings = cpu_seconds(root)
                times.append(seconds)
                size_bytes = max(p.stat().st_size for p in root.rglob("*.json"))
                if args.compare and k == 0:
                    half = Path(tmp) / f"{case}-{2 * n}" / "corpus"
                    shutil.copytree(BASE, half)
                    make_case(case, 2 * n, half)
                    old_rows.append((case, n, old_seconds(case, root, args.compare, args.limit),
                                     old_seconds(case, half, args.compare, args.limit)))
            ratio = times[1] / max(times[0], 1e-9)
            failed |= ratio >= 6 or times[1] >= 10
            print(f"| {case} | {n:,} | {times[0]:.2f} | {times[1]:.2f} | {ratio:.1f} | {findings:,} | "
                  f"{size_bytes / 1e6:.1f} MB |")
    if old_rows:
        print(f"\nThe same checks as at {args.compare} (CPU s of the check alone; '>' = stopped at the limit):\n")
        print("| case | n | at n | at 2n | ratio |")
        print("|---|---:|---:|---:|---:|")
        for case, n, at_n, at_2n in old_rows:
            shown = ["not checked" if t != t else f"{t:.2f}" if t is not None else f">{args.limit:.0f}"
                     for t in (at_n, at_2n)]
            ratio = f"{at_2n / at_n:.1f}" if at_n and at_2n and at_n == at_n else "-"
            print(f"| {case} | {n:,} | {shown[0]} | {shown[1]} | {ratio} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
