"""Reading input files safely: type and size checked on the opened file, bytes read in blocks.

A path's type and size are checked before it is opened (a named pipe or a device is never
opened by :func:`read_regular` or :func:`iter_blocks`; :func:`open_unlinked` opens first, without
blocking and without following a link, and the caller refuses what its ``fstat`` shows is not a
regular file); it is then opened without blocking (a named pipe opened for reading would wait for a
writer forever) and the opened file checked again with ``fstat``, so that the file checked is
the file read even if the path was swapped in between; its bytes are read in blocks up to the
limit, so that a file that grows while it is read is refused, never read whole.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Iterator

#: Why a file that is not a regular file is not read.
NOT_REGULAR = "not a regular file"
#: Bytes read at a time.
BLOCK = 1 << 20


#: How an input file is opened: for reading, without blocking, not inherited by child processes.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
#: Where the system has no O_NOFOLLOW, :func:`open_unlinked` leaves every file to the caller.
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: What ``open`` with O_NOFOLLOW says of a link: ELOOP (Linux, macOS), EMLINK (FreeBSD).
_LINK_REFUSED = {errno.ELOOP, errno.EMLINK}


class InputFileError(OSError):
    """A file that is not read: not a regular file, or larger than the limit. ``strerror`` says why."""


def _open_regular(path: Path, limit: int | None, status: os.stat_result | None = None) -> tuple[int, int]:
    """``(file descriptor, size)`` of ``path`` opened for reading once it is a regular file
    of at most ``limit`` bytes; :class:`InputFileError` otherwise (OSError as the system gives it).

    ``status`` is what the caller's ``os.lstat`` (or ``os.stat``) of ``path`` gave, if it has
    one: a regular file's stands for the check before opening (one system call less per file)."""
    _check(status if status is not None and stat.S_ISREG(status.st_mode) else os.stat(path), path, limit)
    fd = os.open(path, _READ_FLAGS)
    try:
        status = os.fstat(fd)
        _check(status, path, limit)
    except BaseException:
        os.close(fd)
        raise
    return fd, status.st_size


def _check(status: os.stat_result, path: Path, limit: int | None) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise InputFileError(errno.EINVAL, NOT_REGULAR, str(path))
    if limit is not None and status.st_size > limit:
        raise _too_large(path, status.st_size, limit)


def _too_large(path: Path, size: int | None, limit: int) -> InputFileError:
    why = (f"file has {size} bytes, more than the limit of {limit}" if size is not None
           else f"file grew past the limit of {limit} bytes while it was read")
    return InputFileError(errno.EFBIG, why, str(path))


def iter_blocks(path: Path, limit: int | None = None, status: os.stat_result | None = None) -> Iterator[bytes]:
    """The bytes of the regular file ``path`` in blocks of at most :data:`BLOCK`; raises
    :class:`InputFileError` before reading anything when it is not a regular file or is over
    ``limit`` bytes, and as soon as more than ``limit`` bytes have been read (it grew).
    ``status``: the caller's ``os.lstat`` of ``path``, if it has one (see :func:`_open_regular`)."""
    fd, _ = _open_regular(path, limit, status)
    read = 0
    try:
        # os.read on the descriptor: a file object per file showed when reading many small files.
        while block := os.read(fd, BLOCK):
            read += len(block)
            if limit is not None and read > limit:
                raise _too_large(path, None, limit)
            yield block
    finally:
        os.close(fd)


def read_regular(path: Path, limit: int | None = None, status: os.stat_result | None = None) -> bytes:
    """All the bytes of the regular file ``path`` (checked as :func:`iter_blocks` checks it).

    A file smaller than a block is read by one ``read`` of its size and one byte more: a regular
    file reads short only at its end, so getting exactly its size means the file is whole (a
    corpus has tens of thousands of small files, and a generator and a second ``read`` for each
    showed). A file that grew or shrank since it was checked is read on, block by block."""
    fd, size = _open_regular(path, limit, status)
    return _read_all(fd, size, path, limit)


def open_unlinked(path: str | Path) -> tuple[int, os.stat_result] | None:
    """``(file descriptor, its fstat)`` of ``path`` opened for reading (without blocking) when
    it is not a symbolic link; None when it is one or may be one (O_NOFOLLOW refuses it, or the
    system has no O_NOFOLLOW): the caller then takes its ``lstat`` and goes the usual way.
    Other errors of ``open`` are raised (ENOENT: nothing is there, as ``lstat`` would say).

    One open and one fstat answer "is it there", "is it a link" and "is it a regular file"
    that an ``lstat`` before the open answered (a system call less for every file of a corpus).
    The caller closes the descriptor, or hands it to :func:`read_opened`, which does."""
    if not _NO_FOLLOW:
        return None
    try:
        fd = os.open(path, _READ_FLAGS | _NO_FOLLOW)
    except OSError as err:
        if err.errno in _LINK_REFUSED:  # a link (or a loop of them above it): lstat tells which
            return None
        raise
    try:
        return fd, os.fstat(fd)
    except BaseException:
        os.close(fd)
        raise


def read_opened(opened: tuple[int, os.stat_result], path: Path, limit: int | None = None) -> bytes:
    """All the bytes of a file :func:`open_unlinked` opened (checked as :func:`read_regular`
    checks it, on the opened file's status); the descriptor is closed."""
    fd, status = opened
    try:
        _check(status, path, limit)
    except BaseException:
        os.close(fd)
        raise
    return _read_all(fd, status.st_size, path, limit)


def _read_all(fd: int, size: int, path: Path, limit: int | None) -> bytes:
    """The bytes of the open regular file ``fd`` of ``size`` bytes when checked (see
    :func:`read_regular`); the descriptor is closed."""
    try:
        data = os.read(fd, size + 1) if size < BLOCK else b""
        if len(data) == size:
            return data
        blocks, read = [data], len(data)
        while block := os.read(fd, BLOCK):
            blocks.append(block)
            read += len(block)
            if limit is not None and read > limit:
                raise _too_large(path, None, limit)
        if limit is not None and read > limit:  # the first read alone can pass it by one byte
            raise _too_large(path, None, limit)
        return b"".join(blocks)
    finally:
        os.close(fd)


def iter_lines(path: Path, limit: int | None = None) -> Iterator[tuple[int, bytes]]:
    """``(byte offset, line)`` of every line of the regular file ``path`` (split at LF, the LF
    removed), read block by block so that only one line is held at a time (see :func:`iter_blocks`)."""
    pending, offset = b"", 0
    for block in iter_blocks(path, limit):
        pending += block
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield offset, line
            offset += len(line) + 1
    yield offset, pending
