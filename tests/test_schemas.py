"""The schema files themselves: well-formed Draft 2020-12, documented, and shipped in the package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from castcorpus.corpus.schema import KINDS, load_schema, validator
from castcorpus.corpus.schemadoc import render

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
SCHEMA_FILES = sorted(SCHEMA_DIR.glob("*.schema.json"))


def walk_properties(node, path=""):
    """Yield (path, property schema) for every property declared anywhere in a schema."""
    if isinstance(node, dict):
        for name, child in node.get("properties", {}).items():
            yield f"{path}/{name}", child
        for key, child in node.items():
            if key != "if":  # a condition tests properties declared elsewhere
                yield from walk_properties(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from walk_properties(child, f"{path}/{index}")


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12_with_id(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:cast-syria:schema:1:")
    assert schema["description"]


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_property_has_a_description(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    undocumented = [p for p, child in walk_properties(schema)
                    if "description" not in child and "$ref" not in child]
    assert undocumented == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_file_kind_requires_schema_version(kind):
    schema = load_schema(kind)
    assert "schema_version" in schema["required"]
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("kind", KINDS)
def test_package_copy_is_the_schema_folder(kind):
    on_disk = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert load_schema(kind) == on_disk


def test_a_typo_in_a_field_name_is_caught():
    meta = json.loads((Path(__file__).resolve().parent.parent / "corpus/documents/duran-2018-04-russian-airstrikes-damascus.json").read_text())
    meta["titel"] = meta.pop("title")
    messages = [e.validator for e in validator("document").iter_errors(meta)]
    assert "additionalProperties" in messages and "required" in messages


def test_committed_schema_reference_is_generated(repo):
    committed = (repo / "docs" / "schema.md").read_text(encoding="utf-8")
    assert committed == render(repo / "corpus"), "docs/schema.md is stale: run castcorpus schema-doc --out docs/schema.md"


def _corpus_instances(repo):
    corpus = repo / "corpus"
    for kind, paths in (("actors", [corpus / "actors.json"]), ("outlets", [corpus / "outlets.json"]),
                        ("collections", [corpus / "collections.json"]), ("clusters", [corpus / "clusters.json"]),
                        ("document", sorted(corpus.glob("documents/*.json"))[:50]),
                        ("annotation", sorted(corpus.glob("annotations/*.json")) + sorted(corpus.glob("passes/*/*.json")))):
        for path in paths:
            yield kind, json.loads(path.read_text(encoding="utf-8"))


def test_fast_path_agrees_with_jsonschema_on_valid_and_broken_files(repo):
    from castcorpus.corpus.schema import is_valid

    checked = 0
    for kind, instance in _corpus_instances(repo):
        assert is_valid(kind, instance) == (not list(validator(kind).iter_errors(instance)))
        broken = dict(instance, schema_version="9.9")
        assert not is_valid(kind, broken) and list(validator(kind).iter_errors(broken))
        checked += 1
    assert checked > 10


def test_fast_path_uses_ecma_end_of_string():
    from castcorpus.corpus.schema import is_valid

    meta = json.loads((Path(__file__).resolve().parent.parent / "corpus/documents/duran-2018-04-russian-airstrikes-damascus.json").read_text())
    assert is_valid("document", meta)
    assert not is_valid("document", dict(meta, id=meta["id"] + "\n"))


@pytest.mark.parametrize("value", [None, {"start": 1, "end": 2}, {"start": 1}, {"start": 1, "end": 2, "x": 3},
                                   {"start": -1, "end": 2}, "span", 5, [], True, "bad key", "good-key", "Bad"])
@pytest.mark.parametrize("where", ["cue", "attribution-cue", "cluster"])
def test_fast_path_agrees_with_jsonschema_on_nullable_fields(repo, where, value):
    # The compiled fast path rewrites {"oneOf": [S, null]} as S with a nullable type.
    from castcorpus.corpus.schema import is_valid

    annotation = json.loads((repo / "corpus/annotations/duran-2018-04-russian-airstrikes-damascus.json").read_text())
    claim = annotation["claims"][0]
    if where == "cue":
        claim["cue"] = value
    elif where == "attribution-cue":
        claim["attribution"][0]["cue"] = value
    else:
        claim["cluster"] = value
    expected = not list(validator("annotation").iter_errors(annotation))
    assert is_valid("annotation", annotation) == expected
    valid = [None, "good-key", "span"] if where == "cluster" else [None, {"start": 1, "end": 2}]
    assert expected == (value in valid)


def test_the_fast_path_reads_backslash_s_as_python_does_on_every_code_point():
    # jsonschema (the findings) matches patterns with Python's re; the compiled check must
    # accept no string that re rejects, so \S means the same to both for every character.
    import re

    import jsonschema_rs

    from castcorpus.corpus.schema import _python_classes

    fast = jsonschema_rs.Draft202012Validator({"pattern": _python_classes(r"^\S$")})
    python = re.compile(r"^\S\Z")
    differ = [hex(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF
              and fast.is_valid(chr(code)) != bool(python.search(chr(code)))]
    assert differ == []


def test_the_fast_path_refuses_class_escapes_it_does_not_translate():
    from castcorpus.corpus.schema import _python_classes

    assert _python_classes(r"^10\.[0-9]+/\S+$").startswith(r"^10\.[0-9]+/[^\u0009\u000a")
    with pytest.raises(ValueError, match="not translated"):
        _python_classes(r"^\d+$")


@pytest.mark.parametrize("value", [1, 1.0, 1.5, True, None, "1", 2 ** 64, 2 ** 70, -(2 ** 70), 1e300, -0.0, [], {}])
@pytest.mark.parametrize("field", ["start", "end"])
def test_fast_path_agrees_with_jsonschema_on_odd_numbers(repo, field, value):
    # Values the compiled check converts from Python (floats for integers, integers past 64 bits).
    from castcorpus.corpus.schema import is_valid

    annotation = json.loads((repo / "corpus/annotations/duran-2018-04-russian-airstrikes-damascus.json").read_text())
    annotation["claims"][0]["span"][field] = value
    assert is_valid("annotation", annotation) == (not list(validator("annotation").iter_errors(annotation)))


@pytest.mark.parametrize("field, value", [("published", "2019-02-29"), ("published", "2019-02"), ("published", "2019-13"),
                                          ("published", "2019-02-28\n"), ("published", 2019), ("url", "not a uri"), ("url", 5),
                                          ("language", "en\n"), ("language", "en-GB"), ("text_sha256", "A" * 64)])
def test_fast_path_agrees_with_jsonschema_on_formats_and_patterns(field, value):
    from castcorpus.corpus.schema import is_valid

    meta = json.loads((Path(__file__).resolve().parent.parent / "corpus/documents/duran-2018-04-russian-airstrikes-damascus.json").read_text())
    if field == "published":
        meta["published"]["value"] = value
    else:
        meta[field] = value
    assert is_valid("document", meta) == (not list(validator("document").iter_errors(meta)))
