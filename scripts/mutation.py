"""Mutation testing of the core modules with mutmut, one module group at a time.

Usage: python scripts/mutation.py MODULE [--work DIR] [--jobs N] [--sample K --seed S]
       python scripts/mutation.py --list

Each run copies the working tree (the files git lists, tracked or not ignored) into
``DIR/MODULE`` (default: a folder under the system's temp dir), writes a ``[tool.mutmut]``
section naming only that module's files and the test files that exercise them into the copy's
pyproject.toml, and runs ``mutmut run`` there, so the checkout itself is never mutated. mutmut
runs each mutant against only the selected tests that executed the mutated function.

With ``--sample K --seed S`` a first pass generates every mutant without running any, then
K of them drawn with ``random.Random(S)`` are run: a reproducible sample for a module too
large to run whole in the time at hand.

At the end it prints one line per status and the score: mutants detected (killed by a
failing test, or timed out: a mutant that makes a loop endless is caught) over all mutants
run (detected + survived + no tests + suspicious); and writes ``DIR/MODULE/summary.json`` with the list of
survivors; ``mutmut show NAME`` in ``DIR/MODULE`` shows one. Results are in
docs/testing.md. Needs the ``test`` and ``mutation`` extras (pip install -e '.[test,mutation]').
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Functions left out of a group (fnmatch patterns on mutmut's mutant names): the agreement
#: report's Markdown layout is not a metric.
SKIP: dict[str, list[str]] = {
    "metrics": ["castcorpus.annotation.agreement.x_render_markdown__*", "castcorpus.annotation.agreement.x__pooled_table*",
                "castcorpus.annotation.agreement.x_card_section__*", "castcorpus.annotation.agreement.x__fmt__*"],
}
#: module group -> (files to mutate, test files that exercise them)
MODULES: dict[str, tuple[list[str], list[str]]] = {
    "anchor": (["src/castcorpus/annotation/anchor.py"],
               ["tests/test_anchor.py", "tests/test_properties.py", "tests/test_validate_edges.py",
                "tests/test_minimal_fixture.py", "tests/test_validate_cli.py"]),
    "validation": (["src/castcorpus/validation/*.py"],
                   ["tests/test_validate_edges.py", "tests/test_annotation_checks.py",
                    "tests/test_invalid_golden.py", "tests/test_minimal_fixture.py",
                    "tests/test_validate_cli.py", "tests/test_input_files.py"]),
    "splits": (["src/castcorpus/splits/assign.py", "src/castcorpus/splits/events.py"],
               ["tests/test_build_splits.py", "tests/test_ledger.py", "tests/test_events.py"]),
    "metrics": (["src/castcorpus/scoring/metrics.py", "src/castcorpus/annotation/agreement.py"],
                ["tests/test_metrics.py", "tests/test_scoring_properties.py", "tests/test_agreement.py"]),
    "release-replace": (["src/castcorpus/release/folder.py"],
                        ["tests/test_release_replace.py", "tests/test_bad_input_build.py"]),
    "hydration": (["src/castcorpus/sources/fakes/*.py"],
                  ["tests/test_fakes_bad_inputs.py", "tests/test_fakes_decoding.py", "tests/test_fakes_real.py",
                   "tests/test_fakes_download.py", "tests/test_coverage.py"]),
}

#: mutmut's statuses that count as detected, and those that count against the score.
DETECTED = ("killed", "timeout")
NOT_KILLED = ("survived", "no tests", "suspicious", "segfault")


def copy_tree(dest: Path) -> None:
    """Copy the working tree's files (as git lists them) to ``dest``."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    # castcorpus.schemas is schema/ (pyproject.toml's package-dir): put it in the package, so
    # that the copy's schemas are used, not those of an installed castcorpus.
    schemas = dest / "src" / "castcorpus" / "schemas"
    if schemas.is_symlink():
        schemas.unlink()
    shutil.copytree(dest / "schema", schemas, dirs_exist_ok=True)
    # The tests find the third-party data beside the repository (../shared): mutmut runs them
    # in dest/mutants, so dest/shared points to it.
    if (REPO.parent / "shared").is_dir():
        (dest / "shared").symlink_to(REPO.parent / "shared", target_is_directory=True)


