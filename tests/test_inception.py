"""INCEpTION round trip: annotation files to UIMA CAS XMI and back (castcorpus.interop.inception).

INCEpTION itself (a Java web application) cannot run here; the tests load every export with
cassis' own loader and check it against the rules INCEpTION applies to type systems and CASes
(castcorpus.interop.inception.structure). Golden cases of the import's findings are folders
under tests/data/inception-invalid/: an edit of a fresh export of the minimal corpus and the
expected report. Regenerate the reports after a deliberate change with
``CASTCORPUS_REGEN=1 pytest tests/test_inception.py`` and review the diff.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import cassis  # the test extra installs dkpro-cassis
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from castcorpus.cli.main import main
from castcorpus.corpus.reader import Corpus
from castcorpus.corpus.schema import load_schema
from castcorpus.corpus.texts import text_sha256
from castcorpus.interop.inception import structure, typesystem as T
from castcorpus.interop.inception.export import Unrepresentable, load_typesystem, to_cas
from castcorpus.interop.inception.restore import Target, from_cas

REPO = Path(__file__).resolve().parent.parent
SEED = "duran-2018-04-russian-airstrikes-damascus"
VALID = REPO / "tests" / "data" / "valid"
MINIMAL, HYDRATED = VALID / "minimal", VALID / "hydrated"
CASES = REPO / "tests" / "data" / "inception-invalid"
ENUMS = load_schema("annotation")["$defs"]


def _through_xmi(annotation: dict, text: str, keep_text: bool) -> tuple[dict | None, list, str]:
    """Export, serialize, load with cassis from the XMI and the type system XML, import."""
    xmi = to_cas(annotation, text).to_xmi()
    ts = cassis.load_typesystem(io.BytesIO(T.typesystem_xml().encode()))
    cas = cassis.load_cas_from_xmi(io.BytesIO(xmi.encode()), typesystem=ts)
    restored, issues = from_cas(cas, Target(text, keep_text), "doc.xmi")
    return restored, issues, xmi


# --- the seed and a synthetic document --------------------------------------------------------

def test_the_seed_comes_back_equal():
    corpus = Corpus(REPO / "corpus")
    annotation = corpus.annotation(SEED)
    restored, issues, _ = _through_xmi(annotation, corpus.text(corpus.meta(SEED)), keep_text=True)
    assert issues == []
    assert restored == annotation


def _at(text: str, quote: str, occurrence: int = 1) -> dict:
    start = -1
    for _ in range(occurrence):
        start = text.index(quote, start + 1)
    return {"start": start, "end": start + len(quote)}


#: A document written for this test: astral characters (two UTF-16 units each) before spans,
#: a two-step chain, an author stance on a claim, an actor stance, and optional fields.
SYNTHETIC_TEXT = ("Ridgeford 🚩 report\n\nThe river council said on Monday that, according to a ferryman, "
                  "the 𝔑orth 𝔊uard closed the upper bridge. The guard denies it. Officials doubt the council.\n")


def synthetic_annotation() -> dict:
    t = SYNTHETIC_TEXT
    return {
        "schema_version": "1.0", "document": "synthetic-ridgeford", "text_sha256": text_sha256(t),
        "guidelines_version": "1.3",
        "provenance": {"annotators": ["annotator-7"], "status": "draft", "date": "2026-12", "note": "invented"},
        "actors": [
            {"actor": "north-guard", "mentions": [_at(t, "𝔑orth 𝔊uard"), _at(t, "guard", 1)]},
            {"actor": "river-council", "mentions": [_at(t, "river council"), _at(t, "council", 2)]},
            {"actor": "ferryman", "mentions": [_at(t, "ferryman")]},
            {"actor": "officials", "mentions": [_at(t, "Officials")]},
        ],
        "claims": [
            {"id": "c2", "span": _at(t, "the 𝔑orth 𝔊uard closed the upper bridge"),
             "proposition": "The North Guard closed the upper bridge.", "type": "event", "check_worthy": True,
             "certainty": "reported", "speaker": "ferryman", "cue": _at(t, "according to"),
             "attribution": [{"source": "author", "cue": None}, {"source": "river-council", "cue": _at(t, "said")},
                             {"source": "ferryman", "cue": _at(t, "according to")}],
             "agents": ["north-guard"], "patients": [], "cluster": "ridgeford-bridge-closure",
             "other_clusters": [], "note": "Two steps: the council passes on the ferryman's account."},
            {"id": "c1", "span": _at(t, "The guard denies it"), "proposition": "The North Guard denies closing it.",
             "type": "responsibility", "check_worthy": False, "certainty": "denied", "speaker": "author", "cue": None,
             "attribution": [{"source": "author", "cue": None}], "agents": [], "patients": [], "cluster": None},
        ],
        "stances": [
            {"id": "s9", "holder": "officials", "target": {"actor": "river-council"}, "polarity": "oppose",
             "explicit": True, "evidence": [_at(t, "doubt")]},
            {"id": "s1", "holder": "author", "target": {"claim": "c2"}, "polarity": "neutral", "explicit": False,
             "evidence": [_at(t, "said on Monday"), _at(t, "according to")], "note": "Evidence out of text order."},
        ],
    }


def test_the_synthetic_document_comes_back_equal():
    annotation = synthetic_annotation()
    restored, issues, _ = _through_xmi(annotation, SYNTHETIC_TEXT, keep_text=False)
    assert issues == []
    assert restored == annotation


def test_offsets_in_the_xmi_count_utf16_units_as_java_does():
    # INCEpTION reads offsets as Java string indices: a character outside the BMP counts twice.
    _, _, xmi = _through_xmi(synthetic_annotation(), SYNTHETIC_TEXT, keep_text=False)
    from lxml import etree

    mentions = etree.fromstring(xmi.encode()).findall("{http:///webanno/custom.ecore}ActorMention")
    span = _at(SYNTHETIC_TEXT, "𝔑orth 𝔊uard")
    utf16 = {"start": len(SYNTHETIC_TEXT[:span["start"]].encode("utf-16-le")) // 2,
             "end": len(SYNTHETIC_TEXT[:span["end"]].encode("utf-16-le")) // 2}
    assert utf16 != span  # the emoji and the first Fraktur letter lie before or inside it
    found = [(int(m.get("begin")), int(m.get("end"))) for m in mentions if m.get("actor") == "north-guard"]
    assert (utf16["start"], utf16["end"]) in found


def test_a_claim_whose_cue_is_not_its_last_steps_cue_is_not_representable():
    # inception-not-representable: the CAS holds one cue per step, so the claim's own cue must be the last one's.
    annotation = synthetic_annotation()
    annotation["claims"][0]["cue"] = _at(SYNTHETIC_TEXT, "said")
    with pytest.raises(Unrepresentable) as caught:
        to_cas(annotation, SYNTHETIC_TEXT)
    assert [(i.code, i.pointer) for i in caught.value.issues] == [("inception-not-representable", "/claims/0/cue")]


def test_a_control_character_xml_cannot_hold_is_not_representable():
    # inception-not-representable: XML 1.0 has no form for U+001F, not even escaped.
    annotation = synthetic_annotation()
    annotation["stances"][1]["note"] = "a\x1fb"
    with pytest.raises(Unrepresentable) as caught:
        to_cas(annotation, SYNTHETIC_TEXT)
    assert [(i.code, i.pointer) for i in caught.value.issues] == [("inception-not-representable", "/stances/1/note")]
    assert "U+001F" in caught.value.issues[0].message


# --- a generated round trip -------------------------------------------------------------------

#: Text that XML 1.0 can hold (control characters other than tab and line breaks it cannot).
PROSE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="".join(
    chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])), max_size=30)

WORDS = ["army", "said", "Ḍamascus", "the", "𝔐arket", "😀", "río", "shell", "council", "killed"]


@st.composite
def documents(draw):
    words = draw(st.lists(st.sampled_from(WORDS), min_size=6, max_size=40))
    gaps = draw(st.lists(st.sampled_from([" ", "\n", "  ", "\n\n"]), min_size=len(words), max_size=len(words)))
    text, tokens = "", []
    for word, gap in zip(words, gaps):
        tokens.append((len(text), len(text) + len(word)))
        text += word + gap

    def span(i, j=None):
        j = i if j is None else j
        return {"start": tokens[min(i, j)][0], "end": tokens[max(i, j)][1]}

    index = st.integers(0, len(tokens) - 1)
    keys = draw(st.lists(st.sampled_from(["alpha", "beta-group", "gamma-force", "delta"]), min_size=1, unique=True))
    free = list(range(len(tokens)))
    actors = []
    for key in keys:
        picks = draw(st.lists(st.sampled_from(free), min_size=1, max_size=3, unique=True)) if free else []
        if not picks:
            break
        free = [i for i in free if i not in picks]
        actors.append({"actor": key, "mentions": [span(i) for i in sorted(picks)]})
    keys = [a["actor"] for a in actors]
    claims = []
    for n in draw(st.lists(st.integers(1, 99), max_size=4, unique=True)):
        sources = ["author"] + draw(st.lists(st.sampled_from(keys), max_size=2))
        chain = [{"source": s, "cue": None if s == "author" else span(draw(index))} for s in sources]
        claim = {"id": f"c{n}", "span": span(draw(index), draw(index)), "proposition": draw(PROSE.filter(bool)),
                 "type": draw(st.sampled_from(ENUMS["claim_type"]["enum"])), "check_worthy": draw(st.booleans()),
                 "certainty": draw(st.sampled_from(ENUMS["certainty"]["enum"])), "speaker": sources[-1],
                 "cue": chain[-1]["cue"], "attribution": chain,
                 "agents": draw(st.lists(st.sampled_from(keys), unique=True)),
                 "patients": draw(st.lists(st.sampled_from(keys), unique=True)),
                 "cluster": draw(st.none() | st.sampled_from(["x-one", "y-two"]))}
        if draw(st.booleans()):
            claim["other_clusters"] = draw(st.lists(st.sampled_from(["z-three", "w-four"]), unique=True))
        if draw(st.booleans()):
            claim["note"] = draw(PROSE)
        claims.append(claim)
    stances = []
    for n in draw(st.lists(st.integers(1, 99), max_size=3, unique=True)):
        holder = draw(st.sampled_from(["author", *keys]))
        targets = [{"actor": k} for k in keys if k != holder] + [{"claim": c["id"]} for c in claims]
        if not targets:
            continue
        stance = {"id": f"s{n}", "holder": holder, "target": draw(st.sampled_from(targets)),
                  "polarity": draw(st.sampled_from(ENUMS["stance"]["properties"]["polarity"]["enum"])),
                  "explicit": draw(st.booleans()), "evidence": [span(i) for i in draw(st.lists(index, min_size=1, max_size=3))]}
        if draw(st.booleans()):
            stance["note"] = draw(PROSE)
        stances.append(stance)
    header = {"schema_version": "1.0", "document": "generated", "text_sha256": text_sha256(text),
              "guidelines_version": "1.3", "provenance": {"annotators": ["annotator-1"], "status": "draft", "date": "2026"}}
    return text, {**header, "actors": actors, "claims": claims, "stances": stances}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.booleans())
def test_generated_documents_come_back_equal(document, keep_text):
    text, annotation = document
    if keep_text:
        for path_spans in _spans(annotation):
            for span in path_spans:
                span["text"] = text[span["start"]:span["end"]]
    restored, issues, _ = _through_xmi(annotation, text, keep_text)
    assert issues == []
    assert restored == annotation


def _spans(annotation):
    yield from (a["mentions"] for a in annotation["actors"])
    yield from ([c["span"]] + [s["cue"] for s in c["attribution"] if s["cue"]] for c in annotation["claims"])
    yield from (s["evidence"] for s in annotation["stances"])


# --- what INCEpTION expects ---------------------------------------------------------------------

def test_the_type_system_declares_the_layers_as_inception_recognises_them():
    ts = cassis.load_typesystem(io.BytesIO(T.typesystem_xml().encode()))
    kinds = {name: structure.layer_kind(ts, name) for name in T.LAYERS}
    assert kinds == {T.MENTION: "span", T.CLAIM: "span", T.CUE: "span", T.EVIDENCE: "span",
                     T.ATTRIBUTION: "relation", T.STANCE: "relation", T.DOCUMENT: None}
    assert all(name.startswith("webanno.custom.") for name in T.LAYERS)
    assert ts.get_type(T.DOCUMENT).supertype.name == T.ANNOTATION_BASE  # a document-level layer
    assert structure.layer_kind(ts, T.TOKEN) is None and structure.layer_kind(ts, T.SENTENCE) is None


def test_every_claim_and_stance_property_has_a_home():
    # A property the schema adds is a feature (fields) or one of the spans and relation ends.
    ts = load_typesystem()
    for kind, type_name, parts in (("claim", T.CLAIM, T.CLAIM_SPANS), ("stance", T.STANCE, T.STANCE_PARTS)):
        properties = set(load_schema("annotation")["$defs"][kind]["properties"])
        carried = {f.name for f in T.fields(kind)}
        assert carried | set(parts) == properties
        features = {f.name for f in ts.get_type(type_name).all_features}
        assert {f.feature for f in T.fields(kind)} <= features
    assert "claim_type" in {f.name for f in ts.get_type(T.CLAIM).all_features}  # 'type' is reserved


def test_the_layer_check_tells_relations_from_spans():
    ts = cassis.TypeSystem()
    odd = ts.create_type("webanno.custom.Odd")
    ts.create_feature(odd, "Governor", T.ANNOTATION)
    ts.create_feature(odd, "Target", T.ANNOTATION)  # INCEpTION hard-codes Governor and Dependent
    plain = ts.create_type("webanno.custom.Plain")
    ts.create_feature(plain, "label", T.STRING)
    assert structure.layer_kind(ts, "webanno.custom.Odd") is None
    assert structure.layer_kind(ts, "webanno.custom.Plain") == "span"


@pytest.mark.parametrize("which", ["seed", "synthetic"])
def test_exported_cases_pass_inceptions_consistency_checks(which):
    if which == "seed":
        corpus = Corpus(REPO / "corpus")
        cas = to_cas(corpus.annotation(SEED), corpus.text(corpus.meta(SEED)))
    else:
        cas = to_cas(synthetic_annotation(), SYNTHETIC_TEXT)
    assert structure.cas_problems(cas) == []
    assert len(list(cas.select(T.SENTENCE))) > 1 and len(list(cas.select(T.TOKEN))) > 10


def test_the_consistency_checks_find_a_dangling_relation_and_a_stray_offset():
    cas = to_cas(synthetic_annotation(), SYNTHETIC_TEXT)
    relation = next(iter(cas.select(T.ATTRIBUTION)))
    relation.begin = relation.begin + 1
    mention = next(iter(cas.select(T.MENTION)))
    mention.end = mention.end + 1  # now ends on a space
    problems = structure.cas_problems(cas)
    assert any("does not span its Dependent" in p for p in problems)
    assert any("whitespace" in p for p in problems)


# --- the commands -----------------------------------------------------------------------------

def _args(*extra):
    return [*extra, "--corpus", str(MINIMAL), "--cache", str(HYDRATED)]


def test_export_and_import_through_a_zip_give_the_files_back(tmp_path, capsys):
    archive = tmp_path / "export.zip"
    assert main(["export", "inception", "--out", str(archive), *_args()]) == 0
    with zipfile.ZipFile(archive) as z:
        names = sorted(z.namelist())
        assert names == ["TypeSystem.xml", "alpha-shelling-report.xmi", "beta-ceasefire-talks.xmi", "gamma-aid-convoy.xmi"]
        ts = cassis.load_typesystem(io.BytesIO(z.read("TypeSystem.xml")))
        for name in names[1:]:
            cas = cassis.load_cas_from_xmi(io.BytesIO(z.read(name)), typesystem=ts)
            assert structure.cas_problems(cas) == [], name
    assert main(["import", "inception", str(archive), "--out", str(tmp_path / "back"), *_args()]) == 0
    for path in sorted((tmp_path / "back").glob("*.json")):
        original = json.loads((MINIMAL / "annotations" / path.name).read_text(encoding="utf-8"))
        assert json.loads(path.read_text(encoding="utf-8")) == original, path.name
    assert len(list((tmp_path / "back").glob("*.json"))) == 3
    capsys.readouterr()


def test_export_of_chosen_documents_to_a_folder(tmp_path, capsys):
    out = tmp_path / "folder"
    assert main(["export", "inception", "beta-ceasefire-talks", "--out", str(out), *_args()]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["TypeSystem.xml", "beta-ceasefire-talks.xmi"]
    assert "wrote 1 XMI files" in capsys.readouterr().out


def test_export_of_a_text_that_is_not_hydrated_is_refused(tmp_path, capsys):
    code = main(["export", "inception", "gamma-aid-convoy", "--out", str(tmp_path / "x"), "--corpus", str(MINIMAL),
                 "--cache", str(tmp_path / "empty-cache")])
    assert code == 2
    assert "not hydrated" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("make", ["missing", "file", "empty"])
def test_import_of_an_unusable_path_exits_2(tmp_path, capsys, make):
    path = tmp_path / "in"
    if make == "file":
        path.write_text("not a zip", encoding="utf-8")
    elif make == "empty":
        path.mkdir()
    assert main(["import", "inception", str(path), "--out", str(tmp_path / "out"), *_args()]) == 2
    assert str(path) in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _cases() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "edit.json").exists())


def _build_case(case: str, tmp: Path) -> Path:
    """A fresh export of the minimal corpus with the case's edit applied."""
    folder = tmp / "export"
    assert main(["export", "inception", "--out", str(folder), *_args()]) == 0
    for edit in json.loads((CASES / case / "edit.json").read_text(encoding="utf-8")):
        source = folder / edit["file"]
        if edit["op"] == "copy":
            (folder / edit["to"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, folder / edit["to"])
            continue
        data = source.read_text(encoding="utf-8")
        assert edit["old"] in data, f"{case}: the edit's text is not in {edit['file']} (regenerate the case)"
        source.write_text(data.replace(edit["old"], edit["new"], 1), encoding="utf-8")
    return folder


def test_there_is_a_golden_case_per_import_code():
    from castcorpus.issue_codes import CODES

    import_codes = {e.code for e in CODES if e.commands.split(", ")[0] == "import" and e.code.startswith("inception-")}
    shown = set()
    for case in _cases():
        shown |= {line.split(": ")[1] for line in (CASES / case / "expected.txt").read_text(encoding="utf-8").splitlines()}
    assert import_codes <= shown


@pytest.mark.parametrize("case", _cases())
def test_import_golden_case(case, tmp_path, capsys):
    folder = _build_case(case, tmp_path)
    capsys.readouterr()
    out = tmp_path / "out"
    code = main(["import", "inception", str(folder), "--out", str(out), *_args()])
    report = capsys.readouterr().err
    expected = CASES / case / "expected.txt"
    if os.environ.get("CASTCORPUS_REGEN"):
        expected.write_text(report, encoding="utf-8")
    assert code == 1
    assert report == expected.read_text(encoding="utf-8")
    assert not out.exists()  # nothing is written when there is a finding


def test_import_findings_as_json(tmp_path, capsys):
    folder = _build_case("relation-mismatch", tmp_path)
    capsys.readouterr()
    assert main(["import", "inception", str(folder), "--out", str(tmp_path / "out"), "--json", *_args()]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False and report["files_checked"] == 3
    assert [i["code"] for i in report["issues"]] == ["inception-relation-mismatch"]


def test_without_cassis_the_commands_name_the_extra(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "cassis", None)  # as if not installed
    assert main(["import", "inception", str(tmp_path), "--out", str(tmp_path / "out"), *_args()]) == 2
    assert "castcorpus[interop]" in capsys.readouterr().err
