"""Input files are checked for type and size before they are read, and read in blocks.

The race tests swap what the path check sees for what the open finds (a regular file
reported, a named pipe or a larger file opened), which is what a path replaced between the
check and the read would do.
"""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from castcorpus.corpus import files
from castcorpus.corpus.files import InputFileError, iter_blocks, iter_lines, read_regular
from castcorpus.corpus.jsonio import read_limited
from castcorpus.scoring import evaluation


@pytest.fixture
def no_hang():
    """Turn a read that would block for ever into a failure (not a timing check)."""
    def stop(*_):
        raise AssertionError("the read blocked")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _pretend(monkeypatch, path: Path, like: Path):
    """Make ``os.stat(path)`` answer what it answers for ``like`` (the path check is fooled)."""
    real = os.stat

    def fake(target, *args, **kwargs):
        return real(like if Path(target) == path else target, *args, **kwargs)
    monkeypatch.setattr(files.os, "stat", fake)


def test_a_named_pipe_is_refused_unopened(tmp_path, no_hang):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(InputFileError) as caught:
        read_regular(pipe, 100)
    assert caught.value.errno == errno.EINVAL and caught.value.filename == str(pipe)
    assert read_limited(pipe, "pipe", 100)[1][0].code == "file-unreadable"


def test_a_pipe_swapped_in_after_the_check_is_refused_without_blocking(tmp_path, monkeypatch, no_hang):
    pipe, regular = tmp_path / "pipe", tmp_path / "regular"
    os.mkfifo(pipe)
    regular.write_bytes(b"{}")
    _pretend(monkeypatch, pipe, regular)
    with pytest.raises(InputFileError, match="not a regular file"):
        read_regular(pipe, 100)


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    with monkeypatch.context() as patch:
        patch.setattr(files.os, "open", lambda *a, **k: pytest.fail("opened"))
        with pytest.raises(InputFileError, match="file has 101 bytes, more than the limit of 100") as caught:
            read_regular(big, 100)
    assert caught.value.errno == errno.EFBIG
    assert read_regular(tmp_path.joinpath("big"), None) == b"x" * 101  # no limit: read whole


def test_a_file_larger_when_opened_than_when_checked_is_refused(tmp_path, monkeypatch):
    small, big = tmp_path / "small", tmp_path / "big"
    small.write_bytes(b"x" * 10)
    big.write_bytes(b"x" * 1000)
    _pretend(monkeypatch, big, small)
    with pytest.raises(InputFileError, match="file has 1000 bytes"):
        read_regular(big, 100)


def test_a_file_that_grows_while_it_is_read_is_refused_after_at_most_one_block_past_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "growing"
    path.write_bytes(b"x" * 50)
    monkeypatch.setattr(files, "BLOCK", 16)
    blocks = iter_blocks(path, 100)
    assert next(blocks) == b"x" * 16
    with open(path, "ab") as handle:  # it grows past the limit between two reads
        handle.write(b"y" * 200)
    read = 16
    with pytest.raises(InputFileError, match="grew past the limit of 100 bytes") as caught:
        for block in blocks:
            read += len(block)
    assert caught.value.errno == errno.EFBIG and read <= 100


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=80), block=st.integers(min_value=1, max_value=9))
def test_lines_read_in_blocks_are_the_file_split_at_lf_with_their_offsets(tmp_path_factory, data, block):
    path = tmp_path_factory.mktemp("lines") / "f"
    path.write_bytes(data)
    old, files.BLOCK = files.BLOCK, block
    try:
        lines = list(iter_lines(path))
    finally:
        files.BLOCK = old
    assert [line for _, line in lines] == data.split(b"\n")
    assert all(data[offset:offset + len(line)] == line for offset, line in lines)
    assert b"".join(iter_blocks(path)) == data


def test_the_scorer_reads_predictions_line_by_line_and_locates_bad_utf8_in_the_file(tmp_path, monkeypatch):
    path = tmp_path / "p.jsonl"
    path.write_bytes('\ufeff{"a": 1}\n{"b": "é"}\n'.encode("utf-8") + b'{"c": "\xe9"}\n')
    monkeypatch.setattr(files, "BLOCK", 4)
    lines = evaluation._text_lines(path)
    assert next(lines) == '{"a": 1}' and next(lines) == '{"b": "é"}'
    with pytest.raises(evaluation._NotUtf8) as caught:
        next(lines)
    assert caught.value.offset == path.read_bytes().index(b"\xe9")


@settings(max_examples=100, deadline=None)
@given(size=st.integers(0, 70), seen=st.integers(0, 70), block=st.sampled_from([4, 16, 1 << 20]),
       limit=st.sampled_from([None, 40, 70]))
def test_read_regular_reads_the_whole_file_whatever_size_its_fstat_gave(tmp_path_factory, size, seen, block, limit):
    """A file that grew or shrank between its check and its read is read whole, or refused past the limit."""
    path = tmp_path_factory.mktemp("sized") / "f"
    data = bytes(range(size))
    path.write_bytes(data)
    seen = seen if limit is None else min(seen, limit)  # a file checked over the limit is not opened
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "BLOCK", block)
        # The file as checked had ``seen`` bytes.
        patch.setattr(files, "_open_regular", lambda path, *_: (os.open(path, os.O_RDONLY), seen))
        if limit is not None and size > limit:
            with pytest.raises(InputFileError, match="grew past the limit"):
                read_regular(path, limit)
        else:
            assert read_regular(path, limit) == data


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="the system has no O_NOFOLLOW: every file goes the lstat way")
def test_a_file_opened_without_following_links_reads_and_refuses_as_read_regular_does(tmp_path, no_hang):
    plain, link, pipe, folder = tmp_path / "plain", tmp_path / "link", tmp_path / "pipe", tmp_path / "folder"
    plain.write_bytes(b'{"a": 1}')
    link.symlink_to(plain)
    os.mkfifo(pipe)
    folder.mkdir()
    assert files.read_opened(files.open_unlinked(plain), plain, 100) == read_regular(plain, 100)
    assert files.open_unlinked(link) is None  # a link is left to the caller's lstat
    with pytest.raises(FileNotFoundError):
        files.open_unlinked(tmp_path / "missing")
    for odd in (pipe, folder):  # opened without blocking, refused by their status, as read_regular refuses them
        with pytest.raises(InputFileError) as opened:
            files.read_opened(files.open_unlinked(odd), odd, 100)
        with pytest.raises(InputFileError) as checked:
            read_regular(odd, 100)
        assert (opened.value.errno, opened.value.strerror) == (checked.value.errno, checked.value.strerror)
    with pytest.raises(InputFileError, match="more than the limit of 3"):
        files.read_opened(files.open_unlinked(plain), plain, 3)
