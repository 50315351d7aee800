"""The JSON Schema files under ``schema/``: loading them and checking instances against them.

The schema files are the single source of truth for the file formats; this module only
loads them (``schema/`` ships inside the package as ``castcorpus.schemas``) and turns
validation errors into :class:`~castcorpus.report.Issue` records.
"""

from __future__ import annotations

import datetime
import json
import re
from functools import cache
from importlib import resources
from typing import Any, Iterator

from castcorpus.report import Issue, pointer

# jsonschema and referencing are imported where a validator is made, not here: loading a schema
# file (as the corpus reader does for its id pattern) and starting the command line need neither.

#: File kinds and the schema file that describes each.
KINDS = ("actors", "outlets", "collections", "clusters", "events", "near-duplicates", "splits", "release",
         "coverage-exceptions", "document", "annotation")
_DEFS = "defs"


def _schema_files():
    return resources.files("castcorpus.schemas")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The parsed schema ``<name>.schema.json``."""
    return json.loads((_schema_files() / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def _registry():
    from referencing import Registry, Resource

    resources_ = [
        (load_schema(name)["$id"], Resource.from_contents(load_schema(name)))
        for name in (*KINDS, _DEFS)
    ]
    return Registry().with_resources(resources_)


@cache
def _ecma_regex(pattern: str) -> re.Pattern:
    """Compile a schema pattern with ECMA-262 semantics for ``$``: the end of the string.

    Python's ``$`` also matches before a final newline, so ``"isis\\n"`` would pass
    ``^[a-z]+$``; JSON Schema patterns are ECMA-262, where it does not. Every unescaped ``$``
    outside a character class becomes ``\\Z``.
    """
    out, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
    return re.compile("".join(out))


def _pattern(validator_, pattern: str, instance: Any, schema: dict) -> Iterator:
    from jsonschema import ValidationError

    if validator_.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _validator_class():
    """Draft 2020-12 with ECMA-262 ``$`` in ``pattern``."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, {"pattern": _pattern})


def is_calendar_date(value: Any) -> bool:
    """The ``partial-date`` format: a year, a month of a year, or a day that exists in the
    calendar (the schema's pattern alone admits 2019-02-29). Non-strings and strings the
    pattern rejects pass here: the other keywords report them."""
    if not isinstance(value, str) or len(value) != 10 or not _ecma_regex(_DATE_SHAPE).search(value):
        return True
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_DATE_SHAPE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#: The formats this package defines: the same checks on both validators.
FORMATS = {"partial-date": is_calendar_date}
#: Issue codes of failed formats (an impossible date is not a malformed one).
_FORMAT_CODES = {"partial-date": "date-impossible"}


def _format_checker():
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return checker


@cache
def validator(kind: str):
    """A Draft 2020-12 validator for one file kind, with the shared definitions resolvable."""
    if kind not in KINDS:
        raise ValueError(f"unknown file kind {kind!r}; expected one of {', '.join(KINDS)}")
    return _validator_class()(load_schema(kind), registry=_registry(), format_checker=_format_checker())


def _ecma_source(pattern: str) -> str:
    return _ecma_regex(pattern).pattern


def bundle(kind: str) -> dict[str, Any]:
    """The schema of ``kind`` with every ``$ref`` replaced by its target (our schemas are not
    recursive) and every ``pattern`` given ECMA-262 ``$``: a self-contained, plain schema."""

    def resolve(node: Any, home: str) -> Any:
        if isinstance(node, list):
            return [resolve(item, home) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target_home, _, fragment = node["$ref"].partition("#")
            home = target_home.rsplit(":", 1)[-1] if target_home else home
            target: Any = load_schema(home)
            for part in filter(None, fragment.split("/")):
                target = target[part]
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            return resolve({**target, **siblings}, home)
        out = {k: resolve(v, home) for k, v in node.items() if k not in ("$schema", "$id", "$defs")}
        if isinstance(out.get("pattern"), str):
            out["pattern"] = _ecma_source(out["pattern"])
        return out

    return resolve(load_schema(kind), kind)


#: Keywords that say nothing about validity.
_ANNOTATIONS = {"description", "title", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly"}
#: Keywords whose meaning would change if ``null`` were added to the schema's ``type``.
_NOT_TYPE_SCOPED = {"enum", "const", "oneOf", "anyOf", "allOf", "not", "if", "$ref"}


def _nullable_as_type(node: Any) -> Any:
    """``{"oneOf": [S, {"type": "null"}]}`` rewritten as S with ``"null"`` added to its type.

    The two say the same thing when S has one ``type`` and only keywords that apply to that
    type (``properties``, ``pattern``, ...), which ignore ``null``. Compiled, the rewritten
    form tries no branch that fails: fastjsonschema raises (and formats) an exception for every
    failed ``oneOf`` branch, which made these nullable spans and keys most of its cost.
    """
    if isinstance(node, list):
        return [_nullable_as_type(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_as_type(value) for key, value in node.items()}
    branches = node.get("oneOf")
    if isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches:
        other = branches[0] if branches[1] == {"type": "null"} else branches[1]
        rest = {key: value for key, value in node.items() if key != "oneOf"}
        # Only where nothing is lost: S has one type besides null and only type-scoped
        # keywords, and the node itself has nothing but annotations beside its oneOf.
        if (isinstance(other, dict) and isinstance(other.get("type"), str) and other["type"] != "null"
                and not _NOT_TYPE_SCOPED & other.keys() and rest.keys() <= _ANNOTATIONS):
            return {**other, "type": [other["type"], "null"]}
    return node


@cache
def _fast_check(kind: str):
    """A compiled validator (fastjsonschema) that answers "valid or not" quickly; findings
    themselves always come from jsonschema, which reports every error with its place."""
    import fastjsonschema

    return fastjsonschema.compile(_nullable_as_type(bundle(kind)), formats={"uri": lambda value: True, **FORMATS})


def is_valid(kind: str, instance: Any) -> bool:
    """True when ``instance`` is valid for ``kind`` (fast path of :func:`schema_issues`)."""
    import fastjsonschema

    try:
        _fast_check(kind)(instance)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def schema_issues(kind: str, instance: Any, file: str) -> Iterator[Issue]:
    """Every schema violation of ``instance`` (not only the first), as issues.

    The code is ``schema-<keyword>`` (e.g. ``schema-enum``, ``schema-required``), so that it
    stays stable however the message is worded; the pointer locates the offending value.
    Valid files (nearly all of them) are recognized by a compiled validator first, which is
    some twenty times faster than collecting errors with jsonschema.
    """
    if is_valid(kind, instance):
        return
    for error in validator(kind).iter_errors(instance):
        yield from _issues_of(error, file)


def _issues_of(error, file: str) -> Iterator[Issue]:
    # oneOf/anyOf failures are clearer as the errors of the branch that came closest.
    if error.validator in ("oneOf", "anyOf") and error.context:
        best = min(error.context, key=lambda e: (len(e.relative_path) * -1, e.validator == "type"))
        if best.validator != "type" or len(error.context) == 1:
            yield from _issues_of(best, file)
            return
    code = "schema-" + _kebab(str(error.validator))
    if error.validator == "format" and error.validator_value in _FORMAT_CODES:
        code = _FORMAT_CODES[error.validator_value]
        yield Issue(file, pointer(*error.absolute_path), code, f"{error.instance!r} is not a day of the calendar")
        return
    yield Issue(file, pointer(*error.absolute_path), code, _message(error))


def _message(error) -> str:
    message = error.message
    if len(message) > 200:
        message = message[:197] + "..."
    return message


def _kebab(name: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")