def configure(dest: Path, module: str) -> list[str]:
    """Write the mutmut section into the copy's pyproject.toml; return the tests it selects."""
    files, tests = MODULES[module]
    tests = [t for t in tests if (dest / t).exists()]
    top = sorted(p.name for p in dest.iterdir() if p.name not in ("src", "tests", "pyproject.toml", "shared"))
    section = "\n[tool.mutmut]\n" + "\n".join([
        'source_paths = ["src/"]',
        f"only_mutate = {json.dumps(files)}",
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        # the tests read corpus/, schema/, docs/ ... relative to the repository root
        f"also_copy = {json.dumps(top)}",
        # a console-script test runs the installed castcorpus in a child process, not the mutant
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x", "-k", "not console_script"]',
        "use_git_change_detection = false",
    ]) + "\n"
    with open(dest / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(section)
    return tests


def configure_tests(dest: Path, module: str) -> list[str]:
    """Copy the working tree's tests/ over the copy's (for --again); the tests selected."""
    shutil.rmtree(dest / "tests")
    shutil.copytree(REPO / "tests", dest / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    selected = [t for t in MODULES[module][1] if (dest / t).exists()]
    text = (dest / "pyproject.toml").read_text(encoding="utf-8")
    text = re.sub(r"^pytest_add_cli_args_test_selection = .*$",
                  lambda _: f"pytest_add_cli_args_test_selection = {json.dumps(selected)}", text, flags=re.M)
    (dest / "pyproject.toml").write_text(text, encoding="utf-8")
    return selected


def _chosen(dest: Path, skip: list[str], sample: int | None, seed: int) -> list[str]:
    """The mutants a run covers: all but those of skipped functions, or a seeded sample of them."""
    everything = [name for name in mutant_names(dest) if not any(fnmatch(name, p) for p in skip)]
    if sample:
        return sorted(random.Random(seed).sample(everything, min(sample, len(everything))))
    return everything


def mutmut(dest: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=dest, text=True, capture_output=True)


def mutant_names(dest: Path) -> list[str]:
    """Every mutant mutmut generated in ``dest`` (from the mutated copies' trampolines)."""
    names = []
    for path in sorted((dest / "mutants" / "src").rglob("*.py")):
        module = ".".join(path.relative_to(dest / "mutants" / "src").with_suffix("").parts)
        for function in re.findall(r"^\s*def (x[ǁ_]\w+__mutmut_\d+)\(", path.read_text(encoding="utf-8"),
                                   flags=re.M):
            names.append(f"{module}.{function}")
    return names


def results(dest: Path) -> dict[str, str]:
    """mutant name -> status, from ``mutmut results --all true``."""
    out = mutmut(dest, "results", "--all", "true").stdout
    pairs = (line.strip().rsplit(": ", 1) for line in out.splitlines() if ": " in line)
    return {name: status for name, status in pairs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", nargs="?", choices=sorted(MODULES))
    parser.add_argument("--list", action="store_true", help="list the module groups and their tests")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "castcorpus-mutation")
    parser.add_argument("--jobs", type=int, default=2, help="mutmut's worker processes (default 2)")
    parser.add_argument("--sample", type=int, help="run only this many mutants, drawn at random")
    parser.add_argument("--seed", type=int, default=17, help="seed of the sample (default 17)")
    parser.add_argument("--again", action="store_true",
                        help="after adding tests: copy tests/ in and run the mutants not detected last time")
    args = parser.parse_args()
    if args.list or not args.module:
        for name, (files, tests) in MODULES.items():
            print(f"{name}: {' '.join(files)}\n    tests: {' '.join(tests)}")
        return 0
    dest = args.work / args.module
    skip = SKIP.get(args.module, [])
    if args.again:
        # Only the tests changed: mutmut collects which functions the new tests run, and the
        # mutants not detected last time are run again against them.
        previous = json.loads((dest / "summary.json").read_text(encoding="utf-8"))
        args.sample, args.seed = previous["sample"], previous["seed"] or args.seed
        tests = configure_tests(dest, args.module)
        chosen = _chosen(dest, skip, args.sample, args.seed)
        rerun = previous["not_killed"]
        print(f"{args.module}: again, {len(rerun)} mutants not detected before, against {tests}", flush=True)
    else:
        shutil.rmtree(dest, ignore_errors=True)
        copy_tree(dest)
        tests = configure(dest, args.module)
        print(f"{args.module}: mutating {MODULES[args.module][0]} against {tests} in {dest}", flush=True)
        chosen = []
        if args.sample or skip:
            # A pattern no mutant matches: mutmut generates the mutants and collects which tests
            # cover which function, and runs none.
            mutmut(dest, "run", "--max-children", str(args.jobs), "no-such-mutant-*")
            chosen = _chosen(dest, skip, args.sample, args.seed)
            print(f"running {len(chosen)} of {len(mutant_names(dest))} mutants"
                  + (f" (a sample, seed {args.seed})" if args.sample else "")
                  + (f"; left out: {' '.join(skip)}" if skip else ""), flush=True)
        rerun = chosen
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    run = mutmut(dest, "run", "--max-children", str(args.jobs), *rerun)
    with open(dest / "mutmut-run.log", "a", encoding="utf-8") as log:
        log.write(run.stdout + run.stderr)
    statuses = results(dest)
    if chosen:
        statuses = {name: status for name, status in statuses.items() if name in set(chosen)}
    counts = Counter(statuses.values())
    killed = sum(counts[s] for s in DETECTED)
    scored = killed + sum(counts[s] for s in NOT_KILLED)
    score = killed / scored if scored else float("nan")
    for status, count in sorted(counts.items()):
        print(f"  {status}: {count}")
    print(f"score: {killed}/{scored} = {score:.1%} (detected: killed or timed out)")
    survivors = sorted(name for name, status in statuses.items() if status in NOT_KILLED)
    summary = {"module": args.module, "commit": commit + ("+changes" if dirty else ""), "files": MODULES[args.module][0], "tests": tests,
               "counts": dict(counts), "score": score, "not_killed": survivors,
               "sample": args.sample, "seed": args.seed if args.sample else None, "skipped": skip}
    (dest / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    for name in survivors:
        print(f"  {statuses[name]}: {name}")
    return 0 if run.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
