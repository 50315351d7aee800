"""Generate docs/schema.md from the JSON Schema files, with examples taken from the corpus.

The reference is generated, never written by hand, so it cannot drift from the schemas:
``castcorpus schema-doc --out docs/schema.md`` rewrites it and a test checks that the
committed file equals the generator's output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from .jsonio import load_json
from .reader import Layout
from .schema import KINDS, load_schema

_FILES = {
    "actors": "corpus/actors.json",
    "outlets": "corpus/outlets.json",
    "collections": "corpus/collections.json",
    "clusters": "corpus/clusters.json",
    "events": "corpus/events.json",
    "near-duplicates": "corpus/near-duplicates.json",
    "splits": "corpus/splits.json",
    "release": "corpus/release.json",
    "coverage-exceptions": "corpus/coverage-exceptions.json",
    "document": "corpus/documents/<id>.json",
    "annotation": "corpus/annotations/<id>.json, corpus/passes/<annotator>/<id>.json",
}
_EXAMPLE_WIDTH = 90


def _resolve(node: dict[str, Any], home: str) -> tuple[dict[str, Any], str]:
    """Follow a ``$ref`` (local or into defs) and return the target and its home schema."""
    while "$ref" in node:
        ref = node["$ref"]
        target_home, _, fragment = ref.partition("#")
        if target_home:
            home = target_home.rsplit(":", 1)[-1]
        target: Any = load_schema(home)
        for part in filter(None, fragment.split("/")):
            target = target[part]
        extra = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **extra}
    return node, home


def _type_of(node: dict[str, Any], home: str) -> str:
    node, home = _resolve(node, home)
    for key in ("oneOf", "anyOf"):
        if key in node:
            return " or ".join(_type_of(branch, home) for branch in node[key])
    kind = node.get("type", "any")
    kinds = kind if isinstance(kind, list) else [kind]
    if "array" in kinds and "items" in node:
        return "array of " + _type_of(node["items"], home)
    if "object" in kinds and "properties" in node:
        kinds = ["object"]
    return " or ".join(kinds)


def _fields(node: dict[str, Any], home: str, path: str) -> Iterator[tuple[str, dict, str, bool]]:
    """Every property below ``node`` as (path, resolved node, home, required)."""
    node, home = _resolve(node, home)
    for branch in node.get("oneOf", []) + node.get("anyOf", []):
        yield from _fields(branch, home, path)
    if "items" in node:
        yield from _fields(node["items"], home, path + "[]")
    required = set(node.get("required", []))
    for name, child in node.get("properties", {}).items():
        child_path = f"{path}.{name}" if path else name
        resolved, child_home = _resolve(child, home)
        yield child_path, resolved, child_home, name in required
        yield from _fields(child, home, child_path)


#: The document whose files supply the examples: the seed, whose annotations are gold and
#: whose text we may quote. Registry examples are the entries it refers to, so that the
#: reference changes only when the seed's own files do.
EXAMPLE_DOCUMENT = "duran-2018-04-russian-airstrikes-damascus"


def _read(path: Path) -> Any:
    return load_json(path, str(path)).value if path.exists() else None


#: Kinds whose example is their one file (trimmed to what concerns the seed document).
_WHOLE_FILE_EXAMPLES = {"events": "events", "near-duplicates": "near_duplicates", "splits": "splits", "release": "release",
                        "coverage-exceptions": "coverage_exceptions"}


def _example_entries(kind: str, value: dict, meta: dict) -> dict:
    if kind == "events":
        events = [e for e in value.get("events", []) if e.get("key") in set(meta.get("reports_on", []))]
        places = [p for p in value.get("places", []) if p.get("key") in {e.get("place") for e in events}]
        return {**value, "places": places, "events": events}
    if kind == "splits":
        return {**value, "documents": [d for d in value.get("documents", []) if d.get("id") == meta.get("id")]}
    if kind == "near-duplicates":
        return {**value, "pairs": value.get("pairs", [])[:1]}
    return value


def _examples(kind: str, corpus_root: Path) -> list[Any]:
    layout = Layout(corpus_root)
    meta = _read(layout.documents / f"{EXAMPLE_DOCUMENT}.json") or {}
    annotation = _read(layout.annotations / f"{EXAMPLE_DOCUMENT}.json") or {}
    if kind == "document":
        return [meta]
    if kind == "annotation":
        return [annotation]
    if kind in _WHOLE_FILE_EXAMPLES:
        return [_example_entries(kind, _read(getattr(layout, _WHOLE_FILE_EXAMPLES[kind])) or {}, meta)]
    registry = _read(getattr(layout, kind)) or {}
    used = {
        "actors": {a.get("actor") for a in annotation.get("actors", [])},
        "outlets": {meta.get("outlet"), (meta.get("republication") or {}).get("original_outlet")},
        "collections": {meta.get("collection")},
        "clusters": {c.get("cluster") for c in annotation.get("claims", [])},
    }[kind]
    entries = [e for e in registry.get(kind, []) if e.get("key") in used]
    return [{**registry, kind: entries}]


def _example_at(values: list[Any], path: str) -> Any:
    """First value found at a dotted path (``[]`` steps into lists) in the example files."""
    found: list[Any] = values
    for part in path.split("."):
        list_step = part.endswith("[]")
        key = part[:-2] if list_step else part
        found = [v[key] for v in found if isinstance(v, dict) and key in v]
        if list_step:
            found = [item for v in found if isinstance(v, list) for item in v]
    return next((v for v in found if v not in (None, [], {})), found[0] if found else None)


def _format_example(value: Any) -> str:
    # Objects and lists of objects are shown field by field in their own rows.
    if value is None or isinstance(value, dict) or (isinstance(value, list) and value and isinstance(value[0], dict)):
        return ""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > _EXAMPLE_WIDTH:
        text = text[: _EXAMPLE_WIDTH - 3] + "..."
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(corpus_root: str | Path = "corpus") -> str:
    """The Markdown reference of every file kind, field by field."""
    lines = [
        "# CAST-Syria file formats (schema version 1.0)",
        "",
        "Generated from `schema/*.schema.json` by `castcorpus schema-doc`; do not edit by hand.",
        f"Examples come from the files of the seed document `{EXAMPLE_DOCUMENT}` and the registry entries it uses.",
        "Spans are half-open `[start, end)` offsets in Unicode code points into the canonical text.",
        "",
    ]
    for kind in KINDS:
        schema = load_schema(kind)
        lines += [f"## {schema['title']}", "", schema["description"], "", f"File: `{_FILES[kind]}`. Schema: `schema/{kind}.schema.json` (`{schema['$id']}`).", ""]
        lines += ["| field | type | required | description | allowed values | example |", "|---|---|---|---|---|---|"]
        examples = _examples(kind, Path(corpus_root))
        for path, node, home, required in _fields(schema, kind, ""):
            enum = ", ".join(f"`{v}`" for v in node.get("enum", []) if v is not None)
            lines.append(
                f"| `{path}` | {_type_of(node, home)} | {'yes' if required else 'no'} | "
                f"{_cell(node.get('description', ''))} | {enum} | {_format_example(_example_at(examples, path))} |"
            )
        lines.append("")
    return "\n".join(lines)
