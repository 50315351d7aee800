"""Fuzzing the readers of untrusted input: the corpus JSON loader and the predictions reader.

Random bytes, random JSON and random Unicode must give findings, never an exception. The run is
bounded (a fixed number of examples, derandomized so that CI runs the same examples each time;
a failure found once is reproducible). Each reader's contract is also checked on what it returns.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

from castcorpus.corpus.jsonio import load_json
from castcorpus.scoring.predictions import check, parse_lines
from castcorpus.corpus.schema import schema_issues

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)
#: Text with what breaks naive readers: lone surrogates (as JSON escapes), deep nesting,
#: huge numbers, NaN, duplicate keys, BOMs, control characters.
_nasty = st.sampled_from(['\\ud800', '\\udfff', '[' * 3000, '1' * 5000, 'NaN', '-Infinity', '{"a":1,"a":2}',
                          '\ufeff', '\x00', '"\\u0000"', '1e999999', '{"": {}}', '\\', '"'])
_texts = st.lists(st.one_of(st.text(), _nasty, _json_values.map(json.dumps)), max_size=6).map("".join)


def _check_issues(issues, file):
    for issue in issues:
        assert issue.file == file and issue.code and issue.message
        issue.line().encode("utf-8")  # printable: no lone surrogate reaches the terminal
        json.dumps(issue.message, ensure_ascii=False).encode("utf-8")


@BOUNDED
@given(st.binary(max_size=2000))
def test_load_json_never_raises_on_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "f.json"
    path.write_bytes(data)
    loaded = load_json(path, "f.json")
    _check_issues(loaded.issues, "f.json")
    if loaded.ok:
        json.dumps(loaded.value, ensure_ascii=False).encode("utf-8")  # what loads can be written


@BOUNDED
@given(st.one_of(_texts, _json_values.map(json.dumps)))
def test_load_json_and_the_schemas_never_raise_on_text(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "f.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    loaded = load_json(path, "f.json")
    _check_issues(loaded.issues, "f.json")
    if loaded.ok:
        for kind in ("actors", "annotation", "document"):
            _check_issues(list(schema_issues(kind, loaded.value, "f.json")), "f.json")


@BOUNDED
@given(st.one_of(_texts, st.lists(_json_values.map(json.dumps), max_size=5).map("\n".join)))
def test_predictions_reader_never_raises(text):
    records, issues = parse_lines(text, "p.jsonl")
    _check_issues(issues, "p.jsonl")
    references = {("doc", 0): {"doc_id": "doc", "sentence_index": 0, "label": "claim", "tokens": ["a"],
                               "ner_tags": ["O"], "span_tags": ["O"]}}
    for task in ("sentences", "checkworthiness", "claims", "stances", "actor_ner", "claim_spans"):
        labels = {"label": ["no_claim", "claim"], "type": ["event"], "polarity": ["support"], "ner_tags": ["O"],
                  "span_tags": ["O"]}
        checked = check(task, records, references, {"doc"}, labels, "p.jsonl", {"doc": 10})
        _check_issues(checked.issues, "p.jsonl")
        for line, _ in records:
            assert 1 <= line <= text.count("\n") + 1
