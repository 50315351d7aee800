"""castcorpus link-wikidata: proposals from recorded API answers and from a dump fixture,
polite and bounded retries, clear failures, and accepting only what a reviewer accepted.

The API answers are recorded under tests/data/wikidata/api/ (the shapes wbsearchentities,
wbgetentities and wbgetclaims return); tests/data/wikidata/dump.json holds the same entities
as a dump. Items Q9000000xx are invented; the countries and classes are Wikidata's. No test
opens a socket: :func:`_no_network` makes any attempt fail the test.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import socket
import urllib.error
import urllib.parse
from email.message import Message
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from castcorpus.cli.main import main
from castcorpus.linking.accept import accept
from castcorpus.linking.api import ApiSource
from castcorpus.linking.client import ApiClient, WikidataError, retry_after
from castcorpus.linking.dump import DumpSource
from castcorpus.linking.normalise import normalise
from castcorpus.linking.review import propose
from castcorpus.linking.targets import read_registries, targets

DATA = Path(__file__).resolve().parent / "data" / "wikidata"
ALL = ("actors", "outlets", "places")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(DATA / "corpus", root)
    return root


class _Response:
    def __init__(self, body: bytes, headers: dict | None = None):
        self._body, self.headers = body, _headers(headers or {})

    def read(self):
        return self._body

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _headers(values: dict) -> Message:
    message = Message()
    for name, value in values.items():
        message[name] = value
    return message


class Recorded:
    """An opener that answers from the recorded API responses and logs every request."""

    def __init__(self):
        self.search = json.loads((DATA / "api" / "wbsearchentities.json").read_text(encoding="utf-8"))
        self.entities = json.loads((DATA / "api" / "wbgetentities.json").read_text(encoding="utf-8"))["entities"]
        self.claims = json.loads((DATA / "api" / "wbgetclaims.json").read_text(encoding="utf-8"))
        self.requests = []

    def __call__(self, request, timeout=None):
        self.requests.append(request)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.full_url).query))
        action = query["action"]
        if action == "wbsearchentities":
            answer = self.search.get(query["search"], {"search": [], "success": 1})
        elif action == "wbgetentities":
            answer = {"entities": {q: self.entities.get(q, {"id": q, "missing": ""}) for q in query["ids"].split("|")},
                      "success": 1}
        else:
            answer = self.claims.get(query["entity"], {"claims": {}})
        return _Response(json.dumps(answer).encode())


def _api(opener, **kwargs) -> ApiSource:
    return ApiSource(ApiClient(opener, sleep=kwargs.pop("sleep", lambda s: None), **kwargs))


def _propose(root: Path, source, registries=ALL):
    files, issues = read_registries(root, registries)
    assert issues == []
    return propose(targets(files, registries), source)


def _by_key(review: dict) -> dict:
    return {(p["registry"], p["key"]): p for p in review["proposals"]}


# --- proposals ---------------------------------------------------------------------------------

@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_dump_proposals_rank_by_name_type_and_country(corpus, tmp_path, compressed):
    dump = DATA / "dump.json"
    if compressed:
        dump = tmp_path / "dump.json.gz"
        dump.write_bytes(gzip.compress((DATA / "dump.json").read_bytes()))
    review, _ = _propose(corpus, DumpSource(dump))
    proposals = _by_key(review)
    # Linked and not-applicable entries are never searched.
    assert ("actors", "russia") not in proposals and ("actors", "anonymous-official") not in proposals
    brigade = proposals[("actors", "northern-brigade")]["candidates"]
    # Same label twice: the armed group in Syria beats the sports club elsewhere; an alias match ranks between.
    assert [c["qid"] for c in brigade] == ["Q900000001", "Q900000003", "Q900000002"]
    criteria = {c["qid"]: {e["criterion"] for e in c["evidence"]} for c in brigade}
    assert criteria["Q900000001"] == {"label_exact", "type_keyword", "country_match", "description_syria"}
    assert criteria["Q900000002"] == {"label_exact", "type_mismatch", "country_other"}  # its deprecated P17 ignored
    assert all(c["score"] == sum(e["points"] for e in c["evidence"]) for c in brigade)
    syria = proposals[("actors", "syria")]["candidates"][0]
    assert syria["qid"] == "Q858" and syria["score"] == 4 + 3 + 2
    assert proposals[("places", "tel-karam")]["candidates"][0]["evidence"][1]["criterion"] == "type_class"
    assert all(p["accepted"] is None for p in review["proposals"])


def test_api_and_dump_give_the_same_candidates(corpus):
    from_dump, _ = _propose(corpus, DumpSource(DATA / "dump.json"))
    from_api, _ = _propose(corpus, _api(Recorded()))
    assert from_api["source"]["kind"] == "api" and from_dump["source"]["kind"] == "dump"
    assert from_api["proposals"] == from_dump["proposals"]


def test_the_review_file_follows_its_schema(corpus):
    from castcorpus.linking.accept import review_issues

    review, _ = _propose(corpus, DumpSource(DATA / "dump.json"))
    assert review_issues(review, "review.json") == []
    review["proposals"][0]["accepted"] = "not a QID"
    assert [i.code for i in review_issues(review, "review.json")] == ["schema-pattern"]


def test_requests_are_polite(corpus):
    opener = Recorded()
    _propose(corpus, _api(opener, contact="maintainer@example.org", maxlag=4))
    assert opener.requests
    for request in opener.requests:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.full_url).query))
        assert query["maxlag"] == "4" and query["format"] == "json"
        agent = request.get_header("User-agent")
        assert agent.startswith("castcorpus/") and "CAST-Syria" in agent and "maintainer@example.org" in agent
    # Class labels and country codes are asked once for all entries, not per entry.
    actions = [dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r.full_url).query))["action"] for r in opener.requests]
    assert actions.count("wbgetclaims") == len({"Q858", "Q159"})


def test_an_entry_without_candidates_is_a_warning_not_a_failure(corpus, tmp_path, capsys):
    out = tmp_path / "review.json"
    code = main(["link-wikidata", "--corpus", str(corpus), "--dump", str(DATA / "dump.json"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0 and out.exists()
    assert "actors.json:/actors/1: wikidata-no-candidate: no Wikidata item found for 'levant-daily'" in err
    assert "outlets.json:/outlets/0: wikidata-no-candidate" in err


def test_key_and_registries_choose_the_entries(corpus, tmp_path, capsys):
    out = tmp_path / "review.json"
    assert main(["link-wikidata", "--corpus", str(corpus), "--dump", str(DATA / "dump.json"), "--out", str(out),
                 "--registries", "places", "--key", "tel-karam", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["entries"] == 1 and summary["issues"] == []
    assert [p["key"] for p in json.loads(out.read_text())["proposals"]] == ["tel-karam"]
    with pytest.raises(SystemExit) as usage:  # events have no name to search by
        main(["link-wikidata", "--corpus", str(corpus), "--out", str(out), "--registries", "events"])
    assert usage.value.code == 2


# --- failures ----------------------------------------------------------------------------------

class Failing:
    """An opener that raises or answers as told, one entry per request, then as the last."""

    def __init__(self, *outcomes):
        self.outcomes, self.calls = list(outcomes), 0

    def __call__(self, request, timeout=None):
        outcome = self.outcomes[min(self.calls, len(self.outcomes) - 1)]
        self.calls += 1
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def _http(code: int, headers: dict | None = None) -> urllib.error.HTTPError:
    return urllib.error.HTTPError("https://www.wikidata.org/w/api.php", code, "refused", _headers(headers or {}),
                                  io.BytesIO(b""))


def _ok(answer: dict, headers: dict | None = None) -> _Response:
    return _Response(json.dumps(answer).encode(), headers)


def test_rate_limits_are_retried_as_retry_after_says_then_given_up():
    waits = []
    answer = _ok({"search": [], "success": 1})
    lagging = _ok({"error": {"code": "maxlag", "info": "Waiting for a database server"}}, {"Retry-After": "5"})
    client = ApiClient(Failing(_http(429, {"Retry-After": "7"}), lagging, answer), sleep=waits.append)
    assert client.search("Syria", "en", 3) == []
    assert waits == [7.0, 5.0] and client.requests == 3
    # Without Retry-After: a doubling backoff; after the retries, a clear failure.
    waits.clear()
    client = ApiClient(Failing(_http(503)), retries=2, sleep=waits.append)
    with pytest.raises(WikidataError) as err:
        client.search("Syria", "en", 3)
    assert err.value.code == "wikidata-rate-limited" and waits == [5.0, 10.0] and client.requests == 3
    # A server that asks for a longer wait than we accept is not waited for.
    client = ApiClient(Failing(_http(429, {"Retry-After": "3600"})), sleep=waits.append)
    with pytest.raises(WikidataError, match="3600 s"):
        client.search("Syria", "en", 3)


def test_a_timeout_is_its_own_finding():
    client = ApiClient(Failing(TimeoutError("timed out")), timeout=3)
    with pytest.raises(WikidataError, match="no answer within 3 s") as err:
        client.search("Syria", "en", 3)
    assert err.value.code == "wikidata-timeout"
    client = ApiClient(Failing(urllib.error.URLError(TimeoutError("timed out"))))
    with pytest.raises(WikidataError) as err:
        client.search("Syria", "en", 3)
    assert err.value.code == "wikidata-timeout"


@pytest.mark.parametrize("outcome, says", [
    (_http(500), "HTTP 500"),
    (_Response(b"<html>maintenance</html>"), "not JSON"),
    (_ok({"error": {"code": "badvalue", "info": "bad limit"}}), "'badvalue'"),
    (_ok({"searchinfo": {}}), "without a search list"),
], ids=["http-500", "html", "api-error", "wrong-shape"])
def test_an_api_error_or_garbage_is_a_bad_response(outcome, says):
    with pytest.raises(WikidataError, match=says) as err:
        ApiClient(Failing(outcome)).search("Syria", "en", 3)
    assert err.value.code == "wikidata-bad-response"


def test_an_unreachable_api_exits_2_and_writes_nothing(corpus, tmp_path, monkeypatch, capsys):
    refused = Failing(urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")))
    monkeypatch.setattr("urllib.request.urlopen", refused)
    out = tmp_path / "review.json"
    assert main(["link-wikidata", "--corpus", str(corpus), "--out", str(out)]) == 2
    printed = capsys.readouterr().out
    assert "wikidata-unreachable: wbsearchentities: cannot reach Wikidata" in printed and "nothing was written" in printed
    assert not out.exists() and refused.calls == 1


def test_a_malformed_dump_names_its_line(corpus, tmp_path):
    dump = tmp_path / "dump.json"
    lines = (DATA / "dump.json").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3][:40]
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(WikidataError, match="line 4 is not one JSON entity") as err:
        _propose(corpus, DumpSource(dump))
    assert err.value.code == "wikidata-dump-malformed"


def test_the_guard_refuses_real_connections():
    with pytest.raises(AssertionError, match="network"):
        socket.create_connection(("www.wikidata.org", 443))


# --- accepting ---------------------------------------------------------------------------------

def _review(corpus: Path, tmp_path: Path, accepted: dict[str, str]) -> Path:
    review, _ = _propose(corpus, DumpSource(DATA / "dump.json"))
    for proposal in review["proposals"]:
        proposal["accepted"] = accepted.get(proposal["key"])
    path = tmp_path / "review.json"
    path.write_text(json.dumps(review, indent=2), encoding="utf-8")
    return path


def _accept(corpus: Path, review: Path, *extra: str) -> int:
    return main(["link-wikidata", "--corpus", str(corpus), "--accept", str(review), *extra])


def _snapshot(corpus: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in corpus.iterdir()}


def test_accept_writes_only_accepted_qids_with_the_reviewer(corpus, tmp_path, capsys):
    review = _review(corpus, tmp_path, {"northern-brigade": "Q900000001", "tel-karam": "Q900000010"})
    before = _snapshot(corpus)
    assert _accept(corpus, review, "--reviewer", "annotator-7") == 0
    assert "actors: northern-brigade: linked to Q900000001" in capsys.readouterr().out
    actors = {a["key"]: a for a in json.loads((corpus / "actors.json").read_text())["actors"]}
    brigade = actors["northern-brigade"]
    assert (brigade["wikidata"], brigade["wikidata_status"]) == ("Q900000001", "linked")
    source = brigade["sources"][-1]
    assert source["fact"] == "wikidata" and "annotator-7" in source["source"] and "Q900000001" in source["source"]
    assert actors["syria"]["wikidata"] is None and actors["syria"]["wikidata_status"] == "unlinked"  # not accepted
    place = json.loads((corpus / "events.json").read_text())["places"][0]
    assert place["wikidata"] == "Q900000010" and len(place["sources"]) == 2
    assert (corpus / "outlets.json").read_bytes() == before["outlets.json"]  # nothing accepted there
    # Accepting the same review again changes nothing.
    after = _snapshot(corpus)
    assert _accept(corpus, review, "--reviewer", "annotator-7", "--json") == 0
    assert json.loads(capsys.readouterr().out)["already_linked"] == 2 and _snapshot(corpus) == after


def test_accept_records_the_day(corpus, tmp_path):
    import datetime

    review = json.loads(_review(corpus, tmp_path, {"syria": "Q858"}).read_text())
    result = accept(review, "review.json", corpus, "annotator-3", today=datetime.date(2027, 1, 2))
    assert result.issues == [] and "on 2027-01-02" in result.files["actors.json"]


def test_accept_refuses_a_qid_that_was_not_proposed(corpus, tmp_path, capsys):
    review = _review(corpus, tmp_path, {"syria": "Q42"})
    before = _snapshot(corpus)
    assert _accept(corpus, review, "--reviewer", "annotator-7") == 1
    assert "/proposals/2/accepted: wikidata-not-a-candidate: Q42 is not among the candidates of 'syria'" \
        in capsys.readouterr().out
    assert _snapshot(corpus) == before


def test_accept_refuses_stale_reviews(corpus, tmp_path, capsys):
    review = _review(corpus, tmp_path, {"syria": "Q858", "northern-brigade": "Q900000001"})
    actors = json.loads((corpus / "actors.json").read_text())
    actors["actors"][2]["key"] = "north-brigade"  # renamed since the proposals
    actors["actors"][4].update(wikidata="Q900000003", wikidata_status="linked")  # linked to another item since
    (corpus / "actors.json").write_text(json.dumps(actors, indent=2), encoding="utf-8")
    before = _snapshot(corpus)
    assert _accept(corpus, review, "--reviewer", "annotator-7", "--json") == 1
    codes = {(i["pointer"], i["code"]) for i in json.loads(capsys.readouterr().out)["issues"]}
    assert codes == {("/proposals/1/key", "wikidata-entry-unknown"), ("/proposals/2/accepted", "wikidata-entry-not-unlinked")}
    assert _snapshot(corpus) == before


def test_accept_refuses_what_would_break_the_registry(corpus, tmp_path, capsys):
    # Russia already holds Q159: a second actor with it breaks the registry, so nothing is written.
    review = json.loads(_review(corpus, tmp_path, {}).read_text())
    syria = next(p for p in review["proposals"] if p["key"] == "syria")
    syria["candidates"].append({**syria["candidates"][0], "qid": "Q159", "label": "Russia"})
    syria["accepted"] = "Q159"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(review), encoding="utf-8")
    before = _snapshot(corpus)
    assert _accept(corpus, path, "--reviewer", "annotator-7") == 1
    assert "duplicate-wikidata" in capsys.readouterr().out and _snapshot(corpus) == before


@pytest.mark.parametrize("reviewer", [None, "Alice", "annotator-0"])
def test_accept_needs_a_reviewer_pseudonym(corpus, tmp_path, reviewer, capsys):
    review = _review(corpus, tmp_path, {"syria": "Q858"})
    extra = ["--reviewer", reviewer] if reviewer else []
    assert _accept(corpus, review, *extra) == 2
    assert "annotator-<n>" in capsys.readouterr().err


def test_an_unreadable_review_exits_2(corpus, tmp_path):
    broken = tmp_path / "review.json"
    broken.write_text("{", encoding="utf-8")
    assert _accept(corpus, broken, "--reviewer", "annotator-7") == 2


# --- the parts ---------------------------------------------------------------------------------

@given(st.text(max_size=40))
def test_normalising_twice_changes_nothing(name):
    assert normalise(normalise(name)) == normalise(name)


@pytest.mark.parametrize("name, other", [("Al-Jazeera", "al Jazeera"), ("Erdoğan", "Erdogan"),
                                         ("The Jordan Times", "Jordan Times"), ("SANA", "sana")])
def test_names_match_across_case_accents_and_punctuation(name, other):
    assert normalise(name) == normalise(other)


@given(st.integers(min_value=0, max_value=10**6))
def test_retry_after_reads_seconds(seconds):
    assert retry_after(str(seconds)) == seconds


def test_retry_after_reads_an_http_date():
    assert retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_every_corpus_entry_says_why_it_has_no_qid(repo):
    # The schema requires it; here, that anonymous sources are never left to be searched.
    actors = json.loads((repo / "corpus" / "actors.json").read_text(encoding="utf-8"))["actors"]
    assert all(a["wikidata_status"] == "not-applicable" for a in actors if a["type"] == "anonymous_source")
    assert {a["wikidata_status"] for a in actors if a["wikidata"]} <= {"linked"}
