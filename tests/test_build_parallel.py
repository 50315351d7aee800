"""A build with worker processes gives the same release, and the same report, as one process."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from build_helpers import HYDRATED, MINIMAL, sums, synthetic_corpus
from castcorpus.release import derive, incremental
from castcorpus.release.build import BuildError, build_release
from castcorpus.validation.run import validate

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return synthetic_corpus(45, tmp_path_factory.mktemp("synthetic") / "corpus", seed=5)


@pytest.fixture
def small_chunks(monkeypatch):
    # Chunks of 7 documents, and workers even for a small corpus, so that chunk boundaries,
    # chunks without annotated documents and the merge of staged rows are all exercised.
    monkeypatch.setattr(incremental, "MAX_CHUNK", 7)
    monkeypatch.setattr(derive, "MIN_PARALLEL_DOCUMENTS", 2)


@pytest.mark.parametrize("corpus", ["synthetic", "minimal"])
def test_two_workers_build_the_same_bytes_as_one_process(corpus, synthetic, small_chunks, tmp_path):
    root, cache = (synthetic, tmp_path / "cache") if corpus == "synthetic" else (MINIMAL, HYDRATED)
    one = build_release(root, tmp_path / "one", cache_dir=cache, repo_root=REPO, jobs=1)
    two = build_release(root, tmp_path / "two", cache_dir=cache, repo_root=REPO, jobs=2)
    assert sums(tmp_path / "one") == sums(tmp_path / "two")
    assert one.rows == two.rows and one.left_out == two.left_out and one.splits == two.splits
    assert sorted(one.issues) == sorted(two.issues)
    assert not list((tmp_path / "two").rglob("*.arrows"))  # no staging file is shipped


def test_two_workers_refuse_an_invalid_corpus_with_the_validators_report(synthetic, small_chunks, tmp_path):
    import shutil

    root = tmp_path / "corpus"
    shutil.copytree(synthetic, root)
    annotation = sorted((root / "annotations").glob("*.json"))[-3]  # in the last chunk
    data = json.loads(annotation.read_text(encoding="utf-8"))
    data["claims"][0]["type"] = "rumour"
    annotation.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build_release(root, tmp_path / "out", cache_dir=tmp_path / "cache", repo_root=REPO, jobs=2)
    expected = validate(root, cache_dir=tmp_path / "cache")
    assert caught.value.report.lines() == expected.lines() and expected.lines()
    assert caught.value.report.files_checked == expected.files_checked
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out*"))


def test_the_command_line_refuses_a_job_count_below_one(capsys):
    from castcorpus.cli.main import main

    with pytest.raises(SystemExit) as caught:
        main(["build", str(MINIMAL), "--jobs", "0"])
    assert caught.value.code == 2
    assert "'0' is not a number of processes" in capsys.readouterr().err


@pytest.fixture
def one_document_chunks(monkeypatch):
    monkeypatch.setattr(incremental, "MAX_CHUNK", 1)
    monkeypatch.setattr(derive, "MIN_PARALLEL_DOCUMENTS", 2)


@pytest.mark.parametrize("copy", ["changed", "missing"])
def test_documents_left_out_and_why_are_the_same_with_workers(copy, one_document_chunks, tmp_path):
    # The external document's hydrated copy is in the last chunk; its finding (or its absence)
    # reaches the main process from a worker, and becomes the reason it is left out.
    import shutil

    cache = tmp_path / "cache"
    shutil.copytree(HYDRATED, cache)
    text = next(cache.glob("*/texts/*.txt"))
    if copy == "changed":
        text.write_text(text.read_text(encoding="utf-8") + " Changed.", encoding="utf-8")
    else:
        text.unlink()
    one = build_release(MINIMAL, tmp_path / "one", cache_dir=cache, repo_root=REPO, jobs=1)
    two = build_release(MINIMAL, tmp_path / "two", cache_dir=cache, repo_root=REPO, jobs=2)
    assert one.left_out == two.left_out == [(text.stem, two.left_out[0][1])]
    assert two.left_out[0][1].startswith("text-hash-mismatch" if copy == "changed" else "text not available")
    assert sorted(one.issues) == sorted(two.issues)
    assert sums(tmp_path / "one") == sums(tmp_path / "two")


def test_a_failing_write_thread_stops_the_others_and_leaves_no_release(small_chunks, synthetic, tmp_path, monkeypatch):
    from castcorpus.release import parquet

    original, calls = parquet.ConfigWriter.add_table, {"n": 0}

    def failing(self, *args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("injected failure")
        return original(self, *args)

    monkeypatch.setattr(parquet.ConfigWriter, "add_table", failing)
    with pytest.raises(RuntimeError, match="injected"):  # the failure itself, whichever task it was in
        build_release(synthetic, tmp_path / "out", cache_dir=tmp_path / "cache", repo_root=REPO, jobs=2)
    # 12 config/scheme tasks over 7 chunks make over 60 batches; the other thread stops at its
    # next one instead of writing all of its config (and queued tasks never start).
    assert 3 <= calls["n"] <= 6
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out.building-*"))


def test_every_config_has_a_place_in_the_write_order():
    from castcorpus.release.features import CONFIGS
    from castcorpus.release.write import _LARGEST_FIRST

    assert sorted(_LARGEST_FIRST) == sorted(CONFIGS)


def test_merging_counts_keeps_zero_counts_and_adds_the_rest():
    from collections import Counter

    from castcorpus.release.stats import Stats

    a, b = Stats(documents=2, split=Counter({("document", "train", "annotated"): 0})), Stats(documents=3)
    b.split[("document", "train", "all")] = 3
    b.gold_ids.add("x")
    a.merge(b)
    assert a.documents == 5 and a.gold_ids == {"x"}
    assert a.split == Counter({("document", "train", "annotated"): 0, ("document", "train", "all"): 3})
    assert ("document", "train", "annotated") in a.split


def test_the_default_number_of_workers_is_one_per_idle_core_at_most_eight(monkeypatch):
    from castcorpus.release import jobs

    monkeypatch.setattr(jobs.os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    monkeypatch.setattr(jobs, "_read_stat", lambda: None)
    monkeypatch.setattr(jobs.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert jobs.default_jobs() == jobs.MAX_DEFAULT_JOBS == 8
    monkeypatch.setattr(jobs.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert jobs.default_jobs() == 2
    monkeypatch.setattr(jobs.os, "getloadavg", lambda: (1.0, 0.0, 0.0))  # one core busy elsewhere
    assert jobs.default_jobs() == 1


def _stat(*cpus: tuple[int, int]) -> str:
    """A /proc/stat text: per CPU, (busy, idle) ticks; busy split over user and system."""
    lines = ["cpu  0 0 0 0 0 0 0 0 0 0"]
    for n, (busy, idle) in enumerate(cpus):
        lines.append(f"cpu{n} {busy - busy // 3} 0 {busy // 3} {idle - idle // 4} {idle // 4} 0 0 0 0 0")
    return "\n".join(lines + ["intr 1 2 3", "ctxt 99"]) + "\n"


def test_cpu_ticks_count_only_the_usable_cores_and_idle_includes_waiting_for_io():
    from castcorpus.release.jobs import cpu_ticks

    text = _stat((100, 900), (700, 300), (5, 5))
    assert cpu_ticks(text, [0]) == (100, 1000)
    assert cpu_ticks(text, [0, 1]) == (800, 2000)
    assert cpu_ticks(text, [2]) == (5, 10)
    assert cpu_ticks(text, [7]) == (0, 0)


@pytest.mark.parametrize("cores, busy, expected", [
    (2, 0.0, 2), (2, 0.2, 2), (2, 0.8, 1), (2, 1.0, 1), (2, 2.0, 1), (2, -0.5, 2),
    (8, 1.0, 7), (16, 0.0, 8), (1, 0.0, 1),
])
def test_jobs_for_counts_the_cores_other_processes_leave_idle(cores, busy, expected):
    from castcorpus.release.jobs import jobs_for

    assert jobs_for(cores, busy) == expected


def test_idle_cores_subtract_this_process_and_see_a_core_busy_elsewhere(monkeypatch):
    from castcorpus.release import jobs

    # Two cores over 100 ticks each: a spinning process keeps one busy (~1 core busy
    # elsewhere) while this process used 0.1 s of CPU in the 1 s measured.
    clock = {"wall": 100.0, "cpu": 5.0}
    monkeypatch.setattr(jobs.time, "monotonic", lambda: clock["wall"])
    monkeypatch.setattr(jobs.time, "process_time", lambda: clock["cpu"])
    monkeypatch.setattr(jobs.time, "sleep", lambda s: pytest.fail("slept although the sample was long enough"))
    probe = jobs.IdleCores([0, 1], _stat((0, 0), (0, 0)))
    clock["wall"], clock["cpu"] = 101.0, 5.1
    monkeypatch.setattr(jobs, "_read_stat", lambda: _stat((100, 0), (10, 90)))
    assert probe.busy_elsewhere() == pytest.approx(1.0)
    assert probe.jobs() == 1
    monkeypatch.setattr(jobs, "_read_stat", lambda: _stat((12, 88), (3, 97)))  # only this process
    assert probe.busy_elsewhere() == pytest.approx(0.05)
    assert probe.jobs() == 2


def test_a_short_measurement_waits_for_the_rest_of_its_minimum(monkeypatch):
    from castcorpus.release import jobs

    clock = {"wall": 10.0}
    slept = []
    monkeypatch.setattr(jobs.time, "monotonic", lambda: clock["wall"])

    def sleep(seconds):
        slept.append(seconds)
        clock["wall"] += seconds

    monkeypatch.setattr(jobs.time, "sleep", sleep)
    monkeypatch.setattr(jobs, "_read_stat", lambda: _stat((0, 10), (0, 10)))
    probe = jobs.IdleCores([0, 1], _stat((0, 0), (0, 0)))
    clock["wall"] += 0.03
    assert probe.jobs() == 2
    assert slept == [pytest.approx(jobs.MIN_SAMPLE_SECONDS - 0.03)]


def test_the_build_measures_the_idle_cores_only_for_a_large_corpus_without_a_given_count(
        synthetic, tmp_path, monkeypatch):
    from castcorpus.release import build

    chosen = []
    monkeypatch.setattr(build.IdleCores, "jobs", lambda self: chosen.append(self) or 1)
    cache = tmp_path / "cache"
    monkeypatch.setattr(build, "MIN_PARALLEL_DOCUMENTS", 46)  # the corpus has 45 documents
    summary = build_release(synthetic, tmp_path / "small", cache_dir=cache, repo_root=REPO, incremental=False)
    assert summary.jobs == 1 and chosen == []
    monkeypatch.setattr(build, "MIN_PARALLEL_DOCUMENTS", 45)
    summary = build_release(synthetic, tmp_path / "large", cache_dir=cache, repo_root=REPO, incremental=False)
    assert summary.jobs == 1 and len(chosen) == 1
    summary = build_release(synthetic, tmp_path / "given", cache_dir=cache, repo_root=REPO,
                            incremental=False, jobs=3)
    assert summary.jobs == 3 and len(chosen) == 1  # given, not measured


def test_a_dead_worker_is_reported_with_a_hint_not_a_traceback(monkeypatch, capsys, tmp_path):
    from concurrent.futures.process import BrokenProcessPool

    import castcorpus.release.build
    from castcorpus.cli.main import main

    def broken(*args, **kwargs):
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(castcorpus.release.build, "build_release", broken)
    assert main(["build", str(MINIMAL), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "a worker process died" in err and "--jobs 1" in err and "Traceback" not in err


def test_the_pass_runs_with_the_objects_alive_before_it_frozen_and_then_thawed():
    import gc

    from castcorpus.release.filerecords import collector_paused

    before = gc.isenabled()
    keep = [object() for _ in range(10)] + [[]]  # a tracked object alive before the block
    with collector_paused(freeze=True):
        assert not gc.isenabled() and gc.get_freeze_count() > 0
        made = [[]]  # made inside: not frozen, so a collection still looks at it
        assert gc.is_tracked(made[0]) and gc.get_freeze_count() >= 1
    assert gc.get_freeze_count() == 0 and gc.isenabled() == before and keep
    with collector_paused():
        assert gc.get_freeze_count() == 0 and not gc.isenabled()
    assert gc.isenabled() == before


def _collector_seen_by(monkeypatch, step: str) -> list[tuple[bool, bool]]:
    """``(collector enabled, objects frozen)`` each time the build's ``step`` is called."""
    import gc

    from castcorpus.release import build

    seen = []
    real = getattr(build, step)

    def watched(*args, **kwargs):
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(build, step, watched)
    return seen


