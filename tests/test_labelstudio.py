"""The Label Studio round trip: config and tasks from annotation files, and back.

Exported tasks imported unchanged give back the same files, byte for byte (the seed, an invented
document made to exercise the mapping, and generated annotations); a task edited as an annotator
would edit it imports into a file that validates; the config is made from the schema."""

from __future__ import annotations

import copy
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from castcorpus.cli.main import main
from castcorpus.corpus.jsonio import dump_json
from castcorpus.corpus.reader import Corpus
from castcorpus.corpus.schema import bundle
from castcorpus.interop.labelstudio import names
from castcorpus.interop.labelstudio.build import Builder
from castcorpus.interop.labelstudio.config import labeling_config
from castcorpus.interop.labelstudio.exporting import export
from castcorpus.interop.labelstudio.importing import import_tasks
from castcorpus.interop.labelstudio.regions import parse
from castcorpus.interop.labelstudio.tasks import HEADER, annotation_results, task

DATA = Path(__file__).resolve().parent / "data"
MINIMAL, HYDRATED = DATA / "valid" / "minimal", DATA / "valid" / "hydrated"
SEED = "duran-2018-04-russian-airstrikes-damascus"
SYNTHETIC = "ls-relief-convoys"


@pytest.fixture
def corpus_with_synthetic(tmp_path) -> Path:
    """The minimal corpus with the invented round-trip document added."""
    root = tmp_path / "corpus"
    shutil.copytree(MINIMAL, root)
    shutil.copytree(DATA / "label-studio" / "corpus", root, dirs_exist_ok=True)
    return root


def _through_json(tasks):
    return json.loads(json.dumps(tasks))


def test_the_seed_comes_back_byte_for_byte(corpus_root):
    corpus = Corpus(corpus_root)
    made = export(corpus, [SEED])
    imported = import_tasks(_through_json(made.tasks), corpus, "export.json")
    assert imported.issues == []
    assert dump_json(imported.annotations[SEED]) == (corpus_root / "annotations" / f"{SEED}.json").read_text(encoding="utf-8")
    assert made.third_party == []


def test_the_synthetic_document_comes_back_through_the_command_line(corpus_with_synthetic, tmp_path, capsys):
    corpus = ["--corpus", str(corpus_with_synthetic), "--cache", str(HYDRATED)]
    assert main(["validate", *corpus]) == 0  # the fixture itself is valid
    assert main(["export", "label-studio", "--document", SYNTHETIC, "--out", str(tmp_path / "ls"), *corpus]) == 0
    assert main(["import", "label-studio", str(tmp_path / "ls" / "tasks.json"), "--out", str(tmp_path / "back"),
                 *corpus]) == 0
    original = corpus_with_synthetic / "annotations" / f"{SYNTHETIC}.json"
    assert (tmp_path / "back" / f"{SYNTHETIC}.json").read_bytes() == original.read_bytes()
    config = ET.fromstring((tmp_path / "ls" / "config.xml").read_text(encoding="utf-8"))
    assert config.tag == "View"


def test_every_annotated_document_of_the_minimal_corpus_comes_back(corpus_with_synthetic):
    corpus = Corpus(corpus_with_synthetic, cache_dir=HYDRATED)
    made = export(corpus)  # every annotated document, the external one too
    assert made.third_party == ["gamma-aid-convoy"]
    imported = import_tasks(_through_json(made.tasks), corpus, "export.json")
    assert imported.issues == []
    for doc, annotation in imported.annotations.items():
        assert dump_json(annotation) == (corpus_with_synthetic / "annotations" / f"{doc}.json").read_text(encoding="utf-8")
    # The external document's spans carry no text, in the file as in the import.
    assert "text" not in imported.annotations["gamma-aid-convoy"]["actors"][0]["mentions"][0]


