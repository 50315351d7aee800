"""Claim coverage on the real corpus: every sentence that names an annotated actor and holds a
reporting word is covered by a claim, or is a reviewed exception (needs the FA-KES file)."""

from __future__ import annotations

import json

from castcorpus.corpus.reader import Corpus
from castcorpus.annotation.coverage import uncovered_sentences
from castcorpus.sources.fakes.hydrate import hydrate_fakes


def test_every_reporting_sentence_with_an_actor_holds_a_claim(fakes_csv, corpus_root, tmp_path):
    hydrate_fakes(fakes_csv, corpus_root, tmp_path / "cache")
    corpus = Corpus(corpus_root, tmp_path / "cache")
    exceptions = json.loads((corpus_root / "coverage-exceptions.json").read_text(encoding="utf-8"))["exceptions"]
    allowed = {(e["document"], e["start"], e["end"]) for e in exceptions}
    found, checked = set(), 0
    for record in corpus.iter_documents(annotated_only=True):
        assert record.text is not None, record.id
        checked += 1
        found |= {(u.document, u.start, u.end) for u in uncovered_sentences(record.id, record.text, record.annotation)}
    assert checked == len(list((corpus_root / "annotations").glob("*.json")))
    assert found - allowed == set(), "sentences with an actor and a reporting word but no claim"
    assert allowed - found == set(), "exceptions that no longer apply"


def test_the_check_finds_a_sentence_whose_claims_were_removed():
    text = "The monitor said five people died. The town was quiet.\n"
    annotation = {"actors": [{"actor": "monitor", "mentions": [{"start": 4, "end": 11}]}],
                  "claims": [{"span": {"start": 17, "end": 33}, "attribution": [{"source": "author", "cue": None}]}]}
    assert uncovered_sentences("d", text, annotation) == []
    annotation["claims"] = []
    [found] = uncovered_sentences("d", text, annotation)
    assert (found.start, found.end, found.cue) == (0, 34, "said")


def test_a_speech_tag_split_off_after_a_quotation_is_covered_by_its_claims_cue():
    text = '"Five people died here?" said the monitor. The town was quiet.\n'
    claim = {"span": {"start": 1, "end": 22},
             "attribution": [{"source": "author", "cue": None}, {"source": "monitor", "cue": {"start": 25, "end": 29}}]}
    annotation = {"actors": [{"actor": "monitor", "mentions": [{"start": 34, "end": 41}]}], "claims": [claim]}
    assert uncovered_sentences("d", text, annotation) == []
    claim["attribution"][1]["cue"] = None  # without the cue the tag's sentence is uncovered
    assert [u.cue for u in uncovered_sentences("d", text, annotation)] == ["said"]