def test_the_build_derives_with_the_collector_paused_and_the_older_objects_frozen(synthetic, tmp_path, monkeypatch):
    import gc

    seen = _collector_seen_by(monkeypatch, "derive_pass")
    build_release(synthetic, tmp_path / "out", cache_dir=tmp_path / "cache", repo_root=REPO, jobs=1, incremental=False)
    assert seen == [(False, True)] and gc.get_freeze_count() == 0


def test_the_whole_build_leaves_the_older_objects_out_of_the_collections_and_thaws_them(synthetic, tmp_path,
                                                                                       monkeypatch):
    """The libraries' objects stay frozen from the pass to the checksums (a nested freeze does
    not thaw them early), the collector still runs for what the build makes, and nothing is
    left frozen afterwards, also when the build fails."""
    import gc

    from castcorpus.release import build
    from castcorpus.release.filerecords import objects_frozen

    with objects_frozen():
        with objects_frozen():
            pass
        assert gc.get_freeze_count() > 0  # the inner block left the outer one's freeze alone
    assert gc.get_freeze_count() == 0

    seen = _collector_seen_by(monkeypatch, "write_configs")
    build_release(synthetic, tmp_path / "out", cache_dir=tmp_path / "cache", repo_root=REPO, jobs=1, incremental=False)
    assert seen == [(True, True)] and gc.get_freeze_count() == 0

    def failing(*args, **kwargs):
        raise RuntimeError("a writer failed")

    monkeypatch.setattr(build, "write_configs", failing)
    with pytest.raises(RuntimeError):
        build_release(synthetic, tmp_path / "out2", cache_dir=tmp_path / "cache", repo_root=REPO, jobs=1,
                      incremental=False)
    assert gc.get_freeze_count() == 0
