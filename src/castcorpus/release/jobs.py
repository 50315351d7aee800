"""How many workers a build uses: the one default, read by the build and the command line.

``jobs`` is the number of worker processes that check and derive documents in the build's
first phase; the second phase writes the Parquet configs in as many threads. Kept in a module
of its own, with no import beyond the standard library, so that ``castcorpus build --help``
can state the default without importing the build.
"""

from __future__ import annotations

import os

#: The most workers :func:`default_jobs` proposes (each worker process holds about 250 MB).
MAX_DEFAULT_JOBS = 8


def default_jobs() -> int:
    """Workers a build uses unless told otherwise: one per usable core, at most
    :data:`MAX_DEFAULT_JOBS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_JOBS))
