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
        size = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
