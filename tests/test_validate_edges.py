"""Edges of the validator's checks that golden cases alone do not pin: exact boundaries."""

from __future__ import annotations

import pytest

from castcorpus.validation.annotations import AnnotationContext, span_issues


@pytest.mark.parametrize("text", ["abc def", None], ids=["hydrated", "not-hydrated"])
@pytest.mark.parametrize("start, end, codes", [
    (4, 7, []),                          # ends exactly at the end of the text: fine
    (4, 8, ["span-out-of-range"]),       # one code point past it
    (0, 1, []),                          # starts at 0
    (6, 7, []),                          # the last code point alone
    (7, 8, ["span-out-of-range"]),       # starts at the end
    (3, 3, ["span-reversed"]),           # empty
])
def test_span_range_boundaries(text, start, end, codes):
    ctx = AnnotationContext("annotations/x.json", text, 7, True, None)
    found = [issue.code for issue in span_issues({"start": start, "end": end}, ("actors", 0, "mentions", 0), ctx)]
    assert found == codes


# --- the linear checks agree with the obvious quadratic definitions --------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from castcorpus.validation.annotations import _mention_layout_issues  # noqa: E402
from castcorpus.validation.registries import _on_cycles, merge_cycles, merge_ends  # noqa: E402

_mentions = st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 30), st.integers(1, 8)), max_size=25)


@settings(max_examples=300, deadline=None)
@given(_mentions)
def test_overlap_sweep_reports_exactly_the_mentions_a_pairwise_check_finds(mentions):
    actors: dict[str, list] = {}
    for actor, start, length in mentions:
        actors.setdefault(actor, []).append({"start": start, "end": start + length})
    annotation = {"actors": [{"actor": key, "mentions": sorted(spans, key=lambda m: (m["start"], m["end"]))}
                             for key, spans in actors.items()]}
    ctx = AnnotationContext("a.json", None, 100, None, None)
    reported = {i.pointer for i in _mention_layout_issues(annotation, ctx) if i.code == "mention-overlap"}
    # Pairwise: a mention is reported when a mention of another actor that sorts before it
    # (by start, end, actor, place) overlaps it.
    spans = sorted((m["start"], m["end"], e["actor"], (i, j))
                   for i, e in enumerate(annotation["actors"]) for j, m in enumerate(e["mentions"]))
    expected = {f"/actors/{b[3][0]}/mentions/{b[3][1]}" for k, b in enumerate(spans)
                for a in spans[:k] if a[2] != b[2] and a[1] > b[0]}
    assert reported == expected


_graphs = st.dictionaries(st.sampled_from("abcdefg"), st.lists(st.sampled_from("abcdefgh"), max_size=3), max_size=7)


def _reaches_itself(graph, node):
    seen, frontier = set(), list(graph[node])
    while frontier:
        key = frontier.pop()
        if key == node:
            return True
        if key in seen or key not in graph:
            continue
        seen.add(key)
        frontier.extend(graph[key])
    return False


@settings(max_examples=300, deadline=None)
@given(_graphs)
def test_part_of_cycles_are_the_actors_that_reach_themselves(graph):
    known = {key: [p for p in parents if p in graph and p != key] for key, parents in graph.items()}
    assert _on_cycles(known) == {key for key in known if _reaches_itself(known, key)}


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdef"), st.one_of(st.none(), st.sampled_from("abcdefg")), max_size=6))
def test_merge_cycles_are_the_clusters_that_reach_themselves(target):
    graph = {key: [into] if into and into != key else [] for key, into in target.items()}
    assert merge_cycles(target) == {key for key in graph if _reaches_itself(graph, key)}


def test_a_merge_chain_names_the_key_at_its_end():
    target = {"a": "b", "b": "c", "c": None, "x": "y", "y": "x", "s": "s", "u": "nowhere", "v": "u", "w": "x"}
    assert merge_ends(target) == {"a": "c", "b": "c"}  # broken chains (cycle, self, unknown) name nothing


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdef"), st.one_of(st.none(), st.sampled_from("abcdefg")), max_size=6))
def test_merge_ends_follow_each_chain_to_an_unmerged_cluster(target):
    expected = {}
    for key, into in target.items():
        seen, end = {key}, into
        while end in target and target[end] is not None and end not in seen:
            seen.add(end)
            end = target[end]
        if into is not None and end in target and target[end] is None:
            expected[key] = end
    assert merge_ends(target) == expected


