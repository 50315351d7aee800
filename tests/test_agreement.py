"""Agreement between passes: hand-computed cases."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from castcorpus.annotation.agreement import (_alpha_from_sums, bootstrap_alpha, compare, f1, jaccard, match_spans,
                                             nominal_alpha)


def test_jaccard_of_spans():
    assert jaccard((0, 10), (5, 15)) == pytest.approx(5 / 15)
    assert jaccard((0, 4), (4, 8)) == 0.0
    assert jaccard((2, 6), (2, 6)) == 1.0


def test_exact_and_partial_matching_are_one_to_one():
    left = [(0, 10), (20, 30), (40, 50)]
    right = [(0, 10), (21, 30), (60, 70)]
    assert match_spans(left, right, exact=True) == [(0, 0)]
    assert match_spans(left, right, exact=False) == [(0, 0), (1, 1)]
    # two left spans competing for one right span: only the better one matches
    assert match_spans([(0, 10), (1, 10)], [(0, 10)], exact=False) == [(0, 0)]


def test_one_shared_code_point_is_an_overlap_match_as_section_8_3_says():
    # Jaccard 1/19: below any proportional threshold, but the spans share a code point.
    assert match_spans([(0, 10)], [(9, 19)], exact=False) == [(0, 0)]
    assert match_spans([(0, 10)], [(10, 19)], exact=False) == []  # touching is not sharing


def test_nominal_alpha_with_three_values_by_hand():
    # Coincidences: aa 2, bb 2, cc 2, ab 1, ba 1; n = 8, n_a = 3, n_b = 3, n_c = 2.
    # D_o = 2/8; D_e = (64 - 9 - 9 - 4) / (8 * 7) = 42/56; alpha = 1 - (1/4) / (3/4) = 2/3.
    # (Coded 0, 1, 2 as an interval scale the answer would differ: the level matters.)
    assert nominal_alpha([("a", "a"), ("b", "b"), ("c", "c"), ("a", "b")]) == pytest.approx(2 / 3)


# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
# Communication, University of Pennsylvania, Departmental Papers (ASC) 43: the worked examples
# for two observers without missing data. The published values are printed to three places.
KRIPPENDORFF_2011_BINARY = ([0, 1, 0, 0, 0, 0, 0, 0, 1, 0],   # section A: binary data,
                            [1, 1, 1, 0, 0, 1, 0, 0, 0, 0], 0.095)  # 10 units, alpha = 0.095
KRIPPENDORFF_2011_NOMINAL = (list("aabbdcccedda"),             # section B: nominal data,
                             list("babbbccceddd"), 0.692)          # 12 units, alpha = 0.692


@pytest.mark.parametrize("example", [KRIPPENDORFF_2011_BINARY, KRIPPENDORFF_2011_NOMINAL], ids=["binary", "nominal"])
def test_alpha_equals_krippendorffs_published_worked_examples(example):
    first, second, published = example
    pairs = list(zip(first, second))
    assert round(nominal_alpha(pairs), 3) == published
    # The bootstrap's closed form, over one document and over the same units split in two.
    assert round(float(_alpha_from_sums(*_sums([pairs]))[0]), 3) == published
    assert round(float(_alpha_from_sums(*_sums([pairs[:5], pairs[5:]]))[0]), 3) == published


def test_the_level_of_measurement_is_nominal_by_the_published_value():
    # Coded as numbers 0-4 (a-e) the section B data give another alpha at the interval level:
    # only the nominal level gives the published 0.692, so a change of level cannot pass.
    import krippendorff
    import numpy as np

    first, second, published = KRIPPENDORFF_2011_NOMINAL
    codes = np.array([[ord(v) - ord("a") for v in first], [ord(v) - ord("a") for v in second]], dtype=float)
    assert round(float(krippendorff.alpha(reliability_data=codes, level_of_measurement="interval")), 3) != published
    numeric = list(zip(codes[0], codes[1]))
    assert round(nominal_alpha(numeric), 3) == published  # numbers are categories too


def _sums(documents):
    """(units, disagreements, value counts) summed over ``documents``, as one resample."""
    import numpy as np

    values = sorted({str(v) for pairs in documents for pair in pairs for v in pair})
    units = np.array([[sum(len(p) for p in documents)]], dtype=float)[0]
    disagreements = np.array([sum(str(a) != str(b) for p in documents for a, b in p)], dtype=float)
    counts = np.zeros((1, len(values)))
    for pairs in documents:
        for pair in pairs:
            for value in pair:
                counts[0, values.index(str(value))] += 1
    return units, disagreements, counts


def test_bootstrap_interval_brackets_the_pooled_alpha_and_needs_two_documents():
    docs = [[("a", "a"), ("b", "b")], [("a", "b"), ("b", "b")], [("a", "a"), ("b", "a"), ("b", "b")],
            [("a", "a"), ("b", "b"), ("a", "a")]]
    pooled = nominal_alpha([p for d in docs for p in d])
    low, high = bootstrap_alpha(docs, resamples=400)
    assert low <= pooled <= high and low < high
    assert bootstrap_alpha(docs, resamples=400) == (low, high)  # seeded: reproducible
    assert bootstrap_alpha(docs[:1]) is None


def test_cues_and_other_clusters_are_compared():
    left = annotation([{**claim("c1", 0, 20), "cue": span(21, 25), "other_clusters": ["x", "y"]}], [], [])
    right = annotation([{**claim("c1", 0, 20), "cue": span(21, 26), "other_clusters": ["y", "x"]}], [], [])
    labels = compare(left, right)["claims"].labels
    assert labels["cue"]["percent"] == 0.0 and labels["other_clusters"]["percent"] == 1.0


def test_a_corpus_without_passes_has_no_agreement(tmp_path):
    import shutil

    from castcorpus.annotation.agreement import corpus_agreement
    from castcorpus.corpus.reader import Corpus

    root = tmp_path / "corpus"
    shutil.copytree(Path(__file__).parent / "data" / "valid" / "minimal", root)
    shutil.rmtree(root / "passes")
    assert corpus_agreement(Corpus(root)) == {}


def test_pairwise_f1():
    assert f1(2, 3, 3) == pytest.approx(4 / 6)
    assert f1(0, 0, 0) is None


def test_alpha_perfect_and_chance():
    assert nominal_alpha([("a", "a"), ("b", "b"), ("a", "a")]) == pytest.approx(1.0)
    # Krippendorff's example: 4 units, coders disagree on one of two values each time
    worst = nominal_alpha([("a", "b"), ("b", "a"), ("a", "b"), ("b", "a")])
    assert worst < 0
    assert nominal_alpha([("a", "a")]) is None


def span(start, end):
    return {"start": start, "end": end}


def claim(cid, start, end, ctype="event", speaker="author"):
    return {"id": cid, "span": span(start, end), "type": ctype, "certainty": "asserted", "check_worthy": True,
            "speaker": speaker, "attribution": [{"source": "author", "cue": None}],
            "agents": [], "patients": [], "cluster": None, "cue": None}


def annotation(claims, stances, mentions):
    return {"claims": claims, "stances": stances, "actors": mentions}


def test_compare_two_passes_by_hand():
    left = annotation(
        [claim("c1", 0, 20), claim("c2", 30, 50, "casualties")],
        [{"holder": "author", "target": {"claim": "c2"}, "polarity": "support", "explicit": True},
         {"holder": "author", "target": {"actor": "isis"}, "polarity": "oppose", "explicit": False}],
        [{"actor": "isis", "mentions": [span(0, 4), span(30, 34)]}],
    )
    right = annotation(
        [claim("c7", 0, 20), claim("c9", 32, 50, "event")],
        [{"holder": "author", "target": {"claim": "c9"}, "polarity": "neutral", "explicit": True},
         {"holder": "author", "target": {"actor": "isis"}, "polarity": "oppose", "explicit": False}],
        [{"actor": "isis", "mentions": [span(0, 4)]}, {"actor": "russia", "mentions": [span(30, 34)]}],
    )
    result = compare(left, right)
    assert result["mentions"].exact_f1 == pytest.approx(1.0)
    assert result["mentions"].labels["actor"]["percent"] == pytest.approx(0.5)
    assert result["claims"].exact_f1 == pytest.approx(0.5)   # c1 only
    assert result["claims"].partial_f1 == pytest.approx(1.0)  # c2 ~ c9 (Jaccard 0.9)
    assert result["claims"].labels["type"]["percent"] == pytest.approx(0.5)
    # the claim-target stance matches through c2 ~ c9; polarities differ
    assert result["stances"].exact_f1 == pytest.approx(1.0)
    assert result["stances"].labels["polarity"]["percent"] == pytest.approx(0.5)


def test_unmatched_claim_targets_do_not_match_stances():
    left = annotation([claim("c1", 0, 10)], [{"holder": "author", "target": {"claim": "c1"}, "polarity": "support", "explicit": True}], [])
    right = annotation([claim("c1", 40, 50)], [{"holder": "author", "target": {"claim": "c1"}, "polarity": "support", "explicit": True}], [])
    assert compare(left, right)["stances"].exact_f1 == 0.0
    assert not math.isnan(compare(left, right)["claims"].exact_f1)


def test_committed_agreement_report_is_current(repo):
    from castcorpus.annotation.agreement import corpus_agreement, render_markdown
    from castcorpus.corpus.reader import Corpus

    preface = (repo / "docs" / "agreement-notes.md").read_text(encoding="utf-8")
    expected = render_markdown(corpus_agreement(Corpus(repo / "corpus")), preface)
    assert (repo / "docs" / "agreement.md").read_text(encoding="utf-8") == expected, \
        "run: castcorpus agreement --preface docs/agreement-notes.md --out docs/agreement.md"


def test_pooling_adds_counts_not_averages():
    from castcorpus.annotation.agreement import pool

    one = annotation([claim("c1", 0, 10)], [], [])
    two = annotation([claim("c1", 0, 10), claim("c2", 20, 30), claim("c3", 40, 50)], [], [])
    small = compare(one, one)["claims"]            # 1 of 1 matched
    large = compare(two, annotation([claim("c1", 0, 10)], [], []))["claims"]  # 1 of 3 vs 1
    pooled = pool([small, large])
    assert pooled.n_left == 4 and pooled.n_right == 2
    assert pooled.exact_f1 == pytest.approx(2 * 2 / 6)   # not the mean of 1.0 and 0.5
    assert pooled.labels["type"]["n"] == 2


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("abc")), max_size=6), min_size=2, max_size=6))
def test_bootstrap_alpha_from_sums_equals_the_package_on_every_resample(per_document):
    # The fast interval must be the interval of krippendorff's own alpha over the same resamples.
    from castcorpus.bootstrap import document_interval

    fast = bootstrap_alpha(per_document, resamples=60)
    slow = document_interval(per_document, nominal_alpha, 60)
    if slow is None:
        assert fast is None
    else:
        assert fast == pytest.approx(slow, abs=1e-9)


def test_pass_files_are_found_as_path_exists_finds_them(tmp_path):
    from castcorpus.annotation.agreement import _exists_in
    folder = tmp_path / "passes" / "annotator-1"
    folder.mkdir(parents=True)
    (folder / "doc-a.json").write_text("{}", encoding="utf-8")
    (folder / "doc-b.json").symlink_to(folder / "doc-a.json")
    (folder / "doc-c.json").symlink_to(folder / "nowhere.json")  # dangling: not there
    (folder / "Doc-D.json").write_text("{}", encoding="utf-8")  # found or not as the file system says
    exists = _exists_in(folder)
    for name in ("doc-a.json", "doc-b.json", "doc-c.json", "doc-d.json", "Doc-D.json", "doc-e.json", "nowhere.json"):
        assert exists(name) == (folder / name).exists(), name