def test_offsets_after_an_astral_character_are_code_points(corpus_with_synthetic):
    corpus = Corpus(corpus_with_synthetic, cache_dir=HYDRATED)
    text = corpus.text(corpus.meta(SYNTHETIC))
    [made] = export(corpus, [SYNTHETIC]).tasks
    [brigade] = [r for r in made["annotations"][0]["result"]
                 if r.get("from_name") == names.MENTION_ACTOR and r["value"]["choices"] == ["northern-brigade"]]
    assert text.index("\U0001F64F") < brigade["value"]["start"]
    assert text[brigade["value"]["start"]:brigade["value"]["end"]] == "Northern Brigade"


def test_predictions_are_not_imported_until_submitted(corpus_with_synthetic):
    corpus = Corpus(corpus_with_synthetic, cache_dir=HYDRATED)
    made = export(corpus, [SYNTHETIC], prefill="predictions")
    assert "annotations" not in made.tasks[0] and made.tasks[0]["predictions"][0]["model_version"] == "castcorpus"
    assert [i.code for i in import_tasks(made.tasks, corpus, "export.json").issues] == ["ls-task-unannotated"]


def _new(rid, start, end, text, label, **values):
    """Result items of a region drawn in Label Studio (its id is Label Studio's, not ours)."""
    items = [{"id": rid, "from_name": names.LAYER, "to_name": names.TEXT, "type": "labels",
              "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}]
    for tag, value in values.items():
        kind = "textarea" if tag.endswith(("proposition", "note")) else "choices"
        key = "text" if kind == "textarea" else "choices"
        items.append({"id": rid, "from_name": tag, "to_name": names.TEXT, "type": kind,
                      "value": {"start": start, "end": end, key: value}})
    return items


def _relation(a, b, label):
    return {"from_id": a, "to_id": b, "type": "relation", "direction": "right", "labels": [label]}


def test_regions_drawn_in_label_studio_get_ids_and_validate(corpus_with_synthetic, tmp_path):
    """An annotator adds a mention, a claim with a source and a stance on it, and deletes a
    stance: the import numbers the new claim and stance after the existing ones."""
    corpus = Corpus(corpus_with_synthetic, cache_dir=HYDRATED)
    text = corpus.text(corpus.meta(SYNTHETIC))
    [made] = _through_json(export(corpus, [SYNTHETIC]).tasks)
    result = made["annotations"][0]["result"]
    result[:] = [r for r in result if not str(r.get("id", r.get("from_id"))).startswith("s3-")]
    at = text.index("A resident")
    result += _new("Xy12abCD90", at, at + 10, text, names.MENTION, mention_actor=["civilians"])
    claim_at = text.index("we are safe")
    result += _new("Qw34erTY56", claim_at, claim_at + 11, text, names.CLAIM,
                   claim_proposition=["A resident said at dawn that they were safe."], claim_type=["event"],
                   claim_check_worthy=["false"], claim_certainty=["reported"], claim_patients=["civilians"])
    cue_at = text.index("wrote")
    result += _new("Zx78cvBN12", cue_at, cue_at + 5, text, names.CUE)
    result += [_relation("Qw34erTY56", "Zx78cvBN12", names.ATTRIBUTION), _relation("Zx78cvBN12", "Xy12abCD90", names.SOURCE)]
    result += _new("Lk09jhGF87", claim_at, claim_at + 11, text, names.EVIDENCE, stance_polarity=["support"],
                   stance_explicit=["true"])
    result += [_relation("Lk09jhGF87", "Qw34erTY56", names.TARGET), _relation("Lk09jhGF87", "Xy12abCD90", names.HOLDER)]
    made["annotations"].append({"result": result, "updated_at": "2099-01-01T00:00:00Z"})
    imported = import_tasks([made], corpus, "export.json")
    assert imported.issues == []
    annotation = imported.annotations[SYNTHETIC]
    assert [c["id"] for c in annotation["claims"]] == ["c1", "c2", "c7", "c3"]
    new_claim = annotation["claims"][-1]
    assert (new_claim["speaker"], new_claim["cue"]["text"], new_claim["agents"]) == ("civilians", "wrote", [])
    assert [s["id"] for s in annotation["stances"]] == ["s1", "s2", "s3"]
    assert annotation["stances"][-1]["target"] == {"claim": "c3"} and annotation["stances"][-1]["holder"] == "civilians"
    [civilians] = [a["mentions"] for a in annotation["actors"] if a["actor"] == "civilians"]
    assert [m["text"] for m in civilians] == ["civilians", "A resident"]  # joined to the actor, in text order
    path = corpus_with_synthetic / "annotations" / f"{SYNTHETIC}.json"
    path.write_text(dump_json(annotation), encoding="utf-8")
    assert main(["validate", "--corpus", str(corpus_with_synthetic), "--cache", str(HYDRATED)]) == 0


def test_the_config_offers_what_the_schema_and_registries_allow(corpus_root):
    config = ET.fromstring(labeling_config(["actor-a", "actor-b"], ["cluster-a"]))
    choices = {c.get("name"): [x.get("value") for x in c.iter("Choice")] for c in config.iter("Choices")}
    claim = bundle("annotation")["properties"]["claims"]["items"]["properties"]
    stance = bundle("annotation")["properties"]["stances"]["items"]["properties"]
    assert choices["claim_type"] == claim["type"]["enum"]
    assert choices["claim_certainty"] == claim["certainty"]["enum"]
    assert choices["stance_polarity"] == stance["polarity"]["enum"]
    assert choices["claim_check_worthy"] == choices["stance_explicit"] == ["true", "false"]
    assert choices["mention_actor"] == choices["claim_agents"] == ["actor-a", "actor-b"]
    assert choices["claim_cluster"] == choices["claim_other_clusters"] == ["cluster-a"]
    textareas = {t.get("name") for t in config.iter("TextArea")}
    assert textareas == {"claim_proposition", "claim_note", "stance_note"}
    labels = [x.get("value") for x in config.find("Labels")]
    relations = [x.get("value") for x in config.find("Relations")]
    assert (labels, relations) == (list(names.REGION_LABELS), list(names.RELATION_LABELS))


def test_export_refuses_what_it_cannot_export(corpus_with_synthetic, tmp_path, capsys):
    corpus = ["--corpus", str(corpus_with_synthetic), "--cache", str(tmp_path / "empty-cache")]
    assert main(["export", "label-studio", "--document", "no-such-doc", "--out", str(tmp_path / "a"), *corpus]) == 2
    assert main(["export", "label-studio", "--document", "gamma-aid-convoy", "--out", str(tmp_path / "b"), *corpus]) == 2
    err = capsys.readouterr().err
    assert "'no-such-doc' is not in the corpus" in err and "not hydrated" in err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


# --- generated annotations ---------------------------------------------------------------------

TEXT = "Officials said on Monday that the monitor, citing residents, counted nine strikes near the river."
ACTORS = ["officials", "the-monitor", "residents", "river-guard"]
CLAUSE = bundle("annotation")["properties"]["claims"]["items"]["properties"]


@st.composite
def spans(draw):
    start = draw(st.integers(0, len(TEXT) - 1))
    end = draw(st.integers(start + 1, len(TEXT)))
    return {"start": start, "end": end}


@st.composite
def annotations(draw):
    """Annotation-shaped data over TEXT: the mapping must carry any of it, valid or not by the
    validator's rules (those the import checks separately)."""
    actors = draw(st.lists(st.sampled_from(ACTORS), min_size=1, unique=True))
    mentioned = [{"actor": a, "mentions": sorted(draw(st.lists(spans(), min_size=1, max_size=3)),
                                                  key=lambda s: (s["start"], s["end"]))} for a in actors]
    claim_ids = draw(st.lists(st.from_regex(r"c[0-9]{1,3}", fullmatch=True), max_size=4, unique=True))
    claims = [draw(_claim(cid, actors)) for cid in claim_ids]
    stance_ids = draw(st.lists(st.from_regex(r"s[0-9]{1,3}", fullmatch=True), max_size=3, unique=True))
    stances = [draw(_stance(sid, actors, claim_ids)) for sid in stance_ids]
    return {"schema_version": "1.0", "document": "generated", "text_sha256": "0" * 64, "guidelines_version": "1.3",
            "provenance": {"annotators": ["annotator-1"], "status": "draft", "date": "2026"},
            "actors": mentioned, "claims": claims, "stances": stances}


@st.composite
def _claim(draw, cid, actors):
    refs = st.sampled_from(["author", *actors])
    chain = [{"source": "author", "cue": None}] + [{"source": draw(refs), "cue": draw(spans())}
                                                  for _ in range(draw(st.integers(0, 3)))]
    claim = {"id": cid, "span": draw(spans()), "proposition": draw(st.text(min_size=1, max_size=20)),
             "type": draw(st.sampled_from(CLAUSE["type"]["enum"])), "check_worthy": draw(st.booleans()),
             "certainty": draw(st.sampled_from(CLAUSE["certainty"]["enum"])), "speaker": chain[-1]["source"],
             "cue": chain[-1]["cue"], "attribution": chain,
             "agents": draw(st.lists(st.sampled_from(ACTORS), unique=True)),
             "patients": draw(st.lists(st.sampled_from(ACTORS), unique=True)),
             "cluster": draw(st.none() | st.just("key-a"))}
    if draw(st.booleans()):
        claim["other_clusters"] = draw(st.lists(st.sampled_from(["key-b", "key-c"]), unique=True))
    if draw(st.booleans()):
        claim["note"] = draw(st.text(max_size=10))
    keys = draw(st.permutations(list(claim)))
    return {key: claim[key] for key in keys}


@st.composite
def _stance(draw, sid, actors, claim_ids):
    targets = [{"actor": a} for a in actors] + [{"claim": c} for c in claim_ids]
    stance = {"id": sid, "holder": draw(st.sampled_from(["author", *actors])), "target": draw(st.sampled_from(targets)),
              "polarity": draw(st.sampled_from(["support", "oppose", "neutral"])), "explicit": draw(st.booleans()),
              "evidence": draw(st.lists(spans(), min_size=1, max_size=3))}
    if draw(st.booleans()):
        stance["note"] = draw(st.text(max_size=10))
    return stance


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(annotations(), st.booleans())
def test_generated_annotations_survive_the_round_trip(annotation, span_text):
    if span_text:
        annotation = copy.deepcopy(annotation)
        for span in _all_spans(annotation):
            span["text"] = TEXT[span["start"]:span["end"]]
    made = _through_json(task(annotation, TEXT, span_text, "an outlet"))
    registries = {"actors": set(ACTORS), "clusters": {"key-a", "key-b", "key-c"}}
    parsed = parse(made["annotations"][0]["result"], TEXT, registries, "export.json", "/0/annotations/0/result")
    carried = made["data"][names.CARRIED]
    builder = Builder(parsed, {k: carried[k] for k in HEADER}, TEXT, span_text, "export.json", carried["key_order"])
    back = builder.annotation()
    assert builder.issues == []
    assert json.dumps(back) == json.dumps(annotation)  # equal, and in the same key order


def _all_spans(annotation):
    for entry in annotation["actors"]:
        yield from entry["mentions"]
    for claim in annotation["claims"]:
        yield claim["span"]
        yield from (step["cue"] for step in claim["attribution"][1:])
    for stance in annotation["stances"]:
        yield from stance["evidence"]


def test_results_follow_the_file_order():
    # The import keeps the order of the result list: regions come out in file order.
    annotation = {"actors": [{"actor": "b", "mentions": [{"start": 5, "end": 8}]},
                             {"actor": "a", "mentions": [{"start": 0, "end": 3}]}], "claims": [], "stances": []}
    ids = [r["id"] for r in annotation_results(annotation, TEXT) if r["from_name"] == names.LAYER]
    assert ids == ["m0-0", "m1-0"]
