"""Per-stage wall-clock timing of code we do not own, by wrapping its functions in place.

``Stages.wrap(owner, name, stage)`` replaces ``owner.name`` with a timed wrapper that
records wall-clock and CPU time (CPU time is what to compare when other work shares the
machine: waiting for a core is wall time but not CPU time). Time is
*exclusive*: when a wrapped call runs inside another wrapped call, its time is charged to
its own stage and taken off the enclosing one, so the stages add up to the wall time of
the outermost call. A name that is missing is recorded in ``missing`` rather than failing,
so a benchmark keeps running when the code it measures is refactored.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict


class Stages:
    """Accumulated exclusive seconds per stage name."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)   # wall clock
        self.cpu: dict[str, float] = defaultdict(float)       # process CPU time
        self.calls: dict[str, int] = defaultdict(int)
        self.missing: list[str] = []
        self._stack: list[list[float]] = []   # per open call: [wall, cpu] spent in nested calls

    def wrap(self, owner, name: str, stage: str, consume: bool = False) -> None:
        """Time every call of ``owner.name`` under ``stage``; ``consume`` drains a generator
        inside the timed call (for functions that return lazy iterators)."""
        original = getattr(owner, name, None)
        if original is None:
            self.missing.append(f"{getattr(owner, '__name__', owner)}.{name}")
            return

        @functools.wraps(original)
        def timed(*args, **kwargs):
            started = self._open()
            try:
                result = original(*args, **kwargs)
                return list(result) if consume else result
            finally:
                self._close(stage, started)

        setattr(owner, name, timed)

    def _open(self) -> tuple[float, float]:
        self._stack.append([0.0, 0.0])
        return time.perf_counter(), time.process_time()

    def _close(self, stage: str, started: tuple[float, float]) -> None:
        wall = time.perf_counter() - started[0]
        cpu = time.process_time() - started[1]
        nested_wall, nested_cpu = self._stack.pop()
        self.seconds[stage] += wall - nested_wall
        self.cpu[stage] += cpu - nested_cpu
        self.calls[stage] += 1
        if self._stack:
            self._stack[-1][0] += wall
            self._stack[-1][1] += cpu

    def timed(self, stage: str):
        """A context manager charging a block to ``stage`` (same exclusive accounting)."""
        return _Block(self, stage)

    def as_dict(self) -> dict[str, float]:
        """Wall-clock seconds per stage."""
        return {stage: round(seconds, 4) for stage, seconds in sorted(self.seconds.items())}

    def cpu_dict(self) -> dict[str, float]:
        """CPU seconds per stage."""
        return {stage: round(seconds, 4) for stage, seconds in sorted(self.cpu.items())}

    def result(self, **extra) -> dict:
        """A benchmark variant's result when the variant is nothing but its stages."""
        return {"total_s": sum(self.seconds.values()), "total_cpu_s": sum(self.cpu.values()),
                "stages": self.as_dict(), "cpu_stages": self.cpu_dict(), **extra}


class _Block:
    def __init__(self, stages: Stages, stage: str):
        self.stages, self.stage = stages, stage

    def __enter__(self):
        self.started = self.stages._open()
        return self

    def __exit__(self, *exc):
        self.stages._close(self.stage, self.started)
        return False
