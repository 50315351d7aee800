"""The fast JSON parse (orjson, with a colon count for duplicate keys) never changes what a file
loads as: the same value, or the careful parse's findings, for any bytes."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from castcorpus.corpus import jsonio

BOUNDED = settings(max_examples=400, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: Keys and strings with what the colon count must not be fooled by: colons, quotes, backslashes.
_keys = st.text(alphabet='ab:"\\ ', max_size=4)
_scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=2 ** 62, max_value=2 ** 70)
            | st.integers(min_value=-(2 ** 70), max_value=-(2 ** 62))
            | st.floats(allow_nan=False, allow_infinity=False) | st.text(alphabet='ab:"\\ \u00e9\U0001f600', max_size=6))
#: Objects as lists of members, so that a key may occur twice.
_trees = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4).map(lambda items: ("list", items))
                      | st.lists(st.tuples(_keys, inner), max_size=4).map(lambda pairs: ("object", pairs)),
                      max_leaves=15)


def _string(text: str, escape: list[bool]) -> str:
    """A JSON string, each character written as itself or (by ``escape``) as ``\\uXXXX``."""
    out = []
    for index, char in enumerate(text):
        if escape and escape[index % len(escape)]:
            out.append("".join(f"\\u{unit:04x}" for unit in _utf16(char)))
        else:
            out.append(json.dumps(char, ensure_ascii=False)[1:-1])
    return '"' + "".join(out) + '"'


def _utf16(char: str) -> list[int]:
    data = char.encode("utf-16-be")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def _write(tree, escape: list[bool], space: str) -> str:
    if isinstance(tree, tuple) and tree[0] == "list":
        return "[" + ("," + space).join(_write(item, escape, space) for item in tree[1]) + "]"
    if isinstance(tree, tuple):
        members = (f"{_string(key, escape)}{space}:{space}{_write(value, escape, space)}" for key, value in tree[1])
        return "{" + ("," + space).join(members) + "}"
    if isinstance(tree, str):
        return _string(tree, escape)
    return json.dumps(tree)


def _same(path, data: bytes) -> None:
    path.write_bytes(data)
    fast = jsonio.load_json(path, "f.json")
    careful = jsonio._parse_careful(data, "f.json") if data else fast
    assert fast.issues == careful.issues
    assert repr(fast.value) == repr(careful.value)  # repr tells 1 from 1.0 and True, and key order


@BOUNDED
@given(_trees, st.lists(st.booleans(), max_size=3), st.sampled_from(["", " ", "\n  "]))
def test_fast_parse_gives_what_the_careful_parse_gives(tmp_path_factory, tree, escape, space):
    _same(tmp_path_factory.mktemp("fast") / "f.json", _write(tree, escape, space).encode("utf-8"))


@BOUNDED
@given(st.binary(max_size=300))
def test_fast_parse_gives_what_the_careful_parse_gives_on_any_bytes(tmp_path_factory, data):
    _same(tmp_path_factory.mktemp("fast") / "f.json", data)


@pytest.mark.parametrize("text", [
    '{"a": 1, "a": 2}', '{"a": {"b": 1, "b": 1}}', '[{"x:": 1, "x:": 2}]', '{"a\\u003a": 1, "a:": 2, "b": 3}',
    '{"a": "\\":", "a": 2}', '{"a" : 1, "a": 2}', '{"n": 18446744073709551616}', '{"n": -9223372036854775809}',
    '{"s": "\\ud800"}', '{"s": "\\udc00\\ud800"}', '{"n": NaN}', '\ufeff{}', '{"n": 1e400}', '[' * 2000 + ']' * 2000,
])
def test_fast_parse_leaves_every_hard_case_to_the_careful_parse(tmp_path, text):
    data = text.encode("utf-8")
    careful = jsonio._parse_careful(data, "f.json")
    if careful.issues or text.startswith(('{"n": 18', '{"n": -9')):
        assert jsonio._parse_fast(data) is jsonio._UNSURE
    _same(tmp_path / "f.json", data)