def test_an_alias_shared_by_many_actors_names_five_and_counts_the_rest():
    from castcorpus.validation.registries import actor_issues

    actors = [{"key": f"actor-{i:02d}", "name": f"Actor {i}", "aliases": ["Shared"]} for i in range(8)]
    messages = {i.pointer: i.message for i in actor_issues(actors, "actors.json") if i.code == "alias-ambiguous"}
    assert len(messages) == 8
    assert messages["/actors/0/aliases/0"] == ("alias 'Shared' also names actor-01, actor-02, actor-03, actor-04, "
                                              "actor-05 and 2 more")
    assert messages["/actors/3/aliases/0"] == ("alias 'Shared' also names actor-00, actor-01, actor-02, actor-04, "
                                              "actor-05 and 2 more")


@pytest.mark.parametrize("value, expected", [("true", True), ("1", True), ("yes", True), ("TRUE", True),
                                             ("", False), ("false", False), ("0", False), (" False ", False)])
def test_any_ci_value_but_false_or_0_means_ci(monkeypatch, value, expected):
    from conftest import in_ci

    monkeypatch.setenv("CI", value)
    assert in_ci() is expected


def test_ci_unset_is_not_ci(monkeypatch):
    from conftest import in_ci

    monkeypatch.delenv("CI", raising=False)
    assert in_ci() is False


# --- a run in chunks (as the build runs it in worker processes) equals one run ----------------

def test_a_run_in_chunks_reports_what_one_run_reports(tmp_path):
    import pickle
    import shutil
    from pathlib import Path

    from castcorpus.validation.run import ValidationRun, validate

    data = Path(__file__).parent / "data" / "valid"
    root = tmp_path / "corpus"
    shutil.copytree(data / "minimal", root)
    (root / "texts" / "beta-ceasefire-talks.txt").unlink()        # a finding in the second document
    (root / "texts" / "orphan-text.txt").write_text("An invented text no document claims.\n", encoding="utf-8")
    whole = ValidationRun.begin(root, data / "hydrated")
    whole.check_documents(whole.document_files())
    expected = whole.finish()

    main = ValidationRun.begin(root, data / "hydrated")
    files = main.document_files()
    assert len(files) == 3
    for chunk in (files[:1], files[1:]):  # each through pickle, as between processes
        worker = ValidationRun.resume(pickle.loads(pickle.dumps(main.state())))
        worker.check_documents(chunk)
        main.absorb(pickle.loads(pickle.dumps(worker.findings())))
    report = main.finish()

    def shown(r):
        return sorted((i.file, i.pointer, i.code) for i in r.issues), sorted((w.file, w.code) for w in r.warnings)
    assert shown(report) == shown(expected) and report.files_checked == expected.files_checked
    assert {"text-missing", "text-orphan"} <= {i.code for i in report.issues}
    assert main.split_assignment() == whole.split_assignment()
    assert shown(validate(root, cache_dir=data / "hydrated")) == shown(expected)


def test_a_cycle_after_a_node_already_visited_is_found():
    # "b" is reached from "a" before it comes up as a root: the search must go on to "c".
    assert _on_cycles({"a": ["b"], "b": [], "c": ["d"], "d": ["c"]}) == {"c", "d"}


def _minimal_copy(tmp_path):
    import shutil
    from pathlib import Path

    data = Path(__file__).parent / "data" / "valid"
    root = tmp_path / "corpus"
    shutil.copytree(data / "minimal", root)
    return root, data / "hydrated"


def test_each_checked_document_is_handed_over_with_its_verified_text(tmp_path):
    from castcorpus.validation.run import validate

    root, hydrated = _minimal_copy(tmp_path)
    seen = {}
    validate(root, cache_dir=hydrated, on_document=lambda d: seen.setdefault(d.meta["id"], d))
    assert sorted(seen) == ["alpha-shelling-report", "beta-ceasefire-talks", "gamma-aid-convoy"]
    for doc_id, checked in seen.items():
        folder = root / "texts" if doc_id != "gamma-aid-convoy" else hydrated / "test-external" / "texts"
        assert checked.text == (folder / f"{doc_id}.txt").read_text(encoding="utf-8")
        assert checked.annotation["document"] == doc_id and checked.report.valid


