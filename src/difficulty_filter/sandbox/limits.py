"""Resource limits of one sandboxed execution and how a child process applies them."""

from __future__ import annotations

import math
import resource
from dataclasses import asdict, dataclass

from ..settings import CodeSettings

MIB = 1024 * 1024
#: Size of the private /tmp (tmpfs) a sandbox gets when it has its own mount namespace.
DISK_BYTES = 64 * MIB
#: Open file descriptors per sandboxed process.
OPEN_FILES = 64


@dataclass(frozen=True)
class Limits:
    """Limits for one response: per test (CPU and wall) and for all its tests together (wall)."""

    test_seconds: float
    total_seconds: float
    memory_bytes: int
    processes: int
    output_bytes: int

    @property
    def test_wall_seconds(self) -> float:
        """Wall-clock limit per test: twice the CPU limit, so a busy host does not turn slowness into failure."""
        return 2 * self.test_seconds

    def to_dict(self) -> dict:
        return asdict(self)


def limits_from(code: CodeSettings, factor: float = 1.0) -> Limits:
    """Limits from the `reward.code` settings; times are multiplied by the calibration `factor`."""
    return Limits(
        test_seconds=code.test_timeout * factor,
        total_seconds=code.total_timeout * factor,
        memory_bytes=code.memory_mb * MIB,
        processes=code.max_processes,
        output_bytes=code.max_output_bytes,
    )


def apply_rlimits(limits: Limits, processes: int) -> None:
    """Set the rlimits of the calling process (the test process); `processes` is the RLIMIT_NPROC value.

    The CPU hard limit covers the whole response; the test process moves the soft limit along per test."""
    cpu = max(1, math.ceil(limits.test_seconds))
    for name, soft, hard in (
        (resource.RLIMIT_CPU, cpu, math.ceil(limits.total_seconds + limits.test_seconds) + 1),
        (resource.RLIMIT_AS, limits.memory_bytes, limits.memory_bytes),
        (resource.RLIMIT_FSIZE, limits.output_bytes, limits.output_bytes),
        (resource.RLIMIT_NOFILE, OPEN_FILES, OPEN_FILES),
        (resource.RLIMIT_NPROC, processes, processes),
        (resource.RLIMIT_CORE, 0, 0),
    ):
        resource.setrlimit(name, (soft, hard))
