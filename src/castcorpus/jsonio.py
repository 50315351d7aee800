"""Reading corpus JSON files safely: size limit, strict UTF-8, duplicate keys caught.

Reading never raises for bad input; it returns the problems as issues so that the validator
can report every bad file in one run.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .report import Issue

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


def read_limited(path: Path, rel: str, limit: int) -> tuple[bytes | None, list[Issue]]:
    """Read a file's bytes unless it is missing, not a regular file, empty or over ``limit``."""
    try:
        status = os.stat(path)
    except OSError as err:
        return None, [Issue(rel, "", "file-unreadable", f"cannot read file: {err.strerror}")]
    if not stat.S_ISREG(status.st_mode):
        return None, [Issue(rel, "", "file-unreadable", "not a regular file")]
    size = status.st_size
    if size == 0:
        return None, [Issue(rel, "", "file-empty", "file is empty")]
    if size > limit:
        return None, [Issue(rel, "", "file-too-large", f"file has {size} bytes, more than the limit of {limit}")]
    try:
        return path.read_bytes(), []
    except OSError as err:
        return None, [Issue(rel, "", "file-unreadable", f"cannot read file: {err.strerror}")]


def load_json(path: Path, rel: str) -> Loaded:
    """Parse a JSON file; problems become issues with the file's name ``rel``."""
    data, issues = read_limited(path, rel, MAX_JSON_BYTES)
    if data is None:
        return Loaded(None, issues)
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
    return Loaded(value, [])


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
