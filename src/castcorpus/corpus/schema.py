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
from typing import Any, Callable, Iterator

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
    return _inlined(kind, _ecma_source)


def _inlined(kind: str, pattern: Callable[[str], str]) -> dict[str, Any]:
    """The schema of ``kind`` with every ``$ref`` inlined and every ``pattern`` passed through
    ``pattern``."""

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
            out["pattern"] = pattern(out["pattern"])
        return out

    return resolve(load_schema(kind), kind)


_CLASS_ESCAPE = re.compile(r"\\(.)")


@cache
def _python_space() -> str:
    r"""Python's ``\s`` (``str.isspace``) as the inside of a character class. The compiled check's
    own ``\s`` differs (it has U+FEFF, lacks U+0085). Every whitespace character is in the
    Basic Multilingual Plane (a test compares the class with ``re`` on every code point)."""
    return "".join(f"\\u{code:04x}" for code in range(0x10000) if chr(code).isspace())


def _python_classes(pattern: str) -> str:
    r"""A schema pattern for the compiled check, with Python's ``\s`` and ``\S`` spelled out.

    Findings come from jsonschema with Python's ``re``; the compiled check must accept no
    string that ``re`` rejects, so a class escape means what it means in ``re``. The patterns
    use only ``\s``/``\S`` of them; any other class escape is refused until it is taught here.
    """

    def spell(match: re.Match) -> str:
        char = match.group(1)
        if char in "dDwWbB":
            raise ValueError(f"pattern {pattern!r}: \\{char} is not translated for the compiled schema check")
        if char == "s":
            return f"[{_python_space()}]"
        if char == "S":
            return f"[^{_python_space()}]"
        return match.group(0)

    return _CLASS_ESCAPE.sub(spell, pattern)


def _formats_in(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*map(_formats_in, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {node["format"]} if isinstance(node.get("format"), str) else set()
    return found.union(*map(_formats_in, node.values()))


def _conforms(checker, name: str) -> Callable[[Any], bool]:
    return lambda value: checker.conforms(value, name)


@cache
def _fast_check(kind: str):
    r"""A compiled validator (jsonschema-rs) that answers "valid or not" quickly; findings
    themselves always come from jsonschema, which reports every error with its place.

    It gets the same format checks as jsonschema (a format jsonschema does not check passes)
    and Python's meaning of ``\s`` in patterns, so that it never accepts what jsonschema rejects.
    """
    import jsonschema_rs

    schema = _inlined(kind, _python_classes)
    checker = _format_checker()
    formats = {name: _conforms(checker, name) if name in checker.checkers else _always
               for name in _formats_in(schema)}
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True, formats=formats)


def _always(value: Any) -> bool:
    return True


def is_valid(kind: str, instance: Any) -> bool:
    """True when ``instance`` is valid for ``kind`` (fast path of :func:`schema_issues`)."""
    try:
        return _fast_check(kind).is_valid(instance)
    except (ValueError, TypeError, OverflowError):
        # A value the compiled check cannot take in (a lone surrogate, an integer beyond 64
        # bits ...): jsonschema decides.
        return False


def schema_issues(kind: str, instance: Any, file: str) -> Iterator[Issue]:
    """Every schema violation of ``instance`` (not only the first), as issues.

    The code is ``schema-<keyword>`` (e.g. ``schema-enum``, ``schema-required``), so that it
    stays stable however the message is worded; the pointer locates the offending value.
    Valid files (nearly all of them) are recognized by a compiled validator first, far faster
    than collecting errors with jsonschema.
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