def test_the_split_assignment_of_a_run_follows_the_ledger(tmp_path):
    import json

    from castcorpus.validation.run import ValidationRun

    root, hydrated = _minimal_copy(tmp_path)
    entries = [{"id": "alpha-shelling-report", "group": "g1", "standard": "test", "by_outlet": "train"},
               {"id": "beta-ceasefire-talks", "group": "g1", "standard": "test", "by_outlet": "validation"},
               {"id": "gamma-aid-convoy", "group": "g2", "standard": "validation", "by_outlet": "validation"}]
    (root / "splits.json").write_text(json.dumps({"schema_version": "1.0", "license": "CC-BY-4.0", "frozen": "2026-12-06",
                                                  "rule": "by hand", "documents": entries}), encoding="utf-8")
    run = ValidationRun.begin(root, hydrated)
    run.check_documents(run.document_files())
    assert run.finish().valid
    assert run.split_assignment() == {e["id"]: (e["standard"], e["by_outlet"]) for e in entries}


def test_a_resumed_run_has_every_registry_of_the_state_it_came_from(corpus_root, tmp_path):
    import pickle

    from castcorpus.validation.run import ValidationRun

    run = ValidationRun.begin(corpus_root, tmp_path / "cache")  # the real corpus: it has events and places
    assert run.event_entries and run.event_entries["events"] and run.event_entries["places"]
    resumed = ValidationRun.resume(pickle.loads(pickle.dumps(run.state())))
    for name in ("actors", "outlets", "collections", "clusters", "merged_clusters", "pass_folders", "events",
                 "event_entries"):
        assert getattr(resumed, name) == getattr(run, name), name


def test_no_code_point_below_the_first_combining_mark_extends_the_one_before():
    # splits_grapheme skips the category lookup for such edges.
    import unicodedata

    from castcorpus.validation.annotations import _EXTENDING, _FIRST_EXTENDING, _ZWJ

    assert _ZWJ > _FIRST_EXTENDING and unicodedata.category(_FIRST_EXTENDING) in _EXTENDING
    assert [code for code in range(ord(_FIRST_EXTENDING)) if unicodedata.category(chr(code)) in _EXTENDING] == []


@pytest.mark.parametrize("text, offset, expected", [
    ("ab", 1, None), ("e\u0301", 1, "\u0301"), ("a\u200db", 1, "\u200d"), ("a\u200db", 2, "b"), ("ab", 0, None)])
def test_splits_grapheme_at_marks_and_joiners(text, offset, expected):
    from castcorpus.validation.annotations import splits_grapheme

    assert splits_grapheme(text, offset) == expected


def test_an_issue_shows_lone_surrogates_as_escapes():
    from castcorpus.report import Issue

    issue = Issue("documents/a\udcff.json", "", "file-unexpected", "plain é")
    assert issue.file == "documents/a\\xff.json" and issue.message == "plain é"


# --- files taken in with one lstat: links inside the corpus are followed as before -------------

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

MINIMAL = Path(__file__).resolve().parent / "data" / "valid" / "minimal"


def _minimal(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(MINIMAL, root)
    return root


def test_files_linked_inside_the_corpus_are_checked_as_their_targets(tmp_path):
    from castcorpus.validation.run import validate

    root = _minimal(tmp_path)
    plain = validate(root, cache_dir=tmp_path / "cache")
    for folder, name in (("annotations", "alpha-shelling-report.json"), ("texts", "alpha-shelling-report.txt"),
                         ("documents", "alpha-shelling-report.json")):
        target = root / f".{folder}-{name}"
        (root / folder / name).rename(target)
        (root / folder / name).symlink_to(Path("..") / target.name)
    linked = validate(root, cache_dir=tmp_path / "cache")
    assert plain.valid and linked.lines() == plain.lines() and linked.files_checked == plain.files_checked


def test_a_dangling_text_link_is_unreadable_not_missing(tmp_path):
    from castcorpus.validation.run import validate

    root = _minimal(tmp_path)
    (root / "texts" / "alpha-shelling-report.txt").unlink()
    (root / "texts" / "alpha-shelling-report.txt").symlink_to("nowhere.txt")
    codes = {(issue.file, issue.code) for issue in validate(root, cache_dir=tmp_path / "cache").issues}
    assert ("texts/alpha-shelling-report.txt", "file-unreadable") in codes
    assert not any(code == "text-missing" for _, code in codes)


def test_a_folder_where_an_annotation_would_be_is_not_read(tmp_path):
    from castcorpus.validation.run import validate

    root = _minimal(tmp_path)
    (root / "annotations" / "alpha-shelling-report.json").unlink()
    (root / "annotations" / "alpha-shelling-report.json").mkdir()
    lines = validate(root, cache_dir=tmp_path / "cache").lines()
    assert lines == ["annotations/alpha-shelling-report.json:: file-unexpected: only <id>.json files belong in this folder"]
