"""The inputs' digest reads each file whole, by its size as last seen, and must get every byte
even when the file has grown or shrunk since (or the size is unknown)."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from castcorpus.release.uptodate import _read, _read_whole


@settings(max_examples=60, deadline=None)
@given(size=st.sampled_from([0, 1, 100, 65_535, 65_536, 65_537, 200_003]), hint=st.integers(0, 300_000),
       fill=st.binary(min_size=1, max_size=64))
def test_a_file_is_read_whole_whatever_the_size_seen(tmp_path_factory, size, hint, fill):
    path = tmp_path_factory.mktemp("read") / "file"
    data = (fill * (size // len(fill) + 1))[:size]
    path.write_bytes(data)
    handle = os.open(path, os.O_RDONLY)
    try:
        assert _read_whole(handle, hint) == data
    finally:
        os.close(handle)
    read, status = _read(str(path))
    assert read == data and status.st_size == size


def test_a_named_pipe_is_not_read(tmp_path):
    if not hasattr(os, "mkfifo"):
        return
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    assert _read(str(pipe)) is None  # opened without waiting for a writer, then refused


def _walked(folder):
    """The files under ``folder`` as ``os.walk(followlinks=True)`` and ``os.stat`` see them,
    links back to an enclosing folder and ``__pycache__`` left out: what the listing must give."""
    found = []
    for top, dirs, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(top)
        dirs[:] = [d for d in dirs if d != "__pycache__"
                   and not (real + os.sep).startswith(os.path.realpath(os.path.join(top, d)) + os.sep)]
        rel = os.path.relpath(top, folder).replace(os.sep, "/")
        for name in names:
            path = os.path.join(top, name)
            if os.path.isfile(path):
                found.append((name if rel == "." else f"{rel}/{name}", os.stat(path).st_ino))
    return sorted(found)


def test_the_listing_is_what_os_walk_lists(tmp_path):
    root = tmp_path / "corpus"
    (root / "documents" / "deep").mkdir(parents=True)
    (root / "documents" / "a.json").write_text("{}")
    (root / "documents" / "deep" / "b.json").write_text("{}")
    (root / "documents-x").mkdir()
    (root / "documents-x" / "c").write_text("c")
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "x.pyc").write_text("x")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "o.txt").write_text("o")
    (root / "linked").symlink_to(tmp_path / "outside")  # a link to a folder is followed
    (root / "documents" / "up").symlink_to(root)  # a link back up is not
    (root / "file-link").symlink_to(root / "documents" / "a.json")
    (root / "dangling").symlink_to(tmp_path / "nothing")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe")
    from castcorpus.release.uptodate import _files

    listed = [(rel, os.stat(path).st_ino) for rel, path, _ in _files(root)]
    assert listed == _walked(root)
    assert [rel for rel, _ in listed] == ["documents-x/c", "documents/a.json", "documents/deep/b.json",
                                          "file-link", "linked/o.txt"]


_JSON_BITS = st.sampled_from([b'{"collection": "ext"}', b'{"collection": "a", "collection": "ext"}',
                              b'\xef\xbb\xbf{"collection": "ext"}', b'{"collection": "\\u0065xt"}',
                              b'{"collection": "\xed\xa0\x80"}', b'{"collection": "\\ud800"}', b'NaN',
                              b'{"collection": 1e400}', b'{"x": NaN, "collection": "ext"}', b'[', b'{', b'}',
                              b'"collection"', b'{"collection": ["ext"]}', b'\xff', b' ', b'{"collection": 12}'])


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(_JSON_BITS, max_size=4), depth=st.sampled_from([0, 1, 400, 990, 1100]))
def test_a_documents_collection_is_what_json_loads_finds(parts, depth):
    """The fast parse gives the collection ``json.loads`` gives, broken JSON and deep nesting included."""
    import json

    from castcorpus.release.uptodate import _collection_of

    data = b"".join(parts)
    if depth:
        data = b'{"collection": "ext", "n": ' + b"[" * depth + b"]" * depth + b"}"
    try:
        value = json.loads(data)
        expected = value.get("collection") if isinstance(value, dict) else None
        expected = expected if isinstance(expected, str) else None
    except (ValueError, RecursionError):
        expected = None
    assert _collection_of(data) == expected
