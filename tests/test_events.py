"""Event proposals: runs of articles of one location whose consecutive dates are at most the
window apart; every expected run below is worked out by hand from the invented dates."""

from __future__ import annotations

from castcorpus.splits.events import DEFAULT_WINDOW, propose, proposal_summary


def meta(doc_id, location, date):
    return {"id": doc_id, "source_record": {"location": location, "date": date}}


METAS = [
    meta("a1", "Aleppo", "2017-03-01"),
    meta("a2", "Aleppo", "2017-03-04"),   # 3 days after a1: same run (the window is 3)
    meta("a3", "Aleppo", "2017-03-08"),   # 4 days after a2: a new run
    meta("a4", "Aleppo", "2017-03-10"),   # 2 days after a3
    meta("a5", "Aleppo", "2017-03-13"),   # 3 days after a4: a run of three
    meta("d1", "Deir ez-Zor", "2017-02-27"),
    meta("d2", "Deir ez-Zor", "2017-03-02"),  # 3 days across the month's end
    meta("x1", "Aleppo", "2017-03"),      # no full date: left out
    meta("x2", "", "2017-03-01"),         # no location: left out
    {"id": "x3", "source_record": None},  # no source record: left out
    {"id": "x4"},
]


def test_runs_by_location_and_date_by_hand():
    assert DEFAULT_WINDOW == 3
    runs = [p.as_dict() for p in propose(reversed(METAS))]  # input order does not matter
    assert runs == [
        {"key": "Aleppo-2017-03-01", "location": "Aleppo", "first": "2017-03-01", "last": "2017-03-04",
         "documents": ["a1", "a2"]},
        {"key": "Aleppo-2017-03-08", "location": "Aleppo", "first": "2017-03-08", "last": "2017-03-13",
         "documents": ["a3", "a4", "a5"]},
        {"key": "Deir-ez-Zor-2017-02-27", "location": "Deir ez-Zor", "first": "2017-02-27", "last": "2017-03-02",
         "documents": ["d1", "d2"]},
    ]


def test_the_window_is_a_parameter():
    assert [p.documents for p in propose(METAS, window=2)] == [["a1"], ["a2"], ["a3", "a4"], ["a5"], ["d1"], ["d2"]]
    assert [p.documents for p in propose(METAS, window=4)] == [["a1", "a2", "a3", "a4", "a5"], ["d1", "d2"]]
    assert [p.documents for p in propose(METAS, window=0)] == [["a1"], ["a2"], ["a3"], ["a4"], ["a5"], ["d1"], ["d2"]]


def test_articles_of_one_day_share_a_run_ordered_by_id():
    same_day = [meta("b2", "Homs", "2017-01-05"), meta("b1", "Homs", "2017-01-05")]
    assert [p.documents for p in propose(same_day, window=0)] == [["b1", "b2"]]


def test_summary_counts_by_hand():
    assert proposal_summary(propose(METAS)) == {"runs": 3, "documents": 7, "runs_of_3_or_more": 1,
                                                "documents_in_runs_of_3_or_more": 3, "longest_run": 3}
    assert proposal_summary([]) == {"runs": 0, "documents": 0, "runs_of_3_or_more": 0,
                                    "documents_in_runs_of_3_or_more": 0, "longest_run": 0}
