"""Reading corpus JSON files safely: size limit, strict UTF-8, duplicate keys caught.

Reading never raises for bad input; it returns the problems as issues so that the validator
can report every bad file in one run.
"""

from __future__ import annotations

import errno
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import orjson

from castcorpus.corpus.files import InputFileError, read_opened, read_regular
from castcorpus.report import Issue

#: Largest JSON file the corpus accepts (bytes). Real annotation files are a few tens of KB.
MAX_JSON_BYTES = 5 * 1024 * 1024
#: Largest text file the corpus accepts (bytes).
MAX_TEXT_BYTES = 5 * 1024 * 1024


@dataclass
class Loaded:
    """A JSON file as read: its value (``None`` when unusable) and the problems found."""

    value: Any = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file parsed. (A file holding ``null`` parses: its value is None.)"""
        return not self.issues


class _DuplicateKey(ValueError):
    pass


class _NotJson(ValueError):
    pass


def _no_constants(name: str):
    # json.loads accepts NaN, Infinity and -Infinity, which JSON (RFC 8259) does not.
    raise _NotJson(f"{name} is not a JSON value")


def _no_duplicates(pairs):
    # dict() in C, and a loop only when a key was lost: most objects cost one comparison.
    seen = dict(pairs)
    if len(seen) != len(pairs):
        keys = set()
        for key, _ in pairs:
            if key in keys:
                raise _DuplicateKey(key)
            keys.add(key)
    return seen


def read_limited(path: Path, rel: str, limit: int, status: os.stat_result | None = None,
                 opened: tuple[int, os.stat_result] | None = None) -> tuple[bytes | None, list[Issue]]:
    """Read a file's bytes unless it is missing, not a regular file, empty or over ``limit``
    (type and size checked before reading, the bytes read in blocks: :mod:`castcorpus.corpus.files`).
    ``status``: the caller's ``os.lstat`` of ``path``, when it has one (it saves a system call);
    ``opened``: what :func:`~castcorpus.corpus.files.open_unlinked` gave for it, read and closed here."""
    try:
        data = read_regular(path, limit, status) if opened is None else read_opened(opened, path, limit)
    except InputFileError as err:
        code = "file-too-large" if err.errno == errno.EFBIG else "file-unreadable"
        return None, [Issue(rel, "", code, err.strerror)]
    except OSError as err:
        return None, [Issue(rel, "", "file-unreadable", f"cannot read file: {err.strerror}")]
    if not data:
        return None, [Issue(rel, "", "file-empty", "file is empty")]
    return data, []


def load_json(path: Path, rel: str, status: os.stat_result | None = None,
              opened: tuple[int, os.stat_result] | None = None) -> Loaded:
    """Parse a JSON file; problems become issues with the file's name ``rel``. ``status``: the
    caller's ``os.lstat`` of ``path``, when it has one; ``opened``: as :func:`read_limited` takes it."""
    data, issues = read_limited(path, rel, MAX_JSON_BYTES, status, opened)
    if data is None:
        return Loaded(None, issues)
    value = _parse_fast(data)
    if value is not _UNSURE:
        return Loaded(value, [])
    return _parse_careful(data, rel)


#: What :func:`_parse_fast` returns when it cannot vouch for its value.
_UNSURE = object()
#: Bytes after which the fast parse could differ from the careful one: 19 digits in a row (an
#: integer past 64 bits, which orjson turns into a float; found as 19 zeros once every digit is
#: made a zero, which is some ten times cheaper than a regular expression), and a ``\u`` escape
#: of a colon (the duplicate-key count below counts colons as written) or of a surrogate.
_ALL_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19
_ESCAPE = re.compile(rb"\\u(?:003[aA]|[dD][89a-fA-F])")


def _parse_fast(data: bytes) -> Any:
    """The value of a JSON file parsed by orjson, when that is the value :func:`_parse_careful`
    would give without an issue; else ``_UNSURE``, and the careful parse decides and reports.

    orjson refuses what the careful parse reports (bad UTF-8, a byte-order mark, NaN, a lone
    surrogate, bad syntax, deep nesting) but keeps the last of two equal keys. Outside strings a
    colon follows each key, and inside them colons are kept as written (no ``\\u003a``) both in
    the file and in orjson's output, so the file has as many colons as the parsed value
    serialized exactly when no object lost a key: two counts in C instead of a Python call per
    object (docs/decisions.md, Validation, has the measurements).
    """
    # A backslash is looked for first: one byte is found by memchr, some ten times faster than
    # the two of "\\u", and most files have no escape at all.
    if _LONG_NUMBER in data.translate(_ALL_ZERO) or (b"\\" in data and _ESCAPE.search(data)):
        return _UNSURE
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _UNSURE
    if data.count(b":") != orjson.dumps(value).count(b":"):
        return _UNSURE
    return value


def _parse_careful(data: bytes, rel: str) -> Loaded:
    """Parse with the standard library, every problem an issue (duplicate keys included)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        return Loaded(None, [Issue(rel, "", "json-invalid-utf8", f"byte {err.start} is not valid UTF-8")])
    if text.startswith("\ufeff"):
        return Loaded(None, [Issue(rel, "", "json-bom", "file starts with a byte-order mark")])
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except _DuplicateKey as err:
        return Loaded(None, [Issue(rel, "", "json-duplicate-key", f"key {str(err)!r} occurs twice in one object")])
    except json.JSONDecodeError as err:
        return Loaded(None, [Issue(rel, "", "json-malformed", f"line {err.lineno} column {err.colno}: {err.msg}")])
    except RecursionError:
        return Loaded(None, [Issue(rel, "", "json-malformed", "nesting is too deep")])
    except ValueError as err:
        # NaN/Infinity, or an integer longer than Python converts (sys.get_int_max_str_digits).
        return Loaded(None, [Issue(rel, "", "json-malformed", str(err).split(";")[0])])
    if _MAY_HOLD_SURROGATE.search(text):
        found = [Issue(rel, where, "json-lone-surrogate",
                       f"string holds U+{ord(char):04X}, half of a surrogate pair (from a \\u escape): "
                       "it cannot be encoded as UTF-8")
                 for where, char in lone_surrogates(value)]
        if found:
            return Loaded(None, found)
    return Loaded(value, [])


#: A ``\uD800``-``\uDFFF`` escape: only a file with one can decode to a lone surrogate (a
#: UTF-8 file cannot hold one as bytes). A pair of them is one character, so the value is
#: searched to tell.
_MAY_HOLD_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def lone_surrogates(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """``(JSON pointer, surrogate)`` of every string (object keys too) of a parsed JSON
    value that holds a lone surrogate, which no UTF-8 writer (pyarrow, a file) accepts. An
    object key is reported at the member it names. Iterative: nesting depth is no limit."""
    stack = [(where, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, str):
            char = _first_surrogate(node)
            if char:
                yield where, char
        elif isinstance(node, dict):
            for key, item in node.items():
                inner = where + "/" + key.replace("~", "~0").replace("/", "~1")
                char = _first_surrogate(key)
                if char:
                    yield inner, char
                stack.append((inner, item))
        elif isinstance(node, list):
            stack.extend((f"{where}/{index}", item) for index, item in enumerate(node))


def _first_surrogate(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return text[err.start]
    return None


def dump_json(value: Any) -> str:
    """The corpus's JSON style: two-space indent, UTF-8 kept, final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so that a
    failure never leaves a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
