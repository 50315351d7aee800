"""The inputs' digest reads each file whole, by its size as last seen, and must get every byte
even when the file has grown or shrunk since (or the size is unknown)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from castcorpus.release.uptodate import _read


@settings(max_examples=60, deadline=None)
@given(size=st.sampled_from([0, 1, 100, 65_535, 65_536, 65_537, 200_003]), hint=st.integers(0, 300_000),
       fill=st.binary(min_size=1, max_size=64))
def test_a_file_is_read_whole_whatever_the_size_seen(tmp_path_factory, size, hint, fill):
    path = tmp_path_factory.mktemp("read") / "file"
    data = (fill * (size // len(fill) + 1))[:size]
    path.write_bytes(data)
    assert _read(str(path), hint) == data
    assert _read(str(path)) == data
