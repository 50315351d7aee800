"""Benchmark the release build against a floor and a naive reference, on a synthetic corpus.

    python scripts/bench_build.py --docs 20000 [--variants ours,floor,naive,rebuild,micro]
                                  [--work DIR] [--seed S] [--json out.json]

One run generates (or reuses) a synthetic corpus of ``--docs`` documents under ``--work``
(scripts/synth_corpus.py) and measures, each variant in its own child process so that its
peak RSS (VmHWM, read by the child at its end) is its own:

ours     castcorpus.release.build.build_release with an empty row cache and no build state, in
         one process (jobs=1): validate, parse, segment, views, write; stages timed by wrapping
         the build's functions (bench_stages.py); it keeps a state for the incremental variants
full     the same without keeping a state (incremental=False)
ours-jobs  the same with the jobs the build chooses (one per idle core, castcorpus.release.jobs);
         its CPU time includes the workers', and the peak RSS of the largest worker is
         reported beside the main's; the result records the jobs chosen
default  the jobs the build chooses, no build state (compare with full and jobs2)
floor    the same final rows (read back from ours' Parquet, untimed) written again with
         pyarrow alone: Table.from_pylist + ParquetWriter, same schema, zstd, same row groups
naive    what a user would write by hand (bench_naive.py): json.load, jsonschema per file,
         pysbd, rows as dicts, datasets.Dataset.from_list(rows).to_parquet per config
rebuild  build_release again with nothing changed (skipped by the inputs' digest)
edit     build_release after one annotation was changed, incremental from the state of `ours`
         (the annotation is restored and built back afterwards, untimed)
remove-add  one document removed, incremental build; then put back, incremental build ("add")
validate castcorpus.validation.run.validate on the corpus, in one process
jobs2    two worker processes whatever the load, no build state (compare with full)
cached   ours with the opt-in row cache, cold (entries written)
edit-cached  after one annotation was changed, with the row cache warm from `cached`
micro    per-file and per-document costs of the candidate libraries (bench_micro.py)

Results are printed as a Markdown table (and saved as JSON with ``--json``); see
docs/benchmarks.md. Timings are wall clock; nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_stages import Stages  # noqa: E402

VARIANTS = ("ours", "full", "validate", "ours-jobs", "default", "jobs2", "floor", "naive", "rebuild", "edit", "remove-add", "cached", "edit-cached",
            "micro")
#: The brief's stage names, and which measured stages fall under each.
GROUPS = {"parse": "parse", "validate: parse JSON": "parse",  # the build parses once, in the validator's pass
          "validate": "validate", "segment": "segment", "views": "views",
          "splits": "views", "row cache": "views", "write": "write", "finish": "finish", "other": "other"}


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --- variants (each runs in a child process) ----------------------------------------------

def instrument_build(stages: Stages) -> None:
    """Wrap the build's functions so that each stage's time is recorded."""
    import castcorpus.release.build as build
    import castcorpus.corpus.reader as corpus
    import castcorpus.release.derive as derive
    import castcorpus.release.rowcache as rowcache
    import castcorpus.splits.assign as splits
    import castcorpus.release.stage as stage
    import castcorpus.release.rows as views
    import castcorpus.validation.context as context
    from castcorpus.validation.run import ValidationRun

    stages.wrap(build, "build_release", "other")
    # The validator's pass also derives and stages the rows (derive.PassDeriver); what is
    # not in a nested stage below is the validator's own checks and reading the texts.
    for name in ("begin", "check_documents", "finish"):
        stages.wrap(ValidationRun, name, "validate: checks, texts")
    stages.wrap(context, "load_json", "validate: parse JSON")
    stages.wrap(context, "schema_issues", "validate: JSON Schema", consume=True)
    stages.wrap(corpus, "load_json", "parse: JSON")  # the registries, read for the rows
    stages.wrap(splits.SplitCollector, "add", "splits")
    stages.wrap(splits.SplitCollector, "splits", "splits")
    stages.wrap(views, "segmentation", "segment")
    stages.wrap(derive.PassDeriver, "_rows", "views")
    stages.wrap(derive, "row_key", "row cache")
    stages.wrap(rowcache.RowCache, "get", "row cache")
    stages.wrap(rowcache.RowCache, "put", "row cache")
    stages.wrap(rowcache.RowCache, "close", "row cache")
    # Per document, not per row: a wrapper around each of 1.1 million row calls would itself
    # cost seconds. What the deriver's call spends outside the nested stages is encoding
    # queueing rows for staging (label columns are encoded when a batch is flushed).
    stages.wrap(derive.PassDeriver, "__call__", "write: queue rows")
    stages.wrap(stage.StagedConfig, "flush", "write: Arrow (staging)")
    stages.wrap(stage.StagedColumns, "flush", "write: Arrow (staging)")
    stages.wrap(build, "write_configs", "write: Arrow + Parquet")
    for name in ("data_fingerprint", "copy_repository_files", "sha256sums", "replace_atomically", "render"):
        stages.wrap(build, name, "finish")


def run_ours(corpus: Path, out: Path, cache: Path, repo: Path, row_cache: bool = False, jobs: int | None = 1,
             incremental: bool = True) -> dict:
    """One build_release with its stages timed (stages only mean something with ``jobs=1``:
    workers' time is in their own processes; their CPU time is in the total). ``jobs=None``
    lets the build choose (castcorpus.release.jobs); the result says what it chose."""
    import resource

    stages = Stages()
    if jobs == 1:
        instrument_build(stages)
    import castcorpus.release.build as build

    children, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    started, started_cpu = time.perf_counter(), time.process_time()
    # Without the card's baselines (`castcorpus build` adds them as a writer): they train
    # models on corpora of up to MAX_SENTENCE_ROWS sentences, which would swamp the build's
    # own time at 1,000 and 5,000 documents (they are skipped above that anyway).
    summary = build.build_release(corpus, out, cache_dir=cache, repo_root=repo, row_cache=row_cache, jobs=jobs,
                                  incremental=incremental)
    total, total_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    after, own_after = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    workers_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    rows = sum(n for splits in summary.rows.values() for n in splits.values())
    return {"total_s": total, "total_cpu_s": total_cpu + workers_cpu, "workers_cpu_s": workers_cpu,
            "jobs": summary.jobs, "jobs_given": jobs,
            "worker_peak_rss_mb": round(after.ru_maxrss / 1024, 1) if summary.jobs > 1 else None,
            "stages": stages.as_dict(), "cpu_stages": stages.cpu_dict(), "missing_hooks": stages.missing,
            "rows": rows, "cache_hits": summary.cache_hits, "cache_misses": summary.cache_misses,
            "documents_derived": summary.documents_derived, "folders_written": summary.folders_written,
            "shards_written": summary.shards_written,
            # Where the CPU went besides the stages: user against system time, page faults.
            "user_s": own_after.ru_utime - own.ru_utime, "system_s": own_after.ru_stime - own.ru_stime,
            "minor_faults": own_after.ru_minflt - own.ru_minflt}


def run_floor(source: Path, out: Path) -> dict:
    """Write ours' final rows again with pyarrow alone; only the writing is timed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from castcorpus.release.parquet import writer_options  # the same encodings as ours' files

    stages, rows = Stages(), 0
    for path in sorted((source / "data").rglob("*.parquet")):
        reader = pq.ParquetFile(path)
        target = out / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        group = reader.metadata.row_group(0).num_rows if reader.metadata.num_row_groups else 1
        with stages.timed("write: Arrow + Parquet"):
            writer = pq.ParquetWriter(target, reader.schema_arrow, **writer_options(reader.schema_arrow))
        for batch in reader.iter_batches(batch_size=group):
            python_rows = batch.to_pylist()   # not timed: the floor starts from Python rows
            with stages.timed("write: Arrow + Parquet"):
                writer.write_table(pa.Table.from_pylist(python_rows, schema=reader.schema_arrow))
            rows += len(python_rows)
        with stages.timed("write: Arrow + Parquet"):
            writer.close()
    return stages.result(rows=rows)


@contextmanager
def one_document_removed(corpus: Path):
    """One document (metadata, text, annotation, passes) moved aside for the duration of a run."""
    doc_id = sorted(p.stem for p in (corpus / "annotations").glob("*.json"))[0]
    aside = corpus.parent / f"{corpus.name}-aside"
    moved = []
    for path in sorted(corpus.rglob(f"{doc_id}.*")):
        target = aside / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
        moved.append((target, path))
    try:
        yield
    finally:
        for target, path in moved:
            shutil.move(target, path)


@contextmanager
def one_annotation_edited(corpus: Path):
    """One gold annotation changed (a claim's proposition) for the duration of a run."""
    path = sorted((corpus / "annotations").glob("*.json"))[0]
    original = path.read_bytes()
    annotation = json.loads(original)
    annotation["claims"][0]["proposition"] += " (edited for the benchmark)"
    path.write_text(json.dumps(annotation, indent=2), encoding="utf-8")
    try:
        yield
    finally:
        path.write_bytes(original)


#: What each variant starts without: the outputs (and state) of its previous run. The parent
#: deletes them before it starts the child (see clear_previous), not the child inside its run.
PREVIOUS = {"ours": ("out-ours", "cache-ours"), "full": ("out-full",), "ours-jobs": ("out-jobs",),
            "default": ("out-default",), "jobs2": ("out-jobs2",), "cached": ("out-cached", "cache-rows"),
            "floor": ("out-floor",), "naive": ("out-naive",)}
#: Seconds to wait after deleting a previous run's outputs: on this VM, builds that started right
#: after deleting hundreds of MiB were up to 20 CPU s slower (benchmarks.md, sessions 12 and 13).
SETTLE_S = 10.0


def clear_previous(variant: str, work: Path) -> bool:
    """Delete what the variant's previous run left (outputs, build state, cache), flush the
    file system and let the machine settle; True if anything was deleted."""
    from castcorpus.release.incremental import remove_state, state_folder

    paths = [work / name for name in PREVIOUS.get(variant, ())]
    present = [path for path in paths if path.exists() or state_folder(path).exists()]
    for path in present:
        shutil.rmtree(path, ignore_errors=True)
        remove_state(path)
    if present:
        os.sync()
        time.sleep(SETTLE_S)
    return bool(present)


def run_child(variant: str, work: Path, corpus: Path, repo: Path) -> dict:
    out, cache = work / "out-ours", work / "cache-ours"
    if variant == "ours":
        result = run_ours(corpus, out, cache, repo)
    elif variant == "full":  # a first build without keeping a state (what an incremental build saves on)
        result = run_ours(corpus, work / "out-full", cache, repo, incremental=False)
    elif variant == "ours-jobs":  # as `castcorpus build` runs it: the build chooses its jobs
        result = run_ours(corpus, work / "out-jobs", cache, repo, jobs=None)
    elif variant == "default":  # the build chooses its jobs (idle cores), no state: compare with full
        result = run_ours(corpus, work / "out-default", cache, repo, jobs=None, incremental=False)
    elif variant == "jobs2":  # two workers whatever the load (the default takes idle cores only), no state
        result = run_ours(corpus, work / "out-jobs2", cache, repo, jobs=2, incremental=False)
    elif variant == "rebuild":
        result = run_ours(corpus, out, cache, repo)
    elif variant == "cached":
        result = run_ours(corpus, work / "out-cached", work / "cache-rows", repo, row_cache=True)
    elif variant == "edit-cached":
        with one_annotation_edited(corpus):
            result = run_ours(corpus, work / "out-cached", work / "cache-rows", repo, row_cache=True)
    elif variant == "edit":  # incremental, from the state of `ours`; then built back, untimed
        with one_annotation_edited(corpus):
            result = run_ours(corpus, out, cache, repo)
        run_ours(corpus, out, cache, repo)
    elif variant == "remove-add":  # one document removed (timed), then put back (timed: "add")
        with one_document_removed(corpus):
            result = run_ours(corpus, out, cache, repo)
        result["add"] = run_ours(corpus, out, cache, repo)
    elif variant == "validate":  # what `castcorpus validate` runs, in one process
        from castcorpus.validation.run import validate
        started, started_cpu = time.perf_counter(), time.process_time()
        report = validate(corpus, cache)
        result = {"total_s": time.perf_counter() - started, "total_cpu_s": time.process_time() - started_cpu,
                  "findings": len(report.issues), "stages": {}, "cpu_stages": {}}
    elif variant == "floor":
        result = run_floor(out, work / "out-floor")
    elif variant == "naive":
        from bench_naive import run_naive
        result = run_naive(corpus, work / "out-naive", repo / "schema")
    elif variant == "micro":
        from bench_micro import run_micro
        result = run_micro(corpus, repo)
    else:
        raise SystemExit(f"unknown variant {variant!r}")
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return result


# --- the parent: corpus, children, table --------------------------------------------------

def ensure_corpus(work: Path, docs: int, seed: int) -> tuple[Path, float | None]:
    """The synthetic corpus for (docs, seed), generated unless already there."""
    corpus = work / f"corpus-{docs}-seed{seed}"
    done = corpus / ".complete"
    if done.exists():
        return corpus, None
    shutil.rmtree(corpus, ignore_errors=True)
    from synth_corpus import write_corpus
    started = time.perf_counter()
    write_corpus(docs, corpus, seed=seed, progress=True)
    done.write_text("ok\n")
    return corpus, time.perf_counter() - started


def spawn(variant: str, work: Path, corpus: Path, repo: Path) -> dict:
    """Run one variant in a child process (after clearing its previous outputs) and return what it reports."""
    cleared = clear_previous(variant, work)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", variant,
               "--work", str(work), "--corpus", str(corpus), "--repo", str(repo)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": done.stderr[-3000:], "wall_s": time.perf_counter() - started}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = round(time.perf_counter() - started, 3)
    result["previous_cleared"] = cleared
    return result


def grouped(stages: dict[str, float]) -> dict[str, float]:
    """Measured stages summed into the brief's groups (parse, validate, segment, views, write)."""
    groups: dict[str, float] = {}
    for stage, seconds in stages.items():
        group = GROUPS.get(stage, GROUPS.get(stage.split(":")[0], "other"))
        groups[group] = groups.get(group, 0.0) + seconds
    return groups


def table(results: dict, docs: int) -> str:
    """Markdown table of the variants: totals (wall and CPU), docs/s, CPU seconds per stage group."""
    columns = ("parse", "validate", "segment", "views", "write", "finish", "other")
    lines = ["| variant | wall s | CPU s | docs/s (wall) | docs/CPU s | " + " | ".join(f"{c} (CPU s)" for c in columns)
             + " | peak RSS MiB |", "|---|---:|---:|---:|---:|" + "---:|" * len(columns) + "---:|"]
    for variant, result in results.items():
        if not result.get("total_s"):
            continue
        groups = grouped(result["cpu_stages"])
        cells = [f"{groups[c]:.2f}" if c in groups else "" for c in columns]
        lines.append(f"| {variant} | {result['total_s']:.2f} | {result['total_cpu_s']:.2f} | "
                     f"{docs / result['total_s']:.0f} | {docs / result['total_cpu_s']:.0f} | " + " | ".join(cells) + f" | {result['peak_rss_mb']:.0f} |")
    return "\n".join(lines)


def ratios(results: dict) -> dict[str, float]:
    """naive / ours (speed-up), ours / floor (distance to the floor), rebuild / ours; wall and CPU."""
    pairs = (("naive / ours", "naive", "ours"), ("naive / ours-jobs", "naive", "ours-jobs"),
             ("ours / floor", "ours", "floor"),
             ("rebuild / ours", "rebuild", "ours"))
    out = {}
    for clock in ("total_s", "total_cpu_s"):
        for name, top, bottom in pairs:
            a, b = results.get(top, {}).get(clock), results.get(bottom, {}).get(clock)
            if a and b:
                out[f"{name} ({'wall' if clock == 'total_s' else 'CPU'})"] = round(a / b, 3)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents in the synthetic corpus")
    parser.add_argument("--variants", default="ours,floor,naive,rebuild,micro",
                        help=f"comma-separated, in order (of {', '.join(VARIANTS)})")
    parser.add_argument("--work", default="/tmp/castcorpus-bench", help="folder for corpus and outputs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--repo", default=str(HERE.parent),
                        help="repository whose schema/, licenses and seed text are used (default: this one)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    work = Path(args.work)
    if args.child:
        print(json.dumps(run_child(args.child, work, Path(args.corpus), Path(args.repo))))
        return 0
    work.mkdir(parents=True, exist_ok=True)
    corpus, generated = ensure_corpus(work, args.docs, args.seed)
    results: dict = {"docs": args.docs, "seed": args.seed, "generate_s": generated, "nproc": os.cpu_count()}
    variants = {}
    for variant in args.variants.split(","):
        print(f"running {variant} on {args.docs} documents...", file=sys.stderr, flush=True)
        variants[variant] = spawn(variant, work, corpus, Path(args.repo))
        print(json.dumps(variants[variant]), file=sys.stderr, flush=True)
    results["variants"], results["ratios"] = variants, ratios(variants)
    print(table(variants, args.docs))
    print(json.dumps(results["ratios"]))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
