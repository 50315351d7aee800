"""How many workers a build uses: the one default, read by the build and the command line.

``jobs`` is the number of worker processes that check and derive documents in the build's
first phase; the second phase writes the Parquet configs in as many threads. Kept in a module
of its own, with no import beyond the standard library, so that ``castcorpus build --help``
can state the default without importing the build.

The default counts the usable cores that other processes leave idle while the build reads its
inputs (:class:`IdleCores`). Workers pay only on a core of their own: on a machine of two cores
with one kept busy, two workers took 0.81x to 1.03x of one process's wall time over eight runs
(losing in two), while with both cores free they took 0.53x to 0.67x (docs/benchmarks.md,
sessions 6 and 7). So a core in use elsewhere is not counted: the default never loses.
"""

from __future__ import annotations

import math
import os
import time

#: The most workers :func:`default_jobs` proposes (each worker process holds about 250 MB).
MAX_DEFAULT_JOBS = 8

#: Cores another process may keep busy and still count as idle: background noise (a shell,
#: a file system daemon) should not cost a worker, one busy core should.
BUSY_TOLERANCE = 0.25

#: The shortest measurement :meth:`IdleCores.jobs` bases its count on; it waits for the rest
#: when the build reached its first phase sooner (the kernel counts in ticks of 10 ms).
MIN_SAMPLE_SECONDS = 0.1

_PROC_STAT = "/proc/stat"


def usable_cores() -> list[int] | None:
    """The cores this process may run on (Linux), or None where that cannot be asked."""
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return None


def jobs_for(cores: int, busy_elsewhere: float) -> int:
    """Workers for ``cores`` usable cores of which other processes keep ``busy_elsewhere``
    busy (in cores): one per idle core, at least one, at most :data:`MAX_DEFAULT_JOBS`."""
    idle = cores - max(0.0, busy_elsewhere)
    return max(1, min(cores, MAX_DEFAULT_JOBS, math.floor(idle + BUSY_TOLERANCE)))


def cpu_ticks(text: str, cpus: list[int]) -> tuple[int, int]:
    """``(busy, total)`` clock ticks of ``cpus`` since boot, from the text of ``/proc/stat``
    (idle and waiting for I/O count as idle)."""
    wanted = {f"cpu{n}" for n in cpus}
    busy = total = 0
    for line in text.splitlines():
        name, *values = line.split()
        if name in wanted:
            # user nice system idle iowait irq softirq steal (guest time is inside user)
            ticks = [int(v) for v in values[:8]]
            total += sum(ticks)
            busy += sum(ticks) - ticks[3] - ticks[4]
    return busy, total


def _read_stat() -> str | None:
    try:
        with open(_PROC_STAT, encoding="ascii") as handle:
            return handle.read()
    except OSError:
        return None


class IdleCores:
    """How busy other processes keep the usable cores, measured from :meth:`start` to
    :meth:`jobs` from the kernel's tick counts, less this process's own CPU time (all its
    threads). Where ``/proc/stat`` is missing the load average stands in for the measurement;
    where that is missing too, every usable core counts as idle.

    A plain class, not a dataclass: the command line imports this module for its help, and
    ``dataclasses`` (with ``inspect``) was a fifth of that start-up (docs/benchmarks.md)."""

    def __init__(self, cpus: list[int] | None, stat: str | None):
        self.cpus, self.stat = cpus, stat
        # Read when measured, not bound when defined (so that tests can set the clocks).
        self.wall = time.monotonic()
        self.own_cpu = time.process_time()

    @classmethod
    def start(cls) -> "IdleCores":
        """Begin measuring (the build calls this first, and :meth:`jobs` when its workers start)."""
        cpus = usable_cores()
        return cls(cpus, _read_stat() if cpus else None)

    @property
    def cores(self) -> int:
        return len(self.cpus) if self.cpus else (os.cpu_count() or 1)

    def busy_elsewhere(self) -> float:
        """Cores kept busy by other processes since :meth:`start`."""
        if self.stat is None:
            try:
                return os.getloadavg()[0]
            except (AttributeError, OSError):
                return 0.0
        left = MIN_SAMPLE_SECONDS - (time.monotonic() - self.wall)
        if left > 0:
            time.sleep(left)
        now = _read_stat()
        if now is None:
            return 0.0
        own = (time.process_time() - self.own_cpu) / max(time.monotonic() - self.wall, 1e-9)
        (busy0, total0), (busy1, total1) = cpu_ticks(self.stat, self.cpus), cpu_ticks(now, self.cpus)
        if total1 <= total0:
            return 0.0
        busy = (busy1 - busy0) / (total1 - total0) * len(self.cpus)
        return max(0.0, busy - own)

    def jobs(self) -> int:
        """Workers for the cores left idle: :func:`jobs_for`."""
        return jobs_for(self.cores, self.busy_elsewhere())


def default_jobs() -> int:
    """Workers a build uses unless told otherwise: one per usable core that other processes
    leave idle (measured over :data:`MIN_SAMPLE_SECONDS`), at least one, at most
    :data:`MAX_DEFAULT_JOBS`. A build measures over the time it spends reading its inputs
    instead (:class:`IdleCores`)."""
    return IdleCores.start().jobs()
