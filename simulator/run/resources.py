"""Refuse runs that cannot fit in memory, before anything is written.

The estimate is linear in the sizes of a run, with coefficients measured as the peak resident
memory (``ru_maxrss``) a run adds on top of the loaded libraries (default parameters, 120 steps,
opportunistic SMBs): 7 MB at 300 SMBs, 23 MB at 10,000, 58 MB at 30,000 and 182 MB at 100,000
SMBs (1.9 kB per SMB at the larger sizes); 129 MB instead of 47 MB at 10,000 SMBs with 400
platforms instead of 100 (27 bytes per SMB and platform); 22 MB for 20,000 partners (1.1 kB per
partner); 25 MB for 2,000 steps instead of 7 MB for 120 (about 10 kB per step), and 62 MB instead
of 58 MB at 30,000 SMBs for 240 steps instead of 120 (about 1 byte per SMB and step); a no-shock twin
doubles it (108 MB instead of 58 MB at 30,000 SMBs). The coefficients below round these up
(30,000 diversifying SMBs, with many alliances, measured 83 MB against an estimate of 113 MB).
"""

from __future__ import annotations

from pathlib import Path

from simulator.config import ModelConfig
from simulator.errors import ConfigError

BYTES_PER_SMB = 2_500
BYTES_PER_SMB_PLATFORM = 32
BYTES_PER_SMB_STEP = 70
"""4 bytes measured before the per-firm history; plus the history itself (revenue, net income,
alive: 17 bytes) and the float64 arrays the per-firm shock response builds from it at the end
(about 48 bytes; estimated, not measured)."""
BYTES_PER_PARTNER = 1_500
BYTES_PER_STEP = 12_000
BYTES_PER_ROBUSTNESS_POINT = 200
"""Each point of the two network-robustness curves (``resilience.robustness_steps``): three
floats in lists and in summary.json."""
BASE_BYTES = 20_000_000
"""Memory a tiny run adds on top of the libraries (measured: about 7 MB)."""
MEMINFO = Path("/proc/meminfo")


def estimate_bytes(config: ModelConfig) -> dict[str, int]:
    """The estimated peak memory of a run, split by the key that drives each part."""
    copies = 2 if config.twin and config.shocks else 1
    parts = {
        "n_smbs": config.n_smbs
        * (BYTES_PER_SMB + BYTES_PER_SMB_PLATFORM * config.n_platforms + BYTES_PER_SMB_STEP * config.steps),
        "n_partners": config.n_partners * BYTES_PER_PARTNER,
        "steps": config.steps * BYTES_PER_STEP,
        "resilience.robustness_steps": config.resilience.robustness_steps * BYTES_PER_ROBUSTNESS_POINT,
    }
    return {key: copies * value for key, value in parts.items()}


def available_bytes(meminfo: Path = MEMINFO) -> int | None:
    """``MemAvailable`` from ``/proc/meminfo`` in bytes (None where there is no such file)."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_memory(config: ModelConfig, available: int | None = None) -> None:
    """Raise :class:`ConfigError` if the run's estimated memory exceeds the memory available.

    Parameters
    ----------
    config
        The run's configuration.
    available
        Bytes available (default: ``MemAvailable`` of ``/proc/meminfo``; no check without it).
    """
    available = available_bytes() if available is None else available
    if available is None:
        return
    parts = estimate_bytes(config)
    needed = BASE_BYTES + sum(parts.values())
    if needed > available:
        key = max(parts, key=parts.__getitem__)
        value: object = config
        for part in key.split("."):
            value = getattr(value, part)
        twin = " (twice: with its twin)" if config.twin and config.shocks else ""
        raise ConfigError(
            key,
            f"this run needs about {_size(needed)} of memory{twin}, {_size(parts[key])} of it for "
            f"{key}={value}, but {_size(available)} is available (estimate: see the README, Memory)",
        )


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} PB"
