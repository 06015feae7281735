"""Resource limits a checking child puts on itself, shared by the forked child
(`sandbox`) and the spawned one (`worker`)."""

from __future__ import annotations


def apply_limits(cpu_seconds: float, memory_mb: int) -> None:
    """Limit the calling process (the child): CPU seconds, address space, no core dumps.

    The child applies them to itself (no `preexec_fn`, which is unsafe in a threaded
    parent such as a web server)."""
    import resource

    cpu = max(1, int(cpu_seconds + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if memory_mb:
        # The cap is on what the check itself may add: a child forked from a web process
        # starts with the parent's whole address space (Django, numpy, OR-Tools mapped), so
        # an absolute cap would be either useless there or too tight for a fresh child.
        size = _address_space_bytes() + int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _address_space_bytes() -> int:
    """The calling process's current virtual size (0 where /proc is not available)."""
    import os

    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
