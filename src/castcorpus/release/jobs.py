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
    """Workers a build uses unless told otherwise: one per usable core that is idle, at most
    :data:`MAX_DEFAULT_JOBS`, at least one.

    A core counts as busy while other processes keep it so: the usable cores less the
    one-minute load average, rounded. Workers on a core that something else is using do not
    pay for starting them and merging their chunks (docs/benchmarks.md: on a 2-core machine
    with the second core busy, 2 workers gained nothing at 20,000 documents and lost at 5,000),
    so the default never asks for more workers than there are idle cores."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        busy = round(os.getloadavg()[0])
    except (AttributeError, OSError):  # no load average on this system: every core is idle
        busy = 0
    return max(1, min(cores - busy, MAX_DEFAULT_JOBS))
